"""维修工作单 / 报修单 (HE-WI-01): a repair reported, dispatched by the foreman, done, confirmed.

Used by the hotel engineering department and by the property's customer service.
"""
from typing import Literal

from pydantic import Field

from qmskit.forms import Date, DeptRef, Flag, FormSpec, RecordBase, RecordRef, RoleRef, Text, Workflow


class WorkOrder(RecordBase):
    form = FormSpec(
        kind="work_order",
        code="HE-FOR-01-01",
        title_zh="维修工作单(报修单)",
        title_en="Repair work order",
        procedure="HE-WI-01",
        id_pattern="WO-{year}-{seq:05}",
        workflow=Workflow.linear(
            "reported", "dispatched", "completed", "confirmed",
            requires={"dispatched": ("dispatched", "assigned_to"), "completed": ("completed",),
                      "confirmed": ("confirmed_by",)},
        ),
        retention_years=2,
        confidential=("reporter_name", "reporter_phone"),
        date_field="reported",
        additions=("表格编号 HE-FOR-01-01 为本组织编制(原手册称'维修工作单(报修单)',无编号)", "物业客户服务部的报修使用同一张单",),
    )

    unit: Literal["hotel", "property"] = Field(description="单位 / unit")
    reported: Date = Field(description="报修日期 / reported on")
    time: Text = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="报修时间 / time, HH:MM")
    from_department: DeptRef | None = Field(default=None, description="报修部门 / reporting department")
    reporter_name: Text | None = Field(default=None, description="报修人 / reporter")
    reporter_phone: Text | None = Field(default=None, description="联系电话 / phone")
    location: Text = Field(description="地点 / location")
    system: Literal["electrical", "plumbing", "hvac", "finishes", "network", "other"] = Field(
        description="专业 / trade: 电气、给排水、空调、装修、网络、其他")
    description: Text = Field(description="故障描述 / fault")
    urgent: Flag = Field(default=False, description="应急维修 / emergency")
    dispatched: Date | None = Field(default=None, description="派工日期 / dispatched on")
    assigned_to: RoleRef | None = Field(default=None, description="维修人员岗位 / assigned to")
    completed: Date | None = Field(default=None, description="完成日期 / completed on")
    work_done: Text | None = Field(default=None, description="维修内容 / work done")
    confirmed_by: RoleRef | None = Field(default=None, description="完成确认 / confirmed by (工程部领班)")
    complaint: RecordRef("complaint", own="reported", not_before="received") | None = Field(  # type: ignore[valid-type]
        default=None, description="引起报修的投诉 / the complaint that led to this repair (reported no earlier than received)")
