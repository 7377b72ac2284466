"""Plausibility (Art. 10(3) "free of errors"; Algoritmekader dat-01 plausibiliteit; avg-05).

``quality.sentinel_values``
    Codes that stand in for a missing value — ``-1``, ``-8``, ``99``, ``999``, ``"?"``,
    ``"unknown"``, ``1900-01-01`` … (:data:`~auditor.engines.digests.NUMERIC_CODES`,
    :data:`~auditor.engines.digests.TEXT_CODES`, :data:`~auditor.engines.digests.DATE_CODES`) —
    counted exactly per column in the profiling pass. A code is *suspicious* when:

    * it is text from the list (``"?"`` is not a value of anything), or
    * it is a number or a date that sits apart from the column's other values, in a column with
      at least three other distinct values (a measurement, not a short code list such as
      -1/0/1):

      - a negative code in a column whose other values are all ≥ 0 (``-1`` months, ``-8``
        income), or
      - a code beyond the other values by more than three interquartile ranges
        (``99999`` after a maximum of 41,310; not ``99`` in a 0-100 column, where 100 is
        another value, and not ``99`` hours after 98).

    A code the spec declares as missing (``quality.missing_values``) is replaced before
    profiling and reported as treated; one it declares real (``quality.accepted_values``) is
    not flagged. Suspicious codes give a warning, never a failure: only the data's owner knows
    what a code means.
``quality.outliers``
    Per numeric column, values beyond Tukey's far-out fences ``[Q1 - 3·IQR, Q3 + 3·IQR]`` (the
    quartiles exact from the category counts when kept, else from the profile's sketch, 1 %
    accuracy). Counted exactly from the category counts
    when a column has at most 1,000 distinct values, else from the sketch buckets (a value within
    1 % of a fence may be counted on the wrong side). Suspicious codes are not counted again.
    A column with fewer than 10 distinct values (a short scale or a count such as 0-6, where
    every value is an ordinary one) or with IQR 0 (mostly one value) is listed as not judged.
    Judged against ``max_outlier_rate``; a warning at most: heavy tails (incomes) can be real.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from auditor.checks.base import Check, CheckContext, about_column, finding_id
from auditor.checks.rates import rate_verdicts
from auditor.engines.profile import (
    ColumnProfile,
    Profile,
    canonical_label,
    sketch_keys,
    sketch_value,
)
from auditor.evidence.model import Finding, Message, Metric, Status
from auditor.stats.intervals import wilson_interval

SENTINEL_VALUES = "quality.sentinel_values"
OUTLIERS = "quality.outliers"
FENCE = 3.0
"""Tukey's "far out" multiple of the interquartile range."""
MIN_OTHER_VALUES = 3
MIN_DISTINCT_FOR_FENCES = 10


@dataclass(frozen=True)
class Suspect:
    """A missing-value code found in a column, and why it is suspicious."""

    column: str
    value: str
    count: int
    reason: str


def _as_number(label: str, kind: str) -> float | None:
    if kind == "datetime":
        return np.datetime64(label, "us").astype(np.int64) / 1e6  # epoch seconds, as the profile's summary
    try:
        return float(label)
    except ValueError:
        return None


def _other_values(column: ColumnProfile, codes: dict[float, int]) -> tuple[int, float, float]:
    """(distinct other values, smallest other value, largest other value) besides the codes found."""
    summary = column.numeric
    assert summary is not None
    if column.counts is not None:
        others = [v for v in (_as_number(label, column.kind) for label in column.counts) if v is not None and v not in codes]
        return (len(others), min(others), max(others)) if others else (0, math.nan, math.nan)
    remaining = dict(summary.sketch)
    keys_of_codes = sketch_keys(np.array(list(codes), dtype=float))
    for key, count in zip(keys_of_codes, codes.values(), strict=True):
        remaining[int(key)] = remaining.get(int(key), 0) - count
    keys = sorted(k for k, c in remaining.items() if c > 0)
    if not keys:
        return 0, math.nan, math.nan
    low, high = sketch_value(keys[0]), sketch_value(keys[-1])
    if not any(math.isclose(summary.min, v) for v in codes):
        low = summary.min
    if not any(math.isclose(summary.max, v) for v in codes):
        high = summary.max
    return len(keys), low, high


def suspects(profile: Profile, accepted: dict[str, tuple[object, ...]] | None = None) -> list[Suspect]:
    """The suspicious missing-value codes of a profile (see the module docstring for the rule)."""
    if profile.digests is None:
        return []
    out: list[Suspect] = []
    for name, found in profile.digests.codes.items():
        column = profile.columns[name]
        allowed = {canonical_label(v) for v in (accepted or {}).get(name, ())}
        found = {label: count for label, count in found.items() if label not in allowed}
        if not found:
            continue
        if column.kind == "categorical":
            out.extend(Suspect(name, label, count, "text_code") for label, count in found.items())
            continue
        if column.numeric is None or column.numeric.n == 0:
            continue
        codes = {_as_number(label, column.kind): count for label, count in found.items()}
        n_other, low, high = _other_values(column, codes)  # type: ignore[arg-type]
        if n_other < MIN_OTHER_VALUES:
            continue
        q1, q3 = _quartiles(column)
        iqr = q3 - q1
        if not math.isfinite(iqr):
            continue
        for (label, count), value in zip(found.items(), codes, strict=True):
            if value is None:
                continue
            if column.kind != "datetime" and value < 0 <= low:  # dates before 1970 are negative but not codes
                reason = "negative_code"
            elif value > high + FENCE * iqr or value < low - FENCE * iqr:
                reason = "date_code" if column.kind == "datetime" else "beyond_range"
            else:
                continue
            out.append(Suspect(name, label, count, reason))
    return out


def sentinel_values(ctx: CheckContext) -> list[Finding]:
    """Suspicious missing-value codes per dataset, and the codes treated as missing."""
    findings = []
    accepted = {k: tuple(v) for k, v in ctx.quality.accepted_values.items()}
    for profile in ctx.datasets():
        if profile.digests is None:
            continue
        found = suspects(profile, accepted)
        n = profile.n_rows
        low, high = wilson_interval(np.array([s.count for s in found], dtype=float), np.full(len(found), n, dtype=float))
        metrics = tuple(
            Metric("sentinel_rate", s.count / n, group={"value": s.value}, column=s.column, ci=(low[i], high[i]), n=n,
                   status=Status.WARN)
            for i, s in enumerate(found)
        )
        treated = [{"column": c, "value": v, "count": int(k)} for c, counts in profile.digests.treated_missing.items()
                   for v, k in counts.items()]
        status = Status.WARN if found else Status.PASS
        findings.append(Finding(
            id=finding_id(SENTINEL_VALUES, profile.dataset), check=SENTINEL_VALUES, status=status,
            dataset=profile.dataset, requirements=ctx.requirements, metrics=metrics,
            message=Message(f"{SENTINEL_VALUES}.{status.value}", {
                "dataset": profile.dataset, "n_rows": n,
                "flagged": [{"column": s.column, "value": s.value, "count": s.count, "reason": s.reason} for s in found],
                "treated": treated,
            }),
        ))
    return findings


def _quartiles(column: ColumnProfile) -> tuple[float, float]:
    """Q1 and Q3: exact (numpy's linear interpolation) from the category counts when kept, else the sketch."""
    assert column.numeric is not None
    if column.counts is None:
        return column.numeric.quantile(0.25), column.numeric.quantile(0.75)
    pairs = sorted((v, c) for v, c in ((_as_number(k, column.kind), c) for k, c in column.counts.items())
                   if v is not None and math.isfinite(v))
    if not pairs:  # no finite value: no quartiles (the caller reports the column as not judged)
        return math.nan, math.nan
    values = np.array([v for v, _ in pairs])
    cumulative = np.cumsum([c for _, c in pairs])
    n = int(cumulative[-1])

    def at(rank: int) -> float:
        return float(values[np.searchsorted(cumulative, rank + 1)])

    out = []
    for q in (0.25, 0.75):
        position = q * (n - 1)
        low, frac = math.floor(position), position - math.floor(position)
        out.append(at(low) + frac * (at(min(low + 1, n - 1)) - at(low)))
    return out[0], out[1]


def _beyond_fences(column: ColumnProfile, low: float, high: float, skip: dict[float, int]) -> tuple[int, bool]:
    """(values beyond the fences, exact?) — from the category counts when kept, else the sketch."""
    if column.counts is not None:
        total = 0
        for label, count in column.counts.items():
            value = _as_number(label, column.kind)
            if value is not None and value not in skip and (value < low or value > high):
                total += count
        return total, True
    assert column.numeric is not None
    total = sum(c for k, c in column.numeric.sketch.items() if not low <= sketch_value(k) <= high)
    for value, count in skip.items():
        if not low <= value <= high:
            total -= count
    return max(total, 0), False


def outliers(ctx: CheckContext) -> list[Finding]:
    """Far-out values per numeric column, per dataset."""
    limit = ctx.threshold("max_outlier_rate")
    min_n = ctx.threshold("min_group_size")
    accepted = {k: tuple(v) for k, v in ctx.quality.accepted_values.items()}
    findings = []
    for profile in ctx.datasets():
        roles = set(profile.roles.values())
        flagged_codes: dict[str, dict[float, int]] = {}
        for s in suspects(profile, accepted):
            value = _as_number(s.value, profile.columns[s.column].kind)
            if value is not None:
                flagged_codes.setdefault(s.column, {})[value] = s.count
        names, x, n, fences, exact, not_judged = [], [], [], [], [], []
        for name, column in profile.columns.items():
            with about_column(name):
                summary = column.numeric
                if column.kind != "numeric" or name in roles or summary is None or summary.n < 2:
                    continue
                if column.n_distinct is not None and column.n_distinct < MIN_DISTINCT_FOR_FENCES:
                    not_judged.append({"column": name, "reason": "few_values"})
                    continue
                q1, q3 = _quartiles(column)
                iqr = q3 - q1
                if not (math.isfinite(q1) and math.isfinite(q3)):
                    not_judged.append({"column": name, "reason": "no_usable_values"})
                    continue
                if not iqr > 0:
                    not_judged.append({"column": name, "reason": "no_spread"})
                    continue
                low, high = q1 - FENCE * iqr, q3 + FENCE * iqr
                count, is_exact = _beyond_fences(column, low, high, flagged_codes.get(name, {}))
                names.append(name)
                x.append(count)
                n.append(summary.n)
                fences.append((low, high))
                exact.append(is_exact)
        metrics: list[Metric] = []
        statuses: list[Status] = []
        if names:
            rate, (lo, hi), statuses, adjusted = rate_verdicts(x, n, limit, min_n)
            statuses = [Status.WARN if s == Status.FAIL else s for s in statuses]
            metrics = [Metric("outlier_rate", rate[i], column=c, ci=(lo[i], hi[i]), n=n[i], threshold=limit,
                              p_adjusted=adjusted[i], status=statuses[i]) for i, c in enumerate(names)]
        status = Status.WARN if Status.WARN in statuses else Status.PASS
        findings.append(Finding(
            id=finding_id(OUTLIERS, profile.dataset), check=OUTLIERS, status=status, dataset=profile.dataset,
            requirements=ctx.requirements, thresholds=("max_outlier_rate", "min_group_size"), metrics=tuple(metrics),
            message=Message(f"{OUTLIERS}.{status.value}", {
                "dataset": profile.dataset, "threshold": limit,
                "columns": [{"column": c, "n_outliers": int(x[i]), "n": int(n[i]), "low_fence": float(fences[i][0]),
                             "high_fence": float(fences[i][1]), "exact": exact[i]}
                            for i, c in enumerate(names)],
                "flagged": [c for c, s in zip(names, statuses, strict=True) if s == Status.WARN],
                "not_judged": not_judged,
            }),
        ))
    return findings


CHECKS = (
    Check(SENTINEL_VALUES, "quality", sentinel_values, (), ("sentinel_rate",)),
    Check(OUTLIERS, "quality", outliers, ("max_outlier_rate", "min_group_size"), ("outlier_rate",)),
)

__all__ = ["CHECKS", "OUTLIERS", "SENTINEL_VALUES", "Suspect", "suspects"]
