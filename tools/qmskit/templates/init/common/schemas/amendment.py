"""更正记录 (QP-01): a closed record is never edited silently; a correction is its own record."""
from qmskit.forms import Amendment, FormSpec


class RecordAmendment(Amendment):
    form = FormSpec(
        kind="amendment",
        code="QM-FOR-01-01",
        title_zh="记录更正单",
        title_en="Record amendment",
        procedure="QP-01",
        id_pattern="AMD-{year}-{seq:03}",
        retention_years=10,
        date_field="approved",
    )
