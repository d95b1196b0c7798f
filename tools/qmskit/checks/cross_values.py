"""Two rules across records: derived values agree with their sources, and closure with the records.

``derived-value``: each :class:`~qmskit.relations.Derived` field of a record
equals what its rule gives (a sum over the records it cites, an objective
re-counted with :func:`qmskit.reports.objectives.count`, or the form's own
function). ``closure-contradiction``: a record closed as effective (its
:class:`~qmskit.relations.Closure`) while a record it cites or that cites it
is open, or while a later record of its form breaches the same requirement
within the form's window. Called from :mod:`.cross_records`, which runs the pass.
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from ..recordindex import Fact, Loc, RecordIndex, at, beside, container_loc, lookup, values_at
from ..forms import Amendment
from ..messages import join, text
from ..registry import Kind
from ..relations import Closure, Computed, Derived, Recount, SumOf

if TYPE_CHECKING:
    from .cross_records import Pass


# -- derived-value --------------------------------------------------------------------------------


@dataclass
class Expected:
    """What a rule gives, and from which records, for the message."""

    value: Any
    sources: str  # "RF-0006 (90), RF-0001 (80)"


class RecordView:
    """The record a :class:`~qmskit.relations.Computed` rule is given: fields looked up beside the derived field first."""

    def __init__(self, fact: Fact, loc: Loc, index: RecordIndex) -> None:
        self.fact, self.loc, self.index = fact, loc, index
        self.id, self.kind = fact.id, fact.kind

    def get(self, name: str, default: Any = None) -> Any:
        if name.split(".", 1)[0] not in self.fact.data:  # not kept for the rules: read the whole record
            model = self.index.model(self.fact.id)
            value = lookup(model.model_dump(), name) if model is not None else None
        else:
            value = beside(self.fact.data, self.loc, name)[1]
        return default if value is None else value

    @property
    def here(self) -> Any:
        """The item of a list the derived field stands in (``ranking[2]``), or the whole record."""
        return at(self.fact.data, container_loc(self.loc))


def check_derived(run: Pass, fact: Fact, kind: Kind) -> None:
    for derived in kind.spec.derived:
        for loc, actual in values_at(fact.data, tuple(derived.field.split("."))):
            try:
                expected = _expected(run, fact, loc, derived)
            except Exception as exc:  # a form's own rule must not stop the check
                run.issue(fact, loc, "derived-value",
                          text("cross.rule_failed", id=fact.id, field=run.field(fact, loc), module=kind.module_path,
                               error=f"{type(exc).__name__}: {exc}"))
                continue
            if expected is None or _equal(actual, expected.value):
                continue
            run.issue(fact, loc, "derived-value",
                      text("cross.derived", id=fact.id, field=run.field(fact, loc), actual=actual, rule=derived.rule.describe(),
                           expected=expected.value, sources=expected.sources))


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(actual, (int, float)) and isinstance(expected, (int, float)) and not isinstance(actual, bool):
        return abs(actual - expected) < 1e-9
    return bool(actual == expected)


def _expected(run: Pass, fact: Fact, loc: Loc, derived: Derived) -> Expected | None:
    rule = derived.rule
    if isinstance(rule, SumOf):
        return _sum(run, fact, loc, rule)
    if isinstance(rule, Recount):
        return _recount(run, fact, rule)
    if isinstance(rule, Computed):
        value = rule.fn(RecordView(fact, loc, run.index), run.index)
        return None if value is None else Expected(value, text("cross.computed_sources", rule=rule.describe(), id=fact.id))
    raise TypeError(f"unknown derived rule {rule!r}")  # pragma: no cover - the registry refuses it


def _sum(run: Pass, fact: Fact, loc: Loc, rule: SumOf) -> Expected | None:
    _, refs = beside(fact.data, loc, rule.refs)
    ids = refs if isinstance(refs, list) else [refs] if isinstance(refs, str) else []
    total: float = 0
    parts = []
    for rid in ids:
        source = run.index.get(rid) if isinstance(rid, str) else None
        value = source.get(rule.field) if source is not None else None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return None  # a missing or invalid record is reported by its own rule
        total += value
        parts.append(f"{rid} {value}")
    if not parts:
        return None
    return Expected(int(total) if float(total).is_integer() else total, " + ".join(parts))


def _recount(run: Pass, fact: Fact, rule: Recount) -> Expected | None:
    from ..reports.objectives import comparable_count
    from ..reports.periods import Period

    objective = run.plan.objectives.get(str(fact.get(rule.objective)))
    label = fact.get(rule.period)
    if objective is None or not isinstance(label, str):
        return None  # check_plans and the form report an unknown objective or period
    try:
        period = Period.parse(label)
    except Exception:
        return None
    stated = fact.get(rule.as_of) if rule.as_of else None
    as_of = min(run.as_of, stated) if isinstance(stated, dt.date) else run.as_of
    department = fact.get(rule.department) if rule.department else None
    count, split = comparable_count(_Counting(run.index, as_of), objective, period,
                                    department if isinstance(department, str) else None)
    value = count.numerator if rule.part == "numerator" else count.denominator
    missing = [i for i in count.measured if i not in count.meeting]
    shown = join(missing[:8]) + (f" … (+{len(missing) - 8})" if len(missing) > 8 else "")
    scope = f"{objective.id} {period.label}" + (f" {split}" if split else "")
    return Expected(value, text("cross.recount_sources", scope=scope, kind=objective.rule.kind, as_of=as_of,
                                numerator=count.numerator, denominator=count.denominator, shown=shown or text("cross.none")))


class _Counting:
    """What :func:`qmskit.reports.objectives.count` reads of a report context, over the index."""

    def __init__(self, index: RecordIndex, as_of: dt.date) -> None:
        self.index, self.as_of = index, as_of

    def of_kind(self, name: str) -> list[Fact]:
        return self.index.of_kind(name)


# -- closure-contradiction --------------------------------------------------------------------------


def _final(run: Pass, fact: Fact) -> bool:
    return run.index.registry.is_final(fact.kind, fact.status)


def closed_effective(run: Pass, fact: Fact, closure: Closure) -> bool:
    name, value = closure.effective
    return _final(run, fact) and fact.get(name) == value


def check_closure(run: Pass, fact: Fact, kind: Kind, closure: Closure) -> None:
    """A record closed as effective against the records around it; an amendment of it acknowledges a contradiction."""
    if closed_effective(run, fact, closure) and not _amended(run, fact.id):
        closed = fact.get(closure.closed)
        for loc, other, how in _linked(run, fact, kind, closure):
            if _final(run, other):
                continue
            run.issue(fact, loc, "closure-contradiction",
                      text("cross.closed_on_while_open" if closed else "cross.closed_while_open", id=fact.id, closed=closed,
                           other=other.id, path=other.path, how=how(), status=other.status), run.closure_severity)
    if closure.same and closure.within_days:
        for earlier, later, days in _recurrences(run, kind, closure, fact):
            if _amended(run, earlier.id, on_or_after=later.get(closure.raised)):
                continue
            window = text("cross.window", days=closure.within_days)
            fix = text("cross.reopen", earlier=earlier.id, day=later.get(closure.raised), later=later.id)
            if later.id == fact.id:
                run.issue(fact, (closure.same,), "closure-contradiction",
                          text("cross.recurs_after", later=later.id, same=later.get(closure.same), days=days,
                               earlier=earlier.id, path=earlier.path, closed=earlier.get(closure.closed), window=window,
                               fix=fix),
                          run.closure_severity)
            elif earlier.id == fact.id and later.id not in run.subjects:
                run.issue(fact, (closure.closed,), "closure-contradiction",
                          text("cross.recurs_before", earlier=earlier.id, closed=earlier.get(closure.closed),
                               later=later.id, path=later.path, same=earlier.get(closure.same), days=days,
                               window=window, fix=fix), run.closure_severity)


def _amended(run: Pass, rid: str, on_or_after: Any = None) -> bool:
    """Whether an amendment record amends ``rid`` (approved on or after a day, when one is given)."""
    key = ("amended",)
    if key not in run.cache:
        found: dict[str, list[dt.date]] = {}
        for amendment in run.index.of_base(Amendment):
            target, approved = amendment.get("amends"), amendment.get("approved")
            if isinstance(target, str) and isinstance(approved, dt.date):
                found.setdefault(target, []).append(approved)
        run.cache[key] = found
    days = run.cache[key].get(rid, [])
    if not isinstance(on_or_after, dt.date):
        return bool(days)
    return any(day >= on_or_after for day in days)


def _linked(run: Pass, fact: Fact, kind: Kind, closure: Closure) -> Iterator[tuple[Loc, Fact, Callable[[], str]]]:
    """The records a closure depends on: those it cites, and those that cite it, each with how, in words.

    The words are made only for a record still open: naming a field by its label reads the other record's
    form, and a pull-request check imports no form whose records it only needs to find final.
    """
    for name in closure.cites:
        for path, _ref in kind.refs:
            if path[0] != name:
                continue
            for loc, value in values_at(fact.data, path):
                other = run.index.get(value) if isinstance(value, str) and value else None
                if other is not None:
                    yield loc, other, partial(_how, run, "cross.cites", fact, loc)
    for cited_by in closure.cited_by:
        base, _, name = cited_by.partition(".")
        for other in run.index.citing(base, name, fact.id):
            yield ("status",), other, partial(_how, run, "cross.cited_by", other, name)


def _how(run: Pass, key: str, fact: Fact, field: Loc | str) -> str:
    return text(key, field=run.field(fact, field))


def _norm(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value)).strip()


def _recurrences(run: Pass, kind: Kind, closure: Closure, fact: Fact) -> list[tuple[Fact, Fact, int]]:
    """(closed-effective record, later record of the same form and requirement, days after) within the window,
    for the pairs ``fact`` is part of.

    Each group (one requirement) is sorted once by closing and by raising
    day; a record then finds its pairs by bisection, so a form with
    thousands of records of one requirement costs n log n, not n².
    """
    assert closure.same and closure.within_days
    same = fact.get(closure.same)
    if same is None:
        return []
    closed_by_day, raised_by_day = _recurrence_days(run, kind, closure, str(same))
    window = dt.timedelta(days=closure.within_days)
    found = []
    closed = fact.get(closure.closed)
    if isinstance(closed, dt.date) and closed_effective(run, fact, closure):  # fact as the earlier record
        days = [d for d, _ in raised_by_day]
        for raised, later in raised_by_day[bisect_right(days, closed):bisect_right(days, closed + window)]:
            if later.id != fact.id:
                found.append((fact, later, (raised - closed).days))
    raised = fact.get(closure.raised)
    if isinstance(raised, dt.date):  # fact as the later record: closed in [raised - window, raised)
        days = [d for d, _ in closed_by_day]
        for day, earlier in closed_by_day[bisect_left(days, raised - window):bisect_left(days, raised)]:
            if earlier.id != fact.id:
                found.append((earlier, fact, (raised - day).days))
    return sorted(found, key=lambda t: (t[1].id, t[0].id))


def _recurrence_days(run: Pass, kind: Kind, closure: Closure,
                     same: str) -> tuple[list[tuple[dt.date, Fact]], list[tuple[dt.date, Fact]]]:
    """The group of one requirement: its closed-effective records by closing day, and all by raising day."""
    assert closure.same
    key = ("recurrence", kind.name, _norm(same))
    if key not in run.cache:
        group = [f for f in _same_group(run, kind, closure, same) if _norm(f.get(closure.same)) == _norm(same)]
        closed = [(d, f) for f in group
                  if isinstance(d := f.get(closure.closed), dt.date) and closed_effective(run, f, closure)]
        raised = [(d, f) for f in group if isinstance(d := f.get(closure.raised), dt.date)]
        run.cache[key] = (sorted(closed, key=lambda t: (t[0], t[1].id)), sorted(raised, key=lambda t: (t[0], t[1].id)))
    days: tuple[list[tuple[dt.date, Fact]], list[tuple[dt.date, Fact]]] = run.cache[key]
    return days


def _same_group(run: Pass, kind: Kind, closure: Closure, same: str) -> list[Fact]:
    """Records of the kind that may name the same value: all of them, grouped once, when the index knows every
    record of the kind (a full check, or facts remembered by blob id); otherwise those whose file holds it."""
    assert closure.same
    if not run.index.whole_kind(kind.name):
        # the file of a record that names the requirement holds its longest word as typed, unless YAML escaped
        # it: a word with a quote or a backslash may be written otherwise, so none of those is looked for
        words = [w for w in same.split() if not any(c in w for c in "'\"\\")]
        return run.index.of_kind(kind.name, containing=max(words, key=len) if words else None)
    key = ("same", kind.name)
    if key not in run.cache:
        groups: dict[str, list[Fact]] = {}
        for other in run.index.of_kind(kind.name):
            if other.get(closure.same) is not None:
                groups.setdefault(_norm(other.get(closure.same)), []).append(other)
        run.cache[key] = groups
    by_value: dict[str, list[Fact]] = run.cache[key]
    return by_value.get(_norm(same), [])
