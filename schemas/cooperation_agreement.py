"""税收遵从合作协议 (TX-QP-02): the nine required clauses, and the yearly evaluation of how it is kept."""
import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from qmskit.forms import FormSpec, RecordBase, RoleRef, Workflow


class Clauses(BaseModel):
    """2.4.2.3 (1)-(9): every agreement states all nine."""

    model_config = ConfigDict(extra="forbid")

    scope: str = Field(description="(1) 协议的适用范围 / scope")
    enterprise_rights: str = Field(description="(2) 企业的权利和义务 / enterprise's rights and duties")
    authority_rights: str = Field(description="(3) 税务机关的权利和义务 / tax authority's rights and duties")
    confidentiality: str = Field(description="(4) 保密条款 / confidentiality")
    scope_changes_disputes: str = Field(description="(5) 适用范围的调整和争议的解决方式 / scope changes and disputes")
    termination: str = Field(description="(6) 协议终止条款 / termination")
    supplementary: str = Field(description="(7) 执行协议或补充协议的签订 / implementing and supplementary agreements")
    effective_date: dt.date = Field(description="(8) 协议的生效日期 / effective date")
    term_and_renewal: str = Field(description="(9) 有效期和续签事宜 / term and renewal")


class Evaluation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(description="评价年度 / year evaluated")
    evaluated: dt.date = Field(description="评价日期 / evaluated on")
    compliance: str = Field(description="企业税收遵从情况 / compliance")
    execution: str = Field(description="协议执行情况 / how the agreement was kept")
    suggestions: list[str] = Field(default_factory=list, description="改进建议 / suggestions")


class CooperationAgreement(RecordBase):
    form = FormSpec(
        kind="cooperation_agreement",
        code="TX-FOR-02-01",
        title_zh="税收遵从合作协议",
        title_en="Tax-compliance cooperation agreement",
        procedure="TX-QP-02",
        id_pattern="TCA-{year}-{seq:03}",
        workflow=Workflow(
            statuses=("negotiating", "signed", "terminated"),
            transitions={"negotiating": ("signed",), "signed": ("terminated",), "terminated": ()},
            requires={"signed": ("clauses", "signed", "liaison")},
            final=("terminated",),
        ),
        retention_years=10,
        date_field="signed",
        additions=("表格编号 TX-FOR-02-01 为本组织编制(原手册无编号)",),
    )

    enterprise_group: str = Field(description="企业集团 / enterprise group")
    selection_basis: str = Field(description="选择依据 / why chosen: 遵从意愿与内控能力 (2.4.2.1)")
    signed: dt.date | None = Field(default=None, description="签订日期 / signed on")
    clauses: Clauses | None = Field(default=None, description="协议基本内容 / the nine clauses")
    liaison: RoleRef | None = Field(default=None, description="税企联络员 / liaison officer")
    supplementary_agreements: list[str] = Field(default_factory=list, description="补充协议 / supplementary agreements (备案)")
    evaluations: list[Evaluation] = Field(default_factory=list, description="年度执行情况评价 / yearly evaluations")
