"""The profile: sufficient statistics of one dataset, computed in one pass, mergeable.

Checks see a :class:`Profile`, never rows. Every part of it merges exactly:
``profile(A ∪ B) == merge(profile(A), profile(B))`` (integer counts add; sums add, up to
floating-point rounding; min/max combine; sketches add bucket counts; category counts add,
and a column whose union has more than :data:`MAX_CATEGORIES` distinct values is "high
cardinality" on both sides of the equation). That is what lets later engines compute it chunk by
chunk (Arrow, DuckDB) or partition by partition (Spark), and monitoring store a reference
profile once.

Canonical category labels
    Categories are compared as text: ``"1"`` for the integer 1 and for the float 1.0, ``"True"``
    for booleans, ISO dates for timestamps. Missing values are ``None``. Reference files and
    spec values (``favourable: 0``) are converted the same way (:func:`canonical_label`, from the
    pandas-free core :mod:`auditor.profile.labels`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from auditor.engines.base import ColumnKind
from auditor.profile.labels import (  # re-exported: the checks import them from here
    COUNT,
    LABEL,
    MAX_CATEGORIES,
    PREDICTION,
    SCORE_BIN,
    canonical_label,
)

if TYPE_CHECKING:
    from auditor.engines.associations import FeatureTable
    from auditor.engines.digests import Digests, HashCounts
    from auditor.engines.sample import RowSample
    from auditor.engines.spill import SpilledHashCounts

SKETCH_ALPHA = 0.01
"""Relative accuracy of the numeric sketches: every quantile is within 1 % of a true value."""

_GAMMA = (1 + SKETCH_ALPHA) / (1 - SKETCH_ALPHA)
_LOG_GAMMA = math.log(_GAMMA)
_KEY_OFFSET = 1 << 20  # keeps sketch keys of positive values positive and ordered



def sketch_keys(values: np.ndarray) -> np.ndarray:
    """Map finite floats to ordered bucket keys of a DDSketch-style log histogram.

    A key identifies the bucket ``(γ^(k-1), γ^k]`` for positive values (mirrored for negative
    values, 0 for zero), with ``γ = (1+α)/(1-α)``; keys are monotone in the value, so buckets
    can be ranked (for AUC) and cut (for quantiles).
    """
    v = np.asarray(values, dtype=float)
    keys = np.zeros(v.shape, dtype=np.int64)
    pos = v > 0
    neg = v < 0
    with np.errstate(divide="ignore"):
        if pos.any():
            keys[pos] = _KEY_OFFSET + np.ceil(np.log(v[pos]) / _LOG_GAMMA).astype(np.int64)
        if neg.any():
            keys[neg] = -(_KEY_OFFSET + np.ceil(np.log(-v[neg]) / _LOG_GAMMA).astype(np.int64))
    return keys


def sketch_value(key: int) -> float:
    """Representative value of a sketch bucket (relative error at most α)."""
    if key == 0:
        return 0.0
    k = abs(key) - _KEY_OFFSET
    value = 2.0 * _GAMMA**k / (_GAMMA + 1.0)
    return value if key > 0 else -value


TOP_K = 100
"""Counters of the bounded summary of a high-cardinality column (Misra–Gries): any value with more
than ``n / (TOP_K + 1)`` occurrences (1 % of the values) is listed, each count within the recorded
error bound."""

KMV_K = 1024
"""Hashes kept for the distinct-count estimate (k minimum values): relative standard error
``1 / sqrt(KMV_K - 2)`` ≈ 3.1 %, exact below ``KMV_K`` distinct values."""

_HASH_SPACE = float(2**64)


def _float_or_nan(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def value_hashes(labels: Any, kind: str) -> np.ndarray:
    """64-bit hashes of canonical values for the distinct-count estimate: numbers as float64 (so 1 and
    1.0 agree), everything else as the UTF-8 text of its canonical label (``pandas.util.hash_array``)."""
    if isinstance(labels, np.ndarray) and labels.dtype.kind == "f":
        numbers, text = labels, np.zeros(len(labels), dtype=bool)
    else:
        labels = np.asarray([str(v) for v in labels], dtype=object)
        if kind != "numeric":
            return pd.util.hash_array(labels, categorize=False)
        # Python's float() reads the canonical label back exactly (pandas 2.2's to_numeric can be off in the last bit)
        numbers = np.array([_float_or_nan(v) for v in labels], dtype=float)
        text = np.isnan(numbers)  # a label of a numeric column that does not read as a number: its text
    numbers = np.where(numbers == 0, 0.0, numbers)  # -0.0 and 0.0 are one value
    out = pd.util.hash_array(np.where(text, 0.0, numbers), categorize=False)
    if text.any():
        out[text] = pd.util.hash_array(np.asarray(labels, dtype=object)[text], categorize=False)
    return out


def smallest_hashes(hashes: np.ndarray, k: int = KMV_K) -> np.ndarray:
    """The ``k`` smallest distinct values of ``hashes``, ascending (``np.unique(hashes)[:k]``, by
    partition: a column of a million distinct numbers is not sorted for its 1,024 smallest hashes)."""
    values = np.asarray(hashes, dtype=np.uint64)
    if len(values) > 4 * k:
        small = values[values <= np.partition(values, k - 1)[k - 1]]
        found = np.unique(small)
        if len(found) >= k or len(small) == len(values):
            return found[:k]
    return np.unique(values)[:k]


@dataclass
class TopValues:
    """Bounded, mergeable summary of a column with more than :data:`MAX_CATEGORIES` distinct values.

    Attributes
    ----------
    n
        Non-missing values summarised.
    counters
        Misra–Gries counters by canonical label: for every value, ``counters.get(v, 0) <= count(v)
        <= counters.get(v, 0) + error``. At most :data:`TOP_K` labels, so it is *not* the list of
        all values: the others are not listed.
    error
        The bound above; at most ``(n - sum(counters)) / (TOP_K + 1)`` (Agarwal et al., *Mergeable
        summaries*, 2012), so any value with more than ``n / (TOP_K + 1)`` occurrences is listed.
    hashes
        The :data:`KMV_K` smallest distinct 64-bit value hashes (:func:`value_hashes`), ascending:
        merging keeps the smallest of the union, exactly as if computed on the whole column.
    """

    n: int
    counters: dict[str, int]
    error: int
    hashes: np.ndarray

    @classmethod
    def from_counts(cls, counts: dict[str, int], hashes: np.ndarray) -> TopValues:
        """The summary of exact counts (canonical labels) and the hashes of their values."""
        return cls(sum(counts.values()), dict(counts), 0, smallest_hashes(hashes))._reduced()

    def _reduced(self) -> TopValues:
        if len(self.counters) <= TOP_K:
            return self
        cut = sorted(self.counters.values(), reverse=True)[TOP_K]  # the (k+1)-th largest counter
        kept = {label: c - cut for label, c in self.counters.items() if c > cut}
        return TopValues(self.n, dict(sorted(kept.items())), self.error + cut, self.hashes)

    @property
    def distinct_exact(self) -> bool:
        """Whether :attr:`n_distinct` is exact (fewer than :data:`KMV_K` distinct values)."""
        return len(self.hashes) < KMV_K

    @property
    def n_distinct(self) -> int:
        """Distinct non-missing values: exact below :data:`KMV_K`, else the KMV estimate
        ``(k - 1) / u_k`` (``u_k``: the k-th smallest hash as a fraction of 2**64; unbiased, relative
        standard error :attr:`relative_error`)."""
        if self.distinct_exact:
            return len(self.hashes)
        return int(round((KMV_K - 1) / ((float(self.hashes[-1]) + 1.0) / _HASH_SPACE)))

    @property
    def relative_error(self) -> float:
        """Relative standard error of :attr:`n_distinct` (0 when exact)."""
        return 0.0 if self.distinct_exact else 1.0 / math.sqrt(KMV_K - 2)

    def merge(self, other: TopValues) -> TopValues:
        """Combine the summaries of two disjoint parts of a column (the bounds add; see :attr:`error`)."""
        hashes = np.union1d(self.hashes, other.hashes)[:KMV_K]
        return TopValues(self.n + other.n, _add_counts(self.counters, other.counters), self.error + other.error,
                         hashes)._reduced()

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, TopValues) and (self.n, self.counters, self.error) == (other.n, other.counters, other.error)
                and np.array_equal(self.hashes, other.hashes))


def _add_counts(a: dict[Any, int], b: dict[Any, int]) -> dict[Any, int]:
    out = dict(a)
    for key, count in b.items():
        out[key] = out.get(key, 0) + count
    return out


@dataclass
class NumericSummary:
    """Moments, extremes and a quantile sketch of the finite values of a numeric column."""

    n: int
    n_infinite: int
    total: float
    total_sq: float
    min: float
    max: float
    sketch: dict[int, int]

    @property
    def mean(self) -> float:
        """Arithmetic mean of the finite values (NaN when there are none, or their sum passes float64's range)."""
        return self.total / self.n if self.n and math.isfinite(self.total) else math.nan

    @property
    def std(self) -> float:
        """Sample standard deviation of the finite values (NaN when fewer than two, or when the sum of
        their squares passes float64's range: values beyond about 1e154)."""
        if self.n < 2 or not (math.isfinite(self.total) and math.isfinite(self.total_sq)):
            return math.nan
        var = (self.total_sq - self.total * self.total / self.n) / (self.n - 1)
        if not math.isfinite(var):  # the square of the sum passed float64's range
            return math.nan
        return math.sqrt(max(var, 0.0))

    def quantile(self, q: float) -> float:
        """Approximate quantile (relative error ≤ α), exact at q=0 and q=1."""
        if self.n == 0:
            return math.nan
        if q <= 0:
            return self.min
        if q >= 1:
            return self.max
        keys = sorted(self.sketch)
        counts = np.cumsum([self.sketch[k] for k in keys])
        rank = q * (self.n - 1)
        idx = int(np.searchsorted(counts, rank + 1, side="left"))
        return float(min(max(sketch_value(keys[min(idx, len(keys) - 1)]), self.min), self.max))

    def merge(self, other: NumericSummary) -> NumericSummary:
        """Combine the summaries of two disjoint parts of a column."""
        return NumericSummary(
            n=self.n + other.n,
            n_infinite=self.n_infinite + other.n_infinite,
            total=self.total + other.total,
            total_sq=self.total_sq + other.total_sq,
            min=min(self.min, other.min),
            max=max(self.max, other.max),
            sketch=_add_counts(self.sketch, other.sketch),
        )


@dataclass
class ColumnProfile:
    """Summary of one column.

    Attributes
    ----------
    name, logical, kind
        Column name, its logical type (:data:`~auditor.engines.base.LogicalType`, from the spec
        rules and the Arrow type, whatever the reader) and the auditor's kind of column.
    n_missing
        Missing cells (None, NaN, NaT).
    counts
        Category counts by canonical label, complete; ``None`` when the column has more than
        :data:`MAX_CATEGORIES` distinct values (then :attr:`top` holds its bounded summary).
    numeric
        For numeric columns: moments, extremes, sketch.
    top
        For a column with more than :data:`MAX_CATEGORIES` distinct values (not dates): its
        bounded summary, the most frequent values with an error bound and a distinct-count
        estimate (:class:`TopValues`).
    """

    name: str
    logical: str
    kind: ColumnKind
    n_missing: int
    counts: dict[str, int] | None = None
    numeric: NumericSummary | None = None
    top: TopValues | None = None

    @property
    def n_distinct(self) -> int | None:
        """Number of distinct non-missing values, when counts are kept (exact)."""
        return None if self.counts is None else len(self.counts)

    def _bounded(self, kind: str) -> TopValues | None:
        if self.top is not None or self.counts is None:
            return self.top
        return TopValues.from_counts(self.counts, value_hashes(list(self.counts), kind))

    def merge(self, other: ColumnProfile) -> ColumnProfile:
        """Combine the profiles of the same column over two disjoint sets of rows."""
        counts: dict[str, int] | None = None
        top: TopValues | None = None
        kind = self.kind if self.kind == other.kind else "categorical"
        if self.counts is not None and other.counts is not None:
            counts = _add_counts(self.counts, other.counts)
            if len(counts) > MAX_CATEGORIES:  # the same summary as of the whole column
                top = TopValues.from_counts(counts, value_hashes(list(counts), kind))
                counts = None
        else:
            a, b = self._bounded(kind), other._bounded(kind)
            top = a.merge(b) if a is not None and b is not None else None
        numeric = None
        if self.numeric is not None and other.numeric is not None:
            numeric = self.numeric.merge(other.numeric)
        else:
            numeric = self.numeric or other.numeric
        logical = self.logical if self.logical == other.logical else "string"
        return ColumnProfile(self.name, logical, kind, self.n_missing + other.n_missing, counts, numeric, top)


def tidy_table(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sort a long count table by its keys and use ``None`` for missing keys (canonical form)."""
    table = table.sort_values(keys, na_position="last", kind="stable").reset_index(drop=True)
    for key in keys:
        if key != SCORE_BIN:
            col = table[key].astype(object)
            table[key] = col.where(col.notna(), None)
    table[COUNT] = table[COUNT].astype(np.int64)
    return table


def _add_tables(tables: Sequence[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    """The count tables of disjoint parts summed key by key, in canonical form (one groupby for all parts)."""
    both = pd.concat(tables, ignore_index=True)
    if both.empty:
        return both
    summed = both.groupby(keys, dropna=False, sort=False, observed=True)[COUNT].sum().reset_index()
    return tidy_table(summed, keys)


@dataclass
class GroupTable:
    """Counts per protected group cell × label × prediction, and what else depends on the cell.

    All tables are long format with the protected attributes as the first columns (canonical
    labels, ``None`` = missing) and a count column ``n``.

    Attributes
    ----------
    attributes
        The protected attributes, in spec order.
    cells
        ``[*attributes, __label__, __prediction__, n]`` — the joint contingency table. Any
        marginal or intersection is a sum over it.
    missing
        ``[*attributes, column, n]`` — missing cells of each column per group cell (non-zero
        entries only).
    scores
        ``[*attributes, __label__, __score_bin__, n]`` — score sketch buckets per cell and label.
    """

    attributes: tuple[str, ...]
    cells: pd.DataFrame
    missing: pd.DataFrame
    scores: pd.DataFrame | None = None

    def merge(self, other: GroupTable) -> GroupTable:
        """Combine the tables of two disjoint sets of rows."""
        return GroupTable.merge_all([self, other])

    @staticmethod
    def merge_all(tables: Sequence[GroupTable]) -> GroupTable:
        """Combine the tables of disjoint sets of rows (one sum per table, whatever their number)."""
        first = tables[0]
        if len(tables) == 1:
            return first
        attrs = list(first.attributes)
        scores = None
        if all(t.scores is not None for t in tables):
            scores = _add_tables([t.scores for t in tables], attrs + [LABEL, SCORE_BIN])  # type: ignore[misc]
        return GroupTable(
            attributes=first.attributes,
            cells=_add_tables([t.cells for t in tables], attrs + [LABEL, PREDICTION]),
            missing=_add_tables([t.missing for t in tables], attrs + ["column"]),
            scores=scores,
        )


@dataclass
class Profile:
    """Sufficient statistics of one dataset, with its row evidence beside them in memory.

    Two parts with different rules (see :meth:`save` and :mod:`auditor.profile.format`):

    * the **statistics** — column summaries, group, feature and label tables, code counts,
      date range, rule-result counts, the sizes of the hash digests: bounded by the number of
      columns, categories and sketch buckets, not by the rows; saved as they are;
    * the **row evidence** (:attr:`row_evidence`) — the row sample, the hash digests' hashes
      and first rows, example row numbers: kept in memory for the checks that need them
      (duplicates, rows shared between datasets, proxy models), never in the evidence, and
      written only when the caller gives a secret key, with keyed hashes (the sample never).

    Attributes
    ----------
    dataset
        The dataset's role (``training``, ``test``, ...).
    n_rows
        Number of rows.
    columns
        Per-column summaries, in the data's column order.
    groups
        Group contingency tables, when protected attributes are present.
    roles
        Which column plays which role in this dataset (``target``, ``prediction``, ``score``,
        ``id``), only for columns present.
    row_missing
        Histogram of missing cells per row: ``{k: number of rows with k missing cells}``.
    features
        Counts of each feature's values per protected group (for the proxy checks), see
        :mod:`auditor.engines.associations`.
    sample
        A bounded, seeded, stratified sample of rows for the checks that need rows (the proxy
        model), see :mod:`auditor.engines.sample`. Kept in memory only, never in the evidence.
    digests
        Row hashes, missing-value codes, rule results and the other row-level statistics of the
        quality checks, see :mod:`auditor.engines.digests`. In a profile loaded without its row
        evidence the hash digests are :class:`~auditor.engines.digests.HashSummary` (sizes only).
    engine
        The engine that computed it; a chunked engine sets its own name (``dataclasses.replace``).
    """

    dataset: str
    n_rows: int
    columns: dict[str, ColumnProfile]
    groups: GroupTable | None = None
    roles: dict[str, str] = field(default_factory=dict)
    row_missing: dict[int, int] = field(default_factory=dict)
    features: FeatureTable | None = None
    sample: RowSample | None = field(default=None, repr=False)
    digests: Digests | None = field(default=None, repr=False)
    engine: str = "pandas"
    """The engine that computed it (recorded in a saved profile)."""

    @property
    def row_evidence(self) -> RowEvidence:
        """The row-level part, kept in memory beside the statistics (see :class:`RowEvidence`)."""
        from auditor.engines.digests import HashSummary

        d = self.digests
        hashes = {} if d is None else {name: digest for name, digest in (("rows", d.rows), ("ids", d.ids), ("features", d.features))
                                       if digest is not None and not isinstance(digest, HashSummary)}
        examples = {} if d is None else {r.key: r.rows for r in d.rules if r.rows}
        return RowEvidence(sample=self.sample, hashes=hashes, examples=examples)

    def save(self, path: str | os.PathLike[str], *, row_evidence_key: bytes | None = None) -> Path:
        """Write the profile in the versioned format of :mod:`auditor.profile.format`.

        Parameters
        ----------
        path
            The file to write (JSON; written atomically).
        row_evidence_key
            A secret of at least 16 bytes. Without it (the default) only the bounded statistics
            are written; with it also the row evidence, every hash keyed with HMAC-SHA256. The
            row sample is never written.

        Returns
        -------
        Path
            The file written.
        """
        from auditor.engines.codec import to_document
        from auditor.profile.format import check_document, write_document

        target = Path(path)
        document = to_document(self, row_evidence_key=row_evidence_key)
        check_document(document, source=target)  # never write what could not be read back
        write_document(target, document)
        return target

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, row_evidence_key: bytes | None = None) -> Profile:
        """Read a profile written by :meth:`save`.

        Parameters
        ----------
        path
            The saved profile.
        row_evidence_key
            The key the row evidence was written with, to read it too (hash digests come back
            keyed: compare them with another profile's :meth:`keyed` digests). Without it, hash
            digests come back as sizes only (:class:`~auditor.engines.digests.HashSummary`).

        Raises
        ------
        auditor.profile.format.ProfileFormatError
            For a file that is not a profile, an unknown ``profile_version`` or invalid content.
        """
        from auditor.engines.codec import from_document
        from auditor.profile.format import ProfileFormatError, read_document

        document = read_document(path)
        try:
            return from_document(document, row_evidence_key=row_evidence_key)
        except (ValueError, TypeError, KeyError) as exc:  # content the schema leaves to the reader
            raise ProfileFormatError(f"is not a valid profile: {exc}", source=path) from None

    def keyed(self, key: bytes) -> Profile:
        """The same profile with its hash digests keyed (to compare with a profile loaded with ``key``)."""
        import dataclasses

        d = self.digests
        if d is None:
            return self
        digests = dataclasses.replace(d, **{name: getattr(d, name).keyed(key) for name in ("rows", "ids", "features")
                                            if getattr(d, name) is not None})
        return dataclasses.replace(self, digests=digests)

    def merge(self, other: Profile) -> Profile:
        """Profile of the union of the rows of two profiles of the same dataset layout (``self``'s rows first)."""
        return Profile.merge_all([self, other])

    @staticmethod
    def merge_all(parts: Sequence[Profile]) -> Profile:
        """Profile of the rows of ``parts``, in this order (consecutive parts of the same dataset layout).

        The same as merging them two by two, at the cost of about one merge: each count table is
        summed once over all parts, the samples are drawn from once, and the row digests are
        merged pairwise in a balanced tree (see :meth:`Digests.merge_all
        <auditor.engines.digests.Digests.merge_all>`).
        """
        first = parts[0]
        if len(parts) == 1:
            return first
        if any(list(p.columns) != list(first.columns) for p in parts):
            raise ValueError("cannot merge profiles with different columns")

        def present(values: list[Any]) -> list[Any]:
            return [v for v in values if v is not None]

        groups = present([p.groups for p in parts])
        features = present([p.features for p in parts])
        samples = present([p.sample for p in parts])
        digests = [p.digests for p in parts]
        merged_digests = None
        if all(d is not None for d in digests):
            from auditor.engines.digests import Digests

            merged_digests = Digests.merge_all(digests, [p.n_rows for p in parts])  # type: ignore[arg-type]
        elif any(d is not None for d in digests):
            merged_digests = next(d for d in digests if d is not None)
        row_missing, columns = first.row_missing, first.columns
        for part in parts[1:]:
            row_missing = _add_counts(row_missing, part.row_missing)
            columns = {name: col.merge(part.columns[name]) for name, col in columns.items()}
        return Profile(
            dataset=first.dataset,
            n_rows=sum(p.n_rows for p in parts),
            columns=columns,
            groups=GroupTable.merge_all(groups) if groups else None,
            roles=dict(first.roles),
            row_missing=dict(row_missing),
            features=type(features[0]).merge_all(features) if features else None,
            sample=type(samples[0]).merge_all(samples) if samples else None,
            digests=merged_digests,
            engine=first.engine,
        )


MERGE_FAN_IN = 8
"""Profiles a :class:`ProfileMerger` merges at once (one :meth:`Profile.merge_all`).

Most of a merge's time is the fixed cost of summing each count table once: on a 262,144-row
part of the W1 table (2026-12-03) the group tables took 0.09 s to merge two parts and 0.19 s for
eight, the feature tables 0.21 s and 0.25 s. Each waiting profile holds about 30 MB there (the
group tables 18 MB, the sample 7 MB, the feature tables 6 MB)."""


class ProfileMerger:
    """Merges the profiles of consecutive parts of a dataset, in part order, in bounded memory.

    ``add`` parts in row order; ``result`` is the profile of all of them. As soon as
    :data:`MERGE_FAN_IN` profiles wait (the merged profile of the parts so far and the parts
    after it), they are merged into one (:meth:`Profile.merge_all`), so at most that many are
    held at once, and neighbours stay adjacent: example row positions are positions in the data.

    The bounded statistics cost the same to merge whatever the rows behind them; an in-memory
    hash digest grows with the rows, and is merged once per ``fan_in - 1`` parts (a large
    dataset's digests are spilled to disk, :mod:`auditor.engines.spill`, and merge without
    being read).
    """

    def __init__(self, fan_in: int = MERGE_FAN_IN) -> None:
        if fan_in < 2:
            raise ValueError("fan_in must be at least 2")
        self.fan_in = fan_in
        self._waiting: list[Profile] = []

    def add(self, part: Profile) -> None:
        """Append the profile of the next rows."""
        self._waiting.append(part)
        if len(self._waiting) >= self.fan_in:
            self._waiting = [Profile.merge_all(self._waiting)]

    def result(self) -> Profile | None:
        """The merged profile of every part added (``None`` before the first)."""
        return Profile.merge_all(self._waiting) if self._waiting else None


@dataclass(frozen=True)
class RowEvidence:
    """The row-level part of a profile: what points at individual rows.

    Kept in memory beside the statistics for the checks that need it (duplicates and shared
    rows, proxy models, example rows), never in the evidence, and written by
    :meth:`Profile.save` only when asked, with keyed hashes.

    Attributes
    ----------
    sample
        The bounded, seeded, stratified row sample (never written).
    hashes
        The hash digests by name (``rows``, ``ids``, ``features``): distinct hashes, their first
        rows, the repeated rows (spilled to disk by the DuckDB engine, :mod:`auditor.engines.spill`).
    examples
        Example failing rows per rule key (row numbers, 0-based, in the data's order).
    """

    sample: RowSample | None = None
    hashes: dict[str, HashCounts | SpilledHashCounts] = field(default_factory=dict)
    examples: dict[str, tuple[int, ...]] = field(default_factory=dict)


__all__ = ["COUNT", "KMV_K", "LABEL", "MAX_CATEGORIES", "MERGE_FAN_IN", "PREDICTION", "SCORE_BIN", "TOP_K", "ColumnKind", "ColumnProfile", "GroupTable",
           "NumericSummary", "Profile", "ProfileMerger", "RowEvidence", "TopValues", "canonical_label", "sketch_keys", "sketch_value", "tidy_table",
           "value_hashes"]
