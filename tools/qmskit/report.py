"""One format-neutral report model; renderers turn it into Markdown, DOCX or JSON.

Generators (``qmskit.reports``) build a :class:`Report` from data and never
format text for a particular output; a renderer (``qmskit.render``) never
computes anything. ``Report.data`` carries the figures themselves for
``--format json``, so dashboards and scripts read numbers, not prose.
"""

from __future__ import annotations

from .notyping import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import Any, Literal

# The blocks are values, built once and read by the renderers: NamedTuples, which Python makes in a
# tenth of a dataclass's time and without importing ``dataclasses`` (and with it ``inspect``, ``ast``,
# ``dis``): that import and these classes were a fifth of what ``qms show`` of one record costs.
# A report and its sections are filled in after they are made, so they are plain classes.


class Paragraph(NamedTuple):
    text: str
    style: Literal["normal", "note", "warning"] = "normal"


class BulletList(NamedTuple):
    items: list[str]


class Table(NamedTuple):
    columns: list[str]
    rows: list[list[str]]
    caption: str | None = None
    widths: list[float] | None = None  # relative column widths, for DOCX; None: by content
    empty: str = "(无 / none)"  # what a renderer prints for a table without rows


class Series(NamedTuple):
    label: str
    values: list[float | None]
    key: str | None = None  # an ASCII name, for a chart drawn without a CJK font


class Figure(NamedTuple):
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


class _Filled:
    """Equality and a repr by attributes, as a dataclass has them, for the two classes filled after they are made."""

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented  # as a dataclass: the other side may know how to compare
        return vars(other) == vars(self)

    __hash__ = None  # type: ignore[assignment]  # mutable: not hashable, as a dataclass with eq

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"


class Section(_Filled):
    def __init__(self, title: str, blocks: list[Block] | None = None, level: int = 2) -> None:
        self.title = title
        self.blocks: list[Block] = [] if blocks is None else blocks
        self.level = level  # 2: a chapter of the report, 3: a sub-section

    def add(self, *blocks: Block) -> "Section":
        self.blocks.extend(blocks)
        return self


class Report(_Filled):
    def __init__(self, title: str, sections: list[Section] | None = None, subtitle: str | None = None,
                 document_id: str | None = None, period: str | None = None, notice: str | None = None,
                 data: dict[str, Any] | None = None) -> None:
        self.title = title
        self.sections: list[Section] = [] if sections is None else sections
        self.subtitle = subtitle
        self.document_id = document_id  # printed in a DOCX header: the report's id (e.g. RPT-OBJ-2026)
        self.period = period  # printed in a DOCX header
        self.notice = notice  # printed first, e.g. "this report contains personal data"
        self.data: dict[str, Any] = {} if data is None else data  # the figures, for --format json

    def section(self, title: str, level: int = 2) -> Section:
        self.sections.append(Section(title, level=level))
        return self.sections[-1]

    def figures(self) -> list[Figure]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Figure)]


CONFIDENTIAL = "(保密 / confidential)"
