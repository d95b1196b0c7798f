"""纠正措施 / Corrective action."""
from qmskit.forms import CORRECTIVE_ACTION_WORKFLOW, CorrectiveAction, FormSpec


class CorrectiveActionRecord(CorrectiveAction):
    form = FormSpec(
        kind="corrective_action",
        code="QM-FOR-02-02",
        title_zh="纠正措施记录",
        title_en="Corrective action record",
        procedure="QP-02",
        id_pattern="CA-{year}-{seq:04}",
        workflow=CORRECTIVE_ACTION_WORKFLOW,
        retention_years=3,
        date_field="raised",
    )
