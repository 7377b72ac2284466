"""Bias checks: rates equal fairlearn, the verdict rule, the direction of disadvantage, proxies,
feedback loops and reweighing."""

from __future__ import annotations

import hashlib
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
from fairness_context import context, metric
from sklearn.metrics import precision_score
from statsmodels.stats.contingency_tables import StratifiedTable

import auditor
from auditor.checks import bias, feedback, mitigation, proxies
from auditor.checks.bias import mantel_haenszel_ratio
from auditor.evidence import Status
from auditor.evidence.model import artefact_csv
from auditor.stats.comparisons import rate_ratio


def build(counts: dict[tuple[str, int, int], int]) -> pd.DataFrame:
    """Rows from counts per (group, label, prediction)."""
    keys = list(counts)
    reps = [counts[k] for k in keys]
    return pd.DataFrame({
        "group": np.repeat([k[0] for k in keys], reps),
        "label": np.repeat([k[1] for k in keys], reps),
        "pred": np.repeat([k[2] for k in keys], reps),
    })


def synthetic(n: int = 6000, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], n, p=[0.45, 0.55])
    age = rng.choice(["young", "mid", "old"], n, p=[0.2, 0.5, 0.3])
    label = (rng.random(n) < np.where(sex == "F", 0.3, 0.4)).astype(int)
    score = np.clip(0.4 * label + rng.normal(0.3, 0.2, n) + np.where(age == "young", 0.1, 0.0), 0, 1).round(2)
    return pd.DataFrame({"sex": sex, "age": age, "label": label, "pred": (score >= 0.5).astype(int), "score": score})


COLUMNS = {"target": "label", "prediction": "pred", "protected": ["sex", "age"], "favourable": 0}
FAIRLEARN = {
    "selection_rate": selection_rate, "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate, "false_negative_rate": false_negative_rate,
    "precision": lambda y, p: precision_score(y, p, zero_division=np.nan),
}
CHECK_OF = {
    "selection_rate": bias.selection_rate, "true_positive_rate": bias.true_positive_rate,
    "false_positive_rate": bias.false_positive_rate, "false_negative_rate": bias.false_negative_rate,
    "precision": bias.precision,
}


@pytest.mark.parametrize("name", list(FAIRLEARN))
def test_rates_per_attribute_and_intersection_equal_fairlearn(name: str) -> None:
    data = synthetic()
    ctx = context({"test": data}, COLUMNS, intersections="pairs")
    findings = {f.id: f for f in CHECK_OF[name](ctx)}
    for attrs in (["sex"], ["age"], ["sex", "age"]):
        frame = MetricFrame(metrics=FAIRLEARN[name], y_true=data["label"], y_pred=data["pred"],
                            sensitive_features=data[attrs])
        finding = findings[f"bias.{name}/test/{'|'.join(attrs)}"]
        expected = frame.by_group
        for key, value in expected.items():
            group = dict(zip(attrs, key if isinstance(key, tuple) else (key,), strict=True))
            assert metric(finding, name, **group).value == pytest.approx(value, abs=1e-12)


def test_base_rate_is_checked_on_every_labelled_dataset() -> None:
    data = synthetic()
    ctx = context({"training": data.drop(columns=["pred", "score"]), "test": data}, COLUMNS)
    findings = {f.id: f for f in bias.base_rate(ctx)}
    assert {"bias.base_rate/training/sex", "bias.base_rate/test/sex"} <= set(findings)
    f = findings["bias.base_rate/training/sex"]
    for sex, rate in data.groupby("sex")["label"].mean().items():
        assert metric(f, "base_rate", sex=sex).value == pytest.approx(rate)


def counts_for(fpr_b: float = 0.3, tpr_b: float = 0.8) -> pd.DataFrame:
    """A (1200 rows): TPR 0.8, FPR 0.1; B (1000 rows): the given rates; 50 % positive labels."""
    return build({
        ("A", 1, 1): 480, ("A", 1, 0): 120, ("A", 0, 1): 60, ("A", 0, 0): 540,
        ("B", 1, 1): int(500 * tpr_b), ("B", 1, 0): 500 - int(500 * tpr_b),
        ("B", 0, 1): int(500 * fpr_b), ("B", 0, 0): 500 - int(500 * fpr_b),
    })


@pytest.mark.parametrize(("favourable", "check", "data", "who"), [
    # positive (1) unfavourable: a higher FPR disadvantages; a lower FNR disadvantages.
    (0, bias.false_positive_rate, counts_for(fpr_b=0.3), "group"),
    (0, bias.false_negative_rate, counts_for(tpr_b=0.6), "reference"),
    (0, bias.selection_rate, counts_for(fpr_b=0.5), "group"),
    (0, bias.precision, counts_for(fpr_b=0.5), "group"),
    # positive favourable: a lower FPR disadvantages (A, the reference); a higher FNR does.
    (1, bias.false_positive_rate, counts_for(fpr_b=0.3), "reference"),
    (1, bias.false_negative_rate, counts_for(tpr_b=0.6), "group"),
    (1, bias.selection_rate, counts_for(fpr_b=0.5), "reference"),
    (1, bias.precision, counts_for(fpr_b=0.5), "reference"),
    (None, bias.false_positive_rate, counts_for(fpr_b=0.3), "unknown"),
])
def test_favourable_outcome_decides_who_is_disadvantaged(favourable: object, check: object, data: pd.DataFrame,
                                                         who: str) -> None:
    ctx = context({"test": data}, {"target": "label", "prediction": "pred", "protected": ["group"],
                                    "favourable": favourable})
    (finding,) = check(ctx)  # type: ignore[operator]
    assert finding.status == Status.FAIL
    # The default reference is the most favoured group (the largest only without a direction),
    # so the disadvantaged group is always the one compared, never the yardstick.
    reference, other = ("B", "A") if who == "reference" else ("A", "B")
    assert finding.message.params["reference"] == {"group": reference}
    assert finding.message.params["reference_rule"] == ("largest" if favourable is None else "most_favoured")
    (flag,) = finding.message.params["flagged"]
    assert flag["group"] == {"group": other} and flag["disadvantaged"] == ("unknown" if who == "unknown" else "group")


def test_verdicts_fail_warn_and_insufficient_with_the_size_needed() -> None:
    data = build({
        ("A", 0, 1): 100, ("A", 0, 0): 900, ("A", 1, 1): 500,    # FPR 0.10, n = 1000 negatives
        ("B", 0, 1): 300, ("B", 0, 0): 700, ("B", 1, 1): 500,    # FPR 0.30: fail
        ("C", 0, 1): 6, ("C", 0, 0): 24, ("C", 1, 1): 30,        # FPR 0.20 on 30 negatives: warn
        ("D", 0, 1): 2, ("D", 0, 0): 8, ("D", 1, 1): 5,          # 10 negatives: insufficient
    })
    ctx = context({"test": data}, {"target": "label", "prediction": "pred", "protected": ["group"], "favourable": 0})
    (finding,) = bias.false_positive_rate(ctx)
    status = {m.group["group"]: m.status for m in finding.metrics if m.name == "false_positive_rate_ratio"}
    assert status == {"B": Status.FAIL, "C": Status.WARN, "D": Status.INSUFFICIENT_EVIDENCE}
    assert finding.status == Status.FAIL
    d = next(f for f in finding.message.params["flagged"] if f["group"] == {"group": "D"})
    assert d["n"] == 10 and d["needed"] == 30
    rate = metric(finding, "false_positive_rate", group="D")
    assert rate.value == pytest.approx(0.2) and rate.n == 10  # still reported, with its n
    ratio = metric(finding, "false_positive_rate_ratio", group="B")
    r = rate_ratio(300, 1000, 100, 1000)
    assert (ratio.value, *ratio.ci) == pytest.approx((3.0, float(r.low), float(r.high)))
    assert ratio.threshold == pytest.approx(1.25)


def test_configured_reference_groups_apply_to_intersections() -> None:
    data = synthetic()
    ctx = context({"test": data}, COLUMNS, intersections=[["sex", "age"]], reference_groups={"sex": "F", "age": "old"})
    findings = {f.id: f for f in bias.selection_rate(ctx)}
    assert findings["bias.selection_rate/test/sex"].message.params["reference"] == {"sex": "F"}
    assert findings["bias.selection_rate/test/sex|age"].message.params["reference"] == {"sex": "F", "age": "old"}


def test_checks_without_the_needed_columns_are_not_assessed_or_not_applicable() -> None:
    data = synthetic().drop(columns=["pred", "score"])
    ctx = context({"training": data}, {"target": "label", "protected": ["sex"], "favourable": 0})
    (finding,) = bias.false_positive_rate(ctx)  # error rates are required: a missing input is a gap
    assert finding.status == Status.NOT_ASSESSED and finding.message.params["needs"] == ["target", "prediction"]
    (finding,) = bias.calibration(ctx)  # a system without a score has nothing to calibrate
    assert finding.status == Status.NOT_APPLICABLE


def test_mantel_haenszel_ratio_equals_statsmodels_and_reduces_to_katz() -> None:
    a, n1 = np.array([10, 20, 5]), np.array([50, 60, 40])
    b, n0 = np.array([8, 30, 9]), np.array([70, 80, 30])
    tables = [np.array([[a[i], n1[i] - a[i]], [b[i], n0[i] - b[i]]]) for i in range(3)]
    est = mantel_haenszel_ratio(a, n1, b, n0)
    assert est.ratio[0] == pytest.approx(StratifiedTable(tables).riskratio_pooled, rel=1e-12)
    one = mantel_haenszel_ratio(a[:1], n1[:1], b[:1], n0[:1])
    katz = rate_ratio(a[0], n1[0], b[0], n0[0])
    assert (one.ratio[0], one.low[0], one.high[0]) == pytest.approx((float(katz.ratio), float(katz.low), float(katz.high)))


def test_calibration_flags_a_score_that_overstates_a_groups_risk() -> None:
    rng = np.random.default_rng(4)
    n = 8000
    group = rng.choice(["A", "B"], n, p=[0.6, 0.4])
    risk = rng.uniform(0.05, 0.6, n)
    label = (rng.random(n) < risk).astype(int)
    score = np.where(group == "B", np.minimum(risk * 1.6, 1), risk).round(2)  # B scored 60 % too high
    data = pd.DataFrame({"group": group, "label": label, "score": score})
    ctx = context({"test": data}, {"target": "label", "score": "score", "protected": ["group"], "favourable": 0})
    (finding,) = bias.calibration(ctx)
    ratio = metric(finding, "calibration_ratio", group="B")
    assert ratio.value < 0.8 and ratio.status == Status.FAIL
    assert finding.message.params["flagged"][0]["disadvantaged"] == "group"
    oe = metric(finding, "observed_expected_ratio", group="A")
    assert oe.value == pytest.approx(1.0, abs=0.06)


@pytest.mark.slow
def test_proxy_features_name_district_for_migration_background(sample_dir: Path) -> None:
    train = pd.read_parquet(sample_dir / "train.parquet")
    ctx = context({"training": train}, {"target": "label", "protected": ["sex", "age_band", "migration_background"],
                                         "id": "application_id", "favourable": 0})
    findings = {f.message.params["attribute"]: f for f in proxies.proxy_features(ctx)}
    migration = findings["migration_background"]
    flagged = {f["feature"]: f for f in migration.message.params["flagged"]}
    assert "district" in flagged and flagged["district"]["status"] == "fail"
    assert "income_other" in flagged  # missing income concentrated in one group
    v = next(m for m in migration.metrics if m.name == "cramers_v" and m.column == "district")
    assert 0.15 < v.value < 0.22 and v.ci[0] > 0.15
    joint = next(m for m in migration.metrics if m.name == "balanced_accuracy" and m.column is None)
    assert joint.value > migration.message.params["chance"]
    assert migration.message.params["sample_rows"] == len(train)
    assert "application_id" not in migration.message.params["unmeasured"]


def test_direct_distinction() -> None:
    data = synthetic().assign(nationaliteit="NL", income=1.0)
    cols = {"target": "label", "prediction": "pred", "protected": ["sex", "age"]}
    (finding,) = proxies.direct_distinction(context({"test": data}, {**cols, "features": ["sex", "income"]}))
    assert finding.status == Status.FAIL and finding.message.params["protected"] == ["sex"]
    (finding,) = proxies.direct_distinction(context({"test": data}, cols))
    assert finding.status == Status.WARN
    assert finding.message.params["named"] == [{"feature": "nationaliteit", "ground": "nationality"}]
    (finding,) = proxies.direct_distinction(context({"test": data.drop(columns=["nationaliteit"])}, cols))
    assert finding.status == Status.PASS


def test_feedback_loop_declaration_and_selection_by_group() -> None:
    rng = np.random.default_rng(2)
    n = 4000
    group = rng.choice(["A", "B"], n, p=[0.6, 0.4])
    selected = (rng.random(n) < np.where(group == "B", 0.30, 0.10)).astype(int)
    data = pd.DataFrame({"group": group, "selected": selected, "label": rng.integers(0, 2, n)})
    cols = {"target": "label", "protected": ["group"], "selection": "selected", "label_source": "selected_cases"}
    findings = {f.id: f for f in feedback.feedback_loop(context({"training": data}, cols))}
    assert findings["bias.feedback_loop/labels"].status == Status.WARN
    assert findings["bias.feedback_loop/labels"].message.key == "bias.feedback_loop.declared_selected"
    by_group = findings["bias.feedback_loop/training/group"]
    assert by_group.status == Status.FAIL
    rate = next(m for m in by_group.metrics if m.name == "selection_rate" and m.group == {"group": "B"})
    assert rate.value == pytest.approx(selected[group == "B"].mean()) and rate.column == "selected"
    (undeclared,) = feedback.feedback_loop(context({"training": data}, {"target": "label", "protected": ["group"]}))
    assert undeclared.status == Status.NOT_ASSESSED and undeclared.message.key == "bias.feedback_loop.undeclared"


def test_reweighing_weights_follow_kamiran_calders_and_remove_the_base_rate_gap() -> None:
    data = synthetic().drop(columns=["pred", "score"])
    ctx = context({"training": data}, {"target": "label", "protected": ["sex", "age"], "favourable": 0})
    (finding,) = mitigation.reweighing(ctx)
    (artefact,) = finding.artefacts
    weights = pd.DataFrame(list(artefact.rows), columns=list(artefact.columns))
    n = len(data)
    for (sex, age, label), part in data.groupby(["sex", "age", "label"]):
        expected = ((data["sex"] == sex) & (data["age"] == age)).sum() * (data["label"] == label).sum() / (n * len(part))
        row = weights[(weights["sex"] == sex) & (weights["age"] == age) & (weights["label"] == str(label))]
        assert row["weight"].item() == pytest.approx(expected, rel=1e-12)
    before = metric(finding, "base_rate_ratio", sex="F")  # the largest group, M, is the reference
    assert before.value == pytest.approx(data[data.sex == "F"].label.mean() / data[data.sex == "M"].label.mean())
    for m in finding.metrics:
        if m.name == "reweighed_base_rate_ratio":
            assert m.value == pytest.approx(1.0, abs=1e-12)
    assert finding.status == Status.PASS
    # The evidence keeps the table and the SHA-256 of the CSV text save() writes.
    entry = finding.to_dict()["artefacts"][0]
    text = artefact_csv(entry["columns"], entry["rows"])
    assert text == artefact.to_csv()
    assert hashlib.sha256(text.encode()).hexdigest() == entry["sha256"]
    assert text.splitlines()[0] == "sex,age,label,weight"


def test_audit_saves_the_reweighing_artefact_beside_the_evidence(tmp_path: Path) -> None:
    data = synthetic()
    result = auditor.audit({"data": {"training": data.drop(columns=["pred", "score"]), "test": data},
                            "columns": {**COLUMNS, "score": "score"}})
    paths = result.save(tmp_path, language="en")
    csv_path = paths["reweighing-training.csv"]
    entry = next(a for f in result.to_dict()["findings"] for a in f.get("artefacts", []))
    assert hashlib.sha256(csv_path.read_bytes()).hexdigest() == entry["sha256"]


def test_score_dependence_reveals_a_protected_attribute_the_model_uses(sample_dir: Path) -> None:
    test = pd.read_parquet(sample_dir / "test_scored.parquet")
    ctx = context({"test": test}, {"target": "label", "prediction": "predicted", "score": "risk_score", "favourable": 0,
                                    "protected": ["sex", "migration_background"], "id": "application_id"})
    findings = {f.id: f for f in proxies.direct_distinction(ctx)}
    migration = findings["bias.direct_distinction/test/migration_background"]
    assert migration.status == Status.FAIL  # the sample's score has a term on migration background
    gap = next(m for m in migration.metrics if m.name == "score_residual_difference" and m.group == {"migration_background": "none"})
    assert gap.value < 0 and gap.ci[1] < gap.threshold  # 'none' scores lower than non_western at equal features
    assert findings["bias.direct_distinction/test/sex"].status in (Status.PASS, Status.INSUFFICIENT_EVIDENCE)


def test_score_that_depends_on_the_features_only_passes() -> None:
    rng = np.random.default_rng(6)
    n = 6000
    group = rng.choice(["A", "B"], n)
    district = np.where(group == "A", rng.choice(["p", "q"], n, p=[0.8, 0.2]), rng.choice(["p", "q"], n, p=[0.2, 0.8]))
    income = rng.normal(0, 1, n)
    score = 1 / (1 + np.exp(-(0.8 * (district == "q") + 0.5 * income - 1)))  # a proxy, but no direct use
    data = pd.DataFrame({"group": group, "district": district, "income": income, "score": score.round(4),
                         "label": (rng.random(n) < score).astype(int)})
    ctx = context({"test": data}, {"target": "label", "score": "score", "protected": ["group"]})
    by_id = {f.id: f for f in proxies.direct_distinction(ctx)}
    assert by_id["bias.direct_distinction/test/group"].status == Status.PASS
