"""``qms review``: the management-review packet, one section per ISO 9001 9.3.2 input.

Figures are re-counted here from the record files with a few lines of
independent code (yaml.safe_load, no qmskit), never copied from the output.
The reference QMS is only read; planted cases live in ``qms init``
repositories in temporary folders.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import statistics
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import run_qms, write
from qmskit.render.markdown import render
from qmskit.report import BulletList, Paragraph, Report, Section, Table
from qmskit.reports import review
from qmskit.reports.context import Context
from qmskit.reports.labels import VALUES
from qmskit.repository import Repository

ROOT = Path(__file__).parents[1]
AS_OF = dt.date(2026, 11, 27)
LETTERS = ("a", "b", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "d", "e", "f")
EMPTY = "本期无记录"


# -- helpers ----------------------------------------------------------------------


def records(kind: str, root: Path = ROOT) -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((root / "records" / kind).glob("*.yaml"))]


def between(day: object, since: dt.date, until: dt.date) -> bool:
    return isinstance(day, dt.date) and since <= day <= until


def section(report: Report, letter: str) -> Section:
    found = [s for s in report.sections if s.title.startswith(f"9.3.2 {letter}) ")]
    assert len(found) == 1, [s.title for s in report.sections]
    return found[0]


def text(sec: Section) -> str:
    parts: list[str] = []
    for block in sec.blocks:
        if isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, BulletList):
            parts.extend(block.items)
        elif isinstance(block, Table):
            parts.extend([block.caption or "", *block.columns, *(c for row in block.rows for c in row)])
    return "\n".join(parts)


@pytest.fixture(scope="module")
def ref() -> Context:
    return Context.load(Repository(ROOT), AS_OF)


@pytest.fixture(scope="module")
def default_packet(ref: Context) -> Report:
    return review.build(ref)


@pytest.fixture(scope="module")
def year_packet(ref: Context) -> Report:
    """The year since MR-2025-01: the period the reference records were written to fill."""
    return review.build(ref, since=dt.date(2025, 12, 19))


# -- every input, always ----------------------------------------------------------------


@pytest.mark.parametrize("which", ["default_packet", "year_packet"])
def test_every_input_has_its_section_in_the_reference_packet(which: str, request: pytest.FixtureRequest) -> None:
    report: Report = request.getfixturevalue(which)
    for letter in LETTERS:
        assert section(report, letter).blocks, letter
    assert sorted(k for k in report.data if k in LETTERS) == sorted(LETTERS)
    assert report.data["records_left_out"] == []


def test_every_input_has_its_section_in_a_new_repository_and_empty_ones_say_so(repo: Path) -> None:
    ctx = Context.load(Repository(repo), dt.date.today())
    report = review.build(ctx)
    for letter in LETTERS:
        assert section(report, letter).blocks, letter
    assert "没有上次管理评审的记录" in text(section(report, "a"))
    for letter in ("c6", "c7", "d", "e"):  # no audits, providers, training or risks in a new repository
        assert EMPTY in text(section(report, letter)), letter
    assert "无法读取文件修订历史(不是 git 仓库)" in text(section(report, "b"))
    md = render(report)
    assert md.count("\n## 9.3.2 ") == len(LETTERS)


# -- the reference QMS, re-counted from its YAML -------------------------------------------


def test_default_period_follows_the_last_review_held_before_the_as_of_day(default_packet: Report) -> None:
    held = [r["held"] for r in records("management_review") if r["held"] < AS_OF]
    since = max(held) + dt.timedelta(days=1)
    assert default_packet.period == f"{since}..{AS_OF}"
    last = next(r for r in records("management_review") if r["held"] == max(held))
    assert default_packet.data["a"]["review"] == last["id"]


def test_previous_review_outputs_done_open_and_overdue(year_packet: Report) -> None:
    mr = next(r for r in records("management_review") if r["id"] == "MR-2025-01")
    done = [o for o in mr["outputs"] if o.get("done")]
    late = [o for o in done if o["done"] > o["due"]]
    still = [o for o in mr["outputs"] if not o.get("done")]
    overdue = [o for o in still if o["due"] < AS_OF]
    a = year_packet.data["a"]
    assert (a["review"], a["done"], a["done_late"], a["open"], a["overdue"]) == (
        "MR-2025-01", len(done), len(late), len(still), len(overdue))
    assert f"已完成 {len(done)} 项(其中逾期完成 {len(late)} 项),未完成 {len(still)} 项(其中逾期 {len(overdue)} 项)" in text(section(year_packet, "a"))


def test_complaints_received_and_reply_rate(year_packet: Report) -> None:
    since, until = dt.date(2025, 12, 19), AS_OF
    mine = [c for c in records("complaint") if between(c["received"], since, until)]
    replied = [c for c in mine if c.get("replied") and c["replied"] <= until]
    got = year_packet.data["c1"]["complaints"]
    assert (got["received"], got["replied"]) == (len(mine), len(replied))
    assert got["reply_rate"] == pytest.approx(len(replied) / len(mine))
    assert sorted(got["unanswered"]) == sorted(c["id"] for c in mine if c not in replied)
    assert f"本期受理投诉 {len(mine)} 起" in text(section(year_packet, "c1"))
    assert f"{len(replied) / len(mine) * 100:.1f} %" in text(section(year_packet, "c1"))


def test_nonconformities_raised_by_source(year_packet: Report) -> None:
    since, until = dt.date(2025, 12, 19), AS_OF
    mine = [n for n in records("nonconformity") if between(n["raised"], since, until)]
    assert year_packet.data["c4"]["by"]["source"] == dict(Counter(n["source"] for n in mine))
    assert year_packet.data["c4"]["raised"] == len(mine)
    internal = sum(1 for n in mine if n["source"] == "internal_audit")
    assert f"内部审核 {internal}" in text(section(year_packet, "c4"))


def test_worst_servqual_dimension(year_packet: Report) -> None:
    since, until = dt.date(2025, 12, 19), AS_OF
    surveys = [s for s in records("satisfaction_survey") if between(s["surveyed"], since, until)]
    dims = list(surveys[0]["servqual"])
    gaps = {d: statistics.fmean(s["servqual"][d]["perceived"] - s["servqual"][d]["expected"] for s in surveys) for d in dims}
    worst = min(dims, key=lambda d: gaps[d])
    assert year_packet.data["c1"]["servqual"]["worst"] == worst
    assert year_packet.data["c1"]["servqual"]["dimensions"][worst]["gap"] == pytest.approx(gaps[worst])
    assert f"最弱维度:{VALUES[worst][0]},平均 {gaps[worst]:.2f} 分" in text(section(year_packet, "c1"))


def test_stated_figures_of_the_previous_review_beside_the_recount(default_packet: Report) -> None:
    mr = next(r for r in records("management_review") if r["id"] == "MR-2026-01")
    since, held = dt.date(2025, 12, 19), mr["held"]  # the day after MR-2025-01, to MR-2026-01
    stated = {s["metric"]: s for s in default_packet.data["a"]["stated"]}
    surveys = [s for s in records("satisfaction_survey") if between(s["surveyed"], since, held) and s["customer_type"] == "individual"]
    share = sum(1 for s in surveys if s["satisfied"]) / len(surveys)
    assert stated["satisfaction:individual"]["stated"] == 95
    assert stated["satisfaction:individual"]["recounted"] == pytest.approx(share)
    assert stated["satisfaction:individual"]["agrees"] is (round(share * 100) == 95)
    overdue = [n["id"] for n in records("nonconformity") if n["raised"] <= held and n["due"] < held
               and not (n.get("closed") and n["closed"] <= held)]
    said = int(re.search(r"(\d+) 项超期", mr["inputs"]["c4"]).group(1))  # the figure the review's own text states
    assert stated["ncr_overdue"]["stated"] == said and stated["ncr_overdue"]["recounted"] == len(overdue)
    assert stated["ncr_overdue"]["agrees"] is (len(overdue) == said)
    table = next(b for s in default_packet.sections if s.level == 3 for b in s.blocks if isinstance(b, Table))
    assert any(row[1] == "超期未关闭的不符合" and row[3] == str(said) and row[4].startswith(str(len(overdue)))
               for row in table.rows)


def test_same_options_give_the_same_markdown_and_no_personal_data(ref: Context, year_packet: Report) -> None:
    md = render(year_packet)
    assert render(review.build(ref, since=dt.date(2025, 12, 19))) == md
    private = {str(r.get(k)) for r in records("complaint") for k in ("customer_name", "customer_phone") if r.get(k)}
    private |= {str(r.get(k)) for r in records("satisfaction_survey") for k in ("phone", "respondent", "customer") if r.get(k)}
    assert not [p for p in private if len(p) >= 3 and p in md]


def test_english_labels(ref: Context) -> None:
    ctx = Context.load(Repository(ROOT), AS_OF, lang="en")
    report = review.build(ctx, since=dt.date(2025, 12, 19))
    assert section(report, "c4").title == "9.3.2 c4) Nonconformities and corrective actions"
    assert "Weakest dimension" in text(section(report, "c1"))


# -- planted cases in a small repository -------------------------------------------------------

REVIEW_FORM = '''"""管理评审报告 / Management review."""
from qmskit.forms import FormSpec, ManagementReview


class Review(ManagementReview):
    form = FormSpec(kind="management_review", code="QM-FOR-05-01", title_zh="管理评审报告", title_en="Management review report",
                    procedure="QM-01", id_pattern="MR-{year}-{seq:02}", date_field="held")
'''


def plant(repo: Path, kind: str, data: dict) -> None:
    write(repo / "records" / kind / f"{data['id']}.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def complaint(cid: str, received: str, replied: str | None) -> dict:
    return {"id": cid, "status": "replied" if replied else "received", "received": dt.date.fromisoformat(received),
            "customer_type": "individual", "department": "客户服务部", "description": "报修无人上门。",
            **({"replied": dt.date.fromisoformat(replied)} if replied else {})}


def ncr(nid: str, raised: str, requirement: str, department: str) -> dict:
    day = dt.date.fromisoformat(raised)
    return {"id": nid, "status": "open", "source": "internal_audit", "raised": day, "requirement": requirement,
            "description": "记录不全。", "grade": "minor", "department": department, "owner": "质量部经理",
            "due": day + dt.timedelta(days=30)}


@pytest.fixture
def planted(repo: Path) -> Path:
    write(repo / "schemas" / "management_review.py", REVIEW_FORM)
    plant(repo, "management_review", {
        "id": "MR-2020-01", "held": dt.date(2020, 1, 15), "chair": "总经理",
        "inputs": {"c2": "投诉回复率 100 %。"},
        "outputs": [
            {"action": "修订投诉处理程序。", "owner": "客户服务部经理", "due": dt.date(2020, 3, 31), "category": "qms_change"},
            {"action": "增加一名客服。", "owner": "总经理", "due": dt.date(2020, 6, 30), "category": "resources",
             "done": dt.date(2020, 5, 1)},
        ]})
    plant(repo, "complaint", complaint("CMP-2020-0001", "2020-02-03", "2020-02-04"))
    plant(repo, "complaint", complaint("CMP-2020-0002", "2020-05-06", "2020-05-06"))
    plant(repo, "complaint", complaint("CMP-2020-0003", "2020-08-10", None))
    plant(repo, "nonconformity", ncr("NCR-2020-0001", "2020-03-02", "QP-03 §5", "客户服务部"))
    plant(repo, "nonconformity", ncr("NCR-2020-0002", "2020-09-14", "QP-03  §5", "质量部"))
    plant(repo, "nonconformity", ncr("NCR-2020-0003", "2020-10-20", "QP-01", "总经办"))
    return repo


def build(root: Path) -> Report:
    ctx = Context.load(Repository(root), dt.date(2020, 12, 31))
    assert ctx.unreadable == []
    return review.build(ctx)


def test_planted_unanswered_complaint_moves_the_reply_rate_by_one(planted: Path) -> None:
    with_it = build(planted).data["c1"]["complaints"]
    (planted / "records" / "complaint" / "CMP-2020-0003.yaml").unlink()
    without = build(planted).data["c1"]["complaints"]
    assert with_it["received"] - without["received"] == 1
    assert with_it["replied"] == without["replied"] == 2
    assert (with_it["unanswered"], without["unanswered"]) == (["CMP-2020-0003"], [])
    assert (with_it["reply_rate"], without["reply_rate"]) == (pytest.approx(2 / 3), 1.0)


def test_planted_review_output_past_due_is_overdue_in_input_a(planted: Path) -> None:
    report = build(planted)
    assert report.period == "2020-01-16..2020-12-31"
    a = report.data["a"]
    assert (a["review"], a["done"], a["overdue"]) == ("MR-2020-01", 1, 1)
    rows = next(b for b in section(report, "a").blocks if isinstance(b, Table)).rows
    assert [rows[0][0], rows[0][6]] == ["MR-2020-01 #1", "逾期未完成"]
    assert any("MR-2020-01 #1" in item for b in section(report, "f").blocks if isinstance(b, BulletList) for item in b.items)
    stated = {s["metric"]: s for s in a["stated"]}
    assert stated["reply_rate"]["stated"] == 100


def test_planted_recurrence_of_the_same_requirement_is_listed(planted: Path) -> None:
    report = build(planted)
    found = report.data["c4"]["recurrences"]
    assert {"by": "requirement", "key": "QP-03 §5", "ids": ["NCR-2020-0001", "NCR-2020-0002"]} in found
    assert not any("NCR-2020-0003" in r["ids"] for r in found)
    assert "NCR-2020-0001, NCR-2020-0002" in text(section(report, "c4"))
    assert "NCR-2020-0001, NCR-2020-0002" in text(section(report, "f"))


# -- the command -------------------------------------------------------------------------------------


def test_cli_writes_markdown_and_json(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_qms("review", "--as-of", "2026-11-27", "--format", "md", "--format", "json", "--out", str(out), cwd=ROOT)
    assert result.returncode == 0, result.stderr
    [md] = out.glob("review-*.md")
    [js] = out.glob("review-*.json")
    data = json.loads(js.read_text(encoding="utf-8"))
    assert set(LETTERS) <= set(data)
    assert data["period"] == md.stem.removeprefix("review-")
    assert md.read_text(encoding="utf-8").count("\n## 9.3.2 ") == len(LETTERS)
