"""Hash digests out of core: the DuckDB engine's row digests in Parquet files, queried by DuckDB.

A :class:`~auditor.engines.digests.HashCounts` keeps 24–32 bytes per distinct row in memory
(about 5.6 GB for the three digests of 100 M distinct rows). The DuckDB engine instead writes
each part's digest arrays to a Parquet file as soon as the part is profiled
(:meth:`SpilledHashCounts.spill`) and keeps in memory only what is bounded: the row total, the
rows skipped, and the first :data:`~auditor.validation.results.MAX_EXAMPLES` rows that repeat
an earlier row of the same part.

Files
    One folder per dataset (:class:`SpillFolder`), made with :func:`tempfile.mkdtemp` under
    ``$AUDITOR_SPILL_DIR`` (:data:`SPILL_DIR_ENV`) or the system's temporary folder, and removed
    when the last digest using it is garbage-collected or the process exits
    (:func:`weakref.finalize`). A part file has the columns ``h`` (the 64-bit hash), ``n`` (its
    rows in the part), ``first`` (its first row, relative to the part) and, for the feature
    digest, ``g`` (the feature-vector hash). It takes about the memory of the arrays on disk
    (less, compressed).

Merging
    Two spilled digests merge by concatenating their part lists (the later one's part offsets
    shifted by the earlier one's rows) and keeping the first repeat examples: no file is read.
    An in-memory digest merged with a spilled one is spilled first (into the spilled one's
    folder).

Queries
    Everything the checks ask is computed lazily in DuckDB SQL with a ``memory_limit`` of
    :data:`MEMORY_LIMIT` and a ``temp_directory`` in the spill folder, so DuckDB spills its
    hash tables too: once per digest, the parts are aggregated into one ``(h, n, first, g)``
    file (rows per hash, first row in the dataset, the feature-vector hash of that first row),
    and the distinct count and multiplicities (:meth:`~SpilledHashCounts.summary`), the repeat
    examples, conflicting labels and the rows shared with another digest are queried from it.
    Every answer equals that of the in-memory digest of the same rows
    (``tests/engines/test_spill.py``).

Hash partitions
    DuckDB's own spilling does not carry a ``GROUP BY`` of 100 M distinct hashes, or the join of
    the rows with it, under its memory limit (measured: *Out of Memory* at 512 MB). A digest of
    more than :data:`PARTITION_ROWS` rows is therefore first written once, part by part with
    pyarrow, into hash partitions of about that many rows (by the feature-vector hash ``g``
    where there is one, else by ``h``:
    equal rows have equal ``h`` and equal ``g``, so every group a query forms lies in one
    partition), and each partition is aggregated, joined and grouped on its own; the answers
    are combined (sums, and the first rows of each partition's examples).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from auditor.validation.results import MAX_EXAMPLES

if TYPE_CHECKING:
    import pyarrow as pa

    from auditor.engines.digests import Digests, HashCounts, HashSummary

SPILL_DIR_ENV = "AUDITOR_SPILL_DIR"
"""Environment variable naming the folder under which spill folders are made (default: the system's temporary folder)."""

MEMORY_LIMIT = "512MB"
"""DuckDB's memory limit for the digest queries (it spills to the spill folder beyond it)."""

THREADS = 2
"""DuckDB threads for the digest queries."""

PARTITION_ROWS = 8_000_000
"""Rows per hash partition of a large spilled digest (see *Hash partitions* in the module docstring).

Measured on a scale model (2026-12-03): 20 M hashes of a feature digest under a 100 MB limit ran
out of memory in one ``GROUP BY`` and in DuckDB's partitioned ``COPY``, and not in partitions of
0.8, 1.6 or 2 M rows (7.4 s in all, 2.7 s of it the partitioning); a single aggregate of the 10 M-row
W1 table ran under 512 MB. 8 M rows under 512 MB keeps a fifth of margin."""


STALE_AFTER_SECONDS = 600
"""A spill folder left by a process that no longer runs (killed with SIGKILL, or a power cut: its
finalizer never ran) and untouched this long is removed when the next spill folder is made in the
same place."""


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def remove_stale(base: str | os.PathLike[str] | None = None, *, older_than: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Remove the spill folders under ``base`` (default: the system's temporary folder) whose process
    is gone and which were not modified for ``older_than`` seconds; return the folders removed."""
    root = Path(base) if base is not None else Path(tempfile.gettempdir())
    removed = []
    for folder in root.glob("auditor-spill-*-*"):
        pid = folder.name.split("-")[2]
        try:
            stale = (folder.is_dir() and pid.isdigit() and not _running(int(pid))
                     and time.time() - folder.stat().st_mtime > older_than)
        except OSError:
            continue
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


class SpillFolder:
    """A temporary folder for one dataset's spilled digests, removed with its last user.

    Its name carries the process id (``auditor-spill-PID-…``), so a folder left by a killed run is
    recognised and removed by the next run (:func:`remove_stale`).

    Parameters
    ----------
    parent
        Where to make it (default ``$AUDITOR_SPILL_DIR``, else the system's temporary folder).
    """

    def __init__(self, parent: str | os.PathLike[str] | None = None) -> None:
        base = parent if parent is not None else os.environ.get(SPILL_DIR_ENV) or None
        if base is not None:
            Path(base).mkdir(parents=True, exist_ok=True)
        remove_stale(base)
        self.path = Path(tempfile.mkdtemp(prefix=f"auditor-spill-{os.getpid()}-", dir=base))
        self._count = 0
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self.path), ignore_errors=True)

    def new_file(self, stem: str) -> Path:
        """A fresh file name in the folder."""
        with self._lock:
            self._count += 1
            return self.path / f"{stem}-{os.getpid()}-{self._count}.parquet"

    def remove(self) -> None:
        """Remove the folder now (it is removed anyway when the object is collected)."""
        self._finalizer()


def _connect(folder: SpillFolder) -> Any:
    import duckdb

    temp = folder.path / "duckdb-tmp"
    temp.mkdir(exist_ok=True)
    con = duckdb.connect(":memory:", config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(temp),
                                             "threads": THREADS, "preserve_insertion_order": False})
    con.execute("SET enable_progress_bar = false")  # DuckDB's own bar would land in a user's terminal or cron log
    return con


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


@dataclass(frozen=True)
class _Part:
    path: Path
    offset: int
    folder: SpillFolder = field(repr=False, compare=False)


def _write(path: Path, columns: dict[str, np.ndarray]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), path, compression="zstd", use_dictionary=False)  # random hashes: no dictionary


@dataclass
class SpilledHashCounts:
    """A hash digest whose distinct hashes are in Parquet files (see the module docstring).

    It answers every question of :class:`~auditor.engines.digests.HashCounts` with the same
    result: :attr:`n_rows`, :attr:`n_repeated`, :meth:`multiplicities`, :meth:`summary`,
    :meth:`repeat_examples`, :meth:`conflicts`, :meth:`shared_with`; :meth:`materialise`
    reads it back into memory.

    Attributes
    ----------
    columns
        The columns hashed.
    parts
        The part files with their row offsets.
    n_rows
        Rows hashed.
    repeats, repeat_hashes
        The first rows that repeat an earlier row *of their own part*, and their hashes (rows
        that repeat a row of an earlier part are found by query).
    has_groups
        Whether the parts carry feature-vector hashes.
    n_skipped
        Rows not hashed.
    """

    columns: tuple[str, ...]
    parts: tuple[_Part, ...]
    n_rows: int
    repeats: np.ndarray
    repeat_hashes: np.ndarray
    has_groups: bool = False
    n_skipped: int = 0
    key: str | None = None
    _aggregate: tuple[Path, ...] | None = field(default=None, repr=False, compare=False)
    _partitions: tuple[Path, ...] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def spill(cls, digest: HashCounts, folder: SpillFolder, *, path: Path | None = None) -> SpilledHashCounts:
        """Write an in-memory digest to a part file of ``folder`` (``path``: a name from :meth:`SpillFolder.new_file`)."""
        target = path or folder.new_file("part")
        columns = {"h": digest.hashes, "n": digest.counts.astype(np.int64), "first": digest.first.astype(np.int64)}
        if digest.groups is not None:
            columns["g"] = digest.groups
        _write(target, columns)
        return cls(columns=digest.columns, parts=(_Part(target, 0, folder),), n_rows=digest.n_rows,
                   repeats=digest.repeats.astype(np.int64), repeat_hashes=digest.repeat_hashes.astype(np.uint64),
                   has_groups=digest.groups is not None, n_skipped=digest.n_skipped, key=digest.key)

    @property
    def folder(self) -> SpillFolder:
        """The spill folder of the first part (where aggregates and query temporaries go)."""
        return self.parts[0].folder

    # -- merging ------------------------------------------------------------------------------

    def merge(self, other: HashCounts | SpilledHashCounts, offset: int) -> SpilledHashCounts:
        """Digest of the rows of ``self`` followed by the ``offset``-shifted rows of ``other`` (no file is read)."""
        from auditor.engines.digests import HashCounts

        if self.columns != other.columns:
            raise ValueError("cannot merge digests of different columns")
        if isinstance(other, HashCounts):
            other = SpilledHashCounts.spill(other, self.folder)
        if not isinstance(other, SpilledHashCounts):
            raise ValueError("cannot merge a digest with a saved digest summary: load the profile with its row evidence")
        if self.key != other.key:
            raise ValueError("cannot merge digests hashed with different keys")
        if self.has_groups != other.has_groups:
            raise ValueError("cannot merge a feature digest with a digest without feature-vector hashes")
        positions = np.concatenate([self.repeats, other.repeats + offset])
        hashes = np.concatenate([self.repeat_hashes, other.repeat_hashes])
        order = np.argsort(positions, kind="stable")[:MAX_EXAMPLES]
        parts = self.parts + tuple(_Part(p.path, p.offset + offset, p.folder) for p in other.parts)
        return SpilledHashCounts(columns=self.columns, parts=parts, n_rows=self.n_rows + other.n_rows,
                                 repeats=positions[order], repeat_hashes=hashes[order], has_groups=self.has_groups,
                                 n_skipped=self.n_skipped + other.n_skipped, key=self.key)

    # -- queries ------------------------------------------------------------------------------

    def _union(self, *, group: bool) -> str:
        g = ", g" if group else ""
        return " UNION ALL ".join(f"SELECT h, n, first + {p.offset} AS first{g} FROM read_parquet({_quote(p.path)})"
                                  for p in self.parts)

    def aggregate(self) -> tuple[Path, ...]:
        """The files of ``(h, n, first, g)`` per distinct hash over all parts, one per hash
        partition (computed once; see *Hash partitions* in the module docstring)."""
        if self._aggregate is None:
            g = ", arg_min(g, first) AS g" if self.has_groups else ""
            count = -(-self.n_rows // PARTITION_ROWS)
            con = _connect(self.folder)
            try:
                if count <= 1:
                    sources = [f"({self._union(group=self.has_groups)})"]
                else:
                    self._partitions = self._partition(count)
                    sources = [f"read_parquet({_quote(path)})" for path in self._partitions]
                targets = []
                for source in sources:
                    target = self.folder.new_file("aggregate")
                    con.execute(f"COPY (SELECT h, sum(n)::BIGINT AS n, min(first) AS first{g} FROM {source} GROUP BY h) "
                                f"TO {_quote(target)} (FORMAT parquet, COMPRESSION zstd)")
                    targets.append(target)
            finally:
                con.close()
            self._aggregate = tuple(targets)
        return self._aggregate

    def _partition(self, count: int) -> tuple[Path, ...]:
        """The parts' rows, with their offsets applied, written into ``count`` hash-partition files.

        Done part by part with pyarrow (one part in memory at a time; DuckDB's partitioned
        ``COPY`` of the parts ran out of memory where this does not).
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        key = "g" if self.has_groups else "h"
        paths = [self.folder.new_file(f"partition-{i}") for i in range(count)]
        writers: dict[int, Any] = {}
        try:
            for part in self.parts:
                table = pq.read_table(part.path)
                if part.offset:
                    first = table.column("first").to_numpy() + np.int64(part.offset)
                    table = table.set_column(table.schema.get_field_index("first"), "first", pa.array(first))
                which = (table.column(key).to_numpy() % np.uint64(count)).astype(np.int32)
                order = np.argsort(which, kind="stable")  # a radix sort of small integers
                bounds = np.searchsorted(which[order], np.arange(count + 1))
                table = table.take(order)
                for i in np.flatnonzero(np.diff(bounds)):
                    if i not in writers:
                        # read once, soon: no compression, no dictionaries of random hashes, no statistics
                        writers[i] = pq.ParquetWriter(paths[i], table.schema, compression="none", use_dictionary=False,
                                                      write_statistics=False)
                    writers[i].write_table(table.slice(bounds[i], bounds[i + 1] - bounds[i]))
        finally:
            for writer in writers.values():
                writer.close()
        return tuple(paths[i] for i in sorted(writers))

    def _pieces(self) -> list[tuple[str, str]]:
        """Per hash partition: SQL naming its rows ``(h, n, first[, g])`` and its aggregate."""
        aggregates = self.aggregate()
        if self._partitions is None:
            return [(f"({self._union(group=self.has_groups)})", f"read_parquet({_quote(aggregates[0])})")]
        return [(f"read_parquet({_quote(d)})", f"read_parquet({_quote(a)})") for d, a in zip(self._partitions, aggregates, strict=True)]

    def _query(self, sql: str, **tables: Any) -> list[tuple[Any, ...]]:
        files = ", ".join(_quote(a) for a in self.aggregate())
        return self._run(sql.replace("{agg}", f"read_parquet([{files}])"), **tables)

    def _run(self, sql: str, **tables: Any) -> list[tuple[Any, ...]]:
        con = _connect(self.folder)
        try:
            for name, table in tables.items():
                con.register(name, table)
            return con.execute(sql).fetchall()
        finally:
            con.close()

    @property
    def n_distinct(self) -> int:
        """Distinct hashes."""
        return int(self._query("SELECT count(*) FROM {agg}")[0][0])

    @property
    def n_repeated(self) -> int:
        """Rows whose hash occurred on an earlier row."""
        return self.n_rows - self.n_distinct

    def multiplicities(self) -> dict[int, int]:
        """``{copies: number of distinct hashes with that many rows}``."""
        return {int(c): int(k) for c, k in self._query("SELECT n, count(*) FROM {agg} GROUP BY n ORDER BY n")}

    def repeated_groups(self) -> tuple[int, int]:
        """``(hashes with more than one row, rows they cover)``."""
        (groups, rows), = self._query("SELECT count(*), coalesce(sum(n), 0) FROM {agg} WHERE n > 1")
        return int(groups), int(rows)

    def summary(self) -> HashSummary:
        """The bounded part of the digest (as :meth:`HashCounts.summary <auditor.engines.digests.HashCounts.summary>`)."""
        from auditor.engines.digests import HashSummary

        counts = self.multiplicities()
        return HashSummary(self.columns, sum(counts.values()), counts, self.n_skipped, has_groups=self.has_groups)

    def _first_of(self, hashes: np.ndarray) -> np.ndarray:
        if not len(hashes):
            return np.zeros(0, dtype=np.int64)
        import pyarrow as pa

        wanted = pa.table({"h": pa.array(np.asarray(hashes, dtype=np.uint64)), "i": np.arange(len(hashes))})
        found = self._query("SELECT w.i, a.first FROM wanted w JOIN {agg} a USING (h) ORDER BY w.i", wanted=wanted)
        return np.array([f for _, f in sorted(found)], dtype=np.int64)

    def repeat_examples(self) -> list[dict[str, int]]:
        """``[{row, same_as}]``: the first rows that repeat an earlier row, with that earlier row."""
        across = sorted(found for rows, aggregate in self._pieces() for found in self._run(
            f"SELECT p.first, p.h FROM {rows} p JOIN {aggregate} a USING (h) WHERE p.first > a.first "
            f"ORDER BY p.first LIMIT {MAX_EXAMPLES}"))[:MAX_EXAMPLES]
        positions = np.concatenate([self.repeats, np.array([r for r, _ in across], dtype=np.int64)])
        hashes = np.concatenate([self.repeat_hashes, np.array([h for _, h in across], dtype=np.uint64)])
        order = np.argsort(positions, kind="stable")[:MAX_EXAMPLES]
        earlier = self._first_of(hashes[order])
        return [{"row": int(r), "same_as": int(e)} for r, e in zip(positions[order], earlier, strict=True)]

    def conflicts(self) -> tuple[int, int, list[list[int]]]:
        """Feature vectors with more than one label: ``(groups, rows, examples)`` (see
        :meth:`HashCounts.conflicts <auditor.engines.digests.HashCounts.conflicts>`)."""
        if not self.has_groups:
            raise ValueError("this digest has no feature-vector hashes")
        groups, rows = 0, 0
        examples: dict[int, list[int]] = {}
        for _, aggregate in self._pieces():  # a feature vector's hashes all lie in one partition
            conflicting = (f"SELECT g, count(*) AS k, sum(n) AS rows, min(first) AS f FROM {aggregate} GROUP BY g "
                           "HAVING count(*) > 1")
            (found_groups, found_rows), = self._run(f"SELECT count(*), coalesce(sum(rows), 0) FROM ({conflicting})")
            groups, rows = groups + int(found_groups), rows + int(found_rows)
            if not found_groups:
                continue
            found = self._run(f"WITH c AS ({conflicting}), top AS (SELECT g, f FROM c ORDER BY f LIMIT {MAX_EXAMPLES}) "
                              f"SELECT top.f, a.first FROM top JOIN {aggregate} a USING (g) ORDER BY top.f, a.first")
            for f, first in found:
                examples.setdefault(int(f), []).append(int(first))
        if not groups:
            return 0, 0, []
        return groups, rows, [sorted(examples[f]) for f in sorted(examples)[:MAX_EXAMPLES]]

    def shared_with(self, earlier: HashCounts | SpilledHashCounts) -> tuple[int, int, list[dict[str, int]]]:
        """Rows of this digest whose hash is in ``earlier``: ``(rows, distinct hashes, examples)``
        (see :meth:`HashCounts.shared_with <auditor.engines.digests.HashCounts.shared_with>`)."""
        if self.key != earlier.key:
            raise ValueError("cannot compare digests hashed with different keys")
        other, tables = _relation(earlier)
        sql = f"SELECT l.h, l.n, l.first, e.first AS earlier FROM {{agg}} l JOIN {other} e USING (h)"
        (rows, distinct), = self._query(f"SELECT coalesce(sum(n), 0), count(*) FROM ({sql})", **tables)
        if not distinct:
            return 0, 0, []
        found = self._query(f"SELECT first, earlier FROM ({sql}) ORDER BY first LIMIT {MAX_EXAMPLES}", **tables)
        return int(rows), int(distinct), [{"row": int(r), "earlier_row": int(e)} for r, e in sorted(found)]

    # -- back to memory -----------------------------------------------------------------------

    def materialise(self) -> HashCounts:
        """The in-memory digest of the same rows (24–32 bytes per distinct hash, as :class:`HashCounts`).

        For writing the row evidence of a profile (:meth:`Profile.save
        <auditor.engines.profile.Profile.save>` with a key) or keying it; the hashes come back
        in order of their first row, as the in-memory digest keeps them.
        """
        from auditor.engines.digests import HashCounts

        g = ", g" if self.has_groups else ""
        con = _connect(self.folder)
        try:
            files = ", ".join(_quote(a) for a in self.aggregate())
            table = con.sql(f"SELECT h, n, first{g} FROM read_parquet([{files}]) ORDER BY first").to_arrow_table()
        finally:
            con.close()
        examples = self.repeat_examples()
        repeats = np.array([e["row"] for e in examples], dtype=np.int64)
        first = table.column("first").to_numpy().astype(np.int64)
        # sorted here too: DuckDB's Arrow export of an ORDER BY result without insertion order
        # preserved was seen to hand over its chunks out of order (about 1 query in 100)
        order = np.argsort(first, kind="stable")
        first = first[order]
        hashes = table.column("h").to_numpy().astype(np.uint64)[order]
        repeat_hashes = hashes[np.searchsorted(first, [e["same_as"] for e in examples])] if examples else \
            np.zeros(0, dtype=np.uint64)
        return HashCounts(columns=self.columns, hashes=hashes, counts=table.column("n").to_numpy().astype(np.int64)[order],
                          first=first, repeats=repeats, repeat_hashes=np.asarray(repeat_hashes, dtype=np.uint64),
                          groups=table.column("g").to_numpy().astype(np.uint64)[order] if self.has_groups else None,
                          n_skipped=self.n_skipped, key=self.key)

    def keyed(self, key: bytes) -> HashCounts:
        """The keyed in-memory digest (:meth:`materialise`, then :meth:`HashCounts.keyed
        <auditor.engines.digests.HashCounts.keyed>`)."""
        return self.materialise().keyed(key)


DIGESTS = ("rows", "ids", "features")
"""The hash digests of :class:`~auditor.engines.digests.Digests` that are spilled."""


def spill_digests(digests: Digests, folder: SpillFolder | str, stem: str) -> Digests:
    """``digests`` with its hash digests written to part files (``folder``: the folder, or its
    path in a worker process, whose parts the calling process then :func:`adopt` s)."""
    import dataclasses

    target = folder if isinstance(folder, SpillFolder) else _Detached(Path(folder))
    changes = {}
    for name in DIGESTS:
        digest = getattr(digests, name)
        if digest is not None and not isinstance(digest, SpilledHashCounts):
            path = target.path / f"{stem}-{name}.parquet"
            changes[name] = SpilledHashCounts.spill(digest, target, path=path)  # type: ignore[arg-type]
    return dataclasses.replace(digests, **changes)


def adopt(digests: Digests, folder: SpillFolder) -> Digests:
    """``digests`` whose part files (written by a worker process) belong to ``folder``."""
    import dataclasses

    changes = {}
    for name in DIGESTS:
        digest = getattr(digests, name)
        if isinstance(digest, SpilledHashCounts):
            changes[name] = dataclasses.replace(digest, parts=tuple(_Part(p.path, p.offset, folder) for p in digest.parts))
    return dataclasses.replace(digests, **changes)


class _Detached:
    """A spill folder's path in a worker process (the folder belongs to the calling process)."""

    def __init__(self, path: Path) -> None:
        self.path = path


def _relation(digest: HashCounts | SpilledHashCounts) -> tuple[str, dict[str, pa.Table]]:
    """SQL naming a digest's ``(h, first)`` table, and the Arrow tables to register for it."""
    if isinstance(digest, SpilledHashCounts):
        return "read_parquet([" + ", ".join(_quote(a) for a in digest.aggregate()) + "])", {}
    import pyarrow as pa

    return "earlier_digest", {"earlier_digest": pa.table({"h": pa.array(digest.hashes), "first": pa.array(digest.first)})}


def shared_in_memory_later(later: HashCounts, earlier: SpilledHashCounts) -> tuple[int, int, list[dict[str, int]]]:
    """:meth:`HashCounts.shared_with` for an in-memory later digest and a spilled earlier one."""
    import pyarrow as pa

    if later.key != earlier.key:
        raise ValueError("cannot compare digests hashed with different keys")
    table = pa.table({"h": pa.array(later.hashes), "n": pa.array(later.counts), "first": pa.array(later.first)})
    sql = "SELECT l.h, l.n, l.first, e.first AS earlier FROM later_digest l JOIN {agg} e USING (h)"
    (rows, distinct), = earlier._query(f"SELECT coalesce(sum(n), 0), count(*) FROM ({sql})", later_digest=table)
    if not distinct:
        return 0, 0, []
    found = earlier._query(f"SELECT first, earlier FROM ({sql}) ORDER BY first LIMIT {MAX_EXAMPLES}", later_digest=table)
    return int(rows), int(distinct), [{"row": int(r), "earlier_row": int(e)} for r, e in sorted(found)]


__all__ = ["MEMORY_LIMIT", "SPILL_DIR_ENV", "STALE_AFTER_SECONDS", "SpillFolder", "SpilledHashCounts", "adopt", "remove_stale", "spill_digests"]
