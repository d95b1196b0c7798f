"""Markdown renderer: plain GitHub/mkdocs Markdown (pipe tables, no extensions).

Plain on purpose: the same text reads in a terminal, a pull-request comment
and the site, and builds with mkdocs or its successor without plugins.
Text is data: ``<``, ``>``, ``&``, ``[`` and ``]`` are escaped so a record
cannot inject HTML or links; a line break inside a table cell becomes ``<br>``.
"""
from __future__ import annotations

from collections.abc import Callable

from ..report import Block, BulletList, Figure, Paragraph, Report, Table

FigureLink = Callable[[Figure], str]

_ESCAPES = str.maketrans({"\\": "\\\\", "&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "\\[", "]": "\\]"})


def escape(text: str) -> str:
    return str(text).translate(_ESCAPES)


def _cell(text: str) -> str:
    return escape(text).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _table(table: Table) -> list[str]:
    lines = []
    if table.caption:
        lines += [f"**{escape(table.caption)}**", ""]
    if not table.rows:
        return lines + [escape(table.empty)]
    lines.append("| " + " | ".join(_cell(c) for c in table.columns) + " |")
    lines.append("|" + "|".join("---" for _ in table.columns) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return lines


def figure_table(figure: Figure) -> Table:
    """A chart's data as a table: what a renderer without images shows instead."""
    def fmt(value: float | None) -> str:
        if value is None:
            return "—"
        return f"{value * 100:.1f} %" if figure.percent else f"{value:g}"

    columns = [figure.y_label or "", *figure.x]
    rows = [[s.label, *(fmt(v) for v in s.values)] for s in figure.series]
    if figure.target is not None:
        rows.append(["target", *(fmt(figure.target) for _ in figure.x)])
    return Table(columns, rows, caption=figure.title)


def _block(block: Block, link: FigureLink | None) -> list[str]:
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, BulletList):
        return [f"- {escape(item)}".replace("\n", " ") for item in block.items] or ["(无 / none)"]
    if isinstance(block, Figure):
        if link is None:
            return _table(figure_table(block))
        return [f"![{escape(block.title)}]({link(block)})", "", f"*{escape(block.title)}*"]
    if isinstance(block, Paragraph):
        text = escape(block.text)
        if block.style == "warning":
            return [f"> **!** {text}"]
        if block.style == "note":
            return [f"> {text}"]
        return [text]
    raise TypeError(f"unknown block {type(block).__name__}")  # pragma: no cover


def render(report: Report, figure_link: FigureLink | None = None) -> str:
    """The report as Markdown; figures as image links when ``figure_link`` names their files."""
    lines = [f"# {escape(report.title)}", ""]
    if report.notice:
        lines += [f"> **!** {escape(report.notice)}", ""]
    if report.subtitle:
        lines += [escape(report.subtitle), ""]
    for section in report.sections:
        lines += [f"{'#' * section.level} {escape(section.title)}", ""]
        for block in section.blocks:
            lines += _block(block, figure_link)
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
