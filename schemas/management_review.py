"""管理评审报告 (LD-QM-01 5.6): at least yearly, chaired by top management, outputs followed up."""
from qmskit.forms import FormSpec, ManagementReview, Workflow


class ManagementReviewReport(ManagementReview):
    form = FormSpec(
        kind="management_review",
        code="LD-FOR-56-01",
        title_zh="管理评审报告",
        title_en="Management review report",
        procedure="LD-QM-01",
        id_pattern="MR-{year}-{seq:02}",
        workflow=Workflow.linear(
            "planned", "held", "approved",
            requires={"held": ("minutes", "inputs", "outputs"), "approved": ("approved_by", "approved")},
        ),
        retention_years=10,
        date_field="held",
        additions=("表格编号 LD-FOR-56-01 为本组织编制(原手册称《管理评审报告》,无编号)",),
    )
