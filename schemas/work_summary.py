"""工程部工作总结报告 (HE-JD-01 第 15 条): the chief engineer's monthly (and yearly) summary of the department's work.

Source: 3-hotel-engineering.txt 工程部经理 工作描述 15 "负责工程部月度工作总结报告、工作总结报告、培训计划的书写";
工作描述 7 "审核运行报表,分析能源消耗情况". The source gives no contents and no due day.
"""
import re
from typing import Literal

from pydantic import Field, model_validator

from qmskit.forms import Date, FormSpec, RecordBase, RecordRef, RoleRef, Text


class WorkSummary(RecordBase):
    form = FormSpec(
        kind="work_summary",
        code="HE-FOR-01-06",
        title_zh="工程部工作总结报告",
        title_en="Engineering work summary (monthly / annual)",
        procedure="HE-JD-01",
        id_pattern="WS-{year}-{seq:02}",
        retention_years=3,
        date_field="submitted",
        additions=("表格编号 HE-FOR-01-06 及报告的栏目为本组织编制(原手册只规定书写月度工作总结报告)",),
    )

    type: Literal["monthly", "annual"] = Field(description="月度或年度 / monthly or annual")
    period: Text = Field(pattern=r"^\d{4}(-(0[1-9]|1[0-2]))?$", description="总结期 / period: YYYY-MM (monthly) or YYYY (annual)")
    written_by: RoleRef = Field(description="书写 / written by (工程部经理)")
    submitted: Date = Field(description="报出日期 / submitted on")
    submitted_to: RoleRef | None = Field(default=None, description="报送 / submitted to")
    summary: Text = Field(description="工作总结 / summary of the work done")
    energy: Text | None = Field(default=None, description="能源消耗分析 / energy-use analysis (工作描述 7)")
    energy_report: RecordRef("energy_report") | None = Field(  # type: ignore[valid-type]
        default=None, description="能源消耗量统计表 / the period's energy report")
    problems: list[Text] = Field(default_factory=list, description="存在问题 / problems")
    next_steps: list[Text] = Field(default_factory=list, description="下一步工作 / next steps")

    @model_validator(mode="after")
    def _period_matches_type(self) -> "WorkSummary":
        monthly = re.fullmatch(r"\d{4}-\d{2}", self.period) is not None
        if monthly != (self.type == "monthly"):
            raise ValueError(f"a {self.type} summary's period is {'YYYY-MM' if self.type == 'monthly' else 'YYYY'}, "
                             f"not {self.period!r}")
        return self
