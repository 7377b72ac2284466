"""AUC from score buckets, with a DeLong interval.

The profile keeps, per group and label, the counts of scores in ordered sketch buckets (see
:func:`auditor.engines.profile.sketch_keys`). The AUC is the Mann–Whitney probability that a
random positive scores above a random negative, ties counting 1/2:

``AUC = Σ_b pos_b (neg_below_b + neg_b / 2) / (P N)``.

It is exact (equal to ``sklearn.metrics.roc_auc_score``) when every distinct score has its own
bucket, e.g. integer scores such as COMPAS deciles; otherwise two scores closer than the
sketch's 1 % relative accuracy share a bucket and count as a tie, which moves the AUC by at most
the share of positive–negative pairs inside one bucket (reported by :func:`bucket_auc` as
``tie_share``).

The variance is **DeLong's** (DeLong, DeLong & Clarke-Pearson 1988): the structural components
``V10`` (per positive: share of negatives below it, ties 1/2) and ``V01`` (per negative: share
of positives above it) are constant within a bucket, so their variances are weighted sums over
buckets — the same numbers the row-level algorithm gives on the bucketed scores. The interval is
``AUC ± z·se`` clipped to [0, 1] (as R's pROC does).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from auditor.stats.intervals import z_value


@dataclass(frozen=True)
class AUCEstimate:
    """Area under the ROC curve of one group.

    Attributes
    ----------
    value
        The AUC (``nan`` without both labels).
    low, high
        DeLong interval.
    se
        DeLong standard error.
    n_positive, n_negative
        Rows with the positive and the negative label.
    tie_share
        Share of positive–negative pairs that share a bucket (counted 1/2).
    """

    value: float
    low: float
    high: float
    se: float
    n_positive: int
    n_negative: int
    tie_share: float


def bucket_auc(positives: npt.ArrayLike, negatives: npt.ArrayLike, confidence: float = 0.95) -> AUCEstimate:
    """AUC and DeLong interval from counts per ordered score bucket.

    Parameters
    ----------
    positives, negatives
        Counts of positive and negative rows per bucket, buckets in ascending score order.
    confidence
        Two-sided confidence level.

    Returns
    -------
    AUCEstimate

    Examples
    --------
    >>> e = bucket_auc([0, 1, 2], [2, 1, 0])
    >>> round(e.value, 4)
    0.9444
    """
    pos = np.asarray(positives, dtype=float)
    neg = np.asarray(negatives, dtype=float)
    p, n = float(pos.sum()), float(neg.sum())
    if p == 0 or n == 0:
        return AUCEstimate(math.nan, math.nan, math.nan, math.nan, int(p), int(n), math.nan)
    neg_below = np.cumsum(neg) - neg
    pos_above = p - np.cumsum(pos)
    v10 = (neg_below + 0.5 * neg) / n  # per positive in the bucket
    v01 = (pos_above + 0.5 * pos) / p  # per negative in the bucket
    auc = float((pos * v10).sum() / p)
    s10 = float((pos * (v10 - auc) ** 2).sum() / (p - 1)) if p > 1 else 0.0
    s01 = float((neg * (v01 - auc) ** 2).sum() / (n - 1)) if n > 1 else 0.0
    se = math.sqrt(max(s10 / p + s01 / n, 0.0))
    z = z_value(confidence)
    tie_share = float((pos * neg).sum() / (p * n))
    return AUCEstimate(auc, max(auc - z * se, 0.0), min(auc + z * se, 1.0), se, int(p), int(n), tie_share)


__all__ = ["AUCEstimate", "bucket_auc"]
