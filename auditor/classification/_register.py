"""A draft entry for the Algoritmeregister (publication standard 1.0, JSON)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from auditor.classification import _data

if TYPE_CHECKING:
    from auditor.classification._classify import Classification
    from auditor.classification._facts import SystemFacts

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Optional fields of the standard filled from optional facts.
_OPTIONAL = {
    "category": "theme",
    "goal": "purpose",
    "human_intervention": "human_intervention",
    "risks": "risks",
    "source_data": "source_data",
    "methods_and_models": "methods_and_models",
    "provider": "supplier",
}


def publication_category(facts: SystemFacts, result: Classification) -> str:
    """Derive the register's publication category from the classification.

    Parameters
    ----------
    facts
        The system's facts.
    result
        Its classification.

    Returns
    -------
    str
        ``Hoog-risico AI-systeem`` for a high-risk AI system; ``Impactvolle algoritmes`` when
        it profiles natural persons, performs a prohibited practice or serves an Annex III use
        (without being high-risk); ``Overige algoritmes`` otherwise.
    """
    names = _data.vocabulary()["register"]["publication_category"]
    if result.category == "high_risk":
        return str(names["high_risk"])
    if facts.profiling or facts.prohibited or facts.annex_iii:
        return str(names["impactful"])
    return str(names["other"])


def register_entry(facts: SystemFacts, result: Classification) -> dict[str, str]:
    """Draft an Algoritmeregister entry (publication standard 1.0) for a classified system.

    Parameters
    ----------
    facts
        The system's facts; ``description`` fills ``description_short`` and
        ``contact_email`` the contact, ``theme``, ``purpose``, ``supplier`` and the other
        descriptive facts the optional fields.
    result
        Its classification, which decides ``publication_category``.

    Returns
    -------
    dict
        The draft. Required fields without a value are present as ``""``, so the draft shows
        what is left to fill in; :func:`register_problems` lists them.
    """
    register = _data.vocabulary()["register"]
    entry = {
        "name": facts.name,
        "description_short": facts.description or "",
        "organization": facts.organisation,
        "status": str(_data.choices("statuses")[facts.status]["register"]),
        "contact_email": facts.contact_email or "",
        "publication_category": publication_category(facts, result),
        "lang": str(register["lang"]),
    }
    if facts.in_use_since:
        entry["begin_date"] = facts.in_use_since.strftime("%Y-%m")
    for field, fact in _OPTIONAL.items():
        value = getattr(facts, fact)
        if value:
            entry[field] = value
    return entry


def register_problems(entry: Mapping[str, Any]) -> list[str]:
    """Check a draft against the required fields and limits of the publication standard.

    Parameters
    ----------
    entry
        A draft from :func:`register_entry`.

    Returns
    -------
    list of str
        One message per problem (missing required field, text too long, invalid e-mail
        address or value); empty when the draft can be submitted.
    """
    register = _data.vocabulary()["register"]
    allowed = {
        "status": {str(s["register"]) for s in _data.choices("statuses").values()},
        "publication_category": {str(c) for c in register["publication_category"].values()},
    }
    problems = [f"{field}: required, empty" for field in register["required"] if not str(entry.get(field, "")).strip()]
    for field, limit in register["limits"].items():
        if len(str(entry.get(field, ""))) > limit:
            problems.append(f"{field}: {len(str(entry[field]))} characters, at most {limit} allowed")
    email = str(entry.get("contact_email", ""))
    if email and not _EMAIL.match(email):
        problems.append(f"contact_email: {email!r} is not an e-mail address")
    for field, values in allowed.items():
        if entry.get(field) and entry[field] not in values:
            problems.append(f"{field}: {entry[field]!r} is not one of {', '.join(sorted(values))}")
    return problems
