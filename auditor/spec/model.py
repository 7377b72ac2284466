"""The validated audit spec: plain, typed, immutable data.

Built by :func:`auditor.spec.load_spec` from YAML, a dict or keyword overrides. Constructors
store; they do not read files or compute (scikit-learn's rule). The user-facing key layout is
documented in DESIGN.md §4 and in the README.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from auditor.spec.monitoring import MonitoringSpec
from auditor.spec.quality import QualitySpec

if TYPE_CHECKING:
    import pandas as pd

DATASET_ROLES: tuple[str, ...] = ("training", "validation", "test", "production")
"""Names of the datasets an audit may have, in the order they are reported."""

Language = Literal["en", "nl"]

ENGINES: tuple[str, ...] = ("auto", "pandas", "duckdb", "spark")
"""Values of ``engine:`` in the spec and ``--engine`` on the command line (see :mod:`auditor.engines`)."""


@dataclass(frozen=True)
class DataSource:
    """Where one dataset comes from: a file (CSV or Parquet) or an in-memory DataFrame.

    Attributes
    ----------
    name
        The dataset's role: ``training``, ``validation``, ``test`` or ``production``.
    path
        The file, resolved against the spec file's folder; ``None`` for a DataFrame.
    frame
        The DataFrame given directly in Python (pandas, or a Spark DataFrame for the Spark
        engine); ``None`` for a file.
    format
        ``csv`` or ``parquet``; ``None`` means: decide from the file name.
    delimiter, encoding
        CSV options; ``None`` means: detect.
    header, names
        CSV options: ``header=False`` for a file without a header row; ``names`` gives the column
        names (required without a header; with a header they replace the header's names).
    """

    name: str
    path: Path | None = None
    frame: Any = field(default=None, compare=False, repr=False)
    format: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    header: bool = True
    names: tuple[str, ...] | None = None
    table: str | None = None

    @property
    def label(self) -> str:
        """How the source is named in messages: the file path, the table, or ``<DataFrame 'name'>``."""
        if self.path is not None:
            return str(self.path)
        return f"<table {self.table}>" if self.table is not None else f"<DataFrame {self.name!r}>"


@dataclass(frozen=True)
class Columns:
    """The roles of the columns (``columns:`` in the spec).

    Attributes
    ----------
    target
        Ground-truth label column.
    prediction
        The model's decision (binary), on datasets that have it.
    score
        The model's score, optional.
    favourable
        The label value that is the favourable outcome for the person concerned. It decides
        which direction of a disparity disadvantages a group.
    positive
        The value of ``target`` and ``prediction`` that counts as the positive class
        (``selection_rate`` is the share of rows with ``prediction == positive``); default 1.
    protected
        Protected or context attributes to group by.
    features
        Model input features; ``None`` means every column without another role.
    id
        Record identifier column (only ever hashed, never shown).
    selection
        Column that says whether an earlier process (a previous model, a rule, a caseworker)
        selected the case for investigation (1/True = selected); for the feedback-loop check.
    bins
        Edges to band a numeric column by (a protected attribute such as a raw age); see below.
    label_source
        Where the labels come from: ``selected_cases`` (only cases an earlier process selected
        were investigated and labelled), ``random_sample``, ``all_cases``, or ``mixed``
        (selected cases plus a random sample); ``None`` = not declared.
    """

    target: str | None = None
    prediction: str | None = None
    score: str | None = None
    favourable: Any = None
    positive: Any = 1
    protected: tuple[str, ...] = ()
    features: tuple[str, ...] | None = None
    id: str | None = None
    selection: str | None = None
    label_source: str | None = None
    bins: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    """Numeric columns to group into bands before profiling: the increasing edges per column, e.g.
    ``{age: (18, 27, 45, 67)}`` gives ``<18``, ``18-26``, ``27-44``, ``45-66``, ``67+``
    (:func:`auditor.engines.pandas.bin_labels`)."""


@dataclass(frozen=True)
class Reference:
    """The intended population (Art. 10(3)-(4)): a CSV ``attribute,category,share``."""

    path: Path | None = None
    frame: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    setting: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """The setting of use (Art. 10(4)): per attribute, the values (canonical labels) the system
    is used for, e.g. ``{district: (Noord, Zuid)}``."""


@dataclass(frozen=True)
class ChecksConfig:
    """Which rulebook to apply and the user's threshold overrides."""

    rulebook: str = "ai-act-article-10"
    thresholds: Mapping[str, float] = field(default_factory=dict)
    threshold_notes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Per overridden threshold, what the spec declares about the change: ``rationale``,
    ``declared_by``, ``date`` (the mapping form ``{value: 0.9, rationale: ...}``)."""
    skip: Mapping[str, str | None] = field(default_factory=dict)
    """Checks not to run, each with the reason given (``None`` when none was given). A skipped
    check is reported as ``not_assessed``; its requirements cannot pass."""
    reference_groups: Mapping[str, str] = field(default_factory=dict)
    """Reference group per protected attribute for comparisons, e.g. ``{sex: M}``; default:
    the largest group."""
    intersections: tuple[tuple[str, ...], ...] | None = None
    """Intersections of protected attributes the group checks also report, e.g.
    ``((sex, age_band),)``; ``None`` = every pair of protected attributes, ``()`` = none."""
    max_groups: int = 200
    """A protected attribute (or intersection) with more groups than this is not compared group
    by group; one finding (``quality.group_count``) asks to group or bucket it first."""


@dataclass(frozen=True)
class Signatory:
    """A person who signs the report (its signature block; Annex IV 2(g) asks for signed test reports)."""

    name: str
    role: str


@dataclass(frozen=True)
class ReportConfig:
    """Report language, output folder and the people who sign it."""

    language: Language = "en"
    output: Path | None = None
    signatories: tuple[Signatory, ...] = ()


@dataclass(frozen=True)
class AuditSpec:
    """A validated audit spec.

    Attributes
    ----------
    system
        The system description: a path to a facts file, an inline mapping, or ``None``.
    data
        Data sources by role, in :data:`DATASET_ROLES` order.
    columns, reference, checks, report
        See the classes of the same name.
    governance
        Declared governance items (Art. 10(2), 10(5)), validated by
        :func:`auditor.spec.governance.check_governance`, kept as given for the evidence.
    quality
        What the data must look like: rules, missing-value codes, validators, date column
        (:class:`~auditor.spec.quality.QualitySpec`).
    engine
        How the data is read and profiled: one of :data:`ENGINES` (``auto`` = pandas for
        DataFrames and small files, DuckDB for large files, Spark for Spark DataFrames).
    monitoring
        Scheduled monitoring runs: the frozen reference, the run history, their thresholds
        (:class:`~auditor.spec.monitoring.MonitoringSpec`).
    source_file
        The spec file, if the spec was read from one.
    base_dir
        Folder that relative paths in the spec were resolved against.
    raw
        The spec as given (JSON-safe, DataFrames replaced by their names), hashed into the
        evidence.
    given
        The spec as given, with its DataFrames and schema objects, so that
        :func:`~auditor.spec.load_spec` can apply overrides to a built spec.
    """

    data: Mapping[str, DataSource]
    columns: Columns
    system: Path | Mapping[str, Any] | None = None
    reference: Reference | None = None
    checks: ChecksConfig = field(default_factory=ChecksConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    governance: Mapping[str, Any] = field(default_factory=dict)
    quality: QualitySpec = field(default_factory=QualitySpec)
    engine: str = "auto"
    monitoring: MonitoringSpec = field(default_factory=MonitoringSpec)
    source_file: Path | None = None
    base_dir: Path = field(default_factory=Path.cwd)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)
    given: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)
