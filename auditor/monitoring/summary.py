"""The monitoring section of the conformity-evidence report: a summary of the run history.

When an audit's spec points to an existing history (``monitoring.history``, or the default
beside the output), the audit's evidence gets a ``monitoring`` entry built here — the runs, the
integrity check with the head hash, the alerts per check and the latest status of every drift
finding — so the report can show it without reading the history (renderers never compute).
"""

from __future__ import annotations

from typing import Any

from auditor.monitoring.history import History
from auditor.spec.model import AuditSpec


def history_summary(spec: AuditSpec) -> dict[str, Any] | None:
    """The ``monitoring`` entry of the evidence, or ``None`` when the spec's history does not exist."""
    path = spec.monitoring.resolved(spec.report.output)[1]
    if not path.is_file():
        return None
    with History(path, create=False) as store:
        runs = store.runs()
        check = store.verify()
        alerts = store.alert_counts()
        batches = [r for r in runs if r["kind"] == "batch"]
        latest = max(runs, key=lambda r: (r["batch_time"], r["seq"])) if runs else None
        findings = []
        if latest is not None:
            # the latest batch, with the latest label back-fill of that batch when there is one
            same = [r for r in runs if r["batch_id"] == latest["batch_id"]]
            for kind in ("batch", "labels"):
                of_kind = [r for r in same if r["kind"] == kind]
                if of_kind:
                    document = store.document(max(of_kind, key=lambda r: (r["attempt"], r["seq"]))["seq"])
                    findings += [{"id": f["id"], "check": f["check"], "status": f["status"]} for f in document["findings"]]
        by_check = store.alerts_by_check()
    return {
        "history": str(path),
        "runs": len(runs),
        "batches": len({r["batch_id"] for r in batches}),
        "first_batch_time": min((r["batch_time"] for r in batches), default=None),
        "last_batch_time": max((r["batch_time"] for r in batches), default=None),
        "references": sorted({r["reference_sha256"] for r in runs}),
        "integrity": {"ok": check.ok, "runs": check.n_runs, "head": check.head, "problems": list(check.problems)},
        "alerts": sum(alerts.values()),
        "alerts_by_check": by_check,
        "latest": None if latest is None else {"batch_id": latest["batch_id"], "batch_time": latest["batch_time"],
                                               "status": latest["status"], "findings": findings},
    }


__all__ = ["history_summary"]
