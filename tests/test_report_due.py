"""``qms due``: planted misses on a small repository, and the reference year re-counted from its YAML."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import run_qms, write
from qmskit.reports import due
from reportkit import AS_OF, clear_records, context, raw_records, reference_context, write_record

FORMS = '''
import datetime as dt
from pydantic import Field
from qmskit.forms import FormSpec, RecordBase


class EnergyReport(RecordBase):
    form = FormSpec(kind="energy_report", code="T-FOR-01", title_zh="能源消耗量统计表", title_en="Energy report",
                    procedure="QP-01", id_pattern="EN-{year}-{month:02}", date_field="submitted")
    month: str
    submitted: dt.date


class AuditFile(RecordBase):
    form = FormSpec(kind="audit_file", code="T-FOR-02", title_zh="内审", title_en="Audit", procedure="QP-01",
                    id_pattern="IA-{year}-{seq:02}", date_field="opened")
    opened: dt.date
    closed_meeting: dt.date | None = None
    handed_over: dt.date | None = None
'''

SCHEDULE = '''
activities:
  - {id: ACT-QM-01, name: 能源消耗量统计表, en: energy report, unit: main, source: QP-01, owner: 质量部经理,
     kind: energy_report, date_field: submitted, every: {months: 1}, due_day: 30}
  - {id: ACT-QM-02, name: 审核资料移交, en: audit file handed over, unit: main, source: QP-01, owner: 内审员,
     kind: audit_file, date_field: opened, after: {field: closed_meeting, days: 10, done_field: handed_over}}
'''


def _setup(repo: Path) -> None:
    clear_records(repo)
    write(repo / "schemas" / "test_forms.py", FORMS)
    write(repo / "manual" / "schedule.yml", SCHEDULE)


def _energy(repo: Path, months: list[int], day: int = 28) -> None:
    for month in months:
        write_record(repo, "energy_report", {"id": f"EN-2026-{month:02d}", "month": f"2026-{month:02d}",
                                             "submitted": dt.date(2026, month, day)})


def test_a_month_without_an_energy_report_is_listed_missing(repo: Path) -> None:
    _setup(repo)
    _energy(repo, [1, 2, 3, 5, 6])
    state = due.compute(context(repo, dt.date(2026, 7, 10))).activities[0]
    assert state.missing == ["2026-04"]
    assert state.last == (dt.date(2026, 6, 28), "EN-2026-06") and state.next_due == dt.date(2026, 7, 30)
    # June's report is due on the 30th: not missing on the 30th itself, missing on July 1st
    _setup(repo)
    _energy(repo, [1, 2, 3, 4, 5])
    assert due.compute(context(repo, dt.date(2026, 6, 30))).activities[0].missing == []
    assert due.compute(context(repo, dt.date(2026, 7, 1))).activities[0].missing == ["2026-06"]


def test_a_report_after_its_due_day_is_late(repo: Path) -> None:
    _setup(repo)
    _energy(repo, [1])
    write_record(repo, "energy_report", {"id": "EN-2026-02", "month": "2026-02", "submitted": dt.date(2026, 2, 28)})
    write_record(repo, "energy_report", {"id": "EN-2026-03", "month": "2026-03", "submitted": dt.date(2026, 3, 31)})
    state = due.compute(context(repo, dt.date(2026, 4, 5))).activities[0]
    assert state.late == [("EN-2026-03", dt.date(2026, 3, 31), dt.date(2026, 3, 30))]  # February's 30th is the 28th


def test_an_audit_file_handed_over_late_is_listed_and_one_not_handed_over_is_overdue(repo: Path, tmp_path: Path) -> None:
    _setup(repo)
    _energy(repo, [9, 10])
    write_record(repo, "audit_file", {"id": "IA-2026-01", "opened": dt.date(2026, 9, 1),
                                      "closed_meeting": dt.date(2026, 9, 3), "handed_over": dt.date(2026, 9, 14)})
    write_record(repo, "audit_file", {"id": "IA-2026-02", "opened": dt.date(2026, 10, 1),
                                      "closed_meeting": dt.date(2026, 10, 2)})
    found = {d.record: d for d in due.compute(context(repo, dt.date(2026, 10, 12))).deadlines}
    assert found["IA-2026-01"].state == "late" and found["IA-2026-01"].due == dt.date(2026, 9, 13)
    assert not found["IA-2026-02"].overdue(dt.date(2026, 10, 12))  # due on the 12th: not overdue on the day
    assert found["IA-2026-02"].overdue(dt.date(2026, 10, 13))
    result = run_qms("due", "--as-of", "2026-10-13", "--format", "md", "--format", "json", "--out", str(tmp_path), cwd=repo)
    assert result.returncode == 1, result.stderr
    data = json.loads((tmp_path / "due-2026-10-13.json").read_text(encoding="utf-8"))
    assert [d["record"] for d in data["deadlines"] if d["overdue"]] == ["IA-2026-02"]
    text = (tmp_path / "due-2026-10-13.md").read_text(encoding="utf-8")
    assert "IA-2026-01" in text and "超期完成" in text


def test_a_nonconformity_is_overdue_on_the_day_after_its_due_date(repo: Path, tmp_path: Path) -> None:
    _setup(repo)
    _energy(repo, [1, 2, 3])
    write_record(repo, "nonconformity", {
        "id": "NCR-2026-0001", "status": "open", "source": "process_monitoring", "raised": dt.date(2026, 3, 1),
        "requirement": "QP-01", "description": "未标注版本。", "grade": "minor", "department": "质量部",
        "owner": "质量部经理", "due": dt.date(2026, 3, 31)})
    on_the_day = due.compute(context(repo, dt.date(2026, 3, 31)))
    assert on_the_day.overdue_items() == [] and on_the_day.overdue_count() == 0
    day_after = due.compute(context(repo, dt.date(2026, 4, 1)))
    assert [i.id for i in day_after.overdue_items()] == ["NCR-2026-0001"]
    assert run_qms("due", "--as-of", "2026-03-31", "--out", str(tmp_path), cwd=repo).returncode == 0
    late = run_qms("due", "--as-of", "2026-04-01", "--out", str(tmp_path), cwd=repo)
    from qmskit import messages

    with messages.using("zh"):  # the starter says lang: zh
        assert late.returncode == 1 and messages.text("cli.overdue", n=1) in late.stdout


def test_reference_year_recounted() -> None:
    """Open NCRs past due and the missing energy month, counted here from the YAML."""
    found = due.compute(reference_context())
    expected_ncr = sorted(n["id"] for n in raw_records("nonconformity") if n["status"] != "closed" and n["due"] < AS_OF)
    assert sorted(i.id for i in found.overdue_items() if i.id.startswith("NCR-")) == expected_ncr
    months = {e["submitted"].strftime("%Y-%m") for e in raw_records("energy_report")}
    first = min(e["submitted"] for e in raw_records("energy_report"))
    expected_missing = []
    y, m = first.year, first.month
    while (y, m) < (AS_OF.year, AS_OF.month):  # the current month's report is due on the 30th, after AS_OF
        if f"{y}-{m:02d}" not in months:
            expected_missing.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    energy = next(a for a in found.activities if a.activity.kind == "energy_report")
    assert energy.missing == expected_missing and expected_missing
    handed = {a["id"]: a for a in raw_records("audit_report")}
    late = [d.record for d in found.deadlines if d.activity.kind == "audit_report" and d.state == "late"]
    assert late and late == sorted(i for i, a in handed.items() if a.get("handed_over") and a.get("closed_meeting")
                          and (a["handed_over"] - a["closed_meeting"]).days > 10
                          and a["closed_meeting"] >= found.since)
