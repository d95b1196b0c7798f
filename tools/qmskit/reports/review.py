"""``qms review``: the management-review packet, one section for every input of ISO 9001:2015 9.3.2.

The period runs from the day after the last management review held before
the as-of day (a review held on the as-of day is the one being prepared) to
the as-of day, or as ``--since``/``--until`` say. Each input is one function
here, filled from records and git: objectives through ``objectives.compute``,
due dates and overdue items through ``due.compute``, everything else through
the parts in ``review_inputs``. Trend charts look back at least twelve
months, so a short period still shows where things are heading. A section
with nothing to show says so; no section is ever dropped. Opportunities for
improvement (f) are gathered from what the other inputs found missed,
overdue, missing or recurring, each with its evidence.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import messages
from ..documents import add_months
from ..forms import (
    BASE_FORMS,
    AuditReport,
    Complaint,
    CorrectiveAction,
    Nonconformity,
    Risk,
    SatisfactionSurvey,
)
from ..issues import QmsError
from ..standards import Catalogue, named_catalogues
from ..report import BulletList, Paragraph, Report, Section, Table
from . import due as due_report
from . import objectives
from . import review_inputs as ri
from .context import Context, Rec
from .periods import Period, months_between
from .review_inputs import Packet, Span, few, ratio, short, tally

INPUTS: tuple[tuple[str, str, str], ...] = (
    ("a", "以往管理评审所采取措施的情况", "Status of actions from previous management reviews"),
    ("b", "与质量管理体系相关的内外部因素的变化", "Changes in external and internal issues relevant to the QMS"),
    ("c1", "顾客满意和有关相关方的反馈", "Customer satisfaction and feedback from relevant interested parties"),
    ("c2", "质量目标的实现程度", "Extent to which quality objectives have been met"),
    ("c3", "过程绩效以及产品和服务的合格情况", "Process performance and conformity of products and services"),
    ("c4", "不合格及纠正措施", "Nonconformities and corrective actions"),
    ("c5", "监视和测量结果", "Monitoring and measurement results"),
    ("c6", "审核结果", "Audit results"),
    ("c7", "外部供方的绩效", "Performance of external providers"),
    ("d", "资源的充分性", "Adequacy of resources"),
    ("e", "应对风险和机遇所采取措施的有效性", "Effectiveness of actions taken to address risks and opportunities"),
    ("f", "改进的机会", "Opportunities for improvement"),
)
"""The inputs of 9.3.2 in order: id, Chinese title (GB/T 19001-2016), English title."""


@dataclass
class Part:
    """What one input puts in the packet: its sections, its figures for JSON, one line for the summary."""

    sections: list[Section]
    data: dict[str, Any]
    headline: str


def _section(p: Packet, letter: str) -> Section:
    """The input's section, titled ``9.3.2 c1) …``, opening with what the previous review said of it."""
    zh, en = next((z, e) for k, z, e in INPUTS if k == letter)
    return Section(f"9.3.2 {letter}) {p.tr(zh, en)}").add(*p.said(letter))


def input_a(p: Packet) -> Part:
    """The previous review's outputs (done, done late, open, overdue), other reviews' open ones, and its figures re-counted."""
    tr, prev = p.tr, p.previous
    sec = _section(p, "a")
    if prev is None:
        sec.add(Paragraph(tr("没有上次管理评审的记录,本期无可跟踪的评审输出。",
                             "No previous management review is recorded: there are no review outputs to follow up."), "note"))
        return Part([sec], {"review": None, "outputs": [], "others": []}, tr("无上次评审记录", "no previous review"))
    overdue = {i.id for i in p.due.overdue_items()}
    mine = ri.outputs(prev, overdue)
    others = [o for r in ri.reviews(p.ctx) if r.id != prev.id and r.get("held") <= p.span.until
              for o in ri.outputs(r, overdue) if o.state in ("open", "overdue")]
    n = Counter(o.state for o in mine)
    done, still = n["done"] + n["done_late"], n["open"] + n["overdue"]
    sec.add(Paragraph(tr(
        f"上次评审 {prev.id}({prev.get('held')})共 {len(mine)} 项输出:已完成 {done} 项(其中逾期完成 {n['done_late']} 项),"
        f"未完成 {still} 项(其中逾期 {n['overdue']} 项)。",
        f"{prev.id} ({prev.get('held')}) decided {len(mine)} outputs: {done} done ({n['done_late']} late), "
        f"{still} not done ({n['overdue']} overdue)."), "warning" if n["overdue"] else "normal"))
    sec.add(ri.outputs_table(p, mine))
    if others:
        sec.add(ri.outputs_table(p, others, tr("其他评审尚未完成的输出", "Other reviews' outputs not yet done")))
    for o in mine + others:
        if o.state == "overdue":
            p.improve(tr(f"评审输出逾期未完成:{short(o.action)}", f"Review output overdue: {short(o.action)}"), [o.id])
    data = {"review": prev.id, "held": prev.get("held"), "done": done, "done_late": n["done_late"], "open": still,
            "overdue": n["overdue"], "outputs": [o.as_dict() for o in mine], "others": [o.as_dict() for o in others]}
    return Part([sec, ri.stated_section(p, prev, data)], data, tr(
        f"{prev.id}:完成 {done}/{len(mine)},逾期未完成 {n['overdue']} 项;其他评审未完成 {len(others)} 项",
        f"{prev.id}: {done}/{len(mine)} done, {n['overdue']} overdue; {len(others)} open from other reviews"))


def input_b(p: Packet) -> Part:
    """Documents revised (git) and risks new, changed or re-ranked; outside issues are for people to add."""
    tr = p.tr
    sec = _section(p, "b").add(Paragraph(tr(
        "记录只能反映文件修订和风险登记的变化;外部环境(法规、市场、相关方)的变化由管理者代表在评审前补充。",
        "Records show only changes to documents and to the risk register; changes outside (law, market, interested parties) "
        "are for the management representative to add before the review."), "note"))
    docs, doc_data = ri.document_changes(p)
    risks, risk_data = ri.risk_changes(p)
    sec.add(*docs, *risks)
    if not (doc_data["revised"] or doc_data["new"] or risk_data["new_risks"] or risk_data["changed"]):
        sec.add(p.none())
    return Part([sec], doc_data | risk_data, tr(
        f"文件修订 {len(doc_data['revised'])} 份、首次纳入 {len(doc_data['new'])} 份;新识别风险 {len(risk_data['new_risks'])} 项",
        f"documents revised {len(doc_data['revised'])}, first committed {len(doc_data['new'])}; new risks {len(risk_data['new_risks'])}"))


def input_c1(p: Packet) -> Part:
    """Satisfaction by customer type and department, the service-quality dimensions, complaints and the reply rate."""
    tr = p.tr
    sec = _section(p, "c1")
    surveys, complaints = p.of(SatisfactionSurvey), p.of(Complaint)
    sec.add(*(ri.survey_blocks(p, surveys) if surveys else
              [Paragraph(tr("本期无满意度调查记录。", "No satisfaction surveys in the period."), "note")]))
    sq_blocks, sq = ri.servqual_blocks(p, surveys)
    c_blocks, c = ri.complaint_blocks(p, complaints) if complaints else (
        [Paragraph(tr("本期无投诉记录。", "No complaints in the period."), "note")], {})
    sec.add(*sq_blocks, *c_blocks)
    by_type = {k: {"satisfied": y, "surveyed": n, "share": ri.share(y, n)}
               for k, (y, n) in ri.satisfied_by(surveys, "customer_type").items()}
    worst = tr(f";最弱维度{p.label(sq['worst'])}", f"; weakest dimension {p.label(sq['worst'])}") if sq else ""
    rate = tr.pct(c.get("reply_rate"))
    return Part([sec], {"surveys": len(surveys), "by_customer_type": by_type, "servqual": sq, "complaints": c},
                tr(f"满意度调查 {len(surveys)} 份{worst};投诉 {len(complaints)} 起,回复率 {rate}",
                   f"{len(surveys)} surveys{worst}; {len(complaints)} complaints, reply rate {rate}"))


def input_c2(p: Packet) -> Part:
    """Every objective period overlapping this one (objectives.compute), its trend, and reported figures that differ."""
    tr, ctx = p.tr, p.ctx
    sec = _section(p, "c2")
    first = dt.date.fromisoformat(p.months[0] + "-01")
    results = [r for y in range(first.year, p.span.until.year + 1) for r in objectives.compute(ctx, Period(dt.date(y, 1, 1), "year"))]
    shown = [r for r in results if r.period.end >= p.span.since and r.period.start <= p.span.until]
    if not shown:
        return Part([sec.add(p.none())], {"results": []}, tr("无目标结果", "no objective results"))
    n = Counter(r.verdict for r in shown)
    sec.add(Paragraph(tr(f"与本期重叠的目标期间共 {len(shown)} 项结果:达成 {n['met']},未达成 {n['missed']},无数据 {n['no_data']}。",
                         f"{len(shown)} results for objective periods overlapping this one: {n['met']} met, {n['missed']} missed, "
                         f"{n['no_data']} without data."), "warning" if n["missed"] else "normal"), objectives.summary_table(ctx, shown))
    for objective in ctx.objectives.objectives if ctx.objectives else []:
        figure = objectives.trend_figure(ctx, objective, [r for r in results if r.objective.id == objective.id and r.period.end >= first])
        if figure and any(sum(v is not None for v in s.values) >= 2 for s in figure.series):
            sec.add(figure)
    differ = [[rep.record, r.objective.id, r.period.label, f"{rep.numerator}/{rep.denominator}", f"{r.count.numerator}/{r.count.denominator}"]
              for r in shown for rep in r.differences()]
    if differ:
        sec.add(Table([tr("记录", "Record"), tr("目标", "Objective"), tr("期间", "Period"), tr("报告值", "Reported"), tr("计算值", "Computed")],
                      differ, caption=tr("报告值与记录统计不一致", "Reported figures that differ from the records")))
    for r in (r for r in shown if r.met is False):
        name = r.objective.name if ctx.lang == "zh" else r.objective.en
        where = f"{r.period.label} {p.dept(r.department) if r.department else ''}".strip() + ("" if r.complete else tr("(期间未结束)", " (in progress)"))
        missing = [i for i in r.count.measured if i not in r.count.meeting]
        p.improve(tr(f"目标未达成:{r.objective.id} {name} {where} {tr.pct(r.count.value)},目标 {tr.pct(r.objective.target)}",
                     f"Objective missed: {r.objective.id} {name} {where} {tr.pct(r.count.value)}, target {tr.pct(r.objective.target)}"),
                  [r.objective.id, *missing[:5]] + (["…"] if len(missing) > 5 else []))
    return Part([sec], {"results": [r.as_dict() for r in shown], "met": n["met"], "missed": n["missed"], "no_data": n["no_data"]},
                tr(f"达成 {n['met']},未达成 {n['missed']},无数据 {n['no_data']}", f"{n['met']} met, {n['missed']} missed, {n['no_data']} no data"))


def input_c3(p: Packet) -> Part:
    """Each process form (a workflow, no ISO base form) by stage and days to finish, and deadlines counted from records."""
    tr = p.tr
    sec = _section(p, "c3")
    kinds = [k for _, k in sorted(p.ctx.repo.registry.kinds.items())
             if k.spec.workflow is not None and not any(issubclass(k.model, b) for b in BASE_FORMS)]
    table, data = ri.process_table(p, kinds)
    deadlines = [d for d in p.due.deadlines if d.start in p.span]
    rows = []
    for aid in dict.fromkeys(d.activity.id for d in deadlines):
        mine = [d for d in deadlines if d.activity.id == aid]
        act = mine[0].activity
        late, overdue = [d.record for d in mine if d.state == "late"], [d.record for d in mine if d.overdue(p.ctx.as_of)]
        rows.append([aid, act.name if p.ctx.lang == "zh" else act.en, str(act.after.days if act.after else "—"), str(len(mine)),
                     ratio(p, sum(1 for d in mine if d.state == "ok"), len(mine)), few(late, 5) or "—", few(overdue, 5) or "—"])
        if overdue:
            p.improve(tr(f"{act.name}:逾期未完成 {len(overdue)} 项", f"{act.en}: {len(overdue)} overdue"), overdue[:8])
    sec.add(table, Table([tr("编号", "Id"), tr("期限要求", "Deadline"), tr("天数", "Days"), tr("本期", "In period"), tr("按期完成", "On time"),
                          tr("超期完成", "Done late"), tr("逾期未完成", "Overdue")], rows,
                         caption=tr("以记录日期起算的期限", "Deadlines counted from a record's date")))
    if not any(d["records"] for d in data) and not deadlines:
        sec.add(p.none())
    on_time = sum(1 for d in deadlines if d.state == "ok")
    return Part([sec], {"processes": data, "deadlines": {"count": len(deadlines), "on_time": on_time,
                                                       "late": [d.record for d in deadlines if d.state == "late"],
                                                       "overdue": [d.record for d in deadlines if d.overdue(p.ctx.as_of)]}},
                tr(f"过程记录 {sum(d['records'] for d in data)} 份;期限按期完成 {ratio(p, on_time, len(deadlines))}",
                   f"process records {sum(d['records'] for d in data)}; deadlines met {ratio(p, on_time, len(deadlines))}"))


def _overdue_table(p: Packet) -> tuple[Table, list[str]]:
    """Nonconformities and actions past due (due.compute), each action shown with its nonconformity; one improvement each."""
    tr, ctx = p.tr, p.ctx
    ncrs, actions = ri.overdue_items(p, Nonconformity), ri.overdue_items(p, CorrectiveAction)
    of_ncr = {i.id: str(ctx.record(i.id).get("nonconformity") or "") for i in actions}  # type: ignore[union-attr]
    what = {i.id: short(ctx.record(i.id).shown.get("description") or ctx.record(i.id).shown.get("action"), 50)  # type: ignore[union-attr]
            for i in ncrs + actions}  # masked text, never the raw field
    rows = [[i.id, (f"{of_ncr[i.id]}:" if of_ncr.get(i.id) else "") + what[i.id], i.owner, str(i.due), tr.value(i.status),
             str(i.days_over(ctx.as_of))] for i in ncrs + actions]
    for i in ncrs:
        p.improve(tr(f"不符合逾期未关闭:{what[i.id]}", f"Nonconformity overdue: {what[i.id]}"), [i.id, *(a for a, n in of_ncr.items() if n == i.id)])
    for i in (a for a in actions if of_ncr[a.id] not in {n.id for n in ncrs}):
        p.improve(tr(f"措施逾期未完成:{what[i.id]}", f"Action overdue: {what[i.id]}"), [i.id])
    return Table([tr("编号", "Id"), tr("事项", "What"), tr("负责", "Owner"), tr("期限", "Due"), tr("状态", "Status"), tr("逾期天数", "Days overdue")],
                 rows, caption=tr("逾期未完成的不符合和措施", "Nonconformities and actions overdue")), [i.id for i in ncrs + actions]


def input_c4(p: Packet) -> Part:
    """Nonconformities raised, closed and overdue, by source, unit, department and grade; recurrences; actions and verifications."""
    tr, ctx = p.tr, p.ctx
    sec = _section(p, "c4")
    ncrs = p.of(Nonconformity, "raised")
    closed = sorted(r.id for r in ctx.of_base(Nonconformity) if r.get("closed") in p.span)
    still = sorted(r.id for r in ctx.of_base(Nonconformity) if not r.final)
    overdue_table, overdue = _overdue_table(p)
    late_ncrs = [i for i in overdue if ctx.record(i) and isinstance(ctx.record(i).model, Nonconformity)]  # type: ignore[union-attr]
    sec.add(Paragraph(tr(f"本期提出不符合 {len(ncrs)} 项,本期关闭 {len(closed)} 项;目前未关闭 {len(still)} 项,其中逾期 {len(late_ncrs)} 项;"
                         f"逾期的措施 {len(overdue) - len(late_ncrs)} 项。",
                         f"Nonconformities raised in the period: {len(ncrs)}, closed in it: {len(closed)}; open now: {len(still)}, "
                         f"of them overdue: {len(late_ncrs)}; actions overdue: {len(overdue) - len(late_ncrs)}."), "warning" if overdue else "normal"))
    by = {name: ri.counted(ncrs, name) for name in ("source", "unit", "department", "grade")}
    names = {"source": tr("按来源", "By source"), "unit": tr("按单位", "By unit"), "department": tr("按部门", "By department"),
             "grade": tr("按等级", "By grade")}
    sec.add(BulletList([f"{names[k]}{tr(':', ': ')}{tally(p, v, dept=k == 'department')}" for k, v in by.items() if v])
            if ncrs else p.none(), overdue_table)
    repeats = ri.recurrences(ncrs)
    sec.add(Table([tr("重复", "Recurs by"), tr("要求 / 部门 · 类别", "Requirement / department · category"), tr("次数", "Times"), tr("不符合", "NCRs")],
                  [[p.label(r.by), ri.recurrence_key(p, r), str(len(r.ids)), ", ".join(r.ids)] for r in repeats],
                  caption=tr("本期重复发生的不符合", "Nonconformities recurring in the period")))
    for r in repeats:
        key = ri.recurrence_key(p, r)
        p.improve(tr(f"不符合重复发生({p.label(r.by)} {key},{len(r.ids)} 次),查找共同原因",
                     f"Recurring nonconformity ({p.label(r.by)} {key}, {len(r.ids)} times): look for a common cause"), list(r.ids))
    blocks, action_data = ri.action_blocks(p)
    sec.add(*blocks, ri.ncr_figure(p))
    data = {"raised": len(ncrs), "raised_ids": [r.id for r in ncrs], "closed": closed, "open": still, "overdue": overdue,
            "by": {k: dict(v) for k, v in by.items()}, "recurrences": [{"by": r.by, "key": r.key, "ids": list(r.ids)} for r in repeats],
            **action_data}
    return Part([sec], data, tr(f"提出 {len(ncrs)},关闭 {len(closed)},逾期 {len(overdue)}(含措施),重复 {len(repeats)} 组",
                                f"{len(ncrs)} raised, {len(closed)} closed, {len(overdue)} overdue (actions included), {len(repeats)} recurrences"))


def input_c5(p: Packet) -> Part:
    """Recurring monitoring and measurement (due.compute: done, missing, late, gaps) and monthly measurements charted."""
    tr = p.tr
    sec = _section(p, "c5").add(Paragraph(tr(f"按 manual/schedule.yml 检查周期性的监视和测量工作,自 {p.due.since} 起查找缺失。",
                                             "Recurring monitoring and measurement in manual/schedule.yml; "
                                             f"missing occurrences looked for from {p.due.since}.")))
    rows, missing = [], {}
    for s in p.due.activities:
        a = s.activity
        rows.append([a.id, a.name if p.ctx.lang == "zh" else a.en, str(sum(1 for day, _ in s.records if day in p.span)),
                     f"{len(s.missing)}{tr(':', ': ')}{few(s.missing, 4)}" if s.missing else "0", str(sum(1 for x in s.late if x[1] in p.span)),
                     str(len(s.gaps)), p.label(f"activity_{s.status}")])
        if s.missing:
            missing[a.id] = s.missing
            p.improve(tr(f"{a.name}缺 {len(s.missing)} 次", f"{a.en}: {len(s.missing)} missing"), [a.id, few(s.missing, 4)])
        elif s.status in ("overdue", "never_done"):
            p.improve(tr(f"{a.name}已逾期", f"{a.en} is overdue"), [a.id, s.last[1] if s.last else tr("无记录", "no record")])
    sec.add(Table([tr("编号", "Id"), tr("工作", "Activity"), tr("本期记录", "Records"), tr("缺失", "Missing"), tr("超期", "Late"),
                   tr("间隔过长", "Gaps"), tr("状态", "Status")], rows, caption=tr("周期性监视和测量", "Recurring monitoring and measurement")))
    blocks, measured = ri.measurement_blocks(p)
    sec.add(*blocks)
    if not any(r[2] != "0" for r in rows) and not measured:
        sec.add(p.none())
    return Part([sec], {"activities": {s.activity.id: {"status": s.status, "missing": s.missing,
                                                       "records": [rid for day, rid in s.records if day in p.span]} for s in p.due.activities},
                        "measurements": measured},
                tr(f"周期性工作 {len(rows)} 项,有缺失 {len(missing)} 项", f"recurring activities {len(rows)}, with missing occurrences {len(missing)}"))


def input_c6(p: Packet) -> Part:
    """Audits opened in the period: findings by grade, those still open, the conclusion; nonconformities from external audits."""
    tr, ctx = p.tr, p.ctx
    sec = _section(p, "c6")
    rows, data = [], []
    for a in p.of(AuditReport):
        ncrs = [r for r in (ctx.record(i) for i in a.get("nonconformities") or []) if r is not None]
        still = sorted(r.id for r in ncrs if not r.final)
        rows.append([a.id, f"{a.get('opened')} – {a.get('closed_meeting') or '…'}", "、".join(p.dept(d) for d in a.get("scope") or []),
                     str(len(a.get("nonconformities") or [])), tally(p, ri.counted(ncrs, "grade")), few(still, 4) or "—",
                     short(a.shown.get("summary"), 80) or "—"])
        data.append({"id": a.id, "opened": a.get("opened"), "findings": len(a.get("nonconformities") or []),
                     "grades": dict(ri.counted(ncrs, "grade")), "open": still})
    external = [r.id for r in p.of(Nonconformity, "raised") if r.get("source") == "external_audit"]
    sec.add(Table([tr("审核", "Audit"), tr("日期", "Dates"), tr("范围", "Scope"), tr("不符合", "Findings"), tr("按等级", "By grade"),
                   tr("未关闭", "Still open"), tr("审核结论", "Conclusion")], rows, caption=tr("本期内部审核", "Internal audits in the period")),
            Paragraph(tr(f"外部审核提出的不符合 {len(external)} 项{':' + ', '.join(external) if external else ''}。",
                         f"Nonconformities from external audits: {len(external)}{' (' + ', '.join(external) + ')' if external else ''}.")))
    if not rows and not external:
        sec.add(p.none())
    total = sum(d["findings"] for d in data)
    return Part([sec], {"audits": data, "findings": total, "external_audit_ncrs": external},
                tr(f"审核 {len(rows)} 次,开具不符合 {total} 项", f"audits {len(rows)}, findings {total}"))


def input_c7(p: Packet) -> Part:
    """Nonconformities against providers and records that speak of outsourcing; and what the records cannot show."""
    tr = p.tr
    sec = _section(p, "c7")
    found = [r for r in p.of(Nonconformity, "raised") + p.of(Complaint) + p.of(CorrectiveAction, "raised")
             if r.get("source") == "supplier" or ri.mentions_provider(r)]
    for r in found:
        if r.get("source") == "supplier":
            p.improve(tr("外部供方未按要求提供服务:对该供方重新评价", "An external provider fell short: re-evaluate the provider"), [r.id])
    sec.add(Table([tr("记录", "Record"), tr("日期", "Date"), tr("来源", "Source"), tr("内容", "What")],
                  [[r.id, str(r.date), p.label(r.get("source")) if r.get("source") else r.kind.spec.title(p.ctx.lang),
                    short(r.shown.get("description") or r.shown.get("action"), 60)] for r in found],
                  caption=tr("涉及外部供方的记录(来源为外部供方,或提及外包、供方)",
                             "Records about external providers (source supplier, or mentioning outsourcing)")))
    forms = ri.provider_forms(p)
    sec.add(Paragraph(tr(
        "记录能说明:对外部供方开具的不符合,以及提及外包或供方的投诉和措施。"
        + (f"供方评价见:{'、'.join(forms)}。" if forms else
           "记录不能说明:外部供方的选择、评价和再评价结果及合格供方名录——本体系没有记录供方评价的表格,需由归口部门另行提供。"),
        "The records show nonconformities raised against external providers, and complaints and actions that mention "
        "outsourcing or providers. " + (f"Provider evaluations: {', '.join(forms)}." if forms else
                                        "They cannot show how providers were selected, evaluated and re-evaluated, nor an approved-provider "
                                        "list: no form in this QMS records provider evaluation, so its owner must bring it.")), "note"))
    if not found:
        sec.add(p.none())
    return Part([sec], {"records": [r.id for r in found], "supplier_ncrs": [r.id for r in found if r.get("source") == "supplier"],
                        "evaluation_forms": forms}, tr(f"涉及外部供方的记录 {len(found)} 份", f"records about external providers: {len(found)}"))


def input_d(p: Packet) -> Part:
    """Training held, attendees and passed; competence assessment results; resource needs decided by reviews."""
    tr = p.tr
    sec = _section(p, "d")
    training, t_data = ri.training_blocks(p)
    competence, c_data = ri.competence_blocks(p)
    overdue = {i.id for i in p.due.overdue_items()}
    needs = [o for r in ri.reviews(p.ctx) if r.get("held") <= p.span.until for o in ri.outputs(r, overdue) if o.category == "resources"]
    sec.add(*training, *competence, ri.outputs_table(p, needs, tr("评审输出中的资源需求", "Resource needs decided by reviews")))
    if not t_data["courses"] and not c_data["assessed"] and not needs:
        sec.add(p.none())
    return Part([sec], {"training": t_data, "competence": c_data, "resource_outputs": [o.as_dict() for o in needs]},
                tr(f"培训 {t_data['courses']} 次;能力考核 {c_data['assessed']} 人次;资源类评审输出 {len(needs)} 项",
                   f"courses {t_data['courses']}; assessed {c_data['assessed']}; resource outputs {len(needs)}"))


def input_e(p: Packet) -> Part:
    """Risks ranked by likelihood × impact, those without a treatment, preventive actions, and other forms' rankings."""
    tr = p.tr
    sec = _section(p, "e")
    risks = p.ctx.of_base(Risk)
    score = {r.id: int(r.model.score) for r in risks}  # type: ignore[attr-defined]
    rank = ri.ranks(score)
    ordered = sorted(risks, key=lambda r: (rank[r.id], r.id))
    sec.add(Table([tr("排序", "Rank"), tr("编号", "Id"), tr("类型", "Type"), tr("描述", "Description"), tr("可能性", "Likelihood"),
                   tr("影响", "Impact"), tr("分值", "Score"), tr("状态", "Status"), tr("应对措施", "Treatment")],
                  [[str(rank[r.id]), r.id, p.label(r.get("type")), short(r.shown.get("description")), str(r.get("likelihood")),
                    str(r.get("impact")), str(score[r.id]), p.label(r.status), short(r.shown.get("treatment")) or "—"] for r in ordered],
                  caption=tr("风险和机遇排序(分值 = 可能性 × 影响)", "Risks and opportunities ranked (score = likelihood × impact)")))
    untreated = [r.id for r in ordered if not r.get("treatment") and not r.final]
    if untreated:
        p.improve(tr(f"风险和机遇尚无应对措施 {len(untreated)} 项", f"{len(untreated)} risks or opportunities without a treatment"), untreated)
    actions = [r for r in p.of(CorrectiveAction, "raised") if r.get("type") in ("preventive", "improvement")]
    sec.add(Table([tr("编号", "Id"), tr("类型", "Type"), tr("措施", "Action"), tr("期限", "Due"), tr("状态", "Status"), tr("验证", "Verified")],
                  [[r.id, p.label(r.get("type")), short(r.shown.get("action")), str(r.get("due")), p.label(r.status),
                    p.label(r.get("verification").result) if r.get("verification") else "—"] for r in actions],
                  caption=tr("本期的预防措施和改善", "Preventive actions and improvements raised in the period")), *ri.ranking_blocks(p))
    if not risks and not actions:
        sec.add(p.none())
    top = f"{ordered[0].id} {score[ordered[0].id]}" if ordered else "—"
    return Part([sec], {"ranking": [{"id": r.id, "rank": rank[r.id], "score": score[r.id], "status": r.status} for r in ordered],
                        "untreated": untreated, "actions": [r.id for r in actions]},
                tr(f"风险和机遇 {len(risks)} 项,最高 {top};无应对措施 {len(untreated)} 项",
                   f"{len(risks)} risks and opportunities, top {top}; {len(untreated)} without treatment"))


def input_f(p: Packet) -> Part:
    """One bullet per thing the other inputs found missed, overdue, missing or recurring, with its evidence."""
    tr = p.tr
    sec = _section(p, "f").add(Paragraph(tr("由以上各项输入中未达成、逾期、缺失和重复发生的情况得出,每条附证据编号:",
                                            "Drawn from what the inputs above found missed, overdue, missing or recurring, each with its evidence:")))
    items = [f"{text}(证据:{', '.join(evidence)})" if p.ctx.lang == "zh" else f"{text[:1].upper()}{text[1:]} (evidence: {', '.join(evidence)})"
             for text, evidence in p.opportunities]
    sec.add(BulletList(items) if items else Paragraph(tr("本期记录未显示需要改进之处。", "The records of the period show nothing to improve."), "note"))
    return Part([sec], {"opportunities": [{"text": t, "evidence": e} for t, e in p.opportunities]},
                tr(f"改进机会 {len(items)} 条", f"opportunities: {len(items)}"))


BUILDERS: tuple[Callable[[Packet], Part], ...] = (
    input_a, input_b, input_c1, input_c2, input_c3, input_c4, input_c5, input_c6, input_c7, input_d, input_e, input_f)
"""One builder per entry of INPUTS, in the same order; f comes last because it gathers what the others found."""


def period(ctx: Context, since: dt.date | None = None, until: dt.date | None = None) -> tuple[Span, Rec | None]:
    """The packet's period and the review it follows.

    Without ``since``: from the day after the last review held before
    ``until`` (default the as-of day), or the twelve months to ``until`` when
    none was. With ``since``: the review it follows is the last held before it.
    """
    until = until or ctx.as_of
    previous = ri.latest_before(ctx, since or until)
    if since is None:
        since = previous.get("held") + dt.timedelta(days=1) if previous else add_months(until, -12) + dt.timedelta(days=1)
    if since > until:
        raise QmsError(messages.text("cli.since_after_until", since=since, until=until))
    return Span(since, until), previous


def build(ctx: Context, since: dt.date | None = None, until: dt.date | None = None) -> Report:
    """The packet: a one-line summary per input, then one section per input (and the re-count of the last review's figures)."""
    tr = ctx.tr
    span, previous = period(ctx, since, until)
    first = min(span.since, add_months(span.until, -11).replace(day=1))
    p = Packet(ctx, span, previous, due_report.compute(ctx, span.since), [m.label for m in months_between(first, span.until)])
    after = tr(f"上次评审 {previous.id} 于 {previous.get('held')} 召开", f"after review {previous.id}, held {previous.get('held')}") \
        if previous else tr("此前无管理评审记录", "no earlier management review recorded")
    report = Report(tr("管理评审输入", "Management review inputs"), document_id=f"RPT-MR-{span.until}", period=str(span),
                    subtitle=tr(f"评审期间 {span.since} 至 {span.until}({after}),截至 {ctx.as_of}。按 GB/T 19001-2016 / ISO 9001:2015 "
                                f"9.3.2 逐项列出;趋势图自 {p.months[0]} 起。",
                                f"Period {span.since} to {span.until} ({after}), as of {ctx.as_of}; one section per input of "
                                f"ISO 9001:2015 9.3.2; trend charts from {p.months[0]}."))
    parts = [builder(p) for builder in BUILDERS]
    report.section(tr("概要", "Summary")).add(Table(
        [tr("输入", "Input"), tr("要点", "Key figures")],
        [[f"{key}) {tr(zh, en)}", part.headline] for (key, zh, en), part in zip(INPUTS, parts, strict=True)]))
    others = [c for c in named_catalogues(ctx.repo) if c.review_inputs]
    for catalogue in others:
        report.sections.append(standard_inputs(ctx, catalogue))
    for part in parts:
        report.sections.extend(part.sections)
    report.data = {"report": "review", "since": span.since, "until": span.until, "previous_review": previous.id if previous else None,
                   **{key: part.data for (key, _, _), part in zip(INPUTS, parts, strict=True)},
                   "standards": {c.id: [{"input": i.id, "packet": list(i.packet)} for i in c.review_inputs] for c in others}}
    return ctx.stamp(report)


def standard_inputs(ctx: Context, catalogue: Catalogue) -> Section:
    """Each input another standard requires of the review (ISO 14001 9.3, ISO 45001 9.3, ISO 13485 5.6.2 …), and the
    sections of this packet that answer it; an input no record answers is named for people to prepare."""
    tr = ctx.tr
    titles = {key: f"9.3.2 {key}) {tr(zh, en)}" for key, zh, en in INPUTS}
    rows = [[f"{catalogue.review} {i.id})", i.title(ctx.lang),
             "; ".join(titles.get(k, k) for k in i.packet) or tr("记录中没有:由管理者代表在评审前补充", "not in the records: "
                                                                 "the management representative adds it before the review")]
            for i in catalogue.review_inputs]
    missing = [i.id for i in catalogue.review_inputs if not i.packet]
    sec = Section(tr(f"{catalogue.label_for('zh')} {catalogue.review} 要求的输入", f"Inputs {catalogue.name} {catalogue.review} requires"))
    sec.add(Paragraph(tr(f"本资料按 ISO 9001 9.3.2 的输入编排;下表列出 {catalogue.name} 要求的每项输入由哪些部分回答。",
                         f"This packet follows the inputs of ISO 9001 9.3.2; the table shows which parts answer each input "
                         f"{catalogue.name} requires."), "note"))
    sec.add(Table([tr("输入", "Input"), tr("内容", "What"), tr("见本资料", "Answered by")], rows))
    if missing:
        sec.add(Paragraph(tr(f"须另行准备的输入:{', '.join(missing)}。", f"To be prepared separately: {', '.join(missing)}."),
                          "warning"))
    return sec


__all__ = ["INPUTS", "Part", "build", "period"]
