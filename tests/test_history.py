"""qmskit.history: one git pass, renames followed, field-level trail, shallow clones refused."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import QMS, TODAY, GitRepo, run_qms, write

from qmskit.git import Git, GitError
from qmskit.history import MISSING, FieldChange, HistoryIndex, apply_changes, checked_commit, diff_fields

YEAR = TODAY.year
NCR2 = f"records/nonconformity/NCR-{YEAR}-0002.yaml"


def git_log_follow(root: Path, path: str) -> list[str]:
    out = subprocess.run(["git", "log", "--follow", "--format=%H", "--", path], cwd=root, capture_output=True, text=True)
    return out.stdout.split()


def build_history(g: GitRepo) -> None:
    g.edit(NCR2, "status: open", "status: analysis\nroot_cause: 打印前未核对版本。")
    g.commit("NCR 原因分析", "李娜", "2026-02-10T14:30:00+08:00")
    g.git("checkout", "-q", "-b", "fix")
    g.edit(NCR2, "status: analysis", "status: action\ncorrection: 收回旧版打印件。")
    g.commit("NCR 纠正", "赵强", "2026-03-01T09:15:00+08:00")
    g.git("checkout", "-q", "main")
    g.edit("manual/QP-03-complaints.md", "revision: A/0", "revision: A/1")
    g.commit("QP-03 改版", "王芳", "2026-03-02T11:00:00+08:00")
    g.git("merge", "-q", "--no-ff", "fix", "-m", "合并 fix",
          env={"GIT_AUTHOR_DATE": "2026-03-03T10:00:00+08:00", "GIT_COMMITTER_DATE": "2026-03-03T10:00:00+08:00"})
    g.git("mv", "manual/QP-03-complaints.md", "manual/QP-03-投诉处理.md")
    g.commit("文件改名(中文文件名)", "李娜", "2026-04-01T08:00:00+08:00")
    g.edit("manual/QP-03-投诉处理.md", "revision: A/1", "revision: B/0")
    g.commit("QP-03 B 版", "赵强", "2026-05-01T08:00:00+08:00")


def test_history_of_each_file_equals_git_log_follow(git_repo: GitRepo) -> None:
    build_history(git_repo)
    index = HistoryIndex.build(git_repo.root)
    for path in (NCR2, "manual/QP-03-投诉处理.md", f"records/complaint/CMP-{YEAR}-0001.yaml", "manual/QP-01-document-control.md"):
        assert index.commits_touching(path) == git_log_follow(git_repo.root, path), path
    assert len(index.commits_touching("manual/QP-03-投诉处理.md")) == 4  # created, A/1, renamed, B/0


def test_trail_names_fields_authors_and_dates(git_repo: GitRepo) -> None:
    build_history(git_repo)
    trail = HistoryIndex.build(git_repo.root).trail(NCR2)
    assert [e.version.commit.author for e in trail] == ["王芳", "李娜", "赵强"]
    assert [e.version.commit.authored[:10] for e in trail] == ["2026-01-05", "2026-02-10", "2026-03-01"]
    assert FieldChange(("status",), "open", "analysis") in trail[1].changes
    assert FieldChange(("root_cause",), MISSING, "打印前未核对版本。") in trail[1].changes
    assert FieldChange(("correction",), MISSING, "收回旧版打印件。") in trail[2].changes


def test_version_at_a_date(git_repo: GitRepo) -> None:
    import datetime as dt

    build_history(git_repo)
    index = HistoryIndex.build(git_repo.root)
    assert index.version_at(NCR2, dt.date(2026, 1, 31))["status"] == "open"
    assert index.version_at(NCR2, dt.date(2026, 2, 20))["status"] == "analysis"
    assert index.version_at(NCR2, dt.date(2026, 12, 31))["status"] == "action"
    assert index.version_at(NCR2, dt.date(2025, 12, 31)) is None


def test_changes_in_a_period(git_repo: GitRepo) -> None:
    import datetime as dt

    build_history(git_repo)
    index = HistoryIndex.build(git_repo.root)
    march = list(index.changes_between(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    assert {v.commit.subject for v in march} == {"NCR 纠正", "QP-03 改版"}


def test_changes_between_revisions_and_version_at_a_revision(git_repo: GitRepo) -> None:
    from qmskit.history import changes_in_range, version_at_revision

    start = git_repo.git("rev-parse", "HEAD").strip()
    build_history(git_repo)
    with Git(git_repo.root) as git:
        subjects = {v.commit.subject for v in changes_in_range(git, start, "HEAD")}
        assert subjects == {"NCR 原因分析", "NCR 纠正", "QP-03 改版", "文件改名(中文文件名)", "QP-03 B 版"}
        assert version_at_revision(git, start, NCR2)["status"] == "open"
        assert version_at_revision(git, "fix", NCR2)["status"] == "action"
        assert version_at_revision(git, start, "records/nonconformity/none.yaml") is None


def test_one_log_pass_and_one_cat_file_process(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    build_history(git_repo)
    calls = _counting_git_processes(monkeypatch)
    index = HistoryIndex.build(git_repo.root)
    for path in list(index.by_path):
        index.trail(path)
    logs = [c for c in calls if "log" in c]
    batches = [c for c in calls if "cat-file" in c]
    assert len(logs) == 1 and len(batches) == 1, calls
    assert len(index.by_path) > 10


def test_shallow_clone_is_refused(git_repo: GitRepo, tmp_path: Path) -> None:
    build_history(git_repo)
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{git_repo.root}", str(clone)], check=True)
    with pytest.raises(GitError, match="git fetch --unshallow"):
        HistoryIndex.build(clone)


def test_not_a_git_repository(repo: Path) -> None:
    with pytest.raises(GitError, match="git init"):
        HistoryIndex.build(repo)


def test_diff_and_replay() -> None:
    old = {"id": "X", "status": "open", "verification": {"by": "a"}, "actions": ["A"]}
    new = {"id": "X", "status": "closed", "verification": {"by": "b", "on": "2026-01-01"}, "closed": "2026-01-02"}
    changes = diff_fields(old, new)
    assert FieldChange(("verification", "by"), "a", "b") in changes
    assert FieldChange(("actions",), ["A"], MISSING) in changes
    assert apply_changes(old, changes) == new


def test_git_paths_with_chinese_names(tmp_path: Path) -> None:
    g = GitRepo(tmp_path)
    write(tmp_path / "records" / "培训" / "记录-1.yaml", "id: 记录-1\n")
    g.commit("中文路径")
    with Git(tmp_path) as git:
        assert "records/培训/记录-1.yaml" in git.ls_tree("HEAD", "records")
        assert git.blob("HEAD:records/培训/记录-1.yaml") == "id: 记录-1\n".encode()


def test_an_unreadable_version_reads_the_same_in_history_and_in_summaries(git_repo: GitRepo) -> None:
    from qmskit import yamlio
    from qmskit.trail import format_value

    path = git_repo.root / NCR2
    good = path.read_bytes()
    path.write_text("id: [unclosed\n", encoding="utf-8")
    git_repo.commit("损坏的文件", "李娜", "2026-02-10T14:30:00+08:00")
    path.write_bytes(good)
    git_repo.commit("恢复", "李娜", "2026-02-11T14:30:00+08:00")
    with Git(git_repo.root) as git:
        trail = HistoryIndex(git).trail(NCR2)
        blob = git.blob(f"HEAD~1:{NCR2}")
    broken = trail[1]
    # one reader: the trail, a change summary and any other reader of a blob give the same answer
    assert broken.data is yamlio.UNREADABLE and yamlio.try_load(blob) is yamlio.UNREADABLE
    assert yamlio.try_load(None) is None and broken.changes == [FieldChange((), trail[0].data, yamlio.UNREADABLE)]
    assert isinstance(trail[2].data, dict) and trail[2].changes[0].old is yamlio.UNREADABLE
    from qmskit import messages

    assert format_value(yamlio.UNREADABLE) == messages.text("trail.not_yaml")  # the catalogue's words, in either language


# -- one question, one path-limited pass -------------------------------------------------------------------------

def _counting_git_processes(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    real_popen = subprocess.Popen

    class CountingPopen(real_popen):  # type: ignore[misc,valid-type]
        """subprocess.run starts its process through Popen too, so every git process is counted once."""

        def __init__(self, args, *a, **k):  # type: ignore[no-untyped-def]
            calls.append(list(args))
            super().__init__(args, *a, **k)

    monkeypatch.setattr(subprocess, "Popen", CountingPopen)
    real_spawn = os.posix_spawnp

    def counting_spawn(path, argv, *a, **k):  # type: ignore[no-untyped-def]
        """qmskit.spawn starts git with posix_spawnp where it can, not through subprocess."""
        calls.append(list(argv))
        return real_spawn(path, argv, *a, **k)

    monkeypatch.setattr(os, "posix_spawnp", counting_spawn)
    return calls


def test_checked_commit_answers_root_shallow_and_head_in_one_git_call(git_repo: GitRepo,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    build_history(git_repo)
    head = git_repo.git("rev-parse", "HEAD").strip()
    expected = git_log_follow(git_repo.root, NCR2)
    calls = _counting_git_processes(monkeypatch)
    with Git(git_repo.root) as g:
        assert checked_commit(g) == head
        assert len(calls) == 1, calls
        index = HistoryIndex(g, paths=(NCR2,), resolved=head)
        assert index.commits_touching(NCR2) == expected
    assert len(calls) == 2 and "log" in calls[1], calls  # then the one path-limited log


def test_checked_commit_refuses_what_the_long_way_refuses(git_repo: GitRepo, tmp_path: Path) -> None:
    build_history(git_repo)
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{git_repo.root}", str(clone)], check=True)
    with pytest.raises(GitError, match="git fetch --unshallow"), Git(clone) as g:
        checked_commit(g)
    with pytest.raises(GitError, match="records/"), Git(git_repo.root / "records") as g:
        checked_commit(g)  # the QMS must be at the top of its git repository
    empty = tmp_path / "empty"
    empty.mkdir()
    GitRepo(empty)
    with Git(empty) as g:
        assert checked_commit(g) is None  # no commit yet: no history, and no error


def _graph_files(root: Path) -> list[str]:
    info = root / ".git/objects/info"
    return sorted(p.relative_to(info).as_posix() for p in info.rglob("*graph*")) if info.is_dir() else []


def test_show_keeps_a_commit_graph_with_changed_path_filters(git_repo: GitRepo) -> None:
    import os

    build_history(git_repo)
    root = git_repo.root
    rid = f"NCR-{YEAR}-0002"
    off = subprocess.run([QMS, "show", rid], cwd=root, capture_output=True, text=True,
                         env={**os.environ, "QMS_CACHE": "0"})
    assert off.returncode == 0 and "赵强" in off.stdout
    assert _graph_files(root) == [] and not (root / ".git/qms-cache").exists()  # QMS_CACHE=0: nothing written into .git
    first = run_qms("show", rid, cwd=root)
    assert first.stdout == off.stdout  # the same answer
    assert _graph_files(root) == ["commit-graph"]
    assert b"BIDX" in (root / ".git/objects/info/commit-graph").read_bytes()[:200]  # the changed-path (Bloom) filters
    subprocess.run(["git", "commit-graph", "verify"], cwd=root, check=True, capture_output=True)
    head = git_repo.git("rev-parse", "HEAD").strip()
    assert (root / ".git/qms-cache/commit-graph-head").read_text().strip() == head
    git_repo.edit(NCR2, "status: action", "status: verification")
    new_head = git_repo.commit("NCR 验证", "王芳", "2026-06-01T08:00:00+08:00")
    again = run_qms("show", rid, cwd=root)
    assert "NCR 验证" in again.stdout and again.stdout.count("| ") > first.stdout.count("| ")
    assert "commit-graphs/commit-graph-chain" in _graph_files(root)  # extended by a layer for the new commit only
    assert (root / ".git/qms-cache/commit-graph-head").read_text().strip() == new_head
    subprocess.run(["git", "commit-graph", "verify"], cwd=root, check=True, capture_output=True)
    assert git_log_follow(root, NCR2)[0] == new_head

