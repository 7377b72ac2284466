"""Every representativeness, bias and performance check is documented in both languages, mapped in the
rulebook with honest thresholds, explainable, and every message it emits renders in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fairness_context import context

from auditor.checks import bias, feedback, mitigation, performance, proxies, registry, representativeness
from auditor.cli import main
from auditor.evidence import Status
from auditor.render.i18n import Translator, catalogue
from auditor.rulebook import load_rulebook

MODULES = (representativeness, bias, proxies, feedback, mitigation, performance)
IDS = [c.id for m in MODULES for c in m.CHECKS]


@pytest.mark.parametrize("check_id", IDS)
def test_documented_mapped_and_explained(check_id: str, capsys: pytest.CaptureFixture[str]) -> None:
    rulebook = load_rulebook("ai-act-article-10", checks=registry())
    assert rulebook.checks[check_id], "no requirement"
    for name in registry()[check_id].thresholds:
        threshold = rulebook.thresholds[name]
        assert threshold.source and threshold.rationale["en"] and threshold.rationale["nl"]
    for language in ("en", "nl"):
        texts = catalogue(language)
        for section in ("title", "what", "why", "read", "fix"):
            assert texts.get(f"checks.{check_id}.{section}"), (language, section)
        assert main(["explain", check_id, "--lang", language]) == 0
        assert texts[f"checks.{check_id}.title"] in capsys.readouterr().out


def test_message_keys_of_both_languages_match() -> None:
    en, nl = catalogue("en"), catalogue("nl")
    for check_id in IDS:
        assert {k for k in en if k.startswith(f"checks.{check_id}.")} == {k for k in nl if k.startswith(f"checks.{check_id}.")}
    for prefix in ("bias_direction.", "ground."):
        assert {k for k in en if k.startswith(prefix)} == {k for k in nl if k.startswith(prefix)}


def test_the_four_fifths_threshold_says_it_is_not_eu_law() -> None:
    threshold = load_rulebook("ai-act-article-10", checks=registry()).thresholds["disparity_ratio"]
    assert "not an EU legal test" in threshold.rationale["en"] and "four-fifths" in threshold.source
    assert "geen Europese wettelijke toets" in threshold.rationale["nl"]


def _findings(sample_dir: Path) -> list:
    train = pd.read_parquet(sample_dir / "train.parquet")
    test = pd.read_parquet(sample_dir / "test_scored.parquet")
    reference = pd.read_csv(sample_dir / "reference_population.csv")
    columns = {"target": "label", "prediction": "predicted", "score": "risk_score", "favourable": 0,
               "protected": ["sex", "age_band", "migration_background"], "id": "application_id"}
    rng = np.random.default_rng(0)
    prod = test.assign(district=rng.choice(["Noord", "Zuid", "Elders"], len(test), p=[0.5, 0.2, 0.3]),
                       selected=(rng.random(len(test)) < 0.2).astype(int))
    contexts = [
        context({"training": train, "test": test}, columns, reference=reference, intersections="pairs"),
        context({"training": train, "production": prod.drop(columns=["label"])},
                {**columns, "selection": "selected", "label_source": "selected_cases", "favourable": None},
                setting={"district": ["Noord", "Zuid", "Centrum", "Feijenoord"]}),
        context({"training": train.drop(columns=["label"])}, {**columns, "label_source": "mixed"}),
        context({"test": test.assign(nationality="NL")}, {**columns, "features": ["sex", "nationality", "district"],
                                                           "label_source": "random_sample"}),
    ]
    return [f for ctx in contexts for check in registry().values() if check.id in IDS for f in check.run(ctx)]


@pytest.mark.slow
def test_every_emitted_message_renders_in_both_languages(sample_dir: Path) -> None:
    findings = _findings(sample_dir)
    statuses = {(f.check, f.status) for f in findings}
    assert (f"{bias.SELECTION_RATE}", Status.FAIL) in statuses
    assert ("representativeness.setting_of_use", Status.FAIL) in statuses
    assert ("bias.direct_distinction", Status.FAIL) in statuses
    keys = {f.message.key for f in findings}
    assert {"bias.feedback_loop.declared_selected", "bias.feedback_loop.declared_mixed",
            "bias.feedback_loop.declared_random"} <= keys
    for language in ("en", "nl"):
        tr = Translator(language, strict=True)
        for finding in findings:
            evidence = json.loads(json.dumps(finding.to_dict(), allow_nan=False))  # JSON-safe params
            text = str(tr.message(evidence["message"]["key"], evidence["message"]["params"]))
            shown = text.replace("None of the", "")  # the English prose, not a missing value
            assert text.strip() and "{{" not in text and "None" not in shown and "nan" not in shown, (finding.id, language, text)
