"""Renderers: one :class:`~qmskit.report.Report`, several formats.

``write_report`` is the one place reports reach the disk: every file is
written whole to a temporary file and renamed, never through a symlink, and
never into the folders that hold the QMS itself.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from .. import messages
from ..fileio import atomic_write
from ..errors import QmsError
from ..report import Figure, Report
from ..notyping import TYPE_CHECKING
from .markdown import render as render_markdown

if TYPE_CHECKING:
    from typing import Any

FORMATS = ("md", "docx", "json")
PROTECTED = ("records", "manual", "schemas")


def render_json(report: Report) -> str:
    """The report's figures as data (sorted keys, so the same input gives the same bytes)."""
    import json  # here: a report shown as Markdown (qms show) should not import it

    payload = {"title": report.title, "report": report.document_id, "period": report.period, **report.data}
    return json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True, default=_jsonable) + "\n"


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def check_out_dir(out: Path, root: Path) -> None:
    """Refuse an output folder inside records/, manual/ or schemas/: no report may overwrite the QMS."""
    resolved = out.resolve()
    for name in PROTECTED:
        protected = (root / name).resolve()
        if resolved == protected or protected in resolved.parents:
            raise QmsError(messages.text("render.out_inside", out=out, name=name))


def file_name(name: str) -> str:
    """``name`` as one file name inside the output folder: no separator, no control character."""
    cleaned = _NOT_IN_NAME.sub("-", name)
    return "report" if cleaned in ("", ".", "..") else cleaned


_NOT_IN_NAME = re.compile(r"[\\/\x00-\x1f\x7f]")


def write_report(report: Report, out: Path, stem: str, formats: Iterable[str], *, lang: str = "zh",
                 created: dt.date | None = None) -> list[Path]:
    """Write ``stem.md`` (with ``stem-<figure>.png`` images), ``stem.docx`` and/or ``stem.json`` into ``out``.

    A stem or figure name that holds a path separator (an id typed on the command line) has it
    replaced, so every file lands in ``out``; the Markdown links its images URL-encoded.
    """
    written: list[Path] = []
    stem = file_name(stem)
    for fmt in formats:
        if fmt == "md":
            figures: dict[str, Figure] = {}

            def link(figure: Figure) -> str:
                name = file_name(f"{stem}-{figure.name}.png")
                figures[name] = figure  # noqa: B023 - link is called only within this iteration
                return quote(name)

            text = render_markdown(report, link)
            from .charts import figure_png

            for name, figure in figures.items():
                atomic_write(out / name, figure_png(figure))
                written.append(out / name)
            atomic_write(out / f"{stem}.md", text.encode("utf-8"))
        elif fmt == "docx":
            from .docx import render_docx

            atomic_write(out / f"{stem}.docx", render_docx(report, lang, created))
        elif fmt == "json":
            atomic_write(out / f"{stem}.json", render_json(report).encode("utf-8"))
        else:
            raise QmsError(messages.text("render.format", fmt=repr(fmt), formats=messages.join(FORMATS)))
        written.append(out / f"{stem}.{fmt}")
    return written


__all__ = ["FORMATS", "atomic_write", "check_out_dir", "file_name", "render_json", "render_markdown", "write_report"]
