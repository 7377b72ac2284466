"""Conflicting labels and cross-field rules: planted problems counted exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
from quality_context import only, run

from auditor.evidence.model import Status

COLUMNS = {"target": "label", "features": ["a", "b"]}


def cases(n: int = 1000, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": np.arange(n), "b": rng.choice(["x", "y"], n), "label": rng.integers(0, 2, n),
                          "note": rng.integers(0, 5, n)})
    return frame


def test_conflicting_labels_count_groups_and_rows_like_pandas() -> None:
    frame = cases()
    clash = frame.iloc[[3, 3, 8, 9]].copy()
    clash["label"] = [1 - frame.loc[3, "label"], frame.loc[3, "label"], 1 - frame.loc[8, "label"], frame.loc[9, "label"]]
    frame = pd.concat([frame, clash], ignore_index=True)
    groups = frame.groupby(["a", "b"])["label"].agg(["nunique", "size"])
    expected = groups[groups["nunique"] > 1]
    finding = only(run("quality.conflicting_labels", {"training": frame}, COLUMNS))
    params = finding.message.params
    assert (params["n_groups"], params["n_rows_involved"]) == (len(expected), int(expected["size"].sum())) == (2, 5)
    assert params["examples"] == [[3, 1000], [8, 1002]]
    assert finding.status == Status.PASS  # 5 of 1004 rows, within 5 %
    strict = only(run("quality.conflicting_labels", {"training": frame}, COLUMNS,
                      thresholds={"max_conflicting_label_rate": 0.001}))
    assert strict.status in (Status.WARN, Status.FAIL)


def test_rows_without_label_are_left_out() -> None:
    frame = cases(100)
    frame.loc[[0, 1], "label"] = np.nan
    params = only(run("quality.conflicting_labels", {"training": frame}, COLUMNS)).message.params
    assert params["n_unlabelled"] == 2 and params["n_rows"] == 98


def test_cross_field_rule_counts_violations_and_unevaluated_rows() -> None:
    frame = pd.DataFrame({
        "start": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", None] * 25),
        "end": pd.to_datetime(["2024-01-31", "2024-01-15", "2024-03-05", "2024-04-01"] * 25),
        "label": [0, 1] * 50,
    })
    findings = run("quality.cross_field", {"training": frame}, {"target": "label"},
                   quality={"cross_field": {"end_after_start": "end >= start", "label_ok": "label in [0, 1]"}})
    by_rule = {f.message.params["rule"]: f for f in findings}
    end = by_rule["end_after_start"]
    assert end.status == Status.FAIL
    assert (end.message.params["n_failed"], end.message.params["n_checked"], end.message.params["n_not_evaluated"]) == (25, 75, 25)
    assert end.message.params["rows"][:3] == [1, 5, 9]
    assert by_rule["label_ok"].status == Status.PASS


def test_cross_field_type_error_is_an_error_finding_not_a_crash() -> None:
    frame = pd.DataFrame({"kind": ["a", "b"] * 20, "label": [0, 1] * 20})
    finding = only(run("quality.cross_field", {"training": frame}, {"target": "label"},
                       quality={"cross_field": {"odd": "kind > label"}}))
    assert finding.status == Status.ERROR and "error" in finding.message.params["detail"]


def test_no_rules_is_not_applicable() -> None:
    finding = only(run("quality.cross_field", {"training": cases(50)}, COLUMNS))
    assert finding.status == Status.NOT_APPLICABLE
