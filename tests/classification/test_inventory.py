"""``auditor inventory``: table, CSV, JSON, Algoritmeregister drafts; nothing written on bad input."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest

from auditor.classification import classify, load_system, register_entry
from auditor.classification._register import register_problems

from .harness import run

SYSTEMS = Path(__file__).resolve().parents[2] / "sample_data" / "systems"
BENEFITS = SYSTEMS.parent / "benefits" / "system.yaml"
AS_OF = ["--as-of", "2026-11-22"]

EXPECTED = {
    "citizen_chatbot.yaml": ("transparency", ""),
    "completeness_check.yaml": ("minimal", "2027-12-02"),
    "cv_screening.yaml": ("high_risk", "2027-12-02"),
    "emergency_triage_systemcard.yaml": ("high_risk", "2027-12-02"),
    "mail_sorting.yaml": ("minimal", ""),
    "parking_permits.yaml": ("not_ai_system", ""),
}


def test_sample_inventory_covers_several_categories(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["inventory", str(SYSTEMS), "--format", "json", *AS_OF]) == 0
    systems = json.loads(capsys.readouterr().out)["systems"]
    found = {
        s["file"]: (s["classification"]["category"], (s["classification"]["next_deadline"] or {}).get("date", ""))
        for s in systems
    }
    assert found == EXPECTED
    problems = {s["file"]: s["register_problems"] for s in systems}
    fria = "impacttoetsen_grouping: a fundamental rights impact assessment is required before first use (Art. 27)"
    # the two high-risk deployers in development still owe their FRIA before first use; the rest can be submitted
    assert {f for f, p in problems.items() if p} == {"cv_screening.yaml", "emergency_triage_systemcard.yaml"}
    assert all(p[0].startswith(fria) and len(p) == 1 for p in problems.values() if p)


def test_text_table_has_system_roles_category_and_next_deadline(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["inventory", str(SYSTEMS), "--lang", "nl", *AS_OF]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["systeem", "rollen", "categorie", "eerstvolgende", "termijn", "registerconcept"]
    assert set(lines[1]) == {"-", " "}
    triage = next(line for line in lines if line.startswith("Prioritering meldingen meldkamer"))
    assert "gebruiksverantwoordelijke" in triage and "AI-systeem met een hoog risico" in triage and "2027-12-02" in triage
    assert len(lines) == 2 + len(EXPECTED)


def test_csv_output_parses(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["inventory", str(SYSTEMS), "--format", "csv", *AS_OF]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["file"] for r in rows] == sorted(EXPECTED)
    cv = next(r for r in rows if r["file"] == "cv_screening.yaml")
    assert (cv["roles"], cv["category"], cv["basis"], cv["next_deadline"]) == (
        "deployer",
        "High-risk AI system",
        "annex_iii",
        "2027-12-02",
    )
    assert cv["publication_category"] == "Hoog-risico AI-systeem"


def test_out_writes_inventory_files_and_register_drafts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert run(["inventory", str(SYSTEMS), "--out", str(out), *AS_OF]) == 0
    assert (out / "inventory.csv").read_text(encoding="utf-8").startswith("file,system,organisation")
    assert len(json.loads((out / "inventory.json").read_text(encoding="utf-8"))["systems"]) == len(EXPECTED)
    drafts = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in (out / "register").glob("*.json")}
    assert set(drafts) == {Path(f).stem + ".json" for f in EXPECTED}
    chatbot = drafts["citizen_chatbot.json"]
    assert chatbot["publication_category"] == "Overige algoritmes"
    assert chatbot["status"] == "In gebruik" and chatbot["begin_date"] == "2025-09" and chatbot["provider"]
    assert drafts["completeness_check.json"]["publication_category"] == "Impactvolle algoritmes"
    assert drafts["cv_screening.json"]["publication_category"] == "Hoog-risico AI-systeem"
    assert capsys.readouterr().out


def test_one_invalid_file_stops_the_inventory_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "systems"
    shutil.copytree(SYSTEMS, folder)
    (folder / "broken.yaml").write_text("name: x\nrole: [boss]\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run(["inventory", str(folder), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert "1 of 7 system descriptions are invalid; nothing was written" in error
    assert "broken.yaml" in error and "'boss'" in error
    assert not out.exists()


def test_empty_or_missing_folder_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["inventory", str(tmp_path)]) == 2
    assert "holds no system descriptions" in capsys.readouterr().err
    assert run(["inventory", str(tmp_path / "absent")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_register_draft_checks_required_fields_and_limits() -> None:
    facts = load_system(BENEFITS)
    result = classify(facts, as_of=dt.date(2026, 11, 22))
    entry = register_entry(facts, result)
    assert entry["publication_category"] == "Hoog-risico AI-systeem"
    assert entry["organization"] == "Gemeente Voorbeeld" and entry["lang"] == "nld"
    assert entry["category"] == ["Sociale zekerheid"] and entry["begin_date"] == "2024-06"
    assert entry["standard_version"] == "1.0"
    assert register_problems(entry) == []
    bad = {**entry, "contact_email": "", "name": "x" * 101, "status": "Actief", "description_short": "y" * 351}
    problems = register_problems(bad)
    assert "contact_email: required, empty" in problems
    assert "name: 101 characters, at most 100 allowed" in problems
    assert "description_short: 351 characters, at most 350 allowed" in problems  # the register's limit, not 400
    assert any(p.startswith("status: 'Actief' is not one of") for p in problems)
    assert register_problems({**entry, "contact_email": "nobody"}) == [
        "contact_email: 'nobody' is neither an e-mail address nor a website starting with https://"
    ]
    assert register_problems({**entry, "contact_email": "https://www.gemeente-voorbeeld.nl/algoritmes"}) == []
    assert register_problems({**entry, "category": ["Dienstverlening"]})[0].startswith(
        "category: 'Dienstverlening' is not one of the standard's values"
    )
    four = ["Werk", "Wonen", "Recht", "Economie"]
    assert register_problems({**entry, "category": four}) == ["category: 4 items, at most 3 allowed"]
    assert register_problems({**entry, "colour": "blue"}) == ["colour: not a field of the standard"]
    # with the facts: the benefits deployer owes a FRIA (Art. 27) and lists it (an IAMA); without it, a problem
    assert register_problems(entry, facts, result) == []
    bare = dataclasses.replace(facts, impact_assessments=())
    assert any("Art. 27" in p for p in register_problems(register_entry(bare, result), bare, result))


def test_incomplete_register_draft_is_flagged_in_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bare.yaml").write_text(
        "name: Bare\norganisation: Gemeente X\nrole: [deployer]\npublic_authority: true\n"
        "status: in_use\nkind: ai_system\n",
        encoding="utf-8",
    )
    assert run(["inventory", str(tmp_path), *AS_OF]) == 0
    assert "incomplete" in capsys.readouterr().out
    assert run(["inventory", str(tmp_path), "--format", "json", *AS_OF]) == 0
    problems = json.loads(capsys.readouterr().out)["systems"][0]["register_problems"]
    assert problems == ["description_short: required, empty", "contact_email: required, empty"]
