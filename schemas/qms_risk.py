"""风险和机遇登记表 (LD-QM-01, ISO 6.1): the QMS's own risks, scored so they can be ranked."""
from typing import Literal

from pydantic import Field

from qmskit.forms import FormSpec, Risk, Workflow


class QmsRisk(Risk):
    form = FormSpec(
        kind="qms_risk",
        code="LD-FOR-61-01",
        title_zh="风险和机遇登记表",
        title_en="Risks and opportunities register",
        procedure="LD-QM-01",
        id_pattern="RISK-{year}-{seq:03}",
        workflow=Workflow(
            statuses=("identified", "treated", "retired"),
            transitions={"identified": ("treated", "retired"), "treated": ("retired", "identified"), "retired": ()},
            requires={"treated": ("treatment",)},
            final=("retired",),
        ),
        retention_years=3,
        date_field="identified",
        additions=("本表格为本组织补充(原手册没有风险和机遇登记,对应 ISO 9001:2015 6.1);编号 LD-FOR-61-01 为本组织编制", "可能性和影响按 1–5 分评分为本组织规定",),
    )

    type: Literal["risk", "opportunity"] = Field(description="类型 / risk or opportunity")
    unit: Literal["labor-dispatch", "property", "hotel", "tax"] = Field(description="单位 / unit")
