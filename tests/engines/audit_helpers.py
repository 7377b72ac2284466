"""Profiles and findings of the sample case, computed as ``audit()`` computes them (for the engine tests)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from auditor.checks import CheckContext, registry
from auditor.engines.base import DatasetHandle, ProfilePlan, get_engine, logical_types
from auditor.engines.profile import Profile
from auditor.reference import load_reference
from auditor.rulebook import load_rulebook
from auditor.spec import load_spec
from auditor.validation.plan import quality_plans

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_SPEC = ROOT / "sample_data" / "benefits" / "audit.yaml"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def plans(spec: Any, handles: Mapping[str, DatasetHandle]) -> dict[str, ProfilePlan]:
    """The profile plans audit() builds for ``handles``."""
    quality = quality_plans(spec, {n: h.columns for n, h in handles.items()})
    return {name: dataclasses.replace(ProfilePlan.for_columns(spec.columns, h.columns), quality=quality[name],
                                      types=logical_types(h.schema, quality[name].rules))
            for name, h in handles.items()}


def sample_case(profiler: Callable[[pd.DataFrame, ProfilePlan, str], Profile] | None = None
                ) -> tuple[Any, dict[str, Profile]]:
    """The sample case's spec and profiles (``profiler(frame, plan, dataset)``, default: the pandas engine)."""
    spec = load_spec(SAMPLE_SPEC)
    engine = get_engine("pandas")
    handles = {name: engine.open(source) for name, source in spec.data.items()}
    out = {}
    for name, plan in plans(spec, handles).items():
        out[name] = engine.profile(handles[name], plan) if profiler is None else profiler(handles[name].state, plan, name)
    return spec, out


def findings(spec: Any, profiles: Mapping[str, Profile]) -> list[dict[str, Any]]:
    """Every rulebook check's findings on ``profiles``, as dicts (a crash becomes an ``/error`` entry)."""
    checks = registry()
    rulebook = load_rulebook(spec.checks.rulebook, overrides=spec.checks.thresholds, checks=checks, base_dir=spec.base_dir)
    reference = load_reference(spec.reference)[0]
    out: list[dict[str, Any]] = []
    for check_id in rulebook.checks:
        ctx = CheckContext(profiles=dict(profiles), columns=spec.columns, thresholds=rulebook.thresholds,
                           requirements=rulebook.labels_for(check_id), reference=reference,
                           reference_groups=spec.checks.reference_groups, setting=spec.reference.setting,
                           intersections=spec.checks.intersections, governance=spec.governance, quality=spec.quality,
                           audit_date=NOW)
        try:
            out.extend(f.to_dict() for f in checks[check_id].run(ctx))
        except Exception as exc:  # as the pipeline does: a crash is a finding
            out.append({"id": f"{check_id}/error", "error": f"{type(exc).__name__}: {exc}"})
    return out


def assert_same(a: Any, b: Any, *, rel: float = 1e-12, path: str = "") -> None:
    """Equal findings: same structure and values, floats within ``rel`` (rounding of sums in another order)."""
    if isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=rel, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b)), f"{path}: {a} != {b}"
    elif isinstance(a, Mapping) and isinstance(b, Mapping):
        assert set(a) == set(b), f"{path}: keys {sorted(set(a) ^ set(b))}"
        for key in a:
            assert_same(a[key], b[key], rel=rel, path=f"{path}/{key}")
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
        assert len(a) == len(b), f"{path}: {len(a)} != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, rel=rel, path=f"{path}[{i}]")
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def profile_frames(frames: Mapping[str, pd.DataFrame], columns: Mapping[str, Any], *,
                   quality: Mapping[str, Any] | None = None) -> tuple[Any, dict[str, Profile]]:
    """The validated spec and the profiles of in-memory ``frames``, as audit() computes them."""
    spec = load_spec({"data": dict(frames), "columns": dict(columns), "quality": dict(quality or {})})
    engine = get_engine("pandas")
    handles = {name: engine.open(source) for name, source in spec.data.items()}
    return spec, {name: engine.profile(handles[name], plan) for name, plan in plans(spec, handles).items()}
