"""A pull-request check learns both commits and that the history is whole from one ``git rev-parse``.

When anything is wrong it asks again one question at a time, so the user
still reads which name is no commit, or that the clone is shallow.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import GitRepo, write

from qmskit.changeset import collect
from qmskit.git import Git, GitError
from qmskit.seal import check_seals


def _rev_parses(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    calls: list[tuple[str, ...]] = []
    real = Git.run

    def spy(self: Git, *args: str, **kwargs: object) -> bytes:
        if args[:1] == ("rev-parse",):
            calls.append(args)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Git, "run", spy)
    return calls


@pytest.fixture
def branch(git_repo: GitRepo) -> GitRepo:
    git_repo.git("checkout", "-q", "-b", "change")
    write(git_repo.root / "manual" / "notes.md", "# notes\n")
    git_repo.commit("notes")
    return git_repo


def test_one_rev_parse_gives_both_commits(branch: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _rev_parses(monkeypatch)
    git = Git(branch.root)
    expected = [branch.git("rev-parse", r).strip() for r in ("main", "change")]
    assert git.commit_ids("main", "change") == expected
    assert git.commit_ids("main", "HEAD") == expected and len(calls) == 2
    calls.clear()
    found = collect(git, "main", None)
    assert (found.base_tip, found.merge_base) == (expected[0], expected[0]) and len(calls) == 1
    calls.clear()
    assert collect(git, "main", "change").head_commit == expected[1] and len(calls) == 1


@pytest.mark.parametrize("name", ["no-such-branch", "HEAD^{tree}", "--all", "main:qms.yml"])
def test_a_name_that_is_no_commit_is_named_as_before(branch: GitRepo, name: str) -> None:
    git = Git(branch.root)
    assert git.commit_ids("main", name) is None
    with pytest.raises(GitError) as raised:
        collect(git, "main", name)
    assert name in str(raised.value)


def test_a_shallow_clone_and_a_folder_outside_git_get_no_answer(branch: GitRepo, tmp_path: Path) -> None:
    clone = tmp_path / "c"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{branch.root}", str(clone)],
                   check=True)
    assert Git(clone).commit_ids("origin/main", "HEAD") is None
    with pytest.raises(GitError):
        collect(Git(clone), "origin/main", None)
    plain = tmp_path / "plain"
    plain.mkdir()
    assert Git(plain).commit_ids("HEAD") is None
    assert check_seals(plain) == []  # outside git there are no seals to check, as before
