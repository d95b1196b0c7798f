"""A pull-request check of the working tree looks at the tree once, and finds the same changes as looking each time."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import TODAY, GitRepo, in_english, write

from qmskit import Repository
from qmskit.changeset import collect
from qmskit.checks import check_pull_request
from qmskit.checks.sides import HeadFiles, JudgedRepository, load_base_rules
from qmskit.git import Git

YEAR = TODAY.year
NCR1 = f"records/nonconformity/NCR-{YEAR}-0001.yaml"
NCR2 = f"records/nonconformity/NCR-{YEAR}-0002.yaml"
CA1 = f"records/corrective_action/CA-{YEAR}-0001.yaml"
CMP2 = f"records/complaint/CMP-{YEAR}-0002.yaml"


@pytest.fixture
def changed(git_repo: GitRepo) -> GitRepo:
    """A branch with a commit, then every kind of uncommitted change: staged rename with an edit, unstaged edit,
    deletion, a staged new file edited again, an untracked record and untracked bytecode beside the forms."""
    in_english(git_repo.root)
    git_repo.commit("English")
    git_repo.git("checkout", "-q", "-b", "change")
    git_repo.edit(CMP2, "status: received", f"status: replied\nreplied: {TODAY}")
    git_repo.commit("回复投诉")
    root = git_repo.root
    git_repo.git("mv", NCR2, f"records/nonconformity/NCR-{YEAR}-0009.yaml")
    git_repo.edit(f"records/nonconformity/NCR-{YEAR}-0009.yaml", f"NCR-{YEAR}-0002", f"NCR-{YEAR}-0009")
    git_repo.edit(CA1, "status: ", "status: ")  # touched, not changed
    (root / NCR1).unlink()
    write(root / "manual" / "notes.md", "# notes\n")
    git_repo.git("add", "manual/notes.md")
    write(root / "manual" / "notes.md", "# notes, edited\n")
    write(root / f"records/complaint/CMP-{YEAR}-0077.yaml", (root / CMP2).read_text(encoding="utf-8"))
    write(root / "schemas" / "__pycache__" / "x.cpython-311.pyc", "bytecode")
    return git_repo


def test_the_changes_are_the_same_when_the_tree_is_listed_once(changed: GitRepo) -> None:
    plain, held = Git(changed.root), Git(changed.root)
    held.hold_worktree()
    # first: a porcelain `git diff` refreshes git's index, after which the touched file is no longer listed as differing
    assert held.working_entries("records") == plain.working_entries("records")
    base = plain.rev("main")
    assert collect(held, "main", None).changes == collect(plain, "main", None).changes
    assert held.diff("HEAD", None, "records") == plain.diff("HEAD", None, "records")
    assert held.diff(base, None) == plain.diff(base, None)
    assert sorted(held.untracked("records")) == sorted(plain.untracked("records")) != []
    statuses = {c.status for c in plain.diff(base, None)}
    assert {"A", "D", "M", "R"} <= statuses  # the fixture holds every kind of change


def test_nothing_changed_against_the_base_runs_no_diff(git_repo: GitRepo) -> None:
    held = Git(git_repo.root)
    held.hold_worktree()
    assert held.diff("HEAD", None, "records") == [] == Git(git_repo.root).diff("HEAD", None, "records")


def test_the_check_of_the_working_tree_lists_it_once(changed: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    commands: list[tuple[str, ...]] = []
    real = Git.run

    def spy(self: Git, *args: str, **kwargs: object) -> bytes:
        commands.append(args)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Git, "run", spy)
    issues = check_pull_request(Repository(changed.root), "main", TODAY, jobs=1).issues
    assert {"change-record-deleted", "change-record-renamed"} <= {i.rule for i in issues}
    named = [c for c in commands if any(a.startswith(":(literal)") for a in c)]
    whole = [c for c in commands if c not in named and (
        c[0] in ("diff-files", "status") or (c[0] == "ls-files" and "--others" in c))]
    assert [c[0] for c in whole] == ["diff-files", "ls-files"]
    # the files diff-files named are looked at again (stat data refreshed), by name, not the whole tree again
    assert [c[:2] for c in commands if c[:2] == ("add", "--refresh")] == [("add", "--refresh")]
    assert [c[0] for c in named if c[0] == "diff-files"] == ["diff-files"]
    # a diff against the working tree names the paths that can differ, never a whole folder
    against_tree = [c for c in commands if c[0] == "diff" and len([a for a in c if len(a) == 40]) == 1]
    assert against_tree and all(a.startswith(":(literal)") for c in against_tree for a in c[c.index("--") + 1:])


def test_a_working_tree_check_says_what_it_says_without_the_listing_held(
        changed: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    held = check_pull_request(Repository(changed.root), "main", TODAY, jobs=1).issues
    monkeypatch.setattr(Git, "hold_worktree", lambda _self: None)
    assert check_pull_request(Repository(changed.root), "main", TODAY, jobs=1).issues == held


def _records(root: Path, git: Git, checked_out: str | None, tmp: Path) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """The judged working tree's records/: paths, what is wrong with odd entries, and the blob id of clean files."""
    judged = JudgedRepository(root, load_base_rules(git, git.rev("main"), tmp))
    files = HeadFiles(root, git)
    files.checked_out = checked_out
    judged.record_source = files
    listing = judged.record_listing()
    return listing.paths, listing.entries, judged.record_blobs()


def test_the_records_listed_from_the_checked_out_tree_are_the_ones_git_ls_files_gives(
        git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = git_repo.root
    git_repo.git("checkout", "-q", "-b", "change")
    os.symlink("../../qms.yml", root / "records/complaint/linked.yaml")
    write(root / "records/README.md", "# records\n")
    write(root / "records/nonconformity/sub/deeper.yaml", "a: 1\n")
    git_repo.commit("a link, a file in records/ itself, a sub-folder")
    git_repo.git("rm", "-q", NCR1)  # deleted and staged
    git_repo.git("rm", "-q", "--cached", CA1)  # out of the index, still on disk: untracked
    write(root / f"records/complaint/CMP-{YEAR}-0078.yaml", "a: 1\n")
    git_repo.git("add", f"records/complaint/CMP-{YEAR}-0078.yaml")  # added and staged
    git_repo.edit(CMP2, "status: ", "status:  ")  # edited, not staged
    (root / NCR2).unlink()  # deleted, not staged
    git_repo.git("add", "records/README.md")
    write(root / "records/README.md", "# records, edited after staging\n")
    os.symlink("../../qms.yml", root / "records/complaint/untracked-link.yaml")
    write(root / f"records/complaint/CMP-{YEAR}-0079.yaml", "a: 1\n")  # untracked
    held = Git(root)
    held.hold_worktree()
    commit = held.rev("HEAD")
    calls: list[tuple[str, ...]] = []
    real = Git.run

    def spy(self: Git, *args: str, **kwargs: object) -> bytes:
        calls.append(args)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Git, "run", spy)
    from_tree = _records(root, held, commit, tmp_path / "a")
    assert not [c for c in calls if c[:2] == ("ls-files", "-s")]  # not asked of git's index
    from_index = _records(root, held, None, tmp_path / "b")
    assert [c for c in calls if c[:2] == ("ls-files", "-s")]
    assert from_tree[:2] == from_index[:2]  # the same entries, and the same odd ones among them
    # the same blob ids, but for a file staged differently from HEAD, which is read afresh (no cache asked)
    assert from_tree[2].items() <= from_index[2].items()
    assert set(from_index[2]) - set(from_tree[2]) == {f"records/complaint/CMP-{YEAR}-0078.yaml"}
    paths, entries, blobs = from_tree
    assert NCR1 not in paths and NCR2 not in paths and CA1 in paths and CA1 not in blobs
    assert f"records/complaint/CMP-{YEAR}-0079.yaml" in paths and "records/nonconformity/sub/deeper.yaml" in blobs
    assert sorted(entries) == ["records/complaint/linked.yaml", "records/complaint/untracked-link.yaml"]
    assert CMP2 not in blobs and "records/README.md" not in blobs and "records/complaint/linked.yaml" not in blobs
    assert blobs and all(held.blob(f"HEAD:{p}") == held.blob(b) is not None for p, b in blobs.items())
