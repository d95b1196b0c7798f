"""Every call to git goes through here; nothing else in qmskit shells out.

Plain ``git`` subprocesses, not GitPython: one ``git log`` pass gives the
whole history (the design measured GitPython's per-file ``iter_commits`` at
500× slower), and one long-lived ``git cat-file --batch`` serves every blob.
Paths are bytes from git (``-z``), decoded as UTF-8, so Chinese file names
arrive intact.
"""
from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .issues import QmsError

ZERO = "0" * 40


class GitError(QmsError):
    pass


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class RawChange:
    """One line of ``git diff --raw`` / ``git log --raw``: a path that changed."""

    status: str  # A M D R (T, C treated as M/A)
    path: str  # the path after the change (the old path for D)
    old_path: str | None
    old_blob: str | None
    new_blob: str | None


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    email: str
    authored: str  # ISO 8601 with offset
    committed: str
    parents: tuple[str, ...]
    subject: str


def parse_raw(tokens: list[str], start: int = 0) -> Iterator[tuple[int, RawChange]]:
    """Parse ``:meta\\0path\\0[path2\\0]`` entries; yields (next index, change)."""
    i = start
    while i < len(tokens) and tokens[i].startswith(":"):
        meta = tokens[i][1:].split()
        old_blob, new_blob, status = meta[2], meta[3], meta[4][0]
        if status in ("R", "C"):
            old_path, path = tokens[i + 1], tokens[i + 2]
            i += 3
            if status == "C":
                status, old_path, old_blob = "A", None, None
        else:
            old_path, path = None, tokens[i + 1]
            i += 2
            status = "M" if status == "T" else status
        yield i, RawChange(
            status, path, old_path,
            None if old_blob == ZERO else old_blob,
            None if new_blob == ZERO or set(new_blob) == {"0"} else new_blob,
        )


class Git:
    """A git repository, asked questions with plain subprocesses."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._batch: subprocess.Popen[bytes] | None = None

    # -- plumbing -------------------------------------------------------------------
    def run(self, *args: str, check: bool = True, input: bytes | None = None) -> bytes:
        env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
        try:
            result = subprocess.run(
                ["git", "-c", "core.quotepath=off", *args], cwd=self.root, capture_output=True, env=env, input=input
            )
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH; install git to use history features") from None
        if check and result.returncode != 0:
            message = _decode(result.stderr).strip().splitlines()
            raise GitError(f"git {args[0]} failed: {message[-1] if message else 'no message'}")
        return result.stdout

    def is_repository(self) -> bool:
        try:
            return self.run("rev-parse", "--is-inside-work-tree", check=False).strip() == b"true"
        except GitError:
            return False

    def require_full_history(self) -> None:
        """History from a shallow clone would be silently wrong: refuse it."""
        if not self.is_repository():
            raise GitError(f"{self.root} is not in a git repository; history needs git (run 'git init' and commit)")
        if self.run("rev-parse", "--is-shallow-repository").strip() == b"true":
            raise GitError(
                "this is a shallow clone, so its history is incomplete and the audit trail would be wrong. "
                "Run 'git fetch --unshallow' (in GitHub Actions: actions/checkout with 'fetch-depth: 0')."
            )

    def rev(self, revision: str) -> str:
        out = self.run("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", check=False).strip()
        if not out:
            raise GitError(f"{revision!r} is not a commit here; check the name (git branch -a, git log --oneline)")
        return _decode(out)

    def try_rev(self, revision: str) -> str | None:
        try:
            return self.rev(revision)
        except GitError:
            return None

    def merge_base(self, a: str, b: str) -> str:
        out = self.run("merge-base", a, b, check=False).strip()
        if not out:
            raise GitError(f"{a} and {b} have no common ancestor; compare with a branch this one was made from")
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
        tokens = [_decode(t) for t in self.run(*args, "--", *paths).split(b"\0")]
        changes = [change for _, change in parse_raw(tokens)]
        if head is None:
            changes.extend(
                RawChange("A", path, None, None, None) for path in self.untracked(*paths)
            )
        return changes

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
        out = self.run("ls-files", "--others", "--exclude-standard", "-z", "--", *paths)
        return [_decode(p) for p in out.split(b"\0") if p]

    def log(self, *paths: str, revision: str = "HEAD") -> Iterator[tuple[Commit, list[RawChange]]]:
        """One ``git log --raw`` pass, newest first: each commit and the files it changed."""
        fmt = "%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%cI%x1f%P%x1f%s"
        out = self.run("log", "-z", "--raw", "--no-abbrev", "-M", f"--format={fmt}", revision, "--", *paths)
        for chunk in out.split(b"\x1e")[1:]:
            head, _, rest = chunk.partition(b"\0")
            sha, author, email, authored, committed, parents, subject = _decode(head).split("\x1f", 6)
            commit = Commit(sha, author, email, authored, committed, tuple(parents.split()), subject)
            tokens = [_decode(t) for t in rest.lstrip(b"\n").split(b"\0")]
            yield commit, [change for _, change in parse_raw(tokens)]

    def grep_files(self, needles: Iterable[str], *paths: str, revision: str | None = None) -> set[str]:
        """Files under ``paths`` that contain any needle: in the working tree (tracked or not) or at a revision."""
        needles = list(needles)
        if not needles:
            return set()
        args = ["grep", "-l", "-z", "-F", "--no-color"] + ([] if revision else ["--untracked"])
        for needle in needles:
            args += ["-e", needle]
        out = self.run(*args, *([revision] if revision else []), "--", *paths, check=False)
        found = {_decode(p) for p in out.split(b"\0") if p}
        if revision:
            found = {p.split(":", 1)[1] if ":" in p else p for p in found}
        return found

    def require_root(self) -> None:
        """History paths are the repository's: the QMS must be at the top of its git repository."""
        prefix = _decode(self.run("rev-parse", "--show-prefix")).strip()
        if prefix:
            raise GitError(f"the QMS root is the subfolder {prefix!r} of a git repository; history features need "
                           "qms.yml at the top of the repository")

    def archive_to(self, revision: str, target: Path) -> None:
        """Lay out the files of ``revision`` in ``target`` (no .git), to check a revision as a tree."""
        import io
        import tarfile

        data = self.run("archive", "--format=tar", revision)
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(target, filter="data")

    # -- blobs ---------------------------------------------------------------------------
    def blob(self, name: str) -> bytes | None:
        """Contents of a blob (sha, or ``rev:path``) through one long-lived ``cat-file --batch``."""
        if self._batch is None:
            self._batch = subprocess.Popen(
                ["git", "cat-file", "--batch"], cwd=self.root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            )
        assert self._batch.stdin is not None and self._batch.stdout is not None
        self._batch.stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
        self._batch.stdin.flush()
        header = self._batch.stdout.readline()
        if header.endswith(b"missing\n") or header.endswith(b"ambiguous\n"):
            return None
        size = int(header.split()[2])
        data = self._batch.stdout.read(size)
        self._batch.stdout.read(1)  # the newline after each object
        return data

    def close(self) -> None:
        if self._batch is not None:
            if self._batch.stdin:
                self._batch.stdin.close()
            self._batch.wait()
            self._batch = None

    def __enter__(self) -> Git:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
