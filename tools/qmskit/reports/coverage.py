"""``qms coverage``: which effective documents cover each ISO 9001 clause, and the gaps.

An auditor's first questions of a documented system: is every clause
addressed by a document in force (a tag ``7.1.5`` counts for 7.1; drafts
and obsolete documents do not count), are the documents still reviewed on
time (``review_due()`` before the as-of day is a finding), and is every
form actually used (a form with no records is either new or dead).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..documents import Document
from ..iso9001 import CLAUSES, clause_of
from ..registry import Kind
from ..report import BulletList, Paragraph, Report, Table
from .context import Context


@dataclass
class ClauseCover:
    """One clause: the effective documents tagging it (with the tag they use), and drafts that would."""

    clause: str
    documents: list[tuple[str, str]] = field(default_factory=list)  # (document id, tag as written)
    drafts: list[str] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return bool(self.documents)


@dataclass
class Coverage:
    clauses: list[ClauseCover]
    review_overdue: list[tuple[Document, dt.date]]
    no_review_period: list[str]
    untagged: list[str]  # effective documents that tag no clause
    unused_forms: list[Kind]

    @property
    def uncovered(self) -> list[str]:
        return [c.clause for c in self.clauses if not c.covered]


def clause_table(docs: list[Document]) -> list[ClauseCover]:
    """Every clause of CLAUSES in order, with the documents that tag it or a sub-clause of it."""
    covers = {clause: ClauseCover(clause) for clause in CLAUSES}
    for doc in sorted(docs, key=lambda d: d.id):
        for tag in doc.iso9001:
            clause = clause_of(tag)
            if clause is None:
                continue
            cover = covers[clause]
            if doc.status == "effective":
                if doc.id not in [d for d, _ in cover.documents]:
                    cover.documents.append((doc.id, tag))
            elif doc.status == "draft" and doc.id not in cover.drafts:
                cover.drafts.append(doc.id)
    return list(covers.values())


def _has_records(ctx: Context, kind: Kind) -> bool:
    """A record that fails its form is still a record: the form is in use."""
    return bool(ctx.of_kind(kind.name)) or any(k.name == kind.name for k, _, _ in ctx.invalid.values())


def compute(ctx: Context) -> Coverage:
    docs = list(ctx.documents.values())
    effective = sorted((d for d in docs if d.status == "effective"), key=lambda d: d.id)
    overdue = [(d, d.review_due()) for d in effective if d.review_due() is not None and d.review_due() < ctx.as_of]
    return Coverage(
        clauses=clause_table(docs),
        review_overdue=sorted(overdue, key=lambda pair: (pair[1], pair[0].id)),  # type: ignore[arg-type,return-value]
        no_review_period=[d.id for d in effective if d.review_every is None],
        untagged=[d.id for d in effective if not d.iso9001],
        unused_forms=sorted((k for k in ctx.repo.registry.kinds.values() if not _has_records(ctx, k)), key=lambda k: k.name),
    )


# -- the report ---------------------------------------------------------------------


def _clause_title(ctx: Context, clause: str) -> str:
    en, zh = CLAUSES[clause]
    return ctx.tr(zh, en)


def _docs_text(cover: ClauseCover) -> str:
    """``LD-QM-01, HE-JD-02 (7.1.5)``: the sub-clause shown where a document tags one."""
    return ", ".join(doc if tag == cover.clause else f"{doc} ({tag})" for doc, tag in cover.documents) or "—"


def _unit_columns(ctx: Context) -> list[tuple[str | None, str]]:
    """(unit id, short column heading): the organization's units by document prefix, then documents of no unit."""
    units = [(u.id, u.prefix) for u in (ctx.organization.units if ctx.organization else [])]
    known = {u for u, _ in units}
    if any(d.unit not in known for d in ctx.documents.values() if d.status == "effective"):
        units.append((None, ctx.tr("其他", "other")))
    return units


def matrix(ctx: Context, cov: Coverage) -> tuple[Table, Paragraph, dict[str, dict[str, int]]]:
    """Clause × unit: how many effective documents of each unit cover the clause."""
    tr = ctx.tr
    units = _unit_columns(ctx)
    known = {u for u, _ in units if u is not None}
    unit_of = {d.id: (d.unit if d.unit in known else None) for d in ctx.documents.values()}
    counts: dict[str, dict[str, int]] = {}
    rows = []
    for cover in cov.clauses:
        per = {heading: sum(1 for doc, _ in cover.documents if unit_of.get(doc) == unit) for unit, heading in units}
        counts[cover.clause] = per
        rows.append([cover.clause, *(str(n) if n else "·" for n in per.values()), str(len(cover.documents))])
    legend = "; ".join(f"{u.prefix} = {u.name if ctx.lang == 'zh' else tr.value(u.id)}"
                       for u in (ctx.organization.units if ctx.organization else []))
    table = Table([tr("条款", "Clause"), *(h for _, h in units), tr("合计", "Total")], rows)
    note = Paragraph(tr(f"每格为该单位覆盖此条款的生效文件数(· 为无)。{legend}",
                        f"Each cell: effective documents of that unit covering the clause (· none). {legend}"), "note")
    return table, note, counts


def build(ctx: Context) -> Report:
    tr = ctx.tr
    cov = compute(ctx)
    effective = sum(1 for d in ctx.documents.values() if d.status == "effective")
    report = Report(tr("ISO 9001 条款覆盖", "ISO 9001 clause coverage"), document_id="RPT-COVERAGE",
                    subtitle=tr(f"GB/T 19001-2016 / ISO 9001:2015 第 4–10 章;截至 {ctx.as_of};只计生效文件({effective} 份)。",
                                f"ISO 9001:2015 clauses 4–10; as of {ctx.as_of}; effective documents only ({effective})."))
    summary = report.section(tr("概要", "Summary"))
    summary.add(BulletList([
        tr(f"条款 {len(cov.clauses)} 项,已覆盖 {len(cov.clauses) - len(cov.uncovered)} 项,未覆盖 {len(cov.uncovered)} 项",
           f"{len(cov.clauses)} clauses, {len(cov.clauses) - len(cov.uncovered)} covered, {len(cov.uncovered)} not covered")
        + (f": {', '.join(cov.uncovered)}" if cov.uncovered else ""),
        tr(f"超期未评审的文件 {len(cov.review_overdue)} 份", f"{len(cov.review_overdue)} documents past their periodic review"),
        tr(f"没有记录的表格 {len(cov.unused_forms)} 种", f"{len(cov.unused_forms)} forms with no records"),
    ]))
    rows = [[c.clause, _clause_title(ctx, c.clause), str(len(c.documents)), _docs_text(c),
             ", ".join(c.drafts) or "—"] for c in cov.clauses]
    report.section(tr("条款与文件", "Clauses and documents")).add(Table(
        [tr("条款", "Clause"), tr("标题", "Title"), tr("文件数", "Documents"), tr("覆盖的生效文件", "Effective documents"),
         tr("草稿(未计入)", "Drafts (not counted)")], rows, widths=[1, 3, 1, 5, 2]))
    table, note, counts = matrix(ctx, cov)
    report.section(tr("按单位的覆盖矩阵", "Coverage by unit")).add(note, table)
    gaps = report.section(tr("未覆盖的条款", "Clauses not covered"))
    if cov.uncovered:
        drafts = {c.clause: c.drafts for c in cov.clauses}
        gaps.add(BulletList([f"{c} {_clause_title(ctx, c)}"
                             + (tr(f"(草稿 {', '.join(drafts[c])} 生效后可覆盖)", f" (draft {', '.join(drafts[c])} would cover it once effective)")
                                if drafts[c] else "") for c in cov.uncovered]))
    else:
        gaps.add(Paragraph(tr("每一条款都至少有一份生效文件覆盖。", "Every clause is covered by at least one effective document.")))
    reviews = report.section(tr("超期未评审的文件", "Documents past their periodic review"))
    reviews.add(Table([tr("文件编号", "Document"), tr("标题", "Title"), tr("生效日期", "Effective"), tr("评审周期(月)", "Every (months)"),
                       tr("应评审日期", "Review due"), tr("超期天数", "Days over")],
                      [[d.id, d.title, str(d.effective), str(d.review_every), str(due), str((ctx.as_of - due).days)]
                       for d, due in cov.review_overdue],
                      empty=tr("(无:所有生效文件均在评审周期内)", "(none: every effective document is within its review period)")))
    if cov.no_review_period:
        reviews.add(Paragraph(tr(f"未规定定期评审周期的生效文件:{', '.join(cov.no_review_period)}。",
                                 f"Effective documents with no periodic review set: {', '.join(cov.no_review_period)}."), "note"))
    if cov.untagged:
        reviews.add(Paragraph(tr(f"未标注 ISO 9001 条款的生效文件:{', '.join(cov.untagged)}。",
                                 f"Effective documents that tag no ISO 9001 clause: {', '.join(cov.untagged)}."), "note"))
    report.section(tr("没有记录的表格", "Forms with no records")).add(Table(
        [tr("记录类别", "Kind"), tr("表格名称", "Form"), tr("表格编号", "Code"), tr("依据文件", "Procedure")],
        [[k.name, k.spec.title(ctx.lang), k.spec.code, k.spec.procedure] for k in cov.unused_forms],
        empty=tr("(无:每种表格都有记录)", "(none: every form has records)")))
    report.data = _data(cov, counts)
    return ctx.stamp(report)


def _data(cov: Coverage, counts: dict[str, dict[str, int]]) -> dict[str, Any]:
    return {
        "report": "coverage",
        "clauses": {c.clause: [doc for doc, _ in c.documents] for c in cov.clauses},
        "drafts": {c.clause: c.drafts for c in cov.clauses if c.drafts},
        "uncovered": cov.uncovered,
        "matrix": counts,
        "review_overdue": [{"id": d.id, "review_due": due, "effective": d.effective, "review_every": d.review_every}
                           for d, due in cov.review_overdue],
        "no_review_period": cov.no_review_period,
        "untagged": cov.untagged,
        "forms_without_records": [k.name for k in cov.unused_forms],
    }
