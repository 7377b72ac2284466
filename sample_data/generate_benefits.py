"""Generate the synthetic "benefits" sample case (Annex III 5(a)).

A Dutch municipality (Rotterdam-like) scores social-assistance ("bijstand") applications and
selects the highest-scoring ones for an extra review ("heronderzoek"). Everything here is
synthetic: no real person, application or municipal figure is in it.

Writes, into ``sample_data/benefits/`` beside this script:

- ``train.parquet``            training data (features, protected attributes, ``label``)
- ``test_scored.parquet``      test data plus the model's ``risk_score`` and ``predicted``
- ``reference_population.csv`` intended population: shares per category (Art. 10(3)-(4))

``audit.yaml``, ``system.yaml`` and ``README.md`` in that folder are written by hand.

The data carry deliberate, documented problems (see ``benefits/README.md``) so that an audit
shows pass, warn, fail and insufficient evidence. The script is deterministic: one seeded
``numpy.random.default_rng`` drives every draw, so running it twice gives byte-identical files
(same numpy / pandas / pyarrow versions).

Usage::

    python sample_data/generate_benefits.py            # (re)write the files
    python sample_data/generate_benefits.py --verify   # print the realised figures of the files
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261122
OUT = Path(__file__).resolve().parent / "benefits"

N_TRAIN_UNIQUE = 5985  # + 15 exact duplicates = 6000 rows
N_TRAIN_DUPLICATES = 15
N_TRAIN_SENTINEL = 8  # months_on_benefit = -1
N_TEST = 2000  # of which N_LEAKED rows are copies of training rows
N_LEAKED = 3
N_X_TRAIN = 18
N_X_TEST = 12

SEX = ["F", "M", "X"]
AGE_BANDS = ["18-26", "27-44", "45-66", "67+"]
MIGRATION = ["none", "western", "non_western"]
DISTRICTS = ["Noord", "Zuid", "Centrum", "Oost", "West", "Charlois"]
HOUSEHOLDS = ["single", "single_parent", "couple", "couple_children"]

# Intended population: all bijstand recipients of the municipality (Rotterdam-like, rounded).
REFERENCE = {
    "sex": {"F": 0.520, "M": 0.477, "X": 0.003},
    "age_band": {"18-26": 0.140, "27-44": 0.360, "45-66": 0.440, "67+": 0.060},
    "migration_background": {"none": 0.370, "western": 0.170, "non_western": 0.460},
}

# Composition of the data (train and test alike). Planted: 18-26 far under (ratio ~0.43),
# 67+ slightly under (ratio 0.85); 27-44 and 45-66 take up the slack (ratio ~1.11).
SAMPLE_SHARES = {
    "sex": {"F": 0.513, "M": 0.487},  # X is placed as an exact count
    "age_band": {"18-26": 0.060, "27-44": 0.400, "45-66": 0.489, "67+": 0.051},
    "migration_background": {"none": 0.380, "western": 0.165, "non_western": 0.455},
}

# Irregularity found at review (label = 1): target base rates by migration background.
# Deliberately close (ratio of favourable rates ~0.99): the historical labels are not the
# source of the model's disparity.
BASE_RATE = {"none": 0.105, "western": 0.105, "non_western": 0.110}

# income_other missing: planted concentration in one group.
MISSING_RATE = {"none": 0.04, "western": 0.04, "non_western": 0.25}

# Selection: a single global threshold on risk_score; the model's extra weight on
# non_western applicants (a learned proxy effect) is calibrated so that the ratio of
# favourable rates (not selected) non_western / none is about TARGET_FAVOURABLE_RATIO.
SELECT_SHARE = 0.22
MEAN_SCORE = 0.13
TARGET_FAVOURABLE_RATIO = 0.72

# Signal strength: unobserved part of the ground truth, noise in the model's fit, and how
# fast prior reviews accumulate (tuned so the overall AUC is ~0.72).
LABEL_NOISE_SD = 0.90
MODEL_NOISE_SD = 0.80
PRIOR_BASE = 0.10
PRIOR_SLOPE = 0.55

TRAIN_DATES = ("2023-01-02", "2025-03-31")
TEST_DATES = ("2025-04-01", "2025-12-31")


def _exact(rng: np.random.Generator, n: int, shares: dict[str, float]) -> np.ndarray:
    """``n`` labels with counts matching ``shares`` (largest remainder), in random order."""
    cats = list(shares)
    p = np.array([shares[c] for c in cats], dtype=float)
    p = p / p.sum()
    raw = p * n
    counts = np.floor(raw).astype(int)
    short = n - counts.sum()
    counts[np.argsort(-(raw - counts), kind="stable")[:short]] += 1
    return rng.permutation(np.repeat(np.array(cats, dtype=object), counts))


def _pick(rng: np.random.Generator, probs: np.ndarray, cats: list[str]) -> np.ndarray:
    """One category per row from a row-wise probability matrix (rows sum to 1)."""
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(probs))[:, None]
    return np.array(cats, dtype=object)[(u > cum).sum(axis=1)]


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _people(rng: np.random.Generator, n: int, n_x: int, dates: tuple[str, str]) -> pd.DataFrame:
    """Applicants with correlated features and a ground-truth label (no id yet)."""
    sex = np.concatenate([_exact(rng, n - n_x, SAMPLE_SHARES["sex"]), np.full(n_x, "X", dtype=object)])
    sex = rng.permutation(sex)
    age_band = _exact(rng, n, SAMPLE_SHARES["age_band"])
    migration = _exact(rng, n, SAMPLE_SHARES["migration_background"])
    nw = migration == "non_western"

    # District depends on migration background (segregated housing market).
    district_p = {
        "none": [0.20, 0.17, 0.14, 0.22, 0.15, 0.12],
        "western": [0.20, 0.16, 0.20, 0.18, 0.16, 0.10],
        "non_western": [0.14, 0.26, 0.07, 0.11, 0.18, 0.24],
    }
    district = _pick(rng, np.array([district_p[m] for m in migration]), DISTRICTS)

    # Household depends on age band and sex (single parents are mostly women aged 27-44).
    household_p = {
        "18-26": [0.70, 0.18, 0.06, 0.06],
        "27-44": [0.42, 0.30, 0.08, 0.20],
        "45-66": [0.62, 0.12, 0.16, 0.10],
        "67+": [0.72, 0.01, 0.25, 0.02],
    }
    hp = np.array([household_p[a] for a in age_band])
    moved = hp[:, 1] * np.where(sex == "M", 0.85, np.where(sex == "X", 0.5, 0.0))
    hp[:, 1] -= moved
    hp[:, 0] += moved
    household = _pick(rng, hp, HOUSEHOLDS)

    # Months on benefit grow with age; slightly longer for non-western applicants.
    mean_months = pd.Series(age_band).map({"18-26": 9.0, "27-44": 28.0, "45-66": 52.0, "67+": 66.0}).to_numpy()
    mean_months = mean_months * np.where(nw, 1.15, 1.0)
    shape = 1.4
    months = np.minimum(np.floor(rng.gamma(shape, mean_months / shape)), 120).astype(np.int64)

    # Prior reviews accumulate with time on benefit; non-western applicants were reviewed more
    # often in the past (a feedback loop the model later learns as a proxy).
    rate = (PRIOR_BASE + PRIOR_SLOPE * months / 36.0) * np.where(nw, 1.30, 1.0)
    n_prior = np.minimum(rng.poisson(rate), 6).astype(np.int64)

    # Registered debt (BKR / debt counselling) goes with prior reviews, single parents, age 27-44.
    z_debt = (
        -1.75
        + 0.35 * n_prior
        + 0.45 * (household == "single_parent")
        + 0.30 * (age_band == "27-44")
        - 0.60 * (age_band == "67+")
        + 0.20 * nw
    )
    debt = (rng.random(n) < _sigmoid(z_debt)).astype(np.int64)

    # Other income: part-time work (more for couples); partial state pension (AOW) for 67+.
    p_inc = pd.Series(household).map(
        {"single": 0.22, "single_parent": 0.33, "couple": 0.38, "couple_children": 0.42}
    ).to_numpy()
    p_inc = np.where(age_band == "18-26", np.minimum(1.7 * p_inc, 0.6), p_inc)  # side jobs
    p_inc = np.where(age_band == "67+", 0.88, p_inc)
    has_inc = rng.random(n) < p_inc
    work = rng.lognormal(np.log(380.0), 0.65, n)
    aow = rng.lognormal(np.log(820.0), 0.30, n)
    # Above roughly the bijstand norm there would be no entitlement: cap the amounts.
    amount = np.minimum(np.where(age_band == "67+", aow, work), 1450.0)
    income = np.where(has_inc, np.round(amount, 2), 0.0)

    # Ground truth: irregularity found at review. Driven by observable features plus an
    # unobserved part; the intercept per migration group is solved so the expected base rate
    # equals BASE_RATE (historical labels differ little between groups).
    # Other income matters as work income (under-declared hours); a partial AOW at 67+ does not.
    work_income = (income > 0) & (age_band != "67+")
    latent = rng.normal(0.0, LABEL_NOISE_SD, n)
    z_label = (
        0.55 * n_prior
        + 1.40 * debt
        + 1.40 * work_income
        + 0.80 * (household == "single")
        + 0.20 * (household == "couple_children")
        - 0.006 * months
        + latent
    )
    intercept = np.zeros(n)
    for group, target in BASE_RATE.items():
        mask = migration == group
        lo, hi = -10.0, 5.0
        for _ in range(60):
            mid = (lo + hi) / 2
            if _sigmoid(z_label[mask] + mid).mean() < target:
                lo = mid
            else:
                hi = mid
        intercept[mask] = (lo + hi) / 2
    label = (rng.random(n) < _sigmoid(z_label + intercept)).astype(np.int64)

    # Application dates: working days in the period, independent of the other columns (the
    # files are sorted by date at the end).
    days = pd.bdate_range(*dates)
    date = rng.permutation(np.sort(days.to_numpy()[rng.integers(0, len(days), n)]))

    missing = rng.random(n) < pd.Series(migration).map(MISSING_RATE).to_numpy()
    income_other = np.where(missing, np.nan, income)

    return pd.DataFrame(
        {
            "sex": sex.astype(str),
            "age_band": age_band.astype(str),
            "migration_background": migration.astype(str),
            "district": district.astype(str),
            "household": household.astype(str),
            "months_on_benefit": months,
            "income_other": income_other.astype(float),
            "n_prior_reviews": n_prior,
            "debt_registered": debt,
            "application_date": pd.to_datetime(date).astype("datetime64[ms]"),
            "label": label,
        }
    )


def _model_logit(frame: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """The municipality's model without its proxy term: what it learned from the features."""
    income = frame["income_other"].fillna(0.0).to_numpy()  # the model imputes missing as 0
    work_income = (income > 0) & (frame["age_band"].to_numpy() != "67+")
    district_w = {"Noord": 0.0, "Zuid": 0.15, "Centrum": -0.10, "Oost": 0.0, "West": 0.05, "Charlois": 0.20}
    months = frame["months_on_benefit"].clip(lower=0).to_numpy()
    return (
        -2.35  # shifted later so the mean score is MEAN_SCORE
        + 0.50 * frame["n_prior_reviews"].to_numpy()
        + 1.40 * frame["debt_registered"].to_numpy()
        + 1.30 * work_income
        + 0.75 * (frame["household"].to_numpy() == "single")
        - 0.005 * months
        + frame["district"].map(district_w).to_numpy()
        + rng.normal(0.0, MODEL_NOISE_SD, len(frame))
    )


def _score(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Add ``risk_score`` and ``predicted``; calibrate the proxy weight on non_western."""
    base = _model_logit(frame, rng)
    mig = frame["migration_background"].to_numpy()
    nw = (mig == "non_western").astype(float)
    west = (mig == "western").astype(float)

    def selection(delta: float) -> tuple[np.ndarray, float, float]:
        score = np.round(_sigmoid(base + delta * nw + 0.15 * delta * west), 4)
        threshold = float(np.round(np.quantile(score, 1.0 - SELECT_SHARE), 2))
        pred = score >= threshold
        fav_nw = 1.0 - pred[mig == "non_western"].mean()
        fav_none = 1.0 - pred[mig == "none"].mean()
        return score, threshold, fav_nw / fav_none

    lo, hi = 0.0, 3.0
    for _ in range(40):
        mid = (lo + hi) / 2
        if selection(mid)[2] > TARGET_FAVOURABLE_RATIO:
            lo = mid
        else:
            hi = mid
    delta = (lo + hi) / 2
    # Shift the intercept (ranking unchanged) so the mean score matches MEAN_SCORE: the model
    # was fitted on the training labels, so its scores are roughly calibrated on average.
    a, b = -5.0, 5.0
    for _ in range(60):
        mid = (a + b) / 2
        if _sigmoid(base + mid + delta * nw + 0.15 * delta * west).mean() < MEAN_SCORE:
            a = mid
        else:
            b = mid
    base = base + (a + b) / 2
    score, threshold, _ = selection(delta)
    out = frame.copy()
    out["risk_score"] = score
    out["predicted"] = (score >= threshold).astype(np.int64)
    return out


def generate() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(SEED)

    train = _people(rng, N_TRAIN_UNIQUE, N_X_TRAIN, TRAIN_DATES)
    test = _people(rng, N_TEST - N_LEAKED, N_X_TEST, TEST_DATES)

    # Application ids: registration numbers, increasing with date, not contiguous.
    n_ids = len(train) + len(test)
    numbers = np.sort(rng.choice(np.arange(1, 200_000), size=n_ids, replace=False))
    all_dates = np.concatenate([train["application_date"].to_numpy(), test["application_date"].to_numpy()])
    order = np.lexsort((rng.random(n_ids), all_dates))  # by date, ties in random order
    ids = np.empty(n_ids, dtype=object)
    ids[order] = [f"A{k:06d}" for k in numbers]
    train.insert(0, "application_id", ids[: len(train)].astype(str))
    test.insert(0, "application_id", ids[len(train) :].astype(str))

    # Planted data-quality problems on disjoint sets of training rows (never sex X).
    eligible = np.flatnonzero(train["sex"].to_numpy() != "X")
    chosen = rng.choice(eligible, size=N_TRAIN_DUPLICATES + N_TRAIN_SENTINEL + N_LEAKED, replace=False)
    dup_rows = chosen[:N_TRAIN_DUPLICATES]
    sentinel_rows = chosen[N_TRAIN_DUPLICATES : N_TRAIN_DUPLICATES + N_TRAIN_SENTINEL]
    leaked_rows = chosen[N_TRAIN_DUPLICATES + N_TRAIN_SENTINEL :]

    # 3. The same applications also end up in the test set (split leakage).
    test = pd.concat([test, train.iloc[leaked_rows]], ignore_index=True)
    # 2. months_on_benefit = -1: "unknown" sentinel from the source system.
    train.loc[train.index[sentinel_rows], "months_on_benefit"] = -1
    # 1. Exact duplicate rows (a double export).
    train = pd.concat([train, train.iloc[dup_rows]], ignore_index=True)

    test = _score(test, rng)

    train = train.sort_values(["application_date", "application_id"], kind="stable").reset_index(drop=True)
    test = test.sort_values(["application_date", "application_id"], kind="stable").reset_index(drop=True)

    reference = pd.DataFrame(
        [(a, c, s) for a, cats in REFERENCE.items() for c, s in cats.items()],
        columns=["attribute", "category", "share"],
    )
    return {"train": train, "test": test, "reference": reference}


def write(frames: dict[str, pd.DataFrame], out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    frames["train"].to_parquet(out / "train.parquet", index=False)
    frames["test"].to_parquet(out / "test_scored.parquet", index=False)
    frames["reference"].to_csv(
        out / "reference_population.csv", index=False, lineterminator="\n", float_format="%.3f"
    )


# --------------------------------------------------------------------------- verification


def _wilson(k: float, n: float, z: float = 1.959964) -> tuple[float, float]:
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (centre - half, centre + half)


def _auc(y: np.ndarray, s: np.ndarray) -> float:
    ranks = pd.Series(s).rank(method="average").to_numpy()
    n1 = int(y.sum())
    n0 = len(y) - n1
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def _ratio_ci(k1: int, n1: int, k0: int, n0: int, z: float = 1.959964) -> tuple[float, float, float]:
    """Ratio of two proportions p1/p0 with a log (Katz) interval."""
    p1, p0 = k1 / n1, k0 / n0
    r = p1 / p0
    se = np.sqrt((1 - p1) / k1 + (1 - p0) / k0)
    return r, r * np.exp(-z * se), r * np.exp(z * se)


def verify(out: Path = OUT) -> None:
    train = pd.read_parquet(out / "train.parquet")
    test = pd.read_parquet(out / "test_scored.parquet")
    ref = pd.read_csv(out / "reference_population.csv")
    p = print

    p(f"train: {len(train)} rows x {train.shape[1]} cols; test: {len(test)} rows x {test.shape[1]} cols")
    p(f"reference shares sum per attribute: {ref.groupby('attribute')['share'].sum().round(6).to_dict()}")

    p("\n[1] representation vs reference (share, ratio, 95% Wilson-based CI of the ratio)")
    for name, df in (("train", train), ("test", test)):
        n = len(df)
        for attr in REFERENCE:
            for cat, ref_share in REFERENCE[attr].items():
                k = int((df[attr] == cat).sum())
                lo, hi = _wilson(k, n)
                p(
                    f"  {name:5s} {attr:20s} {cat:12s} n={k:5d} share={k / n:.4f} ref={ref_share:.3f} "
                    f"ratio={k / n / ref_share:.3f} [{lo / ref_share:.3f}, {hi / ref_share:.3f}]"
                )

    p("\n[2] income_other missing rate by migration_background")
    for name, df in (("train", train), ("test", test)):
        for cat in MIGRATION:
            col = df.loc[df["migration_background"] == cat, "income_other"]
            k, n = int(col.isna().sum()), len(col)
            lo, hi = _wilson(k, n)
            p(f"  {name:5s} {cat:12s} missing {k:4d}/{n:4d} = {k / n:.3f} [{lo:.3f}, {hi:.3f}]")
        p(f"  {name:5s} overall missing {df['income_other'].isna().mean():.3f}")

    p("\n[3] test: base rate (label=1), selection rate (predicted=1) by group")
    for attr in ("migration_background", "sex", "age_band"):
        for cat in (MIGRATION if attr == "migration_background" else SEX if attr == "sex" else AGE_BANDS):
            d = test[test[attr] == cat]
            n, kb, ks = len(d), int(d["label"].sum()), int(d["predicted"].sum())
            blo, bhi = _wilson(kb, n)
            slo, shi = _wilson(ks, n)
            p(
                f"  {attr:20s} {cat:12s} n={n:4d} base={kb / n:.3f} [{blo:.3f}, {bhi:.3f}] "
                f"selected={ks / n:.3f} [{slo:.3f}, {shi:.3f}]"
            )
    p("  ratios (group vs privileged reference group; favourable = not selected / label 0):")
    for attr, priv in (("migration_background", "none"), ("sex", "M"), ("age_band", "45-66")):
        d0 = test[test[attr] == priv]
        for cat in test[attr].unique():
            if cat == priv:
                continue
            d1 = test[test[attr] == cat]
            if len(d1) < 30:
                p(f"    {attr}={cat}: n={len(d1)} < 30 -> insufficient evidence")
                continue
            n1, n0 = len(d1), len(d0)
            fav = _ratio_ci(int((d1["predicted"] == 0).sum()), n1, int((d0["predicted"] == 0).sum()), n0)
            unf = _ratio_ci(int(d0["predicted"].sum()), n0, int(d1["predicted"].sum()), n1)
            bfav = _ratio_ci(int((d1["label"] == 0).sum()), n1, int((d0["label"] == 0).sum()), n0)
            bunf = _ratio_ci(int(d0["label"].sum()), n0, int(d1["label"].sum()), n1)
            p(
                f"    {attr}={cat} vs {priv}: selection fav-ratio {fav[0]:.3f} [{fav[1]:.3f}, {fav[2]:.3f}], "
                f"selected-rate ratio ref/group {unf[0]:.3f} [{unf[1]:.3f}, {unf[2]:.3f}]; "
                f"base fav-ratio {bfav[0]:.3f} [{bfav[1]:.3f}, {bfav[2]:.3f}], "
                f"label-rate ratio ref/group {bunf[0]:.3f} [{bunf[1]:.3f}, {bunf[2]:.3f}]"
            )
    p("  min/max over groups with n >= 30 (selected = predicted 1; favourable = predicted 0):")
    for attr in ("migration_background", "sex", "age_band"):
        g = test.groupby(attr)["predicted"].agg(["size", "mean"])
        g = g[g["size"] >= 30]
        sel, fav = g["mean"], 1 - g["mean"]
        p(
            f"    {attr:20s} selection_rate min/max {sel.min() / sel.max():.3f} ({sel.idxmin()}/{sel.idxmax()}); "
            f"favourable-rate min/max {fav.min() / fav.max():.3f} ({fav.idxmin()}/{fav.idxmax()})"
        )
    p("  error rates (positive = label 1 / predicted 1):")
    for attr in ("migration_background", "sex"):
        for cat, d in test.groupby(attr):
            y, yhat = d["label"].to_numpy(), d["predicted"].to_numpy()
            tp, fp = int(((y == 1) & (yhat == 1)).sum()), int(((y == 0) & (yhat == 1)).sum())
            fn, tn = int(((y == 1) & (yhat == 0)).sum()), int(((y == 0) & (yhat == 0)).sum())
            tpr = tp / (tp + fn) if tp + fn else float("nan")
            fpr = fp / (fp + tn) if fp + tn else float("nan")
            prec = tp / (tp + fp) if tp + fp else float("nan")
            p(f"    {attr:20s} {cat:12s} TPR={tpr:.3f} (n={tp + fn}) FPR={fpr:.3f} (n={fp + tn}) precision={prec:.3f} (n={tp + fp})")
    thr = test.loc[test["predicted"] == 1, "risk_score"].min()
    p(
        f"  overall: base rate {test['label'].mean():.3f}, selected {test['predicted'].mean():.3f}, "
        f"threshold (min selected score) {thr:.4f}, max unselected {test.loc[test['predicted'] == 0, 'risk_score'].max():.4f}"
    )
    p(f"  AUC overall {_auc(test['label'].to_numpy(), test['risk_score'].to_numpy()):.3f}")
    for cat in MIGRATION:
        d = test[test["migration_background"] == cat]
        p(f"  AUC {cat:12s} {_auc(d['label'].to_numpy(), d['risk_score'].to_numpy()):.3f}")
    p(f"  train base rate overall {train['label'].mean():.3f}; by migration: "
      f"{train.groupby('migration_background')['label'].mean().round(3).to_dict()}")

    p("\n[4] small groups")
    p(f"  sex == X: train {int((train['sex'] == 'X').sum())}, test {int((test['sex'] == 'X').sum())}")

    p("\n[5] data-quality plants")
    p(f"  train exact duplicate rows (df.duplicated()): {int(train.duplicated().sum())}")
    p(f"  train duplicated application_id: {int(train['application_id'].duplicated().sum())}")
    p(f"  test exact duplicate rows: {int(test.duplicated().sum())}, duplicated ids: {int(test['application_id'].duplicated().sum())}")
    p(f"  months_on_benefit == -1: train {int((train['months_on_benefit'] == -1).sum())}, test {int((test['months_on_benefit'] == -1).sum())}")
    p(f"  months_on_benefit range train {train['months_on_benefit'].min()}..{train['months_on_benefit'].max()}, test {test['months_on_benefit'].min()}..{test['months_on_benefit'].max()}")
    overlap = sorted(set(train["application_id"]) & set(test["application_id"]))
    p(f"  application_id in both train and test: {len(overlap)} {overlap}")
    p(f"  dates train {train['application_date'].min().date()}..{train['application_date'].max().date()}, test {test['application_date'].min().date()}..{test['application_date'].max().date()}")
    p(f"  dtypes train: {dict(train.dtypes.astype(str))}")
    p(f"  dtypes test extra: risk_score {test['risk_score'].dtype}, predicted {test['predicted'].dtype}")

    p("\n[6] feature realism (train)")
    p(f"  mean months by age_band: {train[train.months_on_benefit >= 0].groupby('age_band')['months_on_benefit'].mean().round(1).to_dict()}")
    p(f"  debt rate by n_prior_reviews: {train.groupby('n_prior_reviews')['debt_registered'].mean().round(3).to_dict()}")
    p(f"  n_prior_reviews counts: {train['n_prior_reviews'].value_counts().sort_index().to_dict()}")
    p(f"  household by sex: {pd.crosstab(train.sex, train.household, normalize='index').round(3).to_dict('index')}")
    p(f"  non_western share by district: {train.groupby('district')['migration_background'].apply(lambda s: (s == 'non_western').mean()).round(3).to_dict()}")
    p(f"  income_other > 0 share (of known): {(train['income_other'].dropna() > 0).mean():.3f}; median positive {train.loc[train.income_other > 0, 'income_other'].median():.2f}")
    p(f"  label rate by debt: {train.groupby('debt_registered')['label'].mean().round(3).to_dict()}; by n_prior: {train.groupby('n_prior_reviews')['label'].mean().round(3).to_dict()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verify", action="store_true", help="print the realised figures of the written files")
    args = parser.parse_args(argv)
    if not args.verify:
        write(generate())
        print(f"wrote {OUT}/train.parquet, test_scored.parquet, reference_population.csv")
    else:
        verify()
    return 0


if __name__ == "__main__":
    sys.exit(main())
