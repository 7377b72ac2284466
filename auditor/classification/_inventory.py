"""``auditor inventory DIR``: classify every system description in a folder.

All files are read and validated before anything is written (DESIGN: validate once, never a
half-written output); every invalid file is reported in one error.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.classification import _data
from auditor.classification._classify import Classification, classify
from auditor.classification._facts import REQUIRED, load_system
from auditor.classification._register import register_entry, register_problems
from auditor.errors import SpecError
from auditor.files import read_yaml, write_atomic


@dataclass(frozen=True)
class Item:
    """One classified system of the inventory, with its Algoritmeregister draft."""

    file: Path
    classification: Classification
    register: dict[str, Any]
    register_problems: tuple[str, ...]


def not_a_system_description(file: Path) -> str | None:
    """Why a YAML file in an inventory folder is not a system description, or ``None`` if it is one.

    A system description is a mapping with ``ai_act_profile`` (a system card) or with any of the
    required facts (``name``, ``role``, ``kind``, ...). Files of another kind — an audit spec
    (``data:``, ``columns:``), a rulebook (``requirements:``, ``thresholds:``) — are skipped with a
    note; a file that cannot be read is not skipped, so its error is reported.
    """
    try:
        raw = read_yaml(file, what="system description")
    except SpecError:
        return None
    if not isinstance(raw, dict):
        return None
    if "ai_act_profile" in raw or set(REQUIRED) & set(raw):
        return None
    if {"data", "columns"} & set(raw):
        return "an audit spec (data:, columns:), not a system description"
    if {"requirements", "thresholds"} <= set(raw):
        return "a rulebook (requirements:, thresholds:), not a system description"
    return f"none of the facts of a system description ({', '.join(REQUIRED)}) nor an ai_act_profile"


def inventory(directory: Path, *, as_of: dt.date | None = None, timeline: Path | None = None) -> list[Item]:
    """Classify every ``*.yaml`` / ``*.yml`` system description in ``directory``.

    Parameters
    ----------
    directory
        The folder (not searched recursively). Facts files and system cards may be mixed; other
        YAML files (an audit spec beside its system.yaml) are skipped
        (:func:`not_a_system_description`).
    as_of
        The as-of date of the classifications; default today.
    timeline
        A replacement timeline file, as for :func:`~auditor.classification.classify`.

    Returns
    -------
    list of Item
        One item per file, in file-name order.

    Raises
    ------
    SpecError
        When the folder is missing or empty, or when any file is invalid (all are listed).
    """
    if not directory.is_dir():
        raise SpecError("is not a folder; give the folder that holds the system descriptions", file=directory)
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()
                   and not_a_system_description(p) is None)
    if not files:
        raise SpecError("holds no system descriptions (*.yaml, *.yml)", file=directory)
    items: list[Item] = []
    errors: list[str] = []
    for file in files:
        try:
            facts = load_system(file)
        except SpecError as error:
            errors.append(str(error))
            continue
        result = classify(facts, as_of=as_of, timeline=timeline)
        entry = register_entry(facts, result)
        items.append(Item(file, result, entry, tuple(register_problems(entry, facts, result))))
    if errors:
        raise SpecError(
            f"{len(errors)} of {len(files)} system descriptions are invalid; nothing was written:\n" + "\n".join(errors)
        )
    return items


_COLUMNS = (
    "file",
    "system",
    "organisation",
    "roles",
    "category",
    "basis",
    "transparency",
    "next_deadline",
    "publication_category",
    "register",
)


def _row(item: Item, lang: str) -> dict[str, str]:
    vocabulary = _data.vocabulary()
    result = item.classification
    deadline = result.next_deadline
    return {
        "file": item.file.name,
        "system": result.facts.name,
        "organisation": result.facts.organisation,
        "roles": ", ".join(_data.choices("roles")[r][lang] for r in result.roles),
        "category": vocabulary["categories"][result.category][lang],
        "basis": ", ".join(result.bases),
        "transparency": ", ".join(_data.choices("transparency")[c]["code"] for c in result.transparency),
        "next_deadline": deadline.isoformat() if deadline else "",
        "publication_category": item.register["publication_category"],
        "register": "; ".join(item.register_problems),
    }


def render_table(items: Sequence[Item], lang: str) -> str:
    """Write the inventory as an aligned text table: system, roles, category, next deadline.

    Parameters
    ----------
    items
        The classified systems.
    lang
        ``"en"`` or ``"nl"``.

    Returns
    -------
    str
        The table, with a header line.
    """
    ui = _data.vocabulary()["ui"]
    headers = [
        ui["system"][lang],
        ui["roles"][lang].lower(),
        ui["category"][lang].lower(),
        ui["next_deadline"][lang].lower(),
        ui["register"][lang],
    ]
    rows = []
    for item in items:
        row = _row(item, lang)
        register = ui["register_missing"][lang] if item.register_problems else ui["register_ok"][lang]
        rows.append([row["system"], row["roles"], row["category"], row["next_deadline"] or "—", register])
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = [
        "  ".join(str(cell).ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in [headers, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def to_csv(items: Sequence[Item], lang: str) -> str:
    """Write the inventory as CSV, one row per system.

    Parameters
    ----------
    items
        The classified systems.
    lang
        Language of the role and category words.

    Returns
    -------
    str
        CSV text with the columns file, system, organisation, roles, category, basis,
        transparency, next_deadline, publication_category, register (problems of the draft).
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_row(item, lang) for item in items)
    return buffer.getvalue()


def to_json(items: Sequence[Item]) -> str:
    """Write the inventory as JSON: every classification in full, with its register draft.

    Parameters
    ----------
    items
        The classified systems.

    Returns
    -------
    str
        JSON text: ``{"systems": [{"file", "classification", "register", "register_problems"}]}``.
    """
    systems: list[dict[str, Any]] = [
        {
            "file": item.file.name,
            "classification": item.classification.to_dict(),
            "register": item.register,
            "register_problems": list(item.register_problems),
        }
        for item in items
    ]
    return json.dumps({"systems": systems}, ensure_ascii=False, indent=2) + "\n"


def write_outputs(items: Sequence[Item], out: Path, lang: str) -> list[Path]:
    """Write ``inventory.csv``, ``inventory.json`` and ``register/<file>.json`` per system.

    Parameters
    ----------
    items
        The classified systems.
    out
        The output folder (created when missing).
    lang
        Language of the CSV's words.

    Returns
    -------
    list of Path
        The files written.
    """
    outputs = {out / "inventory.csv": to_csv(items, lang), out / "inventory.json": to_json(items)}
    for item in items:
        outputs[out / "register" / f"{item.file.stem}.json"] = (
            json.dumps(item.register, ensure_ascii=False, indent=2) + "\n"
        )
    for path, text in outputs.items():
        write_atomic(path, text)
    return list(outputs)
