"""Build the reference QMS as a NEW git repository with a real history of its year.

The reference QMS (``qms.yml``, ``mkdocs.yml``, ``manual/``, ``schemas/``,
``.github/`` and ``records/`` of this repository) is written into TARGET as
a history that git can show:

- a first commit with the settings, forms and organization files;
- one commit per controlled document on its approval date by a person
  holding its owner role (a revised document, A/1 and later, is first
  committed as A/0 on the date most documents were approved, then as it is
  now on its own approval date; a draft on an early date);
- each record with a workflow created in its workflow's first status (the
  fields later statuses require left out) on its own date, then one commit
  per later status adding that status's fields, on the date the status's
  fields carry (``replied``, ``closed``, ``verification.on`` …) or a few days
  after the step before; the author is a person for the role the record
  names (``owner``, ``handled_by``, ``prepared_by`` …);
- every ``--pr-every``-th workflow record (of those citing only records
  already on main) arrives by pull requests: each step on its own branch
  ``pr/<id>/<n>-<status>`` from main, merged with a merge commit
  (``--no-ff``) seconds later, so that ``qms check --base M^1 --head M``
  judges each merge ``M`` as one step and passes;
- records without a workflow committed on their date, one commit per day.

People are named per role from a seeded generator (the same seed, the same
names); e-mail ``role-<hash>@example.com``; every date is in +0800.

``--size N`` is the number of records: below the reference count a
deterministic subset (every kind taken in turn, with the records they refer
to, so that references resolve); above it the records are replicated with
new ids that follow each kind's id pattern (sequence numbers beyond the
reference ones) and references rewritten to the copies. The history is
written with one ``git fast-import`` process, so 100k records take minutes,
not hours.

Usage: python scripts/build_history.py TARGET [--size N] [--seed S] [--pr-every K]
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import functools
import hashlib
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qmskit.repository import Repository
from qmskit.yamlio import dump_scalar, read_front_matter, try_load

SOURCE = Path(__file__).resolve().parent.parent
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力海燕宁欣雪梅晨浩宇佳琳"
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
class People:
    """A stable Chinese name and e-mail per role, from the seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.cache: dict[str, tuple[str, str]] = {}

    def of(self, role: str) -> tuple[str, str]:
        if role not in self.cache:
            digest = hashlib.sha1(f"{self.seed}:{role}".encode()).hexdigest()
            rng = random.Random(int(digest[:16], 16))
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            self.cache[role] = (name, f"role-{digest[:8]}@example.com")
        return self.cache[role]


def person_for_role(role: str, seed: int) -> tuple[str, str]:
    """The (name, email) the history gives the holder of ``role`` (for tests and benchmarks)."""
    return People(seed).of(role)


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

    __slots__ = ("kind", "id", "data", "text", "copy")

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
    """``size`` records (a few more when references pull them in): kinds in turn, each with what it cites."""
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

    def commit(self, ref: str, who: tuple[str, str], when: dt.datetime, message: str,
               files: list[tuple[str, bytes]], parent: int | None, merge: int | None = None) -> int:
        self.mark += 1
        self.commits += 1
        stamp = f"{int(when.timestamp())} +0800"
        ident = f"{who[0]} <{who[1]}> {stamp}".encode()
        out = self.out
        out.write(f"commit {ref}\nmark :{self.mark}\n".encode())
        out.write(b"author " + ident + b"\ncommitter " + ident + b"\n")
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


def role_of(record: Record, kind: Any) -> str:
    """The first role the record names (top-level role fields first, then nested ones)."""
    candidates = []
    for path, ref in kind.refs:
        if getattr(ref, "target", None) != "role":
            continue
        candidates.append(path)
    for path in sorted(candidates, key=len):
        value: Any = record.data
        for part in path:
            if part == "*":
                value = value[0] if isinstance(value, list) and value else None
            elif isinstance(value, dict):
                value = value.get(part)
            else:
                value = None
        if isinstance(value, str) and value:
            return value
    return FALLBACK_ROLE


def record_steps(record: Record, kind: Any) -> list[tuple[dt.date, str, frozenset[str] | None]]:
    """(day, status, fields left out) per commit of a workflow record (None: the file as it is); dates in order."""
    spec = kind.spec
    workflow = spec.workflow
    data = record.data
    created = _as_date(data.get(spec.date_field)) if spec.date_field else None
    status = data.get("status")
    if workflow is None or status not in workflow.statuses:
        return [(created or NO_DATE_DAY, str(status or ""), None)]
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
    steps = []
    for index, name in enumerate(path):
        last = index == len(path) - 1
        steps.append((days[index], name, None if last else frozenset(later_fields - needed[index])))
    return steps


def document_commits(root: Path, people: People) -> list[tuple[dt.date, str, tuple[str, str], str, bytes]]:
    """(day, path, author, message, content) for each document version, and the other manual files."""
    found = []
    for path in sorted((root / "manual").rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        raw = path.read_bytes()
        meta, _ = read_front_matter(raw) if path.suffix == ".md" else (None, "")
        if not isinstance(meta, dict) or "id" not in meta:
            continue
        who = people.of(str(meta.get("owner") or FALLBACK_ROLE))
        approver = meta.get("approver") or ""
        revision = str(meta.get("revision") or "")
        day = _as_date(meta.get("approved")) or _as_date(meta.get("effective"))
        if meta.get("status") == "draft" or day is None:
            found.append((DRAFT_DAY, rel, who, f"起草 {meta['id']} {meta.get('title', '')}(草稿)", raw))
            continue
        if revision and not revision.startswith("A/0") and revision != "A" and day > FIRST_APPROVAL:
            text = raw.decode("utf-8")
            first = (text.replace(f"revision: {revision}", "revision: A/0", 1)
                     .replace(f"approved: {meta.get('approved')}", f"approved: {FIRST_APPROVAL}", 1)
                     .replace(f"effective: {meta.get('effective')}", f"effective: {FIRST_EFFECTIVE}", 1))
            found.append((FIRST_APPROVAL, rel, who, f"发布 {meta['id']} A/0,{approver}批准", first.encode("utf-8")))
            found.append((day, rel, who, f"修订 {meta['id']} {revision},{approver}批准", raw))
        else:
            found.append((day, rel, who, f"发布 {meta['id']} {revision},{approver}批准", raw))
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


def build(target: Path, size: int | None, seed: int, pr_every: int, daily: str | bool | None = None,
          source: Path = SOURCE) -> dict[str, int]:
    repo = Repository(source)
    registry = repo.registry
    people = People(seed)
    records = read_records(source)
    reference_count = len(records)
    patterns = {name: kind.pattern for name, kind in registry.kinds.items()}
    if daily is None:
        daily = "month" if size is not None and size > DAILY_ABOVE else False
    if size is not None and size < reference_count:
        records = subset(records, size)
    elif size is not None and size > reference_count:
        records = replicate(records, size, patterns)

    # events: (day, order, payload); order keeps documents before records on a day
    events: list[tuple[dt.date, int, int, tuple[Any, ...]]] = []
    counter = 0
    for day, rel, who, message, raw in document_commits(source, people):
        counter += 1
        events.append((day, 0, counter, ("doc", rel, who, message, raw)))
    plain: dict[dt.date, list[Record]] = collections.defaultdict(list)
    planned: list[tuple[Record, list[tuple[dt.date, str, frozenset[str] | None]]]] = []
    created: dict[str, dt.date] = {}
    for record in records:
        kind = registry.get(record.kind)
        if kind is None:
            continue
        if kind.spec.workflow is None or record.data.get("status") not in kind.spec.workflow.statuses:
            day = _as_date(record.data.get(kind.spec.date_field)) if kind.spec.date_field else None
            plain[day or NO_DATE_DAY].append(record)
            created[record.id] = day or NO_DATE_DAY
            continue
        steps = record_steps(record, kind)
        planned.append((record, steps))
        created[record.id] = steps[0][0]
    eligible = 0
    for record, steps in planned:
        # a pull request may cite only records already on main when it is merged
        cites_earlier = all(created[s] < steps[0][0] for s in _strings(record.data) if s in created and s != record.id)
        as_pr = False
        if pr_every and cites_earlier and not (daily and record.copy):
            eligible += 1
            as_pr = eligible % pr_every == 0
        who = people.of(role_of(record, registry.get(record.kind)))
        for index, (day, status, content) in enumerate(steps):
            counter += 1
            branch = f"pr/{record.id}/{index + 1}-{status}" if as_pr else None
            events.append((day, 1, counter, ("step", record, who, index, status, content, branch, len(steps))))
    for day, batch in plain.items():
        counter += 1
        events.append((day, 2, counter, ("batch", batch)))
    events.sort(key=lambda e: (e[0], e[1], e[2]))

    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True)
    process = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=target, stdin=subprocess.PIPE)
    assert process.stdin is not None
    stream = Stream(process.stdin)
    main_tip: int | None = None
    tips: dict[str, int] = {}
    per_day: dict[dt.date, int] = collections.Counter()
    maintainer = people.of(FALLBACK_ROLE)

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
            _, rel, who, message, raw = payload
            main_tip = stream.commit("refs/heads/main", who, moment(day), message, [(rel, raw)], main_tip)
        elif what == "batch":
            batch = payload[1]
            kinds = sorted({r.kind for r in batch})
            message = f"{day} 记录 {len(batch)} 份({'、'.join(kinds)})"
            who = people.of(role_of(batch[0], registry.get(batch[0].kind)))
            to_main(day, who, message, [(r.path, record_text(r)) for r in batch])
        else:
            _, record, who, index, status, content, branch, total = payload
            verb = "新建" if index == 0 else "推进"
            message = f"{verb} {record.id}:{status}"
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
    parser.add_argument("--seed", type=int, default=2026, help="names people per role (default 2026)")
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
    summary = build(args.target, args.size, args.seed, args.pr_every, daily)
    print(f"{args.target}: {summary['records']} records, {summary['commits']} commits "
          f"({summary['merges']} merges of pr/ branches) in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
