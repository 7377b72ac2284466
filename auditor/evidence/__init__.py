"""The evidence: findings, metrics, and the audit result with its JSON form."""

from auditor.evidence.model import METRIC_NAMES, Finding, Message, Metric, Status, worst
from auditor.evidence.result import (
    SCHEMA_VERSION,
    AuditResult,
    Verification,
    content_hash,
    evidence_schema,
    seal,
    validate_evidence,
    verify_evidence,
)

__all__ = [
    "METRIC_NAMES",
    "SCHEMA_VERSION",
    "AuditResult",
    "Finding",
    "Message",
    "Metric",
    "Status",
    "evidence_schema",
    "validate_evidence",
    "Verification",
    "content_hash",
    "seal",
    "verify_evidence",
    "worst",
]
