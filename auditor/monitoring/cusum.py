"""A two-sided tabular CUSUM across monitoring runs (Page 1954).

Each run contributes one standardised observation per series, ``z_t = log(ratio_t) / se_t``
(the group's share or selection rate in the batch against the reference, on the log scale,
divided by its standard error). The sums

    S⁺_t = max(0, S⁺_{t-1} + z_t − k)      S⁻_t = max(0, S⁻_{t-1} − z_t − k)

accumulate evidence of a sustained change in either direction; the series alerts when either
exceeds ``h``. The allowance ``k`` is at least ``min_log_ratio / se_t`` (:func:`allowance`), so
that, as everywhere in the drift checks, an effect too small to matter does not alert merely
because a batch is large. A slow drift that no single batch shows (every ratio within its threshold) still
builds up, which is the point. Each run records its sums in its ``drift.cumulative`` finding;
the next run continues from those of the latest earlier batch (by batch time), so a run reads one
earlier run, not the whole history.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from auditor.stats.intervals import z_value


@dataclass(frozen=True)
class CusumState:
    """The end state of one series."""

    upper: float
    lower: float
    n_runs: int
    alarm_at: int | None
    """Index (0-based, in run order) of the first run at which either sum exceeded ``h``."""

    @property
    def statistic(self) -> float:
        """The larger of the two sums."""
        return max(self.upper, self.lower)


def log_ratio_se(ratio: float | None, ci: Sequence[float] | None, confidence: float = 0.95) -> tuple[float, float] | None:
    """``(log(ratio), se)`` with ``se`` recovered from a log-symmetric (Katz) interval; ``None`` if undefined."""
    if ratio is None or ci is None or ratio <= 0 or ci[0] is None or ci[1] is None or ci[0] <= 0 or ci[1] <= 0:
        return None
    if not all(math.isfinite(v) for v in (ratio, ci[0], ci[1])):
        return None
    se = (math.log(ci[1]) - math.log(ci[0])) / (2.0 * z_value(confidence))
    return (math.log(ratio), se) if se > 0 else None


def allowance(se: float, *, k: float, min_log_ratio: float) -> float:
    """The allowance of one observation, in standard errors: ``max(k, min_log_ratio / se)``.

    At large batches the standard error is tiny and every change is many standard errors; the
    second term makes changes smaller than ``min_log_ratio`` (an effect size: 0.05 is a ratio of
    about 1.05) accumulate nothing, however many rows a batch has.
    """
    return max(k, min_log_ratio / se)


def cusum(observations: Iterable[float], *, k: float | Iterable[float], h: float,
          start: tuple[float, float] = (0.0, 0.0)) -> CusumState:
    """Run the two-sided CUSUM over standardised observations (in run order).

    Examples
    --------
    >>> cusum([0.0] * 50, k=0.5, h=8).statistic
    0.0
    >>> cusum([1.5] * 10, k=0.5, h=8).alarm_at
    8
    """
    upper, lower = start
    alarm: int | None = None
    n = 0
    allowances = itertools.repeat(k) if isinstance(k, int | float) else iter(k)
    for i, (z, k_i) in enumerate(zip(observations, allowances)):
        upper = max(0.0, upper + z - k_i)
        lower = max(0.0, lower - z - k_i)
        n += 1
        if alarm is None and max(upper, lower) > h:
            alarm = i
    return CusumState(upper, lower, n, alarm)


__all__ = ["CusumState", "allowance", "cusum", "log_ratio_se"]
