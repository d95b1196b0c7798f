"""``qms checklist``: the internal-audit checklist (内部审核检查表) for an audit plan or a scope.

One row per requirement of the documents in scope — each sentence that says
应 / 须 / 必须 / 不得 / shall, and each numbered step of a document's lists,
since Chinese manuals state most of a procedure as imperative steps — with
its section, clause (of each standard in qms.yml) and a reproducible sample of records to examine.
Before the rows, what an auditor prepares from: the previous audit's
findings and their status, what changed since then (from git), and any
auditor set to audit his own department (9.2.2 b). Auditor names are
confidential and appear only with ``--include-confidential``.
"""
from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from .. import messages
from .. import yamlio
from ..doctext import DocSection, numbered_step, requirement_sentences, sections
from ..documents import Document, add_months
from ..forms import AuditPlan, AuditReport, Nonconformity
from ..standards import Catalogue, builtin, named_catalogues
from ..issues import QmsError
from ..report import Paragraph, Report, Section, Table
from ..trail import document_revisions
from .context import Context, Rec

DAY = dt.timedelta(days=1)


@dataclass
class Scope:
    """What is audited, over which days, and why each document is in it."""

    plan: str | None
    departments: list[str]
    why: dict[str, str]  # document id → how it came into scope
    reference: dt.date  # the audit's first day: a previous audit is one before it
    since: dt.date = dt.date.min
    until: dt.date = dt.date.max
    units: set[str | None] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)  # paths modified (not merely added) in the period
    unknown: list[str] = field(default_factory=list)  # criteria the manual does not hold

    @property
    def documents(self) -> list[str]:
        return sorted(self.why)

    def inside(self, day: dt.date | None) -> bool:
        return day is not None and self.since <= day <= self.until


@dataclass
class Row:
    number: int
    document: str
    section: str
    text: str
    kind: str  # "requirement" (a sentence with 应 …) or "step" (a numbered step without one)
    clauses: list[str]
    evidence: dict[str, list[str]]  # record kind → sampled ids


@dataclass
class Conflict:
    role: str
    department: str
    audits: list[str]
    auditor: str | None  # only with --include-confidential


@dataclass
class DocChange:
    document: str
    title: str
    old: str  # the revision in force when the period began ("—": the document is new)
    new: str
    revisions: list[dict[str, str]]
    summary: list[str]


@dataclass
class KindChange:
    kind: str
    total: int
    dated: int  # the form's date field falls in the period
    added: int | None  # first committed in the period (None without git)
    changed: int | None  # committed again in the period, not added in it
    closed: int | None  # None: the form has no final status


# -- the plan and the scope -----------------------------------------------------


def plan_ids(ctx: Context) -> list[str]:
    """Every audit plan, valid or not: an invalid plan (an auditor on his own department) still gets a checklist."""
    kinds = {k.name for k in ctx.repo.registry.extending(AuditPlan)}
    return sorted({r.id for r in ctx.of_base(AuditPlan)} | {i for i, (k, _, _) in ctx.invalid.items() if k.name in kinds})


def plan_data(ctx: Context, plan_id: str) -> tuple[dict[str, Any], bool]:
    """The plan's masked data and whether it passes its form; an invalid plan has only its raw data."""
    rec = ctx.record(plan_id)
    if rec is not None and isinstance(rec.model, AuditPlan):
        return rec.shown, True
    if plan_id in plan_ids(ctx):
        return ctx.invalid[plan_id][2], False
    known = messages.join(plan_ids(ctx)) or messages.text("rep.no_plans")
    raise QmsError(messages.text("rep.no_plan", plan=repr(plan_id), known=known))


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _strs(value: Any) -> list[str]:
    """Names from a list in raw data; a document reference loses its section (``LD-QP-03 §4`` → ``LD-QP-03``)."""
    return [str(v).split("§")[0].strip() for v in value] if isinstance(value, list) else []


def _dept_unit(ctx: Context) -> dict[str, str | None]:
    return {d.name: d.unit for d in ctx.organization.departments} if ctx.organization else {}


def _states_requirements(doc: Document) -> bool:
    """Drafts, obsolete documents and reference material (REF) oblige nobody: never pulled in by department or clause."""
    return doc.status == "effective" and doc.type != "REF"


def owned_documents(ctx: Context, departments: list[str]) -> dict[str, str]:
    """Documents owned by a role of a scoped department, in that department's unit.

    A department audited answers for the procedures its own roles own even
    when the plan's criteria leave one out; the unit check keeps a role
    name shared by two units from pulling in the other unit's documents.
    """
    units = _dept_unit(ctx)
    role_dept = {r.name: r.department for r in ctx.organization.roles} if ctx.organization else {}
    found = {}
    for doc in ctx.documents.values():
        dept = role_dept.get(doc.owner)
        if dept in departments and _states_requirements(doc) and (doc.unit is None or units.get(dept) in (None, doc.unit)):
            found[doc.id] = str(dept)
    return found


def _add_scope_value(ctx: Context, value: str, departments: list[str], why: dict[str, str]) -> None:
    tr = ctx.tr
    if value in _dept_unit(ctx):
        departments.append(value)
    elif value in ctx.documents:
        why.setdefault(value, tr("指定范围", "named in --scope"))
    elif _clause_scope(ctx, value):
        for std, clause in _clause_scope(ctx, value):
            for doc in ctx.documents.values():
                if _states_requirements(doc) and any(std.clause_of(t) == clause for t in doc.tags(std.id)):
                    why.setdefault(doc.id, tr(f"涉及 {std.name} 条款 {clause}", f"covers {std.name} clause {clause}"))
    else:
        named = " ".join(c.id for c in _standards(ctx))
        raise QmsError(messages.text("rep.bad_scope", value=repr(value), named=named))


def _standards(ctx: Context) -> list[Catalogue]:
    return named_catalogues(ctx.repo) or [builtin()["iso9001"]]


def _clause_scope(ctx: Context, value: str) -> list[tuple[Catalogue, str]]:
    """``9.2`` (that clause of every named standard that has it) or ``iso14001:9.2`` (of one standard)."""
    ident, sep, number = value.replace(" ", ":", 1).partition(":")
    chosen = [c for c in _standards(ctx) if not sep or c.id == ident]
    number = number if sep else value
    return [(c, found) for c in chosen if (found := c.clause_of(number)) is not None]


def _document_clauses(ctx: Context, doc: Document) -> list[str]:
    """The clauses a document tags: bare numbers for one standard, ``iso14001 6.1`` when the system has several."""
    ids = [c.id for c in _standards(ctx)]
    if len(ids) == 1:
        return list(doc.tags(ids[0]))
    return [f"{std} {tag}" for std in ids for tag in doc.tags(std)]


def resolve_scope(ctx: Context, plan: dict[str, Any], values: tuple[str, ...] | list[str],
                  since: dt.date | None, until: dt.date | None) -> Scope:
    """Departments and documents from the plan and ``--scope``; the period by default from the previous audit
    of an overlapping scope to the day before this one (or a year, when there was none)."""
    tr = ctx.tr
    departments = [d for d in plan.get("scope") or [] if isinstance(d, str)]
    why = {d: tr("审核准则", "plan criteria") for d in _strs(plan.get("criteria")) if d in ctx.documents}
    for value in values:
        _add_scope_value(ctx, value, departments, why)
    departments = list(dict.fromkeys(departments))
    for doc, dept in sorted(owned_documents(ctx, departments).items()):
        why.setdefault(doc, tr(f"{dept}所属文件", f"owned by {dept}"))
    reference = _day(plan.get("start")) or (until or ctx.as_of) + DAY
    scope = Scope(plan.get("id"), departments, why, reference, unknown=[d for d in _strs(plan.get("criteria"))
                                                                          if d not in ctx.documents])
    prev = previous_audit(ctx, scope)
    scope.until = until or reference - DAY
    scope.since = since or (prev.date if prev and prev.date else add_months(scope.until, -12) + DAY)
    if scope.since > scope.until:
        raise QmsError(messages.text("cli.since_after_until", since=scope.since, until=scope.until))
    units = _dept_unit(ctx)
    scope.units = {units.get(d) for d in departments} | {ctx.documents[d].unit for d in scope.documents}
    if ctx.history is not None:
        scope.changed = {v.change.path for v in ctx.history.changes_between(scope.since, scope.until) if v.change.status != "A"}
    return scope


def previous_audit(ctx: Context, scope: Scope) -> Rec | None:
    """The latest audit report before this audit (not of this plan) whose departments or criteria overlap."""
    found = [r for r in ctx.of_base(AuditReport)
             if r.date and r.date < scope.reference and (r.get("plan") != scope.plan or scope.plan is None)
             and (set(r.get("scope") or []) & set(scope.departments) or set(_strs(r.get("criteria"))) & set(scope.why))]
    return max(found, key=lambda r: (r.date, r.id), default=None)


# -- records: which are in scope, which to sample ----------------------------------


def in_scope(ctx: Context, rec: Rec, scope: Scope) -> bool:
    """A record of a department (or unit) outside the scope is not this audit's evidence."""
    units = _dept_unit(ctx)
    dept, unit = rec.get("department"), rec.get("unit")
    if isinstance(dept, str) and dept in units:
        return dept in scope.departments if scope.departments else units[dept] in scope.units | {None}
    return not isinstance(unit, str) or unit in scope.units


def _open(rec: Rec) -> bool:
    return rec.kind.spec.workflow is not None and not rec.final


def _overdue(ctx: Context, rec: Rec) -> bool:
    due = rec.get("due")
    return _open(rec) and isinstance(due, dt.date) and due < ctx.as_of


def population(ctx: Context, kind: str, scope: Scope) -> list[Rec]:
    """Records of ``kind`` in scope that belong to the period: dated in it (or undated), modified in it, or still open."""
    return [r for r in sorted(ctx.of_kind(kind), key=lambda r: r.id) if in_scope(ctx, r, scope) and (
        r.date is None or scope.inside(r.date) or r.path in scope.changed or (_open(r) and r.date <= scope.until))]


def weight(ctx: Context, rec: Rec, scope: Scope) -> int:
    """Findings hide in open, overdue and edited records: 3, 5 and 2 times as likely as a closed one."""
    return 1 + 2 * _open(rec) + 2 * _overdue(ctx, rec) + (rec.path in scope.changed)


def draw(ctx: Context, kind: str, scope: Scope, size: int, seed: int) -> list[Rec]:
    """A weighted sample without replacement (Efraimidis–Spirakis keys), the same for the same seed.

    Each kind draws from its own ``Random(f"{seed}:{kind}")``, so one kind's
    sample does not move when another kind gains a record.
    """
    rng = random.Random(f"{seed}:{kind}")
    keyed = sorted(((rng.random() ** (1 / weight(ctx, r, scope)), r.id, r) for r in population(ctx, kind, scope)),
                   key=lambda k: (-k[0], k[1]))
    return sorted((r for _, _, r in keyed[:max(size, 0)]), key=lambda r: r.id)


# -- the rows -------------------------------------------------------------------

_WORD = re.compile(r"[a-z][a-z0-9_]+")
_CLAUSE_TAIL = re.compile(r"\s*[((][\d.,,、\s–-]+[))]\s*$")


def named_kinds(ctx: Context, text: str) -> list[str]:
    """Record kinds a text names (``nonconformity``): the most precise evidence for a requirement."""
    return sorted(set(_WORD.findall(text)) & set(ctx.repo.registry.kinds))


def document_kinds(ctx: Context, doc: Document, body: str) -> list[str]:
    """The kinds a document governs (``forms:``), else those its text names (a procedure's "records" section)."""
    return [k for k in doc.forms if k in ctx.repo.registry.kinds] or named_kinds(ctx, body)


def section_items(section: DocSection) -> list[tuple[str, str, str]]:
    """(kind, step number, text): each requirement sentence, and each numbered step that holds none."""
    items: list[tuple[str, str, str]] = []
    for line in section.lines:
        found = requirement_sentences(DocSection("", "", 0, 0, lines=[line]))
        step = numbered_step(line)
        if found:
            items.extend(("requirement", step[0] if step else "", s) for s in found)
        elif step:
            items.append(("step", *step))
    return items


def document_rows(ctx: Context, doc: Document, body: str, samples: dict[str, list[Rec]], start: int) -> list[Row]:
    """One document's rows; a heading without clauses takes its parent's, then the document's clause tags."""
    tr = ctx.tr
    rows: list[Row] = []
    stack: list[tuple[int, list[str]]] = []
    own = document_kinds(ctx, doc, body)
    doc_clauses = _document_clauses(ctx, doc)
    for sec in sections(body):
        while stack and stack[-1][0] >= sec.level:
            stack.pop()
        clauses = sec.clauses or next((c for _, c in reversed(stack) if c), []) or doc_clauses
        stack.append((sec.level, sec.clauses))
        title = _CLAUSE_TAIL.sub("", sec.title)  # the clauses have their own column
        label = f"§{sec.number} {title}" if sec.number else title or "—"
        in_section = [k for k in named_kinds(ctx, sec.text) if k in own]
        for kind, step, text in section_items(sec):
            kinds = sorted(set(named_kinds(ctx, text)) | set(in_section)) or own
            where = f"{label} {tr(f'第 {step} 项', f'item {step}')}" if step else label
            rows.append(Row(start + len(rows), doc.id, where, text, kind, list(clauses),
                            {k: [r.id for r in samples.get(k, [])] for k in kinds}))
    return rows


# -- independence, previous findings, changes ------------------------------------


def conflicts(ctx: Context, plan: dict[str, Any]) -> list[Conflict]:
    """Each auditor set to audit his own department; read from the data, as the form's validator makes the plan invalid."""
    return [Conflict(str(a.get("role") or "?"), str(a["department"]), _strs(a.get("audits")),
                     str(a.get("auditor")) if ctx.reveal else None)
            for a in plan.get("auditors") or [] if isinstance(a, dict) and a.get("department") in _strs(a.get("audits"))]


def unassigned(plan: dict[str, Any], scope: Scope) -> list[str]:
    """Departments in scope that no auditor is assigned to audit."""
    audited = {d for a in plan.get("auditors") or [] if isinstance(a, dict) for d in _strs(a.get("audits"))}
    return [d for d in scope.departments if d not in audited]


def findings(ctx: Context, report: Rec) -> list[list[str]]:
    """The previous audit's nonconformities with their status now, overdue ones marked."""
    tr = ctx.tr
    ids = set(report.get("nonconformities") or []) | {r.id for r in ctx.of_base(Nonconformity) if r.get("audit") == report.id}
    rows = []
    for rid in sorted(ids):
        rec = ctx.record(rid)
        if rec is None:
            rows.append([rid, tr("无法读取,运行 qms check", "cannot be read: run qms check"), "", "", "", ""])
            continue
        late = tr(" 已逾期", " OVERDUE") if _overdue(ctx, rec) else ""
        rows.append([rid, tr.value(rec.status), tr.value(rec.get("grade")), str(rec.get("department") or "—"),
                     str(rec.get("requirement") or "—"), f"{rec.get('due') or '—'}{late}"])
    return rows


def summarize(old: str | None, new: str) -> list[str]:
    """Sections added (+), removed (−) and reworded (~) between two bodies of a document."""
    if old is None:
        return ["+ (new document)"]

    def keyed(body: str) -> dict[str, tuple[str, str]]:
        return {s.number or s.title: (f"§{s.number} {s.title}" if s.number else s.title, s.text) for s in sections(body) if s.level}

    a, b = keyed(old), keyed(new)
    return ([f"+ {b[k][0]}" for k in b if k not in a] + [f"− {a[k][0]}" for k in a if k not in b]
            + [f"~ {b[k][0]}" for k in b if k in a and a[k][1] != b[k][1]])


def document_changes(ctx: Context, scope: Scope) -> list[DocChange]:
    """Each document in scope committed in the period: its revisions then, and what changed in its text."""
    found = []
    history = ctx.history
    for doc_id in scope.documents:
        df = ctx.document_file(doc_id)
        if df is None or history is None:
            continue
        versions = history.versions(df.path)  # newest first
        if not any(scope.inside(v.date.date()) for v in versions):
            continue
        before = next((v for v in versions if v.date.date() < scope.since), None)
        after = next(v for v in versions if v.date.date() <= scope.until)
        old_front, old_body = yamlio.read_front_matter(history.blob(before.change.new_blob)) if before else ({}, None)
        new_front, new_body = yamlio.read_front_matter(history.blob(after.change.new_blob))
        old, new = str((old_front or {}).get("revision", "—")), str((new_front or {}).get("revision", "?"))
        summary = summarize(old_body, new_body)
        if before and old == new and old_body != new_body:
            summary.insert(0, ctx.tr("! 正文修改而版本未变 (7.5.2)", "! text changed without a new revision (7.5.2)"))
        revisions = [r._asdict() for r in document_revisions(history, df.path) if scope.inside(_day(r.date[:10]))]
        found.append(DocChange(doc_id, ctx.documents[doc_id].title, old, new, revisions, summary))
    return found


def closing_day(ctx: Context, rec: Rec) -> dt.date | None:
    """When a record reached its final status: the last date among the fields its workflow requires there
    (``closed``, ``handed_over``, ``verification.on`` …), so each form says what closing means; else the
    first commit that shows the status."""
    workflow = rec.kind.spec.workflow
    for name in reversed(workflow.requires.get(str(rec.status), ()) if workflow else ()):
        value = getattr(rec.get(name), "on", rec.get(name))
        if isinstance(value, dt.date):
            return value
    for entry in ctx.history.trail(rec.path) if ctx.history else []:
        if isinstance(entry.data, dict) and entry.data.get("status") == rec.status:
            return entry.version.date.date()
    return None


def kind_changes(ctx: Context, scope: Scope, kinds: list[str]) -> list[KindChange]:
    """Per kind in scope: added = first committed in the period; changed = modified in it but added before;
    closed = in a final status now, reached in the period (:func:`closing_day`)."""
    found = []
    for kind in kinds:
        recs = [r for r in ctx.of_kind(kind) if in_scope(ctx, r, scope)]
        first = {r.id: ctx.history.versions(r.path)[-1].date.date() for r in recs if ctx.history and ctx.history.versions(r.path)}
        added = {r.id for r in recs if scope.inside(first.get(r.id))}
        changed = [r for r in recs if r.path in scope.changed and r.id not in added]
        closable = ctx.repo.registry.kinds[kind].spec.workflow is not None
        git = ctx.history is not None
        found.append(KindChange(kind, len(recs), sum(scope.inside(r.date) for r in recs), len(added) if git else None,
                                len(changed) if git else None,
                                sum(r.final and scope.inside(closing_day(ctx, r)) for r in recs) if closable else None))
    return found


# -- the report -----------------------------------------------------------------


def scope_section(ctx: Context, sc: Scope, prev: Rec | None, plan: str | None, valid: bool) -> Section:
    tr, docs = ctx.tr, ctx.documents
    s = Section(tr("审核范围", "Scope"))
    if not valid:
        s.add(Paragraph(tr(f"审核计划 {plan} 未通过表格校验(运行 qms check);本检查表按其填写的内容编制。",
                           f"Audit plan {plan} does not pass its form (run qms check); this checklist uses it as written."), "warning"))
    basis = (tr(f"自上次审核 {prev.id} 起", f"since the previous audit {prev.id}") if prev
             else tr("无上次审核,取审核前一年", "no previous audit: the year before this one"))
    s.add(Paragraph(tr(f"受审核部门:{'、'.join(sc.departments) or '—'}。审核期间:{sc.since} 至 {sc.until}({basis})。",
                       f"Departments audited: {', '.join(sc.departments) or '—'}. Period: {sc.since} to {sc.until} ({basis}).")),
          Table([tr("文件", "Document"), tr("标题", "Title"), tr("版本", "Revision"), tr("状态", "Status"),
                 tr("纳入原因", "Why in scope"), tr("记录表格", "Record kinds")],
                [[d, docs[d].title, docs[d].revision, tr.doc_status(docs[d].status), sc.why[d], ", ".join(docs[d].forms) or "—"]
                 for d in sc.documents]))
    if sc.unknown:
        s.add(Paragraph(tr(f"审核准则中的文件在 manual/ 中不存在:{', '.join(sc.unknown)};请修正审核计划。",
                           f"Criteria not found in manual/: {', '.join(sc.unknown)}; correct the plan."), "warning"))
    idle = [d for d in sc.documents if docs[d].status != "effective"]
    if idle:
        s.add(Paragraph(tr(f"未生效的文件不构成要求,未列入检查表:{', '.join(idle)}。",
                           f"Documents not in effect state no requirement and have no rows: {', '.join(idle)}."), "warning"))
    return s


def independence_section(ctx: Context, data: dict[str, Any], found: list[Conflict], free: list[str],
                         plan: str | None) -> Section:
    """The audit team as the plan has it (names masked unless revealed), then each conflict in words."""
    tr = ctx.tr
    s = Section(tr("审核组与独立性", "Audit team and independence"))
    team = [a for a in data.get("auditors") or [] if isinstance(a, dict)]
    if team:
        s.add(Table([tr("审核员", "Auditor"), tr("岗位", "Role"), tr("所在部门", "Own department"), tr("审核部门", "Audits"),
                     tr("独立性", "Independence")],
                    [[str(a.get("auditor") or "—"), str(a.get("role") or "—"), str(a.get("department") or "—"),
                      "、".join(_strs(a.get("audits"))), tr("冲突", "CONFLICT") if a.get("department") in _strs(a.get("audits"))
                      else tr("符合", "ok")] for a in team]))
    for c in found:
        who = f"{c.auditor}, " if c.auditor else ""
        s.add(Paragraph(tr(f"利益冲突:{who}{c.role}(所在部门 {c.department})被安排审核本部门 {c.department};请改派其他审核员。",
                           f"Conflict: {who}{c.role} of {c.department} is assigned to audit {c.department}, his own "
                           "department; assign it to another auditor."), "warning"))
    if free:
        s.add(Paragraph(tr(f"以下受审核部门没有指派审核员:{'、'.join(free)}。", f"No auditor is assigned to: {', '.join(free)}."), "warning"))
    if not found and not free:
        s.add(Paragraph(tr("没有审核员被安排审核本部门。", "No auditor is assigned to his own department.") if plan
                        else tr("未指定审核计划,无审核员分工可查。", "No audit plan: no auditor assignments to check.")))
    return s


def previous_section(ctx: Context, prev: Rec | None) -> Section:
    tr = ctx.tr
    s = Section(tr("上次审核的发现", "Findings of the previous audit"))
    if prev is None:
        return s.add(Paragraph(tr("此前没有范围重叠的审核。", "No earlier audit of an overlapping scope.")))
    return s.add(Paragraph(f"{prev.id} ({prev.date}): {prev.get('summary') or '—'}"), Table(
        [tr("不符合", "Finding"), tr("状态", "Status"), tr("等级", "Grade"), tr("部门", "Department"), tr("要求", "Requirement"),
         tr("期限", "Due")], findings(ctx, prev), caption=tr("不符合及其现状", "Nonconformities and their status now")))


def changes_section(ctx: Context, sc: Scope, docs: list[DocChange], recs: list[KindChange]) -> Section:
    tr = ctx.tr
    s = Section(tr("自上次审核以来的变化", "What changed since the previous audit"))
    if ctx.history is None:
        return s.add(Paragraph(tr("此目录不是 git 仓库:无法得出文件修订和记录变化。",
                                  "Not a git repository: document revisions and record changes cannot be derived."), "note"))

    def num(n: int | None) -> str:
        return "—" if n is None else str(n)

    return s.add(
        Paragraph(tr(f"依据 git 历史,{sc.since} 至 {sc.until}。", f"From git history, {sc.since} to {sc.until}.")),
        Table([tr("文件", "Document"), tr("版本", "Revision"), tr("修订记录", "Revisions"),
               tr("变化(+ 新增 − 删除 ~ 修改)", "What changed (+ added − removed ~ reworded)")],
              [[f"{c.document} {c.title}", f"{c.old} → {c.new}", "\n".join(
                  f"{r['revision']} {r['date']} {r['author']}: {r['message']}" for r in c.revisions) or "—", "\n".join(c.summary)]
               for c in docs], caption=tr("修订的文件", "Documents revised"),
              empty=tr("期间内范围内的文件没有修改。", "No document in scope changed in the period.")),
        Table([tr("记录表格", "Record kind"), tr("现有", "Now"), tr("日期在期间内", "Dated in period"), tr("新增", "Added"),
               tr("修改", "Changed"), tr("关闭", "Closed")],
              [[k.kind, str(k.total), str(k.dated), num(k.added), num(k.changed), num(k.closed)] for k in recs],
              caption=tr("记录(新增:期间内首次提交;修改:期间前已有、期间内修改;关闭:期间内进入最终状态)",
                         "Records (added: first committed in the period; changed: modified in it, added before; "
                         "closed: reached a final status in it)")))


def sample_section(ctx: Context, sc: Scope, samples: dict[str, list[Rec]], size: int, seed: int) -> Section:
    tr = ctx.tr

    def line(r: Rec) -> str:
        flags = ([tr.value(r.status)] if r.status else []) + ([tr("逾期", "overdue")] if _overdue(ctx, r) else []) \
            + ([tr("期间内修改", "modified")] if r.path in sc.changed else [])
        return f"{r.id} ({', '.join(flags)})" if flags else r.id

    return Section(tr("抽样", "Sample")).add(
        Paragraph(tr(f"每类记录抽取 {size} 份(--seed {seed});未关闭、逾期和期间内修改的记录更可能被抽中。同样的选项得到同样的样本。",
                     f"{size} records per kind (--seed {seed}); open, overdue and modified records are more likely drawn. "
                     "The same options give the same sample.")),
        Table([tr("记录表格", "Record kind"), tr("总体", "Population"), tr("样本", "Sample")],
              [[k, str(len(population(ctx, k, sc))), "\n".join(line(r) for r in v) or "—"] for k, v in samples.items()]))


def checklist_sections(ctx: Context, rows: list[Row], documents: list[str]) -> list[Section]:
    """The rows, one table per document, each citable as it stands (``LD-QP-03 §4 …``); evidence the same as
    the row above reads "as above"."""
    tr = ctx.tr
    cols = [tr("序号", "No."), tr("条款", "Section"), tr("要求", "Requirement"), "ISO 9001",
            tr("审核证据(抽样)", "Evidence (sample)"), tr("结果", "Result"), tr("备注", "Notes")]

    def evidence(row: Row, above: Row | None) -> str:
        if above is not None and row.evidence and above.evidence == row.evidence:
            return tr("同上", "as above")
        return "\n".join(f"{k}: {', '.join(v) or tr('期间内无', 'none in period')}" for k, v in row.evidence.items()) \
            or tr("无对应记录:面谈、现场观察", "no record kind: interview, observe")

    out = [Section(tr("检查表", "Checklist")).add(Paragraph(tr(
        f"共 {len(rows)} 项:含“应 / 须 / 必须 / 不得”的要求句,及文件中的编号步骤。结果栏填:符合 / 不符合 / 观察项。",
        f"{len(rows)} items: each sentence with shall / 应 / 须 / 必须 / 不得, and each numbered step. "
        "Result: conforms / nonconformity / observation.")))]
    for d in documents:
        own = [r for r in rows if r.document == d]
        out.append(Section(f"{d} {ctx.documents[d].title}", level=3).add(Table(cols, [
            [str(r.number), f"{d} {r.section}", r.text, ", ".join(r.clauses), evidence(r, own[n - 1] if n else None), "", ""]
            for n, r in enumerate(own)], widths=[0.5, 1.3, 4, 0.8, 2.2, 0.8, 1],
            empty=tr("未找到要求句或编号步骤。", "No requirement sentence or numbered step found."))))
    return out


def build(ctx: Context, plan: str | None = None, scope: tuple[str, ...] | list[str] = (), since: dt.date | None = None,
          until: dt.date | None = None, sample: int = 5, seed: int = 0) -> Report:
    tr = ctx.tr
    data, valid = plan_data(ctx, plan) if plan else ({}, True)
    sc = resolve_scope(ctx, data, scope, since, until)
    prev = previous_audit(ctx, sc)
    effective = [d for d in sc.documents if ctx.documents[d].status == "effective"]
    bodies = {d: df.body if (df := ctx.document_file(d)) else "" for d in effective}  # every document has its file
    kinds = sorted({k for d in effective for k in document_kinds(ctx, ctx.documents[d], bodies[d]) + named_kinds(ctx, bodies[d])})
    samples = {k: draw(ctx, k, sc, sample, seed) for k in kinds}
    rows: list[Row] = []
    for d in effective:
        rows.extend(document_rows(ctx, ctx.documents[d], bodies[d], samples, len(rows) + 1))
    found, free = conflicts(ctx, data), unassigned(data, sc) if plan else []
    docs, recs = (document_changes(ctx, sc), kind_changes(ctx, sc, kinds)) if ctx.history else ([], [])
    when = tr(f"审核计划 {plan}({data.get('start')} 至 {data.get('end')}),", f"Audit plan {plan} ({data.get('start')} to "
              f"{data.get('end')}), ") if plan else ""
    report = Report(tr("内部审核检查表", "Internal audit checklist"), document_id=f"CL-{plan or 'scope'}",
                    period=f"{sc.since} – {sc.until}", subtitle=when + tr(f"截至 {ctx.as_of}。", f"as of {ctx.as_of}."))
    report.sections += [scope_section(ctx, sc, prev, plan, valid), independence_section(ctx, data, found, free, plan),
                        previous_section(ctx, prev), changes_section(ctx, sc, docs, recs),
                        sample_section(ctx, sc, samples, sample, seed), *checklist_sections(ctx, rows, effective)]
    report.data = {
        "report": "checklist", "plan": plan, "plan_valid": valid, "departments": sc.departments,
        "documents": sc.documents, "since": sc.since, "until": sc.until, "previous_audit": prev.id if prev else None,
        "conflicts": [{k: v for k, v in asdict(c).items() if k != "auditor" or ctx.reveal} for c in found],
        "unassigned": free, "sample": {k: [r.id for r in v] for k, v in samples.items()}, "sample_size": sample,
        "seed": seed, "changes": {"history": ctx.history is not None, "documents": [asdict(c) for c in docs],
                                  "records": [asdict(k) for k in recs]},
        "rows": [asdict(r) for r in rows],
    }
    return ctx.stamp(report)
