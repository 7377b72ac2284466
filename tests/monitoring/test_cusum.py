"""The CUSUM across runs: Page's recursion, and the effect-size floor on its allowance."""

from __future__ import annotations

import numpy as np

from auditor.monitoring.cusum import allowance, cusum, log_ratio_se
from auditor.stats.comparisons import rate_ratio


def test_the_recursion_matches_a_direct_implementation() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(0.3, 1.0, 200)
    upper = lower = 0.0
    first = None
    for i, v in enumerate(z):
        upper, lower = max(0.0, upper + v - 0.5), max(0.0, lower - v - 0.5)
        if first is None and max(upper, lower) > 8:
            first = i
    state = cusum(z, k=0.5, h=8)
    assert (state.upper, state.lower, state.alarm_at) == (upper, lower, first)
    resumed = cusum(z[100:], k=0.5, h=8, start=(cusum(z[:100], k=0.5, h=8).upper, cusum(z[:100], k=0.5, h=8).lower))
    assert resumed.upper == state.upper and resumed.lower == state.lower


def test_in_control_false_alarms_are_rare() -> None:
    rng = np.random.default_rng(1)
    alarms = sum(cusum(rng.normal(0, 1, 200), k=0.5, h=8).alarm_at is not None for _ in range(500))
    assert alarms / 500 <= 0.05  # in-control ARL ≈ 9,500 per direction (Siegmund), i.e. ≈ 4 % over 200 runs


def test_the_standard_error_comes_back_from_the_katz_interval() -> None:
    est = rate_ratio(120, 1000, 100, 1000)
    log_ratio, se = log_ratio_se(float(est.ratio), (float(est.low), float(est.high)))
    assert log_ratio == np.log(1.2) and abs(se - float(est.se_log)) < 1e-9
    assert log_ratio_se(None, (0.5, 2.0)) is None and log_ratio_se(1.0, (0.0, 2.0)) is None


def test_a_trivial_change_measured_precisely_accumulates_nothing() -> None:
    # a 2 % higher rate measured on a million rows per batch: 7 standard errors every batch
    est = rate_ratio(204_000, 1_000_000, 200_000, 1_000_000)
    log_ratio, se = log_ratio_se(float(est.ratio), (float(est.low), float(est.high)))
    assert log_ratio / se > 6
    k = allowance(se, k=0.5, min_log_ratio=0.05)
    assert cusum([log_ratio / se] * 50, k=[k] * 50, h=8).alarm_at is None
    assert cusum([log_ratio / se] * 50, k=0.5, h=8).alarm_at == 1  # without the floor it alarms at the second batch
