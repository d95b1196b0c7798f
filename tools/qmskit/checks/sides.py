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
from ..git import Git, GitError, TreeEntry
from ..issues import Issue, QmsError
from ..messages import text
from ..registry import Kind, LazyRegistry, Registry, build_every_form, lazy_registry, load_registry, remember_forms
from ..repository import CONFIG_FILE, Config, RecordFile, RecordListing, Repository
from ..standards import ORG_FOLDER
from ..treelisting import FolderListings

RULE_FOLDERS = ("manual/", "records/", "schemas/", f"{ORG_FOLDER}/")  # standards/: the organization's own catalogues


@dataclass(frozen=True)
class BaseRules:
    """What judges a change: the base's settings and forms."""

    revision: str
    config: Config
    registry: Registry
    forms_dir: Path  # the base's form modules laid out: their bytes key the cached drift answer


def load_base_rules(git: Git, revision: str, folder: Path, cache_root: Path | None = None) -> BaseRules:
    """The base's ``qms.yml`` and forms, read from git into ``folder`` (which must be empty).

    With ``cache_root``, when a whole load of these very form modules is
    remembered there (the last full check of the same forms, or an earlier
    pull-request check against this base), the forms are imported one
    module at a time as the check asks for them (``LazyRegistry``);
    otherwise every module is imported, and what that load found is kept
    for next time.
    """
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
        registry = (lazy_registry(schemas, folder, cache_root) if cache_root is not None else None) \
            or load_registry(schemas, folder)
        if not isinstance(registry, LazyRegistry):
            build_every_form(registry)  # a base form that cannot be built stops the check here, whatever the change
            if cache_root is not None:
                remember_forms(registry, schemas, folder, cache_root, lambda: forms_extra(registry))
    except BaseException as exc:  # noqa: BLE001 - the base's own modules: fail closed, never exit 0
        raise QmsError(text("pr.base_forms_failed", revision=revision[:8], error=type(exc).__name__), exit_code=3) from None
    return BaseRules(revision, config, registry, schemas)


def forms_extra(registry: Registry) -> dict[str, object]:
    """What the checks derive from every form, kept beside a whole load's facts (see ``FormFacts``)."""
    from .cross_records import form_needs

    return {"needs": form_needs(registry)}


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
        self._records: RecordListing | None = None
        self._clean_blobs: dict[str, str] = {}  # the working tree's record files that are git's blobs
        self.record_source: HeadFiles | None = None  # the head: records not laid out, and greps, from git
        self.base_forms_dir = base.forms_dir  # the base's forms laid out: what the remembered facts are known by
        self.cache_root = root  # where .git/qms-cache is (the real repository, not a folder laid out)

    @property
    def registry(self) -> Registry:
        return self._base_registry

    def document_paths(self) -> list[Path]:
        """A revision's documents as its tree lists them (regular Markdown files of manual/, hidden ones aside).

        They are read from their blobs, not laid out: a link or other entry
        that is no regular file is reported by :meth:`TreeFiles.problems`.
        """
        tree = self.record_source
        if not isinstance(tree, TreeFiles):
            return super().document_paths()
        return sorted(self.root.joinpath(*path.split("/")) for path in tree.document_paths())

    def document_bytes(self, path: Path) -> bytes | None:
        tree = self.record_source
        if not isinstance(tree, TreeFiles):
            return super().document_bytes(path)
        raw = tree.read(self.rel(path), self.config.max_file_bytes)
        if raw is None:  # too large: laid out, so that loading it says so as a full check would
            tree.lay_out([self.rel(path)])
        return raw

    def kind(self, name: str) -> Kind | None:
        """The base's form, never one of the head's modules."""
        return self._base_registry.get(name)

    def record_listing(self) -> RecordListing:
        """The head's entries under records/, listed once per check (from git's listing when there is one)."""
        if self._records is None:
            self._records = self._list_records()
        return self._records

    def record_files(self) -> list[RecordFile]:
        """A record file for every entry of the head, made afresh on each call (checking fills them in)."""
        return self.record_listing().files()

    def record_blobs(self) -> dict[str, str]:
        """Path → git blob id of every record file whose bytes are that blob's (what the cache may be asked about).

        From the revision's listing, or for the working tree from the same
        ``git ls-files`` pass that listed the records (a file that differs
        from the index has none).
        """
        if isinstance(self.record_source, TreeFiles):
            return self.record_source.record_blobs
        self.record_listing()
        return self._clean_blobs

    def _list_records(self) -> RecordListing:
        if self._listing is not None:
            return RecordListing(sorted(self._listing))
        found = self._working_records()
        if found is not None and found.paths:
            return found
        walked = super().record_files()  # no git: the folder walk, its files made again for each caller
        return RecordListing([rf.path for rf in walked], {rf.path: rf.entry for rf in walked if rf.entry})

    def _working_records(self) -> RecordListing | None:
        """The working tree's records/ from ``git ls-files`` (one pass, no folder walk); None outside git.

        An entry git holds as a link or submodule, and any file that differs
        from the index or is untracked, is looked at with one ``lstat`` so
        that a link put in place of a record is listed as such, as the walk would.
        """
        if not (self.root / ".git").exists() or os.path.islink(self.root / "records"):
            return None
        source = self.record_source.git if self.record_source is not None else None
        if source is not None and self.record_source is not None and self.record_source.checked_out:
            held = self._held_records(source, self.record_source.checked_out)
            if held is not None:
                return held
        listed = (source or Git(self.root)).working_entries("records")  # the check's own git: its listing held
        if listed is None:
            return None
        paths: list[str] = []
        entries: dict[str, str] = {}
        blobs = self._clean_blobs
        regular = ("100644", "100755")
        for path, (mode, blob) in listed.items():
            if mode is None and not os.path.lexists(os.path.join(self.root, path)):
                continue  # deleted in the working tree (staged or not): git lists it as changed, without a mode
            paths.append(path)
            if mode in regular:
                if blob is not None:
                    blobs[path] = blob
            elif (problem := fileio.entry_problem(os.path.join(self.root, path))) is not None:
                entries[path] = problem
        return RecordListing(paths, entries)

    def _held_records(self, git: Git, commit: str) -> RecordListing | None:
        """The working tree's records/ as ``commit``'s tree lists them, less what differs from it; None: not known so.

        The same answer as :meth:`_working_records` gives from ``git ls-files
        -s`` (20,000 lines to write and read at 20k records), for about a
        tenth of git's work: the tree's folders are known by their tree ids
        (``qmskit.treelisting``; the last full check worked out the index's),
        and the check has already asked which files differ from the index
        and which are untracked (``Git.hold_worktree``). Only the files
        staged differently from ``commit`` are asked about, in one ``git
        diff-index --cached``. Those, the files that differ from the index
        and the untracked ones are looked at with one ``lstat`` each and
        read afresh, as :meth:`_working_records` does with those it cannot
        take from the index; every other file's bytes are its blob in ``commit``.
        """
        held = git.held()
        if held is None:
            return None
        try:
            paths, ids, others = list_records(git, commit)
            staged = git.run("diff-index", "--cached", "--name-only", "--no-renames", "-z", commit, "--", "records")
        except GitError:
            return None
        differ = {p.decode("utf-8", "surrogateescape") for p in staged.split(b"\0") if p}
        differ.update(p for p in held[0] if p.startswith("records/"))
        differ.update(git.untracked("records"))
        odd: dict[str, str] = {}  # ls-tree lines of what is no regular file in a folder of records/
        for item in others:
            meta, _, path = item.partition("\t")
            parts = meta.split()
            if len(parts) != 3 or path in differ:
                continue
            if parts[1] == "blob" and parts[0] in ("100644", "100755"):
                paths.append(path)  # a file in records/ itself
                ids.append(parts[2])
            else:
                odd[path] = parts[0]
        clean = {p: b for p, b in zip(paths, ids) if p not in differ}
        self._clean_blobs.update(clean)
        listed = list(clean)
        entries: dict[str, str] = {}
        for path in [*odd, *differ]:
            full = os.path.join(self.root, path)
            if path in differ and not os.path.lexists(full):
                continue  # deleted in the working tree (staged or not)
            listed.append(path)
            if (problem := fileio.entry_problem(full)) is not None:
                entries[path] = problem
        return RecordListing(sorted(listed), entries)


class HeadFiles:
    """The head as the change rules read it: the working tree.

    With ``git``, it also answers which records hold a text (``grep``),
    from one ``git grep`` for all the texts a check will ask about
    (``prefetch``), so ten changed records asking for their referrers cost
    one pass over the folders concerned, not ten.
    """

    revision: str | None = None  # None: the working tree
    max_bytes: int | None = None  # qms.yml's limit: a file a grep names is read no further (set by the check)
    checked_out: str | None = None  # the commit HEAD named when the change was read (see JudgedRepository)

    def __init__(self, root: Path, git: Git | None = None) -> None:
        self.root = root
        self.git = git
        self._prefetched: dict[str, set[str]] = {}  # needle -> folders whose files naming it are among _candidates
        self._candidates: set[str] = set()
        self._blobs: dict[str, bytes | None] = {}
        self._real_folders: set[str] = set()  # folders found to be real folders, not links (see _read_any)

    def read(self, path: str, max_bytes: int) -> bytes | None:
        """A regular file's bytes within ``max_bytes``; None when absent, not regular, too large or behind a link."""
        raw = self._blobs[path] if path in self._blobs else self._read_any(path, max_bytes)
        return raw if raw is not None and len(raw) <= max_bytes else None

    def grep(self, needle: str, folder: str) -> set[str]:
        """Files under ``folder`` that hold ``needle`` (one ``git grep``, unless prefetched)."""
        under = folder.rstrip("/") + "/"
        covered = self._prefetched.get(needle, ())
        if not any(under.startswith(f + "/") for f in covered):
            if self.git is None:
                raise RuntimeError("HeadFiles.grep needs git")  # pragma: no cover - the check always gives it
            return self.git.grep_files([needle], folder, revision=self.revision)
        raw = needle.encode("utf-8", "surrogateescape")
        return {p for p in self._candidates if p.startswith(under) and raw in self._raw(p)}

    def prefetch(self, needles: Iterable[str], folders: Iterable[str] = ("records",)) -> None:
        """Answer later :meth:`grep` calls for ``needles`` in ``folders`` from one ``git grep`` instead of one each.

        A grep at a revision inflates every blob of the folders it is given,
        so it is given only the folders the rules will ask about; a later
        question reads only the files that named some needle.
        """
        wanted = sorted({n for n in needles if n})
        where = sorted({f.rstrip("/") for f in folders})
        if wanted and where and self.git is not None:
            self._candidates |= self.git.grep_files(wanted, *where, revision=self.revision)
            for needle in wanted:
                self._prefetched.setdefault(needle, set()).update(where)

    def _raw(self, path: str) -> bytes:
        """A candidate's bytes, read once (a grep's answer and the parse that follows share them)."""
        if path not in self._blobs:
            self._blobs[path] = self._read_any(path, self.max_bytes)
        return self._blobs[path] or b""

    def _read_any(self, path: str, max_bytes: int | None = None) -> bytes | None:
        """The file's bytes; its folders are checked for links once per folder, not once per file."""
        folder = path.rpartition("/")[0]
        try:
            if folder not in self._real_folders:
                fileio.check_parents(self.root, self.root / path)
                self._real_folders.add(folder)
            return fileio.read_regular(self.root / path, max_bytes)
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
        super().__init__(folder, git)
        self.tree_git = git  # the same, never None here
        self.revision = revision
        self.entries: dict[str, TreeEntry] = {}  # every entry but the regular files under records/ (see entry())
        self.record_blobs: dict[str, str] = {}  # path -> blob of each regular file under records/
        self._records: dict[str, str] | None = None  # id -> path of records/<kind>/<id>.yaml, made when first asked
        self._record_paths: list[str] = []  # every regular file under records/
        self._odd: list[str] = []  # paths that are not regular files
        self._list(git, revision)

    def _list(self, git: Git, revision: str) -> None:
        """The revision's qms.yml, manual/, schemas/, standards/ and records/, giving what every later question needs.

        At 100k records this listing is the only work of a small change's
        check that grows with the repository. The folders of records/ are
        known by their tree ids: a folder listed before (by an earlier check,
        against any revision, or worked out by the full check from git's
        index: ``qmskit.treelisting``) is taken from ``.git/qms-cache`` as it
        was (a tree id names its content), and only the folders the change
        touches are listed again by git. The regular files under records/
        are kept as two lists of strings (paths and blob ids), not an object each.
        """
        rest = git.run("ls-tree", "-r", "-z", "--full-tree", revision, "--", CONFIG_FILE, "manual", "schemas", ORG_FOLDER)
        paths, blobs, items = list_records(git, revision)
        items.extend(rest.decode("utf-8", "surrogateescape").split("\0"))
        self._take(items, 12 + len(revision), paths, blobs)

    def _take(self, items: list[str], tab: int, paths: list[str], blobs: list[str]) -> None:
        """Keep ``paths``/``blobs`` (regular files under records/) and the ls-tree lines ``items`` of everything else."""
        regular, regular_modes = ("100644 blob ", "100755 blob "), ("100644", "100755")
        records = [i for i in items if i[tab:tab + 9] == "\trecords/" and i.startswith(regular)]
        paths.extend(i[tab + 1:] for i in records)
        blobs.extend(i[12:tab] for i in records)
        self._record_paths = paths
        self.record_blobs = dict(zip(paths, blobs))
        entries, odd = self.entries, self._odd
        for item in items:
            if item[tab:tab + 9] == "\trecords/" and item.startswith(regular):
                continue
            meta, _, path = item.partition("\t")
            parts = meta.split()
            if len(parts) != 3:
                continue
            entries[path] = TreeEntry(parts[0], parts[1], parts[2], path)
            if not (parts[1] == "blob" and parts[0] in regular_modes):
                odd.append(path)

    def entry(self, path: str) -> TreeEntry | None:
        """The entry at ``path`` (a record file's made when asked for)."""
        sha = self.record_blobs.get(path)
        return TreeEntry("100644", "blob", sha, path) if sha is not None else self.entries.get(path)

    def _read_any(self, path: str, max_bytes: int | None = None) -> bytes | None:
        raw = read_entry(self.tree_git, self.entry(path))
        return raw if raw is None or max_bytes is None or len(raw) <= max_bytes else None

    def exists(self, path: str) -> bool:
        if path in self.record_blobs:
            return True
        entry = self.entries.get(path)
        return entry is not None and entry.regular

    def find_record(self, rid: str) -> str | None:
        if self._records is None:
            self._records = {p[p.rindex("/") + 1:-5]: p for p in self._record_paths
                             if p.endswith(".yaml") and p.count("/") == 2}
        return self._records.get(rid)

    def record_paths(self) -> list[str]:
        return list(self._record_paths)

    def problems(self) -> list[Issue]:
        """A symlink or submodule the working-tree check would read (manual/, records/, schemas/, standards/): reported, never followed."""
        issues = []
        for path in sorted(self._odd):
            entry = self.entries[path]
            if entry.regular or not (path.startswith(RULE_FOLDERS) or path in (CONFIG_FILE, "manual", "records", "schemas")):
                continue
            if not _read_by_the_full_check(path):
                continue
            what = "a symbolic link" if entry.mode == "120000" else (
                "a submodule" if entry.type == "commit" else f"an entry of mode {entry.mode}")
            issues.append(Issue(path, 1, 1, fileio.NOT_REGULAR, fileio.not_regular_message(what)))
        return issues

    def lay_out(self, paths: Iterable[str]) -> None:
        """Write the regular files among ``paths`` into the folder, from their blobs (asked for together)."""
        wanted: list[tuple[Path, str]] = []
        for path in paths:
            entry = self.entry(path)
            parts = PurePosixPath(path).parts
            if entry is None or not entry.regular or ".." in parts or ".git" in parts or path.startswith("/"):
                continue
            wanted.append((self.root.joinpath(*parts), entry.sha))
        made: set[Path] = set()
        for (target, _), raw in zip(wanted, self.tree_git.blobs([sha for _, sha in wanted])):
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(raw or b"")

    def lay_out_rules(self) -> None:
        """What every check reads whatever changed: qms.yml, the manual's settings files, the own standards and
        the exported JSON Schemas (the manual's documents are read from their blobs: :meth:`document_paths`)."""
        documents = self._documents()
        self.lay_out(p for p in self.entries
                     if p == CONFIG_FILE or p.startswith((f"{ORG_FOLDER}/", "schemas/json/"))
                     or (p.startswith("manual/") and p not in documents))

    def document_paths(self) -> list[str]:
        """The regular Markdown files of the revision's manual/, hidden ones aside, as the folder walk lists them."""
        return sorted(self._documents())

    def _documents(self) -> set[str]:
        return {p for p, e in self.entries.items() if e.regular and p.startswith("manual/") and p.endswith(".md")
                and not any(part.startswith(".") for part in p.split("/"))}


def list_records(git: Git, revision: str) -> tuple[list[str], list[str], list[str]]:
    """``revision``'s records/: the path and blob id of each regular file in its folders, and the ``ls-tree``
    line of every other entry (a file in records/ itself, a link, a submodule).

    The folders are known by their tree ids: a folder listed before (by an
    earlier check, against any revision, or worked out by the full check
    from git's index) is taken from ``.git/qms-cache`` as it was (a tree id
    names its content); the others are listed by one ``git ls-tree``.
    ``revision`` is a full commit id.
    """
    top = git.run("ls-tree", "-z", "--full-tree", revision, "--", "records", "records/")
    tab = 12 + len(revision)  # "<mode> blob <id>\t<path>": the id is as long as the revision's (40 or 64 digits)
    folders: list[tuple[str, str]] = []  # (path, tree id) of each folder in records/, in git's order
    items: list[str] = []
    for item in top.decode("utf-8", "surrogateescape").split("\0"):
        if item.startswith("040000 tree ") and item[tab:tab + 9] == "\trecords/" and "/" not in item[tab + 9:]:
            folders.append((item[tab + 1:], item[12:tab]))
        elif item:
            items.append(item)
    listed = FolderListings(git.root, len(revision))
    known = {sha: listed.get(sha) for _, sha in folders}
    missing = [path for path, sha in folders if known[sha] is None]
    if missing:  # one git call for every folder not known yet
        out = git.run("ls-tree", "-r", "-z", "--full-tree", revision, "--", *missing)
        by_folder: dict[str, list[str]] = {}
        for item in out.decode("utf-8", "surrogateescape").split("\0"):
            where = item[item.find("\t") + 1:]
            by_folder.setdefault(where[:where.find("/", 8)], []).append(item)
        for path, sha in folders:
            if known[sha] is None:
                known[sha] = listed.put(sha, path, by_folder.get(path, []), tab)
        listed.save(sha for _, sha in folders)
    paths: list[str] = []
    blobs: list[str] = []
    for path, sha in folders:
        names, ids, odd = known[sha] or ("", "", ())
        if names:
            paths.extend(f"{path}/{name}" for name in names.split("\0"))
            blobs.extend(ids.split("\0"))
        items.extend(f"{mode} {kind} {obj}\t{path}/{name}" for mode, kind, obj, name in odd)
    return paths, blobs, items


def _read_by_the_full_check(path: str) -> bool:
    """Whether the working-tree check would look at this entry, so that ``--head`` reports what it reports.

    The folder walk of manual/ passes over hidden names, and the
    organization's catalogues are the visible ``*.yml``/``*.yaml`` files at
    the top of standards/: anything else there is nobody's business.
    """
    parts = path.split("/")
    if parts[0] == "manual":
        return not any(part.startswith(".") for part in parts[1:])
    if parts[0] == ORG_FOLDER:
        return len(parts) == 2 and not parts[1].startswith(".") and parts[1].endswith((".yml", ".yaml"))
    return True


__all__ = ["BaseRules", "HeadFiles", "JudgedRepository", "TreeFiles", "load_base_rules", "parse_config", "read_config"]
