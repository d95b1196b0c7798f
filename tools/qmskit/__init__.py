"""qmskit: a quality management system kept as code.

The public library API; the ``qms`` command is a thin layer over it.

Names are imported on first use (PEP 562 ``__getattr__``), not here: the
checks pull in pydantic, the forms and the YAML loader, and ``qms --help``
or ``qms show`` should not pay for what they never run.
"""
from __future__ import annotations

import importlib

from .notyping import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> the module (relative to this package) that defines it
_EXPORTS = {
    "CheckResult": ".checks", "check_repository": ".checks",
    "Issue": ".issues", "QmsError": ".issues", "Severity": ".issues",
    "Repository": ".repository", "find_root": ".repository",
    **dict.fromkeys((
        "AuditPlan", "AuditReport", "Complaint", "CompetenceAssessment", "CorrectiveAction", "DeptRef", "DocRef",
        "FormSpec", "ManagementReview", "Nonconformity", "RecordBase", "RecordRef", "Risk", "RoleRef",
        "SatisfactionSurvey", "TrainingRecord", "Workflow",
    ), ".forms"),
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from typing import Any

    from .checks import CheckResult, check_repository
    from .forms import (
        AuditPlan, AuditReport, Complaint, CompetenceAssessment, CorrectiveAction, DeptRef, DocRef,
        FormSpec, ManagementReview, Nonconformity, RecordBase, RecordRef, Risk, RoleRef,
        SatisfactionSurvey, TrainingRecord, Workflow,
    )
    from .issues import Issue, QmsError, Severity
    from .repository import Repository, find_root


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` the first time it is asked for, and keep the value."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qmskit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
