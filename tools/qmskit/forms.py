"""The base forms: what ISO 9001 asks every organization's records to show.

A form in ``schemas/`` extends one of these models and adds its own fields
and a :class:`FormSpec`. Reports ask the registry for "the form that extends
:class:`Nonconformity`", never for a file name, so the fields defined here
are the contract between an organization's forms and the engine.

References are typed with :data:`DocRef`, :data:`RoleRef`, :data:`DeptRef`
and :func:`RecordRef`; the checker resolves them without knowing the form.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


@dataclass(frozen=True)
class Ref:
    """Marks a string field as a reference that must resolve.

    ``target`` is ``document``, ``role``, ``department`` or ``record``; for a
    record, ``kind`` is a kind name or a base form class, and any record whose
    form is (or extends) it satisfies the reference.
    """

    target: Literal["document", "role", "department", "record"]
    kind: str | type | None = None

    def describe(self) -> str:
        if self.target != "record":
            return self.target
        if self.kind is None:
            return "record"
        name = self.kind if isinstance(self.kind, str) else getattr(self.kind, "__name__", str(self.kind))
        return f"{name} record"


DocRef = Annotated[str, Ref("document"), Field(json_schema_extra={"x-qms-ref": "document"})]
"""A controlled document id, optionally followed by a section: ``LD-QP-03 §7.3``."""
RoleRef = Annotated[str, Ref("role"), Field(json_schema_extra={"x-qms-ref": "role"})]
"""A job role (岗位) defined in the manual's organization file."""
DeptRef = Annotated[str, Ref("department"), Field(json_schema_extra={"x-qms-ref": "department"})]
"""A department defined in the manual's organization file."""


def RecordRef(kind: str | type | None = None) -> Any:  # noqa: N802 - reads as a type
    """A record id that must exist, of ``kind`` (a kind name or base form)."""
    label = kind if isinstance(kind, str) or kind is None else kind.__name__
    return Annotated[str, Ref("record", kind), Field(json_schema_extra={"x-qms-ref": f"record:{label or '*'}"})]


@dataclass(frozen=True)
class Workflow:
    """The statuses a record moves through and what each one needs.

    ``transitions`` maps a status to the statuses it may move to; the first
    status is where ``qms new`` starts. ``requires`` names the fields that
    must be filled once a record is in a status. ``final`` statuses freeze
    the record: a pull request may not change it afterwards. A new record
    starts in the first status; ``starts`` lets a form allow others (a
    paper record entered after the fact).
    """

    statuses: tuple[str, ...]
    transitions: dict[str, tuple[str, ...]]
    requires: dict[str, tuple[str, ...]] = field(default_factory=dict)
    final: tuple[str, ...] = ()
    starts: tuple[str, ...] = ()

    @classmethod
    def linear(
        cls,
        *statuses: str,
        requires: dict[str, tuple[str, ...]] | None = None,
        cumulative: bool = True,
        extra: dict[str, tuple[str, ...]] | None = None,
        starts: tuple[str, ...] = (),
    ) -> Workflow:
        """A straight workflow a → b → … → last, the last one final.

        With ``cumulative`` a status also needs what earlier ones needed,
        which is how paper forms fill up as they move on. ``extra`` adds
        transitions, such as a way back from verification to action.
        """
        transitions: dict[str, tuple[str, ...]] = {}
        for here, nxt in zip(statuses, statuses[1:], strict=False):
            transitions[here] = (nxt,)
        transitions[statuses[-1]] = ()
        for here, more in (extra or {}).items():
            transitions[here] = transitions.get(here, ()) + tuple(more)
        needed: dict[str, tuple[str, ...]] = {}
        so_far: tuple[str, ...] = ()
        for status in statuses:
            own = tuple((requires or {}).get(status, ()))
            so_far = so_far + tuple(f for f in own if f not in so_far) if cumulative else own
            needed[status] = so_far
        return cls(tuple(statuses), transitions, needed, (statuses[-1],), tuple(starts))

    @property
    def initial(self) -> str:
        return self.statuses[0]

    def allows(self, old: str, new: str) -> bool:
        return old == new or new in self.transitions.get(old, ())

    @property
    def start_statuses(self) -> tuple[str, ...]:
        """Where a new record may begin: ``starts`` if the form names any, else the first status."""
        return self.starts or (self.initial,)


@dataclass(frozen=True)
class FormSpec:
    """What the paper form says about itself, beyond its fields.

    ``id_pattern`` uses ``{year}``, ``{month:02}`` and ``{seq:04}``
    placeholders; ``retention`` is in years; ``schedule`` is the id of a
    recurring activity that produces this record, if any. ``additions``
    says what the form adds to the source it comes from (a form code the
    source does not give, a rating scale), so that no reader takes it for
    the source's own.
    """

    kind: str
    code: str
    title_zh: str
    title_en: str
    procedure: str
    id_pattern: str
    workflow: Workflow | None = None
    retention_years: int | None = None
    confidential: tuple[str, ...] = ()
    date_field: str | None = None
    additions: tuple[str, ...] = ()

    def title(self, lang: str = "zh") -> str:
        return self.title_zh if lang == "zh" else self.title_en


class RecordBase(BaseModel):
    """Every record: an id equal to its file name, and a status if it has a workflow.

    Models forbid unknown fields so that a misspelt key is reported rather
    than silently kept.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_default=False)

    form: ClassVar[FormSpec]

    id: str = Field(description="记录编号 / record id (equals the file name)")
    status: str | None = Field(default=None, description="状态 / status")


class Verification(BaseModel):
    """Who verified that an action worked, when, and what they found (10.2.1 d)."""

    model_config = ConfigDict(extra="forbid")

    by: RoleRef = Field(description="验证人 / verified by (role)")
    on: dt.date = Field(description="验证日期 / verification date")
    result: Literal["effective", "not_effective"] = Field(description="验证结论 / result")
    note: str | None = None


NONCONFORMITY_WORKFLOW = Workflow.linear(
    "open", "analysis", "action", "verification", "closed",
    requires={
        "analysis": ("root_cause",),
        "action": ("correction",),
        "verification": (),
        "closed": ("verification", "closed"),
    },
    extra={"verification": ("action",)},
)
"""open → analysis → action → verification → closed; a failed verification sends it back to action."""

CORRECTIVE_ACTION_WORKFLOW = Workflow.linear(
    "open", "in_progress", "done", "verified",
    requires={"done": ("done",), "verified": ("verification",)},
    extra={"done": ("in_progress",)},
)

Grade = Literal["major", "minor", "observation"]
NcrSource = Literal[
    "internal_audit", "external_audit", "customer_complaint", "process_monitoring",
    "inspection", "management_review", "supplier", "other",
]


class Nonconformity(RecordBase):
    """不符合报告 (10.2, 8.7): nature, cause, actions and their results."""

    source: NcrSource = Field(description="来源 / source")
    raised: dt.date = Field(description="提出日期 / raised on")
    requirement: DocRef = Field(description="违反的要求 / requirement not met (document id and section)")
    description: str = Field(description="不符合事实描述 / description")
    grade: Grade = Field(description="等级 / grade")
    department: DeptRef = Field(description="责任部门 / department")
    owner: RoleRef = Field(description="负责人 / owner (role)")
    due: dt.date = Field(description="完成期限 / due date")
    audit: RecordRef("AuditReport") | None = Field(default=None, description="审核报告 / audit that found it")  # type: ignore[valid-type]
    root_cause: str | None = Field(default=None, description="原因分析 / root cause")
    correction: str | None = Field(default=None, description="纠正 / correction")
    actions: list[RecordRef("CorrectiveAction")] = Field(default_factory=list, description="纠正措施 / corrective actions")  # type: ignore[valid-type]
    verification: Verification | None = Field(default=None, description="验证 / verification")
    closed: dt.date | None = Field(default=None, description="关闭日期 / closed on")


class CorrectiveAction(RecordBase):
    """纠正/预防措施 (10.2.1 b-d): action against a cause, and its effectiveness."""

    type: Literal["corrective", "preventive", "improvement"] = Field(description="类型 / type")
    raised: dt.date = Field(description="提出日期 / raised on")
    nonconformity: RecordRef("Nonconformity") | None = Field(default=None, description="来源不符合 / nonconformity")  # type: ignore[valid-type]
    action: str = Field(description="措施 / action")
    owner: RoleRef = Field(description="负责人 / owner (role)")
    due: dt.date = Field(description="完成期限 / due date")
    done: dt.date | None = Field(default=None, description="完成日期 / completed on")
    verification: Verification | None = Field(default=None, description="效果验证 / verification")


class AuditorAssignment(BaseModel):
    """One auditor's part of an audit: objectivity means not auditing one's own work (9.2.2 b)."""

    model_config = ConfigDict(extra="forbid")

    auditor: str = Field(description="审核员 / auditor (name)")
    role: RoleRef = Field(description="岗位 / role")
    department: DeptRef = Field(description="审核员所在部门 / auditor's own department")
    audits: list[DeptRef] = Field(min_length=1, description="负责审核的部门 / departments this auditor audits")

    @model_validator(mode="after")
    def _not_own_department(self) -> AuditorAssignment:
        if self.department in self.audits:
            raise ValueError(
                f"auditor {self.auditor} may not audit their own department {self.department}; "
                "assign that department to another auditor"
            )
        return self


class AuditPlan(RecordBase):
    """内部审核计划 (9.2.2): scope, criteria, auditors, dates."""

    year: int = Field(description="年度 / year")
    scope: list[DeptRef] = Field(description="审核范围 / departments audited")
    criteria: list[DocRef] = Field(description="审核准则 / criteria (documents)")
    leader: RoleRef = Field(description="审核组组长 / audit team leader")
    auditors: list[AuditorAssignment] = Field(default_factory=list, description="审核组 / audit team")
    start: dt.date = Field(description="开始日期 / start")
    end: dt.date = Field(description="结束日期 / end")


class AuditReport(RecordBase):
    """内部审核报告 (9.2.2 c-f): what was audited, found and reported."""

    plan: RecordRef("AuditPlan") | None = Field(default=None, description="审核计划 / audit plan")  # type: ignore[valid-type]
    opened: dt.date = Field(description="首次会议 / opening meeting")
    closed_meeting: dt.date | None = Field(default=None, description="末次会议 / closing meeting")
    scope: list[DeptRef] = Field(description="审核范围 / departments audited")
    criteria: list[DocRef] = Field(description="审核准则 / criteria")
    summary: str | None = Field(default=None, description="审核结论 / conclusion")
    nonconformities: list[RecordRef("Nonconformity")] = Field(default_factory=list, description="不符合 / findings")  # type: ignore[valid-type]


class ReviewAction(BaseModel):
    """A management-review output: what, who, by when (9.3.3)."""

    model_config = ConfigDict(extra="forbid")

    action: str = Field(description="决议事项 / decision or action")
    owner: RoleRef = Field(description="负责人 / owner")
    due: dt.date = Field(description="期限 / due")
    category: Literal["improvement", "qms_change", "resources"] = Field(description="输出类别 / output category (9.3.3)")
    done: dt.date | None = Field(default=None, description="完成日期 / completed on")
    result: str | None = Field(default=None, description="完成情况 / result")


class ManagementReview(RecordBase):
    """管理评审 (9.3): inputs, minutes, outputs with owners and due dates."""

    held: dt.date = Field(description="评审日期 / held on")
    chair: RoleRef = Field(description="主持 / chaired by")
    attendees: list[RoleRef] = Field(default_factory=list, description="参加人员 / attendees (roles)")
    previous: RecordRef("ManagementReview") | None = Field(default=None, description="上次评审 / previous review")  # type: ignore[valid-type]
    inputs: dict[str, str] = Field(default_factory=dict, description="评审输入 / inputs, keyed a … f (9.3.2)")
    minutes: str | None = Field(default=None, description="会议纪要 / minutes")
    outputs: list[ReviewAction] = Field(default_factory=list, description="评审输出 / outputs")
    approved_by: RoleRef | None = Field(default=None, description="批准 / approved by")
    approved: dt.date | None = Field(default=None, description="批准日期 / approved on")


class Complaint(RecordBase):
    """顾客投诉 (9.1.2, 8.2.1): received, replied, closed, customer's word."""

    received: dt.date = Field(description="受理日期 / received on")
    customer_type: Literal["individual", "enterprise"] = Field(description="顾客类型 / customer type")
    department: DeptRef = Field(description="责任部门 / department")
    description: str = Field(description="投诉内容 / complaint")
    replied: dt.date | None = Field(default=None, description="回复日期 / replied on")
    closed: dt.date | None = Field(default=None, description="关闭日期 / closed on")
    feedback: Literal["satisfied", "neutral", "dissatisfied"] | None = Field(default=None, description="顾客反馈 / customer feedback")
    nonconformity: RecordRef("Nonconformity") | None = Field(default=None, description="不符合 / nonconformity raised")  # type: ignore[valid-type]


class SatisfactionSurvey(RecordBase):
    """顾客满意度调查 (9.1.2): one returned questionnaire."""

    surveyed: dt.date = Field(description="调查日期 / surveyed on")
    customer_type: Literal["individual", "enterprise"] = Field(description="顾客类型 / customer type")
    department: DeptRef = Field(description="被评部门 / department rated")
    satisfied: bool = Field(description="总体满意 / satisfied overall")


class TrainingRecord(RecordBase):
    """培训记录 (7.2 c-d)."""

    held: dt.date = Field(description="培训日期 / held on")
    topic: str = Field(description="培训内容 / topic")
    trainer: str = Field(description="培训人 / trainer")
    department: DeptRef = Field(description="部门 / department")
    attendees: int = Field(ge=0, description="参加人数 / number attending")
    effective: bool | None = Field(default=None, description="培训有效 / judged effective")


class CompetenceAssessment(RecordBase):
    """岗位能力考核 (7.2): a person assessed against a role."""

    assessed: dt.date = Field(description="考核日期 / assessed on")
    role: RoleRef = Field(description="岗位 / role")
    result: Literal["competent", "needs_training", "not_competent"] = Field(description="结论 / result")
    assessor: RoleRef = Field(description="考核人 / assessor")


class Risk(RecordBase):
    """风险和机遇 (6.1): scored so that risks can be ranked."""

    identified: dt.date = Field(description="识别日期 / identified on")
    description: str = Field(description="风险描述 / description")
    likelihood: int = Field(ge=1, le=5, description="可能性 1-5 / likelihood")
    impact: int = Field(ge=1, le=5, description="影响 1-5 / impact")
    treatment: str | None = Field(default=None, description="应对措施 / treatment")
    owner: RoleRef = Field(description="负责人 / owner")

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class Amendment(RecordBase):
    """更正记录: the one way to change a record that is already closed.

    A closed record is evidence and stays as it was; a pull request that must
    correct it adds an amendment saying what changed, why, and who approved.
    """

    amends: RecordRef(None) = Field(description="被更正的记录 / record amended")  # type: ignore[valid-type]
    reason: str = Field(description="更正原因 / why")
    change: str = Field(description="更正内容 / what was changed")
    approved_by: RoleRef = Field(description="批准 / approved by")
    approved: dt.date = Field(description="批准日期 / approved on")


BASE_FORMS: tuple[type[RecordBase], ...] = (
    Nonconformity, CorrectiveAction, AuditPlan, AuditReport, ManagementReview,
    Complaint, SatisfactionSurvey, TrainingRecord, CompetenceAssessment, Risk, Amendment,
)
"""The base forms, in the order ISO 9001 meets them in a year's work."""


__all__ = [
    "BASE_FORMS", "CORRECTIVE_ACTION_WORKFLOW", "NONCONFORMITY_WORKFLOW", "Amendment", "AuditPlan", "AuditReport", "AuditorAssignment", "Complaint", "CompetenceAssessment",
    "CorrectiveAction", "DeptRef", "DocRef", "FormSpec", "ManagementReview",
    "Nonconformity", "RecordBase", "RecordRef", "Ref", "ReviewAction", "Risk", "RoleRef",
    "SatisfactionSurvey", "TrainingRecord", "Verification", "Workflow",
]
