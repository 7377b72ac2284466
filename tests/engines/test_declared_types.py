"""The logical type the plan gives a column (a spec rule's ``type:``, else the Arrow mapping)
decides how it is counted everywhere in the pass: its summary and its feature tables alike."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.engines.associations import VALUE
from auditor.engines.base import ProfilePlan, logical_types
from auditor.engines.pandas import profile_frame, schema_of
from auditor.spec.quality import ColumnRule


def _frame(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    amounts = rng.integers(0, 1_000, n).astype(str).astype(object)
    amounts[::50] = "n/a"  # text that does not read as a number
    return pd.DataFrame({
        "sex": rng.choice(["F", "M"], n), "label": rng.integers(0, 2, n),
        "amount": amounts,  # numbers stored as text, as a CSV with a stray value gives them
        "flag": rng.integers(0, 2, n),  # 0/1 numbers that stand for yes/no
    })


def _profile(rules: tuple[ColumnRule, ...]):  # -> Profile
    frame = _frame()
    types = logical_types(schema_of(frame), rules)
    plan = ProfilePlan(protected=("sex",), target="label", features=("amount", "flag"), types=types)
    return profile_frame(frame, dataset="training", plan=plan)


def test_declared_types_reach_the_feature_tables() -> None:
    profile = _profile((ColumnRule(column="amount", type="number"), ColumnRule(column="flag", type="boolean")))
    assert profile.columns["amount"].kind == "numeric"
    assert profile.features.kinds["amount"] == "numeric"  # sketch buckets, as its summary: not 1,000 text values
    assert profile.columns["flag"].kind == "boolean"
    assert profile.features.kinds["flag"] == "categorical"
    assert set(profile.features.table("flag", "sex")[VALUE].dropna()) == {"0", "1"}


def test_undeclared_columns_keep_their_stored_type() -> None:
    profile = _profile(())
    assert profile.features.kinds["flag"] == "numeric"
    assert profile.columns["amount"].kind == "categorical"
    assert profile.features.kinds["amount"] == "categorical"
