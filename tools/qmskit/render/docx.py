"""DOCX renderer (python-docx): the report people print for a meeting or an audit file.

What Word and LibreOffice users expect of a Chinese report, and python-docx
does not do by itself: the East Asian font is set on every style and every
run (``w:rFonts/@w:eastAsia``; the Latin font alone leaves Chinese text in a
fallback font); table header rows repeat on each page (``w:tblHeader``);
tables span the text width; the page header carries the title, report id
and period; the footer says "第 X 页 共 Y 页" with PAGE and NUMPAGES fields.
"""
from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

from ..report import BulletList, Figure, Paragraph, Report, Table
from .charts import figure_png
from .markdown import figure_table

LATIN_FONT = "Calibri"
EAST_ASIAN_FONT = "宋体"  # SimSun: in every Chinese Word install; LibreOffice maps it to a CJK font it has
EAST_ASIAN_HEADING_FONT = "黑体"  # SimHei
TEXT_WIDTH_CM = 25.7  # A4 landscape less 2 cm margins: checklists and registers have many columns


def set_fonts(owner: object, east_asian: str = EAST_ASIAN_FONT, latin: str = LATIN_FONT) -> None:
    """Set the Latin and the East Asian font of a run or a style."""
    owner.font.name = latin  # type: ignore[attr-defined]
    element = owner._element if isinstance(owner, Run) else owner.element  # type: ignore[attr-defined]
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _run(paragraph: DocxParagraph, text: str, *, bold: bool = False, size: float | None = None,
         heading: bool = False, italic: bool = False, color: RGBColor | None = None) -> Run:
    run = paragraph.add_run(text)
    set_fonts(run, EAST_ASIAN_HEADING_FONT if heading else EAST_ASIAN_FONT)
    run.bold = bold or None
    run.italic = italic or None
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    return run


def _field(paragraph: DocxParagraph, instruction: str) -> None:
    """A complex field (PAGE, NUMPAGES) Word and LibreOffice update when they lay out the page."""
    def char(kind: str) -> None:
        run = _run(paragraph, "")
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = _run(paragraph, "")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    _run(paragraph, "1")
    char("end")


def _styles(document: DocxDocument) -> None:
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption", "Table Grid", "List Bullet",
                 "Header", "Footer", "Quote"):
        try:
            style = document.styles[name]
        except KeyError:
            continue
        heading = name.startswith("Heading") or name == "Title"
        set_fonts(style, EAST_ASIAN_HEADING_FONT if heading else EAST_ASIAN_FONT)
        if heading:
            style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    document.styles["Normal"].font.size = Pt(10.5)


def _page(document: DocxDocument, report: Report, lang: str) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    header = section.header.paragraphs[0]
    parts = [report.title, report.document_id or "", report.period or ""]
    _run(header, "  |  ".join(p for p in parts if p), size=8)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if lang == "zh":
        _run(footer, "第 ", size=8)
        _field(footer, "PAGE")
        _run(footer, " 页 共 ", size=8)
        _field(footer, "NUMPAGES")
        _run(footer, " 页", size=8)
    else:
        _run(footer, "Page ", size=8)
        _field(footer, "PAGE")
        _run(footer, " of ", size=8)
        _field(footer, "NUMPAGES")


def _repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


def _widths(table: Table) -> list[float]:
    """Relative widths: given, or by the longest text of each column (capped, so no column starves)."""
    if table.widths and len(table.widths) == len(table.columns):
        weights = table.widths
    else:
        weights = []
        for n, column in enumerate(table.columns):
            longest = max([_display_len(column)] + [_display_len(row[n]) for row in table.rows if n < len(row)])
            weights.append(min(max(longest, 4), 40))
    total = sum(weights) or 1
    return [TEXT_WIDTH_CM * w / total for w in weights]


def _display_len(text: object) -> int:
    """Width in Latin characters: a CJK character is about two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(text).split("\n")[0])


def _table(document: DocxDocument, table: Table) -> None:
    if table.caption:
        _run(document.add_paragraph(style="Caption"), table.caption, bold=True)
    if not table.rows:
        _run(document.add_paragraph(), table.empty, italic=True)
        return
    grid: DocxTable = document.add_table(rows=1, cols=len(table.columns))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = _widths(table)
    header = grid.rows[0]
    _repeat_header(header)
    for cell, title, width in zip(header.cells, table.columns, widths):
        cell.width = Cm(width)
        _shade(cell, "D9E2F3")
        _run(cell.paragraphs[0], str(title), bold=True, size=9)
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value, width in zip(cells, row, widths):
            cell.width = Cm(width)
            lines = str(value).split("\n")
            paragraph = cell.paragraphs[0]
            for n, line in enumerate(lines):
                if n:
                    paragraph = cell.add_paragraph()
                _run(paragraph, line, size=9)
    tbl_pr = grid._tbl.tblPr
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), "5000")
    width.set(qn("w:type"), "pct")
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.append(width)
    document.add_paragraph()


def _shade(cell: object, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tc_pr.append(shading)


def _figure(document: DocxDocument, figure: Figure) -> None:
    try:
        image = figure_png(figure)
    except ImportError:  # matplotlib missing: the data still reaches the reader
        _table(document, figure_table(figure))
        return
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run().add_picture(io.BytesIO(image), width=Cm(16))
    caption = document.add_paragraph(style="Caption")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(caption, figure.title, italic=True)


def build(report: Report, lang: str = "zh", created: dt.date | None = None) -> DocxDocument:
    """The report as a python-docx Document (not yet saved)."""
    document = Document()
    _styles(document)
    _page(document, report, lang)
    props = document.core_properties
    props.title = report.title
    props.subject = report.document_id or ""
    props.author = props.last_modified_by = "qmskit"
    stamp = dt.datetime.combine(created or dt.date(2000, 1, 1), dt.time())
    props.created = props.modified = stamp
    props.revision = 1
    title = document.add_paragraph(style="Title")
    _run(title, report.title, heading=True)
    if report.notice:
        _run(document.add_paragraph(), report.notice, bold=True, color=RGBColor(0xC0, 0x39, 0x2B))
    if report.subtitle:
        _run(document.add_paragraph(), report.subtitle)
    for section in report.sections:
        heading = document.add_heading(level=min(section.level - 1, 3))
        _run(heading, section.title, heading=True)
        for block in section.blocks:
            if isinstance(block, Table):
                _table(document, block)
            elif isinstance(block, Figure):
                _figure(document, block)
            elif isinstance(block, BulletList):
                for item in block.items:
                    _run(document.add_paragraph(style="List Bullet"), item)
                if not block.items:
                    _run(document.add_paragraph(), "(无 / none)", italic=True)
            elif isinstance(block, Paragraph):
                paragraph = document.add_paragraph(style="Quote" if block.style != "normal" else None)
                color = RGBColor(0xC0, 0x39, 0x2B) if block.style == "warning" else None
                _run(paragraph, block.text, bold=block.style == "warning", color=color)
    return document


def render_docx(report: Report, lang: str = "zh", created: dt.date | None = None) -> bytes:
    out = io.BytesIO()
    build(report, lang, created).save(out)
    return out.getvalue()
