"""Statistics used by the checks: intervals for rates and ratios, multiple-testing corrections."""

from auditor.stats.intervals import ratio_of_proportions, wilson_interval, z_value
from auditor.stats.multiple import benjamini_hochberg, holm

__all__ = ["benjamini_hochberg", "holm", "ratio_of_proportions", "wilson_interval", "z_value"]
