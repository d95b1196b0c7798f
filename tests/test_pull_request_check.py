"""qms check --base: each pull-request rule catches its case and lets the legal case pass."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import QMS, TODAY, GitRepo, in_english, run_qms, spy_on_records, write

import qmskit.checks as checks
from qmskit import Repository
from qmskit.checks import check_pull_request
from qmskit.issues import Issue

YEAR = TODAY.year
NCR1 = f"records/nonconformity/NCR-{YEAR}-0001.yaml"
NCR2 = f"records/nonconformity/NCR-{YEAR}-0002.yaml"
CA1 = f"records/corrective_action/CA-{YEAR}-0001.yaml"
CMP2 = f"records/complaint/CMP-{YEAR}-0002.yaml"



@pytest.fixture(autouse=True)
def _english(request: pytest.FixtureRequest) -> None:
    """These tests read the English wording of the pull-request check's messages (qms.yml: lang: en)."""
    if "repo" in request.fixturenames:  # the qms init fixture, before a test commits it
        in_english(request.getfixturevalue("repo"))


def pr_check(g: GitRepo, base: str = "main", head: str | None = None) -> list[Issue]:
    return check_pull_request(Repository(g.root), base, TODAY, head=head, jobs=1).issues


def rules(issues: list[Issue]) -> list[str]:
    return sorted(i.rule for i in issues)


@pytest.fixture
def branch(git_repo: GitRepo) -> GitRepo:
    git_repo.git("checkout", "-q", "-b", "change")
    return git_repo


def test_unchanged_branch_is_clean(branch: GitRepo) -> None:
    assert pr_check(branch) == []


def test_forward_transition_passes_and_backward_fails(branch: GitRepo) -> None:
    branch.edit(NCR2, "status: open", "status: analysis\nroot_cause: 未核对版本。")
    assert pr_check(branch) == []
    branch.commit("分析", "李娜", "2026-02-01T10:00:00+08:00")
    branch.git("checkout", "-q", "-b", "back")
    branch.edit(NCR2, "status: analysis", "status: open")
    issues = pr_check(branch, base="change")
    assert rules(issues) == ["change-status-transition"]
    assert issues[0].path == NCR2 and "analysis → open" in issues[0].message and issues[0].line == 3


def test_skipping_statuses_is_refused(branch: GitRepo) -> None:
    branch.edit(NCR2, "status: open", "status: action\nroot_cause: x\ncorrection: y")
    assert rules(pr_check(branch)) == ["change-status-transition"]


def test_closed_record_is_frozen_unless_amended(branch: GitRepo) -> None:
    branch.edit(NCR1, "grade: minor", "grade: major")
    issues = pr_check(branch)
    assert rules(issues) == ["change-closed-record"] and issues[0].path == NCR1
    write(branch.root / f"records/amendment/AMD-{YEAR}-001.yaml",
          f"id: AMD-{YEAR}-001\namends: NCR-{YEAR}-0001\nreason: 定级有误\nchange: grade minor → major\n"
          f"approved_by: 管理者代表\napproved: {TODAY}\n")
    assert pr_check(branch) == []


def test_amendment_must_name_the_record(branch: GitRepo) -> None:
    branch.edit(NCR1, "grade: minor", "grade: major")
    write(branch.root / f"records/amendment/AMD-{YEAR}-001.yaml",
          f"id: AMD-{YEAR}-001\namends: CA-{YEAR}-0001\nreason: x\nchange: y\napproved_by: 管理者代表\napproved: {TODAY}\n")
    assert rules(pr_check(branch)) == ["change-closed-record"]


def test_ncr_cannot_close_while_its_action_is_open(branch: GitRepo) -> None:
    branch.edit(NCR2, "status: open", "status: analysis\nroot_cause: x")
    branch.commit("a")
    for old, new in (("status: analysis", "status: action\ncorrection: y\nactions: [CA-%d-0002]" % YEAR),):
        branch.edit(NCR2, old, new)
    write(branch.root / f"records/corrective_action/CA-{YEAR}-0002.yaml",
          f"id: CA-{YEAR}-0002\nstatus: in_progress\ntype: corrective\nraised: {TODAY}\naction: 培训\n"
          f"owner: 质量部经理\ndue: {TODAY}\nnonconformity: NCR-{YEAR}-0002\n")
    branch.commit("b")
    branch.edit(NCR2, "status: action", "status: verification")
    branch.edit(f"records/corrective_action/CA-{YEAR}-0002.yaml", "status: in_progress", f"status: done\ndone: {TODAY}")
    branch.commit("c")
    branch.git("checkout", "-q", "-b", "close")
    branch.edit(NCR2, "status: verification", f"status: closed\nverification: {{by: 内审员, on: {TODAY}, result: effective}}\nclosed: {TODAY}")
    issues = pr_check(branch, base="change")
    # the form's declared closure (closure-contradiction) says it too, as an error in the change that creates it
    assert rules(issues) == ["change-close-open-action", "closure-contradiction"]
    assert all(f"CA-{YEAR}-0002" in i.message for i in issues)
    branch.edit(f"records/corrective_action/CA-{YEAR}-0002.yaml", "status: done",
                f"status: verified\nverification: {{by: 内审员, on: {TODAY}, result: effective}}")
    assert pr_check(branch, base="change") == []


def test_deleting_a_record_is_refused(branch: GitRepo) -> None:
    (branch.root / CMP2).unlink()
    issues = pr_check(branch)
    assert rules(issues) == ["change-record-deleted"] and issues[0].path == CMP2


def test_renaming_a_record_to_another_id_is_refused(branch: GitRepo) -> None:
    branch.git("mv", CMP2, f"records/complaint/CMP-{YEAR}-0009.yaml")
    branch.edit(f"records/complaint/CMP-{YEAR}-0009.yaml", f"id: CMP-{YEAR}-0002", f"id: CMP-{YEAR}-0009")
    branch.commit("改号")
    assert "change-record-renamed" in rules(pr_check(branch))


def test_two_branches_taking_the_same_id(branch: GitRepo) -> None:
    text = (branch.root / CMP2).read_text(encoding="utf-8").replace(f"CMP-{YEAR}-0002", f"CMP-{YEAR}-0003")
    write(branch.root / f"records/complaint/CMP-{YEAR}-0003.yaml", text)
    branch.commit("新投诉", "李娜")
    branch.git("checkout", "-q", "main")
    write(branch.root / f"records/complaint/CMP-{YEAR}-0003.yaml", text.replace("月度服务报告", "年度服务报告"))
    branch.commit("另一条新投诉", "赵强", "2026-01-06T10:00:00+08:00")
    branch.git("checkout", "-q", "change")
    issues = pr_check(branch)
    assert rules(issues) == ["change-id-taken"] and "renumber" in issues[0].message
    # qms new on this branch, told about main, skips the id main has taken
    result = run_qms("new", "complaint", "--base", "main", cwd=branch.root)
    assert f"created records/complaint/CMP-{YEAR}-0004.yaml" in result.stdout


def test_new_uses_the_upstream_branch_by_default(branch: GitRepo) -> None:
    branch.git("branch", "--set-upstream-to=main")
    branch.git("checkout", "-q", "main")
    text = (branch.root / CMP2).read_text(encoding="utf-8").replace(f"CMP-{YEAR}-0002", f"CMP-{YEAR}-0003")
    write(branch.root / f"records/complaint/CMP-{YEAR}-0003.yaml", text)
    branch.commit("main 的新投诉")
    branch.git("checkout", "-q", "change")
    assert f"CMP-{YEAR}-0004.yaml" in run_qms("new", "complaint", cwd=branch.root).stdout


def test_document_body_change_needs_revision_and_approval(branch: GitRepo) -> None:
    doc = "manual/QP-03-complaints.md"
    branch.edit(doc, "2 个工作日内", "1 个工作日内")
    assert rules(pr_check(branch)) == ["change-document-approval", "change-document-revision"]
    branch.edit(doc, "revision: A/0", "revision: A/1")
    assert rules(pr_check(branch)) == ["change-document-approval"]
    approved = (branch.root / doc).read_text(encoding="utf-8").split("approved: ")[1].split("\n")[0]
    effective = (branch.root / doc).read_text(encoding="utf-8").split("effective: ")[1].split("\n")[0]
    branch.edit(doc, f"approved: {approved}", f"approved: {TODAY}")
    branch.edit(doc, f"effective: {effective}", f"effective: {TODAY}")
    assert pr_check(branch) == []


def test_front_matter_only_change_needs_no_revision(branch: GitRepo) -> None:
    branch.edit("manual/QP-03-complaints.md", 'iso9001: ["8.2", "9.1"]', 'iso9001: ["8.2", "9.1", "7.4"]')
    assert pr_check(branch) == []


def test_documents_are_made_obsolete_not_deleted(branch: GitRepo) -> None:
    (branch.root / "manual/QP-03-complaints.md").unlink()
    assert "change-document-deleted" in rules(pr_check(branch))


def test_head_revision_is_checked_as_committed(branch: GitRepo) -> None:
    branch.edit(NCR2, "status: open", "status: closed")
    branch.commit("跳过流程", "李娜")
    branch.git("checkout", "-q", "main")  # the working tree now is main, the check reads the branch
    issues = check_pull_request(Repository(branch.root), "main", TODAY, head="change", jobs=1).issues
    assert "change-status-transition" in rules(issues) and "record-status-fields" in rules(issues)


def test_a_branchs_documents_are_judged_from_git_as_the_working_tree_check_judges_them(branch: GitRepo) -> None:
    """``--head`` reads the manual from git's blobs (not laid out): what it finds equals the checked-out branch's check."""
    root = branch.root
    config = root / "qms.yml"
    config.write_text(re.sub(r"^max_file_bytes: .*$", "max_file_bytes: 4096", config.read_text(encoding="utf-8"),
                             flags=re.M), encoding="utf-8")
    branch.commit("文件大小上限 4 KB")
    branch.git("checkout", "-q", "-b", "docs")
    doc = root / "manual/QP-01-document-control.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("status: effective", "status: approved"), encoding="utf-8")
    write(root / "manual/QP-09-large.md", "---\nid: QP-09\n---\n" + "大" * 3000)  # over the base's 4 KB
    write(root / "manual/.drafts/QP-10.md", "---\nid: nonsense\n---\n")  # hidden: no document
    (root / "manual/QP-11-link.md").symlink_to(doc)
    branch.commit("文件的改动")

    def manual(issues: list[Issue]) -> list[tuple[str, str]]:
        return sorted((i.path, i.rule) for i in issues if i.path.startswith("manual/"))

    in_tree = manual(check_pull_request(Repository(root), "change", TODAY, jobs=1).issues)
    branch.git("checkout", "-q", "change")
    os.environ["QMS_CACHE"] = "0"  # nothing the first check remembered: the blobs alone
    try:
        from_git = manual(check_pull_request(Repository(root), "change", TODAY, head="docs", jobs=1).issues)
    finally:
        del os.environ["QMS_CACHE"]
    assert from_git == in_tree
    found = dict(from_git)
    assert found["manual/QP-01-document-control.md"] == "document-schema"
    assert found["manual/QP-09-large.md"] == "yaml-size"  # the base's limit, as the working tree's check applies it
    assert found["manual/QP-11-link.md"] == "file-not-regular"
    assert not any(".drafts" in path for path in found)


def spy_on_checked_records(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the records the check validates, in order, filled in as it runs."""
    return spy_on_records(monkeypatch, checks, "check_one")


def test_only_changed_records_and_their_referrers_are_revalidated(branch: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(3, 40):
        write(branch.root / f"records/complaint/CMP-{YEAR}-{n:04d}.yaml",
              (branch.root / CMP2).read_text(encoding="utf-8").replace(f"CMP-{YEAR}-0002", f"CMP-{YEAR}-{n:04d}"))
    branch.commit("更多投诉")
    branch.git("checkout", "-q", "-b", "small")
    branch.edit(CMP2, "status: received", f"status: replied\nreplied: {TODAY}")
    checked = spy_on_checked_records(monkeypatch)
    assert pr_check(branch, base="change") == []
    assert checked == [CMP2]
    checked.clear()
    (branch.root / NCR1).unlink()  # deleting a record re-checks those that name it
    issues = pr_check(branch, base="change")
    assert set(checked) == {CMP2, CA1, f"records/complaint/CMP-{YEAR}-0001.yaml"}
    assert {"change-record-deleted", "ref-record"} <= set(rules(issues))


def test_python_bytecode_beside_the_forms_is_not_a_change_to_them(branch: GitRepo,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # a repository whose .gitignore does not name __pycache__: importing the forms leaves bytecode in schemas/
    (branch.root / ".gitignore").unlink()
    branch.commit("no .gitignore")
    branch.git("checkout", "-q", "-b", "small")
    write(branch.root / "schemas/__pycache__/nonconformity.cpython-311.pyc", "bytecode")
    branch.edit(CMP2, "status: received", f"status: replied\nreplied: {TODAY}")
    checked = spy_on_checked_records(monkeypatch)
    assert pr_check(branch, base="change") == []
    assert checked == [CMP2]  # the changed record alone, not every record as a change to schemas/ would ask
    form = branch.root / "schemas/nonconformity.py"
    form.write_text(form.read_text(encoding="utf-8") + "\n# a real change to a form\n", encoding="utf-8")
    checked.clear()
    pr_check(branch, base="change")
    assert len(checked) > 1


def test_renumbered_document_rechecks_the_records_that_cite_it(branch: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    branch.edit("manual/QP-01-document-control.md", "id: QP-01", "id: QP-11")
    checked: list[str] = []
    real = checks.check_one
    monkeypatch.setattr(checks, "check_one", lambda rf, *a: checked.append(rf.path) or real(rf, *a))
    issues = pr_check(branch)
    assert NCR2 in checked  # NCR-0002's requirement is QP-01
    assert any(i.rule == "ref-document" and i.path == NCR2 for i in issues)


def test_schema_change_checks_everything(branch: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    branch.edit("schemas/complaint.py", "customer_phone: str | None = None", "customer_phone: str")
    checked: list[str] = []
    real = checks.check_one
    monkeypatch.setattr(checks, "check_one", lambda rf, *a: checked.append(rf.path) or real(rf, *a))
    pr_check(branch)
    assert len(checked) == len(list((branch.root / "records").rglob("*.yaml")))


def test_cli_pull_request_check_with_annotations(branch: GitRepo) -> None:
    (branch.root / CMP2).unlink()
    result = run_qms("check", "--base", "main", "--format", "github", cwd=branch.root)
    assert result.returncode == 1
    assert result.stdout.startswith(f"::error file={CMP2},line=1,col=1,title=change-record-deleted::")
    assert run_qms("check", "--base", "no-such-branch", cwd=branch.root).returncode == 2


def test_shallow_clone_refused_by_pr_check(branch: GitRepo, tmp_path: Path) -> None:
    branch.commit("x")
    clone = tmp_path / "c"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{branch.root}", str(clone)], check=True)
    result = run_qms("check", "--base", "origin/main", cwd=clone)
    assert result.returncode == 2 and "fetch-depth: 0" in result.stderr and "Traceback" not in result.stderr


FORMS_IMPORTED = """
import datetime as dt, json, sys
from pathlib import Path
from qmskit import Repository
from qmskit.checks import check_pull_request
root, as_of, head = Path(sys.argv[1]), dt.date.fromisoformat(sys.argv[2]), (sys.argv[3] or None)
result = check_pull_request(Repository(root), "main", as_of, head=head, jobs=1)
forms = sorted(m.split(".", 1)[1].rsplit("_", 1)[0] for m in sys.modules if m.startswith("qms_schemas."))
print(json.dumps({"forms": forms, "issues": sorted([i.path, i.line, i.rule, i.message] for i in result.issues)}))
"""


def forms_imported(g: GitRepo, head: str | None = None, cache: bool = True) -> tuple[list[str], list[list[object]]]:
    """The form modules a whole ``check --base main`` process imported, and its issues (a fresh process each)."""
    import json
    import os
    import sys

    import qmskit

    env = {**os.environ, "PYTHONPATH": str(Path(qmskit.__file__).parents[1]), "QMS_CACHE": "1" if cache else "0"}
    out = subprocess.run([sys.executable, "-c", FORMS_IMPORTED, str(g.root), TODAY.isoformat(), head or ""],
                         env=env, capture_output=True, text=True, timeout=300, check=True).stdout
    found = json.loads(out.strip().splitlines()[-1])
    return found["forms"], found["issues"]


@pytest.mark.parametrize("committed", [False, True], ids=["working-tree", "head"])
def test_a_change_to_one_forms_records_imports_only_the_forms_its_rules_read(branch: GitRepo, committed: bool) -> None:
    branch.edit(CMP2, "status: received", f"status: replied\nreplied: {TODAY}")
    if committed:
        branch.commit("答复投诉")
    head = "change" if committed else None
    every, eager_issues = forms_imported(branch, head, cache=False)  # no cache: every form is imported
    assert "complaint" in every and len(every) == len(list((branch.root / "schemas").glob("[!_]*.py")))
    forms_imported(branch, head)  # the first run with the cache remembers what the whole load found
    lazy, lazy_issues = forms_imported(branch, head)
    assert lazy_issues == eager_issues  # the same verdicts, from the same rules
    # the complaint's own form: its references are checked against the id index, by name, and the verdicts about
    # every form (import problems, procedures, JSON Schemas, fields the plans name) come from the remembered load
    assert lazy == ["complaint"]


def test_closing_rules_ask_the_linked_records_forms_from_the_remembered_load_not_their_modules(
        branch: GitRepo) -> None:
    """An NCR closed as effective is checked against its actions and the complaints naming it: whether each is
    in a final status, and whether a reference names a record of the right form, is what the whole load found."""
    branch.edit(NCR1, "root_cause: 新员工不清楚回复时限。", "root_cause: 新员工不清楚回复时限,培训未覆盖。")
    branch.commit("补充原因")
    every, eager_issues = forms_imported(branch, "change", cache=False)
    assert {"nonconformity", "corrective_action", "complaint"} <= set(every)
    forms_imported(branch, "change")
    lazy, lazy_issues = forms_imported(branch, "change")
    assert lazy_issues == eager_issues
    assert lazy == ["nonconformity"]
    # the same question with the linked action reopened: the closure rule now finds it open, from the facts
    branch.edit(CA1, "status: verified", "status: done")
    branch.commit("措施退回")
    lazy, lazy_issues = forms_imported(branch, "change")
    assert any(i[2] == "closure-contradiction" and i[0] == NCR1 for i in lazy_issues), lazy_issues
    assert lazy_issues == forms_imported(branch, "change", cache=False)[1]


def test_a_copied_id_is_reported_on_both_files_by_the_full_and_the_pull_request_check(branch: GitRepo) -> None:
    """Which file keeps the id is the author's choice: every check names both, whatever order it lists them in."""
    copy = f"records/nonconformity/{YEAR}/NCR-{YEAR}-0002.yaml"  # a nested folder: listed after NCR2 by a walk
    write(branch.root / copy, (branch.root / NCR2).read_text(encoding="utf-8"))
    branch.commit("a copy")

    def blamed(issues: list[Issue]) -> list[str]:
        return sorted(i.path for i in issues if i.rule == "record-id-unique")

    full = checks.check_repository(Repository(branch.root), TODAY, jobs=1).issues
    assert blamed(full) == sorted([copy, NCR2])
    assert blamed(pr_check(branch)) == blamed(pr_check(branch, head="HEAD")) == blamed(full)
    assert any(copy in i.message for i in full if i.path == NCR2)  # each names the other


ENUM_FORM = '''"""工单 / Ticket: statuses from an enum of this module (a form may write them so)."""
from enum import Enum, StrEnum

from pydantic import Field
from qmskit.forms import FormSpec, RecordBase, Text, Workflow


class S(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class M(str, Enum):  # an older spelling: equal to the text, but not a str of it
    OPEN = "open"
    SHUT = "shut"


class Ticket(RecordBase):
    form = FormSpec(kind="ticket", code="QM-T-1", title_zh="工单", title_en="Ticket", procedure="QP-03",
                    id_pattern="TK-{year}-{seq:04}",
                    workflow=Workflow(statuses=(S.OPEN, S.CLOSED), transitions={S.OPEN: (S.CLOSED,), S.CLOSED: ()},
                                      final=(S.CLOSED,)))
    note: Text = Field(description="说明 / note")
    complaint: Text | None = Field(default=None, description="投诉 / complaint")


class Job(RecordBase):
    form = FormSpec(kind="job", code="QM-T-2", title_zh="作业", title_en="Job", procedure="QP-03",
                    id_pattern="JB-{year}-{seq:04}",
                    workflow=Workflow(statuses=(M.OPEN, M.SHUT), transitions={M.OPEN: (M.SHUT,), M.SHUT: ()},
                                      final=(M.SHUT,)))
    note: Text = Field(description="说明 / note")
'''


def test_a_form_with_enum_statuses_is_checked_alike_with_and_without_the_cache(branch: GitRepo) -> None:
    """Final statuses the remembered facts cannot keep as plain texts are asked of the form itself: the cache
    is written (no pickling error reaches the user) and every verdict is the eager one."""
    write(branch.root / "schemas" / "ticket.py", ENUM_FORM)
    write(branch.root / f"records/ticket/TK-{YEAR}-0001.yaml", f"id: TK-{YEAR}-0001\nstatus: closed\nnote: 已处理\n")
    write(branch.root / f"records/job/JB-{YEAR}-0001.yaml", f"id: JB-{YEAR}-0001\nstatus: shut\nnote: 已完成\n")
    branch.git("checkout", "-q", "main")
    branch.commit("工单与作业表单")
    branch.git("checkout", "-q", "change")
    branch.git("merge", "-q", "--ff-only", "main")
    eager = subprocess.run([QMS, "check"], cwd=branch.root, capture_output=True, text=True, timeout=600,
                           env={**os.environ, "QMS_CACHE": "0"})
    for _ in range(2):  # the first run writes the cache, the second reads it
        cached = run_qms("check", cwd=branch.root)
        assert (cached.returncode, cached.stdout) == (eager.returncode, eager.stdout), cached.stderr
        assert "Traceback" not in cached.stderr and "内部错误" not in cached.stderr
    branch.edit(CMP2, "status: received", f"status: replied\nreplied: {TODAY}")
    branch.edit(f"records/ticket/TK-{YEAR}-0001.yaml", "note: 已处理", "note: 已处理完毕")
    branch.commit("答复投诉,补充工单")
    every, eager_issues = forms_imported(branch, "change", cache=False)
    forms_imported(branch, "change")
    lazy, lazy_issues = forms_imported(branch, "change")
    assert lazy_issues == eager_issues and "ticket" in every


def test_final_statuses_kept_as_facts_only_when_plain_texts(branch: GitRepo) -> None:
    from qmskit.registry import form_facts, lazy_registry, remember_forms

    write(branch.root / "schemas" / "ticket.py", ENUM_FORM)
    repo = Repository(branch.root)
    registry = repo.registry
    facts = form_facts(registry, {})
    assert facts.finals["complaint"] == ("closed",) and type(facts.finals["complaint"][0]) is str
    assert "ticket" not in facts.finals and "job" not in facts.finals  # asked of the form, not remembered
    remember_forms(registry, branch.root / "schemas", branch.root, branch.root, dict)
    lazy = lazy_registry(branch.root / "schemas", branch.root, branch.root)
    assert lazy is not None
    for name, status in [("ticket", "closed"), ("ticket", "open"), ("job", "shut"), ("job", "open"),
                         ("complaint", "closed"), ("complaint", "replied"), ("no-such-form", "x")]:
        assert lazy.is_final(name, status) == registry.is_final(name, status), (name, status)
