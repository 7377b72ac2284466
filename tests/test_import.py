"""``import auditor`` stays light: no pandas, sklearn, GX or fairlearn until used."""

from __future__ import annotations

import subprocess
import sys


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
