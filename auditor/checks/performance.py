"""Model performance overall and by group (Art. 15; Algoritmekader aia-10, ver-02).

``performance.by_group``: per dataset with labels and model outputs, per protected attribute and
intersection (as the bias checks), the accuracy, precision and recall (true positive rate) of the
decisions and, for scores, the AUC — overall and per group, each with its interval:

* accuracy, precision, recall: Wilson intervals (they are proportions);
* AUC: the Mann–Whitney statistic over the profile's ordered score buckets with DeLong's
  variance (:mod:`auditor.stats.auc`; exact when every distinct score has its own bucket, within
  the sketch's ties otherwise).

A quality-of-service harm is a group for whom the model works worse. Per group, the accuracy
difference to the reference group (Newcombe interval) and the AUC difference (normal interval
with the two groups' DeLong variances added; the groups are disjoint) are judged against
``max_performance_gap``: a difference beyond it in either direction is flagged, and the finding
says which side has the lower performance. One Holm correction covers every comparison in the
finding. Groups whose rows with both a label and a decision (accuracy), or whose positive or
negative labelled rows (AUC), number fewer than ``min_group_size`` give insufficient evidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from auditor.checks.base import Check, CheckContext, finding_id, group_dict, one_sided_p, verdicts
from auditor.checks.disparity import confusion_table, group_key, reference_index, score_counts, subject_name, subjects
from auditor.engines.profile import Profile
from auditor.evidence.model import Finding, Message, Metric, Status, worst
from auditor.stats.auc import AUCEstimate, bucket_auc
from auditor.stats.comparisons import difference_beyond, newcombe_difference
from auditor.stats.intervals import wilson_interval, z_value

BY_GROUP = "performance.by_group"

_THRESHOLDS = ("max_performance_gap", "min_group_size")


def _auc_by_group(profile: Profile, attributes: list[str], keys: list[tuple[Any, ...]], positive: Any) -> tuple[list[AUCEstimate], AUCEstimate] | None:
    if profile.groups is None or profile.groups.scores is None or "target" not in profile.roles:
        return None
    empty = bucket_auc([], [])
    counts = score_counts(profile.groups, attributes, positive)
    if counts is None:  # no labelled scores
        return [empty] * len(keys), empty
    negative = counts.rows - counts.positive

    def auc_of(pos: np.ndarray, neg: np.ndarray) -> AUCEstimate:
        used = (pos + neg) > 0  # the buckets this group has rows in
        return bucket_auc(pos[used], neg[used])

    per_key = {k: auc_of(counts.positive[i], negative[i]) for i, k in enumerate(counts.keys)}
    return ([per_key.get(group_key(k), empty) for k in keys],
            auc_of(counts.positive.sum(axis=0), negative.sum(axis=0)))


def by_group(ctx: CheckContext) -> list[Finding]:
    """Accuracy, precision, recall and AUC overall and by group, with the gaps to the reference group."""
    gap = ctx.threshold("max_performance_gap")
    min_n = ctx.threshold("min_group_size")
    findings = []
    for profile in ctx.datasets():
        groups = profile.groups
        if groups is None or not groups.attributes or "target" not in profile.roles:
            continue
        has_pred = "prediction" in profile.roles
        if not has_pred and "score" not in profile.roles:
            continue
        for attributes in subjects(ctx, groups):
            attrs = list(attributes)
            table = confusion_table(groups, attrs, ctx.columns.positive)
            ref = reference_index(table, attrs, ctx)
            if ref is None:
                continue
            keys = list(table[attrs].itertuples(index=False, name=None))
            groups_of = [group_dict(attrs, k) for k in keys]
            reference = groups_of[ref]
            is_ref = np.arange(len(keys)) == ref
            totals = table.drop(columns=attrs).sum()
            metrics: list[Metric] = []
            tests: list[_Gap] = []

            if has_pred:
                for name, x_col, n_col in (("accuracy", "correct", "n_both"), ("precision", "tp", "pred_pos_label"),
                                           ("true_positive_rate", "tp", "label_pos_pred")):
                    t_low, t_high = wilson_interval(totals[x_col], totals[n_col])
                    metrics.append(Metric(name, _div(totals[x_col], totals[n_col]), ci=(float(t_low), float(t_high)),
                                          n=int(totals[n_col])))
                    xs, ns = table[x_col].to_numpy(float), table[n_col].to_numpy(float)
                    low, high = wilson_interval(xs, ns)
                    for i in range(len(keys)):
                        metrics.append(Metric(name, _div(xs[i], ns[i]), group=groups_of[i], ci=(float(low[i]), float(high[i])),
                                              n=int(ns[i])))
                xs, ns = table["correct"].to_numpy(float), table["n_both"].to_numpy(float)
                beyond, p = difference_beyond(xs, ns, xs[ref], ns[ref], gap)
                diff, d_low, d_high = newcombe_difference(xs, ns, xs[ref], ns[ref])
                for i in map(int, np.flatnonzero(~is_ref)):
                    tests.append(_Gap(int(i), "accuracy_difference", bool(beyond[i]), float(p[i]),
                                      bool(ns[i] >= min_n and ns[ref] >= min_n), float(diff[i]), float(d_low[i]),
                                      float(d_high[i]), int(ns[i])))

            aucs = _auc_by_group(profile, attrs, keys, ctx.columns.positive) if "score" in profile.roles else None
            if aucs is not None:
                per_group, overall = aucs
                metrics.append(Metric("auc", overall.value, ci=(overall.low, overall.high), n=overall.n_positive + overall.n_negative))
                for i, est in enumerate(per_group):
                    metrics.append(Metric("auc", est.value, group=groups_of[i], ci=(est.low, est.high),
                                          n=est.n_positive + est.n_negative))
                r = per_group[ref]
                zq = z_value()
                for i in map(int, np.flatnonzero(~is_ref)):
                    est = per_group[i]
                    d = est.value - r.value
                    se = math.sqrt(est.se**2 + r.se**2) if math.isfinite(est.se) and math.isfinite(r.se) else math.nan
                    z = (abs(d) - gap) / se if se > 0 else math.nan
                    tests.append(_Gap(int(i), "auc_difference", bool(abs(d) > gap), float(one_sided_p(np.array([z]))[0]),
                                      min(est.n_positive, est.n_negative, r.n_positive, r.n_negative) >= min_n,
                                      d, d - zq * se, d + zq * se, est.n_positive + est.n_negative))

            statuses, adjusted = (verdicts(np.array([t.beyond for t in tests]), np.array([t.p for t in tests]),
                                           np.array([t.enough for t in tests])) if tests else ([], np.array([])))
            flagged = []
            for t, status, p_adj in zip(tests, statuses, adjusted, strict=True):
                i, name, d, count = t.group, t.metric, t.difference, t.n
                metrics.append(Metric(name, d, group=groups_of[i], reference=reference, ci=(t.low, t.high), n=count,
                                      threshold=gap if d >= 0 else -gap, p_adjusted=p_adj, status=status))
                if status != Status.PASS:
                    entry = {"group": groups_of[i], "metric": name.removesuffix("_difference"), "status": status.value,
                             "difference": d if math.isfinite(d) else None,
                             "lower": "unknown" if not math.isfinite(d) else "group" if d < 0 else "reference"}
                    if status == Status.INSUFFICIENT_EVIDENCE:
                        entry.update(n=count, needed=int(min_n))
                    flagged.append(entry)
            status = worst(statuses) if statuses else Status.INSUFFICIENT_EVIDENCE
            findings.append(Finding(
                id=finding_id(BY_GROUP, profile.dataset, subject_name(attrs)),
                check=BY_GROUP, status=status, dataset=profile.dataset, requirements=ctx.requirements,
                metrics=tuple(metrics), thresholds=_THRESHOLDS,
                message=Message(f"{BY_GROUP}.{status.value}", {
                    "dataset": profile.dataset, "attributes": attrs, "reference": reference, "threshold": gap,
                    "min_group_size": int(min_n), "accuracy": _div(totals.get("correct", 0), totals.get("n_both", 0)) if has_pred else None,
                    "auc": aucs[1].value if aucs is not None and math.isfinite(aucs[1].value) else None,
                    "flagged": flagged,
                }),
            ))
    if not findings:
        findings.append(Finding(
            id=finding_id(BY_GROUP), check=BY_GROUP, status=Status.NOT_ASSESSED, dataset=None,
            requirements=ctx.requirements, message=Message(f"{BY_GROUP}.not_applicable", {}),
        ))
    return findings


@dataclass(frozen=True)
class _Gap:
    """One group's performance gap to the reference group, before the verdict."""

    group: int
    metric: str
    beyond: bool
    p: float
    enough: bool
    difference: float
    low: float
    high: float
    n: int


def _div(x: float, n: float) -> float:
    return float(x) / float(n) if n else math.nan


CHECKS = (
    Check(BY_GROUP, "performance", by_group, _THRESHOLDS,
          ("accuracy", "precision", "true_positive_rate", "auc", "accuracy_difference", "auc_difference")),
)
