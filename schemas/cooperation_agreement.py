"""税收遵从合作协议 (TX-QP-02): the nine required clauses, and the yearly evaluation of how it is kept."""

from pydantic import ConfigDict, Field

from qmskit.forms import Date, FormPart, FormSpec, Int, RecordBase, RoleRef, Text, Workflow


class Clauses(FormPart):
    """2.4.2.3 (1)-(9): every agreement states all nine."""

    model_config = ConfigDict(extra="forbid")

    scope: Text = Field(description="(1) 协议的适用范围 / scope")
    enterprise_rights: Text = Field(description="(2) 企业的权利和义务 / enterprise's rights and duties")
    authority_rights: Text = Field(description="(3) 税务机关的权利和义务 / tax authority's rights and duties")
    confidentiality: Text = Field(description="(4) 保密条款 / confidentiality")
    scope_changes_disputes: Text = Field(description="(5) 适用范围的调整和争议的解决方式 / scope changes and disputes")
    termination: Text = Field(description="(6) 协议终止条款 / termination")
    supplementary: Text = Field(description="(7) 执行协议或补充协议的签订 / implementing and supplementary agreements")
    effective_date: Date = Field(description="(8) 协议的生效日期 / effective date")
    term_and_renewal: Text = Field(description="(9) 有效期和续签事宜 / term and renewal")


class Evaluation(FormPart):
    model_config = ConfigDict(extra="forbid")

    year: Int = Field(description="评价年度 / year evaluated")
    evaluated: Date = Field(description="评价日期 / evaluated on")
    compliance: Text = Field(description="企业税收遵从情况 / compliance")
    execution: Text = Field(description="协议执行情况 / how the agreement was kept")
    suggestions: list[Text] = Field(default_factory=list, description="改进建议 / suggestions")


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

    enterprise_group: Text = Field(description="企业集团 / enterprise group")
    selection_basis: Text = Field(description="选择依据 / why chosen: 遵从意愿与内控能力 (2.4.2.1)")
    signed: Date | None = Field(default=None, description="签订日期 / signed on")
    clauses: Clauses | None = Field(default=None, description="协议基本内容 / the nine clauses")
    liaison: RoleRef | None = Field(default=None, description="税企联络员 / liaison officer")
    supplementary_agreements: list[Text] = Field(default_factory=list, description="补充协议 / supplementary agreements (备案)")
    evaluations: list[Evaluation] = Field(default_factory=list, description="年度执行情况评价 / yearly evaluations")
