"""Group arithmetic on a profile's contingency table, shared by the group checks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from auditor.engines.profile import COUNT, LABEL, PREDICTION, GroupTable, canonical_label


def group_sizes(groups: GroupTable, attributes: list[str]) -> pd.DataFrame:
    """Rows per group of ``attributes`` (``[*attributes, n]``), largest first."""
    table = groups.cells.groupby(attributes, dropna=False, sort=False)[COUNT].sum().reset_index()
    return table.sort_values(COUNT, ascending=False, kind="stable").reset_index(drop=True)


def rate_table(groups: GroupTable, attributes: list[str], *, column: str, value: object, among: tuple[str, object] | None = None) -> pd.DataFrame:
    """Per group: ``n`` (rows considered) and ``x`` (rows where ``column == value``).

    Parameters
    ----------
    column
        :data:`LABEL` or :data:`PREDICTION`.
    value
        The value counted (canonicalised).
    among
        Restrict to rows where another key column has a value, e.g. ``(LABEL, "1")`` for a
        true positive rate; ``None`` = all rows with a non-missing ``column``.

    Rows where ``column`` is missing are not counted.
    """
    cells = groups.cells
    keep = cells[column].notna()
    if among is not None:
        keep &= cells[among[0]] == canonical_label(among[1])
    cells = cells[keep]
    hit = (cells[column] == canonical_label(value)).to_numpy()
    frame = cells[attributes].copy()
    frame["n"] = cells[COUNT].to_numpy()
    frame["x"] = np.where(hit, cells[COUNT].to_numpy(), 0)
    return frame.groupby(attributes, dropna=False, sort=False)[["n", "x"]].sum().reset_index()


def reference_row(table: pd.DataFrame, attributes: list[str], chosen: str | None) -> int | None:
    """Index of the reference group: the one named in the spec, else the largest group."""
    if table.empty:
        return None
    if chosen is not None and len(attributes) == 1:
        hits = np.flatnonzero(table[attributes[0]].to_numpy(dtype=object) == chosen)
        if hits.size:
            return int(hits[0])
    return int(table["n"].to_numpy().argmax())


__all__ = ["COUNT", "LABEL", "PREDICTION", "group_sizes", "rate_table", "reference_row"]
