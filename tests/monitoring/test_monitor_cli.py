"""``auditor reference``, ``monitor`` and ``history`` end to end, as cron or Airflow would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import synth
import yaml

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "auditor.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=300,
                          env=env)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    synth.frame(6_000, seed=1).to_parquet(folder / "scored.parquet")
    spec = {"data": {"test": "scored.parquet"}, "columns": synth.COLUMNS,
            "monitoring": {"reference": {"data": "test"}, "expected_every_days": 7}, "report": {"output": "out"}}
    (folder / "audit.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    synth.frame(2_000, seed=2).to_parquet(folder / "week1.parquet")
    synth.frame(2_000, seed=3, shift_sd=0.6).to_parquet(folder / "week2.parquet")
    return folder


@pytest.mark.slow
def test_reference_monitor_history_and_verify(workspace: Path) -> None:
    made = run("reference", "audit.yaml", cwd=workspace)
    assert made.returncode == 0, made.stderr
    assert (workspace / "out" / "reference.json").is_file() and "sha256:" in made.stdout

    quiet = run("monitor", "audit.yaml", "--batch", "week1.parquet", "--batch-id", "2026-W01", "--batch-time", "2026-01-05",
                "--quiet", cwd=workspace)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout == "" and quiet.stderr == ""  # silent under cron

    alert = run("monitor", "audit.yaml", "--batch", "week2.parquet", "--batch-id", "2026-W02", "--batch-time", "2026-01-12",
                "--format", "json", cwd=workspace)
    assert alert.returncode == 1, alert.stderr
    report = json.loads(alert.stdout)
    assert "drift.feature_distribution/production/income" in report["alerts"] and report["exit_code"] == 1
    assert alert.stderr == ""  # no progress bar when not on a terminal

    again = run("monitor", "audit.yaml", "--batch", "week2.parquet", "--batch-id", "2026-W02", cwd=workspace)
    assert again.returncode == 1 and "already recorded" in again.stdout

    listing = run("history", "--spec", "audit.yaml", "--format", "json", "--now", "2026-01-13", cwd=workspace)
    assert listing.returncode == 0, listing.stderr
    rows = json.loads(listing.stdout)
    assert [r["batch_id"] for r in rows] == ["2026-W01", "2026-W02"] and rows[1]["alerts"] >= 1

    overdue = run("history", "--spec", "audit.yaml", "--format", "csv", "--now", "2026-02-20", cwd=workspace)
    assert overdue.returncode == 1 and "no batch for" in overdue.stderr
    assert overdue.stdout.splitlines()[0].startswith("seq,batch_id")

    trend = run("history", "--history", "out/history.sqlite", "--out", "trend.html", "--lang", "nl", "--now", "2026-01-13",
                cwd=workspace)
    assert trend.returncode == 0, trend.stderr
    assert "Monitoringtrend" in (workspace / "trend.html").read_text(encoding="utf-8")

    verified = run("history", "verify", "--history", "out/history.sqlite", cwd=workspace)
    assert verified.returncode == 0 and "hash chain intact" in verified.stdout


@pytest.mark.slow
def test_input_errors_exit_2_with_a_message_naming_the_file(workspace: Path, tmp_path: Path) -> None:
    missing = run("monitor", "audit.yaml", "--batch", "week1.parquet", "--reference", str(tmp_path / "none.json"), cwd=workspace)
    assert missing.returncode == 2 and "none.json" in missing.stderr and "auditor reference" in missing.stderr
    assert "Traceback" not in missing.stderr
    no_batch = run("monitor", "audit.yaml", "--batch", "nope.parquet", cwd=workspace)
    assert no_batch.returncode == 2 and "nope.parquet" in no_batch.stderr
    no_history = run("history", "verify", "--history", str(tmp_path / "absent.sqlite"), cwd=workspace)
    assert no_history.returncode == 2 and "absent.sqlite" in no_history.stderr
    nothing = run("history", cwd=workspace)
    assert nothing.returncode == 2 and "--history" in nothing.stderr


def test_explain_documents_a_drift_check(workspace: Path) -> None:
    proc = run("explain", "drift.group_composition", "--lang", "en", cwd=workspace)
    assert proc.returncode == 0, proc.stderr
    assert "urn:nl:ak:ver:aia-22" in proc.stdout and "min_share_ratio" in proc.stdout
