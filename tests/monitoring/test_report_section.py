"""The monitoring section of the conformity-evidence report, when the spec's history exists."""

from __future__ import annotations

from collections.abc import Callable

import synth

import auditor
from auditor.evidence import validate_evidence
from auditor.render import render_html


def test_the_audit_report_summarises_the_history(frozen: dict, run_batch: Callable, tmp_path) -> None:
    history = tmp_path / "history.sqlite"
    run_batch(synth.frame(2_000, seed=41), batch_id="w1")
    run_batch(synth.frame(2_000, seed=42, shift_sd=0.6), batch_id="w2")
    spec = {**frozen["spec"], "monitoring": {**frozen["spec"]["monitoring"], "history": str(history)}}
    result = auditor.audit(spec)
    summary = result.evidence["monitoring"]
    validate_evidence(result.to_dict())
    assert summary["runs"] == 2 and summary["batches"] == 2 and summary["integrity"]["ok"]
    assert summary["alerts_by_check"].get("drift.feature_distribution", 0) >= 1
    assert summary["latest"]["batch_id"] == "w2"
    assert any(f["id"] == "drift.feature_distribution/production/income" and f["status"] == "fail"
               for f in summary["latest"]["findings"])
    for language in ("en", "nl"):
        page = render_html(result.to_dict(), language=language, strict=True)
        assert 'id="monitoring"' in page and summary["integrity"]["head"] in page
        assert 'href="#monitoring"' in page


def test_no_history_no_section(frozen: dict, tmp_path) -> None:
    spec = {**frozen["spec"], "monitoring": {**frozen["spec"]["monitoring"], "history": str(tmp_path / "absent.sqlite")}}
    result = auditor.audit(spec)
    assert result.evidence["monitoring"] is None
    assert 'id="monitoring"' not in render_html(result.to_dict(), language="en", strict=True)
    assert not (tmp_path / "absent.sqlite").exists()  # reading the summary never creates a history
