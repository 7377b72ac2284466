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
