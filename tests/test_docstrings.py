"""The public surface is documented in numpydoc style (checked by ``numpydoc.validate``).

The surface is what a user imports: everything in ``auditor.__all__`` and
``auditor.classification.__all__``, with the public methods and properties those classes
define. Types live in the annotations (PR04); an extended summary, "See Also" and examples are
welcome but not required (ES01, SA01, EX01). Every field of a dataclass is documented, under
"Attributes" or "Parameters".
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
from collections.abc import Iterator

import pytest
from numpydoc.docscrape import NumpyDocString  # the [test] extra
from numpydoc.validate import validate

import auditor
import auditor.classification

IGNORED = {"ES01", "SA01", "EX01", "PR04"}


def _surface() -> Iterator[tuple[str, object]]:
    for module in (auditor, auditor.classification):
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue  # e.g. __version__, constants
            path = f"{obj.__module__}.{obj.__qualname__}"
            yield path, obj
            if inspect.isclass(obj) and not issubclass(obj, enum.Enum):
                for attribute, member in vars(obj).items():
                    if not attribute.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                        yield f"{path}.{attribute}", member


SURFACE = dict(_surface())


def _documented_fields(obj: type) -> set[str]:
    """The names in a class docstring's "Attributes" or "Parameters" (``a, b`` documents both)."""
    doc = NumpyDocString(inspect.getdoc(obj) or "")
    return {name.strip() for section in ("Attributes", "Parameters") for entry in doc[section] for name in entry.name.split(",")}


@pytest.mark.parametrize("path", sorted(SURFACE))
def test_public_docstrings_follow_numpydoc(path: str) -> None:
    obj = SURFACE[path]
    problems = [f"{code}: {message}" for code, message in validate(path)["errors"] if code not in IGNORED]
    if inspect.isclass(obj) and (dataclasses.is_dataclass(obj) or issubclass(obj, enum.Enum)):
        # numpydoc reads a dataclass's generated __init__ (or Enum's) as the parameters.
        problems = [p for p in problems if not p.startswith("PR01")]
        if dataclasses.is_dataclass(obj):
            undocumented = {f.name for f in dataclasses.fields(obj)} - _documented_fields(obj)
            problems += [f"field {name!r} is not documented under Attributes" for name in sorted(undocumented)]
    assert problems == []


def test_the_surface_is_checked() -> None:
    # Guards against an import change silently emptying the parametrisation above.
    assert {"auditor.pipeline.audit", "auditor.spec.load.load_spec", "auditor.evidence.result.AuditResult.save"} <= set(SURFACE)
    assert len(SURFACE) > 25
