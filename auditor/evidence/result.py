"""The result of an audit and its JSON evidence (``evidence.json``).

The evidence document is the single source of every report: :func:`auditor.render.render_html`
reads only it, so a report can be rebuilt from ``evidence.json`` alone, in another language.
Its format is versioned by :data:`SCHEMA_VERSION` (independent of the tool version) and
described by the JSON Schema shipped as ``auditor/evidence/evidence.schema.json``.
"""

from __future__ import annotations

import hashlib
import hmac
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
from auditor.files import dump_json, write_files

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


INTEGRITY_KEY = "integrity"
"""The block of ``evidence.json`` that holds its content hash and optional signature."""


def content_hash(document: Mapping[str, Any]) -> str:
    """SHA-256 of an evidence document's content: everything except its ``integrity`` block.

    The document is serialised canonically (keys sorted, no whitespace, UTF-8, no NaN), so the
    hash of a loaded ``evidence.json`` equals the hash of the document that was written: it
    covers the findings, requirements, summary, datasets (with their SHA-256), the reference
    population, the rulebook (with its SHA-256 and thresholds), the spec and the run.
    """
    body = {k: v for k, v in document.items() if k != INTEGRITY_KEY}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _key_id(key: bytes) -> str:
    return hashlib.sha256(b"auditor-key-id:" + key).hexdigest()[:16]


def seal(document: Mapping[str, Any], *, key: bytes | None = None) -> dict[str, Any]:
    """The document with a fresh ``integrity`` block: its content hash, and with ``key`` a signature.

    The signature is HMAC-SHA256 (standard library) of the content hash under a secret key the
    user holds (e.g. a file made with ``python -c "import secrets; print(secrets.token_hex(32))"``);
    whoever holds the key can verify that the evidence was signed with it and not changed since.
    The key itself is never stored, only an id derived from it (``key_id``) to tell keys apart.
    """
    digest = content_hash(document)
    integrity: dict[str, Any] = {"algorithm": "sha256", "canonical": "json, sorted keys, compact, utf-8", "sha256": digest}
    if key:
        integrity["signature"] = {"algorithm": "hmac-sha256", "key_id": _key_id(key),
                                  "value": hmac.new(key, digest.encode("ascii"), hashlib.sha256).hexdigest()}
    return {**{k: v for k, v in document.items() if k != INTEGRITY_KEY}, INTEGRITY_KEY: integrity}


@dataclass(frozen=True)
class Verification:
    """What :func:`verify_evidence` found.

    Attributes
    ----------
    state
        ``verified`` (the content hash matches), ``altered`` (it does not: the evidence was
        changed after it was written) or ``unsealed`` (no hash recorded).
    recorded, computed
        The hash in the document and the hash of its content.
    signature
        ``valid``, ``invalid`` (wrong key or altered), ``unchecked`` (signed, but no key given),
        or ``None`` (not signed).
    key_id
        Id of the key the evidence says it was signed with.
    """

    state: str
    recorded: str | None
    computed: str
    signature: str | None = None
    key_id: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the hash matches and no signature check failed."""
        return self.state == "verified" and self.signature != "invalid"

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (for the report)."""
        return {"state": self.state, "recorded": self.recorded, "computed": self.computed,
                "signature": self.signature, "key_id": self.key_id}


def verify_evidence(document: Mapping[str, Any], *, key: bytes | None = None) -> Verification:
    """Check an evidence document's content hash and, with ``key``, its signature.

    Examples
    --------
    >>> doc = seal({"findings": [{"id": "x", "status": "fail"}]})
    >>> verify_evidence(doc).state
    'verified'
    >>> doc["findings"][0]["status"] = "pass"
    >>> verify_evidence(doc).state
    'altered'
    """
    integrity = document.get(INTEGRITY_KEY)
    integrity = integrity if isinstance(integrity, Mapping) else {}
    recorded = integrity.get("sha256") if isinstance(integrity.get("sha256"), str) else None
    computed = content_hash(document)
    state = "unsealed" if recorded is None else "verified" if hmac.compare_digest(recorded, computed) else "altered"
    signed = integrity.get("signature") if isinstance(integrity.get("signature"), Mapping) else None
    signature: str | None = None
    key_id = str(signed.get("key_id")) if signed else None
    if signed:
        if key is None:
            signature = "unchecked"
        else:
            expected = hmac.new(key, computed.encode("ascii"), hashlib.sha256).hexdigest()
            signature = "valid" if hmac.compare_digest(str(signed.get("value", "")), expected) else "invalid"
    elif key is not None:
        signature = "invalid"  # a key was given, so a signature was expected
    return Verification(state=state, recorded=recorded, computed=computed, signature=signature, key_id=key_id)


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
        """Exit code; with ``strict``, insufficient evidence or a check not assessed (and nothing worse) gives 3.

        Parameters
        ----------
        strict
            Treat insufficient evidence and checks not assessed as a reason to stop (the CLI's ``--strict``).

        Returns
        -------
        int
            0 (nothing failed), 1 (a check failed or errored) or 3 (insufficient evidence or not
            assessed, only with ``strict``); see :mod:`auditor.exitcodes`.
        """
        statuses = {f.status for f in self.findings}
        if statuses & {Status.FAIL, Status.ERROR}:
            return exitcodes.CHECK_FAILED
        if strict and statuses & {Status.INSUFFICIENT_EVIDENCE, Status.NOT_ASSESSED}:
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

    def to_json(self, *, indent: int | None = 2, signing_key: bytes | None = None) -> str:
        """The evidence document as JSON text, sealed with its content hash (see :func:`seal`).

        Parameters
        ----------
        indent
            Indentation of the JSON text (``None``: one line).
        signing_key
            A secret the user holds; when given, the seal carries an HMAC-SHA256 signature.

        Returns
        -------
        str
            The text of ``evidence.json`` (UTF-8, no non-finite numbers).
        """
        return dump_json(seal(self.evidence, key=signing_key), indent=indent)

    def to_html(self, *, language: str | None = None, signing_key: bytes | None = None) -> str:
        """The HTML report, rendered from the (sealed) evidence alone.

        Parameters
        ----------
        language
            ``"nl"`` or ``"en"`` (default: the spec's ``report.language``).
        signing_key
            A secret the user holds; when given, the seal shown in the report is signed.

        Returns
        -------
        str
            One self-contained HTML document.
        """
        from auditor.render import render_html

        return render_html(seal(self.evidence, key=signing_key), language=language)

    def save(self, directory: str | os.PathLike[str], *, language: str | None = None,
             signing_key: bytes | None = None) -> dict[str, Path]:
        """Write ``evidence.json`` and ``report.html`` into ``directory``.

        Both are rendered in memory first and then written together
        (:func:`auditor.files.write_files`), so a failure or a killed process leaves the old
        pair or the new pair, never half of each and no temporary files. The artefacts of the findings (e.g. reweighing weights) are
        written beside them as CSV files, rebuilt from the evidence (each file's SHA-256 is in
        the evidence).

        ``evidence.json`` carries its content hash (and, with ``signing_key``, an HMAC-SHA256
        signature); the report shows the hash, and ``auditor verify`` checks both.

        Parameters
        ----------
        directory
            The folder to write into (created when missing).
        language
            Language of the report, ``"nl"`` or ``"en"`` (default: the spec's ``report.language``).
        signing_key
            A secret the user holds; when given, ``evidence.json`` is signed with HMAC-SHA256.

        Returns
        -------
        dict
            ``{"evidence": path, "report": path, <artefact name>: path, ...}``.
        """
        folder = Path(directory)
        report = self.to_html(language=language, signing_key=signing_key)
        evidence = self.to_json(signing_key=signing_key)
        paths = {"evidence": folder / "evidence.json", "report": folder / "report.html"}
        artefacts = {
            a["name"]: artefact_csv(a["columns"], a["rows"])
            for f in self.evidence.get("findings", []) for a in f.get("artefacts", [])
        }
        files: dict[Path, str] = {}
        for name, text in artefacts.items():
            paths[name] = folder / Path(name).name
            files[paths[name]] = text
        files[paths["report"]] = report
        files[paths["evidence"]] = evidence + "\n"  # last: the evidence is what the report is rebuilt from
        write_files(files)
        return paths

    def _repr_html_(self) -> str:
        """Notebook display: the verdict per requirement and the worst findings."""
        order = {"error": 0, "fail": 1, "warn": 2, "insufficient_evidence": 3, "not_assessed": 4, "pass": 5, "not_applicable": 6}
        e = html.escape
        counts = Counter(f.status.value for f in self.findings)
        summary = ", ".join(f"{e(k)}: {counts[k]}" for k in sorted(counts, key=lambda s: order.get(s, 9)))
        requirements = "".join(
            f"<tr><td>{e(str(r.get('article', '')))}</td><td>{e(str((r.get('title') or {}).get('en', '')))}</td>"
            f"<td>{e(str(r.get('status', '')))}</td><td>{len(r.get('findings') or [])}</td></tr>"
            for r in self.evidence.get("requirements") or []
        )
        worst = sorted((f for f in self.findings if order.get(f.status.value, 9) <= 4), key=lambda f: order[f.status.value])
        from auditor.render.html import safe_message
        from auditor.render.i18n import Translator
        from auditor.render.privacy import PRIVACY_FLOOR

        tr = Translator("en")
        shown = "".join(f"<tr><td>{e(f.status.value)}</td><td><code>{e(f.id)}</code></td>"
                        f"<td>{safe_message(tr, f.to_dict(), PRIVACY_FLOOR)}</td></tr>" for f in worst[:10])
        more = f"<p>… and {len(worst) - 10} more.</p>" if len(worst) > 10 else ""
        return (
            f"<div><p><strong>auditor</strong> — {len(self.findings)} findings ({summary}); exit code {self.exit_code}</p>"
            "<table><caption>Verdict per requirement</caption><thead><tr><th>article</th><th>requirement</th>"
            f"<th>status</th><th>findings</th></tr></thead><tbody>{requirements}</tbody></table>"
            "<table><caption>Worst findings</caption><thead><tr><th>status</th><th>finding</th><th>message</th></tr></thead>"
            f"<tbody>{shown}</tbody></table>{more}<p>Full report: <code>result.save(folder)</code> or <code>result.to_html()</code>.</p></div>"
        )

    def __repr__(self) -> str:
        return f"AuditResult(findings={len(self.findings)}, summary={self.summary}, exit_code={self.exit_code})"
