"""The site's own pages: a document with its header block and revision history, a record, the organization.

Registers and dashboards are reports (``qmskit.reports``) rendered as
pages; these three kinds of page exist only on the site. Every value a
record holds is written through the Markdown renderer's escaping, and
confidential fields arrive here already masked (``Rec.shown``).
"""
from __future__ import annotations

from typing import Any

from ..documents import Document
from ..render.markdown import escape, render, render_blocks
from ..report import Paragraph, Report, Table
from ..reports.context import Context, Rec
from ..reports.labels import VALUES, field_labels
from ..trail import describe, document_revisions, format_value
from .links import Linker

STATUS_NOTE = {
    "draft": ("草稿:本文件尚未批准生效,不得作为现行依据。", "Draft: not approved; not to be used as a current requirement."),
    "obsolete": ("作废:本文件已停止使用,仅供查阅。", "Obsolete: withdrawn; kept for reference only."),
}


def status_label(ctx: Context, status: str) -> str:
    return ctx.tr.doc_status(status)


def value_text(ctx: Context, value: Any) -> str:
    """A field's value for a person: enumerated values in words, lists joined, blocks one key a line."""
    if isinstance(value, dict):
        return "\n".join(f"{k}: {value_text(ctx, v)}" for k, v in value.items())
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return ", ".join(value_text(ctx, v) for v in value)
        return "\n".join(f"{n}. {value_text(ctx, v)}".replace("\n", "; ") for n, v in enumerate(value, 1))
    if isinstance(value, str) and value in VALUES:
        return f"{ctx.tr.value(value)} ({value})"
    if isinstance(value, str):  # the record's page shows all of its text, line breaks kept (<br> in the cell)
        return value
    return format_value(value, 400)


def document_page(ctx: Context, doc: Document, path: str, body: str, linker: Linker, page: str) -> str:
    """A manual page: header block, the document's own text, its revision history from git."""
    tr = ctx.tr
    lines = []
    if doc.status in STATUS_NOTE:
        lines += [f'!!! warning "{status_label(ctx, doc.status)}"', "", f"    {tr(*STATUS_NOTE[doc.status])}", ""]
    header = Table([tr("项目", "Field"), tr("内容", "Value")], [
        [tr("文件编号", "Document"), doc.id],
        [tr("标题", "Title"), doc.title],
        [tr("类别", "Class"), ctx.repo.config.class_name(doc.type, ctx.lang)],
        [tr("版本", "Revision"), doc.revision],
        [tr("状态", "Status"), status_label(ctx, doc.status)],
        [tr("编制", "Owner"), doc.owner],
        [tr("批准", "Approver"), doc.approver],
        [tr("批准日期", "Approved"), str(doc.approved or "—")],
        [tr("生效日期", "Effective"), str(doc.effective or "—")],
        [tr("下次评审", "Next review"), str(doc.review_due() or "—")],
    ])
    if doc.source:
        header.rows.append([tr("出处", "Source"), ";".join(ref.cite() for ref in doc.source)])
    if doc.additions:
        header.rows.append([tr("本组织补充(原手册没有)", "Organization's additions (not in the source)"),
                            ";".join(doc.additions)])
    table = _table_md(header)
    for name in (doc.owner, doc.approver):
        table = table.replace(f"| {escape(name)} |", f"| {linker.name_link(name, page)} |", 1)
    text = linker.link(body.strip(), page)
    title, rest = (text.split("\n", 1) + [""])[:2] if text.startswith("# ") else ("", text)
    lines = ([title, ""] if title else []) + lines + [table, "", rest.strip()]
    lines += ["", f"## {tr('修订历史', 'Revision history')}", ""]
    lines.append(_revisions_md(ctx, path))
    return "\n".join(lines).rstrip() + "\n"


def _revisions_md(ctx: Context, path: str) -> str:
    tr = ctx.tr
    if ctx.history is None:
        return tr("(不在 git 仓库中:无修订历史)", "(not in a git repository: no revision history)")
    rows = [[r.revision, r.date, r.author, r.message, r.approved, status_label(ctx, r.status) if r.status else "", r.commit]
            for r in document_revisions(ctx.history, path)]
    return _table_md(Table([tr("版本", "Revision"), tr("日期", "Date"), tr("作者", "Author"), tr("说明", "Message"),
                            tr("批准日期", "Approved"), tr("状态", "Status"), tr("提交", "Commit")], rows,
                           empty=tr("(尚未提交)", "(not committed yet)")))


def _table_md(table: Table) -> str:
    """A table through the one Markdown renderer (escaping included)."""
    return render_blocks([table])


def record_page(ctx: Context, rec: Rec, linker: Linker, page: str) -> str:
    """A record: its fields (confidential left out) and its change history (masked too)."""
    tr = ctx.tr
    spec = rec.kind.spec
    title = f"{rec.id} {spec.title(ctx.lang)}"
    refs = {path[0]: ref for path, ref in rec.kind.refs if len(path) == 1}
    labels = field_labels(rec.kind.model, [name for name in rec.shown if name != "id"], ctx.lang)
    rows = [[labels[name], value_text(ctx, value)] for name, value in rec.shown.items() if name != "id"]
    report = Report(title, subtitle=tr(f"表格 {spec.code}({spec.title_zh}),依据 {spec.procedure}。",
                                       f"Form {spec.code} ({spec.title_en}), under {spec.procedure}."))
    report.section(tr("内容", "Fields")).add(Table([tr("字段", "Field"), tr("值", "Value")], rows))
    if spec.confidential:
        report.sections[-1].add(Paragraph(tr("保密字段(个人信息)不在本站显示。", "Confidential fields (personal data) are not shown here.")))
    if spec.additions:
        report.sections[-1].add(Paragraph(tr("本组织补充(原手册没有):", "The organization's additions (not in the source): ")
                                          + ";".join(spec.additions)))
    report.section(tr("修改历史", "Change history")).add(_history(ctx, rec))
    text = linker.link(render(report), page)
    for name, ref in refs.items():
        value = rec.shown.get(name)
        if ref.target in ("role", "department") and isinstance(value, str):
            text = text.replace(f"| {escape(value_text(ctx, value))} |", f"| {linker.name_link(value, page)} |")
    return text


def _history(ctx: Context, rec: Rec) -> Table:
    tr = ctx.tr
    columns = [tr("提交", "Commit"), tr("日期", "Date"), tr("作者", "Author"), tr("说明", "Message"), tr("修改", "Changes")]
    if ctx.history is None:
        return Table(columns, [], empty=tr("(不在 git 仓库中)", "(not in a git repository)"))
    rows = []
    for entry in reversed(ctx.history.trail(rec.path)):
        commit = entry.version.commit
        changes = "\n".join(describe(c, rec.kind) for c in entry.changes) or "—"
        rows.append([commit.sha[:8], commit.authored[:10], commit.author, commit.subject, changes])
    return Table(columns, rows, empty=tr("(尚未提交)", "(not committed yet)"))


def organization_page(ctx: Context) -> tuple[str, dict[str, str]]:
    """Units, departments and roles, each with an anchor other pages link to."""
    tr = ctx.tr
    org = ctx.organization
    lines = [f"# {tr('组织机构', 'Organization')}", ""]
    anchors: dict[str, str] = {}
    if org is None:
        return "\n".join(lines + [tr("(没有 manual/organization.yml)", "(no manual/organization.yml)")]) + "\n", anchors
    lines += [f"## {tr('部门', 'Departments')}", ""]
    for n, dept in enumerate(org.departments, 1):
        anchor = f"dept-{n}"
        anchors[dept.name] = f"organization.md#{anchor}"
        note = f"({tr('本组织补充:', 'organization’s addition: ')}{escape(dept.addition)})" if dept.addition else ""
        lines.append(f'- <span id="{anchor}"></span>**{escape(dept.name)}** {escape(dept.en or "")}{note}')
    lines += ["", f"## {tr('岗位', 'Roles')}", ""]
    for n, role in enumerate(org.roles, 1):
        anchor = f"role-{n}"
        anchors[role.name] = f"organization.md#{anchor}"
        extra = [escape(role.en or ""), tr("部门:", "department: ") + escape(role.department or "—")]
        if role.reports_to:
            extra.append(tr("上级:", "reports to: ") + escape(role.reports_to))
        if role.certificates:
            extra.append(tr("证书:", "certificates: ") + escape("、".join(role.certificates)))
        if role.document:
            extra.append(role.document)
        if role.addition:
            extra.append(tr("本组织补充:", "organization's addition: ") + escape(role.addition))
        lines.append(f'- <span id="{anchor}"></span>**{escape(role.name)}** — ' + ";".join(e for e in extra if e))
    return "\n".join(lines) + "\n", anchors
