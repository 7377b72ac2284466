"""Reading the package's YAML input with precise errors, and writing its output atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import yaml

from auditor.errors import SpecError


def read_yaml(path: Path, *, what: str) -> Any:
    """Parse a YAML file, turning every failure into a :class:`~auditor.errors.SpecError`.

    Parameters
    ----------
    path
        The file to read.
    what
        What the file should be, for the messages (e.g. ``"system description"``).

    Returns
    -------
    Any
        The parsed document.

    Raises
    ------
    SpecError
        When the file is missing, unreadable, not UTF-8 or not valid YAML.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"{what} not found; check the path", file=path) from None
    except IsADirectoryError:
        raise SpecError(f"is a folder; expected a {what} (a YAML file)", file=path) from None
    except UnicodeDecodeError as exc:
        raise SpecError(f"is not UTF-8 text (byte {exc.start}); save the {what} as UTF-8", file=path) from None
    except OSError as exc:
        raise SpecError(f"cannot be read: {exc.strerror}", file=path) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError(f"is not valid YAML{where}: {problem}", file=path) from None


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
    if len(problems) == 1:
        key, message = problems[0]
        raise SpecError(message, key=key, file=file)
    lines = "\n".join(f"  {key}: {message}" for key, message in problems)
    raise SpecError(f"{len(problems)} problems in the {what}:\n{lines}", file=file)


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


