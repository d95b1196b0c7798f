"""招募计划 (LD-QP-03; LD-QM-01 6.2.1-6.2.2, 7.3.1-7.3.2): long-term, per client, or per stage; reviewed and approved before use.

Source: 2-labor-dispatch-iso9001.txt 6.2.1 "人力资源部门根据需要与实际情况,负责制定招募计划和培训计划,经管理者代表审核、
最高管理者批准后实施"; 6.2.2 "A 公司根据业务计划,制定公司长期招募计划。B 公司按企业的个别需求,为企业量身定制招募计划个案";
7.3.1 "根据公司招募计划[和]公司签订的相关劳务派遣服务合约制定并实施阶段招募计划"; 7.3.2 A "应明确招募人员的素质、要求、招募规则".
"""
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from qmskit.forms import Date, FormPart, FormSpec, Int, RecordBase, RecordRef, RoleRef, Text, Workflow


class Position(FormPart):
    model_config = ConfigDict(extra="forbid")

    position: Text = Field(description="岗位 / position to fill")
    headcount: Int = Field(ge=1, description="人数 / number of people")
    requirements: Text | None = Field(default=None, description="素质、要求 / qualities and requirements (7.3.2 A)")


class RecruitmentPlan(RecordBase):
    form = FormSpec(
        kind="recruitment_plan",
        code="LD-FOR-03-01",
        title_zh="招募计划",
        title_en="Recruitment plan",
        procedure="LD-QP-03",
        id_pattern="RP-{year}-{seq:03}",
        workflow=Workflow.linear(
            "draft", "reviewed", "approved",
            requires={"reviewed": ("reviewed_by", "reviewed"), "approved": ("approved_by", "approved")},
        ),
        retention_years=3,
        date_field="prepared",
        additions=("表格编号 LD-FOR-03-01 为本组织编制(原手册无表格编号)",),
    )

    type: Literal["long_term", "client_specific", "stage"] = Field(
        description="类型 / kind: 长期招募计划 (6.2.2 A)、招募计划个案 (6.2.2 B)、阶段招募计划 (7.3.1)")
    period: str | None = Field(default=None, pattern=r"^\d{4}(-H[12]|-Q[1-4]|-\d{2})?$",
                               description="计划期间 / period: 2026, 2026-H1, 2026-Q3, 2026-05")
    basis: Text | None = Field(default=None, description="依据 / based on: 业务计划、公司招募计划")
    client: Text | None = Field(default=None, description="企业顾客 / client enterprise (招募计划个案)")
    contract: RecordRef("contract_review") | None = Field(  # type: ignore[valid-type]
        default=None, description="劳务派遣服务合约的评审 / contract it serves (7.3.1)")
    positions: list[Position] = Field(min_length=1, description="招募岗位和人数 / positions")
    rules: Text | None = Field(default=None, description="招募规则 / recruitment rules (7.3.2 A)")
    channels: list[Text] = Field(default_factory=list, description="招募渠道 / channels (7.3.1)")
    prepared_by: RoleRef = Field(description="制定 / prepared by (人力资源部)")
    prepared: Date = Field(description="制定日期 / prepared on")
    reviewed_by: RoleRef | None = Field(default=None, description="审核 / reviewed by (管理者代表)")
    reviewed: Date | None = Field(default=None, description="审核日期 / reviewed on")
    approved_by: RoleRef | None = Field(default=None, description="批准 / approved by (最高管理者)")
    approved: Date | None = Field(default=None, description="批准日期 / approved on")

    @model_validator(mode="after")
    def _client_plan_names_the_client(self) -> "RecruitmentPlan":
        if self.type == "client_specific" and not self.client:
            raise ValueError("a plan made for one client (招募计划个案) names the client in 'client'")
        return self
