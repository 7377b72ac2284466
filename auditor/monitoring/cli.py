"""The ``reference``, ``monitor`` and ``history`` sub-commands of ``auditor`` (a thin shell).

The main CLI calls :func:`add_commands` with its sub-parsers. Exit codes are those of
``auditor audit`` (:mod:`auditor.exitcodes`): 0 nothing alerting, 1 an alert (a failing or
erroring finding; for ``history``: an overdue batch, for ``history verify``: a broken chain),
2 usage or input error, 3 insufficient evidence under ``--strict``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from auditor import exitcodes
from auditor.errors import SpecError

_MONITOR_HELP = """\
Judge one production batch against the frozen reference and append the run to the history.

Drift is judged by effect size with an interval: per feature the PSI (warn 0.10 / fail 0.25, a
credit-scoring convention) and, for numeric features, the mean shift in reference standard
deviations, with Jensen-Shannon, KS and Wasserstein as supporting measures; per protected group
(and intersection) its share, selection rate, score distribution and, once labels are back-filled
with --labels, its error rates; across runs a CUSUM per group; and a missing batch when
monitoring.expected_every_days is set. Runs are idempotent per (--batch-id, --attempt)."""


def _time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an ISO date or time such as 2026-11-02 or 2026-11-02T06:00, found {text!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _cmd_reference(args: argparse.Namespace) -> int:
    from auditor.monitoring.runner import freeze_reference

    path, sha = freeze_reference(args.spec, out=args.out)
    print(f"reference: {path}\nsha256:    {sha}")
    return exitcodes.OK


def _cmd_monitor(args: argparse.Namespace) -> int:
    from auditor.monitoring.progress import Progress
    from auditor.monitoring.runner import monitor

    result = monitor(args.spec, batches=args.batch, reference=args.reference, history=args.history, batch_id=args.batch_id,
                     attempt=args.attempt, labels=args.labels, batch_time=args.batch_time,
                     progress=Progress(enabled=False if args.quiet or args.format == "json" else None))
    code = result.exit_code_for(strict=args.strict)
    run = result.run
    if args.format == "json":
        print(json.dumps({"run_id": run["run_id"], "batch_id": run["batch_id"], "attempt": run["attempt"], "kind": run["kind"],
                          "summary": run["summary"], "exit_code": code, "recorded": result.stored.created,
                          "history": str(result.history),
                          "alerts": [f["id"] for f in run["findings"] if f["status"] in ("fail", "error")]}, allow_nan=False))
    elif not args.quiet:
        shown = ", ".join(f"{k} {v}" for k, v in run["summary"].items() if v)
        again = "" if result.stored.created else " (already recorded; nothing appended)"
        print(f"auditor: batch {run['batch_id']} attempt {run['attempt']} ({run['kind']}, {run['batch']['rows']} rows): "
              f"{len(run['findings'])} findings ({shown}){again}")
        for finding in run["findings"]:
            if finding["status"] in ("fail", "error", "warn", "insufficient_evidence"):
                print(f"  {finding['status']:<22} {finding['id']}")
        print(f"history:  {result.history} (run {result.stored.seq})")
    return code


def _history_path(args: argparse.Namespace) -> tuple[Path, float | None]:
    every = None
    if args.spec:
        from auditor.spec import load_spec

        spec = load_spec(args.spec)
        every = spec.monitoring.expected_every_days
        if not args.history:
            return spec.monitoring.resolved(spec.report.output)[1], every
    if args.history:
        return Path(args.history), every
    raise SpecError("say which history to read: --history FILE (the SQLite file 'auditor monitor' writes) or --spec SPEC")


def _overdue(runs: list[dict[str, Any]], every: float | None, now: datetime, factor: float) -> float | None:
    """Days since the latest batch when that exceeds the schedule, else ``None``."""
    if every is None or not runs:
        return None
    last = max(datetime.fromisoformat(r["batch_time"]) for r in runs if r["kind"] == "batch")
    gap = (now - last).total_seconds() / 86400.0
    return gap if gap > every * factor else None


def _cmd_history(args: argparse.Namespace) -> int:
    from auditor.monitoring.history import History

    path, every = _history_path(args)
    with History(path, create=False) as store:
        if args.action == "verify":
            check = store.verify()
            if check.ok:
                print(f"history: {path}: {check.n_runs} runs, hash chain intact\nhead:    {check.head}")
                return exitcodes.OK
            print(f"history: {path}: {len(check.problems)} integrity problems in {check.n_runs} runs", file=sys.stderr)
            for problem in check.problems:
                print(f"  {problem}", file=sys.stderr)
            return exitcodes.CHECK_FAILED
        runs = store.runs()
        alerts = store.alert_counts()
        if args.out:
            from auditor.files import write_atomic
            from auditor.monitoring.trend import render_trend

            write_atomic(Path(args.out), render_trend(store, language=args.lang, expected_every_days=every,
                                                      verification=store.verify(), now=args.now))
            print(f"trend:   {args.out}", file=sys.stderr)
    rows = [{**r, "alerts": int(alerts.get(r["seq"], 0))} for r in runs]
    fields = ("seq", "batch_id", "attempt", "kind", "batch_time", "n_rows", "status", "alerts", "exit_code", "reference_sha256")
    if args.format == "json":
        print(json.dumps([{k: r[k] for k in (*fields, "row_hash")} for r in rows], indent=2, allow_nan=False))
    elif args.format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(fields)
        writer.writerows([[r[k] for k in fields] for r in rows])
        sys.stdout.write(buffer.getvalue())
    elif not args.out:
        print(f"{'run':>5}  {'batch':<18} {'try':>3}  {'kind':<6} {'batch time':<25} {'rows':>9}  {'status':<22} alerts")
        for r in rows:
            print(f"{r['seq']:>5}  {r['batch_id'][:18]:<18} {r['attempt']:>3}  {r['kind']:<6} {r['batch_time'][:25]:<25} "
                  f"{r['n_rows']:>9}  {r['status']:<22} {r['alerts']}")
    late = _overdue(rows, every, args.now or datetime.now(UTC), 1.5)
    if late is not None:
        print(f"auditor: alert: no batch for {late:.1f} days (expected every {every:g} days)", file=sys.stderr)
        return exitcodes.CHECK_FAILED
    return exitcodes.OK


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``reference``, ``monitor`` and ``history`` sub-commands."""
    p = subparsers.add_parser(
        "reference", help="freeze the reference for monitoring (training data by default) into a hashed JSON document",
        description="Freeze the statistics monitoring compares with: bin edges (reference deciles, open tails, a missing "
                    "bin), categories (plus 'unseen'), group x label x decision tables and score bins — no rows. "
                    "Written to --out, else monitoring.reference in the spec, else reference.json in report.output.",
        epilog=exitcodes.HELP_TEXT,
    )
    p.add_argument("spec", help="audit spec YAML (monitoring.reference.data names the dataset to freeze)")
    p.add_argument("--out", help="where to write the frozen reference (JSON)")
    p.set_defaults(func=_cmd_reference)

    p = subparsers.add_parser("monitor", help="judge a production batch against the frozen reference; append it to the history",
                              description=_MONITOR_HELP, epilog=exitcodes.HELP_TEXT.replace("a check failed", "an alert"),
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("spec", help="audit spec YAML")
    p.add_argument("--batch", action="append", required=True, metavar="FILE",
                   help="the production batch (CSV or Parquet); give it several times to pool small batches")
    p.add_argument("--reference", help="the frozen reference (default: monitoring.reference)")
    p.add_argument("--history", help="the history file (default: monitoring.history)")
    p.add_argument("--batch-id", help="the batch's id (default: from its SHA-256, so a rerun is idempotent)")
    p.add_argument("--attempt", type=int, default=1, help="attempt number, e.g. Airflow's try_number (default 1)")
    p.add_argument("--labels", metavar="FILE", help="back-fill labels (columns.id, columns.target) for a recorded batch")
    p.add_argument("--batch-time", type=_time, help="when the batch was taken (ISO; default: now), for the schedule")
    p.add_argument("--strict", action="store_true", help="exit 3 when a finding has insufficient evidence and none failed")
    p.add_argument("--format", choices=("text", "json"), default="text", help="what to print")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing (no progress bar); rely on the exit code")
    p.set_defaults(func=_cmd_monitor)

    p = subparsers.add_parser("history", help="list the monitoring runs, render the trend page, or verify the history",
                              description="List the runs of a monitoring history, write the trend page (--out), or check "
                                          "the hash chain ('auditor history verify').",
                              epilog="exit codes: 0 fine; 1 an expected batch is overdue, or verify found the history "
                                     "changed; 2 usage or input error")
    p.add_argument("action", nargs="?", choices=("verify",), help="verify: recompute the hash chain and report every break")
    p.add_argument("--history", help="the history file (SQLite)")
    p.add_argument("--spec", help="audit spec whose monitoring.history (and schedule) to use")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text", help="how to list the runs")
    p.add_argument("--out", help="write the trend page (HTML) here")
    p.add_argument("--lang", choices=("en", "nl"), default="en", help="language of the trend page")
    p.add_argument("--now", type=_time, help=argparse.SUPPRESS)
    p.set_defaults(func=_cmd_history)


__all__ = ["add_commands"]
