"""运行值班记录 (HE-JD-08, HE-JD-03 第 2 条): equipment parameters recorded on time, anomalies reported, phone messages noted.

Source: 3-hotel-engineering.txt 运行值班人员 标准 1 "认真监控设备的运行情况,按时做好设备运行参数的记录,发现异常情况及时报告";
标准 3 "认真填写运行值班记录及交接班记录以及做好有关电话通知的转接及记录"; 电工 工作描述 2 "认真填写值班工作记录"
(配电室值班). The handover itself is the shift handover log (HE-FOR-01-02).
"""
from typing import Literal

from pydantic import ConfigDict, Field

from qmskit.forms import Date, FormPart, FormSpec, Number, RecordBase, RoleRef, Text

TIME = r"^([01]\d|2[0-3]):[0-5]\d$"


class Reading(FormPart):
    model_config = ConfigDict(extra="forbid")

    time: Text = Field(pattern=TIME, description="时间 / time, HH:MM")
    equipment: Text = Field(description="设备 / equipment")
    parameter: Text = Field(description="参数 / parameter (电压、电流、温度、压力 …)")
    value: Number = Field(description="数值 / value")
    unit: Text = Field(description="单位 / unit of measure")


class Anomaly(FormPart):
    model_config = ConfigDict(extra="forbid")

    time: Text = Field(pattern=TIME, description="时间 / time, HH:MM")
    description: Text = Field(description="异常情况 / what was abnormal")
    reported_to: RoleRef = Field(description="报告 / reported to (主管人员)")
    action: Text | None = Field(default=None, description="采取的措施 / action taken")


class DutyLog(RecordBase):
    form = FormSpec(
        kind="duty_log",
        code="HE-FOR-08-01",
        title_zh="运行值班记录",
        title_en="Operations duty log",
        procedure="HE-JD-08",
        id_pattern="DL-{year}-{seq:04}",
        retention_years=1,
        confidential=("on_duty",),
        date_field="day",
        additions=("表格编号 HE-FOR-08-01 及记录的栏目为本组织编制(原手册只称'运行值班记录''值班工作记录')",),
    )

    day: Date = Field(description="当班日期 / day")
    shift: Literal["morning", "day", "night"] = Field(description="班次 / shift")
    post: RoleRef = Field(description="值班岗位 / post (运行值班员、电工 …)")
    on_duty: Text = Field(description="值班人 / on duty (name)")
    readings: list[Reading] = Field(min_length=1, description="设备运行参数 / equipment parameters recorded")
    anomalies: list[Anomaly] = Field(default_factory=list, description="异常情况及报告 / anomalies and whom they were reported to")
    phone_messages: list[Text] = Field(default_factory=list, description="电话通知的转接及记录 / phone messages")
