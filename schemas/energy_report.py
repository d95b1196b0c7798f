"""能源消耗量统计表 (HE-JD-02 1): the month's energy use, done by the 30th, to the chief engineer and finance."""

from pydantic import Field

from qmskit.forms import Date, DeptRef, FormSpec, Number, RecordBase, RoleRef, Text


class EnergyReport(RecordBase):
    form = FormSpec(
        kind="energy_report",
        code="HE-FOR-02-01",
        title_zh="能源消耗量统计表",
        title_en="Monthly energy-consumption report",
        procedure="HE-JD-02",
        id_pattern="EN-{year}-{month:02}",
        retention_years=3,
        date_field="submitted",
        additions=("表格编号 HE-FOR-02-01 为本组织编制(原手册称'能源消耗量统计表',无编号)",),
    )

    month: Text = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="统计月份 / month, YYYY-MM")
    electricity_kwh: Number = Field(ge=0, description="用电量 kWh / electricity")
    water_t: Number = Field(ge=0, description="用水量 吨 / water")
    gas_m3: Number = Field(ge=0, description="燃气 立方米 / gas")
    prepared_by: RoleRef = Field(description="编制 / prepared by (工程部领班)")
    submitted: Date = Field(description="上报日期 / submitted on")
    sent_to: list[DeptRef] = Field(description="报送 / sent to (工程部, 财务部)")
    analysis: Text | None = Field(default=None, description="能耗分析 / analysis by the chief engineer")
