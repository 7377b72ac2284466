"""Timeliness: the data period from the declared date column vs the audit date and the period of use."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from quality_context import only, run

from auditor.evidence.model import Status


def dated(first: str, last: str, n: int = 100) -> pd.DataFrame:
    days = pd.date_range(first, last, periods=n)
    return pd.DataFrame({"when": days, "label": [0, 1] * (n // 2)})


def test_recent_data_pass_and_report_their_period() -> None:
    finding = only(run("quality.timeliness", {"training": dated("2025-01-01", "2026-06-30")}, {"target": "label"},
                       quality={"date_column": "when", "period_of_use": {"start": "2026-12-01", "end": "2027-12-31"}}))
    params = finding.message.params
    assert finding.status == Status.PASS
    assert (params["first"], params["last"], params["reference_date"]) == ("2025-01-01", "2026-06-30", "2026-12-01")
    assert params["age_days"] == (datetime(2026, 12, 1) - datetime(2026, 6, 30)).days == 154
    assert finding.metrics[0].value == 154


def test_old_data_warn_and_future_dates_fail() -> None:
    old = only(run("quality.timeliness", {"training": dated("2019-01-01", "2022-12-31")}, {"target": "label"},
                   quality={"date_column": "when"}))
    assert old.status == Status.WARN and old.message.params["age_days"] == (datetime(2026, 11, 22) - datetime(2022, 12, 31)).days
    future = only(run("quality.timeliness", {"test": dated("2026-01-01", "2027-02-01")}, {"target": "label"},
                      quality={"date_column": "when"}, now=datetime(2026, 11, 22, tzinfo=UTC)))
    assert future.status == Status.FAIL and future.message.params["in_future"]


def test_dates_stored_as_text_with_unreadable_values() -> None:
    frame = pd.DataFrame({"when": ["2026-01-05", "2026-03-01", "31-02-2026", None], "label": [0, 1, 0, 1]})
    finding = only(run("quality.timeliness", {"training": frame}, {"target": "label"}, quality={"date_column": "when"}))
    params = finding.message.params
    assert (params["first"], params["last"], params["n_dates"], params["n_unreadable"]) == ("2026-01-05", "2026-03-01", 2, 1)
    assert finding.status == Status.WARN


def test_without_a_date_column_not_assessed() -> None:
    finding = only(run("quality.timeliness", {"training": dated("2025-01-01", "2025-02-01")}, {"target": "label"}))
    assert finding.status == Status.NOT_ASSESSED  # the period the data cover is unknown: a gap
