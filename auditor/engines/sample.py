"""A bounded, seeded, stratified sample of rows, drawn in the profiling pass.

Checks see statistics, not rows (DESIGN.md §3). The few that truly need rows — the proxy
check's cross-validated model that predicts a protected attribute from the features — get this
sample instead, and say so in their evidence. It is kept in memory with the profile and never
written to the evidence or the report.

How rows are chosen (bottom-k sampling, Cohen & Kaplan 2007):

* every row gets a 64-bit key, a seeded hash of its *content* (``pandas.util.hash_pandas_object``
  with a key derived from :data:`SEED`), so the same row gets the same key in any chunk, any
  order, any engine;
* the sample keeps the :data:`SAMPLE_SIZE` rows with the smallest keys overall, **plus** the
  :data:`PER_CELL` rows with the smallest keys within each protected group cell (so small groups
  are present even when they are rare: the sample is stratified, not proportional);
* two samples merge exactly: the rows the union would keep are among the rows either part kept,
  so ``sample(A ∪ B) == merge(sample(A), sample(B))``.

Identical rows get identical keys and are kept or dropped together. Each kept row's inclusion
is a deterministic function of the data and the seed: the same data give the same sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

SAMPLE_SIZE = 20_000
"""Rows kept overall (the bottom-k part)."""

PER_CELL = 200
"""Rows kept per protected group cell (the stratified part)."""

SEED = 20240712
"""Seed of the row keys (the AI Act's publication date); recorded in the evidence of checks that use the sample."""

_SEP = "\x1f"  # joins the labels of a cell (a character no label contains)



def row_keys(row_hashes: np.ndarray, seed: int = SEED) -> np.ndarray:
    """Seeded 64-bit sampling key per row from the rows' content hashes (splitmix64 finaliser).

    The content hash does not depend on the index or on row order, so neither does the sample;
    the seed changes which rows are drawn.
    """
    z = np.asarray(row_hashes, dtype=np.uint64) ^ np.uint64((seed * 0x9E3779B97F4A7C15) % (1 << 64))
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _select(keys: np.ndarray, cells: np.ndarray, size: int, per_cell: int) -> np.ndarray:
    """Indices of the rows among the ``size`` smallest keys or the ``per_cell`` smallest in their cell."""
    n = len(keys)
    keep = np.zeros(n, dtype=bool)
    if n == 0:
        return np.flatnonzero(keep)
    if n <= size:
        keep[:] = True
    elif size > 0:
        # The ``size`` smallest keys, ties at the boundary to the earlier rows (as a stable sort
        # would give them: equal keys are copies of one record), in linear time.
        kth = np.partition(keys, size - 1)[size - 1]
        below = keys < kth
        keep[below] = True
        keep[np.flatnonzero(keys == kth)[:size - int(below.sum())]] = True
    if per_cell > 0:
        # Per cell, the per_cell smallest keys: candidates first (keys below a generous quantile of
        # the cell's expected key distribution), then an exact sort of the few candidates.
        _, cell_index, cell_counts = np.unique(cells, return_inverse=True, return_counts=True)
        big = cell_counts > per_cell
        keep |= ~big[cell_index]
        if big.any():
            share = np.minimum(1.0, 3.0 * per_cell / np.maximum(cell_counts, 1) + 1e-3)
            limit = (share * float(np.iinfo(np.uint64).max)).astype(np.float64)
            candidate = big[cell_index] & (keys.astype(np.float64) <= limit[cell_index])
            idx = np.flatnonzero(candidate)
            found = np.bincount(cell_index[idx], minlength=len(cell_counts))
            short = big & (found < per_cell)
            if short.any():  # astronomically unlikely; fall back to all rows of those cells
                idx = np.union1d(idx, np.flatnonzero(short[cell_index]))
            order = idx[np.lexsort((keys[idx], cell_index[idx]))]
            ci = cell_index[order]
            start = np.searchsorted(ci, ci, side="left")
            rank = np.arange(len(order)) - start
            keep[order[rank < per_cell]] = True
    return np.flatnonzero(keep)


@dataclass
class RowSample:
    """Rows kept for the checks that need rows.

    Attributes
    ----------
    rows
        The kept rows (only the columns the plan names; never the id column), ordered by key,
        with the original index dropped.
    keys
        Their seeded content hashes, ascending.
    cells
        Their protected group cell: the canonical labels joined as one text (stable across chunks).
    n_rows
        Rows of the data the sample was drawn from.
    size, per_cell, seed
        The sampling parameters.
    """

    rows: pd.DataFrame
    keys: np.ndarray
    cells: np.ndarray
    n_rows: int
    size: int = SAMPLE_SIZE
    per_cell: int = PER_CELL
    seed: int = SEED

    def merge(self, other: RowSample) -> RowSample:
        """The sample of the union of the two parts' rows."""
        return RowSample.merge_all([self, other])

    @staticmethod
    def merge_all(parts: Sequence[RowSample]) -> RowSample:
        """The sample of the union of the parts' rows (drawn once from all the parts' samples)."""
        first = parts[0]
        if len(parts) == 1:
            return first
        if any((p.size, p.per_cell, p.seed) != (first.size, first.per_cell, first.seed) for p in parts):
            raise ValueError("cannot merge samples drawn with different parameters")
        rows = pd.concat([p.rows for p in parts], ignore_index=True)
        keys = np.concatenate([p.keys for p in parts])
        cells = np.concatenate([p.cells for p in parts])
        return _finish(rows, keys, cells, sum(p.n_rows for p in parts), first.size, first.per_cell, first.seed)


def _finish(rows: pd.DataFrame, keys: np.ndarray, cells: np.ndarray, n_rows: int, size: int, per_cell: int,
            seed: int) -> RowSample:
    chosen = _select(keys, cells, size, per_cell)
    order = chosen[np.lexsort((cells[chosen], keys[chosen]))]
    return RowSample(rows.iloc[order].reset_index(drop=True), keys[order], cells[order], n_rows, size, per_cell, seed)


def draw_sample(
    frame: pd.DataFrame,
    columns: list[str],
    group_parts: list[tuple[np.ndarray, list[str | None]]],
    row_hashes: np.ndarray,
    *,
    size: int = SAMPLE_SIZE,
    per_cell: int = PER_CELL,
    seed: int = SEED,
    cell_codes: np.ndarray | None = None,
) -> RowSample:
    """Draw the sample of ``columns`` from ``frame``.

    Parameters
    ----------
    frame
        The data.
    columns
        Columns to keep (features, protected attributes, target, prediction, score).
    group_parts
        Per protected attribute: the code per row (missing = last code) and the canonical label
        per code, as the group table computes them; they define the strata.
    size, per_cell, seed
        See :data:`SAMPLE_SIZE`, :data:`PER_CELL`, :data:`SEED`.
    cell_codes
        The joint cell code of ``group_parts`` (mixed radix, first attribute most significant),
        when the pass already computed it.
    """
    data = frame[columns]
    keys = row_keys(row_hashes, seed)
    if cell_codes is None:
        cell_codes = np.zeros(len(frame), dtype=np.int64)
        for codes, labels in group_parts:
            cell_codes = cell_codes * len(labels) + codes
    chosen = _select(keys, cell_codes, size, per_cell)
    cells = np.full(len(chosen), "", dtype=object)
    for i, (codes, labels) in enumerate(group_parts):
        text = np.array(["\x00" if v is None else v for v in labels], dtype=object)[codes[chosen]]
        cells = text if i == 0 else cells + _SEP + text
    return _finish(data.iloc[chosen].reset_index(drop=True), keys[chosen], cells, len(frame), size, per_cell, seed)


__all__ = ["PER_CELL", "SAMPLE_SIZE", "SEED", "RowSample", "draw_sample", "row_keys"]
