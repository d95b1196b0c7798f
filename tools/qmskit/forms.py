"""The base forms: what ISO 9001 asks every organization's records to show.

A form in ``schemas/`` extends one of these models and adds its own fields
and a :class:`FormSpec`. Reports ask the registry for "the form that extends
:class:`Nonconformity`", never for a file name, so the fields defined here
are the contract between an organization's forms and the engine.

References are typed with :data:`DocRef`, :data:`RoleRef`, :data:`DeptRef`,
:func:`RecordRef` and :func:`PersonRef`; the checker resolves them without
knowing the form. A reference may also declare how the two records agree
(dates in causal order, the role a person held that day), and a
:class:`FormSpec` the values derived from other records and what closing a
record claims: see :mod:`qmskit.relations`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .refs import DeptRef, DocRef, PersonRef, RecordRef, Ref, RoleRef
from .relations import Closure, Computed, DateOrder, Derived, Holds, Recount, SumOf
from .values import Date, Flag, Int, Number, Text


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
    recurring activity that produces this record, if any. ``derived`` names
    fields whose values follow from other records (rule ``derived-value``);
    ``closure`` what closing a record as effective claims about the records
    around it (rule ``closure-contradiction``).
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
    derived: tuple[Derived, ...] = ()
    closure: Closure | None = None

    def title(self, lang: str = "zh") -> str:
        return self.title_zh if lang == "zh" else self.title_en


class FormPart(BaseModel):
    """A block inside a record (a verification, a reading, an item of a list): strict like the record.

    Forms in ``schemas/`` build their blocks on this, so that a block's values
    mean what they mean at the top of the record.
    """

    # Built when first used, not at import: most of the engine's own forms are only bases for the
    # forms in schemas/, and a check that reads no record of theirs need not pay for them (see
    # ``built``, which every validation of a form goes through).
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True, defer_build=True)


def built(model: type[FormPart]) -> type[FormPart]:
    """``model``, its validator built now if it is not yet, from the names of the module that defines it.

    Forms are loaded unbuilt (``registry._forms_in``): a check of ten records
    reads forty forms for their names and fields alone. Built here, a form
    resolves its names as it did when every form was built at load, not
    from whichever frame first asked pydantic to validate.
    """
    if not model.__pydantic_complete__:
        model.model_rebuild(raise_errors=False, _parent_namespace_depth=0)  # the module's names, not ours
    return model


class RecordBase(FormPart):
    """Every record: an id equal to its file name, and a status if it has a workflow.

    Models forbid unknown fields so that a misspelt key is reported rather
    than silently kept.
    """

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True, validate_default=False)

    form: ClassVar[FormSpec]

    id: Text = Field(description="记录编号 / record id (equals the file name)")
    status: Text | None = Field(default=None, description="状态 / status")


class Verification(FormPart):
    """Who verified that an action worked, when, and what they found (10.2.1 d)."""

    model_config = ConfigDict(extra="forbid")

    by: RoleRef = Field(description="验证人 / verified by (role)")
    by_person: PersonRef(role_field="by", date_field="on") | None = Field(  # type: ignore[valid-type]
        default=None, description="验证人 / verified by (person, holding the role in 'by' that day)")
    on: Date = Field(description="验证日期 / verification date")
    result: Literal["effective", "not_effective"] = Field(description="验证结论 / result")
    note: Text | None = None


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
    raised: Date = Field(description="提出日期 / raised on")
    requirement: DocRef = Field(description="违反的要求 / requirement not met (document id and section)")
    description: Text = Field(description="不符合事实描述 / description")
    grade: Grade = Field(description="等级 / grade")
    department: DeptRef = Field(description="责任部门 / department")
    owner: RoleRef = Field(description="负责人 / owner (role)")
    owner_person: PersonRef(role_field="owner", date_field="raised") | None = Field(  # type: ignore[valid-type]
        default=None, description="负责人 / owner (person, holding the role in 'owner')")
    due: Date = Field(description="完成期限 / due date")
    audit: RecordRef("AuditReport", own="raised", not_before="opened") | None = Field(  # type: ignore[valid-type]
        default=None, description="审核报告 / audit that found it (raised no earlier than it opened)")
    root_cause: Text | None = Field(default=None, description="原因分析 / root cause")
    correction: Text | None = Field(default=None, description="纠正 / correction")
    actions: list[RecordRef("CorrectiveAction", order=(  # type: ignore[valid-type]
        DateOrder("raised", "not_after", "raised"), DateOrder("verification.on", "not_before", "done")))] = Field(
        default_factory=list,
        description="纠正措施 / corrective actions (raised no earlier than this; verified no earlier than done)")
    verification: Verification | None = Field(default=None, description="验证 / verification")
    closed: Date | None = Field(default=None, description="关闭日期 / closed on")


class CorrectiveAction(RecordBase):
    """纠正/预防措施 (10.2.1 b-d): action against a cause, and its effectiveness."""

    type: Literal["corrective", "preventive", "improvement"] = Field(description="类型 / type")
    raised: Date = Field(description="提出日期 / raised on")
    nonconformity: RecordRef("Nonconformity", own="raised", not_before="raised") | None = Field(  # type: ignore[valid-type]
        default=None, description="来源不符合 / nonconformity (raised no later than this action)")
    action: Text = Field(description="措施 / action")
    owner: RoleRef = Field(description="负责人 / owner (role)")
    owner_person: PersonRef(role_field="owner", date_field="raised") | None = Field(  # type: ignore[valid-type]
        default=None, description="负责人 / owner (person, holding the role in 'owner')")
    due: Date = Field(description="完成期限 / due date")
    done: Date | None = Field(default=None, description="完成日期 / completed on")
    verification: Verification | None = Field(default=None, description="效果验证 / verification")


class AuditorAssignment(FormPart):
    """One auditor's part of an audit: objectivity means not auditing one's own work (9.2.2 b)."""

    model_config = ConfigDict(extra="forbid")

    auditor: Text = Field(description="审核员 / auditor (name)")
    person: PersonRef(role_field="role", date_field="start") | None = Field(  # type: ignore[valid-type]
        default=None, description="审核员 / auditor (person, holding 'role' when the audit starts)")
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

    year: Int = Field(description="年度 / year")
    scope: list[DeptRef] = Field(description="审核范围 / departments audited")
    criteria: list[DocRef] = Field(description="审核准则 / criteria (documents)")
    leader: RoleRef = Field(description="审核组组长 / audit team leader")
    leader_person: PersonRef(role_field="leader", date_field="start") | None = Field(  # type: ignore[valid-type]
        default=None, description="审核组组长 / audit team leader (person)")
    auditors: list[AuditorAssignment] = Field(default_factory=list, description="审核组 / audit team")
    start: Date = Field(description="开始日期 / start")
    end: Date = Field(description="结束日期 / end")


class AuditReport(RecordBase):
    """内部审核报告 (9.2.2 c-f): what was audited, found and reported."""

    plan: RecordRef("AuditPlan", own="opened", not_before="start") | None = Field(  # type: ignore[valid-type]
        default=None, description="审核计划 / audit plan (opened no earlier than the plan's start)")
    opened: Date = Field(description="首次会议 / opening meeting")
    closed_meeting: Date | None = Field(default=None, description="末次会议 / closing meeting")
    scope: list[DeptRef] = Field(description="审核范围 / departments audited")
    criteria: list[DocRef] = Field(description="审核准则 / criteria")
    summary: Text | None = Field(default=None, description="审核结论 / conclusion")
    nonconformities: list[RecordRef("Nonconformity", own="opened", not_after="raised")] = Field(  # type: ignore[valid-type]
        default_factory=list, description="不符合 / findings (raised no earlier than the audit opened)")


class ReviewAction(FormPart):
    """A management-review output: what, who, by when (9.3.3)."""

    model_config = ConfigDict(extra="forbid")

    action: Text = Field(description="决议事项 / decision or action")
    owner: RoleRef = Field(description="负责人 / owner")
    due: Date = Field(description="期限 / due")
    category: Literal["improvement", "qms_change", "resources"] = Field(description="输出类别 / output category (9.3.3)")
    done: Date | None = Field(default=None, description="完成日期 / completed on")
    result: Text | None = Field(default=None, description="完成情况 / result")


class ManagementReview(RecordBase):
    """管理评审 (9.3): inputs, minutes, outputs with owners and due dates."""

    held: Date = Field(description="评审日期 / held on")
    chair: RoleRef = Field(description="主持 / chaired by")
    chair_person: PersonRef(role_field="chair", date_field="held") | None = Field(  # type: ignore[valid-type]
        default=None, description="主持 / chaired by (person)")
    attendees: list[RoleRef] = Field(default_factory=list, description="参加人员 / attendees (roles)")
    previous: RecordRef("ManagementReview", own="held", not_before="held") | None = Field(  # type: ignore[valid-type]
        default=None, description="上次评审 / previous review")
    inputs: dict[str, Text] = Field(default_factory=dict, description="评审输入 / inputs, keyed a … f (9.3.2)")
    minutes: Text | None = Field(default=None, description="会议纪要 / minutes")
    outputs: list[ReviewAction] = Field(default_factory=list, description="评审输出 / outputs")
    approved_by: RoleRef | None = Field(default=None, description="批准 / approved by")
    approved: Date | None = Field(default=None, description="批准日期 / approved on")


class Complaint(RecordBase):
    """顾客投诉 (9.1.2, 8.2.1): received, replied, closed, customer's word."""

    received: Date = Field(description="受理日期 / received on")
    customer_type: Literal["individual", "enterprise"] = Field(description="顾客类型 / customer type")
    department: DeptRef = Field(description="责任部门 / department")
    description: Text = Field(description="投诉内容 / complaint")
    replied: Date | None = Field(default=None, description="回复日期 / replied on")
    closed: Date | None = Field(default=None, description="关闭日期 / closed on")
    feedback: Literal["satisfied", "neutral", "dissatisfied"] | None = Field(default=None, description="顾客反馈 / customer feedback")
    nonconformity: RecordRef("Nonconformity", own="received", not_after="raised") | None = Field(  # type: ignore[valid-type]
        default=None, description="不符合 / nonconformity raised (no earlier than the complaint was received)")


class SatisfactionSurvey(RecordBase):
    """顾客满意度调查 (9.1.2): one returned questionnaire."""

    surveyed: Date = Field(description="调查日期 / surveyed on")
    customer_type: Literal["individual", "enterprise"] = Field(description="顾客类型 / customer type")
    department: DeptRef = Field(description="被评部门 / department rated")
    satisfied: Flag = Field(description="总体满意 / satisfied overall")


class TrainingRecord(RecordBase):
    """培训记录 (7.2 c-d)."""

    held: Date = Field(description="培训日期 / held on")
    topic: Text = Field(description="培训内容 / topic")
    trainer: Text = Field(description="培训人 / trainer")
    department: DeptRef = Field(description="部门 / department")
    attendees: Int = Field(ge=0, description="参加人数 / number attending")
    effective: Flag | None = Field(default=None, description="培训有效 / judged effective")
    document: DocRef | None = Field(default=None, description="培训文件 / document trained on")
    revision: Text | None = Field(default=None, description="文件版本 / revision of that document trained on")
    trainees: list[PersonRef()] = Field(  # type: ignore[valid-type]
        default_factory=list, description="受训人员 / persons trained (a later revision makes them due again)")

    @model_validator(mode="after")
    def _revision_of_a_document(self) -> TrainingRecord:
        if self.revision is not None and self.document is None:
            raise ValueError("'revision' is the revision of 'document': name the document trained on")
        return self


class CompetenceAssessment(RecordBase):
    """岗位能力考核 (7.2): a person assessed against a role."""

    assessed: Date = Field(description="考核日期 / assessed on")
    role: RoleRef = Field(description="岗位 / role")
    result: Literal["competent", "needs_training", "not_competent"] = Field(description="结论 / result")
    assessor: RoleRef = Field(description="考核人 / assessor")
    assessee: PersonRef(role_field="role", date_field="assessed") | None = Field(  # type: ignore[valid-type]
        default=None, description="被考核人 / person assessed (holding 'role' that day)")
    assessor_person: PersonRef(role_field="assessor", date_field="assessed") | None = Field(  # type: ignore[valid-type]
        default=None, description="考核人 / assessor (person)")


class Risk(RecordBase):
    """风险和机遇 (6.1): scored so that risks can be ranked."""

    identified: Date = Field(description="识别日期 / identified on")
    description: Text = Field(description="风险描述 / description")
    likelihood: Int = Field(ge=1, le=5, description="可能性 1-5 / likelihood")
    impact: Int = Field(ge=1, le=5, description="影响 1-5 / impact")
    treatment: Text | None = Field(default=None, description="应对措施 / treatment")
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
    reason: Text = Field(description="更正原因 / why")
    change: Text = Field(description="更正内容 / what was changed")
    approved_by: RoleRef = Field(description="批准 / approved by")
    approved_by_person: PersonRef(role_field="approved_by", date_field="approved") | None = Field(  # type: ignore[valid-type]
        default=None, description="批准 / approved by (person)")
    approved: Date = Field(description="批准日期 / approved on")


class RoleHeld(FormPart):
    """A role a person held, from a day until a day (or still)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    role: RoleRef = Field(description="岗位 / role")
    from_: Date = Field(alias="from", description="任职起 / from")
    to: Date | None = Field(default=None, description="任职止 / until (blank: still held)")

    def held_on(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.to is None or day <= self.to)

    @model_validator(mode="after")
    def _in_order(self) -> RoleHeld:
        if self.to is not None and self.to < self.from_:
            raise ValueError(f"role {self.role}: 'to' ({self.to}) is before 'from' ({self.from_})")
        return self


class Certificate(FormPart):
    """A certificate a person holds (上岗证、操作证), with its number and expiry."""

    model_config = ConfigDict(extra="forbid")

    name: Text = Field(description="证书名称 / certificate")
    number: Text = Field(description="证书编号 / number")
    issued: Date | None = Field(default=None, description="发证日期 / issued on")
    expires: Date | None = Field(default=None, description="有效期至 / valid until (blank: no expiry)")


class Person(RecordBase):
    """人员 (7.1.2, 7.2): a person, the roles held and when, and the certificates held.

    Records that name who did something name a person by this record's id
    (:func:`PersonRef`); ``qms check`` holds them to the roles listed here.
    """

    name: Text = Field(description="姓名 / name")
    department: DeptRef = Field(description="部门 / department")
    roles: list[RoleHeld] = Field(default_factory=list, description="岗位任职 / roles held, with from/to dates")
    certificates: list[Certificate] = Field(default_factory=list, description="证书 / certificates held")

    def roles_on(self, day: dt.date) -> list[str]:
        """The roles held on ``day``."""
        return [r.role for r in self.roles if r.held_on(day)]


NONCONFORMITY_CLOSURE = Closure(
    effective=("verification.result", "effective"),
    cites=("actions",),
    cited_by=("Complaint.nonconformity",),
    same="requirement",
)
"""An NCR closed as effective: its actions and the complaints naming it are closed too.

A form adds a window for the same requirement breached again with
``NONCONFORMITY_CLOSURE.recurring_within(days)``.
"""


BASE_FORMS: tuple[type[RecordBase], ...] = (
    Nonconformity, CorrectiveAction, AuditPlan, AuditReport, ManagementReview,
    Complaint, SatisfactionSurvey, TrainingRecord, CompetenceAssessment, Risk, Amendment, Person,
)
"""The base forms, in the order ISO 9001 meets them in a year's work."""


__all__ = [
    "BASE_FORMS", "CORRECTIVE_ACTION_WORKFLOW", "NONCONFORMITY_CLOSURE", "NONCONFORMITY_WORKFLOW", "Amendment",
    "AuditPlan", "AuditReport", "AuditorAssignment", "Certificate", "Closure", "Complaint", "CompetenceAssessment",
    "Computed", "CorrectiveAction", "Date", "DateOrder", "DeptRef", "Derived", "DocRef", "Flag", "FormPart", "FormSpec",
    "Holds", "Int", "Number", "Text",
    "ManagementReview", "Nonconformity", "Person", "PersonRef", "RecordBase", "RecordRef", "Recount", "Ref",
    "ReviewAction", "Risk", "RoleHeld", "RoleRef", "SatisfactionSurvey", "SumOf", "TrainingRecord", "Verification",
    "Workflow",
]
