"""The DuckDB engine: streamed batches give the profile of the whole file; clear errors; auto choice."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from parity_data import assert_same_profile, odd_frame, odd_plan

import auditor
from auditor.engines import duckdb as duck
from auditor.engines.base import ProfilePlan, get_engine
from auditor.engines.pandas import profile_frame
from auditor.errors import DataError, EngineError
from auditor.spec.load import load_spec
from auditor.spec.model import DataSource


@pytest.fixture(scope="module")
def odd_parquet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    path = tmp_path_factory.mktemp("duck") / "odd.parquet"
    odd_frame().to_parquet(path, index=False)
    return path, pd.read_parquet(path)


@pytest.mark.parametrize(("batch_rows", "workers"), [(257, 2), (1000, 1), (1 << 20, 2)])
def test_streamed_profile_equals_profile_of_whole_file(odd_parquet: tuple[Path, pd.DataFrame], batch_rows: int,
                                                       workers: int) -> None:
    path, frame = odd_parquet
    plan = odd_plan(frame)
    whole = profile_frame(frame, dataset="training", plan=plan)
    streamed = duck.profile_source(DataSource("training", path=path), dataset="training", plan=plan, batch_rows=batch_rows,
                                   workers=workers)
    assert_same_profile(whole, streamed)
    # the planted problems are found: 9 copied rows, 3 reused ids + 9 copied ids, a group of 3
    assert streamed.digests.rows.n_repeated == 9
    assert streamed.columns["sex"].counts["X"] == 3
    assert not [t for t in threading.enumerate() if t.name == "auditor-duckdb-reader"]


def test_parquet_schema_and_dtypes_are_the_files(odd_parquet: tuple[Path, pd.DataFrame]) -> None:
    path, frame = odd_parquet
    source = DataSource("training", path=path)
    handle = duck.ENGINE.open(source)
    assert handle.schema == get_engine("pandas").open(source).schema
    assert (handle.engine, handle.format, handle.n_rows, handle.state) == ("duckdb", "parquet", len(frame), None)
    assert handle.schema["region"].logical == "string" and handle.schema["age"].logical == "integer"
    # each batch becomes the DataFrame pandas.read_parquet gives (categoricals, nullable integers, ms)
    con = duck._connect(1, None)
    relation, _ = duck.open_relation(con, source)
    batch = next(iter(relation.to_arrow_reader(500)))
    assert duck._Parquet(path).frame(batch).dtypes.to_dict() == frame.dtypes.to_dict()
    con.close()


def test_stored_pandas_index_is_not_a_column(tmp_path: Path) -> None:
    path = tmp_path / "indexed.parquet"
    pd.DataFrame({"a": [1, 2, 3]}, index=pd.Index(["x", "y", "z"], name="key")).to_parquet(path)
    profile = duck.profile_source(DataSource("training", path=path), dataset="training", plan=ProfilePlan())
    assert list(profile.columns) == ["a"] == list(pd.read_parquet(path).columns)


def test_csv_gets_the_column_kinds_pandas_gives(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text("id;when;amount;n;flag;city\n"
                    "1;2024-01-05;12.5;3;True;Zürich\n2;2024-02-01;;4;False;\n3;2024-03-09;7;;True;Ede\n", encoding="utf-8")
    expected = profile_frame(pd.read_csv(path, sep=";"), dataset="training", plan=ProfilePlan())
    got = duck.profile_source(DataSource("training", path=path), dataset="training", plan=ProfilePlan())
    assert {n: c.kind for n, c in got.columns.items()} == {n: c.kind for n, c in expected.columns.items()}
    assert got.columns["when"].kind == "categorical"  # dates in a CSV stay text, as with pandas
    for name in expected.columns:
        assert got.columns[name].counts == expected.columns[name].counts, name
        assert got.columns[name].n_missing == expected.columns[name].n_missing, name


def test_csv_in_an_encoding_duckdb_cannot_read_is_named(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.csv"
    path.write_bytes("naam,bedrag\nJosé,€ 12\n".encode("cp1252"))
    with pytest.raises(DataError, match=r"cp1252.csv.*not cp1252.*engine: pandas"):
        duck.profile_source(DataSource("training", path=path), dataset="training", plan=ProfilePlan())


@pytest.mark.parametrize(("content", "message"), [
    (None, "file not found"), (b"", "empty"), (b"PAR1 not really parquet", "DuckDB cannot read this parquet file"),
])
def test_unreadable_files_are_named(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / ("data.parquet" if content and content.startswith(b"PAR1") else "data.csv")
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DataError, match=message) as info:
        duck.profile_source(DataSource("training", path=path), dataset="training", plan=ProfilePlan())
    assert str(path) in str(info.value)


def test_a_header_without_rows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("a,b\n")
    with pytest.raises(DataError, match="no rows"):
        duck.profile_source(DataSource("training", path=path), dataset="training", plan=ProfilePlan())


def test_auto_picks_duckdb_for_files_above_the_memory_share(tmp_path: Path) -> None:
    path = tmp_path / "f.parquet"
    pd.DataFrame({"a": np.arange(1000)}).to_parquet(path)
    size = path.stat().st_size
    source = DataSource("training", path=path)
    assert duck.auto_engine(source, memory=int(size / duck.AUTO_MEMORY_SHARE) - 1) == "duckdb"
    assert duck.auto_engine(source, memory=int(size / duck.AUTO_MEMORY_SHARE) + 10) == "pandas"
    assert duck.auto_engine(DataSource("training", frame=pd.DataFrame({"a": [1]}))) == "pandas"


@pytest.mark.parametrize(("row_group_size", "workers", "batch_rows", "spill"), [
    (97, 2, 64, False),          # ranges cut inside row groups, many batches per worker
    (None, 2, 1 << 20, False),   # one row group: the second worker skips the first half
    (333, 3, 200, True),         # three workers, digests spilled by the workers
])
def test_workers_reading_their_own_rows_give_the_whole_files_profile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, row_group_size: int | None, workers: int, batch_rows: int,
        spill: bool) -> None:
    frame = odd_frame(1000, seed=11)
    path = tmp_path / "odd.parquet"
    frame.to_parquet(path, index=False, row_group_size=row_group_size)
    frame = pd.read_parquet(path)
    plan = odd_plan(frame)
    monkeypatch.setattr(duck, "PARALLEL_MIN_ROWS", 0)
    monkeypatch.setattr(duck, "SPILL_MIN_ROWS", 0 if spill else 1 << 40)
    shared = duck.profile_source(DataSource("training", path=path), dataset="training", plan=plan, batch_rows=batch_rows,
                                 workers=workers, spill_dir=tmp_path / "spill")
    whole = profile_frame(frame, dataset="training", plan=plan)
    assert type(shared.digests.rows).__name__ == ("SpilledHashCounts" if spill else "HashCounts")
    if spill:
        shared = dataclasses.replace(shared, digests=dataclasses.replace(
            shared.digests, **{name: getattr(shared.digests, name).materialise() for name in ("rows", "ids", "features")
                               if getattr(shared.digests, name) is not None}))
    assert_same_profile(whole, shared)
    assert shared.digests.rows.n_repeated == whole.digests.rows.n_repeated > 0


def test_row_ranges_cover_the_rows_in_order() -> None:
    assert duck.row_ranges(10, 3) == [(0, 3), (3, 6), (6, 10)]
    assert duck.row_ranges(1, 2) == [(0, 1)]
    ranges = duck.row_ranges(1_000_003, 7)
    assert ranges[0][0] == 0 and ranges[-1][1] == 1_000_003
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    assert max(b - a for a, b in ranges) - min(b - a for a, b in ranges) <= 1


@pytest.mark.parametrize(("value", "message"), [
    ("duckbd", "engine: unknown engine 'duckbd'; did you mean 'duckdb'"),
    ("polars", r"unknown engine 'polars' \(allowed: auto, pandas, duckdb, spark\)"),
])
def test_unknown_engine_is_a_precise_spec_error(value: str, message: str) -> None:
    with pytest.raises(auditor.SpecError, match=message):
        load_spec({"data": {"test": pd.DataFrame({"a": [1]})}, "engine": value})


def test_engine_key_is_read_and_defaults_to_auto() -> None:
    frame = pd.DataFrame({"a": [1]})
    assert load_spec({"data": {"test": frame}}).engine == "auto"
    assert load_spec({"data": {"test": frame}, "engine": "duckdb"}).engine == "duckdb"
    assert load_spec({"data": {"test": frame}}, engine="pandas").engine == "pandas"


def test_a_catalog_table_needs_the_spark_engine() -> None:
    with pytest.raises(auditor.SpecError, match=r"data.test.table: a table of the Spark catalog needs engine: spark"):
        load_spec({"data": {"test": {"table": "db.cases"}}})
    with pytest.raises(auditor.SpecError, match=r"only engine: spark reads \(found engine: duckdb\)"):
        load_spec({"data": {"test": {"table": "db.cases"}}, "engine": "duckdb"})
    assert load_spec({"data": {"test": {"table": "db.cases"}}, "engine": "spark"}).data["test"].table == "db.cases"


def test_without_duckdb_the_engine_says_how_to_install_it(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a\n1\n")
    code = (
        "import sys\nsys.modules['duckdb'] = None  # as if duckdb were not installed\n"
        "from pathlib import Path\nfrom auditor.engines import duckdb as duck\nfrom auditor.engines.pandas import ProfilePlan\n"
        "from auditor.errors import EngineError\nfrom auditor.spec.model import DataSource\n"
        f"try:\n    duck.profile_source(DataSource('test', path=Path({str(path)!r})), dataset='test', plan=ProfilePlan())\n"
        "except EngineError as exc:\n    print(exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "engine 'duckdb' needs the duckdb package: pip install 'duckdb>=1.1'" in out.stdout


@pytest.mark.slow  # two runs of the command line, one a whole audit
def test_cli_engine_flag_overrides_the_spec(tmp_path: Path) -> None:
    data = tmp_path / "cases.csv"
    frame = odd_frame(400, seed=5)[["sex", "age", "n_children", "label", "pred"]]
    frame.to_csv(data, index=False)
    spec = tmp_path / "audit.yaml"
    spec.write_text(f"data: {{test: {data.name}}}\nengine: pandas\n"
                    "columns: {target: label, prediction: pred, favourable: 0, protected: [sex]}\n")
    run = [sys.executable, "-m", "auditor.cli", "audit", str(spec), "--format", "json", "--out", str(tmp_path / "out")]
    done = subprocess.run([*run, "--engine", "duckdb"], capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    document = json.loads((tmp_path / "out" / "evidence.json").read_text(encoding="utf-8"))
    assert [d["engine"] for d in document["datasets"]] == ["duckdb"]
    assert document["spec"]["engine"] == "duckdb"
    wrong = subprocess.run([*run, "--engine", "duckbd"], capture_output=True, text=True)
    assert wrong.returncode == 2
    assert "engine: unknown engine 'duckbd'; did you mean 'duckdb'?" in wrong.stderr


def _dies(*_args: object) -> None:
    os._exit(9)  # as a worker killed by the kernel's out-of-memory killer


def test_a_file_damaged_part_way_and_a_dead_worker_are_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = odd_frame(3000, seed=2)
    path = tmp_path / "damaged.parquet"
    frame.to_parquet(path, index=False, row_group_size=500, compression=None)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 4000] = bytes((b * 7 + 13) % 256 for b in data[middle:middle + 4000])  # the footer stays intact
    path.write_bytes(bytes(data))
    monkeypatch.setattr(duck, "PARALLEL_MIN_ROWS", 0)
    source = DataSource("training", path=path)
    with pytest.raises(DataError, match="damaged.parquet: reading failed part-way through the file"):
        duck.profile_source(source, dataset="training", plan=odd_plan(frame), batch_rows=200, workers=2)
    whole = tmp_path / "whole.parquet"
    frame.to_parquet(whole, index=False, row_group_size=500)
    monkeypatch.setattr(duck, "_profile_range", _dies)
    with pytest.raises(EngineError, match="whole.parquet: a worker process of the DuckDB engine stopped"):
        duck.profile_source(DataSource("training", path=whole), dataset="training", plan=odd_plan(frame), workers=2)
