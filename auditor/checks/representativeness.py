"""Representativeness of the data for the people and the setting of use (Art. 10(3)-(4), 26(4)).

``representativeness.reference_population``: for every attribute in the reference file
(``attribute, category, share``), the share of each category in the data next to its share in
the population the system is used on. ``representation_ratio = share in data / share in
reference``; its interval is the Wilson interval of the data share divided by the (fixed)
reference share. A category is under-represented when the ratio is below
``min_representation_ratio``; the test is the score test that the Wilson interval inverts, so
with one category "fail" means exactly "the interval lies below the threshold" (Holm across the
categories). A reference category absent from the data has ratio 0 and is named in the message.
A category too rare to be expected ``min_group_size`` times in the data, and whose interval
straddles the threshold, gives insufficient evidence with the number of rows the dataset would
need. The goodness-of-fit chi-square over all categories is reported with **Cohen's w** and its
interval (non-central chi-square, :mod:`auditor.stats.effect_size`), because with a million rows
every difference is "significant" and only the effect size says whether it matters (0.1 small,
0.3 medium, 0.5 large; Cohen 1988).

Joint distributions: a reference attribute ``sex|age_band`` with categories ``F|18-26`` (see
:mod:`auditor.reference`) is compared with the joint counts of those protected attributes in the
profile's group table, with the same statistics.

``representativeness.intersectional_coverage``: per dataset and intersection of protected
attributes (every pair by default, or ``checks.intersections``), the rows in every combination
of the observed categories, including combinations with no rows. Cells below ``min_group_size``
cannot be judged by the bias checks: the finding is ``insufficient_evidence`` and names them
with the size needed; ``pass`` when every cell has enough rows.

``representativeness.dataset_composition``: each dataset other than the training data (else
the first dataset) against it, per protected attribute and per attribute of the setting of use:
the category shares side by side (``share_ratio``, Katz interval), Pearson's chi-square test of
homogeneity (equal to ``scipy.stats.chi2_contingency(correction=False)``) and **Cramér's V**
with its non-central chi-square interval, judged against ``max_composition_shift``: ``fail`` when
the interval lies above it, ``warn`` when only the estimate does.

``representativeness.setting_of_use`` (Art. 10(4)): when the spec declares the setting of use
(``reference.setting``, e.g. ``{district: [Noord, Zuid]}``), per dataset and attribute: the
share of rows outside it (``outside_setting_rate``, Wilson interval, one-sided score test against
``max_outside_setting_rate``) and the rows for each declared value: a declared value without any
row fails (the data say nothing about part of the setting), one with fewer than
``min_group_size`` rows gives insufficient evidence. Missing values are counted separately and
are not "outside".
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd

from auditor.checks.base import Check, CheckContext, finding_id, one_sided_p, verdicts
from auditor.checks.disparity import subject_name, subjects
from auditor.checks.rates import rate_verdicts
from auditor.engines.profile import COUNT, Profile
from auditor.evidence.model import Finding, Message, Metric, Status, worst
from auditor.reference import JOINT_SEPARATOR
from auditor.stats.comparisons import rate_ratio
from auditor.stats.effect_size import chi_square_effect, pearson_chi_square
from auditor.stats.intervals import wilson_interval

REFERENCE_POPULATION = "representativeness.reference_population"
INTERSECTIONAL_COVERAGE = "representativeness.intersectional_coverage"
DATASET_COMPOSITION = "representativeness.dataset_composition"
SETTING_OF_USE = "representativeness.setting_of_use"

SHOWN_MIN = 10
"""Categories with fewer rows in either dataset are not named in composition messages (the report's privacy floor)."""


_MISSING_INPUT = ("no_reference", "no_setting")
"""Reasons that are a missing input (``not_assessed``, a gap) rather than nothing to assess."""


def _not_applicable(check: str, ctx: CheckContext, reason: str) -> list[Finding]:
    status = Status.NOT_ASSESSED if reason in _MISSING_INPUT else Status.NOT_APPLICABLE
    return [Finding(id=finding_id(check), check=check, status=status, dataset=None,
                    requirements=ctx.requirements, message=Message(f"{check}.{reason}", {}))]


def category_counts(profile: Profile, attribute: str) -> tuple[dict[str, int], int] | None:
    """Counts per category of an attribute (``a|b`` for a joint one) and the rows with a value.

    Single attributes use the column profile (any column); joint attributes the group table
    (protected attributes only). ``None`` when the profile cannot give them (column absent or
    too many categories).
    """
    parts = attribute.split(JOINT_SEPARATOR)
    if len(parts) == 1:
        column = profile.columns.get(attribute)
        if column is None or column.counts is None:
            return None
        return dict(column.counts), profile.n_rows - column.n_missing
    groups = profile.groups
    if groups is None or not set(parts) <= set(groups.attributes):
        return None
    cells = groups.cells.dropna(subset=parts)
    table = cells.groupby(parts, sort=False)[COUNT].sum()
    counts = {JOINT_SEPARATOR.join(str(v) for v in (k if isinstance(k, tuple) else (k,))): int(c) for k, c in table.items()}
    return counts, int(table.sum())


def reference_population(ctx: CheckContext) -> list[Finding]:
    """Category shares of each reference attribute vs the intended population, per dataset."""
    reference = ctx.reference
    if reference is None or reference.empty:
        return _not_applicable(REFERENCE_POPULATION, ctx, "no_reference")
    limit = ctx.threshold("min_representation_ratio")
    min_n = ctx.threshold("min_group_size")
    findings = []
    for profile in ctx.datasets():
        for attribute, ref in reference.groupby("attribute", sort=False):
            found = category_counts(profile, str(attribute))
            if found is None:
                continue
            counts, n = found
            categories = list(ref["category"])
            ref_share = ref["share"].to_numpy(dtype=float)
            x = np.array([counts.get(c, 0) for c in categories], dtype=float)
            share = x / n if n else np.full(len(x), np.nan)
            low, high = wilson_interval(x, np.full(len(x), n))
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = share / ref_share
                r_low, r_high = low / ref_share, high / ref_share
                p0 = np.minimum(limit * ref_share, 1.0)
                se0 = np.sqrt(p0 * (1 - p0) / max(n, 1))
                z = (p0 - share) / se0  # large when the data share lies below the threshold share
            expected = n * ref_share
            undecided = (r_low < limit) & (r_high >= limit)
            enough = (expected >= min_n) | ~undecided
            statuses, adjusted = verdicts(ratio < limit, one_sided_p(z), enough)
            metrics = []
            for i, category in enumerate(categories):
                group = {str(attribute): category}
                metrics.append(Metric("share", share[i], group=group, ci=(low[i], high[i]), n=int(x[i])))
                metrics.append(Metric(
                    "representation_ratio", ratio[i], group=group, ci=(r_low[i], r_high[i]),
                    n=int(n), threshold=limit, p_adjusted=adjusted[i], status=statuses[i],
                ))
            unexpected = sorted(set(counts) - set(categories))
            n_unexpected = sum(counts[c] for c in unexpected)
            # Goodness of fit over the reference categories (rows in unexpected categories are left out).
            n_fit = float(x.sum())
            expected_fit = n_fit * ref_share / ref_share.sum()
            with np.errstate(divide="ignore", invalid="ignore"):
                chi2 = float(np.nansum(np.where(expected_fit > 0, (x - expected_fit) ** 2 / expected_fit, 0.0)))
            df = int((ref_share > 0).sum()) - 1
            from scipy.stats import chi2 as chi2_dist

            p_fit = float(chi2_dist.sf(chi2, df)) if df > 0 else math.nan
            w = chi_square_effect(chi2, df, n_fit)
            metrics.append(Metric("chi_square", chi2, n=int(n_fit), p_value=p_fit))
            metrics.append(Metric("cohens_w", w.value, ci=(w.low, w.high), n=int(n_fit)))
            status = worst(statuses)
            under = [
                {"category": c, "ratio": _plain(ratio[i]), "low": _plain(r_low[i]), "high": _plain(r_high[i]),
                 "status": statuses[i].value}
                for i, c in enumerate(categories) if statuses[i] in (Status.FAIL, Status.WARN)
            ]
            rare = [
                {"category": c, "expected": float(expected[i]), "rows_needed": math.ceil(min_n / ref_share[i])}
                for i, c in enumerate(categories) if statuses[i] == Status.INSUFFICIENT_EVIDENCE and ref_share[i] > 0
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
                    "rare": rare,
                    "missing_categories": [c for c, xi, s in zip(categories, x, ref_share, strict=True) if xi == 0 and s > 0],
                    "unexpected_categories": unexpected,
                    "n_unexpected": int(n_unexpected),
                    "threshold": limit,
                    "min_group_size": int(min_n),
                    "cohens_w": _plain(w.value),
                }),
            ))
    # A protected attribute the reference file leaves out is not assessed against the population: say so.
    covered = {part for attribute in reference["attribute"].unique() for part in str(attribute).split(JOINT_SEPARATOR)}
    for attribute in ctx.columns.protected:
        if attribute not in covered:
            findings.append(Finding(
                id=finding_id(REFERENCE_POPULATION, attribute, "not_in_reference"), check=REFERENCE_POPULATION,
                status=Status.NOT_ASSESSED, dataset=None, requirements=ctx.requirements,
                message=Message(f"{REFERENCE_POPULATION}.not_in_reference", {
                    "attribute": attribute, "reference_attributes": sorted(covered)}),
            ))
    return findings


def intersectional_coverage(ctx: CheckContext) -> list[Finding]:
    """Rows per combination of categories of each intersection; cells below the minimum size named."""
    min_n = ctx.threshold("min_group_size")
    findings = []
    for profile in ctx.datasets():
        groups = profile.groups
        if groups is None:
            continue
        for attributes in subjects(ctx, groups):
            if len(attributes) < 2:
                continue
            attrs = list(attributes)
            cells = groups.cells.dropna(subset=attrs)
            observed = cells.groupby(attrs, sort=False)[COUNT].sum()
            levels = [sorted(cells[a].unique().tolist()) for a in attrs]
            index = pd.MultiIndex.from_tuples(list(itertools.product(*levels)), names=attrs)
            full = observed.reindex(index, fill_value=0)
            n = int(full.sum())
            x = full.to_numpy(dtype=float)
            low, high = wilson_interval(x, np.full(len(x), n))
            small = x < min_n
            metrics = []
            listed = []
            for i, key in enumerate(full.index):
                group = {a: str(v) for a, v in zip(attrs, key, strict=True)}
                status = Status.INSUFFICIENT_EVIDENCE if small[i] else Status.PASS
                metrics.append(Metric("share", x[i] / n if n else math.nan, group=group, ci=(low[i], high[i]),
                                      n=int(x[i]), status=status))  # min_group_size is a count, not a share
                if small[i]:
                    listed.append({"group": group, "empty": bool(x[i] == 0), "needed": int(min_n)})
            status = Status.INSUFFICIENT_EVIDENCE if small.any() else Status.PASS
            findings.append(Finding(
                id=finding_id(INTERSECTIONAL_COVERAGE, profile.dataset, subject_name(attrs)),
                check=INTERSECTIONAL_COVERAGE, status=status, dataset=profile.dataset, requirements=ctx.requirements,
                metrics=tuple(metrics), thresholds=("min_group_size",),
                message=Message(f"{INTERSECTIONAL_COVERAGE}.{status.value}", {
                    "dataset": profile.dataset, "attributes": attrs, "n_cells": len(x), "n_small": int(small.sum()),
                    "n_empty": int((x == 0).sum()), "min_group_size": int(min_n), "small": listed,
                }),
            ))
    if not findings:
        return _not_applicable(INTERSECTIONAL_COVERAGE, ctx, "not_applicable")
    return findings


def dataset_composition(ctx: CheckContext) -> list[Finding]:
    """Category shares of each protected (and setting) attribute in each dataset vs the training data."""
    profiles = ctx.datasets()
    if len(profiles) < 2:
        return _not_applicable(DATASET_COMPOSITION, ctx, "not_applicable")
    limit = ctx.threshold("max_composition_shift")
    min_n = ctx.threshold("min_group_size")
    base = ctx.profiles.get("training", profiles[0])
    attributes = list(dict.fromkeys([*ctx.columns.protected, *ctx.setting]))
    findings = []
    for profile in profiles:
        if profile is base:
            continue
        for attribute in attributes:
            mine, theirs = category_counts(profile, attribute), category_counts(base, attribute)
            if mine is None or theirs is None:
                continue
            (counts, n), (base_counts, base_n) = mine, theirs
            categories = sorted(set(counts) | set(base_counts))
            x = np.array([counts.get(c, 0) for c in categories], dtype=float)
            y = np.array([base_counts.get(c, 0) for c in categories], dtype=float)
            statistic, df, k1 = pearson_chi_square(np.vstack([x, y]))
            v = chi_square_effect(statistic, df, n + base_n, max(k1, 1), threshold=limit)
            from scipy.stats import chi2 as chi2_dist

            p_fit = float(chi2_dist.sf(statistic, df)) if df > 0 else math.nan
            enough = n >= min_n and base_n >= min_n
            statuses, adjusted = verdicts(np.array([v.value > limit]), np.array([v.p_beyond]), np.array([enough]))
            status = statuses[0] if df > 0 else Status.PASS if enough else Status.INSUFFICIENT_EVIDENCE
            share = x / n if n else np.full(len(x), np.nan)
            base_share = y / base_n if base_n else np.full(len(y), np.nan)
            low, high = wilson_interval(x, np.full(len(x), n))
            ratio = rate_ratio(x, n, y, base_n)
            reference = {"dataset": base.dataset}
            metrics = []
            for i, c in enumerate(categories):
                group = {attribute: c}
                metrics.append(Metric("share", share[i], group=group, ci=(low[i], high[i]), n=int(x[i])))
                metrics.append(Metric("share_ratio", ratio.ratio[i], group=group, reference=reference,
                                      ci=(ratio.low[i], ratio.high[i]), n=int(x[i]), undefined=ratio.undefined[i]))
            metrics.append(Metric("chi_square", statistic, n=int(n + base_n), p_value=p_fit))
            metrics.append(Metric("cramers_v", v.value, ci=(v.low, v.high), n=int(n + base_n), threshold=limit,
                                  p_value=v.p_beyond, p_adjusted=adjusted[0], status=status))
            # The largest share changes for the message, among categories not too small to show.
            shown = np.flatnonzero((x >= SHOWN_MIN) & (y >= SHOWN_MIN))
            order = shown[np.argsort(-np.abs(share - base_share)[shown], kind="stable")][:3]
            changes = [{"category": categories[i], "share": _plain(share[i]), "base_share": _plain(base_share[i])}
                       for i in order if abs(share[i] - base_share[i]) > 0]
            findings.append(Finding(
                id=finding_id(DATASET_COMPOSITION, profile.dataset, attribute),
                check=DATASET_COMPOSITION, status=status, dataset=profile.dataset, requirements=ctx.requirements,
                metrics=tuple(metrics), thresholds=("max_composition_shift", "min_group_size"),
                message=Message(f"{DATASET_COMPOSITION}.{status.value}", {
                    "dataset": profile.dataset, "base": base.dataset, "attribute": attribute, "cramers_v": _plain(v.value),
                    "low": _plain(v.low), "high": _plain(v.high), "threshold": limit, "min_group_size": int(min_n),
                    "changes": changes,
                }),
            ))
    if not findings:
        return _not_applicable(DATASET_COMPOSITION, ctx, "not_applicable")
    return findings


def setting_of_use(ctx: CheckContext) -> list[Finding]:
    """Rows outside the declared setting of use, and declared values without data, per dataset."""
    if not ctx.setting:
        return _not_applicable(SETTING_OF_USE, ctx, "no_setting")
    limit = ctx.threshold("max_outside_setting_rate")
    min_n = ctx.threshold("min_group_size")
    findings = []
    for profile in ctx.datasets():
        for attribute, declared in ctx.setting.items():
            found = category_counts(profile, attribute)
            if found is None:
                continue
            counts, n = found
            outside = sorted(c for c in counts if c not in declared)
            x_out = float(sum(counts[c] for c in outside))
            rates, (lows, highs), statuses, adjusted = rate_verdicts([x_out], [n], limit, min_n)
            rate, low, high = float(rates[0]), lows[0], highs[0]
            rows = np.array([counts.get(v, 0) for v in declared], dtype=float)
            v_low, v_high = wilson_interval(rows, np.full(len(rows), n))
            absent = [v for v, r in zip(declared, rows, strict=True) if r == 0]
            few = [v for v, r in zip(declared, rows, strict=True) if 0 < r < min_n]
            value_status = Status.FAIL if absent else Status.INSUFFICIENT_EVIDENCE if few else Status.PASS
            status = worst([statuses[0], value_status])
            metrics = [Metric("outside_setting_rate", rate, column=attribute, ci=(float(low), float(high)), n=int(n),
                              threshold=limit, p_adjusted=adjusted[0], status=statuses[0])]
            for i, value in enumerate(declared):
                vs = Status.FAIL if rows[i] == 0 else Status.INSUFFICIENT_EVIDENCE if rows[i] < min_n else Status.PASS
                metrics.append(Metric("share", rows[i] / n if n else math.nan, group={attribute: value},
                                      ci=(v_low[i], v_high[i]), n=int(rows[i]), status=vs))
            findings.append(Finding(
                id=finding_id(SETTING_OF_USE, profile.dataset, attribute),
                check=SETTING_OF_USE, status=status, dataset=profile.dataset, requirements=ctx.requirements,
                metrics=tuple(metrics), thresholds=("max_outside_setting_rate", "min_group_size"),
                message=Message(f"{SETTING_OF_USE}.{status.value}", {
                    "dataset": profile.dataset, "attribute": attribute, "declared": list(declared),
                    "outside_rate": _plain(rate), "outside_status": statuses[0].value, "outside": outside[:10],
                    "n_outside_values": len(outside), "absent": absent, "few": few, "threshold": limit,
                    "min_group_size": int(min_n), "n_missing": int(profile.n_rows - n),
                }),
            ))
    if not findings:
        return _not_applicable(SETTING_OF_USE, ctx, "no_setting")
    return findings


def _plain(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


CHECKS = (
    Check(REFERENCE_POPULATION, "representativeness", reference_population,
          ("min_representation_ratio", "min_group_size"),
          ("share", "representation_ratio", "chi_square", "cohens_w")),
    Check(INTERSECTIONAL_COVERAGE, "representativeness", intersectional_coverage, ("min_group_size",), ("share",)),
    Check(DATASET_COMPOSITION, "representativeness", dataset_composition, ("max_composition_shift", "min_group_size"),
          ("share", "share_ratio", "chi_square", "cramers_v")),
    Check(SETTING_OF_USE, "representativeness", setting_of_use, ("max_outside_setting_rate", "min_group_size"),
          ("outside_setting_rate", "share")),
)
