"""Benchmark: group fairness metrics with the auditor vs fairlearn's MetricFrame.

Both tools compute the same five rates — selection rate, true positive rate, false positive rate,
false negative rate, precision — for every group of four protected attributes on the same
synthetic data (1 M and 10 M rows by default), in one run. Each tool runs in its own fresh
subprocess so its peak memory can be measured: the subprocess builds the data, resets the
kernel's peak-RSS counter (``/proc/self/clear_refs``), runs the tool, and reports the time and
the peak resident memory *above* what the process held before the tool started, next to the
DataFrame's own size (``memory_usage(deep=True)``). The parent process checks that every rate
agrees (to 1e-9) and prints the ratios.

What is timed
    auditor (median of three runs in one process): the profiling pass over the DataFrame (``profile_frame``: every column's summary and
    the group × label × prediction contingency table) plus the five rate checks with their
    intervals, ratios, Holm correction and verdicts — the work ``auditor.audit`` does for these
    metrics, without reading files or rendering a report.
    fairlearn (one run; too slow to repeat): ``MetricFrame(metrics={five rates}, y_true, y_pred,
    sensitive_features=attribute)`` once per attribute, and reading ``by_group``.
    Imports, the rulebook and the data are ready before either clock starts.

Usage::

    python benchmarks/bench_fairness.py                      # 1 M and 10 M rows
    python benchmarks/bench_fairness.py --rows 1000000 --fairlearn-rows 1000000
    python benchmarks/bench_fairness.py --markdown           # also print a Markdown table

``--fairlearn-rows`` limits the sizes fairlearn actually runs on; for larger sizes its time is
extrapolated linearly from the largest measured size and marked "extrapolated" (its numbers then
cannot be compared at that size, which the output says).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
ATTRIBUTES = {
    "sex": (["F", "M", "X"], [0.49, 0.50, 0.01]),
    "age_band": (["18-26", "27-44", "45-66", "67+"], [0.14, 0.36, 0.44, 0.06]),
    "region": (["Noord", "Zuid", "Oost", "West", "Centrum", "Charlois"], [0.2, 0.2, 0.15, 0.15, 0.15, 0.15]),
    "background": (["none", "western", "non_western", "unknown"], [0.55, 0.15, 0.27, 0.03]),
}
RATES = ["selection_rate", "true_positive_rate", "false_positive_rate", "false_negative_rate", "precision"]
SEED = 20240712


def make_data(rows: int, seed: int = SEED) -> pd.DataFrame:
    """Synthetic decisions: four protected attributes (text), a 0/1 label and a 0/1 decision."""
    rng = np.random.default_rng(seed)
    data: dict[str, Any] = {}
    risk = np.full(rows, -1.5)
    for name, (labels, shares) in ATTRIBUTES.items():
        codes = rng.choice(len(labels), rows, p=shares)
        data[name] = pd.Categorical.from_codes(codes, labels).astype(str)
        risk += 0.15 * codes
    label = (rng.random(rows) < 1 / (1 + np.exp(-risk))).astype(np.int8)
    score = risk + 1.2 * label + rng.normal(0, 1, rows)
    data["label"] = label
    data["decision"] = (score > 0).astype(np.int8)
    return pd.DataFrame(data)


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def prepare_auditor() -> Any:
    """Load the auditor and its rulebook (once per process, not part of the timing)."""
    sys.path.insert(0, str(ROOT))
    from auditor.checks import registry
    from auditor.rulebook import load_rulebook

    return load_rulebook("ai-act-article-10", checks=registry()).thresholds


def run_auditor(data: pd.DataFrame, thresholds: Any) -> dict[str, float]:
    """The five rates per group with the auditor (profiling pass + checks)."""
    from auditor.checks import CheckContext, bias
    from auditor.engines.pandas import ProfilePlan, profile_frame
    from auditor.spec.model import Columns

    columns = Columns(target="label", prediction="decision", favourable=0, protected=tuple(ATTRIBUTES))
    profile = profile_frame(data, dataset="test", plan=ProfilePlan.for_columns(columns, data.columns))
    ctx = CheckContext(profiles={"test": profile}, columns=columns, thresholds=thresholds, intersections=())
    out: dict[str, float] = {}
    for rate in RATES:
        for finding in getattr(bias, rate)(ctx):
            attribute = finding.id.split("/")[-1]
            for m in finding.metrics:
                if m.name == rate:
                    out[f"{rate}|{attribute}={m.group[attribute]}"] = float(m.value) if m.value is not None else float("nan")
    return out


def run_fairlearn(data: pd.DataFrame) -> dict[str, float]:
    """The five rates per group with fairlearn's MetricFrame."""
    from fairlearn.metrics import (
        MetricFrame,
        false_negative_rate,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import precision_score

    metrics = {
        "selection_rate": selection_rate, "true_positive_rate": true_positive_rate,
        "false_positive_rate": false_positive_rate, "false_negative_rate": false_negative_rate,
        "precision": lambda y, p: precision_score(y, p, zero_division=np.nan),
    }
    out: dict[str, float] = {}
    for attribute in ATTRIBUTES:
        frame = MetricFrame(metrics=metrics, y_true=data["label"], y_pred=data["decision"],
                            sensitive_features=data[attribute])
        for group, row in frame.by_group.iterrows():
            for rate in RATES:
                out[f"{rate}|{attribute}={group}"] = float(row[rate])
    return out


def worker(tool: str, rows: int, repeat: int = 3) -> dict[str, Any]:
    """Build the data, then time one tool and measure its peak memory above the baseline.

    The auditor runs ``repeat`` times and reports the median (it is cheap enough to repeat, which
    damps the noise of a shared machine); fairlearn runs once.
    """
    # Imports and the rulebook are loaded before the clock starts, for both tools.
    if tool == "fairlearn":
        import fairlearn.metrics  # noqa: F401
        import sklearn.metrics  # noqa: F401
    else:
        thresholds = prepare_auditor()
        run_auditor(make_data(1000, seed=1), thresholds)  # warm up lazy imports (scipy, yaml catalogues)
    data = make_data(rows)
    frame_bytes = int(data.memory_usage(deep=True).sum())
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak-RSS counter (Linux)
        reset = True
    except OSError:
        reset = False
    before = _rss_kb("VmRSS")
    times = []
    for _ in range(repeat if tool == "auditor" else 1):
        start = time.perf_counter()
        results = run_auditor(data, thresholds) if tool == "auditor" else run_fairlearn(data)
        times.append(time.perf_counter() - start)
    peak = _rss_kb("VmHWM")
    return {"tool": tool, "rows": rows, "seconds": float(np.median(times)), "runs": times, "frame_bytes": frame_bytes,
            "peak_extra_bytes": (peak - before) * 1024, "peak_reset": reset, "results": results}


def _spawn(tool: str, rows: int) -> dict[str, Any]:
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    done = subprocess.run([sys.executable, __file__, "--worker", tool, "--rows", str(rows)],
                          capture_output=True, text=True, check=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(a: dict[str, float], b: dict[str, float]) -> tuple[int, float]:
    """Number of rates compared and the largest absolute difference (NaN on both sides agrees)."""
    assert a.keys() == b.keys(), sorted(set(a) ^ set(b))[:5]
    worst = 0.0
    for key, value in a.items():
        other = b[key]
        if np.isnan(value) and np.isnan(other):
            continue
        worst = max(worst, abs(value - other))
    return len(a), worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--fairlearn-rows", type=int, nargs="*", default=None,
                        help="sizes fairlearn runs on (default: all); larger sizes are extrapolated")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    parser.add_argument("--worker", choices=["auditor", "fairlearn"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.rows[0])))
        return 0

    measured_sizes = set(args.fairlearn_rows if args.fairlearn_rows is not None else args.rows)
    print(f"python {platform.python_version()}, {os.cpu_count()} CPUs; pandas {pd.__version__}, numpy {np.__version__}; "
          f"load average at start {os.getloadavg()[0]:.1f}")
    lines = []
    last_fairlearn: dict[str, Any] | None = None
    for rows in sorted(args.rows):
        mine = _spawn("auditor", rows)
        if rows in measured_sizes:
            theirs = _spawn("fairlearn", rows)
            n, worst = compare(mine["results"], theirs["results"])
            agree = f"{n} rates agree, max |diff| {worst:.1e}"
            if worst > 1e-9:
                agree += "  ← DISAGREE"
            last_fairlearn = theirs
            fl_seconds, fl_note, fl_mem = theirs["seconds"], "measured", theirs["peak_extra_bytes"]
        elif last_fairlearn is not None:
            fl_seconds = last_fairlearn["seconds"] * rows / last_fairlearn["rows"]
            fl_note, fl_mem, agree = f"extrapolated from {last_fairlearn['rows']:,} rows", None, "not compared (fairlearn not run)"
        else:
            raise SystemExit("fairlearn must run on at least the smallest size to extrapolate")
        ratio = fl_seconds / mine["seconds"]
        per_metric = fl_seconds / len(RATES) / (rows / 1e6)
        line = {
            "rows": rows, "frame_mb": mine["frame_bytes"] / 1e6, "auditor_s": mine["seconds"],
            "auditor_mem_mb": mine["peak_extra_bytes"] / 1e6, "fairlearn_s": fl_seconds, "fairlearn_note": fl_note,
            "fairlearn_mem_mb": None if fl_mem is None else fl_mem / 1e6, "speedup": ratio,
            "fl_s_per_metric_per_m": per_metric, "agree": agree,
            "mem_vs_frame": mine["peak_extra_bytes"] / mine["frame_bytes"],
        }
        lines.append(line)
        print(f"(load average {os.getloadavg()[0]:.1f}; auditor runs: {', '.join(f'{t:.2f}' for t in mine['runs'])} s)")
        print(f"{rows:>11,} rows | frame {line['frame_mb']:7.1f} MB | auditor {line['auditor_s']:7.2f} s, "
              f"peak +{line['auditor_mem_mb']:7.1f} MB ({line['mem_vs_frame']:.2f}× frame) | fairlearn "
              f"{fl_seconds:8.1f} s ({fl_note}; {per_metric:.1f} s per metric per M rows) | {ratio:6.0f}× faster | {agree}")
    if args.markdown:
        print("\n| rows | DataFrame | auditor time | auditor peak memory (above baseline) | fairlearn time | "
              "fairlearn peak memory | speed-up | numbers |")
        print("|---:|---:|---:|---:|---:|---:|---:|---|")
        for r in lines:
            fl_mem = "—" if r["fairlearn_mem_mb"] is None else f"{r['fairlearn_mem_mb']:.0f} MB"
            note = "" if r["fairlearn_note"] == "measured" else f" ({r['fairlearn_note']})"
            print(f"| {r['rows']:,} | {r['frame_mb']:.0f} MB | {r['auditor_s']:.2f} s | {r['auditor_mem_mb']:.0f} MB "
                  f"({r['mem_vs_frame']:.2f}×) | {r['fairlearn_s']:.1f} s{note} | {fl_mem} | {r['speedup']:.0f}× | {r['agree']} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
