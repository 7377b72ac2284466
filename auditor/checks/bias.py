"""Bias in labels and model outcomes (Art. 10(2)(f); Algoritmekader grw-02, ver-03).

Rate checks, per dataset, per protected attribute and per intersection of attributes (every
pair by default; ``checks.intersections`` in the spec), each rate with its Wilson interval and its
ratio (Katz log interval) and difference (Newcombe interval) to the reference group; the
verdict rule, the reference group and the direction of "disadvantaged" are described in
:mod:`auditor.checks.disparity`:

* ``bias.base_rate`` — the share of positive labels per group, on every dataset with labels
  (training data above all): historical bias the model can learn.
* ``bias.selection_rate`` — the share the model selects (``prediction == positive``):
  demographic parity.
* ``bias.true_positive_rate``, ``bias.false_negative_rate`` — among rows whose label is
  positive: equal opportunity (both together with the false positive rate: equalised odds).
* ``bias.false_positive_rate`` — among rows whose label is negative.
* ``bias.precision`` — among rows the model selects, the share with a positive label:
  predictive parity.
* ``bias.calibration`` — for scores: at the same score, does the outcome rate differ between a
  group and the reference group? The **Mantel–Haenszel risk ratio** of the positive label,
  stratified by score bin (each distinct score when there are at most
  :data:`MAX_SCORE_STRATA`, else deciles of the pooled score from the profile's sketch), with
  the Greenland–Robins variance of its log (Greenland & Robins 1985; with one stratum it is the
  Katz interval; when a group or the reference group has no positive label at all, the crude
  ratio with its zero-corrected Katz interval is used). A ratio below 1 means the group's outcomes are rarer than the reference
  group's at the same score: the score over-states the group's risk relative to the reference.
  Direction: when the positive label is unfavourable, a lower ratio disadvantages the group.
  Also reported per group: the mean score (from the sketch, ±1 %) and, for scores within
  [0, 1], the observed/expected ratio (positive rate / mean score; 1 = calibrated in the
  large), with a Wilson-based interval that treats the mean score as fixed.

A difference is not by itself discrimination: EU non-discrimination law has no numeric
threshold, and the 0.8 default of ``disparity_ratio`` is the US "four-fifths" heuristic. The
findings say what was measured against which threshold; the justification test is the
organisation's (Algoritmekader ver-03).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from auditor.checks.base import Check, CheckContext, finding_id, group_dict, verdicts
from auditor.checks.disparity import (
    RATES,
    direction,
    disadvantaged,
    rate_findings,
    reference_index,
    score_counts,
    subject_name,
    subjects,
)
from auditor.engines.profile import Profile, sketch_value
from auditor.evidence.model import Finding, Message, Metric, Status, worst
from auditor.stats.comparisons import RatioEstimate, rate_ratio, ratio_beyond
from auditor.stats.intervals import wilson_interval, z_value

BASE_RATE = "bias.base_rate"
SELECTION_RATE = "bias.selection_rate"
TRUE_POSITIVE_RATE = "bias.true_positive_rate"
FALSE_POSITIVE_RATE = "bias.false_positive_rate"
FALSE_NEGATIVE_RATE = "bias.false_negative_rate"
PRECISION = "bias.precision"
CALIBRATION = "bias.calibration"

MAX_SCORE_STRATA = 20
"""Scores with at most this many distinct sketch buckets are stratified by value, else by decile."""

_THRESHOLDS = ("disparity_ratio", "min_group_size")


def _labelled(ctx: CheckContext) -> list[Profile]:
    return [p for p in ctx.datasets() if "target" in p.roles]


def base_rate(ctx: CheckContext) -> list[Finding]:
    """Share of positive labels per group vs the reference group, on every labelled dataset."""
    return rate_findings(BASE_RATE, ctx, RATES["base_rate"], _labelled(ctx))


def selection_rate(ctx: CheckContext) -> list[Finding]:
    """Share selected by the model per group vs the reference group (demographic parity)."""
    return rate_findings(SELECTION_RATE, ctx, RATES["selection_rate"], ctx.datasets())


def true_positive_rate(ctx: CheckContext) -> list[Finding]:
    """Share selected among positive labels, per group (equal opportunity)."""
    return rate_findings(TRUE_POSITIVE_RATE, ctx, RATES["true_positive_rate"], ctx.datasets())


def false_positive_rate(ctx: CheckContext) -> list[Finding]:
    """Share selected among negative labels, per group (with the TPR: equalised odds)."""
    return rate_findings(FALSE_POSITIVE_RATE, ctx, RATES["false_positive_rate"], ctx.datasets())


def false_negative_rate(ctx: CheckContext) -> list[Finding]:
    """Share not selected among positive labels, per group."""
    return rate_findings(FALSE_NEGATIVE_RATE, ctx, RATES["false_negative_rate"], ctx.datasets())


def precision(ctx: CheckContext) -> list[Finding]:
    """Share with a positive label among those selected, per group (predictive parity)."""
    return rate_findings(PRECISION, ctx, RATES["precision"], ctx.datasets())


def score_strata(keys: np.ndarray, counts: np.ndarray, max_strata: int = MAX_SCORE_STRATA, n_bins: int = 10) -> dict[int, int]:
    """Stratum per score sketch key: each key when there are few, else pooled-score deciles.

    Parameters
    ----------
    keys, counts
        Sketch keys (any order, repeats allowed) and their row counts.

    Returns
    -------
    dict
        ``{key: stratum}``, strata numbered in ascending score order.
    """
    uniq, inverse = np.unique(np.asarray(keys, dtype=np.int64), return_inverse=True)
    if len(uniq) <= max_strata:
        return {int(k): i for i, k in enumerate(uniq)}
    totals = np.bincount(inverse, weights=np.asarray(counts, dtype=float))
    cumulative = np.cumsum(totals) / totals.sum()
    strata = np.clip(np.ceil(cumulative * n_bins - 1e-9).astype(np.int64) - 1, 0, n_bins - 1)
    return {int(k): int(s) for k, s in zip(uniq, strata, strict=True)}


def mantel_haenszel_ratio(a: np.ndarray, n1: np.ndarray, b: np.ndarray, n0: np.ndarray, confidence: float = 0.95) -> RatioEstimate:
    """Mantel–Haenszel risk ratio over strata with the Greenland–Robins variance of its log.

    Parameters
    ----------
    a, n1
        Per stratum (columns) and compared group (rows, 2-D) or 1-D: positives and rows of the group.
    b, n0
        Per stratum: positives and rows of the reference group.

    Returns
    -------
    RatioEstimate
        Per compared group; ``nan`` when a sum is zero.
    """
    a, n1 = np.atleast_2d(a).astype(float), np.atleast_2d(n1).astype(float)
    b, n0 = np.broadcast_to(np.asarray(b, dtype=float), a.shape), np.broadcast_to(np.asarray(n0, dtype=float), a.shape)
    total = n1 + n0
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(total > 0, a * n0 / total, 0.0).sum(axis=1)
        s = np.where(total > 0, b * n1 / total, 0.0).sum(axis=1)
        p = np.where(total > 0, (n1 * n0 * (a + b) / total**2 - a * b / total), 0.0).sum(axis=1)
        ratio = r / s
        ok = (r > 0) & (s > 0)
        log_r = np.where(ok, np.log(ratio), np.nan)
        se = np.where(ok, np.sqrt(np.maximum(p / (r * s), 0.0)), np.nan)
    z = z_value(confidence)
    ratio = np.where(ok, ratio, np.where((r > 0) & (s == 0), np.inf, np.nan))
    sums = (a.sum(axis=1), n1.sum(axis=1), b.sum(axis=1), n0.sum(axis=1))
    undefined = np.select([sums[1] <= 0, sums[3] <= 0, (r == 0) & (s == 0), s == 0],
                          np.array(["no_rows", "reference_no_rows", "both_rates_zero", "reference_rate_zero"], dtype=object),
                          default=None).astype(object)
    return RatioEstimate(ratio, np.exp(log_r - z * se), np.exp(log_r + z * se), log_r, se, undefined, sums)


def calibration(ctx: CheckContext) -> list[Finding]:
    """Outcome rates at equal scores, group vs reference group (Mantel–Haenszel), per dataset and subject."""
    limit = ctx.threshold("disparity_ratio")
    min_n = ctx.threshold("min_group_size")
    way = direction(ctx, higher_harms=False)
    findings = []
    for profile in ctx.datasets():
        groups = profile.groups
        if groups is None or not groups.attributes or "score" not in profile.roles or "target" not in profile.roles:
            continue
        for attributes in subjects(ctx, groups):
            attrs = list(attributes)
            counts = score_counts(groups, attrs, ctx.columns.positive)
            if counts is None:
                continue
            strata_of = score_strata(counts.bins, counts.rows.sum(axis=0))
            stratum = np.array([strata_of[int(k)] for k in counts.bins], dtype=np.int64)
            value = np.array([sketch_value(int(k)) for k in counts.bins], dtype=float)
            n_strata = int(stratum.max()) + 1
            pos = np.zeros((len(counts.keys), n_strata))
            rows = np.zeros((len(counts.keys), n_strata))
            np.add.at(pos.T, stratum, counts.positive.T)
            np.add.at(rows.T, stratum, counts.rows.T)
            score_sum = counts.rows @ value
            order = np.argsort(-rows.sum(axis=1), kind="stable")  # largest group first
            pos, rows, score_sum = pos[order], rows[order], score_sum[order]
            per_group = pd.DataFrame([counts.keys[i] for i in order], columns=attrs)
            per_group["n"] = rows.sum(axis=1)
            ref = reference_index(per_group, attrs, ctx)
            if ref is None:
                continue
            keys = list(per_group[attrs].itertuples(index=False, name=None))
            est = mantel_haenszel_ratio(pos, rows, pos[ref], rows[ref])
            crude = rate_ratio(pos.sum(axis=1), rows.sum(axis=1), pos[ref].sum(), rows[ref].sum())
            zero = (pos.sum(axis=1) == 0) | (pos[ref].sum() == 0)  # no positives: crude zero-corrected ratio
            est = RatioEstimate(*(np.where(zero, getattr(crude, f), getattr(est, f)) for f in RatioEstimate.__dataclass_fields__))
            beyond, p, threshold = ratio_beyond(est, limit)
            n = rows.sum(axis=1)
            is_ref = np.arange(len(keys)) == ref
            # Judged on rows with both labels present in the group and the reference.
            enough = (n >= min_n) & (n[ref] >= min_n)
            statuses, adjusted = verdicts(beyond & ~is_ref, np.where(is_ref, np.nan, p), enough | is_ref)
            x = pos.sum(axis=1)
            mean_score = score_sum / n
            probability_scale = bool(np.all((value >= 0) & (value <= 1)))
            low, high = wilson_interval(x, n)
            reference = group_dict(attrs, keys[ref])
            metrics = []
            flagged = []
            for i, key in enumerate(keys):
                group = group_dict(attrs, key)
                metrics.append(Metric("mean_score", mean_score[i], group=group, n=int(n[i])))
                if probability_scale and mean_score[i] > 0:
                    metrics.append(Metric("observed_expected_ratio", x[i] / n[i] / mean_score[i], group=group,
                                          ci=(low[i] / mean_score[i], high[i] / mean_score[i]), n=int(n[i])))
                if is_ref[i]:
                    continue
                metrics.append(Metric(
                    "calibration_ratio", est.ratio[i], group=group, reference=reference, ci=(est.low[i], est.high[i]), undefined=est.undefined[i],
                    n=int(n[i]), threshold=float(threshold[i]), p_adjusted=adjusted[i], status=statuses[i],
                ))
                if statuses[i] != Status.PASS:
                    ratio = float(est.ratio[i])
                    entry = {"group": group, "status": statuses[i].value, "ratio": ratio if math.isfinite(ratio) else None,
                             "disadvantaged": disadvantaged(way, ratio)}
                    if statuses[i] == Status.INSUFFICIENT_EVIDENCE:
                        entry.update(n=int(n[i]), needed=int(min_n), reference_too_small=bool(n[ref] < min_n))
                    flagged.append(entry)
            judged = [s for i, s in enumerate(statuses) if not is_ref[i]]
            status = worst(judged) if judged else Status.INSUFFICIENT_EVIDENCE
            findings.append(Finding(
                id=finding_id(CALIBRATION, profile.dataset, subject_name(attrs)),
                check=CALIBRATION, status=status, dataset=profile.dataset, requirements=ctx.requirements,
                metrics=tuple(metrics), thresholds=_THRESHOLDS,
                message=Message(f"{CALIBRATION}.{status.value}", {
                    "dataset": profile.dataset, "attributes": attrs, "reference": reference, "direction": way,
                    "threshold": limit, "min_group_size": int(min_n), "n_strata": int(n_strata),
                    "flagged": flagged,
                }),
            ))
    if not findings:
        findings.append(Finding(
            id=finding_id(CALIBRATION), check=CALIBRATION, status=Status.NOT_APPLICABLE, dataset=None,
            requirements=ctx.requirements, message=Message(f"{CALIBRATION}.not_applicable", {"needs": ["score", "target"]}),
        ))
    return findings


def _rate_check(check_id: str, run: Any, metric: str) -> Check:
    return Check(check_id, "bias", run, _THRESHOLDS, (metric, f"{metric}_ratio", f"{metric}_difference"))


CHECKS = (
    _rate_check(BASE_RATE, base_rate, "base_rate"),
    _rate_check(SELECTION_RATE, selection_rate, "selection_rate"),
    _rate_check(TRUE_POSITIVE_RATE, true_positive_rate, "true_positive_rate"),
    _rate_check(FALSE_POSITIVE_RATE, false_positive_rate, "false_positive_rate"),
    _rate_check(FALSE_NEGATIVE_RATE, false_negative_rate, "false_negative_rate"),
    _rate_check(PRECISION, precision, "precision"),
    Check(CALIBRATION, "bias", calibration, _THRESHOLDS, ("mean_score", "observed_expected_ratio", "calibration_ratio")),
)
