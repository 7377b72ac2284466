"""Findings, metrics and statuses: the vocabulary of the evidence (DESIGN.md §4).

Checks return :class:`Finding` objects carrying numbers and a message *key* with parameters;
they never build prose. Translations live with the report templates.

The numeric policy
------------------
Every number in the evidence is finite or explicitly absent. A metric whose value cannot be
computed (``x / 0``, ``0 / 0``, a rate of an empty group, a statistic of a column without usable
values) has ``"value": null`` and ``"undefined": <reason>``, a code from :data:`UNDEFINED`; the
report shows "cannot be computed" / "niet te berekenen" with the reason. Non-finite bounds of an
interval drop the interval; non-finite numbers in message parameters become ``null``. The JSON
writer (:func:`auditor.files.dump_json`) refuses non-finite floats, so a regression fails a test
rather than reaching a user. How each check *judges* an undefined ratio is documented with the
check (e.g. :mod:`auditor.stats.comparisons`: a positive rate against a reference rate of 0 is
judged by the Newcombe difference).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """Outcome of a finding, a metric or a requirement."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"
    NOT_ASSESSED = "not_assessed"
    """Required but not examined: the check was skipped, an input it needs is missing, or no
    implementation exists. A gap in the evidence, never a pass."""


_SEVERITY = {
    Status.NOT_APPLICABLE: 0,
    Status.PASS: 1,
    Status.NOT_ASSESSED: 2,
    Status.INSUFFICIENT_EVIDENCE: 3,
    Status.WARN: 4,
    Status.FAIL: 5,
    Status.ERROR: 6,
}


def worst(statuses: Iterable[Status]) -> Status:
    """The most serious status (error > fail > warn > insufficient > not assessed > pass > not applicable)."""
    found = list(statuses)
    return max(found, key=_SEVERITY.__getitem__) if found else Status.NOT_APPLICABLE


METRIC_NAMES: frozenset[str] = frozenset(
    {
        "missing_rate",
        "row_missing_rate",
        "missing_rate_ratio",
        "share",
        "representation_ratio",
        "chi_square",
        "cohens_w",
        "selection_rate",
        "selection_rate_ratio",
        "selection_rate_difference",
        "base_rate",
        "true_positive_rate",
        "false_positive_rate",
        "false_negative_rate",
        "precision",
        "accuracy",
        "auc",
        "psi",
        "cramers_v",
        "share_ratio",
        "outside_setting_rate",
        "base_rate_ratio",
        "base_rate_difference",
        "true_positive_rate_ratio",
        "true_positive_rate_difference",
        "false_positive_rate_ratio",
        "false_positive_rate_difference",
        "false_negative_rate_ratio",
        "false_negative_rate_difference",
        "precision_ratio",
        "precision_difference",
        "mean_score",
        "observed_expected_ratio",
        "calibration_ratio",
        "balanced_accuracy",
        "reweighed_base_rate",
        "reweighed_base_rate_ratio",
        "accuracy_difference",
        "auc_difference",
        "mean_score_residual",
        "score_residual_difference",
        "duplicate_row_rate",
        "duplicate_id_rate",
        "conflicting_label_rate",
        "failure_rate",
        "sentinel_rate",
        "outlier_rate",
        "data_age_days",
        "shared_row_rate",
        "shared_id_rate",
        "single_feature_auc",
        "ci_half_width",
        "mean_shift_sd",
        "jensen_shannon_distance",
        "ks_statistic",
        "wasserstein_distance_sd",
        "cusum",
        "batch_gap_days",
    }
)
"""The documented metric vocabulary. Comparisons are ``<metric>_ratio`` / ``<metric>_difference``."""


UNDEFINED: dict[str, str] = {
    "no_rows": "the group has no rows with the values needed",
    "reference_no_rows": "the reference group has no rows with the values needed",
    "reference_rate_zero": "the reference rate is 0",
    "both_rates_zero": "both rates are 0",
    "no_usable_values": "the column has no usable (finite) values",
    "no_variation": "every value is the same",
    "one_class": "only one label value occurs",
    "not_computable": "the value cannot be computed from these data",
}
"""Reasons a metric has no value (``Metric.undefined``), with their meaning; the report's texts are
in ``reports/i18n/<lang>/core.yaml`` under ``undefined``."""


def _clean(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def json_safe(value: Any) -> Any:
    """``value`` with every non-finite float replaced by ``None`` and numpy scalars made plain.

    Applied to message parameters, so a check that passes ``inf`` on cannot break the evidence.
    """
    if isinstance(value, Mapping):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, bool | str | int) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and getattr(value, "ndim", None) == 0:
        return json_safe(item())
    return value


@dataclass(frozen=True)
class Metric:
    """One number in the evidence, with what it is about and how sure we are.

    Attributes
    ----------
    name
        From :data:`METRIC_NAMES`.
    value
        The estimate (``None`` when undefined, e.g. a rate of an empty group).
    group
        The group it describes, e.g. ``{"sex": "F"}``; ``None`` = the whole dataset.
    reference
        For comparisons, the group compared with.
    column
        The data column it is about, where that is not the group.
    ci
        Confidence interval ``(low, high)``.
    n
        Number of rows the estimate rests on.
    threshold
        The threshold it was judged against.
    p_value, p_adjusted
        One-sided p-value of "beyond the threshold", and after multiple-comparison correction.
    status
        The verdict for this metric, if it was judged.
    undefined
        Why there is no value: a code from :data:`UNDEFINED` (default ``not_computable`` when
        the value is missing or not finite).
    """

    name: str
    value: float | None
    group: Mapping[str, str | None] | None = None
    reference: Mapping[str, str | None] | None = None
    column: str | None = None
    ci: tuple[float, float] | None = None
    n: int | None = None
    threshold: float | None = None
    p_value: float | None = None
    p_adjusted: float | None = None
    status: Status | None = None
    undefined: str | None = None

    def __post_init__(self) -> None:
        if self.name not in METRIC_NAMES:
            raise ValueError(f"metric name {self.name!r} is not in the documented vocabulary")
        if self.undefined is not None and self.undefined not in UNDEFINED:
            raise ValueError(f"undefined reason {self.undefined!r} is not in UNDEFINED")

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form; empty fields are left out; no value comes with its reason.

        Returns
        -------
        dict
            The metric as it appears in ``evidence.json``; non-finite numbers become ``None``, and
            a ``None`` value carries ``undefined`` (a reason from :data:`UNDEFINED`).
        """
        value = _clean(self.value)
        out: dict[str, Any] = {"name": self.name, "value": value}
        if value is None:
            out["undefined"] = self.undefined or "not_computable"
        if self.group is not None:
            out["group"] = dict(self.group)
        if self.reference is not None:
            out["reference"] = dict(self.reference)
        if self.column is not None:
            out["column"] = self.column
        if self.ci is not None:
            low, high = _clean(self.ci[0]), _clean(self.ci[1])
            if low is not None and high is not None:
                out["ci"] = [low, high]
        for key in ("n", "threshold", "p_value", "p_adjusted"):
            value = getattr(self, key)
            if value is not None:
                out[key] = int(value) if key == "n" else _clean(value)
        if self.status is not None:
            out["status"] = self.status.value
        return out


@dataclass(frozen=True)
class Message:
    """A message key (looked up in the translation catalogues) and its parameters."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {"key": self.key, "params": json_safe(dict(self.params))}


@dataclass(frozen=True)
class Finding:
    """The result of one check on one subject (a dataset, an attribute, a column).

    Attributes
    ----------
    id
        Stable id, ``<check>/<dataset>/<subject>``.
    check
        The check id, e.g. ``bias.selection_rate``.
    status
        The verdict.
    dataset
        The dataset it is about (``None`` for cross-dataset findings).
    requirements
        Legal requirements this is evidence for (AI Act articles, Algoritmekader URNs).
    metrics
        The numbers.
    message
        What to say, as a key and parameters.
    thresholds
        Names of the rulebook thresholds used.
    artefacts
        Tables produced for the user to act on (e.g. reweighing weights), saved as CSV files
        next to the evidence by :meth:`~auditor.evidence.AuditResult.save`.
    """

    id: str
    check: str
    status: Status
    dataset: str | None
    message: Message
    requirements: tuple[str, ...] = ()
    metrics: tuple[Metric, ...] = ()
    thresholds: tuple[str, ...] = ()
    artefacts: tuple[Artefact, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (``artefacts`` only when there are any).

        Returns
        -------
        dict
            The finding as it appears in ``evidence.json``.
        """
        out = {
            "id": self.id,
            "check": self.check,
            "status": self.status.value,
            "dataset": self.dataset,
            "requirements": list(self.requirements),
            "thresholds": list(self.thresholds),
            "metrics": [m.to_dict() for m in self.metrics],
            "message": self.message.to_dict(),
        }
        if self.artefacts:
            out["artefacts"] = [a.to_dict() for a in self.artefacts]
        return out


def artefact_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The CSV text of an artefact table (comma-separated, ``\\n`` line ends, numbers as ``repr``).

    The evidence stores the table itself; this function turns it into the file that
    :meth:`~auditor.evidence.AuditResult.save` writes, so the file (and its SHA-256 in the
    evidence) can be rebuilt from ``evidence.json`` alone.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else repr(float(v)) if isinstance(v, float) else v for v in row])
    return buffer.getvalue()


@dataclass(frozen=True)
class Artefact:
    """A table a check produces for the user to act on, e.g. reweighing weights per group × label.

    Attributes
    ----------
    name
        File name, ``[a-z0-9_.-]+\\.csv`` (e.g. ``reweighing-training.csv``).
    columns
        Column names.
    rows
        Rows of plain values (text, numbers, ``None``).
    """

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def __post_init__(self) -> None:  # the numeric policy holds for artefact tables too
        object.__setattr__(self, "rows", tuple(tuple(json_safe(list(r))) for r in self.rows))

    def to_csv(self) -> str:
        """The file content (see :func:`artefact_csv`)."""
        return artefact_csv(self.columns, self.rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form, with the SHA-256 of the CSV text."""
        return {
            "name": self.name,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
            "sha256": hashlib.sha256(self.to_csv().encode("utf-8")).hexdigest(),
        }
