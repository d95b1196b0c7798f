"""涉税诉求处理单 (TX-QP-01): accepted → handled → replied → summarized, with one of three ways to a final opinion."""
from typing import Literal

from pydantic import Field

from qmskit.forms import Date, DeptRef, Flag, FormSpec, RecordBase, RoleRef, Text, Workflow


class TaxRequest(RecordBase):
    form = FormSpec(
        kind="tax_request",
        code="TX-FOR-01-01",
        title_zh="涉税诉求处理单",
        title_en="Tax-related request",
        procedure="TX-QP-01",
        id_pattern="TXR-{year}-{seq:04}",
        workflow=Workflow.linear(
            "accepted", "handled", "replied", "summarized",
            requires={
                "handled": ("preliminary_opinion", "way", "final_opinion", "handled"),
                "replied": ("reply_form", "replied"),
                "summarized": ("summary", "archived"),
            },
        ),
        retention_years=10,
        confidential=("contact_person", "contact_phone"),
        date_field="accepted",
        additions=("表格编号 TX-FOR-01-01 为本组织编制(原手册无编号)",),
    )

    enterprise: Text = Field(description="企业(集团或成员企业)/ enterprise")
    contact_person: Text | None = Field(default=None, description="企业联系人 / contact")
    contact_phone: Text | None = Field(default=None, description="联系电话 / phone")
    accepted: Date = Field(description="受理日期 / accepted on")
    accepted_by: DeptRef = Field(description="受理部门 / accepted by")
    request: Text = Field(description="诉求内容 / request")
    transferred_to: DeptRef | None = Field(default=None, description="非本级职权,移送 / transferred to")
    preliminary_opinion: Text | None = Field(default=None, description="初步处理意见 / preliminary opinion")
    way: Literal["department_opinion", "coordination_meeting", "delegated"] | None = Field(
        default=None,
        description="最终意见形成方式 / way to the final opinion: 征求业务部门意见、协调会议、交办主管税务机关")
    final_opinion: Text | None = Field(default=None, description="最终处理意见 / final opinion")
    handled: Date | None = Field(default=None, description="处理完成日期 / handled on")
    reply_type: Literal["interpretation", "supplementary_rule", "policy_research"] | None = Field(
        default=None, description="意见性质 / nature: 税法适用解释、补充明确、继续研究")
    reply_form: Literal["formal_document", "informal_notice"] | None = Field(
        default=None, description="回复形式 / reply by 正式发文 or 非办文形式")
    replied: Date | None = Field(default=None, description="回复日期 / replied on")
    replied_by: RoleRef | None = Field(default=None, description="回复人 / replied by")
    summary: Text | None = Field(default=None, description="诉求总结 / summary and policy suggestion")
    archived: Flag = Field(default=False, description="资料已归档 / papers archived")
