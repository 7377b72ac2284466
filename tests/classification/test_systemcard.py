"""The MinBZK system card: read as a source of facts, written with the result, round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.classification import classify, load_system, system_card
from auditor.classification._systemcard import dump_card
from auditor.errors import SpecError

from .harness import run

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"
SAMPLES = [SAMPLE_DATA / "benefits" / "system.yaml", *sorted((SAMPLE_DATA / "systems").glob("*.yaml"))]
AS_OF = dt.date(2026, 11, 22)


@pytest.mark.parametrize("path", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_card_round_trip_gives_the_same_facts_and_classification(path: Path, tmp_path: Path) -> None:
    facts = load_system(path)
    result = classify(facts, as_of=AS_OF)
    card_path = tmp_path / "card.yaml"
    card_path.write_text(dump_card(system_card(facts, result)), encoding="utf-8")
    again = load_system(card_path)
    assert again == facts
    assert classify(again, as_of=AS_OF).to_dict() == result.to_dict()


def test_card_carries_the_decision_aid_labels() -> None:
    facts = load_system(SAMPLE_DATA / "benefits" / "system.yaml")
    card = system_card(facts, classify(facts, as_of=AS_OF))
    assert card["ai_act_profile"] == {
        "type": "AI-systeem",
        "open_source": "geen open-source",
        "risk_group": "hoog-risico AI",
        "transparency_obligations": "geen transparantieverplichting",
        "role": ["aanbieder", "gebruiksverantwoordelijke"],
    }
    assert card["owners"] == [{"organization": "Gemeente Voorbeeld", "email": "algoritmes@gemeente-voorbeeld.example"}]
    assert card["status"] == "in gebruik" and card["begin_date"] == "2024-06-01"
    assert {"urn": "urn:nl:ak:ver:aia-05", "state": "to do", "version": "1.1.0"} in card["requirements"]
    assert "niet van toepassing" not in str(card["ai_act_profile"])  # the standard has no such value
    labels = {label["name"]: label["value"] for label in card["labels"]}
    assert labels["auditor/annex_iii"] == "[5.a]"
    assert labels["auditor/role"] == "[provider, deployer]"


def test_updating_a_card_keeps_its_other_content() -> None:
    base: dict[str, Any] = {
        "schema_version": "0.1a10",
        "name": "old name",
        "provenance": {"author": "AMT"},
        "owners": [{"organization": "old", "name": "J. Jansen"}, {"organization": "partner"}],
        "labels": [{"name": "thema", "value": "werk"}, {"name": "auditor/annex_iii", "value": "['4.a']"}],
        "requirements": [{"urn": "urn:nl:ak:ver:aia-05", "state": "done", "version": "1.0"}],
        "models": [{"name": "gbm"}],
    }
    facts = load_system(SAMPLE_DATA / "benefits" / "system.yaml")
    card = system_card(facts, classify(facts, as_of=AS_OF), base=base)
    assert card["provenance"] == {"author": "AMT"} and card["models"] == [{"name": "gbm"}]
    assert card["name"] == facts.name
    assert card["owners"][0] == {
        "organization": "Gemeente Voorbeeld",
        "name": "J. Jansen",
        "email": facts.contact_email,
    }
    assert card["owners"][1] == {"organization": "partner"}
    assert {"name": "thema", "value": "werk"} in card["labels"]
    assert [lab["value"] for lab in card["labels"] if lab["name"] == "auditor/annex_iii"] == ["[5.a]"]
    assert card["requirements"][0] == {"urn": "urn:nl:ak:ver:aia-05", "state": "done", "version": "1.0"}
    assert sum(r["urn"] == "urn:nl:ak:ver:aia-05" for r in card["requirements"]) == 1
    assert base["name"] == "old name"


def _card(**profile: Any) -> dict[str, Any]:
    return {
        "name": "Card",
        "status": "in gebruik",
        "owners": [{"organization": "Gemeente Voorbeeld"}],
        "ai_act_profile": {"type": "AI-systeem", "open_source": "geen open-source", "role": "aanbieder", **profile},
        "labels": [{"name": "auditor/public_authority", "value": "true"}],
    }


def test_card_without_auditor_labels_gives_the_facts_it_has() -> None:
    facts = load_system(
        _card(
            risk_group="geen hoog-risico AI",
            transparency_obligations="geen transparantieverplichtingen",
            role="aanbieder + gebruiksverantwoordelijke",
        )
    )
    assert facts.role == ("provider", "deployer")
    assert facts.kind == "ai_system" and facts.status == "in_use" and facts.organisation == "Gemeente Voorbeeld"
    assert classify(facts, as_of=AS_OF).category == "minimal"


def test_card_stating_a_conclusion_without_its_ground_says_which_label_to_add() -> None:
    with pytest.raises(SpecError) as info:
        load_system(_card(risk_group="hoog-risico AI", transparency_obligations="transparantieverplichting"))
    message = info.value.message
    assert "and 1 more problem in the system card, listed below" in message.splitlines()[0]
    assert "ai_act_profile.risk_group: 'hoog-risico AI' does not say on which ground it is high-risk" in message
    assert "{name: auditor/annex_iii, value: ...}" in message
    assert "ai_act_profile.transparency_obligations" in message


def test_card_with_an_unknown_label_lists_the_valid_ones() -> None:
    with pytest.raises(SpecError) as info:
        load_system(_card(risk_group="laag risico"))
    assert info.value.key == "ai_act_profile.risk_group"
    assert "unknown label 'laag risico'" in info.value.message and "hoog-risico AI" in info.value.message


def test_system_card_sample_is_read_with_its_auditor_labels() -> None:
    facts = load_system(SAMPLE_DATA / "systems" / "emergency_triage_systemcard.yaml")
    assert facts.annex_iii == ("5.d",) and facts.role == ("deployer",)
    assert facts.organisation == "Veiligheidsregio Voorbeeld" and facts.status == "in_development"
    assert classify(facts, as_of=AS_OF).category == "high_risk"


def test_cli_writes_and_updates_a_system_card(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    card_path = tmp_path / "card.yaml"
    benefits = str(SAMPLE_DATA / "benefits" / "system.yaml")
    assert run(["classify", benefits, "--systemcard", str(card_path), "--as-of", "2026-11-22"]) == 0
    card = yaml.safe_load(card_path.read_text(encoding="utf-8"))
    card["requirements"][0]["state"] = "in progress"
    card_path.write_text(yaml.safe_dump(card, allow_unicode=True), encoding="utf-8")
    assert run(["classify", str(card_path), "--systemcard", str(card_path), "--as-of", "2026-11-22"]) == 0
    again = yaml.safe_load(card_path.read_text(encoding="utf-8"))
    assert again["requirements"][0]["state"] == "in progress"
    assert again["ai_act_profile"]["risk_group"] == "hoog-risico AI"
    assert "High-risk AI system" in capsys.readouterr().out
    not_a_card = tmp_path / "list.yaml"
    not_a_card.write_text("- a\n", encoding="utf-8")
    assert run(["classify", benefits, "--systemcard", str(not_a_card)]) == 2
    assert "is not a system card" in capsys.readouterr().err
