"""The DOCX reports open in LibreOffice and print: converted to PDF, they have pages, Chinese text,
page numbers in the footer, the table header on every page and the chart.

All documents are converted in one ``soffice`` run (starting LibreOffice is
most of the cost) with a private profile, so the test neither uses nor
changes the user's. Without LibreOffice the test skips and says how to
install it; without poppler-utils (pdftotext, pdffonts, pdfimages) it checks
only that each PDF exists and has pages.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from conftest import run_qms

pytest.importorskip("docx", reason="python-docx is not installed: pip install -e '.[test]'")

from qmskit.render.docx import render_docx  # noqa: E402
from qmskit.report import Figure, Paragraph, Report, Series, Table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-27"
INSTALL = "install with: bash scripts/install-clients.sh (as root; it uses apt-get)"
TIMEOUT = 120


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip(f"LibreOffice (soffice) is not installed; {INSTALL}")
    return found


def poppler(tool: str) -> str | None:
    return shutil.which(tool)


def register_report() -> Report:
    """Long enough to span pages: the table header must come back on each."""
    report = Report("不合格品登记表", document_id="RPT-NCR-2026", period="2026")
    report.section("登记表").add(
        Paragraph("本表列出 2026 年的全部不合格项。"),
        Table(["编号", "描述", "部门", "状态"],
              [[f"NCR-2026-{n:04d}", f"第 {n} 项:巡检记录缺少签字", "客服部", "已关闭"] for n in range(1, 81)]))
    report.section("趋势").add(Figure("trend", "每月不合格数", ["7月", "8月", "9月"], [Series("客服部", [3, 5, 4], key="s")]))
    return report


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every DOCX of the test, converted to PDF in one LibreOffice run: stem → PDF."""
    program = soffice()
    src = tmp_path_factory.mktemp("docx")
    result = run_qms("objectives", "--as-of", AS_OF, "--format", "docx", "--out", str(src), cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    (src / "register.docx").write_bytes(render_docx(register_report(), "zh", dt.date(2026, 11, 27)))
    (src / "english.docx").write_bytes(render_docx(register_report(), "en", dt.date(2026, 11, 27)))
    docs = sorted(src.glob("*.docx"))
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")
    command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(out), *map(str, docs)]
    env = {**os.environ, "HOME": str(profile)}  # LibreOffice writes caches under HOME too
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # soffice starts soffice.bin: end the whole group
        process.communicate()
        pytest.fail(f"LibreOffice did not convert {len(docs)} documents in {TIMEOUT} s")
    converted = {d.stem: out / f"{d.stem}.pdf" for d in docs}
    missing = [stem for stem, pdf in converted.items() if not pdf.is_file()]
    assert not missing, f"LibreOffice converted none of {missing}:\n{stdout}\n{stderr}"
    return converted


def pdf_text(pdf: Path, page: int | None = None) -> str:
    tool = poppler("pdftotext")
    if tool is None:
        pytest.skip(f"pdftotext (poppler-utils) is not installed; {INSTALL}")
    pages = ["-f", str(page), "-l", str(page)] if page else []
    result = subprocess.run([tool, "-enc", "UTF-8", *pages, str(pdf), "-"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def page_count(pdf: Path) -> int:
    tool = poppler("pdfinfo")
    if tool:
        info = subprocess.run([tool, str(pdf)], capture_output=True, text=True, timeout=60).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))


def squeeze(text: str) -> str:
    """Text without white space: pdftotext drops or adds spaces between CJK characters and digits."""
    return re.sub(r"\s+", "", text)


def test_every_docx_becomes_a_pdf_with_pages(pdfs: dict[str, Path]) -> None:
    assert {"register", "english"} <= set(pdfs) and any(s.startswith("objectives-") for s in pdfs)
    for stem, pdf in pdfs.items():
        assert pdf.read_bytes()[:5] == b"%PDF-", stem
        assert page_count(pdf) >= 1, stem
    assert page_count(pdfs["register"]) >= 2  # 80 rows do not fit one page


def test_chinese_text_and_page_numbers_are_printed(pdfs: dict[str, Path]) -> None:
    objectives = next(p for s, p in pdfs.items() if s.startswith("objectives-"))
    text = squeeze(pdf_text(objectives))
    assert "质量目标完成情况" in text
    pages = page_count(objectives)
    assert "第1页共" in text and f"第{pages}页共{pages}页" in text  # PAGE and NUMPAGES were updated
    register = squeeze(pdf_text(pdfs["register"]))
    assert "不合格品登记表" in register and "RPT-NCR-2026" in register  # title, and the header's report id
    assert "NCR-2026-0080" in register
    english = squeeze(pdf_text(pdfs["english"]))
    assert "Page1of" in english


def test_table_header_repeats_on_every_page(pdfs: dict[str, Path]) -> None:
    pdf = pdfs["register"]
    pages = page_count(pdf)
    table_pages = [n for n in range(1, pages + 1) if "NCR-2026-" in pdf_text(pdf, n)]
    assert len(table_pages) >= 2
    for n in table_pages:
        assert "编号" in pdf_text(pdf, n) and "描述" in pdf_text(pdf, n), f"page {n} has no table header"


def test_chinese_is_set_in_a_cjk_font_and_the_chart_is_an_image(pdfs: dict[str, Path]) -> None:
    fonts_tool, images_tool = poppler("pdffonts"), poppler("pdfimages")
    if not fonts_tool or not images_tool:
        pytest.skip(f"pdffonts/pdfimages (poppler-utils) are not installed; {INSTALL}")
    objectives = next(p for s, p in pdfs.items() if s.startswith("objectives-"))
    fonts = subprocess.run([fonts_tool, str(objectives)], capture_output=True, text=True, timeout=60).stdout
    assert re.search(r"CJK|Song|Hei|Ming|Kai|WenQuanYi|SimSun|SimHei|Fang|Droid", fonts, re.I), fonts
    images = subprocess.run([images_tool, "-list", str(objectives)], capture_output=True, text=True, timeout=60).stdout
    assert len(images.strip().splitlines()) > 2, images  # a header, a rule and one line per image
