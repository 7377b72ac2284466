"""Completeness (Art. 10(3) "complete"; Algoritmekader dat-01 compleetheid).

``quality.completeness``: the share of missing cells per column, judged against
``max_missing_rate``, the share of rows with any missing cell and the distribution of missing
cells per row. Codes the spec declares as missing (``quality.missing_values``, e.g. ``-8`` or
``"?"``) are replaced before profiling, so they count as missing here and per group; the number
replaced per column is reported.

``quality.missingness_by_group``: per protected attribute, whether a column is missing more
often in one group than in the rest — missing data concentrated in a group is a bias signal
(Art. 10(2)(f)): the model learns less about, or imputes more for, that group.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from auditor.checks.base import (
    Check,
    CheckContext,
    finding_id,
    group_dict,
    one_sided_p,
    verdicts,
)
from auditor.checks.groups import group_sizes
from auditor.checks.rates import rate_verdicts
from auditor.engines.profile import COUNT, Profile
from auditor.evidence.model import Finding, Message, Metric, Status, worst
from auditor.stats.comparisons import difference_beyond, rate_ratio, rate_undefined
from auditor.stats.intervals import wilson_interval

COMPLETENESS = "quality.completeness"
MISSINGNESS_BY_GROUP = "quality.missingness_by_group"


def _treated(profile: Profile) -> dict[str, int]:
    """Per column, the cells counted as missing because the spec declares their code missing."""
    if profile.digests is None:
        return {}
    return {column: sum(counts.values()) for column, counts in profile.digests.treated_missing.items()}


def completeness(ctx: CheckContext) -> list[Finding]:
    """Missing cells per column and rows with missing cells, per dataset."""
    limit = ctx.threshold("max_missing_rate")
    min_n = ctx.threshold("min_group_size")
    findings = []
    for profile in ctx.datasets():
        names = list(profile.columns)
        missing = np.array([profile.columns[c].n_missing for c in names], dtype=float)
        n = np.full(len(names), profile.n_rows, dtype=float)
        rate, (low, high), statuses, adjusted = rate_verdicts(missing, n, limit, min_n)
        metrics = [
            Metric("missing_rate", rate[i], column=c, ci=(low[i], high[i]), n=profile.n_rows,
                   threshold=limit, p_adjusted=adjusted[i], status=statuses[i])
            for i, c in enumerate(names)
        ]
        rows_with_missing = profile.n_rows - profile.row_missing.get(0, 0)
        r_low, r_high = wilson_interval(rows_with_missing, profile.n_rows)
        metrics.append(Metric("row_missing_rate", rows_with_missing / profile.n_rows,
                              ci=(float(r_low), float(r_high)), n=profile.n_rows))
        status = worst(statuses)
        flagged = [c for c, s in zip(names, statuses, strict=True) if s in (Status.FAIL, Status.WARN)]
        findings.append(Finding(
            id=finding_id(COMPLETENESS, profile.dataset),
            check=COMPLETENESS,
            status=status,
            dataset=profile.dataset,
            requirements=ctx.requirements,
            metrics=tuple(metrics),
            thresholds=("max_missing_rate", "min_group_size"),
            message=Message(f"{COMPLETENESS}.{status.value}", {
                "dataset": profile.dataset,
                "columns": flagged,
                "n_columns": len(names),
                "n_columns_with_missing": int(np.count_nonzero(missing)),
                "threshold": limit,
                "rows_with_missing": int(rows_with_missing),
                "n_rows": profile.n_rows,
                "rows_by_missing_cells": [{"missing_cells": int(k), "rows": int(v)}
                                          for k, v in sorted(profile.row_missing.items())],
                "treated_missing": _treated(profile),
            }),
        ))
    return findings


def missingness_by_group(ctx: CheckContext) -> list[Finding]:
    """Missing rate of each column per group vs the rest of the data, per protected attribute."""
    limit = ctx.threshold("max_missing_rate_ratio")
    min_diff = ctx.threshold("min_missing_rate_difference")
    min_n = ctx.threshold("min_group_size")
    findings = []
    for profile in ctx.datasets():
        groups = profile.groups
        if groups is None:
            continue
        for attribute in groups.attributes:
            sizes = group_sizes(groups, [attribute])
            total = profile.n_rows
            missing = groups.missing
            missing = missing[missing["column"] != attribute]
            metrics: list[Metric] = []
            if not missing.empty:
                per = missing.groupby([attribute, "column"], dropna=False, sort=True)[COUNT].sum().reset_index()
                per_col_total = missing.groupby("column")[COUNT].sum()
                # Groups with no missing cells in a column still count as a comparison.
                cols = sorted(per["column"].unique())
                full = sizes.rename(columns={COUNT: "n_group"}).merge(pd.DataFrame({"column": cols}), how="cross")
                # Group labels as objects on both sides (an all-missing attribute is float NaN in one table).
                full[attribute] = full[attribute].astype(object)
                per[attribute] = per[attribute].astype(object)
                full = full.merge(per[[attribute, "column", COUNT]], on=[attribute, "column"], how="left")
                x_g = full[COUNT].fillna(0).to_numpy(dtype=float)
                n_g = full["n_group"].to_numpy(dtype=float)
                x_rest = per_col_total.reindex(full["column"]).to_numpy(dtype=float) - x_g
                n_rest = total - n_g
                rate_g = np.divide(x_g, n_g, out=np.full_like(x_g, np.nan), where=n_g > 0)
                rate_rest = np.divide(x_rest, n_rest, out=np.full_like(x_g, np.nan), where=n_rest > 0)
                estimate = rate_ratio(x_g, n_g, x_rest, n_rest)
                ratio, low, high = estimate.ratio, estimate.low, estimate.high
                beyond = (ratio > limit) & ((rate_g - rate_rest) >= min_diff)
                with np.errstate(divide="ignore", invalid="ignore"):
                    z = (estimate.log_ratio - math.log(limit)) / estimate.se_log
                p = one_sided_p(z)
                # Missing only in this group (the rest's rate is 0): the ratio is undefined, so the
                # evidence is the Newcombe difference against min_missing_rate_difference.
                zero_rest = estimate.undefined == "reference_rate_zero"
                if zero_rest.any():
                    p[zero_rest] = difference_beyond(x_g[zero_rest], n_g[zero_rest], x_rest[zero_rest],
                                                     n_rest[zero_rest], min_diff)[1]
                enough = (n_g >= min_n) & (n_rest >= min_n)
                statuses, adjusted = verdicts(beyond, p, enough)
                r_low, r_high = wilson_interval(x_g, n_g)
                empty = rate_undefined(n_g)
                group_values = full[attribute].to_numpy(dtype=object)
                columns = full["column"].to_numpy(dtype=object)
                for i in range(len(full)):
                    group = group_dict([attribute], group_values[i])
                    column = str(columns[i])
                    metrics.append(Metric("missing_rate", rate_g[i], group=group, column=column,
                                          ci=(r_low[i], r_high[i]), n=int(n_g[i]), undefined=empty[i]))
                    metrics.append(Metric("missing_rate_ratio", ratio[i], group=group, reference={attribute: "*rest*"},
                                          column=column, ci=(low[i], high[i]), n=int(n_g[i]), threshold=limit,
                                          p_adjusted=adjusted[i], status=statuses[i], undefined=estimate.undefined[i]))
            judged = [m for m in metrics if m.status is not None]
            status = worst(m.status for m in judged) if judged else Status.PASS
            flagged = [
                {"group": dict(m.group or {}), "column": m.column, "value": m.to_dict()["value"], "undefined": m.to_dict().get("undefined")}
                for m in judged if m.status in (Status.FAIL, Status.WARN)
            ]
            findings.append(Finding(
                id=finding_id(MISSINGNESS_BY_GROUP, profile.dataset, attribute),
                check=MISSINGNESS_BY_GROUP,
                status=status,
                dataset=profile.dataset,
                requirements=ctx.requirements,
                metrics=tuple(metrics),
                thresholds=("max_missing_rate_ratio", "min_missing_rate_difference", "min_group_size"),
                message=Message(f"{MISSINGNESS_BY_GROUP}.{status.value}", {
                    "dataset": profile.dataset,
                    "attribute": attribute,
                    "flagged": flagged,
                    "threshold": limit,
                    "min_difference": min_diff,
                }),
            ))
    return findings


CHECKS = (
    Check(COMPLETENESS, "quality", completeness, ("max_missing_rate", "min_group_size"),
          ("missing_rate", "row_missing_rate")),
    Check(MISSINGNESS_BY_GROUP, "quality", missingness_by_group,
          ("max_missing_rate_ratio", "min_missing_rate_difference", "min_group_size"),
          ("missing_rate", "missing_rate_ratio")),
)
