"""Time of a whole ``auditor.audit()`` + save on a *wide* synthetic table (a script, not a test).

    nice python benchmarks/bench_wide.py --columns 5000 --rows 10000
    nice python benchmarks/bench_wide.py --columns 5000 --rows 120 --profile 25

The table: two protected attributes (2 and 4 groups), ``--columns`` features (alternately a
continuous float with 2 % missing, a 0-99 integer and a 3-12 level category), a 0/1 label, a
0/1 decision and a score, as one ``test`` dataset. Prints wall and CPU time of the audit and of
the save (evidence + report), and with ``--profile N`` the N functions of largest cumulative
time (cProfile), which is where the per-stage time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time


def make_wide(rows: int, columns: int, *, seed: int = 0):  # -> pd.DataFrame
    """The wide table: protected ``sex`` and ``age_band``, ``f0...`` features, label, pred, score."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    data: dict[str, object] = {
        "sex": rng.choice(["M", "F"], rows), "age_band": rng.choice(["18-26", "27-44", "45-66", "67+"], rows),
        "label": rng.integers(0, 2, rows), "pred": rng.integers(0, 2, rows), "score": rng.random(rows),
    }
    for i in range(columns):
        if i % 3 == 0:
            values = rng.normal(size=rows)
            values[rng.random(rows) < 0.02] = np.nan
        elif i % 3 == 1:
            values = rng.integers(0, 100, rows)
        else:
            values = rng.choice([f"k{j}" for j in range(3 + i % 10)], rows)
        data[f"f{i}"] = values
    return pd.DataFrame(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, default=5000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the N largest cumulative times")
    args = parser.parse_args()
    import auditor

    frame = make_wide(args.rows, args.columns)
    spec = {"data": {"test": frame}, "columns": {"target": "label", "prediction": "pred", "score": "score",
                                                 "favourable": 1, "protected": ["sex", "age_band"]}}
    profiler = cProfile.Profile() if args.profile else None
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    result = auditor.audit(spec)
    audit_wall, audit_cpu = time.perf_counter() - wall, time.process_time() - cpu
    with tempfile.TemporaryDirectory() as out:
        result.save(out)
        written = sorted(os.listdir(out))
    if profiler:
        profiler.disable()
    total_wall, total_cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{args.columns} columns x {args.rows} rows: audit {audit_wall:.1f} s wall / {audit_cpu:.1f} s CPU, "
          f"audit + save {total_wall:.1f} s wall / {total_cpu:.1f} s CPU; {len(result.findings)} findings; "
          f"wrote {', '.join(written)}; load {os.getloadavg()[0]:.1f}")
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(args.profile)
        print(text.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
