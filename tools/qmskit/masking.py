"""The one masking function: confidential fields (personal data) out of every output.

A form names its confidential fields in ``FormSpec.confidential`` as dotted
paths (``auditors.auditor`` is the ``auditor`` of every item of
``auditors``). Reports, the audit trail and pull-request summaries all ask
here, so a field marked once is hidden everywhere.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from .notyping import TYPE_CHECKING
from .report import CONFIDENTIAL

if TYPE_CHECKING:
    from typing import Any

FieldPath = Sequence[str | int]


def dotted(path: FieldPath) -> str:
    """``("auditors", 0, "auditor")`` → ``auditors.auditor`` (list positions dropped)."""
    return ".".join(str(p) for p in path if not isinstance(p, int))


def is_confidential(confidential: Iterable[str], path: FieldPath) -> bool:
    """Whether the value at ``path`` is, or holds, a confidential field."""
    name = dotted(path)
    if not name:
        return False
    return any(name == c or name.startswith(c + ".") or c.startswith(name + ".") for c in confidential)


def mask(data: Any, confidential: Iterable[str], *, reveal: bool = False, marker: str = CONFIDENTIAL) -> Any:
    """A copy of ``data`` with every confidential value replaced by ``marker``.

    Containers that merely hold a confidential field (a list of auditors) are
    kept and masked inside, so the rest of their content stays readable.
    """
    names = frozenset(confidential)
    if reveal or not names:
        return data
    return _mask(data, _fields(names), "", marker)


@lru_cache(maxsize=256)
def _fields(names: frozenset[str]) -> _Fields:
    """One form's names made into lookups once, not once for each of its records a report masks."""
    return _Fields(names)


class _Fields:
    """The confidential names, asked of every key of every record a report reads: set lookups, not a loop per key."""

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names
        self.inside = tuple(c + "." for c in names)  # a key below a confidential field is confidential too
        self.holders = {c[:i + 1] for c in names for i, char in enumerate(c) if char == "."}  # "auditors."


def _mask(value: Any, fields: _Fields, path: str, marker: str) -> Any:
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            name = f"{path}{key}"
            if name in fields.names or name.startswith(fields.inside):
                result[key] = marker if item not in (None, "", [], {}) else item
            elif name + "." in fields.holders:
                result[key] = _mask(item, fields, name + ".", marker)
            else:
                result[key] = item
        return result
    if isinstance(value, list):
        return [_mask(item, fields, path, marker) for item in value]
    return value


__all__ = ["dotted", "is_confidential", "mask"]
