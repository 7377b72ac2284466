"""The result of an audit and its JSON evidence (``evidence.json``).

The evidence document is the single source of every report: :func:`auditor.render.render_html`
reads only it, so a report can be rebuilt from ``evidence.json`` alone, in another language.
Its format is versioned by :data:`SCHEMA_VERSION` (independent of the tool version) and
described by the JSON Schema shipped as ``auditor/evidence/evidence.schema.json``.
"""

from __future__ import annotations

import html
import json
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from auditor import exitcodes
from auditor.evidence.model import Finding, Status, artefact_csv
from auditor.files import write_atomic

SCHEMA_VERSION = "1.0"


@cache
def evidence_schema() -> dict[str, Any]:
    """The JSON Schema of ``evidence.json``."""
    text = resources.files("auditor.evidence").joinpath("evidence.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def validate_evidence(document: Mapping[str, Any]) -> None:
    """Validate an evidence document against the schema.

    Raises
    ------
    jsonschema.ValidationError
        Naming the first offending path.
    """
    import jsonschema

    jsonschema.validate(document, evidence_schema(), cls=jsonschema.Draft202012Validator)


@dataclass(frozen=True)
class AuditResult:
    """What :func:`auditor.audit` returns.

    Attributes
    ----------
    findings
        Every finding, in rulebook order.
    evidence
        The complete evidence document (see :meth:`to_dict`).

    Examples
    --------
    >>> result = auditor.audit("sample_data/benefits/audit.yaml")  # doctest: +SKIP
    >>> result.exit_code, result.summary  # doctest: +SKIP
    (1, {'pass': 9, 'warn': 1, 'fail': 3, 'insufficient_evidence': 1, ...})
    >>> result.save("out/")  # doctest: +SKIP
    """

    findings: Sequence[Finding]
    evidence: Mapping[str, Any] = field(repr=False)

    @property
    def summary(self) -> dict[str, int]:
        """Number of findings per status."""
        return dict(self.evidence["summary"])

    @property
    def exit_code(self) -> int:
        """0 when no finding failed or errored, else 1 (see :mod:`auditor.exitcodes`)."""
        return self.exit_code_for(strict=False)

    def exit_code_for(self, *, strict: bool) -> int:
        """Exit code; with ``strict``, insufficient evidence (and nothing worse) gives 3.

        Parameters
        ----------
        strict
            Treat insufficient evidence as a reason to stop (the CLI's ``--strict``).

        Returns
        -------
        int
            0 (nothing failed), 1 (a check failed or errored) or 3 (insufficient evidence,
            only with ``strict``); see :mod:`auditor.exitcodes`.
        """
        statuses = {f.status for f in self.findings}
        if statuses & {Status.FAIL, Status.ERROR}:
            return exitcodes.CHECK_FAILED
        if strict and Status.INSUFFICIENT_EVIDENCE in statuses:
            return exitcodes.INSUFFICIENT_EVIDENCE
        return exitcodes.OK

    def to_dict(self) -> dict[str, Any]:
        """The evidence document as a JSON-serialisable dict (a deep copy).

        Returns
        -------
        dict
            The document that ``evidence.json`` holds.
        """
        return json.loads(self.to_json())

    def to_json(self, *, indent: int | None = 2) -> str:
        """The evidence document as JSON text.

        Parameters
        ----------
        indent
            Indentation of the JSON text (``None``: one line).

        Returns
        -------
        str
            The text of ``evidence.json`` (UTF-8, no non-finite numbers).
        """
        return json.dumps(self.evidence, indent=indent, ensure_ascii=False, allow_nan=False)

    def to_html(self, *, language: str | None = None) -> str:
        """The HTML report, rendered from the evidence alone.

        Parameters
        ----------
        language
            ``"nl"`` or ``"en"`` (default: the spec's ``report.language``).

        Returns
        -------
        str
            One self-contained HTML document.
        """
        from auditor.render import render_html

        return render_html(self.evidence, language=language)

    def save(self, directory: str | os.PathLike[str], *, language: str | None = None) -> dict[str, Path]:
        """Write ``evidence.json`` and ``report.html`` into ``directory``.

        Both are rendered in memory first and then written atomically, so a failure leaves no
        half-written report behind. The artefacts of the findings (e.g. reweighing weights) are
        written beside them as CSV files, rebuilt from the evidence (each file's SHA-256 is in
        the evidence).

        Parameters
        ----------
        directory
            The folder to write into (created when missing).
        language
            Language of the report, ``"nl"`` or ``"en"`` (default: the spec's ``report.language``).

        Returns
        -------
        dict
            ``{"evidence": path, "report": path, <artefact name>: path, ...}``.
        """
        folder = Path(directory)
        report = self.to_html(language=language)
        evidence = self.to_json()
        paths = {"evidence": folder / "evidence.json", "report": folder / "report.html"}
        artefacts = {
            a["name"]: artefact_csv(a["columns"], a["rows"])
            for f in self.evidence.get("findings", []) for a in f.get("artefacts", [])
        }
        write_atomic(paths["evidence"], evidence + "\n")
        write_atomic(paths["report"], report)
        for name, text in artefacts.items():
            paths[name] = folder / Path(name).name
            write_atomic(paths[name], text)
        return paths

    def _repr_html_(self) -> str:
        counts = Counter(f.status.value for f in self.findings)
        rows = "".join(
            f"<tr><td>{html.escape(f.status.value)}</td><td>{html.escape(f.id)}</td></tr>"
            for f in self.findings if f.status not in (Status.PASS, Status.NOT_APPLICABLE)
        )
        summary = ", ".join(f"{html.escape(k)}: {v}" for k, v in sorted(counts.items()))
        return (
            f"<div><strong>auditor</strong> — {len(self.findings)} findings ({summary}); "
            f"exit code {self.exit_code}<table><thead><tr><th>status</th><th>finding</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )

    def __repr__(self) -> str:
        return f"AuditResult(findings={len(self.findings)}, summary={self.summary}, exit_code={self.exit_code})"
