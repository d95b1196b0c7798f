"""内部审核报告 (LD-QP-09): findings, overall judgement, approval and hand-over of the file."""

from pydantic import Field

from qmskit.forms import AuditReport, Date, FormSpec, RoleRef, Workflow


class InternalAuditReport(AuditReport):
    form = FormSpec(
        kind="audit_report",
        code="LD-FOR-09-02",
        title_zh="内部审核报告",
        title_en="Internal audit report",
        procedure="LD-QP-09",
        id_pattern="IA-{year}-{seq:02}",
        workflow=Workflow.linear(
            "in_progress", "reported", "closed",
            requires={"reported": ("closed_meeting", "summary", "approved_by", "approved"),
                      "closed": ("handed_over",)},
        ),
        retention_years=5,
        date_field="opened",
        additions=("表格编号 LD-FOR-09-02 为本组织编制(原手册称'审核报告',无编号)",),
    )

    leader: RoleRef = Field(description="审核组组长 / audit team leader")
    approved_by: RoleRef | None = Field(default=None, description="批准 / approved by (管理者代表)")
    approved: Date | None = Field(default=None, description="批准日期 / approved on")
    handed_over: Date | None = Field(
        default=None, description="审核资料移交总经办日期 / audit file handed to 总经办 (within 10 days)")
