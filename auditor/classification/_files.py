"""Reporting every problem of an input file at once (YAML reading is :func:`auditor.files.read_yaml`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import yaml

from auditor.errors import SpecError
from auditor.files import read_yaml

__all__ = ["raise_problems", "read_yaml", "yaml_flow"]


def raise_problems(problems: list[tuple[str, str]], *, file: Path | None, what: str) -> NoReturn:
    """Raise one :class:`~auditor.errors.SpecError` reporting every problem found.

    Parameters
    ----------
    problems
        ``(key, message)`` pairs; at least one.
    file
        The file they were found in, if any.
    what
        What the file is, e.g. ``"system description"``.

    Raises
    ------
    SpecError
        With the key of a single problem, or a list of all of them.
    """
    raise SpecError.from_problems(problems, what=what, file=file)


def yaml_flow(value: Any) -> str:
    """Write a value as one line of YAML flow notation, e.g. ``[provider, deployer]``.

    Parameters
    ----------
    value
        A scalar, date, list or mapping.

    Returns
    -------
    str
        The value as YAML, quoted where YAML needs it (``'50.1'``, ``'Gemeente: X'``).
    """
    text: str = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000)
    return text.removesuffix("...\n").strip()


