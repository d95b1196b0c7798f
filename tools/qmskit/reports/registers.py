"""``qms register``: the master list of documents, and one register per record kind.

A register is what an auditor asks for first ("show me all your NCRs this
year"): one row per document or record, sorted by id, nothing computed
beyond the overdue flag. The columns of a record register are chosen from
the form itself (short fields first, long text truncated), so a new form
gets a readable register without code; confidential fields are left out
unless the report is made with ``--include-confidential``, and every value
comes from ``Rec.shown``, the masked copy.
"""
from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic.fields import FieldInfo

from .. import messages
from ..documents import Document
from ..forms import Ref
from ..issues import QmsError
from ..registry import Kind
from ..report import Paragraph, Report, Table
from .context import Context, Rec
from .labels import Translator, field_labels

SHORT_COLUMNS = 6  # short fields shown after id, status, date and due
TEXT_COLUMNS = 2  # long text fields shown, truncated
TEXT_LIMIT = 40
COMPLETION_FIELDS = ("done", "completed")  # a completion date filled in: the work is not late any more
DOC_STATUS = {"draft": ("草稿(未生效)", "draft (not in force)"), "effective": ("生效", "effective"),
              "obsolete": ("作废(停止使用)", "obsolete (withdrawn)")}
TYPE_ORDER = ["QM", "MAN", "QP", "REG", "WI", "JD", "FOR", "REF"]  # from the manual down to the forms

# -- values and labels, shared with the NCR report ---------------------------------


def cell(value: Any, tr: Translator, limit: int = 120) -> str:
    """One value as table text: lists joined, mappings as ``key: value``, long text cut with an ellipsis."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        text = tr.value(value)
    elif isinstance(value, dict):
        text = "; ".join(f"{k}: {cell(v, tr, limit)}" for k, v in value.items())
    elif isinstance(value, (list, tuple)):
        text = ", ".join(cell(v, tr, limit) for v in value)
    elif isinstance(value, (dt.date, int, float)):
        text = str(value)
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(the type inside Annotated / Optional, whether it is a reference)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *meta = typing.get_args(annotation)
        core, ref = _unwrap(inner)
        return core, ref or any(isinstance(m, Ref) for m in meta)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else (annotation, False)
    return annotation, False


def field_class(info: FieldInfo) -> str:
    """ref, enum, number, date, short, text, list or nested: how a field reads in a table."""
    core, ref = _unwrap(info.annotation)
    if ref or any(isinstance(m, Ref) for m in info.metadata):
        return "ref"
    origin = typing.get_origin(core)
    if origin is Literal:
        return "enum"
    if core in (bool, int, float):
        return "number"
    if core is dt.date:
        return "date"
    if core is str:
        return "short" if any(getattr(m, "pattern", None) for m in info.metadata) else "text"
    if origin in (list, tuple, set, frozenset) and typing.get_args(core):
        item, item_ref = _unwrap(typing.get_args(core)[0])
        if item_ref or item is str or typing.get_origin(item) is Literal:
            return "list"
    return "nested"


def show(rec: Rec, name: str, tr: Translator, limit: int = 120) -> str:
    """A field of a record as a report shows it: masked, enumerated values translated."""
    value = rec.shown.get(name)
    info = rec.kind.model.model_fields.get(name)
    if name == "status" or (info is not None and field_class(info) == "enum" and isinstance(value, str)):
        return tr.value(value)
    return cell(value, tr, limit)


def is_overdue(rec: Rec, as_of: dt.date) -> bool:
    """Past ``due`` and not finished: overdue on the day after the due date, not on the day."""
    due = rec.get("due")
    if not isinstance(due, dt.date) or rec.final:
        return False
    if any(rec.get(n) for n in COMPLETION_FIELDS):
        return False
    return due < as_of


def overdue_days(rec: Rec, as_of: dt.date) -> int:
    return (as_of - rec.get("due")).days if is_overdue(rec, as_of) else 0


# -- record registers ------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # a field name, or "overdue"
    label: str
    limit: int = 120


def choose_columns(kind: Kind, tr: Translator, reveal: bool = False) -> list[Column]:
    """id, status, the form's date, due; then short fields in form order; then a little long text."""
    model, spec = kind.model, kind.spec
    fields = model.model_fields
    lead = ["id"] + (["status"] if spec.workflow else []) + ([spec.date_field] if spec.date_field else [])
    lead += ["due"] if "due" in fields and "due" not in lead else []
    hidden = (set(spec.confidential) if not reveal else set()) | {"status"}  # status without a workflow: unused
    rest = [(n, field_class(i)) for n, i in fields.items() if n not in lead and n not in hidden]
    short = [n for n, c in rest if c in ("ref", "enum", "number", "date", "short", "list")][:SHORT_COLUMNS]
    texts = [n for n, c in rest if c == "text" and fields[n].is_required()]
    texts = (texts or [n for n, c in rest if c == "text"])[:TEXT_COLUMNS]
    labels = {**field_labels(model, lead + short + texts, tr.lang), "id": tr("编号", "Id")}
    columns = [Column(n, labels[n]) for n in lead + short]
    columns += [Column(n, labels[n], TEXT_LIMIT) for n in texts]
    if "due" in fields:
        columns.append(Column("overdue", tr("逾期(天)", "Overdue (days)")))
    return columns


def _row(rec: Rec, columns: list[Column], ctx: Context) -> list[str]:
    tr = ctx.tr
    return [str(overdue_days(rec, ctx.as_of) or "—") if c.name == "overdue" else show(rec, c.name, tr, c.limit)
            for c in columns]


def _status_counts(kind: Kind, recs: list[Rec]) -> dict[str, int]:
    order = list(kind.spec.workflow.statuses) if kind.spec.workflow else []
    counts: dict[str, int] = {}
    for rec in recs:
        counts[str(rec.status)] = counts.get(str(rec.status), 0) + 1
    return {s: counts[s] for s in sorted(counts, key=lambda s: (order.index(s) if s in order else len(order), s))}


def record_register(ctx: Context, kind: Kind) -> Report:
    tr, spec = ctx.tr, kind.spec
    recs = sorted(ctx.of_kind(kind.name), key=lambda r: r.id)
    columns = choose_columns(kind, tr, ctx.reveal)
    overdue = [r.id for r in recs if is_overdue(r, ctx.as_of)]
    report = Report(tr(f"{spec.title_zh} 登记表", f"Register: {spec.title_en}"), document_id=spec.code,
                    subtitle=tr(f"表格 {spec.code},依据 {spec.procedure};截至 {ctx.as_of}。",
                                f"Form {spec.code} under {spec.procedure}; as of {ctx.as_of}."))
    summary = report.section(tr("概要", "Summary"))
    counts = _status_counts(kind, recs)
    summary.add(Paragraph(tr(f"共 {len(recs)} 份记录。", f"{len(recs)} records.")))
    if spec.additions:
        summary.add(Paragraph(tr("本组织补充(原手册没有):", "The organization's additions (not in the source): ")
                              + ";".join(spec.additions)))
    if spec.workflow:
        summary.add(Paragraph(tr("按状态:", "By status: ") + ", ".join(f"{tr.value(s)} {n}" for s, n in counts.items())))
    if "due" in kind.model.model_fields:
        listed = f": {', '.join(overdue)}" if overdue else tr("。", ".")
        summary.add(Paragraph(tr(f"逾期 {len(overdue)} 份", f"{len(overdue)} overdue") + listed),
                    Paragraph(tr("逾期:未完成且已过完成期限(期限次日起计)。",
                                 "Overdue: not finished and past the due date (counted from the day after)."), "note"))
    hidden = [c for c in spec.confidential if not ctx.reveal]
    if hidden:
        summary.add(Paragraph(tr(f"保密字段未列出:{', '.join(hidden)}。",
                                 f"Confidential fields not listed: {', '.join(hidden)}."), "note"))
    report.section(tr("记录", "Records")).add(Table([c.label for c in columns], [_row(r, columns, ctx) for r in recs]))
    report.data = {
        "report": "register", "kind": kind.name, "code": spec.code, "count": len(recs), "by_status": counts,
        "overdue": overdue, "columns": [c.name for c in columns],
        "rows": [{c.name: (overdue_days(r, ctx.as_of) if c.name == "overdue" else r.shown.get(c.name)) for c in columns}
                 for r in recs],
    }
    return report


# -- the master list of documents ----------------------------------------------------


def _next_review(doc: Document, ctx: Context) -> str:
    due = doc.review_due()
    if doc.status != "effective":
        return "—"
    if due is None:
        return ctx.tr("未规定", "not set")
    return f"{due} {ctx.tr('逾期', 'OVERDUE')}" if due < ctx.as_of else str(due)


def _doc_row(doc: Document, ctx: Context) -> list[str]:
    tr = ctx.tr
    return [doc.id, doc.title, ctx.repo.config.class_name(doc.type, ctx.lang), doc.revision, tr(*DOC_STATUS[doc.status]), doc.owner,
            cell(doc.approved, tr), cell(doc.effective, tr), _next_review(doc, ctx)]


def _doc_key(doc: Document, order: list[str] = TYPE_ORDER) -> tuple[int, str]:
    """Default classes from the manual down to the forms; an organization's own classes in qms.yml's order."""
    return (order.index(doc.type) if doc.type in order else len(order), doc.id)


def class_order(ctx: Context) -> list[str]:
    """The organization's document classes, the default ones from the manual down to the forms, its own after."""
    declared = list(ctx.repo.config.document_classes)
    return [c for c in TYPE_ORDER if c in declared] + [c for c in declared if c not in TYPE_ORDER]


def _units(ctx: Context) -> list[tuple[str | None, str]]:
    """(unit id, heading) in the organization's order; documents of no known unit come last."""
    tr = ctx.tr
    known: list[tuple[str | None, str]] = [(u.id, u.name if ctx.lang == "zh" else tr.value(u.id)) for u in (ctx.organization.units if ctx.organization else [])]
    ids = {u for u, _ in known}
    if any(d.unit not in ids for d in ctx.documents.values()):
        known.append((None, tr("其他", "Other")))
    return known


def document_register(ctx: Context) -> Report:
    tr = ctx.tr
    docs = sorted(ctx.documents.values(), key=lambda d: _doc_key(d, class_order(ctx)))
    columns = [tr("文件编号", "Document"), tr("标题", "Title"), tr("类别", "Type"), tr("版本", "Revision"),
               tr("状态", "Status"), tr("编制", "Owner"), tr("批准日期", "Approved"), tr("生效日期", "Effective"),
               tr("下次评审", "Next review")]
    by_status = {s: sorted(d.id for d in docs if d.status == s) for s in DOC_STATUS}
    review_overdue = [d.id for d in docs if d.status == "effective" and (d.review_due() or ctx.as_of) < ctx.as_of]
    report = Report(tr("受控文件清单", "Master list of documents"), document_id="RPT-DOC-LIST",
                    subtitle=tr(f"截至 {ctx.as_of},共 {len(docs)} 份文件;版本历史见各文件页(来自 git)。",
                                f"{len(docs)} documents as of {ctx.as_of}; each document's revision history comes from git."))
    summary = report.section(tr("概要", "Summary"))
    summary.add(Paragraph(", ".join(f"{tr(*DOC_STATUS[s])} {len(ids)}" for s, ids in by_status.items())))
    if review_overdue:
        summary.add(Paragraph(tr("超期未评审:", "Past periodic review: ") + ", ".join(review_overdue), "warning"))
    for status in ("draft", "obsolete"):
        if by_status[status]:
            summary.add(Paragraph(tr(f"{tr(*DOC_STATUS[status])}的文件不得作为现行依据使用:",
                                     f"{tr(*DOC_STATUS[status])} documents are not to be used as current: ")
                                  + ", ".join(by_status[status]), "note"))
    all_units = {u for u, _ in _units(ctx)}
    for unit, heading in _units(ctx):
        own = [d for d in docs if d.unit == unit or (unit is None and d.unit not in all_units)]
        if own:
            report.section(tr(f"{heading}:{len(own)} 份", f"{heading}: {len(own)}")).add(
                Table(columns, [_doc_row(d, ctx) for d in own]))
    report.data = {
        "report": "register", "kind": "documents", "count": len(docs),
        "by_status": {s: len(ids) for s, ids in by_status.items()}, "review_overdue": review_overdue,
        "rows": [{"id": d.id, "title": d.title, "type": d.type, "revision": d.revision, "status": d.status,
                  "owner": d.owner, "approved": d.approved, "effective": d.effective, "unit": d.unit,
                  "review_due": d.review_due()} for d in docs],
    }
    return report


def unknown_kind(ctx: Context, what: str) -> QmsError:
    """The message for a register that does not exist: the closest name, then every name."""
    names = sorted(ctx.repo.registry.kinds)
    close = difflib.get_close_matches(what, ["documents", *names], n=1, cutoff=0.6)
    hint = messages.text("rep.register_hint", name=close[0]) if close else ""
    return QmsError(messages.text("rep.no_register", what=repr(what), hint=hint, names=messages.join(names)))


def build(ctx: Context, what: str) -> Report:
    """``documents`` for the master list, or a record kind's name for its register."""
    if what == "documents":
        return ctx.stamp(document_register(ctx))
    kind = ctx.repo.registry.get(what)
    if kind is None:
        raise unknown_kind(ctx, what)
    return ctx.stamp(record_register(ctx, kind))
