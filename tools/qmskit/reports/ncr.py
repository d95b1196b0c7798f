"""``qms ncr``: one nonconformity report (不符合报告) with its evidence, or a list of them.

The report puts in one place what ISO 9001 10.2.2 asks to keep: the nature
of the nonconformity (every field of the form, confidential ones masked),
the requirement it breaks quoted from the cited document section, the
actions taken and their verification, the complaints and audits it came
from, and who changed what and when (from git, never typed by hand).
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from .. import messages
from .. import yamlio
from ..doctext import DocSection, find_section, sections, split_reference
from ..forms import AuditReport, Complaint, CorrectiveAction, Nonconformity
from ..history import FieldChange, diff_fields
from ..issues import QmsError
from ..masking import mask
from ..report import BulletList, Paragraph, Report, Table
from ..trail import describe
from .context import Context, Rec
from .labels import field_labels
from .registers import cell, is_overdue, overdue_days, show

QUOTE_LINES = 30  # longer sections are cut, with a pointer to the document
STATUSES = ("open", "overdue", "all")


@dataclass
class Quote:
    """The requirement an NCR cites, as found (or not) in the manual."""

    reference: str
    document: str
    section: str | None
    title: str | None = None  # the document's title, when the document exists
    doc_status: str | None = None
    found: DocSection | None = None
    item_of: str | None = None  # the found text is numbered item §N of this section, not a heading
    problem: str | None = None  # why the cited text cannot be quoted

    def as_dict(self) -> dict[str, Any]:
        return {"reference": self.reference, "document": self.document, "section": self.section,
                "title": self.title, "document_status": self.doc_status,
                "quoted_section": self.found.number if self.found else None, "item_of": self.item_of,
                "text": self.found.text if self.found else None, "problem": self.problem}


def quote(ctx: Context, reference: str) -> Quote:
    """Find the cited section (or its nearest numbered parent) in the cited document."""
    doc_id, number = split_reference(reference)
    q = Quote(reference, doc_id, number)
    df = ctx.document_file(doc_id)
    if df is None or df.doc is None:
        q.problem = ctx.tr(f"文件 {doc_id} 不在 manual/ 中,无法引用原文。", f"Document {doc_id} is not in manual/; nothing to quote.")
        return q
    q.title, q.doc_status = df.doc.title, df.doc.status
    if number is None:
        q.problem = ctx.tr("未指明章节(写作 文件编号 §章节号),无法引用原文。",
                           "No section is cited (write DOC-ID §number), so no text is quoted.")
        return q
    q.found = find_section(df.body, number)
    if q.found is None:
        q.found, q.item_of = _numbered_item(df.body, number)
    if q.found is None:
        q.problem = ctx.tr(f"在 {doc_id} 中找不到 §{number} 章节,请核对引用。",
                           f"Section §{number} cannot be found in {doc_id}; check the reference.")
    return q


def _numbered_item(body: str, number: str) -> tuple[DocSection | None, str | None]:
    """``§4`` in a document without numbered headings: the one list item numbered 4 (job descriptions cite duties so)."""
    if not number.isdigit():
        return None, None
    item = re.compile(rf"^\s*{number}[.、)]\s+")
    hits = [(s, line) for s in sections(body) for line in s.lines if item.match(line)]
    if len(hits) != 1:
        return None, None
    section, line = hits[0]
    return DocSection(number, section.title, section.level, section.line, lines=[line]), section.title


def _plain(line: str) -> str | None:
    """A Markdown line as quoted text: table rows as cells, separator rows and emphasis dropped."""
    text = line.strip()
    if text.startswith("|"):
        cells = [c.strip() for c in text.strip("|").split("|")]
        if all(set(c) <= set("-: ") for c in cells):
            return None
        text = " · ".join(c for c in cells if c)
    return re.sub(r"\*\*|__|`", "", text) or None


@dataclass
class TrailRow:
    commit: str
    date: str
    author: str
    message: str
    changes: list[str] = field(default_factory=list)


def audit_trail(ctx: Context, rec: Rec) -> tuple[list[TrailRow], str | None]:
    """The record's changes from git, newest first (masked), or why there is no history."""
    tr = ctx.tr
    try:
        index = ctx.history
    except QmsError as exc:
        return [], tr(f"修改历史不可用:{exc}", f"History is unavailable: {exc}")
    if index is None:
        return [], tr("不是 git 仓库,修改历史不可用。", "Not a git repository: history is unavailable.")
    entries = index.trail(rec.path)
    rows = [TrailRow(e.version.commit.sha[:8], e.version.commit.authored[:16].replace("T", " "), e.version.commit.author,
                     e.version.commit.subject, [_describe(ctx, rec, c) for c in e.changes])
            for e in reversed(entries)]
    current = yamlio.try_load((ctx.repo.root / rec.path).read_bytes())
    last = entries[-1].data if entries else {}
    if isinstance(current, dict) and isinstance(last, dict) and current != last:
        rows.insert(0, TrailRow("—", "—", "—", tr("(未提交的修改)", "(uncommitted changes)"),
                                [_describe(ctx, rec, c) for c in diff_fields(last, current)]))
    return rows, None


def _describe(ctx: Context, rec: Rec, change: FieldChange) -> str:
    """One change in words; a whole-file change (unreadable version, deletion) is masked inside too."""
    if not change.field:
        hide = rec.kind.spec.confidential
        change = FieldChange((), mask(change.old, hide, reveal=ctx.reveal), mask(change.new, hide, reveal=ctx.reveal))
    return describe(change, rec.kind, ctx.reveal)


# -- related records ---------------------------------------------------------------


def actions_of(ctx: Context, rec: Rec) -> tuple[list[Rec], list[str]]:
    """Actions the NCR lists and actions that name the NCR; ids that cannot be read."""
    listed = list(rec.get("actions") or [])
    naming = [a.id for a in ctx.of_base(CorrectiveAction) if a.get("nonconformity") == rec.id]
    ids = sorted(set(listed) | set(naming))
    found = [ctx.by_id[i] for i in ids if i in ctx.by_id]
    return found, [i for i in ids if i not in ctx.by_id]


def complaints_of(ctx: Context, rid: str) -> list[Rec]:
    return sorted((c for c in ctx.of_base(Complaint) if c.get("nonconformity") == rid), key=lambda c: c.id)


def audits_of(ctx: Context, rec: Rec) -> tuple[list[Rec], list[str]]:
    """The audit the NCR names and every audit report listing it; ids that cannot be read."""
    ids = {a.id for a in ctx.of_base(AuditReport) if rec.id in (a.get("nonconformities") or [])}
    if rec.get("audit"):
        ids.add(rec.get("audit"))
    found = [ctx.by_id[i] for i in sorted(ids) if i in ctx.by_id]
    return found, sorted(i for i in ids if i not in ctx.by_id)


def _verification(value: Any, ctx: Context) -> str:
    if not isinstance(value, dict):
        return cell(value, ctx.tr)
    text = f"{cell(value.get('on'), ctx.tr)} {cell(value.get('by'), ctx.tr)}: {ctx.tr.value(value.get('result'))}"
    return text + (f"({value['note']})" if value.get("note") else "")


def _deadline(ctx: Context, rec: Rec) -> str:
    """Where the NCR stands against its due date, in words."""
    tr, due = ctx.tr, rec.get("due")
    if is_overdue(rec, ctx.as_of):
        return tr(f"期限 {due},已逾期 {overdue_days(rec, ctx.as_of)} 天", f"due {due}, {overdue_days(rec, ctx.as_of)} days overdue")
    closed = rec.get("closed")
    if rec.final and isinstance(closed, dt.date) and closed > due:
        return tr(f"期限 {due},{closed} 关闭(晚 {(closed - due).days} 天)", f"due {due}, closed {closed} ({(closed - due).days} days late)")
    return tr(f"期限 {due}", f"due {due}") + (tr(",按期关闭", ", closed on time") if rec.final else "")


def _action_text(ctx: Context, action: Rec) -> str:
    late = ctx.tr(",逾期", ", overdue") if is_overdue(action, ctx.as_of) else ""
    return ctx.tr(f"{action.id}({ctx.tr.value(action.status)}{late})", f"{action.id} ({ctx.tr.value(action.status)}{late})")


def _find(ctx: Context, rid: str) -> Rec:
    """The NCR with this id, or an error that says what to do."""
    rec = ctx.record(rid)
    ncrs = ctx.of_base(Nonconformity)
    if rec is not None and rec in ncrs:
        return rec
    if rec is not None:
        raise QmsError(messages.text("rep.not_ncr", id=rid, kind=rec.kind.name))
    if rid in ctx.invalid:
        raise QmsError(messages.text("rep.ncr_invalid", id=rid))
    close = difflib.get_close_matches(rid, sorted(r.id for r in ncrs), n=1, cutoff=0.8)
    hint = messages.text("rep.register_hint", name=close[0]) if close else ""
    raise QmsError(messages.text("rep.no_ncr", id=repr(rid), hint=hint))


# -- one NCR -------------------------------------------------------------------------


def _summary(ctx: Context, rec: Rec) -> dict[str, Any]:
    """An NCR's figures for JSON, shared by the single and the list report."""
    actions, missing = actions_of(ctx, rec)
    return {"id": rec.id, "status": rec.status, "raised": rec.get("raised"), "grade": rec.get("grade"),
            "source": rec.get("source"), "department": rec.shown.get("department"), "requirement": rec.shown.get("requirement"),
            "due": rec.get("due"), "overdue": is_overdue(rec, ctx.as_of), "overdue_days": overdue_days(rec, ctx.as_of),
            "actions": [{"id": a.id, "status": a.status, "due": a.get("due"), "done": a.get("done"),
                         "overdue": is_overdue(a, ctx.as_of), "verification": a.shown.get("verification")} for a in actions],
            "actions_unreadable": missing, "complaints": [c.id for c in complaints_of(ctx, rec.id)],
            "audits": [a.id for a in audits_of(ctx, rec)[0]]}


def _details(ctx: Context, rec: Rec) -> Table:
    tr, model = ctx.tr, rec.kind.model
    labels = {**field_labels(model, list(model.model_fields), tr.lang), "id": tr("编号", "Id")}
    rows = [[labels[name], _verification(rec.shown.get(name), ctx) if name == "verification" else show(rec, name, tr, 10_000)]
            for name in model.model_fields]
    return Table([tr("栏目", "Field"), tr("内容", "Entry")], rows, widths=[1, 4])


def _requirement_blocks(ctx: Context, q: Quote) -> list[Any]:
    tr = ctx.tr
    head = f"{q.reference}" + (f"《{q.title}》" if q.title else "")
    blocks: list[Any] = [Paragraph(tr(f"引用:{head}", f"Cited: {head}"))]
    if q.doc_status and q.doc_status != "effective":
        blocks.append(Paragraph(tr(f"注意:{q.document} 的状态为 {q.doc_status},不是生效文件。",
                                   f"Note: {q.document} is {q.doc_status}, not an effective document."), "warning"))
    if q.found is None:
        return blocks + [Paragraph(q.problem or "", "warning")]
    if q.item_of is not None:
        blocks.append(Paragraph(tr(f"{q.document} 没有编号为 §{q.section} 的章节;以下为「{q.item_of}」中的第 {q.section} 条。",
                                   f"{q.document} has no heading §{q.section}; quoting item {q.section} of “{q.item_of}”."), "note"))
    elif q.found.number != (q.section or "").strip().lstrip("§").strip().rstrip("."):
        blocks.append(Paragraph(tr(f"找不到 §{q.section},以下为其上级章节 §{q.found.number}。",
                                   f"§{q.section} is not a heading; quoting its parent §{q.found.number}."), "warning"))
    lines = [t for t in (_plain(line) for line in q.found.lines) if t]
    if q.item_of is None:
        blocks.append(Paragraph(f"§{q.found.number} {q.found.title}", "note"))
    blocks += [Paragraph(line, "note") for line in lines[:QUOTE_LINES]]
    if len(lines) > QUOTE_LINES:
        blocks.append(Paragraph(tr(f"……(余下 {len(lines) - QUOTE_LINES} 行见 {q.document})",
                                   f"… ({len(lines) - QUOTE_LINES} more lines in {q.document})"), "note"))
    if not lines:
        blocks.append(Paragraph(tr("(该章节没有正文)", "(the section has no text)"), "warning"))
    return blocks


def _actions_table(ctx: Context, actions: list[Rec]) -> Table:
    tr = ctx.tr
    rows = [[a.id, show(a, "type", tr), show(a, "action", tr, 10_000), show(a, "owner", tr), show(a, "due", tr),
             show(a, "done", tr), tr.value(a.status) + (tr("(逾期)", " (overdue)") if is_overdue(a, ctx.as_of) else ""),
             _verification(a.shown.get("verification"), ctx)] for a in actions]
    return Table([tr("编号", "Id"), tr("类型", "Type"), tr("措施", "Action"), tr("负责人", "Owner"), tr("期限", "Due"),
                  tr("完成", "Done"), tr("状态", "Status"), tr("效果验证", "Verification")], rows,
                 empty=tr("(无纠正措施记录)", "(no corrective action recorded)"))


def _actions_section(ctx: Context, rec: Rec, report: Report) -> None:
    tr = ctx.tr
    actions, missing = actions_of(ctx, rec)
    section = report.section(tr("纠正措施及验证", "Corrective actions and verification")).add(_actions_table(ctx, actions))
    if missing:
        section.add(Paragraph(tr(f"无法读取的措施记录:{', '.join(missing)}(运行 qms check)。",
                                 f"Action records that cannot be read: {', '.join(missing)} (run qms check)."), "warning"))
    section.add(Paragraph(tr("本不符合的验证:", "Verification of this nonconformity: ")
                          + _verification(rec.shown.get("verification"), ctx)))


def _related_section(ctx: Context, rec: Rec, report: Report) -> None:
    tr = ctx.tr
    related = report.section(tr("相关投诉与审核", "Related complaints and audits"))
    related.add(Table([tr("投诉", "Complaint"), tr("受理日期", "Received"), tr("责任部门", "Department"), tr("状态", "Status"),
                       tr("投诉内容", "Complaint")],
                      [[c.id, show(c, "received", tr), show(c, "department", tr), tr.value(c.status), show(c, "description", tr, 80)]
                       for c in complaints_of(ctx, rec.id)], empty=tr("(没有投诉记录指向本不符合)", "(no complaint names it)")))
    audits, lost = audits_of(ctx, rec)
    related.add(Table([tr("审核报告", "Audit report"), tr("首次会议", "Opened"), tr("审核范围", "Scope"), tr("状态", "Status"),
                       tr("审核结论", "Conclusion")],
                      [[a.id, show(a, "opened", tr), show(a, "scope", tr), tr.value(a.status), show(a, "summary", tr, 80)]
                       for a in audits], empty=tr("(不是审核发现)", "(not an audit finding)")))
    if lost:
        related.add(Paragraph(tr(f"无法读取的审核报告:{', '.join(lost)}。", f"Audit reports that cannot be read: {', '.join(lost)}."), "warning"))


def _trail_section(ctx: Context, rows: list[TrailRow], why: str | None, report: Report) -> None:
    tr = ctx.tr
    history = report.section(tr("修改历史(来自 git,最新在前)", "Audit trail (from git, newest first)"))
    if why:
        history.add(Paragraph(why, "warning"))
        return
    history.add(Table([tr("提交", "Commit"), tr("日期", "Date"), tr("作者", "Author"), tr("说明", "Message"), tr("修改", "Changes")],
                      [[r.commit, r.date, r.author, r.message, "\n".join(r.changes) or "—"] for r in rows],
                      empty=tr("(尚未提交:git 中没有该文件的历史)", "(not committed yet: git has no history for this file)")))


def build(ctx: Context, rid: str) -> Report:
    """The NCR as recorded, the requirement quoted, its actions, where it came from and its history."""
    tr = ctx.tr
    rec = _find(ctx, rid)
    spec = rec.kind.spec
    report = Report(tr(f"不符合报告 {rec.id}", f"Nonconformity report {rec.id}"), document_id=rec.id,
                    subtitle=tr(f"表格 {spec.code}({spec.title_zh}),依据 {spec.procedure};截至 {ctx.as_of}。",
                                f"Form {spec.code} ({spec.title_en}) under {spec.procedure}; as of {ctx.as_of}."))
    report.section(tr("概要", "Summary")).add(BulletList([
        tr("状态:", "Status: ") + tr.value(rec.status) + tr(";", "; ") + _deadline(ctx, rec),
        tr("等级:", "Grade: ") + tr.value(rec.get("grade")) + tr(";来源:", "; source: ") + tr.value(rec.get("source")),
        tr("责任部门:", "Department: ") + show(rec, "department", tr) + tr(";负责人:", "; owner: ") + show(rec, "owner", tr),
    ]))
    report.section(tr("不符合报告内容", "The report as recorded")).add(_details(ctx, rec))
    q = quote(ctx, str(rec.get("requirement")))
    report.section(tr("违反的要求(文件原文)", "Requirement not met (quoted from the document)")).add(*_requirement_blocks(ctx, q))
    _actions_section(ctx, rec, report)
    _related_section(ctx, rec, report)
    rows, why = audit_trail(ctx, rec)
    _trail_section(ctx, rows, why, report)
    report.data = {"report": "ncr", **_summary(ctx, rec), "record": rec.shown, "quote": q.as_dict(),
                   "trail": None if why else [r.__dict__ for r in rows]}
    return ctx.stamp(report)


# -- the list ----------------------------------------------------------------------------


def select(ctx: Context, status: str) -> list[Rec]:
    """NCRs not closed (open), not closed and past due (overdue), or all of them, by id."""
    if status not in STATUSES:
        raise QmsError(messages.text("rep.ncr_status", status=repr(status)))
    recs = sorted(ctx.of_base(Nonconformity), key=lambda r: r.id)
    if status == "open":
        return [r for r in recs if not r.final]
    if status == "overdue":
        return [r for r in recs if is_overdue(r, ctx.as_of)]
    return recs


def _brief(ctx: Context, rec: Rec) -> list[str]:
    tr = ctx.tr
    actions, missing = actions_of(ctx, rec)
    q = quote(ctx, str(rec.get("requirement")))
    related = [c.id for c in complaints_of(ctx, rec.id)] + [a.id for a in audits_of(ctx, rec)[0]]
    return [tr("描述:", "Description: ") + show(rec, "description", tr, 10_000),
            tr("违反的要求:", "Requirement: ") + q.reference + (f"《{q.title}》" if q.title else "") + (f" — {q.problem}" if q.problem else ""),
            tr("原因分析:", "Root cause: ") + show(rec, "root_cause", tr, 10_000),
            tr("纠正:", "Correction: ") + show(rec, "correction", tr, 10_000),
            tr("纠正措施:", "Corrective actions: ") + (", ".join([_action_text(ctx, a) for a in actions] + missing) or "—"),
            tr("验证:", "Verification: ") + _verification(rec.shown.get("verification"), ctx),
            _deadline(ctx, rec)[:1].upper() + _deadline(ctx, rec)[1:],
            tr("相关投诉与审核:", "Related complaints and audits: ") + (", ".join(related) or "—")]


def build_list(ctx: Context, status: str) -> Report:
    tr = ctx.tr
    recs = select(ctx, status)
    name = {"open": tr("未关闭", "open"), "overdue": tr("逾期", "overdue"), "all": tr("全部", "all")}[status]
    overdue = [r.id for r in recs if is_overdue(r, ctx.as_of)]
    report = Report(tr(f"不符合报告清单({name})", f"Nonconformity reports ({name})"), document_id=f"RPT-NCR-{status}",
                    subtitle=tr(f"截至 {ctx.as_of}。逾期:未关闭且已过完成期限(期限次日起计)。",
                                f"As of {ctx.as_of}. Overdue: not closed and past the due date (from the day after)."))
    grades: dict[str, int] = {}
    for r in recs:
        grades[str(r.get("grade"))] = grades.get(str(r.get("grade")), 0) + 1
    summary = report.section(tr("概要", "Summary"))
    summary.add(Paragraph(tr(f"共 {len(recs)} 份,其中逾期 {len(overdue)} 份。", f"{len(recs)} reports, {len(overdue)} overdue.")
                          + (tr("按等级:", " By grade: ") + ", ".join(f"{tr.value(g)} {n}" for g, n in sorted(grades.items())) if grades else "")))
    columns = [tr("编号", "Id"), tr("提出日期", "Raised"), tr("等级", "Grade"), tr("来源", "Source"), tr("责任部门", "Department"),
               tr("状态", "Status"), tr("完成期限", "Due"), tr("逾期天数", "Days overdue"), tr("纠正措施", "Actions")]
    summary.add(Table(columns, [[r.id, show(r, "raised", tr), tr.value(r.get("grade")), tr.value(r.get("source")),
                                 show(r, "department", tr), tr.value(r.status), show(r, "due", tr),
                                 str(overdue_days(r, ctx.as_of) or "—"),
                                 ", ".join(_action_text(ctx, a) for a in actions_of(ctx, r)[0]) or "—"] for r in recs],
                      empty=tr("(没有符合条件的不符合报告)", "(no nonconformity report in this list)")))
    for r in recs:
        title = f"{r.id} · {show(r, 'department', tr)} · {tr.value(r.get('grade'))}"
        report.section(title).add(BulletList(_brief(ctx, r)))
    report.data = {"report": "ncr_list", "status": status, "count": len(recs), "overdue": overdue,
                   "items": [_summary(ctx, r) for r in recs]}
    return ctx.stamp(report)
