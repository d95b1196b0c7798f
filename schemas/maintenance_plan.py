"""设备保养月度工作计划 (HE-JD-01 第 4 条): the foreman carries it out, the chief engineer approves it and checks it is done.

Source: 3-hotel-engineering.txt 工程部经理 工作描述 4 "负责审定工程部的设备保养月度工作计划,并检查及实施情况";
工程部领班 工作描述 4 "负责工程部设备的维护保养计划的具体实施工作,合理地安排工时及设备维护保养工作质量的跟进检查";
the trades work to it (电工 6, 水暖工 3, 空调工 7, 综合维修工 2). The source gives no due day for the plan.
"""
from typing import Literal

from pydantic import ConfigDict, Field

from qmskit.forms import Date, FormPart, FormSpec, Int, Number, RecordBase, RecordRef, RoleRef, Text, Workflow


class PlannedTask(FormPart):
    model_config = ConfigDict(extra="forbid")

    system: Literal["electrical", "plumbing", "hvac", "finishes", "network", "other"] = Field(
        description="专业 / trade: 电气、给排水、空调、装修、网络、其他")
    equipment: Text = Field(description="设备设施 / equipment")
    task: Text = Field(description="保养内容 / maintenance task")
    week: Int | None = Field(default=None, ge=1, le=5, description="计划周次 / planned week of the month")
    assigned_to: RoleRef | None = Field(default=None, description="执行岗位 / assigned to")
    hours: Number | None = Field(default=None, gt=0, description="计划工时 / planned hours (合理地安排工时)")
    record: RecordRef("maintenance_record") | None = Field(  # type: ignore[valid-type]
        default=None, description="检修保养记录 / maintenance record of the work done")


class MaintenancePlan(RecordBase):
    form = FormSpec(
        kind="maintenance_plan",
        code="HE-FOR-01-05",
        title_zh="设备保养月度工作计划",
        title_en="Monthly maintenance plan",
        procedure="HE-JD-01",
        id_pattern="MP-{year}-{month:02}",
        workflow=Workflow.linear(
            "draft", "approved", "reviewed",
            requires={"approved": ("approved_by", "approved"), "reviewed": ("reviewed", "review")},
        ),
        retention_years=2,
        date_field="prepared",
        additions=("表格编号 HE-FOR-01-05 及计划的栏目为本组织编制(原手册只称'设备保养月度工作计划')",),
    )

    month: Text = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="计划月份 / month planned, YYYY-MM")
    prepared_by: RoleRef = Field(description="编制 / prepared by")
    prepared: Date = Field(description="编制日期 / prepared on")
    tasks: list[PlannedTask] = Field(min_length=1, description="保养项目 / planned tasks")
    approved_by: RoleRef | None = Field(default=None, description="审定 / approved by (工程部经理)")
    approved: Date | None = Field(default=None, description="审定日期 / approved on")
    reviewed: Date | None = Field(default=None, description="检查日期 / implementation checked on")
    review: Text | None = Field(default=None, description="实施情况 / how the plan was carried out")
