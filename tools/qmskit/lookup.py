"""What an id on the command line names: a record or a document, found whatever its case.

``qms show ncr-2026-0007`` finds NCR-2026-0007; ``qms show LD-QP-09`` finds
the document; a near miss is answered with the ids it was probably meant
to be, and a record given to ``qms history`` (or the other way round) is
pointed to the command that shows it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import QmsError
from .messages import text
from .notyping import TYPE_CHECKING, NamedTuple
from .suggest import did_you_mean, find_ignoring_case

if TYPE_CHECKING:
    from typing import Literal

    from .history import HistoryIndex
    from .yamlmemo import YamlMemo
    from .report import Report
    from .repository import Repository

DOCUMENT_SECTION = "文件信息 / Document"  # a section label, in both languages as every report label is


class Found(NamedTuple):
    what: Literal["record", "document"]
    id: str
    path: str


def record_ids(repo: "Repository") -> dict[str, str]:
    """Record id → path, for every record file (``records/<kind>/<id>.yaml``)."""
    return {rf.id: rf.path for rf in repo.record_files() if rf.path.endswith(".yaml") and rf.path.count("/") == 2}


def document_ids(repo: "Repository") -> dict[str, str]:
    """Document number → path, for every manual page whose front matter can be read."""
    return {df.doc.id: df.path for df in repo.load_documents() if df.doc is not None}


def qms_root(given: Path | None, start: Path | None = None) -> Path:
    """The QMS folder: ``given`` (``--root``) if it holds qms.yml, else the nearest folder up from ``start`` that does.

    The same answer as :func:`qmskit.repository.find_root`, without importing
    the models: ``qms show`` of one record should not pay for pydantic.
    """
    if given is not None:
        root = given.resolve()
        if not (root / "qms.yml").is_file():
            raise QmsError(text("cli.no_config_at_root", root=given))
        return root
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "qms.yml").is_file():
            return folder
    raise QmsError(text("repo.no_root", config="qms.yml", start=here))


def _visible_folders(folder: str) -> list[os.DirEntry[str]]:
    """The real (not linked), not hidden sub-folders of ``folder``, sorted; none when it is missing or a link."""
    if os.path.islink(folder) or not os.path.isdir(folder):
        return []
    with os.scandir(folder) as entries:
        found = [e for e in entries if e.is_dir(follow_symlinks=False) and not e.name.startswith(".")]
    return sorted(found, key=lambda e: e.name)


def quick_record(root: Path, word: str) -> Found | None:
    """The record ``word`` names (any case), from a listing of ``records/*/`` alone; None when none is.

    No form and no document is read, so ``qms show`` of a record costs what
    the record costs. Only regular ``.yaml`` files in real, visible kind
    folders count (what :func:`qmskit.trail.find_record` would open); when
    two kinds hold the same id, the first kind in name order is the one.
    """
    kinds = _visible_folders(os.path.join(root, "records"))
    plain = not ("/" in word or "\0" in word or word.startswith("."))
    for kind in kinds if plain else ():  # the id as spelt: a stat per kind, no listing (exact wins, as in find_ignoring_case)
        path = os.path.join(kind.path, word + ".yaml")
        if os.path.isfile(path) and not os.path.islink(path):
            return Found("record", word, f"records/{kind.name}/{word}.yaml")
    paths: dict[str, str] = {}
    for kind in kinds:
        with os.scandir(kind.path) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(".yaml") and not name.startswith(".") and entry.is_file(follow_symlinks=False):
                    paths.setdefault(name[:-5], f"records/{kind.name}/{name}")
    rid = find_ignoring_case(word, paths)
    return None if rid is None else Found("record", rid, paths[rid])


_ID_LINE = re.compile(rb"^id:[ \t]*[\"']?([^\s\"'#]+)", re.M)


def _front_id(raw: bytes, memo: "YamlMemo") -> str | None:
    """The ``id`` of a page's front matter, parsed as every reader parses it (or as it was parsed before)."""
    from .yamlmemo import blob_id

    front = memo.front(blob_id(raw), lambda: raw)
    doc_id = front.get("id") if front else None
    return doc_id if isinstance(doc_id, str) and doc_id else None


def _id_line(raw: bytes) -> str | None:
    """The ``id:`` line of a page's front matter, read as text: a guess, confirmed by :func:`_front_id`."""
    if not raw.startswith(b"---"):
        return None
    end = raw.find(b"\n---", 3)
    found = _ID_LINE.search(raw, 0, end if end > 0 else len(raw))
    return found.group(1).decode("utf-8", "replace") if found else None


def quick_document(root: Path, word: str, max_bytes: int, memo: "YamlMemo | None" = None) -> Found | None:
    """The document ``word`` names (any case), from ``manual/``'s front matter alone; None when none is.

    No model is built, so a document's history does not import pydantic.
    Each page's ``id:`` line is read as text, and only the page it points to
    is parsed to confirm it; when that does not agree, every front matter is
    parsed. A page whose front matter cannot be read has no id here, as it
    has none for :func:`find`.
    """
    manual = os.path.join(root, "manual")
    if os.path.islink(manual):
        return None
    raws: dict[str, bytes] = {}
    skip = len(os.path.join(root, ""))  # each page is root + os.sep + its path: the path, without a Path made per page
    for page in sorted(_pages(manual)):  # the order of Repository.document_paths: the first of two equal ids wins there too
        try:
            if os.lstat(page).st_size <= max_bytes:
                with open(page, "rb") as handle:
                    raws[page[skip:].replace(os.sep, "/")] = handle.read()
        except OSError:
            continue
    if memo is None:
        from .yamlmemo import YamlMemo

        memo = YamlMemo(None)
    guessed: dict[str, str] = {}
    for path, raw in raws.items():
        guessed.setdefault(_id_line(raw) or "", path)
    did = find_ignoring_case(word, [g for g in guessed if g])
    if did is not None and _front_id(raws[guessed[did]], memo) == did:
        return Found("document", did, guessed[did])
    ids: dict[str, str] = {}
    for path, raw in raws.items():
        ids.setdefault(_front_id(raw, memo) or "", path)
    did = find_ignoring_case(word, [i for i in ids if i])
    return None if did is None else Found("document", did, ids[did])


def _pages(folder: str) -> list[str]:
    """The regular, not hidden ``.md`` files under ``folder``, through real, not hidden folders (no link followed).

    What ``os.walk`` (which enters no linked folder) and a check of each
    file (``isfile`` and not ``islink``) found, from the file types the
    listing itself gives: one ``scandir`` a folder and no ``stat`` a file.
    """
    try:
        listing = os.scandir(folder)
    except OSError:  # a folder that cannot be listed is passed over, as os.walk does
        return []
    found: list[str] = []
    with listing:
        for entry in listing:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    found.extend(_pages(entry.path))
                elif entry.name.endswith(".md") and entry.is_file(follow_symlinks=False):
                    found.append(entry.path)
            except OSError:
                continue
    return found


def find(repo: "Repository", word: str, want: Literal["any", "document"] = "any") -> Found:
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


def document_report(repo: "Repository", index: "HistoryIndex", found: Found) -> "Report":
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
