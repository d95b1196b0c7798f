"""轮更表 (PM-JD-01 第 2 条): the manager draws up the rota of every level of staff and reports it to 行政人事部.

Source: 1-property-customer-service.txt §2.1 第 2 条 "编制及安排各级管理员工轮更表,并报行政人事部"; §1.2.5
"拟订……班次安排". The source names the rota but gives neither its fields nor how often it is drawn up.
"""
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from qmskit.forms import Date, FormPart, FormSpec, RecordBase, RoleRef, Text, Workflow


class Assignment(FormPart):
    """One person on one shift of one day."""

    model_config = ConfigDict(extra="forbid")

    day: Date = Field(description="日期 / day")
    shift: Literal["morning", "day", "night", "rest"] = Field(description="班次 / shift: 早班、白班、夜班、休息")
    role: RoleRef = Field(description="岗位 / role")
    staff: Text = Field(description="员工姓名 / name")


class ShiftRota(RecordBase):
    form = FormSpec(
        kind="shift_rota",
        code="PM-FOR-2102",
        title_zh="轮更表",
        title_en="Shift rota (property customer service)",
        procedure="PM-JD-01",
        id_pattern="ROT-{year}-{seq:03}",
        workflow=Workflow.linear("prepared", "reported", requires={"reported": ("reported",)}),
        retention_years=1,
        confidential=("assignments.staff",),
        date_field="prepared",
        additions=("表格编号 PM-FOR-2102 为本组织编制(原手册只称'轮更表')", "班次名称为本组织规定"),
    )

    start: Date = Field(description="轮更期间自 / rota from")
    end: Date = Field(description="轮更期间至 / rota to")
    prepared_by: RoleRef = Field(description="编制 / prepared by (客户服务经理)")
    prepared: Date = Field(description="编制日期 / prepared on")
    assignments: list[Assignment] = Field(min_length=1, description="排班 / who works which shift on which day")
    reported: Date | None = Field(default=None, description="报行政人事部日期 / reported to 行政人事部 on")

    @model_validator(mode="after")
    def _within_period(self) -> "ShiftRota":
        if self.end < self.start:
            raise ValueError(f"the rota ends ({self.end}) before it starts ({self.start})")
        outside = sorted({a.day for a in self.assignments if not self.start <= a.day <= self.end})
        if outside:
            raise ValueError(f"assignments on {', '.join(map(str, outside))} fall outside {self.start} … {self.end}")
        return self
