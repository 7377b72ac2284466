"""Counts of every feature's values per protected group: what the proxy checks need.

For each feature column and each protected attribute, a contingency table
``[attribute, __value__, n]``: how often each value of the feature occurs in each group. A
Cramér's V (or any other association measure) of the feature with the attribute is a function
of this table alone, so the proxy check needs no rows for it.

Values are binned so that the tables merge exactly (``tables(A ∪ B) == merge(tables(A),
tables(B))``) without a first pass over the data:

* categorical, boolean: the canonical label (:func:`~auditor.engines.profile.canonical_label`);
  a feature with more than :data:`~auditor.engines.profile.MAX_CATEGORIES` distinct values gets
  no table (``None``), as in the column profile;
* numeric and datetime (epoch seconds): the key of the profile's quantile sketch
  (:func:`~auditor.engines.profile.sketch_keys`): data-independent, ordered buckets of 1 %
  relative width, which a check can join into quantile bins (:func:`quantile_bins`);
* missing values (and infinite numbers) are their own value ``None``: missingness itself can
  carry information on the group.

One pass per feature: the feature's codes are combined with the protected cell code the group
table already uses, counted with one ``np.bincount``, and summed to each attribute's margin.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from auditor.engines.profile import COUNT, MAX_CATEGORIES, canonical_label, sketch_keys, tidy_table
from auditor.profile.labels import VALUE

FeatureKind = Literal["categorical", "numeric"]

_DENSE_LIMIT = 1 << 24  # cells × values above which the per-attribute counts are done one by one


@dataclass
class FeatureTable:
    """Feature value × protected group counts, per feature and attribute.

    Attributes
    ----------
    attributes
        The protected attributes.
    kinds
        Per feature: ``categorical`` (values are canonical labels) or ``numeric`` (values are
        sketch keys, ordered).
    tables
        ``{(feature, attribute): DataFrame[attribute, __value__, n]}``; the value ``None``
        means missing. A feature with too many distinct values has ``None`` instead of tables.
    """

    attributes: tuple[str, ...]
    kinds: dict[str, FeatureKind] = field(default_factory=dict)
    tables: dict[tuple[str, str], pd.DataFrame | None] = field(default_factory=dict)

    @property
    def features(self) -> list[str]:
        """The features counted, in data order."""
        return list(self.kinds)

    def table(self, feature: str, attribute: str) -> pd.DataFrame | None:
        """The counts of ``feature`` by ``attribute`` (``None`` when not kept)."""
        return self.tables.get((feature, attribute))

    def merge(self, other: FeatureTable) -> FeatureTable:
        """Combine the tables of two disjoint sets of rows."""
        return FeatureTable.merge_all([self, other])

    @staticmethod
    def merge_all(parts: Sequence[FeatureTable]) -> FeatureTable:
        """Combine the tables of disjoint sets of rows (one sum per table, whatever their number)."""
        first = parts[0]
        if len(parts) == 1:
            return first
        if any(p.attributes != first.attributes or list(p.kinds) != list(first.kinds) for p in parts):
            raise ValueError("cannot merge feature tables with different attributes or features")
        kinds = {f: (k if all(p.kinds[f] == k for p in parts) else "categorical") for f, k in first.kinds.items()}
        tables: dict[tuple[str, str], pd.DataFrame | None] = {}
        for key in first.tables:
            found = [p.tables.get(key) for p in parts]
            if any(t is None for t in found):
                tables[key] = None
                continue
            summed = pd.concat(found, ignore_index=True)
            summed = summed.groupby([key[1], VALUE], dropna=False, sort=False)[COUNT].sum().reset_index()
            too_many = first.kinds[key[0]] == "categorical" and summed[VALUE].nunique(dropna=True) > MAX_CATEGORIES
            tables[key] = None if too_many else _tidy(summed, key[1], first.kinds[key[0]])
        return FeatureTable(first.attributes, kinds, tables)


def _tidy(table: pd.DataFrame, attribute: str, kind: FeatureKind) -> pd.DataFrame:
    table = tidy_table(table, [attribute, VALUE])
    if kind == "numeric":
        values = table[VALUE]
        table[VALUE] = pd.array([None if v is None else int(v) for v in values], dtype=object)
    return table


FeatureCodes = tuple[np.ndarray, list[object], FeatureKind]
"""Codes 0..k-1 per row (k = missing), the value per code, and the feature's kind."""


NumericView = tuple[np.ndarray, np.ndarray, np.ndarray]
"""``(values, finite, keys)`` of a numeric or datetime column: float values (epoch seconds for
datetimes), which are finite, and the sketch key of each (0 where not finite)."""


def numeric_view(series: pd.Series) -> NumericView | None:
    """The :data:`NumericView` of a numeric or datetime column; ``None`` for other columns."""
    dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = series.to_numpy(dtype="datetime64[ns]")
        values = stamps.astype("int64").astype(float) / 1e9
        values[np.isnat(stamps)] = np.nan
    elif pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
    else:
        return None
    finite = np.isfinite(values)
    return values, finite, sketch_keys(np.where(finite, values, 0.0))


def feature_codes(series: pd.Series, view: NumericView | None = None, *, as_values: bool = False) -> FeatureCodes | None:
    """Codes 0..k-1 per row (k = missing) and the value per code; ``None`` if too many values.

    Numeric and datetime columns are coded by sketch key (``view``: the column's
    :func:`numeric_view`, when the pass already computed it); ``as_values`` codes every column
    by its values (a number declared boolean or text).
    """
    view = None if as_values else view if view is not None else numeric_view(series)
    if view is not None:
        _values, finite, keys = view
        codes, uniques = pd.factorize(keys)
        labels: list[object] = [int(k) for k in uniques]
        codes = np.where(finite, codes, len(labels)).astype(np.int64)
        return codes, labels + [None], "numeric"
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if len(uniques) > MAX_CATEGORIES:
        return None
    labels = [canonical_label(v) for v in uniques]
    codes = np.where(codes < 0, len(labels), codes).astype(np.int64)
    return codes, labels + [None], "categorical"


def _canonical_ranks(labels: list[object]) -> np.ndarray | None:
    """Each label's position in the canonical order of :func:`~auditor.engines.profile.tidy_table`
    (ascending, missing last); ``None`` when two codes share a label (they must be added up)."""
    present = [v for v in labels if v is not None]
    if len(set(present)) != len(present) or len(present) < len(labels) - 1:
        return None
    order = sorted(range(len(labels)), key=lambda i: (labels[i] is None, labels[i] if labels[i] is not None else 0))
    rank = np.empty(len(labels), dtype=np.int64)
    rank[order] = np.arange(len(labels))
    return rank


def feature_table(
    frame: pd.DataFrame,
    features: tuple[str, ...],
    attributes: tuple[str, ...],
    group_parts: list[tuple[np.ndarray, list[str | None]]],
    *,
    cell: np.ndarray | None = None,
    coded: Callable[[str], FeatureCodes | None] | None = None,
) -> FeatureTable:
    """Count every feature's values per group of every protected attribute.

    Parameters
    ----------
    frame
        The data.
    features
        Feature columns to count (the protected attributes themselves are skipped).
    attributes
        The protected attributes, in the order of ``group_parts``.
    group_parts
        Per attribute: the codes per row (missing = last code) and the label per code, as the
        group table computes them.
    cell, coded
        The pass's joint cell code of ``group_parts`` and its (cached) :func:`feature_codes`, so
        that nothing is encoded twice; computed here when not given.
    """
    out = FeatureTable(attributes=attributes)
    if not attributes:
        return out
    n = len(frame)
    radices = [len(labels) for _, labels in group_parts]
    if cell is None:
        cell = np.zeros(n, dtype=np.int64)
        for codes, labels in group_parts:
            cell = cell * len(labels) + codes
    if coded is None:
        def coded(name: str) -> FeatureCodes | None:
            return feature_codes(frame[name])
    n_cells = int(np.prod(radices))
    for feature in features:
        if feature in attributes or feature not in frame.columns:
            continue
        found = coded(feature)
        if found is None:
            out.kinds[feature] = "categorical"
            for attribute in attributes:
                out.tables[(feature, attribute)] = None
            continue
        codes, values, kind = found
        out.kinds[feature] = kind
        k = len(values)
        if n_cells * k <= _DENSE_LIMIT:
            joint = np.bincount(cell * k + codes, minlength=n_cells * k).reshape(*radices, k)
            margins = [joint.sum(axis=tuple(j for j in range(len(radices)) if j != i)) for i in range(len(radices))]
        else:
            margins = [np.bincount(part[0] * k + codes, minlength=len(part[1]) * k).reshape(len(part[1]), k)
                       for part in group_parts]
        value_rank = _canonical_ranks(values)
        for (_, labels), attribute, margin in zip(group_parts, attributes, margins, strict=True):
            rows, cols = np.nonzero(margin)
            group_rank = _canonical_ranks(labels)
            if value_rank is not None and group_rank is not None:  # distinct labels: sort the codes, skip tidying
                order = np.lexsort((value_rank[cols], group_rank[rows]))
                rows, cols = rows[order], cols[order]
                out.tables[(feature, attribute)] = pd.DataFrame({
                    attribute: pd.Series(np.array(labels, dtype=object)[rows], dtype=object),
                    VALUE: pd.Series(np.array(values, dtype=object)[cols], dtype=object),
                    COUNT: margin[rows, cols].astype(np.int64),
                })
                continue
            table = pd.DataFrame({
                attribute: [labels[i] for i in rows],
                VALUE: [values[j] for j in cols],
                COUNT: margin[rows, cols].astype(np.int64),
            })
            if kind == "categorical":  # canonical labels can merge raw values (1 and 1.0)
                table = table.groupby([attribute, VALUE], dropna=False, sort=False)[COUNT].sum().reset_index()
            out.tables[(feature, attribute)] = _tidy(table, attribute, kind)
    return out


def quantile_bins(table: pd.DataFrame, n_bins: int = 10) -> np.ndarray:
    """Join the sketch buckets of a numeric feature's table into at most ``n_bins`` quantile bins.

    Buckets are ordered by value; consecutive buckets are joined until each bin holds about
    ``1 / n_bins`` of the non-missing rows (a bucket is never split, so heavy ties give fewer
    bins). Missing values keep their own bin.

    Returns
    -------
    numpy.ndarray
        The bin (0 .. ``n_bins - 1``) of each row of ``table``, in its order; -1 for missing.
    """
    values = table[VALUE].to_numpy(dtype=object)
    present = pd.notna(values)
    keys = values[present].astype(np.int64)
    counts = table[COUNT].to_numpy()[present]
    _uniq, inverse = np.unique(keys, return_inverse=True)
    totals = np.bincount(inverse.reshape(-1), weights=counts)
    cumulative = np.cumsum(totals) / max(totals.sum(), 1)
    bin_of_key = np.minimum((np.ceil(cumulative * n_bins - 1e-9) - 1).astype(np.int64), n_bins - 1)
    bin_of_key = np.maximum(bin_of_key, 0)
    bins = np.full(len(table), -1, dtype=np.int64)
    bins[present] = bin_of_key[inverse.reshape(-1)]
    return bins


__all__ = ["VALUE", "FeatureCodes", "NumericView", "FeatureKind", "FeatureTable", "feature_codes", "feature_table", "quantile_bins",
           "numeric_view"]
