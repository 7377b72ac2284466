"""Mitigation evidence (Art. 10(2)(g)): reweighing weights and what they do to the label disparity.

``bias.reweighing`` computes, on the training data (else the first labelled dataset), the
**reweighing** weights of Kamiran & Calders (2012, "Data preprocessing techniques for
classification without discrimination") for every protected group cell (all protected
attributes together) × label value:

``w(g, y) = P(g) · P(y) / P(g, y) = n_g · n_y / (N · n_gy)``

Weighted this way, the label is independent of the group cell, so every attribute and every
intersection has the same weighted base rate. The weights are written as an artefact
(``reweighing-<dataset>.csv``: the protected attributes, the label, the weight; saved beside
``evidence.json`` by :meth:`~auditor.evidence.AuditResult.save`, its SHA-256 in the evidence),
to be passed as ``sample_weight`` when retraining. Rows with a missing label get no weight;
a missing protected value is a group of its own.

The finding reports per protected attribute the base rate and its ratio to the reference group
before (Wilson and Katz intervals) and under the weights (``reweighed_base_rate``,
``reweighed_base_rate_ratio``; computed from the same counts, so no interval). A cell where
only one label occurs cannot be balanced by weights (its other label has no rows), so the
reweighed ratios are only exactly 1 when every cell has both labels. Status: ``pass`` when every
reweighed ratio lies within ``disparity_ratio`` (the mitigation removes the label disparity on
the training data), ``warn`` otherwise, ``not_applicable`` without labels. Reweighing changes
what a retrained model learns from the labels; it says nothing about the current model's
outputs, which must be audited again after retraining.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from auditor.checks.base import Check, CheckContext, finding_id
from auditor.checks.disparity import reference_index
from auditor.engines.profile import COUNT, LABEL, Profile, canonical_label
from auditor.evidence.model import Artefact, Finding, Message, Metric, Status
from auditor.stats.comparisons import rate_ratio
from auditor.stats.intervals import wilson_interval

REWEIGHING = "bias.reweighing"


def reweighing_weights(cells: pd.DataFrame, attributes: list[str]) -> pd.DataFrame:
    """Kamiran–Calders weights per group cell × label from a contingency table.

    Parameters
    ----------
    cells
        ``[*attributes, __label__, n]`` (extra key columns are summed over).
    attributes
        The protected attributes that make a group cell.

    Returns
    -------
    pandas.DataFrame
        ``[*attributes, __label__, n, weight]`` for the cells with rows and a label.
    """
    labelled = cells[cells[LABEL].notna()]
    table = labelled.groupby([*attributes, LABEL], dropna=False, sort=True)[COUNT].sum().reset_index()
    table = table[table[COUNT] > 0].reset_index(drop=True)
    total = float(table[COUNT].sum())
    n_group = table.groupby(attributes, dropna=False, sort=False)[COUNT].transform("sum").to_numpy(dtype=float)
    n_label = table.groupby(LABEL, dropna=False, sort=False)[COUNT].transform("sum").to_numpy(dtype=float)
    table["weight"] = n_group * n_label / (total * table[COUNT].to_numpy(dtype=float))
    return table


def reweighing(ctx: CheckContext) -> list[Finding]:
    """Reweighing weights on the training labels, and the base-rate ratios before and under them."""
    labelled = [p for p in ctx.datasets() if "target" in p.roles and p.groups is not None and p.groups.attributes]
    profile: Profile | None = next((p for p in labelled if p.dataset == "training"), labelled[0] if labelled else None)
    if profile is None:
        return [Finding(id=finding_id(REWEIGHING), check=REWEIGHING, status=Status.NOT_APPLICABLE, dataset=None,
                        requirements=ctx.requirements, message=Message(f"{REWEIGHING}.not_applicable", {}))]
    limit = ctx.threshold("disparity_ratio")
    groups = profile.groups
    assert groups is not None  # selected above
    attributes = list(groups.attributes)
    weights = reweighing_weights(groups.cells, attributes)
    positive = canonical_label(ctx.columns.positive)
    is_pos = (weights[LABEL] == positive).to_numpy()
    n = weights[COUNT].to_numpy(dtype=float)
    w = weights["weight"].to_numpy(dtype=float)
    metrics: list[Metric] = []
    summary = []
    beyond_after = False
    for attribute in attributes:
        frame = pd.DataFrame({attribute: weights[attribute], "n": n, "x": np.where(is_pos, n, 0.0),
                              "wn": w * n, "wx": np.where(is_pos, w * n, 0.0)})
        per = frame.groupby(attribute, dropna=False, sort=False)[["n", "x", "wn", "wx"]].sum().reset_index()
        per = per.sort_values("n", ascending=False, kind="stable").reset_index(drop=True)
        ref = reference_index(per, (attribute,), ctx)
        if ref is None:
            continue
        x, m = per["x"].to_numpy(), per["n"].to_numpy()
        before = x / m
        low, high = wilson_interval(x, m)
        ratio = rate_ratio(x, m, x[ref], m[ref])
        with np.errstate(divide="ignore", invalid="ignore"):  # a reference without positives: no ratio
            after = per["wx"].to_numpy() / per["wn"].to_numpy()
            after_ratio = after / after[ref]
        reference = {attribute: _text(per[attribute].iloc[ref])}
        for i in range(len(per)):
            group = {attribute: _text(per[attribute].iloc[i])}
            metrics.append(Metric("base_rate", before[i], group=group, ci=(low[i], high[i]), n=int(m[i])))
            metrics.append(Metric("reweighed_base_rate", after[i], group=group, n=int(m[i])))
            if i == ref:
                continue
            metrics.append(Metric("base_rate_ratio", ratio.ratio[i], group=group, reference=reference,
                                  ci=(ratio.low[i], ratio.high[i]), n=int(m[i]), threshold=limit if ratio.ratio[i] < 1 else 1 / limit,
                                  undefined=ratio.undefined[i]))
            metrics.append(Metric("reweighed_base_rate_ratio", after_ratio[i], group=group, reference=reference, n=int(m[i]),
                                  threshold=limit if after_ratio[i] < 1 else 1 / limit))
        finite = np.isfinite(ratio.ratio) | np.isinf(ratio.ratio)
        spread_before = _spread(ratio.ratio[finite])
        spread_after = _spread(after_ratio[np.isfinite(after_ratio)])
        beyond_after |= bool(np.any((after_ratio < limit) | (after_ratio > 1 / limit)))
        summary.append({"attribute": attribute, "reference": reference[attribute], "before": spread_before,
                        "after": spread_after})
    single_label_cells = int((weights.groupby(attributes, dropna=False)[LABEL].transform("nunique") < 2).sum())
    target = ctx.columns.target or "label"
    artefact = Artefact(
        name=f"reweighing-{profile.dataset}.csv",
        columns=(*attributes, target, "weight"),
        rows=tuple((*(_text(v) for v in row[:-1]), float(row[-1]))
                   for row in weights[[*attributes, LABEL, "weight"]].itertuples(index=False, name=None)),
    )
    status = Status.WARN if beyond_after else Status.PASS
    return [Finding(
        id=finding_id(REWEIGHING, profile.dataset), check=REWEIGHING, status=status, dataset=profile.dataset,
        requirements=ctx.requirements, metrics=tuple(metrics), thresholds=("disparity_ratio",),
        artefacts=(artefact,),
        message=Message(f"{REWEIGHING}.{status.value}", {
            "dataset": profile.dataset, "attributes": attributes, "summary": summary, "threshold": limit,
            "artefact": artefact.name, "n_cells": len(weights), "single_label_cells": single_label_cells,
            "weight_min": float(w.min()) if len(w) else None, "weight_max": float(w.max()) if len(w) else None,
        }),
    )]


def _spread(ratios: np.ndarray) -> dict[str, float | None]:
    """The most extreme ratios (lowest and highest) of a set of group ratios."""
    finite = ratios[np.isfinite(ratios)]
    if finite.size == 0:
        return {"lowest": None, "highest": None}
    return {"lowest": float(min(finite.min(), 1.0)), "highest": float(max(finite.max(), 1.0))}


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


CHECKS = (
    Check(REWEIGHING, "bias", reweighing, ("disparity_ratio",),
          ("base_rate", "base_rate_ratio", "reweighed_base_rate", "reweighed_base_rate_ratio")),
)
