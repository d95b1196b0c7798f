"""Reporting periods: a year, a half, a quarter or a month, written as people write them.

``2026``, ``2026-H1``, ``2026-Q2`` and ``2026-05`` — the same spelling the
``objective_result`` form uses, so a reported figure and a computed one
meet on the same key.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from .. import messages
from ..issues import QmsError

Granularity = Literal["year", "half", "quarter", "month"]
MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1}
_PATTERN = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$")


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    granularity: Granularity

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        month0 = self.start.month - 1 + MONTHS[self.granularity]
        first_after = dt.date(self.start.year + month0 // 12, month0 % 12 + 1, 1)
        return first_after - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        year, month = self.start.year, self.start.month
        if self.granularity == "year":
            return str(year)
        if self.granularity == "half":
            return f"{year}-H{(month - 1) // 6 + 1}"
        if self.granularity == "quarter":
            return f"{year}-Q{(month - 1) // 3 + 1}"
        return f"{year}-{month:02d}"

    def __str__(self) -> str:
        return self.label

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        return Period.containing(self.start - dt.timedelta(days=1), self.granularity)

    def split(self, granularity: Granularity) -> list[Period]:
        """The periods of ``granularity`` that make up this one (a year → four quarters)."""
        if MONTHS[granularity] >= MONTHS[self.granularity]:
            return [Period.containing(self.start, granularity)]
        found, current = [], Period.containing(self.start, granularity)
        while current.start <= self.end:
            found.append(current)
            current = Period.containing(current.end + dt.timedelta(days=1), granularity)
        return found

    @classmethod
    def containing(cls, day: dt.date, granularity: Granularity) -> Period:
        size = MONTHS[granularity]
        month = (day.month - 1) // size * size + 1
        return cls(dt.date(day.year, month, 1), granularity)

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PATTERN.match(text.strip())
        if not match:
            raise QmsError(messages.text("rep.period", period=repr(text)))
        year, part = int(match.group(1)), match.group(2)
        if part is None:
            return cls(dt.date(year, 1, 1), "year")
        if part[0] == "H":
            return cls(dt.date(year, (int(part[1]) - 1) * 6 + 1, 1), "half")
        if part[0] == "Q":
            return cls(dt.date(year, (int(part[1]) - 1) * 3 + 1, 1), "quarter")
        return cls(dt.date(year, int(part), 1), "month")


def months_between(first: dt.date, last: dt.date) -> list[Period]:
    """Every calendar month from the one holding ``first`` to the one holding ``last``."""
    found, current = [], Period.containing(first, "month")
    while current.start <= last:
        found.append(current)
        current = Period.containing(current.end + dt.timedelta(days=1), "month")
    return found
