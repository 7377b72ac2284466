"""Representativeness against the intended population (Art. 10(3)-(4), 26(4)).

``representativeness.reference_population``: for every attribute in the reference file
(``attribute, category, share``), the share of each category in the data next to its share in
the population the system is used on. ``representation_ratio = share in data / share in
reference``; its interval is the Wilson interval of the data share divided by the (fixed)
reference share. A category is under-represented when the ratio is below
``min_representation_ratio``; the test is the score test that the Wilson interval inverts, so
with one category "fail" means exactly "the interval lies below the threshold". A goodness-of-fit
chi-square over all categories is reported with Cohen's *w* as its effect size, because with a
million rows every difference is "significant" and only the effect size says whether it matters.
"""

from __future__ import annotations

import math

import numpy as np

from auditor.checks.base import Check, CheckContext, finding_id, one_sided_p, verdicts
from auditor.evidence.model import Finding, Message, Metric, Status, worst
from auditor.stats.intervals import wilson_interval

REFERENCE_POPULATION = "representativeness.reference_population"


def reference_population(ctx: CheckContext) -> list[Finding]:
    """Category shares of each reference attribute vs the intended population, per dataset."""
    reference = ctx.reference
    if reference is None or reference.empty:
        return [Finding(
            id=finding_id(REFERENCE_POPULATION), check=REFERENCE_POPULATION, status=Status.NOT_APPLICABLE,
            dataset=None, requirements=ctx.requirements,
            message=Message(f"{REFERENCE_POPULATION}.no_reference", {}),
        )]
    limit = ctx.threshold("min_representation_ratio")
    min_n = ctx.threshold("min_group_size")
    findings = []
    for profile in ctx.datasets():
        for attribute, ref in reference.groupby("attribute", sort=False):
            column = profile.columns.get(str(attribute))
            if column is None or column.counts is None:
                continue
            counts = column.counts
            n = profile.n_rows - column.n_missing
            categories = list(ref["category"])
            ref_share = ref["share"].to_numpy(dtype=float)
            x = np.array([counts.get(c, 0) for c in categories], dtype=float)
            share = x / n if n else np.full(len(x), np.nan)
            low, high = wilson_interval(x, np.full(len(x), n))
            ratio = share / ref_share
            p0 = limit * ref_share
            se0 = np.sqrt(p0 * (1 - p0) / max(n, 1))
            z = (p0 - share) / se0  # large when the data share lies below the threshold share
            expected = n * ref_share
            undecided = (low / ref_share < limit) & (high / ref_share >= limit)
            enough = (expected >= min_n) | ~undecided
            statuses, adjusted = verdicts(ratio < limit, one_sided_p(z), enough)
            metrics = []
            for i, category in enumerate(categories):
                group = {str(attribute): category}
                metrics.append(Metric("share", share[i], group=group, ci=(low[i], high[i]), n=int(x[i])))
                metrics.append(Metric(
                    "representation_ratio", ratio[i], group=group, ci=(low[i] / ref_share[i], high[i] / ref_share[i]),
                    n=int(n), threshold=limit, p_adjusted=adjusted[i], status=statuses[i],
                ))
            unexpected = sorted(set(counts) - set(categories))
            n_unexpected = sum(counts[c] for c in unexpected)
            # Goodness of fit over the reference categories (rows in unexpected categories are left out).
            n_fit = x.sum()
            expected_fit = n_fit * ref_share / ref_share.sum()
            with np.errstate(divide="ignore", invalid="ignore"):
                chi2 = float(np.nansum((x - expected_fit) ** 2 / expected_fit))
            cohens_w = math.sqrt(chi2 / n_fit) if n_fit else math.nan
            from scipy.stats import chi2 as chi2_dist

            p_fit = float(chi2_dist.sf(chi2, len(categories) - 1)) if len(categories) > 1 else math.nan
            metrics.append(Metric("chi_square", chi2, n=int(n_fit), p_value=p_fit))
            metrics.append(Metric("cohens_w", cohens_w, n=int(n_fit)))
            status = worst(statuses)
            under = [
                {"category": c, "ratio": float(ratio[i])}
                for i, c in enumerate(categories) if statuses[i] in (Status.FAIL, Status.WARN)
            ]
            findings.append(Finding(
                id=finding_id(REFERENCE_POPULATION, profile.dataset, str(attribute)),
                check=REFERENCE_POPULATION,
                status=status,
                dataset=profile.dataset,
                requirements=ctx.requirements,
                metrics=tuple(metrics),
                thresholds=("min_representation_ratio", "min_group_size"),
                message=Message(f"{REFERENCE_POPULATION}.{status.value}", {
                    "dataset": profile.dataset,
                    "attribute": str(attribute),
                    "under": under,
                    "missing_categories": [c for c, xi in zip(categories, x, strict=True) if xi == 0],
                    "unexpected_categories": unexpected,
                    "n_unexpected": int(n_unexpected),
                    "threshold": limit,
                    "cohens_w": cohens_w,
                }),
            ))
    return findings


CHECKS = (
    Check(REFERENCE_POPULATION, "representativeness", reference_population,
          ("min_representation_ratio", "min_group_size"),
          ("share", "representation_ratio", "chi_square", "cohens_w")),
)
