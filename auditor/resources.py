"""Where the rulebooks (``checks/``) and report templates (``reports/``) are found.

In a checkout they sit at the top of the repository; in an installed wheel they are shipped
inside the package as ``auditor/_rulebooks`` and ``auditor/_reports`` (see ``pyproject.toml``).
Both layouts are supported so the tool works the same from a clone and from ``pip install``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _locate(installed: str, checkout: str) -> Path:
    for candidate in (_PACKAGE / installed, _PACKAGE.parent / checkout):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(  # pragma: no cover - a broken installation
        f"auditor installation is incomplete: neither {_PACKAGE / installed} nor "
        f"{_PACKAGE.parent / checkout} exists; reinstall with 'pip install .'"
    )


def rulebooks_dir() -> Path:
    """Return the folder holding the rulebook YAML files."""
    return _locate("_rulebooks", "checks")


def reports_dir() -> Path:
    """Return the folder holding the report templates, stylesheet and translations."""
    return _locate("_reports", "reports")
