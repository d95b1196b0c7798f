"""The audit trail: who changed which record or document, when, and which fields.

Built from one ``git log --raw`` pass over ``manual/`` and ``records/``
(renames followed) and blobs read through one ``git cat-file --batch``.
Never one git call per file. A shallow clone is refused rather than read
as if its history were whole.
"""
from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import yamlio
from .git import Commit, Git, RawChange

TRACKED = ("manual", "records")


class _Missing:
    """A field that is not there (added or removed), distinct from ``None``."""

    def __repr__(self) -> str:
        return "—"

    def __reduce__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldChange:
    field: FieldPath
    old: Any
    new: Any

    @property
    def name(self) -> str:
        return ".".join(str(p) for p in self.field) or "(file)"


@dataclass(frozen=True)
class Version:
    """One commit's change to one file."""

    commit: Commit
    index: int  # position in the log, 0 = newest
    change: RawChange

    @property
    def date(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.commit.authored)


@dataclass
class TrailEntry:
    version: Version
    changes: list[FieldChange]
    data: Any  # the record as this commit left it (None if deleted, yamlio.UNREADABLE if not valid YAML)


def diff_fields(old: Any, new: Any, prefix: FieldPath = ()) -> list[FieldChange]:
    """Field-level differences: mappings key by key, anything else (lists too) as a whole value.

    A block that appears or disappears is one change, not one per sub-field,
    which is how a person reads "verification was added".
    """
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[FieldChange] = []
        for key in list(old) + [k for k in new if k not in old]:
            changes.extend(diff_fields(old.get(key, MISSING), new.get(key, MISSING), prefix + (key,)))
        return changes
    if type(old) is type(new) and old == new:
        return []
    return [FieldChange(prefix, old, new)]


def apply_changes(data: Any, changes: list[FieldChange]) -> Any:
    """Replay a trail: ``apply_changes(old, diff_fields(old, new)) == new``."""
    result = copy.deepcopy(data)
    for change in changes:
        if not change.field:
            result = None if change.new is MISSING else copy.deepcopy(change.new)
            continue
        if not isinstance(result, dict):
            result = {}
        node = result
        for part in change.field[:-1]:
            node = node[part]
        if change.new is MISSING:
            node.pop(change.field[-1], None)
        else:
            node[change.field[-1]] = copy.deepcopy(change.new)
    return result


class HistoryIndex:
    """Every file's history under ``manual/`` and ``records/``, from one ``git log`` pass."""

    def __init__(self, git: Git, revision: str = "HEAD", paths: tuple[str, ...] = TRACKED) -> None:
        git.require_full_history()
        self.git = git
        self.commits: list[Commit] = []
        self.by_path: dict[str, list[Version]] = {}
        if git.try_rev(revision) is None:
            return  # a repository with no commits yet has no history
        for index, (commit, changes) in enumerate(git.log(*paths, revision=revision)):
            self.commits.append(commit)
            for change in changes:
                self.by_path.setdefault(change.path, []).append(Version(commit, index, change))

    @classmethod
    def build(cls, root: Path, revision: str = "HEAD") -> HistoryIndex:
        return cls(Git(root), revision)

    def versions(self, path: str) -> list[Version]:
        """Changes to ``path``, newest first, following renames back to where it started."""
        found: list[Version] = []
        current, older_than = path, -1
        seen: set[tuple[str, int]] = set()
        while True:
            step = [v for v in self.by_path.get(current, []) if v.index > older_than]
            renamed_from = None
            for version in step:
                if (current, version.index) in seen:
                    continue
                seen.add((current, version.index))
                found.append(version)
                if version.change.status == "R" and version.change.old_path:
                    renamed_from = (version.change.old_path, version.index)
                    break
            if renamed_from is None:
                return found
            current, older_than = renamed_from

    def commits_touching(self, path: str) -> list[str]:
        return [v.commit.sha for v in self.versions(path)]

    def blob(self, sha: str | None) -> bytes | None:
        return None if sha is None else self.git.blob(sha)

    def data_of(self, sha: str | None) -> Any:
        return yamlio.try_load(self.blob(sha))

    def trail(self, path: str) -> list[TrailEntry]:
        """A record's field-level changes, oldest first; replaying them rebuilds each version."""
        entries = []
        previous: Any = {}
        for version in reversed(self.versions(path)):
            if version.change.status == "D":
                data, changes = None, [FieldChange((), previous, MISSING)]
            else:
                data = self.data_of(version.change.new_blob)
                if isinstance(data, dict) and isinstance(previous, dict):
                    changes = diff_fields(previous, data)
                else:  # unreadable YAML, or a file that is not a mapping: the whole file changed
                    changes = [FieldChange((), previous, data)]
            entries.append(TrailEntry(version, changes, data))
            previous = data if data is not None else {}
        return entries

    def version_at(self, path: str, when: dt.datetime | dt.date) -> Any:
        """The record as it stood at ``when`` (None if it did not exist then)."""
        if not isinstance(when, dt.datetime):
            when = dt.datetime.combine(when, dt.time.max).replace(tzinfo=dt.timezone.utc)
        elif when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        for version in self.versions(path):  # newest first
            if version.date <= when:
                return None if version.change.status == "D" else self.data_of(version.change.new_blob)
        return None

    def changes_between(self, since: dt.date | None = None, until: dt.date | None = None) -> Iterator[Version]:
        """Every file change whose author date falls in [since, until], newest first (log order)."""
        found = []
        for versions in self.by_path.values():
            for version in versions:
                day = version.date.date()
                if (since is None or day >= since) and (until is None or day <= until):
                    found.append(version)
        yield from sorted(found, key=lambda v: (v.index, v.change.path))


def changes_in_range(git: Git, from_rev: str, to_rev: str = "HEAD") -> Iterator[Version]:
    """Every file change in the commits ``from_rev..to_rev`` (what a release or a PR brought), newest first."""
    git.require_full_history()
    for index, (commit, changes) in enumerate(git.log(*TRACKED, revision=f"{git.rev(from_rev)}..{git.rev(to_rev)}")):
        for change in changes:
            yield Version(commit, index, change)


def version_at_revision(git: Git, revision: str, path: str) -> Any:
    """A file as it is at a revision (data, or None if absent)."""
    return yamlio.try_load(git.blob(f"{revision}:{path}"))


__all__ = [
    "MISSING", "FieldChange", "HistoryIndex", "TrailEntry", "Version", "apply_changes", "changes_in_range", "diff_fields",
    "version_at_revision",
]
