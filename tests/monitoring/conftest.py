"""A frozen reference of a synthetic population, shared by the monitoring tests."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import synth  # noqa: E402

from auditor.monitoring.runner import MonitorResult, freeze_reference, monitor  # noqa: E402


@pytest.fixture(scope="session")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A spec whose reference (20,000 rows) is frozen once."""
    folder = tmp_path_factory.mktemp("reference")
    spec = synth.spec(folder, synth.frame(20_000, seed=1))
    path, sha = freeze_reference(spec)
    return {"spec": spec, "reference": path, "sha256": sha, "folder": folder}


@pytest.fixture
def run_batch(frozen: dict[str, Any], tmp_path: Path) -> Callable[..., MonitorResult]:
    """Monitor a DataFrame as a batch, into this test's own history."""
    counter = iter(range(10**6))

    def run(frame: pd.DataFrame, **options: Any) -> MonitorResult:
        path = synth.write(frame, tmp_path / f"batch-{next(counter)}.parquet")
        options.setdefault("history", tmp_path / "history.sqlite")
        return monitor(frozen["spec"], batches=[path], reference=frozen["reference"], **options)

    return run
