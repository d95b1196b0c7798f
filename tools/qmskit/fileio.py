"""Reading and writing the QMS's files safely: regular files only, whole files only.

A record is evidence, so reading one must never follow a link out of the
repository, block on a FIFO or stream ``/dev/zero`` into memory; and a write
must never leave half a file behind or land, through a link, on a file it
was not meant for. Every command that touches the disk goes through here.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from . import messages

NOT_REGULAR = "file-not-regular"
TOO_LARGE = "yaml-size"
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class FileRefused(Exception):
    """A file that is not read (or written), with the rule and a message that names the fix."""

    def __init__(self, message: str, rule: str = NOT_REGULAR) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule


def what_it_is(mode: int) -> str | None:
    """None for a regular file; otherwise what the entry is, in words for a message."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


# what_it_is's words (compared in code, so kept as they are) → the catalogue's key for them in a message
_WHAT = {"a symbolic link": "file.symlink", "a folder": "file.folder", "a FIFO (named pipe)": "file.fifo",
         "a device": "file.device", "a socket": "file.socket", "not a regular file": "file.other"}


def not_regular_message(what: str) -> str:
    """The one message for an entry that is not read, so every place that finds it says the same."""
    return messages.text("file.not_regular", what=messages.text(_WHAT[what]) if what in _WHAT else what)


def too_large_message(size: int, limit: int) -> str:
    return messages.text("file.too_large", size=size, limit=limit)


def entry_problem(path: Path | str) -> str | None:
    """What is wrong with ``path`` as a file to read (one ``lstat``, nothing opened), or None."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None  # absent: the caller's open reports it
    what = what_it_is(mode)
    return not_regular_message(what) if what else None


def check_parents(root: Path, path: Path) -> None:
    """Refuse ``path`` if a folder between ``root`` and it is a link (or not a folder).

    A link to a folder would take a read or a write outside the repository
    while the path still looks like one of its own.
    """
    try:
        rel = path.relative_to(root)
    except ValueError:
        raise FileRefused(messages.text("file.outside", path=path, root=root)) from None
    folder = root
    for part in rel.parts[:-1]:
        folder = folder / part
        try:
            mode = os.lstat(folder).st_mode
        except FileNotFoundError:
            return  # nothing further exists: nothing to follow
        what = what_it_is(mode)
        if what is not None and what != "a folder":
            raise FileRefused(messages.text("file.folder_not_real", folder=folder.relative_to(root).as_posix(),
                                           what=messages.text(_WHAT[what]) if what in _WHAT else what))


def read_regular(path: Path | str, max_bytes: int | None = None, *, root: Path | None = None) -> bytes:
    """The bytes of a regular file, refused before opening when it is anything else or too large.

    Checked with ``lstat`` first and again on the open descriptor (``O_NOFOLLOW``,
    ``O_NONBLOCK``), so a link swapped in between is refused too; at most
    ``max_bytes + 1`` bytes are ever read. ``OSError`` is raised for a file that
    cannot be opened.
    """
    if root is not None:
        check_parents(root, Path(path))
    info = os.lstat(path)
    what = what_it_is(info.st_mode)
    if what is not None:
        raise FileRefused(not_regular_message(what))
    if max_bytes is not None and info.st_size > max_bytes:
        raise FileRefused(too_large_message(info.st_size, max_bytes), TOO_LARGE)
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        if exc.errno == getattr(os, "ELOOP", -1):  # became a link since the lstat
            raise FileRefused(not_regular_message("a symbolic link")) from None
        raise
    try:
        info = os.fstat(fd)
        what = what_it_is(info.st_mode)
        if what is not None:
            raise FileRefused(not_regular_message(what))
        data = _read_all(fd, info.st_size, max_bytes)
    finally:
        os.close(fd)
    if max_bytes is not None and len(data) > max_bytes:
        raise FileRefused(too_large_message(len(data), max_bytes), TOO_LARGE)
    return data


def _read_all(fd: int, size: int, max_bytes: int | None) -> bytes:
    """Everything ``fd`` holds, up to ``max_bytes + 1`` bytes, asking first for the size ``fstat`` gave.

    A buffered ``read(max_bytes + 1)`` allocates the whole limit (a megabyte)
    for every record of a few hundred bytes; that allocation was most of the
    cost of reading 20,000 records. A file that grew since ``fstat`` is read
    on to its end (or to the limit).
    """
    limit = None if max_bytes is None else max_bytes + 1
    want = size + 1 if limit is None else min(size + 1, limit)
    parts = []
    total = 0
    while want > 0:
        chunk = os.read(fd, want)
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
        want = 1 << 16 if limit is None else min(1 << 16, limit - total)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def read_or_none(path: Path, max_bytes: int | None = None) -> bytes | None:
    """A regular file's bytes, or None when it is absent, not a regular file, too large or unreadable."""
    try:
        return read_regular(path, max_bytes)
    except (OSError, FileRefused):
        return None


def open_temporary(path: Path) -> tuple[int, Path]:
    """A new, empty file beside ``path`` to write it whole before a rename or link: its descriptor and name.

    Created as ``tempfile.mkstemp`` creates one (``O_EXCL``, a random name as
    long as its, readable by its owner alone), without importing tempfile:
    its shutil, random, bz2 and lzma would cost a single-record ``qms show``,
    which writes its caches through here, a twentieth of its time.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{os.urandom(4).hex()}.tmp"  # 14 characters more, as mkstemp's name
        try:
            return os.open(tmp, flags, 0o600), tmp
        except FileExistsError:
            continue  # another writer's name: a new random one
    raise FileExistsError(f"{path.parent}: no free temporary name for {path.name}")


def atomic_write(path: Path, data: bytes, *, root: Path | None = None) -> None:
    """Write ``path`` whole or not at all; a symlink at ``path`` is replaced, never written through.

    The file gets the mode a plain ``open`` would give it (0644 under the usual umask), not the
    0600 of a temporary file: reports are read by people and web servers other than their writer.
    With ``root``, a linked folder between it and ``path`` is refused.
    """
    if root is not None:
        check_parents(root, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = open_temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if hasattr(os, "fchmod"):  # not on Windows, where the mode means little
                os.fchmod(handle.fileno(), 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def create_exclusive(path: Path, data: bytes, *, root: Path | None = None) -> None:
    """Create ``path`` with ``data``, whole, only if nothing is there (``FileExistsError`` otherwise).

    The content is written to a temporary file first and then hard-linked into
    place, which fails if the name is taken: an interrupted run leaves no
    empty record behind and nothing existing is ever overwritten. Where hard
    links are not allowed, ``O_CREAT|O_EXCL`` is the fallback.
    """
    if root is not None:
        check_parents(root, path)
    fd, tmp = open_temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), 0o666 & ~_umask())
        try:
            os.link(tmp, path, follow_symlinks=False)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links
            _create_excl_fallback(path, data)
    finally:
        tmp.unlink(missing_ok=True)


def _create_excl_fallback(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


__all__ = [
    "FileRefused", "NOT_REGULAR", "TOO_LARGE", "atomic_write", "check_parents", "create_exclusive", "entry_problem",
    "open_temporary",
    "not_regular_message", "read_or_none", "read_regular", "what_it_is",
]
