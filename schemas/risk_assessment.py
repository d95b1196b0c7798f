"""风险评估报告 (TX-QP-03 3.2.2.3): enterprises scored on their risk points and ranked."""
import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from qmskit.forms import Derived, FormSpec, RecordBase, RecordRef, RoleRef, SumOf, Workflow


class RankedEnterprise(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rank: int = Field(ge=1, description="风险等级排序 / rank")
    enterprise: str = Field(description="企业 / enterprise")
    risks: list[RecordRef("risk_feature")] = Field(min_length=1, description="风险点 / risk features found")  # type: ignore[valid-type]
    score: int = Field(ge=0, description="风险分值 / total score")
    level: Literal["high", "medium", "low"] = Field(description="风险等级 / level")
    response: Literal["service", "self_review", "tax_audit", "anti_avoidance", "inspection"] = Field(
        description="应对措施 / response: 纳税服务、风险自查、税务审计、反避税、税务稽查")


class RiskAssessment(RecordBase):
    form = FormSpec(
        kind="risk_assessment",
        code="TX-FOR-03-02",
        title_zh="风险评估报告",
        title_en="Risk assessment report",
        procedure="TX-QP-03",
        id_pattern="RA-{year}-{seq:02}",
        workflow=Workflow.linear("collecting", "identified", "ranked", requires={"ranked": ("ranking", "reported")}),
        retention_years=10,
        date_field="started",
        # 企业风险分值 = 所列风险特征分值之和 (TX-QP-03 3.2.2.3): the score is derived, never typed freely
        derived=(Derived("ranking.*.score", SumOf("risks", "score")),),
    )

    started: dt.date = Field(description="开始日期 / started")
    enterprise_group: str = Field(description="企业集团 / group assessed")
    sources: list[str] = Field(min_length=1, description="信息来源 / information collected (问卷、内控调查 …)")
    ranking: list[RankedEnterprise] = Field(default_factory=list, description="风险等级排序 / ranking")
    reported: dt.date | None = Field(default=None, description="报告日期 / report issued")
    analyst: RoleRef = Field(description="评估人 / analyst")

    @field_validator("ranking")
    @classmethod
    def _ranked_by_score(cls, ranking: list[RankedEnterprise]) -> list[RankedEnterprise]:
        if [r.rank for r in ranking] != list(range(1, len(ranking) + 1)):
            raise ValueError("ranks must run 1, 2, 3 … in the order listed")
        scores = [r.score for r in ranking]
        if scores != sorted(scores, reverse=True):
            raise ValueError("the ranking must list higher scores first (风险等级排序)")
        return ranking
