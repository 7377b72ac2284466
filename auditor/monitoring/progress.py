"""Progress output for long runs: a bar on a terminal, nothing under cron or ``--quiet``."""

from __future__ import annotations

import sys
import time
from typing import TextIO

STEPS = ("reference", "batch", "history", "checks", "store")


class Progress:
    """A one-line progress bar on ``stream`` (standard error), drawn only when it is a terminal.

    Parameters
    ----------
    enabled
        ``None`` = draw when ``stream`` is a terminal (so cron, Airflow and pipes stay silent);
        ``False`` = never (``--quiet``).
    stream
        Where to draw (default: standard error, so standard output stays parseable).
    """

    def __init__(self, *, enabled: bool | None = None, stream: TextIO | None = None, steps: tuple[str, ...] = STEPS) -> None:
        self.stream = stream or sys.stderr
        self.enabled = bool(self.stream.isatty()) if enabled is None else enabled
        self.steps = steps
        self.index = 0
        self.started = time.perf_counter()

    def step(self, name: str) -> None:
        """Mark the start of step ``name``."""
        if name in self.steps:
            self.index = self.steps.index(name)
        self._draw(name)

    def done(self) -> None:
        """Finish the bar (and end its line)."""
        if self.enabled:
            self.index = len(self.steps)
            self._draw("done")
            self.stream.write("\n")
            self.stream.flush()

    def _draw(self, label: str) -> None:
        if not self.enabled:
            return
        width = 24
        filled = round(width * self.index / len(self.steps))
        elapsed = time.perf_counter() - self.started
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {label:<10} {elapsed:5.1f} s")
        self.stream.flush()


__all__ = ["Progress"]
