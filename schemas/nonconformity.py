"""不符合报告 (LD-QP-08): every nonconformity of any unit, from finding to verified closure."""
from typing import Literal

from pydantic import Field

from qmskit.forms import Date, FormSpec, NONCONFORMITY_CLOSURE, NONCONFORMITY_WORKFLOW, Nonconformity, Text


class NonconformityReport(Nonconformity):
    form = FormSpec(
        kind="nonconformity",
        code="LD-FOR-08-01",
        title_zh="不符合报告",
        title_en="Nonconformity report",
        procedure="LD-QP-08",
        id_pattern="NCR-{year}-{seq:04}",
        workflow=NONCONFORMITY_WORKFLOW,
        retention_years=3,
        date_field="raised",
        additions=("表格编号 LD-FOR-08-01 为本组织编制(原手册称'不符合报告',无编号)",
                   "关闭后 180 天内同一要求再次不符合视为重复发生:期限为本组织规定"),
        # closed as effective: its actions and complaints are closed, and the same requirement is not
        # breached again within 180 days (the organization's own window, LD-QP-08 效果验证)
        closure=NONCONFORMITY_CLOSURE.recurring_within(180),
    )

    unit: Literal["labor-dispatch", "property", "hotel", "tax"] = Field(description="单位 / unit")
    category: Literal["recruitment", "service_delivery", "management_system", "customer_related", "other"] = Field(
        description="类别 / category (LD-QM-01 8.3.1-8.3.2: 招募过程、服务实施过程 …)")
    customer_agreement: Text | None = Field(
        default=None, description="与顾客协商的处理方案 / remedy agreed with the customer (8.3.2)")
    customer_agreed: Date | None = Field(default=None, description="顾客确认日期 / date the customer agreed")
    similar_cases: Text | None = Field(default=None, description="类似不符合的排查 / similar cases looked for (ISO 10.2.1 b)")
