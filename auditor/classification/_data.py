"""The shipped YAML data of the classification, loaded once through importlib.resources.

Loading through :func:`importlib.resources.files` makes the data work from a checkout and
from an installed wheel alike. The files are read on first use, not at import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from auditor.classification._engine import Branch, Condition, Node, Text

VOCABULARY_LISTS = ("roles", "statuses", "kinds", "exclusions", "derogations", "rbi_modes")
ANNEX_LISTS = ("prohibited", "annex_iii", "transparency")


@cache
def load(name: str) -> Any:
    """Return the parsed content of a shipped YAML file (cached; do not modify it).

    Parameters
    ----------
    name
        File name inside the ``auditor.classification`` package.

    Returns
    -------
    Any
        The parsed document.
    """
    text = resources.files("auditor.classification").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def vocabulary() -> Mapping[str, Any]:
    """Return ``vocabulary.yaml``: categories, roles, labels of the system card and register."""
    vocabulary: Mapping[str, Any] = load("vocabulary.yaml")
    return vocabulary


def choices(name: str) -> Mapping[str, Mapping[str, Any]]:
    """Return the entries of a closed list of values, keyed by the value.

    Parameters
    ----------
    name
        One of :data:`VOCABULARY_LISTS` (``vocabulary.yaml``) or :data:`ANNEX_LISTS`
        (``annexes.yaml``).

    Returns
    -------
    Mapping
        Each valid value with its ``en``/``nl`` texts and, for the annexes, its ``code``.
    """
    entries: Mapping[str, Mapping[str, Any]] = (vocabulary() if name in VOCABULARY_LISTS else load("annexes.yaml"))[
        name
    ]
    return entries


def annex_i_areas() -> Mapping[str, Mapping[str, Mapping[str, str]]]:
    """Return the Annex I product areas per section (``A``, ``B``), as in the Act as adopted."""
    areas: Mapping[str, Mapping[str, Mapping[str, str]]] = load("annexes.yaml")["annex_i"]
    return areas


def annex_i_moves() -> Mapping[str, Mapping[str, Any]]:
    """Return the Annex I areas an amendment moved to another section: ``{area: {to, version, source}}``."""
    moves: Mapping[str, Mapping[str, Any]] = load("annexes.yaml").get("annex_i_moves") or {}
    return moves


@dataclass(frozen=True)
class Note:
    """A remark added to a classification when its condition holds."""

    when: Condition
    text: Text
    verified: bool


@dataclass(frozen=True)
class Tree:
    """The decision tree: nodes, start, notes and the interactive questions."""

    version: str
    start: str
    nodes: Mapping[str, Node]
    notes: tuple[Note, ...]
    identity: tuple[str, ...]
    questions: Mapping[str, Mapping[str, Any]]


@cache
def tree() -> Tree:
    """Return the decision tree of ``decision_tree.yaml``."""
    raw = load("decision_tree.yaml")
    nodes = {
        node_id: Node(
            id=node_id,
            article=str(spec["article"]),
            uses=tuple(spec.get("uses", ())),
            branches=tuple(
                Branch(
                    when=b.get("when"),
                    conclusion=b["conclusion"],
                    next=b.get("next"),
                    result=b.get("result"),
                    mark=tuple(b.get("mark", ())),
                )
                for b in spec["branches"]
            ),
        )
        for node_id, spec in raw["nodes"].items()
    }
    notes = tuple(Note(n["when"], n["text"], bool(n.get("verified", True))) for n in raw["notes"])
    return Tree(str(raw["version"]), raw["start"], nodes, notes, tuple(raw["identity"]), raw["questions"])


@dataclass(frozen=True)
class ObligationRule:
    """An obligation of ``obligations.yaml``: who bears it, when it applies, what it requires.

    ``title_by_version`` gives the wording under earlier versions of the Act (keyed by version
    id); ``open`` names the versions under which its date is not settled, with the text that says so.
    """

    id: str
    article: str
    roles: tuple[str, ...]
    when: Condition
    date: str
    title: Text
    requirements: tuple[str, ...]
    checks: tuple[str, ...]
    title_by_version: Mapping[str, Text]
    open: Mapping[str, Any] | None


@dataclass(frozen=True)
class Rules:
    """All of ``obligations.yaml``."""

    obligations: tuple[ObligationRule, ...]
    requirements: tuple[tuple[str, Condition], ...]
    check_ids: tuple[str, ...]
    check_families: tuple[str, ...]


@cache
def rules() -> Rules:
    """Return the obligations, extra requirements and known check ids of ``obligations.yaml``."""
    raw = load("obligations.yaml")
    obligations = tuple(
        ObligationRule(
            id=o["id"],
            article=str(o["article"]),
            roles=tuple(o["roles"]),
            when=o["when"],
            date=o["date"],
            title=o["title"],
            requirements=tuple(o.get("requirements", ())),
            checks=tuple(o.get("checks", ())),
            title_by_version=o.get("title_by_version") or {},
            open=o.get("open"),
        )
        for o in raw["obligations"]
    )
    requirements = tuple((r["urn"], r["when"]) for r in raw["requirements"])
    return Rules(obligations, requirements, tuple(raw["checks"]["ids"]), tuple(raw["checks"]["families"]))
