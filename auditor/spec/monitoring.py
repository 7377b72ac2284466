"""The ``monitoring:`` section of the audit spec: scheduled runs against a frozen reference.

.. code-block:: yaml

    monitoring:
      reference:                      # the frozen reference (``auditor reference`` writes it)
        file: monitoring/reference.json   # default: reference.json in report.output
        data: training                # the dataset whose feature and group distributions are frozen
        outcomes: test                # the dataset whose decisions, scores and error rates are frozen
                                      # (default: ``data`` when it has the prediction column, else test, else validation)
      history: monitoring/history.sqlite  # default: history.sqlite in report.output
      thresholds: {psi_fail: 0.25}    # overrides of the monitoring rulebook's thresholds
      expected_every_days: 7          # a batch is expected this often; a longer gap is a finding
      rulebook: ai-act-monitoring     # or a path to your own copy

``reference`` may also be given as a path alone. Every key is optional. Paths resolve against the
spec file's folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

MONITORING_KEYS = ("reference", "history", "thresholds", "expected_every_days", "rulebook")
REFERENCE_KEYS = ("file", "data", "outcomes")
FREEZE_ROLES = ("training", "validation", "test", "production")
DEFAULT_RULEBOOK = "ai-act-monitoring"
REFERENCE_FILE = "reference.json"
HISTORY_FILE = "history.sqlite"


class _Collector(Protocol):  # the spec loader's problem collector
    def add(self, key: str, message: str) -> None: ...

    def unknown_keys(self, mapping: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None: ...


@dataclass(frozen=True)
class MonitoringSpec:
    """The validated ``monitoring:`` section.

    Attributes
    ----------
    reference_file, history
        Where the frozen reference and the run history live; ``None`` = in ``report.output``
        (see :meth:`resolved`).
    data
        Dataset role whose distributions are frozen (default ``training``).
    outcomes
        Dataset role whose outcomes (decisions, scores, labels) are frozen; ``None`` = decide
        from the data (see the module docstring).
    thresholds
        Overrides of the monitoring rulebook's thresholds.
    expected_every_days
        How often a batch is expected; ``None`` = no schedule, no missing-batch finding.
    rulebook
        The monitoring rulebook (shipped id or a YAML path).
    """

    reference_file: Path | None = None
    history: Path | None = None
    data: str = "training"
    outcomes: str | None = None
    thresholds: Mapping[str, float] = field(default_factory=dict)
    expected_every_days: float | None = None
    rulebook: str = DEFAULT_RULEBOOK

    def resolved(self, output: Path | None) -> tuple[Path, Path]:
        """``(reference_file, history)`` with the defaults filled in from ``report.output``."""
        folder = output if output is not None else Path("auditor-report")
        return (self.reference_file or folder / REFERENCE_FILE, self.history or folder / HISTORY_FILE)


def _resolve(value: Any, base_dir: Path) -> Path:
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else base_dir / path


def _role(value: Any, key: str, problems: _Collector) -> str | None:
    if value is None or value in FREEZE_ROLES:
        return value
    problems.add(key, f"must be one of {', '.join(FREEZE_ROLES)} (a dataset of data:), found {value!r}")
    return None


def parse_monitoring(raw: Any, base_dir: Path, problems: _Collector) -> MonitoringSpec:
    """Validate the ``monitoring:`` section; problems are collected, not raised.

    Parameters
    ----------
    raw
        The section as given (``None`` when absent).
    base_dir
        Folder that relative paths are resolved against.
    problems
        The spec loader's problem collector.
    """
    if raw is None:
        return MonitoringSpec()
    if not isinstance(raw, Mapping):
        problems.add("monitoring", f"must be a mapping with any of {', '.join(MONITORING_KEYS)}, found {raw!r}")
        return MonitoringSpec()
    problems.unknown_keys(raw, MONITORING_KEYS, "monitoring")
    reference_file: Path | None = None
    data, outcomes = "training", None
    ref = raw.get("reference")
    if isinstance(ref, str | Path):
        reference_file = _resolve(ref, base_dir)
    elif isinstance(ref, Mapping):
        problems.unknown_keys(ref, REFERENCE_KEYS, "monitoring.reference")
        if ref.get("file") is not None:
            if isinstance(ref["file"], str | Path):
                reference_file = _resolve(ref["file"], base_dir)
            else:
                problems.add("monitoring.reference.file", f"must be a file path, found {ref['file']!r}")
        data = _role(ref.get("data"), "monitoring.reference.data", problems) or "training"
        outcomes = _role(ref.get("outcomes"), "monitoring.reference.outcomes", problems)
    elif ref is not None:
        problems.add("monitoring.reference", f"must be a file path or a mapping with file:, data:, outcomes:, found {ref!r}")
    history = raw.get("history")
    if history is not None and not isinstance(history, str | Path):
        problems.add("monitoring.history", f"must be a file path (a SQLite file), found {history!r}")
        history = None
    thresholds: dict[str, float] = {}
    given = raw.get("thresholds")
    if given is not None and not isinstance(given, Mapping):
        problems.add("monitoring.thresholds", f"must map a threshold name to a number, found {given!r}")
    for name, value in (given or {}).items() if isinstance(given, Mapping) else ():
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.add(f"monitoring.thresholds.{name}", f"must be a number, found {value!r}")
        else:
            thresholds[str(name)] = value
    every = raw.get("expected_every_days")
    if every is not None and (isinstance(every, bool) or not isinstance(every, int | float) or every <= 0):
        problems.add("monitoring.expected_every_days", f"must be a positive number of days, e.g. 7, found {every!r}")
        every = None
    rulebook = raw.get("rulebook", DEFAULT_RULEBOOK)
    if not isinstance(rulebook, str):
        problems.add("monitoring.rulebook", f"must be a rulebook name or a YAML path, found {rulebook!r}")
        rulebook = DEFAULT_RULEBOOK
    return MonitoringSpec(
        reference_file=reference_file,
        history=_resolve(history, base_dir) if history is not None else None,
        data=data,
        outcomes=outcomes,
        thresholds=thresholds,
        expected_every_days=float(every) if every is not None else None,
        rulebook=rulebook,
    )


__all__ = ["MONITORING_KEYS", "MonitoringSpec", "parse_monitoring"]
