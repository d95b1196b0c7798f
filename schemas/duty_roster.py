"""排班表 (HE-REG-01 2): next month's roster by the 30th, a copy to personnel."""

from pydantic import Field

from qmskit.forms import Date, Flag, FormSpec, Int, RecordBase, RoleRef, Text


class DutyRoster(RecordBase):
    form = FormSpec(
        kind="duty_roster",
        code="HE-FOR-01-03",
        title_zh="排班表",
        title_en="Monthly duty roster",
        procedure="HE-REG-01",
        id_pattern="ROS-{year}-{month:02}",
        retention_years=1,
        date_field="submitted",
        additions=("表格编号 HE-FOR-01-03 为本组织编制(原手册称'排班表',无编号)",),
    )

    month: Text = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="排班月份 / month the roster is for")
    prepared_by: RoleRef = Field(description="编制 / prepared by")
    approved_by: RoleRef = Field(description="审核 / approved by (工程部经理)")
    submitted: Date = Field(description="排出日期 / issued on (by the 30th of the month before)")
    copy_to_personnel: Flag = Field(description="已交人事部一份 / copy given to personnel")
    shifts: dict[str, Int] = Field(default_factory=dict, description="各工种班次数 / shifts per trade")
