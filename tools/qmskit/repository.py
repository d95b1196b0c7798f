"""Where a QMS repository is and what it holds, read from the working tree.

The root is the folder with ``qms.yml``. Loading is split from checking:
this module reads files into :class:`RecordFile` and :class:`DocumentFile`
objects (keeping every parse problem as an issue), and ``checks`` judges
them. Nothing here writes.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import fileio, yamlio
from .documents import CLASS_ID, DEFAULT_CLASSES, Document, Organization
from .issues import Issue
from .messages import configured_language, set_language, text
from .validation import issues_from_validation, load_model
from . import messages

if TYPE_CHECKING:  # the forms are imported when a command asks for them (qms history never does)
    from .cache import ResultCache
    from .registry import Kind, Registry

CONFIG_FILE = "qms.yml"
ORGANIZATION_FILE = "manual/organization.yml"


class DocumentClass(BaseModel):
    """A document class's name in both languages (``qms.yml`` document_classes)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    zh: str = Field(min_length=1, description="中文名称 / Chinese name")
    en: str = Field(min_length=1, description="English name")


class Config(BaseModel):
    """``qms.yml``: settings of one QMS repository (frozen once read)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str = Field(description="组织名称 / organization name")
    lang: str = Field(default="zh", pattern="^(zh|en)$", description="report language")
    max_file_bytes: int = Field(default=yamlio.DEFAULT_MAX_BYTES, ge=1024)
    max_depth: int = Field(default=yamlio.DEFAULT_MAX_DEPTH, ge=2, le=200)
    revision_scheme: str = Field(
        default="letter/number", pattern="^(letter/number|numeric)$",
        description="how document revisions move forward: letter/number (A/0 → A/1 → B/0) or numeric (1.0 → 1.1 → 2.0)",
    )
    standards: tuple[str, ...] = Field(
        default=("iso9001",), strict=False,  # a YAML list, kept as a (hashable, frozen) tuple
        description="the standards the organization works to, by catalogue id: iso9001 iso14001 iso45001 iso13485, "
                    "or an own catalogue standards/<id>.yml; documents tag clauses with a field of each id")
    document_classes: dict[str, DocumentClass] = Field(
        default_factory=lambda: {k: DocumentClass(zh=zh, en=en) for k, (zh, en) in DEFAULT_CLASSES.items()},
        description="the organization's document classes, code → {zh, en} (default QM QP WI FOR REG JD MAN REF)")

    @field_validator("document_classes")
    @classmethod
    def _class_codes(cls, value: dict[str, DocumentClass]) -> dict[str, DocumentClass]:
        for code in value:
            if not CLASS_ID.fullmatch(code):
                raise ValueError(messages.text("config.class_code", code=repr(code)))
        if not value:
            raise ValueError(messages.text("config.no_classes"))
        return value

    def class_name(self, code: str, lang: str) -> str:
        """A document class in words (``程序文件`` / ``procedure``); an undeclared code as it is."""
        found = self.document_classes.get(code)
        return code if found is None else (found.zh if lang == "zh" else found.en)


@dataclass
class DocumentFile:
    path: str
    doc: Document | None
    body: str
    body_line: int
    marks: yamlio.Loaded | None
    issues: list[Issue] = field(default_factory=list)

    def line_of(self, key: str) -> int:
        return self.marks.position((key,))[0] if self.marks else 1


@dataclass
class RecordFile:
    """One record file: where it is, what it holds, and what is wrong with it."""

    path: str
    kind: str
    id: str
    data: dict[str, Any] | None = None
    record: Any = None  # the validated model instance, when valid
    loaded: yamlio.Loaded | None = None
    issues: list[Issue] = field(default_factory=list)
    entry: str | None = None  # set by the listing when this is no regular file: the message saying what it is

    def position(self, loc: tuple[str | int, ...]) -> tuple[int, int]:
        return self.loaded.position(loc) if self.loaded else (1, 1)


def split_record_path(path: str) -> tuple[str, str]:
    """``records/<kind>/<id>.yaml`` → ``(kind, id)``: the folder below records/ and the name without its extension.

    The passes over a whole listing spell this out inline (a call per entry
    costs more than the split); each such copy says so.
    """
    if "/" not in path:
        return "", path  # records/ itself, when it is no folder
    folder, _, name = path[8:].rpartition("/")  # after "records/"
    return folder, (name.rsplit(".", 1)[0] if "." in name[1:] else name)


def _path_of(rf: RecordFile) -> str:
    return rf.path


class RecordListing:
    """Every entry under ``records/`` as strings: what the listing rules and the id index read.

    The rules over the whole listing (ids unique, folders known, nothing
    hidden) and the index of ids need only each entry's path, so a check
    that re-checks few records (a pull request) makes a :class:`RecordFile`
    for those few alone: at 100k records, an object per record was a fifth
    of a small change's check. ``entries`` holds what is wrong with each
    entry that is not a regular file (a link, a FIFO, a submodule).
    """

    def __init__(self, paths: list[str], entries: dict[str, str] | None = None,
                 files: list[RecordFile] | None = None) -> None:
        self.paths = paths
        self.entries = entries or {}
        self._files = files
        self._ids: dict[str, str] | None = None
        self._yaml_entries = 0

    @classmethod
    def of(cls, files: list[RecordFile]) -> RecordListing:
        """The listing of files already made (the folder walk's)."""
        return cls([rf.path for rf in files], {rf.path: rf.entry for rf in files if rf.entry}, files)

    def files(self, only: set[str] | None = None) -> list[RecordFile]:
        """A record file for every entry, or for the paths in ``only``, in listing order."""
        if self._files is not None:
            return self._files if only is None else [rf for rf in self._files if rf.path in only]
        paths = self.paths if only is None else [p for p in self.paths if p in only]
        entries = self.entries
        return [RecordFile(p, *split_record_path(p), entry=entries.get(p)) for p in paths]

    def ids(self) -> dict[str, str]:
        """Id → kind of every ``.yaml`` entry (the last of two files with one id; the id rule reports them)."""
        if self._ids is None:
            ids: dict[str, str] = {}
            count = 0
            for path in self.paths:  # split_record_path, inlined: one pass over every entry
                if path.endswith(".yaml"):
                    folder, _, name = path[8:].rpartition("/")
                    ids[name[:-5] if len(name) > 5 else name] = folder
                    count += 1
            self._ids, self._yaml_entries = ids, count
        return self._ids

    def ids_all_distinct(self) -> bool:
        """Whether no two ``.yaml`` entries, hidden or not, share an id (the usual answer, read off :meth:`ids`)."""
        return len(self.ids()) == self._yaml_entries


def _walk_records(folder: str, rel_dir: str, found: list[RecordFile]) -> None:
    """List ``folder`` (files first, then sub-folders, each sorted), never following a link."""
    prefix = f"records/{rel_dir}/" if rel_dir else "records/"
    files: list[os.DirEntry[str]] = []
    folders: list[os.DirEntry[str]] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            (folders if entry.is_dir(follow_symlinks=False) else files).append(entry)
    for entry in sorted(files, key=lambda e: e.name):
        name = entry.name
        stem = name.rsplit(".", 1)[0] if "." in name[1:] else name
        odd = None if entry.is_file(follow_symlinks=False) else fileio.entry_problem(entry.path)
        found.append(RecordFile(prefix + name, rel_dir, stem, entry=odd))
    for entry in sorted(folders, key=lambda e: e.name):
        _walk_records(entry.path, f"{rel_dir}/{entry.name}" if rel_dir else entry.name, found)


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` that holds ``qms.yml``."""
    from .lookup import qms_root

    return qms_root(None, start)


class Repository:
    """A QMS repository in the working tree."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.cache_root = self.root  # where .git/qms-cache is (a pull request's judged folder points it at the repository)
        self.config_issues: list[Issue] = []
        set_language(configured_language(self.root, search_up=False))  # qms.yml's own problems in its language too
        self.config = self._read_config()
        set_language(self.config.lang)  # every message from here on, in forked workers too, in the QMS's language

    def _read_config(self) -> Config:
        config, _, issues = load_model(self.root / CONFIG_FILE, CONFIG_FILE, Config, "config", root=self.root)
        self.config_issues.extend(issues)
        return config or Config(name=self.root.name, lang=configured_language(self.root, search_up=False))

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    @cached_property
    def registry(self) -> Registry:
        from .registry import load_registry, remember_kinds

        registry = load_registry(self.root / "schemas", self.root)
        remember_kinds(registry, self.root / "schemas", self.root)
        return registry

    def kind(self, name: str) -> Kind | None:
        """One form, without importing the others when the last whole load is remembered (see ``load_kind``)."""
        from .registry import UNKNOWN, load_kind

        if "registry" not in self.__dict__:
            found = load_kind(self.root / "schemas", self.root, name)
            if found is not UNKNOWN:
                return found  # type: ignore[return-value]
        return self.registry.get(name)

    def record_files(self) -> list[RecordFile]:
        """Every entry under ``records/``, sorted by path as git lists them; the folder below records/ names the kind.

        Nothing is left out, so nothing can hide: hidden files and folders,
        nested folders and other extensions are listed for the checks to
        report, and an entry that is not a regular file or a real folder (a
        link, a FIFO, a device) is listed with ``entry`` saying what it is,
        and never opened or descended into. Built from strings, not Path
        objects: at 100k records pathlib's per-path cost would be most of a
        small pull-request check.
        """
        base = os.path.join(str(self.root), "records")
        if os.path.islink(base) or (os.path.lexists(base) and not os.path.isdir(base)):
            return [RecordFile("records", "", "records", entry=fileio.entry_problem(base))]
        if not os.path.isdir(base):
            return []
        found: list[RecordFile] = []
        _walk_records(base, "", found)
        found.sort(key=_path_of)  # the walk gives a folder's files before its sub-folders; git's order is the paths'
        return found

    def record_listing(self) -> RecordListing:
        """The same entries as :meth:`record_files`, as the whole-listing rules read them."""
        return RecordListing.of(self.record_files())

    def document_paths(self) -> list[Path]:
        """The Markdown files of ``manual/`` (hidden ones aside), and every link or special file there.

        A link or special file is listed whatever its name, so that loading it
        reports it instead of following it; a linked folder is not descended into.
        """
        found: list[Path] = []
        manual = self.root / "manual"
        if os.path.islink(manual):
            return [manual]
        for dirpath, dirnames, filenames in os.walk(manual):
            folder = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in dirnames:
                if os.path.islink(folder / name):
                    found.append(folder / name)  # os.walk does not descend into it; reported when loaded
            for name in filenames:
                path = folder / name
                if not name.startswith(".") and (name.endswith(".md") or fileio.entry_problem(path)):
                    found.append(path)
        return sorted(found)

    def load_documents(self) -> list[DocumentFile]:
        """Every document, each parsed once per process while its file stays the same (``qms history`` asks twice).

        A document whose very bytes an earlier run parsed, with the same
        engine, limits, standards and language, is read back from
        ``.git/qms-cache`` (parsing and validating the manual is a twentieth
        of a small pull-request check); its entries are those of the
        documents now listed, so the file does not grow with history.
        """
        from .cache import ResultCache, digest_of, engine_digest

        where = self.cache_root
        cfg = self.config
        cache = ResultCache(where, "documents", digest_of(
            engine_digest(where), cfg.max_file_bytes, cfg.max_depth, cfg.standards, messages.language()))
        found = [self._document_once(path, cache) for path in self.document_paths()]
        if cache.enabled:
            cache.keep_only(self.__dict__.get("_document_keys", ()))
            cache.save()
        return found

    def document_bytes(self, path: Path) -> bytes | None:
        """A listed document's bytes, read safely; None when :meth:`load_document` must say what is wrong with it."""
        try:
            return fileio.read_regular(path, self.config.max_file_bytes, root=self.root)
        except (OSError, fileio.FileRefused):
            return None

    def _document_once(self, path: Path, cache: ResultCache) -> DocumentFile:
        # keyed by the bytes themselves (a time stamp may not move between two quick writes); reading is cheap, parsing is not
        raw = self.document_bytes(path)
        if raw is None:
            return self.load_document(path)
        memo: dict[Path, tuple[bytes, DocumentFile]] = self.__dict__.setdefault("_documents", {})
        hit = memo.get(path)
        if hit is not None and hit[0] == raw:
            return hit[1]
        found = self._stored_document(path, raw, cache)
        memo[path] = (raw, found)
        return found

    def _stored_document(self, path: Path, raw: bytes, cache: ResultCache) -> DocumentFile:
        """The document these bytes make: from the cache (a snapshot taken when parsed), or parsed and kept there."""
        import pickle

        from .cache import sha256

        rel = self.rel(path)
        key = sha256(rel.encode("utf-8", "surrogateescape") + b"\0" + raw).hexdigest()
        self.__dict__.setdefault("_document_keys", set()).add(key)
        stored = cache.get(key)
        if isinstance(stored, bytes):
            try:
                found = pickle.loads(stored)
            except Exception:  # noqa: BLE001 - a damaged entry is parsed again, never trusted
                found = None
            if isinstance(found, DocumentFile) and found.path == rel:
                return found
        found = self.load_document(path, raw)
        if cache.enabled:  # pickled now, not when saved: what callers later do with the object is not what the bytes made
            cache.put(key, pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
        return found

    def load_document(self, path: Path, raw: bytes | None = None) -> DocumentFile:
        """The document in ``path``; ``raw``: its bytes, already read with :func:`fileio.read_regular`."""
        rel = self.rel(path)
        try:
            if raw is None:
                raw = fileio.read_regular(path, self.config.max_file_bytes, root=self.root)
            md = yamlio.load_markdown(raw, max_bytes=self.config.max_file_bytes, max_depth=self.config.max_depth)
        except fileio.FileRefused as exc:
            return DocumentFile(rel, None, "", 1, None, [Issue(rel, 1, 1, exc.rule, exc.message)])
        except OSError as exc:
            return DocumentFile(rel, None, "", 1, None, [Issue(rel, 1, 1, "io", text("repo.cannot_read", error=exc.strerror))])
        except yamlio.YamlError as exc:
            return DocumentFile(rel, None, "", 1, None, [Issue(rel, exc.line, exc.col, exc.rule, exc.message)])
        if md.front is None:
            issues = [] if path.name == "index.md" else [Issue(
                rel, 1, 1, "document-front-matter", text("repo.no_front_matter"))]
            return DocumentFile(rel, None, md.body, md.body_line, None, issues)
        if not isinstance(md.front.data, dict):
            return DocumentFile(rel, None, md.body, md.body_line, md.front, [Issue(
                rel, 2, 1, "document-front-matter", text("repo.front_not_mapping"))])
        try:
            doc = Document.model_validate(md.front.data, context={"standards": self.config.standards})
        except ValidationError as exc:
            return DocumentFile(rel, None, md.body, md.body_line, md.front,
                                issues_from_validation(exc, rel, md.front, rule="document-schema", model=Document))
        return DocumentFile(rel, doc, md.body, md.body_line, md.front)

    def load_organization(self) -> tuple[Organization | None, yamlio.Loaded | None, list[Issue]]:
        """The organization, where its entries stand (for messages), and what is wrong with it.

        Parsed once per process while its bytes stay the same (the id index
        and the rules across records both ask; parsing it is ~10 ms).
        """
        path = self.root / ORGANIZATION_FILE
        if not os.path.lexists(path):
            return None, None, [Issue(ORGANIZATION_FILE, 1, 1, "organization-missing",
                                      text("repo.no_organization"))]
        try:  # keyed by the bytes, as the documents are: a time stamp may not move between two quick writes
            stamp: bytes | None = fileio.read_regular(path, self.config.max_file_bytes, root=self.root)
        except (OSError, fileio.FileRefused):
            stamp = None  # load_model says what is wrong with it
        kept = self.__dict__.get("_organization")
        if stamp is not None and kept is not None and kept[0] == stamp:
            org, loaded, issues = kept[1]
            return org, loaded, list(issues)  # a caller's list of its own
        found = load_model(path, ORGANIZATION_FILE, Organization, "organization-schema",
                           max_bytes=self.config.max_file_bytes, max_depth=self.config.max_depth, root=self.root)
        if stamp is not None:
            self.__dict__["_organization"] = (stamp, found)
        return found

    def record_file(self, path: Path) -> RecordFile:
        rel = self.rel(path)
        parts = rel.split("/")
        return RecordFile(rel, parts[1] if len(parts) > 2 else "", path.stem)
