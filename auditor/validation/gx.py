"""Run a user's Great Expectations 1.x expectation suite on a dataset, offline and in memory.

The suite is the JSON GX 1.x writes (``{"name": ..., "expectations": [{"type": ..., "kwargs":
{...}}, ...]}``). It is run on the DataFrame being profiled — the same load, not a second read of
the file — through an **ephemeral** data context (``gx.get_context(mode="ephemeral")`` with an
in-memory store): no ``gx/`` folder, no files written. Usage statistics are switched off twice:
``GX_ANALYTICS_ENABLED=false`` is set in the environment before GX is first imported, and the
context is created with ``analytics_enabled=False``; progress bars are off
(``progress_bars.globally = False``). The auditor makes no network calls.

Each expectation becomes one :class:`~auditor.validation.results.RuleResult`
(``source="great_expectations"``, ``rule`` = the expectation type) with GX's ``success`` (which
honours ``mostly``), the unexpected count, the first unexpected row positions (the DataFrame is
passed with its row positions as index, and ``result_format="COMPLETE"`` so that the positions
are all known) and privacy-safe example values. An aggregate's observed value is kept only when
it cannot be one person's value (not for min, max, quantiles, most common or distinct values).

GX is imported only when a suite is given; the import alone takes seconds.
"""

from __future__ import annotations

import copy
import difflib
import json
import logging
import os
import warnings
from collections.abc import Mapping
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

_KEY = "quality.great_expectations"
_DATA_VALUED = ("_min_", "_max_", "quantile", "most_common", "distinct_values", "value_lengths", "_values_to_")


def _gx() -> Any:
    os.environ["GX_ANALYTICS_ENABLED"] = "false"  # before the first import: GX reads it at import/context time
    try:
        with warnings.catch_warnings():  # GX imports pyspark, which warns about pandas 3 on stderr
            warnings.simplefilter("ignore")
            import great_expectations as gx
    except ImportError:
        raise EngineError("quality.great_expectations needs Great Expectations 1.x: pip install great_expectations") from None
    return gx


def load_suite(source: Any, *, file: Path | None = None) -> dict[str, Any]:
    """Read and check a GX 1.x suite; returns its JSON content (a fresh suite is built per run).

    Parameters
    ----------
    source
        A path to the suite's JSON file, its content as a mapping, or an ``ExpectationSuite``.

    Raises
    ------
    SpecError
        For unreadable JSON, a GX 0.x suite, or an expectation GX does not know.
    EngineError
        When Great Expectations is not installed.
    """
    gx = _gx()
    if isinstance(source, gx.ExpectationSuite):
        content: Any = source.to_json_dict()
    elif isinstance(source, Mapping):
        content = copy.deepcopy(dict(source))
    elif isinstance(source, str | Path):
        try:
            content = json.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise SpecError(f"cannot read the expectation suite {source}: {exc}", key=_KEY, file=file) from None
    else:
        raise SpecError(f"must be a path to a GX suite (JSON), its content, or an ExpectationSuite; found "
                        f"{type(source).__name__}", key=_KEY, file=file)
    if not isinstance(content, Mapping) or "expectations" not in content:
        raise SpecError("is not an expectation suite: expected a JSON object with 'name' and 'expectations'", key=_KEY, file=file)
    if "expectation_suite_name" in content or any("expectation_type" in e for e in content.get("expectations") or []):
        raise SpecError("is a Great Expectations 0.x suite ('expectation_suite_name' / 'expectation_type'); the auditor "
                        "reads GX 1.x suites ('name', expectations with 'type'): re-save it with GX 1.x", key=_KEY, file=file)
    content = {k: v for k, v in content.items() if k in ("name", "expectations", "meta", "notes")}
    content.setdefault("name", "suite")
    where = f"{source}: " if isinstance(source, str | Path) else ""
    _check_entries(content.get("expectations"), where, file)
    gx_logger = logging.getLogger("great_expectations")
    level = gx_logger.level
    gx_logger.setLevel(logging.CRITICAL + 1)  # GX logs a full traceback for an entry it cannot build
    try:
        built = gx.ExpectationSuite(**copy.deepcopy(content))
    except Exception as exc:  # GX raises its own types for unknown expectations and bad kwargs
        raise SpecError(f"{where}is not a valid GX 1.x suite ({type(exc).__name__}: {' '.join(str(exc).split())})",
                        key=_KEY, file=file) from None
    finally:
        gx_logger.setLevel(level)
    if len(built.expectations) != len(content.get("expectations") or []):  # GX logs and drops what it cannot build
        known = {e.expectation_type for e in built.expectations}
        dropped = [str(e.get("type")) for e in content["expectations"] if e.get("type") not in known]
        raise SpecError(f"{where}is not a valid GX 1.x suite: GX cannot build {', '.join(dropped) or 'some expectations'} "
                        "(invalid kwargs)", key=_KEY, file=file)
    return content


def _check_entries(expectations: Any, where: str, file: Path | None) -> None:
    """Each entry is ``{"type": <an expectation GX knows>, "kwargs": {...}}``; else name the entry."""
    from great_expectations.expectations.registry import list_registered_expectation_implementations

    if not isinstance(expectations, list):
        raise SpecError(f"{where}'expectations' must be a list of {{type, kwargs}} objects, found {type(expectations).__name__}",
                        key=_KEY, file=file)
    known = sorted(list_registered_expectation_implementations())
    for i, entry in enumerate(expectations):
        kind = entry.get("type") if isinstance(entry, Mapping) else None
        if not isinstance(kind, str):
            raise SpecError(f"{where}expectations[{i}] must be an object with 'type' and 'kwargs', found {entry!r}",
                            key=_KEY, file=file)
        if kind not in known:
            hint = difflib.get_close_matches(kind, known, n=1)
            did = f"; did you mean {hint[0]!r}?" if hint else "; see the GX 1.x expectation gallery for the names"
            raise SpecError(f"{where}expectations[{i}]: unknown expectation type {kind!r}{did}", key=_KEY, file=file)
        if not isinstance(entry.get("kwargs", {}), Mapping):
            raise SpecError(f"{where}expectations[{i}] ({kind}): 'kwargs' must be an object, found {entry.get('kwargs')!r}",
                            key=_KEY, file=file)


def _context(gx: Any) -> Any:
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _observed(expectation: str, column: str | None, result: Mapping[str, Any]) -> Any:
    if "observed_value" not in result:
        return None
    if column is not None and any(part in expectation for part in _DATA_VALUED):
        return "(not shown: a data value)"
    return json_safe(result["observed_value"])


def run_suite(suite: Mapping[str, Any], frame: pd.DataFrame, *, dataset: str, id_column: str | None) -> tuple[RuleResult, ...]:
    """Validate ``frame`` (whose index must be the row positions) against the suite.

    Returns
    -------
    tuple of RuleResult
        One per expectation, in suite order.
    """
    gx = _gx()
    context = _context(gx)
    batch = (context.data_sources.add_pandas("auditor")
             .add_dataframe_asset(dataset)
             .add_batch_definition_whole_dataframe("all_rows")
             .get_batch(batch_parameters={"dataframe": frame}))
    content = copy.deepcopy(dict(suite))
    for position, expectation in enumerate(content.get("expectations") or []):  # GX reorders results: tag each
        expectation["meta"] = {**(expectation.get("meta") or {}), "auditor_position": position}
    validation = batch.validate(gx.ExpectationSuite(**content), result_format={"result_format": "COMPLETE"})
    out: list[RuleResult] = []
    for item in sorted(validation.results, key=lambda r: r.expectation_config.meta.get("auditor_position", 0)):
        config = item.expectation_config
        i = int(config.meta.get("auditor_position", 0))
        expectation = str(config.type)
        kwargs = {k: v for k, v in dict(config.kwargs).items() if k != "batch_id"}
        column = kwargs.get("column")
        column = str(column) if column is not None else None
        result = dict(item.result or {})
        detail: dict[str, Any] = {"kwargs": json_safe(kwargs)}
        info = item.exception_info or {}
        if info.get("raised_exception"):
            detail["error"] = str(info.get("exception_message"))
        observed = _observed(expectation, column, result)
        if observed is not None:
            detail["observed_value"] = observed
        element_count = result.get("element_count")
        n_checked = int(element_count - (result.get("missing_count") or 0)) if element_count is not None else len(frame)
        unexpected = result.get("unexpected_count")
        index = pd.to_numeric(pd.Series(result.get("unexpected_index_list") or [], dtype=object), errors="coerce")
        positions = sorted(int(p) for p in index.dropna().to_numpy())
        values = ()
        if unexpected and result.get("unexpected_list") is not None:
            values = example_values(pd.Series(result["unexpected_list"], dtype=object),
                                    identifying=column is None or column == id_column)
        out.append(RuleResult(
            source="great_expectations", rule=expectation, column=column, n_checked=n_checked,
            n_failed=None if unexpected is None else int(unexpected), rows=tuple(positions[:MAX_EXAMPLES]), values=values,
            success=bool(item.success), detail=detail, key=f"great_expectations/{i}/{expectation}/{column}",
        ))
    return tuple(out)


__all__ = ["load_suite", "run_suite"]
