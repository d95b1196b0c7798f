"""Per-file record checks: YAML, form, id, status. Pure: one file in, issues out.

Each record is judged on its own here so that the work can be split across
processes for large repositories; cross-file rules live in ``references``.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .. import fileio, yamlio
from ..issues import Issue
from ..messages import join, text
from ..registry import Kind, Registry
from ..repository import Config, RecordFile, RecordListing, split_record_path
from ..validation import field_name, issues_from_validation


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def check_record_file(rf: RecordFile, path: Path | str, registry: Registry, config: Config, *,
                      raw: bytes | None = None) -> RecordFile:
    """Load and validate one record file, recording every issue on ``rf``.

    A hidden or non-regular entry is reported and never opened; the issue is
    the same one the listing gives (see :func:`check_record_folders`), so a
    check of only some records still reports it once. ``raw``: the file's
    bytes, already read by a caller that keys what it learns by them (read
    with the same limits, so its refusals are this function's own).
    """
    kind = registry.get(rf.kind)
    name = os.path.basename(path)
    is_record = name.endswith(".yaml") and kind is not None
    # A record file of a known form is looked at (lstat) by the reader, which refuses a link, FIFO or
    # device before opening it with the same issue _entry_issue gives; only other entries need a look here.
    listed = listing_issue(rf.path) or (_listed_entry(rf) if is_record else _entry_issue(rf, path))
    if listed is not None:
        rf.issues.append(listed)
        return rf
    if not name.endswith(".yaml"):
        hint = text("record.rename_yml", stem=name[:-4]) if name.endswith(".yml") else text("record.not_yaml")
        rf.issues.append(Issue(rf.path, 1, 1, "record-file", text("record.not_record_file", hint=hint)))
        return rf
    if kind is None:
        return rf  # reported once for the folder by check_record_folders
    try:
        rf.loaded = (yamlio.loads(raw, max_bytes=config.max_file_bytes, max_depth=config.max_depth) if raw is not None
                     else yamlio.load_file(path, max_bytes=config.max_file_bytes, max_depth=config.max_depth))
    except yamlio.YamlError as exc:
        rf.issues.append(Issue(rf.path, exc.line, exc.col, exc.rule, _unquoted(exc)))
        return rf
    if not isinstance(rf.loaded.data, dict):
        rf.issues.append(Issue(rf.path, 1, 1, "record-shape", text("record.not_mapping")))
        return rf
    rf.data = rf.loaded.data
    _check_id(rf, kind)
    _check_status(rf, kind)
    try:
        rf.record = kind.validate(rf.data)
    except ValidationError as exc:
        rf.issues.extend(issues_from_validation(exc, rf.path, rf.loaded, confidential=kind.spec.confidential,
                                                model=kind.model))
    return rf


def _unquoted(exc: yamlio.YamlError) -> str:
    """A YAML error without the value it quotes: the file is not read yet, so any field may be confidential."""
    if exc.rule == "yaml-tag":
        return exc.hidden()
    return exc.message



def _entry_issue(rf: RecordFile, path: Path | str) -> Issue | None:
    """A link, FIFO or device at ``path`` (one ``lstat``; nothing is opened)."""
    message = rf.entry or fileio.entry_problem(path)
    return Issue(rf.path, 1, 1, fileio.NOT_REGULAR, message) if message else None


def _listed_entry(rf: RecordFile) -> Issue | None:
    """What the listing found wrong with the entry (no look at the disk; see :func:`_entry_issue`)."""
    return Issue(rf.path, 1, 1, fileio.NOT_REGULAR, rf.entry) if rf.entry else None


def listing_issue(path: str) -> Issue | None:
    """A record hidden from people and tools by a name starting with '.' (a file or a folder on its path)."""
    if "/." not in path:
        return None  # no name below records/ starts with '.': the usual case, decided without splitting
    parts = path.split("/")[1:]
    hidden = [part for part in parts if part.startswith(".")]
    if not hidden:
        return None
    shown = "/".join(part.lstrip(".") or part for part in parts)
    return Issue(path, 1, 1, "record-hidden",
                 text("record.hidden", name=hidden[0], shown=shown))


def _check_id(rf: RecordFile, kind: Kind) -> None:
    assert rf.data is not None
    value = rf.data.get("id")
    if value is None:
        return  # the schema reports the missing id
    differs, unlike = str(value) != rf.id, not kind.pattern.matches(rf.id)
    if not (differs or unlike):
        return
    line, col = rf.position(("id",))  # asked only for a message: positions are worked out on demand
    if differs:
        rf.issues.append(Issue(rf.path, line, col, "record-id",
                               text("record.id_differs", value=repr(value), id=repr(rf.id))))
    if unlike:
        rf.issues.append(Issue(rf.path, line, col, "record-id-pattern",
                               text("record.id_pattern", id=repr(rf.id), kind=kind.name, pattern=kind.pattern.pattern,
                                    example=kind.pattern.example())))


def _check_status(rf: RecordFile, kind: Kind) -> None:
    assert rf.data is not None
    workflow = kind.spec.workflow
    status = rf.data.get("status")
    if workflow is None:
        if status is not None:
            line, col = rf.position(("status",))
            rf.issues.append(Issue(rf.path, line, col, "record-status", text("record.no_workflow", kind=kind.name)))
        return
    if status is None:
        rf.issues.append(Issue(rf.path, 1, 1, "record-status",
                               text("record.status_required", statuses=join(workflow.statuses))))
        return
    if status not in workflow.statuses:
        line, col = rf.position(("status",))
        rf.issues.append(Issue(rf.path, line, col, "record-status",
                               text("record.status_unknown", status=repr(status), kind=kind.name, statuses=" → ".join(workflow.statuses))))
        return
    missing = [name for name in workflow.requires.get(status, ()) if _empty(rf.data.get(name))]
    if missing:
        line, col = rf.position(("status",))
    for name in missing:
        rf.issues.append(Issue(rf.path, line, col, "record-status-fields",
                               text("record.status_needs", kind=kind.name, status=repr(status),
                                    name=field_name((name,), kind.model))))


def check_record_folders(listing: RecordListing, registry: Registry) -> list[Issue]:
    """What the listing of records/ shows, whichever records are re-checked.

    A folder that no form defines, reported once at its first file; every
    hidden entry; every entry that is not a regular file. This runs over the
    whole listing in the full and in the pull-request check alike, so moving
    records out of sight cannot pass. Each pass over the listing is a
    comprehension over its strings (at 100k entries, a loop calling a
    function per entry was a tenth of a small pull-request check).
    """
    hidden = [issue for issue in map(listing_issue, [p for p in listing.paths if "/." in p]) if issue is not None]
    odd = {issue.path for issue in hidden}
    issues = hidden + [Issue(path, 1, 1, fileio.NOT_REGULAR, entry)
                       for path, entry in listing.entries.items() if path not in odd]
    odd.update(listing.entries)
    kinds = {p[8:p.rfind("/")] for p in listing.paths}  # split_record_path's kind, inlined ("" in records/ itself)
    unknown = {kind for kind in kinds if kind not in registry.kinds}  # a name only: no form is imported to answer
    if not unknown:
        return issues
    first: dict[str, str] = {}
    for path in listing.paths:
        kind = split_record_path(path)[0]
        if kind in unknown and path not in odd:
            first.setdefault(kind, path)
    known = ", ".join(sorted(registry.kinds)) or "none defined"
    broken = any(i.rule == "schema-import" for i in registry.issues)
    for kind, path in first.items():
        where = f"records/{kind}/" if kind else "records/"
        why = text("record.kind_broken") if broken and kind else ""
        issues.append(Issue(path, 1, 1, "record-kind",
                            text("record.kind_unknown", where=where, why=why, known=known)))
    return issues
