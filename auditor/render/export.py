"""Exports of the evidence into the Dutch government's formats and a Markdown summary.

Each export reads the evidence document alone (like the HTML report) and computes nothing
new: statuses and numbers are the evidence's.

- :func:`system_card`: the MinBZK system card (algorithm-reporting-standard, YAML; the
  Algorithm Management Toolkit imports it). Identity and ``ai_act_profile`` come from the
  classification module's own writer (the decision aid's Dutch labels); this module adds the
  audit: the state of every Algoritmekader requirement and measure the evidence covers, with
  a value and evidence links, and a model card whose subgroup metrics carry labels naming the
  subgroup.
- :func:`register_draft`: an Algoritmeregister entry (publication standard 1.0, JSON), with
  the problems that keep it from being submitted (missing required fields, too-long texts).
- :func:`markdown_summary`: a summary for a merge request or a wiki page; every user text is
  escaped for Markdown and for the HTML that Markdown renderers let through.

Status → state (:data:`CARD_STATE`). A requirement or measure gets the state of the worst
status among the rulebook requirements that name it:

==========================================  ===============  ==========================================
evidence status                             card state       why
==========================================  ===============  ==========================================
``pass``                                    ``in review``    evidence complete and within thresholds;
                                                             a person reviews and signs the report
``warn``, ``insufficient_evidence``         ``in progress``  evidence incomplete or inconclusive
``fail``, ``error``                         ``in progress``  shortcomings found (or a check could not
                                                             run): work to do before review
``not_assessed``, ``not_applicable``        ``to do``        this audit produced no evidence for it
==========================================  ===============  ==========================================

``done`` and ``not implemented`` are decisions of people, never set by the tool: when a card
given as ``base`` already says ``done`` or ``not implemented`` and the evidence passes (or
has nothing), the person's state is kept; a ``fail`` always reopens it (``in progress``).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from auditor.classification._data import vocabulary as _data_vocabulary
from auditor.errors import DataError
from auditor.render.html import STATUS_ORDER, safe_message
from auditor.render.i18n import (
    LANGUAGES,
    Translator,
    cite,
    format_metric,
    format_number,
)
from auditor.render.privacy import PRIVACY_FLOOR, below_floor

CARD_STATE: Mapping[str, str] = {
    "pass": "in review",
    "warn": "in progress",
    "insufficient_evidence": "in progress",
    "fail": "in progress",
    "error": "in progress",
    "not_assessed": "to do",
    "not_applicable": "to do",
}
"""The system-card state for each evidence status (see the module docstring)."""

PERSON_STATES = ("done", "not implemented")
"""States only a person sets; kept from a base card unless the evidence fails."""

MODEL_FAMILIES = ("bias", "performance")
"""Check families whose metrics describe the model and go into the system card's model card."""

_SEVERITY = {s: i for i, s in enumerate(reversed(STATUS_ORDER))}


def _language(evidence: Mapping[str, Any], language: str | None) -> str:
    language = language or (evidence.get("run") or {}).get("language", "en")
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    return language


def _text(texts: Mapping[str, str] | str | None, language: str) -> str:
    if texts is None:
        return ""
    if isinstance(texts, str):
        return texts
    return texts.get(language) or texts.get("en") or ""


def _plain(markup: Any) -> str:
    """A rendered (HTML-escaped) text as plain text."""
    return Markup(str(markup)).striptags() if isinstance(markup, Markup) else str(markup)


def _worst(statuses: list[str]) -> str:
    return max(statuses, key=lambda s: _SEVERITY.get(s, 0)) if statuses else "not_applicable"


def _classified(evidence: Mapping[str, Any]) -> tuple[Any, Any]:
    """The system's facts and classification, rebuilt from the evidence's classification.

    The classification module's writers take its objects; they are rebuilt from the facts
    stored in the evidence, classified as of the evidence's date, and checked to agree with
    the evidence (a different auditor version could classify the same facts differently).
    """
    stored = evidence.get("classification")
    if not stored or not stored.get("facts"):
        raise DataError("the evidence has no classification; name the system description in the audit spec "
                        "(system: system.yaml) and run the audit again", source="evidence.json")
    from auditor.classification import classify, load_system

    facts = load_system(stored["facts"])
    result = classify(facts, as_of=dt.date.fromisoformat(stored["as_of"]))
    again = result.to_dict()
    for key in ("category", "bases", "roles", "transparency", "requirements"):
        if again.get(key) != stored.get(key):
            raise DataError(
                f"this auditor classifies the system's facts differently from the evidence ({key}: "
                f"{again.get(key)!r} vs {stored.get(key)!r}, decision tree {again.get('decision_tree_version')} vs "
                f"{stored.get('decision_tree_version')}); run the audit again with this version",
                source="evidence.json",
            )
    return facts, result


def _urn_statuses(evidence: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Per Algoritmekader URN: the rulebook requirements naming it and their worst status."""
    out: dict[str, dict[str, Any]] = {}
    for index, requirement in enumerate(evidence.get("requirements") or []):
        for urn in requirement.get("algoritmekader") or []:
            entry = out.setdefault(urn, {"requirements": [], "statuses": []})
            entry["requirements"].append((index, requirement))
            entry["statuses"].append(requirement["status"])
    for entry in out.values():
        found = [s for s in entry["statuses"] if s != "not_applicable"]
        entry["status"] = _worst(found) if found else "not_applicable"
    return out


def _state(status: str, previous: str | None) -> str:
    if previous in PERSON_STATES and status in ("pass", "not_applicable"):
        return previous
    if status == "not_applicable" and previous:
        return previous
    return CARD_STATE[status]


def _value(entry: Mapping[str, Any], evidence: Mapping[str, Any], tr: Translator) -> str:
    run = evidence.get("run") or {}
    findings = {f["id"]: f for f in evidence.get("findings") or []}
    parts = []
    for _, requirement in entry["requirements"]:
        tally = [findings[fid]["status"] for fid in requirement.get("findings", []) if fid in findings]
        counts = Markup(", ").join(Markup(f"{tally.count(s)} ") + tr.text(f"status.{s}") for s in STATUS_ORDER if tally.count(s))
        parts.append(str(tr.text(
            "report.export.requirement_value", article=cite(requirement["article"], tr.language),
            title=_text(requirement.get("title"), tr.language), status=tr.text(f"status.{requirement['status']}"),
            counts=counts or tr.text("report.cover.no_findings"),
        )))
    head = str(tr.text("report.export.value_head", run=run.get("id", ""), date=tr.date(run.get("started_at"))))
    return _plain(Markup(head + " " + " ".join(parts)))


def _model_card(evidence: Mapping[str, Any], tr: Translator, floor: int, *, licence: str | None) -> dict[str, Any] | None:
    """A model card (Hugging Face layout, as the standard uses) with the model's metrics per dataset.

    Every metric of a bias or performance finding becomes a card metric; a metric of a group
    carries one label per attribute of the group (several labels = an intersection). Groups
    below the privacy floor are left out. Datasets are named by their name in the audit spec
    (``train``, ``test``) with their fingerprint, never by a local file path. ``license`` is
    required by AMT's model card: the system's ``licence`` fact, else ``other`` (the Hugging
    Face value for a licence not stated).
    """
    datasets = {d["name"]: d for d in evidence.get("datasets") or []}
    results = []
    for name, dataset in datasets.items():
        metrics = []
        for finding in evidence.get("findings") or []:
            if finding.get("dataset") != name or finding["check"].split(".")[0] not in MODEL_FAMILIES:
                continue
            for m in finding.get("metrics") or []:
                n = m.get("n")
                if m.get("value") is None or below_floor(m, floor):
                    continue
                group = m.get("group") or {}
                label = tr.group(group) if group else str(tr.text("ui.all_rows"))
                if m.get("reference"):
                    label += f" / {tr.group(m['reference'])}"
                details = [f"n = {format_number(n, tr.language)}"] if n is not None else []
                if m.get("ci"):
                    low, high = (format_metric(m["name"], v, tr.language) for v in m["ci"])
                    details.append(f"{tr.text('ui.ci')} {low}–{high}")
                if m.get("status"):
                    details.append(str(tr.text(f"status.{m['status']}")))
                metric: dict[str, Any] = {
                    "type": m["name"],
                    "name": f"{_plain(tr.text('metrics.' + m['name']))} — {label}" + (f" ({'; '.join(details)})" if details else ""),
                    "dtype": "float",
                    "value": float(m["value"]),
                }
                labels = [{"name": str(k), "type": "feature", "dtype": "string", "value": "" if v is None else str(v)}
                          for k, v in group.items()]
                if labels:
                    metric["labels"] = labels
                metrics.append(metric)
        if metrics:
            results.append({
                "task": [{"type": "tabular-classification"}],
                "datasets": [{"type": "tabular", "name": name, "split": name,
                              "revision": f"sha256:{dataset.get('sha256', '')}"}],
                "metrics": metrics,
                "measurements": {},
            })
    if not results:
        return None
    system = evidence.get("system") or {}
    run = evidence.get("run") or {}
    return {
        "provenance": {"timestamp": run.get("finished_at"), "uri": "auditor", "author": f"auditor {(evidence.get('tool') or {}).get('version', '')}"},
        "name": system.get("name") or "model",
        "license": {"license_name": licence or "other"},
        "model-index": [{"name": system.get("name") or "model", "results": results}],
    }


def system_card(
    evidence: Mapping[str, Any],
    *,
    language: str | None = None,
    base: Mapping[str, Any] | None = None,
    privacy_floor: int = PRIVACY_FLOOR,
) -> dict[str, Any]:
    """The MinBZK system card for an audited system.

    Parameters
    ----------
    evidence
        The evidence document; it must carry a classification (``system:`` in the spec).
    language
        Language of the free-text values (``en``/``nl``); default: the run's.
    base
        An existing card to update: its fields, foreign labels and people's states are kept.
    privacy_floor
        Subgroup metrics of groups smaller than this are left out.

    Returns
    -------
    dict
        The card: identity, ``ai_act_profile`` (decision-aid labels), ``requirements`` and
        ``measures`` (``urn``, ``state``, ``value``, ``links``), and ``models`` (a model card).

    Raises
    ------
    DataError
        When the evidence has no classification, or this version classifies its facts
        differently.
    """
    language = _language(evidence, language)
    tr = Translator(language)
    facts, result = _classified(evidence)
    from auditor.classification import system_card as card_for

    card = card_for(facts, result, base=copy.deepcopy(dict(base)) if base else None)
    covered = _urn_statuses(evidence)
    anchors = {r["id"]: f"r{i + 1}" for i, r in enumerate(evidence.get("requirements") or [])}

    version = _data_vocabulary()["system_card"]["task_version"]

    def entry(urn: str, previous: Mapping[str, Any] | None) -> dict[str, Any]:
        out = dict(previous or {"urn": urn})
        out.setdefault("version", version)  # AMT's RequirementTask and MeasureTask require it
        found = covered.get(urn)
        if found is None:
            out.setdefault("state", CARD_STATE["not_applicable"])
            return out
        out["state"] = _state(found["status"], (previous or {}).get("state"))
        out["value"] = _value(found, evidence, tr)
        out["links"] = ["evidence.json"] + [f"report.html#{anchors[r['id']]}" for _, r in found["requirements"]]
        return out

    requirements = [entry(r["urn"], r) for r in card.get("requirements") or [] if isinstance(r, Mapping) and r.get("urn")]
    known = {r["urn"] for r in requirements}
    requirements += [entry(urn, None) for urn in covered if urn.startswith("urn:nl:ak:ver:") and urn not in known]
    card["requirements"] = requirements
    measures = [m for m in card.get("measures") or [] if isinstance(m, Mapping) and m.get("urn")]
    known = {m["urn"] for m in measures}
    measures = [entry(m["urn"], m) for m in measures]
    measures += [entry(urn, None) for urn in covered if urn.startswith("urn:nl:ak:mtr:") and urn not in known]
    card["measures"] = measures
    model = _model_card(evidence, tr, privacy_floor, licence=facts.licence)
    if model is not None:
        others = [m for m in card.get("models") or [] if not (isinstance(m, Mapping) and m.get("provenance", {}).get("uri") == "auditor")]
        card["models"] = others + [model]
    return card


def register_draft(evidence: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """An Algoritmeregister entry (publication standard 1.0) for the audited system.

    Parameters
    ----------
    evidence
        The evidence document; it must carry a classification.

    Returns
    -------
    entry, problems
        The draft (required fields without a value are present and empty, so the draft shows
        what to fill in) and one message per problem that keeps it from being submitted.

    Raises
    ------
    DataError
        When the evidence has no classification.
    """
    facts, result = _classified(evidence)
    from auditor.classification import register_entry, register_problems

    entry = register_entry(facts, result)
    return entry, register_problems(entry, facts, result)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md(text: Any) -> str:
    """Escape inline text for Markdown: HTML characters as entities, Markdown punctuation with ``\\``.

    Renderers (GitLab, GitHub, wikis) pass raw HTML through, so ``<``, ``>`` and ``&`` become
    entities (which also stops autolinks and HTML blocks); the characters that open code,
    emphasis, links, images, strikethrough or table cells (`` \\ ` * _ [ ] ~ | ``) are
    backslash-escaped; line breaks become spaces, so the text stays inline (a table cell, a
    list item) and cannot start a heading, list or quote of its own.
    """
    value = " ".join(str(text).split())
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", value)


def markdown_summary(evidence: Mapping[str, Any], *, language: str | None = None) -> str:
    """A Markdown summary of the audit for a merge request or a wiki page.

    Parameters
    ----------
    evidence
        The evidence document.
    language
        ``en`` or ``nl``; default: the run's.

    Returns
    -------
    str
        Markdown: the system and its classification, the verdict per requirement, and every
        finding that did not pass. All text is escaped (:func:`md`); nothing is put in code
        spans, where escapes would show.
    """
    language = _language(evidence, language)
    tr = Translator(language)

    def t(key: str, **params: Any) -> str:
        return md(_plain(tr.text(key, **params)))

    run = evidence.get("run") or {}
    system = evidence.get("system") or {}
    classification = evidence.get("classification") or {}
    lines = [f"## {t('report.doc_title')}" + (f": {md(system['name'])}" if system.get("name") else ""), ""]
    facts = []
    if system.get("organisation"):
        facts.append(f"**{t('report.cover.organisation')}:** {md(system['organisation'])}")
    if classification:
        category = _text(classification.get("category_title"), language) or _plain(tr.text(f"category.{classification['category']}"))
        roles = ", ".join(_plain(tr.text(f"report.role.{r}")) for r in classification.get("roles") or [])
        facts.append(f"**{t('ui.classification')}:** {md(category)}" + (f" ({md(roles)})" if roles else ""))
        deadline = classification.get("next_deadline")
        if deadline:
            facts.append(f"**{t('report.cover.next_deadline')}:** {md(tr.date(deadline['date']))}")
    facts.append(f"**{t('report.cover.audit_date')}:** {md(tr.date(run.get('started_at')))} "
                 f"({t('ui.run')} {md(run.get('id', ''))})")
    lines += [f"- {f}" for f in facts] + [""]
    summary = evidence.get("summary") or {}
    lines.append(f"{t('ui.counts')}: " + ", ".join(f"{t('status.' + s)} {summary.get(s, 0)}" for s in STATUS_ORDER) + ".")
    lines += ["", f"| {t('ui.requirement')} | {t('ui.status')} | {t('ui.algoritmekader')} |", "|---|---|---|"]
    for requirement in evidence.get("requirements") or []:
        lines.append(
            f"| {md(cite(requirement['article'], language))} {md(_text(requirement.get('title'), language))} "
            f"| {_SYMBOL.get(requirement['status'], '')} {t('status.' + requirement['status'])} "
            f"| {', '.join(md(u) for u in requirement.get('algoritmekader') or [])} |"
        )
    problems = [f for f in evidence.get("findings") or [] if f["status"] in ("fail", "error", "warn", "insufficient_evidence")]
    if problems:
        lines += ["", f"### {t('report.gaps.caption')}", ""]
        for f in problems:
            message = _plain(safe_message(tr, f, PRIVACY_FLOOR))
            title = _plain(tr.text(f"checks.{f['check']}.title"))
            lines.append(f"- {_SYMBOL.get(f['status'], '')} **{t('status.' + f['status'])}** — {md(title)} "
                         f"({md(f['id'])}): {md(message)}")
    lines += ["", f"_{t('report.export.markdown_footer', version=(evidence.get('tool') or {}).get('version', ''))}_", ""]
    return "\n".join(lines)


_SYMBOL = {"pass": "✓", "warn": "!", "fail": "✕", "insufficient_evidence": "?", "not_assessed": "○", "not_applicable": "–", "error": "⚠"}
