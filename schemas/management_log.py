"""大厦管理日志 (PM-JD-03 第 5 条): kept by the assistant, checked by the supervisor and the manager, issues followed up.

Source: 1-property-customer-service.txt §2.3 第 5 条 "记录大厦管理日志,跟进所列问题" (客户服务助理);
§2.1 第 11 条 "检查大厦管理日志,跟进所列问题" (客户服务经理); §2.2 第 10 条 "检查大厦管理日志" (客户服务主任).
"""

from pydantic import ConfigDict, Field

from qmskit.forms import Date, Flag, FormPart, FormSpec, RecordBase, RoleRef, Text, Workflow


class LogEntry(FormPart):
    model_config = ConfigDict(extra="forbid")

    time: Text = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="时间 / time, HH:MM")
    matter: Text = Field(description="事项 / what happened or was found")
    follow_up: Text | None = Field(default=None, description="跟进情况 / follow-up")
    settled: Flag = Field(default=False, description="已解决 / settled")


class LogCheck(FormPart):
    model_config = ConfigDict(extra="forbid")

    by: RoleRef = Field(description="检查人 / checked by (客户服务主任、客户服务经理)")
    on: Date = Field(description="检查日期 / checked on")
    note: Text | None = Field(default=None, description="意见 / remarks")


class ManagementLog(RecordBase):
    form = FormSpec(
        kind="management_log",
        code="PM-FOR-2305",
        title_zh="大厦管理日志",
        title_en="Building management log",
        procedure="PM-JD-03",
        id_pattern="LOG-{year}-{seq:03}",
        workflow=Workflow.linear("recorded", "checked", requires={"checked": ("checks",)}),
        retention_years=1,
        date_field="day",
        additions=("表格编号 PM-FOR-2305 为本组织编制(原手册只称'大厦管理日志')",),
    )

    day: Date = Field(description="日期 / day")
    recorded_by: RoleRef = Field(description="记录人 / recorded by (客户服务助理)")
    entries: list[LogEntry] = Field(min_length=1, description="所列问题 / entries")
    checks: list[LogCheck] = Field(default_factory=list, description="检查 / checks by the supervisor and the manager")
