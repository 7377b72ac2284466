"""The bad-input catalogue: every way a newcomer's input can be wrong, and what the tool says.

Each case builds its files in a fresh folder, runs ``auditor audit`` (in process, through
:func:`auditor.cli.main`, exactly as the command does) into an output folder that already holds
an earlier report, and asserts: exit code 2; the first line of stderr is ``auditor: error:``
followed by a message naming the problem (the fragment given); no traceback; and the output
folder is byte-for-byte unchanged.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from auditor.cli import main

BASE = "data: {training: d.csv}\ncolumns: {target: label, protected: [sex]}\n"


def _table(n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"sex": rng.choice(["F", "M"], n), "age": rng.integers(18, 80, n), "label": rng.integers(0, 2, n),
                         "pred": rng.integers(0, 2, n), "score": rng.random(n), "id": np.arange(n)})


def _csv(folder: Path, name: str = "d.csv", frame: pd.DataFrame | None = None, **options: object) -> None:
    (frame if frame is not None else _table()).to_csv(folder / name, index=False, **options)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Case:
    """A named bad input: the spec text, extra files, extra CLI arguments and what line 1 must say."""

    name: str
    spec: str | bytes | None
    fragment: str
    files: Callable[[Path], None] = _csv
    args: tuple[str, ...] = ()
    spec_name: str = "audit.yaml"
    extra: dict[str, str] = field(default_factory=dict)


def _write(folder: Path, name: str, text: str | bytes) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def _files(**contents: str | bytes) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        _csv(folder)
        for name, text in contents.items():
            _write(folder, name.replace("__", "."), text)
    return make


def _frame(frame: pd.DataFrame, name: str = "d.csv", **options: object) -> Callable[[Path], None]:
    return lambda folder: _csv(folder, name, frame, **options)


def _reference(text: str) -> Callable[[Path], None]:
    return _files(ref__csv=text)


SUITE_UNKNOWN = json.dumps({"name": "s", "expectations": [{"type": "expect_column_values_to_be_unicorns", "kwargs": {"column": "age"}}]})
PANDERA_BAD = "schema_type: dataframe\nversion: 0.20.0\ncolumns:\n  age:\n    dtype: intt64\n"
T = _table()

CASES = [
    # --- the spec file itself
    Case("spec file missing", None, "audit.yaml: audit spec file not found"),
    Case("spec is a folder", None, "is a folder", files=lambda f: (f / "audit.yaml").mkdir()),
    Case("spec not YAML", "data: {training: d.csv\n", "is not valid YAML at line"),
    Case("spec not UTF-8", "data: {training: d.csv}\n# caf\xe9\n".encode("latin-1"), "is not UTF-8 text"),
    Case("spec is a list", "- data\n- columns\n", "expected a YAML mapping with keys like data:, columns:"),
    Case("unknown top-level key", BASE + "colums: {}\n", "unknown key 'colums'; did you mean 'columns'"),
    Case("dataset role typo", "data: {trainig: d.csv}\n", "did you mean 'training'"),
    Case("no data at all", "columns: {target: label}\n", "data"),
    # --- data files
    Case("data file missing", "data: {training: nope.csv}\n", "nope.csv: file not found"),
    Case("data path is a folder", "data: {training: sub}\n", "is a folder", files=lambda f: (f / "sub").mkdir()),
    Case("empty file", BASE, "the file is empty", files=_files(d__csv="")),
    Case("header only", BASE, "has a header but no rows", files=_files(d__csv="sex,label\n")),
    Case("malformed CSV", BASE, "is not a well-formed CSV", files=_files(d__csv='sex,label\nF,"0\nM,1\n' + "F,1,9,9\n" * 3)),
    Case("not a Parquet file", "data: {training: d.parquet}\n", "is not a readable Parquet file",
         files=_files(d__parquet="sex,label\nF,0\n")),
    Case("truncated Parquet", "data: {training: t.parquet}\n", "is not a readable Parquet file",
         files=lambda f: (T.to_parquet(f / "t.parquet"), (f / "t.parquet").write_bytes((f / "t.parquet").read_bytes()[:300]))),
    # --- encodings and delimiters
    Case("unknown encoding name", "data: {training: {file: d.csv, encoding: klingon}}\ncolumns: {target: label}\n",
         "unknown encoding 'klingon'"),
    Case("wrong explicit encoding", "data: {training: {file: d.csv, encoding: ascii}}\ncolumns: {target: label}\n",
         "cannot be decoded as ascii", files=_files(d__csv="sex,label,city\nF,0,Zürich\nM,1,Köln\n".encode("cp1252"))),
    Case("wrong explicit delimiter", "data: {training: {file: d.csv, delimiter: ','}}\ncolumns: {target: label}\n",
         "reads as a single column", files=_frame(T, sep=";")),
    Case("UTF-16 read as another encoding", "data: {training: {file: d.csv, encoding: latin-1}}\ncolumns: {target: label}\n",
         "the file looks UTF-16 encoded; set 'encoding: utf-16'", files=_files(d__csv="sex,label\nF,0\nM,1\n".encode("utf-16-le"))),
    # --- columns named in the spec
    Case("protected column missing", "data: {training: d.csv}\ncolumns: {protected: [gender]}\n",
         "columns.protected: column 'gender' is not in data.training"),
    Case("target missing", "data: {training: d.csv}\ncolumns: {target: outcome}\n", "columns.target: column 'outcome'"),
    Case("protected attribute named like an internal column", "data: {training: d.csv}\ncolumns: {protected: [n]}\n",
         "columns.protected: 'n' is a name the audit's own group tables use"),
    Case("several column problems: first on line 1",
         "data: {training: d.csv}\ncolumns: {target: outcome, protected: [gender, race], id: key}\n",
         "columns.protected: column 'gender' is not in data.training"),
    Case("feature column missing", "data: {training: d.csv}\ncolumns: {target: label, features: [income]}\n",
         "columns.features: column 'income'"),
    Case("id column missing", "data: {training: d.csv}\ncolumns: {target: label, id: case_no}\n", "columns.id: column 'case_no'"),
    Case("prediction not binary", "data: {training: d.csv}\ncolumns: {target: label, prediction: age}\n",
         "columns.prediction must be a 0/1 decision (two values)"),
    Case("target not binary", "data: {training: d.csv}\ncolumns: {target: age}\n", "columns.target must be a binary label (two values)"),
    Case("positive not among the labels", "data: {training: d.csv}\ncolumns: {target: label, positive: 'yes'}\n",
         "columns.positive: 'yes' is not a value of the target or prediction (values seen: '0', '1')"),
    Case("favourable not among the labels", "data: {training: d.csv}\ncolumns: {target: label, favourable: 7}\n",
         "columns.favourable: 7 is not a value of the target or prediction"),
    Case("favourable is a list", "data: {training: d.csv}\ncolumns: {target: label, favourable: [0, 1]}\n",
         "columns.favourable: must be one label value"),
    Case("score not numeric", "data: {training: d.csv}\ncolumns: {target: label, score: sex}\n", "columns.score must be numeric"),
    # --- checks and thresholds
    Case("rulebook typo", BASE + "checks: {rulebook: ai-act-artikel-10}\n", "did you mean 'ai-act-article-10'"),
    Case("skip an unknown check", BASE + "checks: {skip: [bias.selektion_rate]}\n", "checks.skip"),
    Case("max_groups below 2", BASE + "checks: {max_groups: 1}\n", "checks.max_groups: must be a whole number of at least 2"),
    Case("max_groups not a number", BASE + "checks: {max_groups: many}\n", "checks.max_groups: must be a whole number"),
    Case("intersection with an unknown attribute", BASE + "checks: {intersections: [[sex, race]]}\n",
         "checks.intersections[0]: 'race' is not in columns.protected"),
    Case("reference group of a non-protected attribute", BASE + "checks: {reference_groups: {age: '30'}}\n",
         "checks.reference_groups.age"),
    Case("unknown threshold", BASE + "checks: {thresholds: {disparity_ration: 0.8}}\n", "disparity_ration"),
    Case("threshold out of range", BASE + "checks: {thresholds: {disparity_ratio: 1.5}}\n", "disparity_ratio"),
    Case("threshold not a number", BASE + "checks: {thresholds: {min_group_size: lots}}\n", "min_group_size"),
    # --- reference population
    Case("reference file missing", BASE + "reference: {file: nope.csv}\n", "nope.csv"),
    Case("reference without share column", BASE + "reference: {file: ref.csv}\n", "ref.csv",
         files=_reference("attribute,category\nsex,F\nsex,M\n")),
    Case("reference share not a number", BASE + "reference: {file: ref.csv}\n", "ref.csv",
         files=_reference("attribute,category,share\nsex,F,half\nsex,M,half\n")),
    Case("reference attribute not a column", BASE + "reference: {file: ref.csv}\n", "attribute 'region' is not a column",
         files=_reference("attribute,category,share\nregion,N,0.5\nregion,S,0.5\n")),
    # --- validators
    Case("unknown GX expectation", BASE + "quality: {great_expectations: suite.json}\n",
         "suite.json: expectations[0]: unknown expectation type 'expect_column_values_to_be_unicorns'",
         files=_files(suite__json=SUITE_UNKNOWN)),
    Case("GX suite not JSON", BASE + "quality: {great_expectations: suite.json}\n", "cannot read the expectation suite",
         files=_files(suite__json="{not json")),
    Case("invalid pandera dtype", BASE + "quality: {pandera: schema.yaml}\n", "schema.yaml: columns.age.dtype: unknown data type 'intt64'",
         files=_files(schema__yaml=PANDERA_BAD)),
    # --- command line and output
    Case("--lang outside nl/en", BASE, "argument --lang: invalid choice: 'xx'", args=("--lang", "xx")),
    Case("report.language outside nl/en", BASE + "report: {language: de}\n", "report.language"),
    Case("output under a file", BASE, "cannot write here", args=("--out", "blocker/out"), files=_files(blocker="a file")),
]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_catalogue_is_large_and_named_uniquely() -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_exits_2_with_the_problem_on_line_1(tmp_path: Path, case: Case) -> None:
    work = tmp_path / "work"
    work.mkdir()
    case.files(work)
    if case.spec is not None:
        _write(work, case.spec_name, case.spec)
    out = tmp_path / "out"
    out.mkdir()
    (out / "evidence.json").write_text('{"run": {"id": "earlier"}}\n', encoding="utf-8")
    (out / "report.html").write_text("<p>earlier</p>\n", encoding="utf-8")
    before = _snapshot(out)
    target = ["--out", str(work / case.args[1])] if case.args[:1] == ("--out",) else ["--out", str(out)]
    extra = [a for a in case.args if case.args[:1] != ("--out",)]
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(["audit", str(work / case.spec_name), *target, *extra])
        except SystemExit as exc:  # argparse exits itself
            code = int(exc.code or 0)
    message = stderr.getvalue()
    first = message.splitlines()[0] if message else ""
    assert code == 2, message
    assert first.startswith("auditor: error: "), message
    assert case.fragment in first, f"line 1 should name the problem ({case.fragment!r}):\n{message}"
    assert "Traceback" not in message and "internal error" not in message
    assert _snapshot(out) == before, "the earlier report must be untouched"
