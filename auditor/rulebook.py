"""Rulebooks: which checks give evidence for which legal requirement, with which thresholds.

A rulebook is a YAML file in ``checks/`` (readable by a lawyer, editable by a user): the
requirements (article, title, Algoritmekader URNs), the thresholds (value, bounds, rationale,
source) and, per check, the requirements it serves. The spec names a rulebook by its id or by
a path to a YAML file of the same form, and may override thresholds by name.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.checks import Check, Threshold
from auditor.errors import SpecError
from auditor.files import read_yaml
from auditor.resources import rulebooks_dir


@dataclass(frozen=True)
class Requirement:
    """A legal requirement the evidence is rolled up to."""

    id: str
    article: str
    title: Mapping[str, str]
    algoritmekader: tuple[str, ...]
    datasets: tuple[str, ...] = ()
    """The data the requirement is about (e.g. ``production`` for the deployer's input data,
    Art. 26(4)); empty = every dataset. When none of them is audited, the other datasets stand
    in and the roll-up says which."""

    @property
    def labels(self) -> tuple[str, ...]:
        """How findings cite it: the article, then the Algoritmekader URNs."""
        return (self.article, *self.algoritmekader)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {"id": self.id, "article": self.article, "title": dict(self.title), "algoritmekader": list(self.algoritmekader),
                "datasets": list(self.datasets)}


@dataclass(frozen=True)
class Rulebook:
    """A loaded rulebook with the thresholds in force for one run."""

    id: str
    version: str
    title: Mapping[str, str]
    requirements: Mapping[str, Requirement]
    thresholds: Mapping[str, Threshold]
    checks: Mapping[str, tuple[str, ...]]
    """Check id → requirement ids, in rulebook order."""
    path: Path
    sha256: str = ""
    """SHA-256 of the rulebook file as read."""
    shipped_sha256: str | None = None
    """SHA-256 of the shipped rulebook of the same id, if there is one."""

    @property
    def modified(self) -> bool:
        """Whether this is a changed copy of a shipped rulebook (same id, other content)."""
        return self.shipped_sha256 is not None and self.shipped_sha256 != self.sha256

    def labels_for(self, check_id: str) -> tuple[str, ...]:
        """Requirement labels (articles and URNs) a check's findings carry."""
        out: list[str] = []
        for req in self.checks.get(check_id, ()):
            for label in self.requirements[req].labels:
                if label not in out:
                    out.append(label)
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable summary for the evidence."""
        return {
            "id": self.id,
            "version": self.version,
            "title": dict(self.title),
            "sha256": self.sha256,
            "file": str(self.path) if self.shipped_sha256 != self.sha256 else f"{self.id}.yaml (shipped)",
            "shipped_sha256": self.shipped_sha256,
            "modified": self.modified,
            "thresholds": {name: t.to_dict() for name, t in self.thresholds.items()},
        }


def available() -> list[str]:
    """Ids of the rulebooks shipped with the auditor."""
    return sorted(p.stem for p in rulebooks_dir().glob("*.yaml"))


def _path(name: str, base_dir: Path | None) -> Path:
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml"):
        return candidate if candidate.is_absolute() or base_dir is None else base_dir / candidate
    shipped = rulebooks_dir() / f"{name}.yaml"
    if not shipped.exists():
        names = available()
        hint = difflib.get_close_matches(name, names, n=1)
        did = f"; did you mean {hint[0]!r}?" if hint else ""
        raise SpecError(f"unknown rulebook {name!r}{did} (shipped: {', '.join(names)}; or give a .yaml path)",
                        key="checks.rulebook")
    return shipped


def _text(value: Any, key: str, file: Path) -> dict[str, str]:
    if isinstance(value, str):
        return {"en": value, "nl": value}
    if isinstance(value, Mapping) and {"en", "nl"} <= set(value):
        return {k: str(v) for k, v in value.items()}
    raise SpecError("needs an English and a Dutch text: {en: ..., nl: ...}", key=key, file=file)


def _section(raw: Mapping[str, Any], name: str, path: Path) -> Mapping[str, Any]:
    section = raw.get(name) or {}
    if not isinstance(section, Mapping) or not all(isinstance(v, Mapping | None) for v in section.values()):
        raise SpecError(f"must map each id to a mapping of its fields (see the shipped {available()[0]}.yaml)", key=name, file=path)
    return section


def _field(body: Mapping[str, Any] | None, name: str, key: str, path: Path) -> Any:
    if not body or body.get(name) is None:
        raise SpecError(f"needs '{name}:'", key=key, file=path)
    return body[name]


def _shipped(rulebook_id: str, path: Path) -> tuple[dict[str, Any], str] | None:
    """The shipped rulebook of the same id (its thresholds and SHA-256), when ``path`` is another file."""
    shipped = rulebooks_dir() / f"{rulebook_id}.yaml"
    if not shipped.exists():
        return None
    raw = read_yaml(shipped, what="rulebook")
    body = raw.get("thresholds") if isinstance(raw, Mapping) else None
    return (dict(body) if isinstance(body, Mapping) else {}), hashlib.sha256(shipped.read_bytes()).hexdigest()


def load_rulebook(
    name: str,
    *,
    overrides: Mapping[str, float] | None = None,
    notes: Mapping[str, Mapping[str, str]] | None = None,
    checks: Mapping[str, Check],
    base_dir: Path | None = None,
) -> Rulebook:
    """Load a rulebook and apply the spec's threshold overrides.

    Parameters
    ----------
    name
        A shipped rulebook id (``ai-act-article-10``) or a path to a rulebook YAML.
    overrides
        ``checks.thresholds`` from the spec.
    notes
        What the spec declares about each override (``rationale``, ``declared_by``, ``date``).
    checks
        The check registry, to validate the check ids the rulebook names.
    base_dir
        Folder a relative rulebook path is resolved against.

    Raises
    ------
    SpecError
        For an unknown rulebook, unknown check or threshold names, and out-of-range values.
    """
    path = _path(name, base_dir)
    raw = read_yaml(path, what="rulebook")
    if not isinstance(raw, Mapping):
        raise SpecError("a rulebook is a YAML mapping with requirements:, thresholds:, checks:", file=path)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    shipped = _shipped(str(raw.get("id", path.stem)), path)
    shipped_thresholds, shipped_sha256 = shipped if shipped else ({}, None)
    notes = notes or {}

    requirements: dict[str, Requirement] = {}
    for rid, body in _section(raw, "requirements", path).items():
        requirements[rid] = Requirement(
            id=rid,
            article=str(_field(body, "article", f"requirements.{rid}", path)),
            title=_text(body.get("title"), f"requirements.{rid}.title", path),
            algoritmekader=tuple(body.get("algoritmekader") or ()),
            datasets=_datasets(body.get("datasets"), f"requirements.{rid}.datasets", path),
        )

    overrides = dict(overrides or {})
    thresholds: dict[str, Threshold] = {}
    for tname, body in _section(raw, "thresholds", path).items():
        default = _field(body, "value", f"thresholds.{tname}", path)
        value = overrides.pop(tname, default)
        lo, hi = body.get("min"), body.get("max")
        integer = body.get("type") == "int"
        where = f"checks.thresholds.{tname}"
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise SpecError(f"must be in the range [{lo if lo is not None else '-inf'}, {hi if hi is not None else 'inf'}], "
                            f"got {value}", key=where)
        if integer and float(value) != int(value):
            raise SpecError(f"must be a whole number, got {value}", key=where)
        rationale = _text(body.get("rationale"), f"thresholds.{tname}.rationale", path)
        original = shipped_thresholds.get(tname) if sha256 != shipped_sha256 else None
        original = original if isinstance(original, Mapping) else None
        shipped_value = original.get("value") if original else None
        # The value a rationale was written for: the shipped one, unless this file rewrote it.
        rationale_for = default
        changes: list[dict[str, Any]] = []
        if shipped_value is not None and shipped_value != default:
            changes.append({"from": shipped_value, "to": default, "via": str(path),
                            "by": body.get("changed_by"), "date": _plain(body.get("changed_on"))})
            if original and _text(original.get("rationale"), "", path) == rationale:
                rationale_for = shipped_value
        note = notes.get(tname) or {}
        if value != default:
            changes.append({"from": default, "to": value, "via": "checks.thresholds",
                            "by": note.get("declared_by"), "date": note.get("date")})
            if note.get("rationale"):
                rationale, rationale_for = {"en": note["rationale"], "nl": note["rationale"]}, value
        thresholds[tname] = Threshold(
            name=tname, value=int(value) if integer else float(value), default=default,
            rationale=rationale,
            source=str(body.get("source", "")), overridden=value != default,
            minimum=lo, maximum=hi, integer=integer, shipped=shipped_value, changes=tuple(changes),
            rationale_for=rationale_for,
        )
    if overrides:
        unknown = sorted(overrides)
        hint = difflib.get_close_matches(unknown[0], list(thresholds), n=1)
        did = f"; did you mean {hint[0]!r}?" if hint else ""
        raise SpecError(f"unknown threshold {unknown[0]!r}{did} (rulebook {path.stem} declares: {', '.join(thresholds)})",
                        key=f"checks.thresholds.{unknown[0]}")

    mapping: dict[str, tuple[str, ...]] = {}
    for cid, body in _section(raw, "checks", path).items():
        if cid not in checks:
            raise SpecError(f"names unknown check {cid!r} (known: {', '.join(sorted(checks))})", key=f"checks.{cid}", file=path)
        reqs = tuple((body or {}).get("requirements") or ())
        for rid in reqs:
            if rid not in requirements:
                raise SpecError(f"check {cid!r} names unknown requirement {rid!r}", key=f"checks.{cid}", file=path)
        missing = [t for t in checks[cid].thresholds if t not in thresholds]
        if missing:
            raise SpecError(f"check {cid!r} needs thresholds {missing} that the rulebook does not declare", file=path)
        mapping[cid] = reqs
    return Rulebook(
        id=str(raw.get("id", path.stem)),
        version=str(raw.get("version", "1")),
        title=_text(raw.get("title", path.stem), "title", path),
        requirements=requirements,
        thresholds=thresholds,
        checks=mapping,
        path=path,
        sha256=sha256,
        shipped_sha256=shipped_sha256,
    )


def _datasets(value: Any, key: str, path: Path) -> tuple[str, ...]:
    from auditor.spec.model import DATASET_ROLES

    if value is None:
        return ()
    if not isinstance(value, list) or not all(v in DATASET_ROLES for v in value):
        raise SpecError(f"must list datasets among {', '.join(DATASET_ROLES)}, found {value!r}", key=key, file=path)
    return tuple(value)


def _plain(value: Any) -> str | None:
    return None if value is None else str(value)
