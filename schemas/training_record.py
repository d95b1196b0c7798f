"""培训记录 (LD-QP-04): each course, how it was assessed and whether it worked (6.2.3 B-C, F)."""
from typing import Literal

from pydantic import Field

from qmskit.forms import FormSpec, Int, RecordRef, Text, TrainingRecord


class Training(TrainingRecord):
    form = FormSpec(
        kind="training_record",
        code="LD-FOR-04-01",
        title_zh="培训记录表",
        title_en="Training record",
        procedure="LD-QP-04",
        id_pattern="TRN-{year}-{seq:03}",
        retention_years=3,
        confidential=("trainer",),
        date_field="held",
        additions=("表格编号 LD-FOR-04-01 为本组织编制(原手册称'教育培训的记录',无编号)",),
    )

    type: Literal["induction", "on_the_job", "promotion", "dispatched_workers"] = Field(
        description="类型 / type: 岗前培训、在职培训、升职培训、派遣人员培训")
    assessment: Literal["oral", "written", "practical", "self"] = Field(
        description="考核方式 / assessed by: 口试、笔试、操作考核、自我评价")
    passed: Int = Field(ge=0, description="考核合格人数 / number who passed")
    material: Text | None = Field(default=None, description="教材 / material (e.g. CS-REF-01)")
    plan: RecordRef("training_plan") | None = Field(  # type: ignore[valid-type]
        default=None, description="培训计划 / the training plan this course carries out")
