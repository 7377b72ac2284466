"""The HTML report: escaped, self-contained, complete in both languages, rebuilt from evidence."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import auditor
from auditor.checks import registry
from auditor.evidence.model import Status
from auditor.render import render_html
from auditor.render.i18n import LANGUAGES, catalogue

HOSTILE_COLUMN = "<script>alert(1)</script>"
HOSTILE_VALUE = "<img src=x onerror=alert(2)>"


def hostile_result() -> auditor.AuditResult:
    rng = np.random.default_rng(2)
    n = 600
    group = rng.choice([HOSTILE_VALUE, "b", "c"], n)
    data = pd.DataFrame({
        HOSTILE_COLUMN: group,
        "label": rng.integers(0, 2, n),
        "pred": (rng.random(n) < np.where(group == "b", 0.6, 0.2)).astype(int),
        "x": np.where(rng.random(n) < np.where(group == "c", 0.5, 0.01), np.nan, 1.0),
    })
    ref = pd.DataFrame({"attribute": [HOSTILE_COLUMN] * 3, "category": [HOSTILE_VALUE, "b", "c"], "share": [0.6, 0.2, 0.2]})
    return auditor.audit({
        "data": {"test": data},
        "columns": {"target": "label", "prediction": "pred", "protected": [HOSTILE_COLUMN], "favourable": 1},
        "reference": {"file": ref},
    })


@pytest.mark.parametrize("language", LANGUAGES)
def test_hostile_names_and_values_are_escaped(language: str) -> None:
    result = hostile_result()
    assert result.evidence["findings"], "the hostile data must produce findings"
    page = result.to_html(language=language)
    assert HOSTILE_COLUMN not in page and HOSTILE_VALUE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "<script" not in page.lower()


@pytest.mark.parametrize("language", LANGUAGES)
def test_report_is_self_contained(language: str) -> None:
    page = hostile_result().to_html(language=language)
    assert f'<html lang="{language}">' in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page


def test_render_from_json_equals_render_from_result() -> None:
    result = hostile_result()
    document = json.loads(result.to_json())
    for language in LANGUAGES:
        assert render_html(document, language=language) == result.to_html(language=language)


def test_every_catalogue_has_the_same_keys() -> None:
    en, nl = catalogue("en"), catalogue("nl")
    assert sorted(set(en) - set(nl)) == []
    assert sorted(set(nl) - set(en)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_check_is_documented_and_every_status_has_a_message(language: str) -> None:
    texts = catalogue(language)
    for check_id in registry():
        for section in ("title", "what", "why", "read", "fix"):
            assert f"checks.{check_id}.{section}" in texts, f"{language}: checks.{check_id}.{section}"
    for status in Status:
        assert f"status.{status.value}" in texts


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_emitted_message_key_is_translated(language: str) -> None:
    texts = catalogue(language)
    for finding in hostile_result().findings:
        key = finding.message.key
        assert f"checks.{key}" in texts or key in texts, key


def test_small_groups_are_suppressed() -> None:
    rng = np.random.default_rng(4)
    n = 400
    data = pd.DataFrame({"g": ["tiny"] * 5 + ["big"] * (n - 5), "label": rng.integers(0, 2, n), "pred": rng.integers(0, 2, n)})
    page = auditor.audit({"data": {"test": data}, "columns": {"target": "label", "prediction": "pred", "protected": ["g"]}}).to_html(language="en")
    row = next(r for r in re.findall(r"<tr>.*?</tr>", page, flags=re.S) if "g = tiny" in r)
    assert "suppressed" in row and "&lt; 10" in row
