"""What the profiling pass must check on the rows of one dataset, built from the spec's ``quality:``.

:func:`quality_plans` runs after the data are read and before they are profiled: it checks that
every column the ``quality:`` section names exists (all problems reported together), loads the
pandera schema and the Great Expectations suite once (a bad file is a spec error, before any
profiling), and keeps for each dataset the rules whose columns it has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from auditor.errors import SpecError
from auditor.spec.model import AuditSpec
from auditor.spec.quality import ALL_COLUMNS, ColumnRule
from auditor.validation.expressions import Expression, parse_expression


@dataclass(frozen=True)
class QualityPlan:
    """The row-level work of the profiling pass for one dataset (see :mod:`auditor.engines.digests`).

    Attributes
    ----------
    rules
        Column rules for columns this dataset has.
    cross_field
        ``(name, expression)`` of the cross-field rules whose columns this dataset has.
    missing_values
        Per column, the codes to treat as missing before profiling.
    accepted_values
        Per column, values that look like missing-value codes but are declared real.
    date_column, date_format
        The column with each row's date (timeliness), and its text format if any.
    pandera
        A pandera ``DataFrameSchema`` to run, or ``None``.
    expectations
        A Great Expectations 1.x suite (its JSON content) to run, or ``None``.
    header_duplicates
        Column names that occurred more than once in the file's header (from the loader).
    """

    rules: tuple[ColumnRule, ...] = ()
    cross_field: tuple[tuple[str, Expression], ...] = ()
    missing_values: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    accepted_values: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    date_column: str | None = None
    date_format: str | None = None
    pandera: Any = field(default=None, compare=False, repr=False)
    expectations: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    header_duplicates: tuple[str, ...] = ()


def quality_plans(spec: AuditSpec, frames: Mapping[str, pd.DataFrame | Sequence[str]],
                  details: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, QualityPlan]:
    """One :class:`QualityPlan` per dataset.

    Parameters
    ----------
    spec
        The validated spec.
    frames
        The column names by role (or the loaded data: its columns are used).
    details
        The loader's details per role (``duplicated_columns`` is used).

    Raises
    ------
    SpecError
        When a column named under ``quality:`` is in none of the datasets, or the pandera schema
        or the expectation suite cannot be used.
    """
    quality = spec.quality
    frames = {name: list(getattr(frame, "columns", frame)) for name, frame in frames.items()}
    present = {name: {str(c) for c in columns} for name, columns in frames.items()}
    everywhere = set().union(*present.values()) if present else set()
    problems = [(key, f"column {column!r} is in none of the datasets ({', '.join(frames)})")
                for column, key in quality.columns.items() if column not in everywhere]
    if problems:
        raise SpecError.from_problems(problems, what="columns named under quality", file=spec.source_file)
    schema = None
    if quality.pandera is not None:
        from auditor.validation.pandera import load_schema

        schema = load_schema(quality.pandera, file=spec.source_file)
    suite = None
    if quality.great_expectations is not None:
        from auditor.validation.gx import load_suite

        suite = load_suite(quality.great_expectations, file=spec.source_file)
    date_format = next((r.format for r in quality.rules if r.column == quality.date_column and r.format), None)
    plans: dict[str, QualityPlan] = {}
    for name, frame in frames.items():
        have = present[name]
        missing_values: dict[str, tuple[Any, ...]] = {}
        for column in frame:
            codes = (*quality.missing_values.get(ALL_COLUMNS, ()), *quality.missing_values.get(str(column), ()))
            if codes and column != spec.columns.id:
                missing_values[str(column)] = tuple(dict.fromkeys(codes))
        plans[name] = QualityPlan(
            rules=tuple(r for r in quality.rules if r.column in have),
            cross_field=tuple((r.name, parse_expression(r.expression)) for r in quality.cross_field
                              if set(r.columns) <= have),
            missing_values=missing_values,
            accepted_values={c: v for c, v in quality.accepted_values.items() if c in have},
            date_column=quality.date_column if quality.date_column in have else None,
            date_format=date_format,
            pandera=schema,
            expectations=suite,
            header_duplicates=tuple((details or {}).get(name, {}).get("duplicated_columns", ())),
        )
    return plans


__all__ = ["QualityPlan", "quality_plans"]
