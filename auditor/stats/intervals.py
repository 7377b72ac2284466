"""Confidence intervals for proportions and for ratios of proportions.

Vectorised over numpy arrays so one call covers every group of a finding.

* Rates use the **Wilson score interval** (Wilson 1927; Brown, Cai & DasGupta 2001 recommend it
  over the Wald interval, which collapses at 0 and 1 and undercovers for small n).
* Ratios of two independent proportions use the **Katz log method** (Katz et al. 1978): a delta
  method interval on ``log(p1 / p2)`` with standard error
  ``sqrt((1 - p1) / x1 + (1 - p2) / x2)``. When a count is zero, 0.5 is added to that count and
  its n (the usual Haldane–Anscombe correction) so the interval stays finite; the point estimate
  is the uncorrected ratio.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def z_value(confidence: float = 0.95) -> float:
    """Return the two-sided standard-normal quantile for ``confidence`` (1.96 for 0.95)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def wilson_interval(
    successes: npt.ArrayLike, n: npt.ArrayLike, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for a binomial proportion.

    Parameters
    ----------
    successes, n
        Counts (scalars or arrays of the same shape). ``n == 0`` gives ``(nan, nan)``.
    confidence
        Two-sided confidence level.

    Returns
    -------
    (low, high)
        Arrays of bounds, always within ``[0, 1]`` and containing ``successes / n``.

    Examples
    --------
    >>> low, high = wilson_interval(5, 10)
    >>> round(float(low), 4), round(float(high), 4)
    (0.2366, 0.7634)
    """
    x = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / m
        denom = 1.0 + z * z / m
        centre = (p + z * z / (2.0 * m)) / denom
        half = z * np.sqrt(p * (1.0 - p) / m + z * z / (4.0 * m * m)) / denom
        low = np.clip(centre - half, 0.0, 1.0)
        high = np.clip(centre + half, 0.0, 1.0)
        # Guard the floating-point edge: the interval must contain the estimate.
        low = np.where(m > 0, np.minimum(low, p), np.nan)
        high = np.where(m > 0, np.maximum(high, p), np.nan)
    return low, high


def ratio_of_proportions(
    x1: npt.ArrayLike,
    n1: npt.ArrayLike,
    x2: npt.ArrayLike,
    n2: npt.ArrayLike,
    confidence: float = 0.95,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Ratio ``(x1/n1) / (x2/n2)`` with a Katz log-method interval.

    Returns
    -------
    (ratio, low, high, se_log)
        ``se_log`` is the standard error of ``log(ratio)`` (with the zero-count correction),
        used for the one-sided tests against a threshold. Undefined cases (``n == 0`` or a zero
        denominator rate) give ``nan`` ratios.
    """
    a = np.asarray(x1, dtype=float)
    b = np.asarray(n1, dtype=float)
    c = np.asarray(x2, dtype=float)
    d = np.asarray(n2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (a / b) / (c / d)
        zero = (a == 0) | (c == 0)
        ac = np.where(zero, a + 0.5, a)
        bc = np.where(zero, b + 0.5, b)
        cc = np.where(zero, c + 0.5, c)
        dc = np.where(zero, d + 0.5, d)
        log_r = np.log((ac / bc) / (cc / dc))
        se = np.sqrt(np.maximum(1.0 / ac - 1.0 / bc + 1.0 / cc - 1.0 / dc, 0.0))
        z = z_value(confidence)
        low = np.exp(log_r - z * se)
        high = np.exp(log_r + z * se)
        bad = (b <= 0) | (d <= 0) | ~np.isfinite(ratio)
        ratio = np.where(bad, np.nan, ratio)
        low = np.where(bad, np.nan, np.minimum(low, ratio))
        high = np.where(bad, np.nan, np.maximum(high, ratio))
        se = np.where(bad, np.nan, se)
    return ratio, low, high, se
