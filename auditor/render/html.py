"""The conformity-evidence report (HTML), rendered from the evidence document alone.

The report is the document a provider hands to an assessor and a deployer keeps with its
register entry: a cover (system, classification, obligations and dates, fingerprints, verdict
per requirement), one section per legal requirement of the rulebook with its findings, the
Annex IV 2(d) datasheets and 2(g) test summary, governance declarations, the data-gap
register, the thresholds, a reproducibility appendix and a signature block.

Rendering never computes: this module looks values up in the evidence, formats them and lays
them out (chart positions, which table columns have values). Jinja2 autoescapes everything;
the file is self-contained (stylesheet inlined, charts as inline SVG, system fonts, no
script, no URL). Groups with fewer than ``PRIVACY_FLOOR`` rows show neither their count nor
their values, in tables, charts and messages alike (:func:`private_params`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from auditor.render import charts
from auditor.render.i18n import (
    LANGUAGES,
    WITHHELD,
    Translator,
    format_interval,
    format_metric,
    format_number,
    format_percent,
)
from auditor.render.privacy import PRIVACY_FLOOR, below_floor
from auditor.resources import reports_dir
from auditor.spec.governance import PRACTICES, SAFEGUARDS

STATUS_ORDER = ("fail", "error", "warn", "insufficient_evidence", "not_assessed", "pass", "not_applicable")
"""Statuses from the most to the least serious, the order counts are listed in."""

_GAP_STATUSES = ("fail", "error", "warn", "insufficient_evidence")
_DECLARATION_META = ("declared_by", "date", "declared_at")
_ARTICLES = {**PRACTICES, "label_definition": "Annex IV 2(d)", "data_gaps": "10(2)(h)", "special_categories": "10(5)"}
"""The article each governance item of the spec documents."""
_TEST_DATASETS = ("validation", "test")


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(reports_dir() / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _counts(statuses: Sequence[str]) -> list[tuple[str, int]]:
    tally = Counter(statuses)
    return [(s, tally[s]) for s in STATUS_ORDER if tally[s]]


_RANGE = re.compile(r"^(.*)\(([a-z0-9])\)-\(([a-z0-9])\)$")


def _covers(requirement: str, item: str) -> bool:
    """Whether a requirement's article (``10(2)(a)-(d)``, ``10(5)``) covers an item's (``10(2)(b)``, ``10(5)(a)``)."""
    if ", " in requirement:  # several articles, e.g. "4a(1), 10(5)"
        return any(_covers(part, item) for part in requirement.split(", "))
    if item == requirement or item.startswith(requirement + "("):
        return True
    span = _RANGE.match(requirement)
    if span is None:
        return False
    head, first, last = span.groups()
    inner = re.match(re.escape(head) + r"\(([a-z0-9])\)", item)
    return bool(inner) and first <= inner.group(1) <= last


def private_params(finding: Mapping[str, Any], privacy_floor: int) -> dict[str, Any]:
    """A finding's message parameters with the numbers of groups below the privacy floor blanked.

    A message may name a group's ratio or rate (``tiny (ratio 0.05)``), from which its size can
    be worked out. Every entry of the parameters that is about a group whose metrics have
    fewer than ``privacy_floor`` rows (by ``group``, or by ``category`` for one attribute)
    keeps its name but loses its numbers (:data:`~auditor.render.i18n.WITHHELD`, shown as ``—``).
    """
    small = [dict(m["group"]) for m in finding.get("metrics") or []
             if m.get("group") and below_floor(m, privacy_floor)]
    categories = {str(next(iter(g.values()))) for g in small if len(g) == 1}

    def hidden(item: Mapping[str, Any]) -> bool:
        group = item.get("group")
        if isinstance(group, Mapping) and dict(group) in small:
            return True
        return item.get("category") is not None and str(item["category"]) in categories

    def walk(value: Any) -> Any:
        if isinstance(value, Mapping):
            if hidden(value):
                return {k: WITHHELD if isinstance(v, int | float) and not isinstance(v, bool) else v for k, v in value.items()}
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [walk(v) for v in value]
        return value

    params = finding["message"]["params"]
    return walk(params) if small else dict(params)


def _renders(tr: Translator, key: str, params: Mapping[str, Any]) -> bool:
    try:
        tr.message(key, params)
    except Exception:  # noqa: BLE001 - only asking whether it renders
        return False
    return True


def safe_message(tr: Translator, finding: Mapping[str, Any], privacy_floor: int) -> Markup:
    """A finding's message with :func:`private_params`.

    When the message's template cannot work without the withheld numbers, a message that says
    so takes its place. A template that fails for another reason (a bug in a catalogue) raises
    in strict mode (the tests) and otherwise gives a message naming the key, so one broken
    text does not cost the whole report.
    """
    params = private_params(finding, privacy_floor)
    key = finding["message"]["key"]
    try:
        return tr.message(key, params)
    except Exception as exc:  # noqa: BLE001 - one broken catalogue text must not cost the whole report
        failure = exc
    if params != finding["message"]["params"] and _renders(tr, key, finding["message"]["params"]):
        return tr.text("report.finding.withheld", floor=privacy_floor)
    if tr.strict:
        raise failure
    return tr.text("report.finding.broken_message", key=key)


def _cell(text: Any = "", *, num: bool = False, status: str | None = None, header: bool = False) -> dict[str, Any]:
    return {"text": text, "num": num, "status": status, "header": header}


class _Report:
    """Builds the template's view of one evidence document in one language."""

    def __init__(self, evidence: Mapping[str, Any], tr: Translator, floor: int) -> None:
        self.ev = evidence
        self.tr = tr
        self.t = tr.text
        self.floor = floor
        self.lang = tr.language
        self.findings = list(evidence.get("findings") or [])
        self.anchor = {f["id"]: f"f{i + 1}" for i, f in enumerate(self.findings)}
        self.by_id = {f["id"]: f for f in self.findings}
        self.requirements = list(evidence.get("requirements") or [])
        self.req_anchor = {r["id"]: f"r{i + 1}" for i, r in enumerate(self.requirements)}
        self.first_section: dict[str, str] = {}
        for requirement in self.requirements:
            for fid in requirement.get("findings", []):
                self.first_section.setdefault(fid, requirement["id"])
        reference = evidence.get("reference") or {}
        self.shares = {(s["attribute"], s["category"]): s["share"] for s in reference.get("shares") or []}
        self.thresholds = (evidence.get("rulebook") or {}).get("thresholds") or {}
        self.charts = 0

    # -- small helpers -------------------------------------------------------------------

    def text_of(self, texts: Mapping[str, str] | str | None) -> str:
        """A bilingual ``{en, nl}`` text in the report's language."""
        if texts is None:
            return ""
        if isinstance(texts, str):
            return texts
        return texts.get(self.lang) or texts.get("en") or ""

    def dataset(self, name: str | None) -> str:
        return str(self.t(f"dataset.{name}")) if name else ""

    def subject(self, finding: Mapping[str, Any]) -> str:
        """What a finding is about: its attribute(s) or column, else the end of its id."""
        params = finding.get("message", {}).get("params") or {}
        if isinstance(params.get("attribute"), str):
            return params["attribute"]
        attributes = params.get("attributes")
        if isinstance(attributes, list) and attributes and all(isinstance(a, str) for a in attributes):
            return " × ".join(attributes)
        if isinstance(params.get("column"), str):
            return params["column"]
        parts = finding["id"].split("/")[1:]
        if parts and parts[0] == finding.get("dataset"):
            parts = parts[1:]
        return "/".join(parts)

    def heading(self, finding: Mapping[str, Any]) -> str:
        parts = [self.dataset(finding.get("dataset")), self.subject(finding)]
        return " — ".join(p for p in parts if p) or str(self.t(f"checks.{finding['check']}.title"))

    def requirement_title(self, requirement: Mapping[str, Any]) -> str:
        return self.text_of(requirement.get("title"))

    # -- metrics -------------------------------------------------------------------------

    def metric_value(self, metric: Mapping[str, Any]) -> tuple[str, str]:
        name = metric["name"]
        if metric.get("value") is None and metric.get("undefined"):  # the numeric policy: say why there is no number
            return f"{self.t('undefined.label')} ({self.t('undefined.' + metric['undefined'])})", ""
        value = format_metric(name, metric.get("value"), self.lang)
        ci = metric.get("ci")
        interval = format_interval(name, ci, self.lang) if ci else ""
        return value, interval

    def suppressed(self, metric: Mapping[str, Any]) -> bool:
        return below_floor(metric, self.floor)

    def metrics_table(self, metrics: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
        """The numbers of a finding that no chart shows: one row per group when a group has several
        metrics (a column per metric), else one row per metric."""
        if not metrics:
            return None
        keys = {charts.metric_key(m) for m in metrics}
        if len(keys) < len(metrics):
            return self.wide_table(metrics)
        below = self.t("ui.below_floor", floor=self.floor)
        rows = []
        for m in metrics:
            hidden = self.suppressed(m)
            value, interval = self.metric_value(m)
            group = self.tr.group(m["group"]) if m.get("group") else ""
            if m.get("reference"):
                group = f"{group} / {self.tr.group(m['reference'])}"
            threshold = "" if m.get("threshold") is None else format_metric(m["name"], m["threshold"], self.lang)
            rows.append({
                "metric": _upper_first(str(self.t(f"metrics.{m['name']}"))),
                "group": group,
                "column": m.get("column") or "",
                "value": str(self.t("ui.suppressed")) if hidden else value,
                "ci": "" if hidden else interval,
                "n": below if hidden else format_number(m.get("n"), self.lang) if m.get("n") is not None else "",
                "threshold": threshold,
                "p": "" if hidden or m.get("p_value") is None else format_number(m["p_value"], self.lang, 4),
                "p_adjusted": "" if hidden or m.get("p_adjusted") is None else format_number(m["p_adjusted"], self.lang, 4),
                "status": m.get("status") or "",
            })
        keys = ("group", "column", "value", "ci", "n", "threshold", "p", "p_adjusted", "status")
        shown = [k for k in keys if any(r[k] for r in rows)]
        labels = {"group": "ui.group", "column": "ui.column", "value": "ui.value", "ci": "ui.ci", "threshold": "ui.threshold",
                  "p": "report.finding.p_value", "p_adjusted": "ui.p_adjusted", "status": "ui.status"}
        head = [str(self.t("ui.metric"))] + ["n" if k == "n" else str(self.t(labels[k])) for k in shown]
        return {"head": head, "rows": [[_cell(r["metric"], header=True)] + [
            _cell(r[k], num=k in ("value", "ci", "n", "threshold", "p", "p_adjusted"), status=r[k] if k == "status" and r[k] else None)
            for k in shown] for r in rows]}

    def wide_table(self, metrics: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        rows: dict[Any, list[Mapping[str, Any]]] = {}
        by_name: dict[str, list[Mapping[str, Any]]] = {}
        for m in metrics:
            rows.setdefault(charts.metric_key(m), []).append(m)
            by_name.setdefault(m["name"], []).append(m)
        names = list(by_name)

        constants: dict[tuple[str, str], Any] = {}

        def constant(name: str, field: str) -> Any:
            if (name, field) not in constants:
                values = {json.dumps(m.get(field), sort_keys=True) for m in by_name[name]}
                constants[(name, field)] = json.loads(values.pop()) if len(values) == 1 else None
            return constants[(name, field)]

        head = [str(self.t("ui.group")), "n"]
        for name in names:
            label = _upper_first(str(self.t(f"metrics.{name}")))
            reference, threshold = constant(name, "reference"), constant(name, "threshold")
            if reference:
                label += f" ({self.t('report.finding.versus', group=self.tr.group(reference))})"
            if threshold is not None:
                label += f" ({self.t('ui.threshold').lower()} {format_metric(name, threshold, self.lang)})"
            head.append(label)
        with_status = any(m.get("status") for m in metrics)
        if with_status:
            head.append(str(self.t("ui.status")))
        below = self.t("ui.below_floor", floor=self.floor)
        out = []
        for (group, column), mine in rows.items():
            label = self.tr.group(dict(group)) if group else str(self.t("ui.all_rows"))
            if column:
                label = f"{label} ({column})" if group else column
            n = next((m["n"] for m in mine if m.get("n") is not None), None)
            cells = [_cell(label, header=True),
                     _cell(below if n is not None and self.suppressed({**mine[0], "n": n}) else format_number(n, self.lang) if n is not None else "",
                           num=True)]
            for name in names:
                found = [m for m in mine if m["name"] == name]
                if not found:
                    cells.append(_cell())
                    continue
                m = found[0]
                if self.suppressed(m):
                    cells.append(_cell(self.t("ui.suppressed")))
                    continue
                value, interval = self.metric_value(m)
                text = f"{value} ({interval})" if interval else value
                if m.get("reference") and constant(name, "reference") is None:
                    text += f" {self.t('report.finding.versus', group=self.tr.group(m['reference']))}"
                if m.get("threshold") is not None and constant(name, "threshold") is None:
                    text += f"; {str(self.t('ui.threshold')).lower()} {format_metric(name, m['threshold'], self.lang)}"
                p_value = m.get("p_adjusted") if m.get("p_adjusted") is not None else m.get("p_value")
                if p_value is not None:
                    word = "ui.p_adjusted" if m.get("p_adjusted") is not None else "report.finding.p_value"
                    text += f"; {self.t(word)} = {format_number(p_value, self.lang, 4)}"
                if m.get("n") is not None and m["n"] != n:
                    text += f"; n = {format_number(m['n'], self.lang)}"
                cells.append(_cell(text, num=True))
            if with_status:
                statuses = [m["status"] for m in mine if m.get("status") and not self.suppressed(m)]
                cells.append(_cell(status=statuses[0]) if len(set(statuses)) == 1 else
                             _cell(", ".join(str(self.t(f"status.{x}")) for x in dict.fromkeys(statuses))))
            out.append(cells)
        return {"head": head, "rows": out}

    def chart(self, series: charts.ChartSeries, finding: Mapping[str, Any]) -> dict[str, Any]:
        self.charts += 1
        chart_id = f"c{self.charts}"
        metric = str(self.t(f"metrics.{series.metric}"))
        title = _upper_first(str(self.t(
            "report.chart.title_group" if series.by == "group" else "report.chart.title_column",
            metric=metric, attributes=", ".join(series.attributes), column=series.column or "",
            dataset=self.dataset(finding.get("dataset")),
        )))
        title = Markup(title).unescape()
        description = charts.describe(series, self.tr, self.floor)
        below = self.t("ui.below_floor", floor=self.floor)
        head = [str(self.t("ui.group" if series.by == "group" else "ui.column")), _upper_first(metric),
                str(self.t("ui.ci")), "n"]
        if series.has_expected:
            head.append(str(self.t("report.chart.expected")))
        head += [_upper_first(str(self.t(f"metrics.{name}"))) for name in series.companion_names]
        with_p = any(c.get("p_adjusted") is not None for row in series.rows for c in row.companions)
        if with_p:
            head.append(str(self.t("ui.p_adjusted")))
        head.append(str(self.t("ui.status")))
        rows = []
        for row in series.rows:
            cells = [_cell(row.label, header=True)]
            if row.suppressed:
                cells += [_cell(self.t("ui.suppressed")), _cell(), _cell(below, num=True)]
            else:
                value, interval = self.metric_value({"name": series.metric, "value": row.value, "ci": row.ci})
                cells += [_cell(value, num=True), _cell(interval, num=True),
                          _cell(format_number(row.n, self.lang) if row.n is not None else "", num=True)]
            if series.has_expected:
                cells.append(_cell(format_metric(series.metric, row.expected, self.lang) if row.expected is not None else "", num=True))
            p_values = []
            for name in series.companion_names:
                comp = next((c for c in row.companions if c.get("name") == name), None)
                if comp is None or row.suppressed:
                    cells.append(_cell())
                    continue
                value, interval = self.metric_value(comp)
                cells.append(_cell(f"{value} ({interval})" if interval else value, num=True))
                if comp.get("p_adjusted") is not None:
                    p_values.append(comp["p_adjusted"])
            if with_p:
                cells.append(_cell("" if row.suppressed or not p_values else format_number(p_values[0], self.lang, 4), num=True))
            if row.reference:
                cells.append(_cell(self.t("report.chart.reference_group")))
            else:
                cells.append(_cell(status=row.status))
            rows.append(cells)
        threshold = None
        if series.threshold is not None:
            threshold = format_metric(series.metric, series.threshold, self.lang)
        comparisons = [c for row in series.rows for c in row.companions if c.get("threshold") is not None]
        comparison_threshold = None
        if comparisons:
            comparison_threshold = {
                "metric": str(self.t(f"metrics.{comparisons[0]['name']}")),
                "value": format_metric(comparisons[0]["name"], comparisons[0]["threshold"], self.lang),
            }
        params = finding.get("message", {}).get("params") or {}
        compared = ""
        if series.by == "group" and isinstance(params.get("reference"), Mapping) and any(r.reference for r in series.rows):
            rule = params.get("reference_rule") or "largest"
            compared = self.t("report.chart.compared_with", group=self.tr.group(params["reference"]),
                              rule=self.t(f"report.chart.reference_rule.{rule}"))
        return {
            "id": chart_id,
            "title": title,
            "compared": compared,
            "svg": charts.svg(series, chart_id=chart_id, title=title, description=description, tr=self.tr,
                              privacy_floor=self.floor),
            "head": head,
            "rows": rows,
            "threshold": threshold,
            "comparison_threshold": comparison_threshold,
        }

    def finding(self, finding: Mapping[str, Any], requirement_id: str) -> dict[str, Any]:
        fid = finding["id"]
        first = self.first_section.get(fid, requirement_id)
        view: dict[str, Any] = {
            "anchor": self.anchor[fid],
            "id": fid,
            "status": finding["status"],
            "heading": self.heading(finding),
            "message": safe_message(self.tr, finding, self.floor),
            "full": first == requirement_id,
        }
        if not view["full"]:
            requirement = next(r for r in self.requirements if r["id"] == first)
            view["see"] = {"anchor": self.anchor[fid], "section": self.tr.cite(requirement["article"]),
                           "title": self.requirement_title(requirement)}
            return view
        series = charts.series_for(finding, shares=self.shares, privacy_floor=self.floor, tr=self.tr)
        shown = charts.shown_metrics(series)
        rest = [m for i, m in enumerate(finding.get("metrics") or []) if i not in shown]
        view["charts"] = [self.chart(s, finding) for s in series]
        view["table"] = self.metrics_table(rest)
        view["artefacts"] = [{"name": a["name"], "sha256": a.get("sha256", "")} for a in finding.get("artefacts") or []]
        return view

    def threshold(self, name: str) -> dict[str, Any] | None:
        th = self.thresholds.get(name)
        if th is None:
            return None
        written_for = th.get("rationale_for", th["value"])
        stale = written_for is not None and written_for != th["value"]
        return {
            "name": name,
            "value": format_number(th["value"], self.lang),
            "default": format_number(th["default"], self.lang),
            "overridden": th.get("overridden", False),
            "changes": [self.change(c) for c in th.get("changes") or []],
            "rationale": "" if stale else self.text_of(th.get("rationale")),
            "stale": str(self.t("report.thresholds.stale", old=format_number(written_for, self.lang),
                                new=format_number(th["value"], self.lang))) if stale else "",
            "source": th.get("source", ""),
        }

    def change(self, change: Mapping[str, Any]) -> str:
        """``0.8 → 0.9 via <file>, by <who> on <date>`` for one threshold change."""
        via = change.get("via") or ""
        where = str(self.t("report.thresholds.via_spec")) if via == "checks.thresholds" else via
        text = str(self.t("report.thresholds.change", old=format_number(change.get("from"), self.lang),
                          new=format_number(change.get("to"), self.lang), via=where,
                          by=change.get("by") or "", date=self.tr.date(str(change["date"])) if change.get("date") else ""))
        return Markup(text).unescape()

    # -- sections ------------------------------------------------------------------------

    def sections(self) -> list[dict[str, Any]]:
        out = []
        for requirement in self.requirements:
            rid = requirement["id"]
            mine = [self.by_id[fid] for fid in requirement.get("findings", []) if fid in self.by_id]
            order = list(requirement.get("checks") or [])
            order += [f["check"] for f in mine if f["check"] not in order]
            checks = []
            for check_id in order:
                items = [f for f in mine if f["check"] == check_id]
                if not items:
                    continue
                names: list[str] = []
                for f in items:
                    names += [n for n in f.get("thresholds") or [] if n not in names]
                full = any(self.first_section.get(f["id"]) == rid for f in items)
                checks.append({
                    "id": check_id,
                    "title": self.t(f"checks.{check_id}.title"),
                    "what": self.t(f"checks.{check_id}.what") if full else "",
                    "why": self.t(f"checks.{check_id}.why") if full else "",
                    "read": self.t(f"checks.{check_id}.read") if full else "",
                    "fix": self.t(f"checks.{check_id}.fix") if full else "",
                    "findings": [self.finding(f, rid) for f in items],
                    "thresholds": [th for th in (self.threshold(n) for n in names) if th] if full else [],
                })
            out.append({
                "anchor": self.req_anchor[rid],
                "article": self.tr.cite(requirement["article"]),
                "title": self.requirement_title(requirement),
                "urns": requirement.get("algoritmekader") or [],
                "status": requirement["status"],
                "stand_in": self.stand_in(requirement),
                "counts": _counts([f["status"] for f in mine]),
                "checks": checks,
                "governance": self.governance_for(requirement),
            })
        return out

    def cover(self) -> dict[str, Any]:
        ev = self.ev
        classification = ev.get("classification") or None
        facts = (classification or {}).get("facts") or {}
        system = ev.get("system") or {}
        roles = (classification or {}).get("roles") or facts.get("role") or []
        run = ev.get("run") or {}
        rulebook = ev.get("rulebook") or {}
        out: dict[str, Any] = {
            "system": {
                "name": system.get("name") or facts.get("name") or "",
                "organisation": system.get("organisation") or facts.get("organisation") or "",
                "version": facts.get("version") or system.get("version") or "",
                "description": facts.get("description") or "",
                "purpose": facts.get("purpose") or "",
                "status": str(self.t(f"report.system_status.{facts['status']}")) if facts.get("status") else "",
                "in_use_since": self.tr.date(facts["in_use_since"]) if facts.get("in_use_since") else "",
                "roles": [str(self.t(f"report.role.{r}")) for r in roles],
            },
            "date": self.tr.date(run.get("started_at")),
            "run_id": run.get("id", ""),
            "tool": (ev.get("tool") or {}).get("version", ""),
            "rulebook": {"id": rulebook.get("id", ""), "version": rulebook.get("version", ""),
                         "title": self.text_of(rulebook.get("title")), "sha256": rulebook.get("sha256", ""),
                         "file": rulebook.get("file", ""), "modified": bool(rulebook.get("modified"))},
            "summary": [(s, (ev.get("summary") or {}).get(s, 0)) for s in STATUS_ORDER],
            "fingerprints": self.fingerprints(),
            "classification": None,
        }
        if classification:
            deadline = classification.get("next_deadline") or None
            conditions: list[str] = []  # each distinct condition once, referred to by number
            obligations = []
            for o in classification.get("obligations") or []:
                condition = self.text_of(o.get("condition"))
                if condition and condition not in conditions:
                    conditions.append(condition)
                obligations.append({
                    "article": self.tr.cite(o.get("article", "")), "role": str(self.t(f"report.role.{o['role']}")),
                    "title": self.text_of(o.get("title")),
                    "applies_from": self.tr.date(o["applies_from"]) if o.get("applies_from") else str(self.t("report.cover.conditional")),
                    "note": conditions.index(condition) + 1 if condition else None, "urns": o.get("requirements") or [],
                })
            out["classification"] = {
                "category": self.text_of(classification.get("category_title")) or str(self.t(f"category.{classification['category']}")),
                "bases": [str(self.t(f"report.basis.{b}")) for b in classification.get("bases") or []],
                "transparency": [self.tr.cite(str(c).replace(".", "(", 1) + ")" if "." in str(c) else str(c))
                                 for c in classification.get("transparency") or []],
                "path": [{"article": self.tr.cite(step.get("article", "")), "conclusion": self.text_of(step.get("conclusion"))}
                         for step in classification.get("path") or []],
                "obligations": obligations,
                "conditions": conditions,
                "deadline": {"date": self.tr.date(deadline["date"]), "n": len(deadline.get("obligations") or [])} if deadline else None,
                "as_of": self.tr.date(classification.get("as_of")),
                "timeline": self.text_of(classification.get("timeline_title")),
                "tree": classification.get("decision_tree_version", ""),
                "notes": [self.text_of(n) for n in classification.get("notes") or []],
                "unverified": [self.text_of(u) for u in classification.get("unverified") or []],
            }
        return out

    def stand_in(self, requirement: Mapping[str, Any]) -> str:
        """``the test data stood in for the production data`` when the requirement's own data were not audited."""
        used = requirement.get("stand_in") or []
        if not used:
            return ""
        names = ", ".join(self.dataset(d) for d in used)
        meant = ", ".join(self.dataset(d) for d in requirement.get("datasets") or [])
        return str(self.t("report.first.stand_in", used=names, meant=meant))

    def verdicts(self) -> list[dict[str, Any]]:
        return [
            {"anchor": self.req_anchor[r["id"]], "article": self.tr.cite(r["article"]), "title": self.requirement_title(r),
             "urns": r.get("algoritmekader") or [], "status": r["status"], "stand_in": self.stand_in(r),
             "counts": _counts([self.by_id[fid]["status"] for fid in r.get("findings", []) if fid in self.by_id])}
            for r in self.requirements
        ]

    def worst(self, limit: int = 8) -> dict[str, Any]:
        """The most serious findings (error, fail, warn, insufficient evidence), most serious first."""
        rank = {s: i for i, s in enumerate(STATUS_ORDER)}
        serious = sorted((f for f in self.findings if f["status"] in _GAP_STATUSES), key=lambda f: rank[f["status"]])
        items = [{"anchor": self.anchor[f["id"]], "status": f["status"], "check": self.t(f"checks.{f['check']}.title"),
                  "heading": self.heading(f), "message": safe_message(self.tr, f, self.floor)} for f in serious[:limit]]
        return {"items": items, "more": max(len(serious) - limit, 0)}

    def missing(self) -> dict[str, Any]:
        """What the evidence lacks: skipped and not-assessed checks, required checks that gave no
        assessment, changed thresholds and a modified rulebook."""
        skipped, not_assessed = [], []
        for f in self.findings:
            if f["status"] != "not_assessed":
                continue
            params = f["message"].get("params") or {}
            entry = {"anchor": self.anchor[f["id"]], "check": self.t(f"checks.{f['check']}.title"), "id": f["check"]}
            if f["message"]["key"] == "check.skipped":
                skipped.append({**entry, "reason": params.get("reason") or ""})
            else:
                not_assessed.append({**entry, "heading": self.heading(f), "message": safe_message(self.tr, f, self.floor)})
        required = []
        for gap in self.ev.get("required_gaps") or []:
            check = gap["check"]
            known = self.tr.has(f"checks.{check}.title")
            required.append({"check": check, "title": self.t(f"checks.{check}.title") if known else "",
                             "reason": self.t(f"report.first.required_reason.{gap['reason']}")})
        changed = [th for th in (self.threshold(n) for n in self.thresholds) if th and th["changes"]]
        rulebook = self.ev.get("rulebook") or {}
        stand_in = [{"anchor": self.req_anchor[r["id"]], "article": self.tr.cite(r["article"]), "text": self.stand_in(r)}
                    for r in self.requirements if r.get("stand_in")]
        return {"skipped": skipped, "not_assessed": not_assessed, "required": required, "changed": changed, "stand_in": stand_in,
                "rulebook_modified": bool(rulebook.get("modified")),
                "shortcomings": sum(1 for f in self.findings if f["status"] in _GAP_STATUSES)}

    def integrity(self) -> dict[str, Any]:
        """The evidence's content hash and whether it matches (a check of the file, not of the data)."""
        from auditor.evidence.result import verify_evidence

        return verify_evidence(self.ev).to_dict()

    def fingerprints(self) -> list[dict[str, Any]]:
        rows = [{"label": self.dataset(d["name"]), "rows": format_number(d.get("rows"), self.lang),
                 "columns": format_number(d.get("columns"), self.lang), "source": d.get("source", ""), "sha256": d.get("sha256", "")}
                for d in self.ev.get("datasets") or []]
        reference = self.ev.get("reference")
        if reference:
            rows.append({"label": str(self.t("ui.reference_population")), "rows": "", "columns": "",
                         "source": reference.get("source", ""), "sha256": reference.get("sha256", "")})
        run = self.ev.get("run") or {}
        rows.append({"label": str(self.t("report.appendix.spec")), "rows": "", "columns": "",
                     "source": run.get("spec_file") or str(self.t("report.appendix.spec_in_memory")), "sha256": run.get("spec_sha256", "")})
        return rows

    def _distinct(self, column: Mapping[str, Any]) -> str:
        """The distinct count of a datasheet row; an estimate says so, with its relative error."""
        if column.get("n_distinct") is not None:
            return format_number(column["n_distinct"], self.lang)
        estimate = column.get("distinct_estimate")
        if not estimate:
            return str(self.t("report.datasheet.many"))
        value = format_number(estimate["value"], self.lang)
        if estimate.get("exact"):
            return value
        return str(self.t("report.datasheet.estimate", value=value, error=format_percent(2 * estimate["relative_error"], self.lang),
                          top=format_number(estimate["top_values"], self.lang)))

    def datasheets(self) -> list[dict[str, Any]]:
        out = []
        for d in self.ev.get("datasets") or []:
            roles = d.get("roles") or {}
            columns = [
                {"name": c["name"], "kind": str(self.t(f"report.kind.{c['kind']}")), "dtype": c.get("logical_type") or c.get("dtype") or "",
                 "missing": format_number(c.get("n_missing"), self.lang),
                 "distinct": self._distinct(c),
                 "role": ", ".join(str(self.t(f"report.column_role.{r}")) for r, col in roles.items() if col == c["name"])}
                for c in d.get("column_summaries") or []
            ]
            sheet = d.get("datasheet") or {}
            out.append({
                "name": self.dataset(d["name"]),
                "facts": [
                    (self.t("ui.source"), d.get("source", "")),
                    (self.t("report.datasheet.format"), d.get("format", "")),
                    (self.t("ui.rows"), format_number(d.get("rows"), self.lang)),
                    (self.t("ui.columns"), format_number(d.get("columns"), self.lang)),
                    ("SHA-256", d.get("sha256", "")),
                ],
                "declared": self.declared(sheet),
                "columns": columns,
            })
        return out

    def declared(self, sheet: Mapping[str, Any]) -> list[tuple[str, Any]]:
        """A dataset's datasheet (``datasets[].datasheet``) as (label, value) rows.

        Declarations show their text and fields with who declared them and when, or that
        nothing was declared; counts below the privacy floor are suppressed; keys this
        renderer does not know are shown by their name.
        """
        out = []
        for key, value in sheet.items():
            if key in ("rows", "columns") or value in (None, "", [], {}):
                continue
            out.append((self.datasheet_label(key), self.sheet_value(key, value)))
        return out

    def datasheet_label(self, key: str) -> str:
        name = f"report.datasheet.field.{key}"
        return str(self.t(name)) if self.tr.has(name) else self.field_label(key)

    def sheet_value(self, key: str, value: Any) -> Any:
        if isinstance(value, Mapping) and "declared" in value:
            if not value.get("declared"):
                return str(self.t("report.datasheet.not_declared"))
            fields = {k: v for k, v in value.items()
                      if k not in (*_DECLARATION_META, "declared", "complete", "missing") and v not in (None, "", [], {})}
            pairs = [(self.datasheet_label(k), self.sheet_value(k, v)) for k, v in fields.items()]
            who = str(self.t("report.governance.declared", who=value.get("declared_by") or "—",
                             when=self.tr.date(str(value["date"])) if value.get("date") else "—"))
            return {"pairs": [*pairs, (str(self.t("report.datasheet.by")), who)]}
        if key == "counts" and isinstance(value, Mapping):
            below = str(self.t("ui.below_floor", floor=self.floor)).replace("&lt;", "<")
            return {"pairs": [(str(k), below if isinstance(n, int) and n < self.floor else format_number(n, self.lang))
                              for k, n in value.items()]}
        if isinstance(value, Mapping):
            return {"pairs": [(self.datasheet_label(k), self.sheet_value(k, v)) for k, v in value.items() if v not in (None, "", [], {})]}
        if isinstance(value, list | tuple):
            return {"items": [self.sheet_value(key, v) for v in value]}
        if key in ("first", "last", "date") and isinstance(value, str):
            return self.tr.date(value)
        return self.plain(value)

    def plain(self, value: Any) -> Any:
        """A declared value as text; a mapping as ``{"pairs": [...]}``, a list as ``{"items": [...]}``."""
        if isinstance(value, Mapping):
            if set(value) >= {"en", "nl"} and all(isinstance(v, str) for v in value.values()):
                return self.text_of(value)
            return {"pairs": [(str(k), self.plain(v)) for k, v in value.items()]}
        if isinstance(value, list | tuple):
            return {"items": [self.plain(v) for v in value]}
        if isinstance(value, bool):
            return str(self.t(f"report.{'yes' if value else 'no'}"))
        if isinstance(value, int | float):
            return format_number(value, self.lang)
        return str(value)

    def tests(self) -> dict[str, Any]:
        datasets = [d for d in self.ev.get("datasets") or [] if d["name"] in _TEST_DATASETS]
        rows = []
        for f in self.findings:
            if f.get("dataset") not in _TEST_DATASETS:
                continue
            rows.append({"anchor": self.anchor[f["id"]], "check": self.t(f"checks.{f['check']}.title"),
                         "heading": self.heading(f), "status": f["status"]})
        return {"datasets": [{"name": self.dataset(d["name"]), "rows": format_number(d.get("rows"), self.lang),
                              "sha256": d.get("sha256", "")} for d in datasets],
                "rows": rows, "counts": _counts([r["status"] for r in rows])}

    def gaps(self) -> list[dict[str, Any]]:
        """The shortcomings the audit found: per check, every finding that did not pass."""
        out: dict[str, dict[str, Any]] = {}
        for f in self.findings:
            if f["status"] not in _GAP_STATUSES:
                continue
            entry = out.setdefault(f["check"], {"title": self.t(f"checks.{f['check']}.title"), "fix": self.t(f"checks.{f['check']}.fix"),
                                                "articles": [], "items": []})
            for label in f.get("requirements") or []:
                article = self.tr.cite(label)
                if not str(label).startswith("urn:") and article not in entry["articles"]:
                    entry["articles"].append(article)
            entry["items"].append({"anchor": self.anchor[f["id"]], "heading": self.heading(f), "status": f["status"]})
        return list(out.values())

    def governance(self) -> Mapping[str, Any]:
        """The governance declarations: the evidence's own, else the spec's ``governance:`` as given."""
        own = self.ev.get("governance")
        if isinstance(own, Mapping) and own:
            return own
        spec = self.ev.get("spec") or {}
        declared = spec.get("governance") if isinstance(spec, Mapping) else None
        return declared if isinstance(declared, Mapping) else {}

    def declaration(self, key: str, value: Any, article: str) -> dict[str, Any]:
        """One declared item: its text or fields, who declared it and when."""
        body: Mapping[str, Any] = value if isinstance(value, Mapping) else {"text": value}
        fields = {k: v for k, v in body.items() if k not in _DECLARATION_META and v not in (None, "", [], {})}
        steps = fields.get("steps")
        if isinstance(steps, list) and all(isinstance(x, Mapping) and "step" in x for x in steps):
            fields["steps"] = {"pairs": [(self.field_label(str(x["step"])), self.plain(x.get("text") or "")) for x in steps]}
        if set(fields) <= {"text"}:
            shown: Any = self.plain(fields.get("text", ""))
        else:
            shown = {"pairs": [(self.field_label(k), v if isinstance(v, Mapping) and "pairs" in v else self.plain(v))
                               for k, v in fields.items()]}
        when = body.get("date") or body.get("declared_at")
        return {
            "key": key,
            "title": self.field_label(key),
            "article": self.tr.cite(article) if article else "",
            "raw_article": article,
            "value": shown,
            "declared_by": str(body.get("declared_by") or ""),
            "declared_at": self.tr.date(str(when)) if when else "",
        }

    def field_label(self, key: str) -> str:
        name = f"report.governance.field.{key}"
        return str(self.t(name)) if self.tr.has(name) else str(key)

    def governance_items(self) -> list[dict[str, Any]]:
        """The declared items of Art. 10(2) and 10(5), in the spec's order (data gaps and per-dataset
        declarations have their own places: the data-gap register and the datasheets)."""
        out = []
        for key, value in self.governance().items():
            if key in ("data_gaps", "datasets") or value is None:
                continue
            if key == "special_categories" and isinstance(value, Mapping):
                top = {k: v for k, v in value.items() if k != "safeguards"}
                out.append(self.declaration(key, top, _ARTICLES.get(key, "")))
                for name, safeguard in (value.get("safeguards") or {}).items():
                    if safeguard is not None:
                        out.append(self.declaration(name, safeguard, SAFEGUARDS.get(name, "10(5)")))
                continue
            out.append(self.declaration(key, value, _ARTICLES.get(key, "")))
        return out

    def declared_gaps(self) -> list[dict[str, Any]]:
        """The data gaps the provider declared (Art. 10(2)(h)), with owner, status and measure."""
        gaps = self.governance().get("data_gaps") or []
        out = []
        for gap in gaps if isinstance(gaps, list) else []:
            if not isinstance(gap, Mapping):
                continue
            status = gap.get("status")
            out.append({
                "gap": str(gap.get("gap") or ""), "owner": str(gap.get("owner") or ""),
                "status": self.field_label(f"gap_{status}") if status else "",
                "measure": str(gap.get("measure") or ""), "declared_by": str(gap.get("declared_by") or ""),
                "declared_at": self.tr.date(str(gap["date"])) if gap.get("date") else "",
            })
        return out

    def governance_for(self, requirement: Mapping[str, Any]) -> list[dict[str, Any]]:
        article = str(requirement.get("article", "")).removeprefix("AI Act").strip()
        return [g for g in self.governance_items() if g["raw_article"] and _covers(article, g["raw_article"])]

    def threshold_table(self) -> list[dict[str, Any]]:
        users: dict[str, list[str]] = {}
        for f in self.findings:
            for name in f.get("thresholds") or []:
                users.setdefault(name, [])
                if f["check"] not in users[name]:
                    users[name].append(f["check"])
        out = []
        for name in self.thresholds:
            th = self.threshold(name)
            if th is None:
                continue
            th["checks"] = users.get(name, [])
            out.append(th)
        return out

    def appendix(self) -> dict[str, Any]:
        ev = self.ev
        run = ev.get("run") or {}
        spec_file = run.get("spec_file")
        classification = ev.get("classification") or {}
        return {
            "run": run,
            "started": run.get("started_at", ""),
            "finished": run.get("finished_at", ""),
            "schema_version": ev.get("schema_version", ""),
            "tool": (ev.get("tool") or {}).get("version", ""),
            "rulebook": ev.get("rulebook") or {},
            "tree": classification.get("decision_tree_version", ""),
            "timeline": classification.get("timeline_version", ""),
            "libraries": sorted((run.get("libraries") or {}).items()),
            "spec": yaml.safe_dump(ev.get("spec") or {}, sort_keys=False, allow_unicode=True, width=88).rstrip(),
            "audit_command": f"auditor audit {spec_file} --lang {self.lang}" if spec_file else "",
            "render_command": f"auditor render evidence.json --lang {self.lang}",
        }

    def signatories(self) -> list[dict[str, str]]:
        given = ((self.ev.get("report") or {}).get("signatories")) or []
        return [{"name": s.get("name", ""), "role": s.get("role", "")} for s in given] or [{"name": "", "role": ""}]

    def context(self) -> dict[str, Any]:
        cover = self.cover()
        return {
            "chart_key": [(charts.legend_icon(item), self.t(f"report.chart.legend.{item}")) for item in charts.LEGEND],
            "cover": cover,
            "first": {"verdicts": self.verdicts(), "worst": self.worst(), "missing": self.missing(),
                      "summary": cover["summary"], "integrity": self.integrity()},
            "sections": self.sections(),
            "datasheets": self.datasheets(),
            "tests": self.tests(),
            "governance": self.governance_items(),
            "declared_gaps": self.declared_gaps(),
            "gaps": self.gaps(),
            "thresholds": self.threshold_table(),
            "appendix": self.appendix(),
            "signatories": self.signatories(),
            "monitoring": self.ev.get("monitoring"),
        }


def render_html(
    evidence: Mapping[str, Any],
    *,
    language: str | None = None,
    privacy_floor: int = PRIVACY_FLOOR,
    strict: bool = False,
) -> str:
    """Render the conformity-evidence report for an evidence document.

    Parameters
    ----------
    evidence
        The evidence document (``AuditResult.to_dict()`` or a loaded ``evidence.json``).
    language
        ``en`` or ``nl``; default: the run's language.
    privacy_floor
        Groups with fewer rows are suppressed.
    strict
        Raise :class:`KeyError` when a text is missing in ``language`` (instead of falling
        back to English); the tests render this way.

    Returns
    -------
    str
        One self-contained HTML document.

    Raises
    ------
    ValueError
        For a language other than ``en`` and ``nl``.

    Examples
    --------
    >>> html = render_html(result.to_dict(), language="nl")  # doctest: +SKIP
    """
    language = language or (evidence.get("run") or {}).get("language", "en")
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    tr = Translator(language, strict=strict)
    view = _Report(evidence, tr, privacy_floor).context()
    styles = (reports_dir() / "templates" / "report.css").read_text(encoding="utf-8")
    template = _environment().get_template("report.html.j2")
    return template.render(
        lang=language,
        t=tr.text,
        cite=tr.cite,
        ev=evidence,
        styles=Markup(styles),
        privacy_floor=privacy_floor,
        **view,
    )
