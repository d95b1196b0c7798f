"""qms register: the master list of documents and one register per record kind.

Row counts and flags are re-counted here from the files themselves
(yaml.safe_load of the records and of the documents' front matter).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from conftest import in_english, run_qms, write

from qmskit.issues import QmsError
from qmskit.render import render_json
from qmskit.render.markdown import render
from qmskit.reports import registers
from qmskit.reports.context import Context
from qmskit.repository import Repository

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 27)
KINDS = sorted(p.name for p in (ROOT / "records").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def reference() -> Context:
    return Context.load(Repository(ROOT), AS_OF)


def front_matter(path: Path) -> dict | None:  # type: ignore[type-arg]
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return None
    return yaml.safe_load(text.split("\n---", 1)[0][4:])


def table_rows(markdown: str) -> list[str]:
    """Body rows of every table in a Markdown text (header and separator rows left out)."""
    lines = markdown.splitlines()
    return [line for n, line in enumerate(lines)
            if line.startswith("| ") and not lines[n + 1 if n + 1 < len(lines) else n].startswith("|---")
            and not line.startswith("|---")]


@pytest.mark.parametrize("kind", KINDS)
def test_reference_register_has_one_row_per_record(reference: Context, kind: str) -> None:
    files = sorted((ROOT / "records" / kind).glob("*.yaml"))
    report = registers.build(reference, kind)
    assert report.data["count"] == len(files)
    assert [r["id"] for r in report.data["rows"]] == sorted(p.stem for p in files)
    if kind in ("nonconformity", "corrective_action", "complaint"):  # a few renders, counted as a reader would
        assert len(table_rows(render(report))) == len(files)


def test_reference_overdue_flags(reference: Context) -> None:
    ncrs = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (ROOT / "records/nonconformity").glob("*.yaml")]
    expected = sorted(r["id"] for r in ncrs if r["status"] != "closed" and r["due"] < AS_OF)
    assert registers.build(reference, "nonconformity").data["overdue"] == expected


def test_reference_master_list_of_documents(reference: Context) -> None:
    fronts = [f for f in (front_matter(p) for p in sorted((ROOT / "manual").rglob("*.md"))) if f and "id" in f]
    report = registers.build(reference, "documents")
    assert report.data["count"] == len(fronts)
    assert sorted(r["id"] for r in report.data["rows"]) == sorted(f["id"] for f in fronts)
    for status in ("draft", "effective", "obsolete"):
        assert report.data["by_status"][status] == sum(1 for f in fronts if f["status"] == status)
    text = render(report)
    assert len(table_rows(text)) == len(fronts)
    drafts = [f["id"] for f in fronts if f["status"] == "draft"]
    assert drafts and all(f"| {d} |" in text and "草稿" in text for d in drafts)


def test_reference_registers_are_reproducible(reference: Context) -> None:
    again = Context.load(Repository(ROOT), AS_OF)
    for what in ("documents", "complaint", "work_order"):
        assert render(registers.build(reference, what)) == render(registers.build(again, what))
        assert render_json(registers.build(reference, what)) == render_json(registers.build(again, what))


# -- a small repository with planted cases ----------------------------------------------

PHONE = "13912345678"
NAME = "赵敏感"


def _dump(data: dict) -> str:  # type: ignore[type-arg]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def plant(root: Path) -> None:
    write(root / "records/nonconformity/NCR-2026-0101.yaml", _dump({
        "id": "NCR-2026-0101", "status": "action", "source": "inspection", "raised": dt.date(2026, 2, 1),
        "requirement": "QP-03", "description": "回复超时。" * 20, "grade": "minor", "department": "客户服务部",
        "owner": "客户服务部经理", "due": dt.date(2026, 3, 10), "root_cause": "不清楚时限。", "correction": "补充回复。"}))
    write(root / "records/complaint/CMP-2026-0101.yaml", _dump({
        "id": "CMP-2026-0101", "status": "received", "received": dt.date(2026, 1, 28), "customer_type": "individual",
        "customer_name": NAME, "customer_phone": PHONE, "department": "客户服务部", "description": "三天才回复。"}))
    write(root / "manual/WI-09-old.md", """---
id: WI-09
title: 旧的作业指导书
type: WI
revision: B/0
status: effective
owner: 质量部经理
approver: 管理者代表
approved: 2024-12-20
effective: 2025-01-10
review_every: 12
iso9001: ["7.5"]
---

# 旧的作业指导书
""")
    write(root / "manual/WI-10-draft.md", """---
id: WI-10
title: 起草中的作业指导书
type: WI
revision: A/0
status: draft
owner: 质量部经理
approver: 管理者代表
---

# 起草中的作业指导书
""")


def load(root: Path, as_of: dt.date, lang: str | None = None) -> Context:
    ctx = Context.load(Repository(root), as_of, lang)
    assert ctx.unreadable == [], [i.format() for i in ctx.unreadable]
    return ctx


def _row_of(text: str, rid: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(f"| {rid} |"))
    return [c.strip() for c in line.strip("|").split(" | ")]


def test_register_overdue_from_the_day_after_due(repo: Path) -> None:
    plant(repo)
    on_day = registers.build(load(repo, dt.date(2026, 3, 10)), "nonconformity")
    assert "NCR-2026-0101" not in on_day.data["overdue"]
    assert _row_of(render(on_day), "NCR-2026-0101")[-1] == "—"
    after = registers.build(load(repo, dt.date(2026, 3, 12)), "nonconformity")
    assert "NCR-2026-0101" in after.data["overdue"]
    row = _row_of(render(after), "NCR-2026-0101")
    assert row[-1] == "2"  # overdue days
    assert any(c.endswith("…") and len(c) <= registers.TEXT_LIMIT for c in row)  # long text cut


def test_register_never_shows_confidential_values(repo: Path, tmp_path: Path) -> None:
    plant(repo)
    report = registers.build(load(repo, dt.date(2026, 3, 12)), "complaint")
    text = render(report) + render_json(report)
    assert PHONE not in text and NAME not in text
    assert "CMP-2026-0101" in text and "customer_phone" in text  # named as left out, not shown
    out = tmp_path / "out"
    result = run_qms("register", "complaint", "--as-of", "2026-03-12", "--format", "md", "--format", "json",
                     "--format", "docx", "--out", str(out), cwd=repo)
    assert result.returncode == 0, result.stderr
    for path in out.iterdir():
        assert PHONE.encode() not in path.read_bytes()


def test_master_list_marks_drafts_and_overdue_reviews(repo: Path) -> None:
    plant(repo)
    report = registers.build(load(repo, dt.date(2026, 3, 12)), "documents")
    text = render(report)
    assert "草稿" in _row_of(text, "WI-10")[4]
    assert _row_of(text, "WI-09")[-1] == "2026-01-10 逾期"
    assert report.data["review_overdue"] == ["WI-09"]
    on_the_day = registers.build(load(repo, dt.date(2026, 1, 10)), "documents")
    assert on_the_day.data["review_overdue"] == []
    english = render(registers.build(load(repo, dt.date(2026, 3, 12), "en"), "documents"))
    assert "Master list of documents" in english and "2026-01-10 OVERDUE" in english


def test_unknown_kind_suggests_the_right_one(repo: Path) -> None:
    with pytest.raises(QmsError, match="did you mean 'nonconformity'"):
        registers.build(load(in_english(repo), dt.date(2026, 3, 12)), "nonconformty")
    result = run_qms("register", "nonconformty", cwd=repo)
    assert result.returncode == 2
    assert "nonconformity" in result.stderr and "complaint" in result.stderr


def test_register_json_carries_rows(repo: Path, tmp_path: Path) -> None:
    plant(repo)
    result = run_qms("register", "nonconformity", "--as-of", "2026-03-12", "--format", "json", "--out", str(tmp_path), cwd=repo)
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "register-nonconformity.json").read_text(encoding="utf-8"))
    files = list((repo / "records/nonconformity").glob("*.yaml"))
    assert data["count"] == len(files) and len(data["rows"]) == len(files)
    assert data["overdue"] == ["NCR-2026-0101"]
