"""质量目标完成情况 (LD-QM-01 5.4.1): a period's measured result of a quality objective."""

from pydantic import Field

from qmskit.forms import Date, DeptRef, Derived, FormSpec, Int, RecordBase, Recount, RoleRef, Text


class ObjectiveResult(RecordBase):
    form = FormSpec(
        kind="objective_result",
        code="LD-FOR-54-01",
        title_zh="服务目标完成情况统计表",
        title_en="Quality objective result",
        procedure="LD-QM-01",
        id_pattern="OBJ-{year}-{seq:03}",
        retention_years=3,
        date_field="reported",
        additions=("本表格为本组织补充(原手册只要求收集服务目标达成情况数据,8.4.1 C);编号 LD-FOR-54-01 为本组织编制",),
        # the stated figures re-count from the records with the objective's rule, as of the day they were stated
        derived=(Derived("numerator", Recount("numerator", as_of="reported")),
                 Derived("denominator", Recount("denominator", as_of="reported"))),
    )

    objective: Text = Field(pattern=r"^OBJ-[A-Z]+-\d+$", description="目标编号 / objective id (manual/objectives.yml)")
    period: Text = Field(pattern=r"^\d{4}(-H[12]|-Q[1-4]|-\d{2})?$", description="统计期间 / period: 2026, 2026-H1, 2026-Q3, 2026-05")
    department: DeptRef = Field(description="部门 / department")
    numerator: Int = Field(ge=0, description="达标数 / count meeting the criterion")
    denominator: Int = Field(ge=0, description="总数 / count measured")
    reported: Date = Field(description="统计日期 / reported on")
    reported_by: RoleRef = Field(description="统计人 / reported by")
    analysis: Text | None = Field(default=None, description="分析 / analysis")
