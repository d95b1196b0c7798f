"""部门周例会记录 (PM-JD-01 第 7 条): the manager calls the department's staff to a work meeting every week.

Source: 1-property-customer-service.txt §2.1 第 7 条 "每周召集部门所辖员工召开工作会议".
"""

from pydantic import ConfigDict, Field

from qmskit.forms import Date, FormPart, FormSpec, Int, RecordBase, RoleRef, Text


class MeetingAction(FormPart):
    model_config = ConfigDict(extra="forbid")

    action: Text = Field(description="决定事项 / action agreed")
    owner: RoleRef = Field(description="负责人 / owner")
    due: Date | None = Field(default=None, description="期限 / due")
    done: Date | None = Field(default=None, description="完成日期 / done on")


class WeeklyMeeting(RecordBase):
    form = FormSpec(
        kind="weekly_meeting",
        code="PM-FOR-2107",
        title_zh="部门周例会记录",
        title_en="Weekly department meeting",
        procedure="PM-JD-01",
        id_pattern="WM-{year}-{seq:03}",
        retention_years=1,
        date_field="held",
        additions=("表格编号 PM-FOR-2107 及会议记录的栏目为本组织编制(原手册只规定每周开会)",),
    )

    held: Date = Field(description="会议日期 / held on")
    chair: RoleRef = Field(description="召集人 / chaired by (客户服务经理)")
    attendees: list[RoleRef] = Field(min_length=1, description="参加人员岗位 / attendees (roles)")
    headcount: Int | None = Field(default=None, ge=1, description="参加人数 / number attending")
    topics: list[Text] = Field(min_length=1, description="议题 / topics")
    actions: list[MeetingAction] = Field(default_factory=list, description="决定事项 / actions")
