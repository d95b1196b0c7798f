"""The audit trail: who changed which record or document, when, and which fields.

Built from one ``git log --raw`` pass over ``manual/`` and ``records/``
(renames followed) and blobs read through one ``git cat-file --batch``.
Never one git call per file. A shallow clone is refused rather than read
as if its history were whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from .git import Commit, Git, GitError, RawChange
from .notyping import TYPE_CHECKING, NamedTuple
from .yamlmemo import YamlMemo

if TYPE_CHECKING:
    from typing import Any

TRACKED = ("manual", "records")


class _Missing:
    """A field that is not there (added or removed), distinct from ``None``."""

    def __repr__(self) -> str:
        return "—"

    def __reduce__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
FieldPath = tuple[str | int, ...]


class FieldChange(NamedTuple):
    field: FieldPath
    old: Any
    new: Any

    @property
    def name(self) -> str:
        return ".".join(str(p) for p in self.field) or "(file)"


class Version(NamedTuple):
    """One commit's change to one file."""

    commit: Commit
    # position in the log, 0 = newest; the name shadows tuple.index, which nothing here calls
    index: int  # type: ignore[assignment]
    change: RawChange

    @property
    def date(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.commit.authored)


class TrailEntry(NamedTuple):
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
    import copy

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


UNCHECKED: Any = object()  # HistoryIndex: the revision is still to be checked and resolved


def checked_commit(git: Git, revision: str = "HEAD") -> str | None:
    """``revision``'s commit (None before the first commit), once git says the QMS is at the top of a whole history.

    One ``git rev-parse`` answers all three questions a history must ask
    first (at the top of the repository? a shallow clone? which commit?):
    a single-record question should not pay for three processes. Anything
    but the plain answer is asked again the long way, which says what is
    wrong in the usual words.
    """
    answer = git.run("rev-parse", "--is-inside-work-tree", "--is-shallow-repository", "--show-prefix",
                     "--verify", "--quiet", f"{revision}^{{commit}}", check=False).decode("utf-8", "replace")
    lines = answer.split("\n")
    if lines[:3] == ["true", "false", ""]:
        sha = lines[3].strip() if len(lines) > 3 else ""
        if len(sha) in (40, 64) and all(c in "0123456789abcdef" for c in sha):
            return sha
    git.require_root()
    git.require_full_history()
    return git.try_rev(revision)


def keep_commit_graph(git: Git, commit: str | None) -> None:
    """Keep git's commit graph, with changed-path Bloom filters, up to ``commit`` (HEAD).

    A path-limited ``git log`` must otherwise open every commit's tree to see
    whether the path changed; with the filters git skips almost all of them
    (on 2,951 commits a record's log costs about a sixth). The graph is
    git's own file (``objects/info/commit-graph*``): git reads it whenever it
    is there, keeps or rewrites it in ``gc``, and it is safe to delete. It is
    written whole once, then extended (``--split``: only the new commits) when HEAD
    has moved since; ``.git/qms-cache/commit-graph-head`` remembers the HEAD
    it covers. Nothing is written with ``QMS_CACHE=0``, which promises no
    writes into ``.git``; a graph that cannot be written is simply not there.
    """
    import os

    from .cache import FOLDER, _git_dir

    if commit is None or os.environ.get("QMS_CACHE", "1") == "0":
        return
    folder = _git_dir(git.root)
    if folder is None:
        return
    marker = folder / FOLDER / "commit-graph-head"
    try:
        covered: str | None = marker.read_bytes().decode("ascii").strip()  # no codec module to load, as read_text has
    except (OSError, UnicodeDecodeError):
        covered = None
    if covered == commit:
        return
    # the first time the whole graph (a graph gc wrote may lack the filters), then a layer for the new commits
    extend = ["--split"] if covered else []
    try:
        git.run("commit-graph", "write", "--reachable", "--changed-paths", *extend, "--no-progress")
        marker.parent.mkdir(exist_ok=True)
        marker.write_text(commit + "\n", encoding="ascii")
    except (GitError, OSError):
        return


class HistoryIndex:
    """Every file's history under ``manual/`` and ``records/``, from one ``git log`` pass."""

    def __init__(self, git: Git, revision: str = "HEAD", paths: tuple[str, ...] = TRACKED, *,
                 resolved: str | None | object = UNCHECKED, memo: YamlMemo | None = None) -> None:
        """``resolved``: ``revision``'s commit as :func:`checked_commit` found it (None: no commits yet);
        ``memo``: where versions parsed before are remembered (by default each is parsed)."""
        if resolved is UNCHECKED:
            git.require_full_history()
            resolved = git.try_rev(revision)
        self.git = git
        self.memo = memo if memo is not None else YamlMemo(None)
        self.commits: list[Commit] = []
        self.by_path: dict[str, list[Version]] = {}
        if not isinstance(resolved, str):
            return  # a repository with no commits yet has no history
        # the whole-history index (site, reports, qms log): every folder's log in one unlimited pass, half git's work
        log = git.folders_log(*paths, revision=resolved) if paths == TRACKED else git.log(*paths, revision=resolved)
        for index, (commit, changes) in enumerate(log):
            self.commits.append(commit)
            for change in changes:
                self.by_path.setdefault(change.path, []).append(Version(commit, index, change))

    @classmethod
    def build(cls, root: Path, revision: str = "HEAD") -> "HistoryIndex":
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
        """A version's data, as :func:`qmskit.yamlio.try_load` reads it (the blob is read only when not remembered)."""
        return self.memo.data(sha, lambda: self.blob(sha))

    def front_of(self, sha: str | None) -> dict[str, Any] | None:
        """A page version's front matter ({} when it has none); None when it cannot be read."""
        return self.memo.front(sha, lambda: self.blob(sha))

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


def document_history(git: Git, path: str, resolved: str | None, memo: YamlMemo | None = None) -> HistoryIndex:
    """What ``qms history`` reads of the document at ``path``: its own log when that says all manual/'s would.

    manual/'s log follows a page's renames, but diffs every page that changed
    (30 M instructions of git on 3,488 commits, against 17 M for the page's
    own log). With ``--full-history -m`` both walk every commit, and a commit
    is listed, diffed against a parent, by whether the page differs from it:
    the page's own changes are the same, in the same order. What its own log
    cannot tell is an addition from a rename into the page, or a deletion from
    a rename away. So it is taken when the page was added once, in its oldest
    change, never deleted, by a root commit or by a commit of one parent whose
    diff over manual/ (one ``git diff -M``, as the log pairs renames) pairs
    nothing with it; otherwise manual/'s log is read, as before.
    """
    own = HistoryIndex(git, paths=(f":(literal){path}",), resolved=resolved, memo=memo)
    if _added_in_place(git, own.by_path.get(path, []), path):
        return own
    return HistoryIndex(git, paths=("manual",), resolved=resolved, memo=memo)


def _added_in_place(git: Git, versions: list[Version], path: str) -> bool:
    statuses = [v.change.status for v in versions]  # newest first
    if not statuses or statuses[-1] != "A" or statuses.count("A") != 1 or "D" in statuses or "R" in statuses:
        return False
    added = versions[-1].commit
    if not added.parents:
        return True
    if len(added.parents) > 1:
        return False
    return not any(c.status == "R" and c.path == path for c in git.diff(added.parents[0], added.sha, "manual"))


def changes_in_range(git: Git, from_rev: str, to_rev: str = "HEAD") -> Iterator[Version]:
    """Every file change in the commits ``from_rev..to_rev`` (what a release or a PR brought), newest first."""
    git.require_full_history()
    for index, (commit, changes) in enumerate(git.log(*TRACKED, revision=f"{git.rev(from_rev)}..{git.rev(to_rev)}")):
        for change in changes:
            yield Version(commit, index, change)


def version_at_revision(git: Git, revision: str, path: str) -> Any:
    """A file as it is at a revision (data, or None if absent)."""
    from . import yamlio

    return yamlio.try_load(git.blob(f"{revision}:{path}"))


__all__ = [
    "MISSING", "FieldChange", "HistoryIndex", "checked_commit", "keep_commit_graph",
    "TrailEntry", "Version", "apply_changes", "changes_in_range", "diff_fields",
    "version_at_revision",
]
