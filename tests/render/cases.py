"""Audits the report tests render: the bundled sample, and one full of hostile text.

Shared by ``tests/render`` and ``tests/browser``. The hostile audit puts script-like strings in
every place user text reaches the report: column names, category values, the system's name
and organisation, governance declarations, data gaps and signatories.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

import auditor

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_SPEC = ROOT / "sample_data" / "benefits" / "audit.yaml"
NOW = dt.datetime(2026, 11, 22, 10, 0, tzinfo=dt.UTC)

HOSTILE_COLUMN = "<script>alert(1)</script>"
HOSTILE_VALUE = "<img src=x onerror=alert(2)>"
HOSTILE_TEXT = "<script>alert(3)</script> & *bold* [link](http://example.invalid) | cell"
HOSTILE_STRINGS = (HOSTILE_COLUMN, HOSTILE_VALUE, "<script>alert(3)</script>")


@cache
def sample_result() -> auditor.AuditResult:
    """The bundled benefits audit, with a fixed clock and run id (reproducible evidence)."""
    return auditor.audit(SAMPLE_SPEC, now=NOW, run_id="sample-run")


def hostile_spec() -> dict:
    """A spec whose every user text is hostile (data, reference, system, governance, signatories)."""
    rng = np.random.default_rng(2)
    n = 600
    group = rng.choice([HOSTILE_VALUE, "b", "c", "tiny"], n, p=[0.4, 0.3, 0.29, 0.01])
    data = pd.DataFrame({
        HOSTILE_COLUMN: group,
        "label": rng.integers(0, 2, n),
        "pred": (rng.random(n) < np.where(group == "b", 0.6, 0.2)).astype(int),
        "x": np.where(rng.random(n) < np.where(group == "c", 0.5, 0.01), np.nan, 1.0),
    })
    reference = pd.DataFrame({"attribute": [HOSTILE_COLUMN] * 4, "category": [HOSTILE_VALUE, "b", "c", "tiny"],
                              "share": [0.5, 0.2, 0.2, 0.1]})
    system = yaml.safe_load((ROOT / "sample_data" / "benefits" / "system.yaml").read_text(encoding="utf-8"))
    system.update(name=HOSTILE_TEXT, organisation=HOSTILE_VALUE, description=HOSTILE_TEXT, version=HOSTILE_COLUMN)
    return {
        "system": system,
        "data": {"test": data},
        "columns": {"target": "label", "prediction": "pred", "protected": [HOSTILE_COLUMN], "favourable": 1},
        "reference": {"file": reference},
        "governance": {
            "design_choices": {"text": HOSTILE_TEXT, "declared_by": HOSTILE_COLUMN, "date": "2026-10-01"},
            "data_gaps": [{"gap": HOSTILE_TEXT, "owner": HOSTILE_VALUE, "status": "open", "measure": HOSTILE_COLUMN,
                           "declared_by": HOSTILE_VALUE, "date": "2026-10-02"}],
        },
        "report": {"signatories": [{"name": HOSTILE_COLUMN, "role": HOSTILE_VALUE}]},
    }


@cache
def hostile_result() -> auditor.AuditResult:
    """The audit of :func:`hostile_spec`."""
    return auditor.audit(hostile_spec(), now=NOW, run_id="hostile-run")
