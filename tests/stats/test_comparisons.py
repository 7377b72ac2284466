"""Ratios and differences of proportions equal statsmodels; the tests match the intervals."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from auditor.stats.comparisons import difference_beyond, newcombe_difference, rate_ratio, ratio_beyond

CASES = [(20, 100, 40, 100), (56, 70, 48, 80), (3, 12, 30, 50), (700, 1000, 690, 1000), (1, 400, 9, 380)]


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), CASES)
def test_katz_log_interval_equals_statsmodels(x1: int, n1: int, x2: int, n2: int) -> None:
    r = rate_ratio(x1, n1, x2, n2)
    low, high = confint_proportions_2indep(x1, n1, x2, n2, compare="ratio", method="log")
    assert float(r.ratio) == pytest.approx((x1 / n1) / (x2 / n2), rel=1e-12)
    assert (float(r.low), float(r.high)) == pytest.approx((low, high), rel=1e-9)


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), CASES)
def test_newcombe_interval_equals_statsmodels(x1: int, n1: int, x2: int, n2: int) -> None:
    d, lo, hi = newcombe_difference(x1, n1, x2, n2)
    low, high = confint_proportions_2indep(x1, n1, x2, n2, compare="diff", method="newcomb")
    assert float(d) == pytest.approx(x1 / n1 - x2 / n2, abs=1e-12)
    assert (float(lo), float(hi)) == pytest.approx((low, high), abs=1e-9)


def test_zero_counts_keep_the_interval_finite_and_the_estimate_honest() -> None:
    r = rate_ratio([0, 5, 0], [10, 10, 10], [0, 0, 5], [10, 10, 10])
    assert np.isnan(r.ratio[0])  # 0 / 0: undefined
    assert np.isinf(r.ratio[1])  # only the reference rate is 0
    assert r.ratio[2] == 0
    assert np.all(np.isfinite(r.low)) and np.all(np.isfinite(r.high)) and np.all(np.isfinite(r.se_log))
    beyond, _p, threshold = ratio_beyond(r, 0.8)
    assert list(beyond) == [False, True, True]
    assert list(threshold[1:]) == [1.25, 0.8]


@pytest.mark.parametrize("limit", [0.8, 0.5, 0.9])
def test_ratio_test_rejects_exactly_when_the_interval_excludes_the_threshold(limit: float) -> None:
    rng = np.random.default_rng(7)
    n1, n2 = rng.integers(20, 2000, 300), rng.integers(20, 2000, 300)
    x1, x2 = rng.binomial(n1, rng.uniform(0.05, 0.9, 300)), rng.binomial(n2, rng.uniform(0.05, 0.9, 300))
    r = rate_ratio(x1, n1, x2, n2)
    beyond, p, _ = ratio_beyond(r, limit)
    excludes = (r.high < limit) | (r.low > 1 / limit)
    ok = (x1 > 0) & (x2 > 0)
    assert np.array_equal((beyond & (p < 0.025))[ok], excludes[ok])


def test_difference_test_matches_the_newcombe_interval() -> None:
    rng = np.random.default_rng(11)
    n1, n2 = rng.integers(30, 3000, 200), rng.integers(30, 3000, 200)
    x1, x2 = rng.binomial(n1, rng.uniform(0.1, 0.95, 200)), rng.binomial(n2, rng.uniform(0.1, 0.95, 200))
    gap = 0.05
    beyond, p = difference_beyond(x1, n1, x2, n2, gap)
    _, low, high = newcombe_difference(x1, n1, x2, n2)
    excludes = (low > gap) | (high < -gap)
    assert np.array_equal(beyond & (p < 0.025), excludes)
