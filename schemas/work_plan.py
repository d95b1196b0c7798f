"""年度工作计划 (HE-JD-01 9): next year's plan, to the hotel general manager by 30 November."""

from pydantic import Field

from qmskit.forms import Date, FormSpec, Int, Number, RecordBase, RoleRef, Text


class WorkPlan(RecordBase):
    form = FormSpec(
        kind="work_plan",
        code="HE-FOR-01-04",
        title_zh="工程部年度工作计划",
        title_en="Annual engineering work plan",
        procedure="HE-JD-01",
        id_pattern="WP-{year}",
        retention_years=3,
        date_field="submitted",
        additions=("表格编号 HE-FOR-01-04 为本组织编制(原手册称'工作计划',无编号)",),
    )

    plan_year: Int = Field(description="计划年度 / the year planned")
    submitted: Date = Field(description="提交日期 / submitted on (by 30 November)")
    submitted_to: RoleRef = Field(description="提交给 / submitted to (酒店总经理)")
    maintenance_plan: list[Text] = Field(min_length=1, description="维护保养计划 / planned maintenance")
    budget: Number | None = Field(default=None, ge=0, description="预算(元)/ budget")
    training_plan: list[Text] = Field(default_factory=list, description="培训计划 / training")
