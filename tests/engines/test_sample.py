"""The row sample: bounded, stratified, deterministic, order-independent and exactly mergeable."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditor.engines.pandas import ProfilePlan, profile_frame
from auditor.engines.sample import PER_CELL, SAMPLE_SIZE


def frame(n: int = 30_000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "group": rng.choice(["a", "b", "rare"], n, p=[0.7, 0.2995, 0.0005]),
        "x": rng.normal(size=n).round(3),
        "city": rng.choice(["p", "q", "r"], n),
        "label": rng.integers(0, 2, n),
    })


PLAN = ProfilePlan(protected=("group",), target="label", features=("x", "city"))


def test_sample_is_bounded_and_keeps_small_groups() -> None:
    data = frame()
    sample = profile_frame(data, dataset="t", plan=PLAN).sample
    assert sample is not None
    assert len(sample.rows) <= SAMPLE_SIZE + 3 * PER_CELL
    assert sample.n_rows == len(data)
    counts = sample.rows["group"].value_counts()
    assert counts["rare"] == (data["group"] == "rare").sum()  # fewer than PER_CELL: all kept
    assert counts["a"] >= PER_CELL and counts["b"] >= PER_CELL
    assert list(sample.rows.columns) == ["x", "city", "group", "label"]


def test_sample_does_not_depend_on_row_order() -> None:
    data = frame()
    a = profile_frame(data, dataset="t", plan=PLAN).sample
    b = profile_frame(data.sample(frac=1, random_state=3), dataset="t", plan=PLAN).sample
    pd.testing.assert_frame_equal(a.rows, b.rows)


@pytest.mark.parametrize("cut", [1, 5000, 17_123])
def test_sample_of_the_whole_equals_merge_of_the_parts(cut: int) -> None:
    data = frame()
    whole = profile_frame(data, dataset="t", plan=PLAN).sample
    merged = profile_frame(data.iloc[:cut], dataset="t", plan=PLAN).merge(
        profile_frame(data.iloc[cut:], dataset="t", plan=PLAN)).sample
    pd.testing.assert_frame_equal(whole.rows, merged.rows)
    assert np.array_equal(whole.keys, merged.keys)
    assert whole.n_rows == merged.n_rows == len(data)


def test_no_sample_without_features_or_groups() -> None:
    data = frame(1000)
    assert profile_frame(data, dataset="t", plan=ProfilePlan(protected=("group",), target="label")).sample is None
    assert profile_frame(data, dataset="t", plan=ProfilePlan(features=("x",))).sample is None


@pytest.mark.parametrize("seed", range(5))
def test_the_smallest_keys_are_those_of_a_stable_sort_ties_included(seed: int) -> None:
    from auditor.engines.sample import _select

    rng = np.random.default_rng(seed)
    for _ in range(100):
        n = int(rng.integers(1, 2_000))
        keys = rng.integers(0, int(rng.integers(1, 50)), n).astype(np.uint64) * np.uint64(2**58)  # many ties
        size = int(rng.integers(0, n + 5))
        expected = np.arange(n) if size >= n else np.sort(np.argsort(keys, kind="stable")[:size])
        assert np.array_equal(_select(keys, np.zeros(n, dtype=np.int64), size, 0), expected)
