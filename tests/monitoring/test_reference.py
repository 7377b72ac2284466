"""The frozen reference: versioned, hashed, binned at freeze time, no rows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import synth

from auditor.errors import DataError, SpecError
from auditor.monitoring.reference import (
    REFERENCE_VERSION,
    category_codes,
    load_reference,
    numeric_codes,
    tabulate_batch,
)
from auditor.spec import load_spec


def test_the_document_is_versioned_and_hashed(frozen: dict) -> None:
    ref = load_reference(frozen["reference"])
    assert ref.document["reference_version"] == REFERENCE_VERSION
    assert ref.sha256 == frozen["sha256"]
    assert ref.document["sources"]["features"]["rows"] == 20_000


def test_numeric_bins_are_the_reference_deciles_with_open_tails_and_a_missing_bin(frozen: dict) -> None:
    source = pd.read_parquet(frozen["folder"] / "reference.parquet")
    doc = load_reference(frozen["reference"]).document
    income = next(f for f in doc["features"] if f["name"] == "income")
    assert np.allclose(income["edges"], np.quantile(source["income"], np.arange(1, 10) / 10))
    assert len(income["counts"]) == len(income["edges"]) + 2 and income["counts"][-1] == 0
    months = next(f for f in doc["features"] if f["name"] == "months")
    assert months["counts"][-1] == int(source["months"].isna().sum()) > 0
    assert np.diff(numeric_codes(np.array([-1e9, income["edges"][0], 1e9, np.nan]), income["edges"])).tolist() == [0, 9, 1]


def test_categories_have_an_unseen_and_a_missing_bin() -> None:
    codes = category_codes(pd.Series(["a", "b", "zz", None]), ["a", "b"])
    assert codes.tolist() == [0, 1, 2, 3]


def test_no_row_is_stored(frozen: dict) -> None:
    text = Path(frozen["reference"]).read_text(encoding="utf-8")
    source = pd.read_parquet(frozen["folder"] / "reference.parquet")
    assert "C00000001" not in text and source["case_id"].iloc[5] not in text
    quantiles = next(f for f in load_reference(frozen["reference"]).document["features"] if f["name"] == "income")["quantiles"]
    assert len(quantiles) <= len(source) // 10


def test_group_tables_match_pandas(frozen: dict) -> None:
    source = pd.read_parquet(frozen["folder"] / "reference.parquet")
    doc = load_reference(frozen["reference"]).document
    cells = next(t for t in doc["groups"]["outcomes"] if t["attributes"] == ["sex", "region"])["cells"]
    expected = source.groupby(["sex", "region"]).agg(n=("predicted", "size"), selected=("predicted", "sum"))
    for cell in cells:
        key = (cell["group"]["sex"], cell["group"]["region"])
        assert cell["n"] == expected.loc[key, "n"] and cell["n_selected"] == expected.loc[key, "selected"]
        tn, fp, fn, tp = cell["confusion"]
        part = source[(source["sex"] == key[0]) & (source["region"] == key[1])]
        assert tp == int(((part["label"] == 1) & (part["predicted"] == 1)).sum())
        assert fp == int(((part["label"] == 0) & (part["predicted"] == 1)).sum())


def test_an_unknown_version_is_refused(frozen: dict, tmp_path: Path) -> None:
    doc = json.loads(Path(frozen["reference"]).read_text(encoding="utf-8"))
    doc["reference_version"] = "99"
    path = tmp_path / "future.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError, match="reference_version '99'"):
        load_reference(path)
    with pytest.raises(DataError, match="auditor reference SPEC"):
        load_reference(tmp_path / "absent.json")


def test_a_batch_without_a_monitored_column_names_it(frozen: dict) -> None:
    ref = load_reference(frozen["reference"])
    batch = synth.frame(100, seed=3).drop(columns=["channel"])
    with pytest.raises(DataError, match="'channel'"):
        tabulate_batch(batch, ref, load_spec(frozen["spec"]).columns)


def test_bad_monitoring_keys_are_reported_with_their_path(tmp_path: Path) -> None:
    spec = synth.spec(tmp_path, synth.frame(100, seed=1))
    spec["monitoring"] = {"refrence": "x.json", "expected_every_days": -1, "thresholds": {"psi_fail": "high"},
                          "reference": {"data": "train"}}
    with pytest.raises(SpecError) as error:
        load_spec(spec)
    text = str(error.value)
    for part in ("monitoring.refrence", "did you mean 'reference'", "monitoring.expected_every_days", "monitoring.thresholds.psi_fail",
                 "monitoring.reference.data"):
        assert part in text, part
