"""The engine seam: registry, logical-type policy, handles and the chunked fold."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from auditor.engines.base import (
    DatasetHandle,
    Engine,
    ProfilePlan,
    Schema,
    get_engine,
    logical_type,
    logical_types,
    profile_parts,
)
from auditor.engines.pandas import profile_frame, schema_of
from auditor.spec.model import DataSource
from auditor.spec.quality import ColumnRule


def test_pandas_engine_is_registered_and_meets_the_protocol() -> None:
    engine = get_engine("pandas")
    assert engine.name == "pandas"
    assert isinstance(engine, Engine)
    with pytest.raises(KeyError, match="unknown engine 'nope'"):
        get_engine("nope")


@pytest.mark.parametrize(("arrow", "logical"), [
    (pa.int64(), "integer"), (pa.uint8(), "integer"), (pa.float64(), "float"), (pa.decimal128(10, 2), "float"),
    (pa.bool_(), "boolean"), (pa.date32(), "date"), (pa.timestamp("ns"), "timestamp"),
    (pa.timestamp("us", "Europe/Amsterdam"), "timestamp"), (pa.string(), "string"), (pa.large_string(), "string"),
    (pa.dictionary(pa.int32(), pa.string()), "string"), (pa.null(), "string"), (pa.list_(pa.int64()), "other"),
    (pa.struct([("a", pa.int64())]), "other"),
])
def test_fixed_arrow_mapping(arrow: pa.DataType, logical: str) -> None:
    assert logical_type(arrow) == logical


def test_pandas_schema_agrees_with_the_arrow_mapping_of_the_same_data() -> None:
    frame = pd.DataFrame({"i": [1, 2], "f": [1.5, None], "b": [True, False], "s": ["a", None],
                          "t": pd.to_datetime(["2024-01-01", None]), "mixed": [1, "a"]})
    ours = schema_of(frame)
    arrow = Schema.from_arrow(pa.Table.from_pandas(frame.drop(columns="mixed"), preserve_index=False).schema)
    assert [c.logical for c in ours.columns[:-1]] == [c.logical for c in arrow.columns]
    assert ours["mixed"].logical == "string"


def test_spec_rule_types_come_before_the_arrow_mapping() -> None:
    schema = Schema.from_arrow(pa.schema([("n", pa.string()), ("d", pa.string()), ("x", pa.int64())]))
    rules = [ColumnRule(column="n", type="integer"), ColumnRule(column="d", type="date"), ColumnRule(column="x")]
    assert logical_types(schema, rules) == {"n": "integer", "d": "date", "x": "integer"}


def test_declared_type_gives_the_kind_whatever_the_reader() -> None:
    frame = pd.DataFrame({"n": ["1", "2", "x", None], "d": ["2024-01-02", "2024-03-01", "bad", None]})
    profile = profile_frame(frame, dataset="t", plan=ProfilePlan(types={"n": "integer", "d": "date"}))
    n, d = profile.columns["n"], profile.columns["d"]
    assert (n.kind, n.logical, n.numeric.n, n.numeric.total) == ("numeric", "integer", 2, 3.0)
    assert (d.kind, d.logical, d.numeric.n) == ("datetime", "date", 2)
    assert d.numeric.min == pd.Timestamp("2024-01-02").timestamp()


def test_open_gives_a_handle_with_fingerprint_and_parquet_schema(tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    table = pa.table({"a": pa.array([1, 2, 3], pa.int32()), "when": pa.array([0, 1, None], pa.date32())})
    import pyarrow.parquet as pq

    pq.write_table(table, path)
    engine = get_engine("pandas")
    handle = engine.open(DataSource(name="training", path=path))
    assert isinstance(handle, DatasetHandle)
    assert handle.columns == ["a", "when"] and handle.n_rows == 3 and handle.format == "parquet"
    assert [c.logical for c in handle.schema.columns] == ["integer", "date"]
    assert engine.schema(DataSource(name="training", path=path)) == handle.schema
    profile = engine.profile(handle, ProfilePlan(types=logical_types(handle.schema)))
    assert profile.columns["when"].logical == "date" and profile.columns["when"].kind == "datetime"


def test_profile_parts_folds_in_part_order() -> None:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"g": rng.choice(["a", "b"], 500), "y": rng.integers(0, 2, 500), "x": rng.integers(0, 3, 500)})
    plan = ProfilePlan(protected=("g",), target="y", features=("x",))
    whole = profile_frame(frame, dataset="t", plan=plan)
    parts = [frame.iloc[a:a + 120].reset_index(drop=True) for a in range(0, 500, 120)]
    merged = profile_parts(parts, plan, dataset="t")
    assert merged.n_rows == whole.n_rows
    assert np.array_equal(merged.digests.rows.first, whole.digests.rows.first)
    assert np.array_equal(merged.digests.rows.repeats, whole.digests.rows.repeats)
    pd.testing.assert_frame_equal(merged.groups.cells, whole.groups.cells)
    with pytest.raises(ValueError, match="no rows"):
        profile_parts([], plan, dataset="t")
