"""Group arithmetic on a profile's contingency table, shared by the group checks."""

from __future__ import annotations

import pandas as pd

from auditor.engines.profile import COUNT, GroupTable


def group_sizes(groups: GroupTable, attributes: list[str]) -> pd.DataFrame:
    """Rows per group of ``attributes`` (``[*attributes, n]``), largest first."""
    table = groups.cells.groupby(attributes, dropna=False, sort=False)[COUNT].sum().reset_index()
    return table.sort_values(COUNT, ascending=False, kind="stable").reset_index(drop=True)


__all__ = ["group_sizes"]
