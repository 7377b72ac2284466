"""Time a monitoring run on a 1 M-row batch against a frozen reference, beside Evidently's drift report.

    nice python benchmarks/bench_monitor.py                # 1 M-row batch, 100 k-row reference, 1,000-run trend page
    nice python benchmarks/bench_monitor.py --rows 200000 --runs 200

The data are W1-like: ten numeric and six categorical features, four protected attributes
(2, 4, 3 and 7 groups), a 0/1 label, a 0/1 decision and a score; the batch has a 0.3 SD shift
in one feature and a changed category mix in another. Three things are timed in one process:

1. ``auditor.monitoring.monitor()`` on the batch file (Parquet): reading it, binning it against
   the frozen reference, every drift check (features, group composition, selection rate and
   score distribution per group and intersection, CUSUM) and appending the run to a SQLite
   history — the whole ``auditor monitor`` minus interpreter start-up; best of three warm runs;
2. Evidently 0.7's ``Report([DataDriftPreset()]).run(current, reference)`` on the same frames
   (already in memory, so it is spared the file read) and the same sixteen features — the peer's
   per-feature drift report, which does less (no groups, no history);
3. rendering the trend page of a 1,000-run history, and verifying that history's hash chain
   (``auditor history --out`` does both; they are timed apart).

Evidently 0.7 does not import under pandas 3 (it imports ``infer_dtype_from_object``, removed
from ``pandas.core.dtypes.common``); the script puts a one-line stand-in there before importing
it, for this benchmark only. Note ``uptime`` beside the numbers: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

N_NUMERIC, N_CATEGORICAL = 10, 6
PROTECTED = {"sex": ["M", "F"], "age_band": ["18-26", "27-44", "45-66", "67+"], "migration": ["none", "western", "non_western"],
             "region": list("ABCDEFG")}


def frame(rows: int, seed: int, *, drift: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data: dict[str, np.ndarray] = {}
    for i in range(N_NUMERIC):
        data[f"x{i}"] = rng.normal(0.3 if (drift and i == 0) else 0.0, 1.0, rows)
    for i in range(N_CATEGORICAL):
        mix = np.array([0.5, 0.3, 0.15, 0.05]) if not (drift and i == 0) else np.array([0.3, 0.3, 0.3, 0.1])
        data[f"c{i}"] = rng.choice(np.array(["a", "b", "c", "d"]), rows, p=mix)
    for name, values in PROTECTED.items():
        data[name] = rng.choice(np.array(values), rows)
    score = 1 / (1 + np.exp(-(data["x0"] + data["x1"] - 1)))
    data["score"] = score
    data["pred"] = (rng.random(rows) < score).astype(np.int64)
    data["label"] = (rng.random(rows) < np.where(data["pred"] == 1, 0.5, 0.15)).astype(np.int64)
    return pd.DataFrame(data)


def _evidently():
    import pandas.core.dtypes.common as common

    if not hasattr(common, "infer_dtype_from_object"):  # removed in pandas 3; Evidently 0.7 still imports it
        common.infer_dtype_from_object = lambda dtype: dtype if isinstance(dtype, type) else pd.api.types.pandas_dtype(dtype).type
    from evidently import Report
    from evidently.presets import DataDriftPreset

    return Report, DataDriftPreset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reference-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1_000, help="runs in the history whose trend page is rendered")
    parser.add_argument("--evidently-runs", type=int, default=2, help="how often to time Evidently (it is slow at 1 M rows)")
    args = parser.parse_args()
    from auditor.monitoring.history import History
    from auditor.monitoring.runner import freeze_reference, monitor
    from auditor.monitoring.trend import render_trend

    features = [f"x{i}" for i in range(N_NUMERIC)] + [f"c{i}" for i in range(N_CATEGORICAL)]
    folder = Path(tempfile.mkdtemp(prefix="bench-monitor-"))
    reference, batch = frame(args.reference_rows, 1, drift=False), frame(args.rows, 2, drift=True)
    reference.to_parquet(folder / "reference.parquet")
    batch.to_parquet(folder / "batch.parquet")
    spec = {"data": {"test": str(folder / "reference.parquet")},
            "columns": {"target": "label", "prediction": "pred", "score": "score", "favourable": 0,
                        "protected": list(PROTECTED), "features": features},
            "monitoring": {"reference": {"file": str(folder / "reference.json"), "data": "test"},
                           "history": str(folder / "history.sqlite")}}
    start = time.perf_counter()
    freeze_reference(spec)
    freeze_s = time.perf_counter() - start
    times = []
    for attempt in range(1, 4):
        start = time.perf_counter()
        result = monitor(spec, batches=[folder / "batch.parquet"], batch_id="bench", attempt=attempt)
        times.append(time.perf_counter() - start)
    alerts = [f["id"] for f in result.run["findings"] if f["status"] == "fail"]
    print(f"auditor monitor: {[round(t, 3) for t in times]} s (freeze {freeze_s:.2f} s)", file=sys.stderr, flush=True)

    report_cls, preset = _evidently()
    evidently_times = []
    for _ in range(args.evidently_runs):
        start = time.perf_counter()
        snapshot = report_cls([preset(columns=features)]).run(batch[features], reference[features])
        evidently_times.append(time.perf_counter() - start)
        print(f"evidently: {evidently_times[-1]:.3f} s", file=sys.stderr, flush=True)
    values = {m["metric_name"]: m["value"] for m in snapshot.dict()["metrics"]}
    ours = {m["column"]: m["value"] for f in result.run["findings"] for m in f["metrics"] if m["name"] == "wasserstein_distance_sd"}
    theirs = {k.split("column=")[1].split(",")[0]: v for k, v in values.items() if "Wasserstein" in k}

    # a history of --runs runs: a few real runs, then their documents recorded again under new batch ids and times
    history = folder / "trend.sqlite"
    small = frame(5_000, 3, drift=False)
    seeds = []
    for i in range(10):
        path = folder / f"small-{i}.parquet"
        frame(5_000, 10 + i, drift=i >= 7).to_parquet(path)
        seeds.append(monitor(spec, batches=[path], history=history, batch_id=f"seed-{i}").run)
    reference_text = (folder / "reference.json").read_text(encoding="utf-8")
    t0 = datetime(2020, 1, 6, tzinfo=UTC)
    with History(history) as store:
        for i in range(args.runs - len(seeds)):
            run = dict(seeds[i % len(seeds)])
            run.update(run_id=f"copy-{i}", batch_id=f"w{i:05d}", batch_time=(t0 + timedelta(days=7 * i)).isoformat(),
                       batch={**run["batch"], "sha256": f"{i:064x}"})
            store.append(run, reference_text)
        start = time.perf_counter()
        page = render_trend(store, language="nl")
        trend_s = time.perf_counter() - start
        start = time.perf_counter()
        verified = store.verify()
        verify_s = time.perf_counter() - start
    del small
    print(json.dumps({
        "rows": args.rows, "reference_rows": args.reference_rows, "features": len(features),
        "freeze_s": round(freeze_s, 3), "monitor_s": [round(t, 3) for t in times], "monitor_best_s": round(min(times), 3),
        "evidently_s": [round(t, 3) for t in evidently_times], "evidently_best_s": round(min(evidently_times), 3),
        "ratio_evidently_over_auditor": round(min(evidently_times) / min(times), 2),
        "findings": len(result.run["findings"]), "alerts": alerts,
        "wasserstein_sd_auditor_vs_evidently": {k: [round(ours[k], 4), round(theirs[k], 4)] for k in sorted(theirs) if k in ours},
        "trend_runs": args.runs, "trend_render_s": round(trend_s, 3), "trend_html_mb": round(len(page.encode()) / 1e6, 2),
        "verify_s": round(verify_s, 3), "verify_ok": verified.ok, "history_mb": round(history.stat().st_size / 1e6, 1),
        "uptime": os.getloadavg(),
    }, indent=1))


if __name__ == "__main__":
    main()
