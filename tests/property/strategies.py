"""Generated tables and specs for the property tests: the data nobody here has seen.

A drawn :class:`Case` is a small description (row count, column kinds, group counts, label
kinds, names, a seed); :func:`materialise` turns it into a DataFrame with numpy, so a table of
3,000 rows costs no more to draw than one of 3. Hypothesis shrinks the description.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st

FEATURE_KINDS = (
    "int", "float", "float_special", "str_unicode", "str_blank", "bytes", "bool", "datetime", "datetime_tz",
    "mixed_object", "categorical", "categorical_null", "nullable_int", "nullable_float", "nullable_bool", "string_dtype",
    "int_extreme", "all_null", "constant", "list",
)
LABEL_KINDS = ("binary", "binary_str", "bool", "one_class", "all_null", "three_values", "rate_zero", "rate_one", "with_missing",
               "by_group")  # by_group: 1 in the first group, 0 elsewhere, so group rates are exactly 0 and 1
PREDICTION_KINDS = ("none", "binary", "constant", "all_null", "rate_zero", "rate_one", "with_missing")
SCORE_KINDS = ("none", "unit", "outside", "with_special")
GROUP_KINDS = ("balanced", "skewed", "singletons", "all_null", "with_null", "int_codes")

HOSTILE_NAMES = ("a|b", 'say "hi"', "it's", "tab\there", "<script>alert(1)</script>", "</td><script>x</script>",
                 "  spaced  ", "ünïcödé", "日本語", "col,comma", "new\nline", "-8", "&amp;", "{{ 7*7 }}", "{% raw %}")

_NAME = st.one_of(
    st.sampled_from(HOSTILE_NAMES),
    st.text(alphabet=string.ascii_letters + string.digits + "_ <>|\"'&é", min_size=1, max_size=12),
)


def _unique(drawn: list[str]) -> list[str]:
    """Drawn names made distinct (after strip and case-fold) by a suffix, blank ones replaced.

    Deduplicating here rather than with ``unique_by`` keeps every draw valid: a filter on the
    small hostile pool rejected a third of the examples.
    """
    names: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(drawn):
        name = name if name.strip() else f"c{i}"
        while name.strip().lower() in seen:
            name = f"{name}_{i}"
        seen.add(name.strip().lower())
        names.append(name)
    return names


@dataclass(frozen=True)
class Case:
    """What to generate (see the module docstring)."""

    rows: int
    seed: int
    features: tuple[tuple[str, str], ...]  # (name, kind)
    protected: tuple[tuple[str, int, str], ...]  # (name, groups, kind)
    target: tuple[str, str] | None
    prediction: tuple[str, str]
    score: tuple[str, str]
    favourable: str  # observed | unobserved | none
    positive: str  # default | observed | unobserved
    with_id: bool


@st.composite
def cases(draw: st.DrawFn, *, max_rows: int = 3000, lists: bool = True) -> Case:
    """A table description: 0-``max_rows`` rows, any dtypes, 1-60 groups, odd labels and names."""
    # a third of the draws span the whole range; most are small, where the odd cases (empty groups,
    # one row, one class) live and an example costs a fraction of a 3,000-row audit
    rows = draw(st.one_of(st.integers(0, 40), st.integers(0, 300), st.integers(0, max_rows)))
    kinds = FEATURE_KINDS if lists else tuple(k for k in FEATURE_KINDS if k != "list")
    names = _unique(draw(st.lists(_NAME, min_size=3, max_size=10)))
    n_prot = draw(st.integers(1, min(2, len(names) - 2)))
    protected = tuple((names[i], draw(st.sampled_from((1, 2, 3, 7, 60)) | st.integers(1, 60)), draw(st.sampled_from(GROUP_KINDS)))
                      for i in range(n_prot))
    target_name = names[n_prot]
    rest = names[n_prot + 1:]
    features = tuple((n, draw(st.sampled_from(kinds))) for n in rest)
    return Case(
        rows=rows,
        seed=draw(st.integers(0, 2**32 - 1)),
        features=features,
        protected=protected,
        target=(target_name, draw(st.sampled_from(LABEL_KINDS))) if draw(st.integers(0, 3)) else None,
        prediction=("pred \u2014 <b>", draw(st.sampled_from(PREDICTION_KINDS))),
        score=("score|s", draw(st.sampled_from(SCORE_KINDS))),
        favourable=draw(st.sampled_from(("observed", "observed", "unobserved", "none"))),
        positive=draw(st.sampled_from(("default", "default", "observed", "unobserved"))),
        with_id=draw(st.booleans()),
    )


def _feature(kind: str, n: int, rng: np.random.Generator) -> Any:
    hole = rng.random(n) < 0.1
    if kind == "int":
        return rng.integers(-5, 1000, n)
    if kind == "float":
        return np.where(hole, np.nan, rng.normal(size=n))
    if kind == "float_special":
        return rng.choice(np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e308, -1e-308, 5e-324, 999.0, -1.0]), n)
    if kind == "str_unicode":
        return rng.choice(np.array(["é", "日本", "🙂", "Zürich", "naïve", "", "<i>x</i>", "a\x00b"], dtype=object), n)
    if kind == "str_blank":
        return rng.choice(np.array(["", " ", "\t", "  x  ", "\u00a0", "nan", "None", "NULL"], dtype=object), n)
    if kind == "bytes":
        return rng.choice(np.array([b"\xff\xfe", b"abc", b"", b"\x00", "é".encode()], dtype=object), n)
    if kind == "bool":
        return rng.random(n) < 0.5
    if kind == "datetime":
        values = pd.to_datetime(rng.integers(-10**9, 2 * 10**9, n), unit="s")
        return pd.Series(values).mask(hole)
    if kind == "datetime_tz":
        return pd.Series(pd.to_datetime(rng.integers(0, 2 * 10**9, n), unit="s", utc=True)).dt.tz_convert("Europe/Amsterdam")
    if kind == "mixed_object":
        pool = np.array([1, "1", 2.5, None, True, "x", float("nan"), b"b", -8], dtype=object)
        return rng.choice(pool, n)
    if kind == "categorical":
        return pd.Categorical(rng.choice(np.array(["a", "b", "c"]), n), categories=["a", "b", "c", "unused"])
    if kind == "categorical_null":
        return pd.Categorical(np.where(hole, None, rng.choice(np.array(["<script>c</script>", "d"]), n)))
    if kind == "nullable_float":
        values = rng.choice(np.array([0.5, -1.0, np.inf, 0.0]), n)
        return pd.array(np.where(hole, None, values).tolist(), dtype="Float64")
    if kind == "int_extreme":
        return rng.choice(np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max, 0, -1], dtype=np.int64), n)
    if kind == "nullable_int":
        return pd.array(np.where(hole, None, rng.integers(0, 5, n)).tolist(), dtype="Int64")
    if kind == "nullable_bool":
        return pd.array(np.where(hole, None, rng.random(n) < 0.5).tolist(), dtype="boolean")
    if kind == "string_dtype":
        return pd.array(np.where(hole, None, rng.choice(np.array(["p", "q", ""]), n)).tolist(), dtype="string")
    if kind == "all_null":
        return np.full(n, np.nan)
    if kind == "constant":
        return np.full(n, 7)
    if kind == "list":
        return pd.Series([[int(v), 1] if not h else None for v, h in zip(rng.integers(0, 3, n), hole)], dtype=object)
    raise AssertionError(kind)


def _groups(k: int, kind: str, n: int, rng: np.random.Generator) -> Any:
    if kind == "all_null":
        return pd.Series([None] * n, dtype=object)
    if kind == "singletons":
        return np.array([f"g{i}" for i in range(n)], dtype=object) if n else np.array([], dtype=object)
    if kind == "int_codes":
        return rng.integers(0, k, n)
    labels = np.array([f"g{i}" if i % 5 else (f"<g{i}>" if i % 10 else f"<script>g{i}") for i in range(k)], dtype=object)
    p = None if kind == "balanced" else (lambda w: w / w.sum())(0.5 ** np.arange(k))
    values = rng.choice(labels, n, p=p).astype(object)
    if kind == "with_null":
        values[rng.random(n) < 0.2] = None
    return values


def _labels(kind: str, n: int, rng: np.random.Generator) -> Any:
    coin = (rng.random(n) < 0.4).astype(int)
    if kind == "binary":
        return coin
    if kind == "binary_str":
        return np.where(coin == 1, "yes", "no").astype(object)
    if kind == "bool":
        return coin.astype(bool)
    if kind == "one_class":
        return np.ones(n, dtype=int)
    if kind == "all_null":
        return np.full(n, np.nan)
    if kind == "three_values":
        return rng.integers(0, 3, n)
    if kind == "rate_zero":
        return np.zeros(n, dtype=int)
    if kind == "rate_one":
        return np.ones(n, dtype=int)
    if kind == "with_missing":
        return np.where(rng.random(n) < 0.3, np.nan, coin)
    raise AssertionError(kind)


def materialise(case: Case) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The DataFrame and the ``columns:`` section of the spec for a case."""
    rng = np.random.default_rng(case.seed)
    n = case.rows
    data: dict[str, Any] = {}
    for name, k, kind in case.protected:
        data[name] = _groups(k, kind, n, rng)
    columns: dict[str, Any] = {"protected": [p[0] for p in case.protected]}
    labels: set[Any] = set()
    if case.target is not None:
        name, kind = case.target
        if kind == "by_group":
            first = pd.Series(data[case.protected[0][0]])
            data[name] = (first == first.dropna().iloc[0]).astype(int).to_numpy() if first.notna().any() else np.zeros(n, int)
        else:
            data[name] = _labels(kind, n, rng)
        columns["target"] = name
        labels = {v for v in pd.Series(data[name]).dropna().unique().tolist()}
    pname, pkind = case.prediction
    if pkind != "none":
        values = {"binary": _labels("binary", n, rng), "constant": np.ones(n, dtype=int), "all_null": np.full(n, np.nan),
                  "rate_zero": np.zeros(n, dtype=int), "rate_one": np.ones(n, dtype=int),
                  "with_missing": _labels("with_missing", n, rng)}[pkind]
        if case.target is not None and case.target[1] == "binary_str":
            values = np.where(pd.isna(values), None, np.where(values == 1, "yes", "no")).astype(object)
        data[pname] = values
        columns["prediction"] = pname
    sname, skind = case.score
    if skind != "none":
        base = rng.random(n)
        data[sname] = {"unit": base, "outside": base * 40 - 10,
                       "with_special": np.where(rng.random(n) < 0.1, rng.choice([np.nan, np.inf, -np.inf], n), base)}[skind]
        columns["score"] = sname
    for name, kind in case.features:
        data[name] = _feature(kind, n, rng)
    if case.with_id:
        data["id"] = np.arange(n) % max(n - 2, 1)  # a few duplicated ids
        columns["id"] = "id"
    observed = sorted(labels, key=repr)
    if case.favourable == "observed" and observed:
        columns["favourable"] = observed[0]
    elif case.favourable == "unobserved":
        columns["favourable"] = 7
    if case.positive == "observed" and observed:
        columns["positive"] = observed[-1]
    elif case.positive == "unobserved":
        columns["positive"] = "never-seen"
    frame = pd.DataFrame({k: (v.reset_index(drop=True) if isinstance(v, pd.Series) else v) for k, v in data.items()},
                         index=pd.RangeIndex(n))
    return frame, columns
