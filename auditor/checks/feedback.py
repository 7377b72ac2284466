"""Feedback loops: labels that exist only for cases an earlier process selected (Art. 10(2)(f)).

Art. 10(2)(f) asks providers to examine biases "especially where data outputs influence inputs
for future operations". In risk-based selection this happens when the labels (irregularity
found, fraud proven) exist only for the cases someone chose to investigate — often because an
earlier model or rule flagged them. A model trained on those labels learns who was *selected*,
not who is at risk; groups investigated more often collect more positive labels, and the next
model selects them more often again (survivorship and selection bias; Algoritmekader owk-08).
The remedy is a random sample next to the risk-based selection (Algoritmekader imp-02): it gives
labels, base rates and error rates that do not depend on the earlier selection.

``bias.feedback_loop`` reports:

* the declaration ``columns.label_source`` (one finding, no dataset): ``selected_cases`` warns
  and explains the loop and the remedy; ``mixed`` (selected cases plus a random sample) and
  ``random_sample`` / ``all_cases`` pass; not declared is ``not_assessed`` with a message
  asking for the declaration;
* when the spec names a ``columns.selection`` column (1/True = the earlier process selected the
  case), per dataset and protected attribute: how often each group was selected, with the same
  statistics and verdict rule as ``bias.selection_rate`` (ratio to the reference group vs
  ``disparity_ratio``, Holm, insufficient evidence below ``min_group_size``), from the profile's
  per-group counts of that column. Being selected for investigation is taken as unfavourable.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from auditor.checks.base import Check, CheckContext, finding_id
from auditor.checks.disparity import compare, comparison_metrics, flagged, reference_index
from auditor.engines.associations import VALUE
from auditor.engines.profile import COUNT, sketch_keys
from auditor.evidence.model import Finding, Message, Status

FEEDBACK_LOOP = "bias.feedback_loop"

SELECTED_VALUES = ("1", "True", "true", "yes", "ja")
"""Canonical values of the selection column that mean "selected"."""

_DECLARED = {
    "selected_cases": (Status.WARN, "declared_selected"),
    "mixed": (Status.PASS, "declared_mixed"),
    "random_sample": (Status.PASS, "declared_random"),
    "all_cases": (Status.PASS, "declared_all"),
}


def feedback_loop(ctx: CheckContext) -> list[Finding]:
    """The label-source declaration, and selection by the earlier process per group."""
    source = ctx.columns.label_source
    selection = ctx.columns.selection
    status, key = _DECLARED.get(source or "", (Status.NOT_ASSESSED, "undeclared"))
    findings = [Finding(
        id=finding_id(FEEDBACK_LOOP, "labels"), check=FEEDBACK_LOOP, status=status, dataset=None,
        requirements=ctx.requirements,
        message=Message(f"{FEEDBACK_LOOP}.{key}", {"label_source": source, "selection": selection,
                                                     "target": ctx.columns.target}),
    )]
    if selection is None:
        return findings
    limit = ctx.threshold("disparity_ratio")
    min_n = ctx.threshold("min_group_size")
    way = "higher_is_disadvantaged"
    for profile in ctx.datasets():
        if profile.features is None or profile.roles.get("selection") != selection:
            continue
        for attribute in profile.features.attributes:
            table = profile.features.table(selection, attribute)
            if table is None:
                continue
            table = table[table[VALUE].notna()]
            if profile.features.kinds.get(selection) == "numeric":  # values are sketch buckets: 1 is its own
                hit = (table[VALUE].astype(np.int64) == int(sketch_keys(np.array([1.0]))[0])).to_numpy()
            else:
                hit = table[VALUE].astype(str).isin(SELECTED_VALUES).to_numpy()
            per_group = table[[attribute]].copy()
            per_group["n"] = table[COUNT].to_numpy()
            per_group["x"] = np.where(hit, table[COUNT].to_numpy(), 0)
            per_group = per_group.groupby(attribute, dropna=False, sort=False)[["n", "x"]].sum().reset_index()
            per_group = per_group.sort_values("n", ascending=False, kind="stable").reset_index(drop=True)
            ref = reference_index(per_group, (attribute,), ctx)
            if ref is None:
                continue
            c = compare(per_group, (attribute,), ref, per_group["x"].to_numpy(), per_group["n"].to_numpy(), limit, min_n)
            metrics = tuple(replace(m, column=selection) for m in comparison_metrics(c, "selection_rate"))
            status = c.status
            findings.append(Finding(
                id=finding_id(FEEDBACK_LOOP, profile.dataset, attribute), check=FEEDBACK_LOOP, status=status,
                dataset=profile.dataset, requirements=ctx.requirements, metrics=metrics,
                thresholds=("disparity_ratio", "min_group_size"),
                message=Message(f"{FEEDBACK_LOOP}.{status.value}", _params(c, way, min_n, profile.dataset, attribute,
                                                                             selection, limit, source)),
            ))
    return findings


def _params(c: Any, way: str, min_n: float, dataset: str, attribute: str, selection: str, limit: float,
            source: str | None) -> dict[str, Any]:
    return {
        "dataset": dataset, "attribute": attribute, "selection": selection, "reference": c.group(c.ref),
        "threshold": limit, "min_group_size": int(min_n), "flagged": flagged(c, way, min_n),
        "label_source": source,
    }


CHECKS = (
    Check(FEEDBACK_LOOP, "bias", feedback_loop, ("disparity_ratio", "min_group_size"),
          ("selection_rate", "selection_rate_ratio", "selection_rate_difference")),
)
