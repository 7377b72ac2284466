"""A user's pandera schema, from Python or its YAML/JSON serialisation, run in the profiling pass."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pa = pytest.importorskip("pandera.pandas")

from auditor.errors import SpecError  # noqa: E402
from auditor.validation.pandera import load_schema, run_schema  # noqa: E402


def make_frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame({"age": rng.integers(18, 80, n), "status": rng.choice(["a", "b"], n), "id": np.arange(n)})
    frame.loc[[4, 40, 41], "age"] = [-1, 130, 200]
    frame.loc[100:111, "status"] = "zz"  # 12 rows
    return frame


SCHEMA = pa.DataFrameSchema({
    "age": pa.Column(int, [pa.Check.ge(0), pa.Check.le(120)]),
    "status": pa.Column(str, pa.Check.isin(["a", "b"])),
    "id": pa.Column(int),
    "missing_column": pa.Column(float),
}, name="applications")


def test_failures_are_counted_per_check_like_pandas() -> None:
    frame = make_frame()
    results = {(r.column, r.rule): r for r in run_schema(SCHEMA, frame, id_column="id")}
    ge = results[("age", "greater_than_or_equal_to(0)")]
    le = results[("age", "less_than_or_equal_to(120)")]
    assert (ge.n_failed, ge.rows) == (int((frame["age"] < 0).sum()), (4,))
    assert (le.n_failed, le.rows) == (int((frame["age"] > 120).sum()), (40, 41))
    isin = next(r for (c, _), r in results.items() if c == "status")
    assert isin.n_failed == 12 and isin.shown_values == (("zz", 12),)
    missing = next(r for (c, rule), r in results.items() if rule == "column_in_dataframe")
    assert missing.n_failed is None and missing.detail["failure_cases"] == ["missing_column"]
    summary = results[(None, "schema")]
    assert not summary.success and summary.detail["name"] == "applications"


def test_serialised_schema_gives_the_same_results(tmp_path) -> None:  # type: ignore[no-untyped-def]
    frame = make_frame()
    yaml_file = tmp_path / "schema.yaml"
    yaml_file.write_text(SCHEMA.to_yaml(), encoding="utf-8")
    json_file = tmp_path / "schema.json"
    json_file.write_text(SCHEMA.to_json(), encoding="utf-8")
    expected = [r.to_dict() for r in run_schema(SCHEMA, frame, id_column="id")]
    for path in (yaml_file, json_file):
        assert [r.to_dict() for r in run_schema(load_schema(path), frame, id_column="id")] == expected


def test_a_model_class_and_a_passing_schema() -> None:
    class Applications(pa.DataFrameModel):
        age: int = pa.Field(ge=-10, le=500)

    results = run_schema(load_schema(Applications), make_frame(), id_column=None)
    assert len(results) == 1 and results[0].rule == "schema" and results[0].success


def test_bad_schema_files_are_spec_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns: {age: {checks: {no_such_check: 1}}}\n", encoding="utf-8")
    with pytest.raises(SpecError, match="quality.pandera"):
        load_schema(bad)
    with pytest.raises(SpecError, match="quality.pandera"):
        load_schema(tmp_path / "absent.yaml")
