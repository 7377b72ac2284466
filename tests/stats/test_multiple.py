"""Holm and Benjamini–Hochberg adjusted p-values equal statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from auditor.stats.multiple import benjamini_hochberg, holm


@pytest.mark.parametrize("seed", range(5))
def test_holm_and_bh_equal_statsmodels(seed: int) -> None:
    p = np.random.default_rng(seed).uniform(0, 0.2, 12)
    assert holm(p) == pytest.approx(multipletests(p, method="holm")[1], abs=1e-15)
    assert benjamini_hochberg(p) == pytest.approx(multipletests(p, method="fdr_bh")[1], abs=1e-15)


def test_nan_entries_are_not_counted() -> None:
    p = np.array([0.01, np.nan, 0.04, 0.03])
    adjusted = holm(p)
    assert np.isnan(adjusted[1])
    assert adjusted[[0, 2, 3]] == pytest.approx(multipletests(p[[0, 2, 3]], method="holm")[1])
