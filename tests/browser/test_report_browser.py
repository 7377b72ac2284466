"""The report in a real browser: offline, no errors, accessible (axe-core, WCAG 2.1 AA), printable."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from render.cases import HOSTILE_STRINGS, hostile_result, sample_result

from auditor.render import render_html
from auditor.render.i18n import LANGUAGES

from .conftest import CHROMIUM, CHROMIUM_ARGS, skip_module_without_tools

skip_module_without_tools()

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
CASES = {"sample": sample_result, "hostile": hostile_result}


def _report(tmp_path: Path, case: str, language: str) -> Path:
    path = tmp_path / f"{case}.{language}.html"
    path.write_text(render_html(CASES[case]().evidence, language=language, strict=True), encoding="utf-8")
    return path


def _open(browser: Any, path: Path, **context: Any) -> tuple[Any, Any, dict[str, list[str]]]:
    page = browser.new_context(viewport={"width": 1100, "height": 900}, **context).new_page()
    seen: dict[str, list[str]] = {"requests": [], "console": [], "errors": [], "dialogs": []}
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("console", lambda message: seen["console"].append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    return page, page.context, seen


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_report_loads_offline_without_errors(browser: Any, tmp_path: Path, case: str, language: str) -> None:
    path = _report(tmp_path, case, language)
    page, context, seen = _open(browser, path)
    assert seen["requests"] == [path.as_uri()], "the report must request nothing but itself"
    assert seen["errors"] == [] and seen["dialogs"] == []
    assert not [c for c in seen["console"] if c.startswith(("error", "warning"))]
    assert page.evaluate("document.scripts.length") == 0 and page.evaluate("document.images.length") == 0
    assert page.evaluate("document.documentElement.lang") == language
    body = page.inner_text("body")
    if case == "hostile":  # the hostile strings are shown as text, never run
        for hostile in HOSTILE_STRINGS:
            assert hostile in body
    context.close()


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if c == "sample" else c for c in sorted(CASES)])
@pytest.mark.parametrize("language", LANGUAGES)
def test_axe_finds_no_accessibility_violation(browser: Any, axe_source: str, tmp_path: Path, case: str, language: str) -> None:
    page, context, _ = _open(browser, _report(tmp_path, case, language))
    page.add_script_tag(content=axe_source)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
                           AXE_TAGS)
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert violations == []
    assert len(result["passes"]) > 20, "axe ran its rules"
    context.close()


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("width", [1280, 1024, 390])
def test_the_page_never_scrolls_sideways(browser: Any, tmp_path: Path, case: str, width: int) -> None:
    """WCAG 1.4.10 (reflow): wide tables scroll in their own keyboard-focusable box, the page does not."""
    path = _report(tmp_path, case, "nl")
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(path.as_uri(), wait_until="load")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    boxes = page.evaluate("""() => [...document.querySelectorAll('.table-wrap')]
        .filter(e => e.scrollWidth > e.clientWidth).map(e => e.tabIndex)""")
    assert all(tab == 0 for tab in boxes)
    page.context.close()


def test_report_reads_with_javascript_off(browser: Any, tmp_path: Path) -> None:
    page, context, seen = _open(browser, _report(tmp_path, "sample", "nl"), java_script_enabled=False)
    assert page.locator("#signatures").is_visible() and page.locator("svg.chart").first.is_visible()
    assert page.locator("table").count() > 10
    assert seen["requests"] == [(tmp_path / "sample.nl.html").as_uri()]
    context.close()


def _pages(pdf: bytes) -> int:
    assert pdf.startswith(b"%PDF-")
    try:
        from io import BytesIO

        from pypdf import PdfReader
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    return len(PdfReader(BytesIO(pdf)).pages)


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_print_gives_an_a4_pdf(browser: Any, tmp_path: Path, language: str) -> None:
    page, context, _ = _open(browser, _report(tmp_path, "sample", language))
    page.emulate_media(media="print")
    assert page.locator("nav.toc").is_hidden(), "the contents list is for the screen"
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert _pages(pdf) > 5
    context.close()


@pytest.mark.slow
def test_chromium_command_line_prints_the_report(tmp_path: Path, browser: Any) -> None:
    source = _report(tmp_path, "sample", "en")
    target = tmp_path / "report.pdf"
    subprocess.run(
        [str(CHROMIUM), "--headless", *CHROMIUM_ARGS, "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri()],
        check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)},
    )
    assert _pages(target.read_bytes()) > 5


@pytest.mark.parametrize("language", LANGUAGES)
def test_first_screen_leads_with_the_verdict(browser: Any, tmp_path: Path, language: str) -> None:
    page, context, _ = _open(browser, _report(tmp_path, "sample", language))
    headings = page.eval_on_selector_all("main h2, main h3", "els => els.map(e => e.id)")
    assert headings[:4] == ["verdict-h", "verdicts-h", "worst-h", "missing-h"], headings[:6]
    assert headings.index("missing-h") < headings.index("toc-h")
    top = page.locator("#verdict-h").bounding_box()
    assert top is not None and top["y"] < 900, "the verdict starts on the first screen"
    page.click("ol.worst li:first-child a")  # each worst finding links to the finding itself
    target = page.evaluate("location.hash")
    box = page.locator(f"article{target}").bounding_box()
    assert box is not None and -2 < box["y"] < 900
    context.close()
