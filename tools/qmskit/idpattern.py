"""Record ids built from a pattern such as ``NCR-{year}-{seq:04}``."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

_FIELD = re.compile(r"\{(year|month|seq)(?::0?(\d+))?\}")


class IdPatternError(ValueError):
    pass


class IdPattern:
    """Matches ids against a pattern and gives the next free one.

    A sequence of width 4 still accepts 10000 and beyond: a year with more
    records than the form foresaw must not stop the organization. A pattern
    without ``{seq}`` names one record per period (a monthly report).
    """

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        fields = _FIELD.findall(pattern)
        names = [name for name, _ in fields]
        if names.count("seq") > 1 or not names:
            raise IdPatternError(
                f"id pattern {pattern!r} needs a {{seq}} placeholder (NCR-{{year}}-{{seq:04}}), "
                "or a period for one record per period (EN-{{year}}-{{month:02}})")
        if len(set(names)) != len(names):
            raise IdPatternError(f"id pattern {pattern!r} repeats a placeholder")
        leftover = _FIELD.sub("", pattern)
        if "{" in leftover or "}" in leftover:
            raise IdPatternError(f"id pattern {pattern!r} has an unknown placeholder; use {{year}}, {{month:02}}, {{seq:04}}")
        if not re.fullmatch(r"[A-Za-z0-9._-]*", leftover):
            raise IdPatternError(f"id pattern {pattern!r} may hold only letters, digits, '-', '_' and '.' outside placeholders")
        regex = ""
        pos = 0
        for match in _FIELD.finditer(pattern):
            regex += re.escape(pattern[pos:match.start()])
            name, width = match.group(1), int(match.group(2) or 1)
            if name == "year":
                regex += r"(?P<year>[0-9]{4})"  # not \d: in Python it also takes other scripts' digits
            elif name == "month":
                regex += r"(?P<month>0[1-9]|1[0-2])"
            else:
                regex += rf"(?P<seq>[0-9]{{{width},}})"
            pos = match.end()
        regex += re.escape(pattern[pos:])
        self.regex = re.compile(regex)
        self.has_seq = "seq" in names

    def json_pattern(self) -> str:
        """The same rule for JSON Schema: ECMA-262 syntax that every validator and editor reads.

        Python's named groups ``(?P<year>…)`` are refused by ECMA-262 regex
        engines (check-jsonschema's default mode, the VS Code YAML extension);
        matching needs no names, so plain groups go out, and outside the
        placeholders only ``.`` needs escaping (``\\-`` is an error in ECMA's
        unicode mode).
        """
        regex = "^"
        pos = 0
        for match in _FIELD.finditer(self.pattern):
            regex += self.pattern[pos:match.start()].replace(".", r"\.")
            name, width = match.group(1), int(match.group(2) or 1)
            if name == "year":
                regex += r"[0-9]{4}"
            elif name == "month":
                regex += r"(0[1-9]|1[0-2])"
            else:
                regex += rf"[0-9]{{{width},}}"
            pos = match.end()
        return regex + self.pattern[pos:].replace(".", r"\.") + "$"

    def matches(self, record_id: str) -> bool:
        return self.regex.fullmatch(record_id) is not None

    def example(self) -> str:
        return self.format(dt.date(2026, 1, 1), 1)

    def format(self, day: dt.date, seq: int) -> str:
        def fill(match: re.Match[str]) -> str:
            name, width = match.group(1), int(match.group(2) or 1)
            value = {"year": day.year, "month": day.month, "seq": seq}[name]
            return f"{value:0{width}d}"

        return _FIELD.sub(fill, self.pattern)

    def next_id(self, existing: Iterable[str], day: dt.date) -> str:
        """The id after the highest one taken in ``day``'s period (year, month)."""
        highest = 0
        for record_id in existing:
            match = self.regex.fullmatch(record_id)
            if not match:
                continue
            groups = match.groupdict()
            if "year" in groups and int(groups["year"]) != day.year:
                continue
            if "month" in groups and int(groups["month"]) != day.month:
                continue
            highest = max(highest, int(groups.get("seq") or 0))
        return self.format(day, highest + 1)
