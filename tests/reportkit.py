"""Helpers for report tests: the reference QMS read-only, small repositories written from dictionaries."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import yaml

from qmskit import yamlio
from qmskit.reports.context import Context
from qmskit.repository import Repository

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 27)


def reference_context(as_of: dt.date = AS_OF, lang: str | None = None) -> Context:
    """The reference QMS of this repository, read only."""
    return Context.load(Repository(ROOT), as_of, lang)


def raw_records(kind: str, root: Path = ROOT) -> list[dict[str, Any]]:
    """A kind's records read with plain PyYAML: the independent count the tests compare with."""
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((root / "records" / kind).glob("*.yaml"))]


def write_record(root: Path, kind: str, data: dict[str, Any]) -> Path:
    path = root / "records" / kind / f"{data['id']}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yamlio.dumps(data), encoding="utf-8")
    return path


def clear_records(root: Path) -> None:
    """Empty records/ of the ``qms init`` repository, whose dates follow the day it was made."""
    for folder in (root / "records").iterdir():
        if folder.is_dir():
            shutil.rmtree(folder)


def context(root: Path, as_of: dt.date, lang: str | None = None) -> Context:
    return Context.load(Repository(root), as_of, lang)
