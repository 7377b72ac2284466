"""Representativeness checks: reference population (single and joint), intersectional coverage,
composition of the datasets, and the setting of use."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fairness_context import context, metric
from scipy.stats import chi2_contingency, chisquare

from auditor.checks import representativeness as rep
from auditor.evidence import Status
from auditor.stats.intervals import wilson_interval

COLUMNS = {"target": "label", "protected": ["sex", "age_band", "migration_background"], "id": "application_id"}


@pytest.fixture(scope="module")
def train(sample_dir: Path) -> pd.DataFrame:
    return pd.read_parquet(sample_dir / "train.parquet")


@pytest.fixture(scope="module")
def reference(sample_dir: Path) -> pd.DataFrame:
    return pd.read_csv(sample_dir / "reference_population.csv")


def test_planted_under_representation_and_goodness_of_fit_equal_scipy(train: pd.DataFrame, reference: pd.DataFrame) -> None:
    ctx = context({"training": train}, COLUMNS, reference=reference)
    findings = {f.id: f for f in rep.reference_population(ctx)}
    age = findings["representativeness.reference_population/training/age_band"]
    assert age.status == Status.FAIL
    young = metric(age, "representation_ratio", age_band="18-26")
    assert young.value == pytest.approx(359 / 6000 / 0.14) and young.status == Status.FAIL
    assert young.ci == pytest.approx((0.386, 0.472), abs=5e-4)  # README of the sample: [0.386, 0.472]
    old = metric(age, "representation_ratio", age_band="67+")
    assert old.value == pytest.approx(0.853, abs=5e-4) and old.status == Status.PASS  # estimate above 0.8
    ref = reference[reference.attribute == "age_band"]
    observed = train["age_band"].value_counts()[ref["category"]].to_numpy()
    expected = observed.sum() * ref["share"].to_numpy() / ref["share"].sum()
    assert metric(age, "chi_square").value == pytest.approx(chisquare(observed, expected).statistic, rel=1e-12)
    assert metric(age, "chi_square").p_value == pytest.approx(chisquare(observed, expected).pvalue, rel=1e-9)
    w = metric(age, "cohens_w")
    assert w.ci[0] <= w.value <= w.ci[1]
    sex = findings["representativeness.reference_population/training/sex"]
    assert sex.status == Status.INSUFFICIENT_EVIDENCE  # X: 0.3 % of 6,000 rows = 18 expected
    assert sex.message.params["rare"] == [{"category": "X", "expected": pytest.approx(18.0), "rows_needed": 10000}]


def test_joint_reference_attributes_use_the_group_table(train: pd.DataFrame) -> None:
    shares = train.groupby(["sex", "age_band"]).size() / len(train)
    rows = [{"attribute": "sex|age_band", "category": f"{s}|{a}", "share": v} for (s, a), v in shares.items()]
    rows[0]["share"] += 0.02
    rows[1]["share"] -= 0.02
    rows.append({"attribute": "sex|age_band", "category": "X|67+", "share": 0.0})
    ctx = context({"training": train}, COLUMNS, reference=pd.DataFrame(rows))
    (finding,) = [f for f in rep.reference_population(ctx) if not f.id.endswith("/not_in_reference")]
    assert finding.id == "representativeness.reference_population/training/sex|age_band"
    (s, a), count = next(iter(train.groupby(["sex", "age_band"]).size().items()))
    share = metric(finding, "share", **{"sex|age_band": f"{s}|{a}"})
    assert share.n == count and share.value == pytest.approx(count / len(train))


def test_a_reference_category_absent_from_the_data_is_named(train: pd.DataFrame) -> None:
    reference = pd.DataFrame({"attribute": ["district"] * 3, "category": ["Noord", "Zuid", "Feijenoord"],
                              "share": [0.3, 0.3, 0.4]})
    ctx = context({"training": train}, COLUMNS, reference=reference)
    found = rep.reference_population(ctx)
    # The protected attributes the reference leaves out are named as not assessed.
    assert sorted(f.message.params["attribute"] for f in found if f.id.endswith("/not_in_reference")) == sorted(COLUMNS["protected"])
    (finding,) = [f for f in found if not f.id.endswith("/not_in_reference")]
    assert finding.status == Status.FAIL
    assert finding.message.params["missing_categories"] == ["Feijenoord"]
    assert metric(finding, "representation_ratio", district="Feijenoord").value == 0


def test_intersectional_cells_below_the_minimum_size_are_named(train: pd.DataFrame) -> None:
    ctx = context({"training": train}, COLUMNS, intersections="pairs")
    findings = {f.id: f for f in rep.intersectional_coverage(ctx)}
    f = findings["representativeness.intersectional_coverage/training/sex|age_band"]
    assert f.status == Status.INSUFFICIENT_EVIDENCE
    counts = train.groupby(["sex", "age_band"]).size()
    small = {(s["group"]["sex"], s["group"]["age_band"]) for s in f.message.params["small"]}
    assert small == {k for k, v in counts.items() if v < 30} | {("X", a) for a in train.age_band.unique() if ("X", a) not in counts}
    assert f.message.params["n_empty"] == 12 - len(counts)
    assert findings["representativeness.intersectional_coverage/training/age_band|migration_background"].status == Status.PASS


def test_dataset_composition_equals_chi2_contingency(train: pd.DataFrame, sample_dir: Path) -> None:
    test = pd.read_parquet(sample_dir / "test_scored.parquet")
    ctx = context({"training": train, "test": test}, {**COLUMNS, "prediction": "predicted", "score": "risk_score"})
    findings = {f.id: f for f in rep.dataset_composition(ctx)}
    f = findings["representativeness.dataset_composition/test/migration_background"]
    table = pd.crosstab(pd.concat([train, test]).migration_background,
                        np.r_[np.zeros(len(train)), np.ones(len(test))]).to_numpy()
    expected = chi2_contingency(table, correction=False)
    assert metric(f, "chi_square").value == pytest.approx(expected.statistic, rel=1e-12)
    assert metric(f, "chi_square").p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert f.status == Status.PASS  # the sample's train and test have the same composition


def test_dataset_composition_fails_on_a_real_shift() -> None:
    rng = np.random.default_rng(0)
    train = pd.DataFrame({"g": rng.choice(["a", "b", "c"], 5000, p=[0.5, 0.3, 0.2])})
    prod = pd.DataFrame({"g": rng.choice(["a", "b", "c"], 5000, p=[0.2, 0.3, 0.5])})
    ctx = context({"training": train, "production": prod}, {"protected": ["g"]})
    (finding,) = rep.dataset_composition(ctx)
    v = metric(finding, "cramers_v")
    assert finding.status == Status.FAIL and v.ci[0] > 0.1
    ratio = metric(finding, "share_ratio", g="c")
    assert ratio.value == pytest.approx((prod.g == "c").mean() / (train.g == "c").mean())


def test_setting_of_use(train: pd.DataFrame) -> None:
    districts = sorted(train.district.unique())
    ctx = context({"training": train}, COLUMNS, setting={"district": districts})
    (finding,) = rep.setting_of_use(ctx)
    assert finding.status == Status.PASS and metric(finding, "outside_setting_rate").value == 0
    ctx = context({"training": train}, COLUMNS, setting={"district": ["Noord", "Zuid", "Feijenoord"]})
    (finding,) = rep.setting_of_use(ctx)
    outside = (~train.district.isin(["Noord", "Zuid"])).sum()
    rate = next(m for m in finding.metrics if m.name == "outside_setting_rate")
    low, high = wilson_interval(outside, len(train))
    assert rate.value == pytest.approx(outside / len(train)) and rate.ci == pytest.approx((float(low), float(high)))
    assert finding.status == Status.FAIL
    assert finding.message.params["absent"] == ["Feijenoord"]
    (none,) = rep.setting_of_use(context({"training": train}, COLUMNS))
    assert none.status == Status.NOT_ASSESSED and none.message.key == "representativeness.setting_of_use.no_setting"


def test_setting_of_use_with_a_zero_tolerance_fails_on_any_row_outside(train: pd.DataFrame) -> None:
    # max_outside_setting_rate 0 is allowed by the rulebook: then every row outside the setting
    # is evidence against it (a score test at 0 is undefined; the shared rate rule handles it).
    districts = sorted(train.district.unique())
    ctx = context({"training": train}, COLUMNS, setting={"district": districts[1:]},
                  thresholds={"max_outside_setting_rate": 0.0})
    (finding,) = rep.setting_of_use(ctx)
    rate = metric(finding, "outside_setting_rate")
    assert rate.value == pytest.approx((train.district == districts[0]).mean()) and rate.value > 0
    assert rate.status == Status.FAIL
