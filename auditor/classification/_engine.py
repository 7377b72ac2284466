"""The small engine that evaluates the decision tree of ``decision_tree.yaml``.

The legal reasoning lives in the YAML files; this module only knows how to read a condition,
how to walk from node to node, and how to fill a fact into a conclusion. Conditions are plain
mappings (see the header of ``decision_tree.yaml``):

``{fact: KEY, OPERATOR: ARGUMENT}``, ``{mark: NAME}``, ``{category: [..]}``, ``{all: [..]}``,
``{any: [..]}``, ``{not: CONDITION}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

LANGUAGES = ("en", "nl")

Text = Mapping[str, str]
"""A text in every language of :data:`LANGUAGES`, e.g. ``{"en": "...", "nl": "..."}``."""

Condition = Mapping[str, Any]

FactGetter = Callable[[str], Any]
"""Returns the value of a fact by (dotted) key; may ask the user for it."""

Describe = Callable[[str, Any, str], str]
"""Writes a fact value for a reader: ``describe(key, value, lang)``."""


def _intersects(value: Any, argument: Collection[Any]) -> bool:
    return bool(set(value or ()) & set(argument))


def _has_other_than(value: Any, argument: Collection[Any]) -> bool:
    return bool(set(value or ()) - set(argument))


OPERATORS: Mapping[str, Callable[[Any, Any], bool]] = {
    "is": lambda value, argument: value == argument,
    "is_not": lambda value, argument: value != argument,
    "nonempty": lambda value, argument: bool(value) == argument,
    "intersects": _intersects,
    "has_other_than": _has_other_than,
    "gt": lambda value, argument: value is not None and value > argument,
}


@dataclass(frozen=True)
class Context:
    """What a condition can look at.

    Parameters
    ----------
    fact
        Returns a fact's value by dotted key.
    marks
        The marks the walk has set so far.
    category
        The category, once known (obligations and notes); ``None`` during the walk.
    """

    fact: FactGetter
    marks: Collection[str]
    category: str | None = None


def holds(condition: Condition | None, context: Context) -> bool:
    """Evaluate a condition; ``None`` (a branch without ``when``) always holds.

    Parameters
    ----------
    condition
        The condition mapping.
    context
        The facts, marks and category to evaluate against.

    Returns
    -------
    bool
        Whether the condition holds.
    """
    if condition is None:
        return True
    if "all" in condition:
        return all(holds(part, context) for part in condition["all"])
    if "any" in condition:
        return any(holds(part, context) for part in condition["any"])
    if "not" in condition:
        return not holds(condition["not"], context)
    if "mark" in condition:
        return condition["mark"] in context.marks
    if "category" in condition:
        return context.category in condition["category"]
    operator = next(key for key in condition if key != "fact")
    return OPERATORS[operator](context.fact(condition["fact"]), condition[operator])


def condition_problems(condition: Any, fact_keys: Collection[str], categories: Collection[str]) -> list[str]:
    """List what is malformed in a condition (used by the tests over the shipped data).

    Parameters
    ----------
    condition
        The condition to check.
    fact_keys
        Keys a ``fact`` may name (the first part of a dotted key).
    categories
        Valid category names.

    Returns
    -------
    list of str
        One message per problem; empty when the condition is well formed.
    """
    if not isinstance(condition, Mapping):
        return [f"condition must be a mapping, found {condition!r}"]
    keys = set(condition)
    if keys in ({"all"}, {"any"}):
        parts = next(iter(condition.values()))
        return [p for part in parts for p in condition_problems(part, fact_keys, categories)]
    if keys == {"not"}:
        return condition_problems(condition["not"], fact_keys, categories)
    if keys == {"mark"}:
        return []
    if keys == {"category"}:
        return [f"unknown category {c!r}" for c in condition["category"] if c not in categories]
    if "fact" in keys and len(keys) == 2 and (keys - {"fact"}) <= set(OPERATORS):
        root = str(condition["fact"]).split(".")[0]
        return [] if root in fact_keys else [f"unknown fact {condition['fact']!r}"]
    return [f"malformed condition {dict(condition)!r}"]


@dataclass(frozen=True)
class Branch:
    """One way out of a node: taken when ``when`` holds (or always, when ``None``)."""

    when: Condition | None
    conclusion: Text
    next: str | None = None
    result: str | None = None
    mark: tuple[str, ...] = ()


@dataclass(frozen=True)
class Node:
    """A question of the decision tree, with the article that answers it."""

    id: str
    article: str
    branches: tuple[Branch, ...]
    uses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One node on the path: the facts it looked at and what it concluded."""

    node: str
    article: str
    facts: Mapping[str, Any]
    conclusion: Text


@dataclass(frozen=True)
class Walk:
    """The outcome of walking the tree: the path, the category and the marks set."""

    steps: tuple[Step, ...]
    category: str
    marks: frozenset[str]


_PLACEHOLDER = re.compile(r"\{([a-z0-9_.]+)\}")


def _fill(text: str, fact: FactGetter, describe: Describe, lang: str) -> str:
    """Replace each ``{key}`` in ``text`` by the fact's value as ``describe`` writes it."""

    def replace(match: re.Match[str]) -> str:
        return describe(match[1], fact(match[1]), lang)

    return _PLACEHOLDER.sub(replace, text)


def walk(nodes: Mapping[str, Node], start: str, fact: FactGetter, describe: Describe) -> Walk:
    """Walk the tree from ``start`` until a branch gives a result.

    Facts are fetched only when a condition, a ``uses`` entry or a conclusion needs them, so
    an interactive ``fact`` getter asks exactly the questions on the path.

    Parameters
    ----------
    nodes
        The nodes by id.
    start
        The id of the first node.
    fact
        Returns a fact's value by dotted key.
    describe
        Writes a fact value into a conclusion, per language.

    Returns
    -------
    Walk
        The steps taken, the category reached and the marks set.
    """
    marks: set[str] = set()
    steps: list[Step] = []
    node_id = start
    for _ in range(len(nodes)):
        node = nodes[node_id]
        used: dict[str, Any] = {}

        def recording(key: str, _used: dict[str, Any] = used) -> Any:
            root = key.split(".")[0]
            _used[root] = fact(root)
            return fact(key)

        for key in node.uses:
            recording(key)
        context = Context(recording, marks)
        branch = next(b for b in node.branches if holds(b.when, context))
        marks.update(branch.mark)
        conclusion = {lang: _fill(branch.conclusion[lang], recording, describe, lang) for lang in LANGUAGES}
        steps.append(Step(node.id, node.article, used, conclusion))
        if branch.result is not None:
            return Walk(tuple(steps), branch.result, frozenset(marks))
        assert branch.next is not None
        node_id = branch.next
    raise RuntimeError(f"decision tree does not end: it cycles through {node_id!r}")  # pragma: no cover
