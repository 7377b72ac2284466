"""Validity (Art. 10(3) "free of errors"; Algoritmekader dat-01 validiteit; avg-05 accuracy).

Three sources of rules, all evaluated on the rows in the profiling pass (the same load of the
data, see :mod:`auditor.engines.digests`) and reported here from their exact counts:

``quality.validity``
    The spec's column rules (``quality.rules``: type, min, max, allowed values, pattern,
    nullable): one finding per dataset and column, a metric per rule.
``quality.validity_pandera``
    A user's pandera schema (``quality.pandera``): one finding per failing column and check,
    and one for the schema as a whole.
``quality.validity_expectations``
    A user's Great Expectations 1.x suite (``quality.great_expectations``): one finding per
    expectation, with GX's verdict (which honours ``mostly``).

Every failing rule reports the number of failing rows, the positions of the first 20 (0-based,
file order) and the failing values that at least 10 failing rows share — never a value of the
id column, never a value that few rows have.
"""

from __future__ import annotations

from collections import defaultdict

from auditor.checks.base import Check, CheckContext, finding_id
from auditor.checks.consistency import failure_metric, rule_status
from auditor.evidence.model import Finding, Message, Status, worst
from auditor.validation.results import RuleResult

VALIDITY = "quality.validity"
PANDERA = "quality.validity_pandera"
EXPECTATIONS = "quality.validity_expectations"


def _not_configured(check: str, ctx: CheckContext) -> list[Finding]:
    return [Finding(id=finding_id(check), check=check, status=Status.NOT_APPLICABLE, dataset=None,
                    requirements=ctx.requirements, message=Message(f"{check}.not_configured", {}))]


def _results(ctx: CheckContext, source: str) -> list[tuple[str, RuleResult]]:
    return [(p.dataset, r) for p in ctx.datasets() if p.digests is not None for r in p.digests.rules if r.source == source]


def validity(ctx: CheckContext) -> list[Finding]:
    """The spec's column rules, one finding per dataset and column."""
    if not ctx.quality.rules:
        return _not_configured(VALIDITY, ctx)
    by_column: dict[tuple[str, str], list[RuleResult]] = defaultdict(list)
    for dataset, result in _results(ctx, "spec"):
        by_column[(dataset, str(result.column))].append(result)
    findings = []
    for (dataset, column), results in by_column.items():
        statuses = [rule_status(r) for r in results]
        status = worst(statuses)
        metrics = tuple(failure_metric(r, s, group={"rule": r.rule}) for r, s in zip(results, statuses, strict=True))
        findings.append(Finding(
            id=finding_id(VALIDITY, dataset, column), check=VALIDITY, status=status, dataset=dataset,
            requirements=ctx.requirements, metrics=metrics,
            message=Message(f"{VALIDITY}.{status.value}", {
                "dataset": dataset, "column": column,
                "rules": [r.to_dict() for r in results],
                "failed": [r.to_dict() for r in results if not r.success],
            }),
        ))
    return findings


def validity_pandera(ctx: CheckContext) -> list[Finding]:
    """The user's pandera schema: failing checks and the schema as a whole."""
    if ctx.quality.pandera is None:
        return _not_configured(PANDERA, ctx)
    findings = []
    for dataset, result in _results(ctx, "pandera"):
        status = Status.ERROR if "error" in result.detail else Status.PASS if result.success else Status.FAIL
        key = "schema" if result.rule in ("schema", "run") else "check"
        subject = result.rule if key == "schema" else f"{result.column or 'table'}/{result.rule}"
        findings.append(Finding(
            id=finding_id(PANDERA, dataset, subject), check=PANDERA, status=status, dataset=dataset,
            requirements=ctx.requirements,
            metrics=() if key == "schema" else (failure_metric(result, status),),
            message=Message(f"{PANDERA}.{key}_{status.value}", {"dataset": dataset, **result.to_dict()}),
        ))
    return findings


def validity_expectations(ctx: CheckContext) -> list[Finding]:
    """The user's Great Expectations suite: one finding per expectation."""
    if ctx.quality.great_expectations is None:
        return _not_configured(EXPECTATIONS, ctx)
    findings = []
    for dataset, result in _results(ctx, "great_expectations"):
        status = rule_status(result)
        parts = result.key.split("/")  # great_expectations/<position in suite>/<type>/<column>
        subject = f"{int(parts[1]) + 1}-{result.rule}" if len(parts) > 2 else result.rule
        findings.append(Finding(
            id=finding_id(EXPECTATIONS, dataset, subject), check=EXPECTATIONS, status=status,
            dataset=dataset, requirements=ctx.requirements,
            metrics=(failure_metric(result, status),) if result.n_failed is not None else (),
            message=Message(f"{EXPECTATIONS}.{status.value}", {"dataset": dataset, **result.to_dict()}),
        ))
    return findings


CHECKS = (
    Check(VALIDITY, "quality", validity, (), ("failure_rate",)),
    Check(PANDERA, "quality", validity_pandera, (), ("failure_rate",)),
    Check(EXPECTATIONS, "quality", validity_expectations, (), ("failure_rate",)),
)

__all__ = ["CHECKS", "EXPECTATIONS", "PANDERA", "VALIDITY"]
