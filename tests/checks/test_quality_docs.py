"""Every data-quality and governance check is documented in both languages, in the rulebook, and explainable."""

from __future__ import annotations

import pytest

from auditor.checks import (
    consistency,
    governance,
    plausibility,
    registry,
    split,
    sufficiency,
    timeliness,
    uniqueness,
    validity,
)
from auditor.cli import main
from auditor.render.i18n import catalogue
from auditor.rulebook import load_rulebook

MODULES = (validity, uniqueness, consistency, plausibility, timeliness, split, sufficiency, governance)
IDS = [c.id for m in MODULES for c in m.CHECKS]


@pytest.mark.parametrize("check_id", IDS)
def test_documented_mapped_and_explained(check_id: str, capsys) -> None:  # type: ignore[no-untyped-def]
    for language in ("en", "nl"):
        texts = catalogue(language)
        for section in ("title", "what", "why", "read", "fix"):
            assert texts.get(f"checks.{check_id}.{section}"), (language, section)
    rulebook = load_rulebook("ai-act-article-10", checks=registry())
    assert rulebook.checks[check_id], "no requirement"
    for name in registry()[check_id].thresholds:
        threshold = rulebook.thresholds[name]
        assert threshold.source and threshold.rationale["en"] and threshold.rationale["nl"]
    for language in ("en", "nl"):
        assert main(["explain", check_id, "--lang", language]) == 0
        out = capsys.readouterr().out
        assert texts_title(check_id, language) in out


def texts_title(check_id: str, language: str) -> str:
    return catalogue(language)[f"checks.{check_id}.title"]


def test_message_keys_of_both_languages_match() -> None:
    en, nl = catalogue("en"), catalogue("nl")
    for check_id in IDS:
        keys_en = {k for k in en if k.startswith(f"checks.{check_id}.")}
        keys_nl = {k for k in nl if k.startswith(f"checks.{check_id}.")}
        assert keys_en == keys_nl, check_id
