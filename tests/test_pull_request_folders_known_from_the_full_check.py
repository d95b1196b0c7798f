"""After a full check, the first ``--head`` check finds the branch's unchanged folders of records/ without git listing them.

The full check works out each folder's git tree id from git's index, as git
hashes a tree; the ids here are compared with git's own, in SHA-1 and
SHA-256 repositories, for folders holding sub-folders, executable files,
links and a submodule, sorted where a sub-folder's ``/`` decides the order.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import TODAY, GitRepo, write

from qmskit import Repository
from qmskit.checks import check_repository
from qmskit.checks.sides import TreeFiles
from qmskit.git import Git
from qmskit.treelisting import index_listings

YEAR = TODAY.year
CMP2 = f"records/complaint/CMP-{YEAR}-0002.yaml"


def git(root: Path, *args: str, ok: bool = True) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, env=env)
    assert done.returncode == 0 or not ok, done.stderr
    return done.stdout


def folder_truth(root: Path, folder: str) -> tuple[str, list[str], list[str], list[tuple[str, str, str, str]]]:
    """git's own answer for ``folder`` at HEAD: its tree id, and its ``ls-tree -r`` split as the listing keeps it."""
    tree = git(root, "rev-parse", f"HEAD:{folder}").strip()
    names, ids, odd = [], [], []
    for line in git(root, "-c", "core.quotepath=off", "ls-tree", "-r", "-z", tree).split("\0"):
        if not line:
            continue
        meta, _, name = line.partition("\t")
        mode, kind, sha = meta.split()
        if mode in ("100644", "100755"):
            names.append(name)
            ids.append(sha)
        else:
            odd.append((mode, kind, sha, name))
    return tree, names, ids, odd


def listings(root: Path) -> dict[str, tuple[list[str], list[str], list[tuple[str, str, str, str]]]]:
    """What the full check works out from ``git ls-files -s``: tree id -> (names, ids, other entries)."""
    staged = subprocess.run(["git", "-C", str(root), "ls-files", "-s", "-z"], capture_output=True, check=True).stdout
    return {tree: (names.split("\0") if names else [], ids.split("\0") if ids else [], list(odd))
            for tree, (names, ids, odd) in index_listings(staged).items()}


def build(root: Path, object_format: str, module: bool = True) -> None:
    """A repository whose records/ holds every kind of entry, and names whose order a sub-folder's ``/`` decides."""
    root.mkdir()
    git(root, "init", "-q", f"--object-format={object_format}")
    files = {
        "records/a/x.yaml": "x\n",
        "records/a/sub-1.yaml": "before the folder sub/: '-' sorts before '/'\n",
        "records/a/sub/y.yaml": "y\n",
        "records/a/sub/deeper/z.yaml": "z\n",
        "records/a/sub0.yaml": "after the folder sub/: '0' sorts after '/'\n",
        "records/a/sub.yaml": "'.' sorts before '/'\n",
        "records/a/名字.yaml": "不是 ASCII\n",
        "records/a/run.sh": "#!/bin/sh\n",
        "records/b/only.yaml": "b\n",
        "records/c/b.yaml": "a folder of files only\n",
        "records/c/a-b.yaml": "a-b\n",
        "records/c/a.yaml": "a\n",
        "records/c/Z.yaml": "Z\n",
        "records/top.yaml": "directly in records/\n",
        "manual/m.md": "# m\n",
    }
    for path, text in files.items():
        write(root / path, text)
    os.chmod(root / "records/a/run.sh", 0o755)
    os.symlink("x.yaml", root / "records/a/link.yaml")
    git(root, "add", "-A")
    # a submodule entry (a gitlink), pointing at some commit id of the repository's own length
    git(root, "commit", "-q", "-m", "first")
    if not module:
        return
    head = git(root, "rev-parse", "HEAD").strip()
    git(root, "update-index", "--add", "--cacheinfo", f"160000,{head},records/b/module")
    git(root, "commit", "-q", "-m", "a submodule")


@pytest.mark.parametrize("object_format", ["sha1", "sha256"])
def test_the_tree_ids_worked_out_from_the_index_are_gits(tmp_path: Path, object_format: str) -> None:
    root = tmp_path / object_format
    build(root, object_format)
    found = listings(root)
    truths = [folder_truth(root, folder) for folder in ("records/a", "records/b", "records/c")]
    assert sorted(found) == sorted(t[0] for t in truths)
    assert len(truths[0][0]) == (64 if object_format == "sha256" else 40)
    for tree, names, ids, odd in truths:
        assert found[tree] == (names, ids, odd)
    a = found[truths[0][0]]
    assert a[0].index("sub-1.yaml") < a[0].index("sub/y.yaml") < a[0].index("sub0.yaml")  # the order that mattered
    assert ("120000", "blob") == a[2][0][:2] and found[truths[1][0]][2][0][:2] == ("160000", "commit")
    assert "run.sh" in a[0] and git(root, "ls-tree", "HEAD", "records/a/run.sh").startswith("100755")


def test_a_folder_with_a_conflict_has_no_tree_yet(tmp_path: Path) -> None:
    root = tmp_path / "conflict"
    build(root, "sha1", module=False)  # git's merge drops a gitlink to a submodule that is not there
    git(root, "checkout", "-q", "-b", "other")
    write(root / "records/a/x.yaml", "other\n")
    git(root, "commit", "-qam", "other")
    git(root, "checkout", "-q", "-")
    write(root / "records/a/x.yaml", "mine\n")
    git(root, "commit", "-qam", "mine")
    git(root, "merge", "-q", "other", ok=False)
    assert " 2\t" in git(root, "ls-files", "-s", "records/a/x.yaml")  # conflicted indeed
    found = listings(root)
    assert sorted(found) == sorted(folder_truth(root, f)[0] for f in ("records/b", "records/c"))


def test_edits_in_the_working_tree_do_not_matter_and_a_staged_one_gives_the_staged_tree(tmp_path: Path) -> None:
    root = tmp_path / "edited"
    build(root, "sha1")
    write(root / "records/b/only.yaml", "edited, not staged\n")
    (root / "records/a/x.yaml").unlink()
    folders = ("records/a", "records/b", "records/c")
    assert sorted(listings(root)) == sorted(folder_truth(root, f)[0] for f in folders)
    git(root, "add", "-A")
    staged = git(root, "write-tree").strip()  # git's tree of the index as it is now
    expected = {git(root, "rev-parse", f"{staged}:{f}").strip() for f in folders}
    assert set(listings(root)) == expected
    assert len(expected - {folder_truth(root, f)[0] for f in folders}) == 2  # a/ and b/ are other trees now


def _tree_listing_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The ``git ls-tree -r`` calls that list folders of records/ (the ones a known tree id spares)."""
    calls: list[tuple[str, ...]] = []
    real = Git.run

    def spy(self: Git, *args: str, **kwargs: object) -> bytes:
        if args[:1] == ("ls-tree",) and "-r" in args and any(a.startswith("records") for a in args):
            calls.append(args)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Git, "run", spy)
    return calls


def head_listing(root: Path, revision: str, folder: Path) -> tuple[list[str], dict[str, str]]:
    with Git(root) as g:
        tree = TreeFiles(g, g.rev(revision), folder)
        return sorted(tree.record_paths()), dict(tree.record_blobs)


def truth(root: Path, revision: str) -> tuple[list[str], dict[str, str]]:
    with Git(root) as g:
        entries = [e for e in g.tree_entries(revision, "records") if e.regular]
    return sorted(e.path for e in entries), {e.path: e.sha for e in entries}


def test_the_first_head_check_after_a_full_check_lists_only_the_folders_the_branch_changed(
        git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git_repo.git("checkout", "-q", "-b", "more")
    write(git_repo.root / f"records/complaint/CMP-{YEAR}-0077.yaml", (git_repo.root / CMP2).read_text(encoding="utf-8"))
    git_repo.commit("one more complaint")
    git_repo.git("checkout", "-q", "main")
    staged = sorted((git_repo.root / "records/nonconformity").glob("*.yaml"))[0]
    staged.write_text(staged.read_text(encoding="utf-8") + "# staged\n", encoding="utf-8")
    git_repo.git("add", str(staged))  # the index's nonconformity/ is no tree of either branch
    check_repository(Repository(git_repo.root), TODAY, jobs=1)
    calls = _tree_listing_calls(monkeypatch)
    found = head_listing(git_repo.root, "more", tmp_path / "a")
    assert found == truth(git_repo.root, "more")
    listed = [a for call in calls for a in call if a.startswith("records/")]
    assert sorted(listed) == ["records/complaint", "records/nonconformity"]  # every other folder known from the full check
    monkeypatch.setenv("QMS_CACHE", "0")
    assert head_listing(git_repo.root, "more", tmp_path / "b") == found


def test_a_full_check_asked_again_works_nothing_out_and_writes_nothing(
        git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    import qmskit.treelisting as treelisting

    check_repository(Repository(git_repo.root), TODAY, jobs=1)
    [kept] = (git_repo.root / ".git" / "qms-cache").glob("tree-listing-*.pickle")
    before = kept.stat()
    worked: list[int] = []
    real = treelisting.index_listings
    monkeypatch.setattr(treelisting, "index_listings", lambda *a: worked.append(1) or real(*a))
    check_repository(Repository(git_repo.root), TODAY, jobs=1)
    assert worked == [] and kept.stat().st_ino == before.st_ino  # the same index: not worked out, not written
    write(git_repo.root / f"records/complaint/CMP-{YEAR}-0077.yaml", (git_repo.root / CMP2).read_text(encoding="utf-8"))
    git_repo.git("add", "-A")
    check_repository(Repository(git_repo.root), TODAY, jobs=1)
    assert worked == [1]
    staged = git_repo.git("write-tree").strip()
    folders = git_repo.git("ls-tree", staged, "records/").splitlines()  # git's own ids of the index's folders
    trees = {line.split()[2] for line in folders if line.startswith("040000 tree ")}
    held = treelisting.FolderListings(git_repo.root, 40)
    assert trees and all(held.get(tree) is not None for tree in trees)  # the staged complaint folder among them
