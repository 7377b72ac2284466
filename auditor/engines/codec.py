"""A :class:`~auditor.engines.profile.Profile` to and from its saved document (:mod:`auditor.profile.format`).

:func:`to_document` keeps the bounded statistics and, only with a secret key, the keyed row
evidence; :func:`from_document` rebuilds a profile whose statistics equal the saved ones (the
round-trip test checks every part). Digests come back as
:class:`~auditor.engines.digests.HashSummary` (sizes only) without row evidence, or as keyed
:class:`~auditor.engines.digests.HashCounts` with it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

from auditor.engines.associations import FeatureTable
from auditor.engines.digests import DateRange, Digests, HashCounts, HashSummary
from auditor.engines.profile import (
    _GAMMA,
    _KEY_OFFSET,
    COUNT,
    KMV_K,
    SCORE_BIN,
    SKETCH_ALPHA,
    TOP_K,
    ColumnProfile,
    GroupTable,
    NumericSummary,
    Profile,
    TopValues,
)
from auditor.engines.sample import PER_CELL, SAMPLE_SIZE, SEED
from auditor.engines.spill import SpilledHashCounts
from auditor.profile.format import FORMAT, HASH_FAMILY, PROFILE_VERSION, key_id, keyed_hashes
from auditor.profile.labels import CANONICAL_LABEL_RULES, MAX_CATEGORIES
from auditor.validation.results import MAX_EXAMPLES, MIN_VALUE_COUNT, RuleResult

_INTEGER_KEYS = {COUNT, SCORE_BIN}
_LIBRARIES = ("auditor", "numpy", "pandas", "pyarrow")


def _versions() -> dict[str, str]:
    out = {}
    for name in _LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def header(engine: str, row_evidence: Mapping[str, Any] | None) -> dict[str, Any]:
    """The header of a saved profile (see :mod:`auditor.profile.format`)."""
    return {
        "format": FORMAT,
        "profile_version": PROFILE_VERSION,
        "engine": engine,
        "libraries": _versions(),
        "sketch": {"family": "log-bucket (DDSketch-style)", "alpha": SKETCH_ALPHA, "gamma": _GAMMA, "key_offset": _KEY_OFFSET},
        "limits": {"max_categories": MAX_CATEGORIES, "max_examples": MAX_EXAMPLES, "min_value_count": MIN_VALUE_COUNT,
                   "top_k": TOP_K, "kmv_k": KMV_K},
        "sample": {"size": SAMPLE_SIZE, "per_cell": PER_CELL, "seed": SEED, "written": False},
        "canonical_labels": dict(CANONICAL_LABEL_RULES),
        "hash_family": dict(HASH_FAMILY),
        "row_evidence": None if row_evidence is None else dict(row_evidence),
    }


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"non-finite number {value!r} in a profile table")
    return value


def _table(frame: pd.DataFrame | None) -> dict[str, Any] | None:
    if frame is None:
        return None
    columns = [str(c) for c in frame.columns]
    rows = [[_scalar(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return {"columns": columns, "rows": rows}


def _frame(table: Mapping[str, Any] | None) -> pd.DataFrame | None:
    if table is None:
        return None
    columns = list(table["columns"])
    for row in table["rows"]:
        if not isinstance(row, list) or len(row) != len(columns) or not all(v is None or isinstance(v, str | int) for v in row):
            raise ValueError(f"a table row must be {len(columns)} texts, integers or nulls ({', '.join(columns)}); found {row!r:.80}")
    values = list(zip(*table["rows"], strict=True)) if table["rows"] else [() for _ in columns]
    data = {}
    for name, column in zip(columns, values, strict=True):
        if name in _INTEGER_KEYS:
            data[name] = np.array(column, dtype=np.int64)
        else:
            data[name] = pd.Series(list(column), dtype=object)
    return pd.DataFrame(data, columns=columns)


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _numeric(summary: NumericSummary | None) -> dict[str, Any] | None:
    if summary is None:
        return None
    # a sum beyond float64's range is null (read back as inf: mean and std are then NaN)
    return {"n": summary.n, "n_infinite": summary.n_infinite, "total": _finite(summary.total),
            "total_sq": _finite(summary.total_sq),
            "min": _finite(summary.min), "max": _finite(summary.max), "sketch": [[k, c] for k, c in sorted(summary.sketch.items())]}


def _numeric_back(data: Mapping[str, Any] | None) -> NumericSummary | None:
    if data is None:
        return None
    return NumericSummary(
        n=data["n"], n_infinite=data["n_infinite"], total=math.inf if data["total"] is None else float(data["total"]),
        total_sq=math.inf if data["total_sq"] is None else float(data["total_sq"]),
        min=math.inf if data["min"] is None else float(data["min"]), max=-math.inf if data["max"] is None else float(data["max"]),
        sketch={int(k): int(c) for k, c in data["sketch"]},
    )


def _top(top: TopValues | None) -> dict[str, Any] | None:
    if top is None:
        return None
    return {"n": top.n, "error": top.error, "counters": [[v, c] for v, c in sorted(top.counters.items())],
            "hashes": _hex(top.hashes)}


def _top_back(data: Mapping[str, Any] | None) -> TopValues | None:
    if data is None:
        return None
    counters = {}
    for pair in data["counters"]:
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) and isinstance(pair[1], int)):
            raise ValueError(f"a counter of a bounded column must be [label, count]; found {pair!r:.80}")
        counters[pair[0]] = pair[1]
    hashes = _unhex(data["hashes"])
    if len(hashes) > KMV_K or not np.all(hashes[1:] > hashes[:-1]):
        raise ValueError(f"the hashes of a bounded column must be at most {KMV_K}, ascending and distinct")
    return TopValues(n=int(data["n"]), counters=counters, error=int(data["error"]), hashes=hashes)


def _features(table: FeatureTable | None) -> dict[str, Any] | None:
    if table is None:
        return None
    return {"attributes": list(table.attributes), "kinds": dict(table.kinds),
            "tables": [{"feature": f, "attribute": a, "table": _table(t)} for (f, a), t in table.tables.items()]}


def _features_back(data: Mapping[str, Any] | None) -> FeatureTable | None:
    if data is None:
        return None
    tables = {(t["feature"], t["attribute"]): _frame(t["table"]) for t in data["tables"]}
    return FeatureTable(tuple(data["attributes"]), dict(data["kinds"]), tables)


def _summary(digest: HashCounts | SpilledHashCounts | HashSummary | None) -> dict[str, Any] | None:
    if digest is None:
        return None
    s = digest.summary()
    return {"columns": list(s.columns), "n_distinct": s.n_distinct, "n_skipped": s.n_skipped, "has_groups": s.has_groups,
            "multiplicities": [[c, h] for c, h in sorted(s.multiplicities.items())]}


def _summary_back(data: Mapping[str, Any] | None) -> HashSummary | None:
    if data is None:
        return None
    return HashSummary(tuple(data["columns"]), data["n_distinct"], {int(c): int(h) for c, h in data["multiplicities"]},
                       data["n_skipped"], data["has_groups"])


def _rule(result: RuleResult) -> dict[str, Any]:
    return {"key": result.key, "source": result.source, "rule": result.rule, "column": result.column,
            "n_checked": result.n_checked, "n_failed": result.n_failed, "success": result.success,
            "values": [[v, c] for v, c in result.values], "values_complete": result.values_complete,
            "detail": dict(result.detail)}


def _rule_back(data: Mapping[str, Any], rows: tuple[int, ...]) -> RuleResult:
    return RuleResult(source=data["source"], rule=data["rule"], column=data["column"], n_checked=data["n_checked"],
                      n_failed=data["n_failed"], rows=rows, values=tuple((v, int(c)) for v, c in data["values"]),
                      success=data["success"], detail=data["detail"], key=data["key"],
                      values_complete=data["values_complete"])


def _hex(values: np.ndarray) -> list[str]:
    return [f"{int(v):016x}" for v in values]


def _unhex(values: list[str]) -> np.ndarray:
    return np.array([int(v, 16) for v in values], dtype=np.uint64)


def _evidence_digest(digest: HashCounts | SpilledHashCounts | HashSummary | None, key: bytes) -> dict[str, Any] | None:
    if digest is None:
        return None
    if isinstance(digest, SpilledHashCounts):
        # the DuckDB engine's spilled digest, read back into memory to be written: 24-32 bytes per
        # distinct hash (and the JSON text, several times that), so a profile of 100 M distinct
        # rows is no candidate for saving with its row evidence
        digest = digest.materialise()
    if not isinstance(digest, HashCounts):
        raise ValueError("this profile has no row evidence to write (it was loaded without it)")
    keyed = digest if digest.key == key_id(key) else digest.keyed(key)
    return {"hashes": _hex(keyed.hashes), "counts": keyed.counts.tolist(), "first": keyed.first.tolist(),
            "repeats": keyed.repeats.tolist(), "repeat_hashes": _hex(keyed.repeat_hashes),
            "groups": None if keyed.groups is None else _hex(keyed.groups)}


def _evidence_back(data: Mapping[str, Any] | None, summary: HashSummary | None, key: str) -> HashCounts | HashSummary | None:
    if data is None or summary is None:
        return summary
    return HashCounts(
        columns=summary.columns, hashes=_unhex(data["hashes"]), counts=np.array(data["counts"], dtype=np.int64),
        first=np.array(data["first"], dtype=np.int64), repeats=np.array(data["repeats"], dtype=np.int64),
        repeat_hashes=_unhex(data["repeat_hashes"]), groups=None if data["groups"] is None else _unhex(data["groups"]),
        n_skipped=summary.n_skipped, key=key,
    )


def to_document(profile: Profile, *, row_evidence_key: bytes | None = None) -> dict[str, Any]:
    """The JSON document of a profile (statistics; keyed row evidence only with a key)."""
    d = profile.digests
    statistics: dict[str, Any] = {
        "dataset": profile.dataset,
        "n_rows": profile.n_rows,
        "roles": dict(profile.roles),
        "row_missing": [[k, n] for k, n in sorted(profile.row_missing.items())],
        "columns": [{"name": c.name, "logical": c.logical, "kind": c.kind, "n_missing": c.n_missing,
                     "counts": None if c.counts is None else dict(c.counts), "numeric": _numeric(c.numeric),
                     "top": _top(c.top)}
                    for c in profile.columns.values()],
        "groups": None if profile.groups is None else {
            "attributes": list(profile.groups.attributes), "cells": _table(profile.groups.cells),
            "missing": _table(profile.groups.missing), "scores": _table(profile.groups.scores)},
        "features": _features(profile.features),
        "digests": None if d is None else {
            "rows": _summary(d.rows), "ids": _summary(d.ids), "features": _summary(d.features),
            "fingerprints": {c: [a, b] for c, (a, b) in d.fingerprints.items()},
            "label_tables": _features(d.label_tables),
            "codes": {c: dict(v) for c, v in d.codes.items()},
            "treated_missing": {c: dict(v) for c, v in d.treated_missing.items()},
            "dates": None if d.dates is None else {"column": d.dates.column, "n": d.dates.n, "n_unreadable": d.dates.n_unreadable,
                                                    "first": d.dates.first, "last": d.dates.last},
            "rules": [_rule(r) for r in d.rules],
            "header_duplicates": list(d.header_duplicates),
        },
    }
    evidence = None
    keyed = None
    if row_evidence_key is not None:
        keyed_hashes([], row_evidence_key)  # refuses a short key before anything is computed
        keyed = {"method": "HMAC-SHA256, first 64 bits", "key_id": key_id(row_evidence_key)}
        evidence = {
            "digests": None if d is None else {
                "rows": _evidence_digest(d.rows, row_evidence_key), "ids": _evidence_digest(d.ids, row_evidence_key),
                "features": _evidence_digest(d.features, row_evidence_key)},
            "rule_rows": {} if d is None else {r.key: list(r.rows) for r in d.rules if r.rows},
        }
    return {"header": header(profile.engine, keyed), "profile": statistics, "row_evidence": evidence}


def from_document(document: Mapping[str, Any], *, row_evidence_key: bytes | None = None) -> Profile:
    """The profile of a checked document (:func:`auditor.profile.format.check_document`).

    The row evidence is read only when ``row_evidence_key`` is given, and must have been
    written with the same key.
    """
    head, data, evidence = document["header"], document["profile"], document.get("row_evidence")
    use_evidence = False
    if row_evidence_key is not None:
        if evidence is None or head["row_evidence"] is None:
            raise ValueError("the saved profile has no row evidence; load it without a key")
        if head["row_evidence"]["key_id"] != key_id(row_evidence_key):
            raise ValueError("the key is not the one the row evidence was written with "
                             f"(saved key id {head['row_evidence']['key_id']}, given {key_id(row_evidence_key)})")
        use_evidence = True
    columns = {
        c["name"]: ColumnProfile(name=c["name"], logical=c["logical"], kind=c["kind"], n_missing=c["n_missing"],
                                 counts=None if c["counts"] is None else {str(k): int(v) for k, v in c["counts"].items()},
                                 numeric=_numeric_back(c["numeric"]), top=_top_back(c.get("top")))
        for c in data["columns"]
    }
    groups = None
    if data["groups"] is not None:
        g = data["groups"]
        groups = GroupTable(tuple(g["attributes"]), _frame(g["cells"]), _frame(g["missing"]), _frame(g["scores"]))
    digests = None
    if data["digests"] is not None:
        d = data["digests"]
        rows_ev = (evidence or {}).get("digests") or {} if use_evidence else {}
        rule_rows = (evidence or {}).get("rule_rows") or {} if use_evidence else {}
        key = head["row_evidence"]["key_id"] if use_evidence else ""
        dates = d["dates"]
        digests = Digests(
            rows=_evidence_back(rows_ev.get("rows"), _summary_back(d["rows"]), key),
            ids=_evidence_back(rows_ev.get("ids"), _summary_back(d["ids"]), key),
            features=_evidence_back(rows_ev.get("features"), _summary_back(d["features"]), key),
            fingerprints={c: (int(a), int(b)) for c, (a, b) in d["fingerprints"].items()},
            label_tables=_features_back(d["label_tables"]),
            codes={c: {str(k): int(v) for k, v in m.items()} for c, m in d["codes"].items()},
            treated_missing={c: {str(k): int(v) for k, v in m.items()} for c, m in d["treated_missing"].items()},
            dates=None if dates is None else DateRange(dates["column"], dates["n"], dates["n_unreadable"], dates["first"],
                                                       dates["last"]),
            rules=tuple(_rule_back(r, tuple(rule_rows.get(r["key"], ()))) for r in d["rules"]),
            header_duplicates=tuple(d["header_duplicates"]),
        )
    return Profile(
        dataset=data["dataset"], n_rows=data["n_rows"], columns=columns, groups=groups, roles=dict(data["roles"]),
        row_missing={int(k): int(n) for k, n in data["row_missing"]}, features=_features_back(data["features"]),
        sample=None, digests=digests, engine=head["engine"],
    )


__all__ = ["from_document", "header", "to_document"]
