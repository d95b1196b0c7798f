"""顾客投诉记录 / Customer complaint."""
from qmskit.forms import Complaint, FormSpec, Workflow


class ComplaintRecord(Complaint):
    form = FormSpec(
        kind="complaint",
        code="QM-FOR-03-01",
        title_zh="顾客投诉记录",
        title_en="Customer complaint record",
        procedure="QP-03",
        id_pattern="CMP-{year}-{seq:04}",
        workflow=Workflow.linear("received", "replied", "closed",
                                 requires={"replied": ("replied",), "closed": ("closed", "feedback")}),
        retention_years=3,
        confidential=("customer_name", "customer_phone"),
        date_field="received",
    )

    customer_name: str | None = None
    customer_phone: str | None = None
