"""One format-neutral report model; renderers turn it into Markdown (and later DOCX).

Generators build a :class:`Report` from data and never format text for a
particular output; a renderer never computes anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    caption: str | None = None


Block = Paragraph | Table


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Report:
    title: str
    sections: list[Section] = field(default_factory=list)
    subtitle: str | None = None
    document_id: str | None = None  # printed in a DOCX header

    def section(self, title: str) -> Section:
        self.sections.append(Section(title))
        return self.sections[-1]


CONFIDENTIAL = "(保密 / confidential)"
