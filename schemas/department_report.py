"""部门管理月报告 / 年报告 (PM-JD-01 第 13 条): the department's monthly and annual management report.

Source: 1-property-customer-service.txt §2.1 第 13 条 "编写部门管理月/年报告"; §1.2.5 "拟订部门总结、计划";
§2.2 第 19 条 "负责定期对服务质量进行统计、分析,并提出整改方案". The source gives no contents and no due day.
"""
import re
from typing import Literal

from pydantic import Field, model_validator

from qmskit.forms import Date, FormSpec, RecordBase, RoleRef, Text


class DepartmentReport(RecordBase):
    form = FormSpec(
        kind="department_report",
        code="PM-FOR-2113",
        title_zh="部门管理月/年报告",
        title_en="Department management report (monthly / annual)",
        procedure="PM-JD-01",
        id_pattern="DR-{year}-{seq:02}",
        retention_years=3,
        date_field="submitted",
        additions=("表格编号 PM-FOR-2113 及报告的栏目为本组织编制(原手册只规定编写月/年报告)",),
    )

    type: Literal["monthly", "annual"] = Field(description="月报告或年报告 / monthly or annual")
    period: Text = Field(pattern=r"^\d{4}(-(0[1-9]|1[0-2]))?$", description="报告期 / period: YYYY-MM (monthly) or YYYY (annual)")
    prepared_by: RoleRef = Field(description="编写 / written by (客户服务经理)")
    submitted: Date = Field(description="报出日期 / submitted on")
    submitted_to: RoleRef | None = Field(default=None, description="报送 / submitted to")
    summary: Text = Field(description="部门总结 / summary of the period (1.2.5)")
    plan: Text | None = Field(default=None, description="下期计划 / plan for the next period (1.2.5)")
    quality_analysis: Text | None = Field(
        default=None, description="服务质量统计、分析 / service-quality statistics and analysis (2.2 第 19 条)")
    rectification: Text | None = Field(default=None, description="整改方案 / rectification plan (2.2 第 19 条)")

    @model_validator(mode="after")
    def _period_matches_type(self) -> "DepartmentReport":
        monthly = re.fullmatch(r"\d{4}-\d{2}", self.period) is not None
        if monthly != (self.type == "monthly"):
            raise ValueError(f"a {self.type} report's period is {'YYYY-MM' if self.type == 'monthly' else 'YYYY'}, "
                             f"not {self.period!r}")
        return self
