"""profile(whole) == merge(profile(chunks)) for every check's findings, and the fused pass changes no number."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pandas as pd
import pytest
from audit_helpers import assert_same, findings, plans, profile_frames, sample_case
from parity_data import assert_same_profile, odd_frame, odd_plan

from auditor.engines.associations import feature_table
from auditor.engines.base import ProfilePlan, get_engine, profile_parts
from auditor.engines.pandas import _codes, profile_frame
from auditor.engines.profile import Profile, ProfileMerger, sketch_keys
from auditor.validation.results import RuleResult


@pytest.fixture(scope="module")
def whole() -> tuple[object, list[dict]]:
    spec, profiles = sample_case()
    return spec, findings(spec, profiles)


def chunked(cuts: int):
    def profiler(frame: pd.DataFrame, plan: ProfilePlan, dataset: str) -> Profile:
        bounds = np.linspace(0, len(frame), cuts + 1).astype(int)
        parts = [frame.iloc[a:b].reset_index(drop=True) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]
        return profile_parts(parts, plan, dataset=dataset)
    return profiler


@pytest.mark.parametrize("cuts", [2, pytest.param(7, marks=pytest.mark.slow)])
def test_every_finding_is_the_same_on_merged_chunks(whole: tuple[object, list[dict]], cuts: int) -> None:
    spec, expected = whole
    _, merged = sample_case(chunked(cuts))
    got = findings(spec, merged)
    assert len(expected) > 40 and not any(f["id"].endswith("/error") for f in expected)
    assert [f["id"] for f in got] == [f["id"] for f in expected]
    for a, b in zip(got, expected, strict=True):
        assert_same(a, b, path=a["id"])


def test_merge_is_associative_in_part_order() -> None:
    spec, profiles = sample_case()
    frame = pd.read_parquet(spec.data["training"].path)
    handle = get_engine("pandas").open(spec.data["training"])
    plan = plans(spec, {"training": handle})["training"]
    a, b, c = (profile_frame(frame.iloc[s].reset_index(drop=True), dataset="training", plan=plan)
               for s in (slice(0, 400), slice(400, 900), slice(900, None)))
    left, right = a.merge(b).merge(c), a.merge(b.merge(c))
    assert np.array_equal(left.digests.rows.repeats, right.digests.rows.repeats)
    assert np.array_equal(left.digests.ids.first, right.digests.ids.first)
    assert [r.rows for r in left.digests.rules] == [r.rows for r in right.digests.rules]
    whole_profile = profiles["training"]
    assert np.array_equal(left.digests.rows.first, whole_profile.digests.rows.first)
    assert [r.rows for r in left.digests.rules] == [r.rows for r in whole_profile.digests.rules]


def test_merged_rule_results_decide_success_from_counts() -> None:
    def part(failed: int) -> RuleResult:
        return RuleResult(source="great_expectations", rule="expect_column_values_to_not_be_null", column="x",
                          n_checked=100, n_failed=failed, success=failed <= 10,
                          detail={"kwargs": {"column": "x", "mostly": 0.9}}, key="k")
    # 4 % and 14 % failing: the parts disagree; the whole has 9 % failing, which 'mostly: 0.9' allows
    assert part(4).merge(part(14), 100).success is True
    assert part(4).merge(part(30), 100).success is False
    strict = RuleResult(source="spec", rule="min", column="x", n_checked=10, n_failed=0, success=True, key="s")
    assert strict.merge(dataclasses.replace(strict, n_failed=1, success=False), 10).success is False


def test_the_fused_pass_gives_the_numbers_of_separate_passes() -> None:
    rng = np.random.default_rng(5)
    n = 5000
    frame = pd.DataFrame({
        "g": rng.choice(["a", "b", None], n), "h": rng.choice([1, 2], n), "y": rng.integers(0, 2, n),
        "x": np.where(rng.random(n) < 0.1, np.nan, rng.normal(0, 3, n)), "k": rng.choice(["p", "q", "r"], n),
        "t": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 400, n), unit="D"),
        "inf": np.where(rng.random(n) < 0.01, np.inf, rng.random(n)),
    })
    plan = ProfilePlan(protected=("g", "h"), target="y", features=("x", "k", "t", "inf"))
    fused = profile_frame(frame, dataset="t", plan=plan)
    alone = profile_frame(frame, dataset="t", plan=ProfilePlan(protected=("g", "h"), target="y"))
    assert fused.columns == alone.columns  # sketches from the feature codes == sketches from sketch_keys
    finite = frame["x"].dropna().to_numpy()
    keys, counts = np.unique(sketch_keys(finite), return_counts=True)
    assert fused.columns["x"].numeric.sketch == dict(zip(keys.tolist(), counts.tolist(), strict=True))
    # the feature tables of the pass == the tables computed on their own, and in canonical order
    separate = feature_table(frame, plan.features, plan.protected, [_codes(frame["g"]), _codes(frame["h"])])
    for key, table in separate.tables.items():
        pd.testing.assert_frame_equal(fused.features.tables[key], table)
        doubled = functools.reduce(lambda a, b: a.merge(b), [fused.features, fused.features]).tables[key]
        pd.testing.assert_frame_equal(doubled.drop(columns="n"), table.drop(columns="n"))  # tidy order == pass order
        assert (doubled["n"] == 2 * table["n"]).all()
    assert fused.row_missing == {0: int((frame.isna().sum(axis=1) == 0).sum()), 1: int((frame.isna().sum(axis=1) == 1).sum()),
                                 **({2: int((frame.isna().sum(axis=1) == 2).sum())} if (frame.isna().sum(axis=1) == 2).any() else {})}


def test_value_floor_and_code_lists_are_decided_on_the_whole() -> None:
    n = 400
    city = np.array(["Delft"] * n, dtype=object)
    city[[3, 50, 90, 120, 150, 180]] = "Atlantis"  # 6 failing rows in the first half ...
    city[[210, 250, 290, 320, 350, 390]] = "Atlantis"  # ... and 6 in the second: 12 reach the floor of 10
    code = np.zeros(n)
    code[[5, 300]] = -8
    code[[10]] = 999
    code[[390]] = -1
    frame = pd.DataFrame({"city": city, "code": code, "sex": ["F", "M"] * (n // 2), "y": [0, 1, 1, 0] * (n // 4)})
    spec, whole = profile_frames({"training": frame}, {"target": "y", "protected": ["sex"]},
                                   quality={"rules": {"city": {"allowed": ["Delft"]}}})
    _, first = profile_frames({"training": frame.iloc[:200]}, {"target": "y", "protected": ["sex"]},
                                quality={"rules": {"city": {"allowed": ["Delft"]}}})
    _, second = profile_frames({"training": frame.iloc[200:].reset_index(drop=True)}, {"target": "y", "protected": ["sex"]},
                                 quality={"rules": {"city": {"allowed": ["Delft"]}}})
    merged = first["training"].merge(second["training"])
    rule = next(r for r in whole["training"].digests.rules if r.rule == "allowed")
    again = next(r for r in merged.digests.rules if r.rule == "allowed")
    assert rule.to_dict()["values"] == [{"value": "Atlantis", "count": 12}]
    assert again.to_dict() == rule.to_dict()
    assert merged.digests.codes == whole["training"].digests.codes
    assert list(merged.digests.codes["code"]) == sorted(whole["training"].digests.codes["code"])


@pytest.mark.parametrize("fan_in", [2, 3, 8])
def test_merger_keeps_parts_in_row_order(fan_in: int) -> None:
    frame = odd_frame(1000, seed=3)
    plan = odd_plan(frame)
    merger = ProfileMerger(fan_in)
    parts = [profile_frame(frame.iloc[start:start + 70].reset_index(drop=True), dataset="training", plan=plan)
             for start in range(0, 1000, 70)]  # 15 parts: not a power of the fan-in
    for part in parts:
        merger.add(part)
    whole = profile_frame(frame, dataset="training", plan=plan)
    assert_same_profile(whole, merger.result())
    assert_same_profile(whole, Profile.merge_all(parts))
    assert_same_profile(whole, functools.reduce(Profile.merge, parts))
