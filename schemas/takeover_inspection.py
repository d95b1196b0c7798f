"""接管检查记录表 QMS-PM-3103 (PM-REG-301 step 7): each unit checked element by element (3.1.3)."""
from typing import Literal

from pydantic import ConfigDict, Field

from qmskit.forms import Date, FormPart, FormSpec, RecordBase, RecordRef, RoleRef, Text, Workflow

Element = Literal["structure", "roof", "floors", "finishes", "electrical", "water_sanitary_fire", "heating", "ancillary"]


class ElementCheck(FormPart):
    model_config = ConfigDict(extra="forbid")

    element: Element = Field(description="主体结构、屋面、楼地面、装修、强电、水卫消防、采暖、附属工程")
    result: Literal["pass", "fail", "not_applicable"] = Field(description="结论 / result")
    problem: Text | None = Field(default=None, description="问题 / problem found")


class TakeoverInspection(RecordBase):
    form = FormSpec(
        kind="takeover_inspection",
        code="QMS-PM-3103",
        title_zh="接管检查记录表",
        title_en="Takeover inspection record",
        procedure="PM-REG-301",
        id_pattern="TKI-{year}-{seq:03}",
        workflow=Workflow.linear(
            "inspected", "notified", "resolved",
            requires={"notified": ("notified",), "resolved": ("resolved",)},
        ),
        retention_years=10,
        date_field="inspected",
    )

    takeover: RecordRef("takeover_workflow") = Field(description="验收工作流程 / takeover")  # type: ignore[valid-type]
    unit_no: Text = Field(description="单元 / unit inspected")
    inspected: Date = Field(description="检查日期 / inspected on")
    inspector: RoleRef = Field(description="检查人 / inspector")
    checks: list[ElementCheck] = Field(min_length=1, description="检查项目 / elements")
    notified: Date | None = Field(default=None, description="书面通知发展商日期 / developer notified")
    resolved: Date | None = Field(default=None, description="问题解决日期 / resolved")
