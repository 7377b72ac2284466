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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup, escape

from auditor.monitoring.history import History
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
    points: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[int, dict[str, Any]] = field(default_factory=dict)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def line_chart(series: Series, *, chart_id: str, run_index: Mapping[int, int], n_runs: int, bands: Sequence[tuple[float, float, str]],
               lines: Sequence[float], y_range: tuple[float, float], title: str, description: str, tr: Translator) -> Markup:
    """An inline SVG line chart of one series over the runs (x = run position)."""
    lo, hi = y_range
    values = [p["value"] for p in series.points if p["value"] is not None]
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
    for p in series.points:
        if p["value"] is None:
            continue
        px, py = _n(x(run_index[p["run_seq"]])), _n(y(p["value"]))
        path.append(f"{'M' if not path else 'L'}{px} {py}")
        if p["status"] in ("fail", "warn"):
            markers.append(marker(p["status"], px, py))
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


def _group_label(group: Mapping[str, Any] | None, tr: Translator) -> str:
    return tr.group(group)


def view(store: History, *, language: str, expected_every_days: float | None = None, now: datetime | None = None,
         privacy_floor: int = PRIVACY_FLOOR) -> dict[str, Any]:
    """The trend page's content (what the template lays out)."""
    tr = Translator(language)
    runs = store.runs()
    batch_runs = sorted((r for r in runs if r["kind"] == "batch"), key=lambda r: (r["batch_time"], r["seq"]))
    latest: dict[str, dict[str, Any]] = {}
    for r in batch_runs:
        previous = latest.get(r["batch_id"])
        if previous is None or r["attempt"] >= previous["attempt"]:
            latest[r["batch_id"]] = r
    ordered = sorted(latest.values(), key=lambda r: (r["batch_time"], r["seq"]))
    position = {r["seq"]: i for i, r in enumerate(ordered)}
    by_batch = {r["batch_id"]: position[r["seq"]] for r in ordered}
    labels = {r["seq"]: by_batch.get(r["batch_id"]) for r in runs if r["kind"] == "labels"}
    run_index = {**position, **{seq: i for seq, i in labels.items() if i is not None}}
    thresholds = _thresholds(store, runs)
    psi_warn, psi_fail = thresholds.get("psi_warn", 0.1), thresholds.get("psi_fail", 0.25)
    ratio = thresholds.get("min_share_ratio", 0.8)
    rate_ratio = thresholds.get("min_rate_ratio", 0.8)

    rows = store.metrics(checks=["drift.feature_distribution", *{c for c, _ in _GROUP_METRICS}],
                         names=["psi", "mean_shift_sd", *{m for _, m in _GROUP_METRICS}])
    features: dict[str, Series] = {}
    groups: dict[str, dict[str, Series]] = {}
    for m in rows:
        if m["run_seq"] not in run_index:
            continue
        hidden = below_floor({"name": m["name"], "n": m["n"]}, privacy_floor)
        point = {"run_seq": m["run_seq"], "value": None if hidden else m["value"], "low": None if hidden else m["ci_low"],
                 "high": None if hidden else m["ci_high"], "n": m["n"], "status": m["status"], "hidden": hidden}
        if m["check"] == "drift.feature_distribution" and m["column"]:
            s = features.setdefault(m["column"], Series(m["column"], m["column"], "psi"))
            if m["name"] == "psi":
                s.points.append(point)
            else:
                s.extra[m["run_seq"]] = point
        elif m["group"] is not None and m["name"] in {n for _, n in _GROUP_METRICS}:
            subject = " × ".join(m["group"])
            key = f"{m['name']}|{_group_label(m['group'], tr)}"
            bucket = groups.setdefault(subject, {})
            s = bucket.setdefault(key, Series(key, _group_label(m["group"], tr), m["name"]))
            s.points.append(point)

    def rows_of(series: Series) -> list[dict[str, Any]]:
        out = []
        for p in sorted(series.points, key=lambda p: run_index[p["run_seq"]]):
            run = next_run[p["run_seq"]]
            extra = series.extra.get(p["run_seq"])
            out.append({"batch": run["batch_id"], "time": tr.date(run["batch_time"]), "value": _fmt(p["value"], language),
                        "ci": "—" if p["low"] is None else f"{_fmt(p['low'], language)}–{_fmt(p['high'], language)}",
                        "n": str(tr.text("ui.suppressed")) if p["hidden"] else (p["n"] if p["n"] is not None else "—"),
                        "extra": None if extra is None else _fmt(extra["value"], language, 2),
                        "status": p["status"] or "not_applicable"})
        return out

    next_run = {r["seq"]: r for r in runs}
    n_runs = max(len(ordered), 1)
    charts = []
    for i, (name, s) in enumerate(sorted(features.items())):
        alerts = sum(1 for p in s.points if p["status"] == "fail")
        last = next((p["value"] for p in reversed(sorted(s.points, key=lambda p: run_index[p["run_seq"]])) if p["value"] is not None), None)
        title = str(tr.text("trend.feature_chart", feature=name))
        description = str(tr.text("trend.chart_desc", n=len(s.points), last=_fmt(last, language), alerts=alerts))
        charts.append({"id": f"f{i}", "title": title, "alerts": alerts, "rows": rows_of(s), "has_extra": bool(s.extra),
                       "svg": line_chart(s, chart_id=f"f{i}", run_index=run_index, n_runs=n_runs,
                                         bands=[(psi_warn, psi_fail, "band-warn"), (psi_fail, 1e9, "band-fail")],
                                         lines=[psi_warn, psi_fail], y_range=(0.0, psi_fail * 1.2), title=title,
                                         description=description, tr=tr)})
    group_sections = []
    for j, (subject, bucket) in enumerate(sorted(groups.items())):
        items = []
        for k, (key, s) in enumerate(sorted(bucket.items())):
            limit = ratio if s.metric == "share_ratio" else rate_ratio
            alerts = sum(1 for p in s.points if p["status"] == "fail")
            last = next((p["value"] for p in reversed(sorted(s.points, key=lambda p: run_index[p["run_seq"]])) if p["value"] is not None), None)
            title = str(tr.text("trend.group_chart", metric=tr.text(f"metrics.{s.metric}"), group=s.title))
            description = str(tr.text("trend.chart_desc", n=len(s.points), last=_fmt(last, language), alerts=alerts))
            cid = f"g{j}-{k}"
            items.append({"id": cid, "title": title, "alerts": alerts, "rows": rows_of(s), "has_extra": False,
                          "svg": line_chart(s, chart_id=cid, run_index=run_index, n_runs=n_runs,
                                            bands=[(-1e9, limit, "band-fail"), (1 / limit, 1e9, "band-fail")],
                                            lines=[limit, 1.0, 1 / limit], y_range=(min(0.5, limit * 0.8), max(1.6, 1.2 / limit)),
                                            title=title, description=description, tr=tr)})
        group_sections.append({"subject": subject, "charts": items})

    check = store.verify()
    moment = now or datetime.now(UTC)
    overdue = None
    if expected_every_days and ordered:
        gap = (moment - datetime.fromisoformat(ordered[-1]["batch_time"])).total_seconds() / 86400.0
        if gap > expected_every_days * thresholds.get("max_batch_gap_factor", 1.5):
            overdue = {"days": format_number(gap, language, 1), "every": format_number(expected_every_days, language, 1)}
    alert_counts = store.alert_counts()
    run_rows = [{"seq": r["seq"], "batch": r["batch_id"], "attempt": r["attempt"], "kind": r["kind"], "time": tr.date(r["batch_time"]),
                 "rows": r["n_rows"], "status": r["status"], "alerts": alert_counts.get(r["seq"], 0),
                 "reference": r["reference_sha256"][:12]} for r in runs]
    return {
        "tr": tr, "runs": run_rows, "n_batches": len(ordered), "charts": charts, "groups": group_sections,
        "verified": check, "overdue": overdue,
        "psi_warn": format_number(psi_warn, language, 2), "psi_fail": format_number(psi_fail, language, 2),
        "first": tr.date(ordered[0]["batch_time"]) if ordered else "—", "last": tr.date(ordered[-1]["batch_time"]) if ordered else "—",
        "n_alerts": sum(alert_counts.values()), "generated": moment.isoformat(timespec="seconds"),
    }


def render_trend(store: History, *, language: str = "en", expected_every_days: float | None = None, now: datetime | None = None,
                 privacy_floor: int = PRIVACY_FLOOR) -> str:
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

    Returns
    -------
    str
        One self-contained HTML document.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    from auditor.render.html import _environment

    context = view(store, language=language, expected_every_days=expected_every_days, now=now, privacy_floor=privacy_floor)
    tr = context.pop("tr")
    styles = (reports_dir() / "templates" / "report.css").read_text(encoding="utf-8")
    return _environment().get_template("trend.html.j2").render(lang=language, t=tr.text, styles=Markup(styles),
                                                                 history=str(store.path.name), floor=privacy_floor, **context)


__all__ = ["line_chart", "render_trend", "view"]
