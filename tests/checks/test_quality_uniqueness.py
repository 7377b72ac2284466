"""Duplicate rows, ids and columns: planted problems of known size, counted exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
from quality_context import only, run

from auditor.evidence.model import Status


def applications(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "case": [f"C{i:05d}" for i in range(n)],
        "sex": rng.choice(["F", "M"], n),
        "months": rng.integers(0, 120, n),
        "income": rng.normal(1000, 300, n).round(2),
        "label": rng.integers(0, 2, n),
    })


def test_duplicate_rows_with_an_id_fail_with_their_rows() -> None:
    frame = applications()
    frame = pd.concat([frame, frame.iloc[[10, 20, 20, 30]]], ignore_index=True)  # 4 copies of 3 rows
    finding = only(run("quality.duplicate_rows", {"training": frame}, {"target": "label", "id": "case"}))
    params = finding.message.params
    assert finding.status == Status.FAIL
    assert (params["n_duplicates"], params["n_groups"], params["n_rows_involved"]) == (4, 3, 7)
    assert params["examples"] == [{"row": 600, "same_as": 10}, {"row": 601, "same_as": 20},
                                  {"row": 602, "same_as": 20}, {"row": 603, "same_as": 30}]
    assert finding.metrics[0].value == 4 / 604


def test_duplicate_rows_without_an_id_warn_at_most() -> None:
    frame = applications().drop(columns="case")
    frame = pd.concat([frame, frame.iloc[[1, 2]]], ignore_index=True)
    finding = only(run("quality.duplicate_rows", {"training": frame}, {"target": "label"}))
    assert finding.status == Status.WARN and finding.message.params["n_duplicates"] == 2


def test_clean_data_pass() -> None:
    finding = only(run("quality.duplicate_rows", {"training": applications()}, {"target": "label", "id": "case"}))
    assert finding.status == Status.PASS and finding.message.params["n_duplicates"] == 0


def test_duplicate_ids_split_into_copies_and_conflicts() -> None:
    frame = applications()
    extra = frame.iloc[[5, 6, 7]].copy()
    extra.loc[extra.index[1:], "income"] += 1.0  # two conflicting versions, one exact copy
    frame = pd.concat([frame, extra], ignore_index=True)
    frame.loc[[100, 101], "case"] = None
    finding = only(run("quality.duplicate_ids", {"training": frame}, {"target": "label", "id": "case"}))
    params = finding.message.params
    assert finding.status == Status.FAIL
    assert (params["n_duplicates"], params["n_ids"], params["n_exact_copies"], params["n_conflicting"]) == (3, 3, 1, 2)
    assert params["n_missing_id"] == 2
    assert [e["same_as"] for e in params["examples"]] == [5, 6, 7]
    assert all("C0" not in str(v) for v in params.values())  # never an id value


def test_no_id_declared_is_not_applicable() -> None:
    finding = only(run("quality.duplicate_ids", {"training": applications()}, {"target": "label"}))
    assert finding.status == Status.NOT_APPLICABLE and finding.message.key == "quality.duplicate_ids.no_id"


def test_duplicate_columns_from_the_header_and_identical_content() -> None:
    frame = applications()
    frame["months.1"] = frame["months"].astype(float)   # what pandas makes of a repeated header name
    frame["copy_of_sex"] = frame["sex"]
    frame["empty_a"] = np.nan
    frame["empty_b"] = np.nan
    findings = run("quality.duplicate_columns", {"training": frame}, {"target": "label"},
                   details={"training": {"duplicated_columns": ["months"]}})
    params = only(findings).message.params
    assert only(findings).status == Status.FAIL
    assert params["header_duplicates"] == ["months"]
    assert sorted(map(sorted, params["identical"])) == [["copy_of_sex", "sex"], ["months", "months.1"]]
    frame = frame.drop(columns=["months.1"])
    assert only(run("quality.duplicate_columns", {"training": frame}, {"target": "label"})).status == Status.WARN
