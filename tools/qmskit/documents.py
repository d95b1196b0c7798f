"""Controlled documents (成文信息) and the organization they speak of.

A document is a Markdown file in ``manual/`` whose YAML front matter is its
document-control block. Revision history is never typed here: it comes from
git. Roles and departments are defined once, in ``manual/organization.yml``,
so that records can reference them by name.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .standards import BUILTIN_IDS, STANDARD_ID
from .values import Date
from . import messages

DEFAULT_CLASSES: dict[str, tuple[str, str]] = {
    "QM": ("质量手册", "quality manual"),
    "QP": ("程序文件", "procedure"),
    "WI": ("作业指导书", "work instruction"),
    "FOR": ("表格", "form"),
    "REG": ("管理制度", "regulation"),
    "JD": ("岗位说明书", "job description"),
    "MAN": ("部门手册", "department manual"),
    "REF": ("参考资料", "reference material"),
}
"""The document classes an organization has when ``qms.yml`` declares none: class → (Chinese, English)."""
CLASS_ID = re.compile(r"[A-Z][A-Z0-9]*")
DOC_ID = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+")
ADDITION_MARKER = re.compile(
    r"""^[ \t]*(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+[\w-]+)*[ \t]+"[^"\n]*(?:本组织补充|organi[sz]ation's addition)[^"\n]*"[ \t]*$""",
    re.M | re.I,
)
"""An admonition titled 本组织补充 / organization's addition: the visible marker of text the source does not have."""


def addition_markers(body: str) -> int:
    """How many passages of a document's text are marked as the organization's own addition."""
    return len(ADDITION_MARKER.findall(body))


class SourceRef(BaseModel):
    """Where a document's text comes from: a source file and the sections of it used."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    file: str = Field(min_length=1, description="出处文件 / source file, e.g. 1-property-customer-service.txt")
    sections: list[str] = Field(default_factory=list, description="章节 / sections used, e.g. 1.2.2, 2.2 第 15 条")

    @field_validator("sections", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    def cite(self) -> str:
        return f"{self.file} §{', §'.join(self.sections)}" if self.sections else self.file


class Document(BaseModel):
    """The document-control block at the top of a manual page."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    id: str = Field(description="文件编号 / document number, e.g. LD-QP-08")
    title: str = Field(description="标题 / title")
    type: str = Field(description="文件类别 / class: one of qms.yml's document_classes (default QM QP WI FOR REG JD MAN REF)")
    revision: str = Field(description="版本 / revision, e.g. A/0 (quote it: '1.0')")
    status: Literal["draft", "effective", "obsolete"] = Field(description="状态 / status")
    owner: str = Field(description="编制 / owner (role)")
    approver: str = Field(description="批准 / approver (role)")
    approved: Date | None = Field(default=None, description="批准日期 / approved on")
    effective: Date | None = Field(default=None, description="生效日期 / effective from")
    review_every: int | None = Field(default=None, ge=1, le=120, description="定期评审周期(月)/ periodic review, months")
    iso9001: list[str] = Field(default_factory=list, description="ISO 9001:2015 clauses covered (GB/T 19001-2016)")
    iso14001: list[str] = Field(default_factory=list, description="ISO 14001:2015 clauses covered (GB/T 24001-2016)")
    iso45001: list[str] = Field(default_factory=list, description="ISO 45001:2018 clauses covered (GB/T 45001-2020)")
    iso13485: list[str] = Field(default_factory=list, description="ISO 13485:2016 clauses covered (YY/T 0287-2017)")
    other_standards: dict[str, list[str]] = Field(
        default_factory=dict, exclude=True,
        description="clauses of the organization's own catalogues (standards/<id>.yml), each written as '<id>: [...]'")
    forms: list[str] = Field(default_factory=list, description="record kinds governed")
    supersedes: list[str] = Field(default_factory=list, description="文件编号 replaced by this one")
    references: list[str] = Field(default_factory=list, description="引用文件 / documents referred to")
    unit: str | None = Field(default=None, description="单位 / organizational unit")
    source: list[SourceRef] = Field(
        default_factory=list, description="出处 / the source text this document carries: {file, sections}")
    additions: list[str] = Field(
        default_factory=list,
        description="本组织补充 / what this document adds to its source; each added passage is marked in the text "
                    "with an admonition titled 本组织补充")
    training: Literal["required"] | None = Field(
        default=None, description="培训要求 / 'required': people trained on an earlier revision are due for training again")
    training_within_days: int | None = Field(
        default=None, ge=1, le=365, description="新版本生效后多少天内完成再培训 / days after a new revision takes effect (default 30)")

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not DOC_ID.fullmatch(value):
            raise ValueError(messages.text("docfield.number"))
        return value

    @field_validator("type")
    @classmethod
    def _class_shape(cls, value: str) -> str:
        if not CLASS_ID.fullmatch(value):
            raise ValueError(messages.text("docfield.class"))
        return value

    @model_validator(mode="before")
    @classmethod
    def _own_standards(cls, data: object, info: ValidationInfo) -> object:
        """Fields named by the organization's own standards (``qms.yml`` standards, passed as context) move aside.

        They are checked against their catalogue by ``qms check``, like the
        four fields of the standards qmskit ships; any other unknown field
        stays an error.
        """
        named = (info.context or {}).get("standards", ()) if isinstance(info.context, dict) else ()
        if not isinstance(data, dict):
            return data
        own = [k for k in data if k in named and k not in BUILTIN_IDS and k not in cls.model_fields and STANDARD_ID.fullmatch(k)]
        if not own:
            return data
        rest = {k: v for k, v in data.items() if k not in own}
        rest["other_standards"] = {k: data[k] for k in own}
        return rest

    @property
    def clauses(self) -> dict[str, list[str]]:
        """Standard id → the clauses this document tags, for every standard it tags."""
        found = {std: getattr(self, std) for std in BUILTIN_IDS if getattr(self, std)}
        found.update({k: v for k, v in self.other_standards.items() if v})
        return found

    def tags(self, standard: str) -> list[str]:
        """The clauses this document tags for one standard ([] when none)."""
        return self.clauses.get(standard, [])

    @field_validator("supersedes", "references", "forms", "additions", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("source", mode="before")
    @classmethod
    def _one_source_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, dict) else value

    def review_due(self) -> dt.date | None:
        """When the next periodic review falls, from the effective date."""
        if self.effective is None or self.review_every is None:
            return None
        return add_months(self.effective, self.review_every)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


class Department(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    name: str = Field(description="部门名称 / department")
    unit: str | None = Field(default=None, description="所属单位 / unit")
    en: str | None = Field(default=None, description="English name")
    addition: str | None = Field(
        default=None, description="本组织补充 / why this department is named though the source does not name it")


class Role(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    name: str = Field(description="岗位名称 / role")
    department: str | None = Field(default=None, description="所属部门 / department")
    reports_to: str | None = Field(default=None, description="直接上级 / reports to")
    en: str | None = Field(default=None, description="English name")
    certificates: list[str] = Field(default_factory=list, description="上岗证书 / certificates required")
    document: str | None = Field(default=None, description="岗位说明书 / job description document")
    addition: str | None = Field(
        default=None, description="本组织补充 / why this role is named though the source does not name it")


class Unit(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)

    id: str
    name: str
    prefix: str = Field(description="document-number prefix, e.g. LD")


class Organization(BaseModel):
    """Units, departments and roles: the names records may reference."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(description="组织名称 / organization")
    units: list[Unit] = Field(default_factory=list)
    departments: list[Department] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
