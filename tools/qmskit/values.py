"""Values with one meaning, in ``qms check`` and in every editor and validator.

A record is read by ``qms check`` and, through the exported JSON Schema, by
editors and other validators; both must give the same verdict on a value. So
forms (and the settings files' models) use these types, never plain
``str``/``dt.date``/``bool``/``int``/``float`` in a lax model: no value is
coerced into another type (pydantic's lax mode would read ``1764115200`` or a
datetime as a date, ``'3'`` as a number, ``'true'`` as a boolean), and each
type says in its JSON Schema exactly what it accepts. Errors carry pydantic's
standard types (``date_type``, ``date_parsing``, ``bool_type``, ``int_type``,
``float_type``, ``string_type``, ``string_pattern_mismatch``, ``missing``),
which the messages translate.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, Strict
from pydantic_core import PydanticCustomError

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date_from_iso_text(value: Any) -> Any:
    """A quoted ``'2026-01-02'`` is the date JSON Schema's ``format: date`` accepts; nothing else is.

    A datetime (``2026-01-02 10:00:00``) is not a date: it goes on to the
    strict check, which refuses it, as ``format: date`` refuses its text.
    """
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise PydanticCustomError(
                "date_parsing", "Input should be a valid date in the format YYYY-MM-DD, {error}", {"error": str(exc)},
            ) from None
    return value


def _int_from_integral_number(value: Any) -> Any:
    """``2026.0`` is the integer 2026, as JSON Schema's ``integer`` says; ``2026.5`` and ``'2026'`` are not."""
    if type(value) is float and value.is_integer():
        return int(value)
    return value


Date = Annotated[dt.date, BeforeValidator(_date_from_iso_text), Strict()]
"""A calendar date: a YAML date (``2026-01-02``) or the same text quoted; JSON Schema ``format: date``."""
_SOMETHING = r"\S"  # the pattern the exported schema gives text (see _not_blank)


def _not_blank(value: str) -> str:
    """Blank or whitespace-only text fills nothing: pydantic's own error type, as a ``pattern: \\S`` would give.

    ``str.isspace`` asks what the pattern asks (Python's ``\\s`` is the same
    table of characters) without a regular-expression search per text field:
    200,000 of them in a 20,000-record report.
    """
    if not value or value.isspace():
        raise PydanticCustomError("string_pattern_mismatch", "String should match pattern '{pattern}'",
                                  {"pattern": _SOMETHING})
    return value


def _pattern_something(schema: dict[str, Any]) -> None:
    schema.setdefault("pattern", _SOMETHING)  # a form's own pattern (HH:MM) already says more


# Not StringConstraints(pattern=…): a pattern in a field's metadata marks a coded value (HH:MM) to the
# reports, which show it in a short column; text with something in it is still free text.
Text = Annotated[str, Strict(), AfterValidator(_not_blank), Field(json_schema_extra=_pattern_something)]
r"""Text with something in it: blank or whitespace-only text does not fill a field (JSON Schema ``pattern: \S``)."""
Flag = Annotated[bool, Strict()]
"""``true`` or ``false`` only: not ``yes``, ``on``, ``1`` or ``'true'``."""
Int = Annotated[int, BeforeValidator(_int_from_integral_number), Strict()]
"""A whole number, not a quoted one and not ``true``."""
Number = Annotated[float, Strict()]
"""A number (whole or not), not a quoted one and not ``true``."""


__all__ = ["Date", "Flag", "Int", "Number", "Text"]
