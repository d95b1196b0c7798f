"""顾客投诉记录 (LD-QP-07, PM-REG-304): received, replied, closed, and what the customer said."""
from typing import Literal

from pydantic import Field

from qmskit.forms import Complaint, Flag, FormSpec, PersonRef, RoleRef, Text, Workflow


class ComplaintRecord(Complaint):
    form = FormSpec(
        kind="complaint",
        code="LD-FOR-07-02",
        title_zh="顾客投诉处理记录",
        title_en="Customer complaint record",
        procedure="LD-QP-07",
        id_pattern="CMP-{year}-{seq:04}",
        workflow=Workflow.linear(
            "received", "replied", "closed",
            requires={"replied": ("replied", "reply"), "closed": ("closed", "feedback")},
        ),
        retention_years=3,
        confidential=("customer_name", "customer_phone"),
        date_field="received",
        additions=("表格编号 LD-FOR-07-02 为本组织编制(原手册只规定处理和回复投诉,无表格)", "客户等级(tier,ABC)字段为本组织补充,依据 CS-REF-03 的 ABC 分类法",),
    )

    unit: Literal["labor-dispatch", "property", "hotel", "tax"] = Field(description="单位 / unit")
    channel: Literal["phone", "visit", "letter", "online", "survey"] = Field(description="渠道 / channel (公司设立投诉电话 …)")
    customer_name: Text | None = Field(default=None, description="投诉人 / complainant")
    customer_phone: Text | None = Field(default=None, description="联系电话 / phone")
    handled_by: RoleRef = Field(description="受理人岗位 / received by (role)")
    handled_by_person: PersonRef(role_field="handled_by", date_field="received") | None = Field(  # type: ignore[valid-type]
        default=None, description="受理人 / received by (person, holding the role in 'handled_by' that day)")
    reply: Text | None = Field(default=None, description="回复内容 / reply")
    escalated: Flag = Field(default=False, description="重要事件已向上级报告 / escalated to management")
    tier: Literal["A", "B", "C"] | None = Field(
        default=None, description="客户等级 / customer tier: ABC 分类法 (CS-REF-03)")
