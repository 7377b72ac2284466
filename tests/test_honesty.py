"""The evidence never reads better than it is (issue 14): skipped and not-assessed checks,
changed thresholds and rulebooks, missing reference attributes, the reference group, required
checks without an implementation."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import auditor
from auditor import Status
from auditor.checks import Check
from auditor.evidence import validate_evidence
from auditor.resources import rulebooks_dir

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "benefits"


def fair_frame(n: int = 4000, seed: int = 3) -> pd.DataFrame:
    """Two groups treated alike: every group check passes."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "sex": rng.choice(["F", "M"], n),
        "label": rng.integers(0, 2, n),
        "predicted": rng.integers(0, 2, n),
    })


def spec(**extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "data": {"test": fair_frame()},
        "columns": {"target": "label", "prediction": "predicted", "protected": ["sex"], "favourable": 0,
                    "label_source": "random_sample"},
    }
    base.update(extra)
    return base


def requirement(result: auditor.AuditResult, rid: str) -> dict:
    return next(r for r in result.evidence["requirements"] if r["id"] == rid)


# -- skipped checks ---------------------------------------------------------------------------


def test_a_skipped_check_is_reported_with_its_reason_and_its_requirement_cannot_pass() -> None:
    plain = auditor.audit(spec(), now=NOW)
    assert requirement(plain, "art10_2_f_feedback")["status"] == "pass"
    reason = "labels come from a random audit sample, checked in the intake procedure"
    skipped = auditor.audit(spec(checks={"skip": {"bias.feedback_loop": reason}}), now=NOW)
    (finding,) = [f for f in skipped.findings if f.check == "bias.feedback_loop"]
    assert finding.status == Status.NOT_ASSESSED and finding.message.params["reason"] == reason
    assert requirement(skipped, "art10_2_f_feedback")["status"] == "not_assessed"
    assert skipped.summary["not_assessed"] >= 1
    validate_evidence(skipped.to_dict())
    page = skipped.to_html(language="en")
    first = page[page.index('id="verdict"'):page.index('id="toc-h"')]
    assert reason in first and "skipped by the audit spec" in first
    assert skipped.exit_code_for(strict=True) == 3  # --strict treats a gap like insufficient evidence


def test_skip_as_a_list_still_works_and_says_no_reason_was_given() -> None:
    result = auditor.audit(spec(checks={"skip": ["bias.feedback_loop"]}), now=NOW)
    (finding,) = [f for f in result.findings if f.check == "bias.feedback_loop"]
    assert finding.status == Status.NOT_ASSESSED and finding.message.params["reason"] is None
    assert "no reason was given" in result.to_html(language="en")


# -- not applicable vs not assessed -----------------------------------------------------------


def test_missing_inputs_are_not_assessed_not_not_applicable() -> None:
    frame = fair_frame().drop(columns=["predicted"])
    result = auditor.audit({"data": {"training": frame},
                            "columns": {"target": "label", "protected": ["sex"], "favourable": 0}}, now=NOW)
    by_check = {f.check: f for f in result.findings}
    assert by_check["bias.feedback_loop"].status == Status.NOT_ASSESSED  # label_source not declared
    assert by_check["performance.by_group"].status == Status.NOT_ASSESSED  # no predictions
    assert by_check["bias.selection_rate"].status == Status.NOT_ASSESSED
    assert by_check["bias.selection_rate"].message.params["needs"] == ["prediction"]
    assert by_check["representativeness.reference_population"].status == Status.NOT_ASSESSED
    assert requirement(result, "art15")["status"] == "not_assessed"
    assert requirement(result, "art10_2_f_feedback")["status"] == "not_assessed"
    nl = result.to_html(language="nl")
    section = nl[nl.index('id="verdict"'):nl.index('id="toc-h"')]
    assert "niet beoordeeld" in section


def test_a_protected_attribute_missing_from_the_reference_file_is_a_finding() -> None:
    frame = fair_frame()
    frame["age_band"] = np.random.default_rng(1).choice(["18-26", "27-66"], len(frame))
    reference = pd.DataFrame({"attribute": ["sex", "sex"], "category": ["F", "M"], "share": [0.5, 0.5]})
    result = auditor.audit(spec(data={"test": frame}, reference={"file": reference},
                                columns={"target": "label", "prediction": "predicted", "protected": ["sex", "age_band"],
                                         "favourable": 0}), now=NOW)
    missing = [f for f in result.findings if f.id == "representativeness.reference_population/age_band/not_in_reference"]
    assert len(missing) == 1 and missing[0].status == Status.NOT_ASSESSED
    assert missing[0].message.params["attribute"] == "age_band"
    assert "age_band is not in the reference population file" in result.to_html(language="en")


# -- rulebook and thresholds ------------------------------------------------------------------


def edited_rulebook(tmp_path: Path, value: float, *, changed_by: str | None = None) -> Path:
    raw = yaml.safe_load((rulebooks_dir() / "ai-act-article-10.yaml").read_text(encoding="utf-8"))
    raw["thresholds"]["disparity_ratio"]["value"] = value
    if changed_by:
        raw["thresholds"]["disparity_ratio"]["changed_by"] = changed_by
    path = tmp_path / "my-rulebook.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_an_edited_rulebook_copy_is_reported_as_modified_with_old_and_new_values(tmp_path: Path) -> None:
    path = edited_rulebook(tmp_path, 0.9, changed_by="A. Analyst")
    result = auditor.audit(spec(checks={"rulebook": str(path)}), now=NOW)
    rulebook = result.evidence["rulebook"]
    shipped = (rulebooks_dir() / "ai-act-article-10.yaml").read_bytes()
    import hashlib

    assert rulebook["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert rulebook["shipped_sha256"] == hashlib.sha256(shipped).hexdigest() and rulebook["modified"] is True
    th = rulebook["thresholds"]["disparity_ratio"]
    assert th["changes"] == [{"from": 0.8, "to": 0.9, "via": str(path), "by": "A. Analyst", "date": None}]
    assert th["rationale_for"] == 0.8  # the copied rationale argues for 80 %
    page = result.to_html(language="en")
    first = page[page.index('id="verdict"'):page.index('id="toc-h"')]
    assert "modified copy of ai-act-article-10" in first and "0.800 → 0.900 via" in first and "A. Analyst" in first
    table = page[page.index('id="thresholds"'):page.index('id="reproducibility"')]
    row = next(r for r in table.split("<tr>") if "disparity_ratio" in r)
    assert "below 80%" not in row and "written for 0.800" in row
    assert "rulebook default" not in row


def test_the_shipped_rulebook_is_not_modified_and_declared_overrides_carry_who_and_why() -> None:
    plain = auditor.audit(spec(), now=NOW).evidence["rulebook"]
    assert plain["modified"] is False and not any(t["changed"] for t in plain["thresholds"].values())
    result = auditor.audit(spec(checks={"thresholds": {"disparity_ratio": {
        "value": 0.9, "rationale": "Our policy: at most 10% difference", "declared_by": "B. Board", "date": "2026-10-01"}}}), now=NOW)
    th = result.evidence["rulebook"]["thresholds"]["disparity_ratio"]
    assert th["value"] == 0.9 and th["changes"][0]["by"] == "B. Board" and th["rationale_for"] == 0.9
    page = result.to_html(language="en")
    assert "Our policy: at most 10% difference" in page and "written for" not in page


def test_a_threshold_mapping_without_a_value_is_a_spec_error() -> None:
    with pytest.raises(auditor.SpecError, match=r"checks\.thresholds\.disparity_ratio"):
        auditor.audit(spec(checks={"thresholds": {"disparity_ratio": {"rationale": "x"}}}))


# -- reference group --------------------------------------------------------------------------


def test_default_reference_group_is_the_most_favoured_not_the_largest() -> None:
    from fairlearn.metrics import demographic_parity_ratio

    rng = np.random.default_rng(5)
    n = 3000
    group = rng.choice(["big", "small"], n, p=[0.7, 0.3])
    predicted = (rng.random(n) < np.where(group == "big", 0.45, 0.2)).astype(int)  # selection is unfavourable
    frame = pd.DataFrame({"g": group, "label": rng.integers(0, 2, n), "predicted": predicted})
    result = auditor.audit({"data": {"test": frame},
                            "columns": {"target": "label", "prediction": "predicted", "protected": ["g"], "favourable": 0}},
                           now=NOW)
    finding = next(f for f in result.findings if f.id == "bias.selection_rate/test/g")
    assert finding.message.params["reference"] == {"g": "small"}  # least selected = most favoured
    assert finding.message.params["reference_rule"] == "most_favoured"
    ratio = next(m for m in finding.metrics if m.name == "selection_rate_ratio")
    assert ratio.group == {"g": "big"}
    expected = demographic_parity_ratio(frame["label"], frame["predicted"], sensitive_features=frame["g"])
    assert 1 / ratio.value == pytest.approx(expected, rel=1e-9)
    page = result.to_html(language="en")
    assert re.search(r"Each group is compared with [^:]*small: the most favoured group on this rate", page)


def test_without_favourable_the_largest_group_is_the_reference_and_a_configured_one_wins() -> None:
    frame = fair_frame()
    plain = auditor.audit({"data": {"test": frame},
                           "columns": {"target": "label", "prediction": "predicted", "protected": ["sex"]}}, now=NOW)
    finding = next(f for f in plain.findings if f.id == "bias.selection_rate/test/sex")
    largest = frame["sex"].value_counts().idxmax()
    assert finding.message.params["reference"] == {"sex": largest} and finding.message.params["reference_rule"] == "largest"
    other = "F" if largest == "M" else "M"
    configured = auditor.audit(spec(checks={"reference_groups": {"sex": other}}), now=NOW)
    finding = next(f for f in configured.findings if f.id == "bias.selection_rate/test/sex")
    assert finding.message.params["reference"] == {"sex": other} and finding.message.params["reference_rule"] == "configured"


# -- required checks --------------------------------------------------------------------------


def test_required_checks_without_an_implementation_follow_the_registry() -> None:
    from auditor.checks import registry
    from auditor.pipeline import _required_gaps
    from auditor.rulebook import load_rulebook

    result = auditor.audit(SAMPLE / "audit.yaml", now=NOW)
    gaps = result.evidence["required_gaps"]
    assert any(g["check"] == "quality.validity_expectations" and g["reason"] == "skipped" for g in gaps)
    assert any(g["check"] == "bias.feedback_loop" and g["reason"] == "not_assessed" for g in gaps)
    checks = registry()
    drift = sorted(cid for cid, c in checks.items() if c.family == "drift")
    rulebook = load_rulebook("ai-act-article-10", checks=checks)
    # Every drift check the registry holds and the rulebook does not run is a gap of its own ...
    assert sorted(g["check"] for g in gaps if g.get("required_as") == "drift.*" and g["reason"] == "not_in_rulebook") == \
        sorted(c for c in drift if c not in rulebook.checks)
    # ... and a required family with no check at all is "no implementation".
    classification = {"required_checks": ["fairness.*", "bias.selection_rate", "bias.no_such_check"]}
    assert _required_gaps(classification, rulebook, checks, []) == [
        {"check": "fairness.*", "reason": "no_implementation"}, {"check": "bias.no_such_check", "reason": "no_implementation"}]

    def drift_check(ctx: object) -> list:
        return []

    extra = {**checks, "fairness.demo": Check("fairness.demo", "fairness", drift_check)}
    assert _required_gaps(classification, rulebook, extra, [])[0] == {
        "check": "fairness.demo", "reason": "not_in_rulebook", "required_as": "fairness.*"}


@pytest.mark.slow
def test_intersection_coverage_is_not_judged_against_a_share_threshold() -> None:
    result = auditor.audit(SAMPLE / "audit.yaml", now=NOW)
    finding = next(f for f in result.findings if f.check == "representativeness.intersectional_coverage")
    assert all(m.threshold is None for m in finding.metrics if m.name == "share")
    # The 30-row minimum used to be printed as a share: "Threshold: 3,000%" / "Drempel: 3.000%".
    assert "3,000%" not in result.to_html(language="en")
    assert "3.000%" not in result.to_html(language="nl")


# -- numeric protected attributes -------------------------------------------------------------


def aged(n: int = 3000, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"age": rng.integers(16, 90, n).astype(float), "label": rng.integers(0, 2, n),
                         "predicted": rng.integers(0, 2, n)})


def test_a_raw_numeric_protected_attribute_is_refused_unless_banded() -> None:
    frame = aged()
    columns = {"target": "label", "prediction": "predicted", "protected": ["age"], "favourable": 0}
    with pytest.raises(auditor.SpecError, match=r"columns\.protected: 'age' is numeric with 74 distinct values.*columns\.bins"):
        auditor.audit({"data": {"test": frame}, "columns": columns})
    frame.loc[:9, "age"] = np.nan
    result = auditor.audit({"data": {"test": frame}, "columns": {**columns, "bins": {"age": [18, 27, 45, 67]}}}, now=NOW)
    finding = next(f for f in result.findings if f.id == "bias.selection_rate/test/age")
    got = {m.group["age"]: m.n for m in finding.metrics if m.name == "selection_rate"}
    bands = pd.cut(frame["age"], [-np.inf, 18, 27, 45, 67, np.inf], right=False,
                   labels=["<18", "18-26", "27-44", "45-66", "67+"]).value_counts()
    assert got.pop(None) == 10  # missing ages stay missing (their own group), never a band
    assert got == {k: int(v) for k, v in bands.items()}
    summary = next(c for c in result.evidence["datasets"][0]["column_summaries"] if c["name"] == "age")
    assert summary["kind"] == "categorical" and summary["n_missing"] == 10


def test_bins_must_be_increasing_numbers_on_a_numeric_column() -> None:
    columns = {"target": "label", "prediction": "predicted", "protected": ["age"]}
    with pytest.raises(auditor.SpecError, match=r"columns\.bins\.age: must be a list of increasing numbers"):
        auditor.audit({"data": {"test": aged()}, "columns": {**columns, "bins": {"age": [45, 18]}}})
    frame = aged().assign(age=lambda f: f["age"].astype(str))
    with pytest.raises(auditor.DataError, match=r"columns\.bins bands 'age', but in data\.test it is not numeric"):
        auditor.audit({"data": {"test": frame}, "columns": {**columns, "bins": {"age": [18, 27]}}})


def test_init_bands_a_raw_age_instead_of_proposing_one_group_per_year(tmp_path: Path) -> None:
    from auditor.cli import main

    data = tmp_path / "train.csv"
    aged().assign(sex="F").to_csv(data, index=False)
    assert main(["init", str(tmp_path / "audit.yaml"), "--data", str(data)]) == 0
    written = yaml.safe_load((tmp_path / "audit.yaml").read_text(encoding="utf-8"))
    assert written["columns"]["protected"] == ["age", "sex"]
    assert written["columns"]["bins"] == {"age": [18, 27, 45, 67]}


# -- inventory and deployer data --------------------------------------------------------------


def test_inventory_skips_files_that_are_not_system_descriptions(capsys: pytest.CaptureFixture[str]) -> None:
    from auditor.cli import main

    assert main(["inventory", str(SAMPLE)]) == 0
    captured = capsys.readouterr()
    assert "skipped" in captured.err and "audit.yaml: an audit spec" in captured.err
    assert "Bijstand heronderzoek-prioritering" in captured.out


def test_deployer_requirement_uses_production_data_or_says_what_stood_in() -> None:
    rng = np.random.default_rng(8)
    n = 2000
    good = pd.DataFrame({"sex": rng.choice(["F", "M"], n), "label": rng.integers(0, 2, n), "predicted": rng.integers(0, 2, n)})
    skewed = good.assign(sex=rng.choice(["F", "M"], n, p=[0.2, 0.8]))
    reference = pd.DataFrame({"attribute": ["sex", "sex"], "category": ["F", "M"], "share": [0.5, 0.5]})
    columns = {"target": "label", "prediction": "predicted", "protected": ["sex"], "favourable": 0}
    only_test = auditor.audit({"data": {"test": skewed}, "columns": columns, "reference": {"file": reference}}, now=NOW)
    art26 = requirement(only_test, "art26_4")
    assert art26["status"] == "fail" and art26["stand_in"] == ["test"]
    assert "the test data stood in" in only_test.to_html(language="en")
    with_production = auditor.audit({"data": {"test": skewed, "production": good}, "columns": columns,
                                     "reference": {"file": reference}}, now=NOW)
    art26 = requirement(with_production, "art26_4")
    assert art26["stand_in"] == []
    # The test data's skew against the population is the provider's (10(4)), not the deployer's input data's.
    assert "representativeness.reference_population/test/sex" not in art26["findings"]
    assert "representativeness.reference_population/production/sex" in art26["findings"]
    datasets = {f["id"]: f["dataset"] for f in with_production.evidence["findings"]}
    assert {datasets[i] for i in art26["findings"]} <= {None, "production"}
    assert requirement(with_production, "art10_4")["status"] == "fail"  # the provider's test data are skewed
