"""Progress output: a bar on a terminal, nothing under cron or --quiet."""

from __future__ import annotations

import io

from auditor.monitoring.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_on_a_terminal() -> None:
    stream = _Terminal()
    progress = Progress(stream=stream)
    for step in ("reference", "batch", "checks"):
        progress.step(step)
    progress.done()
    text = stream.getvalue()
    assert text.count("\r[") == 4 and "[########################] done" in text and text.endswith("\n")


def test_silent_when_not_a_terminal_or_quiet() -> None:
    pipe = io.StringIO()  # cron, Airflow, a pipe: not a terminal
    progress = Progress(stream=pipe)
    progress.step("batch")
    progress.done()
    quiet = _Terminal()
    muted = Progress(enabled=False, stream=quiet)
    muted.step("batch")
    muted.done()
    assert pipe.getvalue() == "" and quiet.getvalue() == ""
