"""Pull-request rules: a change judged against the version it replaces.

The base is the merge base of the branch and the target (what the pull
request really changes); ``head`` is the working tree or a revision laid out
in a folder. Records are evidence: they move forward along their workflow,
closed ones stay as they were (unless an amendment says why), none is
deleted, and no two branches take the same id.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .. import yamlio
from ..forms import Amendment, Nonconformity
from ..git import Git, RawChange
from ..issues import Issue
from ..registry import Kind, Registry
from ..repository import Repository

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

    @property
    def record_changes(self) -> list[RawChange]:
        return [c for c in self.changes if c.path.startswith("records/") or (c.old_path or "").startswith("records/")]

    def touches_everything(self) -> bool:
        return any(c.path.startswith(GLOBAL_PATHS) or (c.old_path or "").startswith(GLOBAL_PATHS) for c in self.changes)


def record_id(path: str) -> str:
    return PurePosixPath(path).stem


def kind_of(registry: Registry, path: str) -> Kind | None:
    """The kind of ``records/<kind>/<ID>.yaml``, if that is a form."""
    parts = PurePosixPath(path).parts
    return registry.get(parts[1]) if len(parts) > 2 and parts[0] == "records" else None


def collect(git: Git, base: str, head: str | None) -> ChangeSet:
    git.require_full_history()
    base_tip = git.rev(base)
    head_sha = git.rev(head) if head else git.rev("HEAD")
    merge_base = git.merge_base(base_tip, head_sha)
    changes = git.diff(merge_base, head_sha if head else None)
    base_new: dict[str, str] = {}
    if any(c.status == "A" and c.path.startswith("records/") for c in changes) and base_tip != merge_base:
        # what the target branch added meanwhile: one diff, not two full tree listings
        added = [c.path for c in git.diff(merge_base, base_tip, "records") if c.status == "A"]
        base_new = {record_id(p): p for p in added if p.endswith(".yaml")}
    return ChangeSet(merge_base, base_tip, head, changes, base_new)


class _Sides:
    """Reads a file as it was at the merge base and as it is at the head."""

    def __init__(self, git: Git, head_root: Path) -> None:
        self.git = git
        self.head_root = head_root

    def old(self, change: RawChange) -> Any:
        return yamlio.try_load(self.git.blob(change.old_blob)) if change.old_blob else None

    def new(self, path: str) -> yamlio.Loaded | None:
        """The head version with its positions, or None if absent or unreadable."""
        raw = read_or_none(self.head_root / path)
        try:
            return yamlio.loads(raw) if raw is not None else None
        except yamlio.YamlError:
            return None


def check_changes(repo: Repository, cs: ChangeSet, git: Git) -> list[Issue]:
    """Every pull-request rule; ``repo`` is the head (working tree or a laid-out revision)."""
    sides = _Sides(git, repo.root)
    registry = repo.registry
    issues: list[Issue] = []
    added_amendments = _added_amendments(repo, cs, sides, registry)
    for change in cs.record_changes:
        issues.extend(_record_rules(repo, cs, change, sides, registry, added_amendments))
    for change in cs.changes:
        if change.path.startswith("manual/") and change.path.endswith(".md"):
            issues.extend(_document_rules(repo, change, sides))
    return issues


def _added_amendments(repo: Repository, cs: ChangeSet, sides: _Sides, registry: Registry) -> set[str]:
    """Ids of records that an amendment added in this change refers to."""
    amended = set()
    for change in cs.record_changes:
        if change.status != "A":
            continue
        kind = kind_of(registry, change.path)
        if kind is not None and issubclass(kind.model, Amendment):
            loaded = sides.new(change.path)
            data = loaded.data if loaded else None
            if isinstance(data, dict) and isinstance(data.get("amends"), str):
                amended.add(data["amends"])
    return amended


def _record_rules(
    repo: Repository, cs: ChangeSet, change: RawChange, sides: _Sides, registry: Registry, amended: set[str]
) -> list[Issue]:
    path = change.path
    if change.status == "D":
        return [Issue(path, 1, 1, "change-record-deleted",
                      f"record {record_id(path)} is deleted; records are never deleted. Restore it "
                      "(git checkout <base> -- FILE); to correct it add an amendment record")]
    if change.status == "R" and change.old_path and record_id(change.old_path) != record_id(path):
        return [Issue(path, 1, 1, "change-record-renamed",
                      f"{change.old_path} was renamed to {record_id(path)}; a record keeps its id for life. "
                      "Rename it back, and create new records with 'qms new'")]
    if change.status == "A":
        rid = record_id(path)
        if rid in cs.base_new_ids:
            return [Issue(path, 1, 1, "change-id-taken",
                          f"{rid} was also added on the target branch since this branch started "
                          f"({cs.base_new_ids[rid]}); renumber this one: merge or rebase on the target, then "
                          "'qms new' gives the next free id")]
        return []
    kind = kind_of(registry, path)
    if kind is None or kind.spec.workflow is None:
        return []
    old, loaded = sides.old(change), sides.new(path)
    new = loaded.data if loaded else None
    if not isinstance(old, dict) or not isinstance(new, dict) or loaded is None:
        return []
    workflow = kind.spec.workflow
    line, col = loaded.position(("status",))
    old_status, new_status = old.get("status"), new.get("status")
    issues = []
    if old_status in workflow.final and old != new and record_id(path) not in amended:
        issues.append(Issue(path, line, col, "change-closed-record",
                            f"{record_id(path)} was {old_status!r} at the base and is changed here; a closed record "
                            "stays as it was. Undo the edit and add an amendment record that references it"))
    elif (
        isinstance(old_status, str) and isinstance(new_status, str) and old_status in workflow.statuses
        and new_status in workflow.statuses and not workflow.allows(old_status, new_status)
    ):
        allowed = ", ".join(workflow.transitions.get(old_status, ())) or "nothing (it is final)"
        issues.append(Issue(path, line, col, "change-status-transition",
                            f"status moved {old_status} → {new_status}, which the {kind.name} workflow does not allow; "
                            f"from {old_status} it may move to: {allowed}"))
    if new_status in workflow.final and new_status != old_status and issubclass(kind.model, Nonconformity):
        issues.extend(_open_actions(repo, path, new, line, col, registry))
    return issues


def _open_actions(repo: Repository, path: str, data: dict[str, Any], line: int, col: int, registry: Registry) -> list[Issue]:
    """A nonconformity may not close while an action it depends on is still open."""
    issues = []
    for action_id in data.get("actions") or []:
        if not isinstance(action_id, str):
            continue
        found = [p for p in (repo.root / "records").glob(f"*/{action_id}.yaml")]
        if not found:
            continue
        kind = registry.get(found[0].parent.name)
        action = yamlio.try_load(found[0].read_bytes())
        if kind is None or kind.spec.workflow is None or not isinstance(action, dict):
            continue
        if action.get("status") not in kind.spec.workflow.final:
            issues.append(Issue(path, line, col, "change-close-open-action",
                                f"{record_id(path)} is closed while its action {action_id} is still "
                                f"{action.get('status')!r}; verify the action first"))
    return issues


def _document_rules(repo: Repository, change: RawChange, sides: _Sides) -> list[Issue]:
    path = change.path
    if change.status == "D":
        return [Issue(path, 1, 1, "change-document-deleted",
                      "a controlled document is never deleted; set 'status: obsolete' instead and keep the file")]
    if change.status == "A" or not change.old_blob:
        return []
    old_front, old_body = yamlio.read_front_matter(sides.git.blob(change.old_blob))
    new_raw = read_or_none(repo.root / path)
    try:
        new = yamlio.load_markdown(new_raw) if new_raw is not None else None
    except yamlio.YamlError:
        return []  # the full check reports the unreadable front matter
    if new is None or new.front is None or not isinstance(new.front.data, dict) or old_front is None:
        return []
    new_front, marks = new.front.data, new.front
    if old_body.strip() == new.body.strip():
        return []
    issues = []

    def line_of(key: str) -> int:
        return marks.position((key,))[0]

    if str(new_front.get("revision")) == str(old_front.get("revision")):
        issues.append(Issue(path, line_of("revision"), 1, "change-document-revision",
                            f"the text changed but revision is still {new_front.get('revision')!r}; "
                            "give it the next revision"))
    if new_front.get("status") == "effective" and new_front.get("approved") == old_front.get("approved"):
        issues.append(Issue(path, line_of("approved"), 1, "change-document-approval",
                            "an effective document's text changed but 'approved' is unchanged; "
                            "record the new approval date (or set status: draft until it is approved)"))
    return issues


def affected_records(repo: Repository, cs: ChangeSet, git: Git) -> set[str] | None:
    """Record paths to re-validate, or None when the change can affect every record.

    The changed records, plus every record that names a record or document
    whose id went away, moved or newly appeared (found with one ``git grep``,
    not by parsing every record).
    """
    if cs.touches_everything():
        return None
    paths = {c.path for c in cs.record_changes if c.status != "D" and c.path.endswith(".yaml")}
    gone = {record_id(c.old_path or c.path) for c in cs.record_changes if c.status in ("D", "R")}
    gone |= {record_id(c.path) for c in cs.record_changes if c.status == "A"}  # ids that now resolve
    for change in cs.changes:
        if change.path.startswith("manual/") and change.path.endswith(".md"):
            old_front = yamlio.read_front_matter(git.blob(change.old_blob) if change.old_blob else None)[0] or {}
            new_front = yamlio.read_front_matter(read_or_none(repo.root / change.path))[0] or {}
            if old_front.get("id") != new_front.get("id"):
                gone |= {str(v) for v in (old_front.get("id"), new_front.get("id")) if v}
    if gone:
        paths |= {p for p in git.grep_files(sorted(gone), "records", revision=cs.head) if p.endswith(".yaml")}
    return {p for p in paths if (repo.root / p).exists()}


def read_or_none(path: Path) -> bytes | None:
    """A file's bytes, or None if it is not there (deleted in the change)."""
    try:
        return path.read_bytes()
    except OSError:
        return None
