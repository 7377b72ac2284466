"""``import auditor`` stays light: no pandas, sklearn, GX or fairlearn until used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_loads_no_heavy_library() -> None:
    code = (
        "import sys, auditor\n"
        "heavy = [m for m in ('pandas', 'sklearn', 'great_expectations', 'fairlearn', 'pyspark', 'duckdb', 'matplotlib')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.slow
def test_a_full_sample_audit_runs_without_fairlearn(tmp_path: Path) -> None:
    # fairlearn is only a test extra (the trusted implementation the tests compare with): the
    # audit and its report must neither import it nor need it, as after a plain `pip install .`.
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.partition('.')[0] == 'fairlearn':\n"
        "            raise ImportError('fairlearn is blocked: auditor must not need it')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import auditor\n"
        f"result = auditor.audit({str(ROOT / 'sample_data/benefits/audit.yaml')!r})\n"
        f"result.save({str(tmp_path)!r})\n"
        "print(len(result.findings), result.exit_code, [m for m in sys.modules if m.startswith('fairlearn')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    findings, exit_code, loaded = out.stdout.split(" ", 2)
    assert int(findings) > 50 and exit_code == "1" and loaded.strip() == "[]", out.stderr
    assert (tmp_path / "report.html").is_file() and (tmp_path / "evidence.json").is_file()


def test_cli_help_loads_no_heavy_library() -> None:
    code = (
        "import sys\nfrom auditor.cli import build_parser\nbuild_parser().format_help()\n"
        "heavy = [m for m in ('pandas', 'sklearn', 'great_expectations', 'fairlearn', 'scipy', 'jinja2') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_lazy_names_resolve() -> None:
    import auditor

    assert callable(auditor.audit) and callable(auditor.load_spec)
    assert set(auditor.__all__) <= set(dir(auditor))


def test_render_loads_no_pandas_and_no_engine(tmp_path: Path) -> None:
    import pandas as pd

    import auditor

    frame = pd.DataFrame({"sex": ["F", "M"] * 60, "label": [0, 1, 1] * 40, "predicted": [1, 0, 0, 1] * 30})
    result = auditor.audit({"data": {"test": frame},
                            "columns": {"target": "label", "prediction": "predicted", "protected": ["sex"]}})
    evidence = tmp_path / "evidence.json"
    evidence.write_text(result.to_json(), encoding="utf-8")
    code = (
        "import sys\nfrom auditor.cli import main\n"
        f"rc = main(['render', {str(evidence)!r}, '--out', {str(tmp_path / 'out')!r}])\n"
        "loaded = [m for m in ('pandas', 'auditor.engines.pandas', 'auditor.engines.profile', 'sklearn', 'pyarrow') "
        "if m in sys.modules]\n"
        "print(f'{rc}:' + ','.join(loaded))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "0:", out.stdout + out.stderr
    assert (tmp_path / "out" / "report.html").is_file()
