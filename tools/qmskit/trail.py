"""Audit-trail reports: a record's history, a document's revisions, a pull request's summary.

Each builder returns a :class:`~qmskit.report.Report`; the CLI renders it.
Confidential fields are masked unless the caller asks to reveal them, so a
pull-request comment never carries personal data.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from . import yamlio
from .checks.changes import ChangeSet, read_or_none, record_id
from .git import Git
from .history import MISSING, FieldChange, HistoryIndex, Version, diff_fields
from .issues import QmsError
from .masking import is_confidential, mask
from .registry import Kind
from .report import CONFIDENTIAL, Paragraph, Report, Table
from .repository import Repository


def find_record(repo: Repository, rid: str) -> tuple[str, Kind | None]:
    found = sorted((repo.root / "records").glob(f"*/{rid}.yaml"))
    if not found:
        raise QmsError(f"no record {rid!r} in records/; ids are file names, e.g. NCR-2026-0007")
    rel = repo.rel(found[0])
    return rel, repo.registry.get(found[0].parent.name)


def find_document(repo: Repository, doc_id: str) -> str:
    for df in repo.load_documents():
        if df.doc and df.doc.id == doc_id:
            return df.path
    raise QmsError(f"no document {doc_id!r} in manual/; document numbers look like LD-QP-09")


def format_value(value: Any, limit: int = 80) -> str:
    if value is MISSING:
        return "—"
    text = value if isinstance(value, str) else yamlio.dump_scalar(value)
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _masked(kind: Kind | None, change: FieldChange, reveal: bool) -> bool:
    if reveal or kind is None:
        return False
    return is_confidential(kind.spec.confidential, change.field)


def describe(change: FieldChange, kind: Kind | None, reveal: bool = False) -> str:
    """One field change in words, confidential values masked (a whole-file change is masked inside)."""
    if _masked(kind, change, reveal):
        return f"{change.name}: {CONFIDENTIAL}"
    confidential = kind.spec.confidential if kind else ()
    if not change.field and not reveal:
        old, new = (mask(v, confidential) if isinstance(v, dict) else v for v in (change.old, change.new))
        if kind is None:  # no form to say what is personal: show no content at all
            old, new = (CONFIDENTIAL if v not in (MISSING, None, {}) else v for v in (old, new))
        change = FieldChange(change.field, old, new)
    if change.old is MISSING:
        return f"{change.name}: + {format_value(change.new)}"
    if change.new is MISSING:
        return f"{change.name}: − {format_value(change.old)}"
    return f"{change.name}: {format_value(change.old)} → {format_value(change.new)}"


def _day(iso: str) -> str:
    return iso[:16].replace("T", " ")


def record_report(repo: Repository, index: HistoryIndex, rid: str, reveal: bool = False) -> Report:
    """``qms show``: the record now, then each commit's changes, newest first."""
    path, kind = find_record(repo, rid)
    title = f"{rid} — {kind.spec.title_zh} / {kind.spec.title_en}" if kind else rid
    report = Report(title, subtitle=f"`{path}`", document_id=kind.spec.code if kind else None)
    try:
        current = yamlio.load_file(repo.root / path).data
    except yamlio.YamlError as exc:
        current = None
        report.section("当前内容 / Now").blocks.append(Paragraph(f"the file cannot be read: line {exc.line}: {exc.message}"))
    if isinstance(current, dict):
        shown = mask(current, kind.spec.confidential if kind else (), reveal=reveal)
        rows = [[str(name), format_value(value, 120)] for name, value in shown.items()]
        report.section("当前内容 / Now").blocks.append(Table(["字段 / field", "值 / value"], rows))
    history = report.section("修改历史 / History (newest first)")
    rows = []
    for entry in reversed(index.trail(path)):
        commit = entry.version.commit
        changes = "\n".join(describe(c, kind, reveal) for c in entry.changes) or "(no field changed)"
        rows.append([commit.sha[:8], _day(commit.authored), commit.author, commit.subject, changes])
    history.blocks.append(Table(["提交 / commit", "日期 / date", "作者 / author", "说明 / message", "修改 / changes"], rows))
    if not rows:
        history.blocks.append(Paragraph("Not committed yet: git has no history for this file."))
    return report


@dataclass(frozen=True)
class Revision:
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
        raw = index.blob(version.change.new_blob)
        try:
            md = yamlio.load_markdown(raw or b"")
        except yamlio.YamlError:
            continue
        front = md.front.data if md.front and isinstance(md.front.data, dict) else {}
        revision = str(front.get("revision", "?"))
        if revision == last:
            continue
        last = revision
        commit = version.commit
        rows.append(Revision(revision, _day(commit.authored), commit.author, commit.subject,
                             str(front.get("approved") or ""), str(front.get("status") or ""), commit.sha[:8]))
    return rows


def document_history_report(repo: Repository, index: HistoryIndex, doc_id: str) -> Report:
    path = find_document(repo, doc_id)
    report = Report(f"{doc_id} 修订历史 / revision history", subtitle=f"`{path}`", document_id=doc_id)
    rows = [[r.revision, r.date, r.author, r.message, r.approved, r.status, r.commit] for r in document_revisions(index, path)]
    report.section("修订记录 / Revisions").blocks.append(Table(
        ["版本 / revision", "日期 / date", "作者 / author", "说明 / message", "批准日期 / approved", "状态 / status",
         "提交 / commit"], rows))
    return report


def activity_report(versions: list[Version], title: str) -> Report:
    """``qms log``: every change to a document or record in a period, newest first."""
    rows = []
    for version in sorted(versions, key=lambda v: (v.commit.authored, v.change.path), reverse=True):
        change = version.change
        what = {"A": "added", "M": "changed", "D": "deleted", "R": f"renamed from {change.old_path}"}.get(change.status, change.status)
        rid = record_id(change.path) if change.path.startswith("records/") else ""
        rows.append([_day(version.commit.authored), version.commit.author, rid, change.path, what,
                     version.commit.subject])
    report = Report(title)
    report.section(f"变更 / Changes ({len(rows)})").blocks.append(Table(
        ["日期 / date", "作者 / author", "编号 / id", "文件 / file", "变化 / change", "说明 / message"], rows))
    return report


def change_report(repo: Repository, cs: ChangeSet, git: Git) -> Report:
    """``qms diff``: a pull request in words a quality manager reads, for the PR comment."""
    head = cs.head or "HEAD"
    last_commit: dict[str, Any] = {}
    for commit, changes in git.log("records", "manual", revision=f"{cs.merge_base}..{head}"):
        for change in changes:
            last_commit.setdefault(change.path, commit)
    dirty = git.dirty("records", "manual") if cs.head is None else set()
    added, deleted, transitions, edited, documents = [], [], [], [], []

    def who(path: str) -> tuple[str, str]:
        commit = last_commit.get(path)
        if commit is None or path in dirty:
            return "(uncommitted)", ""
        return commit.author, _day(commit.authored)

    for change in cs.changes:
        path = change.path
        parts = PurePosixPath(path).parts
        if path.startswith("records/") and len(parts) > 2 and path.endswith(".yaml"):
            kind = repo.registry.get(parts[1])
            new = _data(repo.root / path)
            author, when = who(path)
            if change.status == "A":
                status = new.get("status", "") if isinstance(new, dict) else ""
                added.append([record_id(path), parts[1], str(status or ""), author, when])
                continue
            old = yamlio.try_load(git.blob(change.old_blob)) if change.old_blob else None
            if change.status in ("D", "R") and (change.status == "D" or record_id(change.old_path or "") != record_id(path)):
                deleted.append([record_id(change.old_path or path), "deleted" if change.status == "D" else f"renamed to {record_id(path)}"])
            if change.status == "D" or not isinstance(old, dict) or not isinstance(new, dict):
                continue
            if old.get("status") != new.get("status"):
                transitions.append([record_id(path), f"{old.get('status')} → {new.get('status')}", author, when])
            fields = [describe(c, kind) for c in diff_fields(old, new) if c.field != ("status",)]
            if fields:
                edited.append([record_id(path), "\n".join(fields)])
        elif path.startswith("manual/") and path.endswith(".md"):
            old_front = _front(git.blob(change.old_blob)) if change.old_blob else {}
            new_front = _front(read_or_none(repo.root / path))
            author, when = who(path)
            documents.append([str(new_front.get("id") or old_front.get("id") or path),
                              str(new_front.get("title", "")),
                              f"{old_front.get('revision', '—')} → {new_front.get('revision', '—')}", author, when])
    report = Report("变更摘要 / Change summary",
                    subtitle=f"`{cs.merge_base[:8]}` (merge base) → `{cs.head or 'working tree'}`")
    report.section("新增记录 / Records added").blocks.append(
        Table(["编号 / id", "类别 / kind", "状态 / status", "作者 / by", "日期 / when"], added))
    if deleted:
        report.section("删除或改号的记录 / Records deleted or renamed (not allowed)").blocks.append(
            Table(["编号 / id", "变化 / change"], deleted))
    report.section("状态变化 / Status transitions").blocks.append(
        Table(["编号 / id", "状态 / status", "作者 / by", "日期 / when"], transitions))
    report.section("字段修改 / Fields changed").blocks.append(Table(["编号 / id", "修改 / changes"], edited))
    report.section("文件修订 / Documents revised").blocks.append(
        Table(["文件编号 / document", "标题 / title", "版本 / revision", "作者 / by", "日期 / when"], documents))
    return report


def _data(path: Path) -> Any:
    return yamlio.try_load(read_or_none(path))


def _front(raw: bytes | None) -> dict[str, Any]:
    return yamlio.read_front_matter(raw)[0] or {}
