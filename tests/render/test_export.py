"""Exports: the MinBZK system card, the Algoritmeregister draft and the Markdown summary."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from auditor.cli import main
from auditor.errors import DataError
from auditor.render.export import (
    CARD_STATE,
    markdown_summary,
    md,
    register_draft,
    system_card,
)

from .cases import (
    HOSTILE_COLUMN,
    HOSTILE_STRINGS,
    HOSTILE_VALUE,
    hostile_result,
    sample_result,
)


def _evidence() -> dict:
    return copy.deepcopy(sample_result().to_dict())


def _with_status(evidence: dict, status: str) -> dict:
    for requirement in evidence["requirements"]:
        requirement["status"] = status
    return evidence


def test_card_profile_uses_the_decision_aid_labels() -> None:
    card = system_card(_evidence())
    profile = card["ai_act_profile"]
    assert profile["risk_group"] == "hoog-risico AI"
    assert profile["role"] == ["aanbieder", "gebruiksverantwoordelijke"]
    assert card["name"] == sample_result().evidence["system"]["name"]


@pytest.mark.parametrize("status", sorted(CARD_STATE))
def test_card_states_follow_the_documented_mapping(status: str) -> None:
    evidence = _with_status(_evidence(), status)
    card = system_card(evidence)
    covered = {u for r in evidence["requirements"] for u in r["algoritmekader"]}
    entries = {e["urn"]: e for e in card["requirements"] + card["measures"]}
    assert covered <= set(entries)
    for urn in covered:
        assert entries[urn]["state"] == CARD_STATE[status], urn
        if status != "not_applicable":
            assert entries[urn]["links"][0] == "evidence.json" and entries[urn]["links"][1].startswith("report.html#r")
            assert "sample-run" in entries[urn]["value"]
    assert all(e["urn"].startswith("urn:nl:ak:mtr:") for e in card["measures"])
    # requirements of the classification that the audit has no evidence for stay to do
    untouched = [e for e in card["requirements"] if e["urn"] not in covered]
    assert untouched and all(e["state"] == "to do" and "value" not in e for e in untouched)


def test_card_state_of_a_urn_is_the_worst_of_its_requirements() -> None:
    evidence = _with_status(_evidence(), "pass")
    shared = evidence["requirements"][0]["algoritmekader"][0]
    other = next(r for r in evidence["requirements"][1:] if shared in r["algoritmekader"])
    other["status"] = "warn"
    entries = {e["urn"]: e for e in system_card(evidence)["requirements"]}
    assert entries[shared]["state"] == "in progress"


def test_people_s_states_are_kept_unless_the_evidence_fails() -> None:
    evidence = _with_status(_evidence(), "pass")
    urn = evidence["requirements"][0]["algoritmekader"][0]
    base = {"name": "old", "requirements": [{"urn": urn, "state": "done", "value": "signed off"}],
            "labels": [{"name": "team", "value": "data"}]}
    card = system_card(evidence, base=base)
    entry = next(e for e in card["requirements"] if e["urn"] == urn)
    assert entry["state"] == "done" and {"name": "team", "value": "data"} in card["labels"]
    failing = system_card(_with_status(_evidence(), "fail"), base=base)
    assert next(e for e in failing["requirements"] if e["urn"] == urn)["state"] == "in progress"
    assert base["requirements"][0]["state"] == "done", "the base card is not modified"


def test_model_card_metrics_name_their_subgroup_in_labels() -> None:
    card = system_card(_evidence(), language="en")
    (model,) = card["models"]
    (index,) = model["model-index"]
    splits = {r["datasets"][0]["split"]: r for r in index["results"]}
    assert "test" in splits and set(splits) <= {"training", "validation", "test", "production"}
    result = splits["test"]
    assert result["datasets"][0]["revision"].startswith("sha256:")
    metrics = result["metrics"]
    assert {m["type"] for m in metrics} >= {"selection_rate", "selection_rate_ratio"}
    single = next(m for m in metrics if m["type"] == "selection_rate" and len(m.get("labels", [])) == 1)
    assert single["labels"][0]["type"] == "feature" and single["labels"][0]["name"] in ("sex", "age_band", "migration_background")
    assert "n = " in single["name"] and "95% interval" in single["name"]
    intersections = [m for m in metrics if len(m.get("labels", [])) == 2]
    assert intersections, "an intersection is a metric with two labels"
    evidence = sample_result().evidence
    small = [m for f in evidence["findings"] if f["check"].startswith("bias.") for m in f["metrics"]
             if m.get("n") is not None and 0 < m["n"] < 10]
    shown = {(m["type"], json.dumps([lb["value"] for lb in m.get("labels", [])])) for m in metrics}
    for m in small:  # groups below the privacy floor are not exported
        assert (m["name"], json.dumps([str(v) for v in m["group"].values()])) not in shown


def test_card_needs_a_classification() -> None:
    evidence = _evidence()
    evidence["classification"] = None
    with pytest.raises(DataError, match="no classification"):
        system_card(evidence)


def test_card_refuses_a_classification_this_version_would_not_give() -> None:
    evidence = _evidence()
    evidence["classification"]["category"] = "minimal"
    with pytest.raises(DataError, match="classifies the system's facts differently"):
        system_card(evidence)


def test_register_draft_has_the_required_fields() -> None:
    entry, problems = register_draft(_evidence())
    assert problems == []
    for field in ("name", "description_short", "organization", "status", "contact_email", "publication_category", "lang"):
        assert entry[field]
    assert entry["publication_category"] == "Hoog-risico AI-systeem"
    evidence = _evidence()
    del evidence["classification"]["facts"]["contact_email"]
    entry, problems = register_draft(evidence)
    assert entry["contact_email"] == "" and any(p.startswith("contact_email") for p in problems)


def test_markdown_summary_lists_requirements_and_shortcomings() -> None:
    evidence = sample_result().evidence
    text = markdown_summary(evidence, language="en")
    assert text.startswith("## Data audit report for the EU AI Act: ")
    assert text.count("\n| Art. ") == len(evidence["requirements"])
    failing = [f for f in evidence["findings"] if f["status"] in ("fail", "warn", "insufficient_evidence", "error")]
    assert text.count("\n- ✕ ") + text.count("\n- ! ") + text.count("\n- ? ") == len(failing)


def test_markdown_escapes_user_text() -> None:
    assert md("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert md("a|b *c* _d_ [e](f) `g` ~h~ \\") == r"a\|b \*c\* \_d\_ \[e\](f) \`g\` \~h\~ \\"
    assert md("two\nlines") == "two lines"
    text = markdown_summary(hostile_result().evidence, language="nl")
    for hostile in HOSTILE_STRINGS:
        assert hostile not in text
    assert "&lt;img src=x onerror=alert(2)&gt;" in text and "`" not in text
    assert "&lt;script&gt;alert(3)&lt;/script&gt; &amp; \\*bold\\* \\[link\\](http://example.invalid) \\| cell" in text


def test_card_and_register_keep_hostile_text_as_data() -> None:
    card = system_card(hostile_result().evidence)
    dumped = yaml.safe_dump(card, allow_unicode=True)
    assert yaml.safe_load(dumped)["owners"][0]["organization"] == HOSTILE_VALUE
    entry, _ = register_draft(hostile_result().evidence)
    assert json.loads(json.dumps(entry))["organization"] == HOSTILE_VALUE
    metrics = [m for r in card["models"][0]["model-index"][0]["results"] for m in r["metrics"]]
    labels = [lb["value"] for m in metrics for lb in m.get("labels", [])]
    assert HOSTILE_VALUE in labels and all(lb in (HOSTILE_VALUE, "b", "c") for lb in labels)
    assert {lb["name"] for m in metrics for lb in m.get("labels", [])} == {HOSTILE_COLUMN}


def test_cli_export_writes_each_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = sample_result().save(tmp_path)
    assert main(["export", str(paths["evidence"]), "--format", "systemcard", "--out", str(tmp_path / "card.yaml")]) == 0
    assert yaml.safe_load((tmp_path / "card.yaml").read_text(encoding="utf-8"))["ai_act_profile"]["risk_group"] == "hoog-risico AI"
    assert main(["export", str(paths["evidence"]), "--format", "register", "--out", str(tmp_path / "register.json")]) == 0
    assert json.loads((tmp_path / "register.json").read_text(encoding="utf-8"))["lang"]
    assert main(["export", str(paths["evidence"]), "--format", "markdown", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("## Data audit report")


def test_cli_export_reports_an_incomplete_register_and_a_missing_classification(tmp_path: Path,
                                                                                capsys: pytest.CaptureFixture[str]) -> None:
    evidence = _evidence()
    del evidence["classification"]["facts"]["contact_email"]
    path = tmp_path / "evidence.json"
    path.write_text(json.dumps(evidence), encoding="utf-8")
    assert main(["export", str(path), "--format", "register"]) == 1
    assert "contact_email" in capsys.readouterr().err
    evidence["classification"] = None
    path.write_text(json.dumps(evidence), encoding="utf-8")
    assert main(["export", str(path), "--format", "systemcard"]) == 2
    assert "no classification" in capsys.readouterr().err


# --- the exports against the Dutch government's own data models ---------------------------------

import datetime as dt  # noqa: E402

import jsonschema  # noqa: E402
from pydantic import ValidationError  # noqa: E402

from auditor.classification import classify, load_system  # noqa: E402
from auditor.classification._register import register_schema  # noqa: E402

from .vendor import amt_schema  # noqa: E402

_SYSTEM: dict = yaml.safe_load((Path(__file__).resolve().parents[2] / "sample_data" / "benefits" / "system.yaml")
                               .read_text(encoding="utf-8"))


def _reclassified(**facts: object) -> dict:
    """The sample evidence with other system facts, classified as of the evidence's date."""
    evidence = _evidence()
    stored = {**evidence["classification"]["facts"], **facts}
    stored = {k: v for k, v in stored.items() if v is not None}
    as_of = dt.date.fromisoformat(evidence["classification"]["as_of"])
    evidence["classification"] = classify(load_system(stored), as_of=as_of).to_dict()
    return evidence


VARIANTS = {
    "benefits-high-risk-provider-and-deployer": {},
    "rule-based-not-ai-with-legal-effects": {"kind": "not_ai", "annex_iii": None, "profiling": None,
                                              "transparency": None, "prohibited": None, "derogation_6_3": None},
    "gpai-model": {"kind": "gpai_model", "annex_iii": None, "profiling": None, "transparency": None,
                   "prohibited": None, "derogation_6_3": None, "gpai_training_flops": 3e24},
    "prohibited-social-scoring": {"prohibited": ["5.1.c"]},
    "three-roles": {"role": ["provider", "deployer", "importer"]},
    "section-b-vehicle": {"annex_iii": None, "profiling": None,
                          "annex_i": {"section": "B", "area": "motor_vehicles", "third_party_conformity": True}},
    "minimal-open-source-with-licence": {"annex_iii": None, "profiling": None, "open_source": True,
                                         "transparency": ["50.1"], "licence": "EUPL-1.2"},
}


@pytest.mark.parametrize("changes", list(VARIANTS.values()), ids=list(VARIANTS))
def test_system_card_loads_in_the_amt_data_model_without_errors(changes: dict) -> None:
    card = system_card(_reclassified(**changes), language="nl")
    loaded = amt_schema.SystemCard.model_validate(json.loads(json.dumps(card)))  # raises on any error
    profile = card["ai_act_profile"]
    # every label is one of the decision aid's values; fields without such a value are left out
    vocabulary = {
        "type": amt_schema.TypeEnum, "open_source": amt_schema.OpenSourceEnum, "risk_group": amt_schema.RiskGroupEnum,
        "systemic_risk": amt_schema.SystemicRiskEnum, "transparency_obligations": amt_schema.TransparencyObligationEnum,
        "conformity_assessment_body": amt_schema.ConformityAssessmentBodyEnum,
    }
    for field, enum in vocabulary.items():
        if field in profile:
            enum(profile[field])
    assert "type" in profile
    assert all(amt_schema.RoleEnum(role) for role in profile["role"]) and len(profile["role"]) <= 2
    assert "niet van toepassing" not in profile.values()  # the decision aid has no such value
    assert all(r.version for r in loaded.requirements) and all(m.version for m in loaded.measures)
    for model in loaded.models:
        assert model.license.license_name == changes.get("licence", "other")
        for result in model.model_index[0].results:
            for dataset in result.datasets:  # dataset names, never local file paths
                assert "/" not in dataset.name and "\\" not in dataset.name and not dataset.name.endswith(".parquet")


def test_system_card_texts_are_in_the_card_s_own_fields() -> None:
    card = amt_schema.SystemCard.model_validate(json.loads(json.dumps(system_card(_evidence()))))
    assert card.goal_and_impact == _SYSTEM["purpose"]
    assert card.human_intervention == _SYSTEM["human_intervention"]
    assert card.used_data == _SYSTEM["source_data"]
    assert card.technical_design == _SYSTEM["methods_and_models"]
    assert card.begin_date == dt.date(2024, 6, 1)
    labels = {label.name for label in card.labels or []}
    assert not labels & {"auditor/purpose", "auditor/human_intervention", "auditor/source_data",
                         "auditor/methods_and_models"}


def test_not_ai_system_card_has_a_type_and_no_risk_group() -> None:
    profile = system_card(_reclassified(**VARIANTS["rule-based-not-ai-with-legal-effects"]))["ai_act_profile"]
    assert profile["type"] == "impactvol algoritme"
    assert "risk_group" not in profile and "systemic_risk" not in profile


def test_amt_model_rejects_what_the_card_used_to_write() -> None:
    """The vendored model is the real check: the card of before this change does not load."""
    card = json.loads(json.dumps(system_card(_evidence())))
    for entry in card["requirements"]:
        entry.pop("version")
    card["models"][0].pop("license")
    with pytest.raises(ValidationError) as info:
        amt_schema.SystemCard.model_validate(card)
    locations = {".".join(str(p) for p in e["loc"]) for e in info.value.errors()}
    assert "requirements.0.version" in locations and "models.0.license" in locations


def _json_schema() -> dict:
    """The register's v1.0 field definitions as a JSON Schema, for an independent validator."""
    def prop(spec: dict) -> dict:
        if spec["type"] == "array":
            items = ({"type": "object", "additionalProperties": False,
                      "properties": {k: prop(v) for k, v in spec["items"].items()},
                      "required": [k for k, v in spec["items"].items() if v.get("required") is True]}
                     if "items" in spec else {"enum": spec["permitted_values"]})
            out = {"type": "array", "items": items}
            if "max_items" in spec:
                out["maxItems"] = spec["max_items"]
            return out
        if spec["type"] == "enum":
            return {"enum": spec["permitted_values"]}
        out = {"type": "string"}
        if "max_length" in spec:
            out["maxLength"] = spec["max_length"]
        return out

    schema = register_schema()
    return {"type": "object", "additionalProperties": False,
            "properties": {k: prop(v) for k, v in schema.items()},
            "required": [k for k, v in schema.items() if v.get("required") is True]}


def test_register_draft_validates_against_the_register_v1_0_schema() -> None:
    entry, problems = register_draft(_evidence())
    assert problems == []
    jsonschema.Draft202012Validator(_json_schema()).validate(entry)
    assert entry["category"] == ["Sociale zekerheid"]
    assert entry["impacttoetsen_grouping"][0]["title"].startswith("Impact Assessment Mensenrechten")
    assert entry["publication_category"] == "Hoog-risico AI-systeem"
    # the validator agrees with register_problems on a draft that breaks the standard
    bad = {**entry, "category": ["Dienstverlening"], "description_short": "x" * 351}
    assert len(list(jsonschema.Draft202012Validator(_json_schema()).iter_errors(bad))) == 2


def test_register_draft_of_a_not_ai_system_with_legal_effects_is_impactful() -> None:
    entry, _ = register_draft(_reclassified(**VARIANTS["rule-based-not-ai-with-legal-effects"]))
    assert entry["publication_category"] == "Impactvolle algoritmes"
    jsonschema.Draft202012Validator(_json_schema()).validate(entry)


def test_register_draft_refuses_to_publish_a_prohibited_system_and_warns_for_private_organisations() -> None:
    entry, problems = register_draft(_reclassified(prohibited=["5.1.c"]))
    assert entry["publication_category"] == ""
    assert problems[0].startswith("publication_category: a prohibited AI practice (Art. 5) is to be stopped")
    _, problems = register_draft(_reclassified(public_authority=False, intended_for_public_authorities=True))
    assert any("is not a public authority" in p for p in problems)
    entry, problems = register_draft(_reclassified(contact_email="https://www.gemeente-voorbeeld.nl/contact"))
    assert problems == [] and entry["contact_email"].startswith("https://")
