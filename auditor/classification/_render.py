"""The readable verdict of ``auditor classify`` (English or Dutch), from a classification alone."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping

from auditor.citations import cite
from auditor.classification import _data
from auditor.classification._classify import Classification, Obligation

_WIDTH = 100


def _wrap(text: str, indent: str, first: str = "") -> list[str]:
    return textwrap.wrap(text, _WIDTH, initial_indent=indent + first, subsequent_indent=indent + " " * len(first)) or [
        indent
    ]


def _when(obligation: Obligation, result: Classification, ui: Mapping[str, Mapping[str, str]], lang: str) -> str:
    if obligation.applies_from is None:
        head = ui["conditional"][lang]
    else:
        word = ui["applies_since"] if obligation.applies_from <= result.as_of else ui["applies_from"]
        head = f"{word[lang]} {obligation.applies_from.isoformat()}"
    return f"{head} — {obligation.condition[lang]}" if obligation.condition else head


def render_text(result: Classification, lang: str) -> str:
    """Write a classification as text for the terminal.

    Parameters
    ----------
    result
        The classification.
    lang
        ``"en"`` or ``"nl"``.

    Returns
    -------
    str
        The verdict: category, basis, roles, transparency, as-of date and timeline, next
        deadline, the reasoning with articles, the obligations per role with their dates,
        requirements, required checks, notes and unverified points.
    """
    vocabulary = _data.vocabulary()
    ui = vocabulary["ui"]
    roles = _data.choices("roles")
    lines = [f"{result.facts.name} — {result.facts.organisation}", ""]
    category = vocabulary["categories"][result.category][lang]
    if result.bases:
        category += " (" + "; ".join(vocabulary["bases"][b][lang] for b in result.bases) + ")"
    transparency = ", ".join(cite(_data.choices("transparency")[c]["code"], lang) for c in result.transparency)
    deadline = result.next_deadline
    header = [
        (ui["category"][lang], category),
        (ui["roles"][lang], ", ".join(roles[r][lang] for r in result.roles)),
        (ui["transparency"][lang], transparency or ui["none"][lang]),
        (ui["as_of"][lang], f"{result.as_of.isoformat()} — {result.timeline_title[lang]}"),
        (ui["next_deadline"][lang], deadline.isoformat() if deadline else "—"),
    ]
    width = max(len(label) for label, _ in header) + 2
    for label, value in header:
        lines.extend(_wrap(value, "", f"{label + ':':<{width}}"))
    lines += ["", ui["reasoning"][lang]]
    for number, step in enumerate(result.path, 1):
        lines.extend(_wrap(step.conclusion[lang], "  ", f"{number}. {cite(step.article, lang)}: "))
    lines += ["", ui["obligations"][lang]]
    if not result.obligations:
        lines.append("  " + ui["no_obligations"][lang])
    for role in result.roles:
        mine = [o for o in result.obligations if o.role == role]
        if not mine:
            continue
        lines.append(f"  {roles[role][lang]}")
        groups: dict[str, list[Obligation]] = {}
        for o in sorted(mine, key=lambda o: o.applies_from or dt.date.max):
            groups.setdefault(_when(o, result, ui, lang), []).append(o)
        for when, group in groups.items():
            lines.extend(_wrap(when, "    "))
            for o in group:
                lines.extend(_wrap(o.title[lang], "      ", f"{cite(o.article, lang)}: "))
    for title, items in (
        (ui["requirements"][lang], result.requirements),
        (ui["required_checks"][lang], result.required_checks),
    ):
        if items:
            lines += ["", title]
            lines.extend(_wrap(", ".join(items), "  "))
    for title, texts in ((ui["notes"][lang], result.notes), (ui["unverified"][lang], result.unverified)):
        if texts:
            lines += ["", title]
            for text in texts:
                lines.extend(_wrap(text[lang], "  ", "- "))
    lines += ["", ui["disclaimer"][lang]]
    return "\n".join(lines)
