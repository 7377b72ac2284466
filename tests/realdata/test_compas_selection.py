"""COMPAS (ProPublica): selection rates per race equal a direct pandas computation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import auditor

pytestmark = pytest.mark.realdata


def test_selection_rates_per_race_equal_pandas(shared_data: Path) -> None:
    raw = pd.read_csv(shared_data / "compas_propublica" / "compas-scores-two-years.csv")
    data = raw[["race", "sex", "two_year_recid"]].copy()
    data["high_risk"] = (raw["decile_score"] >= 5).astype(int)
    result = auditor.audit({
        "data": {"test": data},
        "columns": {"target": "two_year_recid", "prediction": "high_risk", "protected": ["race", "sex"], "favourable": 0},
    })
    finding = next(f for f in result.findings if f.id == "bias.selection_rate/test/race")
    rates = {m.group["race"]: m for m in finding.metrics if m.name == "selection_rate"}
    expected = data.groupby("race")["high_risk"].agg(["mean", "size"])
    assert set(rates) == set(expected.index)
    for race, row in expected.iterrows():
        metric = rates[race]
        assert metric.value == pytest.approx(row["mean"], abs=1e-12)
        assert metric.n == row["size"]
        assert metric.ci is not None and metric.ci[0] <= metric.value <= metric.ci[1]
    # Published (shared/data/README.md): predicted-positive rate African-American 0.5882 vs Caucasian 0.3480.
    assert rates["African-American"].value == pytest.approx(0.5882, abs=5e-5)
    assert rates["Caucasian"].value == pytest.approx(0.3480, abs=5e-5)
    # Being selected is unfavourable, so the reference is the most favoured group: the least
    # selected race among those with at least min_group_size rows (not the largest group,
    # African-American, which is the one disadvantaged); every other race is compared with it.
    judged = expected[expected["size"] >= 30]
    favoured = judged["mean"].idxmin()
    assert finding.message.params["reference"] == {"race": favoured}
    assert finding.message.params["reference_rule"] == "most_favoured"
    black = next(m for m in finding.metrics if m.name == "selection_rate_ratio" and m.group == {"race": "African-American"})
    assert black.value == pytest.approx(expected.loc["African-American", "mean"] / judged["mean"].min(), rel=1e-12)
    assert black.status == auditor.Status.FAIL
    flagged = {f["group"]["race"]: f for f in finding.message.params["flagged"]}
    assert flagged["African-American"]["disadvantaged"] == "group"
