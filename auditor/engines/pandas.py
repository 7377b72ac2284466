"""The pandas engine: computes a :class:`~auditor.engines.profile.Profile` from a DataFrame.

One vectorised pass per column, plus one joint encoding of the protected attributes, label and
prediction: each key column is factorised once, the codes are combined in mixed radix into a
single integer per row, and ``np.bincount`` counts the cells. No per-row Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from auditor.engines.associations import feature_table
from auditor.engines.bins import apply_bins
from auditor.engines.digests import apply_missing_values, compute_digests
from auditor.engines.profile import (
    COUNT,
    LABEL,
    MAX_CATEGORIES,
    PREDICTION,
    SCORE_BIN,
    ColumnKind,
    ColumnProfile,
    GroupTable,
    NumericSummary,
    Profile,
    canonical_label,
    sketch_keys,
    tidy_table,
)
from auditor.engines.sample import draw_sample
from auditor.spec.model import Columns

if TYPE_CHECKING:
    from auditor.validation.plan import QualityPlan


@dataclass(frozen=True)
class ProfilePlan:
    """Which columns of one dataset play which role (only the ones present in it)."""

    protected: tuple[str, ...] = ()
    target: str | None = None
    prediction: str | None = None
    score: str | None = None
    id: str | None = None
    selection: str | None = None
    features: tuple[str, ...] = ()
    """Model input features (``columns.features``, default: every column without a role that is
    not protected); counted per group for the proxy checks and kept in the row sample."""
    quality: QualityPlan | None = None
    """Row-level quality work of the same pass: missing-value codes, rules, validators (see
    :mod:`auditor.engines.digests`)."""
    bins: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    """Numeric columns banded before anything else is computed (``columns.bins``), so every
    statistic, group and check sees the bands (:func:`apply_bins`)."""

    @classmethod
    def for_columns(cls, columns: Columns, present: list[str] | pd.Index) -> ProfilePlan:
        """The plan for a dataset with the given column names."""
        have = set(present)

        def keep(name: str | None) -> str | None:
            return name if name is not None and name in have else None

        roles = {columns.target, columns.prediction, columns.score, columns.id, columns.selection}
        if columns.features is not None:
            features = tuple(c for c in columns.features if c in have)
        else:
            features = tuple(str(c) for c in present if c not in roles and c not in columns.protected)
        return cls(
            protected=tuple(c for c in columns.protected if c in have),
            target=keep(columns.target),
            prediction=keep(columns.prediction),
            score=keep(columns.score),
            id=keep(columns.id),
            selection=keep(columns.selection),
            features=features,
            bins={c: edges for c, edges in columns.bins.items() if c in have},
        )

    @property
    def roles(self) -> dict[str, str]:
        """Role name → column, for roles that are set."""
        pairs = {"target": self.target, "prediction": self.prediction, "score": self.score, "id": self.id,
                 "selection": self.selection}
        return {role: col for role, col in pairs.items() if col is not None}


def _kind(series: pd.Series) -> ColumnKind:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    return "categorical"


def _numeric_summary(values: np.ndarray, weights: np.ndarray | None = None) -> NumericSummary:
    """Moments, extremes and sketch of ``values`` (each counted ``weights`` times, default once)."""
    finite_mask = np.isfinite(values)
    w = np.ones(len(values), dtype=np.int64) if weights is None else weights.astype(np.int64)
    finite, fw = values[finite_mask], w[finite_mask]
    n_inf = int(w[np.isinf(values)].sum())
    if finite.size == 0:
        return NumericSummary(0, n_inf, 0.0, 0.0, np.inf, -np.inf, {})
    keys = sketch_keys(finite)
    if weights is None:
        unique, counts = np.unique(keys, return_counts=True)
        total, total_sq = float(finite.sum()), float(np.dot(finite, finite))
    else:
        unique, inverse = np.unique(keys, return_inverse=True)
        counts = np.bincount(inverse, weights=fw).astype(np.int64)
        total, total_sq = float(np.dot(finite, fw)), float(np.dot(finite * finite, fw))
    return NumericSummary(
        n=int(fw.sum()),
        n_infinite=n_inf,
        total=total,
        total_sq=total_sq,
        min=float(finite.min()),
        max=float(finite.max()),
        sketch={int(k): int(c) for k, c in zip(unique, counts, strict=True)},
    )


_PREFIX_ROWS = 100_000
"""A column whose first rows already hold more than :data:`MAX_CATEGORIES` distinct values keeps
no counts; checking a prefix first spares counting millions of distinct values for nothing (the
outcome is the same: the whole column has at least as many distinct values as its prefix)."""


def _value_counts(series: pd.Series) -> pd.Series | None:
    """Counts of the distinct non-missing raw values, or ``None`` above :data:`MAX_CATEGORIES`."""
    if len(series) > _PREFIX_ROWS and series.iloc[:_PREFIX_ROWS].nunique(dropna=True) > MAX_CATEGORIES:
        return None
    counts = series.value_counts(dropna=True, sort=False)
    return None if len(counts) > MAX_CATEGORIES else counts


def _category_counts(counts: pd.Series | None) -> dict[str, int] | None:
    if counts is None:
        return None
    out: dict[str, int] = {}
    for value, count in zip(counts.index, counts.to_numpy(), strict=True):
        label = canonical_label(value)
        if label is not None:
            out[label] = out.get(label, 0) + int(count)
    return dict(sorted(out.items()))


def _float_values(series: pd.Series, kind: ColumnKind) -> np.ndarray:
    if kind == "datetime":
        stamps = series.to_numpy(dtype="datetime64[ns]")
        out = stamps.astype("int64").astype(float) / 1e9  # seconds since the epoch
        out[np.isnat(stamps)] = np.nan
        return out
    return series.to_numpy(dtype=float, na_value=np.nan)


def profile_column(series: pd.Series) -> ColumnProfile:
    """Profile one column.

    A numeric column with few distinct values (codes, counts, 0/1) is summarised from its value
    counts rather than row by row: the same numbers, computed over at most
    :data:`MAX_CATEGORIES` values.
    """
    kind = _kind(series)
    counts = _value_counts(series) if kind != "datetime" else None
    numeric = None
    if kind == "numeric" and counts is not None:
        numeric = _numeric_summary(counts.index.to_numpy(dtype=float, na_value=np.nan), counts.to_numpy())
    elif kind in ("numeric", "datetime"):
        numeric = _numeric_summary(_float_values(series, kind))
    return ColumnProfile(
        name=str(series.name),
        dtype=str(series.dtype),
        kind=kind,
        n_missing=int(series.isna().sum()),
        counts=_category_counts(counts),
        numeric=numeric,
    )


def _codes(series: pd.Series) -> tuple[np.ndarray, list[str | None]]:
    """Factorise a key column: codes 0..k-1 for values, k for missing; canonical labels."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    labels: list[str | None] = [canonical_label(v) for v in uniques]
    codes = np.where(codes < 0, len(labels), codes).astype(np.int32 if len(labels) < 2**31 - 1 else np.int64)
    return codes, labels + [None]


def _combine(parts: list[tuple[np.ndarray, list[str | None]]], n: int) -> tuple[np.ndarray, list[int]]:
    combined = np.zeros(n, dtype=np.int64)
    radices: list[int] = []
    for codes, labels in parts:
        combined = combined * len(labels) + codes
        radices.append(len(labels))
    return combined, radices


def _decode(keys: np.ndarray, parts: list[tuple[np.ndarray, list[str | None]]], names: list[str]) -> pd.DataFrame:
    columns: dict[str, list[str | None]] = {}
    rest = keys.copy()
    for (_codes_unused, labels), name in zip(reversed(parts), reversed(names), strict=True):
        radix = len(labels)
        idx = rest % radix
        rest = rest // radix
        columns[name] = [labels[i] for i in idx]
    return pd.DataFrame({name: columns[name] for name in names})


def _count_table(parts: list[tuple[np.ndarray, list[str | None]]], names: list[str], n: int) -> pd.DataFrame:
    combined, radices = _combine(parts, n)
    size = int(np.prod(radices, dtype=float)) if radices else 1
    if size <= _DENSE_CELLS:  # counting beats sorting when the key space is small
        dense = np.bincount(combined, minlength=size)
        keys = np.flatnonzero(dense)
        counts = dense[keys]
    else:
        keys, counts = np.unique(combined, return_counts=True)
    table = _decode(keys, parts, names)
    table[COUNT] = counts.astype(np.int64)
    # Canonical labels can merge raw values (1 and 1.0): add those cells up.
    table = table.groupby(names, dropna=False, sort=False).sum().reset_index() if names else table
    return tidy_table(table, names)


_DENSE_CELLS = 1 << 22
"""Key spaces up to this size are counted with ``np.bincount`` instead of sorted with ``np.unique``."""


def _constant(n: int) -> tuple[np.ndarray, list[str | None]]:
    return np.zeros(n, dtype=np.int64), [None]


def _group_table(frame: pd.DataFrame, plan: ProfilePlan,
                 group_parts: list[tuple[np.ndarray, list[str | None]]] | None = None) -> GroupTable:
    n = len(frame)
    attrs = list(plan.protected)
    if group_parts is None:
        group_parts = [_codes(frame[a]) for a in attrs]
    label_part = _codes(frame[plan.target]) if plan.target else _constant(n)
    pred_part = _codes(frame[plan.prediction]) if plan.prediction else _constant(n)
    cells = _count_table(group_parts + [label_part, pred_part], attrs + [LABEL, PREDICTION], n)

    group_code, _ = _combine(group_parts, n)
    na = frame.isna()
    na = na.loc[:, na.to_numpy().any(axis=0)]  # only columns with missing values
    per_cell = na.groupby(group_code, sort=True).sum()
    per_cell = per_cell.loc[:, per_cell.to_numpy().sum(axis=0) > 0]
    long = per_cell.stack()
    long = long[long > 0]
    missing_rows = []
    if len(long):
        cell_codes = long.index.get_level_values(0).to_numpy()
        decoded = _decode(cell_codes, group_parts, attrs) if attrs else pd.DataFrame(index=range(len(long)))
        decoded["column"] = long.index.get_level_values(1).astype(str)
        decoded[COUNT] = long.to_numpy().astype(np.int64)
        missing_rows.append(decoded)
    missing = (
        tidy_table(pd.concat(missing_rows, ignore_index=True), attrs + ["column"])
        if missing_rows
        else pd.DataFrame({**{a: [] for a in attrs}, "column": [], COUNT: np.array([], dtype=np.int64)})
    )

    scores = None
    if plan.score:
        values = pd.to_numeric(frame[plan.score], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        ok = np.isfinite(values)
        bins = sketch_keys(np.where(ok, values, 0.0))
        score_codes, score_labels = pd.factorize(bins)
        parts = [(p[0][ok], p[1]) for p in group_parts + [label_part]]
        parts.append((score_codes[ok].astype(np.int64), [int(v) for v in score_labels]))  # type: ignore[list-item]
        scores = _count_table(parts, attrs + [LABEL, SCORE_BIN], int(ok.sum()))
        scores[SCORE_BIN] = scores[SCORE_BIN].astype(np.int64)
    return GroupTable(attributes=plan.protected, cells=cells, missing=missing, scores=scores)


def profile_frame(frame: pd.DataFrame, *, dataset: str, plan: ProfilePlan) -> Profile:
    """Compute the profile of a DataFrame.

    Parameters
    ----------
    frame
        The data.
    dataset
        Its role in the audit.
    plan
        Which columns play which role (see :meth:`ProfilePlan.for_columns`).
    """
    if plan.bins:
        frame = apply_bins(frame, plan.bins, dataset=dataset)
    treated: dict[str, dict[str, int]] = {}
    if plan.quality is not None and plan.quality.missing_values:
        frame, treated = apply_missing_values(frame, plan.quality.missing_values)
    na_per_row = frame.isna().to_numpy().sum(axis=1)
    row_missing = np.bincount(na_per_row) if len(frame) else np.array([], dtype=np.int64)
    columns = {str(name): profile_column(frame[name]) for name in frame.columns}
    # The digests first: their temporaries are freed before the group codes are allocated.
    row_hashes, digests = compute_digests(frame, plan, columns, dataset=dataset, treated_missing=treated)
    group_parts = [_codes(frame[a]) for a in plan.protected]
    counted = plan.features + ((plan.selection,) if plan.selection else ())
    sample = None
    if plan.protected and plan.features:
        kept = [*plan.features, *plan.protected, *(c for c in (plan.target, plan.prediction, plan.score) if c)]
        sample = draw_sample(frame, list(dict.fromkeys(kept)), group_parts, row_hashes)
    return Profile(
        dataset=dataset,
        n_rows=len(frame),
        columns=columns,
        groups=_group_table(frame, plan, group_parts),
        roles=plan.roles,
        row_missing={int(k): int(c) for k, c in enumerate(row_missing) if c},
        features=feature_table(frame, counted, plan.protected, group_parts) if counted else None,
        sample=sample,
        digests=digests,
    )
