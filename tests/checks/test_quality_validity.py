"""Validity from the spec's rules, a pandera schema and a GX suite, end to end through audit()."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from quality_context import run

import auditor
from auditor.errors import SpecError
from auditor.evidence.model import Status


def frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 300
    data = pd.DataFrame({"id": [f"A{i:06d}" for i in range(n)], "age": rng.integers(18, 90, n),
                         "sex": rng.choice(["F", "M"], n), "label": rng.integers(0, 2, n)})
    data.loc[[11, 12], "age"] = [-3, 140]
    data.loc[50:61, "sex"] = "?"  # 12 rows
    data.loc[5, "id"] = "B1"
    return data


def test_spec_rules_give_a_finding_per_column() -> None:
    quality = {"rules": {"age": {"min": 0, "max": 120, "type": "integer"}, "sex": {"allowed": ["F", "M"]},
                         "id": {"pattern": "A[0-9]{6}"}}}
    findings = {f.id: f for f in run("quality.validity", {"training": frame()}, {"target": "label", "id": "id"},
                                     quality=quality)}
    age = findings["quality.validity/training/age"]
    assert age.status == Status.FAIL
    failed = {r["rule"]: (r["n_failed"], r["rows"]) for r in age.message.params["failed"]}
    assert failed == {"min": (1, [11]), "max": (1, [12])}
    sex = findings["quality.validity/training/sex"].message.params["failed"][0]
    assert (sex["n_failed"], sex["values"]) == (12, [{"value": "?", "count": 12}])
    ident = findings["quality.validity/training/id"].message.params["failed"][0]
    assert (ident["n_failed"], ident["rows"], ident["values"]) == (1, [5], [])
    assert {m.name for m in age.metrics} == {"failure_rate"}


def test_rules_on_unknown_columns_are_spec_errors() -> None:
    with pytest.raises(SpecError, match="quality.rules.agee"):
        run("quality.validity", {"training": frame()}, {"target": "label"}, quality={"rules": {"agee": {"min": 0}}})


AUDIT_SKIP = ["bias.proxy_features"]


def test_pandera_and_gx_run_in_the_audit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pa = pytest.importorskip("pandera.pandas")
    pytest.importorskip("great_expectations")
    schema = pa.DataFrameSchema({"age": pa.Column(int, pa.Check.in_range(0, 120))})
    suite = tmp_path / "suite.json"
    suite.write_text(json.dumps({"name": "s", "expectations": [
        {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "sex", "value_set": ["F", "M"]}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "age", "min_value": 0, "max_value": 120}},
    ]}), encoding="utf-8")
    result = auditor.audit({
        "data": {"training": frame()}, "columns": {"target": "label", "id": "id", "protected": ["sex"]},
        "quality": {"pandera": schema, "great_expectations": str(suite)},
        "checks": {"skip": AUDIT_SKIP},
    })
    by_id = {f.id: f for f in result.findings}
    check = by_id["quality.validity_pandera/training/age/in_range(0, 120)"]
    assert check.status == Status.FAIL and check.message.params["n_failed"] == 2 and check.message.params["rows"] == [11, 12]
    assert by_id["quality.validity_pandera/training/schema"].status == Status.FAIL
    in_set = by_id["quality.validity_expectations/training/1-expect_column_values_to_be_in_set"]
    assert in_set.status == Status.FAIL and in_set.message.params["n_failed"] == 12
    assert in_set.message.params["values"] == [{"value": "?", "count": 12}]
    between = by_id["quality.validity_expectations/training/2-expect_column_values_to_be_between"]
    assert between.message.params["rows"] == [11, 12]
    assert "art10_3_quality" not in between.requirements and "AI Act 10(3)" in between.requirements
    result.to_json()  # JSON-safe evidence with a schema object in the spec
