"""Verdicts on rates against a threshold, for the data-quality checks.

A rate ``x / n`` (duplicate rows, outliers, conflicting labels, ...) is judged against a limit
with the shared verdict rule (:func:`auditor.checks.base.verdicts`): the one-sided score test at
the limit, ``z = (rate - limit) / sqrt(limit (1 - limit) / n)``, Holm-corrected over the entries
judged together. A limit of 0 ("none tolerated") is a count, not an estimate: any ``x > 0``
exceeds it with certainty (p = 0), so it fails when there are enough rows to judge.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from auditor.checks.base import one_sided_p, verdicts
from auditor.evidence.model import Status
from auditor.stats.intervals import wilson_interval


def rate_verdicts(
    x: npt.ArrayLike,
    n: npt.ArrayLike,
    limit: float,
    min_n: float,
    *,
    below: bool = False,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], list[Status], np.ndarray]:
    """Rates, Wilson intervals and verdicts against ``limit``.

    Parameters
    ----------
    x, n
        Counts and totals.
    limit
        The threshold.
    min_n
        Entries with ``n < min_n`` get ``insufficient_evidence``.
    below
        ``True`` when a rate *below* the limit is the problem (e.g. a minority class share).

    Returns
    -------
    (rate, (low, high), statuses, p_adjusted)
    """
    xs = np.atleast_1d(np.asarray(x, dtype=float))
    ns = np.atleast_1d(np.asarray(n, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(ns > 0, xs / ns, np.nan)
        low, high = wilson_interval(xs, ns)
        beyond = (rate < limit) if below else (rate > limit)
        if 0.0 < limit < 1.0:
            z = (rate - limit) / np.sqrt(limit * (1.0 - limit) / ns)
            z = -z if below else z
            p = one_sided_p(z)
        else:
            p = np.where(beyond, 0.0, 1.0)
    p = np.where(np.isfinite(p), p, 1.0)
    statuses, adjusted = verdicts(np.nan_to_num(beyond, nan=0).astype(bool), p, ns >= min_n)
    return rate, (low, high), statuses, adjusted


def needed_rows(half_width: float, z: float) -> int:
    """Rows needed for a Wilson 95 % interval of a rate near 0.5 to have at most ``half_width``.

    At ``p = 0.5`` the Wilson half-width is ``z / (2 sqrt(n + z²))``, so
    ``n ≥ z² / (4 h²) - z²``; 0.5 is the worst case, so the answer holds for any rate.

    Examples
    --------
    >>> needed_rows(0.05, 1.959963984540054)
    381
    """
    return max(math.ceil(z * z / (4.0 * half_width * half_width) - z * z - 1e-9), 1)


def half_width(n: npt.ArrayLike, z: float) -> np.ndarray:
    """Wilson half-width at ``p = 0.5`` for ``n`` rows (the widest interval ``n`` rows can give)."""
    ns = np.asarray(n, dtype=float)
    return z / (2.0 * np.sqrt(ns + z * z))


__all__ = ["half_width", "needed_rows", "rate_verdicts"]
