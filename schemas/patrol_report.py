"""巡楼报告 (PM-MAN-01 1.2.7): the building patrolled several times a day; the manager reviews it."""
import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from qmskit.forms import FormSpec, RecordBase, RoleRef


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    area: str = Field(description="区域 / area")
    issue: str = Field(description="问题 / issue")
    referred_to: str | None = Field(default=None, description="转交部门 / referred to")


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
    )

    day: dt.date = Field(description="日期 / day")
    patrolled_by: RoleRef = Field(description="巡楼人 / patrolled by")
    rounds: int = Field(ge=1, description="巡视次数 / rounds that day (每日多次)")
    findings: list[Finding] = Field(default_factory=list, description="发现问题 / findings")
    reviewed_by: RoleRef | None = Field(default=None, description="审阅 / reviewed by (客户服务经理)")
