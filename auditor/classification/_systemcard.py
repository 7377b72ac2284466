"""Reading facts from, and writing results into, a MinBZK system card (YAML).

The system card of the algorithm-reporting-standard (used by the Algorithm Management Toolkit)
has an ``ai_act_profile`` with the Dutch decision aid's label strings (``hoog-risico AI``,
``aanbieder``, ...). Those labels are coarser than a facts file: "hoog-risico AI" does not say
on which ground. So the card carries this tool's facts losslessly as name/value ``labels``
prefixed ``auditor/`` (values in YAML flow notation); when a card lacks them, the facts are
derived from the profile where it has them, and the error says which label to add where not.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from auditor.classification import _data
from auditor.classification._files import raise_problems, yaml_flow
from auditor.errors import SpecError

if TYPE_CHECKING:
    from auditor.classification._classify import Classification
    from auditor.classification._facts import SystemFacts

# Facts the card holds in fields of its own; every other fact travels as an auditor/ label.
_NATIVE = ("name", "organisation", "description", "contact_email", "status", "in_use_since", *(
    "purpose", "human_intervention", "risks", "source_data", "methods_and_models", "supplier"))

# Descriptive facts and the card's own text fields (AMT's SystemCard) that hold them.
_TEXT_FIELDS = {
    "purpose": "goal_and_impact",
    "human_intervention": "human_intervention",
    "risks": "risk_management",
    "source_data": "used_data",
    "methods_and_models": "technical_design",
}


def _reverse(list_name: str) -> dict[str, str]:
    """Map each card label (and each English/Dutch word) of a closed list to its value."""
    out: dict[str, str] = {}
    for value, entry in _data.choices(list_name).items():
        for word in (value, entry.get("card"), entry["en"], entry["nl"]):
            if word:
                out[str(word).lower()] = value
    return out


def _labels(card: Mapping[str, Any], file: Path | None) -> dict[str, Any]:
    prefix = _data.vocabulary()["system_card"]["label_prefix"]
    out: dict[str, Any] = {}
    for i, label in enumerate(card.get("labels") or []):
        if not isinstance(label, Mapping) or not str(label.get("name", "")).startswith(prefix):
            continue
        value = label.get("value")
        try:
            out[str(label["name"])[len(prefix) :]] = yaml.safe_load(value) if isinstance(value, str) else value
        except yaml.YAMLError:
            raise SpecError(
                f"value {value!r} is not valid YAML flow notation", key=f"labels[{i}].value", file=file
            ) from None
    return out


def facts_from_card(card: Mapping[str, Any], *, file: Path | None = None) -> dict[str, Any]:
    """Derive a facts mapping from a system card.

    Parameters
    ----------
    card
        The parsed system card.
    file
        The file it came from, for the messages.

    Returns
    -------
    dict
        Facts keyed as in a facts file, still to be validated by ``parse_facts``.

    Raises
    ------
    SpecError
        When a profile label is unknown, or the profile states a conclusion (e.g. ``hoog-risico
        AI``) without the facts behind it and no ``auditor/`` label supplies them.
    """
    words = _data.vocabulary()["system_card"]
    profile = card.get("ai_act_profile") or {}
    if not isinstance(profile, Mapping):
        raise SpecError(f"must be a mapping, found {profile!r}", key="ai_act_profile", file=file)
    facts: dict[str, Any] = {}
    needs: list[tuple[str, tuple[str, ...], str]] = []
    problems: list[tuple[str, str]] = []

    def lookup(key: str, value: Any, table: Mapping[str, Any]) -> Any:
        found = {str(k).lower(): v for k, v in table.items()}.get(str(value).lower())
        if found is None:
            problems.append((key, f"unknown label {value!r}; valid: {', '.join(sorted({str(k) for k in table}))}"))
        return found

    for key in ("name", "description"):
        if card.get(key):
            facts[key] = card[key]
    for key, field in _TEXT_FIELDS.items():
        if card.get(field):
            facts[key] = card[field]
    providers = card.get("external_providers")
    if isinstance(providers, list) and providers:
        facts["supplier"] = "; ".join(str(p) for p in providers)
    owners = card.get("owners") or []
    if owners and isinstance(owners[0], Mapping):
        if owners[0].get("organization"):
            facts["organisation"] = owners[0]["organization"]
        if owners[0].get("email"):
            facts["contact_email"] = owners[0]["email"]
    if card.get("status"):
        facts["status"] = lookup("status", card["status"], _reverse("statuses"))
    if card.get("begin_date"):
        facts["in_use_since"] = card["begin_date"]
    if profile.get("type"):
        kinds = {
            **_reverse("kinds"),
            "geen algoritme": "not_ai",
            "impactvol algoritme": "not_ai",
            "niet-impactvol algoritme": "not_ai",
        }
        facts["kind"] = lookup("ai_act_profile.type", profile["type"], kinds)
    if profile.get("open_source"):
        table = {label: value == "true" for value, label in words["open_source"].items()}
        facts["open_source"] = lookup("ai_act_profile.open_source", profile["open_source"], table)
    role = profile.get("role")
    if role:
        parts = role if isinstance(role, list) else str(role).split("+")
        facts["role"] = [lookup("ai_act_profile.role", part.strip(), _reverse("roles")) for part in parts]
    risk = profile.get("risk_group")
    if risk and risk != words["not_applicable"]:
        groups = {label: group for group, label in words["risk_group"].items()}
        group = lookup("ai_act_profile.risk_group", risk, groups)
        if group == "not_high_risk":
            facts.update(prohibited=[], annex_i=None, annex_iii=[])
        elif group == "high_risk":
            needs.append(("ai_act_profile.risk_group", ("annex_iii", "annex_i"), "on which ground it is high-risk"))
        elif group == "prohibited":
            needs.append(("ai_act_profile.risk_group", ("prohibited",), "which practice of Art. 5(1) it performs"))
        elif group == "exception":
            needs.append(("ai_act_profile.risk_group", ("exclusion",), "which exclusion of Art. 2 applies"))
    transparency = profile.get("transparency_obligations")
    if transparency and transparency != words["not_applicable"]:
        if lookup("ai_act_profile.transparency_obligations", transparency, words["transparency_read"]):
            needs.append(("ai_act_profile.transparency_obligations", ("transparency",), "which cases of Art. 50 apply"))
        else:
            facts["transparency"] = []
    systemic = profile.get("systemic_risk")
    if systemic and facts.get("kind") == "gpai_model":
        table = {label: value == "true" for value, label in words["systemic_risk"].items()}
        facts["systemic_risk"] = lookup("ai_act_profile.systemic_risk", systemic, table)

    labels = _labels(card, file)
    for key, keys, what in needs:
        if not any(k in labels for k in keys):
            example = f"{{name: {words['label_prefix']}{keys[0]}, value: ...}}"
            problems.append(
                (
                    key,
                    f"{profile.get(key.split('.')[-1])!r} does not say {what}; add the label {example} "
                    "or classify from a facts file",
                )
            )
    if problems:
        raise_problems(problems, file=file, what="system card")
    return {**facts, **labels}


def _profile(facts: SystemFacts, result: Classification) -> dict[str, Any]:
    """The ``ai_act_profile`` in the decision aid's labels, leaving out what does not apply.

    The decision aid (and AMT's requirement filter) knows one set of values per field; where
    none applies, the field is left out rather than given a value the standard does not have.
    """
    words = _data.vocabulary()["system_card"]
    category = result.category
    profile: dict[str, Any] = {}
    if facts.kind == "not_ai":
        impactful = bool(facts.legal_effects or facts.profiling)
        profile["type"] = words["not_ai_type"]["impactful" if impactful else "not_impactful"]
    else:
        profile["type"] = _data.choices("kinds")[facts.kind]["card"]
    profile["open_source"] = words["open_source"][str(facts.open_source).lower()]
    group = {
        "high_risk": "high_risk",
        "prohibited": "prohibited",
        "out_of_scope": "exception",
        "transparency": "not_high_risk",
        "minimal": "not_high_risk",
    }.get(category)
    if group:
        profile["risk_group"] = words["risk_group"][group]
    if "annex_i" in result.bases:
        profile["conformity_assessment_body"] = words["third_party"]
    if category.startswith("gpai_model"):
        profile["systemic_risk"] = words["systemic_risk"][str(category == "gpai_model_systemic_risk").lower()]
    if category in ("high_risk", "transparency", "minimal"):
        profile["transparency_obligations"] = words["transparency"][str(bool(result.transparency)).lower()]
    # AMT accepts at most two roles ("aanbieder + gebruiksverantwoordelijke"); all of them travel
    # in the auditor/role label.
    profile["role"] = [_data.choices("roles")[role]["card"] for role in facts.role][:2]
    return profile


def system_card(facts: SystemFacts, result: Classification, *, base: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Write the facts and the classification into a MinBZK system card.

    Parameters
    ----------
    facts
        The system's facts.
    result
        Its classification.
    base
        An existing card to update; its other fields, requirement states and foreign labels
        are kept. ``None`` starts a new card.

    Returns
    -------
    dict
        The card: ``name``, ``description``, ``status``, ``begin_date``, ``owners``, the text
        fields of AMT's data model (``goal_and_impact``, ``human_intervention``,
        ``risk_management``, ``used_data``, ``technical_design``, ``external_providers``) from
        the descriptive facts, ``ai_act_profile`` (decision-aid labels), ``labels`` (the other
        facts, prefixed ``auditor/``) and ``requirements`` (new ones in state ``to do``, each with
        the task-registry ``version`` AMT requires). Reading it back with :func:`load_system`
        gives the same facts.
    """
    words = _data.vocabulary()["system_card"]
    card: dict[str, Any] = copy.deepcopy(dict(base)) if base else {"schema_version": words["schema_version"]}
    card["name"] = facts.name
    if facts.description:
        card["description"] = facts.description
    card["status"] = _data.choices("statuses")[facts.status]["card"]
    if facts.in_use_since:
        card["begin_date"] = facts.in_use_since.isoformat()
    for key, field in _TEXT_FIELDS.items():
        if getattr(facts, key):
            card[field] = getattr(facts, key)
    if facts.supplier:
        card["external_providers"] = [facts.supplier]
    owners = card.get("owners") or [{}]
    owner = dict(owners[0]) if isinstance(owners[0], Mapping) else {}
    owner["organization"] = facts.organisation
    if facts.contact_email:
        owner["email"] = facts.contact_email
    card["owners"] = [owner, *owners[1:]]
    card["ai_act_profile"] = _profile(facts, result)
    prefix = words["label_prefix"]
    kept = [label for label in card.get("labels") or [] if not str(label.get("name", "")).startswith(prefix)]
    ours = [
        {"name": f"{prefix}{key}", "value": yaml_flow(value)}
        for key, value in facts.to_dict().items()
        if key not in _NATIVE
    ]
    card["labels"] = kept + ours
    requirements = list(card.get("requirements") or [])
    known = {r.get("urn") for r in requirements if isinstance(r, Mapping)}
    requirements += [
        {"urn": urn, "state": words["requirement_state"], "version": words["task_version"]}
        for urn in result.requirements
        if urn not in known
    ]
    card["requirements"] = [
        {**r, "version": r.get("version") or words["task_version"]} if isinstance(r, Mapping) else r
        for r in requirements
    ]
    return card


def dump_card(card: Mapping[str, Any]) -> str:
    """Return a system card as YAML text.

    Parameters
    ----------
    card
        The card from :func:`system_card`.

    Returns
    -------
    str
        Block-style YAML, keys in the card's order, UTF-8 characters kept.
    """
    text: str = yaml.safe_dump(dict(card), sort_keys=False, allow_unicode=True, width=100)
    return text
