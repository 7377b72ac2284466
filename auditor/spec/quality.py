"""The ``quality:`` section of the audit spec: what the data must look like (Art. 10(3)).

.. code-block:: yaml

    quality:
      rules:                          # validity, per column
        months_on_benefit: {type: integer, min: 0, max: 120}
        sex: {allowed: [F, M, X], nullable: false}
        application_id: {pattern: "A[0-9]{6}"}
        application_date: {type: date, min: 2023-01-01}
      cross_field:                    # consistency: a condition every row must satisfy
        end_after_start: "end_date >= start_date"
      missing_values:                 # codes that mean "missing": treated as missing before profiling
        income: [-8]
        "*": ["?"]                    # in every column
      accepted_values:                # values that look like missing-value codes but are real
        hours_per_week: [99]
      pandera: schema.yaml            # a pandera DataFrameSchema (YAML or JSON; in Python: the object)
      great_expectations: suite.json  # a Great Expectations 1.x expectation suite (JSON)
      date_column: application_date   # timeliness: the date each row refers to
      period_of_use: {start: 2026-01-01, end: 2027-12-31}

Every key is optional. Paths resolve against the spec file's folder. Validation here is about
the spec itself (types, known keys, parseable rules and patterns); whether the columns exist is
checked once the data are read.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from auditor.validation.expressions import ExpressionError, parse_expression

QUALITY_KEYS = ("rules", "cross_field", "missing_values", "accepted_values", "pandera", "great_expectations",
                "date_column", "period_of_use")
RULE_KEYS = ("type", "min", "max", "allowed", "pattern", "nullable", "format")
RULE_TYPES = ("integer", "number", "boolean", "date")
ALL_COLUMNS = "*"


class _Problems(Protocol):
    def add(self, key: str, message: str) -> None: ...

    def unknown_keys(self, mapping: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None: ...


@dataclass(frozen=True)
class ColumnRule:
    """What the values of one column must satisfy.

    Attributes
    ----------
    column
        The column.
    type
        ``integer``, ``number``, ``boolean`` or ``date``: every value must read as one.
    min, max
        Inclusive bounds (numbers; dates for a date column).
    allowed
        The allowed values (compared as canonical labels: ``1`` and ``1.0`` are the same).
    pattern
        A regular expression (Python :mod:`re`) the whole text of every value must match.
    nullable
        ``False``: a missing value breaks the rule.
    format
        ``strftime`` format of a date stored as text (default: ISO 8601).
    """

    column: str
    type: str | None = None
    min: Any = None
    max: Any = None
    allowed: tuple[Any, ...] | None = None
    pattern: str | None = None
    nullable: bool = True
    format: str | None = None


@dataclass(frozen=True)
class CrossFieldRule:
    """A named condition every row must satisfy (see :mod:`auditor.validation.expressions`)."""

    name: str
    expression: str
    columns: tuple[str, ...] = ()


@dataclass(frozen=True)
class PeriodOfUse:
    """When the system is (to be) used; ``end`` ``None`` = open-ended."""

    start: date
    end: date | None = None


@dataclass(frozen=True)
class QualitySpec:
    """The validated ``quality:`` section (see the module docstring for the YAML form)."""

    rules: tuple[ColumnRule, ...] = ()
    cross_field: tuple[CrossFieldRule, ...] = ()
    missing_values: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    accepted_values: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    pandera: Any = field(default=None, compare=False)
    """A path to a pandera schema (YAML/JSON), or a ``DataFrameSchema`` / ``DataFrameModel`` object."""
    great_expectations: Any = field(default=None, compare=False)
    """A path to a GX 1.x suite (JSON), its content as a mapping, or an ``ExpectationSuite``."""
    date_column: str | None = None
    period_of_use: PeriodOfUse | None = None

    @property
    def columns(self) -> dict[str, str]:
        """Every column the section names, with the key path that names it (for error messages)."""
        out: dict[str, str] = {}
        for rule in self.rules:
            out.setdefault(rule.column, f"quality.rules.{rule.column}")
        for rule in self.cross_field:
            for column in rule.columns:
                out.setdefault(column, f"quality.cross_field.{rule.name}")
        for key in ("missing_values", "accepted_values"):
            for column in getattr(self, key):
                if column != ALL_COLUMNS:
                    out.setdefault(column, f"quality.{key}.{column}")
        if self.date_column:
            out.setdefault(self.date_column, "quality.date_column")
        return out


def parse_date(value: Any) -> date | None:
    """A date from YAML (already a date) or ISO text; ``None`` if it is neither."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _values(value: Any, key: str, problems: _Problems) -> tuple[Any, ...] | None:
    items = list(value) if isinstance(value, list | tuple) else [value]
    if not items or not all(v is None or isinstance(v, str | int | float | bool) for v in items):
        problems.add(key, f"must be a list of values (numbers or text), found {value!r}")
        return None
    return tuple(items)


def _rule(column: str, body: Any, problems: _Problems) -> ColumnRule | None:
    key = f"quality.rules.{column}"
    if not isinstance(body, Mapping) or not body:
        problems.add(key, f"must be a mapping with any of {', '.join(RULE_KEYS)}, found {body!r}")
        return None
    problems.unknown_keys(body, RULE_KEYS, key)
    kind = body.get("type")
    if kind is not None and kind not in RULE_TYPES:
        hint = difflib.get_close_matches(str(kind), RULE_TYPES, n=1)
        did = f"; did you mean {hint[0]!r}?" if hint else ""
        problems.add(f"{key}.type", f"unknown type {kind!r}{did} (allowed: {', '.join(RULE_TYPES)})")
    bounds = {}
    for side in ("min", "max"):
        bound = body.get(side)
        if bound is None:
            continue
        if _is_number(bound):
            bounds[side] = bound
        elif parse_date(bound) is not None:
            bounds[side] = parse_date(bound)
        else:
            problems.add(f"{key}.{side}", f"must be a number or a date (YYYY-MM-DD), found {bound!r}")
    if len(bounds) == 2 and type(bounds["min"]) is type(bounds["max"]) and bounds["min"] > bounds["max"]:
        problems.add(key, f"min ({bounds['min']}) is larger than max ({bounds['max']})")
    allowed = _values(body["allowed"], f"{key}.allowed", problems) if "allowed" in body else None
    pattern = body.get("pattern")
    if pattern is not None:
        try:
            re.compile(str(pattern))
        except re.error as exc:
            problems.add(f"{key}.pattern", f"is not a valid regular expression ({exc}); found {pattern!r}")
    nullable = body.get("nullable", True)
    if not isinstance(nullable, bool):
        problems.add(f"{key}.nullable", f"must be true or false, found {nullable!r}")
        nullable = True
    fmt = body.get("format")
    if fmt is not None and not isinstance(fmt, str):
        problems.add(f"{key}.format", f"must be a date format such as '%d-%m-%Y', found {fmt!r}")
    return ColumnRule(column=column, type=kind if kind in RULE_TYPES else None, min=bounds.get("min"),
                      max=bounds.get("max"), allowed=allowed, pattern=None if pattern is None else str(pattern),
                      nullable=nullable, format=fmt if isinstance(fmt, str) else None)


def _value_lists(value: Any, key: str, problems: _Problems) -> dict[str, tuple[Any, ...]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.add(key, f"must map a column (or '*' for every column) to a list of values, found {value!r}")
        return {}
    out: dict[str, tuple[Any, ...]] = {}
    for column, values in value.items():
        parsed = _values(values, f"{key}.{column}", problems)
        if parsed is not None:
            out[str(column)] = parsed
    return out


def _path_or_object(value: Any, key: str, suffixes: tuple[str, ...], base_dir: Path, problems: _Problems) -> Any:
    if value is None or not isinstance(value, str | Path):
        return value
    path = Path(value).expanduser()
    path = path if path.is_absolute() else base_dir / path
    if path.suffix.lower() not in suffixes:
        problems.add(key, f"must be a {' or '.join(suffixes)} file, found {str(value)!r}")
    elif not path.is_file():
        problems.add(key, f"file not found: {path}")
    return path


def parse_quality(raw: Any, base_dir: Path, problems: _Problems) -> QualitySpec:
    """Validate the ``quality:`` section; problems are collected, not raised.

    Parameters
    ----------
    raw
        The section as given (``None`` when absent).
    base_dir
        Folder that relative paths are resolved against.
    problems
        The spec loader's problem collector.
    """
    if raw is None:
        return QualitySpec()
    if not isinstance(raw, Mapping):
        problems.add("quality", f"must be a mapping with any of {', '.join(QUALITY_KEYS)}, found {raw!r}")
        return QualitySpec()
    problems.unknown_keys(raw, QUALITY_KEYS, "quality")

    rules: list[ColumnRule] = []
    rules_raw = raw.get("rules") or {}
    if not isinstance(rules_raw, Mapping):
        problems.add("quality.rules", f"must map a column to its rule, e.g. {{age: {{min: 0, max: 120}}}}, found {rules_raw!r}")
    else:
        for column, body in rules_raw.items():
            rule = _rule(str(column), body, problems)
            if rule is not None:
                rules.append(rule)

    cross: list[CrossFieldRule] = []
    cross_raw = raw.get("cross_field") or {}
    if not isinstance(cross_raw, Mapping):
        problems.add("quality.cross_field", f"must map a rule name to a condition, e.g. "
                                            f"{{end_after_start: 'end_date >= start_date'}}, found {cross_raw!r}")
    else:
        for name, text in cross_raw.items():
            key = f"quality.cross_field.{name}"
            if not re.fullmatch(r"[A-Za-z0-9_]+", str(name)):
                problems.add(key, "a rule name may only contain letters, digits and _")
                continue
            try:
                parsed = parse_expression(text)
            except ExpressionError as exc:
                problems.add(key, str(exc))
                continue
            cross.append(CrossFieldRule(name=str(name), expression=str(text), columns=parsed.columns))

    date_column = raw.get("date_column")
    if date_column is not None and not isinstance(date_column, str):
        problems.add("quality.date_column", f"must be a column name, found {date_column!r}")
        date_column = None

    period = None
    period_raw = raw.get("period_of_use")
    if period_raw is not None:
        if not isinstance(period_raw, Mapping) or "start" not in period_raw:
            problems.add("quality.period_of_use", f"must be a mapping {{start: YYYY-MM-DD, end: YYYY-MM-DD}}, found {period_raw!r}")
        else:
            problems.unknown_keys(period_raw, ("start", "end"), "quality.period_of_use")
            start, end = parse_date(period_raw.get("start")), parse_date(period_raw.get("end"))
            if start is None:
                problems.add("quality.period_of_use.start", f"must be a date (YYYY-MM-DD), found {period_raw.get('start')!r}")
            if period_raw.get("end") is not None and end is None:
                problems.add("quality.period_of_use.end", f"must be a date (YYYY-MM-DD), found {period_raw.get('end')!r}")
            if start is not None and end is not None and end < start:
                problems.add("quality.period_of_use", f"ends ({end}) before it starts ({start})")
            if start is not None:
                period = PeriodOfUse(start=start, end=end)

    return QualitySpec(
        rules=tuple(rules),
        cross_field=tuple(cross),
        missing_values=_value_lists(raw.get("missing_values"), "quality.missing_values", problems),
        accepted_values=_value_lists(raw.get("accepted_values"), "quality.accepted_values", problems),
        pandera=_path_or_object(raw.get("pandera"), "quality.pandera", (".yaml", ".yml", ".json"), base_dir, problems),
        great_expectations=_path_or_object(raw.get("great_expectations"), "quality.great_expectations", (".json",),
                                           base_dir, problems),
        date_column=date_column,
        period_of_use=period,
    )


__all__ = ["ALL_COLUMNS", "QUALITY_KEYS", "RULE_TYPES", "ColumnRule", "CrossFieldRule", "PeriodOfUse", "QualitySpec",
           "parse_date", "parse_quality"]
