"""Time and peak memory of a whole ``auditor.audit()`` on synthetic data (a script, not a test).

    python benchmarks/bench_audit.py                 # 1 M and 10 M rows
    python benchmarks/bench_audit.py --rows 1000000

The data: four protected attributes (2, 4, 3 and 7 groups), three features (a continuous one
with 5 % missing, a 0-99 integer, a 3-level category), a 0/1 label, a 0/1 decision and a score.
The audit runs every check of the default rulebook (36) on it as one ``test`` dataset. Each size
runs in a fresh subprocess: a cold run (including the lazy imports of scipy and scikit-learn) and
a warm run; peak memory is the process's maximum resident set size, which includes the
DataFrame itself (reported beside it).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

PROTECTED = ["sex", "age_band", "migration", "region"]


def make_frame(rows: int, *, seed: int = 0, extra_numeric: int = 0, extra_categorical: int = 0):  # -> pd.DataFrame
    """The synthetic table: four protected attributes, features, label, decision, score.

    The base table has three features (``x1`` continuous with 5 % missing, ``x2`` a 0-99
    integer, ``x3`` a 3-level category); ``extra_numeric`` / ``extra_categorical`` add features
    ``x4...`` (alternately continuous with 2 % missing and integer) and ``c1...`` (3 to 12
    levels). ``benchmarks/bench_engines.py`` writes it to Parquet chunk by chunk (one ``seed``
    per chunk).
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "sex": rng.choice(["M", "F"], rows), "age_band": rng.choice(["18-26", "27-44", "45-66", "67+"], rows),
        "migration": rng.choice(["none", "western", "non_western"], rows), "region": rng.choice(list("ABCDEFG"), rows),
        "x1": rng.normal(size=rows), "x2": rng.integers(0, 100, rows), "x3": rng.choice(["a", "b", "c"], rows),
        "label": rng.integers(0, 2, rows), "pred": rng.integers(0, 2, rows), "score": rng.random(rows),
    })
    frame.loc[rng.random(rows) < 0.05, "x1"] = np.nan
    for i in range(extra_numeric):
        if i % 2:
            frame[f"x{4 + i}"] = rng.integers(0, 10 ** (2 + i % 4), rows)
        else:
            values = rng.lognormal(3, 1, rows)
            values[rng.random(rows) < 0.02] = np.nan
            frame[f"x{4 + i}"] = values
    for i in range(extra_categorical):
        levels = [f"k{j}" for j in range(3 + (i * 2) % 10)]
        frame[f"c{1 + i}"] = rng.choice(levels, rows)
    return frame


def _worker(rows: int) -> None:
    import auditor

    frame = make_frame(rows)
    spec = {"data": {"test": frame}, "columns": {"target": "label", "prediction": "pred", "score": "score", "favourable": 1,
                                                   "protected": PROTECTED}}
    times = []
    for _ in range(2):
        start = time.perf_counter()
        result = auditor.audit(spec)
        times.append(time.perf_counter() - start)
    print(json.dumps({
        "rows": rows, "cold_s": times[0], "warm_s": times[1], "findings": len(result.findings),
        "frame_mb": frame.memory_usage(deep=True).sum() / 1e6,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker)
        return 0
    print("| rows | cold | warm | findings | DataFrame | peak RSS |\n|---:|---:|---:|---:|---:|---:|")
    for rows in args.rows:
        out = subprocess.run([sys.executable, __file__, "--worker", str(rows)], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {r['rows']:,} | {r['cold_s']:.2f} s | {r['warm_s']:.2f} s | {r['findings']} | {r['frame_mb']:.0f} MB "
              f"| {r['peak_rss_mb']:.0f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
