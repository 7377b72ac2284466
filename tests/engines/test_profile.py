"""The profile engine: mergeable, order-independent, exact counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.engines.pandas import ProfilePlan, profile_frame
from auditor.engines.profile import COUNT, LABEL, PREDICTION, Profile, canonical_label, sketch_keys, sketch_value

PLAN = ProfilePlan(protected=("sex", "age"), target="label", prediction="pred", score="score")


def make_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "sex": rng.choice(["F", "M", "X"], n, p=[0.5, 0.45, 0.05]),
        "age": rng.choice(["18-26", "27-44", "45+"], n),
        "label": rng.integers(0, 2, n),
        "pred": rng.integers(0, 2, n),
        "score": rng.random(n),
        "income": rng.normal(2000, 500, n),
        "count": rng.integers(0, 20, n),
        "when": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
    })
    frame.loc[rng.random(n) < 0.1, "income"] = np.nan
    frame.loc[rng.random(n) < 0.02, "sex"] = None
    frame.loc[rng.random(n) < 0.01, "score"] = np.nan
    return frame


def assert_profiles_equal(a: Profile, b: Profile) -> None:
    assert a.n_rows == b.n_rows
    assert a.row_missing == b.row_missing
    assert list(a.columns) == list(b.columns)
    for name, col in a.columns.items():
        other = b.columns[name]
        assert (col.kind, col.n_missing, col.counts) == (other.kind, other.n_missing, other.counts), name
        if col.numeric is not None:
            assert other.numeric is not None
            assert col.numeric.n == other.numeric.n
            assert col.numeric.sketch == other.numeric.sketch
            assert (col.numeric.min, col.numeric.max) == (other.numeric.min, other.numeric.max)
            assert col.numeric.total == pytest.approx(other.numeric.total, rel=1e-9)
    assert a.groups is not None and b.groups is not None
    pd.testing.assert_frame_equal(a.groups.cells, b.groups.cells)
    pd.testing.assert_frame_equal(a.groups.missing, b.groups.missing)
    pd.testing.assert_frame_equal(a.groups.scores, b.groups.scores)


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 1999), min_size=1, max_size=5, unique=True))
def test_profile_of_whole_equals_merge_of_chunks(cuts: list[int]) -> None:
    frame = make_frame(2000)
    whole = profile_frame(frame, dataset="training", plan=PLAN)
    bounds = [0, *sorted(cuts), len(frame)]
    parts = [profile_frame(frame.iloc[a:b], dataset="training", plan=PLAN) for a, b in zip(bounds, bounds[1:]) if b > a]
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.merge(part)
    assert_profiles_equal(whole, merged)


def test_row_order_does_not_matter() -> None:
    frame = make_frame(3000, seed=3)
    shuffled = frame.sample(frac=1.0, random_state=11)
    assert_profiles_equal(profile_frame(frame, dataset="t", plan=PLAN), profile_frame(shuffled, dataset="t", plan=PLAN))


def test_contingency_table_counts_exactly() -> None:
    frame = make_frame(5000, seed=5)
    cells = profile_frame(frame, dataset="t", plan=PLAN).groups.cells
    assert cells[COUNT].sum() == len(frame)
    expected = frame.groupby(["sex", "age", "label", "pred"], dropna=False).size()
    for (sex, age, label, pred), n in expected.items():
        sex_key = None if isinstance(sex, float) else sex
        same_sex = cells["sex"].isna() if sex_key is None else cells["sex"] == sex_key
        hit = cells[same_sex & (cells["age"] == age)
                    & (cells[LABEL] == str(label)) & (cells[PREDICTION] == str(pred))]
        assert int(hit[COUNT].sum()) == n


def test_missing_by_group_counts_exactly() -> None:
    frame = make_frame(4000, seed=9)
    missing = profile_frame(frame, dataset="t", plan=PLAN).groups.missing
    got = missing[missing["column"] == "income"].groupby("age")[COUNT].sum()
    want = frame[frame["income"].isna()].groupby("age").size()
    assert got.to_dict() == want.to_dict()


def test_canonical_labels_unify_int_float_and_text() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, np.nan], "b": [1, 2, 3], "c": ["1", "2", None]})
    plan = ProfilePlan()
    prof = profile_frame(frame, dataset="t", plan=plan)
    assert prof.columns["a"].counts == prof.columns["c"].counts == {"1": 1, "2": 1}
    assert canonical_label(np.float64(3.0)) == "3" and canonical_label(True) == "True"


def test_sketch_quantiles_are_within_relative_accuracy() -> None:
    rng = np.random.default_rng(1)
    values = rng.lognormal(3, 1, 50_000)
    prof = profile_frame(pd.DataFrame({"v": values}), dataset="t", plan=ProfilePlan())
    numeric = prof.columns["v"].numeric
    assert numeric is not None
    for q in (0.1, 0.5, 0.9, 0.99):
        assert numeric.quantile(q) == pytest.approx(np.quantile(values, q), rel=0.03)
    assert numeric.mean == pytest.approx(values.mean())
    assert numeric.std == pytest.approx(values.std(ddof=1))


def test_sketch_keys_are_monotone() -> None:
    values = np.array([-1000.0, -1.0, -0.001, 0.0, 0.001, 1.0, 1.5, 1000.0])
    keys = sketch_keys(values)
    assert list(keys) == sorted(keys)
    for v, k in zip(values, keys, strict=True):
        assert sketch_value(int(k)) == pytest.approx(v, rel=0.011, abs=1e-12)


def test_high_cardinality_columns_keep_no_counts_on_either_side_of_a_merge() -> None:
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(1500)]})
    whole = profile_frame(frame, dataset="t", plan=ProfilePlan())
    merged = profile_frame(frame.iloc[:700], dataset="t", plan=ProfilePlan()).merge(
        profile_frame(frame.iloc[700:], dataset="t", plan=ProfilePlan()))
    assert whole.columns["id"].counts is None and merged.columns["id"].counts is None
