"""The frozen reference: a versioned JSON document of the statistics monitoring compares with.

``auditor reference SPEC`` freezes it from the spec's reference data (training data by default)
once; every monitoring run bins its batch with the *same* edges and categories and records the
document's SHA-256, so a run can always say what it was compared with. It holds aggregates only
— never a row:

``reference_version``
    The format version (:data:`REFERENCE_VERSION`); an unknown version is refused.
``sources``
    Per part (``features``, ``outcomes``) the dataset role, file, SHA-256 and rows it came from.
``columns``
    The column roles it was frozen with (protected, features, target, prediction, score, id,
    positive value) and the intersections of protected attributes.
``features``
    Per feature: a numeric feature's bin edges (the reference deciles; open tails, so the first
    bin is ``(-inf, e1]`` and the last ``(e9, inf)``) with counts per bin plus a missing bin, its
    mean, standard deviation and a quantile sketch of ``Q = min(1000, n // 10)`` midpoint levels
    (each quantile summarises at least ten rows); a categorical feature's categories with
    counts plus an ``unseen`` bin (always 0 in the reference) and a missing bin.
``groups``
    Per protected attribute and intersection: the cells (group labels) with their rows in the
    reference data (composition) and, from the outcome data, rows, decisions (``n_selected``),
    labelled decisions (``tn, fp, fn, tp``) and score counts per score bin.
``score``
    The score's bin edges (reference deciles) and counts, when there is a score.

The tabulation is vectorised (factorised codes, ``searchsorted`` and ``bincount``); the same
functions tabulate a batch. The module is independent of the audit profile so that the document
can later be stored inside the Profile format.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from auditor.engines.profile import canonical_label
from auditor.errors import DataError, SpecError
from auditor.files import write_atomic
from auditor.monitoring.measures import sketch_levels, sorted_quantiles
from auditor.spec.model import AuditSpec, Columns

REFERENCE_VERSION = "1"
"""Version of the frozen-reference format (independent of the tool version)."""
REFERENCE_KIND = "auditor.monitoring.reference"
N_BINS = 10
MAX_QUANTILES = 1000
MIN_ROWS_PER_QUANTILE = 10

GroupKey = tuple[str | None, ...]


# --- coding values against frozen bins --------------------------------------------------------

def _labels_of(series: pd.Series) -> tuple[np.ndarray, list[str | None]]:
    """Factorised codes (missing = -1) and the canonical label of each distinct value."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return codes, [canonical_label(v) for v in uniques]


def category_codes(series: pd.Series, categories: Sequence[str]) -> np.ndarray:
    """Codes against frozen categories: ``0..k-1`` known, ``k`` unseen, ``k + 1`` missing."""
    codes, labels = _labels_of(series)
    index = {c: i for i, c in enumerate(categories)}
    k = len(categories)
    lut = np.array([index.get(label, k) if label is not None else k + 1 for label in labels] + [k + 1], dtype=np.int64)
    return lut[codes]  # code -1 (missing) picks the last entry


def numeric_values(series: pd.Series) -> np.ndarray:
    """Float values of a column; anything non-numeric counts as missing (NaN)."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("float64").to_numpy()
    if not pd.api.types.is_numeric_dtype(series.dtype):
        series = pd.to_numeric(series, errors="coerce")
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    return np.where(np.isfinite(values), values, np.nan)


def numeric_codes(values: np.ndarray, edges: Sequence[float]) -> np.ndarray:
    """Bin codes with open tails, ``(-inf, e1], (e1, e2], …, (ek, inf)``; missing = ``len(edges) + 1``."""
    e = np.asarray(edges, dtype=float)
    codes = np.searchsorted(e, values, side="left")
    return np.where(np.isnan(values), e.size + 1, codes)


# --- tables ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class FeatureTable:
    """One feature of one dataset, tabulated against frozen bins.

    ``counts`` has one entry per bin (numeric: ``len(edges) + 1`` bins, then missing;
    categorical: categories, unseen, missing). ``sorted_values`` is kept only in memory, for
    the KS and Wasserstein measures of a batch; it is never written.
    """

    name: str
    kind: str
    counts: np.ndarray
    n_values: int
    mean: float | None = None
    sd: float | None = None
    sorted_values: np.ndarray | None = field(default=None, repr=False)


@dataclass(frozen=True)
class GroupTable:
    """Cells of one attribute set (a protected attribute or an intersection) in one dataset.

    Arrays are aligned with ``labels``; the outcome arrays are ``None`` when the dataset lacks
    the column. ``confusion`` is ``(cells, 4)``: ``tn, fp, fn, tp`` of rows with a label and a
    decision; ``score_counts`` is ``(cells, score bins + 1)``.
    """

    attributes: tuple[str, ...]
    labels: list[GroupKey]
    n: np.ndarray
    n_selected: np.ndarray | None = None
    n_decided: np.ndarray | None = None
    confusion: np.ndarray | None = None
    score_counts: np.ndarray | None = None

    def index(self) -> dict[GroupKey, int]:
        """Position of each cell by its labels."""
        return {label: i for i, label in enumerate(self.labels)}


def _binary(series: pd.Series, positive: str | None) -> np.ndarray:
    """1 where the value is ``positive``, 0 where it is another value, -1 where missing."""
    codes, labels = _labels_of(series)
    lut = np.array([(1 if label == positive else 0) if label is not None else -1 for label in labels] + [-1], dtype=np.int8)
    return lut[codes]


def _group_codes(frame: pd.DataFrame, attribute: str, known: Sequence[str | None]) -> tuple[np.ndarray, list[str | None]]:
    """Codes of a protected attribute: known labels first, then new ones (sorted), then missing."""
    codes, labels = _labels_of(frame[attribute])
    known_values = [k for k in known if k is not None]
    new = sorted({label for label in labels if label is not None and label not in set(known_values)})
    all_labels: list[str | None] = [*known_values, *new, None]
    index = {label: i for i, label in enumerate(all_labels)}
    lut = np.array([index[label] for label in labels] + [len(all_labels) - 1], dtype=np.int64)
    return lut[codes], all_labels


def group_tables(frame: pd.DataFrame, attribute_sets: Sequence[tuple[str, ...]], *, known: Mapping[str, Sequence[str | None]],
                 columns: Columns, score_edges: Sequence[float] | None, outcomes: bool) -> list[GroupTable]:
    """Tabulate every attribute set of ``frame`` in one vectorised pass per set."""
    coded = {a: _group_codes(frame, a, known.get(a, ())) for a in {a for s in attribute_sets for a in s}}
    positive = canonical_label(columns.positive)
    selected = _binary(frame[columns.prediction], positive) if outcomes and columns.prediction in frame.columns else None
    label = _binary(frame[columns.target], positive) if outcomes and columns.target in frame.columns else None
    score_bins = None
    if outcomes and columns.score in frame.columns and score_edges is not None:
        score_bins = numeric_codes(numeric_values(frame[columns.score]), score_edges)
    n_score = len(score_edges) + 2 if score_edges is not None else 0
    tables = []
    for attributes in attribute_sets:
        cell = np.zeros(len(frame), dtype=np.int64)
        radices = []
        for a in attributes:
            codes, labels = coded[a]
            cell = cell * len(labels) + codes
            radices.append(len(labels))
        size = int(np.prod(radices))
        n = np.bincount(cell, minlength=size)
        keep = np.flatnonzero(n)
        decoded = np.unravel_index(keep, radices)
        cell_labels = [tuple(coded[a][1][decoded[j][i]] for j, a in enumerate(attributes)) for i in range(keep.size)]
        sel = dec = conf = scores = None
        if selected is not None:
            decided = selected >= 0
            sel = np.bincount(cell[decided], weights=selected[decided], minlength=size)[keep].astype(np.int64)
            dec = np.bincount(cell[decided], minlength=size)[keep]
            if label is not None:
                both = decided & (label >= 0)
                code = cell[both] * 4 + label[both].astype(np.int64) * 2 + selected[both]
                conf = np.bincount(code, minlength=size * 4).reshape(size, 4)[keep]
        if score_bins is not None:
            scores = np.bincount(cell * n_score + score_bins, minlength=size * n_score).reshape(size, n_score)[keep]
        tables.append(GroupTable(tuple(attributes), cell_labels, n[keep], sel, dec, conf, scores))
    return tables


def feature_table(series: pd.Series, spec: Mapping[str, Any], *, keep_sorted: bool) -> FeatureTable:
    """Tabulate one column against a frozen feature entry (``edges`` or ``categories``)."""
    name = spec["name"]
    if spec["kind"] == "numeric":
        values = numeric_values(series)
        ordered = np.sort(values)  # NaN sort last
        n_finite = int(np.count_nonzero(~np.isnan(ordered)))
        finite = ordered[:n_finite]
        # bins (-inf, e1], (e1, e2], ..., (ek, inf) from the sorted values, then the missing bin
        below = np.searchsorted(finite, np.asarray(spec["edges"], dtype=float), side="right")
        counts = np.diff(np.concatenate(([0], below, [n_finite, len(values)])))
        mean = float(finite.mean()) if n_finite else None
        sd = float(finite.std(ddof=1)) if n_finite > 1 else None
        return FeatureTable(name, "numeric", counts, n_finite, mean, sd, finite if keep_sorted else None)
    codes = category_codes(series, spec["categories"])
    counts = np.bincount(codes, minlength=len(spec["categories"]) + 2)
    return FeatureTable(name, "categorical", counts, int(counts[:-1].sum()))


# --- freezing --------------------------------------------------------------------------------

def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


def monitored_features(columns: Columns, frame: pd.DataFrame) -> list[str]:
    """The features monitored: ``columns.features``, else every column without a role that is
    not protected and not a date (dates move on by design; timeliness checks them)."""
    if columns.features is not None:
        return [c for c in columns.features if c in frame.columns]
    roles = {columns.target, columns.prediction, columns.score, columns.id, columns.selection}
    return [str(c) for c in frame.columns if c not in roles and c not in columns.protected
            and not pd.api.types.is_datetime64_any_dtype(frame[c].dtype)]


def _freeze_feature(name: str, series: pd.Series) -> dict[str, Any]:
    if _is_numeric(series):
        values = numeric_values(series)
        finite = np.sort(values[~np.isnan(values)])
        edges = np.unique(np.quantile(finite, np.arange(1, N_BINS) / N_BINS)) if finite.size else np.array([])
        n_quantiles = min(MAX_QUANTILES, finite.size // MIN_ROWS_PER_QUANTILE)
        entry: dict[str, Any] = {"name": name, "kind": "numeric", "edges": [float(e) for e in edges]}
        table = feature_table(series, entry, keep_sorted=False)
        entry.update({
            "counts": table.counts.tolist(), "n_values": table.n_values, "mean": table.mean, "sd": table.sd,
            "quantiles": [float(q) for q in sorted_quantiles(finite, sketch_levels(n_quantiles))] if n_quantiles else [],
        })
        return entry
    _, labels = _labels_of(series)
    categories = sorted({label for label in labels if label is not None})
    entry = {"name": name, "kind": "categorical", "categories": categories}
    table = feature_table(series, entry, keep_sorted=False)
    entry.update({"counts": table.counts.tolist(), "n_values": table.n_values})
    return entry


def attribute_sets(columns: Columns, intersections: tuple[tuple[str, ...], ...] | None) -> list[tuple[str, ...]]:
    """Each protected attribute alone, then the intersections (default: every pair)."""
    single = [(a,) for a in columns.protected]
    pairs = list(itertools.combinations(columns.protected, 2)) if intersections is None else list(intersections)
    return single + [tuple(p) for p in pairs]


def _cells(tables: Sequence[GroupTable], *, composition: bool) -> list[dict[str, Any]]:
    out = []
    for table in tables:
        cells = []
        for i, labels in enumerate(table.labels):
            cell: dict[str, Any] = {"group": dict(zip(table.attributes, labels)), "n": int(table.n[i])}
            if not composition:
                if table.n_selected is not None:
                    cell["n_decided"] = int(table.n_decided[i])
                    cell["n_selected"] = int(table.n_selected[i])
                if table.confusion is not None:
                    cell["confusion"] = [int(v) for v in table.confusion[i]]
                if table.score_counts is not None:
                    cell["score_counts"] = [int(v) for v in table.score_counts[i]]
            cells.append(cell)
        out.append({"attributes": list(table.attributes), "cells": cells})
    return out


def _outcome_role(spec: AuditSpec, frames: Mapping[str, pd.DataFrame]) -> str | None:
    chosen = spec.monitoring.outcomes
    prediction = spec.columns.prediction
    if chosen is not None:
        return chosen
    for role in (spec.monitoring.data, "test", "validation"):
        if role in frames and prediction and prediction in frames[role].columns:
            return role
    return None


def freeze(spec: AuditSpec, *, now: datetime | None = None) -> dict[str, Any]:
    """Freeze the reference document from the spec's data (see the module docstring).

    Raises
    ------
    SpecError
        When the reference dataset is not in ``data:``.
    DataError
        When a protected column is missing from it.
    """
    from auditor import __version__
    from auditor.sources import load_dataset

    role = spec.monitoring.data
    if role not in spec.data:
        raise SpecError(f"names {role!r}, which is not in data: ({', '.join(spec.data) or 'none'}); "
                        "freeze the reference from a dataset the spec lists", key="monitoring.reference.data", file=spec.source_file)
    datasets = {role: load_dataset(spec.data[role])}
    frames = {role: datasets[role].frame}
    for extra in ("test", "validation"):
        if extra in spec.data and extra != role and (spec.monitoring.outcomes in (None, extra)):
            datasets[extra] = load_dataset(spec.data[extra])
            frames[extra] = datasets[extra].frame
    outcome_role = _outcome_role(spec, frames)
    if outcome_role is not None and outcome_role not in frames:
        if outcome_role not in spec.data:
            raise SpecError(f"names {outcome_role!r}, which is not in data:", key="monitoring.reference.outcomes", file=spec.source_file)
        datasets[outcome_role] = load_dataset(spec.data[outcome_role])
        frames[outcome_role] = datasets[outcome_role].frame
    frame = frames[role]
    columns = spec.columns
    for attribute in columns.protected:
        if attribute not in frame.columns:
            raise DataError(f"columns.protected names {attribute!r}, which is not in data.{role}", source=datasets[role].source,
                            column=attribute)
    features = monitored_features(columns, frame)
    sets = attribute_sets(columns, spec.checks.intersections)
    known = {a: sorted({label for label in _labels_of(frame[a])[1] if label is not None}) for a in columns.protected}
    composition = group_tables(frame, sets, known=known, columns=columns, score_edges=None, outcomes=False)
    score: dict[str, Any] | None = None
    outcome_cells: list[dict[str, Any]] = []
    if outcome_role is not None:
        outcome_frame = frames[outcome_role]
        missing = [a for a in columns.protected if a not in outcome_frame.columns]
        if missing:
            raise DataError(f"columns.protected names {missing[0]!r}, which is not in data.{outcome_role}",
                            source=datasets[outcome_role].source, column=missing[0])
        edges = None
        if columns.score and columns.score in outcome_frame.columns:
            values = numeric_values(outcome_frame[columns.score])
            finite = values[~np.isnan(values)]
            edges = np.unique(np.quantile(finite, np.arange(1, N_BINS) / N_BINS)).tolist() if finite.size else []
            score = {"edges": [float(e) for e in edges],
                     "counts": np.bincount(numeric_codes(values, edges), minlength=len(edges) + 2).tolist()}
        outcome_cells = _cells(group_tables(outcome_frame, sets, known=known, columns=columns, score_edges=edges, outcomes=True),
                               composition=False)

    def source(name: str) -> dict[str, Any]:
        d = datasets[name]
        return {"dataset": name, "source": d.source, "sha256": d.sha256, "rows": int(len(d.frame))}

    return {
        "reference_version": REFERENCE_VERSION,
        "kind": REFERENCE_KIND,
        "created_at": (now or datetime.now(UTC)).isoformat(),
        "tool": {"name": "auditor", "version": __version__},
        "sources": {"features": source(role), "outcomes": source(outcome_role) if outcome_role else None},
        "columns": {
            "protected": list(columns.protected), "features": features, "target": columns.target,
            "prediction": columns.prediction, "score": columns.score, "id": columns.id,
            "positive": canonical_label(columns.positive), "favourable": canonical_label(columns.favourable),
            "intersections": [list(s) for s in sets if len(s) > 1],
        },
        "categories": known,
        "features": [_freeze_feature(name, frame[name]) for name in features],
        "groups": {"composition": _cells(composition, composition=True), "outcomes": outcome_cells},
        "score": score,
    }


# --- the document on disk ----------------------------------------------------------------------

def canonical_json(document: Mapping[str, Any]) -> str:
    """The document's canonical text (sorted keys, no NaN): what is written and hashed."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, allow_nan=False, indent=1) + "\n"


def document_sha256(document: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical text."""
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


def save_reference(document: Mapping[str, Any], path: Path) -> str:
    """Write the document atomically; returns its SHA-256."""
    text = canonical_json(document)
    write_atomic(path, text)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class FrozenReference:
    """A loaded reference document with its SHA-256 and the path it came from."""

    document: Mapping[str, Any] = field(repr=False)
    sha256: str
    path: Path | None = None

    @property
    def columns(self) -> Mapping[str, Any]:
        """The column roles it was frozen with."""
        return self.document["columns"]

    def attribute_sets(self) -> list[tuple[str, ...]]:
        """Protected attributes, then intersections, as frozen."""
        cols = self.columns
        return [(a,) for a in cols["protected"]] + [tuple(s) for s in cols["intersections"]]

    def composition(self, attributes: tuple[str, ...]) -> dict[GroupKey, dict[str, Any]]:
        """Reference cells of an attribute set (composition data) by their labels."""
        return _by_labels(self.document["groups"]["composition"], attributes)

    def outcomes(self, attributes: tuple[str, ...]) -> dict[GroupKey, dict[str, Any]]:
        """Reference cells of an attribute set (outcome data) by their labels."""
        return _by_labels(self.document["groups"]["outcomes"], attributes)


def _by_labels(tables: Sequence[Mapping[str, Any]], attributes: tuple[str, ...]) -> dict[GroupKey, dict[str, Any]]:
    for table in tables:
        if tuple(table["attributes"]) == attributes:
            return {tuple(c["group"][a] for a in attributes): dict(c) for c in table["cells"]}
    return {}


def load_reference(path: Path) -> FrozenReference:
    """Read and check a frozen reference.

    Raises
    ------
    DataError
        For a missing or unreadable file, another kind of document, or an unknown version.
    """
    if not path.is_file():
        raise DataError("frozen reference not found; create it with 'auditor reference SPEC' "
                        "(or set monitoring.reference in the spec)", source=path)
    raw = path.read_bytes()
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"is not valid JSON ({exc}); recreate it with 'auditor reference SPEC'", source=path) from None
    if not isinstance(document, dict) or document.get("kind") != REFERENCE_KIND:
        raise DataError("is not an auditor frozen reference (no kind: auditor.monitoring.reference)", source=path)
    version = document.get("reference_version")
    if version != REFERENCE_VERSION:
        raise DataError(f"has reference_version {version!r}; this auditor reads version {REFERENCE_VERSION!r}. "
                        "Freeze the reference again with this version, or use the auditor version that wrote it", source=path)
    for key in ("sources", "columns", "categories", "features", "groups"):
        if key not in document:
            raise DataError(f"lacks {key!r}; the file is damaged or was edited — recreate it with 'auditor reference SPEC'",
                            source=path)
    return FrozenReference(document=document, sha256=hashlib.sha256(raw).hexdigest(), path=path)




# --- a batch, tabulated against the frozen reference ----------------------------------------

@dataclass(frozen=True)
class BatchTables:
    """A batch's tables against a frozen reference: features by name, groups by attribute set."""

    n_rows: int
    features: Mapping[str, FeatureTable]
    groups: Mapping[tuple[str, ...], GroupTable]
    has_prediction: bool
    has_labels: bool
    has_score: bool


def tabulate_batch(frame: pd.DataFrame, reference: FrozenReference, columns: Columns) -> BatchTables:
    """Bin a batch with the reference's edges and categories (vectorised; rows are not kept).

    Raises
    ------
    DataError
        When a monitored feature or protected attribute is missing from the batch.
    """
    doc = reference.document
    needed = [*doc["columns"]["protected"], *(f["name"] for f in doc["features"])]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise DataError(f"the batch lacks column {missing[0]!r}{f' (and {len(missing) - 1} more)' if len(missing) > 1 else ''}, "
                        "which the frozen reference monitors; give a batch with the same columns, or freeze a new reference",
                        column=missing[0])
    features = {f["name"]: feature_table(frame[f["name"]], f, keep_sorted=f["kind"] == "numeric") for f in doc["features"]}
    score = doc.get("score")
    tables = group_tables(frame, reference.attribute_sets(), known=doc["categories"], columns=columns,
                          score_edges=score["edges"] if score else None, outcomes=True)
    return BatchTables(
        n_rows=int(len(frame)),
        features=features,
        groups={t.attributes: t for t in tables},
        has_prediction=bool(columns.prediction and columns.prediction in frame.columns),
        has_labels=bool(columns.target and columns.target in frame.columns and columns.prediction in frame.columns),
        has_score=bool(score and columns.score and columns.score in frame.columns),
    )


__all__ = ["REFERENCE_VERSION", "BatchTables", "FeatureTable", "FrozenReference", "GroupTable", "attribute_sets", "canonical_json",
           "category_codes", "document_sha256", "feature_table", "freeze", "group_tables", "load_reference",
           "monitored_features", "numeric_codes", "numeric_values", "save_reference", "tabulate_batch"]
