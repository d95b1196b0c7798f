"""每日巡检记录 (HE-JD-03 6, HE-JD-04 2, 5): pumps and lighting checked daily, water use counted."""
from typing import Literal

from pydantic import ConfigDict, Field

from qmskit.forms import Date, Flag, FormPart, FormSpec, Number, RecordBase, RoleRef, Text

State = Literal["normal", "abnormal"]


class Pumps(FormPart):
    model_config = ConfigDict(extra="forbid")

    domestic: State = Field(description="生活水泵 / domestic water pump")
    fire: State = Field(description="消防水泵 / fire pump")
    sewage: State = Field(description="污水泵 / sewage pump")


class DailyInspection(RecordBase):
    form = FormSpec(
        kind="daily_inspection",
        code="HE-FOR-04-01",
        title_zh="设备每日巡检记录",
        title_en="Daily pump and lighting inspection",
        procedure="HE-JD-04",
        id_pattern="DI-{year}-{seq:03}",
        retention_years=1,
        date_field="day",
        additions=("表格编号 HE-FOR-04-01 为本组织编制(原手册称'巡检记录',无编号)", "水泵和灯具巡检合记于一表为本组织的安排",),
    )

    day: Date = Field(description="日期 / day")
    pumps: Pumps = Field(description="水泵巡检 / pumps (水暖工)")
    pumps_by: RoleRef = Field(description="水泵巡检人 / pumps checked by")
    lighting_ok: Flag = Field(description="灯具完好 / lighting intact (电工)")
    lighting_by: RoleRef = Field(description="灯具巡检人 / lighting checked by")
    water_t: Number = Field(ge=0, description="当日用水量 吨 / water used that day")
    remarks: Text | None = Field(default=None, description="异常说明 / remarks")
