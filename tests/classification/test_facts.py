"""The system description: loading, precise messages for bad input, contradictions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from auditor.classification import AnnexIProduct, SystemFacts, load_system
from auditor.errors import SpecError

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"

BASE: dict[str, Any] = {
    "name": "Facts",
    "organisation": "Gemeente Voorbeeld",
    "role": ["provider"],
    "public_authority": True,
    "status": "in_use",
    "kind": "ai_system",
}


def _error(**facts: Any) -> SpecError:
    with pytest.raises(SpecError) as info:
        load_system({**BASE, **facts})
    return info.value


def test_benefits_sample_loads_with_every_fact() -> None:
    facts = load_system(SAMPLE_DATA / "benefits" / "system.yaml")
    assert facts.role == ("provider", "deployer")
    assert facts.annex_iii == ("5.a",)
    assert facts.in_use_since == dt.date(2024, 6, 1)
    assert facts.profiling is True and facts.public_authority is True
    assert facts.annex_i is None and facts.gpai_training_flops is None
    assert facts.contact_email == "algoritmes@gemeente-voorbeeld.example"


def test_relative_path_resolves_against_base_dir() -> None:
    facts = load_system("system.yaml", base_dir=SAMPLE_DATA / "benefits")
    assert facts.name == "Bijstand heronderzoek-prioritering"


def test_to_dict_round_trips() -> None:
    facts = load_system(
        {
            **BASE,
            "in_use_since": "2024-06-01",
            "annex_i": {"section": "A", "area": "toys", "third_party_conformity": True},
            "annex_iii": "3.a",
            "transparency": ["50.1", "50.1"],
        }
    )
    assert facts.annex_i == AnnexIProduct("A", "toys", True)
    assert facts.annex_iii == ("3.a",)
    assert facts.transparency == ("50.1",)
    assert load_system(facts.to_dict()) == facts
    assert facts.to_dict()["in_use_since"] == "2024-06-01"


def test_flops_written_without_a_dot_are_read_as_a_number() -> None:
    facts = load_system({**BASE, "kind": "gpai_model", "gpai_training_flops": "1e25"})
    assert facts.gpai_training_flops == 1e25


def test_unknown_key_names_it_suggests_a_fix_and_lists_valid_keys() -> None:
    error = _error(anex_iii=["5.a"])
    assert error.key == "anex_iii"
    assert "did you mean 'annex_iii'" in error.message
    assert "valid keys: name, organisation, role" in error.message


def test_unknown_annex_iii_point_names_the_value_and_lists_the_valid_ones() -> None:
    error = _error(annex_iii=["5(a)"])
    assert error.key == "annex_iii"
    assert "unknown value '5(a)'" in error.message
    assert "did you mean '5.a'" in error.message
    assert "1.a, 1.b, 1.c, 2, 3.a" in error.message


def test_unknown_art5_point_lists_the_valid_ones() -> None:
    error = _error(prohibited=["5.1.z"])
    assert error.key == "prohibited"
    assert "unknown value '5.1.z'" in error.message and "5.1.a, 5.1.b" in error.message


@pytest.mark.parametrize(
    ("facts", "key", "fragment"),
    [
        ({"role": ["user"]}, "role", "valid: provider, deployer, importer, distributor"),
        ({"role": []}, "role", "must name at least one of"),
        ({"role": {"provider": True}}, "role", "must be a list"),
        ({"public_authority": "ja"}, "public_authority", "must be true or false, found 'ja'"),
        ({"status": "live"}, "status", "valid: in_use, in_development"),
        ({"kind": "ml_model"}, "kind", "valid: ai_system, gpai_system, gpai_model, not_ai"),
        ({"exclusion": "defence"}, "exclusion", "military_defence_security"),
        ({"derogation_6_3": "e"}, "derogation_6_3", "valid: none, a, b, c, d"),
        ({"transparency": ["50.5"]}, "transparency", "valid: 50.1, 50.2, 50.3, 50.4"),
        ({"in_use_since": "June 2024"}, "in_use_since", "must be a date YYYY-MM-DD"),
        ({"kind": "gpai_model", "gpai_training_flops": "a lot"}, "gpai_training_flops", "must be a number of FLOP"),
        ({"kind": "gpai_model", "gpai_training_flops": -1}, "gpai_training_flops", "non-negative"),
        ({"name": ""}, "name", "must be a non-empty text, found ''"),
        ({"annex_i": "medical"}, "annex_i", "must be null or a mapping"),
        ({"annex_i": {"section": "A", "area": "toys"}}, "annex_i", "missing third_party_conformity"),
        ({"annex_i": {"section": "C", "area": "toys", "third_party_conformity": True}}, "annex_i", "valid: A, B"),
        (
            {"annex_i": {"section": "A", "area": "civil_aviation", "third_party_conformity": True}},
            "annex_i",
            "'civil_aviation' belongs to section B",
        ),
    ],
)
def test_invalid_values_name_the_key_and_what_is_valid(facts: dict[str, Any], key: str, fragment: str) -> None:
    error = _error(**facts)
    assert error.key == key
    assert fragment in error.message


@pytest.mark.parametrize(
    ("facts", "key", "fragment"),
    [
        (
            {"prohibited": ["5.1.d"], "annex_iii": ["6.d"]},
            "prohibited",
            "'5.1.d' (crime-risk prediction based solely on profiling) contradicts annex_iii '6.d'",
        ),
        ({"derogation_6_3": "a"}, "derogation_6_3", "exists only for systems listed in Annex III"),
        ({"annex_iii": ["5.a"], "derogation_6_3": "a"}, "profiling", "must be stated (true or false)"),
        ({"gpai_training_flops": 1e20}, "gpai_training_flops", "applies only to kind gpai_model"),
        ({"systemic_risk": True}, "systemic_risk", "applies only to kind gpai_model"),
        ({"kind": "not_ai", "annex_iii": ["5.a"]}, "annex_iii", "set kind: ai_system if it infers"),
        ({"kind": "gpai_model", "transparency": ["50.2"]}, "transparency", "describe the AI system built on the model"),
        ({"status": "in_development", "in_use_since": "2024-01-01"}, "in_use_since", "set status: in_use"),
        (
            {"exclusion": "personal_use", "role": ["provider", "deployer"]},
            "exclusion",
            "a provider is not excluded by it",
        ),
    ],
)
def test_contradictions_are_usage_errors(facts: dict[str, Any], key: str, fragment: str) -> None:
    error = _error(**facts)
    assert error.key == key
    assert fragment in error.message


def test_all_problems_are_reported_at_once() -> None:
    error = _error(role=["user"], annex_iii=["9.z"], colour="blue")
    first, *rest = error.message.splitlines()
    assert first.startswith(f"{error.key}: ")  # the first problem itself is line 1
    assert "and 2 more problems in the system description, listed below" in first
    for key in {"role", "annex_iii", "colour"} - {error.key}:
        assert any(line.startswith(f"  {key}:") for line in rest)


def test_missing_required_keys_are_listed_together() -> None:
    with pytest.raises(SpecError, match="required key\\(s\\) missing: organisation, role, public_authority"):
        load_system({"name": "x", "status": "in_use", "kind": "ai_system"})


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("name: [unclosed\n", "is not valid YAML at line 2"),
        ("- a\n- b\n", "must be a mapping of facts (key: value), found list"),
    ],
)
def test_unreadable_files_name_the_file(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "system.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_system(path)
    assert info.value.file == str(path)
    assert fragment in info.value.message


def test_missing_file_and_folder_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="system description not found"):
        load_system(tmp_path / "absent.yaml")
    with pytest.raises(SpecError, match="is a folder"):
        load_system(tmp_path)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: Gemeente Súdwest-Fryslân\n".encode("latin-1"))
    with pytest.raises(SpecError, match="is not UTF-8"):
        load_system(latin)


def test_error_message_carries_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "system.yaml"
    path.write_text(
        "name: x\norganisation: y\nrole: [provider]\npublic_authority: false\nstatus: in_use\nkind: robot\n"
    )
    with pytest.raises(SpecError) as info:
        load_system(path)
    assert str(info.value).startswith(f"{path}: kind: unknown value 'robot'")


def test_system_facts_is_frozen() -> None:
    facts = load_system(BASE)
    assert isinstance(facts, SystemFacts)
    with pytest.raises(AttributeError):
        facts.name = "other"  # type: ignore[misc]
