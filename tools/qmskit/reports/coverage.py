"""``qms coverage``: which effective documents cover each clause of each standard, and the gaps.

An auditor's first questions of a documented system: is every clause of
every standard the organization works to (``qms.yml`` standards) addressed
by a document in force (a tag ``7.1.5`` counts for 7.1; drafts and obsolete
documents do not count), are the documents still reviewed on time
(``review_due()`` before the as-of day is a finding), and is every form
actually used (a form with no records is either new or dead). An integrated
system (9001 + 14001 + 45001) is also shown as a whole: the clauses of the
common structure (4–10), each with how many documents cover it for each
standard and which documents serve more than one.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..documents import Document
from ..registry import Kind
from ..report import BulletList, Paragraph, Report, Table
from ..standards import HARMONIZED, Catalogue, builtin, common_clauses, named_catalogues
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
class StandardCover:
    """One standard's clauses, each with what covers it."""

    catalogue: Catalogue
    clauses: list[ClauseCover]

    @property
    def uncovered(self) -> list[str]:
        return [c.clause for c in self.clauses if not c.covered]


@dataclass
class Coverage:
    standards: list[StandardCover]
    review_overdue: list[tuple[Document, dt.date]]
    no_review_period: list[str]
    untagged: list[str]  # effective documents that tag no clause of a named standard
    unused_forms: list[Kind]
    common: list[str] = field(default_factory=list)  # clause numbers of the common structure, when two or more standards share it

    @property
    def clauses(self) -> list[ClauseCover]:
        """The first named standard's clauses (the one a single-standard system has)."""
        return self.standards[0].clauses if self.standards else []

    @property
    def uncovered(self) -> list[str]:
        return self.standards[0].uncovered if self.standards else []


def clause_table(docs: list[Document], catalogue: Catalogue | None = None) -> list[ClauseCover]:
    """Every clause of the catalogue (default ISO 9001) in order, with the documents that tag it or a sub-clause of it."""
    catalogue = catalogue or builtin()["iso9001"]
    covers = {clause: ClauseCover(clause) for clause in catalogue.clauses}
    for doc in sorted(docs, key=lambda d: d.id):
        for tag in doc.tags(catalogue.id):
            clause = catalogue.clause_of(tag)
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


def catalogues(ctx: Context) -> list[Catalogue]:
    """The standards the organization works to (``qms.yml`` standards), ISO 9001 when none can be read."""
    return named_catalogues(ctx.repo) or [builtin()["iso9001"]]


def compute(ctx: Context) -> Coverage:
    docs = list(ctx.documents.values())
    effective = sorted((d for d in docs if d.status == "effective"), key=lambda d: d.id)
    overdue = [(d, due) for d in effective if (due := d.review_due()) is not None and due < ctx.as_of]
    named = catalogues(ctx)
    harmonized = [c for c in named if c.structure == HARMONIZED]
    ids = [c.id for c in named]
    return Coverage(
        standards=[StandardCover(c, clause_table(docs, c)) for c in named],
        review_overdue=sorted(overdue, key=lambda pair: (pair[1], pair[0].id)),
        no_review_period=[d.id for d in effective if d.review_every is None],
        untagged=[d.id for d in effective if not any(d.tags(i) for i in ids)],
        unused_forms=sorted((k for k in ctx.repo.registry.kinds.values() if not _has_records(ctx, k)), key=lambda k: k.name),
        common=common_clauses(harmonized) if len(harmonized) > 1 else [],
    )


# -- the report ---------------------------------------------------------------------


def _docs_text(cover: ClauseCover) -> str:
    """``LD-QM-01, HE-JD-02 (7.1.5)``: the sub-clause shown where a document tags one."""
    return ", ".join(doc if tag == cover.clause else f"{doc} ({tag})" for doc, tag in cover.documents) or "—"


def _unit_columns(ctx: Context) -> list[tuple[str | None, str]]:
    """(unit id, short column heading): the organization's units by document prefix, then documents of no unit."""
    units: list[tuple[str | None, str]] = [(u.id, u.prefix) for u in (ctx.organization.units if ctx.organization else [])]
    known = {u for u, _ in units}
    if any(d.unit not in known for d in ctx.documents.values() if d.status == "effective"):
        units.append((None, ctx.tr("其他", "other")))
    return units


def matrix(ctx: Context, std: StandardCover) -> tuple[Table, Paragraph, dict[str, dict[str, int]]]:
    """Clause × unit: how many effective documents of each unit cover the clause."""
    tr = ctx.tr
    units = _unit_columns(ctx)
    known = {u for u, _ in units if u is not None}
    unit_of = {d.id: (d.unit if d.unit in known else None) for d in ctx.documents.values()}
    counts: dict[str, dict[str, int]] = {}
    rows = []
    for cover in std.clauses:
        per = {heading: sum(1 for doc, _ in cover.documents if unit_of.get(doc) == unit) for unit, heading in units}
        counts[cover.clause] = per
        rows.append([cover.clause, *(str(n) if n else "·" for n in per.values()), str(len(cover.documents))])
    legend = "; ".join(f"{u.prefix} = {u.name if ctx.lang == 'zh' else tr.value(u.id)}"
                       for u in (ctx.organization.units if ctx.organization else []))
    table = Table([tr("条款", "Clause"), *(h for _, h in units), tr("合计", "Total")], rows)
    note = Paragraph(tr(f"每格为该单位覆盖此条款的生效文件数(· 为无)。{legend}",
                        f"Each cell: effective documents of that unit covering the clause (· none). {legend}"), "note")
    return table, note, counts


def integrated(ctx: Context, cov: Coverage) -> tuple[Table, dict[str, dict[str, Any]]]:
    """The common clauses × the harmonized standards: documents covering each, and those serving several standards."""
    tr = ctx.tr
    harmonized = [s for s in cov.standards if s.catalogue.structure == HARMONIZED]
    by_std = {s.catalogue.id: {c.clause: [d for d, _ in c.documents] for c in s.clauses} for s in harmonized}
    rows, data = [], {}
    for clause in cov.common:
        cells, docs_per = [], {}
        for std in harmonized:
            docs = by_std[std.catalogue.id].get(clause)
            cells.append("—" if docs is None else (str(len(docs)) if docs else tr("未覆盖", "none")))
            if docs is not None:
                docs_per[std.catalogue.id] = docs
        shared = sorted(d for d in set().union(*docs_per.values()) if sum(d in v for v in docs_per.values()) > 1) \
            if docs_per else []
        gaps = [i for i, v in docs_per.items() if not v]
        rows.append([clause, *cells, ", ".join(shared) or "—"])
        data[clause] = {"documents": docs_per, "shared": shared, "uncovered_in": gaps}
    table = Table([tr("条款", "Clause"), *(s.catalogue.name for s in harmonized),
                   tr("同时服务多个标准的文件", "Documents serving several standards")], rows)
    return table, data


def build(ctx: Context) -> Report:
    tr = ctx.tr
    cov = compute(ctx)
    effective = sum(1 for d in ctx.documents.values() if d.status == "effective")
    names = ", ".join(s.catalogue.name for s in cov.standards)
    labels = "、".join(s.catalogue.label_for("zh") for s in cov.standards)
    single = len(cov.standards) == 1
    short = cov.standards[0].catalogue.name.split(":")[0]  # "ISO 9001", the edition is in the subtitle
    title = tr(f"{short} 条款覆盖", f"{short} clause coverage") if single \
        else tr("条款覆盖(一体化管理体系)", "Clause coverage (integrated management system)")
    report = Report(title, document_id="RPT-COVERAGE",
                    subtitle=tr(f"{labels};截至 {ctx.as_of};只计生效文件({effective} 份)。",
                                f"{names}; as of {ctx.as_of}; effective documents only ({effective})."))
    summary = report.section(tr("概要", "Summary"))
    lines = []
    for std in cov.standards:
        n, gaps = len(std.clauses), std.uncovered
        lines.append(tr(f"{std.catalogue.name}:条款 {n} 项,已覆盖 {n - len(gaps)} 项,未覆盖 {len(gaps)} 项",
                        f"{std.catalogue.name}: {n} clauses, {n - len(gaps)} covered, {len(gaps)} not covered")
                     + (f": {', '.join(gaps)}" if gaps else ""))
    lines += [tr(f"超期未评审的文件 {len(cov.review_overdue)} 份", f"{len(cov.review_overdue)} documents past their periodic review"),
              tr(f"没有记录的表格 {len(cov.unused_forms)} 种", f"{len(cov.unused_forms)} forms with no records")]
    summary.add(BulletList(lines))
    if cov.common:
        table, common_data = integrated(ctx, cov)
        report.section(tr("一体化管理体系:共同条款(第 4–10 章)", "The integrated system: common clauses (4–10)")).add(
            Paragraph(tr("共同结构的条款按编号对齐;每格为覆盖该条款的生效文件数,“—”表示该标准没有此条款。",
                         "Clauses of the common structure side by side; each cell counts the effective documents covering the "
                         "clause for that standard, “—” where the standard has no such clause."), "note"), table)
    else:
        common_data = {}
    counts_by: dict[str, dict[str, dict[str, int]]] = {}
    for std in cov.standards:
        cat = std.catalogue
        prefix = "" if single else f"{cat.name}:" if ctx.lang == "zh" else f"{cat.name}: "
        rows = [[c.clause, cat.title(c.clause, ctx.lang), str(len(c.documents)), _docs_text(c),
                 ", ".join(c.drafts) or "—"] for c in std.clauses]
        report.section(prefix + tr("条款与文件", "clauses and documents" if prefix else "Clauses and documents")).add(Table(
            [tr("条款", "Clause"), tr("标题", "Title"), tr("文件数", "Documents"), tr("覆盖的生效文件", "Effective documents"),
             tr("草稿(未计入)", "Drafts (not counted)")], rows, widths=[1, 3, 1, 5, 2]))
        table, note, counts = matrix(ctx, std)
        counts_by[cat.id] = counts
        report.section(prefix + tr("按单位的覆盖矩阵", "coverage by unit" if prefix else "Coverage by unit")).add(note, table)
        not_covered = report.section(prefix + tr("未覆盖的条款", "clauses not covered" if prefix else "Clauses not covered"))
        if std.uncovered:
            drafts = {c.clause: c.drafts for c in std.clauses}
            not_covered.add(BulletList([f"{c} {cat.title(c, ctx.lang)}"
                                 + (tr(f"(草稿 {', '.join(drafts[c])} 生效后可覆盖)",
                                       f" (draft {', '.join(drafts[c])} would cover it once effective)") if drafts[c] else "")
                                 for c in std.uncovered]))
        else:
            not_covered.add(Paragraph(tr("每一条款都至少有一份生效文件覆盖。", "Every clause is covered by at least one effective document.")))
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
        reviews.add(Paragraph(tr(f"未标注 {names} 条款的生效文件:{', '.join(cov.untagged)}。",
                                 f"Effective documents that tag no clause of {names}: {', '.join(cov.untagged)}."), "note"))
    report.section(tr("没有记录的表格", "Forms with no records")).add(Table(
        [tr("记录类别", "Kind"), tr("表格名称", "Form"), tr("表格编号", "Code"), tr("依据文件", "Procedure")],
        [[k.name, k.spec.title(ctx.lang), k.spec.code, k.spec.procedure] for k in cov.unused_forms],
        empty=tr("(无:每种表格都有记录)", "(none: every form has records)")))
    report.data = _data(cov, counts_by, common_data)
    return ctx.stamp(report)


def _standard_data(std: StandardCover, counts: dict[str, dict[str, int]]) -> dict[str, Any]:
    return {
        "clauses": {c.clause: [doc for doc, _ in c.documents] for c in std.clauses},
        "drafts": {c.clause: c.drafts for c in std.clauses if c.drafts},
        "uncovered": std.uncovered,
        "matrix": counts,
    }


def _data(cov: Coverage, counts: dict[str, dict[str, dict[str, int]]], common: dict[str, Any]) -> dict[str, Any]:
    """The figures as data: per standard under ``standards``; the first named standard's also at the top, as before."""
    per = {s.catalogue.id: {"name": s.catalogue.name, "national": s.catalogue.national,
                            **_standard_data(s, counts[s.catalogue.id])} for s in cov.standards}
    first = per[cov.standards[0].catalogue.id] if cov.standards else {}
    return {
        "report": "coverage",
        **{k: first.get(k) for k in ("clauses", "drafts", "uncovered", "matrix")},
        "standards": per,
        "integrated": common,
        "review_overdue": [{"id": d.id, "review_due": due, "effective": d.effective, "review_every": d.review_every}
                           for d, due in cov.review_overdue],
        "no_review_period": cov.no_review_period,
        "untagged": cov.untagged,
        "forms_without_records": [k.name for k in cov.unused_forms],
    }
