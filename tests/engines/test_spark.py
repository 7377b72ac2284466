"""The Spark engine in ``local[2]``: partitions profiled on the executors and merged on the driver.

Marked ``spark``: these run in their own CI step (``python -m pytest -m spark``), with
``SPARK_LOCAL_IP=127.0.0.1`` and ANSI mode on. The test without pyspark runs everywhere.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from parity_data import ODD_COLUMNS, ODD_QUALITY, assert_same, assert_same_profile, odd_frame

import auditor
from auditor.engines.base import ProfilePlan, get_engine, logical_types
from auditor.engines.pandas import profile_frame
from auditor.spec.load import load_spec
from auditor.spec.model import DataSource
from auditor.validation.plan import quality_plans

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def odd_parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spark") / "odd.parquet"
    odd_frame(4000, seed=11).to_parquet(path, index=False, row_group_size=700)  # 6 row groups
    return path


def _plan(frame: pd.DataFrame, schema: Any) -> ProfilePlan:
    spec = load_spec({"data": {"training": frame}, "columns": ODD_COLUMNS, "quality": ODD_QUALITY})
    quality = quality_plans(spec, {"training": frame})["training"]
    return replace(ProfilePlan.for_columns(spec.columns, frame.columns), quality=quality,
                   types=logical_types(schema, quality.rules))


@pytest.mark.spark
def test_partition_profiles_merge_into_the_profile_of_the_whole_file(spark: Any, odd_parquet: Path) -> None:
    spark.conf.set("spark.sql.files.maxPartitionBytes", "20000")  # several partitions of one file
    try:
        source = DataSource("training", path=odd_parquet)
        handle = get_engine("spark").open(source)
        frame = pd.read_parquet(odd_parquet)
        plan = _plan(frame, handle.schema)
        assert handle.state.rdd.getNumPartitions() > 1
        assert handle.schema == get_engine("pandas").open(source).schema
        merged = get_engine("spark").profile(handle, plan)
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    whole = profile_frame(frame, dataset="training", plan=plan)
    assert_same_profile(whole, merged)


@pytest.mark.spark
def test_a_spark_dataframe_and_a_table_in_the_spec(spark: Any, odd_parquet: Path) -> None:
    frame = spark.read.parquet(str(odd_parquet))
    frame.createOrReplaceTempView("odd_cases")
    expected = auditor.audit({"data": {"training": str(odd_parquet)}, "columns": ODD_COLUMNS}, now=NOW, run_id="s",
                             engine="pandas")
    for data in (frame, {"table": "odd_cases"}):
        got = auditor.audit({"data": {"training": data}, "columns": ODD_COLUMNS, "engine": "spark"}, now=NOW, run_id="s")
        assert_same([f.to_dict() for f in expected.findings], [f.to_dict() for f in got.findings], where="findings")
        entry = got.evidence["datasets"][0]
        assert (entry["engine"], entry["format"], entry["details"]) == ("spark", "spark", {"fingerprint": "spark-xxhash64"})
        assert len(entry["sha256"]) == 64
    # the fingerprint follows the content, not the query
    again = get_engine("spark").open(DataSource("training", frame=spark.read.parquet(str(odd_parquet)).orderBy("id")))
    assert again.sha256 == got.evidence["datasets"][0]["sha256"]
    changed = get_engine("spark").open(DataSource("training", frame=frame.limit(3999)))
    assert changed.sha256 != again.sha256


@pytest.mark.spark
def test_malformed_values_are_counted_not_raised_under_ansi_mode(spark: Any, tmp_path: Path) -> None:
    assert spark.conf.get("spark.sql.ansi.enabled") == "true"
    path = tmp_path / "amounts.csv"
    path.write_text("case,amount,opened\n" + "".join(f"{i},{v},{d}\n" for i, (v, d) in enumerate(
        [("12", "2024-01-05"), ("x7", "2024-02-30"), ("7.5", "yesterday"), ("", "2024-03-01"), ("40", "2024-13-01")] * 8)))
    spec = {"data": {"training": str(path)}, "columns": {"id": "case"},
            "quality": {"rules": {"amount": {"type": "integer"}, "opened": {"type": "date", "format": "%Y-%m-%d"}}}}
    expected = auditor.audit(spec, now=NOW, run_id="a", engine="pandas")
    got = auditor.audit(spec, now=NOW, run_id="a", engine="spark")
    assert_same([f.to_dict() for f in expected.findings], [f.to_dict() for f in got.findings], where="findings")
    validity = {f.id: f for f in got.findings if f.check == "quality.validity"}
    assert validity["quality.validity/training/amount"].status.value == "fail"
    assert validity["quality.validity/training/opened"].status.value == "fail"


@pytest.mark.spark
def test_an_unreadable_table_is_named(spark: Any) -> None:
    with pytest.raises(auditor.DataError, match=r"<table no_such_table>.*Spark cannot read this source"):
        auditor.audit({"data": {"training": {"table": "no_such_table"}}, "engine": "spark"})


def test_without_pyspark_the_engine_says_how_to_install_it() -> None:
    code = (
        "import sys\nsys.modules['pyspark'] = None  # as if pyspark were not installed\n"
        "import pandas as pd, auditor\n"
        "try:\n"
        "    auditor.audit({'data': {'training': {'table': 'cases'}}, 'engine': 'spark'})\n"
        "except auditor.EngineError as exc:\n    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "engine 'spark' needs pyspark: pip install 'auditor[spark]'" in out.stdout
