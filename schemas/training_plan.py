"""培训计划 (LD-QP-04; LD-QM-01 6.2.1, 6.2.3 B; HE-JD-01 第 15 条): courses planned by type, each with how it will be assessed.

Source: 2-labor-dispatch-iso9001.txt 6.2.1 "人力资源部门……负责制定招募计划和培训计划,经管理者代表审核、最高管理者批准后实施";
6.2.3 B "有计划进行岗前培训、在职培训、升职培训"; 6.2.3 C "每次培训后进行考核,可采用口试、笔试、操作考核、自我评价等方法".
3-hotel-engineering.txt 工程部经理 工作描述 15 "负责……培训计划的书写" (the hotel's own plan, on the same form).
"""
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from qmskit.forms import Date, DeptRef, DocRef, FormPart, FormSpec, RecordBase, RoleRef, Text, Workflow


class Course(FormPart):
    model_config = ConfigDict(extra="forbid")

    type: Literal["induction", "on_the_job", "promotion", "dispatched_workers"] = Field(
        description="类型 / type: 岗前培训、在职培训、升职培训、派遣人员培训")
    topic: Text = Field(description="培训内容 / topic")
    audience: Text = Field(description="培训对象 / who is trained")
    department: DeptRef | None = Field(default=None, description="部门 / department")
    month: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="计划月份 / planned month")
    assessment: Literal["oral", "written", "practical", "self"] | None = Field(
        default=None, description="考核方式 / to be assessed by: 口试、笔试、操作考核、自我评价 (6.2.3 C)")
    material: DocRef | None = Field(default=None, description="教材 / material (e.g. CS-REF-01)")


class TrainingPlan(RecordBase):
    form = FormSpec(
        kind="training_plan",
        code="LD-FOR-04-03",
        title_zh="培训计划",
        title_en="Training plan",
        procedure="LD-QP-04",
        id_pattern="TP-{year}-{seq:02}",
        workflow=Workflow(
            statuses=("draft", "reviewed", "approved"),
            transitions={"draft": ("reviewed", "approved"), "reviewed": ("approved",), "approved": ()},
            requires={"reviewed": ("reviewed_by", "reviewed"), "approved": ("approved_by", "approved")},
            final=("approved",),
        ),
        retention_years=3,
        date_field="prepared",
        additions=("表格编号 LD-FOR-04-03 为本组织编制(原手册无表格编号)", "酒店工程部的培训计划使用同一张表"),
    )

    unit: Literal["labor-dispatch", "hotel"] = Field(description="单位 / unit")
    period: Text = Field(pattern=r"^\d{4}(-H[12]|-Q[1-4])?$", description="计划期间 / period: 2026, 2026-H1, 2026-Q3")
    courses: list[Course] = Field(min_length=1, description="培训项目 / courses planned")
    prepared_by: RoleRef = Field(description="制定 / prepared by (人力资源部;酒店为工程部经理)")
    prepared: Date = Field(description="制定日期 / prepared on")
    reviewed_by: RoleRef | None = Field(default=None, description="审核 / reviewed by (管理者代表)")
    reviewed: Date | None = Field(default=None, description="审核日期 / reviewed on")
    approved_by: RoleRef | None = Field(default=None, description="批准 / approved by (最高管理者)")
    approved: Date | None = Field(default=None, description="批准日期 / approved on")

    @model_validator(mode="after")
    def _labor_dispatch_plans_are_reviewed(self) -> "TrainingPlan":
        if self.unit == "labor-dispatch" and self.status == "approved" and self.reviewed is None:
            raise ValueError("a labour-dispatch training plan is reviewed by the management representative before "
                             "it is approved (LD-QM-01 6.2.1); fill in 'reviewed_by' and 'reviewed'")
        return self
