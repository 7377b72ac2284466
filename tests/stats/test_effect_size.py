"""Chi-square statistics equal scipy; effect-size intervals and tests agree with each other."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import chi2_contingency, chisquare

from auditor.stats.effect_size import chi_square_effect, pearson_chi_square


@pytest.mark.parametrize("seed", range(5))
def test_pearson_chi_square_equals_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    table = rng.integers(0, 400, size=(rng.integers(2, 7), rng.integers(2, 5)))
    table[:, 0] += 1
    statistic, df, k1 = pearson_chi_square(table)
    expected = chi2_contingency(table, correction=False)
    assert statistic == pytest.approx(expected.statistic, rel=1e-12)
    assert df == expected.dof
    assert k1 == min(table.shape) - 1


def test_empty_rows_and_columns_are_left_out_as_scipy_requires() -> None:
    table = np.array([[10, 0, 5], [0, 0, 0], [7, 0, 9]])
    statistic, df, _ = pearson_chi_square(table)
    expected = chi2_contingency(table[[0, 2]][:, [0, 2]], correction=False)
    assert statistic == pytest.approx(expected.statistic) and df == expected.dof


def test_goodness_of_fit_effect_uses_scipy_statistic() -> None:
    observed = np.array([359, 2403, 2931, 307])
    shares = np.array([0.14, 0.36, 0.44, 0.06])
    statistic = chisquare(observed, observed.sum() * shares).statistic
    w = chi_square_effect(statistic, 3, observed.sum())
    assert w.value == pytest.approx(math.sqrt((statistic - 3) / observed.sum()))
    assert w.low <= w.value <= w.high


def test_cramers_v_is_bias_corrected_under_independence() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 50, 2000), rng.integers(0, 3, 2000)  # independent, many categories
    table = np.zeros((50, 3))
    np.add.at(table, (a, b), 1)
    statistic, df, k1 = pearson_chi_square(table)
    plain = math.sqrt(statistic / (table.sum() * k1))
    effect = chi_square_effect(statistic, df, table.sum(), k1, threshold=0.15)
    assert plain > 0.08  # the plain V is biased upward with many cells
    assert effect.value < plain / 1.5
    assert effect.low == 0.0  # the interval includes "no association"
    assert effect.p_beyond > 0.5


@pytest.mark.parametrize("threshold", [0.1, 0.2, 0.3])
def test_test_against_threshold_agrees_with_interval(threshold: float) -> None:
    for statistic in (5.0, 30.0, 120.0, 400.0, 2000.0):
        e = chi_square_effect(statistic, 4, 2000, 2, threshold=threshold)
        assert (e.p_beyond < 0.025) == (e.low > threshold)


def test_interval_covers_the_true_effect() -> None:
    rng = np.random.default_rng(5)
    p = np.array([[0.2, 0.1], [0.1, 0.2], [0.2, 0.2]])
    true_w = math.sqrt((((p - np.outer(p.sum(1), p.sum(0))) ** 2) / np.outer(p.sum(1), p.sum(0))).sum())
    covered = 0
    for _ in range(200):
        table = rng.multinomial(800, p.ravel()).reshape(3, 2)
        statistic, df, k1 = pearson_chi_square(table)
        e = chi_square_effect(statistic, df, 800, k1)
        covered += e.low <= true_w <= e.high
    assert covered >= 180  # nominal 95 %: 190 of 200


def test_noncentrality_bounds_equal_brentq() -> None:
    from scipy.optimize import brentq
    from scipy.stats import ncx2

    from auditor.stats.effect_size import noncentrality_bounds

    statistics = np.array([0.5, 3.0, 8.0, 40.0, 400.0, 5_000.0, 120_000.0])
    for df in (1, 4, 30):
        for target in (0.025, 0.975):
            got = noncentrality_bounds(statistics, df, target)
            for x, lam in zip(statistics, got, strict=True):
                if ncx2.cdf(x, df, 1e-12) <= target:  # even λ = 0 is below the target
                    assert lam == 0.0
                    continue
                expected = brentq(lambda m, x=x, df=df, target=target: ncx2.cdf(x, df, m) - target, 0.0, 4 * x + 100, xtol=1e-14, rtol=1e-14)
                assert lam == pytest.approx(expected, rel=1e-9, abs=1e-9)
