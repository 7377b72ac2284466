"""Timeliness (Art. 10(3) relevance; Algoritmekader dat-01 actualiteit; avg-05 "up to date").

``quality.timeliness``: the period the data cover — the earliest and latest date of the column
the spec declares (``quality.date_column``), read in the profiling pass — against the audit date
and the declared period of use (``quality.period_of_use``). The *age* of a dataset is the number
of days from its latest date to the start of the period of use (or, without one, to the audit
date).

* fail: a date lies after the audit date (a date in the future is an error);
* warn: the age exceeds ``max_data_age_days``, or some values of the date column cannot be read
  as dates;
* pass otherwise; not applicable when no date column is declared.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from auditor.checks.base import Check, CheckContext, finding_id
from auditor.evidence.model import Finding, Message, Metric, Status

TIMELINESS = "quality.timeliness"


def _day(micros: int) -> date:
    return datetime.fromtimestamp(micros / 1e6, tz=UTC).date()


def timeliness(ctx: CheckContext) -> list[Finding]:
    """Data period vs audit date and period of use, per dataset with the date column."""
    column = ctx.quality.date_column
    if column is None:
        return [Finding(id=finding_id(TIMELINESS), check=TIMELINESS, status=Status.NOT_ASSESSED, dataset=None,
                        requirements=ctx.requirements, message=Message(f"{TIMELINESS}.no_date_column", {}))]
    limit = ctx.threshold("max_data_age_days")
    audit_day = (ctx.audit_date or datetime.now(UTC)).date()
    period = ctx.quality.period_of_use
    reference = period.start if period is not None else audit_day
    findings = []
    for profile in ctx.datasets():
        dates = profile.digests.dates if profile.digests is not None else None
        if dates is None:
            continue
        params: dict[str, object] = {
            "dataset": profile.dataset, "column": column, "audit_date": audit_day.isoformat(),
            "reference_date": reference.isoformat(), "use_start": None if period is None else period.start.isoformat(),
            "use_end": None if period is None or period.end is None else period.end.isoformat(),
            "n_dates": dates.n, "n_unreadable": dates.n_unreadable, "threshold": limit,
        }
        if dates.first is None or dates.last is None:
            status, metrics = Status.WARN, ()
            params.update(first=None, last=None, age_days=None, in_future=False)
        else:
            first, last = _day(dates.first), _day(dates.last)
            age = (reference - last).days
            in_future = last > audit_day
            status = (Status.FAIL if in_future else Status.WARN if age > limit or dates.n_unreadable else Status.PASS)
            metrics = (Metric("data_age_days", float(age), column=column, n=dates.n, threshold=limit,
                              status=Status.WARN if age > limit else Status.PASS),)
            params.update(first=first.isoformat(), last=last.isoformat(), age_days=age, in_future=in_future,
                          use_ended=period is not None and period.end is not None and period.end < audit_day)
        findings.append(Finding(
            id=finding_id(TIMELINESS, profile.dataset), check=TIMELINESS, status=status, dataset=profile.dataset,
            requirements=ctx.requirements, thresholds=("max_data_age_days",), metrics=metrics,
            message=Message(f"{TIMELINESS}.{status.value}", params),
        ))
    return findings


CHECKS = (Check(TIMELINESS, "quality", timeliness, ("max_data_age_days",), ("data_age_days",)),)

__all__ = ["CHECKS", "TIMELINESS"]
