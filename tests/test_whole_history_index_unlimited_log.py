"""The whole-history index reads one unlimited ``git log`` and keeps manual/ and records/: the same answer as limited.

Random histories (seeded) with branches and merges (some a fast-forward
made a merge, some with both sides changed, some resolving a conflict by
hand), renames inside the folders, into and out of them, files added and
deleted on both sides of the boundary in one commit (where rename detection
could pair differently), and commits outside the folders only: every
commit and change ``Git.folders_log`` lists is what the path-limited log
lists, and the index built from it answers every file as before.
"""
from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest

from qmskit.git import Git
from qmskit.history import TRACKED, HistoryIndex

TEXT = "".join(f"line {n}: 不符合项的原因与纠正措施。\n" for n in range(12))  # long enough for -M to pair edits


class _Repo:
    def __init__(self, root: Path, seed: int) -> None:
        self.root, self.rng, self.n = root, random.Random(seed), 0
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        env = {**os.environ, "GIT_AUTHOR_NAME": "张三", "GIT_AUTHOR_EMAIL": "a@example.com",
               "GIT_COMMITTER_NAME": "张三", "GIT_COMMITTER_EMAIL": "a@example.com",
               "GIT_AUTHOR_DATE": f"2026-01-01T00:00:{self.n % 60:02d}+08:00",
               "GIT_COMMITTER_DATE": f"2026-01-{1 + self.n // 60:02d}T00:{self.n % 60:02d}:00+08:00"}
        return subprocess.run(["git", *args], cwd=self.root, env=env, check=True, capture_output=True, text=True).stdout

    def files(self) -> list[str]:
        return self.git("ls-files").splitlines()

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def commit(self) -> None:
        self.n += 1
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", f"change {self.n}")

    def step(self) -> None:
        """One random change: edits, adds, deletes and renames across the folders' boundary."""
        rng, files = self.rng, self.files()
        places = ["records/nonconformity", "records/complaint", "manual", "schemas", "docs"]
        for _ in range(rng.randint(1, 3)):
            what = rng.random()
            if what < 0.35 or not files:
                self.write(f"{rng.choice(places)}/f{rng.randrange(40)}.md", TEXT + f"new {self.n} {rng.random()}\n")
            elif what < 0.6:
                victim = rng.choice(files)
                self.write(victim, (self.root / victim).read_text(encoding="utf-8") + f"edit {self.n}\n")
            elif what < 0.75:
                self.git("rm", "-q", "-f", rng.choice(files))
            else:
                source = rng.choice(files)
                target = f"{rng.choice(places)}/r{rng.randrange(40)}.md"
                if target not in files:
                    (self.root / target).parent.mkdir(parents=True, exist_ok=True)
                    self.git("mv", source, target)
                    if rng.random() < 0.5:  # renamed and edited a little: found by similarity, not identity
                        self.write(target, (self.root / target).read_text(encoding="utf-8") + "moved\n")
            files = self.files()
        self.commit()


def _history(root: Path, seed: int, steps: int = 40) -> None:
    repo = _Repo(root, seed)
    repo.write("records/nonconformity/f0.md", TEXT)
    repo.write("schemas/f0.md", TEXT)
    repo.commit()
    rng = repo.rng
    for _ in range(steps):
        if rng.random() < 0.2:
            branch = f"b{repo.n}"
            repo.git("checkout", "-q", "-b", branch)
            for _ in range(rng.randint(1, 3)):
                repo.step()
            repo.git("checkout", "-q", "main")
            if rng.random() < 0.5:
                repo.step()  # main moves on too: a real merge; else a fast-forward made a merge (--no-ff)
            repo.n += 1
            merged = subprocess.run(["git", "merge", "-q", "--no-ff", "--no-edit", branch], cwd=root,
                                    capture_output=True, env={**os.environ, "GIT_AUTHOR_NAME": "李娜",
                                                              "GIT_AUTHOR_EMAIL": "b@example.com",
                                                              "GIT_COMMITTER_NAME": "李娜",
                                                              "GIT_COMMITTER_EMAIL": "b@example.com"})
            if merged.returncode:  # a conflict: resolved by taking every file as the working tree has it
                for path in repo.git("diff", "--name-only", "--diff-filter=U").splitlines():
                    if (root / path).exists():
                        repo.write(path, TEXT + f"resolved {repo.n}\n")
                repo.commit()
        else:
            repo.step()


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_unlimited_log_kept_to_the_folders_is_the_limited_log(tmp_path: Path, seed: int) -> None:
    _history(tmp_path, seed)
    with Git(tmp_path) as g:
        limited = list(g.log(*TRACKED))
        assert g.folders_log(*TRACKED) == limited
        merges = [c for c, _ in limited if len(c.parents) > 1]
        assert merges, "the history has merges"
        assert any(ch.status == "R" for _, changes in limited for ch in changes), "and renames"


def test_the_index_answers_every_file_as_the_limited_log_does(tmp_path: Path) -> None:
    _history(tmp_path, 5, steps=60)
    with Git(tmp_path) as g:
        index = HistoryIndex(g)  # the whole-history index: folders_log
        reference = HistoryIndex(g, paths=("manual/", "records/"))  # written otherwise: the limited log
        assert index.commits == reference.commits
        assert index.by_path.keys() == reference.by_path.keys() and index.by_path
        for path in index.by_path:
            assert index.versions(path) == reference.versions(path)


def test_a_rename_across_the_boundary_beside_an_addition_inside_is_asked_again_limited(tmp_path: Path) -> None:
    # unlimited, git pairs records/a.md with its copy moved outside; limited, the deletion inside stands alone
    repo = _Repo(tmp_path, 0)
    repo.write("records/x/a.md", TEXT)
    repo.commit()
    (tmp_path / "docs").mkdir()
    repo.git("mv", "records/x/a.md", "docs/a.md")
    repo.write("records/x/b.md", "something else entirely\n")
    repo.commit()
    with Git(tmp_path) as g:
        unlimited = g.run("log", "-1", "--raw", "-M", "--format=")
        assert b"R100" in unlimited  # the case this test is about
        limited = list(g.log(*TRACKED))
        assert g.folders_log(*TRACKED) == limited
        statuses = sorted((ch.status, ch.path) for ch in limited[0][1])
        assert statuses == [("A", "records/x/b.md"), ("D", "records/x/a.md")]


def test_commits_outside_the_folders_are_left_out(tmp_path: Path) -> None:
    repo = _Repo(tmp_path, 0)
    repo.write("records/x/a.md", TEXT)
    repo.commit()
    repo.write("schemas/form.py", "x = 1\n")
    repo.commit()
    with Git(tmp_path) as g:
        listed = g.folders_log(*TRACKED)
        assert [c.subject for c, _ in listed] == ["change 1"]
        assert listed == list(g.log(*TRACKED))
