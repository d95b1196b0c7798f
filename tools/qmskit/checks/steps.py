"""Status transitions judged commit by commit, and where a new record may start.

A pull request may move a record through several statuses when each commit
takes one allowed step: received → replied in one commit and → closed in
the next passes, received → closed in one commit does not. The steps are
the commits of the change's first-parent chain from the merge base to the
head (read in one ``git log`` pass), plus the uncommitted changes as a last
step when the head is the working tree. A merge commit that only brings in
the target branch's version of a file (already judged there) is no step of
this change; anything else a merge changes is judged like a commit.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..git import Commit, RawChange
from ..issues import Issue
from ..messages import join, text
from .changes import ChangeSet, Sides, kind_of, record_id


@dataclass(frozen=True)
class Step:
    """One file's change in one commit (or in the uncommitted changes)."""

    where: str
    path: str
    old: bytes | None  # None: the file is new in this step
    new: bytes | None  # None: deleted in this step


def record_steps(cs: ChangeSet, sides: Sides) -> Iterator[Step]:
    """Each record file's changes in order, oldest first."""
    git = sides.git
    trusted: dict[str, bool] = {}
    for commit, changes in git.first_parent_log(cs.merge_base, cs.head or "HEAD", "records"):
        where = text("step.commit", sha=commit.sha[:8], subject=commit.subject[:60])
        for change in changes:
            if len(commit.parents) > 1 and _from_target(commit, change, cs, sides, trusted):
                continue
            yield Step(where, change.path, git.blob(change.old_blob) if change.old_blob else None,
                       git.blob(change.new_blob) if change.new_blob else None)
    if cs.head is None:
        for change in git.diff("HEAD", None, "records"):
            if change.status == "R":
                continue  # a moved or renamed record is reported on the whole change
            old = git.blob(change.old_blob) if change.old_blob else None
            new = None if change.status == "D" else sides.head.read(change.path, sides.rules.config.max_file_bytes)
            yield Step(text("step.uncommitted"), change.path, old, new)


def _from_target(commit: Commit, change: RawChange, cs: ChangeSet, sides: Sides, trusted: dict[str, bool]) -> bool:
    """Whether a merge took this file as it is on another parent that is part of the target branch."""
    new = sides.git.blob(change.new_blob) if change.new_blob else None
    for parent in commit.parents[1:]:
        if sides.git.blob(f"{parent}:{change.path}") != new:
            continue
        if parent not in trusted:
            trusted[parent] = sides.git.is_ancestor(parent, cs.base_tip)
        if trusted[parent]:
            return True
    return False


def check_steps(cs: ChangeSet, sides: Sides, amended: set[str]) -> list[Issue]:
    """Every step of every record against the base's workflow."""
    added = {c.path for c in cs.record_changes if c.status == "A"}
    final_at_base = _final_at_base(cs, sides)
    started: set[str] = set()
    issues: list[Issue] = []
    for step in record_steps(cs, sides):
        kind = kind_of(sides.registry, step.path)
        if kind is None or kind.spec.workflow is None or step.new is None:
            continue
        new = _data(sides, step.new)
        if new is None:
            continue  # unreadable: the full check says why
        if step.old is None:
            if step.path in added and step.path not in started:
                started.add(step.path)
                issues.extend(_start(step, kind, new, sides))
            continue
        old = _data(sides, step.old)
        if old is not None:
            issues.extend(_transition(step, kind, old, new, sides, step.path in final_at_base or
                                      record_id(step.path) in amended))
    return issues


def _data(sides: Sides, raw: bytes) -> dict[str, Any] | None:
    loaded = sides.parse(raw)
    return loaded.data if loaded and isinstance(loaded.data, dict) else None


def _final_at_base(cs: ChangeSet, sides: Sides) -> set[str]:
    """Records already closed at the base: the whole-change rule reports their edits once."""
    found = set()
    for change in cs.record_changes:
        kind = kind_of(sides.registry, change.path)
        if change.status == "M" and kind is not None and kind.spec.workflow is not None:
            old = sides.blob_data(change.old_blob)
            if isinstance(old, dict) and old.get("status") in kind.spec.workflow.final:
                found.add(change.path)
    return found


def _position(sides: Sides, path: str) -> tuple[int, int]:
    loaded = sides.new(path)
    return loaded.position(("status",)) if loaded else (1, 1)


def _start(step: Step, kind: Any, new: dict[str, Any], sides: Sides) -> list[Issue]:
    workflow = kind.spec.workflow
    status = new.get("status")
    if not isinstance(status, str) or status not in workflow.statuses or status in workflow.start_statuses:
        return []  # a missing or unknown status is the full check's to report
    return [Issue(step.path, *_position(sides, step.path), "change-new-record-status",
                  text("step.new_status", id=record_id(step.path), status=repr(status), where=step.where, kind=kind.name,
                       start=join(workflow.start_statuses)))]


def _transition(step: Step, kind: Any, old: dict[str, Any], new: dict[str, Any], sides: Sides,
                exempt_closed: bool) -> list[Issue]:
    workflow = kind.spec.workflow
    old_status, new_status = old.get("status"), new.get("status")
    if old_status in workflow.final and old != new and not exempt_closed:
        return [Issue(step.path, *_position(sides, step.path), "change-closed-record",
                      text("step.closed_changed", id=record_id(step.path), status=repr(old_status), where=step.where))]
    if (isinstance(old_status, str) and isinstance(new_status, str) and old_status in workflow.statuses
            and new_status in workflow.statuses and not workflow.allows(old_status, new_status)):
        allowed = join(workflow.transitions.get(old_status, ())) or text("step.final")
        hint = "" if old_status in workflow.final else text("step.one_step")
        return [Issue(step.path, *_position(sides, step.path), "change-status-transition",
                      text("step.transition", old=old_status, new=new_status, where=step.where, kind=kind.name,
                           allowed=allowed, hint=hint))]
    return []


__all__ = ["Step", "check_steps", "record_steps"]
