"""The one masking function: confidential fields (personal data) out of every output.

A form names its confidential fields in ``FormSpec.confidential`` as dotted
paths (``auditors.auditor`` is the ``auditor`` of every item of
``auditors``). Reports, the audit trail and pull-request summaries all ask
here, so a field marked once is hidden everywhere.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .report import CONFIDENTIAL

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
    names = tuple(confidential)
    if reveal or not names:
        return data
    return _mask(data, names, (), marker)


def _mask(value: Any, names: tuple[str, ...], path: tuple[str, ...], marker: str) -> Any:
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            sub = path + (str(key),)
            name = ".".join(sub)
            if name in names or any(name.startswith(c + ".") for c in names):
                result[key] = marker if item not in (None, "", [], {}) else item
            elif any(c.startswith(name + ".") for c in names):
                result[key] = _mask(item, names, sub, marker)
            else:
                result[key] = item
        return result
    if isinstance(value, list):
        return [_mask(item, names, path, marker) for item in value]
    return value


__all__ = ["dotted", "is_confidential", "mask"]
