"""Read the datasets named in a spec and fingerprint them.

Sources are CSV (delimiter and encoding detected unless given), Parquet, or pandas DataFrames.
Every dataset gets a SHA-256 fingerprint: of the file's bytes, or, for a DataFrame, of a
canonical serialisation (column names, dtypes and pandas' stable per-row hashes), so the
evidence names exactly which data was audited.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from auditor.errors import DataError
from auditor.spec.model import DataSource

_SNIFF_BYTES = 64 * 1024
_DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class Dataset:
    """A loaded dataset with its fingerprint.

    Attributes
    ----------
    name
        Role in the audit (``training``, ``test``, ...).
    frame
        The data.
    source
        The file path, or ``<DataFrame>``.
    sha256
        Fingerprint (see module docstring).
    format
        ``csv``, ``parquet`` or ``dataframe``.
    details
        How it was read: detected encoding and delimiter, duplicated header names, ...
    """

    name: str
    frame: pd.DataFrame = field(repr=False)
    source: str
    sha256: str
    format: str
    details: dict[str, Any] = field(default_factory=dict)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def frame_sha256(frame: pd.DataFrame) -> str:
    """SHA-256 of a canonical serialisation of a DataFrame (names, dtypes, row hashes)."""
    digest = hashlib.sha256()
    digest.update(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    try:
        rows = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    except TypeError:  # unhashable cells (lists, dicts): hash their canonical text form
        rows = pd.util.hash_pandas_object(normalise_cells(frame)[0], index=False).to_numpy()
    digest.update(np.ascontiguousarray(rows).tobytes())
    return digest.hexdigest()


def _detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (by BOM, or by its zero bytes), else Windows-1252, else Latin-1.

    Statistical detectors guess wrongly on short Western-European files (they take
    ``Zürich`` in cp1252 for cp850); government exports are UTF-8 or Windows-1252 in practice,
    so those are tried in that order. ``encoding:`` in the spec overrides the detection.
    """
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = head[: len(head) - len(head) % 2]
    if sample and sample.count(0) >= len(sample) // 4:  # UTF-16 without a BOM: every other byte of ASCII text is 0
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        return "utf-16-le" if odd > even else "utf-16-be"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4 and exc.reason.startswith("unexpected end"):
            return "utf-8"  # a multi-byte character cut at the sniff boundary
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _detect_delimiter(text: str) -> str:
    lines = text.splitlines()[:50]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        counts = {d: header.count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] > 0 else ","


@dataclass(frozen=True)
class CsvLayout:
    """How a CSV file is laid out, detected from its first bytes (:func:`sniff_csv`).

    Attributes
    ----------
    encoding, delimiter
        As given under the data entry, or detected.
    header
        The column names of the first line (or ``names:`` from the spec), duplicates kept.
    text
        The first bytes of the file, decoded (for the messages about a file read as one column).
    """

    encoding: str
    delimiter: str
    header: list[str]
    text: str

    @property
    def details(self) -> dict[str, Any]:
        """``encoding``, ``delimiter`` and, when a name repeats, ``duplicated_columns`` (for the evidence)."""
        out: dict[str, Any] = {"encoding": self.encoding, "delimiter": self.delimiter}
        duplicated = sorted({name for name in self.header if self.header.count(name) > 1})
        if duplicated:
            out["duplicated_columns"] = duplicated
        return out


def sniff_csv(source: DataSource, path: Path) -> CsvLayout:
    """Detect a CSV file's encoding, delimiter and header, the same way for every engine.

    Raises
    ------
    DataError
        For an empty file, an unknown encoding, or ``names:`` that do not match the first line.
    """
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head.strip():
        raise DataError("the file is empty; expected a header row and data rows", source=path)
    encoding = source.encoding or _detect_encoding(head)
    try:
        text = head.decode(encoding, errors="replace")
    except LookupError:
        raise DataError(f"unknown encoding {encoding!r}; use e.g. utf-8, latin-1 or cp1252", source=path) from None
    delimiter = source.delimiter or _detect_delimiter(text)
    header = next(csv.reader(io.StringIO(text.splitlines()[0] if text else ""), delimiter=delimiter), [])
    if source.names is not None:  # the spec names the columns (a file without a header, or renamed)
        if len(header) != len(source.names):
            raise DataError(f"the first line has {len(header)} fields but 'names:' lists {len(source.names)} columns; "
                            "give one name per column, in file order", source=path)
        header = list(source.names)
    return CsvLayout(encoding=encoding, delimiter=delimiter, header=header, text=text)


def _read_csv(source: DataSource, path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    layout = sniff_csv(source, path)
    encoding, delimiter, text = layout.encoding, layout.delimiter, layout.text
    options: dict[str, Any] = {}
    if source.names is not None:
        options = {"header": 0 if source.header else None, "names": list(source.names)}
    try:
        frame = pd.read_csv(path, sep=delimiter, encoding=encoding, low_memory=False, **options)
    except UnicodeDecodeError as exc:
        raise DataError(
            f"cannot be decoded as {encoding} ({exc.reason} at byte {exc.start}); "
            "give the right one with 'encoding:' under this data entry",
            source=path,
        ) from None
    except pd.errors.ParserError as exc:
        first = str(exc).strip().splitlines()[0]
        raise DataError(
            f"is not a well-formed CSV with delimiter {delimiter!r} ({first}); "
            "check quoting, or set 'delimiter:' under this data entry",
            source=path,
        ) from None
    except pd.errors.EmptyDataError:
        raise DataError("the file has no columns; expected a header row", source=path) from None
    first_line = text.splitlines()[0] if text else ""
    if "\x00" in first_line:  # NUL characters in text: UTF-16 (or another wide encoding) read byte by byte
        raise DataError(f"the header read as {encoding} holds NUL characters ({first_line[:24]!r}): the file looks "
                        "UTF-16 encoded; set 'encoding: utf-16' (or utf-16-le / utf-16-be) under this data entry", source=path)
    if frame.shape[1] == 1 and source.names is None:
        _one_column(str(frame.columns[0]), text, delimiter, encoding, path)
    return frame, layout.details


def _one_column(name: str, text: str, delimiter: str, encoding: str, path: Path) -> None:
    """A file read as one column was most likely split wrongly: say how to read it instead.

    A genuine one-column file (a header without any other delimiter, readable text) passes.
    """
    header = text.splitlines()[0] if text else name
    others = {d: header.count(d) for d in _DELIMITERS if d != delimiter and header.count(d)}
    if "\x00" in header or "\ufffd" in header:
        raise DataError(f"reads as a single column with encoding {encoding} (the header looks garbled: {header[:40]!r}); "
                        "give the right one with 'encoding:' under this data entry (e.g. utf-16, cp1252)", source=path)
    if others:
        best = max(others, key=lambda d: others[d])
        raise DataError(f"reads as a single column {header[:60]!r} with delimiter {delimiter!r}; it looks delimited by "
                        f"{best!r}: set 'delimiter: {best!r}' under this data entry", source=path)


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a bad file
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(f"is not a readable Parquet file ({first})", source=path) from None


_NESTED = (list, tuple, dict, set, frozenset, np.ndarray)


def _cell_text(value: Any) -> Any:
    """One cell of a column the engines cannot take as it is, as text (missing stays missing)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="backslashreplace")
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, set | frozenset):
        value = sorted(value, key=repr)
    if isinstance(value, _NESTED):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def normalise_cells(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Columns of values the engines cannot compare turned into text, and what was done.

    The engines take numbers, booleans, dates and text. A column of bytes (decoded as UTF-8,
    undecodable bytes as ``\\xNN`` escapes), of nested values (lists, arrays, mappings from
    Parquet, as canonical JSON text) or of mixed Python types (e.g. numbers and text in one
    object column, as text) is converted, so each distinct value stays one category. The
    caller's frame is not changed. Detection uses pandas' C-level ``infer_dtype``; a column is
    scanned in Python only when it must be converted.

    Returns
    -------
    (frame, converted)
        ``converted`` maps each converted column to what it held (``bytes``, ``nested``,
        ``mixed``), recorded in the dataset's ``details``.
    """
    converted: dict[str, str] = {}
    replacements: dict[int, pd.Series] = {}
    for position, (name, dtype) in enumerate(frame.dtypes.items()):
        if not pd.api.types.is_object_dtype(dtype):
            continue
        column = frame.iloc[:, position]
        kind = pd.api.types.infer_dtype(column, skipna=True)
        if kind in ("string", "empty", "boolean", "integer", "floating", "mixed-integer-float", "decimal",
                    "datetime", "datetime64", "date", "timedelta", "timedelta64", "time", "period", "interval"):
            continue
        if kind == "bytes":
            what = "bytes"
        elif kind == "mixed" and column.map(lambda v: isinstance(v, _NESTED)).any():
            what = "nested"
        else:
            what = "mixed"
        replacements[position] = column.map(_cell_text).astype(object)
        converted[str(name)] = what
    if not replacements:
        return frame, converted
    out = frame.copy(deep=False)
    for position, values in replacements.items():
        out.isetitem(position, values)
    return out, converted


def load_dataset(source: DataSource) -> Dataset:
    """Read one data source and fingerprint it.

    Raises
    ------
    DataError
        For a missing, empty, undecodable or malformed file, naming the file and the fix.
    """
    if source.frame is not None:
        frame = source.frame
        if not isinstance(frame, pd.DataFrame):
            raise DataError(f"expected a pandas DataFrame, got {type(frame).__name__}", source=source.label)
        fmt, digest, where, details = "dataframe", frame_sha256(frame), "<DataFrame>", {}
    else:
        path = source.path
        assert path is not None
        if not path.exists():
            raise DataError(f"file not found (data.{source.name}); check the path in the spec", source=path)
        if path.is_dir():
            raise DataError(f"is a folder (data.{source.name}); point to a CSV or Parquet file", source=path)
        fmt = source.format or ("parquet" if path.suffix.lower() in (".parquet", ".pq") else "csv")
        if fmt == "parquet":
            frame, details = _read_parquet(path), {}
        else:
            frame, details = _read_csv(source, path)
        digest, where = file_sha256(path), str(path)
    frame = frame.rename(columns=lambda c: c if isinstance(c, str) else str(c))
    frame, converted = normalise_cells(frame)
    if converted:
        details = {**details, "converted_columns": converted}
    if frame.shape[1] == 0:
        raise DataError(f"data.{source.name} has no columns", source=source.label)
    if len(frame) == 0:
        raise DataError(f"data.{source.name} has a header but no rows; an audit needs data", source=source.label)
    return Dataset(name=source.name, frame=frame, source=where, sha256=digest, format=fmt, details=details)
