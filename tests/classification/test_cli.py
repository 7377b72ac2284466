"""``auditor classify``: the readable verdict in both languages, JSON, help; doctests (numpydoc: tests/test_docstrings.py)."""

from __future__ import annotations

import doctest
import importlib
import json
from pathlib import Path

import pytest

from .harness import run

ROOT = Path(__file__).resolve().parents[2]
BENEFITS = str(ROOT / "sample_data" / "benefits" / "system.yaml")


def test_text_verdict_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["classify", BENEFITS, "--as-of", "2026-11-22"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Bijstand heronderzoek-prioritering — Gemeente Voorbeeld")
    assert "Category:               High-risk AI system (Art. 6(2), Annex III use)" in out
    assert "Next deadline:          2030-08-02" in out
    assert "6. Art. 6(2), Annex III: Its intended use is listed in Annex III, point 5(a)." in out
    assert "applies from 2030-08-02 — at the latest" in out
    assert "Art. 26(4): Input data relevant and sufficiently representative" in out
    assert "Open or unverified (dates can be overridden with --timeline)" in out
    assert "representativeness.reference_population" in out


def test_text_verdict_in_dutch_uses_the_official_terms(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["classify", BENEFITS, "--lang", "nl", "--as-of", "2026-11-22"]) == 0
    out = capsys.readouterr().out
    assert "Categorie:               AI-systeem met een hoog risico (art. 6, lid 2, toepassing uit bijlage III)" in out
    assert "Rollen:                  aanbieder, gebruiksverantwoordelijke" in out
    assert "art. 6, lid 2; bijlage III: Het beoogde gebruik staat in bijlage III, punt 5, onder a." in out
    assert "geldt sinds 2025-02-02" in out and "Beoordeling van de gevolgen voor de grondrechten" in out
    assert "dit is geen juridisch advies" in out


def test_json_has_the_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["classify", BENEFITS, "--format", "json", "--as-of", "2026-11-22"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in (
        "category", "basis", "roles", "transparency", "path", "obligations", "requirements", "required_checks",
        "as_of", "timeline_version", "next_deadline", "notes", "unverified", "system",
    ):  # fmt: skip
        assert key in data
    assert data["system"] == {"name": "Bijstand heronderzoek-prioritering", "organisation": "Gemeente Voorbeeld"}
    assert (data["category"], data["basis"], data["roles"]) == ("high_risk", "annex_iii", ["provider", "deployer"])
    obligation = next(o for o in data["obligations"] if o["id"] == "art26_4")
    assert (obligation["article"], obligation["role"], obligation["applies_from"]) == (
        "26(4)",
        "deployer",
        "2030-08-02",
    )
    assert obligation["title"]["nl"].startswith("Inputdata relevant")
    assert obligation["checks"] == ["representativeness.reference_population", "representativeness.*", "drift.*"]
    assert data["path"][5] == {
        "step": "annex_iii",
        "article": "6(2), Annex III",
        "facts": {"annex_iii": ["5.a"]},
        "conclusion": {
            "en": "Its intended use is listed in Annex III, point 5(a).",
            "nl": "Het beoogde gebruik staat in bijlage III, punt 5, onder a.",
        },
    }
    assert "urn:nl:ak:ver:aia-05" in data["requirements"] and "urn:nl:ak:ver:aia-20" in data["requirements"]
    assert {"quality.completeness", "representativeness.reference_population", "bias.selection_rate"} <= set(
        data["required_checks"]
    )


def test_help_explains_the_commands_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["classify", "--help"]) == 0
    text = capsys.readouterr().out
    assert "Classify an AI system under the EU AI Act" in text and "--interactive" in text and "exit codes:" in text
    assert run(["inventory", "--help"]) == 0
    assert "Algoritmeregister publication-standard 1.0 draft" in capsys.readouterr().out


def test_bad_system_description_exits_2_with_the_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "system.yaml"
    path.write_text(
        "name: x\norganisation: y\nrole: [provider]\npublic_authority: false\nstatus: in_use\nkind: ai_system\n"
        "annex_iii: ['5a']\n",
        encoding="utf-8",
    )
    assert run(["classify", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"auditor: error: {path}: annex_iii: unknown value '5a'")
    assert "(did you mean '5.a'?)" in err


@pytest.mark.parametrize(
    "module",
    ["auditor.classification", "auditor.classification._classify", "auditor.classification._facts"],
)
def test_doctests_run(module: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
