"""auditor — audit the data of a high-risk AI system against the EU AI Act.

The public surface is small: :func:`audit` returns an :class:`AuditResult`; :func:`load_spec`
validates a spec without reading data; the errors are in :mod:`auditor.errors`.
"""

from auditor.errors import AuditorError, DataError, EngineError, SpecError
from auditor.evidence import AuditResult, Finding, Metric, Status
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
