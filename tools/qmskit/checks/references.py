"""Cross-file rules: ids unique across the repository, every reference resolves."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..forms import Ref
from ..issues import Issue
from ..masking import is_confidential
from ..messages import join, text
from ..recordindex import values_at
from ..registry import Kind, Registry
from ..repository import RecordFile, RecordListing
from ..validation import field_name

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


def check_unique_ids(listing: RecordListing, document_ids: dict[str, str]) -> list[Issue]:
    """An id names one record (and no document) in the whole repository.

    Every file holding a repeated id is reported, naming the others: which
    one keeps it is the author's choice, and the answer must not hang on
    the order a listing comes in (the full check walks the folders, a
    pull-request check reads git's listing). The usual answer (every id
    once, none a document's) is read off the id index the check builds
    anyway: when every ``.yaml`` entry, hidden or odd ones included, has an
    id of its own and none is a document's, so do those the rule looks at.
    """
    if listing.ids_all_distinct() and document_ids.keys().isdisjoint(listing.ids()):
        return []
    entries = listing.entries  # not regular, or hidden: the listing reports them, not this rule
    paths = [p for p in listing.paths if p.endswith(".yaml") and "/." not in p and p not in entries]
    ids = [p[p.rindex("/") + 1:-5] for p in paths]  # split_record_path's id, for a visible .yaml name
    if len(set(ids)) == len(ids) and document_ids.keys().isdisjoint(ids):
        return []
    holders: dict[str, list[str]] = {}
    for path, rid in zip(paths, ids):
        holders.setdefault(rid, []).append(path)
    issues = []
    for rid, where in holders.items():
        if rid in document_ids:
            issues += [Issue(path, 1, 1, "record-id-unique",
                             text("ref.id_is_document", id=repr(rid), document=document_ids[rid])) for path in where]
        if len(where) > 1:
            issues += [Issue(path, 1, 1, "record-id-unique",
                             text("ref.id_twice", id=repr(rid), other=join([o for o in where if o != path])))
                       for path in where]
    return issues


def _resolve(value: str, ref: Ref, index: Index, registry: Registry) -> str | None:
    """None when ``value`` resolves, else what is wrong."""
    if ref.target == "document":
        doc = document_id(value)
        return None if doc in index.documents else text("ref.no_document", value=repr(doc))
    if ref.target == "role":
        return None if value in index.roles else text("ref.no_role", value=repr(value))
    if ref.target == "department":
        return None if value in index.departments else text("ref.no_department", value=repr(value))
    target = index.records.get(value)
    if target is None:
        return text("ref.no_record", value=repr(value))
    if not registry.accepts(target, ref.kind):  # a lazy registry answers from the forms' facts, importing none
        return text("ref.wrong_kind", value=repr(value), kind=target, expected=ref.describe())
    return None


def check_references(rf: RecordFile, kind: Kind, index: Index, registry: Registry) -> list[Issue]:
    """Every reference of the record resolves; a confidential one is named, its value never quoted."""
    issues: list[Issue] = []
    data = rf.data
    if data is None:
        return issues
    for path, ref in kind.refs:
        if len(path) == 1 and path[0] != "*":  # a field of the record itself, most references: no walk
            value = data.get(path[0])
            found: Iterable[tuple[tuple[str | int, ...], Any]] = ((path, value),) if value else ()
        else:
            found = values_at(data, path)
        for loc, value in found:
            if not isinstance(value, str) or not value:
                continue
            problem = _resolve(value, ref, index, registry)
            if problem:
                if is_confidential(kind.spec.confidential, loc):
                    problem = text("ref.missing_secret", expected=ref.describe())
                line, col = rf.position(loc)
                issues.append(Issue(rf.path, line, col, f"ref-{ref.target}",
                                    text("ref.field", field=field_name(loc[:1], kind.model), problem=problem)))
    return issues
