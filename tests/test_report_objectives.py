"""``qms objectives``: figures re-counted from the YAML, planted cases, reported vs computed."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from conftest import run_qms
from qmskit.reports import objectives
from qmskit.reports.periods import Period
from reportkit import AS_OF, clear_records, context, raw_records, reference_context, write_record


def _quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def test_reply_rate_per_quarter_recounted_from_the_complaints() -> None:
    ctx = reference_context()
    results = {(r.objective.id, r.period.label, r.department): r for r in objectives.compute(ctx, Period.parse("2026"))}
    quarter_end = {"2026-Q1": dt.date(2026, 3, 31), "2026-Q2": dt.date(2026, 6, 30),
                   "2026-Q3": dt.date(2026, 9, 30), "2026-Q4": dt.date(2026, 12, 31)}
    expected: dict[str, list[int]] = {}
    for c in raw_records("complaint"):
        if c["unit"] != "labor-dispatch" or c["received"].year != 2026 or c["received"] > AS_OF:
            continue
        q = _quarter(c["received"])
        last = min(quarter_end[q], AS_OF)
        counts = expected.setdefault(q, [0, 0])
        counts[1] += 1
        counts[0] += 1 if c.get("replied") and c["replied"] <= last else 0
    assert expected, "the reference year has labor-dispatch complaints"
    for q, (num, den) in expected.items():
        got = results[("OBJ-LD-03", q, None)]
        assert (got.count.numerator, got.count.denominator) == (num, den), q
        assert got.met is (num == den)
    assert any(num < den for num, den in expected.values()), "the reference year keeps a missed quarter"


def test_satisfaction_share_recounted_from_the_surveys() -> None:
    ctx = reference_context()
    results = {(r.objective.id, r.department): r for r in objectives.compute(ctx, Period.parse("2026"))}
    for oid, ctype in (("OBJ-LD-01", "individual"), ("OBJ-LD-02", "enterprise")):
        surveys = [s for s in raw_records("satisfaction_survey")
                   if s["customer_type"] == ctype and s["surveyed"].year == 2026 and s["surveyed"] <= AS_OF]
        got = results[(oid, None)]
        assert got.count.denominator == len(surveys)
        assert got.count.numerator == sum(1 for s in surveys if s["satisfied"] is True)
        assert sorted(got.count.measured) == sorted(s["id"] for s in surveys)


def test_reported_figures_are_set_beside_the_computed_ones() -> None:
    ctx = reference_context()
    results = objectives.compute(ctx, Period.parse("2026"))
    reported = {r.record: (r, res) for res in results for r in res.reported}
    for rec in raw_records("objective_result"):
        if not rec["period"].startswith("2026"):
            continue
        row, result = reported[rec["id"]]
        assert (row.numerator, row.denominator) == (rec["numerator"], rec["denominator"])
        agrees = (rec["numerator"], rec["denominator"]) == (result.count.numerator, result.count.denominator)
        assert (row in result.differences()) is (not agrees)


def _small_repo(repo: Path, replied: list[bool]) -> None:
    clear_records(repo)
    for n, answered in enumerate(replied, 1):
        received = dt.date(2026, 4, n)
        data = {"id": f"CMP-2026-{n:04d}", "status": "replied" if answered else "received", "received": received,
                "customer_type": "individual", "department": "客户服务部", "description": f"投诉 {n}"}
        if answered:
            data |= {"replied": received + dt.timedelta(days=1)}
        write_record(repo, "complaint", data)


def test_an_unanswered_complaint_changes_the_reply_rate_by_exactly_one(repo: Path) -> None:
    _small_repo(repo, [True, True, True])
    before = objectives.compute(context(repo, dt.date(2026, 7, 15)), Period.parse("2026-Q2"))[0].count
    write_record(repo, "complaint", {"id": "CMP-2026-0009", "status": "received", "received": dt.date(2026, 5, 9),
                                     "customer_type": "enterprise", "department": "客户服务部", "description": "未回复"})
    after = objectives.compute(context(repo, dt.date(2026, 7, 15)), Period.parse("2026-Q2"))[0]
    assert (after.count.numerator, after.count.denominator) == (before.numerator, before.denominator + 1)
    assert after.verdict == "missed" and "CMP-2026-0009" not in after.count.meeting


def test_a_reply_after_the_quarter_does_not_count_for_it(repo: Path) -> None:
    _small_repo(repo, [True])
    write_record(repo, "complaint", {"id": "CMP-2026-0002", "status": "replied", "received": dt.date(2026, 6, 30),
                                     "customer_type": "individual", "department": "客户服务部", "description": "季末",
                                     "replied": dt.date(2026, 7, 1)})
    result = objectives.compute(context(repo, dt.date(2026, 8, 1)), Period.parse("2026-Q2"))[0]
    assert (result.count.numerator, result.count.denominator) == (1, 2)


def test_a_reported_figure_that_differs_is_flagged(repo: Path, tmp_path: Path) -> None:
    _small_repo(repo, [True, False])
    (repo / "schemas" / "objective_result.py").write_text((Path(__file__).parents[1] / "schemas" / "objective_result.py")
                                                          .read_text(encoding="utf-8"), encoding="utf-8")
    write_record(repo, "objective_result", {"id": "OBJ-2026-001", "objective": "OBJ-QM-01", "period": "2026-Q2",
                                            "department": "质量部", "numerator": 2, "denominator": 2,
                                            "reported": dt.date(2026, 7, 5), "reported_by": "质量部经理"})
    result = run_qms("objectives", "--as-of", "2026-08-01", "--period", "2026-Q2", "--format", "md", "--format", "json",
                     "--out", str(tmp_path / "out"), cwd=repo)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "out" / "objectives-2026-Q2.md").read_text(encoding="utf-8")
    assert "OBJ-2026-001" in text and "不一致" in text
    data = json.loads((tmp_path / "out" / "objectives-2026-Q2.json").read_text(encoding="utf-8"))
    assert data["records_left_out"] == []
    row = data["results"][0]
    assert (row["numerator"], row["denominator"]) == (1, 2)
    assert row["reported"][0]["agrees"] is False and row["counted"] == ["CMP-2026-0001", "CMP-2026-0002"]


def test_english_labels_and_a_period_that_cannot_be_read(repo: Path, tmp_path: Path) -> None:
    _small_repo(repo, [True])
    ok = run_qms("objectives", "--lang", "en", "--as-of", "2026-08-01", "--format", "md", "--out", str(tmp_path), cwd=repo)
    assert ok.returncode == 0, ok.stderr
    text = (tmp_path / "objectives-2026.md").read_text(encoding="utf-8")
    assert text.startswith("# Quality objectives") and "Verdict" in text and "目标" not in text
    bad = run_qms("objectives", "--period", "2026-13", cwd=repo)
    assert bad.returncode == 2 and "2026-Q2" in bad.stderr


@pytest.mark.parametrize("text,label,end", [("2026", "2026", "2026-12-31"), ("2026-H1", "2026-H1", "2026-06-30"),
                                             ("2026-Q1", "2026-Q1", "2026-03-31"), ("2024-02", "2024-02", "2024-02-29")])
def test_periods(text: str, label: str, end: str) -> None:
    period = Period.parse(text)
    assert period.label == label and period.end.isoformat() == end
    assert period.previous().end == period.start - dt.timedelta(days=1)
    assert yaml.safe_load(label) is not None
