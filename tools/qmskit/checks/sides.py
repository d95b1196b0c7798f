"""The two sides of a pull-request check: the base's rules and the head's files.

The base (the merge base, already on the target branch) is trusted: its
``qms.yml`` sets the limits and its forms judge the change. Its
``schemas/*.py`` are laid out from git blobs in a temporary folder and
imported from there, never from the working tree, so a change to a form
cannot judge itself. The head is the working tree or a revision; from a
revision only the files the check needs are read, from git blobs, and a
symlink or submodule is reported, never followed or laid out.
"""
from __future__ import annotations

from collections.abc import Iterable
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from .. import fileio, yamlio
from ..git import Git, TreeEntry
from ..issues import Issue, QmsError
from ..messages import text
from ..registry import Kind, Registry, load_registry
from ..repository import CONFIG_FILE, Config, RecordFile, Repository

RULE_FOLDERS = ("manual/", "records/", "schemas/")


@dataclass(frozen=True)
class BaseRules:
    """What judges a change: the base's settings and forms."""

    revision: str
    config: Config
    registry: Registry
    schema_files: dict[str, str]  # schemas/ path -> blob at the base: the key of the cached drift answer


def load_base_rules(git: Git, revision: str, folder: Path) -> BaseRules:
    """The base's ``qms.yml`` and forms, read from git into ``folder`` (which must be empty)."""
    entries = git.tree_entries(revision, "schemas", CONFIG_FILE)
    by_path = {e.path: e for e in entries}
    config = parse_config(read_entry(git, by_path.get(CONFIG_FILE)))
    schemas = folder / "schemas"
    schemas.mkdir(parents=True)
    for entry in entries:
        rel = PurePosixPath(entry.path)
        if entry.regular and len(rel.parts) == 2 and rel.suffix == ".py":
            (schemas / rel.name).write_bytes(git.blob(entry.sha) or b"")
    try:
        registry = load_registry(schemas, folder)
    except BaseException as exc:  # noqa: BLE001 - the base's own modules: fail closed, never exit 0
        raise QmsError(text("pr.base_forms_failed", revision=revision[:8], error=type(exc).__name__), exit_code=3) from None
    files = {e.path: e.sha for e in entries if e.path.startswith("schemas/")}
    return BaseRules(revision, config, registry, files)


def read_entry(git: Git, entry: TreeEntry | None) -> bytes | None:
    return git.blob(entry.sha) if entry is not None and entry.regular else None


def parse_config(raw: bytes | None) -> Config:
    """``qms.yml`` as settings; the defaults when it is absent or invalid (the full check reports why)."""
    return read_config(raw) or Config(name="qms")


def read_config(raw: bytes | None) -> Config | None:
    """``qms.yml`` as settings, or None when it is absent or invalid."""
    data = yamlio.try_load(raw)
    try:
        return Config.model_validate(data) if isinstance(data, dict) else None
    except ValidationError:
        return None


class JudgedRepository(Repository):
    """The head's files, judged with the base's settings and forms.

    ``config_issues`` still report the head's own ``qms.yml``; with
    ``listing`` (a revision laid out in part), the record files come from
    git's tree rather than from the folder.
    """

    def __init__(self, root: Path, base: BaseRules, listing: list[str] | None = None) -> None:
        super().__init__(root)
        self.head_config = self.config
        self.config = base.config
        self._base_registry = base.registry
        self._listing = listing
        self._files: list[RecordFile] | None = None
        self.record_source: TreeFiles | None = None  # a revision: records not laid out are read from git
        self.base_schema_files = base.schema_files  # the base's forms by blob id: what the drift answer depends on
        self.cache_root = root  # where .git/qms-cache is (the real repository, not a folder laid out)

    @property
    def registry(self) -> Registry:
        return self._base_registry

    def kind(self, name: str) -> Kind | None:
        """The base's form, never one of the head's modules."""
        return self._base_registry.get(name)

    def record_files(self) -> list[RecordFile]:
        """The head's record files, listed once per check (the rules and the closure pass both ask)."""
        if self._files is None:
            self._files = self._list_records()
        return [RecordFile(rf.path, rf.kind, rf.id, entry=rf.entry) for rf in self._files]

    def _list_records(self) -> list[RecordFile]:
        if self._listing is None:
            return self._working_records() or super().record_files()
        found = []
        for path in sorted(self._listing):
            folder, _, name = path[len("records/"):].rpartition("/")
            stem = name.rsplit(".", 1)[0] if "." in name[1:] else name
            found.append(RecordFile(path, folder, stem))
        return found


    def _working_records(self) -> list[RecordFile] | None:
        """The working tree's records/ from ``git ls-files`` (one pass, no folder walk); None outside git.

        An entry git holds as a link or submodule, and any file that differs
        from the index or is untracked, is looked at with one ``lstat`` so
        that a link put in place of a record is listed as such, as the walk would.
        """
        if not (self.root / ".git").exists() or os.path.islink(self.root / "records"):
            return None
        listed = Git(self.root).working_files("records")
        if listed is None:
            return None
        found = []
        for path, mode in listed:
            if not os.path.lexists(os.path.join(self.root, path)):
                continue  # deleted in the working tree (staged or not)
            folder, _, name = path[len("records/"):].rpartition("/")
            stem = name.rsplit(".", 1)[0] if "." in name[1:] else name
            odd = None if mode in ("100644", "100755") else fileio.entry_problem(os.path.join(self.root, path))
            found.append(RecordFile(path, folder, stem, entry=odd))
        return found


class HeadFiles:
    """The head as the change rules read it: the working tree."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, path: str, max_bytes: int) -> bytes | None:
        """A regular file's bytes within ``max_bytes``; None when absent, not regular, too large or behind a link."""
        try:
            return fileio.read_regular(self.root / path, max_bytes, root=self.root)
        except (OSError, fileio.FileRefused):
            return None

    def exists(self, path: str) -> bool:
        return fileio.entry_problem(self.root / path) is None and (self.root / path).is_file()

    def find_record(self, rid: str) -> str | None:
        """The path of record ``rid`` (``records/<kind>/<rid>.yaml``), if there is one."""
        for found in sorted((self.root / "records").glob(f"*/{rid}.yaml")):
            if fileio.entry_problem(found) is None:
                return found.relative_to(self.root).as_posix()
        return None

    def problems(self) -> list[Issue]:
        return []  # the full check lists the working tree's odd entries


class TreeFiles(HeadFiles):
    """A committed revision: entries listed once, files read from blobs only when needed."""

    def __init__(self, git: Git, revision: str, folder: Path) -> None:
        super().__init__(folder)
        self.git = git
        self.revision = revision
        self._prefetched: set[str] = set()  # needles whose files are among _candidates (see prefetch)
        self._candidates: set[str] = set()
        self._blobs: dict[str, bytes] = {}
        self.entries = {e.path: e for e in git.tree_entries(revision, CONFIG_FILE, "manual", "records", "schemas")}
        # string slicing, not PurePosixPath: this runs over every entry (20k+ at scale)
        self._records = {p[p.rindex("/") + 1:-5]: p for p, e in self.entries.items()
                         if p.startswith("records/") and p.endswith(".yaml") and p.count("/") == 2 and e.regular}

    def grep(self, needle: str, folder: str) -> set[str]:
        """Files under ``folder`` at this revision that hold ``needle`` (one ``git grep``, unless prefetched)."""
        if needle not in self._prefetched:
            return self.git.grep_files([needle], folder, revision=self.revision)
        raw = needle.encode("utf-8", "surrogateescape")
        under = folder.rstrip("/") + "/"
        return {p for p in self._candidates if p.startswith(under) and raw in self._blob(p)}

    def prefetch(self, needles: Iterable[str], folder: str = "records") -> None:
        """Answer later :meth:`grep` calls for ``needles`` from one ``git grep`` instead of one each.

        A grep at a revision inflates every blob of the folder, so ten
        changed records asking for their referrers one by one cost ten
        passes; here one pass lists the files naming any needle, and a later
        question reads only those of them in the folder it asks about.
        """
        wanted = sorted({n for n in needles if n and n not in self._prefetched})
        if wanted:
            self._candidates |= self.git.grep_files(wanted, folder, revision=self.revision)
            self._prefetched.update(wanted)

    def _blob(self, path: str) -> bytes:
        if path not in self._blobs:
            self._blobs[path] = read_entry(self.git, self.entries.get(path)) or b""
        return self._blobs[path]

    def read(self, path: str, max_bytes: int) -> bytes | None:
        raw = read_entry(self.git, self.entries.get(path))
        return raw if raw is not None and len(raw) <= max_bytes else None

    def exists(self, path: str) -> bool:
        entry = self.entries.get(path)
        return entry is not None and entry.regular

    def find_record(self, rid: str) -> str | None:
        return self._records.get(rid)

    def record_paths(self) -> list[str]:
        return [p for p, e in self.entries.items() if p.startswith("records/") and e.regular]

    def problems(self) -> list[Issue]:
        """A symlink or submodule in the revision's manual/, records/ or schemas/: reported, never followed."""
        issues = []
        for path, entry in sorted(self.entries.items()):
            if entry.regular or not (path.startswith(RULE_FOLDERS) or path in (CONFIG_FILE, "manual", "records", "schemas")):
                continue
            what = "a symbolic link" if entry.mode == "120000" else (
                "a submodule" if entry.type == "commit" else f"an entry of mode {entry.mode}")
            issues.append(Issue(path, 1, 1, fileio.NOT_REGULAR, fileio.not_regular_message(what)))
        return issues

    def lay_out(self, paths: Iterable[str]) -> None:
        """Write the regular files among ``paths`` into the folder, from their blobs."""
        for path in paths:
            entry = self.entries.get(path)
            parts = PurePosixPath(path).parts
            if entry is None or not entry.regular or ".." in parts or ".git" in parts or path.startswith("/"):
                continue
            target = self.root.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.git.blob(entry.sha) or b"")

    def lay_out_rules(self) -> None:
        """What every check reads whatever changed: qms.yml, the manual and the exported JSON Schemas."""
        self.lay_out(p for p in self.entries if p == CONFIG_FILE or p.startswith(("manual/", "schemas/json/")))


__all__ = ["BaseRules", "HeadFiles", "JudgedRepository", "TreeFiles", "load_base_rules", "parse_config", "read_config"]
