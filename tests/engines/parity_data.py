"""Data and comparisons shared by the engine tests (DuckDB, Spark, parity).

``odd_frame`` is the generated dataset of the parity tests: nulls in every column, odd types
(nullable integers, a pandas categorical, booleans with nulls, infinities, -0.0, missing-value
codes, empty and non-ASCII text, timestamps with NaT), planted duplicate rows and ids, and
protected groups of 3 and 12 rows beside large ones.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from auditor.engines.base import ProfilePlan
from auditor.engines.profile import Profile


def odd_frame(n: int = 3000, seed: int = 7) -> pd.DataFrame:
    """The generated dataset (see the module docstring); ``n`` ≥ 200."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], n).astype(object)
    sex[rng.choice(n, 3, replace=False)] = "X"  # a group of 3 rows
    sex[rng.random(n) < 0.02] = None
    region = rng.choice(["Noord", "Zuid", "Oost", "West"], n).astype(object)
    region[rng.choice(n, 12, replace=False)] = "Zürich-Eiland"  # 12 rows, non-ASCII
    age = pd.array(rng.integers(16, 90, n), dtype="Int64")
    age[rng.random(n) < 0.05] = pd.NA
    income = rng.normal(2000, 600, n).round(2)
    income[rng.random(n) < 0.08] = np.nan
    income[rng.choice(n, 4, replace=False)] = np.inf
    income[rng.choice(n, 5, replace=False)] = -8.0  # a missing-value code
    income[rng.choice(n, 3, replace=False)] = -0.0
    flag = rng.choice([True, False], n).astype(object)
    flag[rng.random(n) < 0.05] = None
    when = pd.Series(pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D"))
    when[rng.random(n) < 0.03] = pd.NaT
    city = rng.choice(["Amsterdam", "Den Haag", "", "?", "onbekend", "'s-Hertogenbosch"], n).astype(object)
    city[rng.random(n) < 0.04] = None
    label = rng.integers(0, 2, n)
    pred = np.where(rng.random(n) < 0.7, label, 1 - label)
    score = np.clip(0.3 * label + rng.random(n) * 0.7, 0, 1)
    score[rng.random(n) < 0.01] = np.nan
    frame = pd.DataFrame({
        "id": [f"R{i:06d}" for i in range(n)],
        "sex": sex, "region": pd.Categorical(region), "age": age, "income": income, "flag": flag,
        "when": when.astype("datetime64[ms]"), "city": city, "n_children": rng.integers(0, 6, n),
        "label": label, "pred": pred, "score": score,
    })
    copies = rng.choice(n // 2, 9, replace=False)  # 9 exact copies of earlier rows (ids too)
    frame.iloc[n - 9:] = frame.iloc[copies].to_numpy()
    frame.loc[n - 20:n - 18, "id"] = frame.loc[0:2, "id"].to_numpy()  # 3 ids reused with other content
    frame.loc[n - 30:n - 29, "id"] = None
    return frame


ODD_COLUMNS: dict[str, Any] = {
    "target": "label", "prediction": "pred", "score": "score", "favourable": 0, "id": "id",
    "protected": ["sex", "region"],
}
"""The ``columns:`` section for :func:`odd_frame`."""

ODD_QUALITY: dict[str, Any] = {
    "date_column": "when",
    "rules": {"age": {"type": "integer", "min": 18, "max": 85}, "sex": {"allowed": ["F", "M", "X"]},
              "city": {"nullable": False}},
    "cross_field": {"adult_income": "age >= 18 or income <= 0"},
}
"""A ``quality:`` section with column and cross-field rules over :func:`odd_frame`."""


def odd_plan(frame: pd.DataFrame) -> ProfilePlan:
    """The plan the pipeline makes for the odd dataset (roles, quality rules, logical types)."""
    from dataclasses import replace

    from auditor.engines.base import logical_types
    from auditor.engines.pandas import schema_of
    from auditor.spec.load import load_spec
    from auditor.validation.plan import quality_plans

    spec = load_spec({"data": {"training": frame}, "columns": ODD_COLUMNS, "quality": ODD_QUALITY})
    quality = quality_plans(spec, {"training": frame})["training"]
    return replace(ProfilePlan.for_columns(spec.columns, frame.columns), quality=quality,
                   types=logical_types(schema_of(frame), quality.rules))


def _close(a: Any, b: Any, where: str, tol: float) -> None:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            assert math.isnan(a) and math.isnan(b), where
        else:
            assert a == b or abs(a - b) <= tol * max(1.0, abs(a), abs(b)), f"{where}: {a!r} != {b!r}"
    elif isinstance(a, dict) and isinstance(b, dict):
        assert list(a) == list(b), f"{where}: keys {list(a)} != {list(b)}"
        for key in a:
            _close(a[key], b[key], f"{where}.{key}", tol)
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
        assert len(a) == len(b), f"{where}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            _close(x, y, f"{where}[{i}]", tol)
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def assert_same(a: Any, b: Any, *, where: str = "", tol: float = 1e-12) -> None:
    """Equal JSON-like structures, floats within ``tol`` (relative above 1, absolute below)."""
    _close(a, b, where or "value", tol)


def assert_same_profile(a: Profile, b: Profile) -> None:
    """Two profiles of the same rows hold the same statistics (sums within 1e-12 relative)."""
    assert (a.dataset, a.n_rows, a.roles, a.row_missing) == (b.dataset, b.n_rows, b.roles, b.row_missing)
    assert list(a.columns) == list(b.columns)
    for name, col in a.columns.items():
        other = b.columns[name]
        assert (col.logical, col.kind, col.n_missing, col.counts) == (other.logical, other.kind, other.n_missing, other.counts), name
        assert (col.numeric is None) == (other.numeric is None), name
        if col.numeric is not None:
            x, y = col.numeric, other.numeric
            assert (x.n, x.n_infinite, x.min, x.max, x.sketch) == (y.n, y.n_infinite, y.min, y.max, y.sketch), name
            assert_same([x.total, x.total_sq], [y.total, y.total_sq], where=f"{name}.moments")
    if a.groups is not None or b.groups is not None:
        assert a.groups is not None and b.groups is not None
        for part in ("cells", "missing", "scores"):
            left, right = getattr(a.groups, part), getattr(b.groups, part)
            assert (left is None) == (right is None), part
            if left is not None:
                pd.testing.assert_frame_equal(left, right, obj=f"groups.{part}")
    if a.features is not None or b.features is not None:
        assert a.features is not None and b.features is not None
        assert a.features.kinds == b.features.kinds
        assert list(a.features.tables) == list(b.features.tables)
        for key, table in a.features.tables.items():
            other_table = b.features.tables[key]
            assert (table is None) == (other_table is None), key
            if table is not None:
                pd.testing.assert_frame_equal(table, other_table, obj=f"features{key}")
    if a.digests is not None or b.digests is not None:
        x, y = a.digests, b.digests
        assert x is not None and y is not None
        for part in ("rows", "ids", "features"):
            left, right = getattr(x, part), getattr(y, part)
            assert (left is None) == (right is None), part
            if left is not None:
                left, right = left.materialise(), right.materialise()  # a spilled digest read back
                for attr in ("hashes", "counts", "first", "repeats", "repeat_hashes", "groups"):
                    assert np.array_equal(getattr(left, attr), getattr(right, attr)) if attr != "groups" or left.groups is not None \
                        else right.groups is None, f"digests.{part}.{attr}"
                assert (left.columns, left.n_skipped) == (right.columns, right.n_skipped), part
        assert x.fingerprints == y.fingerprints
        assert (x.codes, x.treated_missing, x.dates) == (y.codes, y.treated_missing, y.dates)
        assert [r.to_dict() for r in x.rules] == [r.to_dict() for r in y.rules]
    if a.sample is not None or b.sample is not None:
        assert a.sample is not None and b.sample is not None
        pd.testing.assert_frame_equal(a.sample.rows, b.sample.rows, obj="sample.rows")
        assert np.array_equal(a.sample.keys, b.sample.keys) and np.array_equal(a.sample.cells, b.sample.cells)

