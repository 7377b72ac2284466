"""The engine seam: how a dataset becomes a :class:`~auditor.engines.profile.Profile`.

The pipeline never holds rows. It holds a :class:`DatasetHandle` per dataset (where the data
is, its fingerprint, its :class:`Schema`, which engine reads it) and asks that engine for the
dataset's profile. Every engine produces the same profile for the same data: they all run the
same chunk-level kernel, :func:`auditor.engines.pandas.profile_frame`, and merge its results
exactly with :meth:`Profile.merge <auditor.engines.profile.Profile.merge>`.

The contract (stable: other engines and the monitoring code build on it)
    An engine is any object with a ``name`` and the three methods of :class:`Engine`:

    ``open(source) -> DatasetHandle``
        Check that the source is readable and not empty, fingerprint it (SHA-256 of the file's
        bytes, or of a canonical serialisation of an in-memory frame) and read its schema
        without reading its rows when the format allows (Parquet footer, CSV sniffing). Raises
        :class:`~auditor.errors.DataError` naming the file and the fix.
    ``schema(source) -> Schema``
        The column names and their Arrow types, mapped to logical types by
        :func:`logical_type` (a shortcut for ``open(source).schema``).
    ``profile(handle, plan) -> Profile``
        The profile of all rows of the dataset, with its :class:`~auditor.engines.profile.RowEvidence`
        attached in memory (``profile.row_evidence``; never written unless asked, see
        :meth:`Profile.save <auditor.engines.profile.Profile.save>`), and ``profile.engine``
        set to the engine's name.

    Engines register themselves with :func:`register_engine`; :func:`get_engine` returns one
    by name (``pandas`` is always there; ``duckdb`` and ``spark`` when their modules are
    importable).

How a chunked engine uses the kernel
    Split the rows into **parts** in a fixed order (Arrow record batches of a file in file
    order, Spark partitions by partition index). For each part, convert it to a pandas
    DataFrame with a ``RangeIndex`` and call ``profile_frame(part, dataset=..., plan=plan)``;
    row positions inside a part's profile (example rows, first rows of a hash) are offsets
    within that part. Then fold the parts **in part order**:
    ``functools.reduce(Profile.merge, parts)``, or faster, :meth:`Profile.merge_all
    <auditor.engines.profile.Profile.merge_all>` several at a time, as
    :class:`~auditor.engines.profile.ProfileMerger` does. ``merge`` shifts the right side's offsets by
    the left side's row count, so an example ``(part p, offset o)`` ends up as the global row
    number ``rows(parts before p) + o`` — the row number a single pass over the whole data
    gives. (Example rows are stored as these global numbers; the pair is implicit in the part
    order, which is why the fold must keep it.) ``merge`` is associative (any tree of merges that keeps the parts' order gives the
    same profile: ``profile(whole) == merge(profile(chunks))``, tested in
    ``tests/engines/test_merge.py``) but not commutative. :func:`profile_parts` does this fold.

    The plan must be the same for every part; it carries the logical types decided once for
    the whole dataset (:attr:`ProfilePlan.types`), so a part whose values all happen to look
    like integers is profiled as the text column it is in the whole.

Logical-type policy
    The kind of a column (``numeric``, ``boolean``, ``datetime``, ``categorical``, as the checks
    see it) comes from its logical type, decided once per dataset by :func:`logical_types`:

    1. a ``type:`` in the spec's ``quality.rules`` for the column (``integer``, ``number``,
       ``boolean``, ``date``) declares it;
    2. otherwise the Arrow type of the column in the dataset's schema, by the fixed mapping of
       :func:`logical_type`: signed/unsigned integers → ``integer``; floating point and decimals
       → ``float``; booleans → ``boolean``; dates → ``date``; timestamps (any unit, any zone) →
       ``timestamp``; strings, dictionaries of strings, binary and nulls → ``string``; lists,
       structs, maps and anything else → ``other``.

    The evidence records the logical type (and the Arrow type) of every column, not the
    reader's dtype.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from auditor.engines.profile import Profile
    from auditor.spec.model import Columns, DataSource
    from auditor.spec.quality import ColumnRule
    from auditor.validation.plan import QualityPlan

LogicalType = Literal["integer", "float", "boolean", "date", "timestamp", "string", "other"]
"""The auditor's own column types, independent of the reader (see the module docstring)."""

ColumnKind = Literal["numeric", "boolean", "datetime", "categorical"]
"""How the checks treat a column; a function of its :data:`LogicalType` (:data:`KIND_OF`)."""

KIND_OF: Mapping[str, ColumnKind] = {
    "integer": "numeric", "float": "numeric", "boolean": "boolean", "date": "datetime", "timestamp": "datetime",
    "string": "categorical", "other": "categorical",
}
"""Logical type → kind of column."""

RULE_TYPES: Mapping[str, LogicalType] = {"integer": "integer", "number": "float", "boolean": "boolean", "date": "date"}
"""A spec rule's ``type:`` → the logical type it declares."""


def logical_type(arrow_type: pa.DataType) -> LogicalType:
    """The fixed mapping of an Arrow type to a logical type (see the module docstring).

    Examples
    --------
    >>> import pyarrow as pa
    >>> [logical_type(t) for t in (pa.int8(), pa.float32(), pa.bool_(), pa.date32(), pa.timestamp("us", "UTC"), pa.string())]
    ['integer', 'float', 'boolean', 'date', 'timestamp', 'string']
    """
    import pyarrow.types as t

    if t.is_dictionary(arrow_type):
        return logical_type(arrow_type.value_type)
    if t.is_boolean(arrow_type):
        return "boolean"
    if t.is_integer(arrow_type):
        return "integer"
    if t.is_floating(arrow_type) or t.is_decimal(arrow_type):
        return "float"
    if t.is_date(arrow_type):
        return "date"
    if t.is_timestamp(arrow_type):
        return "timestamp"
    if t.is_string(arrow_type) or t.is_large_string(arrow_type) or t.is_binary(arrow_type) \
            or t.is_large_binary(arrow_type) or t.is_null(arrow_type) or getattr(t, "is_string_view", lambda _: False)(arrow_type):
        return "string"
    return "other"


@dataclass(frozen=True)
class ColumnType:
    """One column of a schema: its name, Arrow type (as text) and logical type."""

    name: str
    arrow: str
    logical: LogicalType

    @property
    def kind(self) -> ColumnKind:
        """How the checks treat the column."""
        return KIND_OF[self.logical]


@dataclass(frozen=True)
class Schema:
    """The columns of a dataset, in order, with their types."""

    columns: tuple[ColumnType, ...]

    @classmethod
    def from_arrow(cls, schema: pa.Schema) -> Schema:
        """The schema of an Arrow schema, by the fixed mapping of :func:`logical_type`."""
        return cls(tuple(ColumnType(str(f.name), str(f.type), logical_type(f.type)) for f in schema))

    @property
    def names(self) -> list[str]:
        """Column names in order."""
        return [c.name for c in self.columns]

    def __contains__(self, name: object) -> bool:
        return any(c.name == name for c in self.columns)

    def __getitem__(self, name: str) -> ColumnType:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


def logical_types(schema: Schema, rules: Iterable[ColumnRule] = ()) -> dict[str, LogicalType]:
    """The logical type of every column: a spec rule's ``type:`` first, then the Arrow mapping."""
    out: dict[str, LogicalType] = {c.name: c.logical for c in schema.columns}
    for rule in rules:
        if rule.type in RULE_TYPES and rule.column in out:
            out[rule.column] = RULE_TYPES[rule.type]
    return out


@dataclass(frozen=True)
class DatasetHandle:
    """What the pipeline holds for one dataset instead of its rows.

    Attributes
    ----------
    name
        The dataset's role (``training``, ``test``, ...).
    source
        Where the data is (the spec's data entry).
    location
        The file path, or ``<DataFrame>``.
    sha256
        Fingerprint of the file's bytes, or of a canonical serialisation of a DataFrame.
    format
        ``csv``, ``parquet``, ``dataframe`` (or an engine's own, e.g. ``spark``).
    schema
        Columns and types.
    engine
        Name of the engine that opened it and will profile it.
    details
        How it was read (detected encoding and delimiter, duplicated header names, ...).
    n_rows
        Row count when known without a scan (Parquet metadata, a frame), else ``None``.
    state
        Engine-private state (e.g. the pandas engine's already-read frame, so a CSV file is
        parsed once). Not part of the contract; never read outside the engine.
    """

    name: str
    source: DataSource = field(repr=False)
    location: str
    sha256: str
    format: str
    schema: Schema
    engine: str
    details: Mapping[str, Any] = field(default_factory=dict)
    n_rows: int | None = None
    state: Any = field(default=None, repr=False, compare=False)

    @property
    def columns(self) -> list[str]:
        """Column names in order."""
        return self.schema.names


@dataclass(frozen=True)
class ProfilePlan:
    """Which columns of one dataset play which role (only the ones present in it), and how to read them."""

    protected: tuple[str, ...] = ()
    target: str | None = None
    prediction: str | None = None
    score: str | None = None
    id: str | None = None
    selection: str | None = None
    features: tuple[str, ...] = ()
    """Model input features (``columns.features``, default: every column without a role that is
    not protected); counted per group for the proxy checks and kept in the row sample."""
    quality: QualityPlan | None = None
    """Row-level quality work of the same pass: missing-value codes, rules, validators (see
    :mod:`auditor.engines.digests`)."""
    types: Mapping[str, LogicalType] = field(default_factory=dict)
    """Logical type per column, decided once for the whole dataset (:func:`logical_types`); a
    column not listed gets the type of its values in the chunk at hand."""
    bins: Mapping[str, tuple[float, ...]] = field(default_factory=dict)
    """Numeric columns banded at the start of profiling (``columns.bins``), in every part, so
    every statistic, group and check sees the bands (:func:`auditor.engines.bins.apply_bins`)."""

    @classmethod
    def for_columns(cls, columns: Columns, present: Sequence[str] | pd.Index) -> ProfilePlan:
        """The plan for a dataset with the given column names."""
        have = set(present)

        def keep(name: str | None) -> str | None:
            return name if name is not None and name in have else None

        roles = {columns.target, columns.prediction, columns.score, columns.id, columns.selection}
        if columns.features is not None:
            features = tuple(c for c in columns.features if c in have)
        else:
            features = tuple(str(c) for c in present if c not in roles and c not in columns.protected)
        return cls(
            protected=tuple(c for c in columns.protected if c in have),
            target=keep(columns.target),
            prediction=keep(columns.prediction),
            score=keep(columns.score),
            id=keep(columns.id),
            selection=keep(columns.selection),
            features=features,
            bins={c: edges for c, edges in columns.bins.items() if c in have},
        )

    @property
    def roles(self) -> dict[str, str]:
        """Role name → column, for roles that are set."""
        pairs = {"target": self.target, "prediction": self.prediction, "score": self.score, "id": self.id,
                 "selection": self.selection}
        return {role: col for role, col in pairs.items() if col is not None}


@runtime_checkable
class Engine(Protocol):
    """What an engine provides (see the module docstring for the contract)."""

    name: str

    def open(self, source: DataSource) -> DatasetHandle:
        """Check, fingerprint and read the schema of a data source."""
        ...

    def schema(self, source: DataSource) -> Schema:
        """The schema of a data source (column names, Arrow and logical types)."""
        ...

    def profile(self, handle: DatasetHandle, plan: ProfilePlan) -> Profile:
        """The profile of all rows of an opened dataset, with its row evidence attached."""
        ...


_ENGINES: dict[str, Engine] = {}
_BUILTIN = {"pandas": "auditor.engines.pandas", "duckdb": "auditor.engines.duckdb", "spark": "auditor.engines.spark"}


def register_engine(engine: Engine) -> Engine:
    """Make ``engine`` available to :func:`get_engine` under ``engine.name`` (replacing any)."""
    _ENGINES[engine.name] = engine
    return engine


def get_engine(name: str) -> Engine:
    """The engine called ``name``; built-in engines register themselves on first use.

    Raises
    ------
    KeyError
        For an unknown or unavailable engine, naming the known ones.
    """
    if name not in _ENGINES and name in _BUILTIN:
        import importlib

        try:
            importlib.import_module(_BUILTIN[name])
        except ImportError as exc:
            raise KeyError(f"engine {name!r} is not available ({exc}); install its extra, e.g. auditor[{name}]") from None
    if name not in _ENGINES:
        raise KeyError(f"unknown engine {name!r} (known: {', '.join(sorted({*_ENGINES, *_BUILTIN}))})")
    return _ENGINES[name]


def engine_names() -> list[str]:
    """Names of the registered and built-in engines."""
    return sorted({*_ENGINES, *_BUILTIN})


def profile_parts(parts: Iterable[pd.DataFrame], plan: ProfilePlan, *, dataset: str) -> Profile:
    """Profile each part (in order) with the kernel and fold the profiles with ``merge``.

    Parameters
    ----------
    parts
        The rows, as pandas DataFrames in a fixed order (file order, partition index). Each is
        profiled and dropped before the next is read, so memory is bounded by one part plus
        the profile.
    plan
        The same plan for every part.
    dataset
        The dataset's role.

    Raises
    ------
    ValueError
        When there are no parts.
    """
    from auditor.engines.pandas import profile_frame
    from auditor.engines.profile import ProfileMerger

    merger = ProfileMerger()
    for part in parts:
        merger.add(profile_frame(part, dataset=dataset, plan=plan))
    merged = merger.result()
    if merged is None:
        raise ValueError(f"{dataset}: no rows to profile")
    return merged


__all__ = ["KIND_OF", "RULE_TYPES", "ColumnKind", "ColumnType", "DatasetHandle", "Engine", "LogicalType", "ProfilePlan",
           "Schema", "engine_names", "get_engine", "logical_type", "logical_types", "profile_parts", "register_engine"]
