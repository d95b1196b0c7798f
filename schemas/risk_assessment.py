"""风险评估报告 (TX-QP-03 3.2.2.3): enterprises scored on their risk points and ranked.

3.2.2.3 风险评价分析: "税务总局评价税收风险的严重程度以及发生的可能性,根据分析评估结果进行风险等级排序" — each risk
point found in an enterprise may carry its severity and likelihood. The source names the two dimensions but no
scale; the three levels 高/中/低 are this organization's (the words the source uses for enterprises' risk levels).
"""
from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from qmskit.forms import Date, Derived, FormPart, FormSpec, Int, RecordBase, RecordRef, RoleRef, SumOf, Text, Workflow

Level = Literal["high", "medium", "low"]


class RiskEvaluation(FormPart):
    """风险评价分析 (3.2.2.3): how severe one risk point is for this enterprise, and how likely."""

    model_config = ConfigDict(extra="forbid")

    risk: RecordRef("risk_feature") = Field(description="风险点 / risk feature")  # type: ignore[valid-type]
    severity: Level = Field(description="严重程度 / severity: 高、中、低")
    likelihood: Level = Field(description="发生的可能性 / likelihood: 高、中、低")


class RankedEnterprise(FormPart):
    model_config = ConfigDict(extra="forbid")

    rank: Int = Field(ge=1, description="风险等级排序 / rank")
    enterprise: Text = Field(description="企业 / enterprise")
    risks: list[RecordRef("risk_feature")] = Field(min_length=1, description="风险点 / risk features found")  # type: ignore[valid-type]
    score: Int = Field(ge=0, description="风险分值 / total score")
    level: Literal["high", "medium", "low"] = Field(description="风险等级 / level")
    response: Literal["service", "self_review", "tax_audit", "anti_avoidance", "inspection"] = Field(
        description="应对措施 / response: 纳税服务、风险自查、税务审计、反避税、税务稽查")
    evaluations: list[RiskEvaluation] = Field(
        default_factory=list, description="风险评价分析 / severity and likelihood of each risk point (3.2.2.3)")

    @model_validator(mode="after")
    def _evaluates_its_own_risks(self) -> "RankedEnterprise":
        evaluated = [e.risk for e in self.evaluations]
        stray = sorted(set(evaluated) - set(self.risks))
        if stray:
            raise ValueError(f"{self.enterprise}: evaluations name {', '.join(stray)}, which are not among its risks")
        twice = sorted({r for r in evaluated if evaluated.count(r) > 1})
        if twice:
            raise ValueError(f"{self.enterprise}: {', '.join(twice)} is evaluated more than once")
        return self


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
        additions=("表格编号 TX-FOR-03-02 为本组织编制(原手册只称'风险评估报告')",
                   "严重程度和可能性的三级(高、中、低)为本组织规定;原手册只写明评价这两方面"),
        # 企业风险分值 = 所列风险特征分值之和 (TX-QP-03 3.2.2.3): the score is derived, never typed freely
        derived=(Derived("ranking.*.score", SumOf("risks", "score")),),
    )

    started: Date = Field(description="开始日期 / started")
    enterprise_group: Text = Field(description="企业集团 / group assessed")
    sources: list[Text] = Field(min_length=1, description="信息来源 / information collected (问卷、内控调查 …)")
    ranking: list[RankedEnterprise] = Field(default_factory=list, description="风险等级排序 / ranking")
    reported: Date | None = Field(default=None, description="报告日期 / report issued")
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
