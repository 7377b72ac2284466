"""``auditor classify --interactive``: only the questions on the path, in the chosen language."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from auditor.classification import classify, load_system
from auditor.classification._interactive import ask_facts

from .harness import run

BENEFITS = Path(__file__).resolve().parents[2] / "sample_data" / "benefits" / "system.yaml"


def _run(monkeypatch: pytest.MonkeyPatch, out: Path, answers: list[str], *options: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(answers) + "\n"))
    return run(["classify", str(out), "--interactive", "--as-of", "2026-11-22", *options])


def test_dutch_session_for_the_benefits_case_writes_an_equivalent_facts_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "system.yaml"
    answers = [
        "Bijstand heronderzoek-prioritering",
        "Gemeente Voorbeeld",
        "1, 2",  # aanbieder, gebruiksverantwoordelijke
        "j",  # overheid
        "j",  # bedoeld voor gebruik door overheidsinstanties (art. 111, lid 2)
        "1",  # in gebruik
        "2024-06-01",
        "1",  # AI-systeem
        "1",  # geen uitzondering
        "",  # geen verboden praktijk
        "1",  # geen product uit bijlage I
        "11",  # bijlage III, 5(a)
        "1",  # geen beroep op art. 6(3)
        "",  # geen art. 50
    ]
    assert _run(monkeypatch, out, answers, "--lang", "nl") == 0
    shown = capsys.readouterr().out
    assert "Welke rol(len) heeft de organisatie" in shown and "AI-systeem met een hoog risico" in shown
    assert "Profileert het" not in shown  # no derogation claimed: profiling does not matter
    assert "opensourcelicentie?" not in shown  # high-risk: Art. 2(12) cannot apply
    written = load_system(out)
    sample = load_system(BENEFITS)
    for key in ("name", "organisation", "role", "public_authority", "status", "in_use_since", "kind", "annex_iii"):
        assert getattr(written, key) == getattr(sample, key)
    text = out.read_text(encoding="utf-8")
    assert "# Not asked, because they did not matter on this path (defaults apply): open_source, profiling" in text
    as_of = classify(sample).as_of
    assert [o.id for o in classify(written, as_of=as_of).obligations] == [
        o.id for o in classify(sample, as_of=as_of).obligations
    ]


def test_model_path_asks_compute_and_designation_but_no_use_questions(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "model.yaml"
    answers = ["Taalmodel", "Lab B.V.", "provider", "n", "n", "n", "in_development", "3", "1", "3e24", "n"]
    assert _run(monkeypatch, out, answers, "--format", "json") == 0
    shown = capsys.readouterr().out
    assert "Cumulative compute used to train the model" in shown
    assert "Which prohibited practices" not in shown and "Since when" not in shown
    facts = load_system(out)
    assert (facts.kind, facts.gpai_training_flops, facts.systemic_risk) == ("gpai_model", 3e24, False)
    assert '"category": "gpai_model"' in shown


def test_unsure_about_the_definition_uses_the_decision_aids_three_questions(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "rules.yaml"
    answers = ["Parkeren", "Gemeente X", "1", "y", "y", "2", "5", "yes"]
    assert _run(monkeypatch, out, answers) == 0
    shown = capsys.readouterr().out
    assert "Does it only execute rules that people wrote" in shown
    assert "Does one of the exclusions of Art. 2 apply?" not in shown
    assert load_system(out).kind == "not_ai"
    assert "Not an AI system" in shown

    out2 = tmp_path / "model.yaml"
    answers = ["Risicomodel", "Gemeente X", "1", "y", "y", "2", "5", "n", "y", "y", "1", "", "1", "", "", "n"]
    assert _run(monkeypatch, out2, answers) == 0
    assert load_system(out2).kind == "ai_system"


def test_annex_i_product_is_asked_in_three_small_steps(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "drone.yaml"
    answers = ["Drone", "Fabrikant B.V.", "1", "n", "n", "n", "2", "1", "1", "", "3", "7", "y", "", ""]
    assert _run(monkeypatch, out, answers) == 0
    facts = load_system(out)
    assert facts.annex_i is not None
    assert (facts.annex_i.section, facts.annex_i.area, facts.annex_i.third_party_conformity) == (
        "B",
        "civil_aviation",
        True,
    )
    assert "High-risk AI system" in capsys.readouterr().out


def test_invalid_answers_are_asked_again(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    stdin = io.StringIO(
        "\n".join(["", "Chat", "Gemeente X", "9", "1", "maybe", "n", "n", "n", "2", "1", "1", "", "1", "", "", "1", "n"]) + "\n"
    )
    stdout = io.StringIO()
    answers = ask_facts(lang="en", stdin=stdin, stdout=stdout)
    shown = stdout.getvalue()
    assert "Not understood: ''. Type a non-empty answer." in shown
    assert "Not understood: '9'. Give at least one number from 1 to 4." in shown
    assert "Not understood: 'maybe'. Answer y (yes) or n (no)." in shown
    assert "Not understood: '1'. Answer y (yes) or n (no)." in shown
    assert answers["role"] == ["provider"] and answers["public_authority"] is False
    assert (answers["transparency"], answers["open_source"]) == ([], False)


def test_end_of_input_is_a_usage_error_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "system.yaml"
    assert _run(monkeypatch, out, ["Chat", "Gemeente X"]) == 2
    assert "input ended before the question about 'role' was answered; nothing was written" in capsys.readouterr().err
    assert not out.exists()


def test_existing_output_file_is_not_overwritten(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "system.yaml"
    out.write_text("keep me", encoding="utf-8")
    assert _run(monkeypatch, out, []) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "keep me"
