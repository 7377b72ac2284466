"""The run history: append-only, idempotent per (batch id, attempt), hash-chained, concurrent-safe."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import synth

from auditor.errors import DataError
from auditor.monitoring.history import History


def test_wal_mode_and_busy_timeout(run_batch: Callable, tmp_path: Path) -> None:
    run_batch(synth.frame(500, seed=1))
    with History(tmp_path / "history.sqlite") as store:
        assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store._db.execute("PRAGMA busy_timeout").fetchone()[0] >= 10_000


def test_a_rerun_of_the_same_batch_is_idempotent(run_batch: Callable, tmp_path: Path) -> None:
    frame = synth.frame(500, seed=2)
    first = run_batch(frame, batch_id="2026-W10")
    again = run_batch(frame, batch_id="2026-W10")
    assert first.stored.created and not again.stored.created
    assert again.stored.seq == first.stored.seq and again.run["run_id"] == first.run["run_id"]
    with History(tmp_path / "history.sqlite") as store:
        assert len(store.runs()) == 1


def test_another_file_under_the_same_batch_id_and_attempt_is_refused(run_batch: Callable, tmp_path: Path) -> None:
    run_batch(synth.frame(500, seed=3), batch_id="2026-W11")
    with pytest.raises(DataError, match="--attempt 2"):
        run_batch(synth.frame(500, seed=4), batch_id="2026-W11")
    second = run_batch(synth.frame(500, seed=4), batch_id="2026-W11", attempt=2)
    assert second.stored.created and second.run["attempt"] == 2


def test_updates_and_deletes_are_refused(run_batch: Callable, tmp_path: Path) -> None:
    assert run_batch(synth.frame(2_000, seed=5, shift_sd=0.5)).run["exit_code"] == 1  # so there is an alert row
    db = sqlite3.connect(tmp_path / "history.sqlite")
    for statement in ("UPDATE runs SET status = 'pass'", "DELETE FROM runs", "DELETE FROM metrics", "UPDATE alerts SET status = 'x'"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(statement)
    db.close()


def _tamper(path: Path, *statements: str) -> None:
    db = sqlite3.connect(path)
    for table in ("runs", "metrics", "alerts"):
        for verb in ("update", "delete"):
            db.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()


@pytest.mark.parametrize(("statement", "expected"), [
    ("UPDATE runs SET status = 'pass', exit_code = 0 WHERE seq = 2", "run 2"),
    ("UPDATE metrics SET value = 0.01 WHERE run_seq = 2 AND name = 'psi' AND rowid = (SELECT MIN(rowid) FROM metrics WHERE run_seq = 2)", "run 2"),
    ("DELETE FROM alerts WHERE run_seq = 2", "run 2"),
    ("DELETE FROM runs WHERE seq = 2", "run 3"),
])
def test_a_tampered_history_is_detected(run_batch: Callable, tmp_path: Path, statement: str, expected: str) -> None:
    for i, shift in enumerate((0.0, 0.5, 0.0)):
        run_batch(synth.frame(2_000, seed=10 + i, shift_sd=shift), batch_id=f"b{i}")
    path = tmp_path / "history.sqlite"
    with History(path) as store:
        assert store.verify().ok
    _tamper(path, statement)
    with History(path) as store:
        check = store.verify()
    assert not check.ok
    assert any(p.startswith(expected) for p in check.problems), check.problems


_WORKER = textwrap.dedent("""
    import sys
    from auditor.cli import main
    spec, batch, reference, history, worker = sys.argv[1:6]
    codes = set()
    for i in range(100):
        codes.add(main([ "monitor", spec, "--batch", batch, "--reference", reference, "--history", history,
                         "--batch-id", f"w{worker}-{i:03d}", "--quiet"]))
    # a rerun of an already recorded batch must not add a row
    codes.add(main(["monitor", spec, "--batch", batch, "--reference", reference, "--history", history,
                    "--batch-id", f"w{worker}-000", "--quiet"]))
    sys.exit(0 if codes <= {0, 1} else 2)
""")


@pytest.mark.slow
def test_eight_concurrent_monitor_processes_lose_no_run(frozen: dict, tmp_path: Path) -> None:
    import yaml

    spec_file = tmp_path / "spec.yaml"
    spec_file.write_text(yaml.safe_dump(frozen["spec"]), encoding="utf-8")
    batch = synth.write(synth.frame(300, seed=99), tmp_path / "batch.parquet")
    history = tmp_path / "concurrent.sqlite"
    worker = tmp_path / "worker.py"
    worker.write_text(_WORKER, encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}
    processes = [subprocess.Popen([sys.executable, str(worker), str(spec_file), str(batch), str(frozen["reference"]), str(history),
                                   str(w)], env=env, stderr=subprocess.PIPE) for w in range(8)]
    errors = [p.communicate(timeout=900)[1].decode() for p in processes]
    assert [p.returncode for p in processes] == [0] * 8, errors
    with History(history) as store:
        runs = store.runs()
        check = store.verify()
    assert len(runs) == 800
    assert sorted(r["seq"] for r in runs) == list(range(1, 801))
    assert len({r["batch_id"] for r in runs}) == 800
    assert check.ok and check.n_runs == 800, check.problems
