"""A real headless Chromium (the system's ``/usr/bin/chromium``) driven by Playwright, with axe-core.

The browser tests need three things: Chromium (``apt-get install chromium``; another binary with
``AUDITOR_CHROMIUM=/path``), the Python package playwright (the ``[test]`` extra) and axe-core
(``npm ci``, from package-lock.json). Outside CI, when any of them is missing, every browser
test is skipped with one line naming what is missing and how to install it. Under CI (``CI``
set, as ``.ci/run`` does after installing all three) a missing one is an error, so the report's
accessibility is never silently untested. Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
]


def _chromium() -> Path:
    """``AUDITOR_CHROMIUM``, else Debian's ``/usr/bin/chromium``, else a ``chromium`` on the PATH."""
    if os.environ.get("AUDITOR_CHROMIUM"):
        return Path(os.environ["AUDITOR_CHROMIUM"])
    default = Path("/usr/bin/chromium")
    if default.exists():
        return default
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else default


CHROMIUM = _chromium()


def missing_tools() -> list[str]:
    """What the browser tests need and is not installed, each with how to install it."""
    missing = []
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"Chromium (not at {CHROMIUM}; apt-get install chromium, or set AUDITOR_CHROMIUM)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("the Python package playwright (pip install '.[test]')")
    if not AXE.is_file():
        missing.append(f"axe-core (not at {AXE.relative_to(ROOT)}; npm ci)")
    return missing


def _under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_module_without_tools() -> None:
    """Outside CI, skip the calling test module (one summary line) when a tool is missing."""
    missing = missing_tools()
    if missing and not _under_ci():
        pytest.skip(f"browser tests need {'; '.join(missing)} (with CI=true this is an error)", allow_module_level=True)


@pytest.fixture(scope="session", autouse=True)
def browser_tools() -> None:
    """Under CI a missing tool fails every browser test (outside CI the module was skipped)."""
    missing = missing_tools()
    if missing:
        pytest.fail(f"browser tests cannot run under CI: missing {'; '.join(missing)}", pytrace=False)


@pytest.fixture(scope="session")
def browser(browser_tools: None) -> Iterator[Any]:
    """A headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source(browser_tools: None) -> str:
    """The axe-core script, injected into pages by the tests."""
    return AXE.read_text(encoding="utf-8")
