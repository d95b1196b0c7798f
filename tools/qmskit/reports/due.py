"""``qms due``: what is due and what is overdue, as of a day.

Five sources, one list: the recurring activities of ``manual/schedule.yml``
(last done, next due, missing occurrences, gaps longer than allowed, and
deadlines counted from another date on a record), nonconformities and
actions open past their due date, management-review outputs not done by
theirs, documents past their periodic review, and the competence of people
(certificates expiring, training gone stale when a document moves to a new
revision: :mod:`.competence`). A date is overdue on the
day *after* it falls, never on the day itself. ``overdue_count`` in the
report's data makes ``qms due`` exit 1, so CI can gate on it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from ..documents import add_months
from ..forms import CorrectiveAction, ManagementReview, Nonconformity
from ..plans import Activity, Interval
from ..report import Paragraph, Report, Table
from . import competence
from .context import Context, Rec
from .periods import Period, months_between

Status = Literal["ok", "due_soon", "overdue", "never_done"]
SOON_DAYS = 14


@dataclass
class ActivityState:
    """One recurring activity as of the day: the record that shows it was last done, and what is next."""

    activity: Activity
    records: list[tuple[dt.date, str]]  # (date, record id), oldest first, up to the as-of day
    next_due: dt.date | None
    status: Status
    missing: list[str] = field(default_factory=list)  # occurrences (days, months, years) with no record, due date passed
    late: list[tuple[str, dt.date, dt.date]] = field(default_factory=list)  # (record, done, due) done after its due day
    gaps: list[tuple[str, str, int]] = field(default_factory=list)  # (record, next record, days) longer than allowed

    @property
    def last(self) -> tuple[dt.date, str] | None:
        return self.records[-1] if self.records else None

    @property
    def overdue(self) -> bool:
        return self.status in ("overdue", "never_done") or bool(self.missing)


@dataclass
class Deadline:
    """A deadline counted from a date on one record (audit file within 10 days of the closing meeting)."""

    activity: Activity
    record: str
    start: dt.date
    due: dt.date
    done: dt.date | None

    @property
    def state(self) -> str:
        if self.done is not None:
            return "late" if self.done > self.due else "ok"
        return "pending"

    def overdue(self, as_of: dt.date) -> bool:
        return self.done is None and as_of > self.due


@dataclass
class OpenItem:
    """A record (or a management-review output) with a due date and not yet done."""

    id: str
    what: str
    owner: str
    due: dt.date
    status: str

    def days_over(self, as_of: dt.date) -> int:
        return (as_of - self.due).days


@dataclass
class DueList:
    as_of: dt.date
    since: dt.date
    activities: list[ActivityState]
    deadlines: list[Deadline]
    open_items: list[OpenItem]
    documents: list[tuple[str, str, dt.date]]  # (document id, title, review due)
    people: list[competence.CompetenceItem] = field(default_factory=list)

    def overdue_people(self) -> list[competence.CompetenceItem]:
        return [p for p in self.people if p.overdue(self.as_of)]

    def overdue_items(self) -> list[OpenItem]:
        return [i for i in self.open_items if i.due < self.as_of]

    def overdue_documents(self) -> list[tuple[str, str, dt.date]]:
        return [d for d in self.documents if d[2] < self.as_of]

    def overdue_count(self) -> int:
        return (sum(1 for a in self.activities if a.overdue)
                + sum(1 for d in self.deadlines if d.overdue(self.as_of))
                + len(self.overdue_items()) + len(self.overdue_documents()) + len(self.overdue_people()))


# -- recurring activities -----------------------------------------------------


def _plus(day: dt.date, interval: Interval) -> dt.date:
    return day + dt.timedelta(days=interval.days) if interval.days else add_months(day, interval.months or 0)


def _matching(ctx: Context, activity: Activity) -> list[Rec]:
    return [r for r in ctx.of_kind(activity.kind) if all(r.get(k) == v for k, v in activity.where.items())]


def _dated(recs: list[Rec], name: str, as_of: dt.date) -> list[tuple[dt.date, str]]:
    found = [(r.get(name), r.id) for r in recs if isinstance(r.get(name), dt.date) and r.get(name) <= as_of]
    return sorted(found)


def _month_due(period: Period, day: int) -> dt.date:
    """The due day in a month, clamped to its last day (the 30th of February is the 28th)."""
    return period.start.replace(day=min(day, period.end.day))


def _monthly(state: ActivityState, as_of: dt.date, since: dt.date) -> None:
    """Monthly by a day (energy report by the 30th): one record a month, each by its day."""
    due_day = state.activity.due_day or 31
    months = {Period.containing(day, "month"): (day, rid) for day, rid in reversed(state.records)}
    for day, rid in state.records:
        due = _month_due(Period.containing(day, "month"), due_day)
        if day > due:
            state.late.append((rid, day, due))
    for period in months_between(since, as_of):
        due = _month_due(period, due_day)
        if period not in months and due < as_of:
            state.missing.append(period.label)
    current = Period.containing(as_of, "month")
    target = current if current not in months else Period.containing(current.end + dt.timedelta(days=1), "month")
    state.next_due = _month_due(target, due_day)


def _yearly(state: ActivityState, as_of: dt.date, since: dt.date) -> None:
    """Yearly by a date (work plan by 30 November)."""
    month, day = (int(p) for p in (state.activity.due_date or "12-31").split("-"))
    years = {d.year for d, _ in state.records}
    for year in range(since.year, as_of.year + 1):
        due = dt.date(year, month, day)
        if year not in years and since <= due < as_of:
            state.missing.append(str(year))
        if year in years:
            for d, rid in state.records:
                if d.year == year and d > due:
                    state.late.append((rid, d, due))
    this_year = dt.date(as_of.year, month, day)
    state.next_due = this_year if as_of.year not in years else dt.date(as_of.year + 1, month, day)


def _daily(state: ActivityState, as_of: dt.date, since: dt.date) -> None:
    """Every day (patrols, inspections): each day before the as-of day has a record."""
    days = {d for d, _ in state.records}
    day = since
    while day < as_of:
        if day not in days:
            state.missing.append(day.isoformat())
        day += dt.timedelta(days=1)
    state.next_due = as_of if as_of not in days else as_of + dt.timedelta(days=1)


def _interval(state: ActivityState) -> None:
    """Every N days or months since the last time (an audit every 12 months)."""
    every = state.activity.every
    assert every is not None
    state.next_due = _plus(state.last[0], every) if state.last else None


def _gaps(state: ActivityState) -> None:
    limit = state.activity.max_interval
    if limit is None:
        return
    for (day, rid), (later, next_rid) in zip(state.records, state.records[1:]):
        if later > _plus(day, limit):
            state.gaps.append((rid, next_rid, (later - day).days))


def activity_state(ctx: Context, activity: Activity, since: dt.date) -> ActivityState:
    """Where a recurring activity stands, looking for missing occurrences from ``since`` on.

    Missing occurrences are looked for from the later of ``since`` and the
    first record of the activity's kind, so a QMS that started in December
    does not report every earlier day as missed.
    """
    as_of = ctx.as_of
    recs = _matching(ctx, activity)
    state = ActivityState(activity, _dated(recs, activity.date_field, as_of), None, "ok")
    started = min((d for d, _ in _dated(ctx.of_kind(activity.kind), activity.date_field, as_of)), default=None)
    window = max(since, started) if started else since
    every = activity.every
    if every is None:
        return state
    if every.days == 1:
        _daily(state, as_of, window)
    elif every.months == 1 and activity.due_day:
        _monthly(state, as_of, window)
    elif every.months == 12 and activity.due_date:
        _yearly(state, as_of, window)
    else:
        _interval(state)
    _gaps(state)
    if not state.records:
        state.status = "never_done"
    elif state.next_due is not None and state.next_due < as_of:
        state.status = "overdue"
    elif state.next_due is not None and (state.next_due - as_of).days <= SOON_DAYS:
        state.status = "due_soon"
    return state


def deadlines(ctx: Context, activity: Activity, since: dt.date) -> list[Deadline]:
    """Each record's deadline counted from one of its dates; those started before ``since`` are history."""
    after = activity.after
    if after is None:
        return []
    found = []
    for rec in sorted(_matching(ctx, activity), key=lambda r: r.id):
        start = rec.get(after.field)
        if not isinstance(start, dt.date) or start < since or start > ctx.as_of:
            continue
        found.append(Deadline(activity, rec.id, start, start + dt.timedelta(days=after.days),
                              _done_on(rec.get(after.done_field))))
    return found


def _done_on(value: Any) -> dt.date | None:
    """The day a done-field shows: a date, or the ``on`` date of a verification block."""
    if isinstance(value, dt.date):
        return value
    on = getattr(value, "on", None)
    return on if isinstance(on, dt.date) else None


# -- records and documents with due dates -----------------------------------------


def open_items(ctx: Context) -> list[OpenItem]:
    """Nonconformities and actions not done, and review outputs not done, with their due dates.

    An action marked done but not yet verified is not overdue: its due date
    is for doing it; verification is the nonconformity's next step.
    """
    items = []
    for base in (Nonconformity, CorrectiveAction):
        for rec in ctx.of_base(base):
            due = rec.get("due")
            if not rec.final and rec.get("done") is None and isinstance(due, dt.date):
                what = _short(str(rec.get("description") or rec.get("action") or rec.kind.spec.title(ctx.lang)))
                items.append(OpenItem(rec.id, what, str(rec.get("owner") or ""), due, str(rec.status or "")))
    for rec in ctx.of_base(ManagementReview):
        for n, output in enumerate(rec.get("outputs") or [], 1):
            if output.done is None:
                items.append(OpenItem(f"{rec.id} #{n}", output.action, output.owner, output.due, "open"))
    return sorted(items, key=lambda i: (i.due, i.id))


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def review_dates(ctx: Context) -> list[tuple[str, str, dt.date]]:
    found = []
    for doc in ctx.documents.values():
        due = doc.review_due() if doc.status == "effective" else None
        if due is not None:
            found.append((doc.id, doc.title, due))
    return sorted(found, key=lambda d: (d[2], d[0]))


def compute(ctx: Context, since: dt.date | None = None) -> DueList:
    since = since or add_months(ctx.as_of, -12) + dt.timedelta(days=1)
    activities = ctx.schedule.activities if ctx.schedule else []
    states = [activity_state(ctx, a, since) for a in activities if a.every is not None]
    found = [d for a in activities for d in deadlines(ctx, a, since)]
    return DueList(ctx.as_of, since, states, found, open_items(ctx), review_dates(ctx), competence.compute(ctx))


# -- the report ---------------------------------------------------------------------


def _status_text(ctx: Context, state: ActivityState) -> str:
    tr = ctx.tr
    text = {"ok": tr("正常", "ok"), "due_soon": tr("即将到期", "due soon"), "overdue": tr("逾期", "OVERDUE"),
            "never_done": tr("无记录", "NEVER DONE")}[state.status]
    if state.missing:
        text += tr(f";缺 {len(state.missing)} 次", f"; {len(state.missing)} missing")
    return text


def _few(items: list[str], limit: int = 12) -> str:
    return ", ".join(items) if len(items) <= limit else ", ".join(items[:limit]) + f" … (+{len(items) - limit})"


def _activities_section(ctx: Context, due: DueList, report: Report) -> None:
    tr = ctx.tr
    rows = []
    for s in due.activities:
        a = s.activity
        last = f"{s.last[1]} ({s.last[0]})" if s.last else "—"
        rows.append([a.id, a.name if ctx.lang == "zh" else a.en, a.owner, a.source, last,
                     str(s.next_due or "—"), _status_text(ctx, s)])
    report.section(tr("周期性工作", "Recurring activities")).add(Table(
        [tr("编号", "Id"), tr("工作", "Activity"), tr("负责", "Owner"), tr("依据", "Source"),
         tr("最近完成(记录)", "Last done (record)"), tr("下次到期", "Next due"), tr("状态", "Status")], rows))
    missing = [[s.activity.id, s.activity.name if ctx.lang == "zh" else s.activity.en, str(len(s.missing)), _few(s.missing)]
               for s in due.activities if s.missing]
    late = [[s.activity.id, rid, str(done), str(when), str((done - when).days)]
            for s in due.activities for rid, done, when in s.late]
    gaps = [[s.activity.id, a, b, str(days), str(s.activity.max_interval.days or f"{s.activity.max_interval.months} m")]
            for s in due.activities if s.activity.max_interval for a, b, days in s.gaps]
    section = report.section(tr("缺失、延误和间隔过长", "Missing, late and too far apart"))
    section.add(Paragraph(tr(f"自 {due.since} 起(或自该类记录的第一份起)查找缺失的周期记录。",
                             f"Missing occurrences are looked for from {due.since} (or from the kind's first record).")))
    section.add(Table([tr("编号", "Id"), tr("工作", "Activity"), tr("缺失次数", "Missing"), tr("缺失期间", "Occurrences")],
                      missing, caption=tr("缺失的周期记录", "Missing occurrences")))
    section.add(Table([tr("编号", "Id"), tr("记录", "Record"), tr("完成", "Done"), tr("应于", "Due"), tr("延误天数", "Days late")],
                      late, caption=tr("超过期限完成", "Done after the due day")))
    section.add(Table([tr("编号", "Id"), tr("记录", "Record"), tr("下一份", "Next record"), tr("间隔天数", "Days apart"),
                       tr("允许", "Allowed")], gaps, caption=tr("间隔超过允许", "Longer apart than allowed")))


def _deadlines_section(ctx: Context, due: DueList, report: Report) -> None:
    tr = ctx.tr
    shown = [d for d in due.deadlines if d.state == "late" or d.overdue(ctx.as_of)
             or (d.state == "pending" and (d.due - ctx.as_of).days <= SOON_DAYS)]
    state = {"late": tr("超期完成", "done late"), "pending": tr("待完成", "pending")}
    rows = [[d.activity.id, d.record, str(d.start), str(d.due), str(d.done or "—"),
             tr("逾期未完成", "OVERDUE") if d.overdue(ctx.as_of) else state.get(d.state, d.state)] for d in shown]
    report.section(tr("以记录日期起算的期限", "Deadlines counted from a record's date")).add(
        Paragraph(tr(f"共 {len(due.deadlines)} 项期限,按时完成 {sum(1 for d in due.deadlines if d.state == 'ok')} 项;"
                     f"下表列出超期、逾期和 {SOON_DAYS} 天内到期的。",
                     f"{len(due.deadlines)} deadlines, {sum(1 for d in due.deadlines if d.state == 'ok')} met; "
                     f"late, overdue and due within {SOON_DAYS} days below.")),
        Table([tr("编号", "Id"), tr("记录", "Record"), tr("起算日期", "From"), tr("期限", "Due"), tr("完成", "Done"),
               tr("状态", "State")], rows))


def _open_section(ctx: Context, due: DueList, report: Report) -> None:
    tr = ctx.tr
    shown = [i for i in due.open_items if (i.due - ctx.as_of).days <= SOON_DAYS]
    rows = [[i.id, i.what, i.owner, str(i.due), tr.value(i.status),
             str(i.days_over(ctx.as_of)) if i.due < ctx.as_of else tr("未逾期", "not yet")] for i in shown]
    report.section(tr("逾期和即将到期的不符合、措施和评审输出", "Nonconformities, actions and review outputs overdue or due soon")).add(
        Table([tr("编号", "Id"), tr("事项", "What"), tr("负责", "Owner"), tr("期限", "Due"), tr("状态", "Status"),
               tr("逾期天数", "Days overdue")], rows))


def _documents_section(ctx: Context, due: DueList, report: Report) -> None:
    tr = ctx.tr
    shown = [d for d in due.documents if (d[2] - ctx.as_of).days <= 30]
    rows = [[doc, title, str(when), tr("逾期", "OVERDUE") if when < ctx.as_of else tr("30 天内到期", "due within 30 days")]
            for doc, title, when in shown]
    report.section(tr("文件定期评审", "Periodic document review")).add(
        Table([tr("文件编号", "Document"), tr("标题", "Title"), tr("评审到期", "Review due"), tr("状态", "Status")], rows))


def build(ctx: Context, since: dt.date | None = None) -> Report:
    tr = ctx.tr
    due = compute(ctx, since)
    report = Report(tr("到期与逾期事项", "Due and overdue"), document_id=f"RPT-DUE-{ctx.as_of}", period=str(ctx.as_of),
                    subtitle=tr(f"截至 {ctx.as_of};到期当天不算逾期,次日起算。",
                                f"As of {ctx.as_of}; a date is overdue from the day after it."))
    report.section(tr("概要", "Summary")).add(Paragraph(tr(
        f"逾期 {due.overdue_count()} 项:周期性工作 {sum(1 for a in due.activities if a.overdue)} 项,"
        f"记录期限 {sum(1 for d in due.deadlines if d.overdue(ctx.as_of))} 项,"
        f"不符合、措施和评审输出 {len(due.overdue_items())} 项,文件评审 {len(due.overdue_documents())} 项,"
        f"人员证书与培训 {len(due.overdue_people())} 项。",
        f"{due.overdue_count()} overdue: {sum(1 for a in due.activities if a.overdue)} recurring activities, "
        f"{sum(1 for d in due.deadlines if d.overdue(ctx.as_of))} record deadlines, "
        f"{len(due.overdue_items())} nonconformities, actions and review outputs, "
        f"{len(due.overdue_documents())} document reviews, {len(due.overdue_people())} certificates and training."),
        "warning" if due.overdue_count() else "normal"))
    _activities_section(ctx, due, report)
    _deadlines_section(ctx, due, report)
    _open_section(ctx, due, report)
    _documents_section(ctx, due, report)
    competence.section(ctx, due.people, report)
    report.data = {"report": "due", "since": due.since, "overdue_count": due.overdue_count(), **_data(due)}
    return ctx.stamp(report)


def _data(due: DueList) -> dict[str, Any]:
    return {
        "activities": [{
            "id": s.activity.id, "kind": s.activity.kind, "owner": s.activity.owner, "status": s.status,
            "last_done": s.last[0] if s.last else None, "last_record": s.last[1] if s.last else None,
            "next_due": s.next_due, "missing": s.missing,
            "late": [{"record": r, "done": d, "due": w} for r, d, w in s.late],
            "gaps": [{"record": a, "next": b, "days": n} for a, b, n in s.gaps]} for s in due.activities],
        "deadlines": [{"activity": d.activity.id, "record": d.record, "from": d.start, "due": d.due, "done": d.done,
                       "state": d.state, "overdue": d.overdue(due.as_of)} for d in due.deadlines],
        "open_items": [{"id": i.id, "what": i.what, "owner": i.owner, "due": i.due, "status": i.status,
                        "overdue": i.due < due.as_of} for i in due.open_items],
        "document_reviews": [{"document": d, "title": t, "due": w, "overdue": w < due.as_of} for d, t, w in due.documents],
        "competence": competence.data(due.people, due.as_of),
    }
