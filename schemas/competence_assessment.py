"""岗位能力考核表 (LD-QM-01 6.2.3 E): staff and dispatched workers, every half year."""
from typing import Literal

from pydantic import Field

from qmskit.forms import CompetenceAssessment, FormSpec, Int, Text


class Assessment(CompetenceAssessment):
    form = FormSpec(
        kind="competence_assessment",
        code="LD-FOR-04-02",
        title_zh="岗位能力考核表",
        title_en="Competence assessment",
        procedure="LD-QP-04",
        id_pattern="CMA-{year}-{seq:04}",
        retention_years=3,
        confidential=("person", "id_number"),
        date_field="assessed",
        additions=("表格编号 LD-FOR-04-02 为本组织编制(原手册只规定'岗位能力考核',无表格)", "服务意识、服务态度按百分制评分为本组织规定",),
    )

    subject: Literal["staff", "dispatched_worker"] = Field(description="对象 / company staff or dispatched worker")
    period: Text = Field(pattern=r"^\d{4}-H[12]$", description="考核半年度 / half-year, e.g. 2026-H1")
    person: Text = Field(description="姓名 / name")
    id_number: Text | None = Field(default=None, description="身份证号 / ID number")
    employer: Text | None = Field(default=None, description="用工单位 / client enterprise (dispatched workers)")
    service_awareness: Int | None = Field(default=None, ge=0, le=100, description="服务意识 / service awareness score")
    service_attitude: Int | None = Field(default=None, ge=0, le=100, description="服务态度 / service attitude score")
