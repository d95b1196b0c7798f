"""qmskit: a quality management system kept as code.

The public library API; the ``qms`` command is a thin layer over it.
"""
from .checks import CheckResult, check_repository
from .forms import (
    AuditPlan, AuditReport, Complaint, CompetenceAssessment, CorrectiveAction, DeptRef, DocRef,
    FormSpec, ManagementReview, Nonconformity, RecordBase, RecordRef, Risk, RoleRef,
    SatisfactionSurvey, TrainingRecord, Workflow,
)
from .issues import Issue, QmsError, Severity
from .repository import Repository, find_root

__version__ = "0.1.0"

__all__ = [
    "AuditPlan", "AuditReport", "CheckResult", "Complaint", "CompetenceAssessment", "CorrectiveAction",
    "DeptRef", "DocRef", "FormSpec", "Issue", "ManagementReview", "Nonconformity", "QmsError",
    "RecordBase", "RecordRef", "Repository", "Risk", "RoleRef", "SatisfactionSurvey", "Severity",
    "TrainingRecord", "Workflow", "check_repository", "find_root",
]
