"""``audit()``: spec → data → profiles → checks → evidence, one way (DESIGN.md §3)."""

from __future__ import annotations

import hashlib
import json
import platform
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from auditor.checks import Check, CheckContext, registry
from auditor.checks.base import error_finding
from auditor.checks.governance import datasheet
from auditor.checks.groups import without_attributes
from auditor.engines.base import DatasetHandle, Engine, ProfilePlan, get_engine, logical_types
from auditor.engines.profile import KMV_K, Profile, canonical_label
from auditor.errors import DataError, EngineError, SpecError
from auditor.evidence.model import Finding, Message, Status, worst
from auditor.evidence.result import SCHEMA_VERSION, AuditResult, seal
from auditor.monitoring.summary import history_summary
from auditor.profile.labels import RESERVED_NAMES
from auditor.reference import JOINT_SEPARATOR, load_reference
from auditor.rulebook import Rulebook, load_rulebook
from auditor.spec.load import load_spec
from auditor.spec.model import DATASET_ROLES, AuditSpec, DataSource
from auditor.validation.plan import quality_plans

_LIBRARIES = ("auditor", "numpy", "pandas", "pyarrow", "scipy", "jinja2", "pyyaml", "jsonschema")
_LABELLED_ROLES = ("training", "validation", "test")


def _versions() -> dict[str, str]:
    from auditor import __version__

    out = {"python": platform.python_version(), "auditor": __version__}
    for name in _LIBRARIES[1:]:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _shown(columns: list[str], limit: int = 15) -> str:
    head = ", ".join(columns[:limit])
    return head + (f", … ({len(columns)} in all)" if len(columns) > limit else "")


def _check_columns(spec: AuditSpec, datasets: Mapping[str, DatasetHandle]) -> None:
    """Every named column exists where it must (from the schemas, before any row is read)."""
    cols = spec.columns
    problems: list[tuple[str, str]] = [
        ("columns.protected", f"{column!r} is a name the audit's own group tables use ({', '.join(sorted(RESERVED_NAMES))}); "
                              f"rename the column in the data, e.g. to {column + '_group'!r}")
        for column in cols.protected if column in RESERVED_NAMES
    ]
    for name, dataset in datasets.items():
        have = dataset.columns
        present = set(have)
        needed: list[tuple[str, str]] = [("columns.protected", c) for c in cols.protected]
        needed += [("columns.features", c) for c in cols.features or ()]
        if cols.id:
            needed.append(("columns.id", cols.id))
        if cols.target and name in _LABELLED_ROLES:
            needed.append(("columns.target", cols.target))
        for key, column in needed:
            if column not in present:
                problems.append((key, f"column {column!r} is not in data.{name} (columns: {_shown(have)})"))
    for key, column in (("columns.prediction", cols.prediction), ("columns.score", cols.score), ("columns.target", cols.target),
                        ("columns.selection", cols.selection)):
        if column and not any(column in d.schema for d in datasets.values()):
            problems.append((key, f"column {column!r} is in none of the datasets ({', '.join(datasets)})"))
    if problems:
        raise SpecError.from_problems(problems, what="columns named in the spec", file=spec.source_file)
    if cols.score:
        for name, dataset in datasets.items():
            if cols.score in dataset.schema and dataset.schema[cols.score].kind != "numeric":
                raise DataError(f"columns.score must be numeric in data.{name} (found {dataset.schema[cols.score].logical}, "
                                f"{dataset.schema[cols.score].arrow})", source=dataset.location, column=cols.score)



def _check_decisions(spec: AuditSpec, datasets: Mapping[str, DatasetHandle], profiles: Mapping[str, Profile]) -> None:
    """Target and prediction are binary, and ``positive`` / ``favourable`` are values they take.

    From the profiles' category counts. A value that never occurs would make every rate and
    direction silently meaningless, so it is an input error (exit 2) naming the file, the key
    and the values seen.
    """
    cols = spec.columns
    seen: set[str] = set()
    where: tuple[str, str] | None = None  # (data location, column) the labels were first read from
    for name, profile in profiles.items():
        for role, column in (("prediction", cols.prediction), ("target", cols.target)):
            summary = profile.columns.get(column) if column else None
            if summary is None:
                continue
            labels = sorted(summary.counts) if summary.counts is not None else None
            n_values = len(labels) if labels is not None else None
            if n_values is None or n_values > 2:
                many = "more than 1000" if n_values is None else str(n_values)
                shown = f" ({', '.join(repr(v) for v in labels[:5])}{', …' if len(labels) > 5 else ''})" if labels else ""
                fix = ("put a score in columns.score and its 0/1 decision in columns.prediction" if role == "prediction"
                       else "recode it to two values (e.g. 0/1) or name a binary label column")
                raise DataError(f"columns.{role} must be {'a 0/1 decision' if role == 'prediction' else 'a binary label'} (two values), "
                                f"but data.{name} has {many} distinct values{shown}; {fix}",
                                source=datasets[name].location, column=column)
            seen.update(labels)
            where = where or (datasets[name].location, column)
    if len(seen) < 2 or where is None:
        return  # one value or none: nothing says which values the labels take
    values = ", ".join(repr(v) for v in sorted(seen))
    for key, given in (("positive", cols.positive), ("favourable", cols.favourable)):
        if given is not None and canonical_label(given) not in seen:
            what = "'selected' / 'yes'" if key == "positive" else "the outcome that is good for the person"
            raise DataError(f"columns.{key}: {given!r} is not a value of the target or prediction (values seen: {values}); "
                            f"set columns.{key} to the value that means {what}", source=where[0], column=where[1])


def _too_many_groups(spec: AuditSpec, profiles: Mapping[str, Profile]) -> dict[str, int]:
    """Protected attributes with more groups than ``checks.max_groups`` in some dataset (missing counts as one)."""
    out: dict[str, int] = {}
    for attribute in spec.columns.protected:
        counts = [int(p.groups.cells[attribute].nunique(dropna=False)) for p in profiles.values()
                  if p.groups is not None and attribute in p.groups.attributes]
        if counts and max(counts) > spec.checks.max_groups:
            out[attribute] = max(counts)
    return out


def _engine_for(spec: AuditSpec, source: DataSource) -> Engine:
    """The engine that reads ``source``: the spec's ``engine:``, or for ``auto`` the rule of
    :func:`auditor.engines.duckdb.auto_engine` (Spark frames and tables to Spark, large files to DuckDB)."""
    name = spec.engine
    if name == "auto":
        from auditor.engines.duckdb import auto_engine

        name = auto_engine(source)
    try:
        return get_engine(name)
    except KeyError as exc:
        raise EngineError(str(exc.args[0]) if exc.args else f"engine {name!r} is not available") from None


MAX_PROTECTED_VALUES = 20
"""A numeric protected attribute with more distinct values than this must be banded (``columns.bins``)."""


def _check_bands(spec: AuditSpec, datasets: Mapping[str, DatasetHandle]) -> None:
    """Banded columns (``columns.bins``) are numeric in every dataset that has them."""
    for name, handle in datasets.items():
        for column in spec.columns.bins:
            if column in handle.schema and handle.schema[column].kind != "numeric":
                raise DataError(f"columns.bins bands {column!r}, but in data.{name} it is not numeric "
                                f"({handle.schema[column].logical}); band only numeric columns, or remove it from columns.bins",
                                source=handle.location, column=column)


def _check_numeric_groups(spec: AuditSpec, profiles: Mapping[str, Profile]) -> None:
    """A numeric protected attribute with many values must be banded: one group per value is no group."""
    for name, profile in profiles.items():
        for column in spec.columns.protected:
            summary = profile.columns.get(column)
            if column in spec.columns.bins or summary is None or summary.kind != "numeric":
                continue
            distinct = summary.n_distinct
            if distinct is None or distinct > MAX_PROTECTED_VALUES:
                many = f"more than {MAX_PROTECTED_VALUES}" if distinct is None else str(distinct)
                span = f" ({summary.numeric.min:g}-{summary.numeric.max:g})" if summary.numeric is not None else ""
                raise SpecError(
                    f"{column!r} is numeric with {many} distinct values in data.{name}{span}: one group per value is not "
                    f"a group. Band it, e.g. columns.bins: {{{column}: [18, 27, 45, 67]}} for an age, and give the "
                    "reference population per band", key="columns.protected", file=spec.source_file)


def _spec_sha256(spec: AuditSpec) -> str:
    if spec.source_file is not None and spec.source_file.exists():
        return hashlib.sha256(spec.source_file.read_bytes()).hexdigest()
    return hashlib.sha256(json.dumps(spec.raw, sort_keys=True, default=str).encode()).hexdigest()


def _classification(spec: AuditSpec, as_of: date) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    if spec.system is None:
        return None, None
    from auditor.classification import classify, load_system

    # A path in the spec is already resolved against the spec's folder; an inline mapping is not.
    facts = load_system(spec.system, base_dir=None if isinstance(spec.system, Path) else spec.base_dir)
    result = classify(facts, as_of=as_of)  # as of the run's date, so the evidence is reproducible
    system = result.to_dict().get("system") or {}
    return system, result.to_dict()


def _run_check(check: Check, ctx: CheckContext) -> list[Finding]:
    try:
        return check.run(ctx)
    except Exception as exc:  # a crashing check must not stop the audit: it becomes evidence
        return [error_finding(check.id, exc, ctx.requirements)]


def _dataset_entry(dataset: DatasetHandle, profile: Profile) -> dict[str, Any]:
    return {
        "name": dataset.name,
        "rows": profile.n_rows,
        "columns": len(profile.columns),
        "sha256": dataset.sha256,
        "source": dataset.location,
        "format": dataset.format,
        "engine": dataset.engine,
        "details": dict(dataset.details),
        "roles": profile.roles,
        "column_summaries": [
            {"name": c.name, "logical_type": c.logical, "arrow_type": dataset.schema[c.name].arrow if c.name in dataset.schema else None,
             "kind": c.kind, "n_missing": c.n_missing, "n_distinct": c.n_distinct,
             **({} if c.top is None else {"distinct_estimate": {
                 "value": c.top.n_distinct, "exact": c.top.distinct_exact, "relative_error": c.top.relative_error,
                 "method": f"KMV, k = {KMV_K}", "top_values": len(c.top.counters), "count_error": c.top.error}})}
            for c in profile.columns.values()
        ],
    }


def _skipped(check_id: str, reason: str | None, rulebook: Rulebook) -> Finding:
    """The trace a skipped check leaves: ``not_assessed``, with the spec's reason."""
    return Finding(id=f"{check_id}/skipped", check=check_id, status=Status.NOT_ASSESSED, dataset=None,
                   requirements=rulebook.labels_for(check_id),
                   message=Message("check.skipped", {"check": check_id, "reason": reason}))


def _requirements(rulebook: Rulebook, findings: list[Finding]) -> list[dict[str, Any]]:
    """Roll-up per requirement: the worst status of its checks' findings.

    A skipped or not-assessed check gives ``not_assessed``, which outranks ``pass``: a
    requirement part of whose evidence is missing never passes.
    """
    out = []
    audited = {f.dataset for f in findings if f.dataset}
    for rid, requirement in rulebook.requirements.items():
        checks = [cid for cid, reqs in rulebook.checks.items() if rid in reqs]
        mine = [f for f in findings if f.check in checks]
        stand_in: list[str] = []
        if requirement.datasets:
            if audited & set(requirement.datasets):  # only the data the requirement is about
                mine = [f for f in mine if f.dataset is None or f.dataset in requirement.datasets]
            else:  # none of it was audited: say which data stood in
                stand_in = sorted({f.dataset for f in mine if f.dataset}, key=DATASET_ROLES.index)
        status = worst(f.status for f in mine) if mine else Status.NOT_APPLICABLE
        out.append({**requirement.to_dict(), "status": status.value, "checks": checks, "findings": [f.id for f in mine],
                    "not_assessed": [f.id for f in mine if f.status == Status.NOT_ASSESSED], "stand_in": stand_in})
    return out


def _required_gaps(classification: Mapping[str, Any] | None, rulebook: Rulebook, checks: Mapping[str, Check],
                   findings: list[Finding]) -> list[dict[str, Any]]:
    """Every check the classification requires that gave no assessment, and why.

    ``family.*`` names every check of the family in the registry. Reasons: ``no_implementation``
    (no such check exists), ``not_in_rulebook`` (the rulebook in use does not run it),
    ``skipped`` (``checks.skip``), ``not_assessed`` (an input it needs is missing).
    """
    out: list[dict[str, Any]] = []
    for required in (classification or {}).get("required_checks") or []:
        family = required[:-2] if required.endswith(".*") else None
        ids = [cid for cid, c in checks.items() if c.family == family] if family else [required] if required in checks else []
        if not ids:
            out.append({"check": required, "reason": "no_implementation"})
            continue
        for cid in ids:
            if cid not in rulebook.checks:
                out.append({"check": cid, "reason": "not_in_rulebook", "required_as": required})
                continue
            mine = [f for f in findings if f.check == cid]
            if any(f.id == f"{cid}/skipped" for f in mine):
                out.append({"check": cid, "reason": "skipped", "required_as": required})
            elif mine and all(f.status == Status.NOT_ASSESSED for f in mine):
                out.append({"check": cid, "reason": "not_assessed", "required_as": required})
    return out


def audit(
    spec: str | Path | Mapping[str, Any] | AuditSpec,
    *,
    now: datetime | None = None,
    run_id: str | None = None,
    extra_checks: tuple[Check, ...] = (),
    **overrides: Any,
) -> AuditResult:
    """Audit the data named in ``spec`` and return the evidence.

    Parameters
    ----------
    spec
        Path to an audit spec YAML, a dict with the same keys (``data`` entries may be
        DataFrames), or an :class:`~auditor.spec.AuditSpec`.
    now
        The run's start time, recorded in the evidence (default: the current UTC time). Pass
        it for reproducible evidence.
    run_id
        Identifier of the run (default: a random UUID).
    extra_checks
        A user's own checks, run when the rulebook lists them.
    **overrides
        Spec keys to override, dotted for nested keys: ``audit("a.yaml", **{"report.language": "en"})``.

    Returns
    -------
    AuditResult
        Findings, evidence, exit code.

    Raises
    ------
    SpecError, DataError
        For an invalid spec or unreadable data, before any check runs.

    Examples
    --------
    >>> import pandas as pd, auditor
    >>> frame = pd.DataFrame({"sex": ["F", "M"] * 50, "label": [0, 1] * 50, "predicted": [1, 0] * 50})
    >>> result = auditor.audit({"data": {"test": frame},
    ...                         "columns": {"target": "label", "prediction": "predicted", "protected": ["sex"]}})
    >>> [f.id for f in result.findings if f.check == "bias.selection_rate"]
    ['bias.selection_rate/test/sex']
    """
    started = now or datetime.now(UTC)
    spec = load_spec(spec, **overrides)
    checks = registry(extra_checks)
    rulebook = load_rulebook(spec.checks.rulebook, overrides=spec.checks.thresholds, notes=spec.checks.threshold_notes,
                              checks=checks, base_dir=spec.base_dir)
    for skipped in spec.checks.skip:
        if skipped not in rulebook.checks:
            raise SpecError(f"check {skipped!r} is not in rulebook {rulebook.id} ({', '.join(rulebook.checks)})", key="checks.skip",
                            file=spec.source_file)
    system, classification = _classification(spec, started.date())

    datasets = {name: _engine_for(spec, source).open(source) for name, source in spec.data.items()}
    _check_columns(spec, datasets)
    _check_bands(spec, datasets)
    reference, reference_source = (None, None)
    known = set().union(*(d.columns for d in datasets.values()))
    if spec.reference is not None and (spec.reference.path is not None or spec.reference.frame is not None):
        reference, reference_source = load_reference(spec.reference)
        for attribute in reference["attribute"].unique():
            parts = attribute.split(JOINT_SEPARATOR)
            if len(parts) > 1 and not set(parts) <= set(spec.columns.protected):
                raise DataError(f"joint attribute {attribute!r}: every part must be in columns.protected "
                                f"({', '.join(spec.columns.protected) or 'empty'})", source=reference_source.source, column="attribute")
            for part in parts:
                if part not in known:
                    raise DataError(f"attribute {part!r} is not a column of any dataset (columns: {_shown(sorted(known))})",
                                    source=reference_source.source, column="attribute")
    for attribute in spec.reference.setting if spec.reference is not None else ():
        if attribute not in known:
            raise SpecError(f"{attribute!r} is not a column of any dataset (columns: {_shown(sorted(known))})",
                            key=f"reference.setting.{attribute}", file=spec.source_file)

    # Row-level quality work (rules, pandera, Great Expectations, hashes) runs inside the same
    # profiling pass over each dataset; the plans are checked before any profiling. Each
    # dataset's engine profiles it; the logical types are decided here, once (engines.base).
    plans = quality_plans(spec, {n: d.columns for n, d in datasets.items()}, {n: d.details for n, d in datasets.items()})
    profiles: dict[str, Profile] = {}
    for name, handle in datasets.items():
        quality = plans[name]
        plan = replace(ProfilePlan.for_columns(spec.columns, handle.columns), quality=quality,
                       types=logical_types(handle.schema, quality.rules))
        profiles[name] = get_engine(handle.engine).profile(handle, plan)
    _check_decisions(spec, datasets, profiles)
    _check_numeric_groups(spec, profiles)
    too_many = _too_many_groups(spec, profiles)
    if too_many:  # compared group by group they would cost much and show nothing: one finding names them
        profiles = {name: without_attributes(p, tuple(too_many)) for name, p in profiles.items()}
    compared = replace(spec.columns, protected=tuple(a for a in spec.columns.protected if a not in too_many))

    findings: list[Finding] = []
    for check_id in rulebook.checks:
        if check_id in spec.checks.skip:
            findings.append(_skipped(check_id, spec.checks.skip[check_id], rulebook))
            continue
        ctx = CheckContext(
            profiles=profiles, columns=compared, thresholds=rulebook.thresholds,
            requirements=rulebook.labels_for(check_id), reference=reference,
            reference_groups=spec.checks.reference_groups,
            setting=spec.reference.setting if spec.reference is not None else {},
            intersections=spec.checks.intersections,
            governance=spec.governance, quality=spec.quality, audit_date=started,
            max_groups=spec.checks.max_groups, too_many_groups=too_many,
        )
        findings.extend(_run_check(checks[check_id], ctx))

    finished = max(datetime.now(UTC), started) if now is None else started
    counts = Counter(f.status.value for f in findings)
    versions = _versions()
    evidence: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "auditor", "version": versions["auditor"]},
        "run": {
            "id": run_id or str(uuid.uuid4()),
            "started_at": started.isoformat(),
            "finished_at": finished.isoformat(),
            "spec_sha256": _spec_sha256(spec),
            "spec_file": str(spec.source_file) if spec.source_file else None,
            "language": spec.report.language,
            "libraries": versions,
        },
        "spec": spec.raw,
        "system": system,
        "classification": classification,
        "rulebook": rulebook.to_dict(),
        "columns": {
            "target": spec.columns.target, "prediction": spec.columns.prediction, "score": spec.columns.score,
            "favourable": canonical_label(spec.columns.favourable), "positive": canonical_label(spec.columns.positive),
            "protected": list(spec.columns.protected), "id": spec.columns.id,
        },
        "datasets": [{**_dataset_entry(datasets[n], profiles[n]), "datasheet": datasheet(profiles[n], spec)} for n in datasets],
        "reference": None if reference_source is None else {
            "source": reference_source.source, "sha256": reference_source.sha256,
            "attributes": sorted(reference["attribute"].unique().tolist()),
            "shares": [{"attribute": str(a), "category": c, "share": float(v)}
                       for a, c, v in reference[["attribute", "category", "share"]].itertuples(index=False)],
        },
        "report": {"signatories": [{"name": s.name, "role": s.role} for s in spec.report.signatories]},
        "findings": [f.to_dict() for f in findings],
        "monitoring": history_summary(spec),
        "requirements": _requirements(rulebook, findings),
        "required_gaps": _required_gaps(classification, rulebook, checks, findings),
        "summary": {s.value: counts.get(s.value, 0) for s in Status},
    }
    return AuditResult(findings=tuple(findings), evidence=seal(evidence))


__all__ = ["audit"]
