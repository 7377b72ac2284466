"""Indirect and direct distinction: proxies for protected attributes among the model's inputs.

``bias.proxy_features`` (Algoritmekader dat-02, ver-03; indirect distinction): on the training
data (else the first dataset), for each protected attribute and each feature
(``columns.features``, default every column without a role that is not protected):

1. **Association from counts.** The profile counts every feature's values per group
   (:mod:`auditor.engines.associations`; numeric features in sketch buckets, joined here into
   deciles; missing values are a value of their own, since missingness can itself reveal a
   group). From that table: Pearson's chi-square (equal to ``scipy.stats.chi2_contingency`` with
   ``correction=False`` on the same table) and the bias-corrected **Cramér's V** with its
   non-central chi-square interval (:mod:`auditor.stats.effect_size`). A feature whose V lies
   above ``max_proxy_association`` is a proxy: ``fail`` when the interval does (Holm across the
   features), ``warn`` when only the estimate does. Rows with a missing protected value are left
   out.
2. **Prediction on a sample.** On the profile's bounded, seeded, stratified row sample
   (:mod:`auditor.engines.sample`; its size and seed are in the message), a scikit-learn model
   predicts the attribute from each notable feature (Cramér's V at least half the threshold, at
   most :data:`MAX_MODEL_FEATURES`, plus at most as many features too varied for counts, e.g. postcodes; one-hot
   logistic regression on the feature's deciles or categories, class-balanced), and the same
   model on all features together (at most :data:`MAX_JOINT_FEATURES`, the most associated first;
   additive in the features' categories: it shows what the
   features reveal jointly, not through interactions); both cross-validated (:data:`FOLDS`-fold stratified, seeded). The out-of-fold
   **balanced accuracy** is reported with a normal interval (per-class recalls are
   proportions) next to chance (1 / number of classes). Classes with fewer rows than folds in
   the sample are left out. The model results corroborate and name; the verdict rests on the
   association from the full data. Every feature is screened by its association; the message
   records how many (``n_screened``) and how many went into the per-feature and joint models.

``bias.direct_distinction`` (Algoritmekader dat-02; direct distinction): the model's input
features are compared with the protected attributes and with a list of column names that denote
a protected ground or a well-known proxy (nationality, country of birth, ethnicity, religion,
language, names, sex, age, date of birth, postcode …, in English and Dutch; :data:`SENSITIVE_NAMES`).
A protected attribute among the features fails; a feature whose name matches the list warns
(it needs a documented justification or removal); otherwise pass. Names are matched as whole
words of the column name (``persoon_geslacht_vrouw`` matches ``geslacht``, ``page_count`` does
not match ``age``).

For datasets with a score, the same check asks whether the score depends on a protected
attribute beyond what the features explain: on the row sample, a ridge regression on the
features' deciles or categories (one-hot; additive, so non-linear in each feature but without
interactions) predicts the score from the features (not the protected attributes;
:data:`FOLDS`-fold cross-validated, seeded), and the out-of-fold residuals are averaged per group of
each protected attribute. A group whose mean residual differs from the reference group's by more
than ``max_score_residual_effect`` standard deviations of the score (normal interval of the
difference of two means; Holm across groups) is scored differently at equal feature values:
evidence that the model uses the attribute itself or a proxy that is not among the audited
features (Algoritmekader dat-02). It is evidence, not proof: a non-additive score (interactions) the regression cannot learn leaves
residuals too, so the finding asks for the model's inputs to be checked. With more than
:data:`MAX_RESIDUAL_FEATURES` features, the regression takes those that explain most of the score
on the sample (``screening: anova``, ``n_model_features`` in the message).
Group means are unweighted over the (stratified) sample.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

from auditor.checks.base import Check, CheckContext, about_column, finding_id, one_sided_p, verdicts
from auditor.checks.disparity import reference_index
from auditor.engines.associations import VALUE, quantile_bins
from auditor.engines.profile import COUNT, Profile
from auditor.engines.sample import RowSample
from auditor.evidence.model import Finding, Message, Metric, Status, worst
from auditor.stats.effect_size import chi_square_effects, pearson_chi_square
from auditor.stats.intervals import z_value

PROXY_FEATURES = "bias.proxy_features"
DIRECT_DISTINCTION = "bias.direct_distinction"

FOLDS = 3
MODEL_ROWS = 8_000
"""The models fit on at most this many rows of the sample (seeded), so their cost stays fixed
whatever the data's size: with 8,000 rows a balanced accuracy's interval is about ±0.02."""
MAX_MODEL_FEATURES = 10
"""Per-feature models: the most associated features with Cramér's V at least half the threshold, and
the features too varied for counts (in data order), each at most this many."""
MAX_JOINT_FEATURES = 50
"""The joint model takes the notable features and then the most strongly associated others, up to
this many in all, so a table of thousands of columns costs no more than one of fifty."""
MAX_RESIDUAL_FEATURES = 50
"""The score model of ``bias.direct_distinction`` takes at most this many features: with more, those
that explain most of the score on the sample (one-way ANOVA of the score over the feature's deciles
or categories, smallest p-value first) — the message records how many were screened and kept."""
N_BINS = 10
MODEL_SEED = 0

SENSITIVE_NAMES: dict[str, str] = {
    **dict.fromkeys(("nationality", "nationaliteit", "citizenship", "staatsburgerschap"), "nationality"),
    **dict.fromkeys(("country_of_birth", "birth_country", "geboorteland", "land_van_geboorte", "country_of_origin",
                     "land_van_herkomst", "herkomst", "origin", "birthplace", "place_of_birth", "geboorteplaats"),
                    "country_of_birth"),
    **dict.fromkeys(("ethnicity", "ethnic", "etniciteit", "race", "migration_background", "migratieachtergrond",
                     "allochtoon", "nativity"), "ethnic_origin"),
    **dict.fromkeys(("religion", "religie", "geloof", "kerkgenootschap"), "religion"),
    **dict.fromkeys(("language", "taal", "spreektaal", "moedertaal", "mother_tongue", "native_language"), "language"),
    **dict.fromkeys(("name", "naam", "first_name", "firstname", "voornaam", "last_name", "lastname", "surname",
                     "achternaam", "family_name"), "name"),
    **dict.fromkeys(("sex", "gender", "geslacht", "vrouw", "man", "female", "male"), "sex"),
    **dict.fromkeys(("age", "leeftijd", "date_of_birth", "dob", "birth_date", "birthdate", "geboortedatum",
                     "geboortejaar", "year_of_birth"), "age"),
    **dict.fromkeys(("disability", "handicap", "beperking"), "disability"),
    **dict.fromkeys(("sexual_orientation", "seksuele_geaardheid"), "sexual_orientation"),
    **dict.fromkeys(("marital_status", "burgerlijke_staat"), "marital_status"),
    **dict.fromkeys(("postcode", "postal_code", "zipcode", "zip_code", "zip"), "postcode"),
}
"""Column-name words that denote a protected ground or a known proxy (dat-02), and the ground."""


def _tokens(name: str) -> str:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(name))
    spaced = re.sub(r"([A-Za-z])([0-9])|([0-9])([A-Za-z])", r"\1\3_\2\4", spaced)
    return "_" + "_".join(t for t in re.split(r"[^0-9a-zA-Z]+", spaced.lower()) if t) + "_"


def sensitive_ground(name: str) -> str | None:
    """The protected ground a column name denotes (``None`` when it matches no listed word)."""
    text = _tokens(name)
    for word in sorted(SENSITIVE_NAMES, key=len, reverse=True):
        if f"_{word}_" in text:
            return SENSITIVE_NAMES[word]
    return None


def feature_columns(ctx: CheckContext, profile: Profile) -> list[str]:
    """The model's input features in a dataset: ``columns.features``, else every column without a role."""
    if ctx.columns.features is not None:
        return [c for c in ctx.columns.features if c in profile.columns]
    roles = set(profile.roles.values()) | {ctx.columns.selection}
    return [c for c in profile.columns if c not in roles and c not in ctx.columns.protected]


def _base_profile(ctx: CheckContext) -> Profile | None:
    candidates = [p for p in ctx.datasets() if p.features is not None and p.groups is not None and p.groups.attributes]
    preferred = [p for p in candidates if p.dataset == "training"]
    return (preferred or candidates)[0] if candidates else None


def _association(profile: Profile, feature: str, attribute: str) -> tuple[float, int, int, int] | None:
    """Pearson's X², its df, ``min(r, c) - 1`` and n of the feature × group table (``None`` when undefined)."""
    features = profile.features
    table = features.table(feature, attribute) if features is not None else None
    if features is None or table is None:
        return None
    table = table[table[attribute].notna()]
    if table.empty:
        return None
    if features.kinds.get(feature) == "numeric":
        rows, _ = pd.factorize(quantile_bins(table, N_BINS))
    else:  # text form, missing a value of its own (the counts may mix 1 and "1" after a merge)
        values = table[VALUE].to_numpy(dtype=object)
        rows, _ = pd.factorize(np.where(pd.notna(values), values, "\x00missing").astype(str))
    cols, _ = pd.factorize(table[attribute].to_numpy(dtype=object))
    width = int(cols.max()) + 1
    crosstab = np.bincount(rows * width + cols, weights=table[COUNT].to_numpy(dtype=float),
                           minlength=(int(rows.max()) + 1) * width).reshape(-1, width)
    statistic, df, k1 = pearson_chi_square(crosstab)
    n = int(crosstab.sum())
    if df <= 0:
        return None
    return statistic, df, k1, n


def decile_codes(values: np.ndarray, n_bins: int = N_BINS) -> np.ndarray:
    """``pandas.qcut(values, n_bins, labels=False, duplicates="drop")`` as floats (NaN for missing), in numpy.

    The same edges (linear-interpolated quantiles, repeated edges dropped) and intervals
    (right-closed, the lowest edge included), without qcut's per-call overhead, which dominated
    the proxy checks on tables of thousands of columns."""
    present = ~np.isnan(values)
    out = np.full(len(values), np.nan)
    if not present.any():
        return out
    edges = np.unique(np.quantile(values[present], np.linspace(0.0, 1.0, n_bins + 1)))
    out[present] = np.clip(np.searchsorted(edges, values[present], side="left") - 1, 0, max(len(edges) - 2, 0))
    return out


def _design(rows: pd.DataFrame, feature: str) -> pd.Series:
    """A feature of the sample as categories: deciles for numbers, labels otherwise; missing its own.

    The categories are text, handed to the models as their rank in sorted order (integer codes:
    the same one-hot columns in the same order as the text would give, without scikit-learn's
    per-value Python loop over object arrays)."""
    series = rows[feature]
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        series = series.astype("int64").where(series.notna())
    text = None
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = pd.to_numeric(series, errors="coerce").replace([np.inf, -np.inf], np.nan)
        if values.nunique(dropna=True) > N_BINS:
            binned = decile_codes(values.to_numpy(dtype=float, na_value=np.nan), N_BINS)
            if N_BINS <= 10:  # "missing" < "q0" < ... < "q9": the text order is the bin order
                codes, _ = pd.factorize(np.where(np.isnan(binned), -1.0, binned), sort=True)
                return pd.Series(codes, index=series.index, name=feature)
            text = pd.Series(["missing" if np.isnan(v) else f"q{int(v)}" for v in binned], index=series.index)
    if text is None:
        text = series.astype(object).where(series.notna(), "missing").astype(str)
    codes, _ = pd.factorize(text, sort=True)
    return pd.Series(codes, index=text.index, name=feature)


class CodesOneHot:
    """One-hot encoding of integer category codes, as ``OneHotEncoder(handle_unknown="ignore", min_frequency=5)``.

    The design matrices here hold non-negative integer codes (:func:`_design`). scikit-learn's
    encoder finds and maps categories with per-column Python work on every fit and transform
    (about 13 ms per call on 8,000 rows, 36 calls per audit); this does the same with
    ``bincount`` and one sparse matrix: per column the categories seen in ``fit`` in ascending
    order, those seen fewer than ``min_frequency`` times pooled into one last "infrequent"
    column, a category not seen in ``fit`` all zeros. The output equals scikit-learn's
    (``tests/checks/test_proxies.py`` compares them), so the models are the same.
    """

    def __init__(self, min_frequency: int = 5) -> None:
        self.min_frequency = min_frequency

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """scikit-learn's estimator protocol (``clone`` in cross-validation)."""
        return {"min_frequency": self.min_frequency}

    def set_params(self, **params: Any) -> CodesOneHot:
        """scikit-learn's estimator protocol."""
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def fit(self, x: np.ndarray, y: Any = None) -> CodesOneHot:
        """Learn each column's categories (codes ``>= 0``) and which are infrequent."""
        codes = np.asarray(x, dtype=np.int64)
        self.maps_: list[np.ndarray] = []
        self.widths_: list[int] = []
        for column in codes.T:
            counts = np.bincount(column)
            seen = np.flatnonzero(counts)
            frequent = seen[counts[seen] >= self.min_frequency]
            mapping = np.full(len(counts), -1, dtype=np.int64)
            mapping[frequent] = np.arange(len(frequent))
            width = len(frequent)
            if len(frequent) < len(seen):  # one pooled column for the infrequent categories
                mapping[np.setdiff1d(seen, frequent)] = width
                width += 1
            self.maps_.append(mapping)
            self.widths_.append(width)
        return self

    def transform(self, x: np.ndarray) -> Any:
        """The sparse one-hot matrix (CSR, float64)."""
        from scipy import sparse

        codes = np.asarray(x, dtype=np.int64)
        n = codes.shape[0]
        offsets = np.concatenate([[0], np.cumsum(self.widths_)])
        rows, cols = [], []
        for j, (column, mapping) in enumerate(zip(codes.T, self.maps_, strict=True)):
            inside = (column >= 0) & (column < len(mapping))
            target = np.full(n, -1, dtype=np.int64)
            target[inside] = mapping[column[inside]]
            hit = target >= 0
            rows.append(np.flatnonzero(hit))
            cols.append(target[hit] + offsets[j])
        r, c = np.concatenate(rows), np.concatenate(cols)
        return sparse.csr_matrix((np.ones(len(r)), (r, c)), shape=(n, int(offsets[-1])))

    def fit_transform(self, x: np.ndarray, y: Any = None) -> Any:
        """``fit`` then ``transform``."""
        return self.fit(x).transform(x)


def _balanced_accuracy(y: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float, int]:
    classes = np.unique(y)
    recalls, variances = [], []
    for c in classes:
        mask = y == c
        r = float((predicted[mask] == c).mean())
        recalls.append(r)
        variances.append(r * (1 - r) / mask.sum())
    value = float(np.mean(recalls))
    se = math.sqrt(sum(variances)) / len(classes)
    z = z_value()
    return value, max(value - z * se, 0.0), min(value + z * se, 1.0), len(classes)


def _models(sample: RowSample, attribute: str, features: list[str], joint_only: list[str]) -> tuple[dict[str, tuple[float, float, float]], tuple[float, float, float] | None, int, int]:
    """Cross-validated balanced accuracy per feature and for all features together (one thread)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # small models: threads only add contention
        return _fit_models(sample, attribute, features, joint_only)


def _fit_models(sample: RowSample, attribute: str, features: list[str], joint_only: list[str]) -> tuple[dict[str, tuple[float, float, float]], tuple[float, float, float] | None, int, int]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline

    rows = sample.rows[sample.rows[attribute].notna()]
    if len(rows) > MODEL_ROWS:
        rows = rows.sample(n=MODEL_ROWS, random_state=MODEL_SEED)
    y = rows[attribute].astype(str).to_numpy()
    classes, counts = np.unique(y, return_counts=True)
    keep = np.isin(y, classes[counts >= FOLDS])
    rows, y = rows[keep], y[keep]
    n_classes = int((counts >= FOLDS).sum())
    if n_classes < 2:
        return {}, None, n_classes, len(y)
    cv = StratifiedKFold(FOLDS, shuffle=True, random_state=MODEL_SEED)
    designs = {f: _design(rows, f) for f in [*features, *joint_only] if f in rows.columns}
    per_feature = {}
    for feature, x in ((f, designs[f]) for f in features if f in designs):
        model = make_pipeline(CodesOneHot(), LogisticRegression(class_weight="balanced", max_iter=1000))
        predicted = cross_val_predict(model, x.to_numpy().reshape(-1, 1), y, cv=cv)
        per_feature[feature] = _balanced_accuracy(y, predicted)[:3]
    joint = None
    if designs:
        model = make_pipeline(CodesOneHot(), LogisticRegression(class_weight="balanced", max_iter=1000))
        predicted = cross_val_predict(model, np.column_stack(list(designs.values())), y, cv=cv)
        joint = _balanced_accuracy(y, predicted)[:3]
    return per_feature, joint, n_classes, len(y)


def proxy_features(ctx: CheckContext) -> list[Finding]:
    """Association of every feature with every protected attribute, and how well the features predict it."""
    profile = _base_profile(ctx)
    if profile is None:
        return [Finding(id=finding_id(PROXY_FEATURES), check=PROXY_FEATURES, status=Status.NOT_APPLICABLE, dataset=None,
                        requirements=ctx.requirements, message=Message(f"{PROXY_FEATURES}.not_applicable", {}))]
    limit = ctx.threshold("max_proxy_association")
    min_n = ctx.threshold("min_group_size")
    features = [f for f in feature_columns(ctx, profile) if profile.features and f in profile.features.kinds]
    findings = []
    for attribute in profile.groups.attributes if profile.groups is not None else ():
        tables: list[tuple[str, tuple[float, int, int, int]]] = []
        unmeasured = []
        for feature in features:
            with about_column(feature):
                found = _association(profile, feature, attribute)
            if found is None:
                unmeasured.append(feature)
            else:
                tables.append((feature, found))
        effects_all = chi_square_effects([t[1][0] for t in tables], [t[1][1] for t in tables], [t[1][3] for t in tables],
                                         [max(t[1][2], 1) for t in tables], threshold=limit) if tables else []
        measured: list[tuple[str, Any, float, int, int]] = [
            (feature, effect, statistic, df, n) for (feature, (statistic, df, _k1, n)), effect in zip(tables, effects_all, strict=True)
        ]
        measured.sort(key=lambda m: -(m[1].value if math.isfinite(m[1].value) else -1))
        effects = [m[1] for m in measured]
        beyond = np.array([e.value > limit for e in effects], dtype=bool)
        enough = np.array([m[4] >= min_n for m in measured], dtype=bool)
        statuses, adjusted = verdicts(beyond, np.array([e.p_beyond for e in effects]), enough)
        notable = ([m[0] for m in measured if m[1].value >= limit / 2][:MAX_MODEL_FEATURES]
                   + unmeasured[:MAX_MODEL_FEATURES])
        others = [m[0] for m in measured if m[0] not in notable][:max(MAX_JOINT_FEATURES - len(notable), 0)]
        models: dict[str, tuple[float, float, float]] = {}
        joint: tuple[float, float, float] | None = None
        n_classes = n_sample = 0
        if profile.sample is not None and measured + unmeasured:
            models, joint, n_classes, n_sample = _models(profile.sample, attribute, notable, others)
        metrics = []
        for (feature, effect, _statistic, _df, n), status, p_adj in zip(measured, statuses, adjusted, strict=True):
            metrics.append(Metric("cramers_v", effect.value, group=None, column=feature, ci=(effect.low, effect.high), n=n,
                                  threshold=limit, p_value=effect.p_beyond, p_adjusted=p_adj, status=status))
        for feature, (value, low, high) in models.items():
            metrics.append(Metric("balanced_accuracy", value, column=feature, ci=(low, high), n=n_sample))
        if joint is not None:
            metrics.append(Metric("balanced_accuracy", joint[0], ci=(joint[1], joint[2]), n=n_sample))
        flagged = [
            {"feature": m[0], "cramers_v": m[1].value, "low": m[1].low, "high": m[1].high, "status": s.value,
             "balanced_accuracy": models.get(m[0], (None,))[0]}
            for m, s in zip(measured, statuses, strict=True) if s in (Status.FAIL, Status.WARN)
        ]
        status = max(statuses, key=lambda s: (s == Status.FAIL, s == Status.WARN)) if statuses else Status.PASS
        status = status if status in (Status.FAIL, Status.WARN) else Status.PASS
        findings.append(Finding(
            id=finding_id(PROXY_FEATURES, profile.dataset, attribute),
            check=PROXY_FEATURES, status=status, dataset=profile.dataset, requirements=ctx.requirements,
            metrics=tuple(metrics), thresholds=("max_proxy_association", "min_group_size"),
            message=Message(f"{PROXY_FEATURES}.{status.value}", {
                "dataset": profile.dataset, "attribute": attribute, "threshold": limit, "flagged": flagged,
                "strongest": [{"feature": m[0], "cramers_v": m[1].value} for m in measured[:3]],
                "unmeasured": unmeasured, "n_features": len(features),
                "n_screened": len(measured), "n_model_features": len(models),
                "n_joint_features": len(notable) + len(others) if joint else 0,
                "joint_balanced_accuracy": joint[0] if joint else None,
                "chance": 1.0 / n_classes if n_classes else None,
                "sample_rows": n_sample, "sample_seed": profile.sample.seed if profile.sample else None,
                "folds": FOLDS,
            }),
        ))
    return findings


def direct_distinction(ctx: CheckContext) -> list[Finding]:
    """Protected attributes among the features by name, and the score's dependence on them beyond the features."""
    profiles = ctx.datasets()
    features = list(dict.fromkeys(f for p in profiles for f in feature_columns(ctx, p)))
    protected = [f for f in features if f in ctx.columns.protected]
    named = [{"feature": f, "ground": sensitive_ground(f)} for f in features if f not in protected and sensitive_ground(f)]
    status = Status.FAIL if protected else Status.WARN if named else Status.PASS
    findings = [Finding(
        id=finding_id(DIRECT_DISTINCTION), check=DIRECT_DISTINCTION, status=status, dataset=None,
        requirements=ctx.requirements,
        message=Message(f"{DIRECT_DISTINCTION}.{status.value}", {
            "protected": protected, "named": named, "n_features": len(features),
            "features_declared": ctx.columns.features is not None,
        }),
    )]
    for profile in profiles:
        findings.extend(_score_dependence(ctx, profile))
    return findings


def _score_dependence(ctx: CheckContext, profile: Profile) -> list[Finding]:
    """Per protected attribute: mean score residual (score minus what the features predict) by group."""
    sample, score = profile.sample, profile.roles.get("score")
    groups = profile.groups
    if sample is None or score is None or groups is None or score not in sample.rows.columns:
        return []
    usable = [f for f in feature_columns(ctx, profile) if f in sample.rows.columns and f not in ctx.columns.protected]
    scores = pd.to_numeric(sample.rows[score], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    rows = sample.rows[np.isfinite(scores)]  # a missing or infinite score says nothing about dependence
    if not usable or len(rows) < 2 * FOLDS:
        return []
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        residual, modelled = _residuals(rows, score, usable)
    spread = float(pd.to_numeric(rows[score]).std())
    limit = ctx.threshold("max_score_residual_effect")
    min_n = ctx.threshold("min_group_size")
    z = z_value()
    findings = []
    for attribute in groups.attributes:
        frame = pd.DataFrame({"g": rows[attribute].to_numpy(dtype=object), "r": residual}).dropna(subset=["g"])
        stats = frame.groupby("g", sort=False)["r"].agg(["mean", "var", "size"]).sort_values("size", ascending=False, kind="stable")
        keys = [str(k) for k in stats.index]
        ref = reference_index(pd.DataFrame({attribute: keys, "n": stats["size"].to_numpy()}), (attribute,), ctx)
        if ref is None or len(keys) < 2:
            continue
        mean, var, n = stats["mean"].to_numpy(), stats["var"].fillna(0).to_numpy(), stats["size"].to_numpy(dtype=float)
        se_group = np.sqrt(var / n)
        diff = mean - mean[ref]
        se = np.sqrt(se_group**2 + se_group[ref] ** 2)
        bound = limit * spread
        with np.errstate(divide="ignore", invalid="ignore"):
            p = one_sided_p((np.abs(diff) - bound) / se)
        is_ref = np.arange(len(keys)) == ref
        statuses, adjusted = verdicts((np.abs(diff) > bound) & ~is_ref, np.where(is_ref, np.nan, p),
                                      ((n >= min_n) & (n[ref] >= min_n)) | is_ref)
        reference = {attribute: keys[ref]}
        metrics, flagged = [], []
        for i, key in enumerate(keys):
            group = {attribute: key}
            metrics.append(Metric("mean_score_residual", mean[i], group=group, column=score,
                                  ci=(mean[i] - z * se_group[i], mean[i] + z * se_group[i]), n=int(n[i])))
            if is_ref[i]:
                continue
            metrics.append(Metric("score_residual_difference", diff[i], group=group, reference=reference, column=score,
                                  ci=(diff[i] - z * se[i], diff[i] + z * se[i]), n=int(n[i]),
                                  threshold=bound if diff[i] >= 0 else -bound, p_value=p[i], p_adjusted=adjusted[i],
                                  status=statuses[i]))
            if statuses[i] != Status.PASS:
                entry = {"group": group, "status": statuses[i].value, "difference": float(diff[i]),
                         "effect": float(diff[i] / spread) if spread > 0 else None}
                if statuses[i] == Status.INSUFFICIENT_EVIDENCE:
                    entry.update(n=int(n[i]), needed=int(min_n))
                flagged.append(entry)
        judged = [s for i, s in enumerate(statuses) if not is_ref[i]]
        status = worst(judged) if judged else Status.INSUFFICIENT_EVIDENCE
        findings.append(Finding(
            id=finding_id(DIRECT_DISTINCTION, profile.dataset, attribute), check=DIRECT_DISTINCTION, status=status,
            dataset=profile.dataset, requirements=ctx.requirements, metrics=tuple(metrics),
            thresholds=("max_score_residual_effect", "min_group_size"),
            message=Message(f"{DIRECT_DISTINCTION}.score_{status.value}", {
                "dataset": profile.dataset, "attribute": attribute, "score": score, "reference": reference,
                "threshold": limit, "score_sd": spread, "flagged": flagged, "n_features": len(usable),
                "n_model_features": modelled, "screening": "anova" if modelled < len(usable) else None,
                "sample_rows": len(rows), "sample_seed": sample.seed, "folds": FOLDS, "min_group_size": int(min_n),
            }),
        ))
    return findings


def _screen(design: pd.DataFrame, y: np.ndarray, keep: int) -> list[str]:
    """The ``keep`` features whose categories explain most of ``y`` (one-way ANOVA p-value, smallest first).

    One ``bincount`` per feature on the sample's category codes, the p-values in one call."""
    from scipy.stats import f as f_dist

    n, total = len(y), float(((y - y.mean()) ** 2).sum())
    between, k = np.zeros(design.shape[1]), np.zeros(design.shape[1])
    for j, codes in enumerate(design.to_numpy(dtype=np.int64).T):
        counts, sums = np.bincount(codes), np.bincount(codes, weights=y)
        used = counts > 0
        between[j] = float((sums[used] ** 2 / counts[used]).sum()) - n * float(y.mean()) ** 2
        k[j] = used.sum()
    within = np.maximum(total - between, 1e-300)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = (between / np.maximum(k - 1, 1)) / (within / np.maximum(n - k, 1))
    log_p = np.where((k > 1) & (n > k), f_dist.logsf(stat, np.maximum(k - 1, 1), np.maximum(n - k, 1)), 0.0)
    order = np.argsort(np.nan_to_num(log_p, nan=0.0), kind="stable")[:keep]
    return [design.columns[i] for i in sorted(order)]


def _residuals(rows: pd.DataFrame, score: str, features: list[str]) -> tuple[np.ndarray, int]:
    """Out-of-fold residuals of the score given the features (ridge regression on the features' deciles
    or categories, one-hot; cross-validated), and how many features the model took
    (at most :data:`MAX_RESIDUAL_FEATURES`, screened by :func:`_screen`)."""
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import KFold, cross_val_predict
    from sklearn.pipeline import make_pipeline

    design = pd.DataFrame({f: _design(rows, f) for f in features})
    y = pd.to_numeric(rows[score]).to_numpy(dtype=float)
    if design.shape[1] > MAX_RESIDUAL_FEATURES:
        design = design[_screen(design, y, MAX_RESIDUAL_FEATURES)]
    model = make_pipeline(CodesOneHot(), Ridge(alpha=1.0))
    predicted = cross_val_predict(model, design.to_numpy(), y, cv=KFold(FOLDS, shuffle=True, random_state=MODEL_SEED))
    return y - predicted, design.shape[1]


CHECKS = (
    Check(PROXY_FEATURES, "bias", proxy_features, ("max_proxy_association", "min_group_size"), ("cramers_v", "balanced_accuracy")),
    Check(DIRECT_DISTINCTION, "bias", direct_distinction, ("max_score_residual_effect", "min_group_size"),
          ("mean_score_residual", "score_residual_difference")),
)
