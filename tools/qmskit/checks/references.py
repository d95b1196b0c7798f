"""Cross-file rules: ids unique across the repository, every reference resolves."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..forms import Ref
from ..issues import Issue
from ..masking import is_confidential
from ..recordindex import values_at
from ..registry import Kind, Registry, RefPath
from ..repository import RecordFile

_DOC_ID = re.compile(r"[^\s§]+")


@dataclass
class Index:
    """The names a reference may point at."""

    documents: dict[str, str]  # id -> status
    roles: set[str]
    departments: set[str]
    records: dict[str, str]  # id -> kind, taken from file names


def document_id(value: str) -> str:
    """``LD-QP-03 §7.3.3`` → ``LD-QP-03``."""
    match = _DOC_ID.match(value.strip())
    return match.group(0) if match else value


def check_unique_ids(records: list[RecordFile], document_ids: dict[str, str]) -> list[Issue]:
    """An id names one record (and no document) in the whole repository."""
    issues = []
    seen: dict[str, RecordFile] = {}
    for rf in records:
        if not rf.path.endswith(".yaml") or rf.entry or "/." in rf.path:
            continue  # not a record file, or hidden or not regular: the listing reports it
        if rf.id in seen:
            issues.append(Issue(rf.path, 1, 1, "record-id-unique",
                                f"id {rf.id!r} is also {seen[rf.id].path}; give one of them the next free id (qms new)"))
        elif rf.id in document_ids:
            issues.append(Issue(rf.path, 1, 1, "record-id-unique",
                                f"id {rf.id!r} is also a document number ({document_ids[rf.id]}), so a reference to it "
                                "would be ambiguous; give the record the next free id ('qms new' gives one)"))
        else:
            seen[rf.id] = rf
    return issues


def _resolve(value: str, ref: Ref, index: Index, registry: Registry) -> str | None:
    """None when ``value`` resolves, else what is wrong."""
    if ref.target == "document":
        doc = document_id(value)
        return None if doc in index.documents else f"no document {doc!r} in manual/"
    if ref.target == "role":
        return None if value in index.roles else f"no role {value!r} in the organization file (manual/organization.yml)"
    if ref.target == "department":
        return None if value in index.departments else f"no department {value!r} in the organization file (manual/organization.yml)"
    target = index.records.get(value)
    if target is None:
        return f"no record {value!r} in records/"
    kind: Kind | None = registry.get(target)
    if kind is not None and not kind.is_a(ref.kind):
        return f"{value!r} is a {target} record, but a {ref.describe()} is expected here"
    return None


def check_references(rf: RecordFile, kind: Kind, index: Index, registry: Registry) -> list[Issue]:
    """Every reference of the record resolves; a confidential one is named, its value never quoted."""
    issues = []
    if rf.data is None:
        return issues
    for path, ref in kind.refs:
        for loc, value in values_at(rf.data, path):
            if not isinstance(value, str) or not value:
                continue
            problem = _resolve(value, ref, index, registry)
            if problem:
                if is_confidential(kind.spec.confidential, loc):
                    problem = f"the {ref.describe()} it names does not exist (the value is confidential, so it is not shown)"
                line, col = rf.position(loc)
                issues.append(Issue(rf.path, line, col, f"ref-{ref.target}", f"field '{loc[0]}': {problem}"))
    return issues
