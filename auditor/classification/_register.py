"""A draft entry for the Algoritmeregister (publication standard 1.0, JSON), checked against its schema.

The field definitions are the register's own (``algoritmeregister_v1_0.json``: required fields,
text limits, permitted values of MinBZK/Algoritmeregister ``backend/app/schemas/config/v1_0.json``,
which its submission API ``aanleverapi/v1_0`` validates against; source and licence in this
package's README). The draft is checked against that file, not against limits of our own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from auditor.classification import _data

if TYPE_CHECKING:
    from auditor.classification._classify import Classification
    from auditor.classification._facts import SystemFacts

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WEBSITE = re.compile(r"^https://[^\s/]+\.[^\s]+$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

# Optional text fields of the standard filled from optional facts.
_OPTIONAL = {
    "goal": "purpose",
    "human_intervention": "human_intervention",
    "risks": "risks",
    "source_data": "source_data",
    "methods_and_models": "methods_and_models",
    "provider": "supplier",
}

# Words that name a fundamental-rights impact assessment (Art. 27) in an impact assessment's title.
_FRIA_WORDS = ("fria", "iama", "fundamental rights", "grondrechten", "mensenrechten")


@cache
def register_schema() -> Mapping[str, Mapping[str, Any]]:
    """Return the register's field definitions of publication standard 1.0, by field name.

    Returns
    -------
    Mapping
        Per field: ``type`` (``string``, ``enum``, ``array``), ``title``, ``required`` and, where
        the standard sets them, ``max_length``, ``max_items``, ``permitted_values`` and, for
        arrays of objects, ``items`` (the same per sub-field).
    """
    text = resources.files("auditor.classification").joinpath("algoritmeregister_v1_0.json").read_text("utf-8")
    properties: Mapping[str, Mapping[str, Any]] = json.loads(text)["properties"]
    return properties


def publication_category(facts: SystemFacts, result: Classification) -> str | None:
    """Derive the register's publication category from the classification.

    Parameters
    ----------
    facts
        The system's facts.
    result
        Its classification.

    Returns
    -------
    str or None
        ``Hoog-risico AI-systeem`` for a high-risk AI system; ``Impactvolle algoritmes`` when its
        output influences a process with legal effects for citizens or companies
        (``legal_effects``), when it profiles natural persons, or when it serves an Annex III
        use without being high-risk — AI or not (Algoritmekader, *impact van algoritmes*);
        ``Overige algoritmes`` otherwise. ``None`` for a prohibited practice: it is to be
        stopped, not published.
    """
    names = _data.vocabulary()["register"]["publication_category"]
    if result.category == "prohibited":
        return None
    if result.category == "high_risk":
        return str(names["high_risk"])
    if facts.legal_effects or facts.profiling or facts.annex_iii:
        return str(names["impactful"])
    return str(names["other"])


def _themes(theme: str | None) -> list[str]:
    if not theme:
        return []
    return [part.strip() for part in theme.split(";") if part.strip()]


def register_entry(facts: SystemFacts, result: Classification) -> dict[str, Any]:
    """Draft an Algoritmeregister entry (publication standard 1.0) for a classified system.

    Parameters
    ----------
    facts
        The system's facts; ``description`` fills ``description_short``, ``contact_email`` the
        contact (an e-mail address or an ``https://`` website), ``theme`` the themes
        (``category``, several separated by ``;``), ``impact_assessments`` the
        ``impacttoetsen_grouping``, ``purpose``, ``supplier`` and the other descriptive facts the
        optional fields.
    result
        Its classification, which decides ``publication_category``.

    Returns
    -------
    dict
        The draft. Required fields without a value are present as ``""``, so the draft shows
        what is left to fill in; :func:`register_problems` lists them.
    """
    register = _data.vocabulary()["register"]
    entry: dict[str, Any] = {
        "name": facts.name,
        "description_short": facts.description or "",
        "organization": facts.organisation,
        "status": str(_data.choices("statuses")[facts.status]["register"]),
        "contact_email": facts.contact_email or "",
        "publication_category": publication_category(facts, result) or "",
        "lang": str(register["lang"]),
        "standard_version": str(register["standard_version"]),
    }
    themes = _themes(facts.theme)
    if themes:
        entry["category"] = themes
    if facts.in_use_since:
        entry["begin_date"] = facts.in_use_since.strftime("%Y-%m")
    for field, fact in _OPTIONAL.items():
        value = getattr(facts, fact)
        if value:
            entry[field] = value
    if facts.impact_assessments:
        entry["impacttoetsen_grouping"] = [
            {"title": a.title, **({"link": a.link} if a.link else {})} for a in facts.impact_assessments
        ]
    return entry


def _field_problems(name: str, value: Any, spec: Mapping[str, Any]) -> list[str]:
    """The problems of one value against its field definition of the standard."""
    problems: list[str] = []
    kind = spec.get("type")
    if kind == "array":
        if not isinstance(value, list):
            return [f"{name}: must be a list, found {type(value).__name__}"]
        if spec.get("max_items") is not None and len(value) > int(spec["max_items"]):
            problems.append(f"{name}: {len(value)} items, at most {spec['max_items']} allowed")
        allowed = spec.get("permitted_values")
        for i, item in enumerate(value):
            if spec.get("items"):
                if not isinstance(item, Mapping):
                    problems.append(f"{name}[{i}]: must be an object with {', '.join(spec['items'])}")
                    continue
                for sub, sub_spec in spec["items"].items():
                    problems.extend(_field_problems(f"{name}[{i}].{sub}", item.get(sub), sub_spec))
                for sub in set(item) - set(spec["items"]):
                    problems.append(f"{name}[{i}].{sub}: not a field of the standard")
            elif allowed and item not in allowed:
                problems.append(f"{name}: {item!r} is not one of the standard's values ({', '.join(allowed)})")
        return problems
    if value is None or (isinstance(value, str) and not value.strip()):
        if spec.get("required") is True:
            problems.append(f"{name}: required, empty")
        return problems
    if not isinstance(value, str):
        return [f"{name}: must be text, found {type(value).__name__}"]
    if spec.get("max_length") is not None and len(value) > int(spec["max_length"]):
        problems.append(f"{name}: {len(value)} characters, at most {spec['max_length']} allowed")
    allowed = spec.get("permitted_values")
    if kind == "enum" and allowed and value not in allowed:
        problems.append(f"{name}: {value!r} is not one of {', '.join(allowed)}")
    return problems


def register_problems(
    entry: Mapping[str, Any], facts: SystemFacts | None = None, result: Classification | None = None
) -> list[str]:
    """Check a draft against publication standard 1.0 and against what the classification asks.

    Parameters
    ----------
    entry
        A draft from :func:`register_entry`.
    facts, result
        The facts and classification it was drafted from: they add the problems that are not
        about the format (a prohibited practice, a private organisation, a missing FRIA).

    Returns
    -------
    list of str
        One message per problem (missing required field, text too long, value not in the
        standard, contact that is neither an e-mail address nor an ``https://`` website, a field
        the standard does not have); empty when the draft can be submitted.
    """
    schema = register_schema()
    problems: list[str] = []
    for name, spec in schema.items():
        if name in entry or spec.get("required") is True:
            problems.extend(_field_problems(name, entry.get(name), spec))
    problems.extend(f"{name}: not a field of the standard" for name in entry if name not in schema)
    contact = str(entry.get("contact_email") or "")
    if contact and not (_EMAIL.match(contact) or _WEBSITE.match(contact)):
        problems.append(f"contact_email: {contact!r} is neither an e-mail address nor a website starting with https://")
    for field in ("begin_date", "end_date"):
        if entry.get(field) and not _MONTH.match(str(entry[field])):
            problems.append(f"{field}: {entry[field]!r} is not a month written YYYY-MM")
    if facts is None or result is None:
        return problems
    if result.category == "prohibited":
        problems.insert(0, "publication_category: a prohibited AI practice (Art. 5) is to be stopped, not published "
                           "in the Algoritmeregister")
    if not (facts.public_authority or facts.acting_for_public_authority):
        problems.append(f"organization: {facts.organisation!r} is not a public authority (public_authority: false); "
                        "the Algoritmeregister publishes the algorithms of government organisations — publish only "
                        "if the organisation chooses to")
    fria_due = any(o.id == "art27" for o in result.obligations)
    titles = " ".join(a.title.lower() for a in facts.impact_assessments)
    if fria_due and not any(word in titles for word in _FRIA_WORDS):
        problems.append("impacttoetsen_grouping: a fundamental rights impact assessment is required before first use "
                        "(Art. 27); list it (e.g. the IAMA) in impact_assessments")
    return problems
