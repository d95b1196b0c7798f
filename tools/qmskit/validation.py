"""Pydantic errors as issues at the line where the field stands.

A message names the field and what to do, and never carries a value the
form marks confidential: an issue ends up in terminals, CI logs and
pull-request annotations, where personal data must not go.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from . import yamlio
from .issues import Issue
from .masking import dotted, mask
from .report import CONFIDENTIAL
from .yamlio import Loaded

M = TypeVar("M", bound=BaseModel)
# Messages a form's own validator writes: they may quote the value, so a confidential field gets a plain one.
_OWN_MESSAGES = ("value_error", "assertion_error")


def _loc_text(loc: tuple[str | int, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _message(error: dict, secret: bool = False) -> str:  # type: ignore[type-arg]
    """One error in words; with ``secret``, nothing of the value is said, only what is wrong with it."""
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
        if secret:
            return f"field '{where}': write it as text in quotes (the value is confidential, so it is not shown)"
        return f"field '{where}': write it as text in quotes ('{error['input']}')"
    if secret and kind in _OWN_MESSAGES:
        return f"field '{where}' is not valid (the value is confidential, so the form's message is not shown); correct it"
    msg = error["msg"]
    return f"field '{where}': {msg}" if where else msg


def confidential_values(data: Any, confidential: Iterable[str]) -> set[str]:
    """The text of every confidential value in ``data``: what the one masking function hides."""
    names = tuple(confidential)
    return set(_hidden(data, mask(data, names))) if names else set()


def _hidden(original: Any, masked: Any) -> Iterator[str]:
    if isinstance(original, dict) and isinstance(masked, dict):
        for key, value in original.items():
            yield from _hidden(value, masked.get(key))
    elif isinstance(original, list) and isinstance(masked, list) and len(original) == len(masked):
        for value, shown in zip(original, masked):
            yield from _hidden(value, shown)
    elif original != masked:
        yield from _scalars(original)


def _scalars(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _scalars(item)
    elif isinstance(value, list):
        for item in value:
            yield from _scalars(item)
    elif value not in (None, "", True, False):
        yield str(value)


def _at_confidential(names: tuple[str, ...], loc: tuple[str | int, ...]) -> bool:
    """Whether the error is about a confidential value itself (not a block that merely holds one)."""
    name = dotted([p for p in loc if not str(p).startswith("function-")])
    return bool(name) and any(name == c or name.startswith(c + ".") for c in names)


def scrub(message: str, secrets: Iterable[str], marker: str = CONFIDENTIAL) -> str:
    """``message`` with every confidential value in it replaced: the last guard for a form's own message."""
    for secret in sorted((s for s in secrets if len(s) >= 2), key=len, reverse=True):
        message = message.replace(secret, marker)
    return message


def issues_from_validation(
    exc: ValidationError, path: str, loaded: Loaded | None, rule: str = "schema",
    confidential: Iterable[str] = (),
) -> list[Issue]:
    """One issue per pydantic error, placed at the field (or its parent) in the file.

    ``confidential`` (the form's confidential fields): errors at those fields
    do not quote the value, and no confidential value of the file survives in
    any message, whatever a form's own validator wrote.
    """
    names = tuple(confidential)
    secrets = confidential_values(loaded.data, names) if loaded is not None and names else set()
    issues = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        line, col = loaded.position(loc) if loaded is not None else (1, 1)
        secret = _at_confidential(names, loc)
        issues.append(Issue(path, line, col, rule, scrub(_message(error, secret), secrets)))
    return issues


def load_model(
    path: Path, rel: str, model: type[M], rule: str, *, max_bytes: int = yamlio.DEFAULT_MAX_BYTES,
    max_depth: int = yamlio.DEFAULT_MAX_DEPTH, root: Path | None = None,
) -> tuple[M | None, Loaded | None, list[Issue]]:
    """Read a YAML data file into ``model``: (value or None, positions, issues). Never raises for bad input.

    With ``root``, a linked folder between it and ``path`` is refused, not followed.
    """
    try:
        loaded = yamlio.load_file(path, max_bytes=max_bytes, max_depth=max_depth, root=root)
    except yamlio.YamlError as exc:
        return None, None, [Issue(rel, exc.line, exc.col, exc.rule, exc.message)]
    try:
        return model.model_validate(loaded.data), loaded, []
    except ValidationError as exc:
        return None, loaded, issues_from_validation(exc, rel, loaded, rule=rule)
