"""The whole audit per engine on a W1-like Parquet table, against a one-pass DuckDB aggregation (a script, not a test).

    nice python benchmarks/bench_engines.py                          # 1 M and 10 M rows: duckdb, pandas (1 M), spark (1 M)
    nice python benchmarks/bench_engines.py --rows 100000000 --engines duckdb --rss-limit-gb 6
    python benchmarks/bench_engines.py --markdown                    # also print the README table

The table (W1-like): the generator of ``bench_audit.py`` (four protected attributes with 2, 4, 3
and 7 groups, a 0/1 label, a 0/1 decision, a score) widened to 10 numeric and 6 categorical
features, written to Parquet one million rows at a time (one seed per chunk) under
``--data-dir`` (default ``/tmp/auditor-bench``; never in the repository), as a ``test`` file of
N rows and a ``production`` batch of N/10 rows without labels. The audit runs every check of the
default rulebook on both.

Each measurement runs in a fresh subprocess (``nice``-able, imports included in the time), and
its peak memory is the peak of the summed resident set sizes of that process and its own
children (the DuckDB engine's kernel workers; Spark's JVM and Python workers), sampled from
``/proc`` every 0.2 s, and never less than the process's own maximum (``VmHWM``,
``getrusage``) — an upper bound, since the forked workers' shared pages count once per
process — and beside it the peak of the summed proportional set sizes (``Pss:`` of
``/proc/PID/smaps_rollup``, each shared page split between its sharers); a run whose memory passes ``--rss-limit-gb`` is stopped and reported as such,
so a run cannot take the shared machine down. The **baseline** is one DuckDB query per file that reads every column once: count, nulls,
min and max of every column, sum and sum of squares of the numeric ones, an approximate distinct
count of the text ones, on all cores — the least a profiler has to do. The ratio is the audit's
time over the baseline's, both measured in the same run. The findings of every engine at a size
are compared (identical ids, statuses, counts; numbers within 1e-12).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CHUNK = 1_000_000
COLUMNS = {"target": "label", "prediction": "pred", "score": "score", "favourable": 1,
           "protected": ["sex", "age_band", "migration", "region"]}


def _generate(path: Path, rows: int, *, seed: int, labelled: bool) -> None:
    """Write ``rows`` rows of the W1-like table to ``path``, one chunk at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sys.path.insert(0, str(HERE))
    from bench_audit import make_frame

    tmp = path.with_suffix(".partial")
    writer = None
    for i, start in enumerate(range(0, rows, CHUNK)):
        frame = make_frame(min(CHUNK, rows - start), seed=seed + i, extra_numeric=8, extra_categorical=5)
        if not labelled:
            frame = frame.drop(columns="label")
        table = pa.Table.from_pandas(frame, preserve_index=False)
        writer = writer or pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table, row_group_size=256_000)
    assert writer is not None
    writer.close()
    tmp.rename(path)


def _files(data_dir: Path, rows: int) -> dict[str, Path]:
    data_dir.mkdir(parents=True, exist_ok=True)
    files = {"test": data_dir / f"w1-test-{rows}.parquet", "production": data_dir / f"w1-production-{rows}.parquet"}
    if not files["test"].exists():
        _generate(files["test"], rows, seed=0, labelled=True)
    if not files["production"].exists():
        _generate(files["production"], max(rows // 10, 1), seed=10_000, labelled=False)
    return files


def _baseline(files: dict[str, Path]) -> dict[str, Any]:
    """One aggregate query per file over every column (see the module docstring)."""
    import duckdb

    con = duckdb.connect(config={"threads": os.cpu_count() or 1})
    start = time.perf_counter()
    for path in files.values():
        relation = con.read_parquet(str(path))
        parts = ["count(*)"]
        for name, kind in zip(relation.columns, relation.types, strict=True):
            q = f'"{name}"'
            parts += [f"count({q})", f"min({q})", f"max({q})"]
            if str(kind) in ("BIGINT", "DOUBLE", "INTEGER"):
                parts += [f"sum({q}::DOUBLE)", f"sum({q}::DOUBLE * {q}::DOUBLE)"]
            else:
                parts.append(f"approx_count_distinct({q})")
        relation.aggregate(", ".join(parts)).fetchall()
    return {"seconds": time.perf_counter() - start}


def _audit(files: dict[str, Path], engine: str, findings_out: Path) -> dict[str, Any]:
    import auditor

    spec = {"data": {name: str(path) for name, path in files.items()}, "columns": COLUMNS, "engine": engine}
    start = time.perf_counter()
    result = auditor.audit(spec, run_id="bench", now=datetime(2026, 12, 1, tzinfo=UTC))
    seconds = time.perf_counter() - start
    findings_out.write_text(json.dumps(result.evidence["findings"], sort_keys=True, default=str))
    return {"seconds": seconds, "findings": len(result.findings), "summary": result.summary,
            "engines": sorted({d["engine"] for d in result.evidence["datasets"]})}


def _worker(args: argparse.Namespace) -> None:
    files = {"test": Path(args.test), "production": Path(args.production)}
    if args.worker == "baseline":
        out = _baseline(files)
    else:
        out = _audit(files, args.worker, Path(args.findings_out))
    out["self_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def _status_mb(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _pss_mb(pid: int) -> float:
    """Proportional set size: each shared page counted once across the processes sharing it."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (kernel workers, Spark's JVM and Python workers)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                pass
    return out


def _run(kind: str, files: dict[str, Path], findings_out: Path, limit_gb: float) -> dict[str, Any]:
    """One measurement in a fresh subprocess, with its peak RSS (and a guard against runaway memory)."""
    command = [sys.executable, __file__, "--worker", kind, "--test", str(files["test"]), "--production", str(files["production"]),
               "--findings-out", str(findings_out)]
    env = {**os.environ, "SPARK_LOCAL_IP": os.environ.get("SPARK_LOCAL_IP", "127.0.0.1"),
           "PYTHONPATH": os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak, peak_pss, killed = 0.0, 0.0, False
    while child.poll() is None:
        # the peak of the summed RSS of the process tree (shared pages counted once per process:
        # an upper bound), and never below the main process's own high-water mark
        pids = _tree(child.pid)
        tree = sum(_status_mb(pid, "VmRSS") for pid in pids)
        peak = max(peak, tree, _status_mb(child.pid, "VmHWM"))
        peak_pss = max(peak_pss, sum(_pss_mb(pid) for pid in pids))
        if peak > limit_gb * 1024:
            for pid in reversed(_tree(child.pid)):
                try:
                    os.kill(pid, 9)
                except OSError:
                    pass
            killed = True
            break
        time.sleep(0.2)
    stdout, stderr = child.communicate()
    wall = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if killed:
        return {"killed": True, "peak_rss_mb": peak, "peak_pss_mb": peak_pss, "wall_s": wall}
    if child.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{stderr[-3000:]}")
    out = json.loads(stdout.strip().splitlines()[-1])
    # RUSAGE_CHILDREN is the largest child so far: it names this child only when it grew
    out["peak_rss_mb"] = max(peak, out.pop("self_peak_rss_mb"), children / 1024 if children > before else 0.0)
    out["peak_pss_mb"] = peak_pss
    out["wall_s"] = wall
    return out


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return value if not math.isfinite(value) or value == 0 else float(f"{value:.12g}")
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def _uptime() -> str:
    """The load averages (1, 5, 15 min), noted beside every figure: other jobs share the cores."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--engines", nargs="+", default=["duckdb", "pandas", "spark"])
    parser.add_argument("--pandas-max-rows", type=int, default=1_000_000, help="largest size the pandas engine runs at")
    parser.add_argument("--spark-max-rows", type=int, default=1_000_000, help="largest size the Spark engine runs at")
    parser.add_argument("--data-dir", default="/tmp/auditor-bench")
    parser.add_argument("--rss-limit-gb", type=float, default=6.0, help="stop a measurement whose RSS passes this")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--test", help=argparse.SUPPRESS)
    parser.add_argument("--production", help=argparse.SUPPRESS)
    parser.add_argument("--findings-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args)
        return 0
    data_dir = Path(args.data_dir)
    rows_out = []
    for rows in args.rows:
        t0 = time.perf_counter()
        files = _files(data_dir, rows)
        size = sum(p.stat().st_size for p in files.values()) / 1e6
        print(f"# {rows:,} rows: {size:,.0f} MB of Parquet (ready in {time.perf_counter() - t0:.0f} s); load {_uptime()}",
              flush=True)
        baseline = _run("baseline", files, data_dir / "unused.json", args.rss_limit_gb)
        print(f"  baseline: {baseline['seconds']:.2f} s, {baseline['peak_rss_mb']:.0f} MB", flush=True)
        findings: dict[str, Any] = {}
        for engine in args.engines:
            if (engine == "pandas" and rows > args.pandas_max_rows) or (engine == "spark" and rows > args.spark_max_rows):
                continue
            out_file = data_dir / f"findings-{engine}-{rows}.json"
            result = _run(engine, files, out_file, args.rss_limit_gb)
            if result.get("killed"):
                print(f"  {engine}: stopped at {result['peak_rss_mb']:.0f} MB RSS after {result['wall_s']:.0f} s", flush=True)
                rows_out.append((rows, engine, None, result["peak_rss_mb"], baseline["seconds"], "stopped (RSS limit)",
                                 result["peak_pss_mb"]))
                continue
            findings[engine] = _rounded(json.loads(out_file.read_text()))
            same = "—"
            if len(findings) > 1:
                first = next(iter(findings))
                same = "same findings as " + first if findings[engine] == findings[first] else "FINDINGS DIFFER from " + first
            print(f"  {engine}: {result['seconds']:.1f} s (process {result['wall_s']:.1f} s), {result['peak_rss_mb']:.0f} MB RSS, "
                  f"{result['peak_pss_mb']:.0f} MB PSS, {result['findings']} findings, ×{result['seconds'] / baseline['seconds']:.1f} baseline; {same}; "
                  f"load {_uptime()}", flush=True)
            rows_out.append((rows, engine, result["seconds"], result["peak_rss_mb"], baseline["seconds"], same,
                             result["peak_pss_mb"]))
    if args.markdown:
        print("\n| rows | engine | audit | baseline (DuckDB one pass) | ratio | peak RSS (summed) | peak PSS | findings |")
        print("|---:|---|---:|---:|---:|---:|---:|---|")
        for rows, engine, seconds, rss, base, same, pss in rows_out:
            audit = f"{seconds:.1f} s" if seconds is not None else "—"
            ratio = f"{seconds / base:.1f}×" if seconds is not None else "—"
            print(f"| {rows:,} | {engine} | {audit} | {base:.2f} s | {ratio} | {rss:,.0f} MB | {pss:,.0f} MB | {same} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
