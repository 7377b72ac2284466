"""Performance by group: accuracy, precision, recall equal scikit-learn; AUC equals roc_auc_score."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fairness_context import context, metric
from sklearn.metrics import accuracy_score, precision_score, recall_score, roc_auc_score

from auditor.checks import performance
from auditor.evidence import Status

COLUMNS = {"target": "label", "prediction": "predicted", "score": "risk_score",
           "protected": ["sex", "age_band", "migration_background"], "id": "application_id", "favourable": 0}


@pytest.fixture(scope="module")
def findings(sample_dir: Path) -> dict:
    test = pd.read_parquet(sample_dir / "test_scored.parquet")
    ctx = context({"test": test}, COLUMNS)
    return {"data": test, **{f.id: f for f in performance.by_group(ctx)}}


def test_rates_per_group_equal_scikit_learn(findings: dict) -> None:
    data = findings["data"]
    f = findings["performance.by_group/test/migration_background"]
    for group, part in data.groupby("migration_background"):
        y, p = part["label"], part["predicted"]
        assert metric(f, "accuracy", migration_background=group).value == pytest.approx(accuracy_score(y, p), abs=1e-12)
        assert metric(f, "precision", migration_background=group).value == pytest.approx(precision_score(y, p), abs=1e-12)
        assert metric(f, "true_positive_rate", migration_background=group).value == pytest.approx(recall_score(y, p), abs=1e-12)
    assert metric(f, "accuracy").value == pytest.approx(accuracy_score(data["label"], data["predicted"]), abs=1e-12)


def test_auc_per_group_is_close_to_roc_auc_score_for_continuous_scores(findings: dict) -> None:
    # risk_score has 4 decimals: scores closer than the sketch's 1 % share a bucket (a tie), so
    # the AUC is within the share of tied pairs of the exact value.
    data = findings["data"]
    f = findings["performance.by_group/test/migration_background"]
    for group, part in data.groupby("migration_background"):
        auc = metric(f, "auc", migration_background=group)
        assert auc.value == pytest.approx(roc_auc_score(part["label"], part["risk_score"]), abs=5e-3)
    assert metric(f, "auc").value == pytest.approx(0.720, abs=1e-3)  # sample README: AUC 0.720 overall


def test_auc_is_exact_for_integer_scores() -> None:
    rng = np.random.default_rng(8)
    n = 3000
    group = rng.choice(["a", "b"], n)
    label = rng.integers(0, 2, n)
    score = rng.integers(1, 11, n) + label * np.where(group == "a", 3, 1)
    data = pd.DataFrame({"g": group, "y": label, "s": score})
    ctx = context({"test": data}, {"target": "y", "score": "s", "protected": ["g"]})
    (finding,) = performance.by_group(ctx)
    for g, part in data.groupby("g"):
        assert metric(finding, "auc", g=g).value == pytest.approx(roc_auc_score(part["y"], part["s"]), abs=1e-12)
    gap = next(m for m in finding.metrics if m.name == "auc_difference")
    assert gap.status == Status.FAIL  # a's scores separate far better than b's


def test_gaps_are_judged_and_small_groups_need_more_rows(findings: dict) -> None:
    f = findings["performance.by_group/test/migration_background"]
    assert f.status == Status.FAIL  # accuracy of the reference (non_western) is ~18 points lower
    gap = next(m for m in f.metrics if m.name == "accuracy_difference" and m.group == {"migration_background": "none"})
    assert gap.value == pytest.approx(0.184, abs=1e-3) and gap.ci[0] > 0.05
    lower = {x["group"]["migration_background"]: x["lower"] for x in f.message.params["flagged"] if x["metric"] == "accuracy"}
    assert lower["none"] == "reference"
    sex = findings["performance.by_group/test/sex"]
    x = next(x for x in sex.message.params["flagged"] if x["group"] == {"sex": "X"})
    assert x["status"] == "insufficient_evidence" and x["needed"] == 30
