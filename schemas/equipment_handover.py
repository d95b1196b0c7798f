"""设备移交清单 (PM-REG-301 steps 5-6). The manual names this list without a form code;
PM-FOR-3104 is the code this QMS gives it."""
import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from qmskit.forms import FormSpec, RecordBase, RecordRef, RoleRef


class EquipmentItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    equipment: str = Field(description="设备名称 / equipment")
    specification: str = Field(description="规格 / specification")
    quantity: int = Field(ge=0, description="数量 / quantity")
    matches: bool = Field(description="与清单相符 / matches the list")
    note: str | None = None


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
    checked: dt.date = Field(description="核对日期 / checked on")
    checked_by: RoleRef = Field(description="核对人 / checked by")
    items: list[EquipmentItem] = Field(min_length=1, description="设备 / items")
    shortfall_notified: dt.date | None = Field(default=None, description="不符或缺漏书面通知日期 / notified in writing (step 6)")
