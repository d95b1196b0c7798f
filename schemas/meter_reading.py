"""抄表记录 (HE-JD-02 第 5 条): meters read and filed; the daily readings behind the monthly energy report.

Source: 3-hotel-engineering.txt 工程部领班 工作描述 5 "负责督促下属员工做好各项设备的运行、检修及抄表记录,及时将记录归总,
并整理归档"; 工作描述 1 (the monthly energy-consumption report); 水暖工 5 and 空调工 5 "每日对酒店用水量做好统计".
"""
from typing import Literal

from pydantic import ConfigDict, Field

from qmskit.forms import Date, FormPart, FormSpec, Number, RecordBase, RoleRef, Text


class MeterReading(FormPart):
    model_config = ConfigDict(extra="forbid")

    meter: Text = Field(description="表计 / meter (编号或位置)")
    energy: Literal["electricity", "water", "gas"] = Field(description="能源 / electricity (kWh), water (t), gas (m³)")
    reading: Number = Field(ge=0, description="读数(表底)/ reading")
    used: Number | None = Field(default=None, ge=0, description="本期用量 / used since the previous reading")


class MeterReadingLog(RecordBase):
    form = FormSpec(
        kind="meter_reading",
        code="HE-FOR-02-02",
        title_zh="抄表记录",
        title_en="Meter-reading log",
        procedure="HE-JD-02",
        id_pattern="MTR-{year}-{seq:04}",
        retention_years=3,
        date_field="day",
        additions=("表格编号 HE-FOR-02-02 及记录的栏目为本组织编制(原手册只称'抄表记录')",),
    )

    day: Date = Field(description="抄表日期 / day read")
    read_by: RoleRef = Field(description="抄表人岗位 / read by")
    readings: list[MeterReading] = Field(min_length=1, description="读数 / readings")
    filed_by: RoleRef | None = Field(default=None, description="归总归档 / collected and filed by (工程部领班)")
