"""Run a user's pandera schema on a dataset and turn its failures into rule results.

The schema is a pandera ``DataFrameSchema`` (or a ``DataFrameModel`` class) given in Python, or
its YAML / JSON serialisation (``schema.to_yaml()``), read with pandera's own deserialiser, which
builds only registered checks (no code runs from the file). Validation is lazy
(``schema.validate(frame, lazy=True)``), so every failure is collected in one pass over the
DataFrame that is being profiled; the validated copy pandera returns is discarded (a schema with
``coerce: true`` does not change the data the audit sees).

Each group of failure cases with the same column and check becomes one
:class:`~auditor.validation.results.RuleResult` (``source="pandera"``): the number of failing
rows (distinct row positions), the first row positions and privacy-safe example values. A
schema-level failure (a missing column, a wrong dtype reported without rows) has
``n_failed = None`` and its failure case (a column name or dtype, never data) in ``detail``. One
more result, ``rule="schema"``, says whether the schema as a whole passed.

pandera is imported only when a schema is given (``pip install 'pandera[pandas]'``).
"""

from __future__ import annotations

import difflib
import json
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from auditor.errors import EngineError, SpecError
from auditor.validation.results import (
    MAX_EXAMPLES,
    RuleResult,
    example_values,
    json_safe,
)

_KEY = "quality.pandera"


def _pandera() -> Any:
    try:
        with warnings.catch_warnings():  # pandera imports pyspark, which warns about pandas 3 on stderr
            warnings.simplefilter("ignore")
            import pandera.pandas as pa
    except ImportError:
        raise EngineError("quality.pandera needs pandera: pip install 'pandera[pandas]'") from None
    return pa


def load_schema(source: Any, *, file: Path | None = None) -> Any:
    """A pandera ``DataFrameSchema`` from a path (YAML/JSON), a schema object or a model class.

    Raises
    ------
    SpecError
        When the file cannot be read or does not describe a pandera schema.
    EngineError
        When pandera is not installed.
    """
    pa = _pandera()
    if isinstance(source, pa.DataFrameSchema):
        return source
    if isinstance(source, type) and issubclass(source, pa.DataFrameModel):
        return source.to_schema()
    if not isinstance(source, str | Path):
        raise SpecError(f"must be a path to a pandera schema (YAML/JSON) or a pandera DataFrameSchema, found "
                        f"{type(source).__name__}", key=_KEY, file=file)
    import yaml

    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
        mapping = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise SpecError(f"cannot read the pandera schema {path}: {exc}", key=_KEY, file=file) from None
    from pandera.io.pandas_io import deserialize_schema

    _check_entries(pa, mapping, path, file)
    try:
        return deserialize_schema(mapping)
    except Exception as exc:  # pandera raises several types for a malformed schema
        raise SpecError(f"{path} is not a pandera DataFrameSchema serialisation ({type(exc).__name__}: {exc}); "
                        "write it with schema.to_yaml() or schema.to_json()", key=_KEY, file=file) from None


def _check_entries(pa: Any, mapping: Any, path: Path, file: Path | None) -> None:
    """Name the first entry of a serialised schema pandera would reject: its columns, dtypes and checks."""
    from pandera.engines.pandas_engine import Engine

    if not isinstance(mapping, dict) or not isinstance(mapping.get("columns", {}), dict):
        raise SpecError(f"{path}: is not a pandera DataFrameSchema serialisation (expected a mapping with 'columns:'); "
                        "write it with schema.to_yaml() or schema.to_json()", key=_KEY, file=file)
    known = sorted(n for n in dir(pa.Check) if not n.startswith("_") and callable(getattr(pa.Check, n, None)))
    for name, column in (mapping.get("columns") or {}).items():
        where = f"{path}: columns.{name}"
        if column is None:
            continue
        if not isinstance(column, dict):
            raise SpecError(f"{where}: must be a mapping (dtype:, nullable:, checks:), found {column!r}", key=_KEY, file=file)
        dtype = column.get("dtype")
        if dtype is not None:
            try:
                Engine.dtype(dtype)
            except Exception:  # pandera raises TypeError or its own errors for an unknown dtype
                raise SpecError(f"{where}.dtype: unknown data type {dtype!r}; use e.g. int64, float64, str, bool or "
                                "datetime64[ns]", key=_KEY, file=file) from None
        checks = column.get("checks") or {}
        if not isinstance(checks, dict):
            raise SpecError(f"{where}.checks: must map check names to their arguments, found {checks!r}", key=_KEY, file=file)
        for check in checks:
            if check not in known:
                hint = difflib.get_close_matches(str(check), known, n=1)
                did = f"; did you mean {hint[0]!r}?" if hint else ""
                raise SpecError(f"{where}.checks.{check}: unknown pandera check{did}", key=_KEY, file=file)


def _positions(index: pd.Series) -> list[int]:
    numbers = pd.to_numeric(index, errors="coerce").dropna()
    return sorted({int(i) for i in numbers.to_numpy()})


def run_schema(schema: Any, frame: pd.DataFrame, *, id_column: str | None) -> tuple[RuleResult, ...]:
    """Validate ``frame`` (whose index must be the row positions) and summarise the failures.

    Returns
    -------
    tuple of RuleResult
        One per failing (column, check), then the ``schema`` summary.
    """
    pa = _pandera()
    n = len(frame)
    results: list[RuleResult] = []
    try:
        schema.validate(frame, lazy=True)
        cases = None
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    except pa.errors.SchemaError as exc:  # raised by some schema-level problems even when lazy
        cases = exc.failure_cases if isinstance(exc.failure_cases, pd.DataFrame) else pd.DataFrame(
            {"schema_context": ["DataFrameSchema"], "column": [getattr(exc, "column_name", None)],
             "check": [str(exc.check)], "failure_case": [str(exc.failure_cases)], "index": [None]})
    if cases is not None and len(cases):
        cases = cases.copy()
        wide = cases["schema_context"].astype(str) == "DataFrameSchema"
        with_rows = cases["index"].notna()
        # A DataFrame-wide check lists each failing row once per column: count rows, not cells.
        cases["column_key"] = cases["column"].where(~(wide & with_rows), None)
        for (column, check), part in cases.groupby(["column_key", "check"], dropna=False, sort=False):
            column = None if column is None or (isinstance(column, float) and pd.isna(column)) else str(column)
            positions = _positions(part["index"])
            detail: dict[str, Any] = {"check": str(check), "schema_context": str(part["schema_context"].iloc[0])}
            if positions:
                n_failed: int | None = len(positions)
                values = example_values(part["failure_case"], identifying=column is None or column == id_column)
            else:
                n_failed = None
                values = ()
                detail["failure_cases"] = [str(v) for v in part["failure_case"].head(MAX_EXAMPLES)]
            results.append(RuleResult(
                source="pandera", rule=str(check), column=column, n_checked=n, n_failed=n_failed,
                rows=tuple(positions[:MAX_EXAMPLES]), values=values, success=False, detail=json_safe(detail),
                key=f"pandera/{column}/{check}",
            ))
    n_checks = sum(len(getattr(c, "checks", []) or []) for c in schema.columns.values()) + len(schema.checks or [])
    results.append(RuleResult(
        source="pandera", rule="schema", column=None, n_checked=n, n_failed=None, success=not results,
        detail=json_safe({"name": schema.name, "n_columns": len(schema.columns), "n_checks": n_checks,
                          "n_failing_checks": len(results)}),
        key="pandera/schema",
    ))
    return tuple(results)


__all__ = ["load_schema", "run_schema"]
