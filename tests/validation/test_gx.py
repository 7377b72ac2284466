"""A user's Great Expectations 1.x suite, run offline in an ephemeral context on the profiled DataFrame."""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("great_expectations")

from auditor.errors import SpecError
from auditor.validation.gx import load_suite, run_suite

SUITE = {
    "name": "applications",
    "expectations": [
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "income", "min_value": 0}},
        {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "status", "value_set": ["a", "b"]}},
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "income", "mostly": 0.5}},
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 10_000}},
        {"type": "expect_column_max_to_be_between", "kwargs": {"column": "income", "max_value": 10}},
    ],
}


def make_frame() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 500
    frame = pd.DataFrame({"income": rng.integers(0, 5000, n).astype(float), "status": rng.choice(["a", "b"], n)})
    frame.loc[200:229, "income"] = -8.0   # 30 rows
    frame.loc[300:304, "income"] = np.nan
    frame.loc[[7, 9], "status"] = "?"
    return frame


def test_expectations_become_rule_results_with_exact_counts(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "suite.json"
    path.write_text(json.dumps(SUITE), encoding="utf-8")
    suite = load_suite(path)
    frame = make_frame()
    results = run_suite(suite, frame, dataset="training", id_column=None)
    between, in_set, not_null, rows, maximum = results
    assert (between.n_failed, between.n_checked, between.success) == (int((frame["income"] < 0).sum()), 495, False)
    assert between.rows == tuple(range(200, 220)) and between.shown_values == (("-8", 30),)
    assert (in_set.n_failed, in_set.rows, in_set.shown_values) == (2, (7, 9), ())
    assert not_null.success and not_null.n_failed == 5  # 'mostly' honoured
    assert not rows.success and rows.n_failed is None and rows.detail["observed_value"] == 500
    assert maximum.detail["observed_value"] == "(not shown: a data value)"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["suite.json"]  # nothing written
    assert os.environ["GX_ANALYTICS_ENABLED"] == "false"


def test_suite_object_and_mapping_are_accepted() -> None:
    import great_expectations as gx

    suite = gx.ExpectationSuite(**json.loads(json.dumps(SUITE)))
    assert load_suite(suite)["expectations"][0]["type"] == "expect_column_values_to_be_between"
    assert load_suite(SUITE)["name"] == "applications"


@pytest.mark.parametrize("content, match", [
    ({"expectation_suite_name": "old", "expectations": [{"expectation_type": "expect_column_to_exist"}]}, "0.x"),
    ({"name": "x", "expectations": [{"type": "expect_no_such_thing", "kwargs": {}}]}, r"expectations\[0\]: unknown expectation type 'expect_no_such_thing'"),
    ({"name": "x"}, "not an expectation suite"),
])
def test_bad_suites_are_spec_errors(content, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SpecError, match=match):
        load_suite(content)
