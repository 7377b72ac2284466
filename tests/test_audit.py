"""The pipeline end to end in Python: spec → evidence, errors before any check runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

import auditor
from auditor import DataError, SpecError, Status
from auditor.checks import Check
from auditor.evidence import METRIC_NAMES, evidence_schema, validate_evidence

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def frame(n: int = 2000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], n)
    return pd.DataFrame({
        "sex": sex,
        "age_band": rng.choice(["18-26", "27-66"], n),
        "label": rng.integers(0, 2, n),
        "predicted": (rng.random(n) < np.where(sex == "F", 0.4, 0.2)).astype(int),
        "income": rng.normal(size=n),
    })


def spec(**extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "data": {"test": frame()},
        "columns": {"target": "label", "prediction": "predicted", "protected": ["sex", "age_band"], "favourable": 1},
    }
    base.update(extra)
    return base


def test_dataframe_audit_produces_valid_evidence() -> None:
    result = auditor.audit(spec(), now=NOW, run_id="r1")
    document = result.to_dict()
    validate_evidence(document)
    assert document["run"]["id"] == "r1" and document["run"]["started_at"] == NOW.isoformat()
    assert document["datasets"][0]["format"] == "dataframe" and len(document["datasets"][0]["sha256"]) == 64
    by_id = {f.id: f for f in result.findings}
    sex = by_id["bias.selection_rate/test/sex"]
    assert sex.status == Status.FAIL  # F selected twice as often: M (the smaller rate) is disadvantaged
    (flag,) = sex.message.params["flagged"]
    disadvantaged = flag["group"] if flag["disadvantaged"] == "group" else sex.message.params["reference"]
    assert disadvantaged == {"sex": "M"}
    assert result.exit_code == 1
    assert sum(result.summary.values()) == len(result.findings)


def test_same_inputs_give_the_same_evidence() -> None:
    a = auditor.audit(spec(), now=NOW, run_id="same").to_json()
    b = auditor.audit(spec(), now=NOW, run_id="same").to_json()
    assert json.loads(a)["run"]["libraries"] == json.loads(b)["run"]["libraries"]
    assert a == b


def test_requirements_roll_up_to_the_worst_finding() -> None:
    document = auditor.audit(spec(), now=NOW).to_dict()
    findings = {f["id"]: f for f in document["findings"]}
    for requirement in document["requirements"]:
        statuses = [findings[i]["status"] for i in requirement["findings"]]
        if statuses:
            assert requirement["status"] == auditor.evidence.worst(Status(s) for s in statuses).value
        else:
            assert requirement["status"] == "not_applicable"


def test_unknown_column_message_names_key_dataset_and_columns() -> None:
    with pytest.raises(SpecError) as err:
        auditor.audit(spec(columns={"target": "label", "protected": ["gender"]}))
    message = str(err.value)
    assert "columns.protected: column 'gender' is not in data.test (columns: sex, age_band, label, predicted, income)" in message


def test_prediction_that_is_a_score_is_refused() -> None:
    data = frame()
    data["predicted"] = np.linspace(0, 1, len(data))
    with pytest.raises(DataError, match="columns.prediction must be a 0/1 decision"):
        auditor.audit(spec(data={"test": data}))


def test_positive_value_must_occur_in_the_labels() -> None:
    data = frame()
    data["label"] = np.where(data["label"] == 1, "yes", "no")
    with pytest.raises(DataError, match="columns.positive"):
        auditor.audit(spec(data={"test": data}, columns={"target": "label", "protected": ["sex"]}))


def test_unknown_threshold_and_out_of_range_value() -> None:
    with pytest.raises(SpecError, match="did you mean 'disparity_ratio'"):
        auditor.audit(spec(checks={"thresholds": {"disparity_ration": 0.8}}))
    with pytest.raises(SpecError, match=r"checks.thresholds.disparity_ratio: must be in the range \[0.01, 1.0\]"):
        auditor.audit(spec(checks={"thresholds": {"disparity_ratio": 1.25}}))


def test_overridden_threshold_is_recorded() -> None:
    document = auditor.audit(spec(checks={"thresholds": {"min_group_size": 50}}), now=NOW).to_dict()
    threshold = document["rulebook"]["thresholds"]["min_group_size"]
    assert threshold["value"] == 50 and threshold["default"] == 30 and threshold["overridden"] is True


def test_a_crashing_check_becomes_an_error_finding(tmp_path) -> None:
    def boom(ctx):  # noqa: ANN001, ANN202
        raise RuntimeError("planted failure")

    rulebook = tmp_path / "rb.yaml"
    rulebook.write_text(
        "id: test\nrequirements: {r: {article: 'AI Act 10(3)', title: {en: t, nl: t}}}\n"
        "thresholds: {}\nchecks: {custom.boom: {requirements: [r]}}\n",
        encoding="utf-8",
    )
    result = auditor.audit(spec(checks={"rulebook": str(rulebook)}), extra_checks=(Check("custom.boom", "quality", boom),))
    (finding,) = result.findings
    assert finding.status == Status.ERROR and "planted failure" in finding.message.params["error"]
    assert result.exit_code == 1


def test_no_reference_gives_not_assessed() -> None:
    result = auditor.audit(spec())
    ref = [f for f in result.findings if f.check == "representativeness.reference_population"]
    assert [f.status for f in ref] == [Status.NOT_ASSESSED]  # a missing input is a gap, not "not applicable"


def test_reference_shares_must_sum_to_one() -> None:
    ref = pd.DataFrame({"attribute": ["sex", "sex"], "category": ["F", "M"], "share": [0.5, 0.3]})
    with pytest.raises(DataError, match="shares of attribute 'sex' sum to 0.8000"):
        auditor.audit(spec(reference={"file": ref}))


def test_reference_attribute_must_be_a_column() -> None:
    ref = pd.DataFrame({"attribute": ["gender"], "category": ["F"], "share": [1.0]})
    with pytest.raises(DataError, match="attribute 'gender' is not a column"):
        auditor.audit(spec(reference={"file": ref}))


def test_metric_vocabulary_is_the_schema_vocabulary() -> None:
    enum = evidence_schema()["$defs"]["metric"]["properties"]["name"]["enum"]
    assert set(enum) == set(METRIC_NAMES)


def test_metrics_outside_the_vocabulary_are_refused() -> None:
    with pytest.raises(ValueError, match="vocabulary"):
        auditor.Metric("disparate_impact", 0.5)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("id: x\nthresholds: {min_group_size: {type: int}}\n", "thresholds.min_group_size: needs 'value:'"),
        ("id: x\nrequirements: {r: {title: t}}\n", "requirements.r: needs 'article:'"),
        ("id: x\nchecks: [a, b]\n", "checks: must map each id to a mapping"),
        ("id: x\nchecks: {a: [unclosed\n", "is not valid YAML at line"),
    ],
)
def test_a_malformed_rulebook_is_named_not_a_crash(tmp_path, text: str, fragment: str) -> None:  # noqa: ANN001
    rulebook = tmp_path / "rb.yaml"
    rulebook.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match="rb.yaml") as err:
        auditor.audit(spec(checks={"rulebook": str(rulebook)}))
    assert fragment in str(err.value)
