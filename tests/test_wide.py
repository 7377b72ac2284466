"""A wide table (2,000 feature columns) audits to a complete report with bounded model work.

Not timed (``benchmarks/bench_wide.py`` measures); asserts that every feature is screened from the
counts, that the models take a bounded, recorded number of features, and that the leakage figures
computed for all features at once equal scipy's on the same crosstab.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

import auditor
from auditor.checks import proxies

N_FEATURES = 2000


def wide(rows: int = 150, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, rows)
    driver = rng.normal(size=rows)
    data: dict[str, object] = {"sex": rng.choice(["M", "F"], rows), "label": label,
                               "pred": rng.integers(0, 2, rows), "score": 1 / (1 + np.exp(-3 * driver))}
    for i in range(N_FEATURES - 2):
        data[f"f{i}"] = rng.normal(size=rows) if i % 2 else rng.choice(["a", "b", "c"], rows)
    data["leak"] = np.where(rng.random(rows) < 0.95, label, 1 - label).astype(str)  # recorded after the outcome
    data["driver"] = driver
    return pd.DataFrame(data)


@pytest.mark.slow
def test_a_wide_table_audits_to_a_report_with_bounded_models(tmp_path: Path) -> None:
    frame = wide()
    result = auditor.audit({"data": {"training": frame}, "columns": {
        "target": "label", "prediction": "pred", "score": "score", "favourable": 1, "protected": ["sex"]}})
    result.save(tmp_path)
    assert (tmp_path / "report.html").stat().st_size > 0
    evidence = json.loads((tmp_path / "evidence.json").read_text(encoding="utf-8"))
    by_check = {}
    for f in evidence["findings"]:
        by_check.setdefault(f["check"], []).append(f)
    assert not [f for f in evidence["findings"] if f["status"] == "error"]

    (proxy,) = by_check["bias.proxy_features"]
    params = proxy["message"]["params"]
    assert params["n_features"] == N_FEATURES and params["n_screened"] == N_FEATURES
    assert 0 < params["n_joint_features"] <= proxies.MAX_JOINT_FEATURES
    assert params["n_model_features"] <= 2 * proxies.MAX_MODEL_FEATURES

    (score,) = [f for f in by_check["bias.direct_distinction"] if f["dataset"] == "training"]
    assert score["message"]["params"]["n_model_features"] == proxies.MAX_RESIDUAL_FEATURES
    assert score["message"]["params"]["screening"] == "anova"

    (leakage,) = by_check["quality.target_leakage"]
    assert leakage["message"]["params"]["n_features"] == N_FEATURES
    assert "leak" in [f["feature"] for f in leakage["message"]["params"]["flagged"]]
    values = {m["column"]: m["value"] for m in leakage["metrics"] if m["name"] == "cramers_v"}
    for column in ("leak", "f0", "f2"):  # bias-corrected V from scipy's X² on the same table
        table = pd.crosstab(frame[column], frame["label"]).to_numpy()
        statistic, _p, df, _e = chi2_contingency(table, correction=False)
        expected = math.sqrt(max(statistic - df, 0.0) / (table.sum() * (min(table.shape) - 1)))
        assert values[column] == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_the_score_model_keeps_the_features_that_explain_the_score() -> None:
    frame = wide(rows=400)
    design = pd.DataFrame({f: proxies._design(frame, f) for f in ["driver", *[f"f{i}" for i in range(200)]]})
    kept = proxies._screen(design, frame["score"].to_numpy(dtype=float), 10)
    assert len(kept) == 10 and "driver" in kept


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_proxy_messages_say_how_many_features_were_screened_and_modelled(language: str) -> None:
    from auditor.render.i18n import Translator

    t = Translator(language, strict=True)
    proxy = {"dataset": "training", "attribute": "sex", "threshold": 0.3, "flagged": [], "unmeasured": [],
             "strongest": [{"feature": "f1", "cramers_v": 0.1}], "n_features": 4321, "n_screened": 4319,
             "n_model_features": 17, "n_joint_features": 47, "joint_balanced_accuracy": 0.55, "chance": 0.5,
             "sample_rows": 2000, "sample_seed": 0, "folds": 5}
    for status in ("pass", "warn", "fail"):
        text = str(t.message(f"bias.proxy_features.{status}", proxy))
        assert all(figure in text for figure in ("4.321" if language == "nl" else "4,321", "4.319" if language == "nl"
                                                  else "4,319", " 17 ", " 47 ")), text
        alone = str(t.message(f"bias.proxy_features.{status}", {**proxy, "n_joint_features": 0}))
        joint = "en 47 samen" if language == "nl" else "and 47 together"
        assert joint in text and joint not in alone and " 17 " in alone
    score = {"dataset": "training", "attribute": "sex", "score": "score", "reference": {"sex": "M"}, "threshold": 0.2,
             "score_sd": 0.1, "flagged": [], "n_features": 4321, "n_model_features": 50, "screening": "anova",
             "sample_rows": 2000, "sample_seed": 0, "folds": 5, "min_group_size": 30}
    anova = "variantieanalyse" if language == "nl" else "analysis of variance"
    for status in ("pass", "warn", "fail", "insufficient_evidence"):
        text = str(t.message(f"bias.direct_distinction.score_{status}", score))
        assert " 50 " in text and anova in text, text
        assert anova not in str(t.message(f"bias.direct_distinction.score_{status}", {**score, "screening": None}))
    # evidence written before these parameters existed still renders (the sentence is left out)
    old = {k: v for k, v in proxy.items() if k not in ("n_screened", "n_model_features", "n_joint_features")}
    assert "4.319" not in str(t.message("bias.proxy_features.pass", old)) and "4,319" not in str(t.message("bias.proxy_features.pass", old))
