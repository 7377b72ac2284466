"""The one article-citation formatter, used by the classification's terminal output and the report."""

from __future__ import annotations

import pytest

from auditor.citations import cite
from auditor.classification import classify, load_system
from auditor.classification._render import render_text
from auditor.render.i18n import Translator


@pytest.mark.parametrize(("article", "en", "nl"), [
    ("3(3)", "Art. 3(3)", "art. 3, punt 3"),
    ("6(3)", "Art. 6(3)", "art. 6, lid 3"),
    ("AI Act 10(2)(f)", "Art. 10(2)(f)", "art. 10, lid 2, onder f"),
    ("10(2)(a)-(d)", "Art. 10(2)(a)–(d)", "art. 10, lid 2, onder a tot en met d"),
    ("5(2)-(7)", "Art. 5(2)–(7)", "art. 5, leden 2 tot en met 7"),
    ("5(1)(ba)", "Art. 5(1)(ba)", "art. 5, lid 1, onder ba"),
    ("4a(1), 10(5)", "Art. 4a(1), Art. 10(5)", "art. 4a, lid 1; art. 10, lid 5"),
    ("3(1), 3(63), 3(66)", "Art. 3(1), (63), (66)", "art. 3, punten 1, 63 en 66"),
    ("26(8), 49(3)", "Art. 26(8), Art. 49(3)", "art. 26, lid 8; art. 49, lid 3"),
    ("2(2), 102-109", "Art. 2(2), Art. 102-109", "art. 2, lid 2; art. 102 tot en met 109"),
    ("6(3), subparagraph 3", "Art. 6(3), third subparagraph", "art. 6, lid 3, derde alinea"),
    ("11, Annex IV", "Art. 11, Annex IV", "art. 11; bijlage IV"),
    ("Annex IV 2(d)", "Annex IV 2(d)", "bijlage IV, punt 2, onder d"),
    ("GDPR 5(1)(d)", "Art. 5(1)(d) GDPR", "art. 5, lid 1, onder d, AVG"),
    ("not an article", "not an article", "not an article"),
])
def test_citation_style_per_language(article: str, en: str, nl: str) -> None:
    assert cite(article, "en") == en
    assert cite(article, "nl") == nl
    assert Translator("nl").cite(article) == nl


def test_classification_cli_and_report_cite_the_same_way() -> None:
    facts = load_system({"name": "X", "organisation": "Y", "role": ["deployer"], "public_authority": True,
                         "status": "in_development", "kind": "ai_system", "annex_iii": ["5.a"]})
    result = classify(facts)
    text = render_text(result, "nl")
    for obligation in result.obligations:
        assert f"{cite(obligation.article, 'nl')}: " in text
    assert "art. 26, lid 4: " in text and "Art. 26(4)" not in text
