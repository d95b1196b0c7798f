"""Every call to git goes through here; nothing else in qmskit shells out.

Plain ``git`` subprocesses, not GitPython: one ``git log`` pass gives the
whole history (the design measured GitPython's per-file ``iter_commits`` at
500× slower), and one long-lived ``git cat-file --batch`` serves every blob.
Paths are bytes from git (``-z``), decoded as UTF-8, so Chinese file names
arrive intact.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from . import fileio, spawn
from .errors import QmsError
from . import messages
from .notyping import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import IO

ZERO = "0" * 40


class GitError(QmsError):
    pass


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


class RawChange(NamedTuple):
    """One line of ``git diff --raw`` / ``git log --raw``: a path that changed."""

    status: str  # A M D R (T, C treated as M/A)
    path: str  # the path after the change (the old path for D)
    old_path: str | None
    old_blob: str | None
    new_blob: str | None


class TreeEntry(NamedTuple):
    """One entry of ``git ls-tree``: a path with its mode, so a symlink or submodule is seen, not followed."""

    mode: str  # 100644/100755 regular file, 120000 symlink, 160000 submodule
    type: str  # blob, commit (a submodule)
    sha: str
    path: str

    @property
    def regular(self) -> bool:
        return self.type == "blob" and self.mode in ("100644", "100755")


class Tag(NamedTuple):
    """A tag and the commit it names (a seal: ``qms-seal/<date>-<n>``)."""

    name: str
    commit: str
    date: str  # ISO 8601: when the tag was made
    subject: str


class Commit(NamedTuple):
    sha: str
    author: str
    email: str
    authored: str  # ISO 8601 with offset
    committed: str
    parents: tuple[str, ...]
    subject: str


def raw_changes(tokens: list[str]) -> list[RawChange]:
    """The ``:meta\\0path\\0[path2\\0]`` entries at the start of ``tokens``, in one tight loop.

    A whole-history log has tens of thousands of them, and the index spends
    most of its own time here (``tests/test_git_log_parse.py`` reads them
    with a plain parser of its own and compares, on every kind of entry).
    A copy is an addition; a type change is a modification.
    """
    found: list[RawChange] = []
    append, new = found.append, RawChange._make
    i, count = 0, len(tokens)
    while i < count:
        entry = tokens[i]
        if not entry.startswith(":"):
            break
        meta = entry.split()  # ":old_mode new_mode old_blob new_blob status"
        old_blob, new_blob, status = meta[2], meta[3], meta[4][0]
        if status == "R" or status == "C":
            old_path: str | None = tokens[i + 1]
            path = tokens[i + 2]
            i += 3
            if status == "C":
                status, old_path, old_blob = "A", None, ZERO
        else:
            old_path, path = None, tokens[i + 1]
            i += 2
            if status == "T":
                status = "M"
        # no blob is all zeros, 40 or 64 of them (SHA-1 or SHA-256)
        append(new((status, path, old_path, None if old_blob and not old_blob.strip("0") else old_blob,
                    None if new_blob and not new_blob.strip("0") else new_blob)))
    return found


GREP_NEEDLES = 256
GREP_MAX_BYTES = 16 * 1024 * 1024
# words between spaces and YAML punctuation, and runs of ASCII id characters (an id written against Chinese text);
# compiled when first needed (a check of many ids), not by every command that imports this module
_WORDS = (r"[^\s,:;'\"\[\]{}()<>|，。；：、（）【】「」]+", r"[A-Za-z0-9][A-Za-z0-9._/-]*")


def _names_any(raw: bytes, needles: set[str]) -> bool:
    """Whether ``raw`` holds one of ``needles`` as a word (trailing punctuation such as a full stop aside)."""
    text = raw.decode("utf-8", "surrogateescape")
    for pattern in map(re.compile, _WORDS):  # re keeps what it compiled: a dictionary look-up after the first file
        for match in pattern.finditer(text):
            word = match.group()
            if word in needles or word.rstrip(".-_/") in needles:
                return True
    return False


LOG_FORMAT = "%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%cI%x1f%P%x1f%s"  # a commit's fields, between ASCII separators


def _per_parent(out: bytes) -> Iterator[tuple[Commit, list[list[RawChange]]]]:
    """Each commit of a ``git log -z --raw -m`` output, with its diff against each parent that differs.

    Decoded once, not per field: the delimiters are ASCII, so the pieces are
    what decoding each would give.
    """
    pending: tuple[Commit, list[list[RawChange]]] | None = None
    for chunk in _decode(out).split("\x1e")[1:]:
        head, _, rest = chunk.partition("\0")
        sha, author, email, authored, committed, parents, subject = head.split("\x1f", 6)
        changes = raw_changes(rest.lstrip("\n").split("\0"))
        if pending is not None and pending[0].sha == sha:
            pending[1].append(changes)  # -m: the same merge again, diffed against its next parent
            continue
        if pending is not None:
            yield pending
        pending = (Commit(sha, author, email, authored, committed, tuple(parents.split()), subject), [changes])
    if pending is not None:
        yield pending


def _renames_may_differ(diff: list[RawChange], inside: Callable[[str | None], bool]) -> bool:
    """Whether rename detection limited to the folders could pair files differently from this unlimited ``diff``.

    Renames pair a deleted file with an added one; limited, only those
    inside are candidates. With no deletion or no addition at all, or with
    every added or deleted file inside (or every one outside), the
    candidates inside are the same either way.
    """
    added: list[str | None] = []
    deleted: list[str | None] = []
    for c in diff:
        if c.status == "A":
            added.append(c.path)
        elif c.status == "D":
            deleted.append(c.path)
        elif c.status == "R":
            added.append(c.path)
            deleted.append(c.old_path)
    if not added or not deleted:
        return False
    where = {inside(p) for p in added + deleted}
    return len(where) == 2


def _own_changes(commit: Commit, per_parent: list[list[RawChange]]) -> list[RawChange]:
    """A commit's changes; for a merge, the paths that differ from every parent (listed against the first)."""
    if len(commit.parents) < 2:
        return per_parent[0]
    if len(per_parent) < len(commit.parents):
        return []  # equal to some parent everywhere: the merge changed nothing of its own
    others = [{change.path for change in diff} for diff in per_parent[1:]]
    return [change for change in per_parent[0] if all(change.path in paths for paths in others)]


# What the engine parses must not hang on the user's git configuration: paths as they are (not quoted), and a
# log of one path that lists that path's changes (log.follow would follow a copy into another file's history),
# without signature lines in the middle of it, with the root commit's additions.
_SETTINGS = ("-c", "core.quotepath=off", "-c", "log.follow=false", "-c", "log.showSignature=false",
             "-c", "log.showRoot=true")

# git matches every index entry against every pathspec it is given (1,000 names against 100,000 entries:
# 1.8 s; 20,000 names against 20,000: 11 s), where a folder costs one lstat() per entry (0.24 s at 100,000):
# past this many files, git is asked about their folders instead of their names.
_NAMED_PATHS = 100


class Git:
    """A git repository, asked questions with plain subprocesses."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._batch: spawn.Conversation | None = None
        self._worktree: tuple[set[str], list[str]] | None = None  # see hold_worktree

    def hold_worktree(self) -> None:
        """Read the working tree once for every later question: which files differ from the index, which are untracked.

        Each ``git diff`` against the working tree, ``git diff-files`` and
        ``git ls-files --others`` looks at every file (20,000 ``lstat`` calls
        and a walk of every folder at 20k records). A check that asks them
        several times of a working tree it does not change lists both once:
        later diffs against the working tree look only at the paths that
        can differ (see :meth:`diff`).
        """
        if self._worktree is None:
            changed = self.changed_files()
            others = self.run("ls-files", "--others", "--exclude-standard", "-z")
            self._worktree = (changed, [_decode(p) for p in others.split(b"\0") if p])

    def held(self) -> tuple[set[str], list[str]] | None:
        """What :meth:`hold_worktree` found: the files that differ from the index, and the untracked ones; None: not held."""
        return self._worktree

    def changed_files(self, *paths: str) -> set[str]:
        """Tracked files under ``paths`` whose working-tree bytes differ from the index (paths as ``ls-files`` gives).

        ``diff-files`` goes by the index's record of each file's stat data, so
        a file only touched (copied with its folder, restored by a CI cache,
        rewritten unchanged by an editor) counts as changed until git looks at
        its bytes. Their stat data is refreshed (``git add --refresh``: git
        compares their bytes, adds nothing) and they are asked about again;
        otherwise a copied repository would never be read from what was learnt
        of its blobs. Up to a hundred files are named; past that, their folders
        are (see ``_NAMED_PATHS``). Files really edited cost one more look at
        themselves, not at the tree.
        """
        listed = self.run("diff-files", "--relative", "--name-only", "-z", "--", *paths)
        changed = {_decode(p) for p in listed.split(b"\0") if p}
        if not changed:
            return changed
        names = [f":(literal){p}" for p in sorted(changed)]
        by_name = len(names) <= _NAMED_PATHS
        try:
            if by_name:
                self.run("add", "--refresh", "--pathspec-from-file=-", "--pathspec-file-nul",
                         input="\0".join(names).encode("utf-8", "surrogateescape"))
            else:
                self.run("add", "--refresh", "--", *(paths or (".",)))
        except GitError:
            return changed  # the index cannot be written now (another git holds it): the first answer stands
        again = self.run("diff-files", "--relative", "--name-only", "-z", "--", *(names if by_name else paths))
        return {_decode(p) for p in again.split(b"\0") if p}

    @staticmethod
    def _under(path: str, paths: tuple[str, ...]) -> bool:
        """Whether ``path`` is one of ``paths`` or inside one (a plain folder or file name, as the callers give)."""
        return not paths or any(path == p or path.startswith(p.rstrip("/") + "/") for p in paths)

    # -- plumbing -------------------------------------------------------------------
    def run(self, *args: str, check: bool = True, input: bytes | None = None) -> bytes:
        env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
        try:  # -C, not a working folder: spawn starts git without subprocess (see qmskit.spawn)
            code, stdout, stderr = spawn.run(["git", "-C", str(self.root), *_SETTINGS, *args], env, input)
        except FileNotFoundError:
            raise GitError(messages.text("git.missing")) from None
        if check and code != 0:
            message = _decode(stderr).strip().splitlines()
            raise GitError(messages.text("git.failed", command=args[0], error=message[-1] if message else "—"))
        return stdout

    def is_repository(self) -> bool:
        try:
            return self.run("rev-parse", "--is-inside-work-tree", check=False).strip() == b"true"
        except GitError:
            return False

    def require_full_history(self) -> None:
        """History from a shallow clone would be silently wrong: refuse it."""
        try:  # one call for both answers: a single-record question should not pay for several processes
            answers = self.run("rev-parse", "--is-inside-work-tree", "--is-shallow-repository", check=False).split()
        except GitError:
            answers = []
        if not answers or answers[0] != b"true":
            raise GitError(messages.text("git.not_a_repository", root=self.root))
        if answers[1:2] == [b"true"]:
            raise GitError(messages.text("git.shallow"))

    def commit_ids(self, *revisions: str) -> list[str] | None:
        """The commit each of ``revisions`` names, in a full-history working tree, from one ``git rev-parse``.

        What :meth:`require_full_history` and :meth:`rev` of each would say
        when all is well, for one process instead of several (a pull-request
        check asked three). None when git gives any other answer (no working
        tree, a shallow clone, a name that is no commit): the caller then asks
        one question at a time, whose errors say which. A name that starts
        with ``-`` is never given to this one call, where it could read as an option.
        """
        if any(r.startswith("-") for r in revisions):
            return None
        try:
            out = self.run("rev-parse", "--is-inside-work-tree", "--is-shallow-repository",
                           *(f"{r}^{{commit}}" for r in revisions), check=False).split(b"\n")
        except GitError:
            return None
        ids = [_decode(line) for line in out[2:2 + len(revisions)]]
        if out[:2] != [b"true", b"false"] or len(out) != len(revisions) + 3 or out[-1] != b"" or any(
                len(i) not in (40, 64) or i.strip("0123456789abcdef") for i in ids):
            return None
        return ids

    def rev(self, revision: str) -> str:
        out = self.run("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", check=False).strip()
        if not out:
            raise GitError(messages.text("git.not_a_commit", revision=revision))
        return _decode(out)

    def try_rev(self, revision: str) -> str | None:
        try:
            return self.rev(revision)
        except GitError:
            return None

    def merge_base(self, a: str, b: str) -> str:
        out = self.run("merge-base", a, b, check=False).strip()
        if not out:
            raise GitError(messages.text("git.no_common_ancestor", a=a, b=b))
        return _decode(out)

    def upstream(self) -> str | None:
        out = self.run("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}", check=False).strip()
        return _decode(out) if out else None

    # -- trees, diffs and logs ---------------------------------------------------------
    def ls_tree(self, revision: str, *paths: str) -> dict[str, str]:
        """Path → blob sha of every file under ``paths`` at ``revision``."""
        out = self.run("ls-tree", "-r", "-z", "--full-tree", revision, "--", *paths)
        entries = {}
        for item in out.split(b"\0"):
            if not item:
                continue
            meta, _, path = item.partition(b"\t")
            parts = meta.split()
            if len(parts) == 3 and parts[1] == b"blob":
                entries[_decode(path)] = _decode(parts[2])
        return entries

    def diff(self, base: str, head: str | None, *paths: str) -> list[RawChange]:
        """What changed from ``base`` to ``head`` (or to the working tree when None), renames found."""
        args = ["diff", "--raw", "-z", "-M", "--no-abbrev", base]
        if head is not None:
            args.append(head)
        spec: list[str] | None = list(paths)
        if head is None and self._worktree is not None:
            narrowed = self._may_differ(base, paths)
            if narrowed is not None:  # only the paths that can differ are looked at; none: no diff to run
                spec = [f":(literal){p}" for p in narrowed] or None
        tokens = [_decode(t) for t in self.run(*args, "--", *spec).split(b"\0")] if spec is not None else []
        changes = raw_changes(tokens)
        if head is None:
            changes.extend(
                RawChange("A", path, None, None, None) for path in self.untracked(*paths)
            )
        return changes

    def _may_differ(self, base: str, paths: tuple[str, ...]) -> list[str] | None:
        """The paths under ``paths`` whose working-tree file can differ from ``base``'s; None when too many to name.

        A file equal to the index (not listed by ``diff-files``) whose index
        entry is ``base``'s (not listed by ``diff-index --cached``) is
        ``base``'s: only the others are looked at, so the diff (renames
        included: both ends of a rename differ) is the same as over every path.
        """
        assert self._worktree is not None
        staged = self.run("diff-index", "--cached", "--name-only", "--no-renames", "-z", base, "--", *paths)
        found = {_decode(p) for p in staged.split(b"\0") if p}
        found |= {p for p in self._worktree[0] if self._under(p, paths)}
        return sorted(found) if len(found) <= 1000 else None

    def dirty(self, *paths: str) -> set[str]:
        """Paths with uncommitted changes (staged, unstaged or untracked), in one call."""
        out = self.run("status", "--porcelain", "-z", "--untracked-files=all", "--", *paths)
        found, tokens = set(), out.split(b"\0")
        i = 0
        while i < len(tokens):
            entry = tokens[i]
            if len(entry) > 3:
                found.add(_decode(entry[3:]))
                if entry[:1] in (b"R", b"C"):
                    i += 1  # the original path follows a rename
            i += 1
        return found

    def untracked(self, *paths: str) -> list[str]:
        if self._worktree is not None:
            return [p for p in self._worktree[1] if self._under(p, paths)]
        out = self.run("ls-files", "--others", "--exclude-standard", "-z", "--", *paths)
        return [_decode(p) for p in out.split(b"\0") if p]

    def log(self, *paths: str, revision: str = "HEAD") -> Iterator[tuple[Commit, list[RawChange]]]:
        """One ``git log --raw -m`` pass, newest first: each commit and the files it changed.

        A merge is diffed against each of its parents; what it changed itself
        (a conflict resolution, an edit made while merging) differs from every
        parent and is listed, against the first parent. What a merge only
        brought in from one side stays with that side's own commits, so no
        change is listed twice.
        """
        # --full-history: what -m means anyway (every merge's sides walked), said so that folders_log may rely on it
        out = self.run("log", "-z", "--raw", "--no-abbrev", "-M", "-m", "--full-history", f"--format={LOG_FORMAT}",
                       revision, "--", *paths)
        for commit, per_parent in _per_parent(out):
            yield commit, _own_changes(commit, per_parent)

    def folders_log(self, *folders: str, revision: str = "HEAD") -> list[tuple[Commit, list[RawChange]]]:
        """:meth:`log` of whole folders (the whole-history index), the same answer for about half of git's work.

        A path-limited ``git log`` compares each commit's trees with its
        parents' twice: once to decide whether the commit touched the paths
        at all, once for the output. On 3,460 commits the first was 445 M of
        git's 1,130 M instructions. Here git logs every commit unlimited
        (580 M) and Python drops the entries outside ``folders``. With ``-m``
        git walks every commit either way (``--full-history``: no merge's
        side is skipped), so what is left is what the limited log says:

        - a commit is listed when its diff against some parent is not empty
          inside the folders, with those diffs (a merge's against each parent
          that differs there, in parents' order, as ``-m`` lists them);
        - rename detection must have had the same candidates: a diff in which
          files are added or deleted both inside and outside the folders is
          asked again, limited (a merge whose parents cannot be told apart
          then has the whole log asked again, limited).

        Folders written with pathspec magic are logged limited.
        """
        roots = tuple(f.rstrip("/") for f in folders)
        if not roots or any(not f or f.startswith(":") or any(c in f for c in "*?[\\") for f in roots):
            return list(self.log(*folders, revision=revision))
        prefixes = tuple(f + "/" for f in roots)

        def inside(path: str | None) -> bool:
            return path is not None and (path.startswith(prefixes) or path in roots)

        out = self.run("log", "-z", "--raw", "--no-abbrev", "-M", "-m", f"--format={LOG_FORMAT}", revision)
        found: list[tuple[Commit, list[RawChange]]] = []
        for commit, per_parent in _per_parent(out):
            kept = []
            for nth, diff in enumerate(per_parent):
                mine = [c for c in diff if inside(c.path) or inside(c.old_path)]
                if mine and _renames_may_differ(diff, inside):
                    if len(per_parent) < len(commit.parents):  # some parent's diff was empty: which one is this?
                        return list(self.log(*folders, revision=revision))
                    mine = self._limited_diff(commit, nth, folders)
                if mine:
                    kept.append(mine)
            if kept:
                found.append((commit, _own_changes(commit, kept)))
        return found

    def _limited_diff(self, commit: Commit, nth: int, folders: tuple[str, ...]) -> list[RawChange]:
        """``commit``'s changes inside ``folders`` against its ``nth`` parent, renames found among those alone."""
        against = [commit.parents[nth]] if commit.parents else ["--root"]
        out = self.run("diff-tree", "-z", "-r", "--raw", "--no-abbrev", "-M", *against, commit.sha, "--", *folders)
        return raw_changes([t for t in _decode(out).split("\0") if t][0 if against[0] != "--root" else 1:])

    def grep_files(self, needles: Iterable[str], *paths: str, revision: str | None = None) -> set[str]:
        """Files under ``paths`` that contain any needle: in the working tree (tracked or not) or at a revision.

        Up to :data:`GREP_NEEDLES` needles, one ``git grep`` whose needles
        arrive on stdin (125k ids would overflow the argument list). git
        tries each pattern on each line, so beyond that one pass over the
        files reads each once and looks its words up in the set of needles
        (a needle then matches as a whole word, as ids are written).
        """
        lines = sorted({n for n in needles if n and "\n" not in n and "\0" not in n})
        if not lines:
            return set()
        if len(lines) > GREP_NEEDLES:
            return self._files_naming(set(lines), paths, revision)
        args = ["grep", "-l", "-z", "-F", "--no-color", "-f", "-"] + ([] if revision else ["--untracked"])
        stdin = "\n".join(lines).encode("utf-8", "surrogateescape") + b"\n"
        out = self.run(*args, *([revision] if revision else []), "--", *paths, check=False, input=stdin)
        found = {_decode(p) for p in out.split(b"\0") if p}
        if revision:
            found = {p.split(":", 1)[1] if ":" in p else p for p in found}
        return found

    def working_files(self, *paths: str) -> list[tuple[str, str | None]] | None:
        """Every file under ``paths`` in the working tree as git sees it, with the index mode where it is clean.

        Tracked files (less those deleted in the working tree) and untracked
        ones not ignored, from ``git ls-files`` instead of walking folders: a
        listing whose cost is git's, flat as the tree grows. The mode is None
        for a file that differs from the index (edited, a type change) or is
        untracked, whose entry the caller must look at itself. None when this
        is not a git working tree.
        """
        listed = self.working_entries(*paths)
        return None if listed is None else [(path, mode) for path, (mode, _) in listed.items()]

    def working_entries(self, *paths: str) -> dict[str, tuple[str | None, str | None]] | None:
        """:meth:`working_files` as path → (mode, blob id), sorted by path; the blob id of each clean file.

        A clean file's bytes are that blob's, so what was learnt of the blob
        (``.git/qms-cache``) holds for the file; any other is read afresh
        (mode and blob None). Read from ``git ls-files -s`` lines by their
        fixed layout, in one comprehension: 100k of them at 100k records.
        """
        try:
            staged = self.run("ls-files", "-s", "-z", "--", *paths)
            if self._worktree is not None:
                dirty, untracked = self._worktree[0], self.untracked(*paths)
            else:
                dirty = self.changed_files(*paths)
                others = self.run("ls-files", "-o", "-z", "--exclude-standard", "--", *paths)
                untracked = [_decode(p) for p in others.split(b"\0") if p]
        except GitError:
            return None
        items = [i for i in _decode(staged).split("\0") if i]
        found: dict[str, tuple[str | None, str | None]] = {}
        if items:
            # "<mode, 6 digits> <object id> <stage>\t<path>"; a conflicted entry's bytes are no one blob's
            n = items[0].index("\t") - 9  # the object id's length (40 or 64)
            found = {i[n + 10:]: (i[:6], i[7:7 + n] if i[n + 8] == "0" else None) for i in items}
        for path in dirty:
            if path in found:
                found[path] = (None, None)
        if untracked:
            for path in untracked:
                found[path] = (None, None)
            found = dict(sorted(found.items()))
        return found

    def _files_naming(self, needles: set[str], paths: tuple[str, ...], revision: str | None) -> set[str]:
        """One pass over the files under ``paths``: those holding a word that is one of ``needles``."""
        found = set()
        if revision is None:
            listed = self.working_files(*paths) or []
            for path, _mode in listed:
                try:
                    raw = fileio.read_regular(self.root / path, GREP_MAX_BYTES)
                except (OSError, fileio.FileRefused):
                    continue
                if _names_any(raw, needles):
                    found.add(path)
            return found
        for entry in self.tree_entries(revision, *paths):
            if entry.regular and _names_any(self.blob(entry.sha) or b"", needles):
                found.add(entry.path)
        return found

    def tree_entries(self, revision: str, *paths: str) -> list[TreeEntry]:
        """Every entry under ``paths`` at ``revision`` with its mode (one call), symlinks and submodules included."""
        out = self.run("ls-tree", "-r", "-z", "--full-tree", revision, "--", *paths)
        entries = []
        for item in out.split(b"\0"):
            meta, _, path = item.partition(b"\t")
            parts = meta.split()
            if len(parts) == 3:
                mode, kind, sha = (_decode(p) for p in parts)
                entries.append(TreeEntry(mode, kind, sha, _decode(path)))
        return entries

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """Whether ``ancestor`` is in the history of ``descendant`` (False when git cannot tell)."""
        try:
            self.run("merge-base", "--is-ancestor", ancestor, descendant)
        except GitError:
            return False
        return True

    def first_parent_log(self, base: str, head: str, *paths: str) -> list[tuple[Commit, list[RawChange]]]:
        """The commits of a change, oldest first, along the first-parent chain from ``base`` to ``head``.

        Each comes with what it changed against its first parent, merge
        commits included (``--diff-merges=first-parent``), so a step hidden
        in a merge is judged like any other; no rename detection, so every
        path is added, modified or deleted.
        """
        out = self.run("log", "-z", "--raw", "--no-abbrev", "--no-renames", "--first-parent",
                       "--diff-merges=first-parent", "--reverse", f"--format={LOG_FORMAT}", f"{base}..{head}",
                       "--", *paths)
        return [(commit, per_parent[0]) for commit, per_parent in _per_parent(out)]  # one diff each: the first parent's

    # -- tags (seals) ----------------------------------------------------------------------
    def tags(self, prefix: str) -> list[Tag]:
        """Annotated or plain tags under ``refs/tags/<prefix>``, with the commit each names, in one call."""
        fmt = "%(refname:strip=2)%00%(objectname)%00%(*objectname)%00%(creatordate:iso-strict)%00%(contents:subject)"
        out = self.run("for-each-ref", f"--format={fmt}", f"refs/tags/{prefix}")
        found = []
        for line in out.splitlines():
            name, obj, peeled, date, subject = (_decode(part) for part in line.split(b"\0", 4))
            found.append(Tag(name, peeled or obj, date, subject))
        return found

    def tags_not_in(self, prefix: str, revision: str) -> set[str]:
        """Tags under ``prefix`` whose commit is not in the history of ``revision`` (one call)."""
        out = self.run("tag", "--list", f"{prefix}*", "--no-merged", revision)
        return {_decode(line).strip() for line in out.splitlines() if line.strip()}

    def create_tag(self, name: str, message: str, revision: str = "HEAD") -> None:
        """An annotated tag (who, when and why are kept in it); an existing tag is never moved."""
        self.run("tag", "--annotate", "--message", message, "--", name, revision)

    def require_root(self) -> None:
        """History paths are the repository's: the QMS must be at the top of its git repository."""
        # not check=True: outside a repository git's own (English) words would be the message
        answers = _decode(self.run("rev-parse", "--is-inside-work-tree", "--show-prefix", check=False)).splitlines()
        if not answers or answers[0].strip() != "true":
            raise GitError(messages.text("git.not_a_repository", root=self.root))
        prefix = answers[1].strip() if len(answers) > 1 else ""
        if prefix:
            raise GitError(messages.text("git.subfolder", prefix=repr(prefix)))

    # -- blobs ---------------------------------------------------------------------------
    def blob(self, name: str) -> bytes | None:
        """Contents of a blob (sha, or ``rev:path``) through one long-lived ``cat-file --batch``."""
        stdin, stdout = self._pipes()
        stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
        stdin.flush()
        return self._answer(stdout)

    def blobs(self, names: list[str]) -> list[bytes | None]:
        """Contents of many blobs, asked for in batches of requests rather than one round trip each.

        Each batch's requests (well under a pipe's 64 KiB) are written before
        its answers are read, so neither side waits for the other per object.
        """
        found: list[bytes | None] = []
        for start in range(0, len(names), 256):
            chunk = names[start:start + 256]
            stdin, stdout = self._pipes()
            stdin.write(b"".join(n.encode("utf-8", "surrogateescape") + b"\n" for n in chunk))
            stdin.flush()
            for _ in chunk:
                found.append(self._answer(stdout))
        return found

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        if self._batch is None:
            self._batch = spawn.Conversation(["git", "-C", str(self.root), "cat-file", "--batch"])
        return self._batch.stdin, self._batch.stdout

    @staticmethod
    def _answer(stdout: IO[bytes]) -> bytes | None:
        header = stdout.readline()
        if header.endswith((b"missing\n", b"ambiguous\n")):
            return None
        size = int(header.split()[2])
        data = stdout.read(size)
        stdout.read(1)  # the newline after each object
        return data

    def close(self) -> None:
        if self._batch is not None:
            self._batch.close()
            self._batch = None

    def __enter__(self) -> "Git":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
