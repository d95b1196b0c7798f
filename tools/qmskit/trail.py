"""Audit-trail reports: a record's history, a document's revisions, a pull request's summary.

Each builder returns a :class:`~qmskit.report.Report`; the CLI renders it.
Confidential fields are masked unless the caller asks to reveal them, so a
pull-request comment never carries personal data.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from . import fileio
from . import messages
from .history import MISSING, FieldChange, FieldPath, HistoryIndex, Version, diff_fields
from .errors import QmsError
from .masking import mask
from .notyping import TYPE_CHECKING, NamedTuple
from .report import CONFIDENTIAL, Paragraph, Report, Table
from .yamlmemo import DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, YamlMemo, blob_id

if TYPE_CHECKING:  # the models (pydantic) are imported only when an answer needs them, not to show one record
    from typing import Any

    from .changeset import ChangeSet
    from .git import Git
    from .registry import Kind
    from .repository import Repository

Confidential = tuple[str, ...] | None  # a form's confidential fields; None: no form says, so nothing is shown


def find_record(repo: "Repository", rid: str) -> "tuple[str, Kind | None]":
    """Where record ``rid`` is and its kind; a link or a linked folder is not followed."""
    import glob

    records = repo.root / "records"
    found = [] if "/" in rid or rid.startswith(".") or os.path.islink(records) else sorted(
        p for p in records.glob(f"*/{glob.escape(rid)}.yaml")
        if not os.path.islink(p.parent) and not p.parent.name.startswith(".") and fileio.entry_problem(p) is None)
    if not found:
        raise QmsError(messages.text("trail.no_record", id=rid))
    return repo.rel(found[0]), repo.kind(found[0].parent.name)


def find_document(repo: "Repository", doc_id: str) -> str:
    for df in repo.load_documents():
        if df.doc and df.doc.id == doc_id:
            return df.path
    raise QmsError(messages.text("trail.no_document", id=doc_id))


def _unreadable(value: Any) -> bool:
    """Whether ``value`` is :data:`qmskit.yamlio.UNREADABLE`, asked without importing yamlio (and the YAML library).

    The marker exists only once yamlio is imported (a parse, or a remembered
    unreadable version, imports it), so when it is not, no value is the marker.
    """
    yamlio = sys.modules.get("qmskit.yamlio")
    return yamlio is not None and value is yamlio.UNREADABLE


def format_value(value: Any, limit: int = 80, dump: Callable[[Any], str] | None = None) -> str:
    """A value on one line; ``dump`` writes a value that is not text as YAML (by default yamlio's dump_scalar)."""
    if value is MISSING:
        return "—"
    if _unreadable(value):
        return messages.text("trail.not_yaml")
    if isinstance(value, str):
        text = value
    elif dump is not None:
        text = dump(value)
    else:
        from . import yamlio

        text = yamlio.dump_scalar(value)
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown_value(field: FieldPath, value: Any, confidential: Confidential) -> Any:
    """``value``, found at ``field`` of a record, as an output may show it (through the one masking function).

    Nested and list fields are masked inside; content that is not a mapping
    (an unreadable or odd version of the file) and any value of a record no
    form describes are not shown at all.
    """
    if value is MISSING or value is None or _unreadable(value) or value in ("", [], {}):
        return value
    if confidential is None:
        return CONFIDENTIAL
    if not field:
        return mask(value, confidential) if isinstance(value, dict) else (CONFIDENTIAL if confidential else value)
    wrapped = value
    for part in reversed(field):
        wrapped = {part: wrapped}
    masked = mask(wrapped, confidential)
    for part in field:
        masked = masked[part] if isinstance(masked, dict) else masked
    return masked


def describe(change: FieldChange, kind: "Kind | None", reveal: bool = False, confidential: Confidential = None,
             dump: Callable[[Any], str] | None = None) -> str:
    """One field change in words, confidential values masked, nested ones too.

    ``confidential`` overrides the kind's fields (the pull-request summary
    masks by the base's form as well); with neither, no value is shown.
    """
    if not reveal:
        names = confidential if confidential is not None else (tuple(kind.spec.confidential) if kind else None)
        old, new = (shown_value(change.field, v, names) for v in (change.old, change.new))
        hidden = [isinstance(v, str) and v == CONFIDENTIAL for v in (old, new)]
        if change.field and any(hidden) and all(h or v is MISSING or v is None for h, v in zip(hidden, (old, new))):
            return f"{change.name}: {CONFIDENTIAL}"
        change = FieldChange(change.field, old, new)
    if change.old is MISSING:
        return f"{change.name}: + {format_value(change.new, dump=dump)}"
    if change.new is MISSING:
        return f"{change.name}: − {format_value(change.old, dump=dump)}"
    return f"{change.name}: {format_value(change.old, dump=dump)} → {format_value(change.new, dump=dump)}"


def _day(iso: str) -> str:
    return iso[:16].replace("T", " ")


class ShownForm(NamedTuple):
    """What showing a record needs of its form: titles, code, and the fields to mask (no model, no pydantic).

    Not :class:`qmskit.registry.FormFacts`, which a check keeps of a whole load of the forms.
    """

    code: str
    title_zh: str
    title_en: str
    confidential: tuple[str, ...]

    @classmethod
    def of(cls, kind: "Kind") -> "ShownForm":
        spec = kind.spec
        return cls(spec.code, spec.title_zh, spec.title_en, tuple(spec.confidential))


class Limits(NamedTuple):
    """qms.yml's limits on reading a file, as :class:`~qmskit.repository.Config` has them."""

    max_file_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH


DEFAULT_LIMITS = Limits()  # a value, shared safely (a tuple)


def shown_form(root: Path, kind_name: str) -> ShownForm | None:
    """The facts of the form of ``kind_name``; None when no accepted form defines that kind (then nothing is shown).

    Every whole load of the forms (a check, a report, the site, or this on a
    miss) keeps each kind's titles and confidential fields in the ``kinds``
    cache (``registry.remember_kinds``), under a digest of the engine's source
    and of every form module's bytes, so a later ``qms show`` imports neither
    pydantic nor any form. With nothing remembered (a fresh clone, a changed
    form, ``QMS_CACHE=0``) the forms are loaded, exactly as a show without
    the cache would. The fields to mask are never guessed.
    """
    from .cache import kinds_cache

    loaded = kinds_cache(root / "schemas", root).get("shown")
    if isinstance(loaded, dict):  # the kinds of the last whole load of these very forms, and only those
        facts = loaded.get(kind_name)
        return ShownForm(*facts) if facts is not None else None
    from .repository import Repository

    kind = Repository(root).registry.get(kind_name)  # the whole load remembers what it found
    return ShownForm.of(kind) if kind is not None else None


def read_limits(root: Path, memo: YamlMemo | None = None) -> Limits:
    """qms.yml's ``max_file_bytes`` and ``max_depth`` without building its model; a value out of range is the default.

    The bounds are :class:`~qmskit.repository.Config`'s; a qms.yml that cannot
    be read gives the defaults, as it does there.
    """
    raw = fileio.read_or_none(root / "qms.yml", DEFAULT_MAX_BYTES)
    data = None if raw is None else (memo or YamlMemo(None)).data(blob_id(raw), lambda: raw)
    if not isinstance(data, dict):
        return Limits()
    size, depth = data.get("max_file_bytes"), data.get("max_depth")
    return Limits(size if type(size) is int and size >= 1024 else DEFAULT_MAX_BYTES,
                  depth if type(depth) is int and 2 <= depth <= 200 else DEFAULT_MAX_DEPTH)


def record_report(repo: "Repository", index: HistoryIndex, rid: str, reveal: bool = False) -> Report:
    """``qms show``: the record now, then each commit's changes, newest first."""
    path, kind = find_record(repo, rid)
    limits = Limits(repo.config.max_file_bytes, repo.config.max_depth)
    return record_trail_report(repo.root, path, rid, ShownForm.of(kind) if kind else None, index, limits, reveal)


def record_trail_report(root: Path, path: str, rid: str, form: ShownForm | None, index: HistoryIndex,
                        limits: Limits = DEFAULT_LIMITS, reveal: bool = False) -> Report:
    """A record's report from its form's facts alone; with no form (None) no value but the id is shown.

    Its versions are read through ``index.memo``, so a question asked before
    needs no YAML parser; their values are masked afresh on every question.
    """
    title = f"{rid} — {form.title_zh} / {form.title_en}" if form else rid
    report = Report(title, subtitle=f"`{path}`", document_id=form.code if form else None)
    committed = {v.change.new_blob for v in index.versions(path) if v.change.new_blob}
    current, problem = _current(root, path, limits, index.memo, committed)
    if problem is not None:
        report.section("当前内容 / Now").blocks.append(Paragraph(messages.text("trail.unreadable", line=problem[0], message=problem[1])))
    dump = index.memo.scalar if not reveal else None  # revealed values are not remembered: format_value's own dump
    names = form.confidential if form else None
    if isinstance(current, dict):
        shown = current if reveal else {k: v if k == "id" else shown_value((k,), v, names) for k, v in current.items()}
        rows = [[str(name), format_value(value, 120, dump)] for name, value in shown.items()]
        report.section("当前内容 / Now").blocks.append(Table(["字段 / field", "值 / value"], rows))
    history = report.section("修改历史 / History (newest first)")
    rows = []
    for entry in reversed(index.trail(path)):
        commit = entry.version.commit
        changes = "\n".join(describe(c, None, reveal, confidential=names, dump=dump) for c in entry.changes) \
            or messages.text("trail.no_field_changed")
        rows.append([commit.sha[:8], _day(commit.authored), commit.author, commit.subject, changes])
    history.blocks.append(Table(["提交 / commit", "日期 / date", "作者 / author", "说明 / message", "修改 / changes"], rows))
    if not rows:
        history.blocks.append(Paragraph(messages.text("trail.not_committed")))
    return report


def _current(root: Path, path: str, limits: Limits, memo: YamlMemo,
             committed: set[str]) -> tuple[Any, tuple[int, str] | None]:
    """The record's data as :func:`qmskit.yamlio.load_file` reads it now, or (None, (line, why)) when it cannot be read."""
    try:
        raw = fileio.read_regular(root / path, limits.max_file_bytes, root=root)
    except (fileio.FileRefused, OSError):  # not a regular file, too large, unreadable: yamlio says why, in its words
        from . import yamlio

        try:
            return yamlio.load_file(root / path, max_bytes=limits.max_file_bytes, max_depth=limits.max_depth,
                                    root=root).data, None
        except yamlio.YamlError as exc:
            return None, (exc.line, exc.message)
    return memo.loaded(raw, limits.max_file_bytes, limits.max_depth, committed)


class Revision(NamedTuple):
    """A row of a document's revision history, as the site will show it too."""

    revision: str
    date: str
    author: str
    message: str
    approved: str
    status: str
    commit: str


def document_revisions(index: HistoryIndex, path: str) -> list[Revision]:
    """One row per revision, oldest first: the commit where each revision first appeared."""
    rows: list[Revision] = []
    last = None
    for version in reversed(index.versions(path)):
        if version.change.status == "D":
            continue
        front = index.front_of(version.change.new_blob)
        if front is None:  # its front matter cannot be read
            continue
        revision = str(front.get("revision", "?"))
        if revision == last:
            continue
        last = revision
        commit = version.commit
        rows.append(Revision(revision, _day(commit.authored), commit.author, commit.subject,
                             str(front.get("approved") or ""), str(front.get("status") or ""), commit.sha[:8]))
    return rows


def document_history_report(repo: "Repository", index: HistoryIndex, doc_id: str) -> Report:
    return revision_history_report(find_document(repo, doc_id), doc_id, index)


def revision_history_report(path: str, doc_id: str, index: HistoryIndex) -> Report:
    """``qms history``: the revisions of the document at ``path``, found with no model built."""
    report = Report(f"{doc_id} 修订历史 / revision history", subtitle=f"`{path}`", document_id=doc_id)
    rows = [[r.revision, r.date, r.author, r.message, r.approved, r.status, r.commit] for r in document_revisions(index, path)]
    report.section("修订记录 / Revisions").blocks.append(Table(
        ["版本 / revision", "日期 / date", "作者 / author", "说明 / message", "批准日期 / approved", "状态 / status",
         "提交 / commit"], rows))
    return report


def activity_report(versions: list[Version], title: str) -> Report:
    """``qms log``: every change to a document or record in a period, newest first."""
    from .changeset import record_id

    rows = []
    for version in sorted(versions, key=lambda v: (v.commit.authored, v.change.path), reverse=True):
        change = version.change
        what = {"A": messages.text("trail.added"), "M": messages.text("trail.changed"),
                "D": messages.text("trail.deleted"),
                "R": messages.text("trail.renamed_from", path=change.old_path)}.get(change.status, change.status)
        rid = record_id(change.path) if change.path.startswith("records/") else ""
        rows.append([_day(version.commit.authored), version.commit.author, rid, change.path, what,
                     version.commit.subject])
    report = Report(title)
    report.section(f"变更 / Changes ({len(rows)})").blocks.append(Table(
        ["日期 / date", "作者 / author", "编号 / id", "文件 / file", "变化 / change", "说明 / message"], rows))
    return report


def change_report(repo: "Repository", cs: "ChangeSet", git: "Git") -> Report:
    """``qms diff``: a pull request in words a quality manager reads, for the PR comment.

    Values are masked by the base's forms as well as the head's (a change
    that drops ``confidential=`` still has its values masked), and not shown
    at all when no form can say what is personal; every cell is made inert
    for a comment (no HTML, links, images or @-mentions).
    """
    head = cs.head or "HEAD"
    last_commit: dict[str, Any] = {}
    for commit, changes in git.log("records", "manual", revision=f"{cs.merge_base}..{head}"):
        for change in changes:
            last_commit.setdefault(change.path, commit)
    dirty = git.dirty("records", "manual") if cs.head is None else set()

    def who(path: str) -> tuple[str, str]:
        commit = last_commit.get(path)
        if commit is None or path in dirty:
            return messages.text("trail.uncommitted"), ""
        return commit.author, _day(commit.authored)

    rows = _Rows()
    base_confidential = _base_confidential(repo, git, cs.merge_base)
    for change in cs.changes:
        parts = PurePosixPath(change.path).parts
        if change.path.startswith("records/") and len(parts) > 2 and change.path.endswith(".yaml"):
            _record_rows(rows, repo, git, change, base_confidential, who)
        elif change.path.startswith("manual/") and change.path.endswith(".md"):
            old_front = _front(git.blob(change.old_blob)) if change.old_blob else {}
            new_front = _front(fileio.read_or_none(repo.root / change.path, repo.config.max_file_bytes))
            author, when = who(change.path)
            rows.documents.append([str(new_front.get("id") or old_front.get("id") or change.path),
                                   str(new_front.get("title", "")),
                                   f"{old_front.get('revision', '—')} → {new_front.get('revision', '—')}", author, when])
    return _summary(cs, rows)


class _Rows:
    """The rows of the change summary, by section (filled in place; a plain class: no dataclass on qms show's path)."""

    def __init__(self) -> None:
        self.added: list[list[str]] = []
        self.deleted: list[list[str]] = []
        self.transitions: list[list[str]] = []
        self.edited: list[list[str]] = []
        self.documents: list[list[str]] = []


def _base_confidential(repo: "Repository", git: "Git", merge_base: str) -> dict[str, tuple[str, ...]] | None:
    """Each kind's confidential fields by the base's forms; None when those cannot be read."""
    import tempfile

    from .checks.sides import JudgedRepository, load_base_rules

    if isinstance(repo, JudgedRepository):  # already read with the base's forms
        return {name: tuple(kind.spec.confidential) for name, kind in repo.registry.kinds.items()}
    try:
        with tempfile.TemporaryDirectory(prefix="qms-diff-base-") as folder:
            rules = load_base_rules(git, merge_base, Path(folder))
    except QmsError:
        return None
    return {name: tuple(kind.spec.confidential) for name, kind in rules.registry.kinds.items()}


def _confidential(kind_name: str, head_kind: "Kind | None", base: dict[str, tuple[str, ...]] | None,
                  existed: bool) -> Confidential:
    """The fields to mask: the base's and the head's together; None (mask all) when in doubt."""
    base_fields = base.get(kind_name) if base is not None else None
    head_fields = tuple(head_kind.spec.confidential) if head_kind is not None else None
    if existed and base_fields is None:
        return None  # the record was there but no trusted form says what in it is personal
    if base_fields is None and head_fields is None:
        return None
    return tuple(dict.fromkeys((base_fields or ()) + (head_fields or ())))


def _record_rows(rows: _Rows, repo: "Repository", git: "Git", change: Any,
                 base: dict[str, tuple[str, ...]] | None, who: Any) -> None:
    from . import yamlio
    from .changeset import record_id

    path = change.path
    kind_name = PurePosixPath(path).parts[1]
    kind = repo.registry.get(kind_name)
    names = _confidential(kind_name, kind, base, existed=change.status != "A")
    new = yamlio.try_load(fileio.read_or_none(repo.root / path, repo.config.max_file_bytes))
    author, when = who(path)
    if change.status == "A":
        status = new.get("status", "") if isinstance(new, dict) else ""
        rows.added.append([record_id(path), kind_name, str(shown_value(("status",), status or "", names)), author, when])
        return
    old = yamlio.try_load(git.blob(change.old_blob)) if change.old_blob else None
    if change.status in ("D", "R") and (change.status == "D" or record_id(change.old_path or "") != record_id(path)):
        rows.deleted.append([record_id(change.old_path or path),
                             messages.text("trail.deleted") if change.status == "D" else messages.text("trail.renamed_to", id=record_id(path))])
    if change.status == "D":
        return
    if not isinstance(old, dict) or not isinstance(new, dict):
        rows.edited.append([record_id(path), messages.text("trail.unreadable_side")])
        return
    if old.get("status") != new.get("status"):
        status = (shown_value(("status",), v, names) for v in (old.get("status"), new.get("status")))
        rows.transitions.append([record_id(path), " → ".join(str(v) for v in status), author, when])
    fields = [describe(c, kind, confidential=names) for c in diff_fields(old, new) if c.field != ("status",)]
    if fields:
        rows.edited.append([record_id(path), "\n".join(fields)])


def _summary(cs: "ChangeSet", rows: _Rows) -> Report:
    from .render.markdown import inert_for_comments  # the comment's words, for `qms diff` only

    def inert(table: list[list[str]]) -> list[list[str]]:
        return [[inert_for_comments(cell) for cell in row] for row in table]

    report = Report("变更摘要 / Change summary",
                    subtitle=f"`{cs.merge_base[:8]}` {messages.text('trail.merge_base')} → "
                             f"`{inert_for_comments(cs.head or messages.text('trail.working_tree'))}`")
    report.section("新增记录 / Records added").blocks.append(
        Table(["编号 / id", "类别 / kind", "状态 / status", "作者 / by", "日期 / when"], inert(rows.added)))
    if rows.deleted:
        report.section("删除或改号的记录 / Records deleted or renamed (not allowed)").blocks.append(
            Table(["编号 / id", "变化 / change"], inert(rows.deleted)))
    report.section("状态变化 / Status transitions").blocks.append(
        Table(["编号 / id", "状态 / status", "作者 / by", "日期 / when"], inert(rows.transitions)))
    report.section("字段修改 / Fields changed").blocks.append(Table(["编号 / id", "修改 / changes"], inert(rows.edited)))
    report.section("文件修订 / Documents revised").blocks.append(
        Table(["文件编号 / document", "标题 / title", "版本 / revision", "作者 / by", "日期 / when"], inert(rows.documents)))
    return report


def _front(raw: bytes | None) -> dict[str, Any]:
    from . import yamlio

    return yamlio.read_front_matter(raw)[0] or {}
