"""Issue 9's reproducers: each failure found on data nobody had seen, as a test.

The numeric policy (finite or explicitly undefined, with a reason), a check that raises becoming
an ``error`` finding, hostile cells (bytes, lists, mixed objects), and ``checks.max_groups``.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import auditor
from auditor.cli import main
from auditor.evidence import Metric, validate_evidence
from auditor.evidence.model import Message, json_safe
from auditor.files import dump_json
from auditor.stats.comparisons import difference_beyond, rate_ratio, ratio_beyond

SKIP = {"skip": ["representativeness.reference_population"]}


def _frame(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"g": rng.choice(["a", "b"], n, p=[0.7, 0.3]), "x": rng.normal(size=n),
                         "label": rng.integers(0, 2, n), "pred": rng.integers(0, 2, n)})


def _metrics(result: auditor.AuditResult, check: str, name: str) -> list[dict]:
    return [m for f in result.to_dict()["findings"] if f["check"] == check for m in f["metrics"] if m["name"] == name]


def _cli(tmp_path: Path, frame: pd.DataFrame, columns: str, fmt: str = "csv") -> tuple[int, str, Path]:
    if fmt == "csv":
        frame.to_csv(tmp_path / "d.csv", index=False)
    else:
        frame.to_parquet(tmp_path / "d.parquet", index=False)
    (tmp_path / "audit.yaml").write_text(f"data: {{training: d.{fmt}}}\ncolumns: {columns}\n"
                                         "checks: {skip: [representativeness.reference_population]}\n", encoding="utf-8")
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = main(["audit", str(tmp_path / "audit.yaml"), "--out", str(tmp_path / "out"), "--quiet"])
    return code, stderr.getvalue(), tmp_path / "out"


# --- the numeric policy -------------------------------------------------------------------


def test_missing_only_in_one_group_is_judged_not_crashed(tmp_path: Path) -> None:
    """The rest's missing rate is 0: the ratio is inf, which used to kill the run at the JSON writer."""
    frame = _frame()
    frame.loc[frame["g"] == "b", "x"] = np.where(np.arange((frame["g"] == "b").sum()) % 2 == 0, np.nan, 1.0)
    code, stderr, out = _cli(tmp_path, frame, "{target: label, protected: [g]}")
    assert code == 1, stderr
    evidence = json.loads((out / "evidence.json").read_text(encoding="utf-8"))
    validate_evidence(evidence)
    ratio = next(m for f in evidence["findings"] if f["check"] == "quality.missingness_by_group"
                 for m in f["metrics"] if m["name"] == "missing_rate_ratio" and m["group"] == {"g": "b"} and m["column"] == "x")
    assert ratio["value"] is None and ratio["undefined"] == "reference_rate_zero"
    # Half of ~180 rows missing against none: the Newcombe difference clears min_missing_rate_difference.
    assert ratio["status"] == "fail"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "cannot be computed (the reference rate is 0)" in html


def test_undefined_ratio_verdict_follows_the_newcombe_difference() -> None:
    estimate = rate_ratio([30, 1, 0], [100, 100, 100], [0, 0, 0], [100, 100, 100])
    assert list(estimate.undefined) == ["reference_rate_zero", "reference_rate_zero", "both_rates_zero"]
    beyond, p, threshold = ratio_beyond(estimate, 0.8)
    assert list(beyond) == [True, True, False]
    _, expected = difference_beyond([30, 1], [100, 100], [0, 0], [100, 100], 0.0)
    np.testing.assert_allclose(p[:2], expected)
    assert p[0] < 0.025 < p[1]  # 30/100 vs 0/100 is evidence of a difference; 1/100 vs 0/100 is not
    assert threshold[0] == pytest.approx(1 / 0.8)


def test_an_empty_target_column_gives_a_report(tmp_path: Path) -> None:
    frame = _frame()
    frame["label"] = np.nan
    code, stderr, out = _cli(tmp_path, frame, "{target: label, protected: [g]}")
    assert code in (0, 1), stderr
    evidence = json.loads((out / "evidence.json").read_text(encoding="utf-8"))
    validate_evidence(evidence)
    assert not [f for f in evidence["findings"] if f["status"] == "error"]


def test_every_missing_value_says_why_and_nothing_non_finite_reaches_json() -> None:
    metric = Metric("selection_rate", math.inf, n=0, undefined="no_rows")
    assert metric.to_dict() == {"name": "selection_rate", "value": None, "undefined": "no_rows", "n": 0}
    assert Metric("precision", float("nan")).to_dict()["undefined"] == "not_computable"
    with pytest.raises(ValueError, match="UNDEFINED"):
        Metric("precision", None, undefined="because")
    assert json_safe({"a": [np.float64("inf"), np.int64(3), (np.nan,)]}) == {"a": [None, 3, [None]]}
    assert Message("k", {"ratio": float("inf")}).to_dict() == {"key": "k", "params": {"ratio": None}}
    with pytest.raises(ValueError, match="not JSON compliant"):
        dump_json({"value": float("nan")})


def test_the_schema_requires_a_reason_for_a_null_value() -> None:
    import jsonschema

    result = auditor.audit({"data": {"training": _frame()}, "columns": {"target": "label", "protected": ["g"]}, "checks": SKIP})
    document = result.to_dict()
    validate_evidence(document)
    metric = next(m for f in document["findings"] for m in f["metrics"])
    metric.update(value=None)
    metric.pop("undefined", None)
    with pytest.raises(jsonschema.ValidationError, match="undefined"):
        validate_evidence(document)


# --- hostile cells ------------------------------------------------------------------------


def test_all_infinite_numeric_column_is_not_judged_rather_than_crashing() -> None:
    frame = _frame()
    frame["x"] = np.inf
    result = auditor.audit({"data": {"training": frame}, "columns": {"target": "label", "protected": ["g"]}, "checks": SKIP})
    assert not [f for f in result.findings if f.status.value == "error"]


@pytest.mark.parametrize("column", [
    [b"\xff\xfe" + bytes([i % 7]) for i in range(600)],
    [1 if i % 3 == 0 else ("s" if i % 3 == 1 else 2.5) for i in range(600)],
    [[i % 3, 1] for i in range(600)],
    [{"k": i % 2} for i in range(600)],
], ids=["bytes", "mixed", "lists", "mappings"])
def test_bytes_lists_and_mixed_objects_are_audited_as_text(column: list) -> None:
    frame = _frame()
    frame["odd"] = pd.Series(column, dtype=object)
    result = auditor.audit({"data": {"training": frame}, "columns": {"target": "label", "protected": ["g"]}, "checks": SKIP})
    assert not [(f.id, f.message.params) for f in result.findings if f.status.value == "error"]
    details = result.to_dict()["datasets"][0]["details"]
    assert details["converted_columns"]["odd"] in ("bytes", "mixed", "nested")


def test_a_list_valued_parquet_column_is_audited(tmp_path: Path) -> None:
    frame = _frame()
    frame["tags"] = [[int(i % 3), 1] for i in range(len(frame))]
    code, stderr, out = _cli(tmp_path, frame, "{target: label, protected: [g]}", fmt="parquet")
    assert code in (0, 1), stderr
    evidence = json.loads((out / "evidence.json").read_text(encoding="utf-8"))
    assert evidence["datasets"][0]["details"]["converted_columns"] == {"tags": "nested"}


# --- a check that raises ------------------------------------------------------------------


def test_a_check_that_raises_becomes_an_error_finding_naming_the_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.checks import plausibility

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("fences\nbroke")

    monkeypatch.setattr(plausibility, "_beyond_fences", broken)
    code, stderr, out = _cli(tmp_path, _frame(), "{target: label, protected: [g]}")
    assert code == 1 and "internal error" not in stderr
    evidence = json.loads((out / "evidence.json").read_text(encoding="utf-8"))
    errors = [f for f in evidence["findings"] if f["status"] == "error"]
    assert [f["check"] for f in errors] == ["quality.outliers"]
    params = errors[0]["message"]["params"]
    assert params == {"check": "quality.outliers", "error": "ValueError: fences broke", "column": "x"}
    assert errors[0]["id"] == "quality.outliers/error/x"
    assert len(evidence["findings"]) > 20  # the rest of the audit ran
    assert "could not run on column x: ValueError: fences broke" in (out / "report.html").read_text(encoding="utf-8")


# --- bounded cost: checks.max_groups ------------------------------------------------------


def test_an_attribute_with_too_many_groups_gets_one_finding() -> None:
    frame = _frame(1200)
    frame["person"] = [f"p{i % 400}" for i in range(len(frame))]
    spec = {"data": {"training": frame}, "columns": {"target": "label", "prediction": "pred", "protected": ["g", "person"]},
            "checks": SKIP}
    result = auditor.audit(spec)
    counted = [f for f in result.findings if f.check == "quality.group_count"]
    assert [f.status.value for f in counted] == ["insufficient_evidence"]
    assert counted[0].message.params["subjects"] == [{"attributes": ["person"], "n_groups": 400}]
    ids = [f.id for f in result.findings if f.check == "bias.selection_rate"]
    assert ids == ["bias.selection_rate/training/g"]  # no person, no g|person intersection
    # Raising the limit brings the attribute back, groups and intersections alike.
    wide = auditor.audit({**spec, "checks": {**SKIP, "max_groups": 1000}})
    assert {f.id for f in wide.findings if f.check == "bias.selection_rate"} == {
        "bias.selection_rate/training/g", "bias.selection_rate/training/person", "bias.selection_rate/training/g|person"}
    assert [f.status.value for f in wide.findings if f.check == "quality.group_count"] == ["pass"]


def test_an_intersection_with_too_many_groups_is_left_out_and_named() -> None:
    rng = np.random.default_rng(1)
    frame = _frame(3000)
    frame["a"], frame["b"] = rng.integers(0, 30, len(frame)).astype(str), rng.integers(0, 30, len(frame)).astype(str)
    result = auditor.audit({"data": {"training": frame}, "columns": {"target": "label", "protected": ["a", "b"]},
                            "checks": {**SKIP, "max_groups": 200}})
    assert {f.id for f in result.findings if f.check == "bias.base_rate"} == {"bias.base_rate/training/a", "bias.base_rate/training/b"}
    subjects = next(f for f in result.findings if f.check == "quality.group_count").message.params["subjects"]
    assert subjects[0]["attributes"] == ["a", "b"] and subjects[0]["n_groups"] > 200
