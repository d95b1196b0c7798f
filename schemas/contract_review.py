"""合同评审表 (LD-QP-10): reviewed before signing, by authorization or countersignature (7.2.2)."""
from typing import Literal

from pydantic import ConfigDict, Field

from qmskit.forms import Date, Flag, FormPart, FormSpec, Int, RecordBase, RoleRef, Text, Workflow


class ReviewChecks(FormPart):
    """The four questions of 7.2.2 A-D."""

    model_config = ConfigDict(extra="forbid")

    requirements_defined: Flag = Field(description="A 各项要求已明确并形成文件 / requirements defined")
    unwritten_confirmed: Flag = Field(description="B 未形成文件的要求已由顾客确认 / verbal requirements confirmed")
    differences_resolved: Flag = Field(description="C 与合同不一致的要求已解决 / differences resolved")
    capable: Flag = Field(description="D 本公司有能力满足要求 / able to meet them")


class ContractReview(RecordBase):
    form = FormSpec(
        kind="contract_review",
        code="LD-FOR-10-01",
        title_zh="合同评审表",
        title_en="Contract review",
        procedure="LD-QP-10",
        id_pattern="CR-{year}-{seq:03}",
        workflow=Workflow(
            statuses=("draft", "reviewed", "signed", "rejected"),
            transitions={"draft": ("reviewed", "rejected"), "reviewed": ("signed", "rejected"), "signed": (), "rejected": ()},
            requires={"reviewed": ("checks", "reviewers", "reviewed"), "signed": ("checks", "reviewers", "reviewed", "signed")},
            final=("signed", "rejected"),
        ),
        retention_years=5,
        confidential=("contact_person", "contact_phone"),
        date_field="received",
        additions=("表格编号 LD-FOR-10-01 为本组织编制(原手册只要求保存评审结果的有关记录,无表格)", "客户等级(tier,ABC)字段为本组织补充,依据 CS-REF-03 的 ABC 分类法",),
    )

    customer: Text = Field(description="企业顾客 / enterprise customer")
    contact_person: Text | None = Field(default=None, description="联系人 / contact")
    contact_phone: Text | None = Field(default=None, description="联系电话 / phone")
    received: Date = Field(description="需求接收日期 / request received")
    headcount: Int = Field(ge=1, description="派遣人数 / workers requested")
    positions: list[Text] = Field(default_factory=list, description="派遣岗位 / positions")
    method: Literal["authorized", "countersigned"] = Field(description="评审方式 / 授权 or 会签")
    reviewers: list[RoleRef] = Field(default_factory=list, description="评审人 / reviewers (roles)")
    checks: ReviewChecks | None = Field(default=None, description="评审内容 / review")
    reviewed: Date | None = Field(default=None, description="评审日期 / reviewed on")
    signed: Date | None = Field(default=None, description="签约日期 / signed on")
    changes: list[Text] = Field(default_factory=list, description="合同变更 / changes agreed with the customer")
    tier: Literal["A", "B", "C"] | None = Field(
        default=None, description="客户等级 / customer tier: ABC 分类法 (CS-REF-03)")
