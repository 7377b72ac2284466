"""High-cardinality columns: a bounded, mergeable summary (Misra–Gries counters, KMV distinct estimate)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import auditor
from auditor.engines.pandas import profile_column
from auditor.engines.profile import KMV_K, TOP_K, Profile, TopValues, smallest_hashes
from auditor.profile.labels import canonical_label


def _column(n: int = 30_000, seed: int = 1) -> pd.Series:
    rng = np.random.default_rng(seed)
    values = rng.zipf(1.3, n).astype(np.int64)
    values[rng.random(n) < 0.05] = -1  # a missing-value code among many distinct values
    return pd.Series(values, name="x")


def _within_bound(top: TopValues, series: pd.Series) -> None:
    exact = series.value_counts()
    assert top.n == int(exact.sum()) and len(top.counters) <= TOP_K
    assert top.error <= (top.n - sum(top.counters.values())) / (TOP_K + 1)
    for value, count in exact.items():
        low = top.counters.get(canonical_label(value), 0)
        assert low <= count <= low + top.error, value
        if count > top.n / (TOP_K + 1):
            assert canonical_label(value) in top.counters


@pytest.mark.parametrize("cuts", [2, 5])
def test_merged_summary_is_within_the_stated_bound_and_its_hashes_are_exact(cuts: int) -> None:
    series = _column()
    whole = profile_column(series)
    assert whole.counts is None and whole.top is not None
    bounds = np.linspace(0, len(series), cuts + 1).astype(int)
    parts = [profile_column(series.iloc[a:b].reset_index(drop=True)) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    merged = parts[0]
    for p in parts[1:]:
        merged = merged.merge(p)
    for top in (whole.top, merged.top):
        _within_bound(top, series)
    assert np.array_equal(merged.top.hashes, whole.top.hashes)  # KMV merges exactly
    assert merged.top.n_distinct == whole.top.n_distinct


def test_parts_with_exact_counts_merge_to_the_summary_of_the_whole() -> None:
    series = pd.Series([f"v{i % 1500}" for i in range(1800)], name="s")
    a, b = profile_column(series.iloc[:900]), profile_column(series.iloc[900:].reset_index(drop=True))
    assert a.counts is not None and b.counts is not None and a.top is None
    assert a.merge(b).top == profile_column(series).top


def test_the_distinct_estimate_is_within_its_error_of_the_truth() -> None:
    for n in (5_000, 200_000):
        series = pd.Series([f"id-{i}" for i in range(n)], name="id")
        top = profile_column(series).top
        assert top.counters == {}  # every value once: nothing is frequent, nothing listed
        if n < KMV_K:
            assert top.n_distinct == n
        assert abs(top.n_distinct - n) / n <= 4 * top.relative_error  # four standard errors
        assert top.relative_error == pytest.approx(1 / np.sqrt(KMV_K - 2))


def test_numbers_and_their_text_hash_alike_across_parts() -> None:
    ints = profile_column(pd.Series(np.arange(3000), name="x"), "integer")
    floats = profile_column(pd.Series(np.arange(3000, dtype=float), name="x"), "float")
    assert np.array_equal(ints.top.hashes, floats.top.hashes)
    # exact counts of a part (labels) turned into a summary hash the same values the same way
    small = profile_column(pd.Series(np.arange(500), name="x"), "integer")
    big = profile_column(pd.Series(np.arange(500, 3000), name="x"), "integer")
    assert np.array_equal(small.merge(big).top.hashes, ints.top.hashes)


def test_a_high_cardinality_column_through_the_audit_saves_and_says_it_estimates(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    n = 4000
    frame = pd.DataFrame({"case_id": [f"c{i:06d}" for i in range(n)], "free_text": [f"note {rng.integers(1e9)}" for _ in range(n)],
                          "sex": rng.choice(["M", "F"], n), "x": rng.normal(size=n), "label": rng.integers(0, 2, n),
                          "pred": rng.integers(0, 2, n)})
    result = auditor.audit({"data": {"training": frame}, "columns": {"target": "label", "prediction": "pred", "favourable": 1,
                                                                     "protected": ["sex"]}})
    result.save(tmp_path)
    evidence = json.loads((tmp_path / "evidence.json").read_text(encoding="utf-8"))
    assert not [f for f in evidence["findings"] if f["status"] == "error"]
    (summary,) = [c for c in evidence["datasets"][0]["column_summaries"] if c["name"] == "free_text"]
    assert summary["n_distinct"] is None
    estimate = summary["distinct_estimate"]
    assert estimate["exact"] is False and abs(estimate["value"] - frame["free_text"].nunique()) / n <= 4 * estimate["relative_error"]
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "estimate" in html or "schatting" in html



def test_the_bounded_summary_round_trips_through_a_saved_profile(tmp_path: Path) -> None:
    from auditor.engines.base import ProfilePlan
    from auditor.engines.pandas import profile_frame

    frame = pd.DataFrame({"t": [f"t{i}" for i in range(2500)] + ["t1"] * 50, "x": np.arange(2550) % 1700})
    profile = profile_frame(frame, dataset="training", plan=ProfilePlan())
    assert profile.columns["t"].top.counters == {"t1": 50}  # 51 copies, less the 1 of the 101st value
    path = profile.save(tmp_path / "profile.json")
    loaded = Profile.load(path)
    for name in ("t", "x"):
        assert loaded.columns[name].top == profile.columns[name].top and loaded.columns[name].counts is None
    # a version-1 document (no "top") still reads: the column has neither counts nor top values
    document = json.loads(path.read_text(encoding="utf-8"))
    document["header"]["profile_version"] = 1
    for column in document["profile"]["columns"]:
        column.pop("top")
    (tmp_path / "v1.json").write_text(json.dumps(document), encoding="utf-8")
    assert Profile.load(tmp_path / "v1.json").columns["t"].top is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), max_size=6000), st.integers(0, 5), st.sampled_from([1, 7, KMV_K]))
def test_smallest_hashes_are_the_smallest_distinct_ones(values: list[int], copies: int, k: int) -> None:
    hashes = np.array(values + values[: len(values) // 3] * copies, dtype=np.uint64)  # repeated hashes, as of equal values
    assert np.array_equal(smallest_hashes(hashes, k), np.unique(hashes)[:k])
