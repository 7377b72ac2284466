"""``import auditor`` stays light: no pandas, sklearn, GX or fairlearn until used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_import_loads_no_heavy_library() -> None:
    code = (
        "import sys, auditor\n"
        "heavy = [m for m in ('pandas', 'sklearn', 'great_expectations', 'fairlearn', 'pyspark', 'duckdb', 'matplotlib')"
        " if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


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
