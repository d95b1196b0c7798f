"""大企业税收风险特征库 (TX-QP-03, 5.1.1.3.2): one risk point with its eleven fields and score."""
from typing import Literal

from pydantic import Field

from qmskit.forms import FormSpec, Int, RecordBase, Text


class RiskFeature(RecordBase):
    form = FormSpec(
        kind="risk_feature",
        code="TX-FOR-03-01",
        title_zh="税收风险特征",
        title_en="Tax risk feature",
        procedure="TX-QP-03",
        id_pattern="RF-{seq:04}",
        retention_years=10,
        additions=("表格编号 TX-FOR-03-01 为本组织编制(原手册无编号)", "分值范围 1–100 为本组织规定(原手册只列'分值')",),
    )

    tax_type: Text = Field(description="税种 / tax")
    category: Literal["general", "industry", "specific"] = Field(description="类别 / 一般性、行业性、企业特定事项")
    name: Text = Field(description="风险点名称 / risk point")
    domain: Text = Field(description="税收风险领域 / risk domain")
    period: Text = Field(description="适用期间 / period it applies to")
    description: Text = Field(description="税收风险具体描述 / description")
    identification: Text = Field(description="税收风险识别方法 / how it is identified")
    basis: Text = Field(description="判断依据 / basis for judgement")
    score: Int = Field(ge=1, le=100, description="分值 / score")
    accounts: list[Text] = Field(min_length=1, description="涉及的会计科目 / accounts")
    strategy: Text = Field(description="税收风险处理策略 / treatment strategy")
