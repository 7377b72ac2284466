"""Reading YAML input with precise errors, and writing output files atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from auditor.errors import AuditorError, SpecError

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The safe YAML loader, in C when libyaml is installed (several times faster on rulebooks and catalogues)."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` atomically, creating its folder.

    Raises
    ------
    AuditorError
        When the folder cannot be created or written to, naming the path.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise AuditorError(f"{path}: cannot write here: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; a report is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
        return yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 - the safe loader, in C when libyaml is there
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError(f"is not valid YAML{where}: {problem}", file=path) from None
