"""The dated legal timeline (``timeline.yaml``) and the rules that pick an obligation's date.

The dates are data, each with its source and a ``verified`` flag. This module picks the
version of the Act in force on the as-of date and applies the transitional rules of
Art. 111 and Art. 113 that decide which date applies to a system already in use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from auditor.classification import _data
from auditor.classification._engine import Text
from auditor.classification._facts import SystemFacts
from auditor.classification._files import read_yaml
from auditor.errors import SpecError


@dataclass(frozen=True)
class Version:
    """A text of the Act, in force from ``in_force_from`` until the next version."""

    id: str
    in_force_from: dt.date
    title: Text
    source: str
    verified: bool
    note: Text | None


@dataclass(frozen=True)
class DateEntry:
    """The date of one key of the timeline under one version, with its source."""

    key: str
    date: dt.date
    title: Text
    source: str | Text
    verified: bool


@dataclass(frozen=True)
class Timeline:
    """The versions of the Act and the dates of application under each.

    Parameters
    ----------
    versions
        The versions, oldest first.
    dates
        Per key: ``title`` and, per version id, ``{date, source, verified}``.
    """

    versions: tuple[Version, ...]
    dates: Mapping[str, Mapping[str, Any]]

    def version_at(self, as_of: dt.date) -> Version:
        """Return the version in force on ``as_of``.

        Raises
        ------
        SpecError
            When ``as_of`` is before the Act entered into force.
        """
        in_force = [v for v in self.versions if v.in_force_from <= as_of]
        if not in_force:
            first = self.versions[0].in_force_from.isoformat()
            raise SpecError(
                f"as-of date {as_of.isoformat()} is before the AI Act entered into force ({first})", key="as_of"
            )
        return in_force[-1]

    def entry(self, key: str, version: Version) -> DateEntry | None:
        """Return the date of ``key`` under ``version`` (or the latest earlier version that sets it).

        Returns ``None`` when no version up to ``version`` sets the key (e.g. a ban that only
        an amendment introduced).
        """
        spec = self.dates[key]
        ids = [v.id for v in self.versions[: self.versions.index(version) + 1] if v.id in spec]
        if not ids:
            return None
        found = spec[ids[-1]]
        return DateEntry(key, found["date"], spec["title"], found["source"], bool(found.get("verified", True)))

    def require(self, key: str, version: Version) -> DateEntry:
        """Like :meth:`entry`, for keys every version has (an internal error otherwise)."""
        found = self.entry(key, version)
        if found is None:  # pragma: no cover - guarded by the data tests
            raise RuntimeError(f"timeline has no date for {key!r} under {version.id!r}")
        return found


def _build(raw: Any, file: Path | None) -> Timeline:
    def fail(message: str, key: str) -> SpecError:
        return SpecError(message, key=key, file=file)

    if (
        not isinstance(raw, Mapping)
        or not isinstance(raw.get("versions"), list)
        or not isinstance(raw.get("dates"), Mapping)
    ):
        raise fail(
            "a timeline is a mapping with 'versions' (a list) and 'dates' (a mapping); copy timeline.yaml", "versions"
        )
    versions = []
    for i, v in enumerate(raw["versions"]):
        try:
            versions.append(
                Version(
                    str(v["id"]),
                    v["in_force_from"],
                    v["title"],
                    str(v["source"]),
                    bool(v.get("verified", True)),
                    v.get("note"),
                )
            )
        except (KeyError, TypeError):
            raise fail(
                "each version needs id, in_force_from (a date), title {en, nl} and source", f"versions[{i}]"
            ) from None
        if not isinstance(versions[-1].in_force_from, dt.date):
            raise fail(
                f"in_force_from must be a date YYYY-MM-DD, found {v['in_force_from']!r}", f"versions[{i}].in_force_from"
            )
    versions.sort(key=lambda v: v.in_force_from)
    ids = {v.id for v in versions}
    shipped = _data.load("timeline.yaml")["dates"]
    missing = sorted(set(shipped) - set(raw["dates"]))
    if missing:
        raise fail(f"missing date keys: {', '.join(missing)}", "dates")
    for key, spec in raw["dates"].items():
        for version_id, entry in spec.items():
            if version_id == "title":
                continue
            where = f"dates.{key}.{version_id}"
            if version_id not in ids:
                raise fail(f"unknown version {version_id!r}; versions: {', '.join(sorted(ids))}", where)
            if not isinstance(entry, Mapping) or not isinstance(entry.get("date"), dt.date) or "source" not in entry:
                raise fail("must be {date: YYYY-MM-DD, source: ...} with an optional verified: false", where)
    return Timeline(tuple(versions), raw["dates"])


@cache
def _shipped() -> Timeline:
    return _build(_data.load("timeline.yaml"), None)


def load_timeline(path: str | Path | None = None) -> Timeline:
    """Return the shipped timeline, or the user's replacement in ``path``.

    Parameters
    ----------
    path
        A YAML file in the format of the shipped ``timeline.yaml``; ``None`` for the shipped one.

    Returns
    -------
    Timeline
        The validated timeline.

    Raises
    ------
    SpecError
        When the file cannot be read or lacks a version, date or source.
    """
    if path is None:
        return _shipped()
    file = Path(path)
    return _build(read_yaml(file, what="timeline"), file)


@dataclass(frozen=True)
class Applicability:
    """When an obligation applies to this system.

    Parameters
    ----------
    date
        The date it applies from, or ``None`` when it applies only on a condition.
    entries
        The timeline entries the date was taken from.
    condition
        A condition or caveat on the date, in every language; ``None`` if there is none.
    """

    date: dt.date | None
    entries: tuple[DateEntry, ...]
    condition: Text | None = None


def _in_use_before(facts: SystemFacts, cutoff: dt.date) -> bool | None:
    """Whether the system was placed on the market or put into service before ``cutoff``.

    ``None`` when it is in use but the description does not say since when.
    """
    if facts.status != "in_use":
        return False
    if facts.in_use_since is None:
        return None
    return facts.in_use_since < cutoff


def _later_date(later: DateEntry, article: str) -> Text:
    return {
        "en": f"{later.date.isoformat()} applies instead (Art. {article})",
        "nl": f"geldt in plaats daarvan {later.date.isoformat()} (art. {article})",
    }


_SIGNIFICANT_CHANGE: Text = {
    "en": "the obligation applies only once its design changes significantly (Art. 111(2))",
    "nl": "geldt de verplichting pas zodra het ontwerp ingrijpend wijzigt (art. 111, lid 2)",
}


_AT_THE_LATEST: Text = {
    "en": "at the latest: already in use, so a significant change in its design before then brings the obligation "
    "forward to that change (Art. 111(2))",
    "nl": "uiterlijk: al in gebruik, dus een ingrijpende wijziging van het ontwerp vóór die datum haalt de "
    "verplichting naar dat moment naar voren (art. 111, lid 2)",
}


def _in_use_before_text(cutoff: dt.date, consequence: Text, *, known: bool) -> Text:
    day = cutoff.isoformat()
    if known:
        return {
            "en": f"in use before {day}: {consequence['en']}",
            "nl": f"al vóór {day} in gebruik: {consequence['nl']}",
        }
    return {
        "en": f"in_use_since is not given: if the system was in use before {day}, {consequence['en']}",
        "nl": f"in_use_since ontbreekt: als het systeem vóór {day} in gebruik was, {consequence['nl']}",
    }


def _legacy(rule: str, facts: SystemFacts, timeline: Timeline, version: Version) -> Applicability:
    """Art. 111(3) for general-purpose AI models; the reported Art. 50(2) grace period."""
    base_key, legacy_key, article = {
        "gpai": ("gpai", "gpai_legacy", "111(3)"),
        "transparency_marking": ("transparency", "transparency_marking_legacy", "50(2)"),
    }[rule]
    base, legacy = timeline.require(base_key, version), timeline.require(legacy_key, version)
    before = _in_use_before(facts, base.date)
    if before:
        return Applicability(legacy.date, (legacy,))
    if before is None and legacy.date != base.date:
        return Applicability(
            base.date, (base,), _in_use_before_text(base.date, _later_date(legacy, article), known=False)
        )
    return Applicability(base.date, (base,))


def _annex_x(base: DateEntry, facts: SystemFacts, timeline: Timeline, version: Version) -> Applicability | None:
    """Art. 111(1): a component of an Annex X large-scale IT system already in use complies by 31 Dec 2030."""
    cutoff = timeline.require("annex_x_cutoff", version)
    deadline = timeline.require("annex_x", version)
    before = _in_use_before(facts, cutoff.date)
    if before is None:
        return Applicability(
            base.date, (base,), _in_use_before_text(cutoff.date, _later_date(deadline, "111(1)"), known=False)
        )
    if not before:
        return None
    text: Text = {
        "en": f"component of a large-scale IT system of Annex X in use before {cutoff.date.isoformat()}: brought into "
        f"compliance by {deadline.date.isoformat()} (Art. 111(1))",
        "nl": f"onderdeel van een grootschalig IT-systeem uit bijlage X dat vóór {cutoff.date.isoformat()} in gebruik "
        f"was: uiterlijk {deadline.date.isoformat()} in overeenstemming gebracht (art. 111, lid 1)",
    }
    return Applicability(deadline.date, (cutoff, deadline), text)


def _high_risk_basis(basis: str, facts: SystemFacts, timeline: Timeline, version: Version) -> Applicability:
    """Art. 113 / amended dates for one basis, with the transitional rules of Art. 111(1) and 111(2)."""
    base = timeline.require(f"high_risk_{basis}", version)
    if facts.annex_x:
        found = _annex_x(base, facts, timeline, version)
        if found is not None:
            return found
        return Applicability(base.date, (base,))
    cutoff = timeline.require(f"high_risk_legacy_cutoff_{basis}", version)
    public = timeline.require("high_risk_legacy_public", version)
    for_public = facts.for_public_authorities
    consequence = _later_date(public, "111(2)") if for_public else _SIGNIFICANT_CHANGE
    before = _in_use_before(facts, cutoff.date)
    if before is None:
        return Applicability(base.date, (base,), _in_use_before_text(cutoff.date, consequence, known=False))
    if not before:
        return Applicability(base.date, (base,))
    if for_public:
        return Applicability(public.date, (cutoff, public), _AT_THE_LATEST)
    return Applicability(None, (cutoff,), _in_use_before_text(cutoff.date, consequence, known=True))


def applicability(
    rule: str,
    facts: SystemFacts,
    bases: tuple[str, ...],
    timeline: Timeline,
    version: Version,
    *,
    pending: tuple[str, ...] = (),
) -> Applicability:
    """Work out from when an obligation applies to this system.

    Parameters
    ----------
    rule
        The obligation's ``date``: a key of the timeline, or one of the rules ``high_risk``,
        ``gpai``, ``transparency_marking``, ``prohibited`` (see ``obligations.yaml``).
    facts
        The system's facts (status, in_use_since, public_authority, prohibited practices).
    bases
        The high-risk bases found (``annex_i``, ``annex_iii``).
    timeline, version
        The timeline and the version of the Act in force on the as-of date.
    pending
        Prohibited practices that apply only after the as-of date (rule ``prohibited_pending``).

    Returns
    -------
    Applicability
        The date (or ``None`` with a condition) and the timeline entries it rests on.

    Notes
    -----
    ``high_risk``: the date of application of Art. 6(1) (Annex I) or Art. 6(2) (Annex III);
    with both bases the earlier date. A system placed on the market or put into service before
    the cut-off of Art. 111(2) is covered only after a significant change in its design, except
    that providers and deployers of systems intended to be used by public authorities must
    comply by the Art. 111(2) date (2 Aug 2030). A component of a large-scale IT system of
    Annex X in use before 2 Aug 2027 complies by 31 Dec 2030 instead (Art. 111(1)).
    """
    if rule in ("gpai", "transparency_marking"):
        return _legacy(rule, facts, timeline, version)
    if rule == "high_risk":
        options = [_high_risk_basis(basis, facts, timeline, version) for basis in bases]
        dated = [o for o in options if o.date is not None]
        return min(dated, key=lambda o: o.date or dt.date.max) if dated else options[0]
    if rule in ("prohibited", "prohibited_pending"):
        practices = pending if rule == "prohibited_pending" else facts.prohibited
        entries = [timeline.require(_data.choices("prohibited")[p]["date"], version) for p in practices]
        first = min(entries, key=lambda e: e.date)
        return Applicability(first.date, (first,))
    entry = timeline.require(rule, version)
    return Applicability(entry.date, (entry,))
