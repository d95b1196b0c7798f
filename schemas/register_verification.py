"""企业名册核实 (TX-QP-04): an enterprise group's register through its seven stages."""

from pydantic import Field

from qmskit.forms import Date, DeptRef, FormSpec, Int, RecordBase, RoleRef, Text, Workflow

STAGES = ("code_preparation", "collection", "distribution", "verification", "reporting", "feedback", "summary")


class RegisterVerification(RecordBase):
    form = FormSpec(
        kind="register_verification",
        code="TX-FOR-04-01",
        title_zh="企业名册信息核实表",
        title_en="Enterprise-register verification",
        procedure="TX-QP-04",
        id_pattern="RV-{year}-{seq:03}",
        workflow=Workflow.linear(
            *STAGES,
            requires={stage: (f"{stage}_done",) for stage in STAGES[:-1]} | {"summary": ("summary_done", "summary")},
        ),
        retention_years=5,
        confidential=("verifier_phone",),
        date_field="code_preparation_done",
        additions=("表格编号 TX-FOR-04-01 为本组织编制(原手册无编号)",),
    )

    year: Int = Field(description="名册年度 / register year")
    enterprise_group: Text = Field(description="企业集团 / group")
    members: Int = Field(ge=0, description="成员企业户数 / member enterprises")
    office: DeptRef = Field(description="主管税务机关 / office verifying")
    verifier: RoleRef = Field(description="核实人员 / verifier")
    verifier_phone: Text | None = Field(default=None, description="联系电话 / phone")
    code_preparation_done: Date | None = Field(default=None, description="(1) 代码准备 / codes prepared")
    collection_done: Date | None = Field(default=None, description="(2) 名册采集 / register collected")
    distribution_done: Date | None = Field(default=None, description="(3) 任务分发 / tasks distributed")
    verification_done: Date | None = Field(default=None, description="(4) 名册核实 / verified")
    methods: list[Text] = Field(default_factory=list, description="核实方式 / methods: 征管系统比对、第三方比对、向企业核实、实地调查")
    discrepancies: Int = Field(default=0, ge=0, description="不符信息条数 / entries corrected")
    reporting_done: Date | None = Field(default=None, description="(5) 结果上报 / results reported")
    feedback_done: Date | None = Field(default=None, description="(6) 名册反馈 / fed back to the group")
    summary_done: Date | None = Field(default=None, description="(7) 工作总结 / summary written")
    summary: Text | None = Field(default=None, description="总结 / summary")
