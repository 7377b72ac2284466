"""The HTML report, rendered from the evidence document alone.

Jinja2 with autoescaping on; one self-contained file (the stylesheet is inlined, no external
URL, no script). Counts below the privacy floor are suppressed: a group with fewer than
``PRIVACY_FLOOR`` rows shows neither its count nor its rates.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from auditor.render.i18n import LANGUAGES, Translator, format_number, format_percent
from auditor.resources import reports_dir

PRIVACY_FLOOR = 10
"""Groups with fewer rows than this are suppressed in reports."""

_RATE_METRICS = {
    "missing_rate", "row_missing_rate", "share", "selection_rate", "base_rate", "true_positive_rate",
    "false_positive_rate", "false_negative_rate", "precision", "accuracy", "selection_rate_difference",
}


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(reports_dir() / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _metric_row(metric: Mapping[str, Any], tr: Translator, floor: int) -> dict[str, Any]:
    language = tr.language
    name = metric["name"]
    n = metric.get("n")
    suppressed = n is not None and 0 < n < floor and name not in ("chi_square", "cohens_w")
    fmt = (lambda v: format_percent(v, language)) if name in _RATE_METRICS else (lambda v: format_number(v, language))
    ci = metric.get("ci")
    return {
        "name": name,
        "label": tr.text(f"metrics.{name}"),
        "group": tr.group(metric.get("group")),
        "reference": tr.group(metric["reference"]) if metric.get("reference") else "",
        "column": metric.get("column") or "",
        "value": tr.text("ui.suppressed") if suppressed else fmt(metric.get("value")),
        "ci": "" if suppressed or not ci else f"{fmt(ci[0])} – {fmt(ci[1])}",
        "n": tr.text("ui.below_floor", floor=floor) if suppressed else format_number(n, language) if n is not None else "",
        "threshold": "" if metric.get("threshold") is None else fmt(metric["threshold"]),
        "status": metric.get("status"),
        "p_adjusted": "" if metric.get("p_adjusted") is None or suppressed else format_number(metric["p_adjusted"], language, 4),
    }


def render_html(evidence: Mapping[str, Any], *, language: str | None = None, privacy_floor: int = PRIVACY_FLOOR) -> str:
    """Render the report for an evidence document.

    Parameters
    ----------
    evidence
        The evidence document (``AuditResult.to_dict()`` or a loaded ``evidence.json``).
    language
        ``en`` or ``nl``; default: the run's language.
    privacy_floor
        Groups with fewer rows are suppressed.

    Returns
    -------
    str
        One self-contained HTML document.
    """
    language = language or evidence.get("run", {}).get("language", "en")
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    tr = Translator(language)
    findings = {f["id"]: f for f in evidence.get("findings", [])}
    sections = []
    for requirement in evidence.get("requirements", []):
        items = []
        for fid in requirement.get("findings", []):
            finding = findings[fid]
            params = dict(finding["message"]["params"])
            items.append({
                "id": fid,
                "check": finding["check"],
                "status": finding["status"],
                "dataset": finding.get("dataset"),
                "title": tr.text(f"checks.{finding['check']}.title"),
                "message": tr.message(finding["message"]["key"], params),
                "metrics": [_metric_row(m, tr, privacy_floor) for m in finding.get("metrics", [])],
                "thresholds": finding.get("thresholds", []),
            })
        sections.append({**requirement, "title_text": requirement["title"].get(language, requirement["title"]["en"]), "items": items})
    styles = (reports_dir() / "templates" / "report.css").read_text(encoding="utf-8")
    template = _environment().get_template("report.html.j2")
    return template.render(
        lang=language,
        t=tr.text,
        tr=tr,
        ev=evidence,
        sections=sections,
        styles=Markup(styles),
        num=lambda v, d=3: format_number(v, language, d),
        pct=lambda v: format_percent(v, language),
        privacy_floor=privacy_floor,
    )
