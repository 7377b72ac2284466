"""The trend page: one self-contained HTML file drawn from the run history.

For every monitored feature a line chart of its PSI over the runs (and a table with the mean
shift), for every group of every protected attribute and intersection a line chart of its share
ratio and selection-rate ratio, and, when labels were back-filled, of its error-rate ratios.
Each chart is an inline SVG with its threshold bands shaded, alerts (fail) and warnings marked
by shape and colour, a ``<title>`` and ``<desc>``, and its numbers in a data table beside it;
the page has no script, no external request, and is checked with axe-core (WCAG 2.1 AA) in the
tests. Values resting on fewer rows than the privacy floor are not shown.

Nothing is computed here but the drawing: the numbers come from the history's ``metrics``
table, as the runs recorded them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from markupsafe import Markup, escape

from auditor.monitoring.history import History, Verification
from auditor.render.charts import marker
from auditor.render.i18n import LANGUAGES, Translator, format_number
from auditor.render.privacy import PRIVACY_FLOOR, below_floor
from auditor.resources import reports_dir

_WIDTH, _HEIGHT = 720, 190
_LEFT, _RIGHT, _TOP, _BOTTOM = 58, 704, 14, 154
_GROUP_METRICS = (("drift.group_composition", "share_ratio"), ("drift.selection_rate", "selection_rate_ratio"),
                  ("drift.error_rates", "true_positive_rate_ratio"), ("drift.error_rates", "false_positive_rate_ratio"))


@dataclass
class Series:
    """One line of the page: a metric of a feature or a group over the runs."""

    key: str
    title: str
    metric: str
    points: list[tuple[Any, ...]] = field(default_factory=list)
    """``(position, run_seq, value, low, high, n, status, hidden)`` per run, in batch order."""
    extra: dict[int, tuple[Any, ...]] = field(default_factory=dict)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def line_chart(series: Series, *, chart_id: str, n_runs: int, bands: Sequence[tuple[float, float, str]],
               lines: Sequence[float], y_range: tuple[float, float], title: str, description: str, tr: Translator) -> Markup:
    """An inline SVG line chart of one series over the runs (x = run position)."""
    lo, hi = y_range
    values = [p[2] for p in series.points if p[2] is not None]
    if values:
        lo, hi = min(lo, min(values)), max(hi, max(values))
    span = (hi - lo) or 1.0

    def x(i: int) -> float:
        return _LEFT + (_RIGHT - _LEFT) * (i / max(n_runs - 1, 1))

    def y(v: float) -> float:
        return _BOTTOM - (_BOTTOM - _TOP) * ((min(max(v, lo), hi) - lo) / span)

    parts = [f'<svg class="trend-chart" role="img" viewBox="0 0 {_WIDTH} {_HEIGHT}" width="100%" '
             f'aria-labelledby="{chart_id}-t {chart_id}-d" focusable="false">',
             f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(description)}</desc>']
    for b_lo, b_hi, cls in bands:
        top, bottom = y(min(b_hi, hi)), y(max(b_lo, lo))
        if bottom > top:
            parts.append(f'<rect class="{cls}" x="{_LEFT}" y="{_n(top)}" width="{_RIGHT - _LEFT}" height="{_n(bottom - top)}"/>')
    for value in lines:
        if lo <= value <= hi:
            parts.append(f'<line class="threshold" x1="{_LEFT}" x2="{_RIGHT}" y1="{_n(y(value))}" y2="{_n(y(value))}"/>')
    for tick in (lo, (lo + hi) / 2, hi):
        parts.append(f'<text class="tick" x="{_LEFT - 6}" y="{_n(y(tick) + 4)}" text-anchor="end">'
                     f'{escape(format_number(tick, tr.language, 2))}</text>')
    parts.append(f'<line class="axis" x1="{_LEFT}" x2="{_LEFT}" y1="{_TOP}" y2="{_BOTTOM}"/>'
                 f'<line class="axis" x1="{_LEFT}" x2="{_RIGHT}" y1="{_BOTTOM}" y2="{_BOTTOM}"/>')
    path: list[str] = []
    markers: list[str] = []
    scale_x = (_RIGHT - _LEFT) / max(n_runs - 1, 1)
    scale_y = (_BOTTOM - _TOP) / span
    for index, _, value, _, _, _, status, _ in series.points:
        if value is None:
            continue
        px, py = f"{_LEFT + scale_x * index:.1f}", f"{_BOTTOM - scale_y * (min(max(value, lo), hi) - lo):.1f}"
        path.append(f"{px} {py}")
        if status in ("fail", "warn"):
            markers.append(marker(status, px, py))
    if path:
        path[0] = "M" + path[0]
        path = [path[0], *("L" + p for p in path[1:])]
    if path:
        parts.append(f'<path class="trend-line" d="{" ".join(path)}"/>')
    parts.extend(markers)
    parts.append(f'<text class="tick" x="{_LEFT}" y="{_BOTTOM + 18}">{escape(tr.text("trend.first_run"))}</text>'
                 f'<text class="tick" x="{_RIGHT}" y="{_BOTTOM + 18}" text-anchor="end">{escape(tr.text("trend.last_run"))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _thresholds(store: History, runs: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    if not runs:
        return {}
    document = store.document(runs[-1]["seq"])
    return {name: t["value"] for name, t in (document.get("rulebook") or {}).get("thresholds", {}).items()}


def _fmt(value: Any, language: str, digits: int = 3) -> str:
    return "—" if value is None else format_number(value, language, digits)


def _status_cell(status: str, words: Mapping[str, str]) -> str:
    return f'<td class="t"><span class="status s-{status}">{words[status]}</span></td>'


def _latest_batches(runs: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The latest attempt of every batch, in batch-time order."""
    latest: dict[str, Mapping[str, Any]] = {}
    for r in runs:
        if r["kind"] != "batch":
            continue
        previous = latest.get(r["batch_id"])
        if previous is None or (r["attempt"], r["seq"]) > (previous["attempt"], previous["seq"]):
            latest[r["batch_id"]] = r
    return sorted(latest.values(), key=lambda r: (r["batch_time"], r["seq"]))


def view(store: History, *, language: str, expected_every_days: float | None = None, now: datetime | None = None,
         privacy_floor: int = PRIVACY_FLOOR, verification: Verification | None = None) -> dict[str, Any]:
    """The trend page's content (what the template lays out).

    Features and the groups of each protected attribute get a chart over the runs; the
    intersections, whose number grows with the product of the attributes' groups, get a table
    of the latest batch with the number of batches each failed in, so the page stays readable
    (and fast) over a thousand runs.
    """
    tr = Translator(language)
    words = {s: str(tr.text(f"status.{s}")) for s in ("pass", "warn", "fail", "insufficient_evidence", "not_applicable", "error")}
    suppressed = str(tr.text("ui.suppressed"))
    runs = store.runs()
    ordered = _latest_batches(runs)
    position = {r["seq"]: i for i, r in enumerate(ordered)}
    by_batch = {r["batch_id"]: position[r["seq"]] for r in ordered}
    latest_labels: dict[str, Mapping[str, Any]] = {}
    for r in runs:
        if r["kind"] == "labels" and r["batch_id"] in by_batch:
            if r["batch_id"] not in latest_labels or (r["attempt"], r["seq"]) > (latest_labels[r["batch_id"]]["attempt"],
                                                                                   latest_labels[r["batch_id"]]["seq"]):
                latest_labels[r["batch_id"]] = r
    run_index = {**position, **{r["seq"]: by_batch[b] for b, r in latest_labels.items()}}
    by_seq = {r["seq"]: r for r in runs}
    dates = {seq: escape(tr.date(by_seq[seq]["batch_time"])) for seq in run_index}
    thresholds = _thresholds(store, runs)
    psi_warn, psi_fail = thresholds.get("psi_warn", 0.1), thresholds.get("psi_fail", 0.25)
    ratio = thresholds.get("min_share_ratio", 0.8)
    rate_ratio = thresholds.get("min_rate_ratio", 0.8)

    rows = store.series_rows(checks=["drift.feature_distribution", *{c for c, _ in _GROUP_METRICS}],
                             names=["psi", "mean_shift_sd", *{m for _, m in _GROUP_METRICS}])
    features: dict[str, Series] = {}
    groups: dict[str, dict[str, Series]] = {}
    group_names = {n for _, n in _GROUP_METRICS}
    decoded: dict[str, dict[str, Any]] = {}
    for run_seq, check_id, name, grp, column, value, low, high, n, status in rows:
        if run_seq not in run_index:
            continue
        hidden = n is not None and n < privacy_floor
        point = (run_index[run_seq], run_seq, None if hidden else value, None if hidden else low, None if hidden else high, n,
                 status or "not_applicable", hidden)
        if check_id == "drift.feature_distribution" and column:
            s = features.setdefault(column, Series(column, column, "psi"))
            (s.points.append(point) if name == "psi" else s.extra.__setitem__(run_seq, point))
        elif grp is not None and name in group_names:
            found = decoded.get(grp)
            if found is None:
                group = json.loads(grp)
                found = decoded[grp] = (" × ".join(group), tr.group(group))
            subject, label = found
            s = groups.setdefault(subject, {}).setdefault(f"{name}|{label}", Series(label, label, name))
            s.points.append(point)
    for s in (*features.values(), *(x for b in groups.values() for x in b.values())):
        s.points.sort()
    comma = language == "nl"

    batch_ids = {seq: escape(by_seq[seq]["batch_id"]) for seq in run_index}

    def column(values: list[Any], digits: int = 3) -> list[str]:
        """Numbers formatted in one vectorised call (the tables hold tens of thousands)."""
        array = np.array([np.nan if v is None else v for v in values], dtype=float)
        text = np.char.mod(f"%.{digits}f", np.where(np.isfinite(array), array, 0.0))
        if comma:
            text = np.char.replace(text, ".", ",")
        zero = "-" + ("0," if comma else "0.") + "0" * digits
        return ["—" if not ok else (t[1:] if t == zero else t) for t, ok in zip(text.tolist(), np.isfinite(array).tolist())]

    def tbody(series: Series) -> Markup:
        points = series.points
        if not points:
            return Markup("")
        values, lows, highs = column([p[2] for p in points]), column([p[3] for p in points]), column([p[4] for p in points])
        extra = series.extra
        mores = column([extra[p[1]][2] if p[1] in extra else None for p in points], 2) if extra else None
        out = []
        for i, (_, run_seq, _, low, high, n, status, hidden) in enumerate(points):
            ci = "—" if low is None or high is None else f"{lows[i]}–{highs[i]}"
            count = suppressed if hidden else ("—" if n is None else str(n))
            more = "" if mores is None else f"<td>{mores[i]}</td>"
            out.append(f'<tr><td class="t">{batch_ids[run_seq]}</td><td class="t">{dates[run_seq]}</td><td>{values[i]}</td>'
                       f'<td>{ci}</td><td>{count}</td>{more}{cell[status]}</tr>')
        return Markup("\n".join(out))

    cell = {status: _status_cell(status, words) for status in words}

    def last_value(series: Series) -> Any:
        values = [p[2] for p in series.points if p[2] is not None]
        return values[-1] if values else None

    n_runs = max(len(ordered), 1)
    charts = []
    for i, (name, s) in enumerate(sorted(features.items())):
        alerts = sum(1 for p in s.points if p[6] == "fail")
        title = str(tr.text("trend.feature_chart", feature=name))
        description = str(tr.text("trend.chart_desc", n=len(s.points), last=_fmt(last_value(s), language), alerts=alerts))
        charts.append({"id": f"f{i}", "title": title, "alerts": alerts, "tbody": tbody(s), "has_extra": bool(s.extra),
                       "svg": line_chart(s, chart_id=f"f{i}", n_runs=n_runs,
                                         bands=[(psi_warn, psi_fail, "band-warn"), (psi_fail, 1e9, "band-fail")],
                                         lines=[psi_warn, psi_fail], y_range=(0.0, psi_fail * 1.2), title=title,
                                         description=description, tr=tr)})
    group_sections = []
    for j, (subject, bucket) in enumerate(sorted(groups.items())):
        items = []
        for k, (_, s) in enumerate(sorted(bucket.items())):
            limit = ratio if s.metric == "share_ratio" else rate_ratio
            alerts = sum(1 for p in s.points if p[6] == "fail")
            title = str(tr.text("trend.group_chart", metric=tr.text(f"metrics.{s.metric}"), group=s.title))
            description = str(tr.text("trend.chart_desc", n=len(s.points), last=_fmt(last_value(s), language), alerts=alerts))
            cid = f"g{j}-{k}"
            items.append({"id": cid, "title": title, "alerts": alerts, "tbody": tbody(s), "has_extra": False,
                          "svg": line_chart(s, chart_id=cid, n_runs=n_runs,
                                            bands=[(-1e9, limit, "band-fail"), (1 / limit, 1e9, "band-fail")],
                                            lines=[limit, 1.0, 1 / limit], y_range=(min(0.5, limit * 0.8), max(1.6, 1.2 / limit)),
                                            title=title, description=description, tr=tr)})
        group_sections.append({"subject": subject, "charts": items})

    intersections = []
    if ordered:
        failures = store.failure_counts(checks=[c for c, _ in _GROUP_METRICS], names=sorted(group_names), single_attribute=False)
        for m in store.metrics(checks=[c for c, _ in _GROUP_METRICS], names=sorted(group_names), single_attribute=False,
                               run_seqs=[ordered[-1]["seq"], *(r["seq"] for b, r in latest_labels.items() if b == ordered[-1]["batch_id"])]):
            hidden = below_floor({"name": m["name"], "n": m["n"]}, privacy_floor)
            intersections.append({
                "group": tr.group(m["group"]), "metric": tr.text(f"metrics.{m['name']}"),
                "value": suppressed if hidden else _fmt(m["value"], language),
                "ci": "—" if hidden or m["ci_low"] is None else f"{_fmt(m['ci_low'], language)}–{_fmt(m['ci_high'], language)}",
                "status": m["status"] or "not_applicable",
                "failed": failures.get((m["finding_id"], m["name"], json.dumps(m["group"], sort_keys=True)), 0)})

    moment = now or datetime.now(UTC)
    overdue = None
    if expected_every_days and ordered:
        gap = (moment - datetime.fromisoformat(ordered[-1]["batch_time"])).total_seconds() / 86400.0
        if gap > expected_every_days * thresholds.get("max_batch_gap_factor", 1.5):
            overdue = {"days": format_number(gap, language, 1), "every": format_number(expected_every_days, language, 1)}
    alert_counts = store.alert_counts()
    run_rows = Markup("\n".join(
        f'<tr><td>{r["seq"]}</td><td class="t">{escape(r["batch_id"])}</td><td>{r["attempt"]}</td>'
        f'<td class="t">{escape(tr.text("trend.kind." + r["kind"]))}</td><td class="t">{escape(tr.date(r["batch_time"]))}</td>'
        f'<td>{r["n_rows"]}</td>{_status_cell(r["status"], words)}<td>{alert_counts.get(r["seq"], 0)}</td>'
        f'<td class="t"><code>{escape(r["reference_sha256"][:12])}</code></td></tr>' for r in runs))
    return {
        "tr": tr, "run_rows": run_rows, "n_runs": len(runs), "n_batches": len(ordered), "charts": charts, "groups": group_sections,
        "intersections": intersections, "verified": verification, "overdue": overdue,
        "head": runs[-1]["row_hash"] if runs else None,
        "psi_warn": format_number(psi_warn, language, 2), "psi_fail": format_number(psi_fail, language, 2),
        "first": tr.date(ordered[0]["batch_time"]) if ordered else "—", "last": tr.date(ordered[-1]["batch_time"]) if ordered else "—",
        "n_alerts": sum(alert_counts.values()), "generated": moment.isoformat(timespec="seconds"),
    }


def render_trend(store: History, *, language: str = "en", expected_every_days: float | None = None, now: datetime | None = None,
                 privacy_floor: int = PRIVACY_FLOOR, verification: Verification | None = None) -> str:
    """Render the trend page of a history.

    Parameters
    ----------
    store
        An open :class:`~auditor.monitoring.history.History`.
    language
        ``en`` or ``nl``.
    expected_every_days
        The schedule, to say whether a batch is overdue.
    now
        The moment of rendering (default: now), for the overdue notice and the footer.
    privacy_floor
        Values resting on fewer rows are not shown.
    verification
        The result of :meth:`History.verify`, shown on the page; ``None`` = not verified (the page
        then shows the recorded head hash and how to verify it). ``auditor history --out``
        verifies first.

    Returns
    -------
    str
        One self-contained HTML document.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    from auditor.render.html import _environment

    context = view(store, language=language, expected_every_days=expected_every_days, now=now, privacy_floor=privacy_floor,
                   verification=verification)
    tr = context.pop("tr")
    styles = (reports_dir() / "templates" / "report.css").read_text(encoding="utf-8")
    return _environment().get_template("trend.html.j2").render(lang=language, t=tr.text, styles=Markup(styles),
                                                                 history=str(store.path.name), floor=privacy_floor, **context)


__all__ = ["line_chart", "render_trend", "view"]
