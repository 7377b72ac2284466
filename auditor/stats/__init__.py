"""Statistics used by the checks: intervals for rates and ratios, multiple-testing corrections."""

from auditor.stats.comparisons import rate_ratio
from auditor.stats.intervals import wilson_interval, z_value
from auditor.stats.multiple import benjamini_hochberg, holm

__all__ = ["benjamini_hochberg", "holm", "rate_ratio", "wilson_interval", "z_value"]
