"""A cache of per-file check results, keyed by what decides them: the file's git blob id and the rules.

A warm ``qms check`` with nothing changed should not parse and validate
100,000 records again. An entry is found only under the blob id git holds
for the file *and* a digest of everything else its result depends on (the
engine's own code, the form modules, ``qms.yml``'s limits, and whatever the
caller adds, such as the ids references may point at). A file that differs
from git's index (edited, deleted, untracked, or merely touched) has no blob
id here and is checked afresh: the cache is never trusted over a changed
file.

It lives in git's own folder (``.git/qms-cache/``), is never committed, and is
safe to delete at any time; outside a git repository there is no cache. Set
``QMS_CACHE=0`` to bypass it. The file is a pickle: it is read only from the
repository's own ``.git`` folder, which anyone able to write could already
fill with hooks that run on every commit. A namespace of plain data (strings,
numbers, lists, dicts, tuples: what ``qms show`` and ``qms history`` read) is
kept with ``marshal`` instead, which builds no object of any class and whose
import costs nothing: pickle's was a twentieth of a question asked again.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .notyping import TYPE_CHECKING

if TYPE_CHECKING:
    from hashlib import _Hash
    from typing import Any, BinaryIO

    from .git import Git

# pickle is imported where a cache is read or written, not here: ``qms history`` asks this
# module only where git's folder is, and should not pay for it (nor for tempfile: see fileio.open_temporary)

FOLDER = "qms-cache"
FORMAT = 1  # bump when the shape of stored entries changes


def sha256(data: bytes = b"") -> _Hash:
    """hashlib's sha256 (the same digests), without hashlib's import of OpenSSL when CPython's own is there.

    Loading OpenSSL costs a few milliseconds, a good part of what a
    single-record ``qms show`` is allowed; CPython builds its own SHA-256
    (``_sha256``, ``_sha2`` from 3.12) for exactly this.
    """
    try:
        from _sha256 import sha256 as own  # type: ignore[import-not-found]
    except ImportError:
        try:
            from _sha2 import sha256 as own  # type: ignore[import-not-found]
        except ImportError:
            from hashlib import sha256 as own
    return own(data)  # type: ignore[no-any-return]


def sha1(data: bytes = b"") -> _Hash:
    """hashlib's sha1 (git's object ids), from CPython's own module as :func:`sha256` is: no OpenSSL to load."""
    try:
        from _sha1 import sha1 as own  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - every CPython build has it
        from hashlib import sha1 as own
    return own(data)  # type: ignore[no-any-return]


def _git(root: Path, *args: str) -> bytes | None:
    """git's answer, or None when git cannot answer (not a repository, no git): then there is simply no cache."""
    from .git import Git, GitError

    try:
        return Git(root).run(*args)
    except GitError:
        return None


def _git_dir(root: Path) -> Path | None:
    """git's folder for ``root``: ``root/.git`` when it is one (no process started), else git's answer."""
    dot = root / ".git"
    if dot.is_dir() and not dot.is_symlink() and (dot / "HEAD").is_file():
        return dot.resolve()
    found = _git(root, "rev-parse", "--absolute-git-dir")
    return Path(found.decode().strip()) if found else None


_ENGINE_DIGEST: list[str] = []  # one per process: a check, the registry and `qms show` all key their caches on it
SETTLED_NS = 2_000_000_000  # a file changed this recently may change again within its timestamp's tick


def engine_digest(root: Path | None = None) -> str:
    """A digest of qmskit's own Python source and its libraries: a new engine (even an uncommitted edit) never reads old results.

    Every source file's name and bytes, hashed with BLAKE2 (CPython's own,
    like :func:`sha256`) and listed and read with plain ``os`` calls. Worked
    out once a process; with ``root``, whose ``.git/qms-cache`` remembers the
    digest under each file's name, size, inode and change times, the bytes
    are read again only when one of those moved: a single-record ``qms show``
    pays for 80 ``stat`` calls, not for reading and hashing ~900 KB. This is
    how git trusts its index and Python its bytecode; as git does with a
    "racy" entry, the digest is not remembered while a file changed less than
    :data:`SETTLED_NS` ago, so an edit made within the same timestamp tick as
    the remembered look is never missed (a write always moves the change time).
    The guard reads the files' times against this machine's clock: an engine
    installed on a network file system whose server's clock runs behind by
    more than that is run with ``QMS_CACHE=0``.
    """
    if not _ENGINE_DIGEST:
        package = os.path.dirname(os.path.abspath(__file__))
        files = sorted(_source_files(package, ""))
        names = [name for name, _ in files]
        libraries = _libraries()
        memo = _engine_memo(root, package)
        if memo is None:
            _ENGINE_DIGEST.append(_engine_bytes_digest(package, names, libraries))
            return _ENGINE_DIGEST[0]
        import time

        stats = [(name, entry.stat()) for name, entry in files]
        newest = max((st.st_ctime_ns for _, st in stats), default=0)  # any write moves it; a future mtime does not
        signature = sha256(repr((FORMAT, package, libraries, [(name, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns,
                                                    st.st_ctime_ns) for name, st in stats])).encode(
            "utf-8", "surrogateescape")).hexdigest()
        try:
            said = memo.read_bytes().decode("ascii").split()  # bytes: a text file would load the ascii codec's module
        except (OSError, UnicodeDecodeError):
            said = []
        settled = newest < time.time_ns() - SETTLED_NS
        if settled and len(said) == 2 and said[0] == signature:
            _ENGINE_DIGEST.append(said[1])
            return _ENGINE_DIGEST[0]
        _ENGINE_DIGEST.append(_engine_bytes_digest(package, names, libraries))
        if settled:
            _write_small(memo, f"{signature} {_ENGINE_DIGEST[0]}\n")
    return _ENGINE_DIGEST[0]


def _source_files(folder: str, rel: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """(``/``-separated name, entry) of every ``.py`` file under ``folder``, as ``os.walk`` finds them.

    A linked folder is not entered, nor ``__pycache__``; one ``scandir`` a
    folder, without the lists ``os.walk`` builds (a third of its time here).
    """
    try:
        listing = os.scandir(folder)
    except OSError:  # a folder that cannot be listed is passed over, as os.walk does
        return
    with listing:
        for entry in listing:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            name = f"{rel}/{entry.name}" if rel else entry.name
            if not is_dir:
                if entry.name.endswith(".py"):
                    yield name, entry
            elif entry.name != "__pycache__" and not entry.is_symlink():
                yield from _source_files(entry.path, name)


def _engine_bytes_digest(package: str, names: list[str], libraries: str) -> str:
    """The digest of the engine's source files ``names`` (sorted), their names and bytes, and of its ``libraries``."""
    try:
        from _blake2 import blake2b
    except ImportError:
        from hashlib import blake2b
    digest = blake2b(str(FORMAT).encode() + libraries.encode("utf-8", "surrogateescape"))
    for name in names:
        digest.update(name.encode() + b"\0")
        with open(os.path.join(package, name), "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()


def _engine_memo(root: Path | None, package: str) -> Path | None:
    """Where ``root``'s ``.git/qms-cache`` remembers the digest of the engine in ``package``; None: nowhere."""
    if root is None or os.environ.get("QMS_CACHE", "1") == "0":
        return None
    git_dir = _git_dir(root)
    if git_dir is None:
        return None
    # one file per engine: two installations used in turn on one repository do not undo each other's
    return git_dir / FOLDER / f"engine-{sha256(package.encode('utf-8', 'surrogateescape')).hexdigest()[:12]}"


def _write_small(path: Path, text: str) -> None:
    """Write a small cache file whole (a rename), or not at all."""
    _write_whole(path, lambda handle: handle.write(text.encode("ascii")))


def _write_whole(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write ``path`` through a temporary file of its own and a rename, or not at all: a cache not written is not kept.

    Unlike ``fileio.atomic_write`` (reports, records), the entry keeps the
    temporary file's owner-only mode, and a write that fails (a full or
    read-only disk) is given up silently. Whatever stops it leaves no
    temporary file, and only an interrupt is raised again.
    """
    from .fileio import open_temporary

    try:
        path.parent.mkdir(exist_ok=True)
        fd, tmp = open_temporary(path)
    except OSError:
        return  # a read-only or full disk, or no right to write here
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        if not isinstance(exc, (OSError, _NotKept)):
            raise


_LIBRARIES = {"pydantic": "pydantic-", "pydantic_core": "pydantic_core-", "yaml": "pyyaml-"}  # module: release folder


def _libraries() -> str:
    """Python's version and the release of each library a verdict depends on.

    pydantic decides what a record's errors say and what a JSON Schema holds,
    PyYAML what a file holds: an upgrade of either (or of Python) must not
    read results the old one gave. The release is the name of the
    ``*.dist-info`` folder its installer wrote beside it (the version is in
    the name), with the path, size and time of its ``__init__.py`` for an
    install without one; all found without importing them (``qms show``
    imports neither).
    """
    import importlib.util
    import sys

    parts = [sys.version]
    listed: dict[str, list[str]] = {}
    for name, release in _LIBRARIES.items():
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        if not origin:
            parts.append(f"{name}=?")
            continue
        where = os.path.dirname(os.path.dirname(origin))
        if where not in listed:
            try:
                listed[where] = sorted(n for n in os.listdir(where) if n.endswith((".dist-info", ".egg-info")))
            except OSError:
                listed[where] = []
        found = [n for n in listed[where] if n.lower().startswith(release)]
        try:
            info = os.stat(origin)
            stamp = f"{info.st_size}:{info.st_mtime_ns}"
        except OSError:
            stamp = "?"
        parts.append(f"{name}={origin}:{stamp}:{','.join(found)}")
    return "\0".join(parts)


def folder_digest(folder: Path, pattern: str = "*.py") -> str:
    """A digest of the files in ``folder`` matching ``pattern`` (the form modules), names and contents.

    Sub-folders are left out: ``schemas/`` holds Python's ``__pycache__`` in
    a working tree and not where a pull-request check lays the base's forms
    out, and the two must digest alike for one to use what the other learnt.

    What ``sorted(folder.glob(pattern))`` lists (hidden names too), listed
    with one ``os.scandir``: pathlib's glob cost more than the hashing.
    """
    from fnmatch import fnmatchcase

    digest = sha256()
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if fnmatchcase(e.name, pattern) and not e.is_dir(follow_symlinks=False)),
                             key=lambda e: e.name)
    except OSError:  # no such folder, or not a folder
        entries = []
    for entry in entries:
        digest.update(entry.name.encode("utf-8", "surrogateescape") + (b"\1link" if entry.is_symlink() else b"\0"))
        try:
            with open(entry.path, "rb") as handle:
                digest.update(handle.read())
        except OSError:
            digest.update(b"\1unreadable")
    return digest.hexdigest()


def digest_of(*parts: Any) -> str:
    """A stable digest of plain values (strings, numbers, sorted collections)."""
    digest = sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def clean_blob_ids(root: Path, *paths: str, on_index: Callable[[bytes], object] | None = None) -> dict[str, str]:
    """Path → blob id of every tracked file under ``paths`` whose working-tree content is the index's.

    ``git ls-files -s`` gives the index's blob ids; ``git diff-files`` names
    every file that differs from them (edited, deleted, a type change), and
    those are left out (see :meth:`qmskit.git.Git.changed_files`, which looks
    again at files only touched). Two or three git calls whatever the size; an
    empty answer outside git. ``on_index`` is given the ``ls-files -s -z``
    answer too (the full check works out the folders' tree ids from it).
    """
    from .git import Git, GitError

    try:
        git = Git(root)
        staged = git.run("ls-files", "-s", "-z", "--", *paths)
        dirty = git.changed_files(*paths)
    except GitError:
        return {}
    if on_index is not None:
        on_index(staged)
    found: dict[str, str] = {}
    for item in staged.split(b"\0"):
        meta, _, path = item.partition(b"\t")
        parts = meta.split()
        if len(parts) != 3 or parts[0] not in (b"100644", b"100755") or parts[2] != b"0":
            continue  # a link, a submodule or a conflicted entry: never cached
        name = path.decode("utf-8", "surrogateescape")
        if name not in dirty:
            found[name] = parts[1].decode()
    if _attribute_files(git, root, found):
        for name in _converted(git, found):
            del found[name]
    return found


def _attribute_files(git: Git, root: Path, paths: Iterable[str]) -> bool:
    """Whether any file git reads attributes from exists for ``paths``: if none does, none is converted.

    Where git looks (gitattributes(5)): ``.gitattributes`` in the work tree's
    top folder and every folder down to a file, ``$GIT_DIR/info/attributes``,
    ``core.attributesFile`` (by default ``$XDG_CONFIG_HOME/git/attributes``,
    else ``~/.config/git/attributes``) and the system's
    ``$(prefix)/etc/gitattributes``. A few ``stat`` calls and two small git
    questions instead of ``git check-attr`` of every path (~40 ms at 20,000).
    """
    from .git import GitError

    try:
        top, info = git.run("rev-parse", "--show-toplevel", "--git-path", "info/attributes").decode(
            "utf-8", "surrogateescape").splitlines()[:2]
        configured = git.run("config", "--get", "core.attributesFile", check=False).decode(
            "utf-8", "surrogateescape").strip()
    except (GitError, ValueError):
        return True
    home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    files = [os.path.join(root, info), os.path.expanduser(configured) if configured else os.path.join(home, "git",
                                                                                                      "attributes")]
    if not os.environ.get("GIT_ATTR_NOSYSTEM"):
        files.append("/etc/gitattributes")
        for folder in os.environ.get("PATH", "").split(os.pathsep):  # $(prefix)/etc beside $(prefix)/bin/git
            if folder and os.path.isfile(os.path.join(folder, "git")):
                files.append(os.path.join(os.path.dirname(os.path.abspath(folder)), "etc", "gitattributes"))
                break
    base, top = os.path.realpath(root), os.path.realpath(top)
    folders, here = {top}, base
    while here.startswith(top + os.sep):  # the QMS's own folder and each between it and the top
        folders.add(here)
        here = os.path.dirname(here)
    for folder in {p.rpartition("/")[0] for p in paths}:  # and each folder down to a file (git's "/" paths)
        while folder:
            folders.add(os.path.join(base, folder))
            folder = folder.rpartition("/")[0]
    return any(os.path.lexists(f) for f in files) or any(
        os.path.lexists(os.path.join(folder, ".gitattributes")) for folder in folders)


_CONVERTING = ("filter", "ident", "working-tree-encoding")  # attributes that make a checked-out file not its blob


def _converted(git: Git, paths: Iterable[str]) -> list[str]:
    """Which of ``paths`` git checks out as other bytes than their blob (a clean/smudge filter, ``ident``, another
    encoding): git calls them clean, but what is on disk is not what the cache learnt under the blob's id.

    One ``git check-attr`` for all of them (0.04 s at 20,000 files); a path
    whose attributes cannot be read is taken as converted.
    """
    from .git import GitError

    names = list(paths)
    if not names:
        return []
    try:
        out = git.run("check-attr", "-z", "--stdin", *_CONVERTING,
                      input="\0".join(names).encode("utf-8", "surrogateescape") + b"\0")
    except GitError:
        return names
    if (out.count(b"\0unspecified\0") + out.count(b"\0unset\0") == len(_CONVERTING) * len(names)
            and "unspecified" not in names and "unset" not in names):
        return []  # the usual answer, read without splitting it (no path is named as an answer is)
    fields = out.split(b"\0")
    converted = set()
    for i in range(0, len(fields) - 2, 3):  # path, attribute, value
        if fields[i + 2] not in (b"unspecified", b"unset"):
            converted.add(fields[i].decode("utf-8", "surrogateescape"))
    return [n for n in names if n in converted]


class ResultCache:
    """One namespace of results (e.g. records) under one digest of the rules; loaded once, saved once.

    ``plain``: every entry is plain data that ``marshal`` keeps (None, bool,
    int, float, str, bytes, and lists, tuples and dicts of them), stored in a
    ``.marshal`` file; putting anything else there is a bug (``put`` raises).
    :meth:`get` answers only plain data (marshal also keeps code objects, sets
    and the like, which no one wrote there); whoever reads :attr:`entries`
    directly checks each entry it reads.
    """

    def __init__(self, root: Path, namespace: str, rules_digest: str, *, plain: bool = False) -> None:
        self.path: Path | None = None
        self.plain = plain
        self.entries: dict[str, Any] = {}
        self.hits = 0
        self._dirty = False
        if os.environ.get("QMS_CACHE", "1") == "0":
            return
        git_dir = _git_dir(root)
        if git_dir is None:
            return
        # one file per QMS folder: two QMS in one git repository do not share (or spoil) each other's results
        where = sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:12]
        self.path = git_dir / FOLDER / f"{namespace}-{where}.{'marshal' if plain else 'pickle'}"
        self.digest = rules_digest
        self.entries = self._load()

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def _load(self) -> dict[str, Any]:
        assert self.path is not None
        try:
            with open(self.path, "rb") as handle:
                stored = _read_marshal(handle) if self.plain else _read_pickle(handle)
        except (OSError, EOFError, ValueError, TypeError, _Unreadable):
            return {}  # absent, partial or from another engine: start again
        if not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != self.digest or not isinstance(stored[1], dict):
            return {}  # other rules: nothing in it can be trusted
        return stored[1]

    def get(self, blob: str | None) -> Any:
        if blob is None or self.path is None:
            return None
        value = self.entries.get(blob)
        if self.plain and not is_plain(value):
            return None  # not what was written there: as if absent
        if value is not None:
            self.hits += 1
        return value

    def put(self, blob: str | None, value: Any) -> None:
        if self.plain and not is_plain(value):
            raise TypeError(f"{type(value).__name__} is not plain data: it cannot be remembered in a .marshal cache")
        if blob is not None and self.path is not None:
            self.entries[blob] = value
            self._dirty = True

    def keep_only(self, blobs: Iterable[str]) -> None:
        """Forget entries of blobs no longer in the tree, so the file does not grow with history."""
        wanted = set(blobs)
        stale = [b for b in self.entries if b not in wanted]
        for blob in stale:
            del self.entries[blob]
        self._dirty = self._dirty or bool(stale)

    def save(self) -> None:
        """Write atomically (a rename); a cache that cannot be written is simply not kept."""
        if self.path is None or not self._dirty:
            return
        if self.plain:
            import marshal

            _write_whole(self.path, lambda handle: marshal.dump((self.digest, self.entries), handle))
            return
        _write_whole(self.path, lambda handle: _pickle_into(handle, (self.digest, self.entries)))


class _NotKept(Exception):
    """A cache that cannot be written as it is: it is not kept, and the command goes on without it."""


def _pickle_into(handle: BinaryIO, value: object) -> None:
    """Pickle ``value``; what pickle cannot save (a class of a form module, which pickle cannot find by its
    name) makes the cache :class:`_NotKept` rather than stopping the command that was filling it."""
    import pickle

    try:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError) as exc:
        raise _NotKept(str(exc)) from exc


class _Unreadable(Exception):
    """A cache file that holds something other than what was written there (it is started again)."""


def _read_pickle(handle: BinaryIO) -> object:
    import pickle

    try:
        return pickle.load(handle)
    except (pickle.UnpicklingError, AttributeError, ImportError) as exc:
        raise _Unreadable from exc


def _read_marshal(handle: BinaryIO) -> object:
    import marshal

    return marshal.load(handle)


PLAIN_SCALARS = (bool, int, float, str, bytes)  # with None, what a .marshal cache keeps as it is (see yamlmemo)


def is_plain(value: object) -> bool:
    """Whether ``value`` is plain data: None, bool, int, float, str, bytes, and lists, tuples and dicts of them."""
    if value is None or type(value) in PLAIN_SCALARS:
        return True
    if type(value) is list or type(value) is tuple:
        return all(is_plain(item) for item in value)
    if type(value) is dict:
        return all(is_plain(k) and is_plain(v) for k, v in value.items())
    return False


def forms_cache(namespace: str, schemas_dir: Path, root: Path, cache_root: Path, *extra: object,
                plain: bool = False) -> ResultCache:
    """A cache of what loading the forms in ``schemas_dir`` found: under the engine and every form module's bytes.

    Here, not in the registry, so that ``qms show`` reads what a load found
    without importing the registry's pydantic.
    """
    key = digest_of(engine_digest(cache_root), folder_digest(schemas_dir), os.path.islink(schemas_dir),
                    schemas_dir.relative_to(root).as_posix(), *extra)
    return ResultCache(cache_root, namespace, key, plain=plain)


def kinds_cache(schemas_dir: Path, root: Path) -> ResultCache:
    """Which module defines each kind and what showing its records needs (``registry.remember_kinds`` writes it).

    Plain data (names, titles, field names), so ``qms show`` reads it without pickle.
    """
    return forms_cache("kinds", schemas_dir, root, root, plain=True)


__all__ = ["ResultCache", "clean_blob_ids", "digest_of", "engine_digest", "folder_digest", "forms_cache", "kinds_cache",
           "sha256"]
