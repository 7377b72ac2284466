"""The audit spec: what the user asks for (DESIGN.md §4)."""

from auditor.spec.load import load_spec
from auditor.spec.model import DATASET_ROLES, AuditSpec, ChecksConfig, Columns, DataSource, Reference, ReportConfig, Signatory

__all__ = ["DATASET_ROLES", "AuditSpec", "ChecksConfig", "Columns", "DataSource", "Reference", "ReportConfig", "Signatory", "load_spec"]
