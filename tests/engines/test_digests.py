"""Row digests: exact counts, example rows, canonical hashing, and exact merging."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.engines.digests import Digests, HashCounts, apply_missing_values
from auditor.engines.pandas import ProfilePlan, profile_frame
from auditor.spec.quality import ColumnRule
from auditor.validation.expressions import parse_expression
from auditor.validation.plan import QualityPlan

PLAN = ProfilePlan(protected=("sex",), target="label", id="id", features=("age", "city", "income"),
                   quality=QualityPlan(rules=(ColumnRule("age", min=18, max=99),),
                                       cross_field=(("income_positive", parse_expression("income >= 0")),),
                                       date_column="when"))


def make_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "id": [f"P{i:05d}" for i in range(n)],
        "sex": rng.choice(["F", "M"], n),
        "age": rng.integers(10, 100, n),
        "city": rng.choice(["A", "B", "C", "?"], n),
        "income": rng.choice([-8.0, 0.0, 1000.0, 2500.5, np.nan], n),
        "label": rng.integers(0, 2, n),
        "when": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
    })
    # planted: 7 copies of earlier rows (ids too), 3 ids reused with other content
    copies = rng.choice(n // 2, 7, replace=False)
    frame.iloc[n - 7:] = frame.iloc[copies].to_numpy()
    frame.loc[n - 10:n - 8, "id"] = frame.loc[0:2, "id"].to_numpy()
    return frame


def test_duplicate_rows_and_ids_are_counted_exactly_with_their_rows() -> None:
    frame = make_frame(500)
    digests = profile_frame(frame, dataset="training", plan=PLAN).digests
    assert digests is not None
    rows, ids = digests.rows, digests.ids
    assert rows.n_repeated == int(frame.duplicated().sum()) == 7
    assert ids is not None and ids.n_repeated == int(frame["id"].duplicated().sum()) == 10
    expected = np.flatnonzero(frame.duplicated().to_numpy())
    assert rows.repeats.tolist() == expected.tolist()
    earlier = rows.first_of(rows.repeat_hashes)
    for later, first in zip(rows.repeats, earlier, strict=True):
        assert frame.iloc[later].equals(frame.iloc[first]) and first < later


def test_record_hash_ignores_column_order_and_int_vs_float() -> None:
    a = pd.DataFrame({"x": [1, 2, 3], "y": ["a", "b", "c"]})
    b = pd.DataFrame({"y": ["a", "b", "c"], "x": [1.0, 2.0, 3.0]})
    da = profile_frame(a, dataset="training", plan=ProfilePlan()).digests
    db = profile_frame(b, dataset="test", plan=ProfilePlan()).digests
    assert da is not None and db is not None
    assert da.rows.hashes.tolist() == db.rows.hashes.tolist()
    assert da.fingerprints["x"] == db.fingerprints["x"]


def test_model_outputs_are_not_part_of_the_record() -> None:
    frame = pd.DataFrame({"x": [1, 1], "label": [0, 0], "score": [0.1, 0.9], "pred": [0, 1]})
    digests = profile_frame(frame, dataset="test", plan=ProfilePlan(target="label", score="score", prediction="pred")).digests
    assert digests is not None and digests.rows.columns == ("label", "x") and digests.rows.n_repeated == 1


def test_missing_value_codes_are_counted_and_declared_codes_replaced() -> None:
    frame = pd.DataFrame({"n": [1, -1, 5, -1, 99], "t": [" ?", "a", "b", "?", "unknown"]})
    out, counts = apply_missing_values(frame, {"n": (-1,), "t": ("?",)})
    assert counts == {"n": {"-1": 2}, "t": {" ?": 1, "?": 1}}
    assert out["n"].isna().sum() == 2 and out["t"].isna().sum() == 2
    assert frame["n"].isna().sum() == 0  # the input is not modified
    profile = profile_frame(frame, dataset="training", plan=ProfilePlan(quality=QualityPlan(missing_values={"n": (-1,)})))
    assert profile.columns["n"].n_missing == 2
    assert profile.digests is not None
    assert profile.digests.treated_missing == {"n": {"-1": 2}}
    assert profile.digests.codes == {"n": {"99": 1}, "t": {" ?": 1, "?": 1, "unknown": 1}}


def _assert_digests_equal(a: Digests, b: Digests) -> None:
    for name in ("rows", "ids", "features"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), name
        if x is None:
            continue
        for field in ("hashes", "counts", "first", "repeats", "repeat_hashes", "groups"):
            left, right = getattr(x, field), getattr(y, field)
            assert (left is None and right is None) or left.tolist() == right.tolist(), (name, field)
        assert (x.columns, x.n_skipped) == (y.columns, y.n_skipped)
    assert a.fingerprints == b.fingerprints
    assert a.codes == b.codes and a.treated_missing == b.treated_missing
    assert a.dates == b.dates
    assert [r.to_dict() for r in a.rules] == [r.to_dict() for r in b.rules]
    assert a.label_tables is not None and b.label_tables is not None
    for key, table in a.label_tables.tables.items():
        pd.testing.assert_frame_equal(table, b.label_tables.tables[key])


@pytest.mark.slow
@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(1, 499), min_size=1, max_size=4, unique=True))
def test_digest_of_whole_equals_merge_of_chunks(cuts: list[int]) -> None:
    frame = make_frame(500)
    whole = profile_frame(frame, dataset="training", plan=PLAN)
    bounds = [0, *sorted(cuts), len(frame)]
    parts = [profile_frame(frame.iloc[a:b], dataset="training", plan=PLAN) for a, b in itertools.pairwise(bounds)]
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.merge(part)
    assert whole.digests is not None and merged.digests is not None
    _assert_digests_equal(whole.digests, merged.digests)


def test_hash_counts_merge_finds_repeats_across_parts() -> None:
    a = HashCounts.from_hashes(np.array([5, 6, 5], dtype=np.uint64), ("x",))
    b = HashCounts.from_hashes(np.array([7, 6, 8], dtype=np.uint64), ("x",))
    merged = a.merge(b, offset=3)
    whole = HashCounts.from_hashes(np.array([5, 6, 5, 7, 6, 8], dtype=np.uint64), ("x",))
    assert merged.repeats.tolist() == whole.repeats.tolist() == [2, 4]
    assert merged.first.tolist() == whole.first.tolist() == [0, 1, 3, 5]
    assert merged.n_repeated == 2


def test_rule_results_are_positional_even_with_another_index() -> None:
    frame = make_frame(300).set_index("id", drop=False)
    profile = profile_frame(frame, dataset="training", plan=PLAN)
    assert profile.digests is not None
    result = next(r for r in profile.digests.rules if r.rule == "min")
    too_young = np.flatnonzero((frame["age"] < 18).to_numpy())
    assert result.n_failed == too_young.size
    assert list(result.rows) == too_young[:20].tolist()


@pytest.mark.parametrize("n", [0, 1])
def test_tiny_frames(n: int) -> None:
    frame = make_frame(20).iloc[:n]
    profile = profile_frame(frame, dataset="training", plan=PLAN)
    assert profile.digests is not None and profile.digests.rows.n_rows == n
