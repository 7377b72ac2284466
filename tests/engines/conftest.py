"""Fixtures of the engine tests: the Spark session of the tests marked ``spark``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A ``local[2]`` Spark session with ANSI mode on, for tests marked ``spark``.

    Those run in their own CI step (``python -m pytest -m spark``); in a run that does not
    select the marker they are skipped, so the default run stays fast.
    """
    if "spark" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("Spark tests run in their own step: python -m pytest -m spark")
    pytest.importorskip("pyspark")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from auditor.engines.spark import session

    active = session()
    active.sparkContext.setLogLevel("ERROR")
    active.conf.set("spark.sql.ansi.enabled", "true")
    yield active
    active.stop()
