"""Pydantic errors as issues at the line where the field stands.

A message names the field and what to do, and never carries a value the
form marks confidential: an issue ends up in terminals, CI logs and
pull-request annotations, where personal data must not go.
"""
from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from . import yamlio
from .issues import Issue
from .masking import dotted, mask
from .messages import join, language, text
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


def field_title(model: type[BaseModel], loc: tuple[str | int, ...], lang: str) -> str | None:
    """The label the form gives the field at ``loc`` (``到期日`` for ``due``), in ``lang``; None when it has none.

    Followed through nested blocks and lists (``verification.on`` is the
    verification block's 验证日期); a field the form does not have (a
    misspelt one) has no label.
    """
    from .reports.labels import description_label  # imported late: the reports import this module

    current: Any = model
    info = None
    for part in loc:
        if isinstance(part, int):
            continue
        found = _model_in(current)
        info = found.model_fields.get(part) if found is not None else None
        if info is None:
            return None
        current = info.annotation
    return description_label(info.description, lang) if info is not None else None


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The form block (a model) a field's type holds: itself, or inside ``list[...]`` or ``... | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def field_name(loc: tuple[str | int, ...], model: type[BaseModel] | None) -> str:
    """How a message names the field: by its identifier, which is what stands in the file, and in Chinese
    also by the label the form shows for it (``完成期限(due)``), so that a user finds it on the form and in the file.

    English messages name the identifier alone: it is the field's English name.
    """
    where = _loc_text(loc)
    if model is None or language() != "zh" or not where:
        return where
    title = field_title(model, loc, "zh")
    return text("field.titled", title=title, where=where) if title and title != where else where


def _message(error: ErrorDetails, secret: bool = False, model: type[BaseModel] | None = None) -> str:
    """One error in words that name the fix; with ``secret``, nothing of the value is said, only what is wrong with it.

    ``model`` (the form) gives the field's label, named beside its identifier.
    """
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    where = field_name(loc, model)
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        return text("field.missing", where=where)
    if value is None and kind != "none_required":
        return text("field.blank", where=where)
    if kind == "extra_forbidden":
        return text("field.unknown", where=where)
    if secret and kind in _OWN_MESSAGES:
        return text("field.invalid_secret", where=where)
    found = _typed_message(kind, where, value, error.get("ctx") or {}, secret)
    if found is not None:
        return found
    msg = str(error["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return text("field.other", where=where, msg=msg) if where else msg


error_message = _message  # one pydantic error in the catalogue's words, for a caller outside a file (qms new --set)


_DATE_TYPES = {"date_type", "date_parsing", "date_from_datetime_inexact", "date_from_datetime_parsing",
               "date_past", "date_future"}
_BOOL_TYPES = {"bool_type", "bool_parsing"}
_NUMBER_TYPES = {"int_type", "int_parsing", "int_from_float", "float_type", "float_parsing",
                 "int_parsing_size", "finite_number", "decimal_type", "decimal_parsing"}
# pydantic's error type: the key of its limit in the error's context, and the message saying it
_BOUNDS = {"greater_than": ("gt", "field.bound_gt"), "greater_than_equal": ("ge", "field.bound_ge"),
           "less_than": ("lt", "field.bound_lt"), "less_than_equal": ("le", "field.bound_le"),
           "multiple_of": ("multiple_of", "field.bound_multiple_of")}


def _typed_message(kind: str, where: str, value: Any, ctx: dict[str, Any], secret: bool) -> str | None:
    """The message for a standard pydantic error type, or None when the type has none here."""
    if kind == "string_type":
        if isinstance(value, dict):  # `text: a: b` is read as a mapping: a colon and a space split it
            return text("field.text_colon", where=where)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return text("field.text_quote_secret" if secret else "field.text_quote", where=where, value=value)
        if isinstance(value, list):
            return text("field.text_not_list", where=where)
        return text("field.text_type", where=where)
    if kind in ("string_too_short", "too_short"):
        if isinstance(value, str) and not value.strip() or kind == "too_short" and not value:
            return text("field.blank", where=where)
        return text("field.too_short", where=where, n=ctx.get("min_length", 1))
    if kind in ("string_too_long", "too_long"):
        return text("field.too_long", where=where, n=ctx.get("max_length", ""))
    if kind == "string_pattern_mismatch":
        return text("field.pattern", where=where, pattern=ctx.get("pattern", ""))
    if kind in _DATE_TYPES:
        suggestion = None if secret else _as_iso_date(value)
        if suggestion is not None:
            return text("field.date_suggest", where=where, value=value, suggestion=suggestion)
        return text("field.date", where=where)
    if kind.startswith("datetime_") or kind == "time_type":
        return text("field.datetime", where=where)
    if kind in _BOOL_TYPES:
        return text("field.bool", where=where)
    if kind in _NUMBER_TYPES:
        if kind.startswith("int") or kind == "int_from_float":
            return text("field.integer", where=where)
        return text("field.number", where=where)
    if kind in _BOUNDS:
        limit, key = _BOUNDS[kind]
        return text(key, where=where, limit=ctx.get(limit, ""))
    if kind in ("literal_error", "enum"):
        return text("field.choice", where=where, allowed=_allowed(str(ctx.get("expected", ""))))
    if kind == "list_type":
        return text("field.list", where=where)
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return text("field.mapping", where=where)
    if kind == "url_parsing" or kind == "url_type":
        return text("field.url", where=where)
    return None


_DATE_SHAPES = (
    (re.compile(r"^(\d{4})[/.年-](\d{1,2})[/.月-](\d{1,2})日?$"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$"), (3, 2, 1)),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), (1, 2, 3)),
)


def _as_iso_date(value: Any) -> str | None:
    """``2026/11/26``, ``26.11.2026``, ``20261126`` or ``2026年11月26日`` written as YYYY-MM-DD, when it is a day."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    for pattern, (y, m, d) in _DATE_SHAPES:
        match = pattern.match(str(value).strip())
        if match:
            try:
                return dt.date(int(match.group(y)), int(match.group(m)), int(match.group(d))).isoformat()
            except ValueError:
                return None
    return None


def _allowed(expected: str) -> str:
    """``'major', 'minor' or 'observation'`` as the allowed values, each with its label in the message language."""
    return labelled(re.findall(r"'((?:[^'\\]|\\.)*)'", expected) or [expected])


def labelled(values: Iterable[str]) -> str:
    """Enumerated values with their labels in the message language: ``major (严重)、minor (一般)``."""
    from .reports.labels import VALUES  # the one table of value labels; imported late, reports import this module

    lang = language()
    shown = []
    for value in values:
        pair = VALUES.get(value)
        label = None if pair is None else (pair[0] if lang == "zh" else pair[1])
        shown.append(f"{value} ({label})" if label and label != value else value)
    return join(shown)


def choices(annotation: Any) -> list[str] | None:
    """The values a field's type allows when it is an enumeration (``Literal``/``Enum``, in a list or optional too)."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [str(m.value) for m in annotation]
    if get_origin(annotation) is Literal:
        return [str(a) for a in get_args(annotation)]
    for arg in get_args(annotation):
        found = choices(arg)
        if found:
            return found
    return None


def field_hint(annotation: Any) -> str | None:
    """What a blank form's comment tells about a field's value: its allowed values, or how to write it."""
    allowed = choices(annotation)
    if allowed:
        return text("hint.choices", allowed=labelled(allowed))
    kinds = _leaf_types(annotation)
    if dt.date in kinds:
        return text("hint.date")
    if bool in kinds:
        return text("hint.bool")
    return None


def _leaf_types(annotation: Any) -> set[Any]:
    args = get_args(annotation)
    return set().union(*(_leaf_types(a) for a in args)) if args else {annotation}


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
    confidential: Iterable[str] = (), model: type[BaseModel] | None = None,
) -> list[Issue]:
    """One issue per pydantic error, placed at the field (or its parent) in the file.

    ``confidential`` (the form's confidential fields): errors at those fields
    do not quote the value, and no confidential value of the file survives in
    any message, whatever a form's own validator wrote. ``model`` (the form
    validated against): a field is named by its label on the form too.
    """
    names = tuple(confidential)
    secrets = confidential_values(loaded.data, names) if loaded is not None and names else set()
    issues = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        line, col = loaded.position(loc) if loaded is not None else (1, 1)
        secret = _at_confidential(names, loc)
        issues.append(Issue(path, line, col, rule, scrub(_message(error, secret, model), secrets)))
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
        return None, loaded, issues_from_validation(exc, rel, loaded, rule=rule, model=model)
