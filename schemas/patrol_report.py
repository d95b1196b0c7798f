"""巡楼报告 (PM-MAN-01 1.2.7): the building patrolled several times a day; the manager reviews it.

1-property-customer-service.txt §1.2.7 "每日进行多次大厦内全方位巡视": several rounds a day, so at least two;
§2.1 第 1 条 "收取及审阅大厦的巡楼报告". Each round may be logged with its time (``round_log``).
"""

from pydantic import ConfigDict, Field, model_validator

from qmskit.forms import Date, FormPart, FormSpec, Int, RecordBase, RoleRef, Text


class Finding(FormPart):
    model_config = ConfigDict(extra="forbid")

    area: Text = Field(description="区域 / area")
    issue: Text = Field(description="问题 / issue")
    referred_to: Text | None = Field(default=None, description="转交部门 / referred to")


class PatrolRound(FormPart):
    """One round of the building: when it started, who walked it, what it covered."""

    model_config = ConfigDict(extra="forbid")

    time: Text = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="巡视时间 / time the round started, HH:MM")
    by: RoleRef | None = Field(default=None, description="巡视人岗位 / walked by")
    areas: list[Text] = Field(default_factory=list, description="巡视区域 / areas covered")
    note: Text | None = Field(default=None, description="情况 / remarks")


class PatrolReport(RecordBase):
    form = FormSpec(
        kind="patrol_report",
        code="PM-FOR-0127",
        title_zh="巡楼报告",
        title_en="Building patrol report",
        procedure="PM-MAN-01",
        id_pattern="PAT-{year}-{seq:03}",
        retention_years=1,
        date_field="day",
        additions=("表格编号 PM-FOR-0127 为本组织编制(原手册称'巡楼报告',无编号)",),
    )

    day: Date = Field(description="日期 / day")
    patrolled_by: RoleRef = Field(description="巡楼人 / patrolled by")
    rounds: Int = Field(ge=2, description="巡视次数 / rounds that day (每日多次: at least two)")
    round_log: list[PatrolRound] | None = Field(
        default=None, min_length=2, description="各次巡视 / each round with its time (每日多次)")
    findings: list[Finding] = Field(default_factory=list, description="发现问题 / findings")
    reviewed_by: RoleRef | None = Field(default=None, description="审阅 / reviewed by (客户服务经理)")

    @model_validator(mode="after")
    def _rounds_agree(self) -> "PatrolReport":
        if self.round_log is None:
            return self
        if len(self.round_log) != self.rounds:
            raise ValueError(f"rounds is {self.rounds} but round_log lists {len(self.round_log)} rounds")
        times = [r.time for r in self.round_log]
        if times != sorted(set(times)):
            raise ValueError(f"the rounds' times must rise through the day, each once: {', '.join(times)}")
        return self
