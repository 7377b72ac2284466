"""The examples in the docstrings run and print what they show (STYLE §9: doctests in CI)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "auditor.checks.rates",
    "auditor.engines.base",
    "auditor.engines.bins",
    "auditor.engines.profile",
    "auditor.evidence.result",
    "auditor.pipeline",
    "auditor.profile.labels",
    "auditor.render.html",
    "auditor.stats.auc",
    "auditor.stats.comparisons",
    "auditor.stats.effect_size",
    "auditor.stats.intervals",
    "auditor.validation.expressions",
]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples(module: str) -> None:
    import auditor

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             extraglobs={"auditor": auditor})
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {module}"
