"""内部审核计划 (LD-QP-09): the annual audit, its scope, criteria and an impartial team."""

from pydantic import Field

from qmskit.forms import AuditPlan, Date, FormSpec, RoleRef, Text, Workflow


class InternalAuditPlan(AuditPlan):
    form = FormSpec(
        kind="audit_plan",
        code="LD-FOR-09-01",
        title_zh="内部审核实施计划",
        title_en="Internal audit plan",
        procedure="LD-QP-09",
        id_pattern="IAP-{year}-{seq:02}",
        workflow=Workflow.linear("draft", "approved", requires={"approved": ("approved_by", "approved")}),
        retention_years=3,
        confidential=("auditors.auditor",),
        date_field="start",
        additions=("表格编号 LD-FOR-09-01 为本组织编制(原手册称'审核实施计划',无编号)",),
    )

    basis: Text | None = Field(default=None, description="策划依据 / what the plan is based on (上次内审、管理评审、外审结果 …)")
    approved_by: RoleRef | None = Field(default=None, description="批准 / approved by (管理者代表)")
    approved: Date | None = Field(default=None, description="批准日期 / approved on")
