"""Intervals and corrections against statsmodels, plus their invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.stats import benjamini_hochberg, holm, rate_ratio, wilson_interval


@pytest.mark.parametrize(("x", "n"), [(0, 10), (5, 10), (10, 10), (1, 1000), (812, 2617), (3, 7)])
def test_wilson_matches_statsmodels(x: int, n: int) -> None:
    from statsmodels.stats.proportion import proportion_confint

    low, high = wilson_interval(x, n)
    ref_low, ref_high = proportion_confint(x, n, alpha=0.05, method="wilson")
    assert float(low) == pytest.approx(ref_low, abs=1e-12)
    assert float(high) == pytest.approx(ref_high, abs=1e-12)


@given(st.integers(min_value=1, max_value=10**7).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_contains_estimate_and_stays_in_unit_interval(xn: tuple[int, int]) -> None:
    x, n = xn
    low, high = wilson_interval(x, n)
    assert 0.0 <= float(low) <= x / n <= float(high) <= 1.0


def test_wilson_of_empty_group_is_undefined() -> None:
    low, high = wilson_interval(0, 0)
    assert math.isnan(float(low)) and math.isnan(float(high))


def test_katz_ratio_matches_textbook_formula() -> None:
    # Katz log interval: exp(log(r) ± z * sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)).
    est = rate_ratio(30, 100, 15, 100)
    ratio, low, high, se = est.ratio, est.low, est.high, est.se_log
    expected_se = math.sqrt(1 / 30 - 1 / 100 + 1 / 15 - 1 / 100)
    assert float(ratio) == pytest.approx(2.0)
    assert float(se) == pytest.approx(expected_se)
    assert float(low) == pytest.approx(2.0 * math.exp(-1.959963984540054 * expected_se))
    assert float(high) == pytest.approx(2.0 * math.exp(1.959963984540054 * expected_se))


@given(st.integers(1, 5000), st.integers(1, 5000), st.floats(0.01, 0.99), st.floats(0.01, 0.99))
def test_katz_ratio_is_symmetric_under_swapping(n1: int, n2: int, p1: float, p2: float) -> None:
    x1, x2 = round(p1 * n1), round(p2 * n2)
    a, b = rate_ratio(x1, n1, x2, n2), rate_ratio(x2, n2, x1, n1)
    r, lo, hi, r2, hi2 = a.ratio, a.low, a.high, b.ratio, b.high
    if x1 > 0 and x2 > 0:
        assert float(r) * float(r2) == pytest.approx(1.0)
        assert float(lo) * float(hi2) == pytest.approx(1.0)
        assert float(lo) <= float(r) <= float(hi)


def test_zero_counts_give_a_finite_interval() -> None:
    est = rate_ratio(0, 50, 10, 50)
    ratio, low, high = est.ratio, est.low, est.high
    assert float(ratio) == 0.0
    assert 0.0 <= float(low) <= float(high) < 1.0


@pytest.mark.parametrize("method", ["holm", "fdr_bh"])
def test_corrections_match_statsmodels(method: str) -> None:
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(7)
    p = rng.uniform(0, 0.2, size=25)
    ours = holm(p) if method == "holm" else benjamini_hochberg(p)
    np.testing.assert_allclose(ours, multipletests(p, method=method)[1], rtol=0, atol=1e-12)


def test_corrections_leave_untested_groups_out() -> None:
    p = np.array([0.01, np.nan, 0.02])
    adjusted = holm(p)
    assert math.isnan(adjusted[1])
    np.testing.assert_allclose(adjusted[[0, 2]], [0.02, 0.02])
