"""Drift measures against scipy on raw rows: PSI, Jensen–Shannon, KS, Wasserstein, mean shift."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

from auditor.monitoring import measures
from auditor.monitoring.measures import sketch_levels, sorted_quantiles


def _sketch(values: np.ndarray, n: int = 1000) -> np.ndarray:
    return sorted_quantiles(np.sort(values), sketch_levels(n))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_psi_is_the_symmetrised_kl_divergence_of_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ref = rng.integers(50, 500, 10)
    batch = rng.integers(50, 500, 10)
    p, q = ref / ref.sum(), batch / batch.sum()
    expected = stats.entropy(q, p) + stats.entropy(p, q)
    assert float(measures.psi(ref, batch)) == pytest.approx(expected, rel=1e-12)


def test_psi_of_a_known_shift_matches_the_closed_form() -> None:
    # decile bins of N(0,1) against N(0.3,1): PSI = 0.0860550 (computed from the normal CDF)
    edges = stats.norm.ppf(np.arange(1, 10) / 10)
    p = np.diff(np.r_[0, stats.norm.cdf(edges), 1])
    q = np.diff(np.r_[0, stats.norm.cdf(edges - 0.3), 1])
    assert float(measures.psi(p * 1e6, q * 1e6)) == pytest.approx(0.0860550458, abs=1e-9)


def test_psi_empty_bins_are_corrected_and_stay_finite() -> None:
    value = float(measures.psi([100, 0, 50, 0], [80, 20, 50, 0]))
    assert np.isfinite(value) and value > 0
    assert float(measures.psi([10, 20, 0], [10, 20, 0])) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_jensen_shannon_distance_equals_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ref = rng.integers(0, 300, (4, 12))
    batch = rng.integers(0, 300, (4, 12))
    ours = measures.js_distance(ref, batch)
    for i in range(4):
        assert ours[i] == pytest.approx(jensenshannon(ref[i], batch[i], base=2), abs=1e-12)


@pytest.mark.parametrize("shift", [0.0, 0.1, 0.3])
def test_ks_from_the_sketch_is_within_two_over_q_of_scipy(shift: float) -> None:
    rng = np.random.default_rng(3)
    ref = rng.normal(0, 1, 50_000)
    batch = rng.normal(shift, 1.2, 20_000)
    ours = measures.ks_statistic(_sketch(ref), np.sort(batch))
    exact = stats.ks_2samp(ref, batch).statistic
    assert abs(ours - exact) <= 2 / 1000 + 1e-12


def test_ks_handles_ties_in_discrete_features() -> None:
    rng = np.random.default_rng(4)
    ref = rng.poisson(1.0, 40_000).astype(float)
    batch = rng.poisson(1.3, 20_000).astype(float)
    ours = measures.ks_statistic(_sketch(ref), np.sort(batch))
    assert abs(ours - stats.ks_2samp(ref, batch).statistic) <= 2 / 1000 + 1e-12


def test_ks_p_value_matches_scipy_asymptotic() -> None:
    rng = np.random.default_rng(5)
    ref, batch = rng.normal(0, 1, 5000), rng.normal(0.05, 1, 4000)
    d = stats.ks_2samp(ref, batch).statistic
    exact = stats.ks_2samp(ref, batch, method="asymp").pvalue
    assert measures.ks_p_value(d, 5000, 4000) == pytest.approx(exact, rel=1e-6)


@pytest.mark.parametrize(("shift", "scale"), [(0.0, 1.0), (0.3, 1.0), (0.0, 1.5), (1.0, 0.7)])
def test_wasserstein_from_the_sketch_matches_scipy(shift: float, scale: float) -> None:
    rng = np.random.default_rng(6)
    ref = rng.normal(0, 1, 50_000)
    batch = rng.normal(shift, scale, 30_000)
    ours = measures.wasserstein(_sketch(ref), np.sort(batch))
    exact = stats.wasserstein_distance(ref, batch)
    assert ours == pytest.approx(exact, abs=0.01)


def test_mean_shift_and_its_interval() -> None:
    est = measures.mean_shift(10.0, 2.0, 10_000, 10.6, 2.0, 10_000)
    assert float(est.value) == pytest.approx(0.3)
    se = np.sqrt(4 / 10_000 + 4 / 10_000) / 2
    assert float(est.low) == pytest.approx(0.3 - 1.959964 * se, rel=1e-5)
    assert np.isnan(measures.mean_shift(1.0, 0.0, 100, 1.0, 1.0, 100).value)


def test_psi_interval_covers_the_true_value_most_of_the_time() -> None:
    edges = stats.norm.ppf(np.arange(1, 10) / 10)
    p = np.diff(np.r_[0, stats.norm.cdf(edges), 1])
    q = np.diff(np.r_[0, stats.norm.cdf(edges - 0.5), 1])
    truth = float(measures.psi(p, q))
    rng = np.random.default_rng(7)
    covered = 0
    for i in range(40):
        ref = rng.multinomial(20_000, p)
        batch = rng.multinomial(5_000, q)
        est = measures.psi_interval(ref, batch, seed=i)
        covered += bool(est.low[0] <= truth <= est.high[0])
    assert covered >= 34  # nominal 95 %: 38 of 40; the percentile bootstrap is biased upwards a little


def test_beyond_p_is_small_only_when_the_data_show_it() -> None:
    est = measures.Estimate(np.array([0.5, 0.26, 0.05]), np.array([0.45, 0.1, 0.0]), np.array([0.55, 0.4, 0.1]),
                            np.array([0.02, 0.08, 0.02]))
    beyond, p = measures.beyond_p(est, 0.25)
    assert beyond.tolist() == [True, True, False]
    assert p[0] < 1e-6 and 0.3 < p[1] < 0.5 and p[2] > 0.99
