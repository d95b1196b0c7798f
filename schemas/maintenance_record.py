"""检修保养记录 (HE-JD-04/05/07): planned maintenance done, e.g. computer dust cleaning every 100 days."""
from typing import Literal

from pydantic import Field

from qmskit.forms import Date, FormSpec, RecordBase, RoleRef, Text


class MaintenanceRecord(RecordBase):
    form = FormSpec(
        kind="maintenance_record",
        code="HE-FOR-03-01",
        title_zh="检修保养记录",
        title_en="Maintenance record",
        procedure="HE-JD-07",
        id_pattern="MNT-{year}-{seq:04}",
        retention_years=2,
        date_field="done",
        additions=("表格编号 HE-FOR-03-01 为本组织编制(原手册称'检修保养记录',无编号)",),
    )

    activity: Literal["dust_cleaning", "pipework", "hvac_service", "insulation_check", "furniture", "other"] = Field(
        description="项目 / activity: 计算机除尘、管道保养、空调保养、绝缘检查、家具维修、其他")
    done: Date = Field(description="完成日期 / done on")
    by: RoleRef = Field(description="执行岗位 / done by")
    equipment: list[Text] = Field(min_length=1, description="设备 / equipment covered")
    result: Text | None = Field(default=None, description="结果 / result")
