"""``kill -9`` at random moments never leaves a half-written result behind.

A ~1 M-row audit writes into a folder that already holds an earlier report. The command is
killed with SIGKILL at random moments over the run (and once just before it would finish,
when it is writing). Afterwards the folder holds a complete pair — ``evidence.json`` and
``report.html`` of the same run id, the old one or the new one — and no temporary files.
``AUDITOR_KILL_ROWS`` sets the row count (default 1,000,000).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
ROWS = int(os.environ.get("AUDITOR_KILL_ROWS", "1000000"))


def _command(spec: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "auditor.cli", "audit", str(spec), "--out", str(out), "--quiet"]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def _pair(out: Path) -> str:
    """The run id of the folder's pair; fails unless both files are complete and of the same run."""
    evidence = json.loads((out / "evidence.json").read_text(encoding="utf-8"))  # complete JSON or this raises
    run_id = evidence["run"]["id"]
    report = (out / "report.html").read_text(encoding="utf-8")
    assert report.rstrip().endswith("</html>"), "the report is complete"
    assert f"<code>{run_id}</code>" in report, "report and evidence come from the same run"
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]
    assert not leftovers, f"temporary files left behind: {leftovers}"
    return run_id


@pytest.mark.slow
def test_kill_9_leaves_the_old_or_the_new_pair(tmp_path: Path) -> None:
    rng = np.random.default_rng(9)
    frame = pd.DataFrame({
        "sex": rng.choice(["F", "M", "X"], ROWS, p=[0.49, 0.49, 0.02]),
        "age_band": rng.choice(["18-29", "30-49", "50+"], ROWS),
        "income": rng.lognormal(10, 1, ROWS),
        "region": rng.choice([f"r{i}" for i in range(12)], ROWS),
        "label": rng.integers(0, 2, ROWS),
        "predicted": rng.integers(0, 2, ROWS),
    })
    frame.to_parquet(tmp_path / "data.parquet", index=False)
    spec = tmp_path / "audit.yaml"
    spec.write_text("data: {test: data.parquet}\ncolumns: {target: label, prediction: predicted, protected: [sex, age_band]}\n"
                    "checks: {skip: [representativeness.reference_population]}\n", encoding="utf-8")
    out = tmp_path / "out"

    started = time.monotonic()
    first = subprocess.run(_command(spec, out), env=_env(), capture_output=True, text=True, timeout=1800)
    duration = time.monotonic() - started
    assert first.returncode in (0, 1), first.stderr
    ids = {_pair(out)}

    chooser = random.Random(2026)
    moments = [chooser.uniform(0.2, 1.0) * duration for _ in range(3)] + [0.97 * duration, 1.02 * duration]
    for moment in moments:
        process = subprocess.Popen(_command(spec, out), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(moment)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        ids.add(_pair(out))  # the old pair or a new one, each complete
    # Whether a kill came late enough for its run to finish depends on the machine's load, so the
    # replacement itself is shown by a run that is not killed: it swaps in a complete new pair.
    before = _pair(out)
    last = subprocess.run(_command(spec, out), env=_env(), capture_output=True, text=True, timeout=1800)
    assert last.returncode in (0, 1), last.stderr
    assert _pair(out) != before, "an uninterrupted run replaces the pair with its own"
