"""What a form declares about records other than itself, as data the checker reads.

A form says, beside its fields, how its records must agree with the records
they name: dates in causal order along a reference (:class:`DateOrder`), the
role a named person must hold on a day (:class:`Holds`), values derived from
other records (:class:`Derived` with :class:`SumOf`, :class:`Recount` or
:class:`Computed`) and what closing a record as effective claims about the
others (:class:`Closure`). Nothing here evaluates a rule; the rules of
``qms check`` (``checks/cross_records``) do, for every form alike.

Field names in a declaration are dotted paths (``verification.on``); a name
is looked up beside the field that declares it first (in the same item of a
list, or the same sub-form), then from the top of the record, so one
declaration on a shared sub-form (a verification block) serves every form
that uses it.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .messages import text


@dataclass(frozen=True)
class DateOrder:
    """A date of this record and a date of the record a reference names, in causal order.

    ``DateOrder("raised", "not_before", "opened")`` on a nonconformity's
    ``audit`` reference: the nonconformity is not raised before the audit it
    cites was opened. ``not_after`` is the other way round.
    """

    own: str
    relation: Literal["not_before", "not_after"]
    theirs: str


@dataclass(frozen=True)
class Holds:
    """The person a reference names held a suitable role on a day.

    ``role``: a role name; ``role_field``: the field that names the role
    (the role written beside the person, such as a verification's ``by``);
    ``department`` / ``department_field``: any role of that department.
    ``date_field``: the day it is judged on (without one, any role ever held
    will do). With no role and no department, the person must hold some role
    on the day, that is, work for the organization.
    """

    role: str | None = None
    role_field: str | None = None
    department: str | None = None
    department_field: str | None = None
    date_field: str | None = None

    def fields(self) -> tuple[str, ...]:
        """The record fields this declaration reads."""
        return tuple(f for f in (self.role_field, self.department_field, self.date_field) if f)

    def as_json(self) -> dict[str, str]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v}


@dataclass(frozen=True)
class SumOf:
    """The sum of ``field`` over the records that ``refs`` names (a list of references).

    ``Derived("ranking.*.score", SumOf("risks", "score"))``: each ranked
    enterprise's score is the sum of the scores of the risk features it cites.
    """

    refs: str
    field: str

    def describe(self) -> str:
        return text("rule.sum_of", field=self.field, refs=self.refs)


@dataclass(frozen=True)
class Recount:
    """A count of an objective of ``manual/objectives.yml``, re-counted from the records.

    ``part`` is ``numerator`` or ``denominator``; the other names are the
    fields that give the objective's id, the period label, the department
    (a split value of the objective, else the whole) and the day the figure
    was stated (records after it are not counted).
    """

    part: Literal["numerator", "denominator"]
    objective: str = "objective"
    period: str = "period"
    department: str | None = "department"
    as_of: str | None = None

    def describe(self) -> str:
        return text("rule.recount")


@dataclass(frozen=True)
class Computed:
    """Any rule, as a function of the record and a read-only index of records.

    ``fn(record, index)`` returns the value the field must have, or None when
    it cannot tell. ``record.get(name)`` looks beside the field first (as
    every declaration does); ``index.get(id)`` gives another record's fields,
    ``index.of_kind(kind)`` all of a kind. ``needs`` names the fields (per kind
    name or base form name) the function reads, so the check keeps only those
    in memory; without it the function may call ``index.model(id)`` for the
    whole record, read from its file.
    """

    fn: Callable[..., Any]
    needs: Mapping[str, Sequence[str]] | None = None
    explain: str = ""

    def __post_init__(self) -> None:
        if self.needs is not None:  # frozen and hashable, whatever mapping was passed
            object.__setattr__(self, "needs", tuple((k, tuple(v)) for k, v in dict(self.needs).items()))

    def needed(self) -> dict[str, tuple[str, ...]] | None:
        return dict(self.needs) if self.needs is not None else None  # type: ignore[arg-type]

    def describe(self) -> str:
        return self.explain or text("rule.computed", name=getattr(self.fn, "__name__", "rule"))


DerivedRule = SumOf | Recount | Computed


@dataclass(frozen=True)
class Derived:
    """A field whose value follows from other records: ``field`` (``*`` for each item of a list) and its rule."""

    field: str
    rule: DerivedRule


@dataclass(frozen=True)
class Closure:
    """What closing a record as effective claims about the records around it.

    A record is *closed as effective* when its status is final and the field
    ``effective[0]`` holds ``effective[1]``. Then the records it cites through
    ``cites`` (reference fields) and the records that cite it through
    ``cited_by`` (``"Kind.field"``, a kind or base form name and its
    reference field) must be closed too; and with ``within_days``, no later
    record of the same form may name the same ``same`` value (the requirement
    breached: document and section) within that many days of the ``closed``
    date, counted by the later record's ``raised`` date. An amendment record
    that amends the closed record (approved no earlier than the later record)
    re-opens its claim, and the contradiction is no longer reported.
    """

    effective: tuple[str, Any] = ("verification.result", "effective")
    cites: tuple[str, ...] = ()
    cited_by: tuple[str, ...] = ()
    same: str | None = None
    within_days: int | None = None
    raised: str = "raised"
    closed: str = "closed"

    def recurring_within(self, days: int) -> Closure:
        """The same closure, with a window for the same requirement breached again."""
        return dataclasses.replace(self, within_days=days)

    def fields(self) -> tuple[str, ...]:
        names = [self.effective[0], *self.cites, self.raised, self.closed]
        if self.same:
            names.append(self.same)
        return tuple(names)


def top(path: str) -> str:
    """The top-level field of a dotted path: ``verification.on`` → ``verification``."""
    return path.split(".", 1)[0]


__all__ = ["Closure", "Computed", "DateOrder", "Derived", "DerivedRule", "Holds", "Recount", "SumOf", "top"]
