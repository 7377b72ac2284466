"""Split hygiene (Algoritmekader dat-07; testing data give an *independent* evaluation, Art. 3(32)).

``quality.split_overlap``
    Rows and ids that occur in two of the training, validation and test data, counted exactly
    from the row and id digests of the profiles (hashes, never values). A test row that is also
    a training row is not an independent evaluation: the model has seen it. Any shared id, or
    any shared row when the rows include the id, fails; shared rows without an id warn (different
    people can have identical values).
``quality.target_leakage``
    Per labelled dataset and feature, how well the feature alone determines the label, from the
    profile's feature × label counts: for a numeric feature and a two-valued label, the AUC of
    the feature as a score (``max(AUC, 1 - AUC)``, DeLong interval, sketch buckets as ties); for
    other features, Cramér's V with the bias correction and non-central chi-square interval of
    :mod:`auditor.stats.effect_size` (missing values are a category: a field filled in only
    after the outcome leaks through its missingness). A feature above ``max_single_feature_auc``
    / ``max_feature_label_association`` (with the usual verdict rule) is named: it may be
    recorded after, or because of, the outcome.
``quality.class_balance``
    Per labelled dataset, the share of each label with its Wilson interval; the smallest class
    share against ``min_class_share``; and, for validation and test data, the difference of the
    positive-label share with the training data (Newcombe interval) against
    ``max_class_share_difference`` — a split that is not stratified evaluates on another mix.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pandas as pd

from auditor.checks.base import Check, CheckContext, finding_id, one_sided_p, verdicts
from auditor.checks.rates import rate_verdicts
from auditor.engines.associations import VALUE
from auditor.engines.profile import COUNT, LABEL, Profile, canonical_label
from auditor.evidence.model import Finding, Message, Metric, Status, worst
from auditor.stats.auc import bucket_auc
from auditor.stats.comparisons import newcombe_difference
from auditor.stats.effect_size import chi_square_effects, pearson_chi_square

SPLIT_OVERLAP = "quality.split_overlap"
TARGET_LEAKAGE = "quality.target_leakage"
CLASS_BALANCE = "quality.class_balance"
LABELLED = ("training", "validation", "test")
_Z = NormalDist().inv_cdf(0.975)


def _labelled(ctx: CheckContext) -> list[Profile]:
    return [ctx.profiles[n] for n in LABELLED if n in ctx.profiles]


def _shared(later: object, earlier: object) -> tuple[int, int, list[dict[str, int]]]:
    """(rows of the later set whose hash is in the earlier set, distinct hashes shared, examples)."""
    return later.shared_with(earlier)  # type: ignore[attr-defined]


def split_overlap(ctx: CheckContext) -> list[Finding]:
    """Rows and ids shared by two of training, validation and test data."""
    sets = [p for p in _labelled(ctx) if p.digests is not None]
    if len(sets) < 2:
        return [Finding(id=finding_id(SPLIT_OVERLAP), check=SPLIT_OVERLAP, status=Status.NOT_APPLICABLE, dataset=None,
                        requirements=ctx.requirements, message=Message(f"{SPLIT_OVERLAP}.one_dataset", {}))]
    findings = []
    for i, earlier in enumerate(sets):
        for later in sets[i + 1:]:
            a, b = earlier.digests, later.digests
            comparable = a.rows.columns == b.rows.columns
            rows = _shared(b.rows, a.rows) if comparable else (0, 0, [])
            ids = _shared(b.ids, a.ids) if a.ids is not None and b.ids is not None else None
            with_id = ctx.columns.id is not None and ctx.columns.id in b.rows.columns
            if (ids is not None and ids[0]) or (rows[0] and with_id):
                status = Status.FAIL
            elif rows[0]:
                status = Status.WARN
            else:
                status = Status.PASS
            metrics = [Metric("shared_row_rate", rows[0] / later.n_rows if comparable else None, n=later.n_rows,
                              reference={"dataset": earlier.dataset})]
            if ids is not None:
                metrics.append(Metric("shared_id_rate", ids[0] / max(b.ids.n_rows, 1), column=b.ids.columns[0],
                                      n=b.ids.n_rows, reference={"dataset": earlier.dataset}))
            findings.append(Finding(
                id=finding_id(SPLIT_OVERLAP, f"{earlier.dataset}-{later.dataset}"), check=SPLIT_OVERLAP, status=status,
                dataset=later.dataset, requirements=ctx.requirements, metrics=tuple(metrics),
                message=Message(f"{SPLIT_OVERLAP}.{status.value}", {
                    "dataset": later.dataset, "earlier": earlier.dataset, "comparable": comparable, "with_id": with_id,
                    "n_rows": later.n_rows, "n_shared_rows": rows[0], "n_shared_distinct": rows[1], "row_examples": rows[2],
                    "id_column": None if ids is None else b.ids.columns[0],
                    "n_shared_id_rows": None if ids is None else ids[0], "n_shared_ids": None if ids is None else ids[1],
                    "id_examples": [] if ids is None else ids[2],
                }),
            ))
    return findings


def _positive(labels: list[str], ctx: CheckContext) -> str | None:
    """The positive label of a two-valued label (``columns.positive``, else the larger value)."""
    if len(labels) != 2:
        return None
    wanted = canonical_label(ctx.columns.positive)
    return wanted if wanted in labels else sorted(labels)[1]


def _label_matrix(table: pd.DataFrame, kind: str) -> tuple[np.ndarray, list[str], np.ndarray] | None:
    """(counts value × label, the labels, the value of each row) of one feature × label table.

    Plain numpy over the table's columns (a ``bincount`` of value code × label code) instead of
    a pivot per feature: a wide table has thousands of features. Labelled rows only; numeric
    features keep their present values in ascending sketch-key order, categorical features
    count a missing value as a category of its own (sorted like the other values).
    """
    label = table[LABEL].to_numpy(dtype=object)
    value = table[VALUE].to_numpy(dtype=object)
    count = table[COUNT].to_numpy(dtype=np.int64)
    keep = pd.notna(label)
    if kind == "numeric":
        keep &= pd.notna(value)
    if not keep.any():
        return None
    label, value, count = label[keep], value[keep], count[keep]
    label_codes, labels = pd.factorize(label, sort=True)
    if kind == "numeric":
        value_codes, values = np.unique(value.astype(np.int64), return_inverse=True)
        value_codes, values = values.reshape(-1), value_codes
    else:
        value = np.where(pd.notna(value), value, "\x00missing")
        try:
            value_codes, values = pd.factorize(value, sort=True)
        except TypeError:  # values of mixed types (a merge of differently typed chunks): order does not matter
            value_codes, values = pd.factorize(value)
    n_labels = len(labels)
    matrix = np.bincount(value_codes * n_labels + label_codes, weights=count,
                         minlength=len(values) * n_labels).reshape(len(values), n_labels)
    return matrix.astype(np.int64), [str(v) for v in labels], np.asarray(values)


def _feature_measures(tables: object, positive: str | None, threshold_auc: float, threshold_v: float
                      ) -> dict[str, tuple[str, float, float, float, float, int, int]]:
    """Per assessable feature: (metric, value, low, high, p_beyond, n, smallest class count).

    For a numeric feature and a two-valued label, the AUC of the feature as a score; otherwise
    Cramér's V, its intervals computed for all features in one vectorised call.
    """
    out: dict[str, tuple[str, float, float, float, float, int, int]] = {}
    chi: list[tuple[str, float, int, int, int, int]] = []
    for feature, kind in tables.kinds.items():  # type: ignore[attr-defined]
        table = tables.table(feature, LABEL)  # type: ignore[attr-defined]
        as_score = kind == "numeric" and positive is not None
        found = None if table is None else _label_matrix(table, "numeric" if as_score else "categorical")
        if found is None:
            continue
        matrix, labels, _values = found
        if as_score:
            if positive not in labels or len(labels) != 2:
                continue
            i = labels.index(positive)
            est = bucket_auc(matrix[:, i], matrix[:, 1 - i])
            if not math.isfinite(est.value):
                continue
            flip = est.value < 0.5
            value = 1.0 - est.value if flip else est.value
            low, high = (1.0 - est.high, 1.0 - est.low) if flip else (est.low, est.high)
            p = float(one_sided_p(np.array([(value - threshold_auc) / est.se]))[0]) if est.se > 0 else float(value <= threshold_auc)
            out[feature] = ("single_feature_auc", value, low, high, p, est.n_positive + est.n_negative,
                            min(est.n_positive, est.n_negative))
            continue
        statistic, df, k_minus_1 = pearson_chi_square(matrix)
        if df == 0:
            continue
        chi.append((feature, statistic, df, k_minus_1, int(matrix.sum()), int(matrix.sum(axis=0).min())))
    if chi:
        effects = chi_square_effects([c[1] for c in chi], [c[2] for c in chi], [c[4] for c in chi], [c[3] for c in chi],
                                     threshold=threshold_v)
        for (feature, _x, _df, _k, n, smallest), effect in zip(chi, effects, strict=True):
            out[feature] = ("cramers_v", effect.value, effect.low, effect.high, effect.p_beyond, n, smallest)
    return out


def target_leakage(ctx: CheckContext) -> list[Finding]:
    """Features that alone nearly determine the label, per labelled dataset."""
    limit_auc = ctx.threshold("max_single_feature_auc")
    limit_v = ctx.threshold("max_feature_label_association")
    min_n = ctx.threshold("min_group_size")
    findings = []
    for profile in _labelled(ctx):
        tables = profile.digests.label_tables if profile.digests is not None else None
        if tables is None or not tables.kinds:
            continue
        target = profile.roles.get("target", LABEL)
        labels = sorted({str(v) for t in tables.tables.values() if t is not None for v in t[LABEL].dropna().unique()})
        positive = _positive(labels, ctx)
        measures = _feature_measures(tables, positive, limit_auc, limit_v)
        rows = [(feature, *measures[feature]) for feature in tables.kinds if feature in measures]
        not_assessed = [feature for feature in tables.kinds if feature not in measures]
        metrics: list[Metric] = []
        statuses: list[Status] = []
        if rows:
            limits = np.array([limit_auc if r[1] == "single_feature_auc" else limit_v for r in rows])
            values = np.array([r[2] for r in rows], dtype=float)
            statuses, adjusted = verdicts(values > limits, np.array([r[5] for r in rows], dtype=float),
                                          np.array([r[7] >= min_n for r in rows]))
            metrics = [Metric(r[1], r[2], column=r[0], ci=(r[3], r[4]), n=r[6], threshold=float(limits[i]),
                              p_adjusted=adjusted[i], status=statuses[i]) for i, r in enumerate(rows)]
        status = worst(statuses) if statuses else Status.NOT_APPLICABLE
        flagged = [{"feature": r[0], "measure": r[1], "value": float(r[2])} for r, s in zip(rows, statuses, strict=True)
                   if s in (Status.FAIL, Status.WARN)]
        findings.append(Finding(
            id=finding_id(TARGET_LEAKAGE, profile.dataset), check=TARGET_LEAKAGE, status=status, dataset=profile.dataset,
            requirements=ctx.requirements,
            thresholds=("max_single_feature_auc", "max_feature_label_association", "min_group_size"),
            metrics=tuple(metrics),
            message=Message(f"{TARGET_LEAKAGE}.{status.value}", {
                "dataset": profile.dataset, "target": target, "n_features": len(rows), "flagged": flagged,
                "not_assessed": not_assessed, "threshold_auc": limit_auc, "threshold_v": limit_v,
            }),
        ))
    if not findings:
        return [Finding(id=finding_id(TARGET_LEAKAGE), check=TARGET_LEAKAGE, status=Status.NOT_APPLICABLE, dataset=None,
                        requirements=ctx.requirements, message=Message(f"{TARGET_LEAKAGE}.no_labels", {}))]
    return findings


def _label_counts(profile: Profile) -> dict[str, int]:
    target = profile.roles.get("target")
    column = profile.columns.get(target) if target else None
    return dict(column.counts) if column is not None and column.counts is not None else {}


def class_balance(ctx: CheckContext) -> list[Finding]:
    """Class shares per labelled dataset, and the positive share vs the training data."""
    min_share = ctx.threshold("min_class_share")
    max_diff = ctx.threshold("max_class_share_difference")
    min_n = ctx.threshold("min_group_size")
    training = ctx.profiles.get("training")
    base = _label_counts(training) if training is not None else {}
    findings = []
    for profile in _labelled(ctx):
        counts = _label_counts(profile)
        if len(counts) < 2:
            continue
        labels = sorted(counts)
        n = sum(counts.values())
        x = [counts[label] for label in labels]
        rate, (low, high), statuses, adjusted = rate_verdicts(x, [n] * len(x), min_share, min_n, below=True)
        target = profile.roles["target"]
        metrics = [Metric("share", rate[i], group={target: label}, ci=(low[i], high[i]), n=n, threshold=min_share,
                          p_adjusted=adjusted[i], status=statuses[i]) for i, label in enumerate(labels)]
        all_statuses = list(statuses)
        positive = _positive(labels, ctx)
        difference = None
        if positive is not None and profile is not training and len(base) == 2 and positive in base:
            n_base = sum(base.values())
            diff, d_low, d_high = newcombe_difference(counts[positive], n, base[positive], n_base)
            d, lo, hi = float(diff), float(d_low), float(d_high)
            se = (hi - lo) / (2 * _Z) if hi > lo else math.nan
            z = (abs(d) - max_diff) / se if se > 0 else (math.inf if abs(d) > max_diff else -math.inf)
            p = 0.0 if z == math.inf else 1.0 if z == -math.inf else float(one_sided_p(np.array([z]))[0])
            d_status, d_adjusted = verdicts(np.array([abs(d) > max_diff]), np.array([p]),
                                            np.array([min(n, n_base) >= min_n]))
            metrics.append(Metric("base_rate_difference", d, group={target: positive}, reference={"dataset": "training"},
                                  ci=(lo, hi), n=n, threshold=max_diff, p_adjusted=d_adjusted[0], status=d_status[0]))
            all_statuses.append(d_status[0])
            difference = {"value": d, "positive": positive, "share": counts[positive] / n,
                          "training_share": base[positive] / n_base}
        status = worst(all_statuses)
        findings.append(Finding(
            id=finding_id(CLASS_BALANCE, profile.dataset), check=CLASS_BALANCE, status=status, dataset=profile.dataset,
            requirements=ctx.requirements, thresholds=("min_class_share", "max_class_share_difference", "min_group_size"),
            metrics=tuple(metrics),
            message=Message(f"{CLASS_BALANCE}.{status.value}", {
                "dataset": profile.dataset, "target": target, "n_rows": n,
                "shares": [{"label": label, "count": int(x[i]), "share": float(rate[i])} for i, label in enumerate(labels)],
                "minority": labels[int(np.argmin(x))], "minority_share": float(min(x) / n),
                "difference": difference, "min_share": min_share, "max_difference": max_diff,
            }),
        ))
    if not findings:
        return [Finding(id=finding_id(CLASS_BALANCE), check=CLASS_BALANCE, status=Status.NOT_APPLICABLE, dataset=None,
                        requirements=ctx.requirements, message=Message(f"{CLASS_BALANCE}.no_labels", {}))]
    return findings


CHECKS = (
    Check(SPLIT_OVERLAP, "quality", split_overlap, (), ("shared_row_rate", "shared_id_rate")),
    Check(TARGET_LEAKAGE, "quality", target_leakage,
          ("max_single_feature_auc", "max_feature_label_association", "min_group_size"),
          ("single_feature_auc", "cramers_v")),
    Check(CLASS_BALANCE, "quality", class_balance, ("min_class_share", "max_class_share_difference", "min_group_size"),
          ("share", "base_rate_difference")),
)

__all__ = ["CHECKS", "CLASS_BALANCE", "SPLIT_OVERLAP", "TARGET_LEAKAGE"]
