"""Hypothesis profiles for the property tests.

``ci`` (the default here): a fixed seed (``derandomize``), 40 in-process examples and 10 CLI
examples, so the run is reproducible; each example is a whole audit (profiling, 40 checks incl.
scikit-learn models, the HTML report), about 1-2 s on an idle core. ``long``: 10,000+ examples across the tests, for a run
before a release::

    PYTHONPATH=$PWD nice python -m pytest tests/property --hypothesis-profile=long -p no:cacheprovider
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "suppress_health_check": list(HealthCheck), "print_blob": True, "database": None}
settings.register_profile("ci", max_examples=300, derandomize=True, **_COMMON)
settings.register_profile("long", max_examples=int(os.environ.get("AUDITOR_LONG_EXAMPLES", "10000")), **_COMMON)
settings.load_profile("ci")
