"""Quality objectives, service standards and recurring activities, defined as data.

They live in ``manual/objectives.yml`` and ``manual/schedule.yml`` because
they belong to the organization, not to the engine: each names the document
it comes from, the record kind it is measured on, and the rule that measures
it. Computing results and due dates is the job of the reports; this module
only defines and loads the data so that ``qms check`` can hold it to the forms.
"""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from . import messages

OBJECTIVES_FILE = "manual/objectives.yml"
SCHEDULE_FILE = "manual/schedule.yml"

Scalar = str | int | float | bool


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Rule(_Strict):
    """How an objective is counted from records of one kind in a period.

    ``share_true``: the share of records whose ``field`` is true.
    ``share_done``: the share of records whose ``field`` (a date) is filled
    in by the end of the period (a complaint replied to).
    """

    kind: str
    measure: Literal["share_true", "share_done"]
    field: str
    date_field: str = Field(description="the date that puts a record in a period")
    where: dict[str, Scalar] = Field(default_factory=dict, description="only records with these values")
    split_by: str | None = Field(default=None, description="report the result per value of this field too")


class Objective(_Strict):
    id: str = Field(pattern=r"^OBJ-[A-Z]+-\d+$")
    name: str
    en: str
    unit: str
    target: float = Field(ge=0, le=1, description="a share: 0.95 is 95 %")
    comparison: Literal[">=", "<="] = ">="
    period: Literal["year", "half", "quarter", "month"]
    source: str = Field(description="document and section that sets it")
    department: str | None = Field(default=None, description="the department it is split to")
    parent: str | None = Field(default=None, description="the company objective this one is split from")
    rule: Rule


class Standard(_Strict):
    """A service standard that is a number, not a share of records (phone within three rings)."""

    id: str = Field(pattern=r"^STD-[A-Z]+-\d+$")
    name: str
    en: str
    value: float
    unit_of_measure: str
    source: str
    department: str | None = None


class Interval(_Strict):
    days: int | None = Field(default=None, ge=1)
    months: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _one(self) -> Interval:
        if (self.days is None) == (self.months is None):
            raise ValueError(messages.text("plan.days_or_months"))
        return self


class After(_Strict):
    """A deadline counted from a date on each record (audit file within 10 days of the audit's end)."""

    field: str
    days: int = Field(ge=0)
    done_field: str


class Activity(_Strict):
    id: str = Field(pattern=r"^ACT-[A-Z]+-\d+$")
    name: str
    en: str
    unit: str
    source: str
    owner: str = Field(description="role responsible")
    kind: str
    date_field: str
    where: dict[str, Scalar] = Field(default_factory=dict)
    every: Interval | None = None
    max_interval: Interval | None = Field(default=None, description="longest gap allowed between two records")
    due_day: int | None = Field(default=None, ge=1, le=31, description="monthly: by this day of the month")
    due_date: str | None = Field(default=None, description="yearly: by this MM-DD")
    after: After | None = None

    @field_validator("due_date")
    @classmethod
    def _month_day(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", value):
            raise ValueError(messages.text("plan.month_day"))
        return value

    @model_validator(mode="after")
    def _some_timing(self) -> Activity:
        if self.every is None and self.after is None:
            raise ValueError(messages.text("plan.timing"))
        return self


class ObjectivesFile(_Strict):
    objectives: list[Objective]
    standards: list[Standard] = Field(default_factory=list)


class ScheduleFile(_Strict):
    activities: list[Activity]
