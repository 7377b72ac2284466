"""Run one data-quality or governance check on DataFrames the way ``audit()`` does.

The spec goes through ``load_spec`` (so ``quality:`` and ``governance:`` are validated as a
user's would be), the quality plans through :func:`auditor.validation.plan.quality_plans`, the
profiles through the pandas engine and the thresholds through the shipped rulebook — without
running every other family's checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from auditor.checks import CheckContext, registry
from auditor.engines.pandas import ProfilePlan, profile_frame
from auditor.engines.profile import Profile
from auditor.evidence.model import Finding
from auditor.rulebook import load_rulebook
from auditor.spec import load_spec
from auditor.validation.plan import quality_plans

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def profiles(frames: Mapping[str, pd.DataFrame], columns: Mapping[str, Any], *,
             quality: Mapping[str, Any] | None = None, governance: Mapping[str, Any] | None = None,
             details: Mapping[str, Mapping[str, Any]] | None = None) -> tuple[Any, dict[str, Profile]]:
    """The validated spec and the profiles of ``frames``."""
    spec = load_spec({"data": dict(frames), "columns": dict(columns), "quality": dict(quality or {}),
                      "governance": dict(governance or {})})
    plans = quality_plans(spec, frames, details)
    out = {name: profile_frame(frame, dataset=name,
                               plan=replace(ProfilePlan.for_columns(spec.columns, frame.columns), quality=plans[name]))
           for name, frame in frames.items()}
    return spec, out


def run(check_id: str, frames: Mapping[str, pd.DataFrame], columns: Mapping[str, Any], *,
        quality: Mapping[str, Any] | None = None, governance: Mapping[str, Any] | None = None,
        thresholds: Mapping[str, float] | None = None, details: Mapping[str, Mapping[str, Any]] | None = None,
        now: datetime = NOW) -> list[Finding]:
    """The findings of one check."""
    spec, profs = profiles(frames, columns, quality=quality, governance=governance, details=details)
    checks = registry()
    rulebook = load_rulebook("ai-act-article-10", overrides=thresholds, checks=checks)
    ctx = CheckContext(profiles=profs, columns=spec.columns, thresholds=rulebook.thresholds,
                       requirements=rulebook.labels_for(check_id), governance=spec.governance, quality=spec.quality,
                       audit_date=now)
    return checks[check_id].run(ctx)


def only(findings: list[Finding], dataset: str | None = None) -> Finding:
    """The single finding (of ``dataset``)."""
    chosen = [f for f in findings if dataset is None or f.dataset == dataset]
    assert len(chosen) == 1, [f.id for f in findings]
    return chosen[0]
