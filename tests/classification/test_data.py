"""Completeness tests over the shipped data: the tree, obligations, vocabulary and timeline."""

from __future__ import annotations

import ast
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.classification import _data
from auditor.classification._engine import LANGUAGES, condition_problems
from auditor.classification._facts import CHOICES, KEYS
from auditor.classification._timeline import load_timeline

CATEGORIES = set(_data.vocabulary()["categories"])
DATE_RULES = {"high_risk", "gpai", "transparency_marking", "prohibited", "prohibited_pending"}
PACKAGE = Path(_data.__file__).parent


def _bilingual(text: object) -> bool:
    return isinstance(text, dict) and all(isinstance(text.get(lang), str) and text[lang].strip() for lang in LANGUAGES)


def test_tree_branches_lead_somewhere_and_end_with_a_default() -> None:
    tree = _data.tree()
    assert tree.start in tree.nodes
    reached = {tree.start}
    for node in tree.nodes.values():
        assert node.article, node.id
        assert node.branches[-1].when is None, f"{node.id}: the last branch must be the default"
        for branch in node.branches:
            assert (branch.next is None) != (branch.result is None), node.id
            assert branch.next is None or branch.next in tree.nodes, node.id
            assert branch.result is None or branch.result in CATEGORIES, node.id
            assert _bilingual(branch.conclusion), node.id
            assert condition_problems(branch.when or {"all": []}, KEYS, CATEGORIES) == [], node.id
            if branch.next:
                reached.add(branch.next)
    assert reached == set(tree.nodes)
    results = {b.result for n in tree.nodes.values() for b in n.branches if b.result}
    assert results == CATEGORIES


def test_every_fact_the_tree_consults_has_a_question() -> None:
    tree = _data.tree()
    consulted = set(tree.identity)
    text = (PACKAGE / "decision_tree.yaml").read_text(encoding="utf-8").split("\nnotes:")[0]
    consulted |= {m.split(".")[0] for m in re.findall(r"fact: ([a-z_0-9.]+)", text)}
    consulted |= {m.split(".")[0] for m in re.findall(r"\{([a-z_0-9.]+)\}", text)}
    assert consulted <= set(tree.questions)
    assert set(tree.questions) <= set(KEYS)
    for key, question in tree.questions.items():
        assert _bilingual(question["question"]), key
        assert "choices" not in question or question["choices"] == CHOICES[key], key


def test_notes_are_well_formed() -> None:
    for note in _data.tree().notes:
        assert condition_problems(note.when, KEYS, CATEGORIES) == []
        assert _bilingual(note.text)


def test_obligations_are_well_formed() -> None:
    rules = _data.rules()
    roles = set(_data.choices("roles"))
    timeline = _data.load("timeline.yaml")["dates"]
    known_checks = set(rules.check_ids) | {f"{family}.*" for family in rules.check_families}
    ids = [o.id for o in rules.obligations]
    assert len(ids) == len(set(ids))
    for o in rules.obligations:
        assert set(o.roles) <= roles, o.id
        assert o.date in timeline or o.date in DATE_RULES, o.id
        assert condition_problems(o.when, KEYS, CATEGORIES) == [], o.id
        assert _bilingual(o.title), o.id
        assert set(o.checks) <= known_checks, o.id
        assert all(re.fullmatch(r"urn:nl:ak:ver:[a-z]+-\d\d", urn) for urn in o.requirements), o.id
    for urn, when in rules.requirements:
        assert re.fullmatch(r"urn:nl:ak:ver:[a-z]+-\d\d", urn)
        assert condition_problems(when, KEYS, CATEGORIES) == []
    assert {family.split(".")[0] for family in rules.check_ids} <= set(rules.check_families)


@pytest.mark.parametrize("name", [*_data.VOCABULARY_LISTS, *_data.ANNEX_LISTS])
def test_closed_lists_are_bilingual(name: str) -> None:
    for value, entry in _data.choices(name).items():
        assert _bilingual(entry), (name, value)
        if name in _data.ANNEX_LISTS:
            assert entry["code"], (name, value)


def test_annex_lists_are_complete() -> None:
    assert len(_data.choices("annex_iii")) == 25
    assert {p.split(".")[0] for p in _data.choices("annex_iii")} == set(_data.load("annexes.yaml")["annex_iii_areas"])
    assert [p for p in _data.choices("prohibited") if "introduced_by" not in _data.choices("prohibited")[p]] == [
        f"5.1.{letter}" for letter in "abcdefgh"
    ]
    assert {c["role"] for c in _data.choices("transparency").values()} == {"provider", "deployer"}
    areas = _data.annex_i_areas()
    assert set(areas) == {"A", "B"} and all(_bilingual(e) for s in areas.values() for e in s.values())
    for entry in _data.choices("prohibited").values():
        assert entry["date"] in _data.load("timeline.yaml")["dates"]


def test_timeline_dates_have_sources_and_unverified_points_are_marked() -> None:
    timeline = load_timeline()
    ids = [v.id for v in timeline.versions]
    assert ids == ["aia-2024", "aia-2024-amended-2026"]
    assert timeline.versions[0].verified and timeline.versions[1].verified
    assert timeline.versions[1].in_force_from == dt.date(2026, 7, 27)  # OJ 24 Jul 2026, third day after
    assert "2026/1744" in timeline.versions[1].source
    for key, spec in timeline.dates.items():
        assert _bilingual(spec["title"]), key
        for version_id, entry in spec.items():
            if version_id != "title":
                assert isinstance(entry["date"], dt.date) and entry["source"], (key, version_id)
    amended = timeline.versions[1]
    assert timeline.require("high_risk_annex_iii", amended).date == dt.date(2027, 12, 2)
    assert timeline.require("high_risk_annex_i", amended).date == dt.date(2028, 8, 2)
    assert timeline.require("high_risk_legacy_public", amended).date == dt.date(2030, 8, 2)
    assert timeline.require("transparency_marking_legacy", amended).date == dt.date(2026, 12, 2)
    assert "111(4)" in str(timeline.require("transparency_marking_legacy", amended).source)
    assert timeline.require("prohibition_intimate_imagery", amended).date == dt.date(2026, 12, 2)
    assert timeline.require("annex_x", amended).date == dt.date(2030, 12, 31)
    # every fact of the amended timeline carries a source that names the amending regulation or article
    for key, spec in timeline.dates.items():
        if "aia-2024-amended-2026" in spec:
            assert "2026/1744" in str(spec["aia-2024-amended-2026"]["source"]), key
    assert all(timeline.require(k, amended).verified for k in timeline.dates if timeline.entry(k, amended))
    assert timeline.entry("prohibition_intimate_imagery", timeline.versions[0]) is None
    assert timeline.entry("bias_special_categories", timeline.versions[0]) is None


def test_package_imports_only_the_standard_library_yaml_and_auditor_basics() -> None:
    allowed = set(sys.stdlib_module_names) | {"yaml", "auditor"}
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"
                if name.startswith("auditor.") and not name.startswith("auditor.classification"):
                    assert name in ("auditor.errors", "auditor.exitcodes", "auditor.files", "auditor.citations"), (
                        f"{path.name} imports {name}"
                    )


def test_importing_the_package_loads_no_heavy_library() -> None:
    code = (
        "import sys, auditor.classification, auditor.classification.cli; "
        "print(sorted(m for m in ('pandas', 'numpy', 'scipy', 'sklearn', 'jinja2') if m in sys.modules))"
    )
    root = PACKAGE.parents[1]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert done.stdout.strip() == "[]"
