"""Sufficiency (Art. 10(2)(e): availability, quantity and suitability of the data).

``quality.sufficiency``: is there enough data to estimate the bias and performance metrics per
group with the precision the rulebook asks for? The bias and error-rate metrics are rates within
a group (selection rate, base rate) or within a group × label cell (true positive rate among the
positives, false positive rate among the negatives), so the binding constraint is the number of
rows in each group × label cell. A cell of ``n`` rows gives a Wilson 95 % interval of at most
``z / (2 sqrt(n + z²))`` on either side (its width at a rate of 0.5, the worst case); the rows
needed for ``max_ci_half_width`` follow from it (381 rows for ±0.05). Each cell short of that is
reported with its shortfall in rows.

Counts below the privacy floor (10) are not put in the message; the shortfall is then reported
as "more than ``needed - 10``".
"""

from __future__ import annotations

import itertools
from statistics import NormalDist
from typing import Any

import numpy as np

from auditor.checks.base import Check, CheckContext, finding_id
from auditor.checks.disparity import n_groups
from auditor.checks.rates import half_width, needed_rows
from auditor.engines.profile import COUNT, LABEL, Profile
from auditor.evidence.model import Finding, Message, Metric, Status
from auditor.validation.results import MIN_VALUE_COUNT as PRIVACY_FLOOR

SUFFICIENCY = "quality.sufficiency"
GROUP_COUNT = "quality.group_count"
LABELLED = ("training", "validation", "test")


def _cells(profile: Profile) -> list[tuple[dict[str, str], int]]:
    """(group incl. label, rows) for every protected attribute's group × label cell, or per label alone."""
    groups = profile.groups
    target = profile.roles["target"]
    cells = groups.cells[groups.cells[LABEL].notna()]
    out: list[tuple[dict[str, str], int]] = []
    attributes = list(groups.attributes) or [None]
    for attribute in attributes:
        keys = [attribute, LABEL] if attribute else [LABEL]
        part = cells[cells[attribute].notna()] if attribute else cells
        table = part.groupby(keys, sort=True)[COUNT].sum()
        for key, n in table.items():
            key = key if isinstance(key, tuple) else (key,)
            group = {attribute: str(key[0]), target: str(key[1])} if attribute else {target: str(key[0])}
            out.append((group, int(n)))
    return out


def sufficiency(ctx: CheckContext) -> list[Finding]:
    """Rows per group × label vs the rows needed for ``max_ci_half_width``, per labelled dataset."""
    target_half_width = ctx.threshold("max_ci_half_width")
    z = NormalDist().inv_cdf(0.975)
    needed = needed_rows(target_half_width, z)
    findings = []
    for name in LABELLED:
        profile = ctx.profiles.get(name)
        if profile is None or profile.groups is None or "target" not in profile.roles:
            continue
        cells = _cells(profile)
        if not cells:
            continue
        n = np.array([c[1] for c in cells], dtype=float)
        widths = half_width(n, z)
        short = n < needed
        metrics = tuple(
            Metric("ci_half_width", float(widths[i]), group=group, n=int(n[i]), threshold=target_half_width,
                   status=Status.WARN if short[i] else Status.PASS)
            for i, (group, _) in enumerate(cells)
        )
        flagged = [{"group": group, "n": count if count >= PRIVACY_FLOOR else None,
                    "shortfall": needed - count if count >= PRIVACY_FLOOR else None,
                    "half_width": float(widths[i]) if count >= PRIVACY_FLOOR else None}
                   for i, (group, count) in enumerate(cells) if short[i]]
        status = Status.WARN if flagged else Status.PASS
        findings.append(Finding(
            id=finding_id(SUFFICIENCY, profile.dataset), check=SUFFICIENCY, status=status, dataset=profile.dataset,
            requirements=ctx.requirements, thresholds=("max_ci_half_width",), metrics=metrics,
            message=Message(f"{SUFFICIENCY}.{status.value}", {
                "dataset": profile.dataset, "needed": needed, "half_width": target_half_width, "n_cells": len(cells),
                "flagged": flagged, "floor": PRIVACY_FLOOR,
            }),
        ))
    if not findings:
        return [Finding(id=finding_id(SUFFICIENCY), check=SUFFICIENCY, status=Status.NOT_APPLICABLE, dataset=None,
                        requirements=ctx.requirements, message=Message(f"{SUFFICIENCY}.no_labels", {}))]
    return findings


def group_count(ctx: CheckContext) -> list[Finding]:
    """Protected attributes and intersections with more groups than ``checks.max_groups``.

    Comparing every one of thousands of groups (an identifier or a postcode used as a protected
    attribute, say) costs time without telling anything: each group is too small to judge. The
    pipeline leaves such attributes out of the group comparisons, and the group checks leave
    such intersections out; this finding names them (``insufficient_evidence``: no group
    comparison could be made) and asks to group or bucket them first.
    """
    subjects: list[dict[str, Any]] = [{"attributes": [a], "n_groups": int(k)} for a, k in sorted(ctx.too_many_groups.items())]
    seen = {tuple(s["attributes"]) for s in subjects}
    for profile in ctx.datasets():
        groups = profile.groups
        if groups is None or not groups.attributes:
            continue
        present = list(groups.attributes)
        pairs = (list(itertools.combinations(present, 2)) if ctx.intersections is None
                 else [tuple(i) for i in ctx.intersections if all(a in present for a in i)])
        for pair in pairs:
            k = n_groups(groups, pair)
            if k > ctx.max_groups and pair not in seen:
                seen.add(pair)
                subjects.append({"attributes": list(pair), "n_groups": k})
    status = Status.INSUFFICIENT_EVIDENCE if subjects else Status.PASS
    return [Finding(
        id=finding_id(GROUP_COUNT), check=GROUP_COUNT, status=status, dataset=None, requirements=ctx.requirements,
        message=Message(f"{GROUP_COUNT}.{status.value}", {"max_groups": ctx.max_groups, "subjects": subjects}),
    )]


CHECKS = (
    Check(SUFFICIENCY, "quality", sufficiency, ("max_ci_half_width",), ("ci_half_width",)),
    Check(GROUP_COUNT, "quality", group_count),
)

__all__ = ["CHECKS", "GROUP_COUNT", "SUFFICIENCY"]
