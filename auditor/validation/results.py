"""The result of one validation rule on one dataset: exact counts and bounded, privacy-safe examples.

Rules come from four places — the spec's column rules, the spec's cross-field rules, a user's
pandera schema and a user's Great Expectations suite — and all end up as :class:`RuleResult`
objects in the profile (:attr:`auditor.engines.digests.Digests.rules`). They are computed on the
rows while the dataset is profiled (the same load, not a second scan of the file), because a
count of failing rows needs the rows.

Examples are bounded and privacy-safe:

* ``rows``: the positions of the first :data:`MAX_EXAMPLES` failing rows, 0-based in file order
  (row 0 is the first data row, line 2 of a CSV file with a header);
* ``values``: failing values with the number of failing rows that have them, shown only for a
  value at least :data:`MIN_VALUE_COUNT` failing rows share (a value that few rows have could
  point to a person), never for the id column, and never for rules over several columns. The
  result keeps the exact tally of every failing value (up to :data:`MAX_TALLIED` distinct
  values) so that the floor is applied to the whole dataset's counts, not to each part's;
  :meth:`RuleResult.to_dict` (what findings show) applies the floor.

Results merge exactly (counts add; success is decided again from the merged counts, honouring a
Great Expectations ``mostly``; the rows of the second part are shifted by the first part's row
count and the first :data:`MAX_EXAMPLES` kept; value tallies add). Only a rule with more than
:data:`MAX_TALLIED` distinct failing values keeps just the values at or above the floor
(``values_complete`` false), and its merged example values can then miss a value that reaches
the floor only in the union. Table-level expectations (a row count between bounds, a column
list) are decided per part and merged with "holds on every part": run them on the whole
dataset (the pandas engine does) when that differs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

MAX_EXAMPLES = 20
"""Number of example rows (and distinct example values) kept per rule."""

MAX_TALLIED = 1000
"""Distinct failing values tallied exactly per rule (as many as the category counts of a column)."""

MIN_VALUE_COUNT = 10
"""A failing value is shown only when at least this many failing rows share it (the report's
privacy floor)."""

RULE_SOURCES = ("spec", "cross_field", "pandera", "great_expectations")


@dataclass
class RuleResult:
    """Outcome of one rule on one dataset.

    Attributes
    ----------
    source
        ``spec`` (a column rule), ``cross_field``, ``pandera`` or ``great_expectations``.
    rule
        What was checked: ``type``, ``min``, ``max``, ``allowed``, ``pattern``, ``not_null`` for
        spec rules; the rule's name for cross-field rules; the check name for pandera; the
        expectation type for Great Expectations.
    column
        The column it concerns (``None`` for a rule over several columns or the whole table).
    n_checked
        Rows the rule was evaluated on (for most rules: rows where the column is not missing).
    n_failed
        Rows that failed it; ``None`` when the rule is about the table, not rows (a missing
        column, a row count).
    rows
        Positions of the first failing rows (at most :data:`MAX_EXAMPLES`).
    values
        ``(value, count)`` of the failing values: all of them (at most :data:`MAX_TALLIED`),
        most frequent first; only those shared by at least :data:`MIN_VALUE_COUNT` failing rows
        when ``values_complete`` is false. Shown with the floor applied (:meth:`to_dict`).
    success
        Whether the rule holds (a Great Expectations ``mostly`` can make a rule with failing rows
        succeed).
    detail
        JSON-safe parameters of the rule (bounds, allowed values, pattern, expression, kwargs)
        and, for table-level outcomes, what was observed.
    key
        Identity of the rule within the dataset, used to merge results of two parts.
    """

    source: str
    rule: str
    column: str | None
    n_checked: int
    n_failed: int | None
    rows: tuple[int, ...] = ()
    values: tuple[tuple[str, int], ...] = ()
    success: bool = True
    detail: Mapping[str, Any] = field(default_factory=dict)
    key: str = ""
    values_complete: bool = True

    def merge(self, other: RuleResult, offset: int) -> RuleResult:
        """The result over the rows of ``self`` followed by the rows of ``other``."""
        rows = tuple(sorted({*self.rows, *(r + offset for r in other.rows)}))[:MAX_EXAMPLES]
        counts: dict[str, int] = dict(self.values)
        for value, count in other.values:
            counts[value] = counts.get(value, 0) + count
        values, complete = _tally(counts, self.values_complete and other.values_complete)
        failed = None if self.n_failed is None and other.n_failed is None else (self.n_failed or 0) + (other.n_failed or 0)
        checked = self.n_checked + other.n_checked
        return RuleResult(
            source=self.source, rule=self.rule, column=self.column,
            n_checked=checked, n_failed=failed, rows=rows,
            values=values, success=self._merged_success(other, checked, failed),
            detail=self.detail, key=self.key, values_complete=complete,
        )

    def _merged_success(self, other: RuleResult, checked: int, failed: int | None) -> bool:
        """Success over both parts, from the merged counts (a part's verdict is not the whole's).

        A row rule holds when no row fails, or, with a Great Expectations ``mostly``, when the
        share of checked rows that pass is at least ``mostly`` (GX's own rule). A rule that
        raised, and a table-level rule (no row counts), hold when they hold on both parts.
        """
        if failed is None or "error" in self.detail or "error" in other.detail:
            return self.success and other.success
        kwargs = self.detail.get("kwargs")
        mostly = kwargs.get("mostly") if isinstance(kwargs, Mapping) else None
        if isinstance(mostly, int | float) and not isinstance(mostly, bool):
            return checked == 0 or (checked - failed) / checked >= float(mostly)
        return failed == 0

    @property
    def shown_values(self) -> tuple[tuple[str, int], ...]:
        """The failing values a finding may show: those at least :data:`MIN_VALUE_COUNT` rows share, top :data:`MAX_EXAMPLES`."""
        return _top_values(dict(self.values))

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form for finding parameters."""
        return {
            "source": self.source, "rule": self.rule, "column": self.column,
            "n_checked": int(self.n_checked), "n_failed": None if self.n_failed is None else int(self.n_failed),
            "rows": [int(r) for r in self.rows], "values": [{"value": v, "count": int(c)} for v, c in self.shown_values],
            "success": bool(self.success), "detail": dict(self.detail),
        }


def _top_values(counts: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    kept = sorted(((v, c) for v, c in counts.items() if c >= MIN_VALUE_COUNT), key=lambda vc: (-vc[1], vc[0]))
    return tuple(kept[:MAX_EXAMPLES])


def _tally(counts: Mapping[str, int], complete: bool = True) -> tuple[tuple[tuple[str, int], ...], bool]:
    """The kept tally (most frequent first, then by value) and whether it is complete."""
    items = sorted(counts.items(), key=lambda vc: (-vc[1], vc[0]))
    if len(items) > MAX_TALLIED:
        items, complete = [(v, c) for v, c in items if c >= MIN_VALUE_COUNT][:MAX_TALLIED], False
    return tuple(items), complete


def example_values(values: Iterable[Any] | pd.Series, *, identifying: bool) -> tuple[tuple[str, int], ...]:
    """The tally of failing values (canonical text), most frequent first; the floor is applied when shown.

    Parameters
    ----------
    values
        The failing values (one per failing row).
    identifying
        ``True`` for the id column or a rule over several columns: then no value is kept.
    """
    if identifying:
        return ()
    from auditor.profile.labels import canonical_label

    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    counts = series.value_counts(dropna=False)
    if len(counts) > MAX_TALLIED:
        counts = counts[counts >= MIN_VALUE_COUNT]
    out: dict[str, int] = {}
    for value, count in zip(counts.index, counts.to_numpy(), strict=True):
        label = canonical_label(value)
        key = "(missing)" if label is None else label
        out[key] = out.get(key, 0) + int(count)
    return _tally(out)[0]


def first_rows(mask: np.ndarray) -> tuple[int, ...]:
    """Positions of the first :data:`MAX_EXAMPLES` ``True`` entries."""
    return tuple(int(i) for i in np.flatnonzero(mask)[:MAX_EXAMPLES])


def merge_results(a: tuple[RuleResult, ...], b: tuple[RuleResult, ...], offset: int) -> tuple[RuleResult, ...]:
    """Merge two parts' results rule by rule (matched on ``key``)."""
    theirs = {r.key: r for r in b}
    out = [r.merge(theirs.pop(r.key), offset) if r.key in theirs else r for r in a]
    out.extend(theirs.values())
    return tuple(out)


def json_safe(value: Any) -> Any:
    """Plain JSON types for rule parameters (numpy scalars, dates, sets and long lists tamed)."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        items = list(value)
        shown = [json_safe(v) for v in items[:MAX_EXAMPLES]]
        return shown + ([f"… ({len(items)} in all)"] if len(items) > MAX_EXAMPLES else [])
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else str(value)
    if value is None or isinstance(value, str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


__all__ = ["MAX_EXAMPLES", "MAX_TALLIED", "MIN_VALUE_COUNT", "RULE_SOURCES", "RuleResult", "example_values", "first_rows",
           "json_safe", "merge_results"]
