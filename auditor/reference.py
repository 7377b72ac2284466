"""The reference population file (Art. 10(3)-(4)): ``attribute, category, share``.

One row per category of an attribute, with the category's share in the population the system
is used on (e.g. from CBS StatLine). Shares per attribute must sum to 1 (±0.01). Categories
are compared with the data as canonical text (``1`` and ``1.0`` are the same category).

Joint distributions of two (or more) protected attributes use :data:`JOINT_SEPARATOR` in both
columns: attribute ``sex|age_band``, category ``F|18-26`` (the parts in the same order; every
part of the attribute must be in ``columns.protected``; write each category part as it appears
in the data, integers without ``.0``). Their shares also sum to 1.
"""

from __future__ import annotations

import pandas as pd

from auditor.errors import DataError
from auditor.profile.labels import JOINT_SEPARATOR as JOINT_SEPARATOR  # re-exported: the separator is defined in the core
from auditor.profile.labels import canonical_label
from auditor.sources import Dataset, load_dataset
from auditor.spec.model import DataSource, Reference

REQUIRED = ("attribute", "category", "share")
"""Separates the attributes of a joint distribution (``sex|age_band``) and their categories (``F|18-26``)."""
SUM_TOLERANCE = 0.01


def load_reference(reference: Reference) -> tuple[pd.DataFrame, Dataset]:
    """Read and validate a reference file; return the tidy table and the fingerprinted source.

    Raises
    ------
    DataError
        Naming the file, the column or attribute, and the fix.
    """
    dataset = load_dataset(DataSource(name="reference", path=reference.path, frame=reference.frame))
    where = dataset.source if dataset.format != "dataframe" else "reference"
    frame = dataset.frame.rename(columns=lambda c: str(c).strip().lower())
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise DataError(
            f"needs the columns attribute,category,share; missing {', '.join(missing)} "
            f"(found: {', '.join(map(str, dataset.frame.columns))})",
            source=where,
        )
    share = pd.to_numeric(frame["share"], errors="coerce")
    bad = share.isna() | (share < 0) | (share > 1)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(
            f"row {row + 2}: share {frame['share'].iloc[row]!r} is not a number between 0 and 1",
            source=where, column="share",
        )
    tidy = pd.DataFrame({
        "attribute": frame["attribute"].map(lambda v: str(v).strip()),
        "category": frame["category"].map(canonical_label),
        "share": share.astype(float),
    })
    if tidy["category"].isna().any():
        raise DataError("has an empty category; every row needs one", source=where, column="category")
    dup = tidy.duplicated(["attribute", "category"])
    if dup.any():
        first = tidy[dup].iloc[0]
        raise DataError(f"lists category {first['category']!r} of attribute {first['attribute']!r} twice",
                        source=where, column="category")
    sums = tidy.groupby("attribute", sort=False)["share"].sum()
    off = sums[(sums - 1.0).abs() > SUM_TOLERANCE]
    if len(off):
        name, total = off.index[0], off.iloc[0]
        raise DataError(
            f"shares of attribute {name!r} sum to {total:.4f}; they must sum to 1 (±{SUM_TOLERANCE}) — "
            "give every category, or add an 'other' category",
            source=where, column="share",
        )
    return tidy, dataset
