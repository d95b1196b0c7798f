"""A form's rules as plain data: all the judging process learns of a form it must not import.

In a pull-request check the change's own form modules run only in a
separate process (:mod:`qmskit.sandbox`), which answers with one
:class:`FormData` per form. The base's forms, imported in the judging
process, are described the same way, so the two can be compared field by
field and the differences told to a reviewer (``rules-changed``).
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .forms import BASE_FORMS
from .registry import Kind

_TEXT = 500  # no name or pattern of a real form is longer; a longer one is not believed


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class WorkflowData(_Data):
    """A workflow's statuses, edges, required fields and final statuses."""

    statuses: tuple[str, ...]
    transitions: dict[str, tuple[str, ...]]
    requires: dict[str, tuple[str, ...]]
    final: tuple[str, ...]
    starts: tuple[str, ...]

    def edges(self) -> set[tuple[str, str]]:
        return {(a, b) for a, nexts in self.transitions.items() for b in nexts if a != b}


class FormData(_Data):
    """What a reviewer needs to judge a form: its rules, not its code."""

    kind: str = Field(max_length=_TEXT)
    code: str = Field(max_length=_TEXT)
    module: str = Field(max_length=_TEXT)
    title_en: str = Field(max_length=_TEXT)
    procedure: str = Field(max_length=_TEXT)
    id_pattern: str = Field(max_length=_TEXT)
    retention_years: int | None
    workflow: WorkflowData | None
    fields: dict[str, bool]  # field name -> required
    confidential: tuple[str, ...]
    bases: tuple[str, ...]  # the base forms it extends (Nonconformity, Amendment, …)


def describe(kind: Kind) -> FormData:
    """``kind`` as data; the same function describes the base's forms and, in the sandbox, the change's."""
    spec = kind.spec
    workflow = spec.workflow
    return FormData(
        kind=str(spec.kind), code=str(spec.code), module=kind.module_path, title_en=str(spec.title_en),
        procedure=str(spec.procedure), id_pattern=str(spec.id_pattern),
        retention_years=spec.retention_years if isinstance(spec.retention_years, int) else None,
        workflow=None if workflow is None else WorkflowData(
            statuses=tuple(str(s) for s in workflow.statuses),
            transitions={str(a): tuple(str(b) for b in nexts) for a, nexts in workflow.transitions.items()},
            requires={str(a): tuple(str(f) for f in names) for a, names in workflow.requires.items()},
            final=tuple(str(s) for s in workflow.final),
            starts=tuple(str(s) for s in getattr(workflow, "start_statuses", (workflow.initial,))),
        ),
        fields={name: info.is_required() for name, info in kind.model.model_fields.items()},
        confidential=tuple(str(c) for c in spec.confidential),
        bases=tuple(base.__name__ for base in BASE_FORMS if issubclass(kind.model, base)),
    )


__all__ = ["FormData", "WorkflowData", "describe"]
