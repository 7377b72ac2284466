"""The ``auditor`` command end to end, as a scheduler would run it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from auditor.evidence import validate_evidence

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    # The package under test is importable from any folder, installed or not.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "auditor.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300, env=env)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("sample")
    return run("audit", "sample_data/benefits/audit.yaml", "--out", str(out)), out


def test_sample_audit_writes_report_and_evidence(sample_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    proc, out = sample_run
    assert proc.returncode == 1, proc.stderr  # the sample has planted problems
    assert (out / "report.html").is_file() and (out / "evidence.json").is_file()
    evidence = json.loads((out / "evidence.json").read_text(encoding="utf-8"))
    validate_evidence(evidence)
    assert evidence["classification"]["category"] == "high_risk"
    statuses = {f["status"] for f in evidence["findings"]}
    assert {"pass", "warn", "fail", "insufficient_evidence"} <= statuses
    assert "report:" in proc.stdout and "evidence:" in proc.stdout
    assert not list(out.glob(".*.tmp")), "no temporary files left behind"


def test_render_rebuilds_the_report_from_evidence(sample_run: tuple[subprocess.CompletedProcess[str], Path],
                                                  tmp_path: Path) -> None:
    _, out = sample_run
    proc = run("render", str(out / "evidence.json"), "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == (out / "report.html").read_text(encoding="utf-8")


def test_json_output_and_strict_mode(tmp_path: Path) -> None:
    frame = pd.DataFrame({"g": ["a"] * 200 + ["b"] * 5, "label": [0, 1] * 102 + [0], "pred": [0, 1] * 102 + [0]})
    frame.to_csv(tmp_path / "d.csv", index=False)
    (tmp_path / "audit.yaml").write_text(
        "data: {test: d.csv}\ncolumns: {target: label, prediction: pred, protected: [g], favourable: 1}\n"
        "checks: {skip: [representativeness.reference_population]}\n", encoding="utf-8")
    relaxed = run("audit", "audit.yaml", "--out", "o", "--format", "json", cwd=tmp_path)
    strict = run("audit", "audit.yaml", "--out", "o", "--strict", "--quiet", cwd=tmp_path)
    summary = json.loads(relaxed.stdout)
    assert summary["summary"]["insufficient_evidence"] >= 1 and summary["summary"]["fail"] == 0
    assert relaxed.returncode == 0
    assert strict.returncode == 3 and strict.stdout == ""


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("data: {training: missing.csv}\n", "missing.csv: file not found"),
        ("data: {training: d.csv}\ncolumns: {protected: [gender]}\n", "columns.protected: column 'gender' is not in data.training"),
        ("data: {training: empty.csv}\n", "has a header but no rows"),
        ("data: {trainig: d.csv}\n", "did you mean 'training'"),
        ("data: {training: d.csv}\nchecks: {rulebook: ai-act-artikel-10}\n", "did you mean 'ai-act-article-10'"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(tmp_path: Path, spec: str, fragment: str) -> None:
    pd.DataFrame({"sex": ["F", "M"], "label": [0, 1]}).to_csv(tmp_path / "d.csv", index=False)
    (tmp_path / "empty.csv").write_text("sex,label\n", encoding="utf-8")
    (tmp_path / "audit.yaml").write_text(spec, encoding="utf-8")
    proc = run("audit", "audit.yaml", "--out", "o", cwd=tmp_path)
    assert proc.returncode == 2
    assert fragment in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists(), "no half-written output"


def test_missing_spec_and_help() -> None:
    proc = run("audit", "no/such/spec.yaml")
    assert proc.returncode == 2 and "file not found" in proc.stderr and "Traceback" not in proc.stderr
    top = run("--help")
    assert top.returncode == 0 and "exit codes" in top.stdout
    for command in ("audit", "render", "explain", "init", "classify", "inventory"):
        sub = run(command, "--help")
        assert sub.returncode == 0 and len(sub.stdout) > 200, command


def test_explain_prints_the_documentation() -> None:
    proc = run("explain", "bias.selection_rate", "--lang", "nl")
    assert proc.returncode == 0
    assert "four-fifths" in proc.stdout or "vier-vijfde" in proc.stdout
    bad = run("explain", "bias.selection_rat")
    assert bad.returncode == 2 and "did you mean 'bias.selection_rate'" in bad.stderr


@pytest.mark.slow
def test_init_scaffolds_a_spec_that_audits(tmp_path: Path) -> None:
    shutil.copy(ROOT / "sample_data" / "benefits" / "train.parquet", tmp_path / "train.parquet")
    proc = run("init", "audit.yaml", "--data", "train.parquet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "audit.yaml").read_text(encoding="utf-8")
    assert "target: label" in text and "application_id" in text and "sex" in text
    assert "\n# system: system.yaml" in text and "\n# reference: {file: reference_population.csv}" in text
    audited = run("audit", "audit.yaml", "--out", "o", cwd=tmp_path)  # the scaffold audits as written
    assert audited.returncode in (0, 1), audited.stderr
    assert (tmp_path / "o" / "evidence.json").is_file()
    shutil.copy(ROOT / "sample_data" / "benefits" / "system.yaml", tmp_path / "system.yaml")
    assert run("init", "with-system.yaml", "--data", "train.parquet", cwd=tmp_path).returncode == 0
    with_system = (tmp_path / "with-system.yaml").read_text(encoding="utf-8")
    assert "\nsystem: system.yaml\ndata:" in with_system and "# system:" not in with_system
    again = run("init", "audit.yaml", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr


def test_output_folder_comes_from_the_spec(tmp_path: Path) -> None:
    pd.DataFrame({"g": ["a", "b"] * 50, "label": [0, 1] * 50}).to_csv(tmp_path / "d.csv", index=False)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "audit.yaml").write_text(
        "data: {training: ../d.csv}\ncolumns: {target: label, protected: [g]}\nreport: {output: ../reports/run1}\n",
        encoding="utf-8")
    proc = run("audit", "sub/audit.yaml", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    assert (tmp_path / "reports" / "run1" / "evidence.json").is_file()
    assert f"report:   {Path('reports/run1/report.html')}" in proc.stdout
