"""设备移交清单 (PM-REG-301 steps 5-6). The manual names this list without a form code;
PM-FOR-3104 is the code this QMS gives it."""

from pydantic import ConfigDict, Field

from qmskit.forms import Date, Flag, FormPart, FormSpec, Int, RecordBase, RecordRef, RoleRef, Text


class EquipmentItem(FormPart):
    model_config = ConfigDict(extra="forbid")

    equipment: Text = Field(description="设备名称 / equipment")
    specification: Text = Field(description="规格 / specification")
    quantity: Int = Field(ge=0, description="数量 / quantity")
    matches: Flag = Field(description="与清单相符 / matches the list")
    note: Text | None = None


class EquipmentHandover(RecordBase):
    form = FormSpec(
        kind="equipment_handover",
        code="PM-FOR-3104",
        title_zh="设备移交清单",
        title_en="Equipment handover list",
        procedure="PM-REG-301",
        id_pattern="EHL-{year}-{seq:02}",
        retention_years=10,
        date_field="checked",
        additions=("表格编号 PM-FOR-3104 为本组织编制(原手册称《设备移交清单》,未编号)",),
    )

    takeover: RecordRef("takeover_workflow") = Field(description="验收工作流程 / takeover")  # type: ignore[valid-type]
    checked: Date = Field(description="核对日期 / checked on")
    checked_by: RoleRef = Field(description="核对人 / checked by")
    items: list[EquipmentItem] = Field(min_length=1, description="设备 / items")
    shortfall_notified: Date | None = Field(default=None, description="不符或缺漏书面通知日期 / notified in writing (step 6)")
