"""Row digests: what the data-quality checks need from the rows, computed in the profiling pass.

Checks see statistics, not rows (DESIGN.md §3). Some quality questions are about rows —
"which rows are exact copies of another?", "which test rows are also in the training data?",
"which rows have the same features but a different label?", "how many rows break this rule?" —
so the same pass that profiles a dataset also computes, vectorised:

* **hash digests** (:class:`HashCounts`): a 64-bit hash per row of (a) the record (every column
  except the model outputs ``prediction`` and ``score``), (b) the id column, (c) the feature
  vector together with the label; then per distinct hash its number of rows and the position of
  its first row. Duplicate rows, duplicate ids, rows and ids shared between training and test,
  and conflicting labels are all counted exactly from these, and each count comes with the
  positions (0-based, in file order) of example rows.
* **column fingerprints**: two order-aware sums of a column's value hashes; equal fingerprints
  mean identical columns (a duplicated column).
* **feature × label counts** (:class:`~auditor.engines.associations.FeatureTable` with the label
  as its one "attribute"): the association of each feature with the label (target leakage).
* **missing-value codes**: exact counts of the usual codes (-1, -8, 99, 999, "?", "unknown",
  1900-01-01, …) per column, and of the codes the spec says to treat as missing
  (:func:`apply_missing_values`, applied *before* the column profiles are computed).
* **the date range** of the declared date column (timeliness), and
* **rule results** (:class:`~auditor.validation.results.RuleResult`) of the spec's column and
  cross-field rules and of a user's pandera schema and Great Expectations suite, which run on
  the same DataFrame.

Hashing
    One specified hash family for every engine (:data:`~auditor.profile.format.HASH_FAMILY`,
    recorded in a saved profile). Each column is hashed once with ``pandas.util.hash_array`` /
    ``hash_pandas_object`` after a canonical conversion (numbers as float64, so ``1`` and ``1.0``
    hash alike; dates as microseconds since the epoch, in UTC; text as text; every missing value
    as the explicit marker :data:`~auditor.profile.format.NULL_HASH`); a row's hash combines the
    column hashes of its columns sorted by name (pandas' own combination), so the same record
    hashes alike in two datasets whatever their column order. Two different
    records collide with probability about ``d² / 2⁶⁵`` for ``d`` distinct records (under
    3·10⁻⁸ for a million).

Memory
    A hash digest keeps 24 bytes per distinct value (hash, count, first row: three 64-bit
    integers), 32 for the feature digest (plus the feature-vector hash): about 24 MB for a
    million distinct rows, per digest — 5.6 GB for the three digests of 100 M distinct rows. So
    the DuckDB engine keeps them on disk instead (:class:`~auditor.engines.spill.SpilledHashCounts`:
    Parquet part files, queried with DuckDB under a memory limit); both classes answer the
    checks' questions (:meth:`HashCounts.repeat_examples`, :meth:`HashCounts.conflicts`,
    :meth:`HashCounts.shared_with`, :meth:`HashCounts.summary`) with identical results. Rule
    results and example lists are bounded.

Merging
    Every part merges exactly (``digest(A ∪ B) == merge(digest(A), digest(B))`` with B's rows
    after A's): hash digests are concatenated and re-aggregated (first rows of B shifted by the
    row count of A), fingerprints and counts add, example lists keep the first
    :data:`~auditor.validation.results.MAX_EXAMPLES` positions. Spilled digests merge by
    concatenating their part files (with row offsets), re-aggregated once when first queried;
    an in-memory digest merged with a spilled one is written to disk first.

What is bounded, what is row evidence
    Statistics (saved with a profile): the sizes of each hash digest — rows, distinct hashes,
    the histogram of multiplicities (:meth:`HashCounts.summary`), from which duplicate rows and
    ids are counted exactly — and fingerprints, code counts, the date range, rule counts.
    Row evidence (in memory; saved only keyed): the distinct hashes with their first rows and
    the repeated rows. **Split overlap** — rows and ids shared between two datasets — is the one
    statistic that is not a function of one dataset's statistics: the split check computes it
    from the two datasets' hash sets, so it needs their row evidence (two saved profiles can be
    compared when both were saved with the same key; :meth:`HashCounts.keyed` keys an
    in-memory digest the same way).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from auditor.engines.associations import FeatureCodes, FeatureTable, feature_table
from auditor.engines.profile import LABEL, ColumnProfile, canonical_label
from auditor.profile.format import NULL_HASH, key_id, keyed_hashes
from auditor.validation.results import (
    MAX_EXAMPLES,
    RuleResult,
    json_safe,
    merge_results,
)

if TYPE_CHECKING:
    from auditor.engines.pandas import ProfilePlan
    from auditor.engines.spill import SpilledHashCounts

NUMERIC_CODES: tuple[float, ...] = (-1, -2, -3, -7, -8, -9, -77, -88, -99, -999, -9999,
                                    77, 88, 99, 777, 888, 999, 7777, 8888, 9999, 99999, 999999, 9999999)
"""Numbers often used for "missing", "refused", "not applicable" (survey and registry practice)."""

TEXT_CODES: frozenset[str] = frozenset({"", "?", "-", "--", ".", "na", "n/a", "n.a.", "nan", "null", "#n/a",
                                        "unknown", "unk", "missing", "not available", "onbekend"})
"""Texts that stand for a missing value (compared after stripping spaces, case-insensitively)."""

DATE_CODES: tuple[str, ...] = ("0001-01-01", "1800-01-01", "1899-12-30", "1899-12-31", "1900-01-01", "1970-01-01",
                               "2099-12-31", "2999-12-31", "9999-12-31")
"""Dates used as placeholders (epochs, spreadsheet zero dates, "open-ended")."""

_DATE_CODE_US = np.array(DATE_CODES, dtype="datetime64[us]").view(np.int64)
_MASK64 = (1 << 64) - 1


def _column_hash(series: pd.Series) -> np.ndarray:
    """Canonical 64-bit hash of each value of a column (see the module docstring)."""
    dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        if getattr(series.dt, "tz", None) is not None:
            series = series.dt.tz_convert("UTC").dt.tz_localize(None)
        return pd.util.hash_array(series.to_numpy(dtype="datetime64[us]").view(np.int64))
    if pd.api.types.is_numeric_dtype(dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        values = np.where(np.isnan(values), np.nan, values) + 0.0  # one NaN; -0.0 == 0.0
        return pd.util.hash_array(values)
    return pd.util.hash_pandas_object(series, index=False).to_numpy(dtype=np.uint64)


def column_hash(series: pd.Series, missing: np.ndarray | None = None) -> np.ndarray:
    """The value hash of :data:`~auditor.profile.format.HASH_FAMILY`: canonical hash, one marker for missing."""
    h = _column_hash(series)
    missing = series.isna().to_numpy(dtype=bool) if missing is None else missing
    if missing.any():
        h = h.copy()
        h[missing] = np.uint64(NULL_HASH)
    return h


def combine_hashes(arrays: list[np.ndarray], n: int) -> np.ndarray:
    """Combine per-column hashes into a row hash (pandas' ``combine_hash_arrays``, order-dependent)."""
    if len(arrays) == 1:
        return arrays[0]
    out = np.full(n, 0x345678, dtype=np.uint64)
    mult = np.uint64(1000003)
    k = len(arrays)
    for i, values in enumerate(arrays):
        out ^= values
        out *= mult
        mult = np.uint64(int(mult) + 82520 + 2 * (k - i))
    out += np.uint64(97531)
    return out


class _RowHash:
    """:func:`combine_hashes` fed one column at a time, so only one column's hashes are held."""

    def __init__(self, k: int, n: int) -> None:
        self.k, self.i = k, 0
        self.mult = np.uint64(1000003)
        self.out = np.full(n, 0x345678, dtype=np.uint64) if k != 1 else np.zeros(0, dtype=np.uint64)

    def add(self, values: np.ndarray) -> None:
        if self.k == 1:
            self.out = values
            return
        self.out ^= values
        self.out *= self.mult
        self.mult = np.uint64(int(self.mult) + 82520 + 2 * (self.k - self.i))
        self.i += 1

    def result(self) -> np.ndarray:
        return self.out if self.k == 1 else self.out + np.uint64(97531)


def _first_occurrences(codes: np.ndarray) -> np.ndarray:
    """Whether each entry is the first of its code, for codes numbered in order of first appearance."""
    is_first = np.zeros(len(codes), dtype=bool)
    if len(codes):
        running = np.maximum.accumulate(codes)
        is_first[0] = True
        is_first[1:] = codes[1:] > running[:-1]
    return is_first


@dataclass
class HashCounts:
    """Distinct row hashes with their row counts and first rows.

    Attributes
    ----------
    columns
        The columns hashed (sorted by name).
    hashes
        Distinct 64-bit hashes (``uint64``), in order of their first row.
    counts
        Rows per hash.
    first
        Position of the first row with each hash.
    repeats, repeat_hashes
        Positions of the first :data:`~auditor.validation.results.MAX_EXAMPLES` rows that repeat an
        earlier row's hash, and their hashes (to find the earlier row with :meth:`first_of`).
    groups
        For the feature digest: the hash of the feature vector alone (the hash itself covers
        features and label).
    n_skipped
        Rows not hashed (missing id; missing label for the feature digest).
    """

    columns: tuple[str, ...]
    hashes: np.ndarray
    counts: np.ndarray
    first: np.ndarray
    repeats: np.ndarray
    repeat_hashes: np.ndarray
    groups: np.ndarray | None = None
    n_skipped: int = 0
    key: str | None = None
    """``None`` for the plain hashes of the hash family; the :func:`~auditor.profile.format.key_id`
    of the secret key when the hashes are keyed (:meth:`keyed`). Only digests with the same key
    merge or compare."""

    @classmethod
    def from_hashes(cls, hashes: np.ndarray, columns: tuple[str, ...], *, positions: np.ndarray | None = None,
                    groups: np.ndarray | None = None, n_skipped: int = 0) -> HashCounts:
        """Digest of row hashes (``positions`` = the rows they belong to; default 0..n-1)."""
        values = np.asarray(hashes, dtype=np.uint64)
        codes, distinct = pd.factorize(values)
        is_first = _first_occurrences(codes)
        where = np.arange(len(codes), dtype=np.int64) if positions is None else np.asarray(positions, dtype=np.int64)
        first_index = np.flatnonzero(is_first)
        repeat_index = np.flatnonzero(~is_first)[:MAX_EXAMPLES]
        return cls(
            columns=columns,
            hashes=np.asarray(distinct, dtype=np.uint64),
            counts=np.bincount(codes, minlength=len(distinct)).astype(np.int64),
            first=where[first_index],
            repeats=where[repeat_index],
            repeat_hashes=values[repeat_index],
            groups=None if groups is None else np.asarray(groups, dtype=np.uint64)[first_index],
            n_skipped=n_skipped,
        )

    @property
    def n_rows(self) -> int:
        """Rows hashed."""
        return int(self.counts.sum())

    @property
    def n_repeated(self) -> int:
        """Rows whose hash occurred on an earlier row (duplicates beyond the first of each)."""
        return self.n_rows - len(self.hashes)

    @property
    def n_distinct(self) -> int:
        """Distinct hashes."""
        return len(self.hashes)

    @property
    def has_groups(self) -> bool:
        """Whether the digest has feature-vector hashes (the feature digest)."""
        return self.groups is not None

    def first_of(self, hashes: np.ndarray) -> np.ndarray:
        """First row of each of ``hashes`` (all of which must be in the digest)."""
        order = np.argsort(self.hashes, kind="stable")
        found = np.searchsorted(self.hashes, hashes, sorter=order)
        return self.first[order[found]]

    def multiplicities(self) -> dict[int, int]:
        """``{copies: number of distinct hashes with that many rows}`` (bounded by √(2·rows) entries)."""
        copies, hashes = np.unique(self.counts, return_counts=True)
        return {int(c): int(h) for c, h in zip(copies, hashes, strict=True)}

    def repeat_examples(self) -> list[dict[str, int]]:
        """``[{row, same_as}]``: the first example rows that repeat an earlier row, with that earlier row."""
        if not len(self.repeats):
            return []
        earlier = self.first_of(self.repeat_hashes)
        return [{"row": int(r), "same_as": int(e)} for r, e in zip(self.repeats, earlier, strict=True)]

    def conflicts(self) -> tuple[int, int, list[list[int]]]:
        """Feature vectors with more than one label hash: ``(vectors, rows, examples)``.

        ``examples`` lists, for the first conflicting vectors (in order of their first row), the
        first row of each of its labels, ascending.
        """
        if self.groups is None:
            raise ValueError("this digest has no feature-vector hashes")
        table = pd.DataFrame({"group": self.groups, "n": self.counts, "first": self.first})
        labels_per_group = table.groupby("group", sort=False)["n"].transform("size").to_numpy()
        conflicting = table[labels_per_group > 1]
        if conflicting.empty:
            return 0, 0, []
        order = conflicting.groupby("group", sort=False)["first"].min().sort_values(kind="stable")
        examples = [sorted(int(r) for r in conflicting.loc[conflicting["group"] == g, "first"])
                    for g in order.index[:MAX_EXAMPLES]]
        return int(order.size), int(conflicting["n"].sum()), examples

    def shared_with(self, earlier: HashCounts | SpilledHashCounts) -> tuple[int, int, list[dict[str, int]]]:
        """Rows of this digest whose hash is in ``earlier``: ``(rows, distinct hashes, examples)``.

        ``examples`` are the first such rows (``row``) with their first row in the earlier
        dataset (``earlier_row``). ``earlier`` may be spilled (:mod:`auditor.engines.spill`).
        """
        from auditor.engines.spill import SpilledHashCounts, shared_in_memory_later

        if isinstance(earlier, SpilledHashCounts):
            return shared_in_memory_later(self, earlier)
        if not isinstance(earlier, HashCounts):
            raise ValueError("shared rows need both datasets' hashes: load the profile with its row evidence")
        if self.key != earlier.key:
            raise ValueError("cannot compare digests hashed with different keys")
        shared = np.isin(self.hashes, earlier.hashes)
        if not shared.any():
            return 0, 0, []
        order = np.argsort(self.first[shared], kind="stable")[:MAX_EXAMPLES]
        rows = self.first[shared][order]
        there = earlier.first_of(self.hashes[shared][order])
        examples = [{"row": int(r), "earlier_row": int(e)} for r, e in zip(rows, there, strict=True)]
        return int(self.counts[shared].sum()), int(shared.sum()), examples

    def materialise(self) -> HashCounts:
        """Itself (a spilled digest reads its files back into one)."""
        return self

    def repeated_groups(self) -> tuple[int, int]:
        """``(hashes with more than one row, rows they cover)``."""
        copies = self.counts[self.counts > 1]
        return len(copies), int(copies.sum())

    def summary(self) -> HashSummary:
        """The bounded part of the digest: its size and multiplicities, no hashes, no positions."""
        return HashSummary(self.columns, len(self.hashes), self.multiplicities(), self.n_skipped,
                           has_groups=self.groups is not None)

    def keyed(self, key: bytes) -> HashCounts:
        """The same digest with every hash replaced by its keyed hash (HMAC-SHA256, see :mod:`auditor.profile.format`)."""
        if self.key is not None:
            raise ValueError("the digest is already keyed")

        def convert(values: np.ndarray) -> np.ndarray:
            return np.array([int(h, 16) for h in keyed_hashes(values.tolist(), key)], dtype=np.uint64)

        return HashCounts(
            columns=self.columns, hashes=convert(self.hashes), counts=self.counts, first=self.first, repeats=self.repeats,
            repeat_hashes=convert(self.repeat_hashes), groups=None if self.groups is None else convert(self.groups),
            n_skipped=self.n_skipped, key=key_id(key),
        )

    def merge(self, other: HashCounts | SpilledHashCounts, offset: int) -> HashCounts | SpilledHashCounts:
        """Digest of the rows of ``self`` followed by the ``offset``-shifted rows of ``other``.

        With a spilled ``other`` (:mod:`auditor.engines.spill`) the result is spilled: ``self``
        is written to ``other``'s spill folder first.
        """
        from auditor.engines.spill import SpilledHashCounts

        if self.columns != other.columns:
            raise ValueError("cannot merge digests of different columns")
        if isinstance(other, SpilledHashCounts):
            return SpilledHashCounts.spill(self, other.folder).merge(other, offset)
        if not isinstance(other, HashCounts):
            raise ValueError("cannot merge a digest with a saved digest summary: load the profile with its row evidence")
        if self.key != other.key:
            raise ValueError("cannot merge digests hashed with different keys")
        # both sides' hashes are distinct, so self's are codes 0..len(self)-1 and an other's hash
        # with a smaller code is one self has
        hashes = np.concatenate([self.hashes, other.hashes])
        codes, distinct = pd.factorize(hashes)
        mine = len(self.hashes)
        seen = codes[mine:] < mine
        is_first = np.concatenate([np.arange(mine), mine + np.flatnonzero(~seen)])
        first = np.concatenate([self.first, other.first + offset])
        counts = np.bincount(codes, weights=np.concatenate([self.counts, other.counts]).astype(float), minlength=len(distinct))
        positions = np.concatenate([self.repeats, other.repeats + offset, other.first[seen] + offset])
        repeat_hashes = np.concatenate([self.repeat_hashes, other.repeat_hashes, other.hashes[seen]])
        order = np.argsort(positions, kind="stable")[:MAX_EXAMPLES]
        groups = None
        if self.groups is not None and other.groups is not None:
            groups = np.concatenate([self.groups, other.groups])[is_first]
        return HashCounts(
            columns=self.columns, hashes=np.asarray(distinct, dtype=np.uint64), counts=counts.astype(np.int64),
            first=first[is_first], repeats=positions[order].astype(np.int64),
            repeat_hashes=repeat_hashes[order].astype(np.uint64), groups=groups,
            n_skipped=self.n_skipped + other.n_skipped, key=self.key,
        )


def _repeated_groups(multiplicities: Mapping[int, int]) -> tuple[int, int]:
    """``(hashes with more than one row, rows they cover)`` from ``{copies: hashes}``."""
    return (sum(h for c, h in multiplicities.items() if c > 1), sum(c * h for c, h in multiplicities.items() if c > 1))


@dataclass
class HashSummary:
    """What a saved profile keeps of a hash digest without its row evidence: sizes, not hashes.

    Duplicate counts follow from it exactly (:attr:`n_repeated`, :attr:`counts`); shared rows
    between datasets, example rows and merging need the hashes (:class:`HashCounts`).

    Attributes
    ----------
    columns
        The columns hashed.
    n_distinct
        Distinct hashes.
    multiplicities
        ``{copies: number of distinct hashes with that many rows}``.
    n_skipped
        Rows not hashed.
    has_groups
        Whether the digest had feature-vector hashes.
    """

    columns: tuple[str, ...]
    n_distinct: int
    multiplicities: dict[int, int]
    n_skipped: int = 0
    has_groups: bool = False

    @property
    def n_rows(self) -> int:
        """Rows hashed."""
        return sum(c * h for c, h in self.multiplicities.items())

    @property
    def n_repeated(self) -> int:
        """Rows whose hash occurred on an earlier row."""
        return self.n_rows - self.n_distinct

    @property
    def counts(self) -> np.ndarray:
        """Rows per distinct hash (in no particular order)."""
        return np.repeat(np.array(list(self.multiplicities), dtype=np.int64),
                         np.array(list(self.multiplicities.values()), dtype=np.int64))

    @property
    def repeats(self) -> np.ndarray:
        """Example rows are row evidence: none in a summary."""
        return np.zeros(0, dtype=np.int64)

    def summary(self) -> HashSummary:
        """Itself."""
        return self

    def repeated_groups(self) -> tuple[int, int]:
        """``(hashes with more than one row, rows they cover)``."""
        return _repeated_groups(self.multiplicities)

    def repeat_examples(self) -> list[dict[str, int]]:
        """Example rows are row evidence: none in a summary."""
        return []

    def conflicts(self) -> tuple[int, int, list[list[int]]]:
        """Refused: conflicting labels need the hashes."""
        raise ValueError("conflicting labels need the feature digest's hashes: load the profile with its row evidence")

    def shared_with(self, earlier: object) -> tuple[int, int, list[dict[str, int]]]:
        """Refused: shared rows need the hashes."""
        raise ValueError("shared rows need both datasets' hashes: load the profile with its row evidence")

    def materialise(self) -> HashSummary:
        """Refused: a summary has no hashes to materialise."""
        raise ValueError("this digest has no row evidence (it was loaded without it)")

    def merge(self, other: object, offset: int) -> HashSummary:
        """Refused: duplicates across two parts need their hashes."""
        raise ValueError("cannot merge saved digest summaries exactly (duplicates across parts need the hashes); "
                         "save the profiles with their row evidence, or profile the data again")


@dataclass
class DateRange:
    """Earliest and latest date of the declared date column (microseconds since the epoch, UTC)."""

    column: str
    n: int
    n_unreadable: int
    first: int | None
    last: int | None

    def merge(self, other: DateRange) -> DateRange:
        """Range over both parts."""
        firsts = [v for v in (self.first, other.first) if v is not None]
        lasts = [v for v in (self.last, other.last) if v is not None]
        return DateRange(self.column, self.n + other.n, self.n_unreadable + other.n_unreadable,
                         min(firsts) if firsts else None, max(lasts) if lasts else None)


def _add_nested(a: Mapping[str, Mapping[str, int]], b: Mapping[str, Mapping[str, int]],
                order: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """Add per-column counts; columns in ``order`` (the data's column order), values sorted (the
    canonical form a single pass produces, whichever part found a value first)."""
    out = {k: dict(v) for k, v in a.items()}
    for column, counts in b.items():
        mine = out.setdefault(column, {})
        for value, count in counts.items():
            mine[value] = mine.get(value, 0) + count
    rank = {name: i for i, name in enumerate(order)}
    return {c: dict(sorted(out[c].items())) for c in sorted(out, key=lambda c: (rank.get(c, len(rank)), c))}


@dataclass
class Digests:
    """Row-level statistics of one dataset for the quality checks (see the module docstring).

    Attributes
    ----------
    rows
        Digest of the records (all columns except prediction and score).
    ids
        Digest of the id column (rows with a missing id skipped), if an id is declared.
    features
        Digest of feature vector + label (rows with a missing label skipped), if there is a label.
    fingerprints
        Per column, ``(Σ h, Σ h·(row+1))`` modulo 2⁶⁴ of its value hashes.
    label_tables
        Feature value × label counts (the label is the table's single attribute, ``__label__``).
    codes
        Per column, exact counts of the usual missing-value codes found (keys are the values as
        they appear, canonical text).
    treated_missing
        Per column, counts of the values the spec said to treat as missing (already missing in
        the column profiles).
    dates
        Range of the declared date column.
    rules
        Results of the spec's rules, the pandera schema and the expectation suite.
    header_duplicates
        Names that occurred more than once in the file's header.
    """

    rows: HashCounts | HashSummary
    ids: HashCounts | HashSummary | None = None
    features: HashCounts | HashSummary | None = None
    fingerprints: dict[str, tuple[int, int]] = field(default_factory=dict)
    label_tables: FeatureTable | None = None
    codes: dict[str, dict[str, int]] = field(default_factory=dict)
    treated_missing: dict[str, dict[str, int]] = field(default_factory=dict)
    dates: DateRange | None = None
    rules: tuple[RuleResult, ...] = ()
    header_duplicates: tuple[str, ...] = ()

    def merge(self, other: Digests, offset: int) -> Digests:
        """Digests of the rows of ``self`` followed by those of ``other`` (``offset`` = rows of ``self``)."""
        def pair(a: Any, b: Any, merge: Any) -> Any:
            return merge(a, b) if a is not None and b is not None else a or b

        fingerprints = {}
        for column, (s1, s2) in self.fingerprints.items():
            o1, o2 = other.fingerprints.get(column, (0, 0))
            fingerprints[column] = ((s1 + o1) & _MASK64, (s2 + o2 + offset * o1) & _MASK64)
        return Digests(
            rows=self.rows.merge(other.rows, offset),
            ids=pair(self.ids, other.ids, lambda a, b: a.merge(b, offset)),
            features=pair(self.features, other.features, lambda a, b: a.merge(b, offset)),
            fingerprints=fingerprints,
            label_tables=pair(self.label_tables, other.label_tables, lambda a, b: a.merge(b)),
            codes=_add_nested(self.codes, other.codes, self.fingerprints),
            treated_missing=_add_nested(self.treated_missing, other.treated_missing, self.fingerprints),
            dates=pair(self.dates, other.dates, lambda a, b: a.merge(b)),
            rules=merge_results(self.rules, other.rules, offset),
            header_duplicates=tuple(dict.fromkeys((*self.header_duplicates, *other.header_duplicates))),
        )

    @staticmethod
    def merge_all(parts: Sequence[Digests], n_rows: Sequence[int]) -> Digests:
        """Digests of the rows of ``parts`` in this order (``n_rows``: the rows of each part).

        The label tables are summed once over all parts; the rest is merged pairwise in a
        balanced tree, so an in-memory hash digest takes part in about log₂(parts) merges.
        """
        import dataclasses

        tables = [d.label_tables for d in parts]
        level = [(dataclasses.replace(d, label_tables=None), n) for d, n in zip(parts, n_rows, strict=True)]
        while len(level) > 1:
            paired = [(a.merge(b, rows_a), rows_a + rows_b) for (a, rows_a), (b, rows_b) in zip(level[::2], level[1::2])]
            level = paired + level[len(paired) * 2:]
        merged = level[0][0]
        present = [t for t in tables if t is not None]
        return dataclasses.replace(merged, label_tables=FeatureTable.merge_all(present) if present else None)


def _text_code(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() in TEXT_CODES


def apply_missing_values(frame: pd.DataFrame, codes: Mapping[str, tuple[Any, ...]]) -> tuple[pd.DataFrame, dict[str, dict[str, int]]]:
    """Replace the declared missing-value codes by missing values, and count what was replaced.

    Numbers are compared with numeric columns by value; text is compared with text columns after
    stripping spaces (``"?"`` matches ``" ?"``). The input frame is not modified.

    Returns
    -------
    (frame, counts)
        The frame to profile, and per column the number of cells replaced per code.
    """
    replaced: dict[str, pd.Series] = {}
    counts: dict[str, dict[str, int]] = {}
    for column, values in codes.items():
        if column not in frame.columns:
            continue
        series = frame[column]
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            continue
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
            numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
            mask = series.isin(numbers).to_numpy(dtype=bool) if numbers else np.zeros(len(series), dtype=bool)
        else:
            texts = {(canonical_label(v) or "").strip() for v in values}
            codes_, uniques = pd.factorize(series, use_na_sentinel=True)
            labels = pd.Series(np.asarray(uniques, dtype=object)).map(lambda u: (canonical_label(u) or "").strip())
            bad = labels.isin(texts).to_numpy(dtype=bool)
            mask = np.zeros(len(series), dtype=bool)
            mask[codes_ >= 0] = bad[codes_[codes_ >= 0]]
        if not mask.any():
            continue
        hits = series[mask].value_counts()
        counts[column] = {canonical_label(v) or "": int(c) for v, c in zip(hits.index, hits.to_numpy(), strict=True)}
        replaced[column] = series.mask(mask)
    if not replaced:
        return frame, counts
    out = frame.copy(deep=False)
    for column, series in replaced.items():
        out[column] = series
    return out, counts


def _code_counts(frame: pd.DataFrame, columns: Mapping[str, ColumnProfile], skip: set[str]) -> dict[str, dict[str, int]]:
    """Exact counts of the usual missing-value codes per column (from the category counts when kept)."""
    out: dict[str, dict[str, int]] = {}
    numeric_codes = {float(v) for v in NUMERIC_CODES}
    for name, profile in columns.items():
        if name in skip:
            continue
        hits: dict[str, int] = {}
        if profile.kind == "numeric":
            if profile.counts is not None:
                for label, count in profile.counts.items():
                    try:
                        if float(label) in numeric_codes:
                            hits[label] = count
                    except ValueError:
                        continue
            else:
                column = frame[name]
                if not pd.api.types.is_numeric_dtype(column.dtype):  # declared numeric, read as text
                    column = pd.to_numeric(column.astype(object).where(column.notna(), None), errors="coerce")
                values = column.to_numpy(dtype=float, na_value=np.nan)
                found, counts = np.unique(values[np.isin(values, NUMERIC_CODES)], return_counts=True)
                hits = {canonical_label(float(v)) or "": int(c) for v, c in zip(found, counts, strict=True)}
        elif profile.kind == "categorical":
            if profile.counts is not None:
                hits = {label: count for label, count in profile.counts.items() if _text_code(label)}
            else:
                series = frame[name]
                distinct = pd.Series(series.dropna().unique())
                text = distinct.astype(str).str.strip().str.lower()
                found = distinct[text.isin(TEXT_CODES).to_numpy()].tolist()
                if found:
                    matched = series[series.isin(found)].value_counts()
                    hits = {str(v): int(c) for v, c in zip(matched.index, matched.to_numpy(), strict=True)}
        elif profile.kind == "datetime":
            stamps = frame[name]
            if not pd.api.types.is_datetime64_any_dtype(stamps.dtype):  # declared a date, read as text
                stamps = pd.to_datetime(stamps, errors="coerce", format="ISO8601", utc=True)
            if getattr(stamps.dt, "tz", None) is not None:
                stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
            micros = stamps.to_numpy(dtype="datetime64[us]").view(np.int64)
            found, counts = np.unique(micros[np.isin(micros, _DATE_CODE_US)], return_counts=True)
            hits = {DATE_CODES[int(np.flatnonzero(_DATE_CODE_US == v)[0])]: int(c) for v, c in zip(found, counts, strict=True)}
        if hits:
            out[name] = dict(sorted(hits.items()))
    return out


def _date_range(frame: pd.DataFrame, column: str, fmt: str | None) -> DateRange:
    series = frame[column]
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        stamps = series.dt.tz_convert("UTC").dt.tz_localize(None) if getattr(series.dt, "tz", None) is not None else series
    else:
        stamps = pd.to_datetime(series, errors="coerce", format=fmt or "ISO8601")
    micros = stamps.to_numpy(dtype="datetime64[us]")
    ok = ~np.isnat(micros)
    values = micros[ok].view(np.int64)
    return DateRange(
        column=column, n=int(ok.sum()), n_unreadable=int((series.notna().to_numpy() & ~ok).sum()),
        first=int(values.min()) if values.size else None, last=int(values.max()) if values.size else None,
    )


def _label_part(series: pd.Series) -> tuple[np.ndarray, list[str | None]]:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    labels: list[str | None] = [canonical_label(v) for v in uniques]
    return np.where(codes < 0, len(labels), codes).astype(np.int64), labels + [None]


def _rules(frame: pd.DataFrame, plan: ProfilePlan, dataset: str) -> tuple[RuleResult, ...]:
    quality = plan.quality
    if quality is None:
        return ()
    from auditor.validation.rules import check_column_rule, check_cross_field

    positional = frame if frame.index.equals(pd.RangeIndex(len(frame))) else frame.reset_index(drop=True)
    out: list[RuleResult] = []
    for rule in quality.rules:
        out.extend(check_column_rule(rule, positional, id_column=plan.id))
    for name, expression in quality.cross_field:
        out.append(check_cross_field(name, expression, positional))
    for source, run in (("pandera", quality.pandera), ("great_expectations", quality.expectations)):
        if run is None:
            continue
        try:
            if source == "pandera":
                from auditor.validation.pandera import run_schema

                out.extend(run_schema(quality.pandera, positional, id_column=plan.id))
            else:
                from auditor.validation.gx import run_suite

                out.extend(run_suite(quality.expectations, positional, dataset=dataset, id_column=plan.id))
        except Exception as exc:  # a validator that crashes is reported, not raised: the audit goes on
            out.append(RuleResult(source=source, rule="run", column=None, n_checked=0, n_failed=None, success=False,
                                  detail=json_safe({"error": f"{type(exc).__name__}: {exc}"}), key=f"{source}/run"))
    return tuple(out)


def compute_digests(frame: pd.DataFrame, plan: ProfilePlan, columns: Mapping[str, ColumnProfile], *,
                    dataset: str, treated_missing: Mapping[str, Mapping[str, int]] | None = None,
                    missing: Callable[[str], np.ndarray] | None = None,
                    coded: Callable[[str], FeatureCodes | None] | None = None,
                    label_part: tuple[np.ndarray, list[str | None]] | None = None) -> tuple[np.ndarray, Digests]:
    """All row digests of one dataset (called by :func:`auditor.engines.pandas.profile_frame`).

    Returns the 64-bit content hash of every row (all columns but the model's outputs), so
    the same pass can key the row sample without hashing the rows again.

    Parameters
    ----------
    frame
        The data, after :func:`apply_missing_values`.
    plan
        Column roles and the quality plan.
    columns
        The column profiles already computed in this pass (their category counts are reused).
    dataset
        The dataset's role (names the data asset of an expectation suite).
    treated_missing
        What :func:`apply_missing_values` replaced.
    missing, coded, label_part
        What the pass already encoded (missing-value masks per column, feature codes, the
        label's codes), so nothing is computed twice; computed here when not given.
    """
    if missing is None:
        def missing(name: str) -> np.ndarray:
            return frame[name].isna().to_numpy(dtype=bool)
    n = len(frame)
    names = [str(c) for c in frame.columns]
    quality = plan.quality
    date_column = quality.date_column if quality is not None else None
    outputs = {plan.prediction, plan.score}
    record = tuple(sorted(c for c in names if c not in outputs))
    features = tuple(sorted(c for c in plan.features if c in names and c != date_column))

    # One column's hashes at a time (record and features are sorted, so feeding the columns in
    # sorted order combines them in the same order as combine_hashes would).
    weights = np.arange(1, n + 1, dtype=np.uint64)
    fingerprints: dict[str, tuple[int, int]] = {}
    record_hash, feature_hash = _RowHash(len(record), n), _RowHash(len(features), n)
    kept: dict[str, np.ndarray] = {}
    in_record, in_features = set(record), set(features)
    for name in sorted(names):
        h = column_hash(frame[name], missing(name))
        fingerprints[name] = (int(h.sum(dtype=np.uint64)), int((h * weights).sum(dtype=np.uint64)))
        if name in in_record:
            record_hash.add(h)
        if name in in_features:
            feature_hash.add(h)
        if name in (plan.id, plan.target):
            kept[name] = h
    fingerprints = {name: fingerprints[name] for name in names}
    row_hash = record_hash.result()
    rows = HashCounts.from_hashes(row_hash, record)

    ids = None
    if plan.id is not None:
        present = ~missing(plan.id)
        positions = np.flatnonzero(present)
        ids = HashCounts.from_hashes(kept[plan.id][present], (plan.id,), positions=positions, n_skipped=int(n - present.sum()))

    feature_digest = None
    label_tables = None
    if plan.target is not None and features:
        labelled = ~missing(plan.target)
        vector = feature_hash.result()
        with_label = combine_hashes([vector, kept[plan.target]], n)
        feature_digest = HashCounts.from_hashes(with_label[labelled], features, positions=np.flatnonzero(labelled),
                                                groups=vector[labelled], n_skipped=int(n - labelled.sum()))
        part = label_part if label_part is not None else _label_part(frame[plan.target])
        label_tables = feature_table(frame, tuple(c for c in plan.features if c != date_column), (LABEL,), [part],
                                     cell=part[0].astype(np.int64), coded=coded)

    roles = {plan.id, plan.target, plan.prediction, plan.score}
    return row_hash, Digests(
        rows=rows,
        ids=ids,
        features=feature_digest,
        fingerprints=fingerprints,
        label_tables=label_tables,
        codes=_code_counts(frame, columns, {c for c in roles if c}),
        treated_missing={k: dict(sorted(treated_missing[k].items())) for k in names if k in (treated_missing or {})},
        dates=_date_range(frame, date_column, quality.date_format) if date_column else None,
        rules=_rules(frame, plan, dataset),
        header_duplicates=quality.header_duplicates if quality is not None else (),
    )


__all__ = ["DATE_CODES", "NUMERIC_CODES", "TEXT_CODES", "DateRange", "Digests", "HashCounts", "HashSummary",
           "apply_missing_values", "column_hash", "combine_hashes", "compute_digests"]
