"""人员登记表 (LD-QP-01): the people register. Each person, the roles held and when, the certificates held.

Records that say who did something may name a person by this record's id
(``by_person``, ``assessee`` …); ``qms check`` holds the person to the role
they held that day. The id number and phone are personal data, kept out of
every output.
"""
from typing import Literal

from pydantic import Field

from qmskit.forms import FormSpec, Person, Text


class PersonRecord(Person):
    form = FormSpec(
        kind="person",
        code="LD-FOR-01-01",
        title_zh="人员登记表",
        title_en="Person record",
        procedure="LD-QP-01",
        id_pattern="EMP-{seq:04}",
        retention_years=30,
        confidential=("id_number", "phone"),
        additions=("人员登记表及编号 LD-FOR-01-01 为本组织编制(原手册只要求人员资料存档,未给表格)",),
    )

    unit: Literal["labor-dispatch", "property", "hotel", "tax"] = Field(description="单位 / unit")
    id_number: Text | None = Field(default=None, description="身份证号 / ID number")
    phone: Text | None = Field(default=None, description="联系电话 / phone")
