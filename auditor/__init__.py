"""auditor — audit the data of a high-risk AI system against the EU AI Act.

The public surface is small: :func:`audit` returns an :class:`AuditResult`; :func:`load_spec`
validates a spec without reading data; the errors are in :mod:`auditor.errors`.
``import auditor`` is cheap: pandas and the engine load on first use of :func:`audit`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from auditor.errors import AuditorError, DataError, EngineError, SpecError
from auditor.evidence import AuditResult, Finding, Metric, Status

if TYPE_CHECKING:
    from auditor.pipeline import audit
    from auditor.spec import AuditSpec, load_spec

__version__ = "0.1.0"

__all__ = [
    "AuditResult",
    "AuditSpec",
    "AuditorError",
    "DataError",
    "EngineError",
    "Finding",
    "Metric",
    "SpecError",
    "Status",
    "__version__",
    "audit",
    "load_spec",
]

_LAZY = {"audit": "auditor.pipeline", "load_spec": "auditor.spec", "AuditSpec": "auditor.spec"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'auditor' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
