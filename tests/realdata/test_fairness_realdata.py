"""Our fairness numbers equal trusted implementations on real data.

* fairlearn ``MetricFrame`` on COMPAS (ProPublica), on UCI Adult with a logistic regression
  trained here, and on the folktables ACSIncome predictions: every rate per group and per
  intersection within 1e-9;
* ProPublica's published COMPAS error rates;
* the Aequitas reference test suite's expected counts, rates, disparities and parity flags;
* scipy's chi-square statistics and scikit-learn's AUC.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from scipy.stats import chi2_contingency
from sklearn.metrics import accuracy_score, precision_score, roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "checks"))
from fairness_context import context, metric

from auditor.checks import bias, performance, representativeness
from auditor.checks.disparity import confusion_table
from auditor.engines.profile import canonical_label

pytestmark = pytest.mark.realdata

TOLERANCE = 1e-9

METRICS = {
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
    "precision": lambda y, p: precision_score(y, p, zero_division=np.nan),
    "accuracy": accuracy_score,
    "base_rate": lambda y, p: float(np.mean(y)),
}
CHECKS = {
    "selection_rate": bias.selection_rate, "true_positive_rate": bias.true_positive_rate,
    "false_positive_rate": bias.false_positive_rate, "false_negative_rate": bias.false_negative_rate,
    "precision": bias.precision, "base_rate": bias.base_rate,
}


def ours(ctx: object, dataset: str, subject: tuple[str, ...]) -> dict[str, dict[tuple[str | None, ...], float]]:
    """Our value of every metric per group, from the findings."""
    out: dict[str, dict[tuple[str | None, ...], float]] = {}
    name = "|".join(subject)
    for metric_name, check in CHECKS.items():
        finding = next(f for f in check(ctx) if f.id == f"{check.__module__.split('.')[-1]}.{metric_name}/{dataset}/{name}")
        out[metric_name] = {tuple(m.group[a] for a in subject): m.value for m in finding.metrics if m.name == metric_name}
    perf = next(f for f in performance.by_group(ctx) if f.id == f"performance.by_group/{dataset}/{name}")
    out["accuracy"] = {tuple(m.group[a] for a in subject): m.value for m in perf.metrics if m.name == "accuracy" and m.group}
    return out


def assert_equal_to_fairlearn(ctx: object, dataset: str, data: pd.DataFrame, y: str, p: str, subject: tuple[str, ...]) -> int:
    frame = MetricFrame(metrics=METRICS, y_true=data[y], y_pred=data[p], sensitive_features=data[list(subject)])
    mine = ours(ctx, dataset, subject)
    compared = 0
    for key, row in frame.by_group.iterrows():
        group = tuple(canonical_label(k) for k in (key if isinstance(key, tuple) else (key,)))
        for name in METRICS:
            expected = row[name]
            if np.isnan(expected):
                assert mine[name][group] is None or np.isnan(mine[name][group])
                continue
            assert mine[name][group] == pytest.approx(expected, abs=TOLERANCE), (name, group)
            compared += 1
    return compared


@pytest.fixture(scope="module")
def compas(shared_data: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared_data / "compas_propublica" / "compas-scores-two-years.csv")
    data = raw[["race", "sex", "two_year_recid", "decile_score"]].copy()
    data["high_risk"] = (raw["decile_score"] >= 5).astype(int)
    return data


COMPAS = {"target": "two_year_recid", "prediction": "high_risk", "score": "decile_score", "protected": ["race", "sex"],
          "favourable": 0}


def test_compas_rates_equal_fairlearn_per_attribute_and_intersection(compas: pd.DataFrame) -> None:
    ctx = context({"test": compas}, COMPAS, intersections="pairs")
    compared = sum(assert_equal_to_fairlearn(ctx, "test", compas, "two_year_recid", "high_risk", s)
                   for s in (("race",), ("sex",), ("race", "sex")))
    assert compared > 100


def test_compas_reproduces_propublicas_published_error_rates(compas: pd.DataFrame) -> None:
    ctx = context({"test": compas}, COMPAS)
    fpr = next(f for f in bias.false_positive_rate(ctx) if f.id.endswith("/race"))
    fnr = next(f for f in bias.false_negative_rate(ctx) if f.id.endswith("/race"))
    assert round(metric(fpr, "false_positive_rate", race="African-American").value, 4) == 0.4485
    assert round(metric(fpr, "false_positive_rate", race="Caucasian").value, 4) == 0.2345
    assert round(metric(fnr, "false_negative_rate", race="African-American").value, 4) == 0.2799
    assert round(metric(fnr, "false_negative_rate", race="Caucasian").value, 4) == 0.4772
    # Being labelled high risk is unfavourable: the reference is the most favoured race on each
    # rate (lowest FPR, highest FNR), so the higher FPR of African-American defendants is flagged
    # as disadvantaging them, and so is their lower FNR.
    assert fpr.message.params["reference_rule"] == fnr.message.params["reference_rule"] == "most_favoured"
    flags = {f["group"]["race"]: f for f in fpr.message.params["flagged"]}
    assert flags["African-American"]["disadvantaged"] == "group" and fpr.status.value == "fail"
    flags = {f["group"]["race"]: f for f in fnr.message.params["flagged"]}
    assert flags["African-American"]["disadvantaged"] == "group"


def test_compas_auc_by_race_equals_roc_auc_score_exactly(compas: pd.DataFrame) -> None:
    ctx = context({"test": compas}, COMPAS)
    finding = next(f for f in performance.by_group(ctx) if f.id.endswith("/race"))
    for race, part in compas.groupby("race"):
        if part["two_year_recid"].nunique() < 2:
            continue
        expected = roc_auc_score(part["two_year_recid"], part["decile_score"])
        assert metric(finding, "auc", race=race).value == pytest.approx(expected, abs=1e-12)
    assert metric(finding, "auc").value == pytest.approx(roc_auc_score(compas["two_year_recid"], compas["decile_score"]), abs=1e-12)


@pytest.mark.slow
def test_adult_with_a_model_trained_here(shared_data: Path) -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    names = ["age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
             "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income"]
    options = {"names": names, "skipinitialspace": True, "na_values": "?"}
    train = pd.read_csv(shared_data / "adult_uci" / "adult.data", **options)
    test = pd.read_csv(shared_data / "adult_uci" / "adult.test", skiprows=1, **options)
    features = ["age", "education-num", "hours-per-week", "capital-gain", "capital-loss"]
    for frame in (train, test):
        frame["label"] = frame["income"].str.startswith(">50K").astype(int)
    model = make_pipeline(StandardScaler(), LogisticRegression(random_state=0)).fit(train[features], train["label"])
    test["score"] = model.predict_proba(test[features])[:, 1]
    test["pred"] = (test["score"] >= 0.5).astype(int)
    data = test[["sex", "race", "label", "pred", "score"]]
    columns = {"target": "label", "prediction": "pred", "score": "score", "protected": ["sex", "race"], "favourable": 1}
    ctx = context({"test": data}, columns, intersections="pairs")
    for subject in (("sex",), ("race",), ("sex", "race")):
        assert_equal_to_fairlearn(ctx, "test", data, "label", "pred", subject)
    # Continuous scores: AUC from 1 %-wide sketch buckets, within 2e-3 of scikit-learn.
    finding = next(f for f in performance.by_group(ctx) if f.id.endswith("/sex"))
    for sex, part in data.groupby("sex"):
        assert metric(finding, "auc", sex=sex).value == pytest.approx(roc_auc_score(part["label"], part["score"]), abs=2e-3)
    # Composition of train vs test equals scipy's test of homogeneity.
    ctx = context({"training": train[["sex", "race", "label"]], "test": data}, columns)
    comp = next(f for f in representativeness.dataset_composition(ctx) if f.id.endswith("/race"))
    table = pd.crosstab(pd.concat([train["race"], data["race"]]), np.r_[np.zeros(len(train)), np.ones(len(data))])
    assert metric(comp, "chi_square").value == pytest.approx(chi2_contingency(table.to_numpy(), correction=False).statistic, rel=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize(("predictions", "facts"), [
    ("lightgbm_baseline_57", {"accuracy": 0.8202, ("selection_rate", "1"): 0.4394, ("selection_rate", "2"): 0.2593,
                              ("true_positive_rate", "1"): 0.7737, ("true_positive_rate", "2"): 0.6699,
                              ("false_positive_rate", "1"): 0.1739, ("false_positive_rate", "2"): 0.0922}),
    ("group_threshold_20", {"accuracy": 0.8108}),
])
def test_folktables_predictions_equal_fairlearn(shared_data: Path, predictions: str, facts: dict) -> None:
    folder = shared_data / "folktables_acs"
    test = pd.read_parquet(folder / "ACSIncome.test.parquet")
    pred = pd.read_parquet(folder / f"ACSIncome.test.pred_{predictions}.parquet")
    data = test[["SEX", "RAC1P", "PINCP"]].assign(pred=pred["predictions"].reindex(test.index).to_numpy())
    columns = {"target": "PINCP", "prediction": "pred", "protected": ["SEX", "RAC1P"], "favourable": 1}
    ctx = context({"test": data}, columns)
    for subject in (("SEX",), ("RAC1P",)):
        assert_equal_to_fairlearn(ctx, "test", data, "PINCP", "pred", subject)
    mine = ours(ctx, "test", ("SEX",))
    perf = next(f for f in performance.by_group(ctx) if f.id.endswith("/SEX"))
    for key, value in facts.items():
        got = metric(perf, "accuracy").value if key == "accuracy" else mine[key[0]][(key[1],)]
        assert round(got, 4) == value


def aequitas_case(folder: Path, test: int, expected: int, threshold: float) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    return (pd.read_csv(folder / f"test_{test}.csv"), pd.read_csv(folder / f"expected_output_test_{expected}.csv"),
            threshold)


@pytest.mark.parametrize(("test", "expected", "threshold"), [
    (1, 1, 0.8), (2, 2, 0.8), (3, 3, 0.8), (4, 4, 0.8), (5, 5, 0.8), (6, 6, 0.8), (1, 7, 0.5), (1, 8, 0.9),
])
def test_aequitas_reference_outputs(shared_data: Path, test: int, expected: int, threshold: float) -> None:
    data, want, limit = aequitas_case(shared_data / "aequitas_reference_tests", test, expected, threshold)
    attributes = [c for c in ("class", "not_class") if c in data.columns]
    references = {a: want.loc[want.attribute_name == a, "reference_group"].iloc[0] for a in attributes}
    ctx = context({"test": data}, {"target": "label_value", "prediction": "score", "protected": attributes},
                  thresholds={"min_group_size": 1, "disparity_ratio": limit}, reference_groups=references)
    findings = {f.id: f for check in (bias.false_positive_rate, bias.false_negative_rate, bias.selection_rate,
                                      bias.precision) for f in check(ctx)}
    for _, row in want.iterrows():
        attribute, value = row["attribute_name"], row["attribute_value"]
        counts = confusion_table(ctx.profiles["test"].groups, [attribute], 1).set_index(attribute).loc[value]
        for theirs, mine in (("group_size", "n"), ("tp", "tp"), ("fp", "fp"), ("tn", "tn"), ("fn", "fn"),
                             ("pp", "pred_pos"), ("group_label_pos", "label_pos")):
            assert counts[mine] == row[theirs], (theirs, attribute, value)
        assert counts["n_pred"] - counts["pred_pos"] == row["pn"]
        assert counts["n_label"] - counts["label_pos"] == row["group_label_neg"]
        pairs = [("fpr", "false_positive_rate"), ("fnr", "false_negative_rate")]
        if "pprev" in row:
            pairs.append(("pprev", "selection_rate"))
        for theirs, name in [*pairs, ("fdr", "precision")]:
            got = metric(findings[f"bias.{name}/test/{attribute}"], name, **{attribute: value}).value
            want_value = 1 - row[theirs] if theirs == "fdr" else row[theirs]
            if pd.isna(want_value):
                assert got is None or np.isnan(got)
            else:
                assert got == pytest.approx(want_value, abs=1e-12), (theirs, attribute, value)
        if value == references[attribute]:
            continue
        for theirs, name in pairs:
            disparity = row.get(f"{theirs}_disparity")
            ratio = metric(findings[f"bias.{name}/test/{attribute}"], f"{name}_ratio", **{attribute: value}).value
            if pd.isna(disparity):
                assert ratio is None or not np.isfinite(ratio)
                continue
            assert ratio == pytest.approx(disparity, abs=1e-12)
            flag = f"{theirs.upper()} Parity" if theirs != "pprev" else None
            if flag and flag in row and not pd.isna(row[flag]):
                parity = limit <= ratio <= 1 / limit
                assert parity == (str(row[flag]).upper() == "TRUE"), (flag, attribute, value)
