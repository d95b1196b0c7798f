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
from .messages import text
from .suggest import did_you_mean, find_ignoring_case

if TYPE_CHECKING:
    from .history import HistoryIndex
    from .report import Report
    from .repository import Repository

DOCUMENT_SECTION = "文件信息 / Document"  # a section label, in both languages as every report label is


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
            raise QmsError(text("lookup.is_record", word=rid))
        raise QmsError(text("lookup.no_document", word=word, hint=did_you_mean(word, documents)))
    raise QmsError(text("lookup.no_id", word=word, hint=did_you_mean(word, [*records, *documents])))


def document_report(repo: Repository, index: HistoryIndex, found: Found) -> Report:
    """``qms show`` on a document: its control block (number, revision, status, approval), then its revisions."""
    from .report import Paragraph, Section, Table
    from .trail import document_history_report

    report = document_history_report(repo, index, found.id)
    doc = next((df.doc for df in repo.load_documents() if df.path == found.path and df.doc is not None), None)
    if doc is not None:
        report.title = f"{doc.id} — {doc.title}"
        rows = [[name, _cell(value)] for name, value in doc.model_dump(exclude_defaults=True).items()]
        header = Table(["字段 / field", "值 / value"], rows)
        report.sections.insert(0, Section(DOCUMENT_SECTION, [header]))
    report.sections[-1].blocks.append(Paragraph(text("lookup.see_history", path=found.path, id=found.id), style="note"))
    return report


def _cell(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())
    return str(value)
