"""Markdown renderer: plain GitHub/mkdocs Markdown (pipe tables, no extensions).

Plain on purpose: the same text reads in a terminal, a pull-request comment
and the site, and builds with mkdocs or its successor without plugins.
Text is data: ``<``, ``>``, ``&``, ``[`` and ``]`` are escaped so a record
cannot inject HTML or links; a line break inside a table cell becomes ``<br>``;
a line of text that would start a block (``# ``, ``> ``, ``- ``, ``1. ``, a
fence or a rule) has that mark escaped, so a record's text cannot make a
heading or a list of its own, and a title stays on one line.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from ..report import Block, BulletList, Figure, Paragraph, Report, Table

FigureLink = Callable[[Figure], str]

_ESCAPES = str.maketrans({"\\": "\\\\", "&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "\\[", "]": "\\]"})


# What starts a Markdown block at the beginning of a line (after up to three spaces); ``>`` is
# already ``&gt;`` and ``<`` ``&lt;``, which start nothing.
_BLOCK_MARK = re.compile(r"^( {0,3})(#{1,6}(?=\s|$)|[-+*](?=\s|$)|={3,}|-{3,}|\*{3,}|_{3,}|`{3,}|~{3,})")
_ORDERED_MARK = re.compile(r"^( {0,3}\d{1,9})(?=[.)](?:\s|$))")


def escape(text: str) -> str:
    return str(text).translate(_ESCAPES)


_ZWSP = "\u200b"


def inert_for_comments(text: str) -> str:
    """Text for a GitHub comment that mentions no one and links nothing on its own.

    :func:`escape` (applied by the renderer) already stops HTML, links and
    images; a comment also turns ``@name`` into a notification, ``#12`` into
    a cross-reference and a bare ``https://`` into a link. A zero-width space
    after ``@``, ``#`` and ``:`` keeps the text readable and inert.
    """
    return str(text).replace("@", "@" + _ZWSP).replace("#", "#" + _ZWSP).replace("://", ":" + _ZWSP + "//")


def _line(text: str) -> str:
    """A line of text, escaped, that starts no block of its own."""
    text = _BLOCK_MARK.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    return _ORDERED_MARK.sub(lambda m: m.group(1) + "\\", text)  # 1. → 1\.


def _text(text: str) -> str:
    """Escaped text of a paragraph: every line inert, a blank line kept (it separates paragraphs)."""
    return "\n".join(_line(line) for line in escape(text).replace("\r", "").split("\n"))


def _one_line(text: str) -> str:
    """Escaped text that must stay on one line (a heading, a list item)."""
    return " ".join(escape(text).replace("\r", "").split("\n"))


def _cell(text: str) -> str:
    return escape(text).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _table(table: Table) -> list[str]:
    lines = []
    if table.caption:
        lines += [f"**{_one_line(table.caption)}**", ""]
    if not table.rows:
        return lines + [_text(table.empty)]
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
        return [f"- {_line(_one_line(item))}" for item in block.items] or ["(无 / none)"]
    if isinstance(block, Figure):
        if link is None:
            return _table(figure_table(block))
        return [f"![{_one_line(block.title)}]({link(block)})", "", f"*{_one_line(block.title)}*"]
    if isinstance(block, Paragraph):
        text = _text(block.text)
        if block.style == "warning":
            return ["> **!** " + text.replace("\n", "\n> ")]
        if block.style == "note":
            return ["> " + text.replace("\n", "\n> ")]
        return [text]
    raise TypeError(f"unknown block {type(block).__name__}")  # pragma: no cover


def render_blocks(blocks: list[Block], figure_link: FigureLink | None = None) -> str:
    """Blocks without a report around them (a table inside a site page)."""
    lines: list[str] = []
    for block in blocks:
        lines += _block(block, figure_link)
        lines.append("")
    return "\n".join(lines).strip()


def render(report: Report, figure_link: FigureLink | None = None) -> str:
    """The report as Markdown; figures as image links when ``figure_link`` names their files."""
    lines = [f"# {_one_line(report.title)}", ""]
    if report.notice:
        lines += ["> **!** " + _text(report.notice).replace("\n", "\n> "), ""]
    if report.subtitle:
        lines += [_text(report.subtitle), ""]
    for section in report.sections:
        lines += [f"{'#' * section.level} {_one_line(section.title)}", ""]
        for block in section.blocks:
            lines += _block(block, figure_link)
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
