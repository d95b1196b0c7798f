"""One format-neutral report model; renderers turn it into Markdown, DOCX or JSON.

Generators (``qmskit.reports``) build a :class:`Report` from data and never
format text for a particular output; a renderer (``qmskit.render``) never
computes anything. ``Report.data`` carries the figures themselves for
``--format json``, so dashboards and scripts read numbers, not prose.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass
class Paragraph:
    text: str
    style: Literal["normal", "note", "warning"] = "normal"


@dataclass
class BulletList:
    items: list[str]


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    caption: str | None = None
    widths: list[float] | None = None  # relative column widths, for DOCX; None: by content
    empty: str = "(无 / none)"  # what a renderer prints for a table without rows


@dataclass
class Series:
    label: str
    values: list[float | None]
    key: str | None = None  # an ASCII name, for a chart drawn without a CJK font


@dataclass
class Figure:
    """A chart described as data: each renderer draws it (PNG) or falls back to a table.

    ``name`` is a stable file stem, unique within its report, so that the
    same report always links the same image file.
    """

    name: str
    title: str
    x: list[str]
    series: list[Series]
    y_label: str = ""
    target: float | None = None
    percent: bool = False
    kind: Literal["line", "bar"] = "line"


Block = Paragraph | BulletList | Table | Figure


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    level: int = 2  # 2: a chapter of the report, 3: a sub-section

    def add(self, *blocks: Block) -> Section:
        self.blocks.extend(blocks)
        return self


@dataclass
class Report:
    title: str
    sections: list[Section] = field(default_factory=list)
    subtitle: str | None = None
    document_id: str | None = None  # printed in a DOCX header: the report's id (e.g. RPT-OBJ-2026)
    period: str | None = None  # printed in a DOCX header
    notice: str | None = None  # printed first, e.g. "this report contains personal data"
    data: dict[str, Any] = field(default_factory=dict)  # the figures, for --format json

    def section(self, title: str, level: int = 2) -> Section:
        self.sections.append(Section(title, level=level))
        return self.sections[-1]

    def figures(self) -> list[Figure]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]


CONFIDENTIAL = "(保密 / confidential)"
