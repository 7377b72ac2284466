"""Effect sizes for chi-square statistics, with intervals and a test against a threshold.

With a million rows every difference is "significant"; whether it matters is a question of
effect size. Two are used:

* **Cohen's w** for a goodness-of-fit test against fixed shares (``w² = Σ (p - p0)² / p0``),
* **Cramér's V** for a contingency table (``V = w / sqrt(min(r, c) - 1)``).

Both are functions of the non-centrality ``λ = N w²`` of the chi-square statistic: under the
alternative, ``X² ~ χ²(df, λ)`` approximately, and ``E[X²] = df + λ``. The point estimate uses
``λ̂ = max(X² - df, 0)``, which removes the upward bias plain ``X² / N`` has with many cells and
few rows (the same correction as Bergsma 2013 for Cramér's V, to first order); the interval
inverts the non-central chi-square distribution in ``λ`` (Smithson 2003, ch. 4), and the
one-sided p-value of "the effect exceeds ``t``" is ``P(χ²(df, N t² (k-1)) ≥ X²)``, so
``p < 0.025`` is exactly "the 95 % interval lies above ``t``". scipy is imported when used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class EffectSize:
    """An effect size from a chi-square statistic.

    Attributes
    ----------
    value
        ``sqrt(max(X² - df, 0) / (N (k - 1)))``.
    low, high
        Interval from the non-central chi-square distribution.
    p_beyond
        One-sided p-value of "the effect exceeds the threshold" (``nan`` without a threshold).
    """

    value: float
    low: float
    high: float
    p_beyond: float


def _noncentrality_bound(statistic: float, df: int, target: float) -> float:
    """The λ with ``P(χ²(df, λ) ≤ statistic) = target`` (0 when even λ = 0 is below it)."""
    from scipy.optimize import brentq
    from scipy.stats import chi2, ncx2

    if chi2.cdf(statistic, df) <= target:
        return 0.0

    def f(lam: float) -> float:
        return float(ncx2.cdf(statistic, df, lam)) - target

    upper = max(statistic, 1.0)
    while f(upper) > 0:
        upper *= 2.0
    return float(brentq(f, 0.0, upper, xtol=1e-10 * max(upper, 1.0), maxiter=500))


def chi_square_effect(
    statistic: float,
    df: int,
    n: float,
    k_minus_1: int = 1,
    threshold: float | None = None,
    confidence: float = 0.95,
) -> EffectSize:
    """Effect size (Cohen's w, or Cramér's V with ``k_minus_1 = min(r, c) - 1``) of a chi-square.

    Parameters
    ----------
    statistic
        Pearson's X².
    df
        Its degrees of freedom.
    n
        Number of observations.
    k_minus_1
        1 for Cohen's w; ``min(rows, columns) - 1`` for Cramér's V.
    threshold
        Effect size to test against (one-sided, "exceeds").
    confidence
        Two-sided confidence level of the interval.

    Returns
    -------
    EffectSize

    Examples
    --------
    >>> e = chi_square_effect(100.0, 2, 1000, k_minus_1=2, threshold=0.1)
    >>> round(e.value, 4), round(e.low, 3) < e.value < round(e.high, 3), e.p_beyond < 0.025
    (0.2214, True, True)
    """
    if not (n > 0 and df > 0 and math.isfinite(statistic)):
        return EffectSize(math.nan, math.nan, math.nan, math.nan)
    scale = n * k_minus_1
    alpha = 1.0 - confidence
    value = math.sqrt(max(statistic - df, 0.0) / scale)
    low = math.sqrt(_noncentrality_bound(statistic, df, 1.0 - alpha / 2) / scale)
    high = math.sqrt(_noncentrality_bound(statistic, df, alpha / 2) / scale)
    p = math.nan
    if threshold is not None:
        from scipy.stats import chi2, ncx2

        lam0 = scale * threshold * threshold
        p = float(ncx2.sf(statistic, df, lam0)) if lam0 > 0 else float(chi2.sf(statistic, df))
    return EffectSize(value, min(low, value), max(high, value), p)


def pearson_chi_square(table: npt.ArrayLike) -> tuple[float, int, int]:
    """Pearson's X² of independence for a contingency table, ignoring empty rows and columns.

    Returns
    -------
    (statistic, df, k_minus_1)
        Equal to ``scipy.stats.chi2_contingency(table, correction=False)``'s statistic and dof
        on the table without its all-zero rows and columns; ``k_minus_1 = min(r, c) - 1``.
    """
    t = np.asarray(table, dtype=float)
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    if t.ndim != 2 or min(t.shape) < 2:
        return math.nan, 0, 0
    n = t.sum()
    expected = np.outer(t.sum(axis=1), t.sum(axis=0)) / n
    statistic = float(((t - expected) ** 2 / expected).sum())
    return statistic, (t.shape[0] - 1) * (t.shape[1] - 1), min(t.shape) - 1


__all__ = ["EffectSize", "chi_square_effect", "pearson_chi_square"]
