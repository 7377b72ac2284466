"""Spec validation: every problem named with its file, key path and fix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from auditor import SpecError, load_spec


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "audit.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_paths_are_relative_to_the_spec_file(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "data: {training: d/train.csv}\nreference: {file: ref.csv}\n"))
    assert spec.data["training"].path == tmp_path / "d" / "train.csv"
    assert spec.reference is not None and spec.reference.path == tmp_path / "ref.csv"
    assert spec.source_file == tmp_path / "audit.yaml"


def test_unknown_key_gets_did_you_mean(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as err:
        load_spec(write(tmp_path, "data: {training: t.csv}\ncolumns: {protekted: [sex]}\n"))
    message = str(err.value)
    assert "columns.protekted" in message and "did you mean 'protected'" in message and "audit.yaml" in message


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    text = "data: {trainig: t.csv}\nreport: {language: de}\nchecks: {thresholds: {min_group_size: many}}\n"
    with pytest.raises(SpecError) as err:
        load_spec(write(tmp_path, text))
    message = str(err.value)
    for fragment in ("data.trainig", "report.language", "must be one of en, nl", "checks.thresholds.min_group_size"):
        assert fragment in message


def test_missing_data_section_is_explained() -> None:
    with pytest.raises(SpecError, match="data: is required"):
        load_spec({"columns": {"target": "y"}})


def test_invalid_yaml_names_line(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="line 2"):
        load_spec(write(tmp_path, "data:\n  training: a: b\n"))


def test_missing_spec_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="file not found"):
        load_spec(tmp_path / "nope.yaml")


def test_dataframes_are_accepted_and_not_copied() -> None:
    frame = pd.DataFrame({"a": [1, 2]})
    spec = load_spec({"data": {"test": frame}, "columns": {"protected": ["a"]}})
    assert spec.data["test"].frame is frame
    assert spec.raw["data"]["test"] == "<DataFrame 2x1>"


def test_overrides_use_dotted_keys(tmp_path: Path) -> None:
    spec = load_spec(write(tmp_path, "data: {training: t.csv}\nreport: {language: nl}\n"), **{"report.language": "en"})
    assert spec.report.language == "en"


def test_reference_group_must_be_a_protected_attribute() -> None:
    with pytest.raises(SpecError, match="checks.reference_groups.age"):
        load_spec({"data": {"test": "t.csv"}, "columns": {"protected": ["sex"]}, "checks": {"reference_groups": {"age": "18"}}})
