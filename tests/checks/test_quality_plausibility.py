"""Missing-value codes and outliers: what is flagged, what is not, and exact counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
from quality_context import only, run

from auditor.evidence.model import Status

RNG = np.random.default_rng(11)
N = 2000


def flagged(frame: pd.DataFrame, **quality: object) -> dict[tuple[str, str], tuple[int, str]]:
    finding = only(run("quality.sentinel_values", {"training": frame}, {}, quality=dict(quality)))
    return {(f["column"], f["value"]): (f["count"], f["reason"]) for f in finding.message.params["flagged"]}


def test_codes_apart_from_the_rest_are_flagged() -> None:
    months = RNG.integers(0, 121, N)
    months[:8] = -1
    income = RNG.lognormal(7, 0.5, N).round(2)
    income[100:160] = -8
    gain = np.where(RNG.random(N) < 0.9, 0, RNG.integers(100, 41310, N))
    gain[500:520] = 99999
    age = RNG.integers(18, 90, N)
    age[700:705] = 999
    text = RNG.choice(["a", "b", "c"], N).astype(object)
    text[900:930] = " ?"
    frame = pd.DataFrame({"months": months, "income": income, "gain": gain, "age": age, "text": text})
    assert flagged(frame) == {
        ("months", "-1"): (8, "negative_code"),
        ("income", "-8"): (60, "negative_code"),
        ("gain", "99999"): (20, "beyond_range"),
        ("age", "999"): (5, "beyond_range"),
        ("text", " ?"): (30, "text_code"),
    }


def test_codes_that_are_ordinary_values_are_not_flagged() -> None:
    score = RNG.integers(0, 101, N)            # 99 in a 0-100 scale
    hours = RNG.integers(1, 99, N)
    hours[:85] = 99                            # top code right after 98
    delta = RNG.integers(-400, 1000, N)        # -1, -8 among other negatives
    delta[:50] = -1
    flags = RNG.choice([-1, 0, 1], N)          # a -1/0/1 code list
    frame = pd.DataFrame({"score": score, "hours": hours, "delta": delta, "flags": flags})
    assert flagged(frame) == {}


def test_declared_missing_and_accepted_values() -> None:
    income = RNG.lognormal(7, 0.5, N).round(2)
    income[:40] = -8
    months = RNG.integers(0, 121, N)
    months[:3] = -1
    frame = pd.DataFrame({"income": income, "months": months})
    finding = only(run("quality.sentinel_values", {"training": frame}, {},
                       quality={"missing_values": {"income": [-8]}, "accepted_values": {"months": [-1]}}))
    assert finding.status == Status.PASS
    assert finding.message.params["treated"] == [{"column": "income", "value": "-8", "count": 40}]


def test_high_cardinality_columns_use_exact_counts_and_the_sketch() -> None:
    income = RNG.normal(3000, 800, 5000).round(3)    # > 1,000 distinct values: no category counts
    income = np.abs(income)
    income[:123] = -9
    dates = pd.Timestamp("2023-01-01") + pd.to_timedelta(RNG.integers(0, 700, 5000), unit="D")
    dates = pd.Series(dates)
    dates[:4] = pd.Timestamp("1900-01-01")
    frame = pd.DataFrame({"income": income, "when": dates})
    assert frame["income"].nunique() > 1000
    assert flagged(frame) == {("income", "-9"): (123, "negative_code"), ("when", "1900-01-01"): (4, "date_code")}


def test_outliers_counted_exactly_for_small_columns() -> None:
    x = RNG.integers(40, 60, N).astype(float)
    x[:50] = 500.0
    frame = pd.DataFrame({"x": x, "few": RNG.integers(0, 6, N), "flat": np.zeros(N)})
    finding = only(run("quality.outliers", {"training": frame}, {}))
    q1, q3 = np.percentile(x, 25), np.percentile(x, 75)
    expected = int(((x < q1 - 3 * (q3 - q1)) | (x > q3 + 3 * (q3 - q1))).sum())
    column = finding.message.params["columns"][0]
    assert column["column"] == "x" and column["n_outliers"] == expected == 50 and column["exact"]
    assert finding.status == Status.WARN and finding.message.params["flagged"] == ["x"]
    assert finding.message.params["not_judged"] == [{"column": "few", "reason": "few_values"},
                                                    {"column": "flat", "reason": "few_values"}]


def test_outliers_from_the_sketch_for_continuous_columns() -> None:
    x = RNG.normal(100, 10, 20_000)
    x[:30] = 1e6
    finding = only(run("quality.outliers", {"training": pd.DataFrame({"x": x})}, {}))
    column = finding.message.params["columns"][0]
    q1, q3 = np.percentile(x, 25), np.percentile(x, 75)
    expected = int(((x < q1 - 3 * (q3 - q1)) | (x > q3 + 3 * (q3 - q1))).sum())
    assert not column["exact"] and abs(column["n_outliers"] - expected) <= 2
    assert finding.status == Status.PASS  # 30 of 20,000 is below 1 %
