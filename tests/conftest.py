"""Shared fixtures (the real datasets in ../shared/data, the bundled sample) and the ``slow`` marker.

Tests marked ``@pytest.mark.slow`` (more than a few seconds each) are left out of the default
run so that ``python -m pytest`` stays quick; ``--runslow`` adds them, and a ``-m`` expression
that names ``slow`` (``-m slow``, ``-m "not slow"``) selects by the marker as usual. ``.ci/run``
runs the default command and then ``-m slow``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "benefits"
_LEFT_OUT = pytest.StashKey[int]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False,
                     help="also run the tests marked slow (left out by default; .ci/run runs them)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow") or "slow" in (config.getoption("markexpr") or ""):
        return
    slow = [item for item in items if item.get_closest_marker("slow") is not None]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item.get_closest_marker("slow") is None]
        config.stash[_LEFT_OUT] = len(slow)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    left_out = config.stash.get(_LEFT_OUT, 0)
    if left_out:
        terminalreporter.write_line(f"{left_out} slow tests left out: `python -m pytest -m slow` runs them "
                                    f"(`--runslow` runs everything; .ci/run does both)")


def _shared_data_dir() -> Path:
    env = os.environ.get("AUDITOR_SHARED_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real datasets (``../shared/data``); skips the test when it is absent."""
    folder = _shared_data_dir()
    if not folder.is_dir():
        pytest.skip(f"real datasets not available at {folder}")
    return folder


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The bundled synthetic benefits case."""
    return SAMPLE
