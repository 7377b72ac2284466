"""Shared fixtures: the real datasets in ../shared/data and the bundled sample."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "benefits"


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
