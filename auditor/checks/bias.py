"""Bias in model outcomes (Art. 10(2)(f)-(g); Algoritmekader grw-02, ver-03).

``bias.selection_rate``: per protected attribute, the share of each group that the model
selects (``prediction == positive``), with its Wilson interval, and its ratio to the reference
group (the spec's ``checks.reference_groups``, else the largest group) with a Katz log interval.

Direction. A ratio below ``disparity_ratio`` or above its inverse is a disparity between the
group and the reference group, whichever way it goes. ``columns.favourable`` says which outcome
is good for the person and so *who* the disparity disadvantages: when selection is favourable
(a grant), the side with the lower rate; when it is unfavourable (selected for a fraud review),
the side with the higher rate. The finding names the direction and, per flagged group, whether
the group or the reference group is disadvantaged, so the report can say which way it reads.
(With the default reference, the largest group, the largest group may itself be the one
disadvantaged.)
"""

from __future__ import annotations

import math

import numpy as np

from auditor.checks.base import Check, CheckContext, finding_id, group_dict, one_sided_p, verdicts
from auditor.checks.groups import PREDICTION, rate_table, reference_row
from auditor.engines.profile import canonical_label
from auditor.evidence.model import Finding, Message, Metric, Status, worst
from auditor.stats.intervals import ratio_of_proportions, wilson_interval

SELECTION_RATE = "bias.selection_rate"


def direction(ctx: CheckContext) -> str:
    """``lower_is_disadvantaged``, ``higher_is_disadvantaged`` or ``both``, for selection."""
    favourable = canonical_label(ctx.columns.favourable)
    if favourable is None:
        return "both"
    return "lower_is_disadvantaged" if favourable == canonical_label(ctx.columns.positive) else "higher_is_disadvantaged"


def _disadvantaged(way: str, ratio: float) -> str:
    """Who a ratio beyond the threshold disadvantages: ``group``, ``reference`` or ``unknown``."""
    if way == "both" or not math.isfinite(ratio):
        return "unknown"
    group_lower = ratio < 1
    return "group" if group_lower == (way == "lower_is_disadvantaged") else "reference"


def selection_rate(ctx: CheckContext) -> list[Finding]:
    """Selection rate per group and its ratio to the reference group, per attribute and dataset."""
    limit = ctx.threshold("disparity_ratio")
    min_n = ctx.threshold("min_group_size")
    way = direction(ctx)
    findings = []
    for profile in ctx.datasets():
        groups = profile.groups
        if groups is None or "prediction" not in profile.roles:
            continue
        for attribute in groups.attributes:
            table = rate_table(groups, [attribute], column=PREDICTION, value=ctx.columns.positive)
            ref = reference_row(table, [attribute], ctx.reference_groups.get(attribute))
            if ref is None:
                continue
            n = table["n"].to_numpy(dtype=float)
            x = table["x"].to_numpy(dtype=float)
            keys = table[attribute].to_numpy(dtype=object)
            rate = np.divide(x, n, out=np.full_like(x, np.nan), where=n > 0)
            low, high = wilson_interval(x, n)
            ratio, r_low, r_high, se = ratio_of_proportions(x, n, x[ref], n[ref])
            log_r = np.log(np.where(ratio > 0, ratio, np.nan))
            # A disparity between a group and the reference exists in either direction; the
            # favourable outcome only decides who it disadvantages (the group or the reference).
            beyond = (ratio < limit) | (ratio > 1 / limit)
            z = (np.abs(log_r) - abs(math.log(limit))) / se
            thresholds = np.where(ratio < 1, limit, 1 / limit)
            is_ref = np.arange(len(n)) == ref
            enough = (n >= min_n) & (n[ref] >= min_n)
            statuses, adjusted = verdicts(beyond & ~is_ref, np.where(is_ref, np.nan, one_sided_p(z)), enough | is_ref)
            reference = group_dict([attribute], keys[ref])
            metrics = []
            for i in range(len(n)):
                group = group_dict([attribute], keys[i])
                metrics.append(Metric("selection_rate", rate[i], group=group, ci=(low[i], high[i]), n=int(n[i])))
                if is_ref[i]:
                    continue
                metrics.append(Metric(
                    "selection_rate_ratio", ratio[i], group=group, reference=reference, ci=(r_low[i], r_high[i]),
                    n=int(n[i]), threshold=float(thresholds[i]), p_adjusted=adjusted[i], status=statuses[i],
                ))
                metrics.append(Metric("selection_rate_difference", rate[i] - rate[ref], group=group,
                                      reference=reference, n=int(n[i])))
            status = worst(s for i, s in enumerate(statuses) if not is_ref[i]) if len(n) > 1 else Status.INSUFFICIENT_EVIDENCE
            flagged = [
                {"group": group_dict([attribute], keys[i]), "ratio": float(ratio[i]), "status": statuses[i].value,
                 "disadvantaged": _disadvantaged(way, float(ratio[i]))}
                for i in range(len(n)) if not is_ref[i] and statuses[i] != Status.PASS
            ]
            findings.append(Finding(
                id=finding_id(SELECTION_RATE, profile.dataset, attribute),
                check=SELECTION_RATE,
                status=status,
                dataset=profile.dataset,
                requirements=ctx.requirements,
                metrics=tuple(metrics),
                thresholds=("disparity_ratio", "min_group_size"),
                message=Message(f"{SELECTION_RATE}.{status.value}", {
                    "dataset": profile.dataset,
                    "attribute": attribute,
                    "reference": reference[attribute],
                    "direction": way,
                    "threshold": limit,
                    "flagged": flagged,
                    "min_group_size": int(min_n),
                }),
            ))
    return findings


CHECKS = (
    Check(SELECTION_RATE, "bias", selection_rate, ("disparity_ratio", "min_group_size"),
          ("selection_rate", "selection_rate_ratio", "selection_rate_difference")),
)
