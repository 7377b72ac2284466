"""Declared data governance (Art. 10(2)(a)-(d), (h), 10(5)) and the datasheet per dataset (Annex IV 2(d)).

The auditor cannot observe how data were designed, collected or prepared; the provider declares
it under ``governance:`` in the spec (:mod:`auditor.spec.governance`). These checks report what is
declared and what is missing, with who declared each item and when. A declaration is
*complete* when it has its content, ``declared_by`` and ``date``.

``governance.data_practices``
    Art. 10(2)(a) design choices, (b) collection processes and origin of the data and, for
    personal data, the original purpose of collection, (c) preparation (annotation, labelling,
    cleaning, updating, enrichment, aggregation), (d) assumptions about what the data measure and
    represent. Insufficient evidence when an item is not declared (the auditor cannot tell whether
    the practice exists); warn when one is incomplete.
``governance.data_gaps``
    Art. 10(2)(h): the register of known data gaps and shortcomings, each with an owner and a
    status. Insufficient evidence when there is no register (an empty list declares that none are
    known); warn when an entry lacks its owner, status, declarer or date.
``governance.special_categories``
    Art. 10(5): whether special categories of personal data (e.g. ethnic origin, health) are
    processed for bias detection and correction and, if so, the conditions (a)-(f). Insufficient
    evidence when not declared; fail when declared as used without one of the conditions; warn
    when a declaration is incomplete.

:func:`datasheet` assembles, per dataset, the datasheet of Annex IV 2(d) as data for the evidence:
rows, columns, period, provenance, label definition and preparation steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from auditor.checks.base import Check, CheckContext, finding_id
from auditor.engines.profile import Profile
from auditor.evidence.model import Finding, Message, Status, worst
from auditor.spec.governance import PRACTICES, SAFEGUARDS, declaration
from auditor.spec.model import AuditSpec

DATA_PRACTICES = "governance.data_practices"
DATA_GAPS = "governance.data_gaps"
SPECIAL_CATEGORIES = "governance.special_categories"
_REQUIRED = {"design_choices": ("text",), "collection": ("origin", "original_purpose"), "preparation": ("steps",),
             "assumptions": ("text",)}


def _status(item: Mapping[str, Any], *, missing: Status = Status.INSUFFICIENT_EVIDENCE) -> Status:
    """``missing`` when not declared, ``warn`` when incomplete, else ``pass``."""
    return missing if not item["declared"] else Status.PASS if item["complete"] else Status.WARN


def _finding(check: str, ctx: CheckContext, status: Status, params: dict[str, Any]) -> Finding:
    return Finding(id=finding_id(check), check=check, status=status, dataset=None, requirements=ctx.requirements,
                   message=Message(f"{check}.{status.value}", params))


def data_practices(ctx: CheckContext) -> list[Finding]:
    """Art. 10(2)(a)-(d) declarations: declared, complete, by whom and when."""
    items = []
    for key, article in PRACTICES.items():
        value = ctx.governance.get(key)
        item = declaration(value, _REQUIRED[key])
        if key == "collection" and isinstance(value, Mapping):
            item.update(origin=value.get("origin"), original_purpose=value.get("original_purpose"))
        if key == "preparation" and isinstance(value, Mapping):
            item["steps"] = [dict(s) for s in value.get("steps") or []]
        items.append({"item": key, "article": article, **item})
    status = worst(_status(i) for i in items)
    return [_finding(DATA_PRACTICES, ctx, status, {
        "items": items,
        "missing": [i["item"] for i in items if not i["declared"]],
        "incomplete": [i["item"] for i in items if i["declared"] and not i["complete"]],
    })]


def data_gaps(ctx: CheckContext) -> list[Finding]:
    """Art. 10(2)(h): the data-gap register and the completeness of its entries."""
    register = ctx.governance.get("data_gaps")
    if register is None:
        return [_finding(DATA_GAPS, ctx, Status.INSUFFICIENT_EVIDENCE,
                         {"declared": False, "gaps": [], "incomplete": [], "n_open": 0})]
    gaps = []
    for i, entry in enumerate(register):
        item = declaration(entry, ("gap", "owner", "status"))
        gaps.append({"index": i, "gap": entry.get("gap"), "owner": entry.get("owner"), "status": entry.get("status"),
                     "measure": entry.get("measure"), "declared_by": item["declared_by"], "date": item["date"],
                     "complete": item["complete"], "missing": item["missing"]})
    incomplete = [g["index"] for g in gaps if not g["complete"]]
    status = Status.WARN if incomplete else Status.PASS
    return [_finding(DATA_GAPS, ctx, status, {
        "declared": True, "gaps": gaps, "incomplete": incomplete,
        "n_open": sum(1 for g in gaps if g["status"] in ("open", "in_progress")),
    })]


def special_categories(ctx: CheckContext) -> list[Finding]:
    """Art. 10(5): special-category data used or not, and the safeguards (a)-(f) when used."""
    special = ctx.governance.get("special_categories")
    if special is None:
        return [_finding(SPECIAL_CATEGORIES, ctx, Status.INSUFFICIENT_EVIDENCE,
                         {"declared": False, "used": None, "categories": [], "safeguards": [], "missing": [],
                          "incomplete": [], "protected": list(ctx.columns.protected)})]
    item = declaration(special, ("used",))
    used = bool(special.get("used"))
    safeguards = []
    if used:
        given = special.get("safeguards") or {}
        for key, article in SAFEGUARDS.items():
            safeguards.append({"item": key, "article": article, **declaration(given.get(key))})
    statuses = [Status.PASS if item["complete"] else Status.WARN, *(_status(s, missing=Status.FAIL) for s in safeguards)]
    status = worst(statuses)
    return [_finding(SPECIAL_CATEGORIES, ctx, status, {
        "declared": True, "used": used, "categories": list(special.get("categories") or []),
        "declared_by": item["declared_by"], "date": item["date"], "complete": item["complete"],
        "safeguards": safeguards,
        "missing": [s["item"] for s in safeguards if not s["declared"]],
        "incomplete": [s["item"] for s in safeguards if s["declared"] and not s["complete"]],
        "protected": list(ctx.columns.protected),
    })]


def _item(governance: Mapping[str, Any], dataset: str, key: str) -> Any:
    per_dataset = (governance.get("datasets") or {}).get(dataset) or {}
    return per_dataset.get(key, governance.get(key))


def datasheet(profile: Profile, spec: AuditSpec) -> dict[str, Any]:
    """The datasheet of one dataset (Annex IV 2(d)), as data for the evidence.

    Returns
    -------
    dict
        ``rows``, ``columns``, ``period`` (first and last date of ``quality.date_column``),
        ``provenance`` (the ``collection`` declaration), ``label`` (target column, its declared
        definition and class counts), ``preparation`` (declared steps) — each declaration with
        ``declared_by`` and ``date``; ``None`` where nothing is known or declared.
    """
    governance = spec.governance
    period = None
    dates = profile.digests.dates if profile.digests is not None else None
    if dates is not None and dates.first is not None and dates.last is not None:
        period = {"column": dates.column,
                  "first": datetime.fromtimestamp(dates.first / 1e6, tz=UTC).date().isoformat(),
                  "last": datetime.fromtimestamp(dates.last / 1e6, tz=UTC).date().isoformat()}
    collection = _item(governance, profile.dataset, "collection")
    provenance = None
    if collection is not None:
        provenance = declaration(collection, ("origin", "original_purpose"))
        if isinstance(collection, Mapping):
            provenance.update(origin=collection.get("origin"), original_purpose=collection.get("original_purpose"))
    target = profile.roles.get("target")
    label = None
    if target is not None:
        counts = profile.columns[target].counts
        label = {"column": target, "definition": declaration(_item(governance, profile.dataset, "label_definition")),
                 "counts": dict(counts) if counts is not None else None}
    preparation = _item(governance, profile.dataset, "preparation")
    return {
        "rows": profile.n_rows,
        "columns": len(profile.columns),
        "period": period,
        "provenance": provenance,
        "label": label,
        "preparation": None if preparation is None else {
            **declaration(preparation, ("steps",)),
            "steps": [dict(s) for s in preparation.get("steps") or []] if isinstance(preparation, Mapping) else [],
        },
    }


CHECKS = (
    Check(DATA_PRACTICES, "governance", data_practices),
    Check(DATA_GAPS, "governance", data_gaps),
    Check(SPECIAL_CATEGORIES, "governance", special_categories),
)

__all__ = ["CHECKS", "DATA_GAPS", "DATA_PRACTICES", "SPECIAL_CATEGORIES", "datasheet"]
