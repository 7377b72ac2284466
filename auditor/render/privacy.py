"""The privacy floor: the one rule for which numbers a report may not show.

A metric that rests on fewer than :data:`PRIVACY_FLOOR` rows describes so few people that its
count, rate or interval could identify them; tables, charts, messages and exports all leave
such numbers out. Whole-table statistics (a goodness-of-fit chi-square and its effect size)
describe no group and are never suppressed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PRIVACY_FLOOR = 10
"""Groups with fewer rows than this are suppressed in reports."""

UNSUPPRESSED = frozenset({"chi_square", "cohens_w"})


def below_floor(metric: Mapping[str, Any], floor: int = PRIVACY_FLOOR) -> bool:
    """Whether a metric (evidence form) must be suppressed at ``floor``."""
    n = metric.get("n")
    return n is not None and n < floor and metric.get("name") not in UNSUPPRESSED
