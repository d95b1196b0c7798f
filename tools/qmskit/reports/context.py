"""What every report reads, loaded once: records, documents, organization, plans, history.

A report is computed from the records that pass their form; a record that
does not is counted in ``unreadable`` and every report says how many were
left out (run ``qms check``), so a figure is never silently short.
Confidential fields are masked here, through the one masking function,
before any generator sees a record's raw data.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .. import fileio, messages
from ..checks.records import check_record_file
from ..documents import Document, Organization
from ..forms import RecordBase
from ..git import Git
from ..history import HistoryIndex
from ..issues import Issue, QmsError
from ..masking import mask
from ..plans import OBJECTIVES_FILE, SCHEDULE_FILE, ObjectivesFile, ScheduleFile
from ..registry import Kind
from ..report import Paragraph, Report
from ..repository import DocumentFile, Repository
from ..validation import M, load_model
from ..yamlmemo import blob_id
from .labels import Translator

if TYPE_CHECKING:
    from ..cache import ResultCache


@dataclass(frozen=True)
class Rec:
    """One valid record: its model (typed fields), where it is, and its data with confidential fields masked."""

    id: str
    kind: Kind
    path: str
    model: RecordBase
    shown: dict[str, Any]  # the data as any output may show it

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self.model, name, default)

    @property
    def status(self) -> str | None:
        return self.model.status

    @property
    def final(self) -> bool:
        workflow = self.kind.spec.workflow
        return workflow is not None and self.model.status in workflow.final

    @property
    def date(self) -> dt.date | None:
        """The date that puts the record in a period (its form's ``date_field``)."""
        name = self.kind.spec.date_field
        value = getattr(self.model, name, None) if name else None
        return value if isinstance(value, dt.date) else None


@dataclass
class Context:
    """A repository read for reporting, as of a day, in a language."""

    repo: Repository
    as_of: dt.date
    lang: str = "zh"
    reveal: bool = False
    records: dict[str, list[Rec]] = field(default_factory=dict)
    by_id: dict[str, Rec] = field(default_factory=dict)
    unreadable: list[Issue] = field(default_factory=list)
    invalid: dict[str, tuple[Kind, str, dict[str, Any]]] = field(default_factory=dict)  # id → (kind, path, masked data)

    @classmethod
    def load(cls, repo: Repository, as_of: dt.date, lang: str | None = None, reveal: bool = False,
             progress: Callable[[int, int], None] | None = None) -> Context:
        """Every readable record, validated and masked; ``progress(done, total)`` as they are read."""
        ctx = cls(repo, as_of, lang or repo.config.lang, reveal)
        registry = repo.registry
        files = repo.record_files()
        total = len(files)
        cache = _valid_records_cache(repo)
        base = str(repo.root)  # joined as strings: a Path per record was a third of a warm load at 20,000
        read: list[str] = []  # the cache's keys of this run's records
        for n, rf in enumerate(files, 1):
            if progress is not None and (n % 500 == 0 or n == total):
                progress(n, total)
            kind = registry.get(rf.kind)
            if kind is None or not rf.path.endswith(".yaml"):
                continue
            raw = _within_limits(os.path.join(base, rf.path), repo.config.max_file_bytes) if cache is not None else None
            key = f"{rf.path}\0{blob_id(raw)}" if raw is not None else None
            record, data = _revalidated(kind, cache.get(key) if cache is not None and key is not None else None)
            if record is None:
                check_record_file(rf, repo.root / rf.path, registry, repo.config, raw=raw)
                # the positions of every value are not kept: they were most of a report's memory
                record, data, rf.record, rf.data, rf.loaded = rf.record, rf.data, None, None, None
                if cache is not None and record is not None and not rf.issues:
                    cache.put(key, data)  # under the id of the very bytes parsed
            if key is not None:
                read.append(key)
            if record is None or rf.issues:
                ctx.unreadable.extend(rf.issues or [Issue(rf.path, 1, 1, "record", messages.text("rep.unreadable"))])
                if isinstance(data, dict):  # kept for rules a form's own validator hides (independence)
                    ctx.invalid[rf.id] = (kind, rf.path, mask(data, kind.spec.confidential, reveal=reveal))
                continue
            rec = Rec(rf.id, kind, rf.path, record, mask(data, kind.spec.confidential, reveal=reveal))
            ctx.records.setdefault(kind.name, []).append(rec)
            ctx.by_id[rf.id] = rec
        if cache is not None:
            cache.keep_only(read)
            cache.save()
        return ctx

    @property
    def tr(self) -> Translator:
        return Translator(self.lang)

    # -- records ---------------------------------------------------------

    def of_kind(self, name: str) -> list[Rec]:
        return self.records.get(name, [])

    def of_base(self, base: type[RecordBase]) -> list[Rec]:
        """Records of every form built on ``base`` (a report never asks for a file name)."""
        return [r for kind in self.repo.registry.extending(base) for r in self.records.get(kind.name, [])]

    def record(self, rid: str) -> Rec | None:
        return self.by_id.get(rid)

    # -- the manual --------------------------------------------------------

    @cached_property
    def document_files(self) -> list[DocumentFile]:
        return [df for df in self.repo.load_documents() if df.doc is not None]

    @cached_property
    def documents(self) -> dict[str, Document]:
        return {df.doc.id: df.doc for df in self.document_files if df.doc}

    def document_file(self, doc_id: str) -> DocumentFile | None:
        return next((df for df in self.document_files if df.doc and df.doc.id == doc_id), None)

    @cached_property
    def organization(self) -> Organization | None:
        return self.repo.load_organization()[0]

    @cached_property
    def objectives(self) -> ObjectivesFile | None:
        return self._plan(OBJECTIVES_FILE, ObjectivesFile)

    @cached_property
    def schedule(self) -> ScheduleFile | None:
        return self._plan(SCHEDULE_FILE, ScheduleFile)

    def _plan(self, rel: str, model: type[M]) -> M | None:
        path = self.repo.root / rel
        if not path.exists():
            return None
        value, _, issues = load_model(path, rel, model, "plan-schema")
        if value is None:
            raise QmsError(messages.text("rep.plan_unreadable", rel=rel, problem=issues[0].format() if issues else "—"))
        return value

    # -- git -------------------------------------------------------------

    @cached_property
    def history(self) -> HistoryIndex | None:
        """The history of manual/ and records/, or None outside git (reports then say history is unavailable)."""
        git = Git(self.repo.root)
        try:
            git.require_root()
        except QmsError:
            return None
        return HistoryIndex(git)

    # -- what every report says about itself ------------------------------

    def stamp(self, report: Report) -> Report:
        """Add the notes every report carries: records left out, confidential data included."""
        tr = self.tr
        if self.reveal:
            report.notice = tr("本报告包含保密字段(个人信息),仅限授权人员阅读,不得外传。",
                               "This report includes confidential fields (personal data): for authorized readers only.")
        if self.unreadable:
            paths = sorted({i.path for i in self.unreadable})
            report.sections.insert(0, _unreadable_section(tr, paths))
        report.data.setdefault("as_of", self.as_of)
        report.data.setdefault("lang", self.lang)
        report.data["records_left_out"] = sorted({i.path for i in self.unreadable})
        return report


def _valid_records_cache(repo: Repository) -> ResultCache | None:
    """The parsed data of each valid record an earlier report read, under the git blob id of its bytes.

    Parsing the YAML is three quarters of loading 20,000 records, and a
    report is asked again and again of the same records (the due list each
    morning). Only a record that passed its form with no issue is kept, as
    plain data, under the id of the bytes actually read (not what git's index
    says of the file: a clean/smudge filter or ``ident`` makes the two differ,
    and a file saved while a report runs is read after the index was). The
    key holds the engine, the forms and ``qms.yml``; None when there is no cache.
    """
    from ..cache import ResultCache, digest_of, engine_digest, folder_digest

    cache = ResultCache(repo.root, "report-records", digest_of(
        engine_digest(), folder_digest(repo.root / "schemas", "*"), repo.config.model_dump_json()))
    return cache if cache.enabled else None


def _within_limits(path: str, max_bytes: int) -> bytes | None:
    """A record's bytes when it is a regular file within the size limit; None otherwise (it is then checked as
    any record is, and its problem reported in the check's words)."""
    try:
        return fileio.read_regular(path, max_bytes)
    except (fileio.FileRefused, OSError):
        return None


def _revalidated(kind: Kind, data: Any) -> tuple[RecordBase | None, Any]:
    """The model the forms make of remembered data; (None, None) when there is none, or when the form no longer
    takes it (its validity can hang on more than the record's bytes and the forms' code: a list the form reads,
    the day), so the record is then read and reported afresh, as a report without the cache would."""
    if data is None:
        return None, None
    try:
        return kind.validate(data), data
    except ValidationError:
        return None, None


def _unreadable_section(tr: Translator, paths: list[str]) -> Any:
    from ..report import Section

    text = tr(f"{len(paths)} 份记录未通过表格校验,未计入本报告;运行 qms check 查看并修正:",
              f"{len(paths)} records do not pass their form and are left out of this report; run qms check to fix them:")
    return Section(tr("未计入的记录", "Records left out"), [Paragraph(text, "warning"), Paragraph(", ".join(paths))])
