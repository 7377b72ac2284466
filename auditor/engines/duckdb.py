"""The DuckDB engine: Parquet and CSV files profiled out of core, in bounded memory.

The file is read as Arrow record batches, in file order: by DuckDB (embedded, no server) on its
own threads, or, for a large Parquet file, by the worker processes themselves with pyarrow (see
*Both cores*). Each batch goes through the same
chunk kernel as an in-memory DataFrame (:func:`auditor.engines.pandas.profile_frame`), and the
batch profiles are merged exactly (:meth:`Profile.merge <auditor.engines.profile.Profile.merge>`).
Nothing is computed twice and no statistic is specific to this engine, so a file profiled here
gives the same findings as the same file read whole by pandas (``tests/engines/test_parity.py``).

Both cores
    A Parquet file of at least :data:`PARALLEL_MIN_ROWS` rows is cut into one contiguous share
    of rows per worker process (:data:`WORKERS`); each worker reads the row groups of its share
    itself with pyarrow, profiles them in batches and merges them, and this process merges one
    profile per worker, in file order (:func:`profile_parquet`). No rows pass between
    processes. Other files (CSV, small Parquet files) are read by DuckDB in this process on its
    own threads, outside the GIL: a reader thread pulls the next batches, and the workers run
    the kernel on consecutive batches side by side; at most :data:`PREFETCH` batches wait to be
    handed out and ``WORKERS + 1`` are being profiled, so memory stays bounded by a few batches
    plus the merged profile.

Merging
    Consecutive batch profiles are merged :data:`~auditor.engines.profile.MERGE_FAN_IN` at a time
    (:class:`~auditor.engines.profile.ProfileMerger`), so each row's statistics take part in
    a few merges, and neighbours stay adjacent: example row positions are positions in the file.

Memory
    The hash digests, the one part of a profile that grows with the rows (24–32 bytes per
    distinct row in memory), of a file of more than :data:`SPILL_MIN_ROWS` rows are written to Parquet part files by the worker that profiled the
    batch (:mod:`auditor.engines.spill`: a temporary folder per dataset under
    ``$AUDITOR_SPILL_DIR``, removed with the profile) and queried with DuckDB when the checks
    ask; merging them concatenates file lists. Everything else merged is bounded (sketches,
    capped category counts, group and feature tables, the row sample). A Parquet file of more
    than :data:`LARGE_FILE_ROWS` rows, and every file the workers read themselves, is profiled in
    batches of :data:`LARGE_BATCH_ROWS`, and DuckDB reads under :data:`READ_MEMORY_LIMIT`.

Types
    Parquet columns keep their stored types. CSV columns are typed by DuckDB's sniffer limited
    to the types pandas' reader infers (``BOOLEAN``, ``BIGINT``, ``DOUBLE``, ``VARCHAR``), so a
    CSV gives the same column kinds with either engine: dates stay text, as with pandas. The
    encoding and delimiter are detected the way :mod:`auditor.sources` detects them.

When it is chosen
    ``engine: duckdb`` in the spec or ``--engine duckdb`` on the command line; with
    ``engine: auto``, for files larger than :data:`AUTO_MEMORY_SHARE` of the machine's physical
    memory (see :func:`auto_engine`).
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.errors import DataError, EngineError

if TYPE_CHECKING:
    import pyarrow as pa

    from auditor.engines.base import DatasetHandle, ProfilePlan, Schema
    from auditor.engines.profile import Profile
    from auditor.spec.model import DataSource

BATCH_ROWS = 1 << 20
"""Rows per Arrow batch handed from DuckDB to the chunk kernel (about 1 M)."""

LARGE_FILE_ROWS = 4 << 20
"""A Parquet file with more rows than this (about 4.2 M) is streamed in batches of :data:`LARGE_BATCH_ROWS`.

Measured on the 10 M-row W1 table (benchmarks/bench_engines.py, 2026-12-03, load ~2): with
1 M-row batches the audit process held 1.4–1.6 GB and each worker 0.8–1.2 GB (3.7 GB together);
with 262,144-row batches 0.9–1.1 GB and 0.47–0.59 GB (2.1 GB), in the same time (121 s vs
117 s under that load)."""

LARGE_BATCH_ROWS = 1 << 18
"""Rows per batch of a large file (about 262,000): a worker profiling a 1 M-row batch peaks at
1.0–1.3 GB (the batch as a DataFrame, its hashes and codes), a quarter of that keeps the three
processes under 2 GB together; the fixed cost per batch is paid four times as often."""

SPILL_MIN_ROWS = 1_000_000
"""A Parquet file of more rows than this (and every CSV file: its rows are not known in advance)
has its hash digests spilled to disk (:mod:`auditor.engines.spill`). Below it the digests stay
in memory (at most about 80 MB): spilling costs about 0.9 s an audit of the bundled sample
(2.5 s instead of 1.6 s, measured), nothing worth saving for a small file."""

READ_MEMORY_LIMIT = "512MB"
"""DuckDB's memory limit while it streams a file (default of :func:`profile_source`): without
one it caches what it read up to most of the machine's memory."""

PARALLEL_MIN_ROWS = 1 << 19
"""A Parquet file of at least this many rows (about 524,000) is cut into one contiguous share
of rows per worker, and each worker reads its share itself (:func:`profile_parquet`); a smaller
file is profiled in this process."""

PREFETCH = 1
"""Batches read ahead while the current one is profiled."""

WORKERS = min(2, os.cpu_count() or 1)
"""Processes that run the kernel on batches side by side (one per core, at most two)."""

AUTO_MEMORY_SHARE = 0.05
"""``engine: auto`` uses DuckDB for a file larger than this share of physical memory (5 %).

A Parquet file takes 3 to 10 times its size as a DataFrame (compression, text columns), and
profiling a DataFrame in one piece needs about twice the DataFrame again; at 5 % a file that
would need more than roughly a third to all of the memory in one piece is streamed instead."""

INSTALL_HINT = "pip install 'duckdb>=1.1' (a dependency of auditor: reinstall auditor)"

_CSV_TYPES = ["BOOLEAN", "BIGINT", "DOUBLE", "VARCHAR"]
_DUCKDB_ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "utf-16": "utf-16", "latin-1": "latin-1"}


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError:
        raise EngineError(f"engine 'duckdb' needs the duckdb package: {INSTALL_HINT}") from None
    return duckdb


def physical_memory() -> int:
    """Bytes of physical memory of this machine (0 when the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 0


def auto_engine(source: DataSource, *, memory: int | None = None) -> str:
    """The engine ``engine: auto`` picks for one data source: ``spark``, ``duckdb`` or ``pandas``.

    A Spark DataFrame or a catalog table goes to Spark; a file larger than
    :data:`AUTO_MEMORY_SHARE` of physical memory (``memory``, default: this machine's) is
    streamed with DuckDB; a smaller file and a pandas DataFrame use pandas.
    """
    if source.table is not None or type(source.frame).__module__.startswith("pyspark.sql"):
        return "spark"
    if source.path is None or not source.path.is_file():
        return "pandas"
    total = physical_memory() if memory is None else memory
    return "duckdb" if total and source.path.stat().st_size > AUTO_MEMORY_SHARE * total else "pandas"


def _connect(threads: int | None, memory_limit: str | None) -> Any:
    duckdb = _duckdb()
    config: dict[str, Any] = {"threads": threads or os.cpu_count() or 1, "preserve_insertion_order": True}
    if memory_limit:
        config["memory_limit"] = memory_limit
    con = duckdb.connect(":memory:", config=config)
    con.execute("SET enable_progress_bar = false")  # the audit's own progress line is the only one
    return con


def _mangled(names: list[str]) -> list[str]:
    """Duplicated header names made unique the way pandas' reader does (``a``, ``a.1``, ``a.2``)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out


def sniff_csv(source: DataSource, path: Path) -> tuple[list[str], dict[str, Any]]:
    """The header (pandas-style unique names) and the details of a CSV file, detected as
    :mod:`auditor.sources` detects them: ``encoding``, ``delimiter``, ``duplicated_columns``.

    Raises
    ------
    DataError
        For an empty file, or ``names:`` that do not match the first line.
    """
    from auditor.sources import sniff_csv as sniff

    layout = sniff(source, path)
    header, details = layout.header, layout.details
    return _mangled(header), details


def _csv_relation(con: Any, source: DataSource, path: Path) -> tuple[Any, dict[str, Any]]:
    header, details = sniff_csv(source, path)
    encoding = details["encoding"]
    native = _DUCKDB_ENCODINGS.get(encoding.lower().replace("_", "-"))
    if native is None:
        raise DataError(f"the DuckDB engine reads CSV in UTF-8, UTF-16 or Latin-1, not {encoding}; convert the file, "
                        "or use engine: pandas", source=path)
    options: dict[str, Any] = {"delimiter": details["delimiter"], "encoding": native, "header": source.header,
                               "auto_type_candidates": _CSV_TYPES, "sample_size": -1}
    if source.names is not None or "duplicated_columns" in details:
        options["names"] = header
    return con.read_csv(str(path), **options), details


def _format(source: DataSource) -> str:
    path = source.path
    assert path is not None
    return source.format or ("parquet" if path.suffix.lower() in (".parquet", ".pq") else "csv")


def open_relation(con: Any, source: DataSource) -> tuple[Any, dict[str, Any]]:
    """A DuckDB relation over the file of ``source`` (Parquet or CSV), not yet read, and how it is read.

    Raises
    ------
    DataError
        For a missing file, a folder, or a file DuckDB cannot read, naming the file.
    """
    path = source.path
    if path is None:
        raise DataError("the DuckDB engine reads files; an in-memory DataFrame is profiled by pandas", source=source.label)
    if not path.exists():
        raise DataError(f"file not found (data.{source.name}); check the path in the spec", source=path)
    if path.is_dir():
        raise DataError(f"is a folder (data.{source.name}); point to a CSV or Parquet file", source=path)
    duckdb = _duckdb()
    fmt = _format(source)
    try:
        if fmt == "parquet":
            relation = con.read_parquet(str(path))
            dropped = set(_Parquet(path).index_columns)
            if dropped:
                relation = relation.select(*[duckdb.ColumnExpression(c) for c in relation.columns if c not in dropped])
            return relation, {}
        return _csv_relation(con, source, path)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"DuckDB cannot read this {fmt} file ({first})", source=path) from None
    except OSError as exc:  # pyarrow's reading of the Parquet footer
        raise DataError(f"DuckDB cannot read this {fmt} file ({exc})", source=path) from None


def _batches(relation: Any, batch_rows: int, source: str) -> Iterator[pa.Table]:
    """The relation's rows as Arrow tables of about ``batch_rows`` rows, read ahead by a thread (see the module docstring)."""
    to_reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_record_batch  # duckdb 2 / 1.x
    reader = to_reader(batch_rows)
    handoff: queue.Queue[Any] = queue.Queue(maxsize=max(PREFETCH, 1))
    done = object()
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in reader:
                if stop.is_set():
                    return
                handoff.put(batch)
            handoff.put(done)
        except BaseException as exc:  # handed to the consumer, which raises it
            handoff.put(exc)

    thread = threading.Thread(target=produce, name="auditor-duckdb-reader", daemon=True)
    thread.start()
    import pyarrow as pa

    pending: list[pa.RecordBatch] = []  # DuckDB hands over a row group at a time: gathered up to batch_rows
    held = 0
    try:
        while True:
            item = handoff.get()
            if item is done:
                if pending:
                    yield pa.Table.from_batches(pending)
                return
            if isinstance(item, BaseException):
                first = str(item).strip().splitlines()[0] if str(item).strip() else type(item).__name__
                raise DataError(f"reading failed part-way through the file ({first})", source=source) from None
            if item.num_rows:
                pending.append(item)
                held += item.num_rows
            if held >= batch_rows:
                yield pa.Table.from_batches(pending)
                pending, held = [], 0
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                handoff.get_nowait()
            except queue.Empty:
                thread.join(timeout=0.05)


class _Parquet:
    """What pandas' Parquet reader would make of the file: stored types and pandas metadata.

    DuckDB widens some stored types (``timestamp[ms]`` to ``timestamp[us]``, dictionaries to
    text); casting each batch back to the file's schema, with the file's pandas metadata, gives
    the DataFrame ``pandas.read_parquet`` gives (categoricals, nullable integers, time units),
    so both engines profile the same dtypes. Index columns pandas stored are not data.
    """

    def __init__(self, path: Path) -> None:
        import json

        import pyarrow.parquet as pq

        schema = pq.read_schema(path)
        meta = dict(schema.metadata or {})
        self.index_columns: list[str] = []
        if b"pandas" in meta:
            pandas_meta = json.loads(meta[b"pandas"])
            self.index_columns = [c for c in pandas_meta.get("index_columns", []) if isinstance(c, str)]
            pandas_meta["index_columns"] = []
            meta[b"pandas"] = json.dumps(pandas_meta).encode()
        import pyarrow as pa

        keep = [f for f in schema if f.name not in self.index_columns]
        # Dictionary columns (pandas categoricals): their categories as the file stores them, so
        # every batch gets the same categorical dtype, in the file's category order.
        self.categories: dict[str, list[Any]] = {}
        dictionary = [f.name for f in keep if pa.types.is_dictionary(f.type)]
        if dictionary:
            parquet = pq.ParquetFile(path)
            if parquet.num_row_groups:
                first = parquet.read_row_group(0, columns=dictionary)
                for name in dictionary:
                    chunks = first.column(name).chunks
                    self.categories[name] = chunks[0].dictionary.to_pylist() if chunks else []
        self.file_schema = pa.schema(keep)
        """The file's own schema (the dataset's schema, by the logical-type policy)."""
        self.schema = pa.schema([pa.field(f.name, f.type.value_type) if f.name in self.categories else f for f in keep],
                                metadata=meta)

    def frame(self, batch: pa.RecordBatch | pa.Table) -> Any:
        """The batch (or table) cast to the file's types, as a DataFrame."""
        import pandas as pd
        import pyarrow as pa

        try:
            batch = pa.Table.from_arrays([batch.column(f.name).cast(f.type) for f in self.schema], schema=self.schema)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, KeyError):
            pass  # a type Arrow cannot cast back: the engine's reading stands
        frame = batch.to_pandas()
        for name, categories in self.categories.items():
            values = frame[name]
            known = set(categories)
            extra = [v for v in pd.unique(values.dropna()) if v not in known]
            frame[name] = pd.Categorical(values, categories=categories + extra)
        return frame


def nullable_candidates(schema: pa.Schema) -> list[str]:
    """Integer and boolean columns: the ones whose pandas dtype depends on whether they hold a null."""
    import pyarrow.types as t

    return [f.name for f in schema if t.is_integer(f.type) or t.is_boolean(f.type)]


def parquet_null_columns(path: Path, candidates: list[str]) -> set[str] | None:
    """Which of ``candidates`` hold a null anywhere in the file, from the row-group statistics
    (``None`` when a row group has no statistics for one of them)."""
    import pyarrow.parquet as pq

    if not candidates:
        return set()
    metadata = pq.ParquetFile(path).metadata
    index = {metadata.schema.column(i).path: i for i in range(metadata.num_columns)}
    found: set[str] = set()
    for name in candidates:
        if name not in index:
            return None
        for group in range(metadata.num_row_groups):
            stats = metadata.row_group(group).column(index[name]).statistics
            if stats is None or not stats.has_null_count:
                return None
            if stats.null_count:
                found.add(name)
                break
    return found


def relation_null_columns(relation: Any, candidates: list[str]) -> set[str]:
    """Which of ``candidates`` hold a null anywhere in the relation (one aggregate pass in DuckDB)."""
    if not candidates:
        return set()
    quoted = ['"' + name.replace('"', '""') + '"' for name in candidates]
    counts = relation.aggregate(", ".join(f"count(*) - count({q})" for q in quoted)).fetchall()[0]
    return {name for name, missing in zip(candidates, counts) if missing}


class BatchConverter:
    """Arrow batch → the DataFrame pandas would make of these rows when reading the whole dataset.

    Arrow's conversion gives an integer column ``int64`` in a batch without nulls and
    ``float64`` in one with nulls, a boolean column ``bool`` or ``object``: pandas decides on
    the whole column. So the columns that hold a null anywhere (``with_nulls``, found once per
    dataset) get the dtype they have in the whole dataset in every batch, and every batch
    profiles, hashes and samples alike. A Parquet file's own types and pandas metadata are
    restored first (:class:`_Parquet`).
    """

    def __init__(self, with_nulls: set[str], parquet: _Parquet | None = None) -> None:
        self.with_nulls = with_nulls
        self.parquet = parquet

    def __call__(self, batch: pa.RecordBatch | pa.Table) -> Any:
        import numpy as np

        frame = self.parquet.frame(batch) if self.parquet is not None else batch.to_pandas()
        for name in self.with_nulls:
            dtype = frame[name].dtype
            if dtype == np.bool_:
                frame[name] = frame[name].astype(object)
            elif isinstance(dtype, np.dtype) and dtype.kind in "iu":
                frame[name] = frame[name].astype(np.float64)
        return frame


def batch_frame(batch: pa.RecordBatch | pa.Table) -> Any:
    """One Arrow batch as a DataFrame (pyarrow's conversion; see :class:`BatchConverter` for a dataset's batches)."""
    return batch.to_pandas()


def converter_for(relation: Any, source: DataSource) -> BatchConverter:
    """The batch converter of a file read by DuckDB (null columns from Parquet statistics, else one query)."""
    candidates = nullable_candidates(relation.limit(0).to_arrow_table().schema)
    parquet = _Parquet(source.path) if source.path is not None and _format(source) == "parquet" else None
    with_nulls = parquet_null_columns(source.path, candidates) if parquet is not None and source.path is not None else None
    if with_nulls is None:
        with_nulls = relation_null_columns(relation, candidates)
    return BatchConverter(with_nulls, parquet)


def _profile_batch(batch: pa.Table, dataset: str, plan: ProfilePlan, to_frame: Callable[[pa.Table], Any],
                   spill: Any = None, stem: str = "part") -> Profile:
    """The kernel on one batch (run in a worker process, or in this one); its hash digests
    written to part files of ``spill`` (a :class:`~auditor.engines.spill.SpillFolder`, or its
    path in a worker) when given."""
    import dataclasses

    from auditor.engines.pandas import profile_frame

    profile = profile_frame(to_frame(batch), dataset=dataset, plan=plan)
    if spill is not None and profile.digests is not None:
        from auditor.engines.spill import spill_digests

        profile = dataclasses.replace(profile, digests=spill_digests(profile.digests, spill, stem))
    return profile


def _adopted(profile: Profile, folder: Any) -> Profile:
    """A worker's part profile whose spilled part files belong to ``folder``."""
    import dataclasses

    from auditor.engines.spill import adopt

    if folder is None or profile.digests is None:
        return profile
    return dataclasses.replace(profile, digests=adopt(profile.digests, folder))


def _ready() -> bool:
    return True


def _result(future: Any, source: str) -> Profile:
    """A worker's profile; a worker that died (killed, out of memory) is an :class:`EngineError` naming the file."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:
        raise EngineError(f"{source}: a worker process of the DuckDB engine stopped before it finished (killed, or out "
                          "of memory?); run again, or with engine: pandas for a file that fits in memory") from None


def start_workers(workers: int) -> Any:
    """Worker processes for the kernel, or ``None`` for one worker or where ``fork`` is not safe.

    Forked (``spawn`` would re-run a user's script without a ``__main__`` guard) and started
    at once, before DuckDB starts its threads; Linux only.
    """
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor

    if workers < 2 or not sys.platform.startswith("linux"):
        return None
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))
    for future in [pool.submit(_ready) for _ in range(workers)]:
        future.result()
    return pool


def profile_relation(relation: Any, *, dataset: str, plan: ProfilePlan, source: str = "<relation>",
                     batch_rows: int = BATCH_ROWS, to_frame: Callable[[pa.Table], Any] = batch_frame,
                     pool: Any = None, workers: int = 1, spill: bool = True,
                     spill_dir: str | os.PathLike[str] | None = None) -> Profile:
    """Profile every row of a DuckDB relation, batch by batch, and merge the batch profiles.

    Parameters
    ----------
    relation
        A DuckDB relation (a file scan or any query).
    dataset
        The dataset's role.
    plan
        Which columns play which role, and the row-level quality work.
    source
        How the data is named in messages.
    batch_rows
        Rows per batch (:data:`BATCH_ROWS`).
    to_frame
        How a batch becomes a DataFrame (default: pyarrow's conversion).
    pool, workers
        Worker processes (:func:`start_workers`) that run the kernel on consecutive batches
        side by side, and how many; ``None`` runs it in this process. Batches are merged in
        file order whatever order the workers finish in, with at most ``workers + 1`` in flight.
    spill, spill_dir
        Whether the hash digests go to disk (:mod:`auditor.engines.spill`: one temporary folder
        per call, under ``spill_dir``, default ``$AUDITOR_SPILL_DIR`` or the system's temporary
        folder); ``False`` keeps them in memory (24–32 bytes per distinct row).
    """
    from collections import deque

    from auditor.engines.profile import ProfileMerger

    folder = None
    if spill:
        from auditor.engines.spill import SpillFolder

        folder = SpillFolder(spill_dir)
    merger = ProfileMerger()
    pending: deque[Any] = deque()
    for index, batch in enumerate(_batches(relation, batch_rows, source)):
        if not batch.num_rows:
            continue
        stem = f"{dataset}-{index:06d}"
        if pool is None:
            merger.add(_profile_batch(batch, dataset, plan, to_frame, folder, stem))
            continue
        pending.append(pool.submit(_profile_batch, batch, dataset, plan, to_frame,
                                   None if folder is None else str(folder.path), stem))
        del batch
        while len(pending) > workers:
            merger.add(_adopted(_result(pending.popleft(), source), folder))
    while pending:
        merger.add(_adopted(_result(pending.popleft(), source), folder))
    merged = merger.result()
    if merged is None:
        raise DataError(f"data.{dataset} has a header but no rows; an audit needs data", source=source)
    return merged


def row_ranges(n_rows: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` contiguous ``[start, stop)`` ranges of about equal size covering ``n_rows`` rows, in order."""
    bounds = [n_rows * i // parts for i in range(parts + 1)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if b > a]


def _range_batches(path: Path, start: int, stop: int, columns: list[str], batch_rows: int) -> Iterator[pa.Table]:
    """Rows ``[start, stop)`` of a Parquet file as Arrow tables of about ``batch_rows`` rows, read with pyarrow.

    Only the row groups that overlap the range are read; a row group that straddles one of its
    ends is decoded batch by batch and cut.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    metadata = parquet.metadata
    pending: list[pa.RecordBatch] = []
    held, group_start = 0, 0
    for group in range(metadata.num_row_groups):
        group_stop = group_start + metadata.row_group(group).num_rows
        position, group_start = group_start, group_stop
        if group_stop <= start or position >= stop:
            continue
        for batch in parquet.iter_batches(batch_size=min(batch_rows, 1 << 16), row_groups=[group], columns=columns,
                                          use_threads=False):
            lo, hi = position, position + batch.num_rows
            position = hi
            if hi <= start or lo >= stop:
                continue
            batch = batch.slice(max(start - lo, 0), min(stop, hi) - max(start, lo))
            pending.append(batch)
            held += batch.num_rows
            if held >= batch_rows:
                yield pa.Table.from_batches(pending)
                pending, held = [], 0
    if pending:
        yield pa.Table.from_batches(pending)


def _profile_range(path: str, start: int, stop: int, dataset: str, plan: ProfilePlan, to_frame: BatchConverter,
                   spill: str | None, batch_rows: int) -> Profile:
    """Rows ``[start, stop)`` of a Parquet file profiled batch by batch and merged (run in a worker process)."""
    import pyarrow as pa

    from auditor.engines.profile import ProfileMerger

    assert to_frame.parquet is not None
    merger = ProfileMerger()
    try:
        for index, batch in enumerate(_range_batches(Path(path), start, stop, to_frame.parquet.schema.names, batch_rows)):
            merger.add(_profile_batch(batch, dataset, plan, to_frame, spill, f"{dataset}-{start:012d}-{index:06d}"))
    except (pa.ArrowException, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"reading failed part-way through the file ({first})", source=path) from None
    merged = merger.result()
    assert merged is not None  # the range is not empty
    return merged


def profile_parquet(source: DataSource, *, dataset: str, plan: ProfilePlan, pool: Any, workers: int, n_rows: int,
                    to_frame: BatchConverter, batch_rows: int = LARGE_BATCH_ROWS, spill: bool = True,
                    spill_dir: str | os.PathLike[str] | None = None) -> Profile:
    """Profile a Parquet file with each worker process reading its own contiguous share of the rows.

    The file's rows are cut into ``workers`` ranges of about equal size; each worker reads the
    row groups of its range itself (pyarrow), profiles them in batches of ``batch_rows`` and
    merges them, so no rows pass between processes and this process only merges one profile
    per worker, in file order.
    """
    from auditor.engines.profile import Profile

    folder = None
    if spill:
        from auditor.engines.spill import SpillFolder

        folder = SpillFolder(spill_dir)
    assert source.path is not None
    futures = [pool.submit(_profile_range, str(source.path), start, stop, dataset, plan, to_frame,
                           None if folder is None else str(folder.path), batch_rows)
               for start, stop in row_ranges(n_rows, workers)]
    return Profile.merge_all([_adopted(_result(future, source.label), folder) for future in futures])


def profile_source(source: DataSource, *, dataset: str, plan: ProfilePlan, batch_rows: int | None = None,
                   threads: int | None = None, memory_limit: str | None = None, workers: int | None = None,
                   spill_dir: str | os.PathLike[str] | None = None) -> Profile:
    """Profile the file of one data source with DuckDB, out of core.

    Parameters
    ----------
    source
        A CSV or Parquet file named in the spec.
    dataset
        The dataset's role.
    plan
        Which columns play which role, and the row-level quality work.
    batch_rows
        Rows per Arrow batch (default :data:`BATCH_ROWS`; :data:`LARGE_BATCH_ROWS` for a Parquet
        file of more than :data:`LARGE_FILE_ROWS` rows).
    threads
        DuckDB threads (default: every core).
    memory_limit
        DuckDB's own memory limit, e.g. ``"1GB"`` (default :data:`READ_MEMORY_LIMIT`).
    workers
        Kernel processes (default :data:`WORKERS`); started only when the file has more than
        one batch of rows (or, for CSV, may have).
    spill_dir
        Where the hash digests are spilled (for a file of more than :data:`SPILL_MIN_ROWS` rows;
        default ``$AUDITOR_SPILL_DIR``, else the system's
        temporary folder; see :mod:`auditor.engines.spill`).

    Raises
    ------
    DataError
        For an unreadable file.
    EngineError
        When duckdb is not installed.
    """
    count = WORKERS if workers is None else workers
    known = _known_rows(source)
    spill = known is None or known > SPILL_MIN_ROWS
    shared = known is not None and known >= PARALLEL_MIN_ROWS and count > 1  # each worker reads its share
    rows = batch_rows or (LARGE_BATCH_ROWS if shared or (known is not None and known > LARGE_FILE_ROWS) else BATCH_ROWS)
    pool = start_workers(count) if shared or known is None or known > rows else None  # before DuckDB's threads start
    con = _connect(threads, memory_limit or READ_MEMORY_LIMIT)
    try:
        relation, _ = open_relation(con, source)
        to_frame = converter_for(relation, source)
        if shared and pool is not None and known is not None and to_frame.parquet is not None:
            return profile_parquet(source, dataset=dataset, plan=plan, pool=pool, workers=count, n_rows=known,
                                   to_frame=to_frame, batch_rows=rows, spill=spill, spill_dir=spill_dir)
        return profile_relation(relation, dataset=dataset, plan=plan, source=source.label, batch_rows=rows,
                                to_frame=to_frame, pool=pool, workers=count, spill_dir=spill_dir, spill=spill)
    finally:
        con.close()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _known_rows(source: DataSource) -> int | None:
    """Rows of a Parquet file from its footer (``None`` for CSV or an unreadable footer)."""
    if source.path is None or _format(source) != "parquet":
        return None
    try:
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(source.path).metadata.num_rows)
    except Exception:  # open_relation reports an unreadable file
        return None


class DuckDBEngine:
    """The out-of-core engine for CSV and Parquet files (see the module docstring).

    An in-memory DataFrame is already in memory: ``open`` hands it to the pandas engine.
    """

    name = "duckdb"

    def open(self, source: DataSource) -> DatasetHandle:
        """Check the file, fingerprint it and read its schema (Parquet footer, CSV sniffing); no rows are kept."""
        from auditor.engines.base import DatasetHandle, Schema, get_engine
        from auditor.sources import file_sha256

        if source.path is None:
            return get_engine("pandas").open(source)
        con = _connect(1, None)
        try:
            relation, details = open_relation(con, source)
            fmt = _format(source)
            n_rows: int | None = None
            if fmt == "parquet":
                import pyarrow.parquet as pq

                schema = Schema.from_arrow(_Parquet(source.path).file_schema)
                n_rows = pq.ParquetFile(source.path).metadata.num_rows
                empty = n_rows == 0
            else:
                schema = Schema.from_arrow(relation.limit(0).to_arrow_table().schema)
                empty = not relation.limit(1).fetchall()
        finally:
            con.close()
        if not schema.columns:
            raise DataError(f"data.{source.name} has no columns", source=source.label)
        if empty:
            raise DataError(f"data.{source.name} has a header but no rows; an audit needs data", source=source.label)
        return DatasetHandle(name=source.name, source=source, location=str(source.path), sha256=file_sha256(source.path),
                             format=fmt, schema=schema, engine=self.name, details=details, n_rows=n_rows)

    def schema(self, source: DataSource) -> Schema:
        """The schema of the file (column names, Arrow and logical types)."""
        return self.open(source).schema

    def profile(self, handle: DatasetHandle, plan: ProfilePlan) -> Profile:
        """Stream the file through the chunk kernel and merge (see the module docstring)."""
        return profile_source(handle.source, dataset=handle.name, plan=plan)


def _register() -> DuckDBEngine:
    from auditor.engines.base import register_engine

    return register_engine(DuckDBEngine())  # type: ignore[return-value]


ENGINE = _register()

__all__ = ["AUTO_MEMORY_SHARE", "BATCH_ROWS", "ENGINE", "LARGE_BATCH_ROWS", "LARGE_FILE_ROWS", "READ_MEMORY_LIMIT", "SPILL_MIN_ROWS", "DuckDBEngine", "auto_engine", "open_relation",
           "physical_memory", "profile_relation", "profile_source"]
