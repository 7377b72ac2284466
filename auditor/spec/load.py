"""Read and validate an audit spec, collecting every problem before raising.

The spec is validated once, at the boundary, before any data is read. Every message names the
file, the key path, what was found, and what is allowed ("did you mean" for unknown keys), and
all problems are reported together (pandera's ``lazy=True``).
"""

from __future__ import annotations

import copy
import difflib
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from auditor.errors import SpecError
from auditor.files import read_yaml
from auditor.profile.labels import canonical_label
from auditor.spec.governance import check_governance
from auditor.spec.model import (
    DATASET_ROLES,
    ENGINES,
    AuditSpec,
    ChecksConfig,
    Columns,
    DataSource,
    Reference,
    ReportConfig,
    Signatory,
)
from auditor.spec.monitoring import parse_monitoring
from auditor.spec.quality import parse_quality

_TOP_KEYS = ("system", "data", "columns", "reference", "checks", "report", "governance", "quality", "monitoring", "engine")
_COLUMN_KEYS = ("target", "prediction", "score", "favourable", "positive", "protected", "features", "id", "selection",
                "label_source", "bins")
LABEL_SOURCES = ("selected_cases", "random_sample", "all_cases", "mixed")
_SOURCE_KEYS = ("path", "file", "table", "format", "delimiter", "encoding", "header", "names")
_CHECK_KEYS = ("rulebook", "thresholds", "skip", "reference_groups", "intersections", "max_groups")
_THRESHOLD_NOTE_KEYS = ("value", "rationale", "declared_by", "date")
_REPORT_KEYS = ("language", "output", "signatories")
_SIGNATORY_KEYS = ("name", "role")
_REFERENCE_KEYS = ("file", "setting")
LANGUAGES = ("en", "nl")


class _Problems:
    """Collects problems as (key, message) and raises them together."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self.items: list[tuple[str, str]] = []

    def add(self, key: str, message: str) -> None:
        self.items.append((key, message))

    def unknown_keys(self, mapping: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
        for key in mapping:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1)
                did_you_mean = f"; did you mean {hint[0]!r}?" if hint else ""
                where = f"{prefix}.{key}" if prefix else str(key)
                self.add(where, f"unknown key {str(key)!r}{did_you_mean} (allowed: {', '.join(allowed)})")

    def raise_if_any(self) -> None:
        if not self.items:
            return
        raise SpecError.from_problems(self.items, what="audit spec", file=self.file)


def _is_frame(value: Any) -> bool:
    """Whether ``value`` is a pandas DataFrame (without loading pandas: a caller who made one has)."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(value, pandas.DataFrame)


def _json_safe(value: Any) -> Any:
    """The spec as given, with DataFrames replaced by a description (for hashing)."""
    if _is_frame(value):
        return f"<DataFrame {value.shape[0]}x{value.shape[1]}>"
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "isoformat"):  # dates from YAML
        return value.isoformat()
    if value is not None and not isinstance(value, str | int | float | bool):  # a schema or suite object
        return f"<{type(value).__name__}>"
    return value


def _read_yaml(path: Path) -> dict[str, Any]:
    loaded = read_yaml(path, what="audit spec file")
    if not isinstance(loaded, dict):
        raise SpecError(
            f"expected a YAML mapping with keys like data:, columns: at the top, found {type(loaded).__name__}",
            file=path,
        )
    return loaded


def _str_list(value: Any, key: str, problems: _Problems) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        if len(set(value)) != len(value):
            problems.add(key, f"lists a column twice: {list(value)}")
        return tuple(value)
    problems.add(key, f"must be a list of column names, found {value!r}")
    return None


def _optional_str(mapping: Mapping[str, Any], key: str, path: str, problems: _Problems) -> str | None:
    value = mapping.get(key)
    if value is None or isinstance(value, str):
        return value
    problems.add(f"{path}.{key}", f"must be a column name (text), found {value!r}")
    return None


def _resolve(value: Any, base_dir: Path) -> Path:
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else (base_dir / path)


def _source(name: str, value: Any, base_dir: Path, problems: _Problems) -> DataSource | None:
    key = f"data.{name}"
    if _is_frame(value) or _is_spark_frame(value):
        return DataSource(name=name, frame=value)
    if isinstance(value, str | Path):
        return DataSource(name=name, path=_resolve(value, base_dir))
    if isinstance(value, Mapping):
        problems.unknown_keys(value, _SOURCE_KEYS, key)
        location = value.get("path", value.get("file"))
        table = value.get("table")
        if table is not None:
            if not isinstance(table, str) or location is not None:
                problems.add(f"{key}.table", f"must be one table name of the Spark catalog, without 'path:', found {table!r}")
                return None
            return DataSource(name=name, table=table)
        if location is None:
            problems.add(key, "needs 'path: <file>' (a CSV or Parquet file) or, with engine: spark, 'table: <name>'")
            return None
        fmt = value.get("format")
        if fmt is not None and fmt not in ("csv", "parquet"):
            problems.add(f"{key}.format", f"must be 'csv' or 'parquet', found {fmt!r}")
        delimiter = value.get("delimiter")
        if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
            problems.add(f"{key}.delimiter", f"must be one character such as ',' or ';', found {delimiter!r}")
        header = value.get("header", True)
        if not isinstance(header, bool):
            problems.add(f"{key}.header", f"must be true or false, found {header!r}")
            header = True
        names = _str_list(value.get("names"), f"{key}.names", problems)
        if not header and names is None:
            problems.add(f"{key}.names", "is required with 'header: false': list the column names in file order")
        return DataSource(
            name=name,
            path=_resolve(location, base_dir),
            format=fmt,
            delimiter=delimiter,
            encoding=value.get("encoding"),
            header=header,
            names=names,
        )
    problems.add(key, f"must be a file path, a DataFrame or a mapping with 'path:', found {type(value).__name__}")
    return None


def _is_spark_frame(value: Any) -> bool:
    """Whether ``value`` is a Spark DataFrame (checked by type name: pyspark is not imported)."""
    return type(value).__name__ == "DataFrame" and type(value).__module__.startswith("pyspark.sql")


def _engine(value: Any, sources: Mapping[str, DataSource], problems: _Problems) -> str:
    if value is None:
        value = "auto"
    if value not in ENGINES:
        hint = difflib.get_close_matches(str(value), ENGINES, n=1)
        did = f"; did you mean {hint[0]!r}?" if hint else ""
        problems.add("engine", f"unknown engine {value!r}{did} (allowed: {', '.join(ENGINES)})")
        return "auto"
    for name, source in sources.items():
        spark_only = source.table is not None or _is_spark_frame(source.frame)
        if spark_only and value not in ("spark", "auto"):
            what = f"table {source.table!r}" if source.table is not None else "a Spark DataFrame"
            problems.add("engine", f"data.{name} is {what}, which only engine: spark reads (found engine: {value})")
        elif source.table is not None and value == "auto":
            problems.add(f"data.{name}.table", "a table of the Spark catalog needs engine: spark")
    return str(value)


def _thresholds(value: Any, problems: _Problems) -> dict[str, float]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.add("checks.thresholds", f"must be a mapping of threshold name to number, found {value!r}")
        return {}
    out: dict[str, float] = {}
    for name, number in value.items():
        if isinstance(number, Mapping):  # {value: 0.9, rationale: ..., declared_by: ..., date: ...}
            problems.unknown_keys(number, _THRESHOLD_NOTE_KEYS, f"checks.thresholds.{name}")
            number = number.get("value")
        if isinstance(number, bool) or not isinstance(number, int | float):
            problems.add(f"checks.thresholds.{name}", f"must be a number (or {{value: <number>, rationale:, declared_by:, date:}}), "
                                                      f"found {number!r}")
            continue
        out[str(name)] = number
    return out


def _threshold_notes(value: Any) -> dict[str, dict[str, str]]:
    """Who changed a threshold in the spec, when and why (the mapping form of ``checks.thresholds``)."""
    if not isinstance(value, Mapping):
        return {}
    return {str(name): {k: str(v) for k, v in body.items() if k != "value" and v is not None}
            for name, body in value.items() if isinstance(body, Mapping)}


def _bins(value: Any, problems: _Problems) -> dict[str, tuple[float, ...]]:
    """``columns.bins``: per numeric column, one or more increasing band edges, e.g. ``{age: [18, 27, 45, 67]}``."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.add("columns.bins", f"must map a numeric column to its band edges, e.g. {{age: [18, 27, 45, 67]}}, found {value!r}")
        return {}
    out: dict[str, tuple[float, ...]] = {}
    for column, edges in value.items():
        ok = (isinstance(edges, list | tuple) and edges
              and all(isinstance(e, int | float) and not isinstance(e, bool) for e in edges))
        if not ok or any(b <= a for a, b in zip(edges, edges[1:])):
            problems.add(f"columns.bins.{column}", f"must be a list of increasing numbers (band edges), e.g. [18, 27, 45, 67], "
                                                   f"found {edges!r}")
            continue
        out[str(column)] = tuple(edges)
    return out


def _skip(value: Any, problems: _Problems) -> dict[str, str | None]:
    """``checks.skip``: a list of check ids, or a mapping of check id to the reason for skipping it."""
    if value is None:
        return {}
    if isinstance(value, str):
        value = [value]
    if isinstance(value, Mapping):
        out: dict[str, str | None] = {}
        for cid, reason in value.items():
            if reason is not None and not isinstance(reason, str):
                problems.add(f"checks.skip.{cid}", f"must be the reason for skipping the check (text), found {reason!r}")
                continue
            out[str(cid)] = reason or None
        return out
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return dict.fromkeys(value)
    problems.add("checks.skip", f"must list check ids, or map each check id to the reason for skipping it, found {value!r}")
    return {}


def _signatories(value: Any, problems: _Problems) -> tuple[Signatory, ...]:
    """``report.signatories``: a list of ``{name, role}``, each a non-empty text."""
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        problems.add("report.signatories", f"must be a list of {{name:, role:}} mappings, found {value!r}")
        return ()
    out: list[Signatory] = []
    for i, entry in enumerate(value):
        key = f"report.signatories[{i}]"
        if not isinstance(entry, Mapping):
            problems.add(key, f"must be a mapping with name: and role:, found {entry!r}")
            continue
        problems.unknown_keys(entry, _SIGNATORY_KEYS, key)
        texts = {}
        for field in _SIGNATORY_KEYS:
            text = entry.get(field)
            if not isinstance(text, str) or not text.strip():
                problems.add(f"{key}.{field}", f"is required: the signatory's {field} as text, found {text!r}")
            else:
                texts[field] = text.strip()
        if len(texts) == len(_SIGNATORY_KEYS):
            out.append(Signatory(**texts))
    return tuple(out)


def _label_source(value: Any, problems: _Problems) -> str | None:
    """``columns.label_source``: one of :data:`LABEL_SOURCES`."""
    if value is None or value in LABEL_SOURCES:
        return value
    hint = difflib.get_close_matches(str(value), LABEL_SOURCES, n=1)
    did = f"; did you mean {hint[0]!r}?" if hint else ""
    problems.add("columns.label_source", f"unknown value {value!r}{did} (allowed: {', '.join(LABEL_SOURCES)})")
    return None


def _setting(value: Any, problems: _Problems) -> dict[str, tuple[str, ...]]:
    """``reference.setting``: attribute → list of the values the system is used for."""
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not value:
        problems.add("reference.setting", f"must map a column to the values of the setting of use, e.g. "
                                          f"{{district: [Noord, Zuid]}}, found {value!r}")
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for attribute, values in value.items():
        items = [values] if isinstance(values, str | int | float | bool) else values
        labels = [canonical_label(v) for v in items] if isinstance(items, list | tuple) else [None]
        if not labels or any(v is None for v in labels):
            problems.add(f"reference.setting.{attribute}", f"must be a non-empty list of values, found {values!r}")
            continue
        out[str(attribute)] = tuple(dict.fromkeys(str(v) for v in labels))
    return out


def _intersections(value: Any, protected: tuple[str, ...], problems: _Problems) -> tuple[tuple[str, ...], ...] | None:
    """``checks.intersections``: ``pairs`` (default), ``none``, or a list of attribute lists."""
    if value is None or value == "pairs":
        return None
    if value == "none":
        return ()
    key = "checks.intersections"
    if not isinstance(value, list | tuple):
        problems.add(key, f"must be 'pairs', 'none' or a list of lists of protected attributes, found {value!r}")
        return None
    out: list[tuple[str, ...]] = []
    for i, entry in enumerate(value):
        names = entry if isinstance(entry, list | tuple) else None
        if names is None or len(names) < 2 or not all(isinstance(n, str) for n in names) or len(set(names)) != len(names):
            problems.add(f"{key}[{i}]", f"must list two or more different protected attributes, found {entry!r}")
            continue
        unknown = [n for n in names if n not in protected]
        if unknown:
            hint = difflib.get_close_matches(unknown[0], protected, n=1)
            did = f"; did you mean {hint[0]!r}?" if hint else ""
            problems.add(f"{key}[{i}]", f"{unknown[0]!r} is not in columns.protected{did} ({', '.join(protected) or 'empty'})")
            continue
        out.append(tuple(names))
    return tuple(out)


def _max_groups(value: Any, problems: _Problems) -> int:
    """``checks.max_groups``: a whole number of at least 2."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        problems.add("checks.max_groups", f"must be a whole number of at least 2 (default {ChecksConfig.max_groups}), found {value!r}")
        return ChecksConfig.max_groups
    return value


def build_spec(
    raw: Mapping[str, Any],
    *,
    source_file: Path | None = None,
    base_dir: Path | None = None,
) -> AuditSpec:
    """Validate a spec mapping and return an :class:`AuditSpec`.

    Parameters
    ----------
    raw
        The spec as a mapping (parsed YAML, or a dict whose ``data`` entries may be DataFrames).
    source_file
        The YAML file it came from, named in messages.
    base_dir
        Folder that relative paths are resolved against (default: the spec file's folder, or
        the current folder).

    Raises
    ------
    SpecError
        With every problem found, each naming its key path.
    """
    base = base_dir or (source_file.parent if source_file else Path.cwd())
    problems = _Problems(source_file)
    problems.unknown_keys(raw, _TOP_KEYS, "")

    data_raw = raw.get("data")
    sources: dict[str, DataSource] = {}
    if not isinstance(data_raw, Mapping) or not data_raw:
        problems.add("data", f"is required: give at least one of {', '.join(DATASET_ROLES)} (a file path or a DataFrame)")
    else:
        problems.unknown_keys(data_raw, DATASET_ROLES, "data")
        for name in DATASET_ROLES:
            if data_raw.get(name) is not None:
                source = _source(name, data_raw[name], base, problems)
                if source is not None:
                    sources[name] = source

    cols_raw = raw.get("columns") or {}
    if not isinstance(cols_raw, Mapping):
        problems.add("columns", f"must be a mapping (target:, prediction:, protected: ...), found {cols_raw!r}")
        cols_raw = {}
    problems.unknown_keys(cols_raw, _COLUMN_KEYS, "columns")
    protected = _str_list(cols_raw.get("protected"), "columns.protected", problems) or ()
    features = _str_list(cols_raw.get("features"), "columns.features", problems)
    columns = Columns(
        target=_optional_str(cols_raw, "target", "columns", problems),
        prediction=_optional_str(cols_raw, "prediction", "columns", problems),
        score=_optional_str(cols_raw, "score", "columns", problems),
        favourable=cols_raw.get("favourable"),
        positive=cols_raw.get("positive", 1),
        protected=protected,
        features=features,
        id=_optional_str(cols_raw, "id", "columns", problems),
        selection=_optional_str(cols_raw, "selection", "columns", problems),
        label_source=_label_source(cols_raw.get("label_source"), problems),
        bins=_bins(cols_raw.get("bins"), problems),
    )
    if columns.target is not None and columns.target in protected:
        problems.add("columns.protected", f"lists the target column {columns.target!r}; a label is not a group")
    if columns.favourable is not None and isinstance(columns.favourable, list | dict):
        problems.add("columns.favourable", f"must be one label value such as 0 or 'approved', found {columns.favourable!r}")

    reference: Reference | None = None
    ref_raw = raw.get("reference")
    if _is_frame(ref_raw):
        reference = Reference(frame=ref_raw)
    elif isinstance(ref_raw, str | Path):
        reference = Reference(path=_resolve(ref_raw, base))
    elif isinstance(ref_raw, Mapping):
        problems.unknown_keys(ref_raw, _REFERENCE_KEYS, "reference")
        file = ref_raw.get("file")
        setting = _setting(ref_raw.get("setting"), problems)
        if _is_frame(file):
            reference = Reference(frame=file, setting=setting)
        elif isinstance(file, str | Path):
            reference = Reference(path=_resolve(file, base), setting=setting)
        elif file is None and "setting" in ref_raw:
            reference = Reference(setting=setting)
        else:
            problems.add("reference.file", "needs a CSV file with columns attribute,category,share (in Python also a "
                                           f"DataFrame with those columns), found {file!r}")
    elif ref_raw is not None:
        problems.add("reference", f"must be a mapping with 'file:', found {ref_raw!r}")

    checks_raw = raw.get("checks") or {}
    checks = ChecksConfig()
    if not isinstance(checks_raw, Mapping):
        problems.add("checks", f"must be a mapping (rulebook:, thresholds:), found {checks_raw!r}")
    else:
        problems.unknown_keys(checks_raw, _CHECK_KEYS, "checks")
        rulebook = checks_raw.get("rulebook", ChecksConfig.rulebook)
        if not isinstance(rulebook, str):
            problems.add("checks.rulebook", f"must be a rulebook name or a YAML path, found {rulebook!r}")
            rulebook = ChecksConfig.rulebook
        skip = _skip(checks_raw.get("skip"), problems)
        groups_raw = checks_raw.get("reference_groups") or {}
        if not isinstance(groups_raw, Mapping):
            problems.add("checks.reference_groups", f"must map attribute to group, e.g. {{sex: M}}, found {groups_raw!r}")
            groups_raw = {}
        for attr in groups_raw:
            if attr not in protected:
                problems.add(f"checks.reference_groups.{attr}", f"{attr!r} is not in columns.protected ({', '.join(protected) or 'empty'})")
        checks = ChecksConfig(
            rulebook=rulebook,
            thresholds=_thresholds(checks_raw.get("thresholds"), problems),
            threshold_notes=_threshold_notes(checks_raw.get("thresholds")),
            skip=skip,
            reference_groups={str(k): canonical_label(v) or "" for k, v in groups_raw.items()},
            intersections=_intersections(checks_raw.get("intersections"), protected, problems),
            max_groups=_max_groups(checks_raw.get("max_groups", ChecksConfig.max_groups), problems),
        )

    report_raw = raw.get("report") or {}
    report = ReportConfig()
    if not isinstance(report_raw, Mapping):
        problems.add("report", f"must be a mapping (language:, output:), found {report_raw!r}")
    else:
        problems.unknown_keys(report_raw, _REPORT_KEYS, "report")
        language = report_raw.get("language", "en")
        if language not in LANGUAGES:
            problems.add("report.language", f"must be one of {', '.join(LANGUAGES)}, found {language!r}")
            language = "en"
        output = report_raw.get("output")
        report = ReportConfig(language=language, output=_resolve(output, base) if output else None,
                              signatories=_signatories(report_raw.get("signatories"), problems))

    system_raw = raw.get("system")
    system: Path | Mapping[str, Any] | None
    if system_raw is None or isinstance(system_raw, Mapping):
        system = system_raw
    elif isinstance(system_raw, str | Path):
        system = _resolve(system_raw, base)
    else:
        problems.add("system", f"must be a path to a system description or a mapping, found {system_raw!r}")
        system = None

    governance = raw.get("governance") or {}
    if not isinstance(governance, Mapping):
        problems.add("governance", f"must be a mapping of declarations, found {governance!r}")
        governance = {}
    check_governance(governance, problems)
    quality = parse_quality(raw.get("quality"), base, problems)
    engine = _engine(raw.get("engine"), sources, problems)
    monitoring = parse_monitoring(raw.get("monitoring"), base, problems)

    problems.raise_if_any()
    return AuditSpec(
        data=sources,
        columns=columns,
        system=system,
        reference=reference,
        checks=checks,
        report=report,
        governance=governance,
        quality=quality,
        engine=engine,
        monitoring=monitoring,
        source_file=source_file,
        base_dir=base,
        raw=_json_safe(raw),
        given=raw,
    )


def _merge(base: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``overrides`` into a copy of ``base``; dotted keys address nested keys."""
    out = dict(base)
    for key, value in overrides.items():
        head, _, rest = str(key).partition(".")
        if rest:
            inner = out.get(head)
            out[head] = _merge(inner if isinstance(inner, dict) else {}, {rest: value})
        elif isinstance(value, Mapping) and isinstance(out.get(head), dict):
            out[head] = _merge(out[head], value)
        else:
            out[head] = value
    return out


def load_spec(spec: str | Path | Mapping[str, Any] | AuditSpec, **overrides: Any) -> AuditSpec:
    """Load an audit spec from a YAML file, a mapping, or pass an :class:`AuditSpec` through.

    Parameters
    ----------
    spec
        Path to a YAML file (relative paths inside resolve against its folder), a mapping with
        the same keys (data entries may be DataFrames), or an already built spec.
    **overrides
        Keys to override, nested with dots: ``load_spec("audit.yaml", **{"report.language": "en"})``.

    Returns
    -------
    AuditSpec
        The validated spec; no data has been read yet.

    Raises
    ------
    SpecError
        Naming the file, key path and fix for every problem found.
    """
    if isinstance(spec, AuditSpec):
        if not overrides:
            return spec
        if not spec.given:
            raise SpecError("overrides need a spec built by load_spec (this AuditSpec was made by hand); "
                            "use dataclasses.replace to change it")
        # The spec as given, objects included, with relative paths against the same folder.
        return build_spec(_merge(dict(spec.given), overrides), source_file=spec.source_file, base_dir=spec.base_dir)
    if isinstance(spec, str | Path):
        path = Path(spec)
        raw = _read_yaml(path)
        return build_spec(_merge(raw, overrides), source_file=path)
    if isinstance(spec, Mapping):
        # Shallow copies only: DataFrames inside are shared, never mutated.
        raw = _merge(copy.copy(dict(spec)), overrides)
        return build_spec(raw)
    raise SpecError(f"an audit spec must be a YAML path, a dict or an AuditSpec, got {type(spec).__name__}")
