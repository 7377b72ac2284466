"""Split hygiene: overlap between training and test, target leakage, class balance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from quality_context import only, run
from scipy.stats import chi2_contingency
from sklearn.metrics import roc_auc_score
from statsmodels.stats.proportion import confint_proportions_2indep

from auditor.evidence.model import Status

RNG = np.random.default_rng(21)


def data(n: int, start: int = 0) -> pd.DataFrame:
    return pd.DataFrame({
        "id": [f"R{i:06d}" for i in range(start, start + n)],
        "x": RNG.normal(0, 1, n).round(4),
        "city": RNG.choice(["A", "B", "C"], n),
        "label": RNG.integers(0, 2, n),
    })


def test_rows_and_ids_shared_between_training_and_test() -> None:
    train, test = data(1000), data(400, start=5000)
    test.iloc[10:13] = train.iloc[[7, 70, 700]].to_numpy()          # 3 identical records
    test.loc[50, "id"] = train.loc[1, "id"]                           # 1 id reused, other content
    findings = run("quality.split_overlap", {"training": train, "test": test}, {"target": "label", "id": "id"})
    finding = only(findings)
    params = finding.message.params
    assert finding.status == Status.FAIL and finding.id == "quality.split_overlap/training-test"
    assert (params["n_shared_rows"], params["n_shared_id_rows"], params["n_shared_ids"]) == (3, 4, 4)
    assert params["row_examples"] == [{"row": 10, "earlier_row": 7}, {"row": 11, "earlier_row": 70},
                                      {"row": 12, "earlier_row": 700}]
    assert params["id_examples"][-1] == {"row": 50, "earlier_row": 1}


def test_identical_rows_without_an_id_warn() -> None:
    train, test = data(500).drop(columns="id"), data(200).drop(columns="id")
    test.iloc[0] = train.iloc[3].to_numpy()
    finding = only(run("quality.split_overlap", {"training": train, "test": test}, {"target": "label"}))
    assert finding.status == Status.WARN and finding.message.params["n_shared_rows"] == 1


def test_leaky_numeric_feature_is_named_with_its_auc() -> None:
    n = 3000
    label = RNG.integers(0, 2, n)
    frame = pd.DataFrame({
        "label": label,
        "leak": (label * 10 + RNG.integers(0, 10, n) * 0.1 + RNG.normal(0, 0.001, n)).round(3),  # AUC 1
        "weak": (label * 0.2 + RNG.normal(0, 1, n)).round(3),
        "code": np.where(label == 1, RNG.choice(["p", "q"], n), RNG.choice(["q", "r"], n)),
    })
    finding = only(run("quality.target_leakage", {"training": frame}, {"target": "label"}))
    metrics = {m.column: m for m in finding.metrics}
    assert finding.status == Status.FAIL
    assert [f["feature"] for f in finding.message.params["flagged"]] == ["leak"]
    assert metrics["leak"].name == "single_feature_auc" and metrics["leak"].value == pytest.approx(1.0)
    weak_auc = roc_auc_score(frame["label"], frame["weak"])
    assert metrics["weak"].value == pytest.approx(max(weak_auc, 1 - weak_auc), abs=0.002)  # sketch buckets tie
    table = pd.crosstab(frame["code"], frame["label"]).to_numpy()
    statistic, _, dof, _ = chi2_contingency(table, correction=False)
    corrected = np.sqrt(max(statistic - dof, 0) / (n * (min(table.shape) - 1)))
    assert metrics["code"].name == "cramers_v" and metrics["code"].value == pytest.approx(corrected)
    assert metrics["code"].status == Status.PASS


def test_class_balance_and_the_difference_with_training() -> None:
    train = pd.DataFrame({"label": [1] * 300 + [0] * 2700})
    test = pd.DataFrame({"label": [1] * 200 + [0] * 800})
    findings = run("quality.class_balance", {"training": train, "test": test}, {"target": "label"})
    training, testing = only(findings, "training"), only(findings, "test")
    assert training.status == Status.PASS
    difference = next(m for m in testing.metrics if m.name == "base_rate_difference")
    low, high = confint_proportions_2indep(200, 1000, 300, 3000, method="newcomb", compare="diff")
    assert difference.value == pytest.approx(0.1) and difference.ci == pytest.approx((low, high))
    assert testing.status == Status.FAIL
    rare = pd.DataFrame({"label": [1] * 20 + [0] * 1980})
    finding = only(run("quality.class_balance", {"training": rare}, {"target": "label"}))
    assert finding.status == Status.FAIL and finding.message.params["minority"] == "1"
