"""Row-level validation for the data-quality checks: the spec's rules, pandera, Great Expectations.

Everything here runs inside the profiling pass (:mod:`auditor.engines.digests`) on the DataFrame
being profiled, and produces :class:`~auditor.validation.results.RuleResult` objects: exact
counts, bounded example rows and privacy-safe example values. pandera and Great Expectations
are imported only when a spec names a schema or a suite.
"""

from typing import Any

__all__ = ["RuleResult"]


def __getattr__(name: str) -> Any:  # lazy: the spec loader imports this package without pandas
    if name == "RuleResult":
        from auditor.validation.results import RuleResult

        return RuleResult
    raise AttributeError(name)
