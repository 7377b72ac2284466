"""Evidence integrity: the content hash ties a report to its evidence.json; edits are refused."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.evidence import content_hash, seal, validate_evidence, verify_evidence
from auditor.render import render_html

from .cases import sample_result


def _saved(tmp_path: Path, key: bytes | None = None) -> Path:
    sample_result().save(tmp_path, signing_key=key)
    return tmp_path / "evidence.json"


def _edit_fails_to_pass(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    for finding in document["findings"]:
        if finding["status"] == "fail":
            finding["status"] = "pass"
    for requirement in document["requirements"]:
        if requirement["status"] == "fail":
            requirement["status"] = "pass"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")


def test_the_hash_covers_the_whole_document_and_survives_a_json_round_trip(tmp_path: Path) -> None:
    path = _saved(tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    validate_evidence(document)
    body = {k: v for k, v in document.items() if k != "integrity"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    assert document["integrity"]["sha256"] == hashlib.sha256(canonical.encode("utf-8")).hexdigest() == content_hash(document)
    assert verify_evidence(document).state == "verified"
    for key in ("findings", "datasets", "rulebook", "requirements"):
        edited = json.loads(path.read_text(encoding="utf-8"))
        edited[key] = edited[key][:-1] if isinstance(edited[key], list) else {**edited[key], "id": "other"}
        assert verify_evidence(edited).state == "altered", key


def test_report_names_the_hash_and_verify_ties_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _saved(tmp_path)
    digest = json.loads(path.read_text(encoding="utf-8"))["integrity"]["sha256"]
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert f'<meta name="evidence-sha256" content="{digest}">' in report
    first = report[report.index('id="verdict"'):report.index('id="toc-h"')]
    assert digest in first
    assert main(["verify", str(path)]) == 0
    assert "verified" in capsys.readouterr().out


def test_an_edited_evidence_file_is_refused_by_verify_and_render(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _saved(tmp_path)
    _edit_fails_to_pass(path)
    assert main(["verify", str(path)]) == 1
    err = capsys.readouterr().err
    assert "was changed after it was written" in err and "the report was made from other evidence" in err
    out = tmp_path / "rebuilt"
    assert main(["render", str(path), "--out", str(out)]) == 2
    assert "refusing to render" in capsys.readouterr().err and not (out / "report.html").exists()
    assert main(["render", str(path), "--out", str(out), "--unverified", "--lang", "nl"]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    first = page[page.index('id="verdict"'):page.index('id="toc-h"')]
    assert "na de audit is gewijzigd" in first and "Vertrouw niet op dit rapport" in first


def test_evidence_without_a_hash_is_refused_unless_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _saved(tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    del document["integrity"]
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main(["verify", str(path)]) == 1
    assert "records no content hash" in capsys.readouterr().err
    assert main(["render", str(path), "--out", str(tmp_path / "r")]) == 2
    assert "no content hash" in render_html(document, language="en")


def test_signing_with_a_key_the_user_holds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file = tmp_path / "auditor.key"
    key_file.write_text("9f" * 32 + "\n", encoding="utf-8")
    other = tmp_path / "other.key"
    other.write_text("ab" * 32, encoding="utf-8")
    out = tmp_path / "out"
    path = _saved(out, key=("9f" * 32).encode())
    document = json.loads(path.read_text(encoding="utf-8"))
    signature = document["integrity"]["signature"]
    assert signature["algorithm"] == "hmac-sha256" and "9f9f" not in json.dumps(document)  # the key is never stored
    assert verify_evidence(document, key=("9f" * 32).encode()).signature == "valid"
    assert main(["verify", str(path), "--key", str(key_file)]) == 0
    assert "signature: valid" in capsys.readouterr().out
    assert main(["verify", str(path), "--key", str(other)]) == 1
    assert "signature does not match" in capsys.readouterr().err
    assert main(["verify", str(path)]) == 0
    assert "not checked" in capsys.readouterr().out
    # Re-sealing an edited document without the key cannot forge the signature.
    _edit_fails_to_pass(path)
    forged = seal(json.loads(path.read_text(encoding="utf-8")))
    forged["integrity"]["signature"] = signature
    assert verify_evidence(forged).state == "verified"
    assert verify_evidence(forged, key=("9f" * 32).encode()).signature == "invalid"


@pytest.mark.slow
def test_cli_audit_signs_with_a_key_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key_file = tmp_path / "k"
    key_file.write_text("short", encoding="utf-8")
    spec = Path(__file__).resolve().parents[2] / "sample_data" / "benefits" / "audit.yaml"
    assert main(["audit", str(spec), "--out", str(tmp_path / "o"), "--sign-key", str(key_file), "-q"]) == 2
    assert "shorter than 16 bytes" in capsys.readouterr().err
    assert main(["audit", str(spec), "--out", str(tmp_path / "o"), "--sign-key", str(tmp_path / "missing"), "-q"]) == 2
    assert re.search(r"cannot read the signing key", capsys.readouterr().err)
