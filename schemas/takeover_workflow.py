"""验收工作流程表 QMS-PM-3101 (PM-REG-301 3.1.4): the nine steps of taking over a property."""
from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from qmskit.forms import Date, FormPart, FormSpec, Int, RecordBase, RoleRef, Text, Workflow

STEPS = {
    1: "驻场经理联同工程经理与发展商、承包商召开协调会议",
    2: "承包商及供应商呈交竣工验收及交接计划表和组织架构",
    3: "驻场经理组织制定楼宇接收联检方案,提交发展商审批",
    4: "按《图纸资料移交清单》检查产权、技术资料,缺漏书面通知",
    5: "按《设备移交清单》对设备按规格对照检查",
    6: "设备设施不符或缺漏,书面通知发展商/承包商解决",
    7: "对各单元水、电、土建全面检查,记入《接管检查记录表》",
    8: "将所有有关资料归档",
    9: "保修期内质量问题报发展商/承包商",
}


class Step(FormPart):
    model_config = ConfigDict(extra="forbid")

    step: Int = Field(ge=1, le=9, description="步骤 / step 1-9")
    done: Date | None = Field(default=None, description="完成日期 / done on")
    by: RoleRef | None = Field(default=None, description="负责人 / by")
    note: Text | None = Field(default=None, description="说明 / note")


class TakeoverWorkflow(RecordBase):
    form = FormSpec(
        kind="takeover_workflow",
        code="QMS-PM-3101",
        title_zh="验收工作流程表",
        title_en="Takeover acceptance workflow",
        procedure="PM-REG-301",
        id_pattern="TKW-{year}-{seq:02}",
        workflow=Workflow.linear("planning", "inspecting", "accepted", requires={"accepted": ("accepted",)}),
        retention_years=10,
        date_field="started",
    )

    property: Text = Field(description="物业名称 / property")
    kind_of_building: Literal["new", "existing"] = Field(description="新建房屋 / 原有房屋")
    developer: Text = Field(description="发展商 / developer")
    contractor: Text | None = Field(default=None, description="承包商 / contractor")
    started: Date = Field(description="开始日期 / started")
    steps: list[Step] = Field(default_factory=list, description="九个步骤 / the nine steps")
    accepted: Date | None = Field(default=None, description="接管日期 / accepted on")

    @field_validator("steps")
    @classmethod
    def _steps_in_order(cls, steps: list[Step]) -> list[Step]:
        numbers = [s.step for s in steps]
        if numbers != sorted(set(numbers)):
            raise ValueError("steps must be listed once each, in order 1-9")
        return steps
