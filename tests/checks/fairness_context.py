"""Build a :class:`CheckContext` from DataFrames the way ``audit()`` does, for the fairness check tests.

The spec goes through the public validation (``load_spec``), the profiles through the pandas
engine, the thresholds through the shipped rulebook, so a test sees what a user's audit sees,
without running every other family's checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from auditor.checks import CheckContext, registry
from auditor.engines.pandas import ProfilePlan, profile_frame
from auditor.reference import load_reference
from auditor.rulebook import load_rulebook
from auditor.spec import load_spec


def context(
    frames: Mapping[str, pd.DataFrame],
    columns: Mapping[str, Any],
    *,
    thresholds: Mapping[str, float] | None = None,
    reference: pd.DataFrame | None = None,
    setting: Mapping[str, list[Any]] | None = None,
    intersections: Any = "none",
    reference_groups: Mapping[str, Any] | None = None,
) -> CheckContext:
    """A check context for ``frames`` (dataset role → DataFrame) and the spec's ``columns``."""
    raw: dict[str, Any] = {
        "data": dict(frames),
        "columns": dict(columns),
        "checks": {"thresholds": dict(thresholds or {}), "intersections": intersections,
                   "reference_groups": dict(reference_groups or {})},
    }
    if reference is not None or setting is not None:
        raw["reference"] = {**({"file": reference} if reference is not None else {}),
                            **({"setting": dict(setting)} if setting is not None else {})}
    spec = load_spec(raw)
    rulebook = load_rulebook(spec.checks.rulebook, overrides=spec.checks.thresholds, checks=registry())
    profiles = {
        name: profile_frame(source.frame, dataset=name, plan=ProfilePlan.for_columns(spec.columns, source.frame.columns))
        for name, source in spec.data.items()
    }
    ref = load_reference(spec.reference)[0] if spec.reference is not None and spec.reference.frame is not None else None
    return CheckContext(
        profiles=profiles, columns=spec.columns, thresholds=rulebook.thresholds, reference=ref,
        reference_groups=spec.checks.reference_groups,
        setting=spec.reference.setting if spec.reference is not None else {},
        intersections=spec.checks.intersections,
    )


def metric(finding: Any, name: str, **group: str) -> Any:
    """The metric ``name`` of ``finding`` for ``group`` (``{}`` = the whole dataset)."""
    for m in finding.metrics:
        if m.name == name and (m.group or {}) == group:
            return m
    raise KeyError(f"{name} {group} not in {finding.id}")
