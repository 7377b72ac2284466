"""The monitoring trend page in a real browser: offline, accessible (axe-core, WCAG 2.1 AA), readable without script."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from auditor.render.i18n import LANGUAGES

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "monitoring"))
import synth  # noqa: E402

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from auditor.monitoring.runner import freeze_reference, monitor

    folder = tmp_path_factory.mktemp("trend")
    reference = synth.frame(8_000, seed=1)
    reference.loc[:5, "region"] = "<script>alert(1)</script>"  # a hostile category stays text
    spec = synth.spec(folder, reference)
    freeze_reference(spec)
    start = datetime(2026, 1, 5, tzinfo=UTC)
    for i in range(8):
        batch = synth.write(synth.frame(2_000, seed=100 + i, shift_sd=0.1 * i, x_share=0.01 + 0.005 * i), folder / f"b{i}.parquet")
        monitor(spec, batches=[batch], batch_id=f"2026-W{i + 1:02d}", batch_time=start + timedelta(days=7 * i))
    return folder / "history.sqlite"


def _page(history: Path, tmp_path: Path, language: str) -> Path:
    from auditor.monitoring.history import History
    from auditor.monitoring.trend import render_trend

    with History(history) as store:
        html = render_trend(store, language=language, now=datetime(2026, 3, 1, tzinfo=UTC), verification=store.verify())
    path = tmp_path / f"trend.{language}.html"
    path.write_text(html, encoding="utf-8")
    return path


@pytest.mark.parametrize("language", LANGUAGES)
def test_trend_page_is_offline_accessible_and_shows_its_numbers(browser: Any, axe_source: str, history: Path, tmp_path: Path,
                                                                language: str) -> None:
    path = _page(history, tmp_path, language)
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    assert requests == [path.as_uri()]
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("document.documentElement.lang") == language
    charts = page.locator("svg.trend-chart")
    assert charts.count() >= 5 + 3  # one per feature, and per group
    assert page.locator("table").count() >= charts.count()  # every chart has its data table
    assert "<script>alert(1)</script>" in page.content().replace("&lt;", "<").replace("&gt;", ">")
    page.add_script_tag(content=axe_source)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
                           AXE_TAGS)
    violations = [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(str(n["target"]) for n in v["nodes"][:5])
                  for v in result["violations"]]
    assert violations == []
    page.context.close()


def test_trend_page_marks_the_alerts(history: Path, tmp_path: Path) -> None:
    html = _page(history, tmp_path, "en").read_text(encoding="utf-8")
    assert 'class="mk-fail"' in html and "band-fail" in html
    assert "hash chain is intact over 8 runs" in html


@pytest.mark.slow
def test_audit_report_with_its_monitoring_section_is_accessible(browser: Any, axe_source: str, history: Path, tmp_path: Path) -> None:
    import auditor
    from auditor.render import render_html

    folder = history.parent
    spec = synth.spec(folder, synth.frame(8_000, seed=1))
    spec["monitoring"]["history"] = str(history)
    evidence = auditor.audit(spec).to_dict()
    assert evidence["monitoring"]["runs"] == 8
    path = tmp_path / "report.html"
    path.write_text(render_html(evidence, language="nl", strict=True), encoding="utf-8")
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.goto(path.as_uri(), wait_until="load")
    assert page.locator("#monitoring").is_visible()
    page.add_script_tag(content=axe_source)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
                           AXE_TAGS)
    assert [v["id"] for v in result["violations"]] == []
    page.context.close()
