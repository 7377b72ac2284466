"""AUC from ordered buckets equals scikit-learn; its DeLong error equals the row-level algorithm."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import rankdata
from sklearn.metrics import roc_auc_score

from auditor.stats.auc import bucket_auc


def delong_rows(y: np.ndarray, s: np.ndarray) -> tuple[float, float]:
    """DeLong AUC and standard error from rows (midranks; Sun & Xu 2014)."""
    x, z = s[y == 1], s[y == 0]
    m, n = len(x), len(z)
    tx, tz, t = rankdata(x), rankdata(z), rankdata(np.r_[x, z])
    auc = (t[:m].sum() - m * (m + 1) / 2) / (m * n)
    v10 = (t[:m] - tx) / n
    v01 = 1 - (t[m:] - tz) / m
    return auc, float(np.sqrt(np.var(v10, ddof=1) / m + np.var(v01, ddof=1) / n))


def buckets(y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keys = np.unique(s)
    index = np.searchsorted(keys, s)
    return np.bincount(index[y == 1], minlength=len(keys)), np.bincount(index[y == 0], minlength=len(keys))


@pytest.mark.parametrize("seed", range(5))
def test_auc_and_delong_se_are_exact_with_one_bucket_per_score(seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 700)
    s = rng.integers(1, 11, 700) + 2 * y  # decile-like scores with ties
    est = bucket_auc(*buckets(y, s))
    auc, se = delong_rows(y, s)
    assert est.value == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    assert est.value == pytest.approx(auc, abs=1e-12)
    assert est.se == pytest.approx(se, rel=1e-9)
    assert est.low <= est.value <= est.high


def test_auc_without_both_labels_is_undefined() -> None:
    est = bucket_auc([3, 4], [0, 0])
    assert np.isnan(est.value) and est.n_positive == 7 and est.n_negative == 0
