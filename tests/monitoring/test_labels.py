"""Label back-fill: error rates per group once the outcomes of a recorded batch are known."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import synth
from synth import statuses

from auditor.errors import DataError
from auditor.monitoring.history import History


def _batch_and_labels(tmp_path: Path, *, degrade: bool) -> tuple[Path, Path]:
    frame = synth.frame(8_000, seed=21)
    if degrade:  # in region Oost, half of the cases the model did not select turn out positive
        rng = np.random.default_rng(5)
        oost = (frame["region"] == "Oost") & (frame["predicted"] == 0)
        frame.loc[oost, "label"] = (rng.random(int(oost.sum())) < 0.5).astype(int)
    batch = synth.write(frame.drop(columns=["label"]), tmp_path / "unlabelled.parquet")
    labels = tmp_path / "labels.csv"
    frame[["case_id", "label"]].sample(frac=1.0, random_state=1).to_csv(labels, index=False)
    return batch, labels


def test_back_filled_labels_judge_the_error_rates_of_the_recorded_batch(run_batch: Callable, frozen: dict, tmp_path: Path) -> None:
    from auditor.monitoring.runner import monitor

    batch, labels = _batch_and_labels(tmp_path, degrade=True)
    history = tmp_path / "labels.sqlite"
    first = monitor(frozen["spec"], batches=[batch], reference=frozen["reference"], history=history, batch_id="2026-10")
    assert statuses(first, "drift.error_rates") == {"production": "not_applicable"}
    filled = monitor(frozen["spec"], batches=[batch], reference=frozen["reference"], history=history, batch_id="2026-10",
                     labels=labels)
    assert filled.run["kind"] == "labels" and filled.run["labels"]["matched"] == 8_000
    assert [f["check"] for f in filled.findings] == ["drift.error_rates"] * 3
    rates = statuses(filled, "drift.error_rates")
    assert rates["region"] == "fail"
    finding = next(f for f in filled.findings if f["id"] == "drift.error_rates/production/region")
    tpr = next(m for m in finding["metrics"] if m["name"] == "true_positive_rate_ratio" and m["group"] == {"region": "Oost"})
    assert tpr["status"] == "fail" and tpr["ci"][1] < 0.8
    with History(history) as store:
        runs = store.runs()
        assert [(r["kind"], r["batch_id"]) for r in runs] == [("batch", "2026-10"), ("labels", "2026-10")]
        assert store.document(runs[0]["seq"])["findings"] == first.run["findings"]  # the batch's run is unchanged
        assert store.verify().ok


def test_unchanged_labels_pass(frozen: dict, tmp_path: Path) -> None:
    from auditor.monitoring.runner import monitor

    batch, labels = _batch_and_labels(tmp_path, degrade=False)
    history = tmp_path / "labels.sqlite"
    monitor(frozen["spec"], batches=[batch], reference=frozen["reference"], history=history, batch_id="b")
    filled = monitor(frozen["spec"], batches=[batch], reference=frozen["reference"], history=history, batch_id="b", labels=labels)
    assert "fail" not in statuses(filled, "drift.error_rates").values()


def test_labels_for_a_batch_not_yet_recorded_are_refused(frozen: dict, tmp_path: Path) -> None:
    from auditor.monitoring.runner import monitor

    batch, labels = _batch_and_labels(tmp_path, degrade=False)
    with pytest.raises(DataError, match="run 'auditor monitor' on the batch first"):
        monitor(frozen["spec"], batches=[batch], reference=frozen["reference"], history=tmp_path / "h.sqlite", batch_id="x",
                labels=labels)


def test_a_labels_file_without_the_id_column_names_it(frozen: dict, tmp_path: Path) -> None:
    from auditor.monitoring.runner import monitor

    batch, _ = _batch_and_labels(tmp_path, degrade=False)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,label\n1,0\n", encoding="utf-8")
    monitor(frozen["spec"], batches=[batch], reference=frozen["reference"], history=tmp_path / "h.sqlite", batch_id="x")
    with pytest.raises(DataError, match="case_id"):
        monitor(frozen["spec"], batches=[batch], reference=frozen["reference"], history=tmp_path / "h.sqlite", batch_id="x",
                labels=bad)
