"""Build the reference QMS as a NEW git repository with a real history of its year.

The reference QMS (``qms.yml``, ``mkdocs.yml``, ``manual/``, ``schemas/``,
``.github/`` and ``records/`` of this repository) is written into TARGET as
a history that git can show:

- a first commit with the settings, forms and organization files;
- one commit per controlled document on its approval date, authored by a
  person holding its owner role that day and committed by one holding its
  approver role (a revised document, A/1 and later, is first committed as
  A/0 on the date most documents were approved, then as it is now on its
  own approval date; a draft on an early date);
- each record with a workflow created in its workflow's first status (the
  fields later statuses require left out) on its own date, then one commit
  per later status adding that status's fields, on the date the status's
  fields carry (``replied``, ``closed``, ``verification.on``, an approval's
  ``approved`` …) or a few days after the step before; a field citing a
  record made later (an NCR's ``actions``, a complaint's ``nonconformity``,
  an audit report's findings) is linked in its own commit the day that
  record is made;
- every commit authored by the person the record names for that step (see
  :class:`Authors`): the verifier closes an NCR or action, its owner
  analyses and acts, the auditor who found it raises an audit's NCR, the
  handler takes and answers a complaint; where a record names only a role,
  a person holding it that day per the people register (``records/person``);
- every ``--pr-every``-th workflow record (of those citing only records
  already on main) arrives by pull requests: each step on its own branch
  ``pr/<id>/<n>-<status>`` from main, merged with a merge commit
  (``--no-ff``) seconds later, so that ``qms check --base M^1 --head M``
  judges each merge ``M`` as one step and passes;
- each effective document reviewed on schedule while the records run on:
  ``review_every`` months after it took effect it falls due, so a month
  before, its owner raises its revision (A/1 → A/2) with new ``approved``
  and ``effective`` dates and a holder of its approver role commits it
  (never after the last record's day; drafts stay drafts), so that
  ``qms check --as-of`` the last commit's day finds no review overdue;
- records without a workflow committed on their date, one commit per day
  and person (with ``--commits day|month``, for size, a period's changes
  other than pull requests are one commit by the period's first author).

An author is the register's name with ``<person id>@example.org``; nothing
else of a person (id number, phone) reaches git. Every date is in +0800.

``--size N`` is the number of records: below the reference count a
deterministic subset (the whole people register, then every kind taken
in turn, with the records they refer to, so that references resolve); above it the records are replicated with
new ids that follow each kind's id pattern (sequence numbers beyond the
reference ones) and references rewritten to the copies. The history is
written with one ``git fast-import`` process, so 100k records take minutes,
not hours.

Usage: python scripts/build_history.py TARGET [--size N] [--pr-every K] [--commits step|day|month]
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import functools
import hashlib
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qmskit.documents import add_months
from qmskit.repository import Repository
from qmskit.revisions import revision_key
from qmskit.yamlio import dump_scalar, read_front_matter, try_load

SOURCE = Path(__file__).resolve().parent.parent
TZ = dt.timezone(dt.timedelta(hours=8))
SETUP_DAY = dt.date(2025, 11, 1)
DRAFT_DAY = dt.date(2025, 11, 10)
FIRST_APPROVAL = dt.date(2025, 11, 20)
FIRST_EFFECTIVE = dt.date(2025, 12, 1)
NO_DATE_DAY = dt.date(2025, 11, 28)  # records without a date field (people, risk features)
COPIED = ("qms.yml", "mkdocs.yml", ".github", "schemas", "manual")
FALLBACK_ROLE = "管理者代表"
DAILY_ABOVE = 10_000  # above this many records, one commit per month (git rewrites a folder's tree per commit)


# --------------------------------------------------------------------------- people
Who = tuple[str, str]
"""A commit's (name, e-mail)."""


def email_of(person_id: str) -> str:
    """The address a person commits with: from the register id only, never from personal data."""
    return f"{person_id}@example.org"


class Register:
    """The people register (``person`` records): who a record names, and who held a role on a day.

    Authors come from here, so that ``git log`` names the same persons the
    records do. Only the id and name are read; id number and phone are
    confidential and never reach a commit.
    """

    def __init__(self, persons: list[Record]) -> None:
        self.names: dict[str, str] = {}
        self.copy: dict[str, int] = {}
        self.holders: dict[str, list[tuple[str, dt.date, dt.date | None]]] = collections.defaultdict(list)
        for person in sorted(persons, key=lambda r: r.id):
            if person.id in self.names or not isinstance(person.data.get("name"), str):
                continue
            self.names[person.id] = person.data["name"]
            self.copy[person.id] = person.copy
            for held in person.data.get("roles") or ():
                if isinstance(held, dict) and isinstance(held.get("role"), str) and _as_date(held.get("from")):
                    self.holders[held["role"]].append(
                        (person.id, _as_date(held["from"]), _as_date(held.get("to"))))  # type: ignore[arg-type]

    def who(self, person_id: str) -> Who | None:
        """(name, e-mail) of a person in the register, or None for an id it does not hold."""
        name = self.names.get(person_id)
        return (name, email_of(person_id)) if name else None

    def holder(self, role: str, day: dt.date, key: str, copy: int = 0) -> str | None:
        """A person holding ``role`` on ``day`` (of the same copy of the year if there is one).

        Several holders: one picked by a hash of ``key`` (the record id), so
        the work spreads over them and the same history is built each time.
        """
        found = [pid for pid, start, end in self.holders.get(role, ()) if start <= day and (end is None or day <= end)]
        same = [pid for pid in found if self.copy.get(pid, 0) == copy]
        found = same or found
        if not found:
            return None
        return found[int(hashlib.sha1(f"{role}:{key}".encode()).hexdigest()[:8], 16) % len(found)]

    def any_person(self) -> str | None:
        return min(self.names) if self.names else None


# --------------------------------------------------------------------------- reading the reference
def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _date_in(value: Any) -> dt.date | None:
    """A date a field carries: itself, or the first date inside a sub-form (``verification.on``)."""
    found = _as_date(value) if not isinstance(value, str) else None
    if found:
        return found
    if isinstance(value, dict):
        for key in ("on", "date", "day"):
            if _as_date(value.get(key)):
                return _as_date(value.get(key))
        for item in value.values():
            if _as_date(item) and not isinstance(item, str):
                return _as_date(item)
    return None


class Record:
    """A record: its data (for the history's logic) and its file's text (written as it is)."""

    __slots__ = ("copy", "data", "id", "kind", "text")

    def __init__(self, kind: str, rid: str, data: dict[str, Any], text: str, copy: int = 0) -> None:
        self.kind, self.id, self.data, self.text, self.copy = kind, rid, data, text, copy

    @property
    def path(self) -> str:
        return f"records/{self.kind}/{self.id}.yaml"


def read_records(root: Path) -> list[Record]:
    found = []
    for folder in sorted((root / "records").iterdir()):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            data = try_load(text.encode("utf-8"))
            if isinstance(data, dict):
                found.append(Record(folder.name, path.stem, data, text))
    return found


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _replace_ids(value: Any, mapping: dict[str, str]) -> Any:
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, dict):
        return {k: _replace_ids(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_ids(v, mapping) for v in value]
    return value


def subset(records: list[Record], size: int) -> list[Record]:
    """``size`` records (a few more when references pull them in): kinds in turn, each with what it cites.

    The people register comes whole and first: commits are authored by its
    persons, so the repository itself says who each author is.
    """
    by_id = {r.id: r for r in records}
    per_kind: dict[str, collections.deque[Record]] = {}
    for record in records:
        per_kind.setdefault(record.kind, collections.deque()).append(record)
    # objective results re-count other records: a subset would make their figures wrong
    per_kind.pop("objective_result", None)
    chosen: dict[str, Record] = {}

    def take(record: Record) -> None:
        stack = [record]
        while stack:
            item = stack.pop()
            if item.id in chosen:
                continue
            chosen[item.id] = item
            stack.extend(by_id[s] for s in _strings(item.data) if s in by_id and s not in chosen)

    for person in per_kind.pop("person", ()):
        take(person)
    while len(chosen) < size and any(per_kind.values()):
        for kind in sorted(per_kind):
            if per_kind[kind] and len(chosen) < size:
                take(per_kind[kind].popleft())
    order = {r.id: i for i, r in enumerate(records)}
    return sorted(chosen.values(), key=lambda r: order[r.id])


def _shift_years(value: Any, years: int) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        try:
            return value.replace(year=value.year + years)
        except ValueError:  # 29 February
            return value.replace(year=value.year + years, day=28)
    if isinstance(value, dict):
        return {k: _shift_years(v, years) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift_years(v, years) for v in value]
    return value


_ID_TOKEN = re.compile(r"(?<![A-Za-z0-9-])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+(?![A-Za-z0-9-])")
_DATE_TOKEN = re.compile(r"(?<!\d)20\d\d-[01]\d-[0-3]\d(?!\d)")


def _shift_date_text(text: str, years: int) -> str:
    try:
        return _shift_years(dt.date.fromisoformat(text), years).isoformat()
    except ValueError:
        return text


def replicate(records: list[Record], size: int, patterns: dict[str, Any]) -> list[Record]:
    """The reference records and copies of them, copy ``c`` ``c`` years later.

    A copy gets a new id in its kind's pattern (the year shifted, the
    sequence number ``c * 10**width`` past the reference one, so ids never
    collide), its dates shifted by ``c`` years and its references rewritten
    to the other copies; the objective results are not copied (a period's
    figures count the records of that period, which stay the reference
    ones). Kinds whose ids have no sequence number (one per month or year)
    are not copied either. The last copy is a subset closed under
    references, like a subset of the reference year.
    """
    result = list(records)
    copyable = [r for r in records if patterns.get(r.kind) is not None and patterns[r.kind].has_seq
                and patterns[r.kind].regex.fullmatch(r.id) and r.kind != "objective_result"]
    copy = 0
    while len(result) < size and copyable:
        copy += 1
        mapping: dict[str, str] = {}
        for record in copyable:
            pattern = patterns[record.kind]
            groups = pattern.regex.fullmatch(record.id).groupdict()
            seq_text = groups["seq"]
            new_seq = int(seq_text) + copy * 10 ** len(seq_text)
            day = dt.date(int(groups.get("year") or 2026) + copy, int(groups.get("month") or 1), 1)
            mapping[record.id] = pattern.format(day, new_seq)
        copies = []
        for record in copyable:
            data = _shift_years(_replace_ids(record.data, mapping), copy)
            # the file's text gets the same ids and dates, by pattern: dumping YAML would be most of the time
            text = _ID_TOKEN.sub(lambda m: mapping.get(m.group(), m.group()), record.text)
            text = _DATE_TOKEN.sub(lambda m: _shift_date_text(m.group(), copy), text)
            copies.append(Record(record.kind, mapping[record.id], data, text, copy))
        if len(result) + len(copies) > size:
            copies = subset(copies, size - len(result))
        result.extend(copies)
    return result


# --------------------------------------------------------------------------- fast-import stream
class Stream:
    """Writes a ``git fast-import`` stream: blobs inline, marks for commits."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.mark = 0
        self.commits = 0
        self.merges = 0

    def _data(self, payload: bytes) -> None:
        self.out.write(b"data %d\n" % len(payload))
        self.out.write(payload)
        self.out.write(b"\n")

    def commit(self, ref: str, who: Who, when: dt.datetime, message: str,
               files: list[tuple[str, bytes]], parent: int | None, merge: int | None = None,
               committer: Who | None = None) -> int:
        self.mark += 1
        self.commits += 1
        stamp = f"{int(when.timestamp())} +0800"
        ident = f"{who[0]} <{who[1]}> {stamp}".encode()
        by = committer or who
        out = self.out
        out.write(f"commit {ref}\nmark :{self.mark}\n".encode())
        out.write(b"author " + ident + b"\ncommitter " + f"{by[0]} <{by[1]}> {stamp}".encode() + b"\n")
        self._data(message.encode("utf-8"))
        if parent is not None:
            out.write(b"from :%d\n" % parent)
        if merge is not None:
            out.write(b"merge :%d\n" % merge)
            self.merges += 1
        for path, payload in files:
            out.write(f"M 100644 inline {path}\n".encode())
            self._data(payload)
        out.write(b"\n")
        return self.mark


# --------------------------------------------------------------------------- the history
_scalar = functools.lru_cache(maxsize=None)(dump_scalar)


def record_text(record: Record, drop: frozenset[str] = frozenset(), status: str | None = None) -> bytes:
    """The record's file, or an earlier state of it: top-level fields in ``drop`` left out, ``status`` set.

    Works on the text (a top-level key starts a line; its value's lines are
    indented or list items), so the final state is the file byte for byte.
    """
    if not drop and status is None:
        return record.text.encode("utf-8")
    out: list[str] = []
    skipping = False
    for line in record.text.splitlines(keepends=True):
        top = bool(line) and not line[0].isspace() and not line.startswith(("- ", "#", "-\n"))
        if top:
            key = line.split(":", 1)[0].strip().strip("'\"")
            skipping = key in drop
            if key == "status" and status is not None:
                line = f"status: {_scalar(status)}\n"
        if not skipping:
            out.append(line)
    return "".join(out).encode("utf-8")


def workflow_path(workflow: Any, final: str) -> list[str]:
    """The statuses from the first to ``final`` (shortest path along the transitions)."""
    start = workflow.initial
    queue, seen = collections.deque([[start]]), {start}
    while queue:
        path = queue.popleft()
        if path[-1] == final:
            return path
        for nxt in workflow.transitions.get(path[-1], ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(path + [nxt])
    return [final]


def _values_at(data: Any, path: tuple[str, ...]) -> Iterator[Any]:
    """The values at a reference path (``*`` is every item of a list)."""
    if not path:
        yield data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for item in data if isinstance(data, list) else ():
            yield from _values_at(item, rest)
    elif isinstance(data, dict) and head in data:
        yield from _values_at(data[head], rest)


def _first_string(data: Any, path: tuple[str, ...]) -> str | None:
    return next((v for v in _values_at(data, path) if isinstance(v, str) and v), None)


def _is_person_ref(ref: Any) -> bool:
    return getattr(ref, "target", None) == "record" and getattr(ref, "kind", None) == "Person"


class Authors:
    """Who made each commit: the person the record names for that step, else a holder of the role it names.

    For a workflow step, in this order:

    1. a person the step's new fields name (``verification.by_person``: the
       verifier closes the NCR);
    2. the holder, on the step's day, of a role the step's new fields name
       (``approved_by`` with ``approved``: the approver, on that date);
    3. for the first step of a nonconformity found by an internal audit, the
       auditor of the audit plan who audits its department (the NCR has no
       raiser field; the plan names who found it);
    4. the record's own person (``owner_person``, ``handled_by_person``,
       ``leader_person`` …, top-level ``*_person`` fields first);
    5. the holder, on the day, of the record's first role field that names
       who acts (``prepared_by``, ``leader``, ``owner`` …; not ``*_to``);
    6. the holder of the management representative's role, then anybody in
       the register.
    """

    def __init__(self, register: Register, registry: Any, by_id: dict[str, Record]) -> None:
        self.register = register
        self.registry = registry
        self.by_id = by_id

    def _who(self, person_id: str | None) -> Who | None:
        return self.register.who(person_id) if person_id else None

    def holder_of(self, role: str | None, day: dt.date, record: Record) -> Who | None:
        if not role:
            return None
        return self._who(self.register.holder(role, day, record.id, record.copy))

    def step(self, record: Record, kind: Any, day: dt.date, new: frozenset[str], first: bool) -> Who:
        data = record.data
        if new:
            for path, ref in kind.refs:
                if _is_person_ref(ref) and path[0] in new:
                    found = self._who(_first_string(data, path))
                    if found:
                        return found
            roles = [path for path, ref in kind.refs if getattr(ref, "target", None) == "role" and path[0] in new]
            # a role beside its date (approved_by / approved) first: that is who acted on the step's day
            roles.sort(key=lambda path: not (len(path) == 1 and path[0].endswith("_by") and path[0][:-3] in new))
            for path in roles:
                found = self.holder_of(_first_string(data, path), day, record)
                if found:
                    return found
        if first:
            found = self._who(self.raiser(record))
            if found:
                return found
        return self.principal(record, kind, day)

    def raiser(self, record: Record) -> str | None:
        """The auditor who found a nonconformity: the plan's auditor for its department, via its audit."""
        audit = self.by_id.get(str(record.data.get("audit") or ""))
        plan = self.by_id.get(str(audit.data.get("plan") or "")) if audit else None
        if plan is None:
            return None
        for auditor in plan.data.get("auditors") or ():
            if isinstance(auditor, dict) and record.data.get("department") in (auditor.get("audits") or ()):
                return auditor.get("person")
        return None

    def principal(self, record: Record, kind: Any, day: dt.date) -> Who:
        """The person a record names as its own, or a holder of the role it names, on ``day``."""
        data = record.data
        persons = [path for path, ref in kind.refs if _is_person_ref(ref) and len(path) == 1]
        persons.sort(key=lambda path: not path[0].endswith("_person"))
        for path in persons:
            found = self._who(_first_string(data, path))
            if found:
                return found
        for path, ref in kind.refs:
            if getattr(ref, "target", None) == "role" and len(path) == 1 and not path[0].endswith("_to"):
                found = self.holder_of(_first_string(data, path), day, record)
                if found:
                    return found
        return self.fallback(day, record)

    def fallback(self, day: dt.date, record: Record | None = None) -> Who:
        key = record or Record("", "", {}, "")
        found = self.holder_of(FALLBACK_ROLE, day, key)
        if found:
            return found
        anybody = self.register.any_person()
        return self._who(anybody) or ("qms", "qms@example.org")  # an empty register: nobody to name


Step = tuple[dt.date, str, "frozenset[str] | None", frozenset[str]]
"""(day, status, fields left out (None: the file as it is), fields this step adds)."""


def record_steps(record: Record, kind: Any) -> list[Step]:
    """One entry per commit of a workflow record, dates in order.

    A step's day is the date its new fields carry (``replied``, ``closed``,
    ``verification.on`` …; an approval's date when it adds ``approved_by``
    with ``approved``), else a few days after the step before.
    """
    spec = kind.spec
    workflow = spec.workflow
    data = record.data
    created = _as_date(data.get(spec.date_field)) if spec.date_field else None
    status = data.get("status")
    if workflow is None or status not in workflow.statuses:
        return [(created or NO_DATE_DAY, str(status or ""), None, frozenset())]
    path = workflow_path(workflow, status)
    needed: list[set[str]] = []
    so_far: set[str] = set()
    for name in path:
        so_far = so_far | {f.split(".")[0] for f in workflow.requires.get(name, ())}
        needed.append(set(so_far))
    later_fields = needed[-1]
    known: list[dt.date | None] = []
    for index, name in enumerate(path):
        if index == 0:
            known.append(created)
            continue
        new = [f for f in workflow.requires.get(name, ()) if f.split(".")[0] not in needed[index - 1]]
        adding = set(new)  # (a list being sorted reads as empty inside its own key function)
        new.sort(key=lambda f: f"{f}_by" not in adding)  # approved_by + approved: the approval's day
        found = None
        for field_name in new:
            value: Any = data
            for part in field_name.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            found = _date_in(value)
            if found:
                break
        known.append(found)
    days: list[dt.date] = []
    for index, day in enumerate(known):
        previous = days[-1] if days else None
        if day is None:
            base = previous or created or NO_DATE_DAY
            following = next((d for d in known[index + 1:] if d), None)
            day = base + dt.timedelta(days=3)
            if following and day > following:
                day = max(base, following)
        if previous and day < previous:
            day = previous
        days.append(day)
    steps: list[Step] = []
    for index, name in enumerate(path):
        last = index == len(path) - 1
        added = frozenset(needed[index] - needed[index - 1]) if index else frozenset()
        steps.append((days[index], name, None if last else frozenset(later_fields - needed[index]), added))
    return steps


def _signed(authors: Authors, doc_id: str, owner: str, approver: str, day: dt.date) -> tuple[Who, Who, str]:
    """(author, committer, approver's role and name) of a document version approved on ``day``."""
    key = Record("", doc_id, {}, "")
    writer = authors.holder_of(owner, day, key) or authors.fallback(day)
    pid = authors.register.holder(approver, day, doc_id) if approver else None
    approving = authors.register.who(pid) if pid else None
    return writer, approving or writer, f"{approver}{approving[0] if approving else ''}"


DocCommit = tuple[dt.date, str, Who, Who, str, bytes]
"""(day, path, author, committer, message, content) of one document version."""


Made = tuple[dt.date, int, int]
"""When a record is first committed: (day, order on the day, place in that order)."""


def late_links(record: Record, kind: Any, made: dict[str, Made]) -> dict[str, dt.date]:
    """Top-level fields citing records committed after this one's first commit: field -> the day the last is.

    An NCR lists the actions raised after it, a complaint the NCR it caused,
    an audit report its findings; the record cannot name them before they
    exist, so each such field is left out until that day. Fields a status
    requires are never held back.
    """
    required = {f.split(".")[0] for fields in kind.spec.workflow.requires.values() for f in fields}
    late: dict[str, dt.date] = {}
    for name, value in record.data.items():
        if name in required or name in ("id", "status"):
            continue
        later = [made[s] for s in _strings(value) if s in made and s != record.id and made[s] > made[record.id]]
        if later:
            late[name] = max(later)[0]
    return late


def document_commits(root: Path, authors: Authors) -> list[DocCommit]:
    """Each document version, written by a holder of its owner role and committed by one of its approver role.

    Both on the day of the version: the owner revises, the approver approves
    (git's committer), as the register has them that day.
    """
    found: list[DocCommit] = []
    for path in sorted((root / "manual").rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        raw = path.read_bytes()
        meta, _ = read_front_matter(raw) if path.suffix == ".md" else (None, "")
        if not isinstance(meta, dict) or "id" not in meta:
            continue
        owner = str(meta.get("owner") or FALLBACK_ROLE)
        approver = str(meta.get("approver") or "")
        signed = functools.partial(_signed, authors, str(meta["id"]), owner, approver)
        revision = str(meta.get("revision") or "")
        day = _as_date(meta.get("approved")) or _as_date(meta.get("effective"))
        if meta.get("status") == "draft" or day is None:
            writer, _, _ = signed(DRAFT_DAY)
            found.append((DRAFT_DAY, rel, writer, writer, f"起草 {meta['id']} {meta.get('title', '')}(草稿)", raw))
            continue
        if revision and not revision.startswith("A/0") and revision != "A" and day > FIRST_APPROVAL:
            text = raw.decode("utf-8")
            first = (text.replace(f"revision: {revision}", "revision: A/0", 1)
                     .replace(f"approved: {meta.get('approved')}", f"approved: {FIRST_APPROVAL}", 1)
                     .replace(f"effective: {meta.get('effective')}", f"effective: {FIRST_EFFECTIVE}", 1))
            writer, approving, by = signed(FIRST_APPROVAL)
            found.append((FIRST_APPROVAL, rel, writer, approving, f"发布 {meta['id']} A/0,{by}批准", first.encode("utf-8")))
            writer, approving, by = signed(day)
            found.append((day, rel, writer, approving, f"修订 {meta['id']} {revision},{by}批准", raw))
        else:
            writer, approving, by = signed(day)
            found.append((day, rel, writer, approving, f"发布 {meta['id']} {revision},{by}批准", raw))
    return found


REVIEW_AHEAD_MONTHS = 1  # a periodic review is approved this long before the document falls due
REVIEW_TAKES_EFFECT_DAYS = 10  # and takes effect this many days after its approval


def next_revision(revision: str, scheme: str) -> str:
    """The revision after ``revision`` in ``qms.yml``'s scheme: A/0 → A/1, A/9 → B/0, 1.0 → 1.1.

    The letter/number scheme counts changes 0-9 within a letter (版次/修改次数),
    as :mod:`qmskit.revisions` orders them.
    """
    if scheme == "numeric":
        parts = revision.split(".") if revision_key(revision, scheme) else ["1", "0"]
        return ".".join([*parts[:-1], str(int(parts[-1]) + 1)] if len(parts) > 1 else [parts[0], "1"])
    match = re.fullmatch(r"([A-Z]+)(?:/(\d+))?", revision.strip())
    letters, number = (match.group(1), int(match.group(2) or 0)) if match else ("A", 0)
    if number < 9:
        return f"{letters}/{number + 1}"
    chars = list(letters)
    for index in range(len(chars) - 1, -1, -1):  # Z is followed by AA, as revision_key counts
        if chars[index] != "Z":
            chars[index] = chr(ord(chars[index]) + 1)
            return "".join(chars) + "/0"
        chars[index] = "A"
    return "A" + "".join(chars) + "/0"


def _with_front(text: str, **fields: str) -> str:
    """``text`` with top-level front-matter fields set (each already a line of the block)."""
    head, sep, body = text.partition("\n---")
    for key, value in fields.items():
        head = re.sub(rf"(?m)^{key}:.*$", f"{key}: {value}", head, count=1)
    return head + sep + body


def periodic_reviews(versions: list[DocCommit], authors: Authors, until: dt.date, scheme: str) -> list[DocCommit]:
    """The periodic reviews of each effective document up to ``until`` (the history's last record day).

    A document's ``review_every`` months after it took effect it falls due
    (``document-review-overdue``); its owner reviews it a month before, the
    approver approves the next revision that day, and it takes effect ten
    days later, from when the next review is counted. The text is the
    previous version's with ``revision``, ``approved`` and ``effective``
    moved on: the revision history is the git log (LD-QP-02), so the body
    gets no line. No review is made after ``until``: the history does not
    run into its own future. Drafts stay drafts.
    """
    last: dict[str, DocCommit] = {}
    for version in versions:
        if version[0] >= last.get(version[1], version)[0]:
            last[version[1]] = version
    found: list[DocCommit] = []
    for rel, (_, _, _, _, _, raw) in sorted(last.items()):
        meta, _ = read_front_matter(raw)
        if not isinstance(meta, dict) or meta.get("status") != "effective":
            continue
        effective, every = _as_date(meta.get("effective")), meta.get("review_every")
        if effective is None or not isinstance(every, int) or every < 1:
            continue
        owner = str(meta.get("owner") or FALLBACK_ROLE)
        approver = str(meta.get("approver") or "")
        revision, text = str(meta.get("revision") or "A/0"), raw.decode("utf-8")
        while True:
            day = add_months(add_months(effective, every), -REVIEW_AHEAD_MONTHS)
            if day > until:
                break
            revision = next_revision(revision, scheme)
            effective = day + dt.timedelta(days=REVIEW_TAKES_EFFECT_DAYS)
            text = _with_front(text, revision=revision, approved=day.isoformat(), effective=effective.isoformat())
            writer, approving, by = _signed(authors, str(meta["id"]), owner, approver, day)
            found.append((day, rel, writer, approving,
                          f"评审 {meta['id']} {revision}(定期评审,每 {every} 个月),{by}批准", text.encode("utf-8")))
    return found


def setup_files(root: Path) -> list[tuple[str, bytes]]:
    files = []
    for name in COPIED:
        path = root / name
        if path.is_file():
            files.append((name, path.read_bytes()))
            continue
        for item in sorted(path.rglob("*")):
            if not item.is_file() or "__pycache__" in item.parts:
                continue
            rel = item.relative_to(root).as_posix()
            if name == "manual" and item.suffix == ".md":
                meta, _ = read_front_matter(item.read_bytes())
                if isinstance(meta, dict) and "id" in meta:
                    continue  # documents get their own commits
            files.append((rel, item.read_bytes()))
    return files


def build(target: Path, size: int | None, pr_every: int, daily: str | bool | None = None,
          source: Path = SOURCE) -> dict[str, int]:
    repo = Repository(source)
    registry = repo.registry
    records = read_records(source)
    reference_people = [r for r in records if r.kind == "person"]
    reference_count = len(records)
    patterns = {name: kind.pattern for name, kind in registry.kinds.items()}
    if daily is None:
        daily = "month" if size is not None and size > DAILY_ABOVE else False
    if size is not None and size < reference_count:
        records = subset(records, size)
    elif size is not None and size > reference_count:
        records = replicate(records, size, patterns)
    # the whole register, whatever the subset took: authors are the organization's people either way
    register = Register([r for r in records if r.kind == "person"] + reference_people)
    authors = Authors(register, registry, {r.id: r for r in records})

    # events: (day, order, payload); order keeps documents before records on a day
    events: list[tuple[dt.date, int, int, tuple[Any, ...]]] = []
    counter = 0
    documents = document_commits(source, authors)
    plain: dict[tuple[dt.date, Who], list[Record]] = collections.defaultdict(list)
    planned: list[tuple[Record, list[Step]]] = []
    created: dict[str, dt.date] = {}
    made: dict[str, Made] = {}
    for record in records:
        kind = registry.get(record.kind)
        if kind is None:
            continue
        if kind.spec.workflow is None or record.data.get("status") not in kind.spec.workflow.statuses:
            day = _as_date(record.data.get(kind.spec.date_field)) if kind.spec.date_field else None
            plain[(day or NO_DATE_DAY, authors.principal(record, kind, day or NO_DATE_DAY))].append(record)
            created[record.id] = day or NO_DATE_DAY
            made[record.id] = (day or NO_DATE_DAY, 2, 0)  # batches come after the day's steps
            continue
        steps = record_steps(record, kind)
        planned.append((record, steps))
        created[record.id] = steps[0][0]
        made[record.id] = (steps[0][0], 1, len(planned))  # steps of a day in this order
    eligible = 0
    for record, steps in planned:
        # a pull request may cite only records already on main when it is merged
        cites_earlier = all(created[s] < steps[0][0] for s in _strings(record.data) if s in created and s != record.id)
        as_pr = False
        if pr_every and cites_earlier and not (daily and record.copy):
            eligible += 1
            as_pr = eligible % pr_every == 0
        kind = registry.get(record.kind)
        late = late_links(record, kind, made)
        whos: list[Who] = []
        for index, (day, status, content, added) in enumerate(steps):
            who = authors.step(record, kind, day, added, index == 0)
            whos.append(who)
            waiting = frozenset(f for f, link_day in late.items() if link_day >= day)
            if waiting:
                content = (content or frozenset()) | waiting
            counter += 1
            branch = f"pr/{record.id}/{index + 1}-{status}" if as_pr else None
            verb = "新建" if index == 0 else "推进"
            events.append((day, 1, counter, ("step", record, who, verb, status, content, branch, "")))
        # a reference to a record made later is linked the day that record is made, after it (order 3)
        for number, link_day in enumerate(sorted(set(late.values())), start=len(steps) + 1):
            current = max((i for i, step in enumerate(steps) if step[0] <= link_day), default=0)
            day, status, content, _ = steps[current]
            waiting = frozenset(f for f, later in late.items() if later > link_day)
            content = (content or frozenset()) | waiting
            if current == len(steps) - 1 and not waiting:
                content = None  # the file as it is
            linked = "\n".join(sorted(f"{f}: {record.data[f]}" for f, d in late.items() if d == link_day))
            counter += 1
            branch = f"pr/{record.id}/{number}-link" if as_pr else None
            events.append((link_day, 3, counter,
                           ("step", record, whos[current], "关联", status, content, branch, linked)))
    for (day, who), batch in plain.items():  # one commit per day and person
        counter += 1
        events.append((day, 2, counter, ("batch", batch, who)))
    # documents reviewed on schedule up to the last record's day, so the history holds up checked that day
    until = max((e[0] for e in events), default=SETUP_DAY)
    documents += periodic_reviews(documents, authors, until, repo.config.revision_scheme)
    for day, rel, who, committer, message, raw in documents:
        counter += 1
        events.append((day, 0, counter, ("doc", rel, who, committer, message, raw)))
    events.sort(key=lambda e: (e[0], e[1], e[2]))

    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True)
    process = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=target, stdin=subprocess.PIPE)
    assert process.stdin is not None
    stream = Stream(process.stdin)
    main_tip: int | None = None
    tips: dict[str, int] = {}
    per_day: dict[dt.date, int] = collections.Counter()
    maintainer = authors.fallback(SETUP_DAY)

    def moment(day: dt.date) -> dt.datetime:
        per_day[day] += 1
        seconds = 9 * 3600 + per_day[day] * 5
        return dt.datetime.combine(day, dt.time(), TZ) + dt.timedelta(seconds=min(seconds, 86399))

    main_tip = stream.commit("refs/heads/main", maintainer, moment(SETUP_DAY),
                             "建立质量管理体系:设置、表单、组织机构", setup_files(source), None)
    pending: dict[str, bytes] = {}
    pending_day: list[Any] = [None, None, 0]  # day, author, changes

    def flush() -> None:
        nonlocal main_tip
        if pending:
            day, who, count = pending_day
            period = day if daily == "day" else f"{day:%Y-%m}"
            message = f"{period} 记录变更 {count} 项({len(pending)} 份记录)"
            main_tip = stream.commit("refs/heads/main", who, moment(day), message, list(pending.items()), main_tip)
            pending.clear()

    def to_main(day: dt.date, who: tuple[str, str], message: str, files: list[tuple[str, bytes]]) -> None:
        nonlocal main_tip
        if not daily:
            main_tip = stream.commit("refs/heads/main", who, moment(day), message, files, main_tip)
            return
        if pending and (pending_day[0] != day if daily == "day" else pending_day[0].replace(day=1) != day.replace(day=1)):
            flush()
        if not pending:
            pending_day[:] = [day, who, 0]
        pending_day[2] += 1
        pending.update(files)

    for day, _order, _n, payload in events:
        what = payload[0]
        if what == "doc":
            flush()
            _, rel, who, committer, message, raw = payload
            main_tip = stream.commit("refs/heads/main", who, moment(day), message, [(rel, raw)], main_tip,
                                     committer=committer)
        elif what == "batch":
            _, batch, who = payload
            kinds = sorted({r.kind for r in batch})
            message = f"{day} 记录 {len(batch)} 份({'、'.join(kinds)})"
            to_main(day, who, message, [(r.path, record_text(r)) for r in batch])
        else:
            _, record, who, verb, status, content, branch, body = payload
            message = f"{verb} {record.id}:{status}" + (f"\n\n{body}" if body else "")
            files = [(record.path, record_text(record) if content is None else record_text(record, content, status))]
            if branch is None:
                to_main(day, who, message, files)
                continue
            flush()
            # one pull request per step: a branch from main with the step, merged with --no-ff
            tip = stream.commit(f"refs/heads/{branch}", who, moment(day), message, files, main_tip)
            tips[branch] = tip
            main_tip = stream.commit(
                "refs/heads/main", who, moment(day),
                f"Merge pull request {branch}\n\n{message}", files, main_tip, tip)
    flush()
    process.stdin.write(b"done\n")
    process.stdin.close()
    if process.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=target, check=True)
    return {"records": len(records), "commits": stream.commits, "merges": stream.merges,
            "branches": len(tips)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="a new or empty folder")
    parser.add_argument("--size", type=int, default=None, help="number of records (default: the reference year's)")
    parser.add_argument("--pr-every", type=int, default=10,
                        help="every K-th workflow record's steps arrive as merged branches pr/<id>/<n>-<status> (0: none; default 10)")
    parser.add_argument("--commits", choices=("step", "day", "month"), default=None,
                        help=f"one commit per workflow step, or one per day or month for all but pull requests "
                             f"(default: step up to {DAILY_ABOVE} records, month above)")
    args = parser.parse_args(argv)
    if args.target.exists() and (not args.target.is_dir() or any(args.target.iterdir())):
        print(f"build_history: {args.target} exists and is not empty; give a new or empty folder", file=sys.stderr)
        return 2
    if args.size is not None and args.size < 1:
        print("build_history: --size must be at least 1", file=sys.stderr)
        return 2
    started = time.monotonic()
    daily = None if args.commits is None else (False if args.commits == "step" else args.commits)
    summary = build(args.target, args.size, args.pr_every, daily)
    print(f"{args.target}: {summary['records']} records, {summary['commits']} commits "
          f"({summary['merges']} merges of pr/ branches) in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
