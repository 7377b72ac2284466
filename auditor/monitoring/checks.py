"""The ``drift.*`` checks: a production batch against the frozen reference, and across runs.

Each check is an ordinary registered :class:`~auditor.checks.Check` (so ``auditor explain``,
the rulebook and the report treat it like any other); it reads a :class:`MonitorContext`, the
audit's check context plus the monitoring inputs, and returns nothing in an ordinary audit.
Verdicts follow the project's rule: a fail needs the interval to lie beyond the threshold after
correction for the comparisons made (Benjamini–Hochberg across the features of a run, Holm
across the groups of an attribute, as the audit's group checks do); an estimate beyond it with
an inconclusive interval warns; too few rows give insufficient evidence, never a pass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from auditor.checks.base import ALPHA, Check, CheckContext, finding_id, group_dict, verdicts
from auditor.evidence.model import Finding, Message, Metric, Status, worst
from auditor.monitoring import measures
from auditor.monitoring.cusum import allowance, cusum, log_ratio_se
from auditor.monitoring.reference import BatchTables, FrozenReference, GroupKey
from auditor.stats.comparisons import rate_ratio, ratio_beyond
from auditor.stats.intervals import wilson_interval
from auditor.stats.multiple import benjamini_hochberg

DATASET = "production"


@dataclass(frozen=True)
class MonitorInputs:
    """What the drift checks compare: the reference, the batch's tables, the earlier runs.

    Attributes
    ----------
    reference
        The frozen reference.
    batch
        The batch tabulated against it.
    batch_id
        The batch's identifier (seeds the bootstrap together with the two SHA-256s).
    batch_sha256
        Fingerprint of the batch file(s).
    batch_time
        When the batch was taken (for the schedule).
    previous
        The latest earlier batch against the same reference (by batch time; its latest attempt):
        ``{"batch_id", "batch_time", "findings"}``, or ``None`` for the first batch.
    expected_every_days
        The schedule; ``None`` = none declared.
    current
        The findings of this run's other checks, for the checks across runs.
    """

    reference: FrozenReference
    batch: BatchTables
    batch_id: str
    batch_sha256: str
    batch_time: datetime
    previous: Mapping[str, Any] | None = None
    expected_every_days: float | None = None
    current: Sequence[Finding] = ()


@dataclass(frozen=True)
class MonitorContext(CheckContext):
    """The check context of a monitoring run."""

    monitoring: MonitorInputs | None = field(default=None)


def _inputs(ctx: CheckContext) -> MonitorInputs | None:
    return ctx.monitoring if isinstance(ctx, MonitorContext) else None


def _f(value: Any) -> float | None:
    """A finite float or ``None`` (no NaN or inf reaches the evidence)."""
    if value is None:
        return None
    v = float(value)
    return v if np.isfinite(v) else None


def _seed(inputs: MonitorInputs, *parts: str) -> int:
    text = "|".join((inputs.reference.sha256, inputs.batch_sha256, inputs.batch_id, *parts))
    return int(hashlib.sha256(text.encode()).hexdigest()[:16], 16)


def _not_applicable(check: str, ctx: CheckContext, key: str, subject: str | None = None, **params: Any) -> Finding:
    return Finding(id=finding_id(check, DATASET, subject), check=check, status=Status.NOT_APPLICABLE, dataset=DATASET,
                   requirements=ctx.requirements, message=Message(f"{check}.{key}", params))


def _bh_status(value: np.ndarray, p: np.ndarray, adjusted: np.ndarray, threshold: float) -> list[Status]:
    out = []
    for v, q in zip(value, adjusted):
        if not np.isfinite(v) or v <= threshold:
            out.append(Status.PASS)
        elif np.isfinite(q) and q < ALPHA:
            out.append(Status.FAIL)
        else:
            out.append(Status.WARN)
    return out


# --- drift.feature_distribution -------------------------------------------------------------

def feature_distribution(ctx: CheckContext) -> list[Finding]:
    """PSI (judged), mean shift (judged, numeric), JS, KS and Wasserstein (supporting) per feature."""
    inputs = _inputs(ctx)
    if inputs is None:
        return []
    check = "drift.feature_distribution"
    entries = list(inputs.reference.document["features"])
    if not entries:
        return [_not_applicable(check, ctx, "no_features")]
    psi_warn, psi_fail = ctx.threshold("psi_warn"), ctx.threshold("psi_fail")
    max_shift = ctx.threshold("max_mean_shift_sd")
    min_psi, min_shift = ctx.threshold("min_batch_rows_psi"), ctx.threshold("min_batch_rows_shift")
    tables = [inputs.batch.features[e["name"]] for e in entries]
    width = max(len(e["counts"]) for e in entries)
    ref_counts = np.zeros((len(entries), width), dtype=np.int64)
    batch_counts = np.zeros((len(entries), width), dtype=np.int64)
    for i, (e, t) in enumerate(zip(entries, tables)):
        ref_counts[i, : len(e["counts"])] = e["counts"]
        batch_counts[i, : t.counts.size] = t.counts
    n_batch = np.array([t.n_values for t in tables])
    enough_psi = n_batch >= min_psi
    estimate = measures.psi_interval(ref_counts, batch_counts, seed=_seed(inputs, "features"))
    js = measures.js_distance(ref_counts, batch_counts)
    _, p_warn = measures.beyond_p(estimate, psi_warn)
    _, p_fail = measures.beyond_p(estimate, psi_fail)
    p_warn_adj = benjamini_hochberg(np.where(enough_psi, p_warn, np.nan))
    p_fail_adj = benjamini_hochberg(np.where(enough_psi, p_fail, np.nan))

    numeric = np.array([e["kind"] == "numeric" for e in entries])
    shift = measures.mean_shift(
        [e.get("mean") or np.nan for e in entries], [e.get("sd") or np.nan for e in entries],
        [e["n_values"] for e in entries], [t.mean if t.mean is not None else np.nan for t in tables],
        [t.sd if t.sd is not None else np.nan for t in tables], n_batch,
    )
    enough_shift = numeric & (n_batch >= min_shift) & np.isfinite(shift.value)
    abs_shift = measures.Estimate(np.abs(shift.value), shift.low, shift.high, shift.se)
    beyond_shift, p_shift = measures.beyond_p(abs_shift, max_shift)
    p_shift_adj = benjamini_hochberg(np.where(enough_shift, p_shift, np.nan))

    findings = []
    for i, (e, t) in enumerate(zip(entries, tables)):
        metrics: list[Metric] = []
        statuses: list[Status] = []
        n = int(n_batch[i])
        if enough_psi[i]:
            v = estimate.value[i]
            if v > psi_fail and p_fail_adj[i] < ALPHA:
                psi_status, used, p_raw, p_adj = Status.FAIL, psi_fail, p_fail[i], p_fail_adj[i]
            elif v > psi_warn:
                psi_status, used, p_raw, p_adj = Status.WARN, psi_fail if v > psi_fail else psi_warn, p_warn[i], p_warn_adj[i]
            else:
                psi_status, used, p_raw, p_adj = Status.PASS, psi_warn, p_warn[i], p_warn_adj[i]
            statuses.append(psi_status)
        else:
            psi_status, used, p_raw, p_adj = Status.INSUFFICIENT_EVIDENCE, psi_warn, np.nan, np.nan
        metrics.append(Metric("psi", _f(estimate.value[i]), column=e["name"], ci=(estimate.low[i], estimate.high[i]), n=n,
                              threshold=used, p_value=_f(p_raw), p_adjusted=_f(p_adj), status=psi_status))
        metrics.append(Metric("jensen_shannon_distance", _f(js[i]), column=e["name"], n=n))
        shift_status = None
        ks = wd = None
        if e["kind"] == "numeric":
            if enough_shift[i]:
                shift_status = Status.FAIL if beyond_shift[i] and p_shift_adj[i] < ALPHA else Status.WARN if beyond_shift[i] else Status.PASS
                statuses.append(shift_status)
            elif np.isfinite(shift.value[i]) or n < min_shift:
                shift_status = Status.INSUFFICIENT_EVIDENCE if n < min_shift else None
            metrics.append(Metric("mean_shift_sd", _f(shift.value[i]), column=e["name"], ci=(shift.low[i], shift.high[i]), n=n,
                                  threshold=max_shift, p_value=_f(p_shift[i]), p_adjusted=_f(p_shift_adj[i]),
                                  status=shift_status))
            sketch = np.asarray(e.get("quantiles") or [], dtype=float)
            if t.sorted_values is not None and sketch.size:
                ks = measures.ks_statistic(sketch, t.sorted_values)
                metrics.append(Metric("ks_statistic", _f(ks), column=e["name"], n=n,
                                      p_value=_f(measures.ks_p_value(ks, e["n_values"], n))))
                wd = measures.wasserstein(sketch, t.sorted_values)
                sd = e.get("sd")
                metrics.append(Metric("wasserstein_distance_sd", _f(wd / sd) if sd else None, column=e["name"], n=n))
        status = worst(statuses) if statuses else Status.INSUFFICIENT_EVIDENCE
        if status == Status.PASS and Status.INSUFFICIENT_EVIDENCE in (psi_status, shift_status):
            status = Status.INSUFFICIENT_EVIDENCE
        ref_n = sum(e["counts"])
        bins = _bin_changes(e, np.asarray(e["counts"]) / max(ref_n, 1), t.counts / max(int(t.counts.sum()), 1))
        findings.append(Finding(
            id=finding_id(check, DATASET, e["name"]), check=check, status=status, dataset=DATASET,
            requirements=ctx.requirements, metrics=tuple(metrics),
            thresholds=("psi_warn", "psi_fail", "max_mean_shift_sd", "min_batch_rows_psi", "min_batch_rows_shift"),
            message=Message(f"{check}.{status.value}", {
                "feature": e["name"], "kind": e["kind"], "psi": _f(estimate.value[i]), "low": _f(estimate.low[i]),
                "high": _f(estimate.high[i]), "psi_warn": psi_warn, "psi_fail": psi_fail,
                "mean_shift": _f(shift.value[i]) if e["kind"] == "numeric" else None,
                "shift_low": _f(shift.low[i]), "shift_high": _f(shift.high[i]), "max_shift": max_shift,
                "js": _f(js[i]), "ks": _f(ks), "n": n, "min_rows": int(min_psi), "changes": bins,
            }),
        ))
    return findings


def _bin_changes(entry: Mapping[str, Any], ref_share: np.ndarray, batch_share: np.ndarray, limit: int = 3) -> list[dict[str, Any]]:
    """The bins whose share changed most (reference → batch), described for the message template.

    A bin is ``{"kind": "below", "high": e1}``, ``{"kind": "range", "low": a, "high": b}``,
    ``{"kind": "above", "low": ek}``, ``{"kind": "category", "category": c}``, ``{"kind": "unseen"}``
    or ``{"kind": "missing"}``; the template words and formats it.
    """
    if entry["kind"] == "numeric":
        edges = entry["edges"]
        bins: list[dict[str, Any]] = ([{"kind": "below", "high": edges[0]}] if edges else [{"kind": "all"}])
        bins += [{"kind": "range", "low": a, "high": b} for a, b in zip(edges, edges[1:])]
        bins += [{"kind": "above", "low": edges[-1]}] if edges else []
        bins.append({"kind": "missing"})
    else:
        bins = [{"kind": "category", "category": c} for c in entry["categories"]] + [{"kind": "unseen"}, {"kind": "missing"}]
    k = min(len(bins), ref_share.size, batch_share.size)
    change = np.abs(batch_share[:k] - ref_share[:k])
    order = np.argsort(-change, kind="stable")[:limit]
    return [{**bins[j], "reference_share": float(ref_share[j]), "share": float(batch_share[j])} for j in order if change[j] > 0]


# --- group checks ------------------------------------------------------------------------------

def _cells(inputs: MonitorInputs, attributes: tuple[str, ...], *, outcomes: bool) -> tuple[list[GroupKey], dict, Any]:
    ref = inputs.reference.outcomes(attributes) if outcomes else inputs.reference.composition(attributes)
    table = inputs.batch.groups[attributes]
    index = table.index()
    keys = list(ref) + [k for k in table.labels if k not in ref]
    return keys, ref, (table, index)


def _ratio_finding(ctx: CheckContext, check: str, attributes: tuple[str, ...], keys: list[GroupKey], *,
                   x_b: np.ndarray, n_b: np.ndarray, x_r: np.ndarray, n_r: np.ndarray, enough: np.ndarray,
                   rate: str, limit: float, threshold: str, extra: Mapping[str, Any] | None = None) -> tuple[Finding, list[Metric]]:
    """Batch vs reference rate per group, judged on the ratio (Katz interval, Holm, shared rule)."""
    est = rate_ratio(x_b, n_b, x_r, n_r)
    beyond, p, _ = ratio_beyond(est, limit)
    statuses, adjusted = verdicts(beyond, p, enough)
    low, high = wilson_interval(x_b, n_b)
    metrics: list[Metric] = []
    changes = []
    with np.errstate(divide="ignore", invalid="ignore"):
        ref_rate = x_r / n_r
        batch_rate = x_b / n_b
    for i, key in enumerate(keys):
        group = group_dict(attributes, key)
        metrics.append(Metric(rate, _f(batch_rate[i]), group=group, ci=(low[i], high[i]), n=int(n_b[i])))
        metrics.append(Metric(f"{rate}_ratio", _f(est.ratio[i]), group=group, ci=(est.low[i], est.high[i]), n=int(n_b[i]),
                              threshold=limit if not np.isfinite(est.ratio[i]) or est.ratio[i] <= 1 else 1 / limit,
                              p_value=_f(p[i]), p_adjusted=_f(adjusted[i]), status=statuses[i]))
        if statuses[i] in (Status.FAIL, Status.WARN):
            changes.append({"group": group, "status": statuses[i].value, "reference": _f(ref_rate[i]), "value": _f(batch_rate[i]),
                            "ratio": _f(est.ratio[i]), "low": _f(est.low[i]), "high": _f(est.high[i]), "n": int(n_b[i])})
    status = worst(statuses) if statuses else Status.NOT_APPLICABLE
    if status == Status.PASS and Status.INSUFFICIENT_EVIDENCE in statuses:
        status = Status.PASS  # the groups that could be judged passed; the small ones are listed in the metrics
    small = [group_dict(attributes, k) for k, s in zip(keys, statuses) if s == Status.INSUFFICIENT_EVIDENCE]
    if statuses and all(s == Status.INSUFFICIENT_EVIDENCE for s in statuses):
        status = Status.INSUFFICIENT_EVIDENCE
    subject = "|".join(attributes)
    finding = Finding(
        id=finding_id(check, DATASET, subject), check=check, status=status, dataset=DATASET, requirements=ctx.requirements,
        metrics=tuple(metrics), thresholds=(threshold, "min_group_size"),
        message=Message(f"{check}.{status.value}", {"attributes": list(attributes), "threshold": limit, "changes": changes,
                                                    "n_small": len(small), "min_group_size": int(ctx.threshold("min_group_size")),
                                                    **(extra or {})}),
    )
    return finding, metrics


def group_composition(ctx: CheckContext) -> list[Finding]:
    """Each group's share of the batch against its share of the reference."""
    inputs = _inputs(ctx)
    if inputs is None:
        return []
    check = "drift.group_composition"
    sets = inputs.reference.attribute_sets()
    if not sets:
        return [_not_applicable(check, ctx, "no_groups")]
    min_size = ctx.threshold("min_group_size")
    findings = []
    ref_total = inputs.reference.document["sources"]["features"]["rows"]
    for attributes in sets:
        keys, ref, (table, index) = _cells(inputs, attributes, outcomes=False)
        x_b = np.array([table.n[index[k]] if k in index else 0 for k in keys], dtype=float)
        x_r = np.array([ref[k]["n"] if k in ref else 0 for k in keys], dtype=float)
        n_b = np.full(len(keys), float(inputs.batch.n_rows))
        n_r = np.full(len(keys), float(ref_total))
        expected = x_r / max(ref_total, 1) * inputs.batch.n_rows
        enough = (np.maximum(x_b, expected) >= min_size) & (x_r >= min_size)
        finding, _ = _ratio_finding(ctx, check, attributes, keys, x_b=x_b, n_b=n_b, x_r=x_r, n_r=n_r, enough=enough,
                                    rate="share", limit=ctx.threshold("min_share_ratio"), threshold="min_share_ratio")
        findings.append(finding)
    return findings


def selection_rate(ctx: CheckContext) -> list[Finding]:
    """Each group's selection rate in the batch against the same group's in the reference."""
    inputs = _inputs(ctx)
    if inputs is None:
        return []
    check = "drift.selection_rate"
    if not inputs.batch.has_prediction or not inputs.reference.document["groups"]["outcomes"]:
        return [_not_applicable(check, ctx, "no_decisions")]
    min_size = ctx.threshold("min_group_size")
    findings = []
    for attributes in inputs.reference.attribute_sets():
        keys, ref, (table, index) = _cells(inputs, attributes, outcomes=True)
        if table.n_selected is None:
            continue
        x_b = np.array([table.n_selected[index[k]] if k in index else 0 for k in keys], dtype=float)
        n_b = np.array([table.n_decided[index[k]] if k in index else 0 for k in keys], dtype=float)
        x_r = np.array([ref[k].get("n_selected", 0) if k in ref else 0 for k in keys], dtype=float)
        n_r = np.array([ref[k].get("n_decided", 0) if k in ref else 0 for k in keys], dtype=float)
        enough = (n_b >= min_size) & (n_r >= min_size)
        finding, _ = _ratio_finding(ctx, check, attributes, keys, x_b=x_b, n_b=n_b, x_r=x_r, n_r=n_r, enough=enough,
                                    rate="selection_rate", limit=ctx.threshold("min_rate_ratio"), threshold="min_rate_ratio")
        findings.append(finding)
    return findings


def error_rates(ctx: CheckContext) -> list[Finding]:
    """True and false positive rates per group, once the batch's labels are known (``--labels``)."""
    inputs = _inputs(ctx)
    if inputs is None:
        return []
    check = "drift.error_rates"
    if not inputs.batch.has_labels:
        return [_not_applicable(check, ctx, "no_labels")]
    min_size = ctx.threshold("min_group_size")
    limit = ctx.threshold("min_rate_ratio")
    findings = []
    for attributes in inputs.reference.attribute_sets():
        keys, ref, (table, index) = _cells(inputs, attributes, outcomes=True)
        if table.confusion is None:
            continue
        zero = np.zeros(4)
        cb = np.array([table.confusion[index[k]] if k in index else zero for k in keys], dtype=float).reshape(len(keys), 4)
        cr = np.array([ref[k].get("confusion", zero) if k in ref else zero for k in keys], dtype=float).reshape(len(keys), 4)
        if not cr.any():
            continue
        parts = []
        all_metrics: list[Metric] = []
        statuses = []
        # tn, fp, fn, tp: TPR = tp / (tp + fn), FPR = fp / (fp + tn)
        for rate, x_idx, n_idx in (("true_positive_rate", 3, (2, 3)), ("false_positive_rate", 1, (0, 1))):
            x_b, n_b = cb[:, x_idx], cb[:, list(n_idx)].sum(axis=1)
            x_r, n_r = cr[:, x_idx], cr[:, list(n_idx)].sum(axis=1)
            enough = (n_b >= min_size) & (n_r >= min_size)
            f, metrics = _ratio_finding(ctx, check, attributes, keys, x_b=x_b, n_b=n_b, x_r=x_r, n_r=n_r, enough=enough,
                                        rate=rate, limit=limit, threshold="min_rate_ratio")
            parts.append({"rate": rate, "changes": f.message.params["changes"]})
            all_metrics.extend(metrics)
            statuses.append(f.status)
        status = worst(statuses)
        findings.append(Finding(
            id=finding_id(check, DATASET, "|".join(attributes)), check=check, status=status, dataset=DATASET,
            requirements=ctx.requirements, metrics=tuple(all_metrics), thresholds=("min_rate_ratio", "min_group_size"),
            message=Message(f"{check}.{status.value}", {"attributes": list(attributes), "threshold": limit, "rates": parts,
                                                        "min_group_size": int(min_size)}),
        ))
    return findings or [_not_applicable(check, ctx, "no_labels")]


def score_distribution(ctx: CheckContext) -> list[Finding]:
    """PSI of the score's distribution per group (and overall) against the reference's."""
    inputs = _inputs(ctx)
    if inputs is None:
        return []
    check = "drift.score_distribution"
    if not inputs.batch.has_score:
        return [_not_applicable(check, ctx, "no_score")]
    psi_warn, psi_fail = ctx.threshold("psi_warn"), ctx.threshold("psi_fail")
    min_rows = ctx.threshold("min_batch_rows_psi")
    findings = []
    for attributes in inputs.reference.attribute_sets():
        keys, ref, (table, index) = _cells(inputs, attributes, outcomes=True)
        if table.score_counts is None:
            continue
        width = table.score_counts.shape[1]
        sb = np.array([table.score_counts[index[k]] if k in index else np.zeros(width) for k in keys], dtype=np.int64)
        sr = np.array([ref[k].get("score_counts", [0] * width) if k in ref else [0] * width for k in keys], dtype=np.int64)
        n_b, n_r = sb.sum(axis=1), sr.sum(axis=1)
        enough = (n_b >= min_rows) & (n_r >= min_rows)
        est = measures.psi_interval(sr, sb, seed=_seed(inputs, "score", *attributes))
        _, p_fail = measures.beyond_p(est, psi_fail)
        adjusted = benjamini_hochberg(np.where(enough, p_fail, np.nan))
        statuses = []
        metrics = []
        changes = []
        for i, key in enumerate(keys):
            group = group_dict(attributes, key)
            v = est.value[i]
            if not enough[i]:
                s = Status.INSUFFICIENT_EVIDENCE
            elif v > psi_fail and adjusted[i] < ALPHA:
                s = Status.FAIL
            elif v > psi_warn:
                s = Status.WARN
            else:
                s = Status.PASS
            statuses.append(s)
            metrics.append(Metric("psi", _f(v), group=group, ci=(est.low[i], est.high[i]), n=int(n_b[i]),
                                  threshold=psi_fail if s == Status.FAIL else psi_warn, p_value=_f(p_fail[i]),
                                  p_adjusted=_f(adjusted[i]), status=s))
            if s in (Status.FAIL, Status.WARN):
                changes.append({"group": group, "status": s.value, "psi": _f(v), "low": _f(est.low[i]), "high": _f(est.high[i]),
                                "n": int(n_b[i])})
        judged = [s for s in statuses if s != Status.INSUFFICIENT_EVIDENCE]
        status = worst(judged) if judged else Status.INSUFFICIENT_EVIDENCE
        findings.append(Finding(
            id=finding_id(check, DATASET, "|".join(attributes)), check=check, status=status, dataset=DATASET,
            requirements=ctx.requirements, metrics=tuple(metrics), thresholds=("psi_warn", "psi_fail", "min_batch_rows_psi"),
            message=Message(f"{check}.{status.value}", {"attributes": list(attributes), "psi_warn": psi_warn, "psi_fail": psi_fail,
                                                        "changes": changes, "min_rows": int(min_rows)}),
        ))
    return findings


# --- across runs ----------------------------------------------------------------------------------

_CUSUM_SERIES = (("drift.group_composition", "share_ratio"), ("drift.selection_rate", "selection_rate_ratio"))


def previous_state(findings: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str, str], tuple[float, float, int]]:
    """The CUSUM sums a run ended with, by (series, subject, group), from its ``drift.cumulative`` findings."""
    out: dict[tuple[str, str, str], tuple[float, float, int]] = {}
    for finding in findings:
        if finding.get("check") != "drift.cumulative":
            continue
        params = finding["message"]["params"]
        for item in params.get("state", []):
            key = (params["series"], "|".join(params["attributes"]), _group_key(item["group"]))
            out[key] = (float(item["upper"]), float(item["lower"]), int(item["runs"]))
    return out


def _group_key(group: Mapping[str, Any] | None) -> str:
    return "|".join(f"{k}={v}" for k, v in (group or {}).items())


def cumulative(ctx: CheckContext) -> list[Finding]:
    """CUSUM of each group's share and selection-rate ratio, continued from the previous batch's sums."""
    inputs = _inputs(ctx)
    if inputs is None:
        return []
    check = "drift.cumulative"
    k, h, min_effect = ctx.threshold("cusum_k"), ctx.threshold("cusum_h"), ctx.threshold("cusum_min_log_ratio")
    before = previous_state(inputs.previous["findings"]) if inputs.previous else {}
    current = [f.to_dict() for f in inputs.current]
    findings = []
    for source, metric_name in _CUSUM_SERIES:
        for finding in current:
            if finding["check"] != source:
                continue
            subject = finding["id"].split("/", 2)[-1]
            metrics: list[Metric] = []
            state = []
            alarms = []
            for metric in finding["metrics"]:
                if metric["name"] != metric_name:
                    continue
                group = metric.get("group") or {}
                upper, lower, runs = before.get((metric_name, subject, _group_key(group)), (0.0, 0.0, 0))
                judged = metric.get("status") not in (None, "insufficient_evidence")
                observed = log_ratio_se(metric.get("value"), metric.get("ci")) if judged else None
                if observed is not None:
                    log_ratio, se = observed
                    step = cusum([log_ratio / se], k=[allowance(se, k=k, min_log_ratio=min_effect)], h=h, start=(upper, lower))
                    upper, lower, runs = step.upper, step.lower, runs + 1
                statistic = max(upper, lower)
                status = Status.FAIL if statistic > h else Status.PASS if runs >= 2 else Status.INSUFFICIENT_EVIDENCE
                metrics.append(Metric("cusum", statistic, group=group, column=metric_name, n=runs, threshold=h, status=status))
                state.append({"group": dict(group), "upper": upper, "lower": lower, "runs": runs})
                if status == Status.FAIL:
                    alarms.append({"group": dict(group), "cusum": statistic, "direction": "up" if upper >= lower else "down",
                                   "runs": runs})
            if not metrics:
                continue
            judged = [m.status for m in metrics if m.status != Status.INSUFFICIENT_EVIDENCE]
            status = worst(judged) if judged else Status.INSUFFICIENT_EVIDENCE
            runs = max(m.n or 0 for m in metrics)
            findings.append(Finding(
                id=finding_id(check, DATASET, metric_name, subject), check=check, status=status, dataset=DATASET,
                requirements=ctx.requirements, metrics=tuple(metrics), thresholds=("cusum_k", "cusum_h", "cusum_min_log_ratio"),
                message=Message(f"{check}.{status.value}", {"attributes": subject.split("|"), "series": metric_name, "k": k, "h": h,
                                                            "alarms": alarms, "runs": runs, "state": state}),
            ))
    return findings or [_not_applicable(check, ctx, "no_series")]


def missing_batch(ctx: CheckContext) -> list[Finding]:
    """The time since the previous batch against the declared schedule."""
    inputs = _inputs(ctx)
    if inputs is None:
        return []
    check = "drift.missing_batch"
    if inputs.expected_every_days is None:
        return [_not_applicable(check, ctx, "no_schedule")]
    if inputs.previous is None:
        return [_not_applicable(check, ctx, "first_batch")]
    previous = inputs.previous["batch_time"]
    gap = (inputs.batch_time - previous).total_seconds() / 86400.0
    limit = inputs.expected_every_days * ctx.threshold("max_batch_gap_factor")
    status = Status.FAIL if gap > limit else Status.PASS
    return [Finding(
        id=finding_id(check, DATASET), check=check, status=status, dataset=DATASET, requirements=ctx.requirements,
        metrics=(Metric("batch_gap_days", gap, threshold=limit, status=status),), thresholds=("max_batch_gap_factor",),
        message=Message(f"{check}.{status.value}", {"gap_days": gap, "limit_days": limit, "every_days": inputs.expected_every_days,
                                                    "previous": previous.isoformat(), "missed": max(int(gap // inputs.expected_every_days) - 1, 0)}),
    )]


CHECKS = (
    Check("drift.feature_distribution", "drift", feature_distribution,
          ("psi_warn", "psi_fail", "max_mean_shift_sd", "min_batch_rows_psi", "min_batch_rows_shift"),
          ("psi", "mean_shift_sd", "jensen_shannon_distance", "ks_statistic", "wasserstein_distance_sd")),
    Check("drift.group_composition", "drift", group_composition, ("min_share_ratio", "min_group_size"), ("share", "share_ratio")),
    Check("drift.selection_rate", "drift", selection_rate, ("min_rate_ratio", "min_group_size"),
          ("selection_rate", "selection_rate_ratio")),
    Check("drift.score_distribution", "drift", score_distribution, ("psi_warn", "psi_fail", "min_batch_rows_psi"), ("psi",)),
    Check("drift.error_rates", "drift", error_rates, ("min_rate_ratio", "min_group_size"),
          ("true_positive_rate", "true_positive_rate_ratio", "false_positive_rate", "false_positive_rate_ratio")),
    Check("drift.cumulative", "drift", cumulative, ("cusum_k", "cusum_h", "cusum_min_log_ratio"), ("cusum",)),
    Check("drift.missing_batch", "drift", missing_batch, ("max_batch_gap_factor",), ("batch_gap_days",)),
)
"""The drift checks, in the order a run reports them."""

__all__ = ["CHECKS", "MonitorContext", "MonitorInputs"]
