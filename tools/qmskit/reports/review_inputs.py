"""The parts the management-review packet is made of: figures counted from records, and the blocks that show them.

``review`` composes one section per ISO 9001 9.3.2 input from these parts.
Counting functions return plain figures (ids, counts, means) so the JSON
output and the tests read the same numbers the Markdown prints; block
functions lay a figure out as tables, paragraphs and charts. The figures a
previous review *stated* in its inputs are read back with a regex keyed by
input letter and re-counted over that review's own period.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import statistics
import typing
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ..documents import add_months
from ..forms import (
    AuditReport,
    CompetenceAssessment,
    Complaint,
    CorrectiveAction,
    ManagementReview,
    Nonconformity,
    Risk,
    SatisfactionSurvey,
    TrainingRecord,
)
from ..history import HistoryIndex
from ..issues import QmsError
from ..registry import Kind
from ..report import Figure, Paragraph, Section, Series, Table
from ..trail import describe, document_revisions
from . import due as due_report
from .context import Context, Rec
from .labels import Translator, field_labels
from .periods import Period

LABELS: dict[str, tuple[str, str]] = {  # words the packet shows that the shared table (labels.VALUES) does not name
    "activity_ok": ("正常", "ok"), "activity_due_soon": ("即将到期", "due soon"), "activity_overdue": ("逾期", "OVERDUE"),
    "activity_never_done": ("从未完成", "NEVER DONE"), "done_late": ("逾期完成", "done late"),
    "overdue": ("逾期未完成", "OVERDUE"), "not_due": ("未到期", "open, not yet due"),
    "competent": ("称职", "competent"), "needs_training": ("需培训", "needs training"), "not_competent": ("不称职", "not competent"),
    "staff": ("公司职员", "staff"), "dispatched_worker": ("派遣人员", "dispatched worker"),
    "risk": ("风险", "risk"), "opportunity": ("机遇", "opportunity"), "identified": ("已识别", "identified"),
    "treated": ("已应对", "treated"), "retired": ("已撤销", "retired"), "high": ("高", "high"), "medium": ("中", "medium"),
    "low": ("低", "low"), "requirement": ("同一要求", "same requirement"),
    "department_category": ("同一部门和类别", "same department and category"),
    "recruitment": ("招募过程", "recruitment"), "service_delivery": ("服务实施", "service delivery"),
    "management_system": ("管理体系", "management system"), "customer_related": ("与顾客有关", "customer related"),
    "reported": ("已报告", "reported"), "dispatched": ("已派工", "dispatched"), "completed": ("已完成", "completed"),
    "confirmed": ("已确认", "confirmed"), "accepted": ("已受理", "accepted"), "handled": ("已处理", "handled"),
    "summarized": ("已总结", "summarized"), "signed": ("已签订", "signed"), "rejected": ("已拒绝", "rejected"),
    "reviewed": ("已评审", "reviewed"), "collecting": ("收集中", "collecting"), "ranked": ("已排序", "ranked"),
    "inspected": ("已检查", "inspected"), "notified": ("已通知", "notified"), "resolved": ("已解决", "resolved"),
    "planning": ("策划中", "planning"), "inspecting": ("检查中", "inspecting"), "negotiating": ("协商中", "negotiating"),
    "terminated": ("已终止", "terminated"), "code_preparation": ("编码准备", "code preparation"),
    "collection": ("信息采集", "collection"), "distribution": ("分发", "distribution"), "reporting": ("上报", "reporting"),
    "feedback": ("反馈", "feedback"), "summary": ("总结", "summary"),
    "service": ("纳税服务", "tax service"), "self_review": ("风险自查", "self-review"), "tax_audit": ("税务审计", "tax audit"),
    "anti_avoidance": ("反避税", "anti-avoidance"), "inspection": ("检查", "inspection"),
}
PROVIDER_WORDS = ("外包", "供方", "供应商", "分包", "外协", "supplier", "provider", "subcontract", "outsourc", "vendor")
Blocks = list[Any]  # paragraphs, tables and figures, in reading order


@dataclass(frozen=True)
class Span:
    """A run of days, both ends included."""

    since: dt.date
    until: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.since <= day <= self.until

    def __str__(self) -> str:
        return f"{self.since}..{self.until}"


def dated(recs: Iterable[Rec], span: Span, name: str | None = None) -> list[Rec]:
    """The records whose date (the form's ``date_field``, or the field ``name``) falls in ``span``, by id."""
    return sorted((r for r in recs if (r.get(name) if name else r.date) in span), key=lambda r: r.id)


def share(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def mean(values: list[float] | list[int]) -> float | None:
    return statistics.fmean(values) if values else None


# -- what every input reads, and how it writes --------------------------------------------------


@dataclass
class Packet:
    """What every input reads, computed once: the context, the period, the review it follows, the due list."""

    ctx: Context
    span: Span
    previous: Rec | None
    due: due_report.DueList
    months: list[str]  # the months trend charts show, YYYY-MM (at least twelve)
    opportunities: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def tr(self) -> Translator:
        return self.ctx.tr

    def of(self, base: type, name: str | None = None) -> list[Rec]:
        return dated(self.ctx.of_base(base), self.span, name)

    def label(self, value: object) -> str:
        pair = LABELS.get(str(value))
        return self.tr(*pair) if pair else self.tr.value(value)

    def dept(self, name: object) -> str:
        org = self.ctx.organization
        found = next((d for d in org.departments if d.name == name), None) if org else None
        return str(found.en) if self.ctx.lang != "zh" and found and found.en else str(name)

    def improve(self, text: str, evidence: list[str]) -> None:
        """Note an opportunity for improvement (input f) with the ids that show it."""
        self.opportunities.append((text, evidence))

    def history(self) -> tuple[HistoryIndex | None, str]:
        """The git history, or None and why not (outside git, or a shallow clone: the packet still builds)."""
        try:
            index = self.ctx.history
        except QmsError as exc:
            return None, str(exc)
        return index, "" if index is not None else self.tr("不是 git 仓库", "not a git repository")

    def none(self) -> Paragraph:
        return Paragraph(self.tr("本期无记录。", "No records in the period."), "note")

    def said(self, letter: str) -> list[Paragraph]:
        """What the previous review recorded for this input, to read the figures against."""
        text = (self.previous.shown.get("inputs") or {}).get(letter) if self.previous else None
        if not text or self.previous is None:
            return []
        return [Paragraph(self.tr(f"上次评审 {self.previous.id} 所述:{text}", f"{self.previous.id} recorded: {text}"), "note")]


def few(ids: list[str], limit: int = 8) -> str:
    return ", ".join(ids) if len(ids) <= limit else ", ".join(ids[:limit]) + f" … (+{len(ids) - limit})"


def short(text: object, limit: int = 40) -> str:
    words = " ".join(str(text or "").split())
    return words if len(words) <= limit else words[: limit - 1] + "…"


def ratio(p: Packet, numerator: int, denominator: int) -> str:
    return f"{numerator}/{denominator} ({p.tr.pct(share(numerator, denominator))})"


def num(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def tally(p: Packet, pairs: list[tuple[str, int]], dept: bool = False) -> str:
    return " · ".join(f"{p.dept(k) if dept else p.label(k)} {n}" for k, n in pairs) or "—"


def counted(recs: list[Rec], name: str) -> list[tuple[str, int]]:
    """How many records have each value of ``name``, most first."""
    counts = Counter(str(r.get(name)) for r in recs if r.get(name) is not None)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def per_month(recs: list[Rec], months: list[str], name: str | None = None) -> list[float | None]:
    """How many of ``recs`` fall in each month (by their date, or the date field ``name``)."""
    counts = Counter(f"{d:%Y-%m}" for r in recs if isinstance(d := (r.get(name) if name else r.date), dt.date))
    return [float(counts.get(m, 0)) for m in months]


# -- a) management reviews and their outputs -----------------------------------------------------


def reviews(ctx: Context) -> list[Rec]:
    """Every management review, oldest first."""
    return sorted(ctx.of_base(ManagementReview), key=lambda r: (r.get("held"), r.id))


def latest_before(ctx: Context, day: dt.date) -> Rec | None:
    """The last review held before ``day`` (a review held on ``day`` is the one being prepared)."""
    held = [r for r in reviews(ctx) if r.get("held") < day]
    return held[-1] if held else None


def review_span(ctx: Context, review: Rec) -> Span:
    """The period a review looked at: from the day after the review before it (or twelve months) to the day it was held."""
    held: dt.date = review.get("held")
    before = ctx.record(review.get("previous") or "") or latest_before(ctx, held)
    if before is not None and isinstance(before.get("held"), dt.date) and before.get("held") < held:
        return Span(before.get("held") + dt.timedelta(days=1), held)
    return Span(add_months(held, -12) + dt.timedelta(days=1), held)


@dataclass(frozen=True)
class Output:
    """One output (9.3.3) of a review and where it stands: done, done_late, open or overdue."""

    review: str
    number: int
    action: str
    owner: str
    category: str
    due: dt.date
    done: dt.date | None
    result: str
    state: str

    @property
    def id(self) -> str:
        return f"{self.review} #{self.number}"

    def as_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "id": self.id}


def outputs(review: Rec, overdue_ids: set[str]) -> list[Output]:
    """A review's outputs; ``overdue_ids`` are the open items ``due.compute`` found overdue."""
    found = []
    shown = review.shown.get("outputs") or []
    for n, item in enumerate(review.get("outputs") or [], 1):
        text = shown[n - 1] if n <= len(shown) and isinstance(shown[n - 1], dict) else {}
        if item.done is not None:
            state = "done_late" if item.done > item.due else "done"
        else:
            state = "overdue" if f"{review.id} #{n}" in overdue_ids else "open"
        found.append(Output(review.id, n, str(text.get("action") or ""), item.owner, item.category, item.due,
                            item.done, str(text.get("result") or ""), state))
    return found


def outputs_table(p: Packet, found: list[Output], caption: str | None = None) -> Table:
    tr = p.tr
    state = {"done": tr.value("done"), "done_late": p.label("done_late"), "open": p.label("not_due"), "overdue": p.label("overdue")}
    return Table([tr("编号", "Id"), tr("措施", "Action"), tr("类别", "Category"), tr("负责", "Owner"), tr("期限", "Due"),
                  tr("完成", "Done"), tr("状态", "Status"), tr("完成情况", "Result")],
                 [[o.id, o.action, p.label(o.category), o.owner, str(o.due), str(o.done or "—"), state[o.state], o.result or "—"]
                  for o in found], caption=caption)


# -- a) what the previous review stated, re-counted --------------------------------------------


@dataclass(frozen=True)
class Stated:
    input: str
    metric: str  # a key of METRICS, e.g. "satisfaction:individual", "reply_rate", "ncr_overdue"
    value: float
    decimals: int  # as written: "95.6 %" has one
    percent: bool
    excerpt: str  # the clause that states it


@dataclass
class Recount:
    stated: Stated
    value: float | None
    detail: str  # e.g. "38/40" or the ids counted
    ids: list[str] = field(default_factory=list)
    first_record: dt.date | None = None  # the earliest record of the kind, when later than the period's start

    @property
    def agrees(self) -> bool | None:
        if self.value is None:
            return None
        shown = self.value * 100 if self.stated.percent else self.value
        return round(shown, self.stated.decimals) == round(self.stated.value, self.stated.decimals)


METRICS: dict[str, tuple[str, str, str, str]] = {  # metric → name (zh, en), how it is re-counted (zh, en)
    "satisfaction:individual": ("个体顾客满意度", "individual customer satisfaction",
                                "期间内个体顾客调查中总体满意的比例", "share of individual-customer surveys satisfied overall"),
    "satisfaction:enterprise": ("企业顾客满意度", "enterprise customer satisfaction",
                                "期间内企业顾客调查中总体满意的比例", "share of enterprise-customer surveys satisfied overall"),
    "reply_rate": ("投诉回复率", "complaint reply rate", "期间内受理的投诉中评审日前已回复的比例",
                   "complaints received in the period and replied by the review day"),
    "unanswered": ("未回复的投诉", "complaints unanswered", "期间内受理、评审日仍未回复的投诉",
                   "complaints received in the period and not replied by the review day"),
    "ncr_raised": ("不符合数", "nonconformities raised", "期间内提出的不符合", "nonconformities raised in the period"),
    "ncr_closed": ("已关闭的不符合", "nonconformities closed", "期间内提出且评审日前已关闭的不符合",
                   "raised in the period and closed by the review day"),
    "ncr_overdue": ("超期未关闭的不符合", "nonconformities overdue", "评审日已过期限仍未关闭的不符合",
                    "past their due date and not closed on the review day"),
    "audit_findings": ("审核开具的不符合", "audit findings", "所述审核(未点名时为期间内的审核)开具的不符合",
                       "nonconformities of the audits named (or of the period's audits)"),
}
NUMBER = r"(\d+(?:\.\d+)?)"
PCT = re.compile(NUMBER + r"\s*%")
CUSTOMER_TYPES = ((re.compile(r"个体|individual", re.I), "individual"), (re.compile(r"企业|enterprise", re.I), "enterprise"))
PATTERNS: dict[str, list[tuple[str, re.Pattern[str], bool]]] = {
    # input letter → (metric, regex whose first matching group is the number, is a percentage)
    "c2": [("reply_rate", re.compile(r"(?:投诉回复率|complaint reply rate)\s*(?:为|是|was|of|:|:)?\s*" + NUMBER + r"\s*%", re.I), True),
           ("unanswered", re.compile(r"(\d+)\s*(?:起|件|项|份)?\s*(?:投诉)?未(?:予)?回复|(\d+)\s+(?:complaints?\s+)?unanswered", re.I), False)],
    "c4": [("ncr_raised", re.compile(r"不符合\s*(\d+)\s*(?:项|份|起)|(\d+)\s+nonconformit", re.I), False),
           ("ncr_closed", re.compile(r"已关闭\s*(\d+)\s*(?:项|份|起)|(\d+)\s+closed", re.I), False),
           ("ncr_overdue", re.compile(r"(\d+)\s*(?:项|份|起)?\s*(?:已)?超期|(\d+)\s+overdue", re.I), False)],
    "c6": [("audit_findings", re.compile(r"不符合\s*(\d+)\s*(?:项|份)|(\d+)\s+(?:findings|nonconformit)", re.I), False)],
}
RECORD_ID = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-\d{4}-\d+\b")
CLAUSE_END = re.compile(r"[。;;!?\n]")


def _decimals(number: str) -> int:
    return len(number.split(".")[1]) if "." in number else 0


def _clause(text: str, at: int) -> str:
    """The clause (between sentence marks) that holds position ``at``."""
    start = max((m.end() for m in CLAUSE_END.finditer(text, 0, at)), default=0)
    end = next((m.start() for m in CLAUSE_END.finditer(text, at)), len(text))
    return text[start:end].strip()


def _satisfaction(text: str) -> list[Stated]:
    """``个体顾客满意度 95.6 %,企业顾客满意度 96.0 %`` or ``… 均为 95 %``: each customer type with the next percentage."""
    found = []
    for pattern, ctype in CUSTOMER_TYPES:
        match = pattern.search(text)
        after = [p for p in PCT.finditer(text) if match and p.start() > match.end()]
        if match and after:
            number = after[0].group(1)
            found.append(Stated("c1", f"satisfaction:{ctype}", float(number), _decimals(number), True, _clause(text, match.start())))
    return found


def stated_figures(inputs: dict[str, str]) -> list[Stated]:
    """The figures a review's inputs state that records can re-count, keyed by input letter."""
    found = _satisfaction(inputs.get("c1") or "")
    for letter, patterns in PATTERNS.items():
        text = inputs.get(letter) or ""
        for metric, pattern, percent in patterns:
            match = pattern.search(text)
            if match:
                number = next(g for g in match.groups() if g is not None)
                found.append(Stated(letter, metric, float(number), _decimals(number), percent, _clause(text, match.start())))
    return found


def overdue_on(ncrs: Iterable[Rec], day: dt.date) -> list[str]:
    """Nonconformities raised by ``day``, due before it and not closed by it: as they stood on that day."""
    return sorted(r.id for r in ncrs if r.get("raised") <= day and r.get("due") < day
                  and not (isinstance(r.get("closed"), dt.date) and r.get("closed") <= day))


def _surveys(ctx: Context, span: Span, s: Stated, _text: str) -> Recount:
    ctype = s.metric.split(":", 1)[1]
    recs = [r for r in dated(ctx.of_base(SatisfactionSurvey), span) if r.get("customer_type") == ctype]
    yes = [r.id for r in recs if r.get("satisfied") is True]
    return Recount(s, share(len(yes), len(recs)), f"{len(yes)}/{len(recs)}", [r.id for r in recs])


def _replies(ctx: Context, span: Span, s: Stated, _text: str) -> Recount:
    got = replies(dated(ctx.of_base(Complaint), span), span.until)
    if s.metric == "reply_rate":
        return Recount(s, got.rate, f"{len(got.replied)}/{len(got.received)}", got.received)
    return Recount(s, float(len(got.unanswered)), ", ".join(got.unanswered), got.unanswered)


def _ncrs(ctx: Context, span: Span, s: Stated, _text: str) -> Recount:
    raised = dated(ctx.of_base(Nonconformity), span, "raised")
    if s.metric == "ncr_raised":
        ids = [r.id for r in raised]
    elif s.metric == "ncr_closed":
        ids = [r.id for r in raised if isinstance(r.get("closed"), dt.date) and r.get("closed") <= span.until]
    else:
        ids = overdue_on(ctx.of_base(Nonconformity), span.until)
    return Recount(s, float(len(ids)), ", ".join(ids), ids)


def _audits(ctx: Context, span: Span, s: Stated, text: str) -> Recount:
    named = [ctx.record(i) for i in RECORD_ID.findall(text)]
    audits = [r for r in named if r is not None and isinstance(r.model, AuditReport)] or dated(ctx.of_base(AuditReport), span)
    ids = sorted({n for a in audits for n in a.get("nonconformities") or []})
    return Recount(s, float(len(ids)), ", ".join(a.id for a in audits), ids)


RECOUNTS: dict[str, tuple[type, Callable[[Context, Span, Stated, str], Recount]]] = {
    "satisfaction": (SatisfactionSurvey, _surveys), "reply_rate": (Complaint, _replies), "unanswered": (Complaint, _replies),
    "ncr_raised": (Nonconformity, _ncrs), "ncr_closed": (Nonconformity, _ncrs), "ncr_overdue": (Nonconformity, _ncrs),
    "audit_findings": (AuditReport, _audits),
}


def recount(ctx: Context, review: Rec) -> tuple[Span, list[Recount]]:
    """Each figure ``review`` stated, re-counted over the period that review looked at."""
    span = review_span(ctx, review)
    inputs = {k: str(v) for k, v in (review.shown.get("inputs") or {}).items()}
    found = []
    for s in stated_figures(inputs):
        base, count = RECOUNTS[s.metric.split(":", 1)[0]]
        got = count(ctx, span, s, inputs.get(s.input, ""))
        first = min((r.date for r in ctx.of_base(base) if r.date), default=None)
        if first is not None and first > span.since:
            got.first_record = first
        found.append(got)
    return span, found


def stated_section(p: Packet, prev: Rec, data: dict[str, Any]) -> Section:
    """The figures the previous review stated, beside the same figures re-counted from the records."""
    tr = p.tr
    span, found = recount(p.ctx, prev)
    sec = Section(tr(f"上次评审 {prev.id} 所述数字的复核", f"Figures stated in {prev.id}, re-counted"), level=3)
    sec.add(Paragraph(tr(f"按 {prev.id} 所评审的期间 {span} 从记录重新统计:", f"Re-counted from the records over the period {prev.id} reviewed, {span}:")))

    def figure(value: float, s: Stated, recounted: bool = False) -> str:
        shown = value * 100 if s.percent and recounted else value
        return f"{shown:.{s.decimals}f}{' %' if s.percent else ''}"

    def again(r: Recount) -> str:
        if r.value is None:
            return "—"
        return figure(r.value, r.stated, True) + (f" ({short(r.detail, 60)})" if r.detail else "")

    def check(r: Recount) -> str:
        if r.agrees:
            return tr("一致", "agrees")
        if r.first_record:
            return tr(f"记录自 {r.first_record} 起,无法完整复核", f"records start {r.first_record}: cannot fully re-count")
        return tr("无记录,无法复核", "no records: cannot re-count") if r.agrees is None else tr("不一致,请核对", "DIFFERS: check")

    rows = [[r.stated.input, tr(*METRICS[r.stated.metric][:2]), r.stated.excerpt, figure(r.stated.value, r.stated),
             again(r), check(r)] for r in found]
    sec.add(Table([tr("输入", "Input"), tr("指标", "Figure"), tr("所述", "Stated"), tr("所述值", "Stated value"),
                   tr("复核值", "Re-counted"), tr("核对", "Check")], rows,
                  empty=tr("上次评审的输入中没有可由记录复核的数字。", "The previous review states no figure the records can re-count.")))
    if found:
        metrics = dict.fromkeys(r.stated.metric for r in found)
        sec.add(Paragraph(tr("复核口径:", "How each was re-counted: ") + tr(";", "; ").join(
            f"{tr(*METRICS[m][:2])}——{tr(*METRICS[m][2:])}" if p.ctx.lang == "zh" else f"{METRICS[m][1]}: {METRICS[m][3]}" for m in metrics), "note"))
    data["stated"] = [{"input": r.stated.input, "metric": r.stated.metric, "stated": r.stated.value, "percent": r.stated.percent,
                       "recounted": r.value, "ids": r.ids, "agrees": r.agrees, "records_from": r.first_record, "period": str(span)}
                      for r in found]
    return sec


# -- b) documents and risks changed -------------------------------------------------------------


def document_changes(p: Packet) -> tuple[Blocks, dict[str, Any]]:
    """Documents revised in the period, from git (or, outside git, effective in it by their front matter)."""
    tr, (index, why) = p.tr, p.history()
    columns = [tr("文件编号", "Document"), tr("标题", "Title"), tr("修订", "Revision"), tr("日期", "Date")]
    if index is None:
        rows = [[d.id, d.title, d.revision, str(d.effective)] for d in sorted(p.ctx.documents.values(), key=lambda d: d.id)
                if d.effective in p.span]
        return [Paragraph(tr(f"无法读取文件修订历史({why});下表按文件首部的生效日期列出本期生效的文件。",
                             f"Revision history cannot be read ({why}); documents effective in the period, by their front matter:"), "note"),
                Table(columns, rows)], {"history": False, "revised": [r[0] for r in rows], "new": []}
    revised: list[tuple[Any, str, Any]] = []  # (document, revision before, Revision)
    new: list[tuple[Any, str, Any]] = []
    for df in sorted(p.ctx.document_files, key=lambda d: d.doc.id if d.doc else ""):
        revs = document_revisions(index, df.path)
        for n, rev in enumerate(revs):
            if df.doc and dt.date.fromisoformat(rev.date[:10]) in p.span:
                (revised if n else new).append((df.doc, revs[n - 1].revision if n else "", rev))
    blocks: Blocks = [Table(columns + [tr("作者", "Author"), tr("提交说明", "Commit message")],
                            [[d.id, d.title, f"{old} → {rev.revision}", rev.date[:10], rev.author, short(rev.message, 50)]
                             for d, old, rev in revised], caption=tr("本期修订的文件(git)", "Documents revised in the period (git)"))]
    if new:
        ids = [d.id for d, _, _ in new]
        blocks.append(Paragraph(tr(f"本期首次纳入版本控制的文件 {len(ids)} 份:{few(ids, 12)}。",
                                   f"{len(ids)} documents first committed in the period: {few(ids, 12)}.")))
    return blocks, {"history": True, "revised": [{"document": d.id, "from": old, "to": rev.revision, "date": rev.date[:10]}
                                                 for d, old, rev in revised], "new": [d.id for d, _, _ in new]}


def ranks(scores: dict[str, int]) -> dict[str, int]:
    """Rank 1 for the highest score; equal scores share a rank (1, 2, 2, 4)."""
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    found: dict[str, int] = {}
    for n, (rid, score) in enumerate(ordered, 1):
        found[rid] = found[ordered[n - 2][0]] if n > 1 and ordered[n - 2][1] == score else n
    return found


def score_of(data: Any) -> int | None:
    """Likelihood × impact of a risk as a git version holds it (None when it did not exist)."""
    if not isinstance(data, dict):
        return None
    likelihood, impact = data.get("likelihood"), data.get("impact")
    return likelihood * impact if isinstance(likelihood, int) and isinstance(impact, int) else None


def risk_changes(p: Packet) -> tuple[Blocks, dict[str, Any]]:
    """Risks identified in the period; risk records changed in it (git); risks whose rank moved since it began."""
    tr, (index, _), risks = p.tr, p.history(), p.ctx.of_base(Risk)
    new = [r.id for r in p.of(Risk)]
    changed: list[list[str]] = []
    moved: list[list[str]] = []
    if index is not None:
        by_path = {r.path: r for r in risks}
        for v in index.changes_between(p.span.since, p.span.until):
            rec = by_path.get(v.change.path)
            if rec is not None and v.change.status == "M":
                entry = next((e for e in index.trail(rec.path) if e.version.commit.sha == v.commit.sha), None)
                changed += [[rec.id, v.commit.authored[:10], describe(c, rec.kind, p.ctx.reveal)] for c in (entry.changes if entry else [])]
        before = {r.id: score_of(index.version_at(r.path, p.span.since - dt.timedelta(days=1))) for r in risks}
        then = ranks({k: v for k, v in before.items() if v is not None})
        now_scores = {r.id: r.model.score for r in risks if r.id in then}  # type: ignore[attr-defined]
        now = ranks(now_scores)
        moved = [[rid, f"{before[rid]} / #{then[rid]}", f"{now_scores[rid]} / #{now[rid]}"] for rid in sorted(then) if then[rid] != now[rid]]
    blocks: Blocks = [Paragraph(tr(f"本期新识别的风险和机遇 {len(new)} 项{':' + few(new) if new else ''}。",
                                   f"{len(new)} risks and opportunities identified in the period{': ' + few(new) if new else ''}."))]
    if index is not None:
        blocks += [Table([tr("编号", "Id"), tr("日期", "Date"), tr("修改", "Change")], changed,
                         caption=tr("本期修改的风险记录(git)", "Risk records changed in the period (git)")),
                   Table([tr("编号", "Id"), tr("期初 分值/排序", "Before: score / rank"), tr("现在 分值/排序", "Now: score / rank")], moved,
                         caption=tr("排序变化的风险", "Risks re-ranked"), empty=tr("(无排序变化)", "(no risk changed rank)"))]
    return blocks, {"new_risks": new, "changed": sorted({row[0] for row in changed}), "reranked": [row[0] for row in moved]}


# -- c1) customer satisfaction and complaints ----------------------------------------------------


def satisfied_by(surveys: list[Rec], name: str) -> dict[str, tuple[int, int]]:
    """(satisfied, surveyed) for each value of ``name`` (customer type, department)."""
    found: dict[str, tuple[int, int]] = {}
    for rec in surveys:
        key = str(rec.get(name))
        yes, total = found.get(key, (0, 0))
        found[key] = (yes + (rec.get("satisfied") is True), total + 1)
    return dict(sorted(found.items()))


def _inner(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    return args[0] if len(args) == 1 else annotation


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def servqual_field(kind: Kind) -> tuple[str, list[str]] | None:
    """The nested field whose sub-fields are each rated expected/perceived, and those dimension names."""
    for name, info in kind.model.model_fields.items():
        block = _inner(info.annotation)
        if _is_model(block) and block.model_fields and all(
                _is_model(r := _inner(sub.annotation)) and {"expected", "perceived"} <= set(r.model_fields)
                for sub in block.model_fields.values()):
            return name, list(block.model_fields)
    return None


@dataclass
class Dimension:
    """One service-quality dimension over the period's surveys: service-quality score = perceived − expected."""

    name: str
    expected: list[int] = field(default_factory=list)
    perceived: list[int] = field(default_factory=list)
    gaps_by: dict[str, list[int]] = field(default_factory=dict)  # customer type → gaps

    @property
    def gap(self) -> float | None:
        return mean([p - e for p, e in zip(self.perceived, self.expected, strict=True)])


def servqual(surveys: list[Rec]) -> list[Dimension]:
    """Mean perceived − expected per dimension, in the form's order, over every survey that rates them."""
    dims: dict[str, Dimension] = {}
    for rec in surveys:
        found = servqual_field(rec.kind)
        if found is None:
            continue
        block = rec.get(found[0])
        for dim in found[1]:
            rating = getattr(block, dim, None)
            if rating is not None:
                d = dims.setdefault(dim, Dimension(dim))
                d.expected.append(rating.expected)
                d.perceived.append(rating.perceived)
                d.gaps_by.setdefault(str(rec.get("customer_type")), []).append(rating.perceived - rating.expected)
    return list(dims.values())


def worst(dims: list[Dimension]) -> Dimension | None:
    """The dimension with the lowest mean gap (the first of equals, in the form's order)."""
    scored = [(d.gap, n, d) for n, d in enumerate(dims) if d.gap is not None]
    return min(scored, key=lambda t: (t[0], t[1]))[2] if scored else None


@dataclass
class Replies:
    received: list[str]
    replied: list[str]
    unanswered: list[str]

    @property
    def rate(self) -> float | None:
        return share(len(self.replied), len(self.received))


def replies(complaints: list[Rec], by: dt.date) -> Replies:
    """Complaints answered by the day ``by``, and the rest: the complaint reply rate."""
    replied = [r.id for r in complaints if isinstance(r.get("replied"), dt.date) and r.get("replied") <= by]
    return Replies([r.id for r in complaints], replied, [r.id for r in complaints if r.id not in replied])


def survey_blocks(p: Packet, surveys: list[Rec]) -> Blocks:
    tr = p.tr
    rows = [[p.label(k), str(n), str(y), tr.pct(share(y, n))] for k, (y, n) in satisfied_by(surveys, "customer_type").items()]
    rows += [[p.dept(k), str(n), str(y), tr.pct(share(y, n))] for k, (y, n) in satisfied_by(surveys, "department").items()]
    blocks: Blocks = [Table([tr("顾客类型 / 部门", "Customer type / department"), tr("调查份数", "Surveys"), tr("满意", "Satisfied"),
                             tr("满意度", "Satisfaction")], rows, caption=tr("顾客满意度调查", "Customer satisfaction surveys"))]
    everything = [r for r in p.ctx.of_base(SatisfactionSurvey) if r.date and p.months[0] <= f"{r.date:%Y-%m}" and r.date <= p.span.until]
    quarters = sorted({Period.containing(r.date, "quarter") for r in everything if r.date})
    if len(quarters) >= 2:
        series = []
        for ctype, _ in counted(everything, "customer_type"):
            values = [satisfied_by([r for r in everything if r.date and q.contains(r.date) and r.get("customer_type") == ctype],
                                   "customer_type").get(ctype, (0, 0)) for q in quarters]
            series.append(Series(p.label(ctype), [share(y, n) for y, n in values], key=ctype))
        blocks.append(Figure("c1-satisfaction", tr("顾客满意度(按季度)", "Customer satisfaction by quarter"), [q.label for q in quarters],
                             series, y_label=tr("满意度", "satisfied"), percent=True))
    return blocks


def servqual_blocks(p: Packet, surveys: list[Rec]) -> tuple[Blocks, dict[str, Any]]:
    tr, dims = p.tr, servqual(surveys)
    low = worst(dims)
    if low is None:
        return [], {}
    types = sorted({t for d in dims for t in d.gaps_by})
    rows = [[p.label(d.name), str(len(d.expected)), num(mean(d.expected)), num(mean(d.perceived)), num(d.gap),
             *(num(mean(d.gaps_by.get(t, []))) for t in types)] for d in dims]
    blocks: Blocks = [
        Table([tr("维度", "Dimension"), tr("份数", "Surveys"), tr("期望", "Expected"), tr("感受", "Perceived"),
               tr("服务质量分数(感受 − 期望)", "Score (perceived − expected)"), *(p.label(t) for t in types)], rows,
              caption=tr("服务质量五维度(1–7 分,负值表示感受低于期望)", "Service-quality dimensions (1–7; below zero: perceived under expected)")),
        Paragraph(tr(f"最弱维度:{p.label(low.name)},平均 {num(low.gap)} 分。", f"Weakest dimension: {p.label(low.name)}, mean {num(low.gap)}."), "warning")]
    p.improve(tr(f"服务质量最弱维度「{p.label(low.name)}」平均 {num(low.gap)} 分",
                 f"Weakest service-quality dimension, {p.label(low.name)}: mean {num(low.gap)}"),
              [few(sorted(r.id for r in surveys if servqual_field(r.kind)), 3)])
    return blocks, {"worst": low.name, "dimensions": {
        d.name: {"n": len(d.expected), "expected": mean(d.expected), "perceived": mean(d.perceived), "gap": d.gap,
                 "by_customer_type": {t: mean(g) for t, g in sorted(d.gaps_by.items())}} for d in dims}}


def complaint_blocks(p: Packet, complaints: list[Rec]) -> tuple[Blocks, dict[str, Any]]:
    tr, got = p.tr, replies(complaints, p.span.until)
    groups = [(p.label(k), [r for r in complaints if str(r.get(name)) == k]) for name in ("customer_type", "unit")
              for k, _ in counted(complaints, name)]
    rows = [[g, str(len(rs)), ratio(p, len(replies(rs, p.span.until).replied), len(rs))] for g, rs in groups]
    feedback = counted(complaints, "feedback")
    everything = [r for r in p.ctx.of_base(Complaint) if r.date and r.date <= p.span.until]
    blocks: Blocks = [
        Paragraph(tr(f"本期受理投诉 {len(got.received)} 起,截至 {p.span.until} 已回复 {len(got.replied)} 起,投诉回复率 {tr.pct(got.rate)};"
                     f"未回复:{few(got.unanswered) or '无'}。已关闭投诉的顾客反馈:{tally(p, feedback)}。",
                     f"{len(got.received)} complaints received, {len(got.replied)} replied by {p.span.until}: reply rate {tr.pct(got.rate)}; "
                     f"unanswered: {few(got.unanswered) or 'none'}. Feedback on closed complaints: {tally(p, feedback)}.")),
        Table([tr("分类", "Group"), tr("投诉", "Complaints"), tr("已回复(回复率)", "Replied (rate)")], rows),
        Figure("c1-complaints", tr("每月投诉", "Complaints per month"), p.months,
               [Series(tr("受理", "received"), per_month(everything, p.months), key="received"),
                Series(tr("回复", "replied"), per_month(everything, p.months, "replied"), key="replied")], y_label=tr("起", "complaints"))]
    return blocks, {"received": len(got.received), "replied": len(got.replied), "reply_rate": got.rate,
                    "unanswered": got.unanswered, "by": {g: len(rs) for g, rs in groups}, "feedback": dict(feedback)}


# -- c3) processes ----------------------------------------------------------------------------------


def is_date_field(kind: Kind, name: str) -> bool:
    info = kind.model.model_fields.get(name)
    return info is not None and dt.date in (typing.get_args(info.annotation) or (info.annotation,))


def completion_field(kind: Kind) -> str | None:
    """The last date a record needs to reach its final status: when the work was done (a work order's ``completed``)."""
    workflow = kind.spec.workflow
    if workflow is None or not workflow.final:
        return None
    dates = [n for n in workflow.requires.get(workflow.final[0], ()) if is_date_field(kind, n)]
    return dates[-1] if dates else None


def stages(kind: Kind, recs: list[Rec]) -> list[tuple[str, int]]:
    """How many records are in each status, in workflow order."""
    counts = Counter(str(r.status) for r in recs)
    order = list(kind.spec.workflow.statuses) if kind.spec.workflow else []
    return [(s, counts[s]) for s in order + sorted(set(counts) - set(order)) if counts[s]]


def days_to(recs: list[Rec], done_field: str) -> list[int]:
    """Days from each record's date to its ``done_field`` date, for the records that have both."""
    return [(r.get(done_field) - r.date).days for r in recs if isinstance(r.date, dt.date) and isinstance(r.get(done_field), dt.date)]


def process_table(p: Packet, kinds: list[Kind]) -> tuple[Table, list[dict[str, Any]]]:
    """Each process form's records in the period: how many, at which stage, finished, days to finish."""
    tr, rows, data = p.tr, [], []
    for kind in kinds:
        recs = dated(p.ctx.of_kind(kind.name), p.span)
        done_field = completion_field(kind)
        days = days_to(recs, done_field) if done_field else []
        final = sum(1 for r in recs if r.final)
        rows.append([kind.spec.title(p.ctx.lang), str(len(recs)), tally(p, stages(kind, recs)), ratio(p, final, len(recs)) if recs else "—",
                     f"{mean(days):.1f}" if days else "—"])
        data.append({"kind": kind.name, "records": len(recs), "stages": dict(stages(kind, recs)), "finished": final,
                     "done_field": done_field, "mean_days": mean(days)})
    return Table([tr("过程(表格)", "Process (form)"), tr("本期记录", "Records"), tr("各阶段", "By stage"), tr("已办结", "Finished"),
                  tr("平均办结天数", "Mean days to done")], rows, caption=tr("各过程本期记录", "Process records in the period")), data


# -- c4) nonconformities -------------------------------------------------------------------------------


def requirement_key(text: str) -> str:
    """A requirement as document and section, spaces normalized: ``LD-QP-03 §7.3``."""
    return " ".join(str(text).replace("§ ", "§").split())


@dataclass(frozen=True)
class Recurrence:
    by: str  # "requirement" or "department_category"
    key: str
    ids: tuple[str, ...]


def recurrence_key(p: Packet, r: Recurrence) -> str:
    """The recurring requirement, or department · category in the report's words."""
    if r.by == "requirement":
        return r.key
    department, category = r.key.split(" · ", 1)
    return f"{p.dept(department)} · {p.label(category)}"


def recurrences(ncrs: list[Rec]) -> list[Recurrence]:
    """The same requirement (document and section), or the same department and category, more than once."""
    groups: dict[tuple[str, str], list[str]] = {}
    for rec in ncrs:
        groups.setdefault(("requirement", requirement_key(rec.get("requirement"))), []).append(rec.id)
        if rec.get("category") is not None:
            groups.setdefault(("department_category", f"{rec.get('department')} · {rec.get('category')}"), []).append(rec.id)
    found = [Recurrence(by, key, tuple(sorted(ids))) for (by, key), ids in groups.items() if len(ids) > 1]
    return sorted(found, key=lambda r: (r.by != "requirement", -len(r.ids), r.key))


def overdue_items(p: Packet, base: type) -> list[due_report.OpenItem]:
    """The overdue items ``due.compute`` found that are records of ``base``."""
    return [i for i in p.due.overdue_items() if (rec := p.ctx.record(i.id)) is not None and isinstance(rec.model, base)]


def ncr_figure(p: Packet) -> Figure:
    tr = p.tr
    ncrs = [r for r in p.ctx.of_base(Nonconformity) if r.get("raised") <= p.span.until]
    return Figure("c4-ncr", tr("每月不符合", "Nonconformities per month"), p.months,
                  [Series(tr("提出", "raised"), per_month(ncrs, p.months, "raised"), key="raised"),
                   Series(tr("关闭", "closed"), per_month(ncrs, p.months, "closed"), key="closed")], y_label=tr("项", "NCRs"))


def action_blocks(p: Packet) -> tuple[Blocks, dict[str, Any]]:
    """Corrective and other actions raised in the period, and the verifications made in it."""
    tr = p.tr
    actions = p.of(CorrectiveAction, "raised")
    done = sum(1 for r in actions if r.get("done"))
    checked = [r for r in p.ctx.of_base(Nonconformity) + p.ctx.of_base(CorrectiveAction)
               if r.get("verification") is not None and r.get("verification").on in p.span]
    failed = sorted(r.id for r in checked if r.get("verification").result == "not_effective")
    for rid in failed:
        p.improve(tr("验证无效,需重新分析原因", "Verified not effective: the cause needs a new analysis"), [rid])
    kinds = tally(p, counted(actions, "type"))
    return [Paragraph(tr(f"本期提出措施 {len(actions)} 项({kinds}),已完成 {done} 项;本期验证不符合和措施 {len(checked)} 项,"
                         f"验证无效 {len(failed)} 项{':' + ', '.join(failed) if failed else ''}。",
                         f"Actions raised in the period: {len(actions)} ({kinds}), done: {done}. Nonconformities and actions verified "
                         f"in the period: {len(checked)}, not effective: {len(failed)}{' (' + ', '.join(failed) + ')' if failed else ''}."))], \
        {"actions_raised": len(actions), "actions_done": done, "verified": len(checked), "not_effective": failed}


# -- c5) measurements ------------------------------------------------------------------------------------


def measurement_blocks(p: Packet) -> tuple[Blocks, dict[str, Any]]:
    """Numbers a monthly report records (energy use): one chart per measured field, month by month."""
    blocks: Blocks = []
    data: dict[str, Any] = {}
    for state in p.due.activities:
        act, kind = state.activity, p.ctx.repo.registry.get(state.activity.kind)
        if kind is None or act.every is None or act.every.months != 1 or act.kind in data:
            continue
        fields = [n for n, f in kind.model.model_fields.items() if f.annotation is float]
        recs = dated(p.ctx.of_kind(act.kind), Span(dt.date.min, p.span.until))
        month = {(r.get("month") if isinstance(r.get("month"), str) else f"{r.date:%Y-%m}"): r for r in recs}
        current = f"{p.ctx.as_of:%Y-%m}"
        gaps = [m for m in p.months if m not in month and month and min(month) <= m < current]
        if fields and gaps:
            blocks.append(Paragraph(p.tr(f"{kind.spec.title_zh}缺少的月份:{'、'.join(gaps)}(图中无点)。",
                                         f"{kind.spec.title_en}: months with no report: {', '.join(gaps)} (no point in the charts).")))
        titles = field_labels(kind.model, fields, p.ctx.lang)  # all at once: two fields sharing a label are told apart
        for name in fields:
            values = [float(month[m].get(name)) if m in month else None for m in p.months]
            title = titles[name]
            blocks.append(Figure(f"c5-{act.kind}-{name}", f"{kind.spec.title(p.ctx.lang)}{p.tr(':', ': ')}{title}", p.months,
                                 [Series(title, values, key=name)], y_label=title))
            data.setdefault(act.kind, {})[name] = dict(zip(p.months, values, strict=True))
    return blocks, data


# -- c7) external providers ------------------------------------------------------------------------------


def mentions_provider(rec: Rec) -> bool:
    """Whether a record's text speaks of outsourcing or an external provider (shown text only: masked fields stay masked)."""
    texts = [rec.shown.get(n) for n in ("description", "action", "root_cause", "correction", "similar_cases", "reply")]
    return any(isinstance(t, str) and any(w in t.lower() for w in PROVIDER_WORDS) for t in texts)


def provider_forms(p: Packet) -> list[str]:
    """Forms whose name says they record external providers (supplier evaluation, approved-provider list)."""
    return [k.spec.title(p.ctx.lang) for _, k in sorted(p.ctx.repo.registry.kinds.items())
            if any(w in (k.name + k.spec.title_zh + k.spec.title_en).lower() for w in PROVIDER_WORDS)]


# -- d) resources -------------------------------------------------------------------------------------------


def training_blocks(p: Packet) -> tuple[Blocks, dict[str, Any]]:
    tr, courses = p.tr, p.of(TrainingRecord)
    if not courses:
        return [Paragraph(tr("本期无培训记录。", "No training records in the period."), "note")], {"courses": 0}
    attendees = sum(r.get("attendees") or 0 for r in courses)
    passed = [r.get("passed") for r in courses if isinstance(r.get("passed"), int)]
    failed = [r.id for r in courses if r.get("effective") is False]
    for rid in failed:
        p.improve(tr("培训评价为无效", "Training judged not effective"), [rid])
    rows = [[r.id, str(r.date), short(r.shown.get("topic"), 30), p.dept(r.get("department")), str(r.get("attendees")),
             str(r.get("passed", "—")), p.label(r.get("effective"))] for r in courses]
    passing = tr(f",考核合格 {ratio(p, sum(passed), attendees)}", f", {ratio(p, sum(passed), attendees)} passed") if passed else ""
    return [Paragraph(tr(f"本期培训 {len(courses)} 次,参加 {attendees} 人次{passing};评价为无效 {len(failed)} 次。",
                         f"{len(courses)} courses, {attendees} attendances{passing}; {len(failed)} judged not effective.")),
            Table([tr("编号", "Id"), tr("日期", "Date"), tr("内容", "Topic"), tr("部门", "Department"), tr("人数", "Attended"),
                   tr("合格", "Passed"), tr("有效", "Effective")], rows, caption=tr("本期培训", "Training in the period"))], \
        {"courses": len(courses), "attendees": attendees, "passed": sum(passed) if passed else None, "not_effective": failed}


def competence_blocks(p: Packet) -> tuple[Blocks, dict[str, Any]]:
    tr, found = p.tr, p.of(CompetenceAssessment)
    if not found:
        return [Paragraph(tr("本期无岗位能力考核记录。", "No competence assessments in the period."), "note")], {"assessed": 0}
    results, subjects = counted(found, "result"), counted(found, "subject")
    weak = [r for r in found if r.get("result") != "competent"]
    roles = sorted(Counter(str(r.get("role")) for r in weak).items())
    if weak:
        p.improve(tr(f"岗位能力考核 {len(weak)} 人次未达称职({'、'.join(k for k, _ in roles)})",
                     f"{len(weak)} assessed below competent ({', '.join(k for k, _ in roles)})"), [r.id for r in weak][:8])
    who = tr(f";对象:{tally(p, subjects)}", f"; subjects: {tally(p, subjects)}") if subjects else ""
    weak_roles = ("、" if p.ctx.lang == "zh" else ", ").join(f"{k} {n}" for k, n in roles)
    return [Paragraph(tr(f"本期考核 {len(found)} 人次:{tally(p, results)}{who}" + (f";未达称职的岗位:{weak_roles}。" if roles else "。"),
                         f"{len(found)} assessed: {tally(p, results)}{who}" + (f"; roles below competent: {weak_roles}." if roles else ".")))], \
        {"assessed": len(found), "results": dict(results), "below_competent": [r.id for r in weak]}


# -- e) risks and rankings ------------------------------------------------------------------------------------


def ranked_lists(kind: Kind) -> list[tuple[str, type[BaseModel]]]:
    """Fields of a form that hold a ranking: a list of items each with a rank and a score, with the item's model."""
    found: list[tuple[str, type[BaseModel]]] = []
    for name, info in kind.model.model_fields.items():
        args = typing.get_args(info.annotation)
        item = args[0] if typing.get_origin(info.annotation) is list and args else None
        if isinstance(item, type) and issubclass(item, BaseModel) and {"rank", "score"} <= set(item.model_fields):
            found.append((name, item))
    return found


def ranking_blocks(p: Packet) -> Blocks:
    """The rankings other forms keep (a tax-risk assessment ranks enterprises): the latest of each, top five."""
    blocks: Blocks = []
    for name, kind in sorted(p.ctx.repo.registry.kinds.items()):
        for list_field, item in ranked_lists(kind):
            recs = [r for r in dated(p.ctx.of_kind(name), Span(dt.date.min, p.span.until)) if r.shown.get(list_field)]
            if not recs:
                continue
            latest = max(recs, key=lambda r: (r.date, r.id))
            rows = [i for i in latest.shown[list_field] if isinstance(i, dict)][:5]
            keys = [k for k, f in item.model_fields.items() if typing.get_origin(f.annotation) is not list]
            heads = list(field_labels(item, keys, p.ctx.lang).values())
            blocks.append(Table(heads, [[p.label(i.get(k)) if isinstance(i.get(k), str) else str(i.get(k, "—")) for k in keys] for i in rows],
                                caption=f"{kind.spec.title(p.ctx.lang)} {latest.id}{p.tr('(前 5 位)', ' (top 5)')}"))
    return blocks


__all__ = [
    "Dimension", "Output", "Packet", "Recount", "Recurrence", "Replies", "Span", "Stated", "action_blocks", "competence_blocks",
    "complaint_blocks", "completion_field", "counted", "dated", "days_to", "document_changes", "latest_before", "mean",
    "measurement_blocks", "mentions_provider", "ncr_figure", "outputs", "outputs_table", "overdue_items", "overdue_on",
    "per_month", "process_table", "provider_forms", "ranked_lists", "ranking_blocks", "ranks", "recount", "recurrence_key", "recurrences",
    "replies", "review_span", "reviews", "risk_changes", "satisfied_by", "score_of", "servqual", "servqual_blocks",
    "servqual_field", "share", "stages", "stated_figures", "stated_section", "survey_blocks", "training_blocks", "worst",
]
