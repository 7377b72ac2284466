"""Hypothesis profiles for the property tests.

``ci`` (the default here): a fixed seed (``derandomize``) and a few hundred examples in all, so
the run is reproducible and short. ``long``: 10,000+ examples across the tests, for a run
before a release::

    PYTHONPATH=$PWD nice python -m pytest tests/property --hypothesis-profile=long -p no:cacheprovider
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "suppress_health_check": list(HealthCheck), "print_blob": True, "database": None}
settings.register_profile("ci", max_examples=150, derandomize=True, **_COMMON)
settings.register_profile("long", max_examples=5000, **_COMMON)
settings.load_profile("ci")
