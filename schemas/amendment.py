"""更正记录 (LD-QP-02 §5): a closed record is never edited silently; a correction is its own record."""
from qmskit.forms import Amendment, FormSpec


class RecordAmendment(Amendment):
    form = FormSpec(
        kind="amendment",
        code="LD-FOR-02-01",
        title_zh="记录更正单",
        title_en="Record amendment",
        procedure="LD-QP-02",
        id_pattern="AMD-{year}-{seq:03}",
        retention_years=10,
        date_field="approved",
        additions=("本表格为本组织补充(原手册没有记录更正单);编号 LD-FOR-02-01 为本组织编制",),
    )
