"""Comparing a rate between groups: the machinery behind the bias and performance checks.

Every group check follows the same steps on a profile's contingency table (no rows):

1. **Subjects.** Each protected attribute, and each intersection of attributes (every pair by
   default, or the spec's ``checks.intersections``).
2. **Counts.** One group-by over the cells gives, per group, the confusion counts
   (:func:`confusion_table`); every rate is ``x / n`` of two of them (:data:`RATES`).
3. **Reference group.** The spec's ``checks.reference_groups`` (for an intersection: the
   combination of the attributes' reference groups); else, when ``columns.favourable`` says
   which side is disadvantaged, the **most favoured group** on the rate (the lowest rate where
   a higher rate disadvantages, the highest where a lower one does) among the groups with at
   least ``min_group_size`` rows — the comparison of the four-fifths rule, so every other group
   is measured against the best-treated one and the disadvantaged group is never the yardstick;
   else (no direction known, or no group large enough) the largest group. The finding records
   which rule chose it (``reference_rule``: ``configured``, ``most_favoured``, ``largest``).
4. **Statistics.** Per group: the rate with its Wilson interval; the ratio to the reference group
   with a Katz log interval; the difference with Newcombe's hybrid score interval (see
   :mod:`auditor.stats.comparisons`).
5. **Verdict.** A ratio below ``disparity_ratio`` or above its inverse is a disparity, whichever
   way it goes; the one-sided p-values of "beyond the threshold" are Holm-corrected across the
   groups of the finding and :func:`~auditor.checks.base.verdicts` decides: ``fail`` only when
   the corrected evidence supports the disparity, ``warn`` when the estimate is beyond but the
   interval straddles the threshold, ``insufficient_evidence`` when the group or the reference
   group has fewer than ``min_group_size`` rows *in the rate's denominator* (the message gives
   the size needed), ``pass`` otherwise. **Undefined ratios**: when the reference group's rate
   is 0, a group with a positive rate is beyond any ratio threshold; the ratio is reported as
   ``null`` with ``undefined: reference_rate_zero`` and judged by the Newcombe difference (``fail``
   when its Holm-corrected evidence puts the difference above 0, else ``warn``); when both rates
   are 0 there is no disparity to see (``pass``, ``undefined: both_rates_zero``).

Direction. ``columns.favourable`` says which label value is good for the person; with
``columns.positive`` it decides, per rate, which side of a disparity is disadvantaged
(:func:`direction`):

============================  ===========================  ===========================
rate                          positive is unfavourable     positive is favourable
                              (e.g. selected for review)   (e.g. benefit granted)
============================  ===========================  ===========================
base_rate, selection_rate     higher is disadvantaged      lower is disadvantaged
true_positive_rate            higher is disadvantaged      lower is disadvantaged
false_positive_rate           higher is disadvantaged      lower is disadvantaged
false_negative_rate           lower is disadvantaged       higher is disadvantaged
precision                     lower is disadvantaged       higher is disadvantaged
============================  ===========================  ===========================

(A lower precision when selection is unfavourable means the group's selected members are more
often wrongly selected; a higher false negative rate when selection is favourable means more of
the group's qualified members are turned down.) Without ``columns.favourable`` the direction is
``both``: disparities are reported without saying who they disadvantage.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from auditor.checks.base import CheckContext, finding_id, group_dict, verdicts
from auditor.engines.profile import COUNT, LABEL, PREDICTION, SCORE_BIN, GroupTable, Profile, canonical_label
from auditor.evidence.model import Finding, Message, Metric, Status, worst
from auditor.stats.comparisons import RatioEstimate, newcombe_difference, rate_ratio, rate_undefined, ratio_beyond
from auditor.stats.intervals import wilson_interval

INTERSECTION = "|"
"""Joins the attributes of an intersection in finding ids (``sex|age_band``), as in reference files."""


@dataclass(frozen=True)
class Rate:
    """A rate compared between groups.

    Attributes
    ----------
    metric
        Metric name (``selection_rate``); comparisons are ``<metric>_ratio`` / ``_difference``.
    x, n
        Columns of :func:`confusion_table` for the numerator and the denominator.
    higher_harms
        Whether a higher rate disadvantages a group when the positive value is unfavourable.
    """

    metric: str
    x: str
    n: str
    higher_harms: bool


RATES: dict[str, Rate] = {
    r.metric: r
    for r in (
        Rate("base_rate", "label_pos", "n_label", True),
        Rate("selection_rate", "pred_pos", "n_pred", True),
        Rate("true_positive_rate", "tp", "label_pos_pred", True),
        Rate("false_positive_rate", "fp", "label_neg_pred", True),
        Rate("false_negative_rate", "fn", "label_pos_pred", False),
        Rate("precision", "tp", "pred_pos_label", False),
        Rate("accuracy", "correct", "n_both", True),
    )
}


def direction(ctx: CheckContext, higher_harms: bool = True) -> str:
    """``higher_is_disadvantaged``, ``lower_is_disadvantaged`` or ``both`` for a rate.

    Parameters
    ----------
    higher_harms
        Whether a higher value of the rate disadvantages a group when the positive value is the
        unfavourable outcome (see the table in the module docstring).
    """
    favourable = canonical_label(ctx.columns.favourable)
    if favourable is None:
        return "both"
    positive_is_favourable = favourable == canonical_label(ctx.columns.positive)
    return "higher_is_disadvantaged" if higher_harms != positive_is_favourable else "lower_is_disadvantaged"


def disadvantaged(way: str, side: float) -> str:
    """Who a difference disadvantages: ``group``, ``reference`` or ``unknown``.

    ``side`` is the group's ratio to the reference (or any number whose sign of ``side - 1``
    says whether the group's value is the higher one).
    """
    if way == "both" or np.isnan(side) or side == 1:
        return "unknown"
    group_higher = side > 1
    return "group" if group_higher == (way == "higher_is_disadvantaged") else "reference"


def subjects(ctx: CheckContext, groups: GroupTable) -> list[tuple[str, ...]]:
    """The attribute sets to report: each attribute, then the configured intersections.

    An intersection with more observed groups than ``checks.max_groups`` is left out (the
    ``quality.group_count`` finding names it), as are attributes with too many groups, which
    the pipeline keeps out of the profile's group table.
    """
    present = list(groups.attributes)
    out: list[tuple[str, ...]] = [(a,) for a in present]
    if ctx.intersections is None:
        pairs = list(itertools.combinations(present, 2))
    else:
        pairs = [tuple(i) for i in ctx.intersections if all(a in present for a in i)]
    return out + [p for p in pairs if n_groups(groups, p) <= ctx.max_groups]


def n_groups(groups: GroupTable, attributes: Sequence[str]) -> int:
    """Number of observed groups (value combinations, missing included) of ``attributes``."""
    return int(groups.cells[list(attributes)].drop_duplicates().shape[0])


def subject_name(attributes: Sequence[str]) -> str:
    """``sex`` or ``sex|age_band``: the subject part of a finding id."""
    return INTERSECTION.join(attributes)


_CACHE = "_auditor_check_tables"
"""Instance attribute of a :class:`GroupTable` under which the tables below are kept once computed:
several checks ask for the same subject's table (six rate checks, performance by group), and a
profile does not change once the checks run."""


def _cached(groups: GroupTable, key: tuple[Any, ...], build: Any) -> Any:
    cache = groups.__dict__.setdefault(_CACHE, {})
    if key not in cache:
        cache[key] = build()
    return cache[key]


def confusion_table(groups: GroupTable, attributes: list[str], positive: Any) -> pd.DataFrame:
    """Per group of ``attributes``: rows and the confusion counts, from the contingency table.

    Computed once per table, subject and positive label (a copy is returned each time).

    Returns
    -------
    pandas.DataFrame
        ``[*attributes, n, n_label, label_pos, n_pred, pred_pos, n_both, tp, fp, fn, tn,
        label_pos_pred, label_neg_pred, pred_pos_label, correct]``, largest group first:
        ``n`` all rows; ``n_label`` / ``n_pred`` rows with a label / prediction; ``n_both``
        rows with both, on which ``tp, fp, fn, tn`` are counted; ``label_pos_pred = tp + fn``,
        ``label_neg_pred = fp + tn``, ``pred_pos_label = tp + fp``, ``correct = tp + tn``.
        A missing label or prediction never counts as negative.
    """
    key = ("confusion", tuple(attributes), canonical_label(positive))
    return _cached(groups, key, lambda: _confusion_table(groups, attributes, positive)).copy()


def _confusion_table(groups: GroupTable, attributes: list[str], positive: Any) -> pd.DataFrame:
    cells = groups.cells
    pos = canonical_label(positive)
    label, pred = cells[LABEL], cells[PREDICTION]
    has_l, has_p = label.notna().to_numpy(), pred.notna().to_numpy()
    lp = (label == pos).to_numpy() & has_l
    pp = (pred == pos).to_numpy() & has_p
    ln, pn = has_l & ~lp, has_p & ~pp
    both = has_l & has_p
    count = cells[COUNT].to_numpy()
    frame = cells[attributes].copy()
    parts = {
        "n": np.ones_like(has_l), "n_label": has_l, "label_pos": lp, "n_pred": has_p, "pred_pos": pp, "n_both": both,
        "tp": both & lp & pp, "fp": both & ln & pp, "fn": both & lp & pn, "tn": both & ln & pn,
    }
    for name, mask in parts.items():
        frame[name] = np.where(mask, count, 0)
    table = frame.groupby(attributes, dropna=False, sort=False)[list(parts)].sum().reset_index()
    table["label_pos_pred"] = table["tp"] + table["fn"]
    table["label_neg_pred"] = table["fp"] + table["tn"]
    table["pred_pos_label"] = table["tp"] + table["fp"]
    table["correct"] = table["tp"] + table["tn"]
    return table.sort_values("n", ascending=False, kind="stable").reset_index(drop=True)


def _missing_as_none(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and value != value) else value


def group_key(values: Sequence[Any]) -> tuple[Any, ...]:
    """A group's values as a dictionary key: a missing value (``None`` or NaN) is ``None``."""
    return tuple(_missing_as_none(v) for v in values)


@dataclass(frozen=True)
class ScoreCounts:
    """Labelled rows per group of a subject and score sketch bucket (from ``GroupTable.scores``).

    Attributes
    ----------
    keys
        The groups (:func:`group_key` form), in order of first appearance in the score table.
    bins
        The sketch keys of the buckets, ascending (ascending score).
    positive, rows
        ``[group, bucket]`` counts of rows with the positive label and of rows with a label.
    """

    keys: list[tuple[Any, ...]]
    bins: np.ndarray
    positive: np.ndarray
    rows: np.ndarray


def score_counts(groups: GroupTable, attributes: Sequence[str], positive: Any) -> ScoreCounts | None:
    """The :class:`ScoreCounts` of a subject (``None`` without scores); computed once per table and subject.

    One pass of integer codes and ``bincount`` over the score table, instead of a ``groupby``
    per group: the table has a row per cell, label and bucket, often 10⁵ rows."""
    if groups.scores is None or groups.scores.empty:
        return None
    return _cached(groups, ("scores", tuple(attributes), canonical_label(positive)),
                   lambda: _score_counts(groups.scores, list(attributes), positive))


def _score_counts(scores: pd.DataFrame, attributes: list[str], positive: Any) -> ScoreCounts | None:
    scores = scores[scores[LABEL].notna()]
    if scores.empty:
        return None
    combined = np.zeros(len(scores), dtype=np.int64)
    for attribute in attributes:
        codes, uniques = pd.factorize(scores[attribute].to_numpy(dtype=object), use_na_sentinel=True)
        combined, _ = pd.factorize(combined * (len(uniques) + 1) + (codes + 1))  # stays small: no overflow
    gid, n_groups = combined, int(combined.max()) + 1  # codes in order of first appearance
    firsts = np.unique(gid, return_index=True)[1]
    values = scores[attributes].to_numpy(dtype=object)[firsts] if attributes else np.empty((len(firsts), 0), dtype=object)
    bins, bucket = np.unique(scores[SCORE_BIN].to_numpy(dtype=np.int64), return_inverse=True)
    count = scores[COUNT].to_numpy(dtype=float)
    is_pos = (scores[LABEL] == canonical_label(positive)).to_numpy()
    flat, size = gid * len(bins) + bucket, n_groups * len(bins)
    rows = np.bincount(flat, weights=count, minlength=size).reshape(n_groups, len(bins))
    pos = np.bincount(flat, weights=np.where(is_pos, count, 0.0), minlength=size).reshape(n_groups, len(bins))
    return ScoreCounts([group_key(v) for v in values], bins, pos, rows)


def reference_index(table: pd.DataFrame, attributes: Sequence[str], ctx: CheckContext) -> int | None:
    """Row of the reference group: the configured combination when present, else the largest."""
    if table.empty:
        return None
    chosen = [ctx.reference_groups.get(a) for a in attributes]
    if all(c is not None for c in chosen):
        hit = np.ones(len(table), dtype=bool)
        for a, c in zip(attributes, chosen, strict=True):
            hit &= table[a].to_numpy(dtype=object) == c
        if hit.any():
            return int(np.flatnonzero(hit)[0])
    return int(table["n"].to_numpy().argmax())


def favoured_reference(table: pd.DataFrame, attributes: Sequence[str], ctx: CheckContext, x: np.ndarray, n: np.ndarray,
                       way: str, min_n: float) -> tuple[int | None, str]:
    """The reference group of a rate comparison and the rule that chose it (module docstring, step 3)."""
    ref = reference_index(table, attributes, ctx)
    if ref is None:
        return None, "largest"
    if all(ctx.reference_groups.get(a) is not None for a in attributes):
        chosen = [ctx.reference_groups[a] for a in attributes]
        if [str(v) for v in table.loc[ref, list(attributes)]] == chosen:
            return ref, "configured"
    x, n = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    large = (n >= min_n) & (n > 0)
    if way == "both" or not large.any():
        return ref, "largest"
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(large, x / np.where(n > 0, n, 1), np.nan)
    pick = np.nanargmin(rate) if way == "higher_is_disadvantaged" else np.nanargmax(rate)
    return int(pick), "most_favoured"


@dataclass(frozen=True)
class Comparison:
    """One rate compared between the groups of one subject (arrays aligned with the groups)."""

    attributes: tuple[str, ...]
    keys: list[tuple[Any, ...]]
    ref: int
    x: np.ndarray
    n: np.ndarray
    rate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    ratio: RatioEstimate
    difference: tuple[np.ndarray, np.ndarray, np.ndarray]
    threshold: np.ndarray
    statuses: list[Status]
    p_adjusted: np.ndarray

    def group(self, i: int) -> dict[str, str | None]:
        """The group of row ``i`` as ``{attribute: value}``."""
        return group_dict(self.attributes, self.keys[i])

    @property
    def status(self) -> Status:
        """The finding's status: the worst over the compared groups."""
        judged = [s for i, s in enumerate(self.statuses) if i != self.ref]
        return worst(judged) if judged else Status.INSUFFICIENT_EVIDENCE


def compare(
    table: pd.DataFrame,
    attributes: Sequence[str],
    ref: int,
    x: np.ndarray,
    n: np.ndarray,
    limit: float,
    min_n: float,
) -> Comparison:
    """Compare the rate ``x / n`` of every group with the reference group ``ref``.

    Parameters
    ----------
    table
        The groups (attribute columns used for the keys).
    attributes
        The subject's attributes.
    ref
        Row of the reference group.
    x, n
        Numerator and denominator per group.
    limit
        ``disparity_ratio``.
    min_n
        ``min_group_size``: smaller denominators (of the group or the reference) give
        insufficient evidence.
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(n > 0, x / n, np.nan)
    low, high = wilson_interval(x, n)
    ratio = rate_ratio(x, n, x[ref], n[ref])
    beyond, p, threshold = ratio_beyond(ratio, limit)
    is_ref = np.arange(len(n)) == ref
    enough = (n >= min_n) & (n[ref] >= min_n)
    statuses, adjusted = verdicts(beyond & ~is_ref, np.where(is_ref, np.nan, p), enough | is_ref)
    keys = list(table[list(attributes)].itertuples(index=False, name=None))
    return Comparison(
        attributes=tuple(attributes), keys=keys, ref=ref, x=x, n=n, rate=rate, low=low, high=high, ratio=ratio,
        difference=newcombe_difference(x, n, x[ref], n[ref]), threshold=threshold, statuses=statuses,
        p_adjusted=adjusted,
    )


def comparison_metrics(c: Comparison, metric: str) -> list[Metric]:
    """``<metric>`` per group, and ``<metric>_ratio`` / ``_difference`` per non-reference group."""
    reference = c.group(c.ref)
    empty = rate_undefined(c.n)
    empty_pair = np.where(c.n[c.ref] > 0, empty, "reference_no_rows").astype(object)
    out = []
    for i in range(len(c.n)):
        group = c.group(i)
        out.append(Metric(metric, c.rate[i], group=group, ci=(c.low[i], c.high[i]), n=int(c.n[i]), undefined=empty[i]))
        if i == c.ref:
            continue
        out.append(Metric(
            f"{metric}_ratio", c.ratio.ratio[i], group=group, reference=reference,
            ci=(c.ratio.low[i], c.ratio.high[i]), n=int(c.n[i]), threshold=float(c.threshold[i]),
            p_adjusted=c.p_adjusted[i], status=c.statuses[i], undefined=c.ratio.undefined[i],
        ))
        diff, d_low, d_high = c.difference
        out.append(Metric(f"{metric}_difference", diff[i], group=group, reference=reference,
                          ci=(d_low[i], d_high[i]), n=int(c.n[i]), undefined=empty_pair[i]))
    return out


def flagged(c: Comparison, way: str, min_n: float) -> list[dict[str, Any]]:
    """The non-passing groups for the message: group, rate, ratio, status, who is disadvantaged.

    Groups with insufficient evidence carry ``n`` (the rows the rate rests on) and ``needed``
    (``min_group_size``); the message shows the size needed, the report's table shows ``n``
    (suppressed below the privacy floor).
    """
    out = []
    for i, status in enumerate(c.statuses):
        if i == c.ref or status == Status.PASS:
            continue
        ratio = float(c.ratio.ratio[i])
        entry: dict[str, Any] = {
            "group": c.group(i), "status": status.value, "rate": _plain(c.rate[i]),
            "ratio": _plain(ratio), "low": _plain(c.ratio.low[i]), "high": _plain(c.ratio.high[i]),
            "disadvantaged": disadvantaged(way, ratio), "undefined": c.ratio.undefined[i],
        }
        if status == Status.INSUFFICIENT_EVIDENCE:
            entry.update(n=int(c.n[i]), needed=int(min_n),
                         reference_too_small=bool(c.n[c.ref] < min_n))
        out.append(entry)
    return out


def _plain(value: float) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def rate_findings(check: str, ctx: CheckContext, rate: Rate, profiles: Sequence[Profile]) -> list[Finding]:
    """The findings of one rate check: one per dataset and subject.

    Datasets without the needed columns (a label for ``base_rate``; a prediction for
    ``selection_rate``; both for the error rates) are skipped; when none qualifies the check
    returns one ``not_assessed`` finding saying what was missing (a gap, not a pass).
    """
    limit = ctx.threshold("disparity_ratio")
    min_n = ctx.threshold("min_group_size")
    way = direction(ctx, rate.higher_harms)
    needs = {"n_label": ("target",), "n_pred": ("prediction",)}.get(rate.n, ("target", "prediction"))
    findings = []
    for profile in profiles:
        groups = profile.groups
        if groups is None or not groups.attributes or not all(r in profile.roles for r in needs):
            continue
        for attributes in subjects(ctx, groups):
            table = confusion_table(groups, list(attributes), ctx.columns.positive)
            ref, rule = favoured_reference(table, attributes, ctx, table[rate.x].to_numpy(), table[rate.n].to_numpy(), way, min_n)
            if ref is None:
                continue
            c = compare(table, attributes, ref, table[rate.x].to_numpy(), table[rate.n].to_numpy(), limit, min_n)
            status = c.status
            findings.append(Finding(
                id=finding_id(check, profile.dataset, subject_name(attributes)),
                check=check,
                status=status,
                dataset=profile.dataset,
                requirements=ctx.requirements,
                metrics=tuple(comparison_metrics(c, rate.metric)),
                thresholds=("disparity_ratio", "min_group_size"),
                message=Message(f"{check}.{status.value}", {
                    "dataset": profile.dataset,
                    "attributes": list(attributes),
                    "metric": rate.metric,
                    "reference": c.group(c.ref),
                    "reference_rule": rule,
                    "direction": way,
                    "threshold": limit,
                    "min_group_size": int(min_n),
                    "n_groups": len(c.n),
                    "flagged": flagged(c, way, min_n),
                }),
            ))
    if not findings:
        findings.append(Finding(
            id=finding_id(check), check=check, status=Status.NOT_ASSESSED, dataset=None,
            requirements=ctx.requirements,
            message=Message(f"{check}.not_applicable", {"needs": list(needs)}),
        ))
    return findings


__all__ = [
    "INTERSECTION", "RATES", "Comparison", "Rate", "compare", "comparison_metrics", "confusion_table", "direction",
    "disadvantaged", "favoured_reference", "flagged", "n_groups", "rate_findings", "reference_index", "subject_name", "subjects",
]
