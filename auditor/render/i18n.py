"""Translation catalogues and locale-aware number formatting for the reports.

Catalogues live in ``reports/i18n/<lang>/*.yaml`` (one file for the report's own texts, one
per check family), merged into one table of flat dotted keys. A message is a small
Jinja2 template over the finding's parameters (so a message can list the flagged groups);
it is rendered in a sandbox with autoescaping, so user text in parameters (column names,
category values) is always escaped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from typing import Any

import yaml
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from auditor.resources import reports_dir

LANGUAGES = ("en", "nl")


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, full + "."))
        else:
            out[full] = str(value)
    return out


@cache
def catalogue(language: str) -> dict[str, str]:
    """All translations of one language, by dotted key."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    out: dict[str, str] = {}
    for path in sorted((reports_dir() / "i18n" / language).glob("*.yaml")):
        texts = _flatten(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        clash = sorted(set(out) & set(texts))
        if clash:
            raise ValueError(f"{path}: keys already defined in another catalogue file: {', '.join(clash[:5])}")
        out.update(texts)
    return out


def format_number(value: Any, language: str, digits: int = 3) -> str:
    """A number with the language's decimal separator; integers without decimals."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) >= 1000):
        text = f"{int(value):,}"
        return text.replace(",", ".") if language == "nl" else text
    text = f"{float(value):,.{digits}f}"
    if language == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def format_percent(value: Any, language: str, digits: int = 1) -> str:
    """A proportion as a percentage, e.g. ``31.2%`` / ``31,2%``."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return format_number(float(value) * 100, language, digits) + "%"


class Translator:
    """Looks up and renders texts of one language, with English as the fallback."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._texts = catalogue(language)
        self._fallback = catalogue("en")
        self._env = SandboxedEnvironment(autoescape=True)
        self._env.filters["num"] = lambda v, d=3: format_number(v, language, d)
        self._env.filters["pct"] = lambda v, d=1: format_percent(v, language, d)
        self._env.filters["group"] = self.group
        self._env.globals["t"] = self.text

    def has(self, key: str) -> bool:
        """Whether the catalogue (or the English fallback) has ``key``."""
        return key in self._texts or key in self._fallback

    def text(self, key: str, **params: Any) -> Markup:
        """The rendered text for ``key``; the key itself when no catalogue has it."""
        template = self._texts.get(key, self._fallback.get(key))
        if template is None:
            return Markup.escape(key)
        return Markup(self._env.from_string(template).render(**params))

    def message(self, key: str, params: Mapping[str, Any]) -> Markup:
        """A finding's message: ``checks.<key>`` in the catalogue (or ``<key>`` for shared ones)."""
        namespaced = f"checks.{key}"
        return self.text(namespaced if self.has(namespaced) else key, **params)

    def group(self, group: Mapping[str, Any] | None) -> str:
        """``sex = F, age_band = 18-26``; the whole dataset when ``None``; missing values named."""
        if not group:
            return str(self.text("ui.all_rows"))
        missing = str(self.text("ui.missing_value"))
        return ", ".join(f"{k} = {missing if v is None else v}" for k, v in group.items())
