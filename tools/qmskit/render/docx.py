"""DOCX renderer (python-docx): the report people print for a meeting or an audit file.

What Word and LibreOffice users expect of a Chinese report, and python-docx
does not do by itself: the East Asian font is set on every style and every
run (``w:rFonts/@w:eastAsia``; the Latin font alone leaves Chinese text in a
fallback font); table header rows repeat on each page (``w:tblHeader``);
tables span the text width; the page header carries the title, report id
and period; the footer says "第 X 页 共 Y 页" with PAGE and NUMPAGES fields.

Also: style fonts are explicit, never the theme's (a ``w:*Theme`` attribute
overrides the font named beside it); the East Asian language is zh-CN, so
Word applies Chinese line breaking and a LibreOffice without 宋体/黑体 falls
back to Simplified-Chinese glyph forms, not the machine locale's; table
columns are set in ``w:tblGrid`` (LibreOffice lays out a fixed table by its
grid, not by cell widths); elements go where the OOXML schema puts them, so
Word opens the file without a repair prompt; and the same report gives the
same bytes (zip entries carry the report's date, not the time of writing).
"""
from __future__ import annotations

import copy
import datetime as dt
import io
import re
import zipfile
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_Fonts
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
EAST_ASIAN_LANG = "zh-CN"
THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
# Characters XML 1.0 cannot hold (lxml refuses them): a record pasted from a PDF may carry a form feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: object) -> str:
    """``text`` without the characters an XML document cannot contain."""
    return _NOT_XML.sub("", str(text))


def set_fonts(owner: object, east_asian: str = EAST_ASIAN_FONT, latin: str = LATIN_FONT) -> None:
    """Set the Latin and the East Asian font of a run or a style."""
    owner.font.name = latin  # type: ignore[attr-defined]
    element = owner._element if isinstance(owner, Run) else owner.element  # type: ignore[attr-defined]
    _set_rfonts(element.get_or_add_rPr().get_or_add_rFonts(), east_asian, latin)


def _set_rfonts(fonts: CT_Fonts, east_asian: str, latin: str) -> None:
    for attr in THEME_FONT_ATTRS:  # a theme font wins over the named one: drop it
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _run(paragraph: DocxParagraph, text: str, *, bold: bool = False, size: float | None = None,
         heading: bool = False, italic: bool = False, color: RGBColor | None = None) -> Run:
    r = paragraph._p.add_r()
    r.append(_run_properties(EAST_ASIAN_HEADING_FONT if heading else EAST_ASIAN_FONT, bold, italic, size, color))
    text = xml_text(text)
    if text:
        r.text = text  # python-docx: a tab becomes <w:tab/>, a line break <w:br/>
    return Run(r, paragraph)


_RUN_PROPERTIES: dict[tuple[Any, ...], Any] = {}


def _run_properties(east_asian: str, bold: bool, italic: bool, size: float | None, color: RGBColor | None) -> Any:
    """A fresh ``w:rPr`` for a run: made once per look through python-docx (schema order), then copied.

    A register has thousands of cells; setting each run's properties one by one through python-docx
    took most of the time of ``qms reports``.
    """
    key = (east_asian, bool(bold), bool(italic), size, str(color) if color is not None else None)
    template = _RUN_PROPERTIES.get(key)
    if template is None:
        run = Run(OxmlElement("w:r"), None)  # type: ignore[arg-type]
        set_fonts(run, east_asian)
        run.bold = bold or None
        run.italic = italic or None
        if size:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
        template = _RUN_PROPERTIES.setdefault(key, run._r.get_or_add_rPr())
    return copy.deepcopy(template)


def _field(paragraph: DocxParagraph, instruction: str, size: float | None = None) -> None:
    """A complex field (PAGE, NUMPAGES) Word and LibreOffice update when they lay out the page.

    Every run of the field has the size of the text around it, so the number is not printed larger.
    """
    def run_with(element: object) -> None:
        run = paragraph.add_run()
        set_fonts(run)
        if size:
            run.font.size = Pt(size)
        run._r.append(element)

    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run_with(element)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    char("separate")
    _run(paragraph, "1", size=size)
    char("end")


def _styles(document: DocxDocument) -> None:
    _defaults(document)
    named = ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption", "Table Grid", "List Bullet",
             "Header", "Footer", "Quote")
    for name in named:
        try:
            style = document.styles[name]
        except KeyError:
            continue
        heading = name.startswith("Heading") or name == "Title"
        set_fonts(style, EAST_ASIAN_HEADING_FONT if heading else EAST_ASIAN_FONT)
        if heading:
            style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    # Every other place in the styles that names theme fonts (Heading 4-9, "Heading 1 Char", the table
    # styles' conditional formats …) names the report's fonts instead: no text falls back to the theme's.
    for fonts in document.styles.element.iter(qn("w:rFonts")):
        if any(fonts.get(qn(a)) for a in THEME_FONT_ATTRS):
            heading = fonts.get(qn("w:asciiTheme"), "").startswith("major")
            _set_rfonts(fonts, EAST_ASIAN_HEADING_FONT if heading else EAST_ASIAN_FONT, LATIN_FONT)
    document.styles["Normal"].font.size = Pt(10.5)


def _defaults(document: DocxDocument) -> None:
    """Document defaults: the report's fonts (not the theme's) and Chinese as the East Asian language."""
    r_pr = document.styles.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    if r_pr is None:  # pragma: no cover - python-docx's template has them
        return
    _set_rfonts(r_pr.get_or_add_rFonts(), EAST_ASIAN_FONT, LATIN_FONT)
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)  # w:lang is the last child of w:rPr that python-docx's template uses
    lang.set(qn("w:val"), lang.get(qn("w:val")) or "en-US")
    lang.set(qn("w:eastAsia"), EAST_ASIAN_LANG)


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
        _field(footer, "PAGE", 8)
        _run(footer, " 页 共 ", size=8)
        _field(footer, "NUMPAGES", 8)
        _run(footer, " 页", size=8)
    else:
        _run(footer, "Page ", size=8)
        _field(footer, "PAGE", 8)
        _run(footer, " of ", size=8)
        _field(footer, "NUMPAGES", 8)


def _repeat_header(row: object) -> None:
    """Mark ``row`` as a header row that repeats on every page (``w:trPr/w:tblHeader``)."""
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    for old in tr_pr.findall(qn("w:tblHeader")):
        tr_pr.remove(old)
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


CHAR_TWIPS = 120  # one Latin character of 9 pt table text, in Calibri or a wider substitute (DejaVu Sans); CJK: two
CELL_PAD_TWIPS = 240  # the cell's left and right margins (108 twips each) and a little air
TWIPS_PER_CM = 1440 / 2.54


def _widths(table: Table) -> list[float]:
    """Column widths in cm, filling the text width: given (relative), or by content.

    By content: each column asks for its longest line (capped at 40 characters, so no column takes
    the page) and gets at least its longest unbreakable word (an id such as NCR-2026-0007 is not
    split over two lines) when the page allows; the rest is shared in proportion to what is asked.
    """
    total = TEXT_WIDTH_CM * TWIPS_PER_CM
    weights = [max(float(w), 0.0) for w in table.widths or []]
    if len(weights) == len(table.columns) and sum(weights) > 0:
        return [w * total / sum(weights) / TWIPS_PER_CM for w in weights]
    asked, least = [], []
    for n, column in enumerate(table.columns):
        texts = [str(column)] + [str(row[n]) for row in table.rows if n < len(row)]
        longest = max(_display_len(line) for text in texts for line in text.split("\n"))
        word = max(_word_len(text) for text in texts)
        asked.append(min(max(longest, 4), 40) * CHAR_TWIPS + CELL_PAD_TWIPS)
        least.append(min(max(word, 2), 16) * CHAR_TWIPS + CELL_PAD_TWIPS)
    least = [min(a, m) for a, m in zip(asked, least)]
    if sum(asked) <= total or sum(least) >= total:  # all fits, or not even the words: in proportion
        base = asked if sum(asked) <= total else least
        scale = total / sum(base)
        twips = [w * scale for w in base]
    else:  # every column its words, and the rest in proportion to the width still asked
        spare = total - sum(least)
        extra = [a - m for a, m in zip(asked, least)]
        twips = [m + spare * e / (sum(extra) or 1) for m, e in zip(least, extra)]
    return [w / TWIPS_PER_CM for w in twips]


def _display_len(text: str) -> int:
    """Width of a line in Latin characters: a CJK character is about two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _word_len(text: str) -> int:
    """The longest run a line cannot break (no space, no CJK character; a CJK character breaks anywhere)."""
    longest = run = 0
    for ch in text:
        if ch.isspace():
            run = 0
        elif ord(ch) > 0x2E80:
            run = 0
            longest = max(longest, 2)
        else:
            run += 1
            longest = max(longest, run)
    return longest


def _table(document: DocxDocument, table: Table) -> None:
    if table.caption:
        _run(_paragraph(document, "Caption"), table.caption, bold=True)
    if not table.rows:
        _run(document.add_paragraph(), table.empty, italic=True)
        return
    grid: DocxTable = document.add_table(rows=1, cols=len(table.columns))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    widths = _widths(table)
    for column, width in zip(grid.columns, widths):  # w:tblGrid: what LibreOffice lays a fixed table out by
        column.width = Cm(width)
    header = grid.rows[0]
    _repeat_header(header)
    for cell, title, width in zip(header.cells, table.columns, widths):
        cell.width = Cm(width)
        _shade(cell, "D9E2F3")
        _run(cell.paragraphs[0], str(title), bold=True, size=9)
    # One empty row made by python-docx (each cell as wide as its grid column), copied for every row:
    # python-docx's add_row per row took seconds for a register of a thousand records.
    blank = grid.add_row()._tr  # type: ignore[no-untyped-call]  # python-docx leaves add_row untyped
    tbl = grid._tbl
    tbl.remove(blank)
    for row in table.rows:
        tr = copy.deepcopy(blank)
        tbl.append(tr)
        for tc, value in zip(tr.tc_lst, row):
            for n, line in enumerate(str(value).split("\n")):
                p = tc.p_lst[0] if n == 0 else tc.add_p()
                _run(DocxParagraph(p, None), line, size=9)  # type: ignore[arg-type]
    tbl_pr = grid._tbl.tblPr
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), "5000")
    width.set(qn("w:type"), "pct")
    for old in tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.insert_element_before(width, *_TBLPR_AFTER_TBLW)  # schema order: Word repairs a misplaced tblW
    document.add_paragraph()


_TBLPR_AFTER_TBLW = ("w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                     "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_TCPR_AFTER_SHD = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
                   "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")


def _shade(cell: object, fill: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    for old in tc_pr.findall(qn("w:shd")):
        tc_pr.remove(old)
    tc_pr.insert_element_before(shading, *_TCPR_AFTER_SHD)


def _paragraph(document: DocxDocument, style_id: str | None = None) -> DocxParagraph:
    """A new paragraph in a style of the template, named by its id (python-docx looks a name up each time)."""
    paragraph = document.add_paragraph()
    if style_id:
        paragraph._p.style = style_id
    return paragraph


def _figure(document: DocxDocument, figure: Figure) -> None:
    try:
        image = figure_png(figure)
    except ImportError:  # matplotlib missing: the data still reaches the reader
        _table(document, figure_table(figure))
        return
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    set_fonts(run)
    run.add_picture(io.BytesIO(image), width=Cm(16))
    caption = _paragraph(document, "Caption")
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
    props.comments = "qmskit"
    _drop_thumbnail(document)
    title = _paragraph(document, "Title")
    _run(title, report.title, heading=True)
    if report.notice:
        _run(document.add_paragraph(), report.notice, bold=True, color=RGBColor(0xC0, 0x39, 0x2B))
    if report.subtitle:
        _run(document.add_paragraph(), report.subtitle)
    for section in report.sections:
        heading = _paragraph(document, f"Heading{min(section.level - 1, 3)}")
        _run(heading, section.title, heading=True)
        for block in section.blocks:
            if isinstance(block, Table):
                _table(document, block)
            elif isinstance(block, Figure):
                _figure(document, block)
            elif isinstance(block, BulletList):
                for item in block.items:
                    _run(_paragraph(document, "ListBullet"), item)
                if not block.items:
                    _run(document.add_paragraph(), "(无 / none)", italic=True)
            elif isinstance(block, Paragraph):
                paragraph = _paragraph(document, "Quote" if block.style != "normal" else None)
                color = RGBColor(0xC0, 0x39, 0x2B) if block.style == "warning" else None
                _run(paragraph, block.text, bold=block.style == "warning", color=color)
    return document


def _drop_thumbnail(document: DocxDocument) -> None:
    """The template's preview picture shows an empty page, not this report: leave it out."""
    rels = document.part.package.rels
    for rid in [rid for rid, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        rels.pop(rid)


def reproducible_zip(data: bytes, day: dt.date | None = None) -> bytes:
    """The same zip with every entry dated ``day`` (python-docx stamps the time of writing)."""
    day = day if day is not None and day.year >= 1980 else dt.date(2000, 1, 1)  # zip dates start in 1980
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info))
    return out.getvalue()


def render_docx(report: Report, lang: str = "zh", created: dt.date | None = None) -> bytes:
    """The report as DOCX bytes; the same report, language and date give the same bytes."""
    out = io.BytesIO()
    build(report, lang, created).save(out)
    return reproducible_zip(out.getvalue(), created)
