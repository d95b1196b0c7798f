"""Pydantic errors as issues at the line where the field stands."""
from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from . import yamlio
from .issues import Issue
from .yamlio import Loaded

M = TypeVar("M", bound=BaseModel)


def _loc_text(loc: tuple[str | int, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _message(error: dict) -> str:  # type: ignore[type-arg]
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    where = _loc_text(loc)
    kind = error["type"]
    if kind == "missing":
        return f"field '{where}' is required; add it"
    if error.get("input", "") is None and kind != "none_required":
        return f"field '{where}' is blank; fill it in"
    if kind == "extra_forbidden":
        return f"unknown field '{where}': the form has no such field (misspelt?)"
    if kind == "string_type" and isinstance(error.get("input"), (int, float)):
        return f"field '{where}': write it as text in quotes ('{error['input']}')"
    msg = error["msg"]
    return f"field '{where}': {msg}" if where else msg


def issues_from_validation(
    exc: ValidationError, path: str, loaded: Loaded | None, rule: str = "schema"
) -> list[Issue]:
    """One issue per pydantic error, placed at the field (or its parent) in the file."""
    issues = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        line, col = loaded.position(loc) if loaded is not None else (1, 1)
        issues.append(Issue(path, line, col, rule, _message(error)))
    return issues


def load_model(
    path: Path, rel: str, model: type[M], rule: str, *, max_bytes: int = yamlio.DEFAULT_MAX_BYTES,
    max_depth: int = yamlio.DEFAULT_MAX_DEPTH,
) -> tuple[M | None, Loaded | None, list[Issue]]:
    """Read a YAML data file into ``model``: (value or None, positions, issues). Never raises for bad input."""
    try:
        loaded = yamlio.load_file(path, max_bytes=max_bytes, max_depth=max_depth)
    except yamlio.YamlError as exc:
        return None, None, [Issue(rel, exc.line, exc.col, exc.rule, exc.message)]
    try:
        return model.model_validate(loaded.data), loaded, []
    except ValidationError as exc:
        return None, loaded, issues_from_validation(exc, rel, loaded, rule=rule)
