"""A real headless Chromium (the system's ``/usr/bin/chromium``) driven by Playwright, with axe-core.

``.ci/run`` installs all three (apt ``chromium``, pip ``playwright``, ``npm ci`` for axe-core),
so CI runs these tests. Locally they are skipped, with the reason, only when Chromium is not
installed and ``CI`` is not set; with ``CI`` set, or with Chromium present, anything missing is
an error. Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("AUDITOR_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
]


def _missing(what: str) -> None:
    pytest.fail(f"{what}; .ci/run installs it (apt-get install chromium; pip install '.[test]'; npm ci)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium for the session."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            _missing(f"Chromium is not installed at {CHROMIUM} and CI is set: the browser tests must run")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium); set CI=true to make this an error")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the Python package playwright is not installed")
    if not AXE.is_file():
        _missing(f"axe-core is not installed at {AXE}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The axe-core script, injected into pages by the tests."""
    return AXE.read_text(encoding="utf-8")
