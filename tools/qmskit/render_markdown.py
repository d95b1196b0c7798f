"""Markdown renderer: plain GitHub/mkdocs Markdown, tables as pipe tables."""
from __future__ import annotations

from .report import Paragraph, Report, Table


def _cell(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _table(table: Table) -> list[str]:
    lines = []
    if table.caption:
        lines += [f"**{table.caption}**", ""]
    lines.append("| " + " | ".join(_cell(c) for c in table.columns) + " |")
    lines.append("|" + "|".join("---" for _ in table.columns) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return lines


def render(report: Report) -> str:
    lines = [f"# {report.title}", ""]
    if report.subtitle:
        lines += [report.subtitle, ""]
    for section in report.sections:
        lines += [f"## {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Table):
                lines += _table(block) if block.rows else ["(无 / none)"]
            elif isinstance(block, Paragraph):
                lines.append(block.text)
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
