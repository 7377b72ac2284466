"""Inline SVG charts: the series a finding makes, its drawing, its text alternative."""

from __future__ import annotations

import re

from auditor.render.charts import describe, series_for, svg
from auditor.render.i18n import Translator

TR = Translator("en", strict=True)

SELECTION = {
    "id": "bias.selection_rate/test/sex", "check": "bias.selection_rate", "status": "fail", "dataset": "test",
    "metrics": [
        {"name": "selection_rate", "value": 0.35, "group": {"sex": "F"}, "ci": [0.32, 0.38], "n": 900},
        {"name": "selection_rate", "value": 0.10, "group": {"sex": "M"}, "ci": [0.08, 0.12], "n": 800},
        {"name": "selection_rate_ratio", "value": 0.29, "group": {"sex": "M"}, "reference": {"sex": "F"},
         "ci": [0.22, 0.35], "n": 800, "threshold": 0.8, "p_adjusted": 0.0, "status": "fail"},
        {"name": "selection_rate", "value": 0.5, "group": {"sex": "<X>"}, "ci": [0.1, 0.9], "n": 4},
        {"name": "selection_rate_ratio", "value": 1.4, "group": {"sex": "<X>"}, "reference": {"sex": "F"},
         "ci": [0.5, 3.0], "n": 4, "threshold": 0.8, "status": "insufficient_evidence"},
    ],
    "message": {"key": "bias.selection_rate.fail", "params": {}},
}

REPRESENTATION = {
    "id": "representativeness.reference_population/training/age", "check": "representativeness.reference_population",
    "status": "fail", "dataset": "training",
    "metrics": [
        {"name": "share", "value": 0.06, "group": {"age": "18-26"}, "ci": [0.054, 0.066], "n": 359},
        {"name": "representation_ratio", "value": 0.43, "group": {"age": "18-26"}, "ci": [0.39, 0.47], "n": 6000,
         "threshold": 0.8, "p_adjusted": 0.0, "status": "fail"},
        {"name": "share", "value": 0.94, "group": {"age": "27+"}, "ci": [0.93, 0.95], "n": 5641},
        {"name": "representation_ratio", "value": 1.09, "group": {"age": "27+"}, "ci": [1.08, 1.1], "n": 6000,
         "threshold": 0.8, "p_adjusted": 1.0, "status": "pass"},
        {"name": "chi_square", "value": 342.6, "n": 6000, "p_value": 1e-70},
    ],
    "message": {"key": "x", "params": {}},
}


def test_rates_by_group_take_their_comparison_status_and_mark_the_reference() -> None:
    (series,) = series_for(SELECTION, shares={}, privacy_floor=10, tr=TR)
    assert series.metric == "selection_rate" and series.by == "group" and series.attributes == ("sex",)
    assert [r.label for r in series.rows] == ["F", "M", "<X>"]
    f, m, x = series.rows
    assert f.reference and f.status is None
    assert m.status == "fail" and m.companions[0]["value"] == 0.29
    assert x.suppressed and x.status == "insufficient_evidence"
    assert series.used == frozenset(range(5))
    assert series.companion_names == ("selection_rate_ratio",)


def test_shares_are_drawn_against_the_reference_population() -> None:
    (series,) = series_for(REPRESENTATION, shares={("age", "18-26"): 0.14, ("age", "27+"): 0.86}, privacy_floor=10, tr=TR)
    assert [r.expected for r in series.rows] == [0.14, 0.86]
    assert series.has_expected and 4 not in series.used  # chi-square stays in the numbers table


def test_a_share_compared_with_other_data_is_not_drawn_against_the_population() -> None:
    finding = {**REPRESENTATION, "metrics": [
        {"name": "share", "value": 0.3, "group": {"age": "18-26"}, "n": 300},
        {"name": "share_ratio", "value": 1.1, "group": {"age": "18-26"}, "reference": {"age": "18-26"}, "n": 300},
        {"name": "share", "value": 0.7, "group": {"age": "27+"}, "n": 700},
    ]}
    (series,) = series_for(finding, shares={("age", "18-26"): 0.14}, privacy_floor=10, tr=TR)
    assert not series.has_expected


def test_a_single_value_makes_no_chart() -> None:
    finding = {**SELECTION, "metrics": SELECTION["metrics"][:1]}
    assert series_for(finding, shares={}, privacy_floor=10, tr=TR) == []


def test_svg_is_named_described_escaped_and_hides_suppressed_rows() -> None:
    (series,) = series_for(SELECTION, shares={}, privacy_floor=10, tr=TR)
    text = describe(series, TR, 10)
    assert text.startswith("3 groups. F: 35.0% (95% interval 32.0%–38.0%), n = 900, reference group.")
    assert "M: 10.0% (95% interval 8.0%–12.0%), n = 800, fail." in text
    assert "<X>: suppressed (fewer than 10 rows)." in text and "50.0%" not in text
    assert text.endswith("Every value is in the table below the chart.")
    drawing = str(svg(series, chart_id="c1", title="Selection <rate>", description=text, tr=TR, privacy_floor=10))
    assert drawing.startswith('<svg class="chart"') and 'role="img"' in drawing and 'aria-labelledby="c1-t c1-d"' in drawing
    assert '<title id="c1-t">Selection &lt;rate&gt;</title>' in drawing
    assert "<X>" not in drawing and "&lt;X&gt;" in drawing
    assert len(re.findall(r'class="mk-', drawing)) == 2  # F (reference diamond) and M (fail square); none for the suppressed row
    assert 'class="mk-fail"' in drawing and 'class="mk-ref"' in drawing
    assert "suppressed (&lt; 10)" in drawing
    assert ">fail</text>" in drawing and ">reference group</text>" in drawing  # the status as a word, not only a colour


def test_passing_rows_are_counted_not_read_out() -> None:
    finding = {**REPRESENTATION}
    (series,) = series_for(finding, shares={("age", "18-26"): 0.14, ("age", "27+"): 0.86}, privacy_floor=10, tr=TR)
    text = describe(series, TR, 10)
    assert "18-26: 6.0%" in text and "reference population 14.0%, fail." in text
    assert "27+" not in text and "The other 1 pass." in text


def test_axis_holds_every_interval() -> None:
    (series,) = series_for(SELECTION, shares={}, privacy_floor=10, tr=TR)
    drawing = str(svg(series, chart_id="c", title="t", description="d", tr=TR, privacy_floor=10))
    ticks = re.findall(r">([^<]+)</text>", re.search(r'<g class="tick".*?</g>', drawing).group(0))
    assert ticks[0] == "0%" and ticks[-1] == "40%"  # the largest shown bound is 38%
