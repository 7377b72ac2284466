"""The run history: an append-only, hash-chained SQLite file of monitoring runs.

Tables (schema version :data:`HISTORY_VERSION`):

``frozen_references``
    Every reference document a run was compared with, by its SHA-256.
``runs``
    One row per run: batch id, attempt, kind (``batch``, or ``labels`` for a label back-fill),
    the reference's and batch's SHA-256, the batch time, status, exit code, the run document
    (JSON: findings without their metrics, summary, sources), and ``prev_hash`` / ``row_hash``: each row's hash covers
    its fields, its metrics and alerts and the previous row's hash, so editing, inserting or
    deleting any row breaks the chain from there on (``auditor history verify``).
``metrics``
    Every metric of every finding, one row each, in document order (what the trend page reads;
    :meth:`History.document` puts them back into the findings).
``alerts``
    The run's failing or erroring findings.

Runs are idempotent per ``(batch_id, attempt, kind)``: recording the same batch again returns
the stored run; recording another file under the same key is refused. Triggers refuse updates
and deletes. The file is opened in WAL mode with a busy timeout and every append is one
``BEGIN IMMEDIATE`` transaction, so concurrent ``auditor monitor`` processes queue rather than
lose runs. What the chain cannot show by itself is the removal of the *last* rows: keep the
head hash that ``verify`` prints (e.g. in the signed report) to anchor it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from auditor.errors import DataError

HISTORY_VERSION = "1"
GENESIS = "0" * 64
BUSY_TIMEOUT_MS = 60_000
ALERT_STATUSES = ("fail", "error")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS frozen_references (
  sha256 TEXT PRIMARY KEY, recorded_at TEXT NOT NULL, document TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  seq INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL UNIQUE,
  batch_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('batch', 'labels')),
  reference_sha256 TEXT NOT NULL REFERENCES frozen_references (sha256),
  batch_sha256 TEXT NOT NULL,
  batch_time TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  n_rows INTEGER NOT NULL,
  status TEXT NOT NULL,
  exit_code INTEGER NOT NULL,
  document TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  row_hash TEXT NOT NULL UNIQUE,
  UNIQUE (batch_id, attempt, kind));
CREATE TABLE IF NOT EXISTS metrics (
  run_seq INTEGER NOT NULL REFERENCES runs (seq), finding_id TEXT NOT NULL, check_id TEXT NOT NULL,
  name TEXT NOT NULL, grp TEXT, reference TEXT, column_name TEXT, value REAL, ci_low REAL, ci_high REAL, n INTEGER,
  threshold REAL, p_value REAL, p_adjusted REAL, status TEXT, grp_size INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS metrics_by_run ON metrics (run_seq);
CREATE INDEX IF NOT EXISTS metrics_by_series ON metrics (check_id, name, grp_size);
CREATE INDEX IF NOT EXISTS runs_by_time ON runs (reference_sha256, kind, batch_time);
CREATE TABLE IF NOT EXISTS alerts (
  run_seq INTEGER NOT NULL REFERENCES runs (seq), finding_id TEXT NOT NULL, check_id TEXT NOT NULL,
  status TEXT NOT NULL, message_key TEXT NOT NULL);
"""
_APPEND_ONLY = [
    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, 'the monitoring history is append-only'); END;"
    for table in ("frozen_references", "runs", "metrics", "alerts") for verb in ("update", "delete")
]
_RUN_FIELDS = ("seq", "run_id", "batch_id", "attempt", "kind", "reference_sha256", "batch_sha256", "batch_time",
               "recorded_at", "n_rows", "status", "exit_code")


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """Run a reading method under :meth:`History._guard`."""
    @functools.wraps(method)
    def wrapper(self: History, *args: Any, **kwargs: Any) -> Any:
        with self._guard():
            return method(self, *args, **kwargs)
    return wrapper


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _real(value: Any) -> float | None:
    """Numbers as SQLite's REAL gives them back, so hashes of written and read rows agree."""
    return None if value is None else float(value)


def metric_rows(document: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The ``metrics`` rows of a run document (without ``run_seq``), in document order."""
    rows = []
    for finding in document.get("findings", []):
        for m in finding.get("metrics", []):
            ci = m.get("ci") or (None, None)
            rows.append((finding["id"], finding["check"], m["name"], _canonical(m["group"]) if m.get("group") is not None else None,
                         _canonical(m["reference"]) if m.get("reference") is not None else None,
                         m.get("column"), _real(m.get("value")), _real(ci[0]), _real(ci[1]),
                         int(m["n"]) if m.get("n") is not None else None, _real(m.get("threshold")), _real(m.get("p_value")),
                         _real(m.get("p_adjusted")), m.get("status"), len(m.get("group") or {})))
    return rows


def _metric_of(row: Sequence[Any]) -> dict[str, Any]:
    """A metric in evidence form from its ``metrics`` row (the inverse of :func:`metric_rows`)."""
    _, _, name, group, reference, column, value, low, high, n, threshold, p_value, p_adjusted, status, _ = row
    out: dict[str, Any] = {"name": name, "value": value}
    if group is not None:
        out["group"] = json.loads(group)
    if reference is not None:
        out["reference"] = json.loads(reference)
    if column is not None:
        out["column"] = column
    if low is not None and high is not None:
        out["ci"] = [low, high]
    for key, item in (("n", n), ("threshold", threshold), ("p_value", p_value), ("p_adjusted", p_adjusted), ("status", status)):
        if item is not None:
            out[key] = item
    return out


def _stored_document(run: Mapping[str, Any]) -> dict[str, Any]:
    """The run document as stored: the findings' metrics live in the ``metrics`` table only."""
    return {**run, "findings": [{k: v for k, v in f.items() if k != "metrics"} for f in run.get("findings", [])]}


def alert_rows(document: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    """The ``alerts`` rows of a run document (without ``run_seq``)."""
    return [(f["id"], f["check"], f["status"], f["message"]["key"]) for f in document.get("findings", [])
            if f["status"] in ALERT_STATUSES]


def row_hash(fields: Mapping[str, Any], document_text: str, metrics: Sequence[Sequence[Any]], alerts: Sequence[Sequence[Any]],
             prev_hash: str) -> str:
    """The chained hash of one run row."""
    body = {
        "fields": {k: fields[k] for k in _RUN_FIELDS},
        "document_sha256": _sha(document_text),
        "metrics_sha256": _sha(repr([tuple(r) for r in metrics])),  # repr: deterministic for text, int, float, None
        "alerts_sha256": _sha(repr([tuple(r) for r in alerts])),
        "prev_hash": prev_hash,
    }
    return _sha(_canonical(body))


@dataclass(frozen=True)
class StoredRun:
    """A run as recorded (``created`` is False when the same run was already there)."""

    seq: int
    run_id: str
    exit_code: int
    row_hash: str
    created: bool


@dataclass(frozen=True)
class Verification:
    """The result of :meth:`History.verify`."""

    ok: bool
    n_runs: int
    head: str
    problems: tuple[str, ...] = field(default_factory=tuple)


class History:
    """An open run history (SQLite).

    Parameters
    ----------
    path
        The SQLite file; created (with its folder) when ``create`` is true.
    create
        Whether a missing file may be created.

    Raises
    ------
    DataError
        When the file is missing (and ``create`` is false) or is not a history of this version.
    """

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not self.path.exists() and not create:
            raise DataError("no monitoring history here; 'auditor monitor' creates it (or give --history)", source=self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            with self._transaction():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                for statement in _APPEND_ONLY:
                    self._db.execute(statement)
                found = self._db.execute("SELECT value FROM meta WHERE key = 'history_version'").fetchone()
                if found is None:
                    self._db.execute("INSERT INTO meta VALUES ('history_version', ?)", (HISTORY_VERSION,))
                elif found[0] != HISTORY_VERSION:
                    raise DataError(f"is a monitoring history of version {found[0]!r}; this auditor reads {HISTORY_VERSION!r}",
                                    source=self.path)
        except sqlite3.DatabaseError as exc:
            raise DataError(f"is not a usable SQLite monitoring history ({exc})", source=self.path) from None

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._guard():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn SQLite's errors (a damaged or locked file) into a DataError naming the file."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise DataError(f"cannot be used as a monitoring history ({exc}); run 'auditor history verify', or restore it "
                            "from a backup", source=self.path) from None

    # --- writing -------------------------------------------------------------------------

    def append(self, run: Mapping[str, Any], reference_text: str) -> StoredRun:
        """Record a run document (see :mod:`auditor.monitoring.runner`) and its reference.

        Raises
        ------
        DataError
            When ``(batch_id, attempt, kind)`` is already recorded for another batch or reference.
        """
        document_text = _canonical(_stored_document(run))
        metrics, alerts = metric_rows(run), alert_rows(run)
        with self._transaction():
            existing = self._db.execute(
                "SELECT seq, run_id, exit_code, row_hash, batch_sha256, reference_sha256 FROM runs "
                "WHERE batch_id = ? AND attempt = ? AND kind = ?", (run["batch_id"], run["attempt"], run["kind"])).fetchone()
            if existing is not None:
                if (existing[4], existing[5]) != (run["batch"]["sha256"], run["reference_sha256"]):
                    raise DataError(
                        f"batch id {run['batch_id']!r} attempt {run['attempt']} ({run['kind']}) is already recorded for another "
                        f"file or reference; give --attempt {run['attempt'] + 1} to record a new attempt, or another --batch-id",
                        source=self.path)
                return StoredRun(existing[0], existing[1], existing[2], existing[3], created=False)
            self._db.execute("INSERT OR IGNORE INTO frozen_references VALUES (?, ?, ?)",
                             (run["reference_sha256"], run["recorded_at"], reference_text))
            last = self._db.execute("SELECT seq, row_hash FROM runs ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
            fields = {"seq": seq, "run_id": run["run_id"], "batch_id": run["batch_id"], "attempt": run["attempt"],
                      "kind": run["kind"], "reference_sha256": run["reference_sha256"], "batch_sha256": run["batch"]["sha256"],
                      "batch_time": run["batch_time"], "recorded_at": run["recorded_at"], "n_rows": run["batch"]["rows"],
                      "status": run["status"], "exit_code": run["exit_code"]}
            digest = row_hash(fields, document_text, metrics, alerts, prev)
            self._db.execute(f"INSERT INTO runs ({', '.join(_RUN_FIELDS)}, document, prev_hash, row_hash) "
                             f"VALUES ({', '.join('?' * (len(_RUN_FIELDS) + 3))})",
                             (*(fields[k] for k in _RUN_FIELDS), document_text, prev, digest))
            self._db.executemany(f"INSERT INTO metrics VALUES ({', '.join('?' * 16)})",
                                 [(seq, *r) for r in metrics])
            self._db.executemany("INSERT INTO alerts VALUES (?, ?, ?, ?, ?)", [(seq, *r) for r in alerts])
        return StoredRun(seq, run["run_id"], run["exit_code"], digest, created=True)

    # --- reading -------------------------------------------------------------------------

    @_guarded
    def runs(self, *, kind: str | None = None, reference_sha256: str | None = None) -> list[dict[str, Any]]:
        """Run rows (without their documents), in recording order."""
        query = f"SELECT {', '.join(_RUN_FIELDS)}, row_hash FROM runs"
        clauses, params = [], []
        if kind is not None:
            clauses.append("kind = ?")
            params.append(kind)
        if reference_sha256 is not None:
            clauses.append("reference_sha256 = ?")
            params.append(reference_sha256)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        rows = self._db.execute(query + " ORDER BY seq", params).fetchall()
        return [dict(zip((*_RUN_FIELDS, "row_hash"), r)) for r in rows]

    @_guarded
    def document(self, seq: int) -> dict[str, Any]:
        """The run document of one run."""
        row = self._db.execute("SELECT document FROM runs WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            raise DataError(f"has no run {seq}", source=self.path)
        document = json.loads(row[0])
        metrics: dict[str, list[dict[str, Any]]] = {}
        for m in self._db.execute("SELECT * FROM metrics WHERE run_seq = ? ORDER BY rowid", (seq,)):
            metrics.setdefault(m[1], []).append(_metric_of(m[1:]))
        for finding in document["findings"]:
            finding["metrics"] = metrics.get(finding["id"], [])
        return document

    def latest(self, batch_id: str, kind: str = "batch") -> dict[str, Any] | None:
        """The latest attempt of a batch, as a run row, or ``None``."""
        rows = [r for r in self.runs(kind=kind) if r["batch_id"] == batch_id]
        return max(rows, key=lambda r: (r["attempt"], r["seq"])) if rows else None

    @_guarded
    def reference_text(self, sha256: str) -> str | None:
        """A recorded reference document's text."""
        row = self._db.execute("SELECT document FROM frozen_references WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    @_guarded
    def metrics(self, *, checks: Sequence[str], names: Sequence[str] | None = None, reference_sha256: str | None = None,
                single_attribute: bool | None = None, run_seqs: Sequence[int] | None = None) -> list[dict[str, Any]]:
        """Metric rows joined with their run, in batch-time order.

        ``single_attribute`` keeps only the findings about one protected attribute (``True``) or
        only intersections (``False``); ``run_seqs`` keeps only those runs.
        """
        marks = ", ".join("?" * len(checks))
        query = (f"SELECT m.run_seq, r.batch_id, r.batch_time, r.kind, m.finding_id, m.check_id, m.name, m.grp, m.column_name, "
                 f"m.value, m.ci_low, m.ci_high, m.n, m.threshold, m.p_adjusted, m.status FROM metrics m JOIN runs r ON r.seq = m.run_seq "
                 f"WHERE m.check_id IN ({marks})")
        params: list[Any] = list(checks)
        if names:
            query += f" AND m.name IN ({', '.join('?' * len(names))})"
            params += list(names)
        if reference_sha256 is not None:
            query += " AND r.reference_sha256 = ?"
            params.append(reference_sha256)
        if single_attribute is not None:  # features have no group, single attributes a group of one
            query += " AND m.grp_size <= 1" if single_attribute else " AND m.grp_size > 1"
        if run_seqs is not None:
            query += f" AND m.run_seq IN ({', '.join('?' * len(run_seqs))})"
            params += list(run_seqs)
        query += " ORDER BY r.batch_time, r.seq"
        keys = ("run_seq", "batch_id", "batch_time", "kind", "finding_id", "check", "name", "group", "column", "value", "ci_low",
                "ci_high", "n", "threshold", "p_adjusted", "status")
        out = []
        for row in self._db.execute(query, params):
            item = dict(zip(keys, row))
            item["group"] = json.loads(item["group"]) if item["group"] is not None else None
            out.append(item)
        return out

    @_guarded
    def series_rows(self, *, checks: Sequence[str], names: Sequence[str], max_group_size: int = 1) -> list[tuple[Any, ...]]:
        """Raw ``(run_seq, check, name, grp, column, value, ci_low, ci_high, n, status)`` rows for the trend page.

        No join and no decoding, for speed over long histories; ``grp`` is the canonical JSON text.
        """
        query = (f"SELECT run_seq, check_id, name, grp, column_name, value, ci_low, ci_high, n, status FROM metrics "
                 f"WHERE check_id IN ({', '.join('?' * len(checks))}) AND name IN ({', '.join('?' * len(names))}) AND grp_size <= ?")
        return self._db.execute(query, [*checks, *names, max_group_size]).fetchall()

    @_guarded
    def failure_counts(self, *, checks: Sequence[str], names: Sequence[str], single_attribute: bool | None = None) -> dict[tuple[str, str, str], int]:
        """How many runs each (finding, metric, group) failed in; the group as sorted JSON."""
        query = (f"SELECT finding_id, name, grp, COUNT(*) FROM metrics WHERE status = 'fail' AND check_id IN ({', '.join('?' * len(checks))}) "
                 f"AND name IN ({', '.join('?' * len(names))})")
        if single_attribute is not None:
            query += " AND grp_size <= 1" if single_attribute else " AND grp_size > 1"
        rows = self._db.execute(query + " GROUP BY finding_id, name, grp", [*checks, *names]).fetchall()
        return {(f, n, json.dumps(json.loads(g), sort_keys=True) if g else "null"): c for f, n, g, c in rows}

    @_guarded
    def previous_batch(self, reference_sha256: str, batch_time: str, exclude_batch_id: str) -> dict[str, Any] | None:
        """The latest attempt of the latest batch before ``batch_time`` against a reference.

        Returns ``{batch_id, batch_time, findings}`` (its document's findings), or ``None``.
        """
        row = self._db.execute(
            "SELECT r.seq, r.batch_id, r.batch_time, r.document FROM runs r WHERE r.kind = 'batch' AND r.reference_sha256 = ? "
            "AND r.batch_time < ? AND r.batch_id != ? "
            "AND r.attempt = (SELECT MAX(attempt) FROM runs x WHERE x.batch_id = r.batch_id AND x.kind = 'batch') "
            "ORDER BY r.batch_time DESC, r.seq DESC LIMIT 1", (reference_sha256, batch_time, exclude_batch_id)).fetchone()
        if row is None:
            return None
        return {"batch_id": row[1], "batch_time": datetime.fromisoformat(row[2]), "findings": json.loads(row[3])["findings"]}

    @_guarded
    def alert_counts(self) -> dict[int, int]:
        """Number of alerts per run (by ``seq``)."""
        return dict(self._db.execute("SELECT run_seq, COUNT(*) FROM alerts GROUP BY run_seq").fetchall())

    @_guarded
    def alerts_by_check(self) -> dict[str, int]:
        """Number of alerts per check id."""
        return dict(self._db.execute("SELECT check_id, COUNT(*) FROM alerts GROUP BY check_id ORDER BY check_id").fetchall())

    # --- integrity -------------------------------------------------------------------------

    @_guarded
    def verify(self) -> Verification:
        """Recompute the hash chain and every row's digest; report every break."""
        problems: list[str] = []
        prev, expected_seq, n = GENESIS, 1, 0
        metric_rows_by_run: dict[int, list[tuple[Any, ...]]] = {}
        for row in self._db.execute("SELECT * FROM metrics ORDER BY rowid"):
            metric_rows_by_run.setdefault(row[0], []).append(tuple(row[1:]))
        alert_rows_by_run: dict[int, list[tuple[Any, ...]]] = {}
        for row in self._db.execute("SELECT * FROM alerts ORDER BY rowid"):
            alert_rows_by_run.setdefault(row[0], []).append(tuple(row[1:]))
        columns = (*_RUN_FIELDS, "document", "prev_hash", "row_hash")
        for values in self._db.execute(f"SELECT {', '.join(columns)} FROM runs ORDER BY seq"):
            row = dict(zip(columns, values))
            n += 1
            seq = row["seq"]
            if seq != expected_seq:
                problems.append(f"run {seq}: expected run {expected_seq} here (a run is missing)")
            if row["prev_hash"] != prev:
                problems.append(f"run {seq}: prev_hash does not match the previous run's hash (a run was removed or inserted)")
            stored_metrics = metric_rows_by_run.get(seq, [])
            stored_alerts = alert_rows_by_run.get(seq, [])
            digest = row_hash(row, row["document"], stored_metrics, stored_alerts, row["prev_hash"])
            if digest != row["row_hash"]:
                problems.append(f"run {seq} (batch {row['batch_id']!r}): its content does not match its hash (the row, "
                                "its document, metrics or alerts were changed)")
            prev, expected_seq = row["row_hash"], seq + 1
        for sha, text in self._db.execute("SELECT sha256, document FROM frozen_references"):
            if _sha(text) != sha:
                problems.append(f"reference {sha[:12]}…: its document does not match its SHA-256")
        return Verification(ok=not problems, n_runs=n, head=prev, problems=tuple(problems))


__all__ = ["HISTORY_VERSION", "History", "StoredRun", "Verification", "alert_rows", "metric_rows", "row_hash"]
