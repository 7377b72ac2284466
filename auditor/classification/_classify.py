"""``classify()``: facts → walk of the decision tree → obligations, dates, requirements, checks."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.classification import _data
from auditor.classification._engine import LANGUAGES, Context, FactGetter, Text, holds, walk
from auditor.classification._facts import SystemFacts, describe, plain
from auditor.classification._timeline import DateEntry, Timeline, Version, applicability, load_timeline

SCHEMA = "auditor.classification/1"


@dataclass(frozen=True)
class PathStep:
    """One step of the reasoning: the article, the facts it used, what it concluded.

    Parameters
    ----------
    step
        The id of the decision-tree node, e.g. ``"derogation"``.
    article
        The article(s) the step applies, e.g. ``"6(3)"``.
    facts
        The facts the step looked at, by (dotted) key.
    conclusion
        What the step concluded, ``{"en": ..., "nl": ...}``.
    """

    step: str
    article: str
    facts: Mapping[str, Any]
    conclusion: Text

    def to_dict(self) -> dict[str, Any]:
        """Return the step as JSON-compatible data.

        Returns
        -------
        dict
            ``step``, ``article``, ``facts`` and the ``conclusion`` in each language.
        """
        return {
            "step": self.step,
            "article": self.article,
            "facts": {key: plain(value) for key, value in self.facts.items()},
            "conclusion": dict(self.conclusion),
        }


@dataclass(frozen=True)
class Obligation:
    """An obligation of the AI Act for one role of the organisation.

    Parameters
    ----------
    id
        Stable id from ``obligations.yaml``, e.g. ``"art26_4"``.
    article
        The article, e.g. ``"26(4)"``.
    role
        The role that bears it: ``provider``, ``deployer``, ``importer`` or ``distributor``.
    title
        What it asks, ``{"en": ..., "nl": ...}``.
    applies_from
        The date it applies from; ``None`` when it applies only on a condition.
    date_source
        The timeline entries the date rests on: ``{key, date, source, verified}`` each.
    condition
        A condition or caveat on the date, or ``None``.
    requirements
        Algoritmekader requirement URNs it corresponds to.
    checks
        Rulebook check ids (or ``family.*``) that produce evidence for it.
    """

    id: str
    article: str
    role: str
    title: Text
    applies_from: dt.date | None
    date_source: tuple[Mapping[str, Any], ...]
    condition: Text | None
    requirements: tuple[str, ...]
    checks: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the obligation as JSON-compatible data.

        Returns
        -------
        dict
            Its fields, dates as ISO text and texts as ``{"en": ..., "nl": ...}``.
        """
        return {
            "id": self.id,
            "article": self.article,
            "role": self.role,
            "title": dict(self.title),
            "applies_from": plain(self.applies_from),
            "date_source": [dict(entry) for entry in self.date_source],
            "condition": dict(self.condition) if self.condition else None,
            "requirements": list(self.requirements),
            "checks": list(self.checks),
        }


@dataclass(frozen=True)
class Classification:
    """The AI-Act classification of one system, with its reasoning and consequences.

    Build it with :func:`classify`; it stores results, it does not compute them. Every text
    is kept in English and Dutch, so a report can be rendered in either language from
    :meth:`to_dict` alone.

    Parameters
    ----------
    facts
        The facts it was derived from.
    category
        ``not_ai_system``, ``out_of_scope``, ``prohibited``, ``high_risk``, ``transparency``,
        ``minimal``, ``gpai_model`` or ``gpai_model_systemic_risk``.
    bases
        For high-risk: ``annex_i`` (Art. 6(1)) and/or ``annex_iii`` (Art. 6(2)).
    transparency
        The Art. 50 cases that apply (they stack on high-risk).
    path
        The reasoning, step by step, with the article behind each step.
    obligations
        The obligations per role, with their dates.
    requirements
        The Algoritmekader requirement URNs that apply.
    required_checks
        The rulebook checks this classification makes mandatory; ``family.*`` means every
        check of that family in the rulebook in use.
    as_of
        The date the classification speaks about.
    timeline_version
        The id of the version of the Act in force on ``as_of``.
    timeline_title
        That version's title, ``{"en": ..., "nl": ...}``.
    decision_tree_version
        The version of ``decision_tree.yaml`` used.
    notes
        Remarks, ``{"en": ..., "nl": ...}`` each.
    unverified
        Facts of the timeline or the law this result rests on that are reported but not
        verified; treat them as configuration (``--timeline``).

    Examples
    --------
    >>> from auditor.classification import classify, load_system
    >>> import datetime
    >>> facts = load_system({"name": "Chat", "organisation": "Gemeente Voorbeeld", "role": ["deployer"],
    ...                      "public_authority": True, "status": "in_use", "kind": "ai_system",
    ...                      "transparency": ["50.4"]})
    >>> result = classify(facts, as_of=datetime.date(2026, 11, 22))
    >>> result.category, result.transparency
    ('transparency', ('50.4',))
    >>> [(o.article, o.applies_from.isoformat()) for o in result.obligations]
    [('4', '2025-02-02'), ('50(4)', '2026-08-02')]
    """

    facts: SystemFacts
    category: str
    bases: tuple[str, ...]
    transparency: tuple[str, ...]
    path: tuple[PathStep, ...]
    obligations: tuple[Obligation, ...]
    requirements: tuple[str, ...]
    required_checks: tuple[str, ...]
    as_of: dt.date
    timeline_version: str
    timeline_title: Text
    decision_tree_version: str
    notes: tuple[Text, ...]
    unverified: tuple[Text, ...]

    @property
    def basis(self) -> str | None:
        """The high-risk basis, ``annex_i`` or ``annex_iii``; the first of :attr:`bases`."""
        return self.bases[0] if self.bases else None

    @property
    def roles(self) -> tuple[str, ...]:
        """The organisation's roles."""
        return self.facts.role

    @property
    def next_deadline(self) -> dt.date | None:
        """The first date after :attr:`as_of` from which an obligation applies, if any."""
        upcoming = [o.applies_from for o in self.obligations if o.applies_from and o.applies_from > self.as_of]
        return min(upcoming, default=None)

    def to_dict(self) -> dict[str, Any]:
        """Return the classification as JSON-compatible data (the evidence's ``classification``).

        Returns
        -------
        dict
            Keys: ``schema``, ``system``, ``category``, ``category_title``, ``basis``,
            ``bases``, ``roles``, ``transparency``, ``path``, ``obligations``,
            ``requirements``, ``required_checks``, ``as_of``, ``timeline_version``, ``timeline_title``,
            ``decision_tree_version``, ``next_deadline``, ``notes``, ``unverified``, ``facts``.
        """
        deadline = self.next_deadline
        return {
            "schema": SCHEMA,
            "system": {"name": self.facts.name, "organisation": self.facts.organisation},
            "category": self.category,
            "category_title": dict(_data.vocabulary()["categories"][self.category]),
            "basis": self.basis,
            "bases": list(self.bases),
            "roles": list(self.roles),
            "transparency": list(self.transparency),
            "path": [step.to_dict() for step in self.path],
            "obligations": [o.to_dict() for o in self.obligations],
            "requirements": list(self.requirements),
            "required_checks": list(self.required_checks),
            "as_of": self.as_of.isoformat(),
            "timeline_version": self.timeline_version,
            "timeline_title": dict(self.timeline_title),
            "decision_tree_version": self.decision_tree_version,
            "next_deadline": (
                {
                    "date": deadline.isoformat(),
                    "obligations": [o.id for o in self.obligations if o.applies_from == deadline],
                }
                if deadline
                else None
            ),
            "notes": [dict(n) for n in self.notes],
            "unverified": [dict(u) for u in self.unverified],
            "facts": self.facts.to_dict(),
        }


def _getter(facts: SystemFacts) -> FactGetter:
    """Read a (dotted) fact key from the facts, e.g. ``annex_i.section``; ``None`` when absent."""

    def fact(key: str) -> Any:
        value: Any = facts
        for part in key.split("."):
            value = getattr(value, part, None)
        return value

    return fact


def _practices_in_force(
    facts: SystemFacts, timeline: Timeline, version: Version, as_of: dt.date
) -> tuple[SystemFacts, tuple[str, ...], list[Text]]:
    """Hold back prohibited practices that do not apply on ``as_of``.

    A practice that the version of the Act in force does not contain is left out; one that it
    contains but that applies only from a later date is *pending*: until that date the system
    is classified as it would be without it, and the prohibition is an upcoming obligation.

    Returns
    -------
    facts, pending, notes
        The facts without the held-back practices, the pending practices, and a note for each.
    """
    practices = _data.choices("prohibited")
    absent, pending, notes = [], [], []
    for p in facts.prohibited:
        entry = timeline.entry(practices[p]["date"], version)
        if entry is None:
            absent.append(p)
        elif entry.date > as_of:
            pending.append((p, entry))
    if absent:
        codes = ", ".join(practices[p]["code"] for p in absent)
        notes.append({
            "en": f"Art. {codes}: not a prohibited practice under the version of the Act in force on the as-of date "
            f"({version.id}); it was left out.",
            "nl": f"Art. {codes}: geen verboden praktijk onder de versie van de verordening die op de peildatum geldt "
            f"({version.id}); buiten beschouwing gelaten.",
        })
    for p, entry in pending:
        code, day = practices[p]["code"], entry.date.isoformat()
        notes.append({
            "en": f"Art. {code} prohibits this practice from {day} ({_in(entry.source, 'en')}). Until then it is not "
            "yet prohibited: the system is classified as it would be without it, and the obligations of that "
            f"category apply until {day}; from {day} it may not be placed on the market, put into service or used.",
            "nl": f"Art. {code} verbiedt deze praktijk vanaf {day} ({_in(entry.source, 'nl')}). Tot dan is zij nog "
            "niet verboden: het systeem is ingedeeld alsof zij er niet was, en de verplichtingen van die categorie "
            f"gelden tot {day}; vanaf {day} mag het niet in de handel worden gebracht, in gebruik worden gesteld of "
            "worden gebruikt.",
        })
    held = set(absent) | {p for p, _ in pending}
    if not held:
        return facts, (), notes
    kept = tuple(p for p in facts.prohibited if p not in held)
    return dataclasses.replace(facts, prohibited=kept), tuple(p for p, _ in pending), notes


def _annex_i_in_force(facts: SystemFacts, timeline: Timeline, version: Version) -> tuple[SystemFacts, list[Text]]:
    """Put the Annex I product in the section the version in force lists it in (e.g. machinery, moved to B)."""
    product = facts.annex_i
    move = _data.annex_i_moves().get(product.area) if product else None
    if product is None or move is None:
        return facts, []
    ids = [v.id for v in timeline.versions]
    moved = move["version"] in ids and ids.index(move["version"]) <= ids.index(version.id)
    original = next(s for s, areas in _data.annex_i_areas().items() if product.area in areas)
    section = str(move["to"]) if moved else original
    if section == product.section:
        return facts, []
    area = _data.annex_i_areas()[original][product.area]
    note = {
        "en": f"{area['en']}: Annex I section {section} under the version of the Act in force on the as-of date "
        f"({version.id}; {move['source']} moved it from section {original} to section {move['to']}); the "
        f"description says section {product.section}.",
        "nl": f"{area['nl']}: bijlage I, afdeling {section}, onder de versie van de verordening die op de peildatum "
        f"geldt ({version.id}; {move['source']} verplaatste het van afdeling {original} naar afdeling {move['to']}); "
        f"de beschrijving noemt afdeling {product.section}.",
    }
    return dataclasses.replace(facts, annex_i=dataclasses.replace(product, section=section)), [note]


def _title(rule: Any, version: Version) -> Text:
    """The obligation's wording under the version in force (``title_by_version``), else its current ``title``."""
    return rule.title_by_version.get(version.id) or rule.title


def _with_open(condition: Text | None, open_text: Text) -> Text:
    if condition is None:
        return open_text
    return {lang: f"{condition[lang]}; {open_text[lang]}" for lang in LANGUAGES}


def _entry_dict(entry: DateEntry) -> dict[str, Any]:
    source = entry.source if isinstance(entry.source, str) else dict(entry.source)
    return {"key": entry.key, "date": entry.date.isoformat(), "source": source, "verified": entry.verified}


def _in(text: str | Text, lang: str) -> str:
    return text if isinstance(text, str) else text[lang]


def _unverified(version: Version, entries: list[DateEntry]) -> list[Text]:
    out: list[Text] = []
    if not version.verified:
        out.append(version.note or {lang: f"{version.title[lang]}: {version.source}" for lang in LANGUAGES})
    seen = set()
    for entry in entries:
        if not entry.verified and entry.key not in seen:
            seen.add(entry.key)
            out.append(
                {
                    lang: f"{entry.title[lang]}: {entry.date.isoformat()} ({_in(entry.source, lang)})"
                    for lang in LANGUAGES
                }
            )
    return out


def classify(facts: SystemFacts, *, as_of: dt.date | None = None, timeline: str | Path | None = None) -> Classification:
    """Classify a system under the AI Act as in force on ``as_of``.

    Parameters
    ----------
    facts
        The validated facts (see :func:`load_system`).
    as_of
        The date the classification speaks about; selects the version of the Act (original or
        as amended in 2026) and which obligations already apply. Default: today.
    timeline
        A replacement for the shipped ``timeline.yaml`` (same format), to correct dates that
        are marked unverified; ``None`` for the shipped one.

    Returns
    -------
    Classification
        The category, reasoning path, obligations per role with dates, requirements and
        required checks.

    Raises
    ------
    SpecError
        When ``as_of`` is before the Act entered into force, or the timeline file is invalid.

    Notes
    -----
    The order of the reasoning (``decision_tree.yaml``): Art. 3 roles and definition of an AI
    system; Art. 2 exclusions (they lift the whole Act, prohibitions included); Art. 51 for
    general-purpose AI models; Art. 5 prohibitions (they win over everything after them);
    Art. 6(1) with Annex I (third-party conformity assessment required); Art. 6(2) with
    Annex III; the Art. 6(3) derogation, never for a system that profiles; Art. 50 on top of
    high-risk; Art. 2(12), which exempts open-source systems only when none of the above applies.
    """
    as_of = as_of or dt.date.today()
    loaded = load_timeline(timeline)
    version = loaded.version_at(as_of)
    effective, pending, notes = _practices_in_force(facts, loaded, version, as_of)
    effective, moved = _annex_i_in_force(effective, loaded, version)
    notes.extend(moved)
    tree = _data.tree()
    fact = _getter(effective)
    result = walk(tree.nodes, tree.start, fact, describe)
    marks = result.marks | ({"prohibition_pending"} if pending else set())
    context = Context(fact, marks, result.category)
    bases = tuple(basis for basis in ("annex_i", "annex_iii") if basis in result.marks)

    obligations: list[Obligation] = []
    entries_used: list[DateEntry] = []
    open_points: list[Text] = []
    rules = _data.rules()
    for rule in rules.obligations:
        roles = [role for role in rule.roles if role in facts.role]
        if not roles or not holds(rule.when, context):
            continue
        if rule.date in loaded.dates and loaded.entry(rule.date, version) is None:
            continue  # the version in force does not contain this obligation yet
        when = applicability(rule.date, effective, bases, loaded, version, pending=pending)
        entries_used.extend(when.entries)
        condition = when.condition
        if rule.open and version.id in rule.open["versions"]:
            condition = _with_open(condition, rule.open["text"])
            if rule.open["text"] not in open_points:
                open_points.append(rule.open["text"])
        obligations.extend(
            Obligation(
                id=rule.id,
                article=rule.article,
                role=role,
                title=_title(rule, version),
                applies_from=when.date,
                date_source=tuple(_entry_dict(e) for e in when.entries),
                condition=condition,
                requirements=rule.requirements,
                checks=rule.checks,
            )
            for role in roles
        )
    obligations.sort(key=lambda o: facts.role.index(o.role))
    requirements = {urn for o in obligations for urn in o.requirements}
    requirements.update(urn for urn, when in rules.requirements if holds(when, context))
    unverified = _unverified(version, entries_used) + open_points
    for note in tree.notes:
        if holds(note.when, context):
            (notes if note.verified else unverified).append(note.text)
    return Classification(
        facts=facts,
        category=result.category,
        bases=bases,
        transparency=effective.transparency if "transparency" in result.marks else (),
        path=tuple(PathStep(s.node, s.article, s.facts, s.conclusion) for s in result.steps),
        obligations=tuple(obligations),
        requirements=tuple(sorted(requirements)),
        required_checks=tuple(sorted({check for o in obligations for check in o.checks})),
        as_of=as_of,
        timeline_version=version.id,
        timeline_title=version.title,
        decision_tree_version=tree.version,
        notes=tuple(notes),
        unverified=tuple(unverified),
    )
