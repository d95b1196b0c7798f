"""``qms objectives``: each quality objective computed from the records, period by period.

An objective (``manual/objectives.yml``) names the record kind, the rule and
the date that puts a record in a period. The result lists the ids it
counted so an auditor can re-count by hand, and sets a figure reported in
an ``objective_result`` record beside the computed one, flagging any
difference.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..plans import Objective
from ..report import BulletList, Figure, Paragraph, Report, Series, Table
from .context import Context
from .periods import Period

REPORTED_FIELDS = {"objective", "period", "numerator", "denominator"}


@dataclass
class Count:
    """What a rule counted: the records measured and those that met the criterion."""

    measured: list[str] = field(default_factory=list)
    meeting: list[str] = field(default_factory=list)

    @property
    def numerator(self) -> int:
        return len(self.meeting)

    @property
    def denominator(self) -> int:
        return len(self.measured)

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass
class Reported:
    """A figure an ``objective_result`` record states for the same objective and period."""

    record: str
    department: str | None
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass
class Result:
    objective: Objective
    period: Period
    department: str | None  # a value of the rule's split_by; None for the objective as a whole
    count: Count
    previous: Count
    complete: bool  # the period has ended by the as-of day
    reported: list[Reported] = field(default_factory=list)

    @property
    def met(self) -> bool | None:
        value = self.count.value
        if value is None:
            return None
        if self.objective.comparison == ">=":
            return value >= self.objective.target - 1e-9
        return value <= self.objective.target + 1e-9

    @property
    def verdict(self) -> str:
        return "no_data" if self.met is None else ("met" if self.met else "missed")

    @property
    def trend(self) -> float | None:
        if self.count.value is None or self.previous.value is None:
            return None
        return self.count.value - self.previous.value

    def differences(self) -> list[Reported]:
        return [r for r in self.reported if (r.numerator, r.denominator) != (self.count.numerator, self.count.denominator)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "objective": self.objective.id, "name": self.objective.name, "en": self.objective.en,
            "period": self.period.label, "department": self.department, "target": self.objective.target,
            "comparison": self.objective.comparison, "numerator": self.count.numerator,
            "denominator": self.count.denominator, "value": self.count.value, "verdict": self.verdict,
            "complete": self.complete, "previous_period": self.period.previous().label,
            "previous_value": self.previous.value, "trend": self.trend,
            "counted": self.count.measured, "meeting": self.count.meeting,
            "reported": [{"record": r.record, "department": r.department, "numerator": r.numerator,
                          "denominator": r.denominator, "value": r.value,
                          "agrees": (r.numerator, r.denominator) == (self.count.numerator, self.count.denominator)}
                         for r in self.reported],
        }


def _matches(rec: Counted, where: dict[str, Any]) -> bool:
    return all(rec.get(name) == value for name, value in where.items())


class Counted(Protocol):
    """A record as :func:`count` reads it: an id and fields by name (a report's ``Rec``, a check's ``Fact``)."""

    @property
    def id(self) -> str: ...

    def get(self, name: str, default: Any = None) -> Any: ...


class Counting(Protocol):
    """What :func:`count` reads of its context: the as-of day and the records of a kind."""

    as_of: dt.date

    def of_kind(self, name: str) -> Sequence[Counted]: ...


def count(ctx: Context | Counting, objective: Objective, period: Period, department: str | None = None) -> Count:
    """Apply the objective's rule to the records of one period (and one split value).

    ``qms objectives`` counts over a report context; ``qms check`` (rule
    ``derived-value``) over its index of records, with this same function.
    """
    rule = objective.rule
    result = Count()
    last_day = min(period.end, ctx.as_of)
    records: Sequence[Counted] = ctx.of_kind(rule.kind)
    for rec in sorted(records, key=lambda r: r.id):
        day = rec.get(rule.date_field)
        if not isinstance(day, dt.date) or not (period.start <= day <= last_day) or not _matches(rec, rule.where):
            continue
        if department is not None and rule.split_by and rec.get(rule.split_by) != department:
            continue
        result.measured.append(rec.id)
        value = rec.get(rule.field)
        if rule.measure == "share_true":
            meets = value is True
        else:  # share_done: the date is filled in by the end of the period (or the as-of day)
            meets = isinstance(value, dt.date) and value <= last_day
        if meets:
            result.meeting.append(rec.id)
    return result


def comparable_count(
    ctx: Context | Counting, objective: Objective, period: Period, department: str | None
) -> tuple[Count, str | None]:
    """The count a figure stated for ``department`` is set against, and the split value it is.

    A department's own count when the objective is split by department and
    the department has records in the period; otherwise the objective as a
    whole (the same pairing :func:`evaluate` makes).
    """
    if department is not None and objective.rule.split_by:
        own = count(ctx, objective, period, department)
        if own.denominator:
            return own, department
    return count(ctx, objective, period), None


def _split_values(ctx: Context, objective: Objective, period: Period) -> list[str]:
    rule = objective.rule
    if not rule.split_by:
        return []
    values = {str(r.get(rule.split_by)) for r in ctx.of_kind(rule.kind) if r.get(rule.split_by) is not None}
    return sorted(v for v in values if count(ctx, objective, period, v).denominator)


def _reported_kinds(ctx: Context) -> list[str]:
    return [k.name for k in ctx.repo.registry.kinds.values() if REPORTED_FIELDS <= set(k.model.model_fields)]


def evaluate(ctx: Context, objective: Objective, period: Period) -> list[Result]:
    """The objective over one of its periods: as a whole, then per split value."""
    complete = period.end <= ctx.as_of
    previous = period.previous()
    results = [Result(objective, period, None, count(ctx, objective, period), count(ctx, objective, previous), complete)]
    for value in _split_values(ctx, objective, period):
        results.append(Result(objective, period, value, count(ctx, objective, period, value),
                              count(ctx, objective, previous, value), complete))
    by_department = {r.department: r for r in results}
    for kind in _reported_kinds(ctx):
        for rec in sorted(ctx.of_kind(kind), key=lambda r: r.id):
            if rec.get("objective") != objective.id or rec.get("period") != period.label:
                continue
            department = rec.get("department")
            target = by_department.get(department) or by_department[None]
            target.reported.append(Reported(rec.id, department, int(rec.get("numerator")), int(rec.get("denominator"))))
    return results


def periods_for(objective: Objective, span: Period, as_of: dt.date) -> list[Period]:
    """The objective's own periods that fall in ``span`` and have begun by the as-of day."""
    return [p for p in span.split(objective.period) if p.start <= as_of]


def compute(ctx: Context, span: Period) -> list[Result]:
    """Every objective over every one of its periods in ``span``."""
    results: list[Result] = []
    for objective in ctx.objectives.objectives if ctx.objectives else []:
        for period in periods_for(objective, span, ctx.as_of):
            results.extend(evaluate(ctx, objective, period))
    return results


def default_span(ctx: Context) -> Period:
    return Period.containing(ctx.as_of, "year")


# -- the report ---------------------------------------------------------------


def _trend_text(result: Result) -> str:
    if result.trend is None:
        return "—"
    arrow = "↑" if result.trend > 1e-9 else "↓" if result.trend < -1e-9 else "→"
    return f"{arrow} {result.trend * 100:+.1f}"


def _verdict_text(ctx: Context, result: Result) -> str:
    tr = ctx.tr
    text = tr.value(result.verdict)
    if not result.complete and result.met is not None:
        text += tr("(期间未结束)", " (period in progress)")
    return text


def _name(ctx: Context, objective: Objective) -> str:
    return objective.name if ctx.lang == "zh" else objective.en


def _target(ctx: Context, objective: Objective) -> str:
    return f"{'≥' if objective.comparison == '>=' else '≤'} {ctx.tr.pct(objective.target)}"


def _row(ctx: Context, result: Result) -> list[str]:
    return [result.objective.id, _name(ctx, result.objective), result.period.label, result.department or ctx.tr("全部", "all"),
            f"{result.count.numerator}/{result.count.denominator}", ctx.tr.pct(result.count.value),
            _target(ctx, result.objective), _verdict_text(ctx, result), ctx.tr.pct(result.previous.value),
            _trend_text(result)]


def columns(ctx: Context) -> list[str]:
    tr = ctx.tr
    return [tr("目标编号", "Objective"), tr("目标", "Name"), tr("期间", "Period"), tr("部门", "Department"),
            tr("达标数/总数", "Count"), tr("实际值", "Value"), tr("目标值", "Target"), tr("结论", "Verdict"),
            tr("上期", "Previous"), tr("趋势(百分点)", "Trend (points)")]


def summary_table(ctx: Context, results: list[Result]) -> Table:
    """One row per objective, period and department, missed ones first (for the report and the dashboard)."""
    order = {"missed": 0, "no_data": 1, "met": 2}
    ordered = sorted(results, key=lambda r: (order[r.verdict], r.objective.id, r.period.start, r.department or ""))
    return Table(columns(ctx), [_row(ctx, r) for r in ordered])


def trend_figure(ctx: Context, objective: Objective, results: list[Result]) -> Figure | None:
    """Value against target over the objective's periods, one line per department."""
    periods = sorted({r.period for r in results})
    if len(periods) < 2:
        return None
    lines: dict[str | None, dict[Period, float | None]] = {}
    for r in results:
        lines.setdefault(r.department, {})[r.period] = r.count.value
    series = [Series(dept or ctx.tr("全部", "all"), [values.get(p) for p in periods], key=None if dept else "all")
              for dept, values in sorted(lines.items(), key=lambda kv: (kv[0] is not None, kv[0] or ""))]
    series = [s if s.key is not None else s._replace(key=f"dept {n}") for n, s in enumerate(series)]
    return Figure(f"trend-{objective.id}", f"{objective.id} {_name(ctx, objective)}", [p.label for p in periods], series,
                  y_label=ctx.tr("实际值", "value"), target=objective.target, percent=True)


def build(ctx: Context, period: str | None = None) -> Report:
    tr = ctx.tr
    span = Period.parse(period) if period else default_span(ctx)
    results = compute(ctx, span)
    report = Report(tr("质量目标完成情况", "Quality objectives"), document_id=f"RPT-OBJ-{span.label}",
                    period=span.label,
                    subtitle=tr(f"统计期间 {span.label},截至 {ctx.as_of}。数据来源:manual/objectives.yml 所列记录。",
                                f"Period {span.label}, as of {ctx.as_of}. Counted from the records manual/objectives.yml names."))
    missed = [r for r in results if r.met is False]
    summary = report.section(tr("概要", "Summary"))
    summary.add(Paragraph(tr(f"共 {len(results)} 项结果,未达成 {len(missed)} 项。",
                             f"{len(results)} results, {len(missed)} missed.")))
    if missed:
        summary.add(BulletList([f"{r.objective.id} {_name(ctx, r.objective)} {r.period.label} "
                                f"{r.department or ''} {tr.pct(r.count.value)} ({_target(ctx, r.objective)})".replace("  ", " ")
                                for r in missed]))
    summary.add(summary_table(ctx, results))
    for objective in ctx.objectives.objectives if ctx.objectives else []:
        own = [r for r in results if r.objective.id == objective.id]
        if not own:
            continue
        section = report.section(f"{objective.id} {_name(ctx, objective)}")
        rule = objective.rule
        section.add(Paragraph(tr(
            f"出处 {objective.source};统计 {rule.kind} 记录({rule.date_field} 在期间内"
            f"{'、' + ', '.join(f'{k}={v}' for k, v in rule.where.items()) if rule.where else ''}),"
            f"{'字段 ' + rule.field + ' 为是' if rule.measure == 'share_true' else '期末前已填写 ' + rule.field}的比例;"
            f"目标 {_target(ctx, objective)},周期:{tr.value(objective.period)}。",
            f"Source {objective.source}; share of {rule.kind} records ({rule.date_field} in the period"
            f"{', ' + ', '.join(f'{k}={v}' for k, v in rule.where.items()) if rule.where else ''}) "
            f"{'whose ' + rule.field + ' is true' if rule.measure == 'share_true' else 'with ' + rule.field + ' filled in by the end of the period'}; "
            f"target {_target(ctx, objective)}, per {objective.period}.")))
        section.add(Table(columns(ctx), [_row(ctx, r) for r in own]))
        figure = trend_figure(ctx, objective, own)
        if figure:
            section.add(figure)
        reported = [(r, rep) for r in own for rep in r.reported]
        if reported:
            section.add(Table(
                [tr("记录", "Record"), tr("期间", "Period"), tr("部门", "Department"), tr("报告值", "Reported"),
                 tr("计算值", "Computed"), tr("核对", "Check")],
                [[rep.record, r.period.label, rep.department or "—", f"{rep.numerator}/{rep.denominator} {tr.pct(rep.value)}",
                  f"{r.count.numerator}/{r.count.denominator} {tr.pct(r.count.value)}",
                  tr("一致", "agrees") if rep not in r.differences() else tr("不一致,请核对", "DIFFERS: re-count")]
                 for r, rep in reported],
                caption=tr("报告值与计算值", "Reported and computed figures")))
        evidence = []
        for r in own:
            missing = [i for i in r.count.measured if i not in r.count.meeting]
            who = f"{r.period.label} {r.department or tr('全部', 'all')}"
            evidence.append(f"{who}: {tr('计入', 'counted')} {len(r.count.measured)}; "
                            f"{tr('未达标', 'not meeting')} {', '.join(missing) or '—'}")
        section.add(Paragraph(tr("复核用记录编号(未达标的逐一列出,计入的全部见 JSON 输出):",
                                 "Record ids for re-counting (those not meeting listed; all counted ids in the JSON output):")),
                    BulletList(evidence))
    standards = ctx.objectives.standards if ctx.objectives else []
    if standards:
        report.section(tr("服务标准", "Service standards")).add(Table(
            [tr("编号", "Id"), tr("标准", "Standard"), tr("数值", "Value"), tr("出处", "Source"), tr("部门", "Department")],
            [[s.id, s.name if ctx.lang == "zh" else s.en, f"{s.value:g} {s.unit_of_measure}", s.source, s.department or "—"]
             for s in standards],
            caption=tr("以数值规定、不由记录统计的标准", "Standards set as numbers, not counted from records")))
    report.data = {"report": "objectives", "span": span.label, "results": [r.as_dict() for r in results]}
    return ctx.stamp(report)
