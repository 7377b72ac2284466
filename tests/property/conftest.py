"""Hypothesis profiles for the property tests.

``ci`` (the default, in the default ``python -m pytest`` run): a fixed seed (``derandomize``),
240 in-process examples and 60 CLI examples on tables of 0-300 rows; 2 min 40 s wall, 1 min 51 s
CPU at load 4-5 (3 Dec 2026). ``long``: tables of 0-3,000 rows, 10,000 in-process examples plus a
quarter as many CLI examples (``AUDITOR_LONG_EXAMPLES=800`` sets a smaller chunk, run
sequentially with a different ``--hypothesis-seed`` each)::

    PYTHONPATH=$PWD nice -n 19 python -m pytest tests/property --hypothesis-profile=long \
        --hypothesis-seed=201 --hypothesis-show-statistics -p no:cacheprovider
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "suppress_health_check": list(HealthCheck), "print_blob": True, "database": None}
settings.register_profile("ci", max_examples=240, derandomize=True, **_COMMON)
settings.register_profile("long", max_examples=int(os.environ.get("AUDITOR_LONG_EXAMPLES", "10000")), **_COMMON)
settings.load_profile("ci")
