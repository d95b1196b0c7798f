"""What a pull request changes: the change set read from git, shared by the checks, ``qms diff`` and the trail.

Kept apart from ``checks`` so that writing a pull-request comment or an
audit trail does not import the rules, and so that the one definition of
"what changed" (renames found, what the target branch added meanwhile) is
the same everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from .git import Git, RawChange

if TYPE_CHECKING:
    from .registry import Kind, Registry

# Changes here can affect every record, so the change is checked in full.
GLOBAL_PATHS = ("schemas/", "manual/organization.yml", "manual/objectives.yml", "manual/schedule.yml", "qms.yml")


@dataclass
class ChangeSet:
    """What a pull request changes, and what the target branch did meanwhile."""

    merge_base: str
    base_tip: str
    head: str | None  # None: the working tree
    changes: list[RawChange]
    base_new_ids: dict[str, str] = field(default_factory=dict)  # id -> path added on the base since the merge base
    head_commit: str | None = None  # the commit ``head`` named when the change was read (None: the working tree)
    checked_out: str | None = None  # for the working tree: the commit HEAD named then (its tree lists the records)

    @property
    def record_changes(self) -> list[RawChange]:
        return [c for c in self.changes if c.path.startswith("records/") or (c.old_path or "").startswith("records/")]

    def touches_everything(self) -> bool:
        return any(c.path.startswith(GLOBAL_PATHS) or (c.old_path or "").startswith(GLOBAL_PATHS) for c in self.changes)

    def paths(self) -> set[str]:
        """Every path the change adds, modifies, deletes or renames (both names of a rename)."""
        return {c.path for c in self.changes} | {c.old_path for c in self.changes if c.old_path}


def record_id(path: str) -> str:
    return PurePosixPath(path).stem


def kind_of(registry: Registry, path: str) -> Kind | None:
    """The kind of ``records/<kind>/<ID>.yaml``, if that is a form."""
    parts = PurePosixPath(path).parts
    return registry.get(parts[1]) if len(parts) == 3 and parts[0] == "records" else None


def _bytecode(change: RawChange) -> bool:
    return all("__pycache__" in PurePosixPath(p).parts for p in (change.path, change.old_path) if p)


def collect(git: Git, base: str, head: str | None) -> ChangeSet:
    """The change from the merge base of ``base`` to ``head`` (the working tree when None), in two or three git calls."""
    ids = git.commit_ids(base, head or "HEAD")  # one process when all is well
    if ids is None:  # asked again one at a time, whose errors say what is wrong
        git.require_full_history()
        ids = [git.rev(base), git.rev(head or "HEAD")]
    base_tip, head_sha = ids
    merge_base = git.merge_base(base_tip, head_sha)
    changes = git.diff(merge_base, head_sha if head else None)
    if head is None and any(_bytecode(c) for c in changes):
        # Python's bytecode left untracked beside the form modules (schemas/__pycache__, written when a form is
        # imported where .gitignore does not name it) is not a change to the forms; committed bytecode still is
        # asked only of the folders that hold such bytecode: a listing of every untracked file costs a stat per file
        folders = sorted({str(PurePosixPath(c.path).parent) for c in changes if _bytecode(c)})
        untracked = set(git.untracked(*folders))
        changes = [c for c in changes if not (_bytecode(c) and c.path in untracked)]
    base_new: dict[str, str] = {}
    if any(c.status == "A" and c.path.startswith("records/") for c in changes) and base_tip != merge_base:
        # what the target branch added meanwhile: one diff, not two full tree listings
        added = [c.path for c in git.diff(merge_base, base_tip, "records") if c.status == "A"]
        base_new = {record_id(p): p for p in added if p.endswith(".yaml")}
    return ChangeSet(merge_base, base_tip, head, changes, base_new, head_sha if head else None,
                     None if head else head_sha)


__all__ = ["GLOBAL_PATHS", "ChangeSet", "collect", "kind_of", "record_id"]
