"""The ``auditor`` command: a thin shell over the library.

Sub-commands: ``audit``, ``render``, ``export``, ``explain``, ``init``, ``classify``, ``inventory``, ``reference``,
``monitor``, ``history``, ``verify``.
Exit codes are in :mod:`auditor.exitcodes`; usage and input errors print one message naming the
file, key or column and what to do, and exit 2 — never a traceback (set ``AUDITOR_DEBUG=1`` to
see one for a bug report).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from auditor import exitcodes
from auditor.errors import AuditorError

DEFAULT_OUTPUT = "auditor-report"

_ROLE_HINTS = {
    "target": ("label", "target", "y", "outcome", "ground_truth", "two_year_recid", "class"),
    "prediction": ("predicted", "prediction", "pred", "decision", "y_pred", "selected"),
    "score": ("score", "risk_score", "probability", "proba", "y_score"),
    "id": ("id", "application_id", "case_id", "record_id", "person_id"),
}
_PROTECTED_HINTS = ("sex", "gender", "geslacht", "age", "leeftijd", "age_band", "age_cat", "race", "ethnicity",
                    "migration_background", "nationality", "nationaliteit", "country_of_birth", "religion",
                    "disability", "marital_status")


def _print_summary(result: object, paths: dict[str, Path], out: TextIO) -> None:
    from auditor.evidence import AuditResult, Status

    assert isinstance(result, AuditResult)
    summary = result.summary
    shown = ", ".join(f"{k} {v}" for k, v in summary.items() if v)
    print(f"auditor: {len(result.findings)} findings ({shown})", file=out)
    for finding in result.findings:
        if finding.status in (Status.FAIL, Status.WARN, Status.ERROR, Status.INSUFFICIENT_EVIDENCE, Status.NOT_ASSESSED):
            print(f"  {finding.status.value:<22} {finding.id}", file=out)
    print(f"report:   {paths['report']}", file=out)
    print(f"evidence: {paths['evidence']}", file=out)


def _cmd_audit(args: argparse.Namespace) -> int:
    from auditor.pipeline import audit
    from auditor.spec import load_spec

    overrides = {"report.language": args.lang} if args.lang else {}
    if args.engine:
        overrides["engine"] = args.engine
    spec = load_spec(args.spec, **overrides)
    result = audit(spec)
    if args.out:
        folder = Path(args.out)
    elif spec.report.output is not None:
        folder = Path(os.path.normpath(spec.report.output))
    else:
        folder = Path(DEFAULT_OUTPUT)
    paths = result.save(folder, signing_key=_read_key(args.sign_key))
    if args.format == "json":
        print(json.dumps({"summary": result.summary, "exit_code": result.exit_code_for(strict=args.strict),
                          "report": str(paths["report"]), "evidence": str(paths["evidence"])}))
    elif not args.quiet:
        _print_summary(result, paths, sys.stdout)
    return result.exit_code_for(strict=args.strict)


def _load_evidence(name: str) -> dict[str, Any]:
    """Read and validate an evidence.json; a clear DataError for anything else."""
    import jsonschema

    from auditor.errors import DataError
    from auditor.evidence import validate_evidence

    path = Path(name)
    if not path.is_file():
        raise DataError("evidence file not found; give the evidence.json written by 'auditor audit'", source=path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"is not valid JSON ({exc})", source=path) from None
    try:
        validate_evidence(document)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top level)"
        raise DataError(f"is not an auditor evidence document: at {where}: {exc.message}", source=path) from None
    return document


def _read_key(name: str | None) -> bytes | None:
    """A signing key from a file the user holds (its bytes, surrounding whitespace removed)."""
    if not name:
        return None
    from auditor.errors import DataError

    path = Path(name)
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise DataError(f"cannot read the signing key ({exc.strerror}); give a file holding a secret, e.g. made with "
                        "'python -c \"import secrets; print(secrets.token_hex(32))\" > auditor.key'", source=path) from None
    if len(key) < 16:
        raise DataError("the signing key is shorter than 16 bytes; use a long random secret (e.g. 64 hex characters)",
                        source=path)
    return key


def _integrity_problem(path: Path, verification: Any) -> str | None:
    """Why an evidence file cannot be trusted, or ``None``."""
    if verification.state == "altered":
        return (f"was changed after it was written: its content hash is {verification.computed}, but it records "
                f"{verification.recorded}")
    if verification.state == "unsealed":
        return "records no content hash (integrity.sha256), so nothing shows it is the evidence the audit wrote"
    if verification.signature == "invalid":
        return "its signature does not match the key given (wrong key, or the evidence was signed with another)"
    return None


def _cmd_verify(args: argparse.Namespace) -> int:
    from auditor.evidence import verify_evidence

    path = Path(args.evidence)
    document = _load_evidence(args.evidence)
    verification = verify_evidence(document, key=_read_key(args.key))
    problems = [f"{path}: {p}"] if (p := _integrity_problem(path, verification)) else []
    report = Path(args.report) if args.report else path.parent / "report.html"
    if args.report or report.is_file():
        import re

        try:
            text = report.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            problems.append(f"{report}: cannot read the report ({exc.strerror})")
            text = None
        if text is not None:
            shown = re.search(r'<meta name="evidence-sha256" content="([0-9a-f]{64})"', text)
            if shown is None:
                problems.append(f"{report}: the report names no evidence hash, so it cannot be tied to {path.name}")
            elif shown.group(1) != verification.computed:
                problems.append(f"{report}: the report was made from other evidence (hash {shown.group(1)}, "
                                f"{path.name} has {verification.computed})")
    for problem in problems:
        print(f"auditor: {problem}", file=sys.stderr)
    if problems:
        return exitcodes.CHECK_FAILED
    print(f"evidence: {path}: content hash {verification.computed} verified")
    if verification.signature == "valid":
        print(f"signature: valid (HMAC-SHA256, key id {verification.key_id})")
    elif verification.signature == "unchecked":
        print(f"signature: present (key id {verification.key_id}) but not checked; give --key to check it")
    if args.report or report.is_file():
        print(f"report:   {report}: made from this evidence")
    return exitcodes.OK


def _cmd_render(args: argparse.Namespace) -> int:
    from auditor.errors import DataError
    from auditor.evidence import verify_evidence
    from auditor.files import write_atomic
    from auditor.render import render_html

    path = Path(args.evidence)
    document = _load_evidence(args.evidence)
    problem = _integrity_problem(path, verify_evidence(document))
    if problem and not args.unverified:
        raise DataError(f"{problem}; refusing to render a report from it (run 'auditor verify', or give --unverified "
                        "to render a report marked as unverified)", source=path)
    language = args.lang or document["run"]["language"]
    html = render_html(document, language=language)
    folder = Path(args.out) if args.out else path.parent
    target = folder / (f"report.{language}.html" if args.out is None and args.lang else "report.html")
    write_atomic(target, html)
    print(f"report: {target}")
    return exitcodes.OK


def _cmd_export(args: argparse.Namespace) -> int:
    from auditor.classification import dump_card
    from auditor.errors import DataError
    from auditor.files import dump_json, read_yaml, write_atomic
    from auditor.render.export import markdown_summary, register_draft, system_card

    document = _load_evidence(args.evidence)
    code = exitcodes.OK
    if args.format == "systemcard":
        base = read_yaml(Path(args.base), what="system card") if args.base else None
        if args.base and not isinstance(base, dict):
            raise DataError("is not a system card (expected a YAML mapping)", source=args.base)
        card = system_card(document, language=args.lang, base=base)
        text = dump_card(card)
    elif args.format == "register":
        entry, problems = register_draft(document)
        text = dump_json(entry) + "\n"
        for problem in problems:
            print(f"auditor: register draft: {problem}", file=sys.stderr)
        if problems:
            code = exitcodes.CHECK_FAILED
    else:
        text = markdown_summary(document, language=args.lang)
    if args.out:
        write_atomic(Path(args.out), text)
        print(f"{args.format}: {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return code


def _cmd_explain(args: argparse.Namespace) -> int:
    from auditor.checks import registry
    from auditor.errors import SpecError
    from auditor.render.i18n import Translator
    from auditor.rulebook import load_rulebook

    checks = registry()
    if args.check not in checks:
        import difflib

        hint = difflib.get_close_matches(args.check, list(checks), n=1)
        did = f"; did you mean {hint[0]!r}?" if hint else ""
        raise SpecError(f"unknown check {args.check!r}{did} (known: {', '.join(sorted(checks))})")
    tr = Translator(args.lang)
    check = checks[args.check]
    rulebook = load_rulebook("ai-act-monitoring" if check.family == "drift" else "ai-act-article-10", checks=checks)
    def say(key: str) -> str:  # catalogue texts are HTML-safe markup; the terminal wants plain text
        return html.unescape(str(tr.text(key)))

    print(f"{check.id} — {say(f'checks.{check.id}.title')}")
    for section in ("what", "why", "read", "fix"):
        print(f"\n{say(f'report.check.{section}')}\n  {say(f'checks.{check.id}.{section}')}")
    labels = rulebook.labels_for(check.id)
    if labels:
        print(f"\n{say('ui.requirement')} ({rulebook.id}): {', '.join(labels)}")
    for name in check.thresholds:
        th = rulebook.thresholds[name]
        print(f"\n{say('ui.threshold')} {name} = {th.value}\n  {th.rationale[args.lang]}\n  {say('ui.source')}: {th.source}")
    print(f"\n{say('ui.metric')}: {', '.join(check.metrics)}")
    return exitcodes.OK


def _guess(columns: list[str], names: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[n] for n in names if n in lower), None)


def _cmd_init(args: argparse.Namespace) -> int:
    import yaml

    from auditor.errors import SpecError
    from auditor.sources import load_dataset
    from auditor.spec.model import DataSource

    target = Path(args.path)
    if target.exists() and not args.force:
        raise SpecError("already exists; choose another path or pass --force to overwrite", file=target)
    columns: list[str] = []
    data: dict[str, str] = {}
    if args.data:
        source = Path(args.data)
        frame = load_dataset(DataSource(name="training", path=source.resolve())).frame
        columns = [str(c) for c in frame.columns]
        data["training"] = os.path.relpath(source.resolve(), target.resolve().parent)
    else:
        data["training"] = "train.parquet"
    roles = {role: _guess(columns, names) for role, names in _ROLE_HINTS.items()}
    protected = [c for c in columns if c.lower() in _PROTECTED_HINTS]
    # The system description and the reference population are named only when they exist beside
    # the spec, so that the scaffold audits as written; otherwise the footer says how to add them.
    folder = target.resolve().parent
    optional = {
        "system": ("system.yaml", "system: system.yaml   # the system's facts, for the AI Act classification; "
                                  "`auditor classify --interactive system.yaml` asks and writes them"),
        "reference": ("reference_population.csv", "reference: {file: reference_population.csv}   # attribute,category,share "
                                                  "of the population the system is used for (Art. 10(3), 26(4))"),
    }
    present = {key: (folder / name).is_file() for key, (name, _) in optional.items()}
    bins: dict[str, list[int]] = {}
    if args.data:  # a raw numeric attribute (an age in years) is banded, never one group per value
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        from auditor.pipeline import MAX_PROTECTED_VALUES

        for column in list(protected):
            series = frame[column]
            if is_numeric_dtype(series) and not is_bool_dtype(series) and series.nunique() > MAX_PROTECTED_VALUES:
                if column.lower() in ("age", "leeftijd"):
                    bins[column] = [18, 27, 45, 67]
                else:
                    protected.remove(column)
    spec = {
        "system": "system.yaml" if present["system"] else None,
        "data": data,
        "columns": {
            "target": roles["target"] or "label",
            "prediction": roles["prediction"],
            "score": roles["score"],
            "favourable": 1,
            "protected": protected or ["sex", "age_band"],
            "id": roles["id"],
            "bins": bins or None,
        },
        "reference": {"file": "reference_population.csv"} if present["reference"] else None,
        "checks": {"rulebook": "ai-act-article-10", "thresholds": {"min_group_size": 30, "disparity_ratio": 0.8}},
        "report": {"language": args.lang, "output": "out"},
    }
    spec["columns"] = {k: v for k, v in spec["columns"].items() if v is not None}
    spec = {k: v for k, v in spec.items() if v is not None}
    missing = [line for key, (_, line) in optional.items() if not present[key]]
    footer = "".join(f"\n# {line}" for line in ["Not found beside this file, so left out; add them when you have them:", *missing]
                     ) + "\n" if missing else ""
    header = (
        "# Audit spec for auditor (see README: 'The audit spec').\n"
        "# Check every value: the column roles below were guessed from the column names.\n"
        "# favourable: the label value that is good for the person (e.g. 0 when 1 = selected for review).\n"
        + ("# bins: numeric attributes are grouped into bands (edges); set them to the bands your reference uses.\n"
           if bins else "")
    )
    from auditor.files import write_atomic

    write_atomic(target, header + yaml.safe_dump(spec, sort_keys=False, allow_unicode=True) + footer)
    print(f"wrote {target}; edit it, then run: auditor audit {target}")
    return exitcodes.OK


class _Parser(argparse.ArgumentParser):
    """argparse with the problem on the first line of stderr (argparse prints the usage first)."""

    def error(self, message: str) -> NoReturn:
        if "invalid choice" in message and "--lang" in message:
            message += "; the report languages are en (English) and nl (Dutch)"
        self.exit(exitcodes.USAGE_ERROR, f"auditor: error: {message}\n{self.format_usage()}")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``auditor`` command."""
    parser = _Parser(
        prog="auditor",
        description=(
            "Audit the data of a high-risk AI system against the EU AI Act (Art. 10, 26(4)) and write an "
            "HTML report and a JSON evidence file. Works offline; sends nothing anywhere."
        ),
        epilog=exitcodes.HELP_TEXT,
    )
    from auditor import __version__

    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "audit", help="audit the data named in a spec; write report.html and evidence.json",
        description="Run every check of the spec's rulebook on its data and write report.html and evidence.json "
                    "into the output folder (--out, else report.output in the spec, else ./auditor-report).",
        epilog=exitcodes.HELP_TEXT,
    )
    p.add_argument("spec", help="audit spec YAML (paths inside it are relative to its folder)")
    p.add_argument("--out", help="output folder (overrides report.output)")
    p.add_argument("--lang", choices=("en", "nl"), help="report language (overrides report.language)")
    p.add_argument("--strict", action="store_true",
                   help="exit 3 when a finding has insufficient evidence or a check was not assessed, and none failed")
    p.add_argument("--engine", help="how the data is read and profiled: auto, pandas, duckdb or spark (overrides engine:)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="what to print: a summary (text) or JSON")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing; rely on the exit code")
    p.add_argument("--sign-key", metavar="FILE", help="sign evidence.json with HMAC-SHA256 under the secret in FILE")
    p.set_defaults(func=_cmd_audit)

    p = sub.add_parser(
        "render", help="rebuild the HTML report from evidence.json, in any language",
        description="Render report.html from an evidence.json alone (no data needed), e.g. in the other language.",
        epilog=exitcodes.HELP_TEXT,
    )
    p.add_argument("evidence", help="evidence.json written by 'auditor audit'")
    p.add_argument("--lang", choices=("en", "nl"), help="report language (default: the run's)")
    p.add_argument("--out", help="output folder (default: beside the evidence, as report.<lang>.html when --lang is given)")
    p.add_argument("--unverified", action="store_true",
                   help="render even when the evidence's content hash does not match (the report says so)")
    p.set_defaults(func=_cmd_render)

    p = sub.add_parser(
        "verify", help="check that evidence.json is unchanged (content hash, signature) and the report was made from it",
        description="Recompute the content hash of an evidence.json and compare it with the one it records; with --key, "
                    "check its HMAC-SHA256 signature; check that the report (beside it, or --report) names the same hash.",
        epilog="exit codes: 0 verified; 1 changed, wrongly signed or a report from other evidence; 2 usage or input error",
    )
    p.add_argument("evidence", help="evidence.json written by 'auditor audit'")
    p.add_argument("--key", metavar="FILE", help="the secret the evidence was signed with (auditor audit --sign-key)")
    p.add_argument("--report", help="the report to tie to the evidence (default: report.html beside it, if present)")
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser(
        "export", help="write the system card, Algoritmeregister draft or a Markdown summary from evidence.json",
        description="Export an evidence.json (no data needed) as the MinBZK system card (YAML: AI-Act profile, "
                    "Algoritmekader requirements and measures with their state and evidence, subgroup metrics), an "
                    "Algoritmeregister draft (publication standard 1.0, JSON) or a Markdown summary for a merge "
                    "request or wiki. Card states: pass -> in review; warn, insufficient evidence, fail, error -> "
                    "in progress; no finding -> to do; 'done' and 'not implemented' are left to people.",
        epilog="exit codes: 0 written; 1 the register draft lacks required fields (it is still written); "
               "2 usage or input error",
    )
    p.add_argument("evidence", help="evidence.json written by 'auditor audit'")
    p.add_argument("--format", required=True, choices=("systemcard", "register", "markdown"), help="what to write")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.add_argument("--lang", choices=("en", "nl"), help="language of the texts (default: the run's; the register is Dutch)")
    p.add_argument("--base", help="systemcard: an existing system card to update (its other fields and people's states are kept)")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser(
        "explain", help="explain a check: what, why, which article, how to read it, what to do",
        description="Print the documentation of one check, with its requirements and thresholds.",
    )
    p.add_argument("check", help="check id, e.g. bias.selection_rate")
    p.add_argument("--lang", choices=("en", "nl"), default="en")
    p.set_defaults(func=_cmd_explain)

    p = sub.add_parser(
        "init", help="write a starter audit spec, guessing column roles from a data file",
        description="Scaffold an audit spec. With --data, column roles are guessed from the file's header; check them.",
    )
    p.add_argument("path", nargs="?", default="audit.yaml", help="where to write the spec (default: audit.yaml)")
    p.add_argument("--data", help="training data file (CSV or Parquet) to read column names from")
    p.add_argument("--lang", choices=("en", "nl"), default="nl", help="report language in the spec")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=_cmd_init)

    from auditor.classification.cli import add_commands

    add_commands(sub)
    from auditor.monitoring.cli import add_commands as add_monitoring_commands

    add_monitoring_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``auditor`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return exitcodes.USAGE_ERROR
    try:
        return int(args.func(args))
    except AuditorError as exc:
        print(f"auditor: error: {exc}", file=sys.stderr)
        return exitcodes.USAGE_ERROR
    except BrokenPipeError:  # the reader went away (e.g. '| head'): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return exitcodes.OK
    except KeyboardInterrupt:
        print("auditor: interrupted", file=sys.stderr)
        return exitcodes.USAGE_ERROR
    except Exception as exc:
        if os.environ.get("AUDITOR_DEBUG"):
            raise
        print(f"auditor: internal error: {type(exc).__name__}: {exc} (rerun with AUDITOR_DEBUG=1 for details, "
              "and please report it)", file=sys.stderr)
        return exitcodes.USAGE_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
