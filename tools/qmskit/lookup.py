"""What an id on the command line names: a record or a document, found whatever its case.

``qms show ncr-2026-0007`` finds NCR-2026-0007; ``qms show LD-QP-09`` finds
the document; a near miss is answered with the ids it was probably meant
to be, and a record given to ``qms history`` (or the other way round) is
pointed to the command that shows it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .issues import QmsError
from .suggest import did_you_mean, find_ignoring_case

if TYPE_CHECKING:
    from .history import HistoryIndex
    from .report import Report
    from .repository import Repository

_TEXT = {
    "en": {
        "no_id": "no record or document {word!r}{hint}; record ids are file names under records/ (e.g. NCR-2026-0007), "
                 "document numbers are the id in a manual page's front matter (e.g. LD-QP-09)",
        "no_document": "no document {word!r} in manual/{hint}; document numbers look like LD-QP-09",
        "is_record": "{word} is a record, not a document: its history is 'qms show {word}'",
        "document": "文件信息 / Document",
        "see_history": "Full text: {path}. Revision history with commits: qms history {id}",
    },
    "zh": {
        "no_id": "没有记录或文件 {word!r}{hint};记录编号即 records/ 下的文件名(如 NCR-2026-0007),"
                 "文件编号是手册页首部的 id(如 LD-QP-09)",
        "no_document": "manual/ 中没有文件 {word!r}{hint};文件编号形如 LD-QP-09",
        "is_record": "{word} 是记录而不是文件:请用 'qms show {word}' 查看其历史",
        "document": "文件信息 / Document",
        "see_history": "全文:{path}。含提交的修订历史:qms history {id}",
    },
}


def text(lang: str, key: str, **values: object) -> str:
    """A user-facing sentence in the repository's language (English when the language is unknown)."""
    return _TEXT.get(lang, _TEXT["en"])[key].format(**values)


@dataclass(frozen=True)
class Found:
    what: Literal["record", "document"]
    id: str
    path: str


def record_ids(repo: Repository) -> dict[str, str]:
    """Record id → path, for every record file (``records/<kind>/<id>.yaml``)."""
    return {rf.id: rf.path for rf in repo.record_files() if rf.path.endswith(".yaml") and rf.path.count("/") == 2}


def document_ids(repo: Repository) -> dict[str, str]:
    """Document number → path, for every manual page whose front matter can be read."""
    return {df.doc.id: df.path for df in repo.load_documents() if df.doc is not None}


def find(repo: Repository, word: str, want: Literal["any", "document"] = "any") -> Found:
    """The record or document ``word`` names; a QmsError naming the near misses when there is none."""
    lang = repo.config.lang
    documents = document_ids(repo)
    records = record_ids(repo)
    if want == "any":
        rid = find_ignoring_case(word, records)
        if rid is not None:
            return Found("record", rid, records[rid])
    did = find_ignoring_case(word, documents)
    if did is not None:
        return Found("document", did, documents[did])
    if want == "document":
        rid = find_ignoring_case(word, records)
        if rid is not None:
            raise QmsError(text(lang, "is_record", word=rid))
        raise QmsError(text(lang, "no_document", word=word, hint=did_you_mean(word, documents, lang)))
    raise QmsError(text(lang, "no_id", word=word, hint=did_you_mean(word, [*records, *documents], lang)))


def document_report(repo: Repository, index: HistoryIndex, found: Found) -> Report:
    """``qms show`` on a document: its control block (number, revision, status, approval), then its revisions."""
    from .report import Paragraph, Section, Table
    from .trail import document_history_report

    lang = repo.config.lang
    report = document_history_report(repo, index, found.id)
    doc = next((df.doc for df in repo.load_documents() if df.path == found.path and df.doc is not None), None)
    if doc is not None:
        report.title = f"{doc.id} — {doc.title}"
        rows = [[name, _cell(value)] for name, value in doc.model_dump(exclude_defaults=True).items()]
        header = Table(["字段 / field", "值 / value"], rows)
        report.sections.insert(0, Section(text(lang, "document"), [header]))
    report.sections[-1].blocks.append(Paragraph(text(lang, "see_history", path=found.path, id=found.id), style="note"))
    return report


def _cell(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    return str(value)
