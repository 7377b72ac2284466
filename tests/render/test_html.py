"""The HTML report: escaped, self-contained, complete in both languages, rebuilt from evidence."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import auditor
from auditor.checks import registry
from auditor.cli import main
from auditor.evidence.model import Status
from auditor.render import render_html
from auditor.render.html import private_params
from auditor.render.i18n import LANGUAGES, Translator, catalogue, cite
from auditor.resources import reports_dir

from .cases import (
    HOSTILE_COLUMN,
    HOSTILE_STRINGS,
    HOSTILE_VALUE,
    hostile_result,
    sample_result,
)

TEMPLATES = reports_dir() / "templates"


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.mark.parametrize("language", LANGUAGES)
def test_hostile_text_is_escaped_everywhere(language: str) -> None:
    result = hostile_result()
    assert result.evidence["findings"], "the hostile data must produce findings"
    page = render_html(result.evidence, language=language, strict=True)
    for hostile in HOSTILE_STRINGS:
        assert hostile not in page
    assert "<script" not in page.lower() and "<img" not in page.lower()
    # column names and category values reach the tables, the charts (SVG text) and the texts
    assert _escaped(HOSTILE_COLUMN) in page
    svgs = re.findall(r"<svg class=\"chart\".*?</svg>", page, flags=re.DOTALL)
    assert svgs and any(_escaped(HOSTILE_VALUE)[:20] in svg for svg in svgs)
    # spec text: the system's name, the governance declaration, the signatory
    assert page.count("&lt;script&gt;alert(3)&lt;/script&gt;") >= 3
    signatures = page[page.index('id="signatures"'):]
    assert _escaped(HOSTILE_COLUMN) in signatures and _escaped(HOSTILE_VALUE) in signatures


@pytest.mark.parametrize("language", LANGUAGES)
def test_report_is_self_contained(language: str) -> None:
    page = render_html(sample_result().evidence, language=language)
    assert f'<html lang="{language}">' in page
    assert not re.search(r"""(src|href|action|xlink:href)\s*=\s*["']?(https?:)?//""", page)
    assert not re.search(r"""(src|href)\s*=\s*["']?(?!#)""", page.replace('href="#', "")), "only in-page links"
    assert "@import" not in page and "url(" not in page and "<script" not in page.lower()
    assert "<details" not in page, "everything stays visible in print"


def test_sample_report_is_under_one_megabyte() -> None:
    for language in LANGUAGES:
        size = len(render_html(sample_result().evidence, language=language).encode("utf-8"))
        assert size < 1_000_000, f"{language}: {size} bytes (about 6.5 kB per finding; the sample has {len(sample_result().findings)})"


def test_render_from_json_equals_render_from_result() -> None:
    for result in (hostile_result(), sample_result()):
        document = json.loads(result.to_json())
        for language in LANGUAGES:
            assert render_html(document, language=language) == result.to_html(language=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_cli_render_equals_the_audit_report(tmp_path: Path, language: str) -> None:
    paths = sample_result().save(tmp_path / "audit", language=language)
    code = main(["render", str(paths["evidence"]), "--lang", language, "--out", str(tmp_path / "rendered")])
    assert code == 0
    assert (tmp_path / "rendered" / "report.html").read_text(encoding="utf-8") == paths["report"].read_text(encoding="utf-8")


def test_every_catalogue_has_the_same_keys() -> None:
    en, nl = catalogue("en"), catalogue("nl")
    assert sorted(set(en) - set(nl)) == []
    assert sorted(set(nl) - set(en)) == []


def test_every_text_the_templates_name_is_translated() -> None:
    keys = set()
    for template in TEMPLATES.rglob("*.j2"):
        keys |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]*[a-z0-9_])["']\s*[,)]""", template.read_text(encoding="utf-8")))
    assert len(keys) > 50
    for language in LANGUAGES:
        missing = sorted(k for k in keys if k not in catalogue(language))
        assert missing == [], f"{language}: {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_reports_render_without_a_missing_translation(language: str) -> None:
    for result in (sample_result(), hostile_result()):
        render_html(result.evidence, language=language, strict=True)  # raises KeyError on a missing text


def test_strict_translator_reports_the_missing_key() -> None:
    tr = Translator("nl", strict=True)
    with pytest.raises(KeyError, match="no 'nl' text for 'report.no_such_key'"):
        tr.text("report.no_such_key")
    lenient = Translator("nl")
    assert str(lenient.text("report.no_such_key")) == "report.no_such_key"
    assert lenient.missing == {"report.no_such_key"}


def test_dutch_report_uses_the_terms_of_the_regulation() -> None:
    page = render_html(sample_result().evidence, language="nl", strict=True)
    for term in ("aanbieder", "gebruiksverantwoordelijke", "AI-systeem met een hoog risico", "bijlage IV, punt 2, onder d",
                 "art. 10, lid 2, onder f", "technische documentatie"):
        assert term in page, term
    english = render_html(sample_result().evidence, language="en", strict=True)
    for term in ("provider", "deployer", "Art. 10(2)(f)", "Annex IV 2(d)"):
        assert term in english, term


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_check_is_documented_and_every_status_has_a_message(language: str) -> None:
    texts = catalogue(language)
    for check_id in registry():
        for section in ("title", "what", "why", "read", "fix"):
            assert f"checks.{check_id}.{section}" in texts, f"{language}: checks.{check_id}.{section}"
    for status in Status:
        assert f"status.{status.value}" in texts


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_emitted_message_key_is_translated(language: str) -> None:
    texts = catalogue(language)
    for result in (hostile_result(), sample_result()):
        for finding in result.findings:
            key = finding.message.key
            assert f"checks.{key}" in texts or key in texts, key


def test_one_section_per_requirement_in_rulebook_order_with_its_urns() -> None:
    evidence = sample_result().evidence
    page = render_html(evidence, language="en", strict=True)
    positions = []
    for i, requirement in enumerate(evidence["requirements"], start=1):
        heading = re.search(rf'<section id="r{i}" class="requirement" aria-labelledby="r{i}-h">\s*<h2 id="r{i}-h">(.*?)</h2>',
                            page, flags=re.DOTALL)
        assert heading, requirement["id"]
        assert cite(requirement["article"], "en") in heading.group(1)
        section = page[heading.start():page.index("</section>", heading.end())]
        for urn in requirement["algoritmekader"]:
            assert urn in section
        positions.append(heading.start())
    assert positions == sorted(positions)


def test_cover_has_classification_obligations_and_fingerprints() -> None:
    evidence = sample_result().evidence
    page = render_html(evidence, language="en", strict=True)
    cover = page[page.index('id="overview"'):page.index('id="requirements"')]
    assert evidence["system"]["name"] in cover and "provider, deployer" in cover
    assert "High-risk AI system" in cover and "Next deadline" in cover
    assert cover.count('<tr><th scope="row">Art.') >= len(evidence["classification"]["obligations"])
    for dataset in evidence["datasets"]:
        assert dataset["sha256"] in cover
    assert evidence["run"]["spec_sha256"] in cover
    assert evidence["rulebook"]["sha256"] in cover


def test_thresholds_show_rationale_and_overrides() -> None:
    frame = pd.DataFrame({"g": ["a", "b"] * 200, "label": [0, 1] * 200, "pred": [1, 0, 0, 1] * 100})
    result = auditor.audit({"data": {"test": frame}, "columns": {"target": "label", "prediction": "pred", "protected": ["g"]},
                            "checks": {"thresholds": {"disparity_ratio": 0.9}}})
    page = result.to_html(language="en")
    table = page[page.index('id="thresholds"'):page.index('id="reproducibility"')]
    row = next(r for r in re.findall(r"<tr>.*?</tr>", table, flags=re.DOTALL) if "disparity_ratio" in r)
    assert "0.900" in row and "0.800 → 0.900 via the audit spec (checks.thresholds)" in row
    # The rulebook's rationale argues for 0.8; shown beside 0.9 it would no longer match its value.
    assert "written for 0.800, not for the value in force (0.900)" in row and "below 80%" not in row
    untouched = next(r for r in re.findall(r"<tr>.*?</tr>", table, flags=re.DOTALL) if "min_group_size" in r)
    assert "rulebook default" in untouched


def test_signature_block_lists_signatories_or_blank_lines() -> None:
    page = render_html(sample_result().evidence, language="nl", strict=True)
    block = page[page.index('id="signatures"'):]
    assert block.count('class="signature"') == 1 and block.count("sig-line") == 2
    evidence = copy.deepcopy(sample_result().to_dict())
    evidence["report"] = {"signatories": [{"name": "A. de Vries", "role": "CISO"}, {"name": "B. Bakker", "role": "FG"}]}
    block = render_html(evidence, language="nl", strict=True).split('id="signatures"')[1]
    assert block.count('class="signature"') == 2 and "A. de Vries" in block and "FG" in block


def test_reproducibility_appendix_has_spec_hashes_versions_and_command() -> None:
    evidence = sample_result().evidence
    page = render_html(evidence, language="en", strict=True)
    appendix = page[page.index('id="reproducibility"'):page.index('id="signatures"')]
    assert f"auditor audit {evidence['run']['spec_file']} --lang en" in appendix
    assert "auditor render evidence.json --lang en" in appendix
    assert "rulebook:" in appendix and evidence["run"]["spec_sha256"] in appendix
    for library in evidence["run"]["libraries"]:
        assert f'<th scope="row">{library}</th>' in appendix


def test_gap_register_lists_every_finding_that_did_not_pass() -> None:
    evidence = sample_result().evidence
    page = render_html(evidence, language="en", strict=True)
    register = page[page.index('id="gaps"'):page.index('id="thresholds"')]
    shortcomings = [f for f in evidence["findings"] if f["status"] in ("fail", "warn", "insufficient_evidence", "error")]
    found = register[register.index('id="gaps-found-h"'):]
    assert sorted(re.findall(r'<a href="#(f\d+)">', found)) == sorted(
        f"f{evidence['findings'].index(f) + 1}" for f in shortcomings)


def test_declared_governance_shows_who_and_when() -> None:
    page = render_html(hostile_result().evidence, language="en", strict=True)
    governance = page[page.index('id="governance"'):page.index('id="gaps"')]
    assert "Design choices" in governance and "1 October 2026" in governance and _escaped(HOSTILE_COLUMN) in governance
    gaps = page[page.index('id="gaps"'):page.index('id="thresholds"')]
    assert "2 October 2026" in gaps and "open" in gaps


def test_small_groups_are_suppressed_in_tables_and_charts() -> None:
    rng = np.random.default_rng(4)
    n = 400
    data = pd.DataFrame({"g": ["tiny"] * 5 + ["big"] * (n // 2 - 5) + ["other"] * (n // 2),
                         "label": rng.integers(0, 2, n), "pred": rng.integers(0, 2, n)})
    result = auditor.audit({"data": {"test": data}, "columns": {"target": "label", "prediction": "pred", "protected": ["g"]}})
    page = result.to_html(language="en")
    rows = [r for r in re.findall(r"<tr>.*?</tr>", page, flags=re.DOTALL) if ">tiny<" in r or "g = tiny" in r]
    assert rows and all("suppressed" in r and "&lt; 10" in r for r in rows)
    tiny = [m for f in result.evidence["findings"] for m in f["metrics"]
            if (m.get("group") or {}).get("g") == "tiny" and m.get("value") is not None]
    for metric in tiny:  # neither the value nor the interval of the tiny group is printed anywhere
        for row in rows:
            assert f"{metric['value'] * 100:.1f}%" not in row
    for svg in re.findall(r"<svg class=\"chart\".*?</svg>", page, flags=re.DOTALL):
        if ">tiny<" in svg:
            assert "suppressed (&lt; 10)" in svg and "tiny: suppressed (fewer than 10 rows)." in svg


@pytest.mark.parametrize(("article", "en", "nl"), [
    ("AI Act 10(2)(f)", "Art. 10(2)(f)", "art. 10, lid 2, onder f"),
    ("AI Act 26(4)", "Art. 26(4)", "art. 26, lid 4"),
    ("3(3), 3(4), 3(6)", "Art. 3(3), (4), (6)", "art. 3, punten 3, 4 en 6"),
    ("6(1), 2(2), Annex I", "Art. 6(1), Art. 2(2), Annex I", "art. 6, lid 1; art. 2, lid 2; bijlage I"),
    ("AI Act 15", "Art. 15", "art. 15"),
    ("not an article", "not an article", "not an article"),
])
def test_articles_are_cited_in_each_language_s_style(article: str, en: str, nl: str) -> None:
    assert cite(article, "en") == en
    assert cite(article, "nl") == nl


def test_dates_are_written_out() -> None:
    assert Translator("nl").date("2030-08-02") == "2 augustus 2030"
    assert Translator("en").date("2026-11-22T10:00:00+00:00") == "22 November 2026"


def test_messages_do_not_give_away_the_numbers_of_small_groups() -> None:
    evidence = hostile_result().evidence
    finding = next(f for f in evidence["findings"] if f["check"] == "representativeness.reference_population")
    raw = str(Translator("en").message(finding["message"]["key"], finding["message"]["params"]))
    assert "tiny (ratio 0.0" in raw, "the check's own parameters carry the small group's ratio"
    assert "tiny" in str(private_params(finding, 10))
    page = render_html(evidence, language="en", strict=True)
    assert "tiny (ratio —" in page and "tiny (ratio 0.0" not in page
