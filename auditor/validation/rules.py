"""Evaluate the spec's column rules and cross-field rules on a DataFrame (vectorised).

Called from the profiling pass (:func:`auditor.engines.digests.compute_digests`), so the rows
are read once. Text-valued tests (allowed values, patterns, booleans) run on the distinct values
of a column (``pandas.factorize``) and are mapped back to the rows by their codes, so a pattern
is matched once per distinct value, not once per row.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from auditor.profile.labels import canonical_label
from auditor.spec.quality import ColumnRule
from auditor.validation.expressions import Expression, evaluate
from auditor.validation.results import RuleResult, example_values, first_rows, json_safe

_BOOLEAN_TEXT = frozenset({"True", "False", "true", "false", "TRUE", "FALSE", "0", "1"})


def _by_distinct(series: pd.Series, test: Any) -> np.ndarray:
    """Row mask of values failing ``test(value) -> bool ok``, evaluated once per distinct value."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    bad = np.array([not test(v) for v in uniques], dtype=bool)
    out = np.zeros(len(series), dtype=bool)
    present = codes >= 0
    out[present] = bad[codes[present]]
    return out


def _numbers(series: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _dates(series: pd.Series, fmt: str | None) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        if getattr(series.dt, "tz", None) is not None:
            return series.dt.tz_convert("UTC").dt.tz_localize(None)
        return series
    return pd.to_datetime(series, errors="coerce", format=fmt or "ISO8601")


def _result(rule: ColumnRule, name: str, failed: np.ndarray, checked: np.ndarray, series: pd.Series,
            identifying: bool, detail: dict[str, Any]) -> RuleResult:
    n_failed = int(failed.sum())
    return RuleResult(
        source="spec", rule=name, column=rule.column, n_checked=int(checked.sum()), n_failed=n_failed,
        rows=first_rows(failed), values=example_values(series[failed], identifying=identifying) if n_failed else (),
        success=n_failed == 0, detail=json_safe(detail), key=f"spec/{rule.column}/{name}",
    )


def check_column_rule(rule: ColumnRule, frame: pd.DataFrame, *, id_column: str | None) -> list[RuleResult]:
    """Evaluate one column rule: one result per test the rule declares.

    A value that cannot be read as the rule's type fails ``type`` (when declared) and is not
    compared with ``min`` / ``max``; a missing value fails only ``not_null`` (``nullable: false``).
    """
    series = frame[rule.column]
    identifying = rule.column == id_column
    missing = series.isna().to_numpy()
    present = ~missing
    out: list[RuleResult] = []
    if not rule.nullable:
        out.append(_result(rule, "not_null", missing, np.ones(len(series), dtype=bool), series, identifying, {"nullable": False}))

    as_date = rule.type == "date" or isinstance(rule.min, date) or isinstance(rule.max, date)
    if rule.type is not None:
        if rule.type == "integer":
            values = _numbers(series)
            failed = present & ~(np.isfinite(values) & (np.floor(values) == values))
        elif rule.type == "number":
            values = _numbers(series)
            failed = present & np.isnan(values)
        elif rule.type == "boolean":
            failed = np.zeros(len(series), dtype=bool) if pd.api.types.is_bool_dtype(series.dtype) else \
                _by_distinct(series, lambda v: canonical_label(v) in _BOOLEAN_TEXT)
        else:
            failed = present & _dates(series, rule.format).isna().to_numpy()
        out.append(_result(rule, "type", failed, present, series, identifying, {"type": rule.type, "format": rule.format}))

    if rule.min is not None or rule.max is not None:
        if as_date:
            values = _dates(series, rule.format)
            readable = values.notna().to_numpy()
            for name, bound in (("min", rule.min), ("max", rule.max)):
                if bound is None:
                    continue
                stamp = pd.Timestamp(bound)
                with np.errstate(invalid="ignore"):
                    beyond = (values < stamp) if name == "min" else (values > stamp)
                failed = readable & beyond.fillna(False).to_numpy(dtype=bool)
                out.append(_result(rule, name, failed, readable, series, identifying, {name: bound}))
        else:
            numbers = _numbers(series)
            readable = ~np.isnan(numbers)
            for name, bound in (("min", rule.min), ("max", rule.max)):
                if bound is None:
                    continue
                with np.errstate(invalid="ignore"):
                    failed = readable & ((numbers < float(bound)) if name == "min" else (numbers > float(bound)))
                out.append(_result(rule, name, failed, readable, series, identifying, {name: bound}))

    if rule.allowed is not None:
        allowed = {canonical_label(v) for v in rule.allowed}
        failed = _by_distinct(series, lambda v: canonical_label(v) in allowed)
        out.append(_result(rule, "allowed", failed, present, series, identifying, {"allowed": list(rule.allowed)}))

    if rule.pattern is not None:
        regex = re.compile(rule.pattern)
        failed = _by_distinct(series, lambda v: regex.fullmatch(canonical_label(v) or "") is not None)
        out.append(_result(rule, "pattern", failed, present, series, identifying, {"pattern": rule.pattern}))
    return out


def check_cross_field(name: str, expression: Expression, frame: pd.DataFrame) -> RuleResult:
    """Evaluate one cross-field rule; a type error becomes a failed result with the error as detail."""
    detail: dict[str, Any] = {"expression": expression.text, "columns": list(expression.columns)}
    try:
        holds, evaluated = evaluate(expression, frame)
    except (TypeError, ValueError) as exc:
        detail["error"] = f"{type(exc).__name__}: {exc}"
        return RuleResult(source="cross_field", rule=name, column=None, n_checked=0, n_failed=None,
                          success=False, detail=json_safe(detail), key=f"cross_field/{name}")
    failed = evaluated & ~holds
    n_failed = int(failed.sum())
    return RuleResult(source="cross_field", rule=name, column=None, n_checked=int(evaluated.sum()), n_failed=n_failed,
                      rows=first_rows(failed), success=n_failed == 0, detail=json_safe(detail), key=f"cross_field/{name}")


__all__ = ["check_column_rule", "check_cross_field"]
