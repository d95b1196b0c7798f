"""The one shape every problem takes, whoever finds it.

Checks yield :class:`Issue` objects and never print; the CLI decides how to
show them (text, JSON, GitHub annotations) and which exit code they make.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .errors import QmsError  # defined apart, exported here too: see qmskit.errors


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Issue:
    """A problem found at a place in the repository.

    ``path`` is relative to the QMS root (POSIX separators) so that messages
    are the same on every machine and in CI annotations.
    """

    path: str
    line: int
    col: int
    rule: str
    message: str
    severity: Severity = field(default=Severity.ERROR, compare=False)

    def format(self) -> str:
        rule = self.rule if self.severity is Severity.ERROR else f"{self.rule} ({self.severity.value})"
        return f"{self.path}:{self.line}:{self.col}: {rule}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
        }


__all__ = ["Issue", "QmsError", "Severity"]
