"""Planted drifts of known size are found; null batches and negligible shifts do not alert."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import synth
from synth import statuses

from auditor import exitcodes


def _metric(result, finding_id: str, name: str, **group: str) -> dict:
    finding = next(f for f in result.findings if f["id"] == finding_id)
    return next(m for m in finding["metrics"] if m["name"] == name and (not group or m.get("group") == group))


def test_a_null_batch_passes_with_exit_code_0(run_batch: Callable) -> None:
    result = run_batch(synth.frame(10_000, seed=11))
    features = statuses(result, "drift.feature_distribution")
    assert set(features.values()) == {"pass"}, features
    assert result.exit_code_for(strict=False) == exitcodes.OK
    assert not [f["id"] for f in result.findings if f["status"] in ("fail", "error")]


def test_a_shift_of_0_3_sd_in_one_feature_fails_that_feature_only(run_batch: Callable) -> None:
    result = run_batch(synth.frame(10_000, seed=12, shift_sd=0.3))
    features = statuses(result, "drift.feature_distribution")
    assert features.pop("income") == "fail"
    assert set(features.values()) == {"pass"}, features
    shift = _metric(result, "drift.feature_distribution/production/income", "mean_shift_sd")
    assert 0.25 < shift["value"] < 0.36 and shift["ci"][0] > 0.2 and shift["status"] == "fail"
    psi = _metric(result, "drift.feature_distribution/production/income", "psi")
    assert 0.06 < psi["value"] < 0.12  # PSI alone would miss it (≈ 0.086 in theory)
    assert result.exit_code_for(strict=False) == exitcodes.CHECK_FAILED


def test_a_category_mix_shift_fails(run_batch: Callable) -> None:
    result = run_batch(synth.frame(10_000, seed=13, channel_mix=(0.2, 0.3, 0.5)))
    assert statuses(result, "drift.feature_distribution")["channel"] == "fail"
    psi = _metric(result, "drift.feature_distribution/production/channel", "psi")
    assert psi["ci"][0] > 0.25


def test_a_one_percent_group_that_triples_fails_while_the_aggregate_hides_it(run_batch: Callable) -> None:
    result = run_batch(synth.frame(10_000, seed=14, x_share=0.03))
    assert statuses(result, "drift.group_composition")["sex"] == "fail"
    ratio = _metric(result, "drift.group_composition/production/sex", "share_ratio", sex="X")
    assert 2.4 < ratio["value"] < 3.6 and ratio["ci"][0] > 1.25 and ratio["status"] == "fail"
    # the large groups barely move: their ratios stay within the band
    assert _metric(result, "drift.group_composition/production/sex", "share_ratio", sex="F")["status"] == "pass"


def test_a_changed_selection_rate_for_one_group_fails(run_batch: Callable) -> None:
    result = run_batch(synth.frame(10_000, seed=15, x_share=0.05, x_selection=0.9))
    assert statuses(result, "drift.selection_rate")["sex"] == "fail"
    metric = _metric(result, "drift.selection_rate/production/sex", "selection_rate_ratio", sex="X")
    assert metric["status"] == "fail" and metric["value"] > 1.5


def test_small_batches_give_insufficient_evidence_not_a_pass(run_batch: Callable) -> None:
    result = run_batch(synth.frame(120, seed=16))
    assert set(statuses(result, "drift.feature_distribution").values()) == {"insufficient_evidence"}
    assert result.exit_code_for(strict=True) == exitcodes.INSUFFICIENT_EVIDENCE


@pytest.mark.slow
def test_false_alarm_rate_over_repeated_null_batches_is_at_most_5_percent(run_batch: Callable) -> None:
    alarms = warnings = 0
    runs = 40
    for i in range(runs):
        result = run_batch(synth.frame(2_000 if i % 2 else 500, seed=1000 + i), batch_id=f"null-{i}")
        single = [f for f in result.findings if f["check"] != "drift.cumulative"]
        alarms += any(f["status"] in ("fail", "error") for f in single)
        warnings += any(f["status"] == "warn" for f in single if f["check"] == "drift.feature_distribution")
    assert alarms / runs <= 0.05
    assert warnings / runs <= 0.10


@pytest.mark.slow
def test_a_negligible_shift_at_one_million_rows_does_not_alert(run_batch: Callable) -> None:
    result = run_batch(synth.frame(1_000_000, seed=17, shift_sd=0.02))
    income = _metric(result, "drift.feature_distribution/production/income", "mean_shift_sd")
    assert income["ci"][0] > 0.0  # the shift is real and detected as such ...
    assert income["status"] == "pass"  # ... but far below the effect size that matters
    assert statuses(result, "drift.feature_distribution")["income"] == "pass"
    assert not [f["id"] for f in result.findings if f["status"] in ("fail", "error")]  # nor does any other check, CUSUM included


@pytest.mark.slow
def test_cusum_finds_a_slow_drift_that_no_single_batch_shows(run_batch: Callable) -> None:
    start = datetime(2026, 1, 5, tzinfo=UTC)
    first_alarm = None
    for i in range(30):
        boost = 0.05 * i / 29  # the selection probability rises by 5 points over 30 batches
        result = run_batch(synth.frame(3_000, seed=2000 + i, selection_boost=boost), batch_id=f"b{i:02d}",
                           batch_time=start + timedelta(days=7 * i))
        assert statuses(result, "drift.selection_rate")["region"] != "fail"
        cumulative = statuses(result, "drift.cumulative")
        if first_alarm is None and cumulative.get("selection_rate_ratio/region") == "fail":
            first_alarm = i
    assert first_alarm is not None and first_alarm >= 5


def test_a_missing_batch_is_a_finding(frozen: dict, run_batch: Callable) -> None:
    spec = {**frozen["spec"], "monitoring": {**frozen["spec"]["monitoring"], "expected_every_days": 7}}
    start = datetime(2026, 3, 2, tzinfo=UTC)
    from auditor.monitoring.runner import monitor

    paths = [synth.write(synth.frame(1_000, seed=3000 + i), frozen["folder"] / f"gap-{i}.parquet") for i in range(3)]
    history = frozen["folder"] / "gap.sqlite"
    first = monitor(spec, batches=[paths[0]], history=history, batch_time=start)
    assert statuses(first, "drift.missing_batch") == {"production": "not_applicable"}
    on_time = monitor(spec, batches=[paths[1]], history=history, batch_time=start + timedelta(days=7))
    assert statuses(on_time, "drift.missing_batch") == {"production": "pass"}
    late = monitor(spec, batches=[paths[2]], history=history, batch_time=start + timedelta(days=7 + 22))
    assert statuses(late, "drift.missing_batch") == {"production": "fail"}
    finding = next(f for f in late.findings if f["check"] == "drift.missing_batch")
    assert finding["message"]["params"]["missed"] == 2
