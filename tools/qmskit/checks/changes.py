"""Pull-request rules: a change judged against the version it replaces, by the base's forms.

The base is the merge base of the branch and the target (what the pull
request really changes); ``head`` is the working tree or a revision. Records
are evidence: they move forward along their workflow one allowed step per
commit (``steps``), closed ones stay as they were (unless an amendment says
why), none is deleted or moved, no two branches take the same id, and a
nonconformity closes only when the actions it depends on are done. The
forms and limits are always the base's (``sides.BaseRules``): a change that
loosens a workflow or raises a limit is judged by the rules it replaces.
"""
from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from .. import fileio, yamlio
from ..changeset import GLOBAL_PATHS, ChangeSet, collect, kind_of, record_id
from ..forms import Amendment, Nonconformity
from ..git import Git, RawChange
from ..issues import Issue
from ..messages import text
from ..registry import Kind
from .sides import BaseRules, HeadFiles

# ChangeSet, collect, kind_of, record_id and GLOBAL_PATHS live in qmskit.changeset; re-exported for the rules here.


class Sides:
    """Reads a record as it was at the merge base and as it is at the head, within the base's limits."""

    def __init__(self, git: Git, head: HeadFiles, rules: BaseRules) -> None:
        self.git = git
        self.head = head
        self.rules = rules
        self.registry = rules.registry
        self._parsed: dict[bytes, yamlio.Loaded | None] = {}

    def parse(self, raw: bytes | None) -> yamlio.Loaded | None:
        """The version's YAML with its positions, parsed once per check (the change rules read a version 2–4 times).

        Shared between the rules that ask, which only read it.
        """
        if raw is None:
            return None
        if raw not in self._parsed:
            try:
                found: yamlio.Loaded | None = yamlio.loads(
                    raw, max_bytes=self.rules.config.max_file_bytes, max_depth=self.rules.config.max_depth)
            except yamlio.YamlError:
                found = None
            self._parsed[raw] = found
        return self._parsed[raw]

    def blob_data(self, blob: str | None) -> Any:
        loaded = self.parse(self.git.blob(blob)) if blob else None
        return loaded.data if loaded else None

    def new(self, path: str) -> yamlio.Loaded | None:
        """The head version with its positions; None if absent, not a regular file, too large or unreadable."""
        return self.parse(self.head.read(path, self.rules.config.max_file_bytes))

    def record_at_head(self, rid: str) -> tuple[Kind | None, dict[str, Any] | None]:
        path = self.head.find_record(rid)
        if path is None:
            return None, None
        loaded = self.new(path)
        data = loaded.data if loaded and isinstance(loaded.data, dict) else None
        return kind_of(self.registry, path), data

    def record_at_base(self, head_path: str | None) -> dict[str, Any] | None:
        if head_path is None:
            return None
        data = self.blob_data(f"{self.rules.revision}:{head_path}")
        return data if isinstance(data, dict) else None


def check_changes(cs: ChangeSet, git: Git, head: HeadFiles, rules: BaseRules) -> list[Issue]:
    """Every pull-request rule, judged with the base's forms and limits."""
    from .change_documents import document_rules
    from .steps import check_steps

    sides = Sides(git, head, rules)
    amended = added_amendments(cs, sides)
    issues: list[Issue] = []
    for change in cs.record_changes:
        issues.extend(_record_rules(cs, change, sides, amended))
    issues.extend(check_steps(cs, sides, amended))
    for change in cs.changes:
        if change.path.startswith("manual/") and change.path.endswith(".md"):
            issues.extend(document_rules(change, sides))
    return issues


def added_amendments(cs: ChangeSet, sides: Sides) -> set[str]:
    """Ids of records that an amendment added in this change refers to."""
    amended = set()
    for change in cs.record_changes:
        kind = kind_of(sides.registry, change.path)
        if change.status != "A" or kind is None or not issubclass(kind.model, Amendment):
            continue
        loaded = sides.new(change.path)
        data = loaded.data if loaded else None
        if isinstance(data, dict) and isinstance(data.get("amends"), str):
            amended.add(data["amends"])
    return amended


def _record_rules(cs: ChangeSet, change: RawChange, sides: Sides, amended: set[str]) -> list[Issue]:
    path = change.path
    if change.status == "D":
        return [Issue(path, 1, 1, "change-record-deleted",
                      text("change.record_deleted", id=record_id(path)))]
    if change.status == "R" and change.old_path and record_id(change.old_path) != record_id(path):
        return [Issue(path, 1, 1, "change-record-renamed",
                      text("change.record_renamed", old=change.old_path, id=record_id(path)))]
    if change.status == "R" and change.old_path and PurePosixPath(change.old_path).parent != PurePosixPath(path).parent:
        return [Issue(path, 1, 1, "change-record-moved",
                      text("change.record_moved", id=record_id(path), old=PurePosixPath(change.old_path).parent,
                           new=PurePosixPath(path).parent))]
    if change.status == "A":
        rid = record_id(path)
        if rid in cs.base_new_ids:
            return [Issue(path, 1, 1, "change-id-taken",
                          text("change.id_taken", id=rid, where=cs.base_new_ids[rid]))]
    return _status_rules(change, sides, amended)


def _status_rules(change: RawChange, sides: Sides, amended: set[str]) -> list[Issue]:
    """A record closed at the base stays as it was; a nonconformity closes only with its actions done."""
    path = change.path
    kind = kind_of(sides.registry, change.old_path or path)
    if kind is None or kind.spec.workflow is None:
        return []
    workflow = kind.spec.workflow
    old = sides.blob_data(change.old_blob) if change.status != "A" else {}  # a new record had nothing before
    loaded = sides.new(path)
    new = loaded.data if loaded else None
    line, col = loaded.position(("status",)) if loaded else (1, 1)
    old_status = old.get("status") if isinstance(old, dict) else None
    if old_status in workflow.final and old != new and record_id(path) not in amended:
        unread = "" if isinstance(new, dict) else text("change.unreadable")
        return [Issue(path, line, col, "change-closed-record",
                      text("change.closed_record", id=record_id(path), status=repr(old_status), unread=unread))]
    if not isinstance(old, dict) or not isinstance(new, dict) or not issubclass(kind.model, Nonconformity):
        return []
    new_status = new.get("status")
    if new_status in workflow.final and old_status not in workflow.final:
        return ncr_closing_rules(path, old, new, (line, col), sides)
    return []


def ncr_closing_rules(
    path: str, old: dict[str, Any], new: dict[str, Any], where: tuple[int, int], sides: Sides
) -> list[Issue]:
    """A nonconformity closing here: its actions are done, none was unlinked or borrowed already closed."""
    rid = record_id(path)
    before, after = _action_ids(old), _action_ids(new)
    issues = []
    for action_id in after:
        kind, data = sides.record_at_head(action_id)
        if kind is None or kind.spec.workflow is None or data is None:
            continue
        status = data.get("status")
        if status not in kind.spec.workflow.final:
            issues.append(Issue(path, *where, "change-close-open-action",
                                text("change.close_open_action", id=rid, action=action_id, status=repr(status))))
        elif action_id not in before:
            at_base = sides.record_at_base(sides.head.find_record(action_id))
            if at_base is not None and at_base.get("status") in kind.spec.workflow.final:
                issues.append(Issue(path, *where, "change-close-linked-closed-action",
                                    text("change.close_linked_closed", id=rid, action=action_id,
                                         status=repr(at_base.get("status")))))
    for action_id in [a for a in before if a not in after]:
        kind, data = sides.record_at_head(action_id)
        if kind is None or kind.spec.workflow is None or data is None:
            continue
        if data.get("status") not in kind.spec.workflow.final:
            issues.append(Issue(path, *where, "change-close-unlinked-action",
                                text("change.close_unlinked", id=rid, action=action_id, status=repr(data.get("status")))))
    return issues


def _action_ids(data: dict[str, Any]) -> list[str]:
    actions = data.get("actions")
    return [a for a in actions if isinstance(a, str)] if isinstance(actions, list) else []


def affected_records(cs: ChangeSet, git: Git, head: HeadFiles, sides: Sides) -> set[str] | None:
    """Record paths to re-validate, or None when the change can affect every record.

    The changed records, plus every record that names a record or document
    whose id went away, moved or newly appeared (found with one ``git grep``
    whose needles arrive on stdin, not by parsing every record).
    """
    if cs.touches_everything():
        return None
    paths = {c.path for c in cs.record_changes if c.status != "D"}
    gone = {record_id(c.old_path or c.path) for c in cs.record_changes if c.status in ("D", "R")}
    gone |= {record_id(c.path) for c in cs.record_changes if c.status == "A"}  # ids that now resolve
    for change in cs.changes:
        if change.path.startswith("manual/") and change.path.endswith(".md"):
            limit = sides.rules.config.max_file_bytes
            old_front = yamlio.read_front_matter(git.blob(change.old_blob) if change.old_blob else None)[0] or {}
            new_front = yamlio.read_front_matter(head.read(change.path, limit))[0] or {}
            if old_front.get("id") != new_front.get("id"):
                gone |= {str(v) for v in (old_front.get("id"), new_front.get("id")) if v}
    if gone:
        paths |= {p for p in git.grep_files(sorted(gone), "records", revision=cs.head) if p.endswith(".yaml")}
    return {p for p in paths if head.exists(p)}


def read_or_none(path: Path) -> bytes | None:
    """A regular file's bytes, or None if it is not there (deleted in the change) or not a regular file."""
    return fileio.read_or_none(path)


__all__ = ["ChangeSet", "GLOBAL_PATHS", "Sides", "affected_records", "check_changes", "collect", "kind_of",
           "read_or_none", "record_id"]
