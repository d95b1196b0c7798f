"""Document revisions as ordered values, so a pull request can tell forward from back.

``qms.yml`` names the scheme (``revision_scheme``): ``letter/number`` is the
Chinese paper habit of 版次/修改次数 (A/0 → A/1 → … → B/0; a bare letter
counts as /0), ``numeric`` is 1.0 → 1.1 → 2.0. A revision that does not
follow the scheme has no order, and the caller says how to write it.
"""
from __future__ import annotations

import re

SCHEMES = {
    "letter/number": "A/0, A/1, … A/9, B/0 (a letter, optionally '/' and a number)",
    "numeric": "1.0, 1.1, 2.0 (numbers joined by '.')",
}
_LETTER = re.compile(r"([A-Z]+)(?:/(\d+))?")
_NUMERIC = re.compile(r"\d+(?:\.\d+)*")

RevisionKey = tuple[int, ...]


def revision_key(text: object, scheme: str) -> RevisionKey | None:
    """A sortable key for ``text`` in ``scheme``, or None when it does not follow the scheme."""
    value = str(text).strip()
    if scheme == "numeric":
        if not _NUMERIC.fullmatch(value):
            return None
        parts = [int(p) for p in value.split(".")]
        while len(parts) > 1 and parts[-1] == 0:
            parts.pop()  # 1 and 1.0 are the same revision
        return tuple(parts)
    match = _LETTER.fullmatch(value)
    if not match:
        return None
    letters, number = match.group(1), int(match.group(2) or 0)
    # Z is followed by AA, as spreadsheet columns count
    letter_value = 0
    for char in letters:
        letter_value = letter_value * 26 + (ord(char) - ord("A") + 1)
    return (letter_value, number)


def moves_forward(old: object, new: object, scheme: str) -> bool | None:
    """Whether ``new`` comes after ``old``; None when either does not follow the scheme."""
    old_key, new_key = revision_key(old, scheme), revision_key(new, scheme)
    if old_key is None or new_key is None:
        return None
    return new_key > old_key


__all__ = ["SCHEMES", "moves_forward", "revision_key"]
