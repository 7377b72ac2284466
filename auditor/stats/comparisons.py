"""Comparing a group's rate with a reference group's: ratio and difference, with intervals.

Vectorised over groups: one call compares every group of a finding with the reference group.

* **Ratio** ``p1 / p2`` of two independent proportions: the **Katz log method** (Katz et al.
  1978), a delta-method interval on ``log(p1 / p2)`` with standard error
  ``sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)``. When either count is zero, 0.5 is added to both counts
  and both sizes (Haldane–Anscombe) for the interval and the test, so they stay finite; the point
  estimate stays the uncorrected ratio (``inf`` when only the reference rate is 0, ``nan`` when
  both are 0). Agrees with ``statsmodels.stats.proportion.confint_proportions_2indep(...,
  compare="ratio", method="log")`` when no count is zero.
* **Difference** ``p1 - p2``: **Newcombe's hybrid score interval** (Newcombe 1998, method 10),
  built from the two Wilson intervals; it stays within [-1, 1] and behaves at 0 and 1, unlike
  the Wald interval. Agrees with ``confint_proportions_2indep(..., compare="diff",
  method="newcomb")``.
* :func:`ratio_beyond` turns a ratio into the one-sided test the verdict rule needs: the p-value
  of "the true ratio lies beyond ``limit`` (below it, or above ``1 / limit``) on the side of the
  estimate". With one group, ``p < 0.025`` is exactly "the 95 % interval excludes the threshold".

Undefined ratios (the numeric policy, :mod:`auditor.evidence.model`). A ratio whose reference
rate is 0 has no finite value, and neither has ``0 / 0``; :attr:`RatioEstimate.undefined` names
the reason per group (``reference_rate_zero``, ``both_rates_zero``, ``no_rows``,
``reference_no_rows``) and the evidence shows ``null`` with that reason. The verdict still
follows the evidence: a positive rate against a reference rate of 0 lies beyond any ratio
threshold, and :func:`ratio_beyond` judges it by the Newcombe difference (the p-value of
"the difference is not above 0"), so it fails only when the interval of the difference excludes
0; two rates of 0 show no disparity (not beyond).
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from auditor.stats.intervals import wilson_interval, z_value

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class RatioEstimate:
    """Ratio of two proportions per group.

    Attributes
    ----------
    ratio
        ``(x1/n1) / (x2/n2)``; ``inf`` when only the denominator rate is 0, ``nan`` when both
        rates are 0 or a group is empty.
    low, high
        Katz log-method interval (zero-count corrected).
    log_ratio, se_log
        The (corrected) log ratio and its standard error, for tests against a threshold.
    undefined
        Per group, why the ratio has no finite value (``None`` where it has one); see the
        module docstring.
    counts
        The counts ``(x1, n1, x2, n2)`` it was computed from, broadcast to one shape.
    """

    ratio: FloatArray
    low: FloatArray
    high: FloatArray
    log_ratio: FloatArray
    se_log: FloatArray
    undefined: npt.NDArray[np.object_]
    counts: tuple[FloatArray, FloatArray, FloatArray, FloatArray]


def rate_ratio(
    x1: npt.ArrayLike,
    n1: npt.ArrayLike,
    x2: npt.ArrayLike,
    n2: npt.ArrayLike,
    confidence: float = 0.95,
) -> RatioEstimate:
    """Ratio of proportions ``(x1/n1) / (x2/n2)`` with a Katz log interval.

    Parameters
    ----------
    x1, n1
        Successes and size of the compared group(s).
    x2, n2
        Successes and size of the reference group (scalars or arrays broadcasting with x1).
    confidence
        Two-sided confidence level.

    Returns
    -------
    RatioEstimate

    Examples
    --------
    >>> r = rate_ratio(20, 100, 40, 100)
    >>> round(float(r.ratio), 3), round(float(r.low), 3), round(float(r.high), 3)
    (0.5, 0.316, 0.792)
    """
    a, b, c, d = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x1, n1, x2, n2)))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (a / b) / (c / d)
        zero = (a == 0) | (c == 0)
        ac, bc = np.where(zero, a + 0.5, a), np.where(zero, b + 0.5, b)
        cc, dc = np.where(zero, c + 0.5, c), np.where(zero, d + 0.5, d)
        log_r = np.log((ac / bc) / (cc / dc))
        se = np.sqrt(np.maximum(1.0 / ac - 1.0 / bc + 1.0 / cc - 1.0 / dc, 0.0))
        z = z_value(confidence)
        low, high = np.exp(log_r - z * se), np.exp(log_r + z * se)
    empty = (b <= 0) | (d <= 0)
    both_zero = (a == 0) & (c == 0)
    ratio = np.where(empty | both_zero, np.nan, ratio)
    finite = np.isfinite(ratio)
    low = np.where(empty, np.nan, np.where(finite, np.minimum(low, ratio), low))
    high = np.where(empty, np.nan, np.where(finite, np.maximum(high, ratio), high))
    undefined = np.select(
        [b <= 0, d <= 0, both_zero, c == 0],
        np.array(["no_rows", "reference_no_rows", "both_rates_zero", "reference_rate_zero"], dtype=object),
        default=None,
    )
    return RatioEstimate(ratio, low, high, np.where(empty, np.nan, log_r), np.where(empty, np.nan, se),
                         np.asarray(undefined, dtype=object), (a, b, c, d))


def rate_undefined(n: npt.ArrayLike) -> npt.NDArray[np.object_]:
    """Why a rate ``x / n`` has no value: ``no_rows`` where ``n`` is 0, else ``None``."""
    ns = np.asarray(n, dtype=float)
    return np.where(ns > 0, None, "no_rows").astype(object)


def ratio_beyond(estimate: RatioEstimate, limit: float) -> tuple[npt.NDArray[np.bool_], FloatArray, FloatArray]:
    """Whether each ratio lies beyond ``limit`` / ``1 / limit`` and the one-sided p-value.

    Parameters
    ----------
    estimate
        From :func:`rate_ratio`.
    limit
        Threshold in (0, 1]; a ratio below ``limit`` or above ``1 / limit`` is beyond it.

    Returns
    -------
    (beyond, p_value, threshold)
        ``beyond`` uses the point estimate (a positive rate against a reference rate of 0 is
        beyond; two rates of 0 are not); ``p_value`` is the upper-tail normal probability of
        ``(|log R| - |log limit|) / se``, small when the data support a ratio beyond the limit
        — for a reference rate of 0, the p-value of the Newcombe difference being above 0
        (:func:`difference_beyond`); ``threshold`` is the bound on the estimate's side
        (``limit`` or ``1 / limit``).
    """
    ratio = estimate.ratio
    with np.errstate(invalid="ignore", divide="ignore"):
        beyond = (ratio < limit) | (ratio > 1.0 / limit)
        z = (np.abs(estimate.log_ratio) - abs(np.log(limit))) / estimate.se_log
    p = np.full(z.shape, np.nan)
    ok = np.isfinite(z) & np.isfinite(estimate.log_ratio)
    p[ok] = [1.0 - NormalDist().cdf(v) for v in z[ok]]
    zero_reference = estimate.undefined == "reference_rate_zero"
    if zero_reference.any():
        a, b, c, d = (np.asarray(v)[zero_reference] for v in estimate.counts)
        p[zero_reference] = difference_beyond(a, b, c, d, 0.0)[1]
    side = np.where(np.isnan(ratio), estimate.log_ratio, np.log(np.where(ratio > 0, ratio, 1e-300)))
    threshold = np.where(side < 0, limit, 1.0 / limit)
    return np.asarray(beyond, dtype=bool), p, threshold


def newcombe_difference(
    x1: npt.ArrayLike,
    n1: npt.ArrayLike,
    x2: npt.ArrayLike,
    n2: npt.ArrayLike,
    confidence: float = 0.95,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Difference of proportions ``x1/n1 - x2/n2`` with Newcombe's hybrid score interval.

    Returns
    -------
    (difference, low, high)
        ``nan`` where a group is empty.

    Examples
    --------
    >>> d, lo, hi = newcombe_difference(56, 70, 48, 80)
    >>> round(float(d), 4), round(float(lo), 4), round(float(hi), 4)
    (0.2, 0.0524, 0.3339)
    """
    a, b, c, d = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x1, n1, x2, n2)))
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = a / b, c / d
    l1, u1 = wilson_interval(a, b, confidence)
    l2, u2 = wilson_interval(c, d, confidence)
    diff = p1 - p2
    low = diff - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return diff, low, high


def _newcombe_z(a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray, z: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Newcombe bounds at a per-group normal quantile ``z`` (Wilson intervals at that ``z``)."""

    def wilson(x: FloatArray, m: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        p = x / m
        denom = 1.0 + z * z / m
        centre = (p + z * z / (2.0 * m)) / denom
        half = z * np.sqrt(np.maximum(p * (1.0 - p) / m + z * z / (4.0 * m * m), 0.0)) / denom
        return p, np.minimum(centre - half, p), np.maximum(centre + half, p)

    with np.errstate(divide="ignore", invalid="ignore"):
        p1, l1, u1 = wilson(a, b)
        p2, l2, u2 = wilson(c, d)
    diff = p1 - p2
    return diff - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), diff + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def difference_beyond(
    x1: npt.ArrayLike,
    n1: npt.ArrayLike,
    x2: npt.ArrayLike,
    n2: npt.ArrayLike,
    gap: float,
) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """Whether ``|p1 - p2|`` exceeds ``gap``, and the one-sided p-value matching Newcombe's interval.

    The p-value is ``1 - Φ(z*)`` where ``z*`` is the normal quantile at which the Newcombe
    interval's bound on the estimate's side touches ``±gap`` (found by bisection, vectorised).
    So, for one group, ``p < 0.025`` exactly when the 95 % Newcombe interval excludes the
    threshold, as the verdict rule requires.

    Returns
    -------
    (beyond, p_value)
        ``p_value`` is ``nan`` for empty groups and 0.5 or more when the estimate is within ``gap``.
    """
    a, b, c, d = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x1, n1, x2, n2)))
    with np.errstate(divide="ignore", invalid="ignore"):
        diff = a / b - c / d
    ok = (b > 0) & (d > 0)
    beyond = ok & (np.abs(diff) > gap)
    sign = np.where(diff >= 0, 1.0, -1.0)
    lo, hi = np.zeros(diff.shape), np.full(diff.shape, 40.0)
    for _ in range(60):
        mid = (lo + hi) / 2.0
        low, high = _newcombe_z(a, b, c, d, mid)
        near = np.where(sign > 0, low, -high)  # distance towards zero on the estimate's side
        clears = near > gap
        lo = np.where(clears, mid, lo)
        hi = np.where(clears, hi, mid)
    z = np.where(beyond, lo, 0.0)
    p = np.array([1.0 - NormalDist().cdf(v) for v in z.ravel()]).reshape(z.shape)
    p = np.where(beyond, p, np.where(ok, np.maximum(p, 0.5), np.nan))
    return beyond, p


__all__ = ["RatioEstimate", "difference_beyond", "newcombe_difference", "rate_ratio", "rate_undefined", "ratio_beyond"]
