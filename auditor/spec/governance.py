"""The ``governance:`` section: declared data-governance practices (Art. 10(2), 10(5); Annex IV 2(d)).

The auditor cannot observe how data were collected or prepared; the provider declares it, and
the evidence shows each declaration with who declared it and when. Every declaration has the
same shape — ``{text: ..., declared_by: ..., date: YYYY-MM-DD}`` (a plain text is accepted but
reported as incomplete) — plus a few item-specific fields:

.. code-block:: yaml

    governance:
      design_choices:                      # Art. 10(2)(a)
        text: "Label = irregularity found at review; features from the application form only."
        declared_by: "J. Jansen, data science"
        date: 2026-10-01
      collection:                          # Art. 10(2)(b)
        origin: "Municipal benefits administration, reviews 2023-2025"
        original_purpose: "Administering social-assistance applications"
        declared_by: ...
        date: ...
      preparation:                         # Art. 10(2)(c)
        steps:
          - {step: labelling, text: "Outcome of the review, recorded by the reviewer"}
          - {step: cleaning, text: "Removed test records"}
        declared_by: ...
        date: ...
      assumptions: {text: ..., declared_by: ..., date: ...}        # Art. 10(2)(d)
      label_definition: {text: ..., declared_by: ..., date: ...}   # Annex IV 2(d) datasheet
      data_gaps:                           # Art. 10(2)(h): the data-gap register
        - {gap: "income_other missing for 24% of non_western", owner: "Team Data", status: open,
           measure: "Linking with the income register", declared_by: ..., date: ...}
      special_categories:                  # Art. 10(5)
        used: true
        categories: [migration_background]
        declared_by: ...
        date: ...
        safeguards:
          a_necessity: {text: ..., declared_by: ..., date: ...}
          b_reuse_and_security: ...
          c_access: ...
          d_no_transfer: ...
          e_deletion: ...
          f_records: ...
      datasets:                            # per-dataset overrides for the datasheets
        test: {collection: {...}, preparation: {...}}

Validation here is about the form (known keys, texts, dates, allowed values); whether an item is
declared at all is what the governance checks report.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol

from auditor.spec.quality import parse_date

PRACTICES: dict[str, str] = {
    "design_choices": "10(2)(a)",
    "collection": "10(2)(b)",
    "preparation": "10(2)(c)",
    "assumptions": "10(2)(d)",
}
"""The Art. 10(2)(a)-(d) practices, by spec key."""

SAFEGUARDS: dict[str, str] = {
    "a_necessity": "10(5)(a)",
    "b_reuse_and_security": "10(5)(b)",
    "c_access": "10(5)(c)",
    "d_no_transfer": "10(5)(d)",
    "e_deletion": "10(5)(e)",
    "f_records": "10(5)(f)",
}
"""The Art. 10(5)(a)-(f) conditions for processing special categories of personal data."""

PREPARATION_STEPS = ("annotation", "labelling", "cleaning", "updating", "enrichment", "aggregation", "other")
GAP_STATUSES = ("open", "in_progress", "mitigated", "accepted", "closed")
GOVERNANCE_KEYS = (*PRACTICES, "label_definition", "data_gaps", "special_categories", "datasets")
DECLARATION_KEYS = ("text", "declared_by", "date")
_EXTRA_KEYS = {"collection": ("origin", "original_purpose"), "preparation": ("steps",)}
_GAP_KEYS = ("gap", "owner", "status", "measure", "declared_by", "date")
_SPECIAL_KEYS = ("used", "categories", "safeguards", *DECLARATION_KEYS)
_DATASET_ITEMS = ("collection", "preparation", "label_definition")


class _Problems(Protocol):
    def add(self, key: str, message: str) -> None: ...

    def unknown_keys(self, mapping: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None: ...


def _text(value: Any, key: str, problems: _Problems) -> None:
    if value is not None and not isinstance(value, str):
        problems.add(key, f"must be text, found {value!r}")


def _date(value: Any, key: str, problems: _Problems) -> None:
    if value is not None and parse_date(value) is None:
        problems.add(key, f"must be a date (YYYY-MM-DD), found {value!r}")


def _declaration(value: Any, key: str, problems: _Problems, extra: tuple[str, ...] = ()) -> None:
    if value is None or isinstance(value, str):
        return
    if not isinstance(value, Mapping):
        problems.add(key, f"must be a text or a mapping with {', '.join((*extra, *DECLARATION_KEYS))}, found {value!r}")
        return
    problems.unknown_keys(value, (*extra, *DECLARATION_KEYS), key)
    for field in ("text", "declared_by", "origin", "original_purpose"):
        _text(value.get(field), f"{key}.{field}", problems)
    _date(value.get("date"), f"{key}.date", problems)
    if "steps" in extra and value.get("steps") is not None:
        steps = value["steps"]
        if not isinstance(steps, list):
            problems.add(f"{key}.steps", f"must be a list of {{step:, text:}}, found {steps!r}")
            return
        for i, step in enumerate(steps):
            where = f"{key}.steps[{i}]"
            if not isinstance(step, Mapping):
                problems.add(where, f"must be a mapping {{step: one of {', '.join(PREPARATION_STEPS)}, text: ...}}, found {step!r}")
                continue
            problems.unknown_keys(step, ("step", "text"), where)
            if step.get("step") not in PREPARATION_STEPS:
                hint = difflib.get_close_matches(str(step.get("step")), PREPARATION_STEPS, n=1)
                did = f"; did you mean {hint[0]!r}?" if hint else ""
                problems.add(f"{where}.step", f"unknown step {step.get('step')!r}{did} (allowed: {', '.join(PREPARATION_STEPS)})")
            _text(step.get("text"), f"{where}.text", problems)


def check_governance(raw: Mapping[str, Any], problems: _Problems) -> None:
    """Validate the form of the ``governance:`` section; problems are collected, not raised."""
    problems.unknown_keys(raw, GOVERNANCE_KEYS, "governance")
    for item in (*PRACTICES, "label_definition"):
        _declaration(raw.get(item), f"governance.{item}", problems, _EXTRA_KEYS.get(item, ()))
    gaps = raw.get("data_gaps")
    if gaps is not None:
        if not isinstance(gaps, list):
            problems.add("governance.data_gaps", f"must be a list of gaps ({', '.join(_GAP_KEYS)}); [] declares none, "
                                                 f"found {gaps!r}")
        else:
            for i, gap in enumerate(gaps):
                where = f"governance.data_gaps[{i}]"
                if not isinstance(gap, Mapping):
                    problems.add(where, f"must be a mapping with {', '.join(_GAP_KEYS)}, found {gap!r}")
                    continue
                problems.unknown_keys(gap, _GAP_KEYS, where)
                for field in ("gap", "owner", "measure", "declared_by"):
                    _text(gap.get(field), f"{where}.{field}", problems)
                _date(gap.get("date"), f"{where}.date", problems)
                status = gap.get("status")
                if status is not None and status not in GAP_STATUSES:
                    hint = difflib.get_close_matches(str(status), GAP_STATUSES, n=1)
                    did = f"; did you mean {hint[0]!r}?" if hint else ""
                    problems.add(f"{where}.status", f"unknown status {status!r}{did} (allowed: {', '.join(GAP_STATUSES)})")
    special = raw.get("special_categories")
    if special is not None:
        key = "governance.special_categories"
        if not isinstance(special, Mapping):
            problems.add(key, f"must be a mapping with used: true/false (and safeguards: when used), found {special!r}")
        else:
            problems.unknown_keys(special, _SPECIAL_KEYS, key)
            if not isinstance(special.get("used"), bool):
                problems.add(f"{key}.used", f"must be true or false, found {special.get('used')!r}")
            categories = special.get("categories")
            if categories is not None and not (isinstance(categories, list) and all(isinstance(c, str) for c in categories)):
                problems.add(f"{key}.categories", f"must be a list of texts, found {categories!r}")
            _text(special.get("text"), f"{key}.text", problems)
            _text(special.get("declared_by"), f"{key}.declared_by", problems)
            _date(special.get("date"), f"{key}.date", problems)
            safeguards = special.get("safeguards")
            if safeguards is not None:
                if not isinstance(safeguards, Mapping):
                    problems.add(f"{key}.safeguards", f"must be a mapping with {', '.join(SAFEGUARDS)}, found {safeguards!r}")
                else:
                    problems.unknown_keys(safeguards, tuple(SAFEGUARDS), f"{key}.safeguards")
                    for name in SAFEGUARDS:
                        _declaration(safeguards.get(name), f"{key}.safeguards.{name}", problems)
    datasets = raw.get("datasets")
    if datasets is not None:
        from auditor.spec.model import DATASET_ROLES

        if not isinstance(datasets, Mapping):
            problems.add("governance.datasets", f"must map a dataset ({', '.join(DATASET_ROLES)}) to its declarations, "
                                                f"found {datasets!r}")
        else:
            problems.unknown_keys(datasets, DATASET_ROLES, "governance.datasets")
            for role, items in datasets.items():
                where = f"governance.datasets.{role}"
                if not isinstance(items, Mapping):
                    problems.add(where, f"must be a mapping with any of {', '.join(_DATASET_ITEMS)}, found {items!r}")
                    continue
                problems.unknown_keys(items, _DATASET_ITEMS, where)
                for item in _DATASET_ITEMS:
                    _declaration(items.get(item), f"{where}.{item}", problems, _EXTRA_KEYS.get(item, ()))


def declaration(value: Any, required: tuple[str, ...] = ("text",)) -> dict[str, Any]:
    """A declaration in a fixed form for the evidence.

    Returns
    -------
    dict
        ``{declared: bool, complete: bool, missing: [...], text, declared_by, date}``:
        *declared* when the item is there at all; *complete* when ``required`` fields,
        ``declared_by`` and ``date`` are all given (``missing`` lists the absent ones).
    """
    if value is None:
        return {"declared": False, "complete": False, "missing": [*required, "declared_by", "date"],
                "text": None, "declared_by": None, "date": None}
    body: Mapping[str, Any] = {"text": value} if isinstance(value, str) else value
    when = parse_date(body.get("date"))
    out: dict[str, Any] = {
        "declared": True,
        "text": body.get("text"),
        "declared_by": body.get("declared_by"),
        "date": when.isoformat() if isinstance(when, date) else None,
    }
    present = {k: body.get(k) not in (None, "", []) for k in (*required, "declared_by")}
    present["date"] = out["date"] is not None
    out["missing"] = [k for k, ok in present.items() if not ok]
    out["complete"] = not out["missing"]
    return out


__all__ = ["GAP_STATUSES", "GOVERNANCE_KEYS", "PRACTICES", "PREPARATION_STEPS", "SAFEGUARDS", "check_governance",
           "declaration"]
