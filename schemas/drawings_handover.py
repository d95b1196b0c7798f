"""图纸资料移交清单 QMS-PM-3102 (PM-REG-301 step 4): title and technical documents received."""
from typing import Literal

from pydantic import ConfigDict, Field

from qmskit.forms import Date, Flag, FormPart, FormSpec, Int, RecordBase, RecordRef, RoleRef, Text


class HandoverItem(FormPart):
    model_config = ConfigDict(extra="forbid")

    name: Text = Field(description="资料名称 / item")
    category: Literal["title", "technical", "fire", "acceptance"] = Field(description="产权资料、技术资料、消防验收、工程验收")
    copies: Int = Field(ge=0, description="份数 / copies")
    received: Flag = Field(description="已接收 / received")


class DrawingsHandover(RecordBase):
    form = FormSpec(
        kind="drawings_handover",
        code="QMS-PM-3102",
        title_zh="图纸资料移交清单",
        title_en="Drawings and documents handover list",
        procedure="PM-REG-301",
        id_pattern="DHL-{year}-{seq:02}",
        retention_years=10,
        date_field="checked",
    )

    takeover: RecordRef("takeover_workflow") = Field(description="验收工作流程 / takeover")  # type: ignore[valid-type]
    checked: Date = Field(description="核对日期 / checked on")
    checked_by: RoleRef = Field(description="核对人 / checked by")
    items: list[HandoverItem] = Field(min_length=1, description="清单 / items")
    shortfall_notified: Date | None = Field(default=None, description="缺漏书面通知日期 / shortfall notified in writing")
