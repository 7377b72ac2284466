"""Synthetic reference and batches with planted drifts of known size (no real data needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

COLUMNS = {"target": "label", "prediction": "predicted", "score": "risk_score", "favourable": 0,
           "protected": ["sex", "region"], "id": "case_id",
           "features": ["income", "age", "months", "channel", "household"]}


def frame(n: int, seed: int, *, shift_sd: float = 0.0, channel_mix: tuple[float, float, float] = (0.5, 0.3, 0.2),
          x_share: float = 0.01, x_selection: float | None = None, selection_boost: float = 0.0,
          label_noise: float = 0.0, start_id: int = 0) -> pd.DataFrame:
    """A population like the reference; each keyword plants one drift of known size.

    ``shift_sd`` shifts ``income`` by that many standard deviations; ``channel_mix`` sets the
    category shares of ``channel``; ``x_share`` is the share of sex = X (1 % in the reference);
    ``x_selection`` overrides group X's selection rate; ``selection_boost`` adds to every
    group's selection probability.
    """
    rng = np.random.default_rng(seed)
    income = rng.normal(2000.0, 400.0, n) + shift_sd * 400.0
    age = rng.integers(18, 67, n).astype(float)
    months = rng.poisson(12, n).astype(float)
    months[rng.random(n) < 0.03] = np.nan
    channel = rng.choice(["online", "desk", "post"], n, p=list(channel_mix))
    household = rng.choice(["single", "couple", "family"], n, p=[0.4, 0.35, 0.25])
    rest = (1.0 - x_share) / 2
    sex = rng.choice(["F", "M", "X"], n, p=[rest, rest, x_share])
    region = rng.choice(["Noord", "Zuid", "Oost"], n, p=[0.5, 0.3, 0.2])
    score = 1 / (1 + np.exp(-((income - 2000) / 400 * 0.8 + rng.normal(0, 1, n) - 1.0)))
    p_select = np.clip(score * 0.6 + selection_boost, 0, 1)
    if x_selection is not None:
        p_select = np.where(sex == "X", x_selection, p_select)
    predicted = (rng.random(n) < p_select).astype(int)
    label = (rng.random(n) < np.where(predicted == 1, 0.45, 0.12)).astype(int)
    if label_noise:
        flip = rng.random(n) < label_noise
        label = np.where(flip, 1 - label, label)
    return pd.DataFrame({"case_id": [f"C{start_id + i:08d}" for i in range(n)], "sex": sex, "region": region,
                         "income": income, "age": age, "months": months, "channel": channel, "household": household,
                         "risk_score": score, "predicted": predicted, "label": label})


def spec(folder: Path, reference: pd.DataFrame, **monitoring: Any) -> dict[str, Any]:
    """A spec dict whose reference data is ``reference`` (written as Parquet in ``folder``)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "reference.parquet"
    reference.to_parquet(path)
    return {"data": {"test": str(path)}, "columns": COLUMNS,
            "monitoring": {"reference": {"file": str(folder / "reference.json"), "data": "test"},
                           "history": str(folder / "history.sqlite"), **monitoring},
            "report": {"output": str(folder / "out")}}


def write(frame_: pd.DataFrame, path: Path) -> Path:
    """Write a batch as Parquet and return its path."""
    frame_.to_parquet(path)
    return path


def statuses(result: Any, check: str) -> dict[str, str]:
    """Finding id → status for one check."""
    return {f["id"].split("/", 2)[-1]: f["status"] for f in result.findings if f["check"] == check}
