"""交接班记录 (HE-REG-01 5, HE-JD-03/07): outstanding work handed on, signed by both sides."""
from typing import Literal

from pydantic import Field, model_validator

from qmskit.forms import Date, Flag, FormSpec, RecordBase, RoleRef, Text


class ShiftHandover(RecordBase):
    form = FormSpec(
        kind="shift_handover",
        code="HE-FOR-01-02",
        title_zh="交接班记录",
        title_en="Shift handover log",
        procedure="HE-REG-01",
        id_pattern="SH-{year}-{seq:04}",
        retention_years=1,
        confidential=("handed_by", "taken_by"),
        date_field="day",
        additions=("表格编号 HE-FOR-01-02 为本组织编制(原手册称'交接班记录',无编号)",),
    )

    day: Date = Field(description="当班日期 / day")
    shift: Literal["morning", "day", "night"] = Field(description="班次 / shift")
    post: RoleRef = Field(description="岗位 / post")
    handed_by: Text = Field(description="交班人 / handed over by (signature)")
    taken_by: Text = Field(description="接班人 / taken over by (signature)")
    facilities_ok: Flag = Field(description="设施、物品正常整洁 / facilities checked")
    outstanding: list[Text] = Field(default_factory=list, description="未完成工作 / work carried over")
    phone_messages: list[Text] = Field(default_factory=list, description="电话通知记录 / phone messages")

    @model_validator(mode="after")
    def _two_signatures(self) -> "ShiftHandover":
        if self.handed_by == self.taken_by:
            raise ValueError("handover needs two different signatures (双方签字)")
        return self
