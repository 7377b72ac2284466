"""Reading YAML input with precise errors; writing JSON and output files atomically."""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from collections.abc import Mapping
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


_TEMP = ".auditor-"
"""Marks the temporary names this module gives files while it moves them into place."""


def _link(fd: int, name: str | Path) -> None:
    """Give the unnamed file ``fd`` the name ``name``: ``linkat(AT_EMPTY_PATH)``, else via ``/proc/self/fd``."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.linkat(fd, b"", -100, os.fsencode(name), 0x1000) == 0:  # AT_FDCWD, AT_EMPTY_PATH
            return
    except (OSError, AttributeError):
        pass
    os.link(f"/proc/self/fd/{fd}", name, follow_symlinks=True)


def _unnamed_files_work(folder: Path) -> bool:
    """Whether ``folder`` takes unnamed files that can be linked in (Linux ``O_TMPFILE``; not on overlayfs)."""
    try:
        fd = os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o600)  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return False
    probe = folder / f"{_TEMP}{uuid.uuid4().hex}.tmp"
    try:
        _link(fd, probe)
    except OSError:
        return False
    else:
        probe.unlink(missing_ok=True)
        return True
    finally:
        os.close(fd)


def _staged(folder: Path, text: str, unnamed: bool) -> tuple[int, str | None]:
    """An open file in ``folder`` holding ``text`` (UTF-8), flushed to disk.

    With ``unnamed`` the file has no name yet (``O_TMPFILE``), so a process killed now leaves
    nothing behind; else it is a named temporary file (returned as the second item).
    """
    data = text.encode("utf-8")
    tmp: str | None = None
    if unnamed:
        fd = os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o666)  # type: ignore[attr-defined]
    else:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=_TEMP, suffix=".tmp")
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; a report is an ordinary file
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
    return fd, tmp


def write_files(files: Mapping[Path, str]) -> None:
    """Write several files into one folder so that they change together, as far as a file system allows.

    Every file is first written in full and flushed (unnamed, see :func:`_staged`); only then are
    they moved into place, one rename each, in the given order, with nothing but renames in
    between. A process killed at any moment leaves the complete old set or the complete new
    set — except inside the few microseconds between the renames — and no temporary files
    where unnamed files work (Linux, not overlayfs); elsewhere a kill while staging can leave a
    ``.auditor-*.tmp`` file, which the next write into the folder removes. Write ``evidence.json`` last:
    the evidence is the source of truth and the report can be rebuilt from it.

    Raises
    ------
    AuditorError
        When the folder cannot be created or written to, naming the path.
    """
    paths = list(files)
    if not paths:
        return
    folder = paths[0].parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(f"{_TEMP}*.tmp"):
            stale.unlink(missing_ok=True)
    except OSError as exc:
        raise AuditorError(f"{folder}: cannot write here: {exc.strerror}") from None
    staged: list[tuple[Path, int, str | None]] = []
    unnamed = _unnamed_files_work(folder)
    try:
        for path, text in files.items():
            try:
                fd, tmp = _staged(path.parent, text, unnamed)
            except OSError as exc:
                raise AuditorError(f"{path}: cannot write here: {exc.strerror}") from None
            staged.append((path, fd, tmp))
        for path, fd, tmp in staged:
            name = tmp
            if name is None:  # give the unnamed file a temporary name, then rename it over the target
                name = str(path.parent / f"{_TEMP}{uuid.uuid4().hex}.tmp")
                _link(fd, name)
            try:
                os.replace(name, path)
            except BaseException:
                Path(name).unlink(missing_ok=True)
                raise
    finally:
        for _path, fd, tmp in staged:
            os.close(fd)
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` atomically, creating its folder.

    Raises
    ------
    AuditorError
        When the folder cannot be created or written to, naming the path.
    """
    write_files({path: text})


def dump_json(document: Any, *, indent: int | None = 2) -> str:
    """The one JSON writer for evidence and profiles: UTF-8 text, refusing ``nan`` and ``inf``.

    Raises
    ------
    ValueError
        When ``document`` holds a non-finite float (the numeric policy, see
        :mod:`auditor.evidence.model`): a bug to fix where the number is made, not here.
    """
    return json.dumps(document, indent=indent, ensure_ascii=False, allow_nan=False)


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
