"""Consistency (Art. 10(3) "free of errors"; Algoritmekader dat-01 consistentie).

``quality.conflicting_labels``
    Rows with identical feature vectors but different labels. They bound the accuracy any model
    can reach on these features and may point to label noise (the same case judged two ways) or
    to a missing feature. Counted exactly from the feature digest of the profile (a hash of the
    features, and of features + label, per row): the number of feature vectors that occur with
    more than one label, the rows they cover, and example rows. Judged against
    ``max_conflicting_label_rate``.
``quality.cross_field``
    The spec's cross-field rules (``quality.cross_field``), evaluated on every row in the
    profiling pass: the rows that break each rule, with example row positions.
"""

from __future__ import annotations

from auditor.checks.base import Check, CheckContext, finding_id
from auditor.checks.rates import rate_verdicts
from auditor.engines.digests import HashCounts
from auditor.engines.spill import SpilledHashCounts
from auditor.evidence.model import Finding, Message, Metric, Status
from auditor.validation.results import RuleResult

CONFLICTING_LABELS = "quality.conflicting_labels"
CROSS_FIELD = "quality.cross_field"


def conflicts(digest: HashCounts | SpilledHashCounts) -> tuple[int, int, list[list[int]]]:
    """Feature vectors with more than one label: ``(groups, rows, examples)``.

    ``examples`` lists, for the first conflicting vectors (in file order), the first row of each
    of its labels (computed by the digest: in memory, or in DuckDB for a spilled one).
    """
    return digest.conflicts()


def conflicting_labels(ctx: CheckContext) -> list[Finding]:
    """Identical features, different labels, per labelled dataset."""
    limit = ctx.threshold("max_conflicting_label_rate")
    min_n = ctx.threshold("min_group_size")
    findings = []
    for profile in ctx.datasets():
        digest = profile.digests.features if profile.digests is not None else None
        if digest is None or not digest.has_groups:
            continue
        n_groups, n_rows, examples = conflicts(digest)
        rate, (low, high), statuses, adjusted = rate_verdicts([n_rows], [max(digest.n_rows, 1)], limit, min_n)
        status = statuses[0]
        findings.append(Finding(
            id=finding_id(CONFLICTING_LABELS, profile.dataset), check=CONFLICTING_LABELS, status=status,
            dataset=profile.dataset, requirements=ctx.requirements,
            thresholds=("max_conflicting_label_rate", "min_group_size"),
            metrics=(Metric("conflicting_label_rate", rate[0], ci=(low[0], high[0]), n=digest.n_rows, threshold=limit,
                            p_adjusted=adjusted[0], status=status),),
            message=Message(f"{CONFLICTING_LABELS}.{status.value}", {
                "dataset": profile.dataset, "n_groups": n_groups, "n_rows_involved": n_rows, "n_rows": digest.n_rows,
                "n_unlabelled": int(digest.n_skipped), "features": list(digest.columns), "examples": examples,
                "threshold": limit,
            }),
        ))
    if not findings:
        return [Finding(id=finding_id(CONFLICTING_LABELS), check=CONFLICTING_LABELS, status=Status.NOT_APPLICABLE,
                        dataset=None, requirements=ctx.requirements,
                        message=Message(f"{CONFLICTING_LABELS}.no_labels", {}))]
    return findings


def rule_status(result: RuleResult) -> Status:
    """``error`` when the rule could not be evaluated, ``fail`` when it does not hold, else ``pass``."""
    if "error" in result.detail:
        return Status.ERROR
    return Status.PASS if result.success else Status.FAIL


def failure_metric(result: RuleResult, status: Status, **extra: object) -> Metric:
    """``failure_rate`` of a rule result (``None`` when it is not about rows)."""
    value = None if result.n_failed is None or result.n_checked == 0 else result.n_failed / result.n_checked
    return Metric("failure_rate", value, column=result.column, n=result.n_checked, status=status, **extra)  # type: ignore[arg-type]


def cross_field(ctx: CheckContext) -> list[Finding]:
    """Each cross-field rule on each dataset that has its columns."""
    if not ctx.quality.cross_field:
        return [Finding(id=finding_id(CROSS_FIELD), check=CROSS_FIELD, status=Status.NOT_APPLICABLE, dataset=None,
                        requirements=ctx.requirements, message=Message(f"{CROSS_FIELD}.no_rules", {}))]
    findings = []
    for profile in ctx.datasets():
        if profile.digests is None:
            continue
        for result in (r for r in profile.digests.rules if r.source == "cross_field"):
            status = rule_status(result)
            findings.append(Finding(
                id=finding_id(CROSS_FIELD, profile.dataset, result.rule), check=CROSS_FIELD, status=status,
                dataset=profile.dataset, requirements=ctx.requirements,
                metrics=(failure_metric(result, status),),
                message=Message(f"{CROSS_FIELD}.{status.value}", {
                    "dataset": profile.dataset, **result.to_dict(),
                    "n_not_evaluated": profile.n_rows - result.n_checked if result.n_failed is not None else None,
                }),
            ))
    return findings


CHECKS = (
    Check(CONFLICTING_LABELS, "quality", conflicting_labels, ("max_conflicting_label_rate", "min_group_size"),
          ("conflicting_label_rate",)),
    Check(CROSS_FIELD, "quality", cross_field, (), ("failure_rate",)),
)

__all__ = ["CHECKS", "CONFLICTING_LABELS", "CROSS_FIELD", "conflicts", "failure_metric", "rule_status"]
