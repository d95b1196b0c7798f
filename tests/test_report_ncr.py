"""qms ncr: one nonconformity report, and the list of open / overdue / all NCRs.

Expected figures are re-counted here from the YAML files (yaml.safe_load),
never copied from the program's output; the small repositories are built
from dictionaries with one planted case per rule.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import GitRepo, run_qms, write

from qmskit.issues import QmsError
from qmskit.render import render_json
from qmskit.render.markdown import render
from qmskit.reports import ncr
from qmskit.reports.context import Context
from qmskit.repository import Repository

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 27)
PHONE = "13912345678"
NAME = "赵敏感"
NCR_ID = "NCR-2026-0101"

# -- the reference QMS (read-only) ----------------------------------------------------


@pytest.fixture(scope="module")
def reference() -> Context:
    return Context.load(Repository(ROOT), AS_OF)


def _yaml(folder: str) -> list[dict]:  # type: ignore[type-arg]
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "records" / folder).glob("*.yaml"))]


def test_reference_open_and_overdue_counts(reference: Context) -> None:
    ncrs = _yaml("nonconformity")
    open_ids = sorted(r["id"] for r in ncrs if r["status"] != "closed")
    overdue_ids = sorted(r["id"] for r in ncrs if r["status"] != "closed" and r["due"] < AS_OF)
    assert overdue_ids and len(open_ids) > len(overdue_ids)  # the reference has both kinds
    opened = ncr.build_list(reference, "open")
    assert opened.data["count"] == len(open_ids)
    assert [i["id"] for i in opened.data["items"]] == open_ids
    assert opened.data["overdue"] == overdue_ids
    assert ncr.build_list(reference, "overdue").data["count"] == len(overdue_ids)
    assert ncr.build_list(reference, "all").data["count"] == len(ncrs)
    text = render(opened)
    for rid in open_ids:
        assert f"## {rid}" in text
    days = {r["id"]: (AS_OF - r["due"]).days for r in ncrs if r["id"] in overdue_ids}
    for rid, n in days.items():
        assert re.search(rf"^\| {rid} \|.*\| {n} \|", text, re.M), rid


def _first_text_line(text: str) -> str:
    """The first line of prose below a heading, outside code fences (mermaid charts)."""
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif line.strip() and not fenced:
            return line
    raise AssertionError("the section has no text")


def test_reference_ncr_quotes_section_and_names_its_audit(reference: Context) -> None:
    rec = next(r for r in _yaml("nonconformity") if r.get("audit") and "§" in r["requirement"]
               and r["requirement"].startswith("LD-QP"))
    doc_id, section = (s.strip() for s in rec["requirement"].split("§"))
    body = next(p for p in (ROOT / "manual").rglob(f"{doc_id}-*.md")).read_text(encoding="utf-8")
    heading = re.search(rf"^#+ {re.escape(section)}\s+(.+)$", body, re.M)
    assert heading, "the cited section is a heading of the document"
    first_line = _first_text_line(body[heading.end():])
    listing = sorted(a["id"] for a in _yaml("audit_report") if rec["id"] in a.get("nonconformities", []))
    report = ncr.build(reference, rec["id"])
    text = render(report).replace("\\", "")  # as read: the renderer's escapes (1\. ) removed
    assert heading.group(1).strip() in text
    assert re.sub(r"\*\*|`", "", first_line).strip()[:15] in text
    assert sorted(report.data["audits"]) == sorted(set(listing) | {rec["audit"]})
    assert report.data["quote"]["problem"] is None


def test_two_fields_with_one_label_are_told_apart_by_their_identifiers(reference: Context) -> None:
    """负责人 / owner (role) and 负责人 / owner (person): the details table says which row is which."""
    rid = next(r["id"] for r in _yaml("nonconformity"))
    report = ncr.build(reference, rid)
    rows = [row[0] for section in report.sections for block in section.blocks
            if hasattr(block, "rows") for row in block.rows]
    assert "负责人(owner)" in rows and "负责人(owner_person)" in rows and "负责人" not in rows
    assert "提出日期" in rows  # a label no other field has is shown alone


def test_reference_report_is_reproducible(reference: Context) -> None:
    again = Context.load(Repository(ROOT), AS_OF)
    assert render(ncr.build_list(reference, "all")) == render(ncr.build_list(again, "all"))
    assert render_json(ncr.build(reference, "NCR-2026-0006")) == render_json(ncr.build(again, "NCR-2026-0006"))


# -- a small repository with planted cases ----------------------------------------------------

WI = """---
id: WI-01
title: 投诉回复作业指导书
type: WI
revision: A/0
status: effective
owner: 客户服务部经理
approver: 管理者代表
approved: 2026-01-02
effective: 2026-01-05
review_every: 12
iso9001: ["9.1.2"]
---

# 投诉回复作业指导书

## 3 回复

### 3.2 回复时限

投诉应在受理后 2 个工作日内回复顾客,并记录回复内容。

## 4 记录

保存投诉记录。
"""


def _dump(data: dict) -> str:  # type: ignore[type-arg]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _ncr(**changes: object) -> dict:  # type: ignore[type-arg]
    data = {"id": NCR_ID, "status": "action", "source": "customer_complaint", "raised": dt.date(2026, 2, 1),
            "requirement": "WI-01 §3.2", "description": "投诉 3 个工作日后才回复。", "grade": "minor",
            "department": "客户服务部", "owner": "客户服务部经理", "due": dt.date(2026, 3, 10),
            "root_cause": "新员工不清楚回复时限。", "correction": "当日补充回复。", "actions": ["CA-2026-0101"]}
    data.update(changes)
    return data


def plant(root: Path, **ncr_changes: object) -> None:
    """An NCR past due on 2026-03-10, its action, and a complaint with personal data naming it."""
    write(root / "manual/WI-01-complaint-reply.md", WI)
    schema = root / "schemas/nonconformity.py"  # the organization's form adds a confidential field
    text = schema.read_text(encoding="utf-8").replace('date_field="raised",', 'date_field="raised",\n        confidential=("reporter_phone",),')
    write(schema, text + "\n    reporter_phone: str | None = None\n")
    write(root / f"records/nonconformity/{NCR_ID}.yaml", _dump(_ncr(**ncr_changes)))
    write(root / "records/corrective_action/CA-2026-0101.yaml", _dump({
        "id": "CA-2026-0101", "status": "in_progress", "type": "corrective", "raised": dt.date(2026, 2, 3),
        "nonconformity": NCR_ID, "action": "培训客户服务部全员回复时限。", "owner": "客户服务部经理",
        "due": dt.date(2026, 2, 28)}))
    write(root / "records/complaint/CMP-2026-0101.yaml", _dump({
        "id": "CMP-2026-0101", "status": "received", "received": dt.date(2026, 1, 28), "customer_type": "individual",
        "customer_name": NAME, "customer_phone": PHONE, "department": "客户服务部",
        "description": "投诉后三天才有人回复。", "nonconformity": NCR_ID}))


def load(root: Path, as_of: dt.date, lang: str | None = None) -> Context:
    ctx = Context.load(Repository(root), as_of, lang)
    assert ctx.unreadable == [], [i.format() for i in ctx.unreadable]
    return ctx


def test_overdue_on_the_day_after_the_due_date(repo: Path) -> None:
    plant(repo)
    on_the_day = load(repo, dt.date(2026, 3, 10))
    assert NCR_ID not in ncr.build_list(on_the_day, "overdue").data["overdue"]
    assert NCR_ID in [i["id"] for i in ncr.build_list(on_the_day, "open").data["items"]]
    day_after = load(repo, dt.date(2026, 3, 11))
    listed = ncr.build_list(day_after, "overdue")
    assert NCR_ID in listed.data["overdue"]
    item = next(i for i in listed.data["items"] if i["id"] == NCR_ID)
    assert item["overdue_days"] == 1
    assert re.search(rf"^\| {NCR_ID} \|.*\| 2026-03-10 \| 1 \|", render(listed), re.M)


def test_closed_ncr_is_never_overdue(repo: Path) -> None:
    plant(repo, status="closed", verification={"by": "内审员", "on": dt.date(2026, 3, 20), "result": "effective"},
          closed=dt.date(2026, 3, 20))
    ctx = load(repo, dt.date(2026, 4, 1))
    assert NCR_ID not in [i["id"] for i in ncr.build_list(ctx, "open").data["items"]]
    assert "晚 10 天" in render(ncr.build(ctx, NCR_ID))  # closed after the due date: said so


def test_report_quotes_section_lists_actions_and_complaints(repo: Path) -> None:
    plant(repo, reporter_phone="13700000007")
    report = ncr.build(load(repo, dt.date(2026, 3, 11)), NCR_ID)
    text = render(report) + render_json(report)
    assert "投诉应在受理后 2 个工作日内回复顾客,并记录回复内容。" in text
    assert "§3.2 回复时限" in text
    assert "CA-2026-0101" in text and "培训客户服务部全员回复时限。" in text
    assert "CMP-2026-0101" in text and "投诉后三天才有人回复。" in text
    for secret in (PHONE, NAME, "13700000007"):
        assert secret not in text
    assert "保密" in text  # the NCR's own confidential field, masked in its details
    assert "history is unavailable" in render(ncr.build(load(repo, dt.date(2026, 3, 11), "en"), NCR_ID))


def test_missing_section_is_said_plainly(repo: Path) -> None:
    plant(repo, requirement="WI-01 §9.9")
    text = render(ncr.build(load(repo, dt.date(2026, 3, 11)), NCR_ID))
    assert "找不到 §9.9" in text
    assert "投诉应在受理后" not in text


def test_unknown_or_wrong_id_names_the_fix(repo: Path) -> None:
    plant(repo)
    ctx = load(repo, dt.date(2026, 3, 11))
    with pytest.raises(QmsError, match="qms ncr --status all"):
        ncr.build(ctx, "NCR-1999-0001")
    from qmskit import messages

    with pytest.raises(QmsError, match=re.escape(messages.text("rep.not_ncr", id="CA-2026-0101", kind="corrective_action"))):
        ncr.build(ctx, "CA-2026-0101")


def test_audit_trail_lists_commits_with_masked_fields(repo: Path) -> None:
    plant(repo, status="open", reporter_phone="13700000007", root_cause=None, correction=None)
    g = GitRepo(repo)
    g.commit("登记不符合", "李娜", "2026-02-01T09:00:00+08:00")
    path = f"records/nonconformity/{NCR_ID}.yaml"
    g.edit(path, "status: open", "status: analysis")
    g.edit(path, "root_cause: null", "root_cause: 未培训回复时限。")
    g.edit(path, "13700000007", "13700000008")
    g.commit("原因分析", "赵强", "2026-02-10T14:30:00+08:00")
    good = (repo / path).read_text(encoding="utf-8")
    write(repo / path, good + "broken: [\n")  # a version git holds that is not YAML: the whole file changes twice
    g.commit("误提交", "王芳", "2026-02-11T08:00:00+08:00")
    write(repo / path, good)
    g.commit("修复", "王芳", "2026-02-11T09:00:00+08:00")
    report = ncr.build(load(repo, dt.date(2026, 3, 11)), NCR_ID)
    trail = report.data["trail"][2:]
    assert [r["message"] for r in report.data["trail"][:2]] == ["修复", "误提交"]
    assert [(r["author"], r["date"]) for r in trail] == [("赵强", "2026-02-10 14:30"), ("李娜", "2026-02-01 09:00")]
    assert "status: open → analysis" in trail[0]["changes"]
    assert any(c.startswith("root_cause:") and "未培训回复时限。" in c for c in trail[0]["changes"])
    text = render(report)
    assert "原因分析" in text and "赵强" in text and "status: open → analysis" in text
    assert "13700000007" not in text and "13700000008" not in text
    assert "reporter_phone: (保密 / confidential)" in text


def test_cli_writes_three_formats(repo: Path, tmp_path: Path) -> None:
    plant(repo)
    out = tmp_path / "out"
    result = run_qms("ncr", NCR_ID, "--as-of", "2026-03-11", "--format", "md", "--format", "docx", "--format", "json",
                     "--out", str(out), cwd=repo)
    assert result.returncode == 0, result.stderr
    files = {p.name for p in out.iterdir()}
    assert {f"ncr-{NCR_ID}.md", f"ncr-{NCR_ID}.docx", f"ncr-{NCR_ID}.json"} <= files
    data = json.loads((out / f"ncr-{NCR_ID}.json").read_text(encoding="utf-8"))
    assert data["id"] == NCR_ID and data["overdue_days"] == 1 and data["complaints"] == ["CMP-2026-0101"]
    with zipfile.ZipFile(out / f"ncr-{NCR_ID}.docx") as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    assert "回复时限" in xml
    for name in files:
        assert PHONE not in (out / name).read_bytes().decode("utf-8", "replace")
    assert PHONE not in xml and NAME not in xml
    wrong = run_qms("ncr", "NCR-1999-0001", "--out", str(out), cwd=repo)
    assert wrong.returncode == 2 and "NCR-1999-0001" in wrong.stderr
