"""A pull-request check takes what the last check learnt of unchanged records from .git/qms-cache, never of a changed one.

The closure rules of a changed nonconformity read the complaints that may
name it and every nonconformity of the same requirement. Their facts are
remembered under each file's git blob id (``recordindex.FactMemory``), so
after a full check a pull-request check parses only the records the change
touches, and says exactly what it says without the cache.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import GitRepo
from test_cross_records import AS_OF, closed_ncr, complaint, ncr, of_rule, verified_action
from test_cross_records import qms  # noqa: F401  # the fixture: the forms and records of the rules across records

from qmskit import Repository, check_repository
from qmskit.checks import check_pull_request
from qmskit.issues import Issue, Severity
from qmskit.recordindex import RecordIndex

D = dt.date
NCR1 = "records/nonconformity/NCR-2026-0001.yaml"
NCR2 = "records/nonconformity/NCR-2026-0002.yaml"
OPEN_COMPLAINT = "CMP-2026-0030"


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Ids of the records a lazy index parsed from their files (not taken from what was remembered)."""
    seen: list[str] = []
    real = RecordIndex._read

    def spy(self: RecordIndex, rid: str):  # type: ignore[no-untyped-def]
        seen.append(rid)
        return real(self, rid)

    monkeypatch.setattr(RecordIndex, "_read", spy)
    return seen


@pytest.fixture
def history(qms: Path) -> GitRepo:
    """On main: NCR-2026-0001 awaiting verification and named by an open complaint, 29 complaints naming
    no NCR, NCR-2026-0003 closed as effective for QP-05; a full check has run (and remembered their facts).
    The branch ``close`` closes NCR-2026-0001 and raises NCR-2026-0002 for QP-05 30 days later (uncommitted)."""
    g = GitRepo(qms)
    ncr(qms, status="verification", root_cause="表格缺少必填提示。", correction="补齐记录。", actions=["CA-2026-0001"])
    verified_action(qms)
    for n in range(2, 30):
        complaint(qms, f"CMP-2026-{n:04d}", nonconformity=None)
    complaint(qms, OPEN_COMPLAINT, status="replied", closed=None, feedback=None)
    closed_ncr(qms, "NCR-2026-0003", on=D(2026, 4, 1), requirement="QP-05")
    g.commit("记录", "王芳", "2026-04-20T09:00:00+08:00")
    check_repository(Repository(qms), AS_OF, jobs=1)
    g.git("checkout", "-q", "-b", "close")
    closed_ncr(qms)
    ncr(qms, "NCR-2026-0002", raised=D(2026, 5, 1), requirement="QP-05")
    return g


def closures(issues: list[Issue]) -> dict[str, Issue]:
    return {i.path: i for i in of_rule(issues, "closure-contradiction")}


def judge(g: GitRepo, head: str | None) -> list[Issue]:
    return check_pull_request(Repository(g.root), "main", AS_OF, head=head, jobs=1).issues


@pytest.mark.parametrize("committed", [False, True], ids=["working-tree", "head"])
def test_after_a_full_check_only_the_changed_records_are_parsed_and_the_verdict_is_the_same(
        history: GitRepo, parsed: list[str], committed: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    head = None
    if committed:
        history.commit("关闭", "王芳", "2026-05-02T09:00:00+08:00")
        history.git("checkout", "-q", "main")
        head = "close"
    remembered = judge(history, head)
    found = closures(remembered)
    assert set(found) == {NCR1, NCR2} and all(i.severity is Severity.ERROR for i in found.values())
    assert f"{OPEN_COMPLAINT} (records/complaint/{OPEN_COMPLAINT}.yaml)" in found[NCR1].message
    assert "NCR-2026-0003" in found[NCR2].message
    assert set(parsed) <= {"NCR-2026-0001", "NCR-2026-0002"}  # every unchanged record was remembered
    parsed.clear()
    monkeypatch.setenv("QMS_CACHE", "0")
    assert judge(history, head) == remembered
    assert OPEN_COMPLAINT in parsed and "NCR-2026-0003" in parsed  # without the cache they are read


@pytest.mark.parametrize("committed", [False, True], ids=["working-tree", "head"])
def test_a_record_the_change_edits_is_read_again_not_taken_from_what_was_remembered(
        history: GitRepo, parsed: list[str], committed: bool) -> None:
    complaint(history.root, OPEN_COMPLAINT)  # the change closes the complaint too: remembered open, now closed
    head = None
    if committed:
        history.commit("关闭", "王芳", "2026-05-02T09:00:00+08:00")
        history.git("checkout", "-q", "main")
        head = "close"
    found = closures(judge(history, head))
    assert NCR1 not in found  # the complaint's fact from main (still open) would contradict the closure
    assert OPEN_COMPLAINT in parsed
    assert set(found) == {NCR2}


def test_a_full_check_remembers_only_what_git_holds(history: GitRepo, parsed: list[str]) -> None:
    # the complaint closed in the working tree and checked there: its new fact has no blob id to be kept under,
    # and its committed one is forgotten (the full check keeps what the tree holds now)
    history.git("stash", "-u", "-q")
    complaint(history.root, OPEN_COMPLAINT)
    check_repository(Repository(history.root), AS_OF, jobs=1)
    history.git("checkout", "-q", "--", ".")
    history.git("stash", "pop", "-q")
    found = closures(judge(history, None))
    assert f"{OPEN_COMPLAINT} (records/complaint/{OPEN_COMPLAINT}.yaml)" in found[NCR1].message
    assert OPEN_COMPLAINT in parsed  # neither the closed working-tree fact nor the committed one was remembered
