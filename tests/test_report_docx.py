"""The DOCX people print: reopened with python-docx and read as XML, it holds what Word users expect.

Two documents are checked in detail: the objectives report of the reference
QMS, made by the installed ``qms`` command, and a report built here with a
long table (80 rows, so it spans pages), a chart, a warning and Chinese text
throughout: the East Asian font on every run and style, a repeated table
header row, page numbers and the report's title/id/period in header and
footer, full-width tables, the embedded chart, elements in schema order
(what Word would otherwise "repair"), and the same bytes on every run. Every
DOCX of ``qms reports`` then goes through the same structural checks.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import posixpath
import re
import stat
import zipfile
from pathlib import Path

import pytest
from conftest import run_qms

docx = pytest.importorskip("docx", reason="python-docx is not installed: pip install -e '.[test]'")
from docx.oxml.ns import qn  # noqa: E402
from lxml import etree  # noqa: E402  (python-docx's own XML library)

from qmskit.render import render_markdown, write_report  # noqa: E402
from qmskit.render.docx import render_docx  # noqa: E402
from qmskit.report import BulletList, Figure, Paragraph, Report, Series, Table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-27"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")

# Child order the OOXML schema (ECMA-376 part 1, transitional) requires of the elements the renderer
# writes; Word offers to "repair" a document whose children are out of this order.
SCHEMA_ORDER = {
    "tblPr": ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
              "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription", "tblPrChange"],
    "tcPr": ["cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar", "textDirection",
             "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge", "tcPrChange"],
    "tbl": ["bookmarkStart", "tblPr", "tblGrid", "tr"],
    "tr": ["tblPrEx", "trPr", "tc"],
    "tc": ["tcPr", "p", "tbl"],
    "rPr": ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
            "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
            "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
            "em", "lang", "eastAsianLayout", "specVanish", "oMath"],
    "pPr": ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"],
    # header and footer references may come in any order among themselves: footerReference is left unranked
    "sectPr": ["headerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc",
               "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg",
               "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"],
}
TBLHEADER_PARENT = "trPr"  # its children are a choice, in any order: w:tblHeader must simply be in it


# -- the documents -------------------------------------------------------------------------


def long_report() -> Report:
    """A report like a register: a long table, a chart, a warning, Chinese everywhere."""
    report = Report("不合格品登记表(测试)", document_id="RPT-TEST-2026", period="2026-Q3",
                    subtitle="统计期间 2026-07-01 至 2026-09-30,截至 2026-11-27。")
    intro = report.section("概要")
    intro.add(Paragraph("本报告由 qms 自动生成,数据来源于 records/ 下的记录。"),
              Paragraph("3 份记录未通过表格校验,未计入本报告。", "warning"),
              Paragraph("备注:趋势按季度计算。", "note"),
              BulletList(["客服部 12 项", "工程部 7 项", "多行\n条目"]))
    rows = [[f"NCR-2026-{n:04d}", f"第 {n} 项不合格:设备巡检记录缺少签字\n已要求补签", ["客服部", "工程部", "保安部"][n % 3],
             f"2026-{7 + n % 3:02d}-{1 + n % 28:02d}", "已关闭" if n % 4 else "进行中"] for n in range(1, 81)]
    rows[5][1] = "含控制字符\x0c的文本"  # a form feed pasted from a PDF: XML cannot hold it
    register = report.section("登记表")
    register.add(Table(["编号", "描述", "部门", "日期", "状态"], rows, caption="表 1 不合格品一览"))
    chart = report.section("趋势", level=3)
    chart.add(Figure("trend", "图 1 每月不合格数", ["2026-07", "2026-08", "2026-09"],
                     [Series("客服部", [3, 5, 4], key="service"), Series("工程部", [1, None, 2], key="engineering")],
                     y_label="数量"),
              Table(["部门", "数量"], [], caption="空表"))
    return report


@pytest.fixture(scope="module")
def long_docx() -> bytes:
    return render_docx(long_report(), "zh", dt.date(2026, 11, 27))


@pytest.fixture(scope="module")
def cli_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``qms objectives`` on the reference QMS, as Markdown and DOCX."""
    out = tmp_path_factory.mktemp("objectives")
    result = run_qms("objectives", "--as-of", AS_OF, "--format", "md", "--format", "docx", "--out", str(out), cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def cli_docx(cli_out: Path) -> bytes:
    [path] = sorted(cli_out.glob("objectives-*.docx"))
    return path.read_bytes()


@pytest.fixture(params=["long", "objectives"])
def any_docx(request: pytest.FixtureRequest) -> bytes:
    return request.getfixturevalue("long_docx" if request.param == "long" else "cli_docx")


@functools.lru_cache(maxsize=4)
def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@functools.lru_cache(maxsize=16)
def xml(data: bytes, name: str) -> etree._Element:
    return etree.fromstring(parts(data)[name])


def story_parts(data: bytes) -> list[str]:
    """document.xml and every header and footer part."""
    return [n for n in parts(data) if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)]


def local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""  # a comment's tag is not a name


def text_of(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(W + "t"))


# -- checks, each returning what is wrong (so one test can run them over every report) --------


def package_problems(data: bytes) -> list[str]:
    """Malformed XML, a part without a content type, a relationship to a part that is not there."""
    files = parts(data)
    problems = []
    for name, blob in files.items():
        if name.endswith((".xml", ".rels")):
            try:
                etree.fromstring(blob)
            except etree.XMLSyntaxError as exc:
                problems.append(f"{name}: {exc}")
    types = etree.fromstring(files["[Content_Types].xml"])
    overrides = {o.get("PartName", "").lstrip("/") for o in types if local(o.tag) == "Override"}
    defaults = {d.get("Extension", "").lower() for d in types if local(d.tag) == "Default"}
    problems += [f"content type for missing part {name}" for name in overrides - set(files)]
    problems += [f"{name} has no content type" for name in files
                 if name != "[Content_Types].xml" and name not in overrides
                 and name.rsplit(".", 1)[-1].lower() not in defaults]
    for name, blob in files.items():
        if not name.endswith(".rels"):
            continue
        source_dir = posixpath.dirname(posixpath.dirname(name))  # word/_rels/document.xml.rels → word
        for rel in etree.fromstring(blob):
            target = rel.get("Target", "")
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(source_dir, target))
            if rel.get("TargetMode") != "External" and resolved not in files:
                problems.append(f"{name}: {rel.get('Type')} → {target} is missing")
    return problems


def order_problems(data: bytes) -> list[str]:
    """Children out of schema order, and a repeated-header flag anywhere but in w:tr/w:trPr."""
    files = parts(data)
    problems = []
    for name in [*story_parts(data), "word/styles.xml"]:
        root = etree.fromstring(files[name])
        for parent in root.iter(*(W + tag for tag in SCHEMA_ORDER)):
            order = SCHEMA_ORDER[local(parent.tag)]
            ranks = [order.index(local(c.tag)) for c in parent if str(c.tag).startswith(W) and local(c.tag) in order]
            if ranks != sorted(ranks):
                problems.append(f"{name}: <w:{local(parent.tag)}> children {[local(c.tag) for c in parent]}")
        for flag in root.iter(W + "tblHeader"):
            if local(flag.getparent().tag) != TBLHEADER_PARENT or local(flag.getparent().getparent().tag) != "tr":
                problems.append(f"{name}: w:tblHeader inside <w:{local(flag.getparent().tag)}>")
    return problems


def font_problems(data: bytes) -> list[str]:
    """A run of text, or a style, without an East Asian font, or with a theme font that overrides it."""
    problems = []
    for name in story_parts(data):
        for run in xml(data, name).iter(W + "r"):
            if run.find(W + "t") is None:
                continue
            fonts = run.find(f"{W}rPr/{W}rFonts")
            if fonts is None or not fonts.get(W + "eastAsia"):
                problems.append(f"{name}: no East Asian font on {text_of(run)[:40]!r}")
            elif any(fonts.get(W + a) for a in THEME_ATTRS):
                problems.append(f"{name}: a theme font overrides {text_of(run)[:40]!r}")
    document = docx.Document(io.BytesIO(data))
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption", "Header", "Footer"):
        r_pr = document.styles[style_name].element.rPr
        fonts = r_pr.rFonts if r_pr is not None else None
        if fonts is None or not fonts.get(qn("w:eastAsia")):
            problems.append(f"style {style_name}: no East Asian font")
    styles = xml(data, "word/styles.xml")
    problems += [f"styles.xml: theme font {f.attrib}" for f in styles.iter(W + "rFonts")
                 if any(f.get(W + a) for a in THEME_ATTRS)]
    default_lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    if default_lang is None or default_lang.get(W + "eastAsia") != "zh-CN":
        problems.append("the default East Asian language is not zh-CN")
    return problems


def table_problems(data: bytes) -> list[str]:
    """A table not at full width, without a repeated header row, or whose grid and cells disagree."""
    problems = []
    for n, table in enumerate(xml(data, "word/document.xml").iter(W + "tbl"), 1):
        width = table.find(f"{W}tblPr/{W}tblW")
        if width is None or (width.get(W + "type"), width.get(W + "w")) != ("pct", "5000"):
            problems.append(f"table {n}: not 100 % wide")
        rows = table.findall(W + "tr")
        flag = rows[0].find(f"{W}trPr/{W}tblHeader")
        if flag is None or flag.get(W + "val", "true") not in ("true", "1", "on"):
            problems.append(f"table {n}: the first row does not repeat on each page")
        if any(row.find(f"{W}trPr/{W}tblHeader") is not None for row in rows[1:]):
            problems.append(f"table {n}: a data row is marked as a header row")
        # LibreOffice lays a fixed table out by its grid, Word by the cells: they must agree
        grid = [int(c.get(W + "w")) for c in table.find(W + "tblGrid")]
        for row in rows:
            cells = [int(c.find(f"{W}tcPr/{W}tcW").get(W + "w")) for c in row.findall(W + "tc")]
            if len(cells) != len(grid) or any(abs(g - c) > 2 for g, c in zip(grid, cells)):
                problems.append(f"table {n}: cell widths {cells} differ from the grid {grid}")
                break
        if abs(sum(grid) - 25.7 / 2.54 * 1440) > 20:  # the text width of A4 landscape
            problems.append(f"table {n}: columns add up to {sum(grid)} twips, not the text width")
    return problems


# -- the package: Word opens it without a repair prompt ------------------------------------


def test_every_part_is_well_formed_xml_and_every_relationship_resolves(any_docx: bytes) -> None:
    assert package_problems(any_docx) == []


def test_python_docx_reopens_it(any_docx: bytes) -> None:
    document = docx.Document(io.BytesIO(any_docx))
    assert document.paragraphs[0].style.name == "Title"
    assert document.paragraphs[0].text
    assert document.tables


def test_children_are_in_schema_order(any_docx: bytes) -> None:
    assert order_problems(any_docx) == []


# -- what readers see -----------------------------------------------------------------------


def test_east_asian_font_on_every_run_and_style(any_docx: bytes) -> None:
    assert font_problems(any_docx) == []
    document = docx.Document(io.BytesIO(any_docx))
    assert document.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_tables_full_width_with_a_repeated_header_row(any_docx: bytes) -> None:
    assert xml(any_docx, "word/document.xml").find(f".//{W}tbl") is not None
    assert table_problems(any_docx) == []


def test_every_report_of_the_reference_qms(tmp_path: Path) -> None:
    """``qms reports``: every DOCX it writes passes every check above."""
    result = run_qms("reports", "--as-of", AS_OF, "--format", "docx", "--out", str(tmp_path), cwd=ROOT)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    written = sorted(tmp_path.glob("*.docx"))
    assert len(written) >= 10
    problems = []
    for path in written:
        data = path.read_bytes()
        docx.Document(io.BytesIO(data))  # python-docx reopens it
        problems += [f"{path.name}: {p}" for check in (package_problems, order_problems, font_problems,
                                                       table_problems) for p in check(data)]
    assert not problems, "\n".join(problems[:20])


def test_header_carries_title_id_period_and_footer_page_numbers(long_docx: bytes) -> None:
    header = " ".join(text_of(xml(long_docx, n)) for n in story_parts(long_docx) if "header" in n)
    for expected in ("不合格品登记表(测试)", "RPT-TEST-2026", "2026-Q3"):
        assert expected in header
    footers = [xml(long_docx, n) for n in story_parts(long_docx) if "footer" in n]
    instructions = " ".join(i.text or "" for f in footers for i in f.iter(W + "instrText")).split()
    assert instructions == ["PAGE", "NUMPAGES"]
    footer_text = "".join(text_of(f) for f in footers)
    assert footer_text.startswith("第 ") and "页 共" in footer_text
    for footer in footers:  # every run of the footer, the page number too, is 8 pt
        sizes = {r.find(f"{W}rPr/{W}sz").get(W + "val") for r in footer.iter(W + "r")
                 if r.find(f"{W}rPr/{W}sz") is not None}
        runs = [r for r in footer.iter(W + "r")]
        assert sizes == {"16"} and all(r.find(f"{W}rPr/{W}sz") is not None for r in runs)
        kinds = [c.get(W + "fldCharType") for c in footer.iter(W + "fldChar")]
        assert kinds == ["begin", "separate", "end"] * 2


def test_objectives_header_names_the_report(cli_docx: bytes) -> None:
    header = " ".join(text_of(xml(cli_docx, n)) for n in story_parts(cli_docx) if "header" in n)
    assert "质量目标" in header and "2026" in header


def test_english_footer() -> None:
    data = render_docx(Report("Objectives", document_id="RPT-1", period="2026"), "en", dt.date(2026, 1, 1))
    footer = "".join(text_of(xml(data, n)) for n in story_parts(data) if "footer" in n)
    assert footer.startswith("Page ") and " of " in footer


def test_long_table_and_text(long_docx: bytes) -> None:
    document = docx.Document(io.BytesIO(long_docx))
    register = next(t for t in document.tables if t.rows[0].cells[0].text == "编号")
    assert len(register.rows) == 81
    assert register.rows[80].cells[0].text == "NCR-2026-0080"
    assert [p.text for p in register.rows[1].cells[1].paragraphs] == ["第 1 项不合格:设备巡检记录缺少签字", "已要求补签"]
    assert register.rows[6].cells[1].text == "含控制字符的文本"
    texts = [p.text for p in document.paragraphs]
    assert "空表" in texts and "(无 / none)" in texts  # an empty table says so
    warning = next(p for p in document.paragraphs if p.text.startswith("3 份记录"))
    run = warning.runs[0]
    assert run.bold and str(run.font.color.rgb) == "C0392B"
    assert warning.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_chart_is_embedded(any_docx: bytes) -> None:
    files = parts(any_docx)
    images = [n for n in files if n.startswith("word/media/")]
    assert images and all(files[n].startswith(b"\x89PNG\r\n\x1a\n") for n in images)
    rels = etree.fromstring(files["word/_rels/document.xml.rels"])
    image_ids = {r.get("Id") for r in rels if r.get("Type", "").endswith("/image")}
    blips = [b.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
             for b in etree.fromstring(files["word/document.xml"]).iter(
                 "{http://schemas.openxmlformats.org/drawingml/2006/main}blip")]
    assert blips and set(blips) <= image_ids


def test_core_properties_and_bytes_are_deterministic(long_docx: bytes) -> None:
    again = render_docx(long_report(), "zh", dt.date(2026, 11, 27))
    assert parts(again)["word/document.xml"] == parts(long_docx)["word/document.xml"]
    assert again == long_docx  # the zip too: entries are dated by the report, not by the clock
    core = parts(long_docx)["docProps/core.xml"].decode()
    assert "2026-11-27T00:00:00Z" in core and "<dc:creator>qmskit</dc:creator>" in core
    assert "<dc:title>不合格品登记表(测试)</dc:title>" in core
    with zipfile.ZipFile(io.BytesIO(long_docx)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2026, 11, 27, 0, 0, 0)}
        assert "docProps/thumbnail.jpeg" not in archive.namelist()  # the template's empty-page preview


def test_cli_outputs_are_reproducible(cli_out: Path, tmp_path: Path) -> None:
    result = run_qms("objectives", "--as-of", AS_OF, "--format", "md", "--format", "docx", "--out", str(tmp_path),
                     cwd=ROOT)
    assert result.returncode == 0, result.stderr
    first = sorted(p.name for p in cli_out.iterdir())
    assert first == sorted(p.name for p in tmp_path.iterdir())
    assert any(name.endswith(".png") for name in first)
    for name in first:  # Markdown, its chart images and the DOCX: byte for byte
        assert (cli_out / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_markdown_keeps_record_text_inert() -> None:
    report = Report("标题\n# 不是标题")
    report.section("一节").add(Paragraph("第一行\n# 不是标题\n- 不是列表\n1. 不是编号\n---"),
                             BulletList(["# 不是标题", "多行\n条目"]), Paragraph("注意\n# 不是", "warning"))
    text = render_markdown(report)
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == ["# 标题 # 不是标题", "## 一节"]
    assert "\\# 不是标题\n\\- 不是列表\n1\\. 不是编号\n\\---" in text
    assert "- \\# 不是标题" in text and "- 多行 条目" in text
    assert "> **!** 注意\n> \\# 不是" in text


def test_written_files_are_readable_by_others(tmp_path: Path) -> None:
    import os

    mask = os.umask(0o022)
    try:
        written = write_report(long_report(), tmp_path, "long", ["md", "docx", "json"], created=dt.date(2026, 11, 27))
    finally:
        os.umask(mask)
    assert {p.suffix for p in written} == {".md", ".png", ".docx", ".json"}
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path.name


def test_every_file_stays_in_the_output_folder(tmp_path: Path) -> None:
    """A stem with a path separator (an id typed on the command line) cannot write elsewhere."""
    report = Report("图")
    report.section("趋势").add(Figure("by month", "每月", ["1", "2"], [Series("数量", [1, 2])]))
    out = tmp_path / "out"
    written = write_report(report, out, "checklist-../../x", ["md", "docx"], created=dt.date(2026, 1, 1))
    assert {p.parent for p in written} == {out}
    assert sorted(p.name for p in out.iterdir()) == ["checklist-..-..-x-by month.png", "checklist-..-..-x.docx",
                                                    "checklist-..-..-x.md"]
    assert "](checklist-..-..-x-by%20month.png)" in (out / "checklist-..-..-x.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_chart_without_values_draws_quietly() -> None:
    """No matplotlib warning reaches the user's terminal for a series with no value yet."""
    import warnings

    from qmskit.render.charts import figure_png

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = figure_png(Figure("empty", "尚无数据", ["2026-01", "2026-02"], [Series("客服部", [None, None], key="s")]))
    assert png.startswith(b"\x89PNG")
