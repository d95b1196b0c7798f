"""What a field of a form may point at, and what it declares about the record it names.

A reference is a string field marked with :class:`Ref`: a controlled
document (:data:`DocRef`), a job role or department of the organization file
(:data:`RoleRef`, :data:`DeptRef`), another record (:func:`RecordRef`) or a
person of the people register (:func:`PersonRef`). The checker resolves
every marker without knowing the form; a record reference may also carry the
causal order of dates between the two records (:class:`~qmskit.relations.DateOrder`)
and a person reference the role that person held that day
(:class:`~qmskit.relations.Holds`). :mod:`qmskit.forms` re-exports them all.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field

from .messages import text
from .relations import DateOrder, Holds


@dataclass(frozen=True)
class Ref:
    """Marks a string field as a reference that must resolve.

    ``target`` is ``document``, ``role``, ``department`` or ``record``; for a
    record, ``kind`` is a kind name or a base form class, and any record whose
    form is (or extends) it satisfies the reference.
    """

    target: Literal["document", "role", "department", "record"]
    kind: str | type | None = None
    order: tuple[DateOrder, ...] = ()
    holds: Holds | None = None

    def describe(self) -> str:
        """What the reference names, in the message language: "document", "role", "ncr record"."""
        if self.target != "record":
            return text(_TARGET_KEYS[self.target])
        if self.kind is None:
            return text("ref.target_record")
        name = self.kind if isinstance(self.kind, str) else getattr(self.kind, "__name__", str(self.kind))
        return text("ref.target_kind_record", kind=name)


_TARGET_KEYS = {"document": "ref.target_document", "role": "ref.target_role", "department": "ref.target_department"}

DocRef = Annotated[str, Ref("document"), Field(json_schema_extra={"x-qms-ref": "document"})]
"""A controlled document id, optionally followed by a section: ``LD-QP-03 §7.3``."""
RoleRef = Annotated[str, Ref("role"), Field(json_schema_extra={"x-qms-ref": "role"})]
"""A job role (岗位) defined in the manual's organization file."""
DeptRef = Annotated[str, Ref("department"), Field(json_schema_extra={"x-qms-ref": "department"})]
"""A department defined in the manual's organization file."""


def RecordRef(  # noqa: N802 - reads as a type
    kind: str | type | None = None,
    *,
    own: str | None = None,
    not_before: str | None = None,
    not_after: str | None = None,
    order: tuple[DateOrder, ...] = (),
) -> Any:
    """A record id that must exist, of ``kind`` (a kind name or base form).

    ``own="raised", not_before="opened"``: this record's ``raised`` is not
    before the named record's ``opened`` (``not_after`` the other way round);
    ``order`` gives several such pairs (rule ``date-order``).
    """
    label = kind if isinstance(kind, str) or kind is None else kind.__name__
    pairs = tuple(order)
    if (not_before or not_after) and not own:
        raise ValueError("RecordRef(not_before=…/not_after=…) needs own=: the date field of this record")
    if own and not_before:
        pairs += (DateOrder(own, "not_before", not_before),)
    if own and not_after:
        pairs += (DateOrder(own, "not_after", not_after),)
    return Annotated[str, Ref("record", kind, order=pairs),
                     Field(json_schema_extra={"x-qms-ref": f"record:{label or '*'}"})]


def PersonRef(  # noqa: N802 - reads as a type
    *,
    role: str | None = None,
    role_field: str | None = None,
    department: str | None = None,
    department_field: str | None = None,
    date_field: str | None = None,
) -> Any:
    """The id of a person: a record of a form built on :class:`Person` (rule ``person-role``).

    ``PersonRef(role_field="by", date_field="on")``: the person held the role
    written in ``by`` on the day in ``on``. See :class:`~qmskit.relations.Holds`.
    """
    holds: Holds | None = Holds(role, role_field, department, department_field, date_field)
    extra: dict[str, Any] = {"x-qms-ref": "person"}
    if holds is not None and holds.as_json():
        extra["x-qms-holds"] = holds.as_json()
    else:
        holds = None  # PersonRef(): the person must exist, whatever they held (trainees, visitors)
    return Annotated[str, Ref("record", "Person", holds=holds), Field(json_schema_extra=extra)]


__all__ = ["DeptRef", "DocRef", "PersonRef", "RecordRef", "Ref", "RoleRef"]
