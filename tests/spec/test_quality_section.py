"""The quality: section and the header-less CSV options: precise messages for every mistake."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from auditor.errors import DataError, SpecError
from auditor.sources import load_dataset
from auditor.spec import load_spec

FRAME = pd.DataFrame({"a": [1, 2], "label": [0, 1]})


def spec(quality: object) -> object:
    return load_spec({"data": {"training": FRAME}, "columns": {"target": "label"}, "quality": quality})


def test_a_full_section_is_typed() -> None:
    quality = spec({
        "rules": {"a": {"type": "integer", "min": 0, "max": 10, "allowed": [1, 2], "pattern": "[0-9]+", "nullable": False}},
        "cross_field": {"a_positive": "a > 0"},
        "missing_values": {"a": -1, "*": ["?"]},
        "date_column": "a",
        "period_of_use": {"start": date(2026, 1, 1), "end": "2027-12-31"},
    }).quality  # type: ignore[attr-defined]
    assert quality.rules[0].max == 10 and quality.rules[0].allowed == (1, 2) and not quality.rules[0].nullable
    assert quality.cross_field[0].columns == ("a",)
    assert quality.missing_values == {"a": (-1,), "*": ("?",)}
    assert quality.period_of_use.end == date(2027, 12, 31)


@pytest.mark.parametrize("quality, key, text", [
    ({"rulez": {}}, "quality.rulez", "did you mean 'rules'"),
    ({"rules": {"a": {"typ": "integer"}}}, "quality.rules.a.typ", "did you mean 'type'"),
    ({"rules": {"a": {"type": "int"}}}, "quality.rules.a.type", "did you mean 'integer'"),
    ({"rules": {"a": {"min": 5, "max": 1}}}, "quality.rules.a", "larger than max"),
    ({"rules": {"a": {"pattern": "("}}}, "quality.rules.a.pattern", "not a valid regular expression"),
    ({"rules": {"a": {"min": "soon"}}}, "quality.rules.a.min", "number or a date"),
    ({"cross_field": {"evil": "__import__('os').system('x') == 0"}}, "quality.cross_field.evil", "only the functions"),
    ({"cross_field": {"r": "a +"}}, "quality.cross_field.r", "not a valid rule"),
    ({"period_of_use": {"start": "2027-01-01", "end": "2026-01-01"}}, "quality.period_of_use", "ends"),
    ({"pandera": "schema.txt"}, "quality.pandera", ".yaml"),
    ({"great_expectations": "missing.json"}, "quality.great_expectations", "file not found"),
])
def test_mistakes_name_the_key_and_the_fix(quality: object, key: str, text: str) -> None:
    with pytest.raises(SpecError) as info:
        spec(quality)
    assert key in str(info.value) and text in str(info.value)


def test_headerless_csv_with_names(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "data.csv"
    path.write_text("1, ?,x\n2,b,y\n", encoding="utf-8")
    loaded = load_spec({"data": {"training": {"path": str(path), "header": False, "names": ["n", "t", "u"]}}})
    dataset = load_dataset(loaded.data["training"])
    assert list(dataset.frame.columns) == ["n", "t", "u"] and len(dataset.frame) == 2
    with pytest.raises(SpecError, match="names.*required"):
        load_spec({"data": {"training": {"path": str(path), "header": False}}})
    wrong = load_spec({"data": {"training": {"path": str(path), "header": False, "names": ["n", "t"]}}})
    with pytest.raises(DataError, match="3 fields"):
        load_dataset(wrong.data["training"])
