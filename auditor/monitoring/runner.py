"""One monitoring run: a production batch against the frozen reference, appended to the history.

``monitor()`` is what ``auditor monitor`` calls: load the spec and the monitoring rulebook,
read the frozen reference and the batch (several files are pooled into one batch), tabulate the
batch against the reference's bins, run the ``drift.*`` checks (the checks across runs read the
earlier runs from the history), and append the run document to the history. With ``labels``
the run is a *label back-fill* of a batch already recorded: the labels are joined to the batch
by ``columns.id`` and the error rates per group are judged; the result is a run of kind
``labels`` for the same batch id (the batch's own run is never changed — the history is
append-only).

The run document (``run_version`` :data:`RUN_VERSION`) holds the batch's sources and SHA-256,
the reference's SHA-256, the thresholds in force, the findings and the exit code.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from auditor import exitcodes
from auditor.checks import registry
from auditor.errors import DataError, SpecError
from auditor.evidence.model import Finding, Status, worst
from auditor.monitoring.checks import MonitorContext, MonitorInputs
from auditor.monitoring.history import History, StoredRun
from auditor.monitoring.progress import Progress
from auditor.monitoring.reference import FrozenReference, load_reference, tabulate_batch
from auditor.rulebook import load_rulebook
from auditor.spec.load import load_spec
from auditor.spec.model import AuditSpec, DataSource

RUN_VERSION = "1"
_ACROSS_RUNS = ("drift.cumulative",)
_LABEL_CHECKS = ("drift.error_rates",)


@dataclass(frozen=True)
class MonitorResult:
    """What :func:`monitor` returns: the run document, where it was stored, and the exit code."""

    run: Mapping[str, Any]
    stored: StoredRun
    history: Path

    @property
    def findings(self) -> list[Mapping[str, Any]]:
        """The run's findings (evidence form)."""
        return list(self.run["findings"])

    def exit_code_for(self, *, strict: bool) -> int:
        """As for an audit: 1 when a finding failed or errored; with ``strict`` 3 for insufficient evidence."""
        statuses = {f["status"] for f in self.run["findings"]}
        if statuses & {"fail", "error"}:
            return exitcodes.CHECK_FAILED
        if strict and "insufficient_evidence" in statuses:
            return exitcodes.INSUFFICIENT_EVIDENCE
        return exitcodes.OK


def _load_batch(paths: Sequence[str | Path], spec: AuditSpec) -> tuple[pd.DataFrame, list[dict[str, Any]], str]:
    from auditor.sources import load_dataset

    if not paths:
        raise SpecError("give the production batch with --batch FILE (several --batch options pool files into one batch)")
    frames, sources = [], []
    for p in paths:
        path = Path(p)
        template = spec.data.get("production")
        source = DataSource(name="production", path=path.resolve(), format=template.format if template else None,
                            delimiter=template.delimiter if template else None, encoding=template.encoding if template else None)
        dataset = load_dataset(source)
        frames.append(dataset.frame)
        sources.append({"source": dataset.source, "sha256": dataset.sha256, "rows": int(len(dataset.frame))})
    if len(frames) == 1:
        return frames[0], sources, sources[0]["sha256"]
    first = list(frames[0].columns)
    for frame, src in zip(frames[1:], sources[1:]):
        if set(frame.columns) != set(first):
            raise DataError(f"has other columns than {sources[0]['source']}; pooled batches need the same columns", source=src["source"])
    pooled = hashlib.sha256("".join(s["sha256"] for s in sources).encode()).hexdigest()
    return pd.concat(frames, ignore_index=True), sources, pooled


def _join_labels(frame: pd.DataFrame, path: Path, spec: AuditSpec, source: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    from auditor.sources import load_dataset

    cols = spec.columns
    if not cols.id or not cols.target:
        raise SpecError("a label back-fill joins labels to the batch by columns.id; set columns.id and columns.target",
                        key="columns.id", file=spec.source_file)
    labels = load_dataset(DataSource(name="production", path=path.resolve()))
    for column in (cols.id, cols.target):
        if column not in labels.frame.columns:
            raise DataError(f"the labels file needs the columns {cols.id!r} (columns.id) and {cols.target!r} (columns.target)",
                            source=labels.source, column=column)
    if cols.id not in frame.columns:
        raise DataError(f"the batch lacks the id column {cols.id!r} (columns.id) needed to join the labels", source=source,
                        column=cols.id)
    table = labels.frame[[cols.id, cols.target]].dropna(subset=[cols.id])
    if table[cols.id].duplicated().any():
        raise DataError("lists an id more than once; give one label per case", source=labels.source, column=cols.id)
    batch_ids = frame[cols.id].astype(str)
    mapping = pd.Series(table[cols.target].to_numpy(), index=table[cols.id].astype(str).to_numpy())
    joined = frame.drop(columns=[cols.target], errors="ignore").copy()
    joined[cols.target] = batch_ids.map(mapping).to_numpy()
    matched = int(joined[cols.target].notna().sum())
    return joined, {"source": labels.source, "sha256": labels.sha256, "rows": int(len(labels.frame)), "matched": matched}


def _versions_tool() -> dict[str, str]:
    from auditor import __version__

    return {"name": "auditor", "version": __version__}


def monitor(
    spec: str | Path | Mapping[str, Any] | AuditSpec,
    *,
    batches: Sequence[str | Path],
    reference: str | Path | None = None,
    history: str | Path | None = None,
    batch_id: str | None = None,
    attempt: int = 1,
    labels: str | Path | None = None,
    batch_time: datetime | None = None,
    now: datetime | None = None,
    run_id: str | None = None,
    progress: Progress | None = None,
) -> MonitorResult:
    """Run the drift checks on one batch and append the run to the history.

    Parameters
    ----------
    spec
        The audit spec (its ``columns`` and ``monitoring`` sections are used).
    batches
        The batch file(s); several are pooled into one batch.
    reference, history
        Override ``monitoring.reference`` / ``monitoring.history``.
    batch_id
        The batch's identifier (default: the first 16 hex digits of its SHA-256, so rerunning
        the same file is idempotent).
    attempt
        The attempt number (e.g. Airflow's try number); runs are idempotent per
        ``(batch_id, attempt)``.
    labels
        A file with ``columns.id`` and ``columns.target``: back-fill the labels of a batch
        already recorded and judge its error rates.
    batch_time
        When the batch was taken (default: ``now``), for the missing-batch finding.
    now
        The run's time (default: the current UTC time).
    run_id
        The run's identifier (default: a random UUID).
    progress
        Where to report progress (default: silent).

    Raises
    ------
    SpecError, DataError
        For an invalid spec, a missing reference, an unreadable batch, or a batch id recorded
        with another file.
    """
    started = now or datetime.now(UTC)
    when = batch_time or started
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)  # stored as UTC, so ISO text sorts by time
    progress = progress or Progress(enabled=False)
    spec = load_spec(spec)
    if attempt < 1:
        raise SpecError(f"--attempt must be 1 or more, got {attempt}")
    checks = registry()
    rulebook = load_rulebook(spec.monitoring.rulebook, overrides=spec.monitoring.thresholds, checks=checks, base_dir=spec.base_dir)
    ref_default, history_default = spec.monitoring.resolved(spec.report.output)
    ref_path = Path(reference) if reference is not None else ref_default
    history_path = Path(history) if history is not None else history_default
    progress.step("reference")
    frozen: FrozenReference = load_reference(ref_path)
    progress.step("batch")
    frame, sources, batch_sha = _load_batch(batches, spec)
    kind = "batch"
    label_info = None
    if labels is not None:
        kind = "labels"
        frame, label_info = _join_labels(frame, Path(labels), spec, sources[0]["source"])
    batch_id = batch_id or batch_sha[:16]
    try:
        tables = tabulate_batch(frame, frozen, spec.columns)
    except DataError as exc:
        raise DataError(exc.problem, source=sources[0]["source"], column=exc.column) from None
    progress.step("history")
    store = History(history_path)
    try:
        if kind == "labels":
            recorded = store.latest(batch_id)
            if recorded is None:
                raise DataError(f"has no run for batch id {batch_id!r}; run 'auditor monitor' on the batch first, then back-fill "
                                "its labels with the same --batch and --batch-id", source=history_path)
            if recorded["batch_sha256"] != batch_sha:
                raise DataError(f"batch id {batch_id!r} was recorded for another file; give the same --batch as its run",
                                source=history_path)
        previous = store.previous_batch(frozen.sha256, when.isoformat(), batch_id)
        inputs = MonitorInputs(reference=frozen, batch=tables, batch_id=batch_id, batch_sha256=batch_sha, batch_time=when,
                               previous=previous, expected_every_days=spec.monitoring.expected_every_days)
        progress.step("checks")
        selected = _LABEL_CHECKS if kind == "labels" else tuple(rulebook.checks)
        findings: list[Finding] = []
        from auditor.pipeline import _run_check  # the one place a crashing check becomes an error finding

        for check_id in selected:
            if check_id not in rulebook.checks or check_id in spec.checks.skip:
                continue
            current = inputs if check_id not in _ACROSS_RUNS else replace(inputs, current=tuple(findings))
            ctx = MonitorContext(profiles={}, columns=spec.columns, thresholds=rulebook.thresholds,
                                 requirements=rulebook.labels_for(check_id), monitoring=current)
            findings.extend(_run_check(checks[check_id], ctx))
        counts = Counter(f.status.value for f in findings)
        status = worst(f.status for f in findings)
        exit_code = exitcodes.CHECK_FAILED if any(f.status in (Status.FAIL, Status.ERROR) for f in findings) else exitcodes.OK
        run = {
            "run_version": RUN_VERSION,
            "run_id": run_id or str(uuid.uuid4()),
            "kind": kind,
            "batch_id": batch_id,
            "attempt": int(attempt),
            "batch_time": when.isoformat(),
            "recorded_at": started.isoformat(),
            "tool": _versions_tool(),
            "spec_file": str(spec.source_file) if spec.source_file else None,
            "reference_sha256": frozen.sha256,
            "reference_file": str(ref_path),
            "batch": {"sources": sources, "sha256": batch_sha, "rows": tables.n_rows},
            "labels": label_info,
            "rulebook": rulebook.to_dict(),
            "findings": [f.to_dict() for f in findings],
            "summary": {s.value: counts.get(s.value, 0) for s in Status},
            "status": status.value,
            "exit_code": exit_code,
        }
        progress.step("store")
        stored = store.append(run, frozen.path.read_text(encoding="utf-8") if frozen.path else "")
        if not stored.created:
            run = store.document(stored.seq)
    finally:
        store.close()
    progress.done()
    return MonitorResult(run=run, stored=stored, history=history_path)


def freeze_reference(spec: str | Path | Mapping[str, Any] | AuditSpec, *, out: str | Path | None = None,
                     now: datetime | None = None) -> tuple[Path, str]:
    """Freeze the spec's reference data and write the document; returns ``(path, sha256)``."""
    from auditor.monitoring.reference import freeze, save_reference

    spec = load_spec(spec)
    path = Path(out) if out is not None else spec.monitoring.resolved(spec.report.output)[0]
    document = freeze(spec, now=now)
    return path, save_reference(document, path)


__all__ = ["RUN_VERSION", "MonitorResult", "freeze_reference", "monitor"]
