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


def noncentrality_bounds(statistic: npt.ArrayLike, df: npt.ArrayLike, target: float) -> npt.NDArray[np.float64]:
    """Per entry, the λ with ``P(χ²(df, λ) ≤ statistic) = target`` (0 when even λ = 0 is below it).

    Vectorised bisection (the cdf falls as λ grows), so thousands of features cost a few dozen
    calls of scipy's ``ncx2.cdf``; accurate to about 1e-13 relative to the bracket.
    """
    from scipy.stats import chi2, ncx2

    x = np.atleast_1d(np.asarray(statistic, dtype=float))
    k = np.broadcast_to(np.asarray(df, dtype=float), x.shape)
    out = np.zeros(x.shape)
    todo = np.flatnonzero(chi2.cdf(x, k) > target)
    if todo.size == 0:
        return out
    x, k = x[todo], k[todo]
    low, high = np.zeros(x.shape), np.maximum(x, 1.0)
    for _ in range(200):  # widen until the cdf at the upper end is at or below target
        above = ncx2.cdf(x, k, high) > target
        if not above.any():
            break
        high = np.where(above, high * 2.0, high)
    for _ in range(45):
        mid = (low + high) / 2.0
        above = ncx2.cdf(x, k, mid) > target
        low, high = np.where(above, mid, low), np.where(above, high, mid)
    out[todo] = (low + high) / 2.0
    return out


def chi_square_effects(
    statistic: npt.ArrayLike,
    df: npt.ArrayLike,
    n: npt.ArrayLike,
    k_minus_1: npt.ArrayLike = 1,
    threshold: float | None = None,
    confidence: float = 0.95,
) -> list[EffectSize]:
    """:func:`chi_square_effect` for many statistics at once (e.g. every feature of a wide table)."""
    x, k, m, k1 = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, dtype=float)) for v in (statistic, df, n, k_minus_1)))
    ok = (m > 0) & (k > 0) & np.isfinite(x)
    scale = np.where(ok, m * k1, 1.0)
    alpha = 1.0 - confidence
    xs, ks = np.where(ok, x, 0.0), np.where(ok, k, 1.0)
    value = np.sqrt(np.maximum(xs - ks, 0.0) / scale)
    low = np.sqrt(noncentrality_bounds(xs, ks, 1.0 - alpha / 2) / scale)
    high = np.sqrt(noncentrality_bounds(xs, ks, alpha / 2) / scale)
    p = np.full(x.shape, math.nan)
    if threshold is not None:
        from scipy.stats import chi2, ncx2

        lam0 = scale * threshold * threshold
        p = np.where(lam0 > 0, ncx2.sf(xs, ks, np.maximum(lam0, 1e-300)), chi2.sf(xs, ks))
    return [EffectSize(float(value[i]), float(min(low[i], value[i])), float(max(high[i], value[i])), float(p[i]))
            if ok[i] else EffectSize(math.nan, math.nan, math.nan, math.nan) for i in range(x.size)]


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
    return chi_square_effects(statistic, df, n, k_minus_1, threshold, confidence)[0]


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


__all__ = ["EffectSize", "chi_square_effect", "chi_square_effects", "noncentrality_bounds", "pearson_chi_square"]
