"""Translation catalogues and locale-aware number formatting for the reports.

Catalogues live in ``reports/i18n/<lang>/*.yaml`` (one file for the report's own texts, one
per check family), merged into one table of flat dotted keys. A message is a small
Jinja2 template over the finding's parameters (so a message can list the flagged groups);
it is rendered in a sandbox with autoescaping, so user text in parameters (column names,
category values) is always escaped.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from functools import cache
from typing import Any

import yaml
from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from auditor.citations import cite
from auditor.files import YAML_LOADER
from auditor.resources import reports_dir

__all__ = ["LANGUAGES", "WITHHELD", "Translator", "Withheld", "catalogue", "cite", "format_interval", "format_metric",
           "format_number", "format_percent"]

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
        texts = _flatten(yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {})  # noqa: S506 - safe loader
        clash = sorted(set(out) & set(texts))
        if clash:
            raise ValueError(f"{path}: keys already defined in another catalogue file: {', '.join(clash[:5])}")
        out.update(texts)
    return out


class Withheld:
    """A number withheld from a message (a group below the privacy floor): prints as ``—``.

    Arithmetic and rounding give it back, comparisons are false, so a message template
    that computes with the number still renders.
    """

    def _same(self, *_: Any) -> Withheld:
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _same
    __neg__ = __abs__ = __round__ = _same

    def _false(self, _: Any) -> bool:
        return False

    __lt__ = __le__ = __gt__ = __ge__ = _false

    def __float__(self) -> float:
        return math.nan

    def __str__(self) -> str:
        return "—"

    __html__ = __str__

    def __format__(self, spec: str) -> str:
        return "—"


WITHHELD = Withheld()
"""The one withheld number."""


def format_number(value: Any, language: str, digits: int = 3) -> str:
    """A number with the language's decimal separator; integers without decimals."""
    if value is None or isinstance(value, Withheld) or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) >= 1000):
        text = f"{int(value):,}"
        return text.replace(",", ".") if language == "nl" else text
    text = f"{float(value):,.{digits}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # -0.000 rounds to zero: no sign
    if language == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def format_percent(value: Any, language: str, digits: int = 1) -> str:
    """A proportion as a percentage, e.g. ``31.2%`` / ``31,2%``."""
    if value is None or isinstance(value, Withheld) or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return format_number(float(value) * 100, language, digits) + "%"


RATE_METRICS = frozenset({
    "missing_rate", "row_missing_rate", "share", "selection_rate", "base_rate", "true_positive_rate",
    "false_positive_rate", "false_negative_rate", "precision", "accuracy", "selection_rate_difference",
    "outside_setting_rate", "reweighed_base_rate", "precision_difference", "accuracy_difference",
})
"""Metrics that are proportions, shown as percentages."""


def format_interval(name: str, interval: Any, language: str) -> str:
    """A 95% interval, ``11.2%–14.6%``; with spaces around the dash when a bound is negative."""
    low, high = (format_metric(name, v, language) for v in interval)
    joint = "\u00a0–\u00a0" if low.startswith("-") or high.startswith("-") else "–"
    return f"{low}{joint}{high}"


def format_metric(name: str, value: Any, language: str, *, digits: int | None = None) -> str:
    """A metric's value as the report shows it: a percentage for rates, else a number."""
    if name in RATE_METRICS or name.endswith("_rate_difference"):
        return format_percent(value, language, 1 if digits is None else digits)
    return format_number(value, language, 3 if digits is None else digits)


class Translator:
    """Looks up and renders texts of one language, with English as the fallback.

    Parameters
    ----------
    language
        ``en`` or ``nl``.
    strict
        Raise :class:`KeyError` when a text is missing in ``language`` instead of falling
        back to English (the tests render every report this way, so a missing translation
        fails them). Keys looked up but missing are collected in :attr:`missing` either way.
    """

    def __init__(self, language: str, *, strict: bool = False) -> None:
        self.language = language
        self.strict = strict
        self.missing: set[str] = set()
        self._texts = catalogue(language)
        self._fallback = catalogue("en")
        self._compiled: dict[str, Template] = {}
        self._env = SandboxedEnvironment(autoescape=True)
        self._env.filters["num"] = lambda v, d=3: format_number(v, language, d)
        self._env.filters["pct"] = lambda v, d=1: format_percent(v, language, d)
        self._env.filters["group"] = self.group
        self._env.globals["t"] = self.text

    def has(self, key: str) -> bool:
        """Whether the catalogue (or the English fallback) has ``key``."""
        return key in self._texts or key in self._fallback

    def text(self, key: str, /, **params: Any) -> Markup:
        """The rendered text for ``key``; the key itself when no catalogue has it."""
        template = self._texts.get(key)
        if template is None:
            self.missing.add(key)
            if self.strict:
                raise KeyError(f"no {self.language!r} text for {key!r} in reports/i18n/{self.language}/")
            template = self._fallback.get(key)
        if template is None:
            return Markup.escape(key)
        if "{" not in template:
            return Markup(template)
        compiled = self._compiled.get(template)
        if compiled is None:
            compiled = self._compiled[template] = self._env.from_string(template)
        return Markup(compiled.render(**params))

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

    def date(self, value: str | dt.date | None) -> str:
        """A date (or the date of an ISO timestamp) in words: ``2 August 2030`` / ``2 augustus 2030``."""
        if not value:
            return "—"
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
        return f"{day.day} {self.text(f'report.month.{day.month}')} {day.year}"

    def cite(self, article: str) -> str:
        """An article reference in the language's citation style (see :func:`auditor.citations.cite`)."""
        return cite(article, self.language)
