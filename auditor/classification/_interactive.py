"""``auditor classify --interactive``: ask only the questions on the path, write the facts file.

The walk is the same as :func:`~auditor.classification.classify`'s; the difference is the
fact getter, which asks the user the first time a fact is needed. So the questions asked are
exactly those the decision tree consults, in the order it consults them.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Callable, Mapping
from typing import Any, TextIO

from auditor.citations import cite
from auditor.classification import _data
from auditor.classification._engine import Context, holds, walk
from auditor.classification._facts import KEYS, REQUIRED, describe
from auditor.classification._files import yaml_flow
from auditor.errors import SpecError

_YES = {"y", "yes", "j", "ja", "true"}
_NO = {"n", "no", "nee", "false"}

_SAY: Mapping[str, Mapping[str, str]] = {
    "not_understood": {"en": "Not understood: {answer!r}. {hint}", "nl": "Niet begrepen: {answer!r}. {hint}"},
    "bool": {"en": "Answer y (yes) or n (no).", "nl": "Antwoord j (ja) of n (nee)."},
    "choice": {"en": "Give one number from 1 to {n}.", "nl": "Geef één nummer van 1 tot en met {n}."},
    "multi": {
        "en": "Give numbers from 1 to {n} separated by commas, or leave empty for none.",
        "nl": "Geef nummers van 1 tot en met {n}, gescheiden door komma's, of laat leeg voor geen.",
    },
    "multi_required": {
        "en": "Give at least one number from 1 to {n}.",
        "nl": "Geef ten minste één nummer van 1 tot en met {n}.",
    },
    "text": {"en": "Type a non-empty answer.", "nl": "Typ een antwoord."},
    "date": {"en": "Give a date as YYYY-MM-DD, or leave empty.", "nl": "Geef een datum als JJJJ-MM-DD, of laat leeg."},
    "number": {"en": "Give a number such as 3e24, or leave empty.", "nl": "Geef een getal zoals 3e24, of laat leeg."},
    "yes_no": {"en": "[y/n]", "nl": "[j/n]"},
    "ended": {
        "en": "input ended before the question about {key!r} was answered; nothing was written",
        "nl": "invoer eindigde voordat de vraag over {key!r} was beantwoord; er is niets geschreven",
    },
}


class _Asker:
    """Asks one question per fact on a text stream, re-asking until the answer is valid."""

    def __init__(self, lang: str, stdin: TextIO, stdout: TextIO) -> None:
        self.lang = lang
        self.stdin = stdin
        self.stdout = stdout
        self.questions = _data.tree().questions

    def _say(self, message: str, **params: Any) -> str:
        return _SAY[message][self.lang].format(**params)

    def _print(self, text: str = "", indent: str = "", hanging: int = 0) -> None:
        lines = textwrap.wrap(text, 100, initial_indent=indent, subsequent_indent=indent + " " * hanging)
        for line in lines or [""]:
            self.stdout.write(line + "\n")

    def _read(self, key: str, parse: Callable[[str], Any], hint: str) -> Any:
        while True:
            self.stdout.write("> ")
            self.stdout.flush()
            line = self.stdin.readline()
            if not line:
                raise SpecError(self._say("ended", key=key), key=key)
            answer = line.strip()
            try:
                return parse(answer)
            except ValueError:
                self._print(self._say("not_understood", answer=answer, hint=hint))

    def _intro(self, spec: Mapping[str, Any], text: Mapping[str, str] | None = None) -> None:
        self._print()
        question = (text or spec["question"])[self.lang]
        article = (
            f" ({cite(spec['article'], self.lang)})" if spec.get("article") else ""
        )
        self._print(question + article)
        if spec.get("help"):
            self._print(spec["help"][self.lang], "  ")

    def _options(self, labels: list[str]) -> None:
        for number, label in enumerate(labels, 1):
            self._print(f"{number}) {label}", "  ", hanging=len(f"{number}) "))

    def _pick(self, key: str, values: list[Any], labels: list[str]) -> Any:
        self._options(labels)

        def parse(answer: str) -> Any:
            if answer.isdigit() and 1 <= int(answer) <= len(values):
                return values[int(answer) - 1]
            if answer in values:
                return answer
            raise ValueError(answer)

        return self._read(key, parse, self._say("choice", n=len(values)))

    def _bool(self, key: str, spec: Mapping[str, Any], text: Mapping[str, str] | None = None) -> bool:
        self._intro(spec, text)
        self._print(self._say("yes_no"), "  ")

        def parse(answer: str) -> bool:
            if answer.lower() in _YES | _NO:
                return answer.lower() in _YES
            raise ValueError(answer)

        return bool(self._read(key, parse, self._say("bool")))

    def _label(self, list_name: str, value: str) -> str:
        entry = _data.choices(list_name)[value]
        return f"{entry['code']} — {entry[self.lang]}" if "code" in entry else str(entry[self.lang])

    def ask(self, key: str) -> Any:
        """Ask for one fact and return its value in the facts-file format."""
        spec = self.questions[key]
        form = spec["form"]
        if form == "bool":
            return self._bool(key, spec)
        self._intro(spec)
        if form in ("text", "date", "number"):
            return self._free(key, form, optional=bool(spec.get("optional")))
        if form == "annex_i":
            return self._annex_i(key, spec)
        values = list(_data.choices(spec["choices"]))
        labels = [self._label(spec["choices"], v) for v in values]
        if form == "multi":
            return self._multi(key, values, labels, required=key in REQUIRED)
        if "unsure" in spec:
            chosen = self._pick(key, [*values, None], [*labels, spec["unsure"][self.lang]])
            return self._helper(key, spec) if chosen is None else chosen
        return self._pick(key, values, labels)

    def _free(self, key: str, form: str, *, optional: bool) -> Any:
        parsers: Mapping[str, Callable[[str], Any]] = {"text": str, "date": dt.date.fromisoformat, "number": float}

        def parse(answer: str) -> Any:
            if not answer:
                if optional:
                    return None
                raise ValueError(answer)
            return parsers[form](answer)

        return self._read(key, parse, self._say(form))

    def _multi(self, key: str, values: list[str], labels: list[str], *, required: bool) -> list[str]:
        self._options(labels)

        def parse(answer: str) -> list[str]:
            chosen = []
            for part in answer.replace(",", " ").split():
                if part.isdigit() and 1 <= int(part) <= len(values):
                    chosen.append(values[int(part) - 1])
                elif part in values:
                    chosen.append(part)
                else:
                    raise ValueError(part)
            if required and not chosen:
                raise ValueError(answer)
            return list(dict.fromkeys(chosen))

        return list(self._read(key, parse, self._say("multi_required" if required else "multi", n=len(values))))

    def _helper(self, key: str, spec: Mapping[str, Any]) -> str:
        for step in spec["helper"]:
            if self._bool(key, {}, step["question"]) == step["not_ai_if"]:
                return "not_ai"
        return "ai_system"

    def _annex_i(self, key: str, spec: Mapping[str, Any]) -> dict[str, Any] | None:
        areas = _data.annex_i_areas()
        sections = list(areas)
        section_word = spec["section"][self.lang]
        section = self._pick(
            key, [None, *sections], [spec["no_product"][self.lang], *(f"{section_word} {s}" for s in sections)]
        )
        if section is None:
            return None
        self._intro(spec, spec["area_question"])
        area = self._pick(key, list(areas[section]), [entry[self.lang] for entry in areas[section].values()])
        third_party = self._bool(key, {}, spec["conformity_question"])
        return {"section": section, "area": area, "third_party_conformity": third_party}


def ask_facts(*, lang: str, stdin: TextIO, stdout: TextIO) -> dict[str, Any]:
    """Ask the identity questions, then the questions on the path through the decision tree.

    Parameters
    ----------
    lang
        ``"en"`` or ``"nl"``.
    stdin, stdout
        Where answers are read from and questions written to.

    Returns
    -------
    dict
        The answers, keyed as in a facts file (only the facts that were asked).

    Raises
    ------
    SpecError
        When the input ends before a question is answered.
    """
    tree = _data.tree()
    asker = _Asker(lang, stdin, stdout)
    answers: dict[str, Any] = {}

    def fact(key: str) -> Any:
        root, *rest = key.split(".")
        if root not in answers:
            answers[root] = asker.ask(root)
        value = answers[root]
        for part in rest:
            value = value.get(part) if isinstance(value, Mapping) else None
        return value

    for key in tree.identity:
        if holds(tree.questions[key].get("ask_if"), Context(fact, ())):
            fact(key)
    walk(tree.nodes, tree.start, fact, describe)
    return answers


def facts_yaml(answers: Mapping[str, Any]) -> str:
    """Write answers as a facts file, in the order of the format, with a header comment.

    Parameters
    ----------
    answers
        The answers of :func:`ask_facts`.

    Returns
    -------
    str
        The YAML text of the facts file.
    """
    legal = KEYS[: KEYS.index("description")]
    not_asked = [key for key in legal if key not in answers]
    lines = [
        "# System description for the AI-Act classification, written by `auditor classify --interactive`.",
        "# See auditor/classification/README.md for every key and its valid values.",
    ]
    if not_asked:
        lines.append("# Not asked, because they did not matter on this path (defaults apply): " + ", ".join(not_asked))
    lines += [f"{key}: {yaml_flow(answers[key])}" for key in KEYS if key in answers]
    return "\n".join(lines) + "\n"
