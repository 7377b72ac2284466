"""The report's first screen leads with the verdict, the worst findings and what is missing."""

from __future__ import annotations

import re

import pytest

from auditor.render import render_html
from auditor.render.i18n import LANGUAGES

from .cases import sample_result


def _first(page: str) -> str:
    return page[page.index('id="verdict"'):page.index('id="toc-h"')]


@pytest.mark.parametrize("language", LANGUAGES)
def test_verdict_worst_findings_and_gaps_come_before_the_contents(language: str) -> None:
    evidence = sample_result().to_dict()
    page = render_html(evidence, language=language, strict=True)
    assert page.index('id="verdict"') < page.index('class="toc"') < page.index('id="overview"')
    first = _first(page)
    # The verdict per requirement, each linked to its section.
    for i, requirement in enumerate(evidence["requirements"], start=1):
        assert f'href="#r{i}"' in first
        assert f'status s-{requirement["status"]}' in first
    # The worst findings, most serious first, each linked to the finding.
    worst = re.search(r'<ol class="worst">(.*?)</ol>', first, flags=re.DOTALL).group(1)
    links = re.findall(r'href="#(f\d+)"', worst)
    assert 1 <= len(links) <= 8
    statuses = [evidence["findings"][int(a[1:]) - 1]["status"] for a in links]
    assert statuses[0] == "fail" and "pass" not in statuses
    order = ["fail", "error", "warn", "insufficient_evidence"]
    assert statuses == sorted(statuses, key=order.index)
    for anchor in links:
        assert f'id="{anchor}"' in page


def test_sample_first_screen_shows_changed_skipped_and_not_assessed() -> None:
    for language, words in (("en", ("Threshold changed", "730 → 365", "P. de Vries", "No Great Expectations suite",
                                     "not assessed", "drift.", "does not run this check")),
                            ("nl", ("Drempel gewijzigd", "730 → 365", "P. de Vries", "No Great Expectations suite",
                                    "niet beoordeeld", "drift.", "voert deze controle niet uit"))):
        first = _first(render_html(sample_result().to_dict(), language=language, strict=True))
        missing = re.search(r'<ul class="missing">(.*?)</ul>', first, flags=re.DOTALL).group(1)
        for word in words:
            assert word in missing, (language, word)
        # feedback loops (no label_source) and the setting of use (no reference.setting) are gaps
        assert missing.count("status s-not_assessed") >= 3


def test_the_notebook_display_shows_the_requirements_and_the_worst_findings() -> None:
    result = sample_result()
    shown = result._repr_html_()
    for requirement in result.evidence["requirements"]:
        assert f"<td>{requirement['status']}</td>" in shown
    assert "Worst findings" in shown and "<td>fail</td>" in shown
    worst = next(f for f in result.findings if f.status.value == "fail")
    assert f"<code>{worst.id}</code>" in shown
