"""顾客满意度调查表 (LD-QP-07): one returned questionnaire, with the five service-quality dimensions.

服务质量分数 = 实际感受分数 − 期望分数 (CS-REF-01): each dimension is rated twice, on a 1-7 scale.
"""
from typing import Literal

from pydantic import ConfigDict, Field

from qmskit.forms import FormPart, FormSpec, Int, SatisfactionSurvey, Text


class Rating(FormPart):
    model_config = ConfigDict(extra="forbid")

    expected: Int = Field(ge=1, le=7, description="期望分数 / expected")
    perceived: Int = Field(ge=1, le=7, description="实际感受分数 / perceived")

    @property
    def gap(self) -> int:
        return self.perceived - self.expected


class Servqual(FormPart):
    model_config = ConfigDict(extra="forbid")

    tangibles: Rating = Field(description="可感知性 / tangibles")
    reliability: Rating = Field(description="可靠性 / reliability")
    responsiveness: Rating = Field(description="反应性 / responsiveness")
    assurance: Rating = Field(description="保证性 / assurance")
    empathy: Rating = Field(description="移情性 / empathy")


class CustomerSatisfactionSurvey(SatisfactionSurvey):
    form = FormSpec(
        kind="satisfaction_survey",
        code="LD-FOR-07-01",
        title_zh="顾客满意度调查表",
        title_en="Customer satisfaction survey",
        procedure="LD-QP-07",
        id_pattern="CSS-{year}-{seq:04}",
        retention_years=3,
        confidential=("respondent", "phone", "customer"),
        date_field="surveyed",
        additions=("表格编号 LD-FOR-07-01 为本组织编制(原手册只规定书面征询,无表格)", "按服务质量五维度(CS-REF-01)分别打期望分和感受分、1–7 分制,为本组织补充", "客户等级(tier,ABC)字段为本组织补充,依据 CS-REF-03 的 ABC 分类法",),
    )

    method: Literal["visit", "written", "forum", "online", "complaint_desk", "third_party"] = Field(
        description="方式 / method: 直接走访、书面征询、座谈会、网上征询、投诉接待、第三方 (8.2.1 B, D)")
    customer: Text = Field(description="顾客(企业名称或个人)/ customer")
    respondent: Text | None = Field(default=None, description="填表人 / respondent")
    phone: Text | None = Field(default=None, description="联系电话 / phone")
    servqual: Servqual = Field(description="服务质量五维度 / the five service-quality dimensions")
    comments: Text | None = Field(default=None, description="意见和建议 / comments")
    tier: Literal["A", "B", "C"] | None = Field(
        default=None, description="客户等级 / customer tier: ABC 分类法 (CS-REF-03)")
