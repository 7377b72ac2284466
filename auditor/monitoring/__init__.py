"""Scheduled monitoring runs: a frozen reference, drift checks per batch, a run history.

``freeze_reference`` writes the frozen reference (:mod:`auditor.monitoring.reference`);
``monitor`` judges one production batch against it with the ``drift.*`` checks
(:mod:`auditor.monitoring.checks`) and appends the run to the hash-chained history
(:mod:`auditor.monitoring.history`); ``render_trend`` draws the trend page from the history
(:mod:`auditor.monitoring.trend`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditor.monitoring.history import History, Verification
    from auditor.monitoring.reference import FrozenReference, load_reference
    from auditor.monitoring.runner import MonitorResult, freeze_reference, monitor
    from auditor.monitoring.trend import render_trend

__all__ = ["FrozenReference", "History", "MonitorResult", "Verification", "freeze_reference", "load_reference", "monitor",
           "render_trend"]

_HOMES = {"History": "history", "Verification": "history", "FrozenReference": "reference", "load_reference": "reference",
          "MonitorResult": "runner", "freeze_reference": "runner", "monitor": "runner", "render_trend": "trend"}


def __getattr__(name: str) -> Any:  # lazy, so importing the drift checks stays light
    if name in _HOMES:
        from importlib import import_module

        return getattr(import_module(f"auditor.monitoring.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'auditor.monitoring' has no attribute {name!r}")
