"""qms coverage: ISO 9001 clauses × effective documents, reviews past due, forms never used.

The expected sets are re-computed here from the documents' front matter
(yaml.safe_load) and the record folders, with a clause mapping of our own.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from conftest import run_qms, write

from qmskit.iso9001 import CLAUSES
from qmskit.render import render_json
from qmskit.render.markdown import render
from qmskit.reports import coverage
from qmskit.reports.context import Context
from qmskit.repository import Repository

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 27)


def fronts(root: Path) -> list[dict]:  # type: ignore[type-arg]
    found = []
    for path in sorted((root / "manual").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            data = yaml.safe_load(text.split("\n---", 1)[0][4:])
            if isinstance(data, dict) and "id" in data:
                found.append(data)
    return found


def top_clause(tag: str) -> str:
    """``7.1.5`` → ``7.1``; ``10.2`` → ``10.2`` (our own mapping, not the program's)."""
    parts = str(tag).split(".")
    return ".".join(parts[:2])


def expected_cover(root: Path) -> dict[str, set[str]]:
    cover: dict[str, set[str]] = {c: set() for c in CLAUSES}
    for front in fronts(root):
        if front["status"] == "effective":
            for tag in front.get("iso9001") or []:
                cover[top_clause(tag)].add(front["id"])
    return cover


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError


def expected_review_overdue(root: Path, as_of: dt.date) -> list[str]:
    return sorted(f["id"] for f in fronts(root) if f["status"] == "effective" and f.get("effective") and f.get("review_every")
                  and add_months(f["effective"], f["review_every"]) < as_of)


def expected_unused(ctx: Context, root: Path) -> list[str]:
    return sorted(k for k in ctx.repo.registry.kinds if not list((root / "records" / k).glob("*.yaml")))


@pytest.fixture(scope="module")
def reference() -> Context:
    return Context.load(Repository(ROOT), AS_OF)


def test_reference_clause_coverage(reference: Context) -> None:
    cover = expected_cover(ROOT)
    report = coverage.build(reference)
    assert {c: set(ids) for c, ids in report.data["clauses"].items()} == cover
    assert report.data["uncovered"] == [c for c in CLAUSES if not cover[c]]
    assert sorted(r["id"] for r in report.data["review_overdue"]) == expected_review_overdue(ROOT, AS_OF)
    assert report.data["forms_without_records"] == expected_unused(reference, ROOT)
    text = render(report)
    for clause in CLAUSES:
        assert f"| {clause} | {CLAUSES[clause][1]} | {len(cover[clause])} |" in text


def test_reference_matrix_adds_up(reference: Context) -> None:
    report = coverage.build(reference)
    for clause, per_unit in report.data["matrix"].items():
        assert sum(per_unit.values()) == len(report.data["clauses"][clause])


def test_reference_is_reproducible(reference: Context) -> None:
    again = Context.load(Repository(ROOT), AS_OF)
    assert render(coverage.build(reference)) == render(coverage.build(again))
    assert render_json(coverage.build(reference)) == render_json(coverage.build(again))


# -- a small repository with planted cases --------------------------------------------

DOC = """---
id: {id}
title: {title}
type: WI
revision: A/0
status: {status}
owner: 质量部经理
approver: 管理者代表
approved: {approved}
effective: {effective}
review_every: 12
iso9001: {tags}
---

# {title}
"""


def plant(root: Path) -> None:
    write(root / "manual/WI-01-calibration.md", DOC.format(
        id="WI-01", title="监视和测量设备校准", status="effective", approved="2025-01-02", effective="2025-01-10",
        tags='["7.1.5"]'))
    write(root / "manual/WI-02-due-today.md", DOC.format(
        id="WI-02", title="当天到期评审", status="effective", approved="2025-05-20", effective="2025-06-01", tags='["7.4"]'))
    write(root / "manual/WI-03-audit-draft.md", DOC.format(
        id="WI-03", title="内部审核(草稿)", status="draft", approved="null", effective="null", tags='["9.2"]'))


def test_planted_coverage(repo: Path) -> None:
    plant(repo)
    as_of = dt.date(2026, 6, 1)  # WI-02's review falls on this very day: not yet overdue
    ctx = Context.load(Repository(repo), as_of)
    assert ctx.unreadable == []
    report = coverage.build(ctx)
    cover = expected_cover(repo)
    assert "WI-01" in report.data["clauses"]["7.1"]  # a sub-clause tag counts for its clause
    assert report.data["uncovered"] == [c for c in CLAUSES if not cover[c]]
    assert "9.2" in report.data["uncovered"] and report.data["drafts"]["9.2"] == ["WI-03"]
    assert [r["id"] for r in report.data["review_overdue"]] == expected_review_overdue(repo, as_of) == ["WI-01"]
    assert report.data["forms_without_records"] == expected_unused(ctx, repo)
    assert "amendment" in report.data["forms_without_records"]
    text = render(report)
    assert "WI-01 (7.1.5)" in text
    assert "| WI-01 | 监视和测量设备校准 | 2025-01-10 | 12 | 2026-01-10 | 142 |" in text
    assert "9.2 内部审核(草稿 WI-03 生效后可覆盖)" in text
    day_after = coverage.build(Context.load(Repository(repo), dt.date(2026, 6, 2)))
    assert [r["id"] for r in day_after.data["review_overdue"]] == ["WI-01", "WI-02"]


def test_cli_coverage_json_and_english(repo: Path, tmp_path: Path) -> None:
    plant(repo)
    result = run_qms("coverage", "--as-of", "2026-06-01", "--lang", "en", "--format", "md", "--format", "json",
                     "--out", str(tmp_path), cwd=repo)
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "coverage.json").read_text(encoding="utf-8"))
    assert data["uncovered"] == [c for c in CLAUSES if not expected_cover(repo)[c]]
    text = (tmp_path / "coverage.md").read_text(encoding="utf-8")
    assert "# ISO 9001 clause coverage" in text and "Internal audit" in text
