"""The spec's column rules on planted problems: exact counts, first rows, privacy-safe values."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from auditor.spec.quality import ColumnRule
from auditor.validation.rules import check_column_rule


def _by_rule(results):  # type: ignore[no-untyped-def]
    return {r.rule: r for r in results}


def test_range_type_allowed_pattern_and_nullable() -> None:
    rng = np.random.default_rng(1)
    n = 1000
    frame = pd.DataFrame({
        "age": rng.integers(18, 90, n).astype(float),
        "sex": rng.choice(["F", "M"], n).astype(object),
        "code": [f"A{i:06d}" for i in range(n)],
    })
    frame.loc[[5, 17, 400], "age"] = [-1.0, 150.0, 30.5]
    frame.loc[10:24, "sex"] = "?"          # 15 rows: shown (>= 10 share the value)
    frame.loc[900, "sex"] = "unknown"      # 1 row: counted, not shown
    frame.loc[[3, 7], "code"] = ["B123", None]
    results = _by_rule(check_column_rule(ColumnRule("age", type="integer", min=0, max=120), frame, id_column=None))
    assert (results["type"].n_failed, results["type"].rows) == (1, (400,))
    assert (results["min"].n_failed, results["min"].rows) == (1, (5,))
    assert (results["max"].n_failed, results["max"].rows) == (1, (17,))
    assert results["min"].shown_values == ()  # one row only: not shown
    sex = _by_rule(check_column_rule(ColumnRule("sex", allowed=("F", "M"), nullable=False), frame, id_column=None))
    assert sex["allowed"].n_failed == 16 and sex["allowed"].shown_values == (("?", 15),)
    assert sex["allowed"].rows[:3] == (10, 11, 12)
    assert sex["not_null"].n_failed == 0
    code = _by_rule(check_column_rule(ColumnRule("code", pattern=r"A\d{6}"), frame, id_column="code"))
    assert code["pattern"].n_failed == 1 and code["pattern"].rows == (3,) and code["pattern"].n_checked == n - 1


def test_id_values_are_never_examples() -> None:
    frame = pd.DataFrame({"id": ["X"] * 30})
    result = check_column_rule(ColumnRule("id", pattern="A.*"), frame, id_column="id")[0]
    assert result.n_failed == 30 and result.shown_values == ()


def test_dates_as_text_and_as_timestamps() -> None:
    frame = pd.DataFrame({"d": ["2024-01-05", "2023-12-31", "not a date", None, "2030-01-01"]})
    results = _by_rule(check_column_rule(ColumnRule("d", type="date", min=date(2024, 1, 1), max=date(2026, 12, 31)),
                                         frame, id_column=None))
    assert (results["type"].n_failed, results["type"].rows) == (1, (2,))
    assert (results["min"].n_failed, results["min"].rows) == (1, (1,))
    assert (results["max"].n_failed, results["max"].rows) == (1, (4,))
    stamps = frame.assign(d=pd.to_datetime(frame["d"], errors="coerce"))
    results = _by_rule(check_column_rule(ColumnRule("d", min=date(2024, 1, 1)), stamps, id_column=None))
    assert results["min"].n_failed == 1


def test_numbers_stored_as_text() -> None:
    frame = pd.DataFrame({"n": ["1", "2", "x", "-8", "3.5"]})
    results = _by_rule(check_column_rule(ColumnRule("n", type="integer", min=0), frame, id_column=None))
    assert results["type"].n_failed == 2 and results["type"].rows == (2, 4)
    assert results["min"].n_failed == 1 and results["min"].rows == (3,)
