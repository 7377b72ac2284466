"""Sufficiency: rows per group × label vs the rows a ±half-width Wilson interval needs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from quality_context import only, run
from statsmodels.stats.proportion import proportion_confint

from auditor.checks.rates import half_width, needed_rows
from auditor.evidence.model import Status

Z = 1.959963984540054


@pytest.mark.parametrize("h", [0.01, 0.03, 0.05, 0.1])
def test_needed_rows_is_the_smallest_n_whose_wilson_interval_is_narrow_enough(h: float) -> None:
    n = needed_rows(h, Z)

    def widest(rows: int) -> float:
        low, high = proportion_confint(rows // 2, rows, alpha=0.05, method="wilson")
        return (high - low) / 2

    assert widest(n if n % 2 == 0 else n + 1) <= h + 1e-12
    assert widest(n - 2 if n % 2 == 0 else n - 1) > h
    assert half_width(np.array([n]), Z)[0] <= h < half_width(np.array([n - 1]), Z)[0]


def test_shortfall_per_group_and_label() -> None:
    frame = pd.DataFrame({
        "sex": ["F"] * 1000 + ["M"] * 500 + ["X"] * 5,
        "label": [0] * 600 + [1] * 400 + [0] * 450 + [1] * 50 + [1] * 5,
    })
    finding = only(run("quality.sufficiency", {"training": frame}, {"target": "label", "protected": ["sex"]}))
    params = finding.message.params
    assert finding.status == Status.WARN and params["needed"] == 381
    short = {tuple(f["group"].values()): f for f in params["flagged"]}
    assert set(short) == {("M", "1"), ("X", "1")}
    assert short[("M", "1")]["shortfall"] == 331 and short[("M", "1")]["n"] == 50
    assert short[("X", "1")]["n"] is None and short[("X", "1")]["shortfall"] is None  # below the privacy floor
    loose = only(run("quality.sufficiency", {"training": frame}, {"target": "label", "protected": ["sex"]},
                     thresholds={"max_ci_half_width": 0.5}))
    assert loose.status == Status.PASS
