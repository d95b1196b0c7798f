"""`qms history DOC` reads the page's own git log when that says all manual/'s log says of it, and manual/'s otherwise.

manual/'s log follows renames but diffs every page that changed; the page's
own log costs about half of git's work. Their answers must be the same for
every page: edited on main and on branches, merged with and without a
resolution of its own, renamed, deleted and added again, added in a merge.
"""
from __future__ import annotations

import subprocess

from conftest import TODAY, GitRepo, run_qms, write

from qmskit.git import Git
from qmskit.history import HistoryIndex, Version, checked_commit, document_history

QM = "manual/QM-01-quality-manual.md"
QP1 = "manual/QP-01-document-control.md"
QP2 = "manual/QP-02-nonconformity.md"
QP3 = "manual/QP-03-complaints.md"
YEAR = TODAY.year
NCR1 = f"records/nonconformity/NCR-{YEAR}-0001.yaml"


def _bump(g: GitRepo, path: str, revision: str, line: str = "") -> None:
    """A new revision of the page (its front matter's ``revision``), and a line of text added."""
    text = (g.root / path).read_text(encoding="utf-8")
    old = next(x for x in text.splitlines() if x.startswith("revision:"))
    write(g.root / path, text.replace(old, f"revision: {revision}", 1) + (f"\n{line}\n" if line else ""))


def _history(g: GitRepo) -> None:
    """Every kind of change a page's history can hold, with merges (``--no-ff``) among them."""
    when = iter(f"2026-02-{day:02d}T10:00:00+08:00" for day in range(1, 29))
    _bump(g, QM, "A/1", "方针修订。")
    g.commit("QM A/1", when=next(when))
    g.git("checkout", "-q", "-b", "side")
    _bump(g, QM, "A/2", "侧枝修订。")
    _bump(g, QP3, "A/1")
    g.commit("side: QM A/2", when=next(when))
    g.git("checkout", "-q", "main")
    _bump(g, QP1, "A/1")
    g.commit("QP-01 A/1", when=next(when))
    g.git("merge", "-q", "--no-ff", "-m", "merge side", "side", env={"GIT_AUTHOR_DATE": next(when),
                                                                       "GIT_COMMITTER_DATE": next(when)})
    # a merge that changes the page itself: both sides edit it, the merge resolves
    g.git("checkout", "-q", "-b", "other")
    _bump(g, QP1, "B/0", "另一侧。")
    g.commit("other: QP-01 B/0", when=next(when))
    g.git("checkout", "-q", "main")
    _bump(g, QP1, "A/2", "主线。")
    g.commit("main: QP-01 A/2", when=next(when))
    conflict = subprocess.run(["git", "merge", "-q", "--no-ff", "-m", "merge other", "other"], cwd=g.root,
                              capture_output=True, text=True, check=False)
    assert conflict.returncode != 0 and "<<<<<<<" in (g.root / QP1).read_text(encoding="utf-8")
    g.git("checkout", "--theirs", QP1)  # resolved: the other side's text, as a revision of its own
    _bump(g, QP1, "B/1", "合并后。")
    g.commit("merge other (resolved)", when=next(when))
    # renamed, then edited
    g.git("mv", QP2, "manual/QP-02-nonconformity-control.md")
    g.commit("rename QP-02", when=next(when))
    _bump(g, "manual/QP-02-nonconformity-control.md", "A/1")
    g.commit("QP-02 A/1", when=next(when))
    # deleted, and added again
    text = (g.root / QP3).read_text(encoding="utf-8")
    (g.root / QP3).unlink()
    g.commit("withdraw QP-03", when=next(when))
    write(g.root / QP3, text.replace("revision: A/1", "revision: B/0"))
    g.commit("QP-03 again", when=next(when))
    # a page added on a branch, merged
    g.git("checkout", "-q", "-b", "new-page")
    qp9 = (g.root / QP3).read_text(encoding="utf-8").replace("id: QP-03", "id: QP-09")
    write(g.root / "manual/QP-09-new.md", qp9)
    g.commit("new-page: QP-09", when=next(when))
    g.git("checkout", "-q", "main")
    g.git("merge", "-q", "--no-ff", "-m", "merge new-page", "new-page", env={"GIT_AUTHOR_DATE": next(when),
                                                                              "GIT_COMMITTER_DATE": next(when)})


def _versions(versions: list[Version]) -> list[tuple[str, tuple[object, ...]]]:
    return [(v.commit.sha, tuple(v.change)) for v in versions]


def test_every_page_has_the_same_history_by_either_log(git_repo: GitRepo) -> None:
    _history(git_repo)
    git = Git(git_repo.root)
    resolved = checked_commit(git)
    whole = HistoryIndex(git, paths=("manual",), resolved=resolved)
    pages = sorted(p.relative_to(git_repo.root).as_posix() for p in (git_repo.root / "manual").glob("*.md"))
    own = {}
    for page in pages:
        index = document_history(git, page, resolved)
        assert _versions(index.versions(page)) == _versions(whole.versions(page)), page
        own[page] = set(index.by_path) == {page}  # its own log (manual/'s lists other pages too)
    assert own[QM] and own[QP1] and own["manual/QP-09-new.md"]  # edited on branches, a resolved merge, added in one
    assert not own["manual/QP-02-nonconformity-control.md"]  # renamed: manual/'s log follows it to QP-02
    assert not own[QP3]  # deleted and added again
    assert len(whole.versions("manual/QP-02-nonconformity-control.md")) > len(
        document_history(git, "manual/QP-02-nonconformity-control.md", resolved).by_path.get(
            "manual/QP-02-nonconformity-control.md", []))


def test_qms_history_shows_the_revisions_before_a_rename_and_of_a_resolved_merge(git_repo: GitRepo) -> None:
    _history(git_repo)
    renamed = run_qms("history", "QP-02", cwd=git_repo.root)
    assert renamed.returncode == 0, renamed.stderr
    assert "| A/0 |" in renamed.stdout and "| A/1 |" in renamed.stdout  # the revision from before the rename too
    merged = run_qms("history", "QP-01", cwd=git_repo.root)
    assert merged.returncode == 0, merged.stderr
    rows = [line for line in merged.stdout.splitlines() if line.startswith("| ") and "/" in line.split("|")[1]][1:]
    assert [r.split("|")[1].strip() for r in rows] == ["A/0", "A/1", "B/0", "A/2", "B/1"], merged.stdout


def test_a_page_whose_name_is_a_pathspec_pattern_is_read_by_its_own_name(git_repo: GitRepo) -> None:
    odd = "manual/QP-07-[draft].md"
    text = (git_repo.root / QP3).read_text(encoding="utf-8").replace("id: QP-03", "id: QP-07")
    write(git_repo.root / odd, text)
    write(git_repo.root / "manual/QP-07-d.md", text.replace("id: QP-07", "id: QP-08"))  # what [draft] would match
    git_repo.commit("QP-07, QP-08")
    _bump(git_repo, "manual/QP-07-d.md", "A/1")
    git_repo.commit("QP-08 A/1")
    git = Git(git_repo.root)
    index = document_history(git, odd, checked_commit(git))
    assert [v.change.status for v in index.versions(odd)] == ["A"]
    assert set(index.by_path) == {odd}


def test_the_users_git_settings_do_not_change_a_pages_or_a_records_history(git_repo: GitRepo) -> None:
    """``log.follow`` would follow a copied page (or record) into its source's history and drop its own later
    changes; ``log.showRoot=false`` would hide the first commit's additions. The engine sets both for itself."""
    g = git_repo
    g.git("config", "log.follow", "true")
    g.git("config", "log.showRoot", "false")
    qp5 = "manual/QP-05-new.md"
    g.git("checkout", "-q", "-b", "side")
    text = (g.root / QP3).read_text(encoding="utf-8").replace("id: QP-03", "id: QP-05")
    write(g.root / qp5, text + "\n草稿。\n")
    g.commit("side: QP-05 drafted", when="2026-03-01T10:00:00+08:00")
    g.git("checkout", "-q", "main")
    copied = (g.root / QP1).read_text(encoding="utf-8").replace("id: QP-01", "id: QP-05")
    write(g.root / qp5, copied)
    g.commit("main: QP-05 copied from QP-01", when="2026-03-05T10:00:00+08:00")
    subprocess.run(["git", "merge", "-q", "--no-ff", "side"], cwd=g.root, capture_output=True, check=False)
    write(g.root / qp5, copied.replace("revision: A/0", "revision: A/1") + "\n合并。\n")
    g.commit("merge side (resolved)", when="2026-03-06T10:00:00+08:00")
    # a record made by copying another one, then edited
    ncr = f"records/nonconformity/NCR-{YEAR}-0003.yaml"
    write(g.root / ncr, (g.root / NCR1).read_text(encoding="utf-8").replace(f"NCR-{YEAR}-0001", f"NCR-{YEAR}-0003"))
    g.commit("NCR-3 from a copy", when="2026-03-07T10:00:00+08:00")
    g.edit(ncr, "grade: minor", "grade: major")
    g.commit("NCR-3 regraded", when="2026-03-08T10:00:00+08:00")

    git = Git(g.root)
    resolved = checked_commit(git)
    whole = HistoryIndex(git, paths=("manual",), resolved=resolved)
    for page in (qp5, QP1, QM):
        assert _versions(document_history(git, page, resolved).versions(page)) == _versions(whole.versions(page))
    assert [v.commit.subject for v in whole.versions(qp5)][-1] == "side: QP-05 drafted"
    assert whole.versions(QM)[-1].change.status == "A"  # the root commit's addition, shown
    record = HistoryIndex(git, paths=(ncr,), resolved=resolved).versions(ncr)
    assert [v.commit.subject for v in record] == ["NCR-3 regraded", "NCR-3 from a copy"]
    shown = run_qms("show", f"NCR-{YEAR}-0003", cwd=g.root)
    assert shown.returncode == 0 and "建立质量管理体系" not in shown.stdout, shown.stdout  # not the copied record's past
