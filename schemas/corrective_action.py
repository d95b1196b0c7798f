"""改善、预防措施 (LD-QP-11): action against a cause, its owner, and whether it worked."""
from pydantic import Field

from qmskit.forms import CORRECTIVE_ACTION_WORKFLOW, CorrectiveAction, DocRef, Flag, FormSpec


class CorrectiveActionRecord(CorrectiveAction):
    form = FormSpec(
        kind="corrective_action",
        code="LD-FOR-11-01",
        title_zh="改善、预防措施记录",
        title_en="Corrective / preventive action record",
        procedure="LD-QP-11",
        id_pattern="CAPA-{year}-{seq:04}",
        workflow=CORRECTIVE_ACTION_WORKFLOW,
        retention_years=3,
        date_field="raised",
        additions=("表格编号 LD-FOR-11-01 为本组织编制(原手册无编号)",),
    )

    cross_department: Flag = Field(
        default=False, description="跨部门 / cross-department: led by the management representative (8.5.2 B)")
    document_change: DocRef | None = Field(
        default=None, description="引起的文件更改 / document changed as a result (8.5.2 D)")
