"""What a terminal shows: colour only where it helps, a progress line that cleans up after itself,
and reports as tables made for a terminal.

Colour follows the conventions users of ruff and git expect: on a terminal
only, never when ``NO_COLOR`` is set (no-color.org), always when
``FORCE_COLOR`` is (CI logs that render ANSI). Reports are drawn with rich,
which wraps table cells by display width, so Chinese text (two columns a
character) lines up; rich is imported only when a table is drawn.
"""
from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .notyping import TYPE_CHECKING

if TYPE_CHECKING:  # the report model is imported where a report is drawn, not for a progress line or a help text
    from typing import IO, Any

    from .report import Report

_ANSI = {"bold": "1", "dim": "2", "red": "31", "yellow": "33", "green": "32", "cyan": "36"}


def colour_wanted(stream: IO[str]) -> bool:
    """Colour on ``stream``: NO_COLOR wins, then FORCE_COLOR, then whether it is a terminal."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _is_terminal(stream) and os.environ.get("TERM") != "dumb"


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def paint(text: str, style: str, on: bool) -> str:
    """``text`` in an ANSI style (``"bold red"``) when ``on``; unchanged otherwise."""
    if not on or not style:
        return text
    codes = ";".join(_ANSI[s] for s in style.split())
    return f"\x1b[{codes}m{text}\x1b[0m"


ProgressFn = Callable[[int, int], None]


@contextmanager
def progress_line(stream: IO[str], label: Callable[[int, int], str], show: bool) -> Iterator[ProgressFn | None]:
    """A one-line counter redrawn in place on a terminal, erased when the work ends.

    Erased (not ended with a newline) so that what follows, problems and the
    summary, starts at the left margin on a clean line. Redrawn at most ten
    times a second: a terminal is slow next to a check of 100,000 records.
    """
    if not show or not _is_terminal(stream):
        yield None
        return
    state: dict[str, Any] = {"width": 0, "last": 0.0}
    # NO_COLOR (or TERM=dumb) asks for no escape codes at all: the line is then blanked with spaces
    escapes = not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"

    def erase() -> str:
        return "\r\x1b[K" if escapes else "\r" + " " * state["width"] + "\r"

    def update(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - state["last"] < 0.1:
            return
        line = label(done, total)
        stream.write(erase() + line)
        state["last"], state["width"] = now, max(state["width"], display_width(line))
        stream.flush()

    try:
        yield update
    finally:
        if state["width"]:
            stream.write(erase())
            stream.flush()


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns`` (COLUMNS, else the terminal's, else 80) without importing shutil.

    argparse asks shutil for the width of every help layout it makes, even
    for a command that prints no help; shutil brings the compressors with it,
    a few milliseconds of a single-record question.
    """
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # no stdout, closed, or not a terminal
            columns = 0
    return columns or 80


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: two for a Chinese character."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_NO_LINE_START = set(",。、;:?!))]」』》”’%·…") | set(",.;:?!)]}%")  # punctuation that ends the line before it


def wrap_display(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns: English breaks at spaces, Chinese between any two characters.

    Why not :func:`textwrap.wrap`: it counts a Chinese character as one column
    (it takes two) and breaks only at spaces, which Chinese does not have.
    A closing mark never starts a line; a word longer than a line stands alone.
    """
    import re

    width = max(width, 10)
    # a piece is closing punctuation, one Chinese character, or a run of other non-space text; with the spaces after it
    wide = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
    pieces = re.findall(rf"(?:[,.;:?!)\]}}%]+|[{wide}]|[^\s{wide}]+)\s*", text.strip())
    lines: list[str] = []
    line = ""
    for piece in pieces:
        word = piece.rstrip()
        if line and display_width(line + word) > width and not (len(word) == 1 and word in _NO_LINE_START):
            lines.append(line.rstrip())
            line = ""
        line += piece
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _plain(text: str) -> str:
    """Text for a terminal: Markdown code marks dropped, control characters (but line breaks) escaped."""
    text = str(text).replace("`", "")
    return "".join(c if c == "\n" or not (c < " " or "\x7f" <= c <= "\x9f") else f"\\x{ord(c):02x}" for c in text)


def render_terminal(report: Report, stream: IO[str] | None = None, colour: bool | None = None,
                    width: int | None = None) -> None:
    """Draw ``report`` with rich: headings, then each table boxed, cells wrapped by display width.

    Every piece of record text goes in as :class:`rich.text.Text`, never as
    markup, so a record cannot style or hide what the terminal shows.
    """
    from rich.console import Console
    from rich.table import Table as RichTable
    from rich.text import Text

    from .render.markdown import figure_table
    from .report import BulletList, Figure, Paragraph, Table

    stream = stream or sys.stdout
    on = colour_wanted(stream) if colour is None else colour
    console = Console(file=stream, width=width, no_color=not on, color_system="auto" if on else None,
                      force_terminal=on, highlight=False, emoji=False, markup=False, soft_wrap=False)

    def table(block: Table) -> None:
        if block.caption:
            console.print(Text(_plain(block.caption), style="bold"))
        if not block.rows:
            console.print(Text(_plain(block.empty), style="dim"))
            return
        multiline = any("\n" in cell for row in block.rows for cell in row)  # rules between rows only then
        grid = RichTable(show_header=True, header_style="bold", expand=False, show_lines=multiline)
        for column in block.columns:
            grid.add_column(Text(_plain(column)), overflow="fold")
        for row in block.rows:
            grid.add_row(*(Text(_plain(cell)) for cell in row))
        console.print(grid)

    console.print(Text(_plain(report.title), style="bold"))
    if report.notice:
        console.print(Text("! " + _plain(report.notice), style="bold yellow"))
    if report.subtitle:
        console.print(Text(_plain(report.subtitle), style="dim"))
    for section in report.sections:
        console.print()
        console.print(Text(_plain(section.title), style="bold cyan" if section.level <= 2 else "bold"))
        for block in section.blocks:
            if isinstance(block, Table):
                table(block)
            elif isinstance(block, Figure):
                table(figure_table(block))
            elif isinstance(block, BulletList):
                for item in block.items:
                    console.print(Text("• " + _plain(item)))
            elif isinstance(block, Paragraph):
                style = {"warning": "bold yellow", "note": "dim"}.get(block.style, "")
                console.print(Text(_plain(block.text), style=style))


def _key(column: str) -> str:
    """A JSON key for a bilingual column heading: its English half (``"日期 / date"`` → ``"date"``)."""
    return column.rsplit(" / ", 1)[-1].strip() or column


def report_json(report: Report) -> dict[str, Any]:
    """The report as data for scripts: each table's rows as objects keyed by the English column names."""
    from .render.markdown import figure_table
    from .report import BulletList, Figure, Paragraph, Table

    sections = []
    for section in report.sections:
        tables, text = [], []
        for block in section.blocks:
            if isinstance(block, Figure):
                block = figure_table(block)
            if isinstance(block, Table):
                keys = [_key(c) for c in block.columns]
                tables.append({"caption": block.caption, "columns": block.columns,
                               "rows": [dict(zip(keys, row, strict=False)) for row in block.rows]})
            elif isinstance(block, Paragraph):
                text.append(block.text)
            elif isinstance(block, BulletList):
                text.extend(block.items)
        sections.append({"title": section.title, "tables": tables, "text": text})
    out: dict[str, Any] = {"title": report.title, "subtitle": report.subtitle, "sections": sections}
    if report.notice:
        out["notice"] = report.notice
    if report.data:
        out["data"] = report.data
    return out
