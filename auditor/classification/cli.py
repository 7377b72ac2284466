"""The ``classify`` and ``inventory`` sub-commands of ``auditor`` (a thin shell over the library).

The main CLI calls :func:`add_commands` with its sub-parsers; each sub-command's ``func``
returns an exit code of :mod:`auditor.exitcodes`. Invalid input raises
:class:`~auditor.errors.AuditorError`, which the main CLI prints and turns into exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from auditor import exitcodes
from auditor.classification._classify import classify
from auditor.classification._facts import load_system
from auditor.classification._files import read_yaml
from auditor.classification._interactive import ask_facts, facts_yaml
from auditor.classification._inventory import (
    inventory,
    not_a_system_description,
    render_table,
    to_csv,
    to_json,
    write_outputs,
)
from auditor.classification._render import render_text
from auditor.classification._systemcard import dump_card, system_card
from auditor.errors import SpecError
from auditor.files import write_atomic

_CLASSIFY_HELP = """\
Classify an AI system under the EU AI Act (Regulation (EU) 2024/1689, as amended in 2026).

SYSTEM is a system description: a YAML file of facts about the system (roles, kind, Annex III
uses, ...; see sample_data/benefits/system.yaml) or a MinBZK system card with an
ai_act_profile. The verdict gives the category (not an AI system, out of scope, prohibited,
high-risk, transparency, minimal, general-purpose AI model), the reasoning with the article
behind each step, the obligations per role with the date each applies from, the Algoritmekader
requirements and the rulebook checks the classification makes mandatory.

With --interactive the command asks only the questions on the path through the decision tree
(in English or Dutch, --lang) and writes the answers to SYSTEM, which must not exist yet."""

_INVENTORY_HELP = """\
Classify every system description (*.yaml, *.yml) in DIR and show a table of system, roles,
category and next deadline. --format csv or json prints the inventory in that format; --out
writes inventory.csv, inventory.json and an Algoritmeregister publication-standard 1.0 draft
per system (register/<file>.json), whose required fields are checked."""


def _as_of(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, found {text!r}") from None


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=("en", "nl"), default="en", help="language of the output and questions (default: en)"
    )
    parser.add_argument(
        "--as-of",
        type=_as_of,
        metavar="YYYY-MM-DD",
        help="classify as on this date: selects the version of the Act (original, or as amended in 2026 from its "
        "entry into force) and which obligations already apply (default: today)",
    )
    parser.add_argument(
        "--timeline",
        type=Path,
        metavar="FILE",
        help="replacement for the shipped timeline of dates (same format as auditor/classification/timeline.yaml), to "
        "correct dates marked unverified",
    )


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``classify`` and ``inventory`` sub-commands.

    Parameters
    ----------
    subparsers
        The sub-parsers of the main ``auditor`` parser.
    """
    formatter = argparse.RawDescriptionHelpFormatter
    classify_parser = subparsers.add_parser(
        "classify",
        help="classify a system under the AI Act: category, reasoning, obligations and dates",
        description=_CLASSIFY_HELP,
        epilog=exitcodes.HELP_TEXT,
        formatter_class=formatter,
    )
    classify_parser.add_argument(
        "system",
        type=Path,
        metavar="SYSTEM",
        help="system description (YAML facts file or system card); with --interactive: the file to write",
    )
    classify_parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: readable verdict (default); json: the full classification",
    )
    _common(classify_parser)
    classify_parser.add_argument(
        "--interactive", action="store_true", help="ask the questions in the terminal and write the answers to SYSTEM"
    )
    classify_parser.add_argument(
        "--systemcard",
        type=Path,
        metavar="OUT",
        help="also write a MinBZK system card with the facts and the result (an existing card is updated, its "
        "other fields kept)",
    )
    classify_parser.set_defaults(func=run_classify)

    inventory_parser = subparsers.add_parser(
        "inventory",
        help="classify every system description in a folder: table, CSV/JSON and Algoritmeregister drafts",
        description=_INVENTORY_HELP,
        epilog=exitcodes.HELP_TEXT,
        formatter_class=formatter,
    )
    inventory_parser.add_argument("directory", type=Path, metavar="DIR", help="folder with system descriptions")
    inventory_parser.add_argument(
        "--format", choices=("text", "csv", "json"), default="text", help="output on the terminal (default: text)"
    )
    inventory_parser.add_argument(
        "--out", type=Path, metavar="DIR", help="also write inventory.csv, inventory.json and register/<file>.json here"
    )
    _common(inventory_parser)
    inventory_parser.set_defaults(func=run_inventory)


def run_classify(args: argparse.Namespace) -> int:
    """Run ``auditor classify`` with parsed arguments; return the exit code.

    Parameters
    ----------
    args
        The parsed arguments of the ``classify`` sub-command.

    Returns
    -------
    int
        :data:`auditor.exitcodes.OK`; invalid input raises :class:`~auditor.errors.SpecError`.
    """
    if args.interactive:
        if args.system.exists():
            raise SpecError(
                "already exists; --interactive writes a new facts file, give a path that does not exist",
                file=args.system,
            )
        answers = ask_facts(lang=args.lang, stdin=sys.stdin, stdout=sys.stdout)
        facts = load_system(answers)
        write_atomic(args.system, facts_yaml(answers))
        print(f"\n{'wrote' if args.lang == 'en' else 'geschreven'}: {args.system}\n")
    else:
        facts = load_system(args.system)
    result = classify(facts, as_of=args.as_of, timeline=args.timeline)
    if args.systemcard:
        base = read_yaml(args.systemcard, what="system card") if args.systemcard.exists() else None
        if base is not None and not isinstance(base, dict):
            raise SpecError("exists but is not a system card (a YAML mapping); give another path", file=args.systemcard)
        write_atomic(args.systemcard, dump_card(system_card(facts, result, base=base)))
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_text(result, args.lang))
    return exitcodes.OK


def run_inventory(args: argparse.Namespace) -> int:
    """Run ``auditor inventory`` with parsed arguments; return the exit code.

    Parameters
    ----------
    args
        The parsed arguments of the ``inventory`` sub-command.

    Returns
    -------
    int
        :data:`auditor.exitcodes.OK`; invalid input raises :class:`~auditor.errors.SpecError`.
    """
    for file in sorted(p for p in args.directory.iterdir() if p.suffix in (".yaml", ".yml")) if args.directory.is_dir() else ():
        reason = not_a_system_description(file)
        if reason:
            print(f"auditor: note: skipped {file}: {reason}", file=sys.stderr)
    items = inventory(args.directory, as_of=args.as_of, timeline=args.timeline)
    if args.out:
        write_outputs(items, args.out, args.lang)
    output = {
        "text": lambda: render_table(items, args.lang),
        "csv": lambda: to_csv(items, args.lang),
        "json": lambda: to_json(items),
    }
    print(output[args.format]().rstrip("\n"))
    return exitcodes.OK
