"""The pandas engine: computes a :class:`~auditor.engines.profile.Profile` from a DataFrame.

One vectorised pass per column, plus one joint encoding of the protected attributes, label and
prediction: each key column is factorised once, the codes are combined in mixed radix into a
single integer per row, and ``np.bincount`` counts the cells. No per-row Python.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from auditor.engines.associations import FeatureCodes, NumericView, feature_codes, feature_table, numeric_view
from auditor.engines.base import KIND_OF, ColumnKind, DatasetHandle, LogicalType, ProfilePlan, Schema, register_engine
from auditor.engines.bins import apply_bins
from auditor.engines.digests import apply_missing_values, compute_digests
from auditor.engines.profile import (
    COUNT,
    LABEL,
    MAX_CATEGORIES,
    PREDICTION,
    SCORE_BIN,
    TOP_K,
    ColumnProfile,
    GroupTable,
    NumericSummary,
    Profile,
    TopValues,
    canonical_label,
    sketch_keys,
    smallest_hashes,
    tidy_table,
    value_hashes,
)
from auditor.engines.sample import draw_sample

if TYPE_CHECKING:
    from auditor.spec.model import DataSource


def logical_type_of(series: pd.Series) -> LogicalType:
    """The logical type of a pandas column: the Arrow mapping of :mod:`auditor.engines.base` applied
    to the Arrow type pandas' own conversion would give it (object columns are ``string``)."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return logical_type_of(pd.Series(dtype.categories))
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "timestamp"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_numeric_dtype(dtype):
        return "float"
    if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        return "string"
    return "other"


def schema_of(frame: pd.DataFrame) -> Schema:
    """The schema of a DataFrame: Arrow types as pyarrow converts each column, logical types by the
    fixed mapping (a column pyarrow cannot convert, e.g. mixed numbers and text, is ``string``)."""
    import pyarrow as pa

    from auditor.engines.base import ColumnType, logical_type

    out = []
    for name in frame.columns:
        series = frame[name]
        try:
            arrow = pa.Array.from_pandas(series.iloc[:0] if not pd.api.types.is_object_dtype(series.dtype) else series).type
            logical = logical_type(arrow)
            if logical == "string" and not (pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)):
                logical = logical_type_of(series)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            arrow, logical = "mixed", "string"
        out.append(ColumnType(str(name), str(arrow), logical))
    return Schema(tuple(out))


def _key_counts(keys: np.ndarray, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Distinct sketch keys (ascending) and their (weighted) counts: a bincount over the key range
    when it is narrow (one sign of values, the usual case), a sort otherwise."""
    low, high = int(keys.min()), int(keys.max())
    if high - low <= max(1 << 16, 2 * len(keys)):
        dense = np.bincount(keys - low, weights=weights, minlength=high - low + 1)
        found = np.flatnonzero(dense)
        return found + low, dense[found].astype(np.int64)
    unique, inverse = np.unique(keys, return_inverse=True)
    return unique, np.bincount(inverse, weights=weights).astype(np.int64)


def _numeric_summary(values: np.ndarray, weights: np.ndarray | None = None,
                     view: NumericView | None = None, coded: FeatureCodes | None = None) -> NumericSummary:
    """Moments, extremes and sketch of ``values`` (each counted ``weights`` times, default once).

    ``view``, ``coded``: the pass's :func:`~auditor.engines.associations.numeric_view` of the
    same values (finite mask and sketch keys) and their feature codes (sketch keys factorised),
    when already computed.
    """
    finite_mask = np.isfinite(values) if view is None else view[1]
    w = np.ones(len(values), dtype=np.int64) if weights is None else weights.astype(np.int64)
    finite, fw = values[finite_mask], w[finite_mask]
    n_inf = int(w[np.isinf(values)].sum())
    if finite.size == 0:
        return NumericSummary(0, n_inf, 0.0, 0.0, np.inf, -np.inf, {})
    if coded is not None and weights is None:  # the feature codes already count the sketch keys
        codes, labels, _kind = coded
        tally = np.bincount(codes[finite_mask], minlength=len(labels))
        present = np.flatnonzero(tally)
        order = np.argsort([labels[i] for i in present])
        unique, counts = np.array([labels[i] for i in present], dtype=np.int64)[order], tally[present][order]
    else:
        keys = sketch_keys(finite) if view is None else view[2][finite_mask]
        unique, counts = _key_counts(keys) if weights is None else _key_counts(keys, fw.astype(float))
    with np.errstate(over="ignore", invalid="ignore"):  # beyond float64 the sums are inf: mean and std then say NaN
        if weights is None:
            total, total_sq = float(finite.sum()), float(np.dot(finite, finite))
        else:
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


def _top_values(series: pd.Series, kind: ColumnKind) -> TopValues:
    """The bounded summary of a column with more than :data:`MAX_CATEGORIES` distinct values: the
    same as :meth:`TopValues.from_counts` of its exact counts, labelling only the values that can
    keep a counter (the :data:`~auditor.engines.profile.TOP_K` + 1 largest counts)."""
    counts = series.value_counts(dropna=True, sort=False)
    raw = counts.index
    hash_kind = "numeric" if kind == "numeric" else "categorical"
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        hashes = value_hashes(raw.to_numpy(dtype=float, na_value=np.nan), "numeric")  # distinct numbers, distinct labels
    elif pd.api.types.infer_dtype(raw, skipna=True) == "string":
        hashes = value_hashes(raw.to_numpy(dtype=object), hash_kind)  # text is its own canonical label
    else:  # mixed objects: canonical labels can merge raw values, so count by label
        exact = _category_counts(counts) or {}
        return TopValues.from_counts(exact, value_hashes(list(exact), hash_kind))
    order = np.argsort(-counts.to_numpy(), kind="stable")[: TOP_K + 1]
    top = TopValues(int(counts.to_numpy().sum()), _category_counts(counts.iloc[order]) or {}, 0,
                    smallest_hashes(hashes))
    return top._reduced()


def _float_values(series: pd.Series, kind: ColumnKind) -> np.ndarray:
    if kind == "datetime":
        stamps = series.to_numpy(dtype="datetime64[ns]")
        out = stamps.astype("int64").astype(float) / 1e9  # seconds since the epoch
        out[np.isnat(stamps)] = np.nan
        return out
    return series.to_numpy(dtype=float, na_value=np.nan)


def as_declared(series: pd.Series, kind: ColumnKind | None) -> pd.Series:
    """The column's values as its declared kind: text declared a number or a date becomes the values
    that read as one (the others missing); any other column is returned as it is."""
    if kind == "numeric" and (not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype)):
        return pd.to_numeric(series.astype(object).where(series.notna(), None), errors="coerce")
    if kind == "datetime" and not pd.api.types.is_datetime64_any_dtype(series.dtype):
        return pd.to_datetime(series, errors="coerce", format="ISO8601", utc=True).dt.tz_localize(None)
    return series


def profile_column(series: pd.Series, logical: LogicalType | None = None, *, n_missing: int | None = None,
                   view: NumericView | None = None, coded: FeatureCodes | None = None) -> ColumnProfile:
    """Profile one column, of the given logical type (default: the type of its values).

    A numeric column with few distinct values (codes, counts, 0/1) is summarised from its value
    counts rather than row by row: the same numbers, computed over at most
    :data:`MAX_CATEGORIES` values. A column declared numeric or a date whose values are text
    (``type: integer`` in a spec rule on a CSV column) is summarised from the values that read
    as numbers or dates; the others count in the rule's ``type`` result, not here.
    ``n_missing``, ``view`` and ``coded`` are what the pass already knows of the column.
    """
    logical = logical or logical_type_of(series)
    kind: ColumnKind = KIND_OF[logical]
    values = as_declared(series, kind)
    if values is not series:
        view = None
    if view is None or (coded is not None and coded[2] != "numeric"):
        coded = None
    counts = _value_counts(series) if kind != "datetime" else None
    numeric = None
    if kind == "numeric" and counts is not None and values is series:
        numeric = _numeric_summary(counts.index.to_numpy(dtype=float, na_value=np.nan), counts.to_numpy())
    elif kind in ("numeric", "datetime"):
        numeric = _numeric_summary(view[0] if view is not None else _float_values(values, kind), view=view, coded=coded)
    return ColumnProfile(
        name=str(series.name),
        logical=logical,
        kind=kind,
        n_missing=int(series.isna().sum()) if n_missing is None else n_missing,
        counts=_category_counts(counts),
        numeric=numeric,
        top=_top_values(series, kind) if counts is None and kind != "datetime" else None,
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


def _count_table(parts: list[tuple[np.ndarray, list[str | None]]], names: list[str], n: int,
                 base: tuple[np.ndarray, list[int]] | None = None) -> pd.DataFrame:
    """Counts of the joint values of ``parts``; ``base``: the combined code of the leading parts
    that the pass already computed (the protected cell), so only the others are added."""
    if base is not None and base[1]:
        combined, radices = base[0], list(base[1])
        for codes, labels in parts[len(radices):]:
            combined = combined * len(labels) + codes
            radices.append(len(labels))
    else:
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


class _Pass:
    """What one profiling pass encodes once and every part of the profile shares.

    Before, each part encoded for itself: the features and the target were factorised twice
    (group feature tables, label tables), the protected cell code was combined four times
    (group table, missing table, feature tables, sample) and ``isna`` ran three times over the
    frame. Here each is computed once, on first use, and reused: the missing-value matrix, the
    numeric views (float values, finite mask, sketch keys), the feature codes, the protected
    codes and their joint cell code, the target's and the prediction's codes.
    """

    def __init__(self, frame: pd.DataFrame, plan: ProfilePlan) -> None:
        self.frame, self.plan, self.n = frame, plan, len(frame)
        self.na = frame.isna().to_numpy()
        self._column = {}
        for j, name in enumerate(frame.columns):
            self._column.setdefault(str(name), j)
        self._views: dict[str, NumericView | None] = {}
        self._coded: dict[str, FeatureCodes | None] = {}
        self._parts: dict[str, tuple[np.ndarray, list[str | None]]] = {}
        self.group_parts = [self.part(a) for a in plan.protected]
        self.cell, self.radices = _combine(self.group_parts, self.n)

    def missing(self, name: str) -> np.ndarray:
        """Whether each cell of the column is missing."""
        return self.na[:, self._column[name]]

    def view(self, name: str) -> NumericView | None:
        """The column's numeric view (``None`` for text and boolean columns), by its logical type.

        The type the plan gives (a spec rule's ``type:``, else the Arrow mapping) decides, as it
        does for the column profile: text declared a number or a date is viewed as the values that
        read as one (so its feature tables are in sketch buckets, like its summary), and a
        number declared boolean has no numeric view (its feature tables count its values)."""
        if name not in self._views:
            series = self.frame[name]
            declared = self.plan.types.get(name)
            kind = KIND_OF[declared] if declared in KIND_OF else None
            view = None if kind in ("categorical", "boolean") else numeric_view(as_declared(series, kind))
            self._views[name] = view
        return self._views[name]

    def coded(self, name: str) -> FeatureCodes | None:
        """The column's feature codes (sketch keys for numbers and dates, labels otherwise)."""
        if name not in self._coded:
            view = self.view(name)
            self._coded[name] = feature_codes(self.frame[name], view, as_values=view is None)
        return self._coded[name]

    def part(self, name: str) -> tuple[np.ndarray, list[str | None]]:
        """The column's key codes (missing = the last code) and canonical labels."""
        if name not in self._parts:
            self._parts[name] = _codes(self.frame[name])
        return self._parts[name]


def _group_table(frame: pd.DataFrame, plan: ProfilePlan, encoded: _Pass | None = None) -> GroupTable:
    n = len(frame)
    encoded = encoded or _Pass(frame, plan)
    attrs = list(plan.protected)
    group_parts = encoded.group_parts
    label_part = encoded.part(plan.target) if plan.target else _constant(n)
    pred_part = encoded.part(plan.prediction) if plan.prediction else _constant(n)
    cells = _count_table(group_parts + [label_part, pred_part], attrs + [LABEL, PREDICTION], n,
                         base=(encoded.cell, encoded.radices))

    group_code = encoded.cell
    with_missing = np.flatnonzero(encoded.na.any(axis=0))  # only columns with missing values
    names = [str(c) for c in frame.columns]
    na = pd.DataFrame(encoded.na[:, with_missing], columns=[names[j] for j in with_missing])
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
        view = encoded.view(plan.score)
        if view is None:
            values = pd.to_numeric(frame[plan.score], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            ok = np.isfinite(values)
            bins = sketch_keys(np.where(ok, values, 0.0))
        else:
            _values, ok, bins = view
        score_codes, score_labels = pd.factorize(bins)
        parts = [(p[0][ok], p[1]) for p in group_parts + [label_part]]
        parts.append((score_codes[ok].astype(np.int64), [int(v) for v in score_labels]))  # type: ignore[list-item]
        scores = _count_table(parts, attrs + [LABEL, SCORE_BIN], int(ok.sum()))
        scores[SCORE_BIN] = scores[SCORE_BIN].astype(np.int64)
    return GroupTable(attributes=plan.protected, cells=cells, missing=missing, scores=scores)


def profile_frame(frame: pd.DataFrame, *, dataset: str, plan: ProfilePlan) -> Profile:
    """Compute the profile of a DataFrame: the chunk-level kernel of every engine.

    One pass: each column is encoded once (:class:`_Pass`) and every part of the profile —
    column summaries, digests, group and feature tables, the sample — reads the shared codes.

    Parameters
    ----------
    frame
        The data (a part of a dataset, for a chunked engine; see :mod:`auditor.engines.base`).
    dataset
        Its role in the audit.
    plan
        Which columns play which role (see :meth:`ProfilePlan.for_columns`).
    """
    treated: dict[str, dict[str, int]] = {}
    if plan.quality is not None and plan.quality.missing_values:
        frame, treated = apply_missing_values(frame, plan.quality.missing_values)
    if plan.bins:  # bands first (after missing-value codes), so every statistic sees them
        frame = apply_bins(frame, plan.bins, dataset=dataset)
        plan = replace(plan, types={**plan.types, **dict.fromkeys(plan.bins, "string")})
    encoded = _Pass(frame, plan)
    counted = plan.features + ((plan.selection,) if plan.selection else ())
    na_per_row = encoded.na.sum(axis=1)
    row_missing = np.bincount(na_per_row) if len(frame) else np.array([], dtype=np.int64)
    columns = {}
    for name in frame.columns:
        key = str(name)
        missing = int(encoded.missing(key).sum())
        shared = encoded.coded(key) if key in counted and encoded.view(key) is not None else None
        columns[key] = profile_column(frame[name], plan.types.get(key), n_missing=missing, view=encoded.view(key),
                                      coded=shared)
    row_hashes, digests = compute_digests(frame, plan, columns, dataset=dataset, treated_missing=treated,
                                          missing=encoded.missing, coded=encoded.coded,
                                          label_part=encoded.part(plan.target) if plan.target else None)
    sample = None
    if plan.protected and plan.features:
        kept = [*plan.features, *plan.protected, *(c for c in (plan.target, plan.prediction, plan.score) if c)]
        sample = draw_sample(frame, list(dict.fromkeys(kept)), encoded.group_parts, row_hashes, cell_codes=encoded.cell)
    return Profile(
        dataset=dataset,
        n_rows=len(frame),
        columns=columns,
        groups=_group_table(frame, plan, encoded),
        roles=plan.roles,
        row_missing={int(k): int(c) for k, c in enumerate(row_missing) if c},
        features=feature_table(frame, counted, plan.protected, encoded.group_parts, cell=encoded.cell,
                               coded=encoded.coded) if counted else None,
        sample=sample,
        digests=digests,
    )


class PandasEngine:
    """The in-memory engine: reads a file (or takes a DataFrame) whole and profiles it in one pass.

    The reference implementation of :class:`~auditor.engines.base.Engine`; the other engines
    run its kernel, :func:`profile_frame`, on parts of the data and merge.
    """

    name = "pandas"

    def open(self, source: DataSource) -> DatasetHandle:
        """Read the source (CSV, Parquet or a DataFrame), fingerprint it and take its schema."""
        from auditor.sources import load_dataset

        loaded = load_dataset(source)
        frame = loaded.frame
        schema = schema_of(frame)
        if loaded.format == "parquet" and source.path is not None:
            schema = _parquet_schema(source.path, schema)
        return DatasetHandle(name=loaded.name, source=source, location=loaded.source, sha256=loaded.sha256,
                             format=loaded.format, schema=schema, engine=self.name, details=loaded.details,
                             n_rows=len(frame), state=frame)

    def schema(self, source: DataSource) -> Schema:
        """The schema (of the Parquet footer for a Parquet file; of the read frame otherwise)."""
        if source.frame is None and source.path is not None and (source.format == "parquet" or (
                source.format is None and source.path.suffix.lower() in (".parquet", ".pq"))):
            try:
                import pyarrow.parquet as pq

                return Schema.from_arrow(pq.read_schema(source.path))
            except Exception:  # unreadable: open() gives the user's message
                pass
        return self.open(source).schema

    def profile(self, handle: DatasetHandle, plan: ProfilePlan) -> Profile:
        """Profile the frame the handle holds."""
        frame = handle.state if isinstance(handle.state, pd.DataFrame) else self.open(handle.source).state
        return profile_frame(frame, dataset=handle.name, plan=plan)


def _parquet_schema(path: object, fallback: Schema) -> Schema:
    """The file's own Arrow schema (types as written, not as pandas read them back)."""
    try:
        import pyarrow.parquet as pq

        schema = Schema.from_arrow(pq.read_schema(path))
    except Exception:
        return fallback
    return schema if schema.names == fallback.names else fallback


ENGINE = register_engine(PandasEngine())
