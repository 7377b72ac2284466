"""The system description: facts about a system in the AI Act's vocabulary.

A facts file states what the system *is* (its kind, roles, intended uses), not answers to
question numbers, so it stays valid when the question flow changes. :func:`load_system`
validates it once, at the boundary, and reports every problem in one error.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from auditor.citations import cite
from auditor.classification import _data
from auditor.classification._files import raise_problems, read_yaml
from auditor.classification._systemcard import facts_from_card
from auditor.errors import SpecError


@dataclass(frozen=True)
class AnnexIProduct:
    """The Annex I product the system is (a safety component of).

    Parameters
    ----------
    section
        ``"A"`` (New Legislative Framework products) or ``"B"`` (type-approval legislation).
    area
        The product legislation, e.g. ``"medical_devices"`` (see ``annexes.yaml``).
    third_party_conformity
        Whether that legislation requires a third-party conformity assessment of the product.
        Art. 6(1) makes the system high-risk only when it does.
    """

    section: str
    area: str
    third_party_conformity: bool


@dataclass(frozen=True)
class ImpactAssessment:
    """An impact assessment carried out for the system.

    Parameters
    ----------
    title
        What it is, e.g. ``"Impact Assessment Mensenrechten en Algoritmes (IAMA)"`` or
        ``"Data Protection Impact Assessment (DPIA)"``.
    link
        Where it is published (``https://...``), if it is.
    """

    title: str
    link: str | None = None


@dataclass(frozen=True)
class SystemFacts:
    """Facts about one system, as stated in a system description (``system.yaml``).

    The legal keys are those of the facts file; see ``README.md`` in this package for the
    meaning and the valid values of each. Descriptive keys (``description`` and below) feed
    the system card and the Algoritmeregister draft.

    Parameters
    ----------
    name, organisation
        What the system is called and which organisation the description is about.
    role
        The organisation's roles: ``provider``, ``deployer``, ``importer``, ``distributor``.
    public_authority
        Whether the organisation is a public authority or another body governed by public law
        (Art. 26(8), 27(1), 49(3)).
    status
        ``in_use`` or ``in_development``.
    kind
        ``ai_system``, ``gpai_system``, ``gpai_model`` or ``not_ai``.
    in_use_since
        When it was placed on the market or put into service, if in use and known.
    exclusion
        The exclusion of Art. 2 that applies, or ``none``.
    open_source
        Released under a free and open-source licence (Art. 2(12)).
    prohibited
        The points of Art. 5(1) it performs, e.g. ``("5.1.c",)``.
    annex_i
        The Annex I product, or ``None``.
    annex_iii
        The Annex III points of its intended use, e.g. ``("5.a",)``.
    profiling
        Whether it profiles natural persons; ``None`` when not stated.
    derogation_6_3
        The condition of Art. 6(3) the provider relies on (``a``-``d``), or ``none``.
    transparency
        The Art. 50 cases that apply, e.g. ``("50.1",)``.
    gpai_training_flops
        For a general-purpose AI model: cumulative training compute in FLOP.
    systemic_risk
        For a general-purpose AI model: found or designated to have systemic risk (Art. 51(1)).
    public_services
        A private entity providing public services (Art. 27(1): fundamental-rights impact
        assessment, not registration).
    acting_for_public_authority
        The deployer acts on behalf of a public authority (Art. 49(3): registration of the use).
    intended_for_public_authorities
        The system is intended to be used by public authorities (Art. 111(2)); ``None`` reads
        :attr:`public_authority`.
    remote_biometric_identification
        For Annex III 1(a): ``real_time`` (within an exception of Art. 5(1)(h); Art. 5(2)-(7)) or
        ``post`` (Art. 26(10)); ``None`` when not stated.
    annex_x
        A component of a large-scale IT system listed in Annex X (Art. 111(1)).
    legal_effects
        Its output influences a process with legal effects for citizens or companies
        (Algoritmekader: an impactful algorithm, published in the Algoritmeregister).
    impact_assessments
        Impact assessments carried out (FRIA, DPIA, IAMA), each with a title and an optional link.
    licence
        The licence of the model (for the system card's model card), e.g. ``EUPL-1.2``.
    description, purpose, contact_email, version, theme, supplier
        Optional descriptive texts (system card, Algoritmeregister fields).
    human_intervention, risks, source_data, methods_and_models
        Optional descriptive texts (Algoritmeregister fields).
    """

    name: str
    organisation: str
    role: tuple[str, ...]
    public_authority: bool
    status: str
    kind: str
    in_use_since: dt.date | None = None
    exclusion: str = "none"
    open_source: bool = False
    prohibited: tuple[str, ...] = ()
    annex_i: AnnexIProduct | None = None
    annex_iii: tuple[str, ...] = ()
    profiling: bool | None = None
    derogation_6_3: str = "none"
    transparency: tuple[str, ...] = ()
    gpai_training_flops: float | None = None
    systemic_risk: bool | None = None
    public_services: bool = False
    acting_for_public_authority: bool = False
    intended_for_public_authorities: bool | None = None
    remote_biometric_identification: str | None = None
    annex_x: bool = False
    legal_effects: bool | None = None
    impact_assessments: tuple[ImpactAssessment, ...] = ()
    licence: str | None = None
    description: str | None = None
    purpose: str | None = None
    contact_email: str | None = None
    version: str | None = None
    theme: str | None = None
    supplier: str | None = None
    human_intervention: str | None = None
    risks: str | None = None
    source_data: str | None = None
    methods_and_models: str | None = None

    @property
    def for_public_authorities(self) -> bool:
        """Whether the system is intended to be used by public authorities (Art. 111(2))."""
        if self.intended_for_public_authorities is None:
            return self.public_authority
        return self.intended_for_public_authorities

    def to_dict(self) -> dict[str, Any]:
        """Return the facts as a JSON-compatible mapping in the facts-file format.

        Keys whose value is ``None`` are left out; dates are ISO strings; tuples are lists.
        ``load_system(facts.to_dict())`` gives back equal facts.

        Returns
        -------
        dict
            The facts, keyed as in a facts file, in the order of the file format.
        """
        out: dict[str, Any] = {}
        for f in fields(self):
            value = plain(getattr(self, f.name))
            if value is not None:
                out[f.name] = value
        return out


def plain(value: Any) -> Any:
    """Turn a fact value into JSON-compatible data (dates to ISO text, tuples to lists).

    Parameters
    ----------
    value
        A fact value: scalar, date, tuple or :class:`AnnexIProduct`.

    Returns
    -------
    Any
        The same value as JSON-compatible data.
    """
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, AnnexIProduct):
        return {"section": value.section, "area": value.area, "third_party_conformity": value.third_party_conformity}
    if isinstance(value, ImpactAssessment):
        return {"title": value.title, **({"link": value.link} if value.link else {})}
    return value


REQUIRED = ("name", "organisation", "role", "public_authority", "status", "kind")
KEYS = tuple(f.name for f in fields(SystemFacts))

# Which closed list gives the valid values (and the words) of a fact.
CHOICES = {
    "role": "roles",
    "status": "statuses",
    "kind": "kinds",
    "exclusion": "exclusions",
    "derogation_6_3": "derogations",
    "prohibited": "prohibited",
    "annex_iii": "annex_iii",
    "transparency": "transparency",
    "remote_biometric_identification": "rbi_modes",
}


class _Problem(Exception):
    """One invalid value; collected and reported together."""


def _listing(values: Any) -> str:
    return ", ".join(str(v) for v in values)


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _suggest(value: str, valid: list[str]) -> str:
    squashed = [v for v in valid if _squash(v) == _squash(value)]
    close = squashed or difflib.get_close_matches(value, valid, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _choice(list_name: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        valid = list(_data.choices(list_name))
        text = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
        if text not in valid:
            raise _Problem(f"unknown value {value!r}; valid: {_listing(valid)}{_suggest(str(value), valid)}")
        return text

    return parse


def _choice_list(list_name: str, *, at_least_one: bool = False) -> Callable[[Any], tuple[str, ...]]:
    one = _choice(list_name)

    def parse(value: Any) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if items is None:
            items = []
        if not isinstance(items, list):
            raise _Problem(f"must be a list such as [{next(iter(_data.choices(list_name)))}], found {value!r}")
        if at_least_one and not items:
            raise _Problem(f"must name at least one of: {_listing(_data.choices(list_name))}")
        return tuple(dict.fromkeys(one(item) for item in items))

    return parse


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Problem(f"must be true or false, found {value!r}")
    return value


def _optional_bool(value: Any) -> bool | None:
    return None if value is None else _bool(value)


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float) or not str(value).strip():
        raise _Problem(f"must be a non-empty text, found {value!r}")
    return str(value).strip()


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _Problem(f"must be a date YYYY-MM-DD, found {value!r}") from None


def _flops(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)  # YAML reads 1e25 (without a dot) as text
    except (TypeError, ValueError):
        raise _Problem(f"must be a number of FLOP such as 1.0e+25, found {value!r}") from None
    if isinstance(value, bool) or not math.isfinite(number) or number < 0:
        raise _Problem(f"must be a non-negative number of FLOP, found {value!r}")
    return number


def _annex_i(value: Any) -> AnnexIProduct | None:
    if value is None:
        return None
    areas = _data.annex_i_areas()
    example = "{section: A, area: medical_devices, third_party_conformity: true}"
    if not isinstance(value, Mapping):
        raise _Problem(f"must be null or a mapping like {example}, found {value!r}")
    expected = {"section", "area", "third_party_conformity"}
    if set(value) != expected:
        missing, unknown = expected - set(value), set(value) - expected
        detail = "; ".join(
            part
            for part in (
                f"missing {_listing(sorted(missing))}" if missing else "",
                f"unknown {_listing(sorted(unknown))}" if unknown else "",
            )
            if part
        )
        raise _Problem(f"{detail}; write it like {example}")
    section = value["section"]
    if section not in areas:
        raise _Problem(f"section {section!r} is unknown; valid: {_listing(areas)}")
    area = value["area"]
    moved_to = (_data.annex_i_moves().get(area) or {}).get("to")
    if area not in areas[section] and section != moved_to:
        other = [s for s in areas if area in areas[s]]
        hint = f"; {area!r} belongs to section {other[0]}" if other else _suggest(str(area), list(areas[section]))
        raise _Problem(f"area {area!r} is not in section {section}; valid: {_listing(areas[section])}{hint}")
    if not isinstance(value["third_party_conformity"], bool):
        raise _Problem(f"third_party_conformity must be true or false, found {value['third_party_conformity']!r}")
    return AnnexIProduct(section, area, value["third_party_conformity"])


def _impact_assessments(value: Any) -> tuple[ImpactAssessment, ...]:
    if value is None:
        return ()
    example = "[{title: Data Protection Impact Assessment (DPIA), link: https://...}]"
    if not isinstance(value, list):
        raise _Problem(f"must be a list like {example}, found {value!r}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, Mapping) or not item.get("title") or set(item) - {"title", "link"}:
            raise _Problem(f"item {i + 1} must be {{title: ..., link: ...}} (link optional), found {item!r}")
        link = item.get("link")
        if link is not None and not str(link).startswith("https://"):
            raise _Problem(f"item {i + 1}: link must start with https://, found {link!r}")
        out.append(ImpactAssessment(_text(item["title"]), None if link is None else str(link)))
    return tuple(out)


def _with_default(parse: Callable[[Any], Any], default: Any) -> Callable[[Any], Any]:
    return lambda value: default if value is None else parse(value)


_PARSERS: Mapping[str, Callable[[Any], Any]] = {
    "name": _text,
    "organisation": _text,
    "role": _choice_list("roles", at_least_one=True),
    "public_authority": _bool,
    "status": _choice("statuses"),
    "kind": _choice("kinds"),
    "in_use_since": _date,
    "exclusion": _with_default(_choice("exclusions"), "none"),
    "open_source": _with_default(_bool, False),
    "prohibited": _choice_list("prohibited"),
    "annex_i": _annex_i,
    "annex_iii": _choice_list("annex_iii"),
    "profiling": _optional_bool,
    "derogation_6_3": _with_default(_choice("derogations"), "none"),
    "transparency": _choice_list("transparency"),
    "gpai_training_flops": _flops,
    "systemic_risk": _optional_bool,
    "public_services": _with_default(_bool, False),
    "acting_for_public_authority": _with_default(_bool, False),
    "intended_for_public_authorities": _optional_bool,
    "remote_biometric_identification": _with_default(_choice("rbi_modes"), None),
    "annex_x": _with_default(_bool, False),
    "legal_effects": _optional_bool,
    "impact_assessments": _impact_assessments,
    "licence": _optional_text,
    **{key: _optional_text for key in KEYS[KEYS.index("description") :]},
}

# Facts that only describe how an AI system is used; they make no sense for a rule-based
# system or for a general-purpose AI model.
_USE_FACTS = (
    "prohibited", "annex_i", "annex_iii", "transparency", "derogation_6_3", "remote_biometric_identification", "annex_x"
)


def _contradictions(facts: SystemFacts) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if facts.kind in ("not_ai", "gpai_model"):
        fix = (
            "set kind: ai_system if it infers how to generate its outputs (Art. 3(1))"
            if facts.kind == "not_ai"
            else "describe the AI system built on the model in a separate file (kind: gpai_system or ai_system)"
        )
        for key in _USE_FACTS:
            if getattr(facts, key) not in (None, (), "none", False):
                problems.append(
                    (key, f"describes the use of an AI system, but kind is {facts.kind!r}; remove {key} or {fix}")
                )
    if facts.kind != "gpai_model":
        for key in ("gpai_training_flops", "systemic_risk"):
            if getattr(facts, key) is not None:
                problems.append(
                    (key, f"applies only to kind gpai_model (Art. 51), but kind is {facts.kind!r}; remove it")
                )
    if "5.1.d" in facts.prohibited and "6.d" in facts.annex_iii:
        problems.append(
            (
                "prohibited",
                "'5.1.d' (crime-risk prediction based solely on profiling) contradicts annex_iii '6.d' (risk "
                "assessment not solely based on profiling); keep the one that describes the system",
            )
        )
    if facts.derogation_6_3 != "none" and not facts.annex_iii:
        problems.append(
            (
                "derogation_6_3",
                f"{facts.derogation_6_3!r} claims the Art. 6(3) derogation, which exists only for systems listed in "
                "Annex III, but annex_iii is empty; set derogation_6_3: none or list the Annex III points",
            )
        )
    if facts.derogation_6_3 != "none" and facts.annex_iii and facts.profiling is None:
        problems.append(
            (
                "profiling",
                "must be stated (true or false) when the Art. 6(3) derogation is claimed: an Annex III system that "
                "profiles natural persons is always high-risk",
            )
        )
    if facts.remote_biometric_identification and "1.a" not in facts.annex_iii and "5.1.h" not in facts.prohibited:
        problems.append(
            (
                "remote_biometric_identification",
                "describes remote biometric identification, but annex_iii does not list '1.a' (and prohibited does "
                "not list '5.1.h'); add '1.a' to annex_iii or remove remote_biometric_identification",
            )
        )
    if facts.in_use_since is not None and facts.status != "in_use":
        problems.append(
            ("in_use_since", f"is given but status is {facts.status!r}; set status: in_use or remove in_use_since")
        )
    if facts.exclusion == "personal_use" and set(facts.role) - {"deployer"}:
        others = _listing(sorted(set(facts.role) - {"deployer"}))
        problems.append(
            (
                "exclusion",
                f"personal_use (Art. 2(10)) excludes only deployers who are natural persons acting privately; "
                f"a {others} is not excluded by it; remove the other roles or choose another exclusion",
            )
        )
    return problems


def parse_facts(raw: Mapping[str, Any], *, file: Path | None = None) -> SystemFacts:
    """Validate a mapping of facts and build :class:`SystemFacts`.

    Parameters
    ----------
    raw
        The facts, keyed as in a facts file.
    file
        The file they were read from, for the messages.

    Returns
    -------
    SystemFacts
        The validated facts.

    Raises
    ------
    SpecError
        Naming every unknown key, invalid value and contradiction at once.
    """
    problems: list[tuple[str, str]] = []
    for key in raw:
        if key not in _PARSERS:
            hint = _suggest(str(key), list(KEYS))
            problems.append((key, f"unknown key{hint}; valid keys: {_listing(KEYS)}"))
    missing = [key for key in REQUIRED if raw.get(key) is None]
    if missing:
        problems.append((missing[0], f"required key(s) missing: {_listing(missing)}"))
    values: dict[str, Any] = {}
    for key, parse in _PARSERS.items():
        if key in raw and (raw[key] is not None or key not in REQUIRED):
            try:
                values[key] = parse(raw[key])
            except _Problem as problem:
                problems.append((key, str(problem)))
    if problems:
        raise_problems(problems, file=file, what="system description")
    facts = SystemFacts(**{key: value for key, value in values.items() if value is not None})
    contradictions = _contradictions(facts)
    if contradictions:
        raise_problems(contradictions, file=file, what="system description")
    return facts


def load_system(source: str | Path | Mapping[str, Any], *, base_dir: Path | None = None) -> SystemFacts:
    """Load and validate a system description.

    Parameters
    ----------
    source
        A facts file (YAML), a MinBZK system card (YAML with ``ai_act_profile``), or a mapping
        of facts (e.g. the ``system:`` entry of an audit spec). A relative path resolves
        against ``base_dir`` when given.
    base_dir
        Folder for relative paths, e.g. the audit spec's folder.

    Returns
    -------
    SystemFacts
        The validated facts.

    Raises
    ------
    SpecError
        When the file cannot be read, or names an unknown key or value, or contradicts itself;
        the message names the file, the key, the bad value and the valid values.

    Examples
    --------
    >>> facts = load_system({"name": "Chat", "organisation": "Gemeente Voorbeeld", "role": ["deployer"],
    ...                      "public_authority": True, "status": "in_use", "kind": "ai_system",
    ...                      "transparency": ["50.1"]})
    >>> facts.role
    ('deployer',)
    """
    file: Path | None = None
    if isinstance(source, Mapping):
        raw: Any = source
    else:
        file = Path(source)
        if base_dir is not None and not file.is_absolute():
            file = base_dir / file
        raw = read_yaml(file, what="system description")
        if not isinstance(raw, Mapping):
            raise SpecError(
                f"must be a mapping of facts (key: value), found {type(raw).__name__}; see the example in "
                "sample_data/benefits/system.yaml",
                file=file,
            )
    if "ai_act_profile" in raw:
        raw = facts_from_card(raw, file=file)
    return parse_facts(raw, file=file)


def describe(key: str, value: Any, lang: str) -> str:
    """Write a fact value for a reader: codes as the Act cites them, words in ``lang``.

    Parameters
    ----------
    key
        The (dotted) fact key, e.g. ``"annex_iii"`` or ``"annex_i.area"``.
    value
        Its value.
    lang
        ``"en"`` or ``"nl"``.

    Returns
    -------
    str
        E.g. ``"5(a)"`` for Annex III ``5.a`` (``"5, onder a"`` in Dutch), ``"Art. 5(1)(c)"`` for
        practice ``5.1.c`` (``"art. 5, lid 1, onder c"``), ``"aanbieder"`` for role ``provider`` in Dutch.
    """
    if isinstance(value, tuple | list):
        words = [describe(key, item, lang) for item in value]
        conjunction = {"en": " and ", "nl": " en "}[lang]
        return conjunction.join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)
    if key == "annex_i.area":
        entry = next(areas[value] for areas in _data.annex_i_areas().values() if value in areas)
        return str(entry[lang])
    if key in CHOICES:
        entry = _data.choices(CHOICES[key])[value]
        code = entry.get("code")
        if code and key in ("prohibited", "transparency"):
            return cite(str(code), lang)
        if code and lang == "nl":
            return re.sub(r"^(\d+)\(([a-z])\)$", r"\1, onder \2", str(code))  # bijlage III, punt 5, onder a
        return str(code or entry[lang])
    return str(plain(value))
