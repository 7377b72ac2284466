"""A tiny stand-in for the main ``auditor`` CLI, to test the classification sub-commands."""

from __future__ import annotations

import argparse
import sys

from auditor import exitcodes
from auditor.classification.cli import add_commands
from auditor.errors import AuditorError


def run(argv: list[str]) -> int:
    """Parse ``argv`` like ``auditor`` would, run the sub-command, return its exit code.

    An :class:`~auditor.errors.AuditorError` is printed as ``auditor: error: <message>`` on
    stderr and gives exit code 2, as in the main CLI; argparse errors exit 2 themselves.
    """
    parser = argparse.ArgumentParser(prog="auditor")
    add_commands(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return int(args.func(args))
    except AuditorError as error:
        print(f"auditor: error: {error}", file=sys.stderr)
        return exitcodes.USAGE_ERROR
