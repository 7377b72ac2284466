"""Canonical category labels and the reserved names of the profile's count tables (no pandas).

Categories are compared as text, the same in profiles, spec values, reference files and
engines (:data:`CANONICAL_LABEL_RULES`, recorded in every saved profile).
"""

from __future__ import annotations

import math
import sys
from datetime import date, datetime
from typing import Any

LABEL = "__label__"
"""Key column of the target (the label) in the group and label tables."""
PREDICTION = "__prediction__"
"""Key column of the model's decision in the group table."""
SCORE_BIN = "__score_bin__"
"""Key column of the score's sketch bucket in the score table."""
VALUE = "__value__"
"""Key column of a feature's value in the feature tables."""
COUNT = "n"
"""The count column of every long table."""
RESERVED_NAMES = frozenset({
    LABEL, PREDICTION, SCORE_BIN, VALUE, COUNT,
    # the per-group confusion counts (auditor.checks.disparity.confusion_table) and the missing table
    "n_label", "label_pos", "n_pred", "pred_pos", "n_both", "tp", "fp", "fn", "tn",
    "label_pos_pred", "label_neg_pred", "pred_pos_label", "correct", "column", "n_group",
    "x",  # the reweighing table's expected counts
})
"""Column names the audit's own tables put beside the protected attributes: a protected attribute
cannot have one of them (the spec check says so, and how to rename it)."""
JOINT_SEPARATOR = "|"
"""Joins attribute names and categories of a joint (intersectional) cell: ``sex|age``."""

MAX_CATEGORIES = 1000
"""Category counts are kept for columns with at most this many distinct values."""

CANONICAL_LABEL_RULES = {
    "version": 1,
    "missing": "None, NaN, pandas NA and NaT are missing (no label)",
    "integer": "decimal digits, no sign for zero: 1 and 1.0 are '1'",
    "float": "Python repr of the float64 value when not integral: '0.5', '1e-07'",
    "boolean": "'True' / 'False'",
    "datetime": "ISO 8601 (datetime.isoformat): '2024-01-01T00:00:00'",
    "date": "ISO 8601: '2024-01-01'",
    "text": "the text itself, unchanged (no stripping, no case folding)",
}
"""The rules of :func:`canonical_label`, as recorded in a saved profile."""


def _is_missing_scalar(value: Any) -> bool:
    pandas = sys.modules.get("pandas")  # a pandas value can only exist when pandas is loaded
    if pandas is not None and (value is pandas.NA or value is pandas.NaT):
        return True
    return isinstance(value, float) and math.isnan(value)


def canonical_label(value: Any) -> str | None:
    """Text form of a category value, shared by profiles, spec values and reference files.

    Examples
    --------
    >>> canonical_label(1.0), canonical_label(1), canonical_label(True), canonical_label(None)
    ('1', '1', 'True', None)
    """
    if value is None or _is_missing_scalar(value):
        return None
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.generic):
        if isinstance(value, numpy.datetime64 | numpy.timedelta64):
            return None if numpy.isnat(value) else str(value)
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(float(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


__all__ = ["CANONICAL_LABEL_RULES", "COUNT", "JOINT_SEPARATOR", "LABEL", "MAX_CATEGORIES", "PREDICTION", "SCORE_BIN",
           "VALUE", "canonical_label"]
