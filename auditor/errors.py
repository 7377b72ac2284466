"""The auditor's exceptions.

One base class, :class:`AuditorError`, and three kinds of user-facing problem. A failed
*check* is never an exception: it is a :class:`~auditor.evidence.Finding` with status
``fail``. A crashing check becomes a finding with status ``error`` and the run goes on.

Every message names where the problem is (file, key path, column), what was found, and what
to do instead, so the CLI can print it on one line and exit with code 2.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["AuditorError", "SpecError", "DataError", "EngineError"]


class AuditorError(Exception):
    """Base class of every error the auditor raises on purpose.

    Parameters
    ----------
    message
        What is wrong, where, and how to fix it.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class SpecError(AuditorError, ValueError):
    """The audit spec, system description or rulebook is invalid.

    Parameters
    ----------
    message
        What is wrong and how to fix it.
    key
        Dotted key path inside the file, e.g. ``columns.protected``.
    file
        The file the key was read from, if any.
    """

    def __init__(self, message: str, *, key: str | None = None, file: str | Path | None = None) -> None:
        self.key = key
        self.file = str(file) if file is not None else None
        where = ": ".join(p for p in (self.file, key) if p)
        super().__init__(f"{where}: {message}" if where else message)
        self.problem = message
        self.problems: list[tuple[str, str]] = [(key or "", message)]

    @classmethod
    def from_problems(cls, problems: list[tuple[str, str]], *, what: str, file: str | Path | None = None) -> SpecError:
        """One error for several ``(key, message)`` problems; the first is the first line.

        The first line reads like a single problem's (``file: key: message``) and says how many
        more follow, one per line, so a terminal or log that shows one line still shows one
        real problem.
        """
        (key, message), rest = problems[0], problems[1:]
        if rest:
            more = f"and {len(rest)} more problem{'s' if len(rest) > 1 else ''} in the {what}, listed below"
            message = "\n".join([f"{message} ({more})"] + [f"  {k}: {m}" for k, m in rest])
        error = cls(message, key=key or None, file=file)
        error.problems = list(problems)
        return error


class DataError(AuditorError, ValueError):
    """A data source cannot be read or does not fit the spec.

    Parameters
    ----------
    message
        What is wrong and how to fix it.
    source
        The file (or dataset name) concerned.
    column
        The column concerned, if any.
    """

    def __init__(self, message: str, *, source: str | Path | None = None, column: str | None = None) -> None:
        self.source = str(source) if source is not None else None
        self.column = column
        where = self.source or ""
        if column is not None:
            where = f"{where} column {column!r}" if where else f"column {column!r}"
        super().__init__(f"{where}: {message}" if where else message)
        self.problem = message


class EngineError(AuditorError, RuntimeError):
    """An optional engine (DuckDB, Spark, Great Expectations) is missing or failed.

    The message carries the install hint, e.g. ``pip install 'auditor[spark]'``.

    Parameters
    ----------
    message
        What is missing or failed, with the install hint.
    """
