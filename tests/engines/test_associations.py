"""Feature × group counts: exact, mergeable, numeric values in ordered sketch buckets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditor.engines.associations import VALUE, quantile_bins
from auditor.engines.pandas import ProfilePlan, profile_frame
from auditor.engines.profile import sketch_keys

PLAN = ProfilePlan(protected=("sex", "region"), features=("district", "income", "flag"))


def frame(n: int = 5000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    income = rng.lognormal(7, 1, n)
    income[rng.random(n) < 0.1] = np.nan
    return pd.DataFrame({
        "sex": rng.choice(["F", "M"], n), "region": rng.choice(["N", "S", None], n),
        "district": rng.choice(["a", "b", "c"], n), "income": income, "flag": rng.random(n) < 0.3,
    })


def test_categorical_counts_equal_a_crosstab() -> None:
    data = frame()
    table = profile_frame(data, dataset="t", plan=PLAN).features.table("district", "sex")
    expected = data.groupby(["sex", "district"]).size()
    got = table.set_index(["sex", VALUE])["n"]
    assert got.sort_index().to_dict() == expected.sort_index().to_dict()


def test_missing_values_of_features_and_groups_are_their_own_category() -> None:
    data = frame()
    features = profile_frame(data, dataset="t", plan=PLAN).features
    income = features.table("income", "region")
    assert income.loc[income[VALUE].isna(), "n"].sum() == data["income"].isna().sum()
    assert income.loc[income["region"].isna(), "n"].sum() == data["region"].isna().sum()
    assert features.kinds == {"district": "categorical", "income": "numeric", "flag": "categorical"}


def test_numeric_values_are_sketch_keys() -> None:
    data = frame()
    table = profile_frame(data, dataset="t", plan=PLAN).features.table("income", "sex")
    keys = pd.Series(sketch_keys(data["income"].dropna().to_numpy())).value_counts()
    got = table[table[VALUE].notna()].groupby(VALUE)["n"].sum()
    assert got.to_dict() == {int(k): int(v) for k, v in keys.items()}


@pytest.mark.parametrize("cut", [1, 2500, 4999])
def test_tables_of_the_whole_equal_merge_of_the_parts(cut: int) -> None:
    data = frame()
    whole = profile_frame(data, dataset="t", plan=PLAN).features
    merged = profile_frame(data.iloc[:cut], dataset="t", plan=PLAN).merge(
        profile_frame(data.iloc[cut:], dataset="t", plan=PLAN)).features
    assert whole.tables.keys() == merged.tables.keys()
    for key in whole.tables:
        pd.testing.assert_frame_equal(whole.tables[key], merged.tables[key])


def test_quantile_bins_join_ordered_buckets_into_deciles() -> None:
    data = frame(20_000)
    table = profile_frame(data, dataset="t", plan=PLAN).features.table("income", "sex")
    bins = quantile_bins(table, 10)
    binned = table.assign(bin=bins)
    assert (binned.loc[binned[VALUE].isna(), "bin"] == -1).all()  # missing values keep their own bin
    present = binned[binned["bin"] >= 0].groupby("bin")["n"].sum()
    assert len(present) == 10
    assert present.min() > 0.08 * present.sum() and present.max() < 0.12 * present.sum()
    order = binned.dropna(subset=[VALUE]).sort_values(VALUE)["bin"].to_numpy()
    assert list(order) == sorted(order)  # bins follow the value order
