"""``qms init``: a small, complete QMS repository that passes ``qms check`` at once.

Dates in the template are written relative to the day of creation
(``@@DATE-30@@``), so a fresh repository is never born overdue; ``@@VERSION@@``
is this qmskit's version, which the new repository pins for its CI.
"""
from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path

from .issues import QmsError
from .registry import load_registry
from .schema_export import export

_TOKEN = re.compile(r"@@(DATE([+-]\d+)?|YEAR|VERSION)@@")
_DOT = "dot-"  # template names for dot-files, which packaging tools tend to drop


def _fill(text: str, today: dt.date) -> str:
    def sub(match: re.Match[str]) -> str:
        if match.group(1) == "YEAR":
            return str(today.year)
        if match.group(1) == "VERSION":
            from . import __version__

            return __version__
        return (today + dt.timedelta(days=int(match.group(2) or 0))).isoformat()

    return _TOKEN.sub(sub, text)


def init_repository(target: Path, today: dt.date) -> list[Path]:
    """Write the template into ``target`` (new or empty); never overwrites."""
    if target.exists() and any(target.iterdir()):
        raise QmsError(f"{target} is not empty; 'qms init' writes only into a new or empty folder")
    template = resources.files("qmskit") / "templates" / "init"
    written: list[Path] = []
    for source in _walk(template):
        rel = source.relative_to(template)  # type: ignore[attr-defined]
        parts = ["." + p[len(_DOT):] if p.startswith(_DOT) else _fill(p, today) for p in rel.parts]
        dest = target.joinpath(*parts)
        dest.parent.mkdir(parents=True, exist_ok=True)
        with open(dest, "x", encoding="utf-8") as handle:
            handle.write(_fill(source.read_text(encoding="utf-8"), today))
        written.append(dest)
    registry = load_registry(target / "schemas", target)
    written.extend(export(target, registry))
    return written


def _walk(folder):  # type: ignore[no-untyped-def]
    for item in sorted(Path(str(folder)).rglob("*")):
        if item.is_file() and "__pycache__" not in item.parts:
            yield item
