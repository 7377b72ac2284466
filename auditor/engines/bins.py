"""Banding numeric columns (``columns.bins``) before profiling, e.g. a raw age into age bands.

The bands are applied by the profile plan at the start of profiling (``ProfilePlan.bins``), so
every statistic, group table and check, on any engine, sees the bands and never the raw values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from auditor.errors import DataError


def _edge(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def bin_labels(edges: Sequence[float]) -> list[str]:
    """Labels of the bands cut by ``edges``: below the first, between each pair, from the last on.

    Whole-number edges give ``<18``, ``18-26``, ``27-44``, ``67+`` (bands of whole numbers, the
    upper edge excluded); other edges give ``[18.5, 27)``-style intervals.

    >>> bin_labels([18, 27, 45, 67])
    ['<18', '18-26', '27-44', '45-66', '67+']
    >>> bin_labels([0.5, 1])
    ['<0.5', '[0.5, 1)', '1+']
    """
    whole = all(float(e).is_integer() for e in edges)
    inner = [f"{_edge(a)}-{_edge(b - 1)}" if whole and b - a > 1 else _edge(a) if whole else f"[{_edge(a)}, {_edge(b)})"
             for a, b in zip(edges, edges[1:])]
    return [f"<{_edge(edges[0])}", *inner, f"{_edge(edges[-1])}+"]


def apply_bins(frame: pd.DataFrame, bins: Mapping[str, Sequence[float]], *, dataset: str = "") -> pd.DataFrame:
    """``frame`` with each column of ``bins`` replaced by its band (a categorical; missing stays missing).

    Raises
    ------
    DataError
        When a banded column is not numeric.
    """
    out = frame.copy(deep=False)
    for column, edges in bins.items():
        series = frame[column]
        if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
            raise DataError(f"columns.bins names {column!r}, but in data.{dataset} it is not numeric ({series.dtype}); "
                            "bin only numeric columns, or remove it from columns.bins", column=column)
        labels = bin_labels(edges)
        codes = np.searchsorted(np.asarray(edges, dtype=float), series.to_numpy(dtype=float, na_value=np.nan), side="right")
        values = np.asarray(labels, dtype=object)[np.minimum(codes, len(labels) - 1)]
        values[series.isna().to_numpy()] = None
        out[column] = pd.Categorical(values, categories=labels)
    return out
