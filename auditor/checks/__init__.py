"""The check registry: every check by its stable id.

Checks are plain functions listed in each family module's ``CHECKS``; the registry is built
explicitly by :func:`registry` (no import-time registration side effects), so tests can build
their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from auditor.checks.base import Check, CheckContext, Threshold

__all__ = ["Check", "CheckContext", "Threshold", "registry"]


def registry(extra: Iterable[Check] = ()) -> Mapping[str, Check]:
    """All built-in checks by id, plus ``extra`` (a user's own checks).

    Raises
    ------
    ValueError
        When two checks share an id.
    """
    from auditor.checks import (
        bias,
        completeness,
        consistency,
        feedback,
        governance,
        mitigation,
        performance,
        plausibility,
        proxies,
        representativeness,
        split,
        sufficiency,
        timeliness,
        uniqueness,
        validity,
    )
    from auditor.monitoring import checks as drift

    out: dict[str, Check] = {}
    for check in (*completeness.CHECKS, *representativeness.CHECKS, *bias.CHECKS, *proxies.CHECKS, *feedback.CHECKS,
                  *mitigation.CHECKS, *performance.CHECKS, *validity.CHECKS, *uniqueness.CHECKS, *consistency.CHECKS,
                  *plausibility.CHECKS, *timeliness.CHECKS, *split.CHECKS, *sufficiency.CHECKS, *governance.CHECKS, *drift.CHECKS,
                  *extra):
        if check.id in out:
            raise ValueError(f"duplicate check id {check.id!r}")
        out[check.id] = check
    return out
