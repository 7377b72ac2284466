"""Citing articles of the AI Act (and the GDPR) in each language's style: the one formatter.

The data (rulebooks, the classification's YAML) write references the way the English text of
the Regulation does: ``10(2)(f)``, ``3(3), 3(4)``, ``Annex IV 2(d)``, ``102-109``,
``6(3), subparagraph 3``. :func:`cite` turns them into ``Art. 10(2)(f)`` in English and into
the Dutch citation style, ``art. 10, lid 2, onder f``; ``art. 3, punt 3`` for the definitions
of Art. 3; ``bijlage IV, punt 2, onder d``; ``art. 102 tot en met 109``; ``art. 6, lid 3,
derde alinea``. The classification's terminal output and the HTML report both use it; it
needs only the standard library.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["cite"]

_POINT_ARTICLES = {"3"}  # articles whose numbered items are definitions ("punt"), not paragraphs ("lid")
_PART = re.compile(r"^(?:Art\.\s*)?(\d+[a-z]?)((?:\([0-9a-z]+\))*)(?:-\(([0-9a-z]+)\))?$")
_SPAN = re.compile(r"^(?:Art\.\s*)?(\d+)-(\d+)$")
_ANNEX = re.compile(r"^Annex ([IVX]+)(?:,? (?:point )?(\d+)(?:\(([a-z])\))?)?$")
_SUBPARAGRAPH = re.compile(r"^subparagraph (\d)$")
_ORDINAL_NL = {"1": "eerste", "2": "tweede", "3": "derde", "4": "vierde", "5": "vijfde"}
_ORDINAL_EN = {"1": "first", "2": "second", "3": "third", "4": "fourth", "5": "fifth"}
_ACTS = {"AI Act": ("", ""), "GDPR": ("GDPR", "AVG")}
"""Acts cited by name: the AI Act unnamed (the report is about it), the GDPR as GDPR / AVG."""



@dataclass
class _Ref:
    """An article with its paragraph/point path, e.g. 10(2)(f): number "10", runs [["2", "f"]]."""

    number: str
    runs: list[list[str]]
    until: str | None = None
    subparagraph: str | None = None


def _nl_items(number: str, items: list[str], until: str | None) -> list[str]:
    words = []
    for i, x in enumerate(items):
        first = "punt" if number in _POINT_ARTICLES else "lid"
        word = first if x.isdigit() else ("onder" if i else "punt")
        if until and i == len(items) - 1 and word == "lid":
            word = "leden"
        words.append(f"{word} {x}")
    if until and words:
        words[-1] += f" tot en met {until}"
    return words


def _parse(part: str, language: str) -> _Ref | str:
    """One comma-separated part: an article reference, or text already in the language's words."""
    match = _PART.match(part)
    if match:
        return _Ref(match.group(1), [re.findall(r"\(([0-9a-z]+)\)", match.group(2))], match.group(3))
    span = _SPAN.match(part)
    if span:
        first, last = span.groups()
        return f"art. {first} tot en met {last}" if language == "nl" else f"Art. {first}-{last}"
    if part.startswith("Annex"):
        annex = _ANNEX.match(part)
        if language != "nl":
            return part
        if annex and annex.group(2):
            letter = f", onder {annex.group(3)}" if annex.group(3) else ""
            return f"bijlage {annex.group(1)}, punt {annex.group(2)}{letter}"
        return "bijlage" + part[len("Annex"):]
    return part


def cite(article: str, language: str) -> str:
    """Cite an article the way the language does.

    Parameters
    ----------
    article
        A reference as the data write it, e.g. ``"AI Act 10(3)"``, ``"26(4)"``,
        ``"6(1), 2(2), Annex I"``, ``"GDPR 5(1)(d)"``, ``"6(3), subparagraph 3"``.
    language
        ``en`` or ``nl``.

    Returns
    -------
    str
        The citation; text that is not an article reference is returned unchanged.

    Examples
    --------
    >>> cite("AI Act 10(2)(f)", "nl"), cite("6(3)", "nl"), cite("3(3)", "nl")
    ('art. 10, lid 2, onder f', 'art. 6, lid 3', 'art. 3, punt 3')
    >>> cite("10(2)(a)-(d)", "en"), cite("10(2)(a)-(d)", "nl")
    ('Art. 10(2)(a)–(d)', 'art. 10, lid 2, onder a tot en met d')
    >>> cite("3(3), 3(4), 3(6)", "en"), cite("3(3), 3(4), 3(6)", "nl")
    ('Art. 3(3), (4), (6)', 'art. 3, punten 3, 4 en 6')
    >>> cite("Annex IV 2(d)", "nl"), cite("GDPR 5(1)(d)", "nl"), cite("2(2), 102-109", "nl")
    ('bijlage IV, punt 2, onder d', 'art. 5, lid 1, onder d, AVG', 'art. 2, lid 2; art. 102 tot en met 109')
    >>> cite("6(3), subparagraph 3", "nl"), cite("5(2)-(7)", "nl")
    ('art. 6, lid 3, derde alinea', 'art. 5, leden 2 tot en met 7')
    """
    text = article.strip()
    act = ""
    for prefix, names in _ACTS.items():
        if text.startswith(prefix + " "):
            text, act = text[len(prefix):].strip(), names[language == "nl"]
    parts = [p.strip() for p in text.split(",")]
    parsed: list[_Ref | str] = []
    for part in parts:
        sub = _SUBPARAGRAPH.match(part)
        last = parsed[-1] if parsed else None
        if sub and isinstance(last, _Ref):
            last.subparagraph = (_ORDINAL_NL if language == "nl" else _ORDINAL_EN).get(sub.group(1), sub.group(1))
            continue
        ref = _parse(part, language)
        # Merge runs of one-level references to the same article: 3(3), 3(4) -> Art. 3(3), (4).
        if (isinstance(ref, _Ref) and isinstance(last, _Ref) and last.number == ref.number
                and not (ref.until or last.until or last.subparagraph)
                and len(ref.runs[0]) == 1 and all(len(x) == 1 for x in last.runs)):
            last.runs.append(ref.runs[0])
            continue
        parsed.append(ref)
    if not act and parsed == parts:
        return article
    out = []
    for entry in parsed:
        if isinstance(entry, str):
            out.append(entry)
        elif language == "nl":
            if len(entry.runs) > 1:
                word = "punten" if entry.number in _POINT_ARTICLES else "leden"
                values = [r[0] for r in entry.runs]
                out.append(f"art. {entry.number}, {word} {', '.join(values[:-1])} en {values[-1]}")
            else:
                words = [f"art. {entry.number}", *_nl_items(entry.number, entry.runs[0], entry.until)]
                if entry.subparagraph:
                    words.append(f"{entry.subparagraph} alinea")
                out.append(", ".join(words))
        else:
            paths = ", ".join("".join(f"({x})" for x in r) for r in entry.runs)
            until = f"–({entry.until})" if entry.until else ""
            sub = f", {entry.subparagraph} subparagraph" if entry.subparagraph else ""
            out.append(f"Art. {entry.number}{paths}{until}{sub}")
    cited = ("; " if language == "nl" else ", ").join(out)
    if act:
        cited += f", {act}" if language == "nl" else f" {act}"
    return cited
