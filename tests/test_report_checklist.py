"""``qms checklist``: rows re-counted by hand on the reference QMS; independence, sampling, changes on a built repository."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from qmskit.messages import join, text
from qmskit import messages
from qmskit.render import render_markdown, render_json
from qmskit.reports import checklist
from qmskit.reports.context import Context
from qmskit.repository import Repository

from conftest import GitRepo, run_qms, write

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 27)

# -- (a) the reference QMS, read in place (nothing is written there) -------------------------------------------

_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
_OBLIGES = re.compile(r"必须|不得|严禁|禁止|应|须|\bshall\b|\bmust\b", re.I)
_NOT_OBLIGING = re.compile(r"应用|反应|相应|对应|适应|供应|响应|效应|答应|应急|应对|理应当然")


def _hand_count(text: str) -> list[str]:
    """Requirement sentences counted without the program: line by line, outside code fences and headings."""
    found, fenced = [], False
    for line in _FRONT.sub("", text).splitlines():
        if line.strip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        if fenced or line.startswith("#"):
            continue
        line = re.sub(r"^\s*(?:[-*+]|\d+[.)、])\s+", "", line)
        line = re.sub(r"^\s*>\s?", "", line)
        if line.lstrip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            line = " ".join(c for c in cells if c and not set(c) <= set("-:"))
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", re.sub(r"\*\*|__|`", "", line)).strip()
        for sentence in re.split(r"(?<=[。;;!!?？])|(?<=[.!?])\s+(?=[A-Z])", line):
            sentence = sentence.strip()
            if sentence and _OBLIGES.search(_NOT_OBLIGING.sub("", sentence)):
                found.append(sentence)
    return found


@pytest.fixture(scope="module")
def reference() -> Context:
    return Context.load(Repository(ROOT), AS_OF)


def test_reference_plans_are_listed(reference: Context) -> None:
    ids = sorted(p.stem for p in (ROOT / "records/audit_plan").glob("*.yaml"))
    assert checklist.plan_ids(reference) == ids


def test_a_row_for_every_requirement_sentence_of_the_criteria(reference: Context) -> None:
    plan = yaml.safe_load((ROOT / "records/audit_plan/IAP-2026-01.yaml").read_text(encoding="utf-8"))
    report = checklist.build(reference, plan="IAP-2026-01")
    rows = report.data["rows"]
    files = {re.search(r"^id: (\S+)$", p.read_text(encoding="utf-8"), re.M).group(1): p
             for p in (ROOT / "manual").rglob("*.md") if p.name != "index.md"}
    total = 0
    for doc in plan["criteria"]:
        expected = _hand_count(files[doc].read_text(encoding="utf-8"))
        got = [r["text"] for r in rows if r["document"] == doc and r["kind"] == "requirement"]
        assert sorted(got) == sorted(expected), doc
        total += len(expected)
    assert total >= 5  # the criteria do oblige
    assert [r["number"] for r in rows] == list(range(1, len(rows) + 1))
    assert set(plan["criteria"]) <= set(report.data["documents"])
    markdown = render_markdown(report)
    assert all(f"| {r['number']} |" in markdown for r in rows)


def test_numbered_steps_are_rows_and_clauses_come_from_headings(reference: Context) -> None:
    rows = checklist.build(reference, plan="IAP-2026-01").data["rows"]
    steps = [r for r in rows if r["document"] == "LD-QP-08" and r["kind"] == "step"]
    assert len(steps) == 6 and all(r["clauses"] == ["8.7", "10.2"] for r in steps)  # no clause in the heading: the tags
    review = [r for r in rows if r["document"] == "LD-QM-01" and r["section"].startswith("§5.5")]
    assert review and all(r["clauses"] == ["9.3"] for r in review)  # "### 5.5 管理评审 (9.3)"
    assert all(r["evidence"] == {"nonconformity": r["evidence"]["nonconformity"]} for r in steps)


def test_reference_checklist_is_reproducible(reference: Context) -> None:
    first = render_markdown(checklist.build(reference, plan="IAP-2026-02", seed=3))
    assert first == render_markdown(checklist.build(reference, plan="IAP-2026-02", seed=3))
    assert "IA-2026-01" in first  # the previous audit of an overlapping scope


# -- (b) a small repository built here, with backdated commits ------------------------------------------------

AUDIT_PLAN = '''from qmskit.forms import AuditPlan, FormSpec, Workflow


class Plan(AuditPlan):
    form = FormSpec(kind="audit_plan", code="QM-FOR-04-01", title_zh="内部审核计划", title_en="Internal audit plan",
                    procedure="QP-04", id_pattern="IAP-{year}-{seq:02}", workflow=Workflow.linear("draft", "approved"),
                    confidential=("auditors.auditor",), date_field="start")
'''
AUDIT_REPORT = '''from qmskit.forms import AuditReport, FormSpec, Workflow


class Audit(AuditReport):
    form = FormSpec(kind="audit_report", code="QM-FOR-04-02", title_zh="内部审核报告", title_en="Internal audit report",
                    procedure="QP-04", id_pattern="IA-{year}-{seq:02}",
                    workflow=Workflow.linear("in_progress", "closed"), date_field="opened")
'''


def _doc(doc_id: str, title: str, owner: str, revision: str, forms: list[str], body: str) -> str:
    return (f"---\nid: {doc_id}\ntitle: {title}\ntype: QP\nrevision: {revision}\nstatus: effective\nowner: {owner}\n"
            f"approver: 管理者代表\napproved: 2026-01-02\neffective: 2026-01-05\nreview_every: 12\niso9001: [\"8.2\", \"9.1\"]\n"
            f"forms: [{', '.join(forms)}]\n---\n\n# {title}\n\n{body}")


QP03_A0 = "## 1 受理 (8.2.1)\n\n投诉应当日登记。\n\n## 2 回复\n\n1. 客服专员联系顾客。\n2. 回复后跟踪反馈。\n"
QP03_A1 = QP03_A0 + "\n## 3 回复时限\n\n投诉必须在 2 个工作日内回复顾客。\n"


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:  # records refuse anchors
        return True


def _record(root: Path, kind: str, data: dict) -> None:
    write(root / "records" / kind / f"{data['id']}.yaml", yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False))


def _complaint(n: int, received: str, dept: str = "客户服务部", closed: bool = True) -> dict:
    data = {"id": f"CMP-2026-{n:04d}", "status": "closed" if closed else "received", "received": dt.date.fromisoformat(received),
            "customer_type": "individual", "customer_name": f"顾客{n}", "department": dept, "description": "报修无人联系。"}
    if closed:
        day = dt.date.fromisoformat(received) + dt.timedelta(days=2)
        data.update(replied=day, closed=day, feedback="satisfied")
    return data


def _plan(plan_id: str, start: str, auditors: list[dict]) -> dict:
    return {"id": plan_id, "status": "approved", "year": 2026, "scope": ["客户服务部", "质量部"], "criteria": ["QP-03", "QP-02"],
            "leader": "管理者代表", "auditors": auditors, "start": dt.date.fromisoformat(start),
            "end": dt.date.fromisoformat(start) + dt.timedelta(days=2)}


ZHAO = {"auditor": "赵敏", "role": "内审员", "department": "质量部", "audits": ["质量部"]}  # his own department
QIAN = {"auditor": "钱进", "role": "客户服务部经理", "department": "客户服务部", "audits": ["总经办"]}


@pytest.fixture
def built(repo: Path) -> Path:
    """A year of a small QMS: an audit in March, a revised procedure in May, complaints, then a plan for September."""
    for old in (repo / "records").rglob("*.yaml"):
        old.unlink()  # qms init dates its records from today; these tests need fixed days
    write(repo / "schemas/audit_plan.py", AUDIT_PLAN)
    write(repo / "schemas/audit_report.py", AUDIT_REPORT)
    write(repo / "manual/QP-03-complaints.md", _doc("QP-03", "顾客投诉处理程序", "客户服务部经理", "A/0", ["complaint"], QP03_A0))
    write(repo / "manual/QP-02-nonconformity.md", _doc("QP-02", "不合格和纠正措施控制程序", "质量部经理", "A/0",
                                                       ["nonconformity"], "## 1 处理\n\n不符合应在期限内关闭。\n"))
    write(repo / "manual/QP-04-internal-audit.md", _doc("QP-04", "内部审核程序", "管理者代表", "A/0", ["audit_plan", "audit_report"],
                                                        "## 1 独立性\n\n审核员不得审核本部门。\n"))
    for n in range(1, 4):
        _record(repo, "complaint", _complaint(n, f"2026-01-{10 + n}"))
    g = GitRepo(repo)
    g.commit("建立质量管理体系", "王芳", "2026-01-05T09:00:00+08:00")
    _record(repo, "audit_plan", _plan("IAP-2026-01", "2026-03-02", [QIAN | {"audits": ["质量部"]},
                                                                   ZHAO | {"audits": ["客户服务部"]}]))
    _record(repo, "audit_report", {"id": "IA-2026-01", "status": "closed", "plan": "IAP-2026-01", "opened": dt.date(2026, 3, 2),
                                   "scope": ["客户服务部", "质量部"], "criteria": ["QP-03", "QP-02"],
                                   "nonconformities": ["NCR-2026-0001"]})
    _record(repo, "nonconformity", {"id": "NCR-2026-0001", "status": "action", "source": "internal_audit",
                                    "raised": dt.date(2026, 3, 3), "requirement": "QP-03 §2", "description": "回复超时。",
                                    "grade": "minor", "department": "客户服务部", "owner": "客户服务部经理",
                                    "due": dt.date(2026, 4, 30), "audit": "IA-2026-01", "root_cause": "不清楚时限。",
                                    "correction": "补回复。"})
    g.commit("2026 年第一次内审", "王芳", "2026-03-05T10:00:00+08:00")
    write(repo / "manual/QP-03-complaints.md", _doc("QP-03", "顾客投诉处理程序", "客户服务部经理", "A/1", ["complaint"], QP03_A1))
    g.commit("QP-03 A/1: 回复时限", "孙丽", "2026-05-10T10:00:00+08:00")
    for n in range(4, 16):
        _record(repo, "complaint", _complaint(n, f"2026-06-{n:02d}", closed=n % 3 != 0))
    _record(repo, "complaint", _complaint(16, "2026-06-20", dept="总经办"))
    g.edit("records/nonconformity/NCR-2026-0001.yaml", "status: action", "status: verification")
    g.commit("六月投诉", "王芳", "2026-06-30T10:00:00+08:00")
    _record(repo, "audit_plan", _plan("IAP-2026-02", "2026-09-14", [ZHAO, QIAN]))
    g.commit("2026 年第二次内审计划", "王芳", "2026-09-01T10:00:00+08:00")
    return repo


def _ctx(root: Path, reveal: bool = False) -> Context:
    return Context.load(Repository(root), AS_OF, reveal=reveal)


def test_an_auditor_on_his_own_department_is_flagged_without_his_name(built: Path) -> None:
    ctx = _ctx(built)
    assert "IAP-2026-02" in ctx.invalid and checklist.plan_ids(ctx) == ["IAP-2026-01", "IAP-2026-02"]
    report = checklist.build(ctx, plan="IAP-2026-02")
    assert report.data["plan_valid"] is False
    assert report.data["conflicts"] == [{"role": "内审员", "department": "质量部", "audits": ["质量部"]}]
    markdown, payload = render_markdown(report), render_json(report)
    conflict = next(line for line in markdown.splitlines() if "利益冲突" in line)
    assert "内审员" in conflict and "质量部" in conflict
    assert "赵敏" not in markdown and "赵敏" not in payload and "钱进" not in markdown + payload
    revealed = checklist.build(_ctx(built, reveal=True), plan="IAP-2026-02")
    assert "赵敏" in render_markdown(revealed) and revealed.data["conflicts"][0]["auditor"] == "赵敏"


def test_previous_audit_findings_and_period(built: Path) -> None:
    report = checklist.build(_ctx(built), plan="IAP-2026-02")
    assert report.data["previous_audit"] == "IA-2026-01"
    assert (report.data["since"], report.data["until"]) == (dt.date(2026, 3, 2), dt.date(2026, 9, 13))
    markdown = render_markdown(report)
    finding = next(line for line in markdown.splitlines() if line.startswith("| NCR-2026-0001"))
    assert "待验证" in finding and "已逾期" in finding
    assert "NCR-2026-0001 (待验证, 逾期, 期间内修改)" in markdown  # open, overdue, modified: the sample marks why


def test_documents_revised_since_the_previous_audit_are_listed(built: Path) -> None:
    changes = checklist.build(_ctx(built), plan="IAP-2026-02").data["changes"]
    assert changes["history"] is True
    assert [c["document"] for c in changes["documents"]] == ["QP-03"]  # QP-02 did not change
    qp03 = changes["documents"][0]
    assert (qp03["old"], qp03["new"]) == ("A/0", "A/1")
    assert [(r["revision"], r["author"], r["message"]) for r in qp03["revisions"]] == [("A/1", "孙丽", "QP-03 A/1: 回复时限")]
    assert qp03["summary"] == ["+ §3 回复时限"]
    complaints = next(k for k in changes["records"] if k["kind"] == "complaint")
    assert complaints["added"] == 12 and complaints["changed"] == 0  # the 总经办 complaint is outside the scope
    assert complaints["closed"] == 8


def test_same_seed_same_sample_and_other_seeds_differ(built: Path) -> None:
    ctx = _ctx(built)
    first = checklist.build(ctx, plan="IAP-2026-02", sample=3, seed=7)
    again = checklist.build(_ctx(built), plan="IAP-2026-02", sample=3, seed=7)
    assert render_markdown(first) == render_markdown(again)
    sample = first.data["sample"]["complaint"]
    assert len(sample) == 3 and all(r["evidence"].get("complaint") == sample for r in first.data["rows"] if r["document"] == "QP-03")
    others = {tuple(checklist.build(ctx, plan="IAP-2026-02", sample=3, seed=s).data["sample"]["complaint"]) for s in range(8)}
    assert len(others) > 1
    assert "CMP-2026-0016" not in {i for s in others for i in s}  # 总经办 is not audited


def test_scope_by_department_and_by_clause(built: Path) -> None:
    ctx = _ctx(built)
    report = checklist.build(ctx, scope=["客户服务部"], since=dt.date(2026, 6, 1), until=dt.date(2026, 6, 30))
    assert report.data["departments"] == ["客户服务部"] and report.data["documents"] == ["QP-03"]
    assert {r["document"] for r in report.data["rows"]} == {"QP-03"}
    assert report.data["previous_audit"] == "IA-2026-01"
    texts = [r["text"] for r in report.data["rows"]]
    assert texts == ["投诉应当日登记。", "客服专员联系顾客。", "回复后跟踪反馈。", "投诉必须在 2 个工作日内回复顾客。"]
    assert set(report.data["sample"]["complaint"]) <= {f"CMP-2026-{n:04d}" for n in range(4, 16)}
    by_clause = checklist.build(ctx, scope=["9.1"])
    assert by_clause.data["documents"] == ["QP-02", "QP-03", "QP-04"]
    with messages.using("zh"), pytest.raises(Exception, match=re.escape(text("rep.bad_scope", value="'采购部'", named="iso9001"))):
        checklist.build(ctx, scope=["采购部"])


def test_without_git_the_changes_section_says_so(built: Path) -> None:
    shutil.rmtree(built / ".git")
    report = checklist.build(_ctx(built), plan="IAP-2026-02")
    assert report.data["changes"] == {"history": False, "documents": [], "records": []}
    assert "Not a git repository" in render_markdown(checklist.build(Context.load(Repository(built), AS_OF, "en"),
                                                                     plan="IAP-2026-02"))


# -- (c) the command ----------------------------------------------------------------------------------------------


def test_cli_writes_markdown_and_json(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_qms("checklist", "IAP-2026-02", "--as-of", "2026-11-27", "--format", "md", "--format", "json",
                     "--out", str(out), cwd=built)
    assert result.returncode == 0, result.stderr
    assert (out / "checklist-IAP-2026-02.md").read_text(encoding="utf-8").startswith("# 内部审核检查表")
    payload = json.loads((out / "checklist-IAP-2026-02.json").read_text(encoding="utf-8"))
    assert payload["report"] == "checklist" and payload["plan"] == "IAP-2026-02" and payload["rows"] and payload["conflicts"]


def test_cli_wrong_plan_id_names_the_fix(built: Path, tmp_path: Path) -> None:
    result = run_qms("checklist", "IAP-2099-01", "--out", str(tmp_path / "out"), cwd=built)
    assert result.returncode == 2
    with messages.using("zh"):  # the reference QMS says lang: zh
        said = text("rep.no_plan", plan="'IAP-2099-01'", known=join(["IAP-2026-01", "IAP-2026-02"]))
    assert said in result.stderr
    assert "--scope" in result.stderr and "Traceback" not in result.stderr
