"""Confidence intervals for proportions and for ratios of proportions.

Vectorised over numpy arrays so one call covers every group of a finding.

* Rates use the **Wilson score interval** (Wilson 1927; Brown, Cai & DasGupta 2001 recommend it
  over the Wald interval, which collapses at 0 and 1 and undercovers for small n).
* Ratios and differences of two proportions are in :mod:`auditor.stats.comparisons`.
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
