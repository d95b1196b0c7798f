"""A pull-request check of a revision lists each folder of records/ from git once, then knows it by its tree id."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import TODAY, GitRepo, write

from qmskit.checks.sides import TreeFiles
from qmskit.git import Git

YEAR = TODAY.year
CMP2 = f"records/complaint/CMP-{YEAR}-0002.yaml"


def listing(root: Path, revision: str, tmp: Path) -> tuple[list[str], dict[str, str], list[str]]:
    with Git(root) as git:
        tree = TreeFiles(git, git.rev(revision), tmp)
        return sorted(tree.record_paths()), dict(tree.record_blobs), sorted(tree.problems() and
                                                                           [i.path for i in tree.problems()])


def truth(root: Path, revision: str) -> tuple[list[str], dict[str, str]]:
    """What git itself lists: every regular file under records/ with its blob id."""
    with Git(root) as git:
        entries = [e for e in git.tree_entries(revision, "records") if e.regular]
    return sorted(e.path for e in entries), {e.path: e.sha for e in entries}


@pytest.fixture
def two(git_repo: GitRepo) -> GitRepo:
    """main, and a branch ``more`` whose complaint folder has one record more and a link among its records."""
    git_repo.git("checkout", "-q", "-b", "more")
    write(git_repo.root / f"records/complaint/CMP-{YEAR}-0077.yaml", (git_repo.root / CMP2).read_text(encoding="utf-8"))
    os.symlink("../../qms.yml", git_repo.root / "records/complaint/linked.yaml")
    git_repo.commit("one more complaint, and a link")
    git_repo.git("checkout", "-q", "main")
    return git_repo


def _folder_listings(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The ``git ls-tree`` calls that list a folder of records/ (the ones a known tree id spares)."""
    calls: list[tuple[str, ...]] = []
    real = Git.run

    def spy(self: Git, *args: str, **kwargs: object) -> bytes:
        if args[:1] == ("ls-tree",) and any(a.startswith("records/") and a != "records/" for a in args) or (
                args[:1] == ("ls-tree",) and "-r" in args and "records" in args):
            calls.append(args)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Git, "run", spy)
    return calls


def test_a_folder_met_before_is_taken_as_it_was_and_a_changed_one_is_listed_again(
        two: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _folder_listings(monkeypatch)
    first = listing(two.root, "main", tmp_path / "a")
    assert calls  # the folders were listed by git
    assert list((two.root / ".git" / "qms-cache").glob("tree-listing-*.pickle"))
    assert first[:2] == truth(two.root, "main")
    calls.clear()
    again = listing(two.root, "main", tmp_path / "b")  # every folder known now
    assert again == first and calls == []  # and none listed by git again
    more = listing(two.root, "more", tmp_path / "c")  # the complaint folder has another tree id: listed afresh
    assert more[:2] == truth(two.root, "more")
    assert f"records/complaint/CMP-{YEAR}-0077.yaml" in more[0] and more[2] == ["records/complaint/linked.yaml"]
    assert listing(two.root, "main", tmp_path / "d") == first  # and back


def test_without_the_cache_the_listing_is_the_same(two: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cached = [listing(two.root, rev, tmp_path / rev) for rev in ("main", "more", "main", "more")]
    monkeypatch.setenv("QMS_CACHE", "0")
    assert [listing(two.root, rev, tmp_path / f"{rev}-0") for rev in ("main", "more")] == cached[2:]
