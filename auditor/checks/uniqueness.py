"""Uniqueness (Art. 10(3) "free of errors"; Algoritmekader dat-01): duplicate rows, ids, columns.

All three read the row digests of the profile (:mod:`auditor.engines.digests`), so the counts are
exact and come with example row positions (0-based, in file order; row 0 is the first data row).

``quality.duplicate_rows``
    Rows that are exact copies of an earlier row (every column except the model outputs). With a
    declared id column in the row, a copy is a record counted twice: judged against
    ``max_duplicate_rate`` (default 0). Without an id, identical rows may be different people
    with the same values, so the check warns at most.
``quality.duplicate_ids``
    Rows whose id occurred on an earlier row; split into exact copies and *conflicting* records
    (same id, different content). Id values are never shown, only row positions.
``quality.duplicate_columns``
    Column names the file's header has more than once (the loader had to rename one: fail), and
    columns with identical content (equal fingerprints: warn, a redundant copy).
"""

from __future__ import annotations

from collections import defaultdict

from auditor.checks.base import Check, CheckContext, finding_id
from auditor.checks.rates import rate_verdicts
from auditor.engines.digests import HashCounts, HashSummary
from auditor.engines.profile import Profile
from auditor.engines.spill import SpilledHashCounts
from auditor.evidence.model import Finding, Message, Metric, Status

DUPLICATE_ROWS = "quality.duplicate_rows"
DUPLICATE_IDS = "quality.duplicate_ids"
DUPLICATE_COLUMNS = "quality.duplicate_columns"


def repeat_examples(digest: HashCounts | SpilledHashCounts | HashSummary) -> list[dict[str, int]]:
    """``[{row, same_as}]``: example rows that repeat an earlier row, with that earlier row."""
    return digest.repeat_examples()


def _not_applicable(check: str, ctx: CheckContext, key: str, **params: object) -> list[Finding]:
    return [Finding(id=finding_id(check), check=check, status=Status.NOT_APPLICABLE, dataset=None,
                    requirements=ctx.requirements, message=Message(f"{check}.{key}", dict(params)))]


def _judged(profiles: list[Profile]) -> list[Profile]:
    return [p for p in profiles if p.digests is not None and p.n_rows > 0]


def duplicate_rows(ctx: CheckContext) -> list[Finding]:
    """Exact duplicate rows per dataset."""
    limit = ctx.threshold("max_duplicate_rate")
    min_n = ctx.threshold("min_group_size")
    findings = []
    for profile in _judged(ctx.datasets()):
        rows = profile.digests.rows
        n_dup = rows.n_repeated
        with_id = profile.roles.get("id") in rows.columns
        rate, (low, high), statuses, adjusted = rate_verdicts([n_dup], [rows.n_rows], limit, min_n)
        status = statuses[0]
        if status == Status.FAIL and not with_id:
            status = Status.WARN
        n_groups, n_involved = rows.repeated_groups()
        findings.append(Finding(
            id=finding_id(DUPLICATE_ROWS, profile.dataset), check=DUPLICATE_ROWS, status=status, dataset=profile.dataset,
            requirements=ctx.requirements, thresholds=("max_duplicate_rate", "min_group_size"),
            metrics=(Metric("duplicate_row_rate", rate[0], ci=(low[0], high[0]), n=rows.n_rows, threshold=limit,
                            p_adjusted=adjusted[0], status=status),),
            message=Message(f"{DUPLICATE_ROWS}.{status.value}", {
                "dataset": profile.dataset, "n_rows": rows.n_rows, "n_duplicates": int(n_dup),
                "n_groups": n_groups, "n_rows_involved": n_involved, "with_id": with_id,
                "n_columns": len(rows.columns), "examples": repeat_examples(rows), "threshold": limit,
            }),
        ))
    return findings


def duplicate_ids(ctx: CheckContext) -> list[Finding]:
    """Repeated ids per dataset, split into exact copies and conflicting records."""
    if ctx.columns.id is None:
        return _not_applicable(DUPLICATE_IDS, ctx, "no_id")
    limit = ctx.threshold("max_duplicate_rate")
    min_n = ctx.threshold("min_group_size")
    findings = []
    for profile in _judged(ctx.datasets()):
        ids = profile.digests.ids
        if ids is None:
            continue
        rows = profile.digests.rows
        n_dup = ids.n_repeated
        copies = rows.n_repeated if ids.columns[0] in rows.columns else None
        rate, (low, high), statuses, adjusted = rate_verdicts([n_dup], [max(ids.n_rows, 1)], limit, min_n)
        status = statuses[0]
        n_ids = ids.repeated_groups()[0]
        findings.append(Finding(
            id=finding_id(DUPLICATE_IDS, profile.dataset), check=DUPLICATE_IDS, status=status, dataset=profile.dataset,
            requirements=ctx.requirements, thresholds=("max_duplicate_rate", "min_group_size"),
            metrics=(Metric("duplicate_id_rate", rate[0], column=ids.columns[0], ci=(low[0], high[0]), n=ids.n_rows,
                            threshold=limit, p_adjusted=adjusted[0], status=status),),
            message=Message(f"{DUPLICATE_IDS}.{status.value}", {
                "dataset": profile.dataset, "column": ids.columns[0], "n_rows": ids.n_rows, "n_duplicates": int(n_dup),
                "n_ids": n_ids, "n_exact_copies": None if copies is None else int(copies),
                "n_conflicting": None if copies is None else int(n_dup - copies), "n_missing_id": int(ids.n_skipped),
                "examples": repeat_examples(ids), "threshold": limit,
            }),
        ))
    return findings


def duplicate_columns(ctx: CheckContext) -> list[Finding]:
    """Repeated header names and columns with identical content, per dataset."""
    findings = []
    for profile in _judged(ctx.datasets()):
        digests = profile.digests
        same: dict[tuple[int, int], list[str]] = defaultdict(list)
        for name, fingerprint in digests.fingerprints.items():
            if profile.columns[name].n_missing < profile.n_rows:  # all-missing columns are completeness's business
                same[fingerprint].append(name)
        identical = [names for names in same.values() if len(names) > 1]
        header = list(digests.header_duplicates)
        status = Status.FAIL if header else Status.WARN if identical else Status.PASS
        findings.append(Finding(
            id=finding_id(DUPLICATE_COLUMNS, profile.dataset), check=DUPLICATE_COLUMNS, status=status,
            dataset=profile.dataset, requirements=ctx.requirements,
            message=Message(f"{DUPLICATE_COLUMNS}.{status.value}", {
                "dataset": profile.dataset, "header_duplicates": header, "identical": identical,
                "n_columns": len(profile.columns),
            }),
        ))
    return findings


CHECKS = (
    Check(DUPLICATE_ROWS, "quality", duplicate_rows, ("max_duplicate_rate", "min_group_size"), ("duplicate_row_rate",)),
    Check(DUPLICATE_IDS, "quality", duplicate_ids, ("max_duplicate_rate", "min_group_size"), ("duplicate_id_rate",)),
    Check(DUPLICATE_COLUMNS, "quality", duplicate_columns),
)

__all__ = ["CHECKS", "DUPLICATE_COLUMNS", "DUPLICATE_IDS", "DUPLICATE_ROWS", "repeat_examples"]
