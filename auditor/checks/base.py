"""What a check is, what it sees, and the shared verdict rule.

A check is a pure function ``(CheckContext) -> list[Finding]``. It reads profiles (statistics,
never rows), the column roles, the reference population and the thresholds the rulebook gives
it. It returns findings with metrics and message keys; it never builds prose and never raises
for bad data (the runner turns an exception into a finding with status ``error``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from auditor.engines.profile import Profile
from auditor.evidence.model import Finding, Message, Status
from auditor.spec.model import DATASET_ROLES, Columns
from auditor.spec.quality import QualitySpec
from auditor.stats.multiple import holm

ALPHA = 0.025
"""One-sided significance level. It matches the two-sided 95 % intervals reported: with a single
group, "significantly beyond the threshold" is exactly "the interval excludes the threshold"."""

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Threshold:
    """A threshold as the rulebook declares it, with the value in force for this run."""

    name: str
    value: float
    default: float
    rationale: Mapping[str, str]
    source: str
    overridden: bool = False
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    shipped: float | None = None
    """The value in the shipped rulebook of the same id, when this rulebook is another file."""
    changes: tuple[Mapping[str, Any], ...] = ()
    """Each change from the shipped value: ``{from, to, via, by, date}`` (``via`` is the file)."""
    rationale_for: float | None = None
    """The value the rationale was written for; when it is not :attr:`value`, the rationale is
    stale and the report says so instead of showing it as the reason."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form for the evidence."""
        return {
            "name": self.name,
            "value": self.value,
            "default": self.default,
            "overridden": self.overridden,
            "rationale": dict(self.rationale),
            "source": self.source,
            "shipped": self.shipped,
            "changed": bool(self.changes),
            "changes": [dict(c) for c in self.changes],
            "rationale_for": self.value if self.rationale_for is None else self.rationale_for,
        }


@dataclass(frozen=True)
class CheckContext:
    """Everything a check may look at.

    Attributes
    ----------
    profiles
        Dataset profiles by role, in :data:`~auditor.spec.DATASET_ROLES` order.
    columns
        The column roles from the spec.
    thresholds
        Thresholds by name (rulebook defaults with the spec's overrides applied).
    requirements
        The requirement labels the rulebook maps this check to.
    reference
        The reference population (``attribute, category, share``; canonical labels), if given.
    reference_groups
        Reference group per protected attribute for comparisons (default: the largest group).
    setting
        The setting of use (Art. 10(4)): per attribute, the values the system is used for.
    intersections
        Intersections of protected attributes to report besides each attribute; ``None`` =
        every pair.
    governance
        The spec's ``governance:`` declarations (validated form).
    quality
        The spec's ``quality:`` section (date column, period of use, declared codes).
    audit_date
        When the audit runs (the run's start time), for timeliness.
    max_groups
        ``checks.max_groups``: subjects with more groups are not compared group by group.
    too_many_groups
        Protected attributes left out of the group comparisons because they have more than
        ``max_groups`` groups, with the largest number of groups seen in a dataset.
    """

    profiles: Mapping[str, Profile]
    columns: Columns
    thresholds: Mapping[str, Threshold]
    requirements: tuple[str, ...] = ()
    reference: pd.DataFrame | None = None
    reference_groups: Mapping[str, str] = field(default_factory=dict)
    setting: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    intersections: tuple[tuple[str, ...], ...] | None = None
    governance: Mapping[str, Any] = field(default_factory=dict)
    quality: QualitySpec = field(default_factory=QualitySpec)
    audit_date: datetime | None = None
    max_groups: int = 200
    too_many_groups: Mapping[str, int] = field(default_factory=dict)

    def threshold(self, name: str) -> float:
        """Value of a threshold; a check asking for an undeclared one is a rulebook bug."""
        return self.thresholds[name].value

    def datasets(self) -> list[Profile]:
        """Profiles in report order."""
        return [self.profiles[name] for name in DATASET_ROLES if name in self.profiles]


CheckFunction = Callable[[CheckContext], list[Finding]]


@dataclass(frozen=True)
class Check:
    """A registered check.

    Attributes
    ----------
    id
        Stable id ``<family>.<name>``; never renamed or reused (an alias is kept instead).
    family
        ``quality``, ``representativeness``, ``bias``, ``performance``, ``drift``, ``governance``.
    run
        The check function.
    thresholds
        Names of the thresholds it reads.
    metrics
        Metric names it produces.
    """

    id: str
    family: str
    run: CheckFunction
    thresholds: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()


def one_sided_p(estimate_z: np.ndarray) -> np.ndarray:
    """Upper-tail normal p-value for z statistics (NaN stays NaN)."""
    z = np.asarray(estimate_z, dtype=float)
    out = np.full(z.shape, np.nan)
    ok = np.isfinite(z)
    out[ok] = [1.0 - NormalDist().cdf(v) for v in z[ok]]
    return out


def verdicts(
    beyond: np.ndarray,
    p_values: np.ndarray,
    enough: np.ndarray,
) -> tuple[list[Status], np.ndarray]:
    """The verdict rule shared by every statistical check.

    Parameters
    ----------
    beyond
        Whether each point estimate lies beyond its threshold (in the harmful direction).
    p_values
        One-sided p-values of "the true value lies beyond the threshold" is *not* the case,
        i.e. small when the data give evidence that the value is beyond it.
    enough
        Whether each group is large enough to be judged (``min_group_size``).

    Returns
    -------
    (statuses, p_adjusted)
        Per group: ``fail`` when the Holm-adjusted p-value is below :data:`ALPHA` (the
        evidence supports the problem after correcting for the number of groups tested);
        ``warn`` when the estimate is beyond the threshold but the evidence is not conclusive;
        ``insufficient_evidence`` when the group is too small and not failing;
        ``pass`` otherwise. Groups too small are not counted in the correction.
    """
    beyond = np.asarray(beyond, dtype=bool)
    enough = np.asarray(enough, dtype=bool)
    p = np.where(enough, np.asarray(p_values, dtype=float), np.nan)
    adjusted = holm(p)
    statuses: list[Status] = []
    for i in range(len(beyond)):
        if not enough[i]:
            statuses.append(Status.INSUFFICIENT_EVIDENCE)
        elif beyond[i] and np.isfinite(adjusted[i]) and adjusted[i] < ALPHA:
            statuses.append(Status.FAIL)
        elif beyond[i]:
            statuses.append(Status.WARN)
        else:
            statuses.append(Status.PASS)
    return statuses, adjusted


@contextmanager
def about_column(column: str) -> Iterator[None]:
    """Name ``column`` in the ``error`` finding if the work inside raises (the runner reads it)."""
    try:
        yield
    except Exception as exc:
        if getattr(exc, "auditor_column", None) is None:
            exc.auditor_column = column  # type: ignore[attr-defined]
        raise


def error_finding(check: str, exc: BaseException, requirements: tuple[str, ...] = ()) -> Finding:
    """The finding of a check that raised: status ``error``, a one-line reason and the column, if known."""
    text = " ".join(str(exc).split())  # one line, whatever the exception's message looks like
    reason = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    reason = reason if len(reason) <= 300 else reason[:299] + "…"
    column = getattr(exc, "auditor_column", None)
    return Finding(
        id=finding_id(check, "error", column), check=check, status=Status.ERROR, dataset=None, requirements=requirements,
        message=Message("check.error", {"check": check, "error": reason, "column": column}),
    )


def group_dict(attributes: tuple[str, ...] | list[str], key: tuple[Any, ...] | Any) -> dict[str, str | None]:
    """``{"sex": "F"}`` from attribute names and a group key."""
    values = key if isinstance(key, tuple) else (key,)
    return {a: (None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v)) for a, v in zip(attributes, values, strict=True)}


def finding_id(check: str, *parts: str | None) -> str:
    """Stable finding id: ``check/part/part``."""
    return "/".join([check, *[p for p in parts if p]])
