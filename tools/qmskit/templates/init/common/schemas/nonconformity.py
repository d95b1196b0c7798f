"""不符合报告 / Nonconformity report."""
from qmskit.forms import NONCONFORMITY_CLOSURE, NONCONFORMITY_WORKFLOW, FormSpec, Nonconformity


class NonconformityReport(Nonconformity):
    form = FormSpec(
        kind="nonconformity",
        code="QM-FOR-02-01",
        title_zh="不符合报告",
        title_en="Nonconformity report",
        procedure="QP-02",
        id_pattern="NCR-{year}-{seq:04}",
        workflow=NONCONFORMITY_WORKFLOW,
        retention_years=3,
        date_field="raised",
        # closed as effective: its actions and the complaints naming it are closed,
        # and the same requirement is not breached again within 90 days
        closure=NONCONFORMITY_CLOSURE.recurring_within(90),
    )
