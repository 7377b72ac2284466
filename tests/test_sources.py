"""Reading CSV / Parquet / DataFrames, fingerprints, and clear messages for bad files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from auditor import DataError
from auditor.sources import frame_sha256, load_dataset
from auditor.spec.model import DataSource


def test_semicolon_and_latin1_are_detected(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes("naam;stad;waarde\nJosé;Zürich;1,5\nAïcha;Den Haag;2\n".encode("latin-1"))
    ds = load_dataset(DataSource(name="training", path=path))
    assert ds.details["delimiter"] == ";"
    assert list(ds.frame.columns) == ["naam", "stad", "waarde"]
    assert ds.frame["stad"].tolist() == ["Zürich", "Den Haag"]
    assert ds.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_utf8_bom_and_tabs(tmp_path: Path) -> None:
    path = tmp_path / "d.tsv"
    path.write_bytes("\ufeffa\tb\n1\t2\n".encode())
    ds = load_dataset(DataSource(name="test", path=path))
    assert list(ds.frame.columns) == ["a", "b"] and ds.details["encoding"] == "utf-8-sig"


def test_duplicated_header_names_are_recorded(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("a,b,a\n1,2,3\n", encoding="utf-8")
    assert load_dataset(DataSource(name="test", path=path)).details["duplicated_columns"] == ["a"]


def test_parquet_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "d.parquet"
    pd.DataFrame({"x": [1, 2, 3]}).to_parquet(path)
    ds = load_dataset(DataSource(name="training", path=path))
    assert ds.format == "parquet" and len(ds.frame) == 3


@pytest.mark.parametrize(
    ("content", "fragment"),
    [(b"", "empty"), (b"a,b\n", "no rows"), (b"\n\n", "empty")],
)
def test_empty_files(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "d.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=fragment) as err:
        load_dataset(DataSource(name="training", path=path))
    assert str(path) in str(err.value)


def test_missing_file_and_bad_parquet(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="file not found"):
        load_dataset(DataSource(name="training", path=tmp_path / "none.csv"))
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(DataError, match="not a readable Parquet file"):
        load_dataset(DataSource(name="training", path=bad))


def test_dataframe_fingerprint_is_canonical() -> None:
    a = pd.DataFrame({"x": [1, 2], "y": ["p", "q"]})
    assert frame_sha256(a) == frame_sha256(a.copy())
    assert frame_sha256(a) != frame_sha256(a.iloc[::-1])
    assert frame_sha256(a) != frame_sha256(a.astype({"x": float}))
