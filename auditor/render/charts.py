"""Inline SVG charts for the report, drawn from a finding's metrics.

A chart shows one *series*: a rate per group (or per column) with its 95% interval, as the
finding's metrics hold it — selection or error rates by group, missing rates by group or by
column, shares in the data against the reference population. Nothing is computed here but
the drawing: positions on the page, tick marks, truncated labels. Every chart

- is an ``<svg role="img">`` named by its ``<title>`` and described by a ``<desc>`` that reads
  out every value (the text alternative);
- has its numbers in a data table beside it (written by the template from the same series);
- carries no meaning by colour alone: each row ends in its status as a word, markers differ
  in shape per status, the reference group is a diamond and the reference population a line;
- leaves out rows below the privacy floor (the row says "suppressed" and draws no mark).

All text is escaped; a column or category called ``<script>`` stays text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from auditor.profile.labels import JOINT_SEPARATOR
from auditor.render.i18n import Translator, format_interval, format_metric
from auditor.render.privacy import below_floor

CHARTED_METRICS = (
    "share", "selection_rate", "base_rate", "true_positive_rate", "false_positive_rate",
    "false_negative_rate", "precision", "accuracy", "missing_rate", "auc",
)
"""Metrics drawn as a chart when a finding has them for two or more groups or columns."""

_COMPANIONS = {"share": ("representation_ratio", "share_ratio")}
"""Comparison metrics shown beside a charted metric (default: ``<metric>_ratio`` and ``<metric>_difference``)."""

_VERSUS_POPULATION = "representation_ratio"
"""A share compared by this metric is compared with the reference population, whose share the chart draws."""

# Layout, in SVG user units (pixels at full width).
_WIDTH = 720
_LABEL_RIGHT = 196
_PLOT_LEFT = 206
_PLOT_RIGHT = 540
_STATUS_LEFT = 556
_TOP = 26
_ROW = 24
_LABEL_CHARS = 30
_STATUS_CHARS = 24

# (axis maximum, tick step): the smallest one that holds every value is used.
_SCALES = (
    (0.01, 0.002), (0.02, 0.005), (0.05, 0.01), (0.1, 0.02), (0.2, 0.05), (0.3, 0.05),
    (0.4, 0.1), (0.5, 0.1), (0.6, 0.1), (0.8, 0.2), (1.0, 0.2),
)


@dataclass(frozen=True)
class ChartRow:
    """One bar or point of a chart: a group (or column) and its numbers from the evidence.

    Attributes
    ----------
    label
        The group (``sex = F``; the category alone for one attribute) or the column name.
    short
        The label drawn in the chart: the categories alone (``F · 18-26``), as the title names
        the attributes.
    value, ci, n
        The charted metric's value, 95% interval and number of rows.
    suppressed
        Fewer rows than the privacy floor: nothing of the row is shown.
    status
        The row's verdict: the metric's own status or that of its comparison metric.
    reference
        Whether the row is the reference group of the comparison.
    expected
        The share in the reference population (for ``share`` series).
    companions
        The comparison metrics of the row (ratio, difference), as in the evidence.
    """

    label: str
    short: str
    value: float | None
    ci: tuple[float, float] | None
    n: int | None
    suppressed: bool
    status: str | None
    reference: bool
    expected: float | None
    companions: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True)
class ChartSeries:
    """One chart: a metric across the groups (or columns) of a finding.

    Attributes
    ----------
    metric
        The charted metric's name.
    column
        The column the metric is about (``missing_rate`` of ``income``), for group series.
    by
        ``group`` or ``column``: what the rows are.
    attributes
        The protected attributes that make the groups.
    rows
        The rows, in the evidence's order.
    threshold
        A threshold on the charted value itself (shared by every row), or ``None``.
    companion_names
        Names of the comparison metrics shown beside the value, in order.
    used
        Positions (in the finding's ``metrics``) of the metrics this chart shows.
    """

    metric: str
    column: str | None
    by: str
    attributes: tuple[str, ...]
    rows: tuple[ChartRow, ...]
    threshold: float | None
    companion_names: tuple[str, ...]
    used: frozenset[int]

    @property
    def has_expected(self) -> bool:
        """Whether the chart shows a reference-population share."""
        return any(row.expected is not None for row in self.rows)


def _companion_names(metric: str) -> tuple[str, ...]:
    return _COMPANIONS.get(metric, (f"{metric}_ratio", f"{metric}_difference"))


def metric_key(metric: Mapping[str, Any]) -> tuple[Any, ...]:
    """What a metric is about: its group (as sorted pairs) and its column."""
    group = metric.get("group") or {}
    return (tuple(sorted(group.items(), key=lambda kv: kv[0])), metric.get("column"))


def series_for(
    finding: Mapping[str, Any],
    *,
    shares: Mapping[tuple[str, str | None], float],
    privacy_floor: int,
    tr: Translator,
) -> list[ChartSeries]:
    """The charts a finding's metrics make.

    Parameters
    ----------
    finding
        A finding of the evidence.
    shares
        The reference population's share per ``(attribute, category)``.
    privacy_floor
        Rows with fewer rows than this are suppressed.
    tr
        The report's translator (for group labels).

    Returns
    -------
    list of ChartSeries
        One per charted metric (and column) with two or more groups or columns.
    """
    metrics = list(finding.get("metrics") or [])
    buckets: dict[tuple[str, str | None, str], list[int]] = {}
    for i, m in enumerate(metrics):
        if m.get("name") not in CHARTED_METRICS or m.get("value") is None:
            continue
        if m.get("group"):
            buckets.setdefault((m["name"], m.get("column"), "group"), []).append(i)
        elif m.get("column"):
            buckets.setdefault((m["name"], None, "column"), []).append(i)
    out = []
    by_names: dict[tuple[str, ...], dict[tuple[Any, ...], list[int]]] = {}  # a wide table has thousands of buckets
    references_of: dict[tuple[tuple[str, ...], str], Any] = {}
    for (name, column, by), positions in buckets.items():
        if len(positions) < 2:
            continue
        names = _companion_names(name)
        if names not in by_names:
            by_names[names] = {}
            for i, m in enumerate(metrics):
                if m.get("name") in names:
                    by_names[names].setdefault(metric_key(m), []).append(i)
        companions = by_names[names]
        if (names, "references") not in references_of:
            references_of[(names, "references")] = [metrics[i].get("reference") for ids in companions.values() for i in ids]
        references = references_of[(names, "references")]
        if (names, "keys") not in references_of:  # the reference groups as hashable keys, for a set lookup
            references_of[(names, "keys")] = {_group_key(r) for r in references if isinstance(r, Mapping)}
        reference_keys = references_of[(names, "keys")]
        used = set(positions)
        rows = []
        attributes: list[str] = []
        for i in positions:
            m = metrics[i]
            group = m.get("group") or {}
            for attribute in group:
                if attribute not in attributes:
                    attributes.append(attribute)
            mine = [metrics[j] for j in companions.get(metric_key(m), [])]
            used.update(companions.get(metric_key(m), []))
            status = m.get("status") or next((c["status"] for c in mine if c.get("status")), None)
            n = m.get("n")
            expected = None
            if name == "share" and group and any(c.get("name") == _VERSUS_POPULATION for c in mine):
                expected = shares.get((JOINT_SEPARATOR.join(group), JOINT_SEPARATOR.join(str(v) for v in group.values())))
            ci = m.get("ci")
            rows.append(ChartRow(
                label=_label(group, tr) if by == "group" else str(m.get("column")),
                short=_short(group, tr) if by == "group" else str(m.get("column")),
                value=m.get("value"),
                ci=(float(ci[0]), float(ci[1])) if ci else None,
                n=n,
                suppressed=below_floor(m, privacy_floor),
                status=status,
                reference=bool(group) and _group_key(group) in reference_keys,
                expected=expected,
                companions=tuple(mine),
            ))
        thresholds = {metrics[i].get("threshold") for i in positions}
        threshold = thresholds.pop() if len(thresholds) == 1 else None
        present = [c for c in names if any(c == comp.get("name") for row in rows for comp in row.companions)]
        out.append(ChartSeries(
            metric=name, column=column, by=by, attributes=tuple(attributes), rows=tuple(rows),
            threshold=threshold, companion_names=tuple(present), used=frozenset(used),
        ))
    return out


def _group_key(group: Mapping[str, Any]) -> str:
    """A group as a hashable key that is equal exactly when the groups are equal (as JSON values)."""
    return json.dumps(group, sort_keys=True, default=str)


def _label(group: Mapping[str, Any], tr: Translator) -> str:
    """A row's label: the category alone for one attribute (the title names it), else ``a = x, b = y``."""
    if len(group) == 1:
        (value,) = group.values()
        return str(tr.text("ui.missing_value")) if value is None else str(value)
    return tr.group(group)


def _short(group: Mapping[str, Any], tr: Translator) -> str:
    missing = str(tr.text("ui.missing_value"))
    return " · ".join(missing if v is None else str(v) for v in group.values())


def _scale(series: ChartSeries) -> tuple[float, float]:
    values = [0.0]
    for row in series.rows:
        if not row.suppressed and row.value is not None:
            values.append(row.ci[1] if row.ci else row.value)
        if row.expected is not None:
            values.append(row.expected)
    if series.threshold is not None:
        values.append(series.threshold)
    top = max(values)
    return next(((m, s) for m, s in _SCALES if top <= m), _SCALES[-1])


def _x(value: float, maximum: float) -> str:
    share = min(max(value / maximum, 0.0), 1.0)
    return _n(_PLOT_LEFT + share * (_PLOT_RIGHT - _PLOT_LEFT))


def _n(value: float) -> str:
    """A coordinate with at most one decimal, without a trailing ``.0``."""
    text = f"{value:.1f}"
    return text.removesuffix(".0")


def _truncate(text: str, limit: int = _LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def marker(status: str | None, x: str, y: str, *, reference: bool = False) -> str:
    """The SVG shape of a point: a circle (pass), triangle (warning), square (fail), hollow
    circle (insufficient evidence), diamond (reference group), small dot (no verdict)."""
    fx, fy = float(x), float(y)
    if reference:
        return f'<path class="mk-ref" d="M{x} {_n(fy - 6)}l6 6-6 6-6-6z"/>'
    if status == "fail":
        return f'<rect class="mk-fail" x="{_n(fx - 5)}" y="{_n(fy - 5)}" width="10" height="10"/>'
    if status == "warn":
        return f'<path class="mk-warn" d="M{x} {_n(fy - 6)}l6 11h-12z"/>'
    if status == "pass":
        return f'<circle class="mk-pass" cx="{x}" cy="{y}" r="5"/>'
    if status in ("insufficient_evidence", "error"):
        return f'<circle class="mk-insufficient" cx="{x}" cy="{y}" r="4.5"/>'
    return f'<circle class="mk-none" cx="{x}" cy="{y}" r="3.5"/>'


def svg(series: ChartSeries, *, chart_id: str, title: str, description: str, tr: Translator, privacy_floor: int) -> Markup:
    """Draw a series as an inline SVG element.

    Parameters
    ----------
    series
        What to draw.
    chart_id
        A document-unique id; the title and description get ``-t`` and ``-d``.
    title, description
        The chart's accessible name and its text alternative (plain text; escaped here).
    tr
        The report's translator (status words, number formats).
    privacy_floor
        Named in the text of suppressed rows.

    Returns
    -------
    Markup
        The ``<svg>`` element.
    """
    language = tr.language
    maximum, step = _scale(series)
    height = _TOP + _ROW * len(series.rows) + 8
    bottom = height - 6
    top = _TOP - 4
    parts = [
        (f'<svg class="chart" viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" height="{height}" role="img" '
         f'aria-labelledby="{chart_id}-t {chart_id}-d">'),
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    bands = "".join(f"M0 {_TOP + _ROW * i}h{_WIDTH}v{_ROW}h-{_WIDTH}z" for i in range(1, len(series.rows), 2))
    if bands:
        parts.append(f'<path class="band" d="{bands}"/>')
    digits = 0 if step >= 0.01 else 1
    ticks = [k * step for k in range(round(maximum / step) + 1)]
    parts.append('<path class="grid" d="' + "".join(f"M{_x(v, maximum)} {top}V{bottom}" for v in ticks) + '"/>')
    parts.append('<g class="tick" text-anchor="middle">' + "".join(
        f'<text x="{_x(v, maximum)}" y="{_TOP - 9}">{escape(format_metric(series.metric, v, language, digits=digits))}</text>'
        for v in ticks) + "</g>")
    if series.threshold is not None:
        x = _x(series.threshold, maximum)
        parts.append(f'<path class="threshold" d="M{x} {top}V{bottom}"/>')
    labels, notes, marks, words = [], [], [], []
    suppressed = f"{tr.text('ui.suppressed')} (< {privacy_floor})"
    for i, row in enumerate(series.rows):
        y = _TOP + _ROW * i + _ROW / 2
        ty = _n(y + 4)
        labels.append(f'<text x="{_LABEL_RIGHT}" y="{ty}">{escape(_truncate(row.short))}</text>')
        if row.suppressed:
            notes.append(f'<text x="{_PLOT_LEFT + 4}" y="{ty}">{escape(suppressed)}</text>')
        elif row.value is not None:
            x = _x(row.value, maximum)
            if series.metric == "share":
                marks.append(f'<rect class="bar" x="{_PLOT_LEFT}" y="{_n(y - 6)}" width="{_n(float(x) - _PLOT_LEFT)}" height="12"/>')
            if row.ci:
                lo, hi = _x(row.ci[0], maximum), _x(row.ci[1], maximum)
                marks.append(f'<path class="ci" d="M{lo} {_n(y)}H{hi}M{lo} {_n(y - 4)}v8M{hi} {_n(y - 4)}v8"/>')
            if series.metric != "share":
                marks.append(marker(row.status, x, _n(y), reference=row.reference))
        if row.expected is not None:
            marks.append(f'<path class="expected" d="M{_x(row.expected, maximum)} {_n(y - 11)}v22"/>')
        word = tr.text("report.chart.reference_group") if row.reference else tr.text(f"status.{row.status}") if row.status else ""
        if word:
            css = "ref" if row.reference else row.status
            words.append(f'<text class="st-{css}" x="{_STATUS_LEFT}" y="{ty}">{escape(_truncate(str(word), _STATUS_CHARS))}</text>')
    parts.append('<g class="label" text-anchor="end">' + "".join(labels) + "</g>")
    if notes:
        parts.append('<g class="note">' + "".join(notes) + "</g>")
    parts += marks
    parts.append('<g class="st">' + "".join(words) + "</g>")
    parts.append(f'<path class="axis" d="M{_PLOT_LEFT} {top}V{bottom}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


LEGEND = ("bar", "expected", "point", "pass", "warn", "fail", "insufficient_evidence", "reference", "threshold")
"""Every kind of mark the charts draw, in the order the report's chart key explains them."""


def legend_icon(item: str) -> Markup:
    """A small decorative SVG of a legend entry (the words beside it carry the meaning)."""
    shapes = {
        "bar": '<rect class="bar" x="1" y="5" width="20" height="10"/><path class="ci" d="M14 10H24M14 6V14M24 6V14"/>',
        "expected": '<path class="expected" d="M12 0V20"/>',
        "point": marker(None, 12, 10) + '<path class="ci" d="M3 10H21M3 6V14M21 6V14"/>',
        "pass": marker("pass", 12, 10),
        "warn": marker("warn", 12, 10),
        "fail": marker("fail", 12, 10),
        "insufficient_evidence": marker("insufficient_evidence", 12, 10),
        "reference": marker(None, 12, 10, reference=True),
        "threshold": '<line class="threshold" x1="12" y1="0" x2="12" y2="20"/>',
    }
    return Markup(f'<svg class="icon" viewBox="0 0 26 20" width="26" height="20" aria-hidden="true" focusable="false">{shapes[item]}</svg>')


def describe(series: ChartSeries, tr: Translator, privacy_floor: int) -> str:
    """The text alternative of a chart, in words.

    It names how many groups (or columns) the chart shows, reads out the reference group and
    every row that did not pass (or has no verdict) with its value, interval, n and status,
    counts the rows that passed, and points to the data table below the chart, which holds
    every value.
    """
    language = tr.language

    def row_text(row: ChartRow) -> str:
        value = format_metric(series.metric, row.value, language)
        interval = format_interval(series.metric, row.ci, language) if row.ci else ""
        status = (tr.text("report.chart.reference_group") if row.reference
                  else tr.text(f"status.{row.status}") if row.status else "")
        expected = format_metric(series.metric, row.expected, language) if row.expected is not None else ""
        return str(tr.text("report.chart.desc_row", label=row.label, value=value, interval=interval,
                           n=row.n, expected=expected, status=status))

    sentences = [str(tr.text("report.chart.desc_head", n=len(series.rows), by=series.by))]
    passed = 0
    for row in series.rows:
        if row.suppressed:
            sentences.append(str(tr.text("report.chart.desc_suppressed", label=row.label, floor=privacy_floor)))
        elif row.reference or row.status not in ("pass", "not_applicable"):
            sentences.append(row_text(row))
        else:
            passed += 1
    if passed:
        sentences.append(str(tr.text("report.chart.desc_passed", n=passed)))
    sentences.append(str(tr.text("report.chart.desc_table")))
    return " ".join(Markup(s).striptags() for s in sentences)


def shown_metrics(series: Sequence[ChartSeries]) -> set[int]:
    """Positions of every metric shown in one of the charts."""
    return set().union(*(s.used for s in series)) if series else set()
