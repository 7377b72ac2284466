"""Group arithmetic on a profile's contingency table, shared by the group checks."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from auditor.engines.profile import COUNT, LABEL, PREDICTION, SCORE_BIN, GroupTable, Profile, tidy_table


def group_sizes(groups: GroupTable, attributes: list[str]) -> pd.DataFrame:
    """Rows per group of ``attributes`` (``[*attributes, n]``), largest first."""
    table = groups.cells.groupby(attributes, dropna=False, sort=False)[COUNT].sum().reset_index()
    return table.sort_values(COUNT, ascending=False, kind="stable").reset_index(drop=True)


def without_attributes(profile: Profile, drop: tuple[str, ...]) -> Profile:
    """The profile with protected attributes ``drop`` summed out of its group table.

    Used for attributes with more groups than ``checks.max_groups``: every other attribute's
    groups, intersections and label counts stay exactly as they were.
    """
    groups = profile.groups
    if groups is None or not set(drop) & set(groups.attributes):
        return profile
    keep = [a for a in groups.attributes if a not in drop]

    def project(table: pd.DataFrame | None, extra: list[str]) -> pd.DataFrame | None:
        if table is None:
            return None
        keys = keep + extra
        summed = table.groupby(keys, dropna=False, sort=False, observed=True)[COUNT].sum().reset_index()
        return tidy_table(summed, keys)

    cells = project(groups.cells, [LABEL, PREDICTION])
    missing = project(groups.missing, ["column"])
    assert cells is not None and missing is not None
    return replace(profile, groups=GroupTable(attributes=tuple(keep), cells=cells, missing=missing,
                                              scores=project(groups.scores, [LABEL, SCORE_BIN])))


__all__ = ["group_sizes", "without_attributes"]
