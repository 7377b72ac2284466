"""Engine parity: every check gives the same findings whichever engine profiled the data.

Each case runs the whole audit (every check of the default rulebook) with the pandas engine on
the whole data, and again with

* ``duckdb`` — the file streamed as Arrow batches and the batch profiles merged;
* ``duckdb-chunks`` — the same with batches of a few hundred rows, so every dataset is
  ``merge(profile(chunk) for chunk in chunks)`` over many chunks (none of them aligned with the
  groups or the planted duplicates);
* ``spark`` — partitions profiled with ``mapInArrow`` in ``local[2]`` and merged on the driver
  (marker ``spark``: run in its own CI step with ``pytest -m spark``);

(the DuckDB engine spilling its hash digests to disk, as it does for large files: forced
here by setting ``SPILL_MIN_ROWS`` to 0) and asserts identical findings (ids, statuses, message keys, counts, example rows) with every
metric value within 1e-12, and identical dataset evidence apart from the engine's name.

The cases: the bundled sample (``sample_data/benefits``) and a generated dataset with nulls,
odd types, planted duplicates and protected groups of 3 and 12 rows (``parity_data.odd_frame``),
as Parquet (training and test) and as CSV.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from parity_data import ODD_COLUMNS, ODD_QUALITY, assert_same, odd_frame

import auditor
from auditor.engines import duckdb as duck
from auditor.engines.profile import TOP_K

pytestmark = pytest.mark.slow  # each case is a whole audit, 5-30 s

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "benefits" / "audit.yaml"


@pytest.fixture(autouse=True)
def _always_spill(monkeypatch: pytest.MonkeyPatch) -> None:
    """The DuckDB engine spills its hash digests for these small files too (it does above SPILL_MIN_ROWS)."""
    monkeypatch.setattr(duck, "SPILL_MIN_ROWS", 0)


@pytest.fixture(scope="module")
def odd_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("parity")
    training, test = odd_frame(3000, seed=7), odd_frame(1200, seed=8)
    test.iloc[:25] = training.iloc[100:125].to_numpy()  # 25 training rows (and ids) also in the test set
    out = {}
    for name, frame in (("training", training), ("test", test)):
        out[f"{name}.parquet"] = folder / f"{name}.parquet"
        frame.to_parquet(out[f"{name}.parquet"], index=False)
        out[f"{name}.csv"] = folder / f"{name}.csv"
        frame.to_csv(out[f"{name}.csv"], index=False)
    return out


def _spec(case: str, files: dict[str, Path] | None) -> str | dict[str, Any]:
    if case == "sample":
        return str(SAMPLE)
    assert files is not None
    ext = "csv" if case == "odd-csv" else "parquet"
    return {"data": {"training": str(files[f"training.{ext}"]), "test": str(files[f"test.{ext}"])},
            "columns": ODD_COLUMNS, "quality": ODD_QUALITY, "checks": {"thresholds": {"min_group_size": 30}}}


def _run(spec: str | dict[str, Any], engine: str) -> auditor.AuditResult:
    return auditor.audit(spec, now=NOW, run_id="parity", engine=engine)


def _engine_neutral(entry: dict[str, Any]) -> dict[str, Any]:
    """The dataset entry without what depends on how the rows were split into parts, by design.

    A column with more than ``MAX_CATEGORIES`` values keeps Misra-Gries counters: merged parts
    give other counters and another error bound than one pass (the bound holds either way, and
    is checked here); its distinct estimate (KMV) merges exactly and is still compared."""
    summaries = []
    for column in entry["column_summaries"]:
        estimate = column.get("distinct_estimate")
        if estimate is not None:
            assert estimate["top_values"] <= TOP_K and estimate["count_error"] <= entry["rows"] / (TOP_K + 1)
            column = {**column, "distinct_estimate": {k: v for k, v in estimate.items() if k not in ("top_values", "count_error")}}
        summaries.append(column)
    return {**entry, "column_summaries": summaries}


def _without_arrow_types(entry: dict[str, Any]) -> dict[str, Any]:
    return {**entry, "column_summaries": [{k: v for k, v in c.items() if k != "arrow_type"} for c in entry["column_summaries"]]}


def _assert_parity(expected: auditor.AuditResult, got: auditor.AuditResult, engine: str, *, csv: bool = False) -> None:
    assert len(got.findings) == len(expected.findings) > 50
    assert_same([f.to_dict() for f in expected.findings], [f.to_dict() for f in got.findings], where="findings")
    assert got.summary == expected.summary
    want, have = [], []
    for mine, entry in zip(expected.evidence["datasets"], got.evidence["datasets"]):
        assert entry["engine"] == engine
        entry, mine = _engine_neutral({**entry, "engine": "pandas"}), _engine_neutral(mine)
        # A CSV file stores no Arrow types: each reader reports its own (string / large_string)
        want.append(_without_arrow_types(mine) if csv else mine)
        have.append(_without_arrow_types(entry) if csv else entry)
    assert_same(want, have, where="datasets")
    assert got.evidence["requirements"] == expected.evidence["requirements"]


_EXPECTED: dict[str, auditor.AuditResult] = {}


def _pandas(case: str, files: dict[str, Path] | None) -> auditor.AuditResult:
    if case not in _EXPECTED:
        _EXPECTED[case] = _run(_spec(case, files), "pandas")
    return _EXPECTED[case]


CASES = ["sample", "odd-parquet", "odd-csv"]


@pytest.mark.parametrize("case", CASES)
def test_duckdb_gives_the_findings_of_pandas(case: str, odd_files: dict[str, Path]) -> None:
    _assert_parity(_pandas(case, odd_files), _run(_spec(case, odd_files), "duckdb"), "duckdb", csv=case == "odd-csv")


@pytest.mark.parametrize("case", CASES)
def test_merged_chunk_profiles_give_the_findings_of_the_whole(case: str, odd_files: dict[str, Path],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(duck, "BATCH_ROWS", 333)  # 4 to 19 chunks per dataset
    _assert_parity(_pandas(case, odd_files), _run(_spec(case, odd_files), "duckdb"), "duckdb", csv=case == "odd-csv")


@pytest.mark.spark
@pytest.mark.parametrize("case", CASES)
def test_spark_gives_the_findings_of_pandas(case: str, odd_files: dict[str, Path], spark: Any) -> None:
    _assert_parity(_pandas(case, odd_files), _run(_spec(case, odd_files), "spark"), "spark", csv=case == "odd-csv")


def test_the_planted_problems_are_found(odd_files: dict[str, Path]) -> None:
    """The generated case is not trivially equal: it has failures, small groups and overlap."""
    result = _pandas("odd-parquet", odd_files)
    statuses = {f.status.value for f in result.findings}
    assert {"pass", "fail", "insufficient_evidence"} <= statuses
    small = [f for f in result.findings if f.status.value == "insufficient_evidence" and "sex" in f.id]
    assert small, "the 3-row group X must give insufficient evidence somewhere"
