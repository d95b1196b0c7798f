"""YAML read once per content: what a file's bytes parse to, and how a value is written back, remembered.

A single-item ``qms show`` or ``qms history`` parses the item's versions and
writes some values back as YAML text; importing the YAML library alone was a
quarter of such a question. Both are pure functions of their input (the
bytes and the limits; the value), so an answer given before is remembered
in ``.git/qms-cache`` under git's blob id of the bytes (or the value's
``repr``), the engine's digest and the language of its messages, and a later
question about the same item reads it instead of importing the library. A
miss parses exactly as :mod:`qmskit.yamlio` does and remembers the result.
Nothing confidential is decided here: masking runs on every question,
through :mod:`qmskit.masking`. ``QMS_CACHE=0`` reads and writes nothing.

The answers are kept as plain data in a ``marshal`` file (no pickle to
import, no object of any class built on reading): a tuple is always a tag,
``("t", items...)`` for a tuple, ``("d", iso)`` for a date and ``("dt", iso)``
for a date and time. An answer holding anything else (a YAML ``!!set``, the
marker of an unreadable file) is not remembered but worked out on every
question, and a remembered entry that is not such data is worked out again.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Container
from pathlib import Path

from .cache import PLAIN_SCALARS
from .notyping import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

FORMAT = 2  # bump when the shape of a remembered entry changes
LIMIT = 4000  # entries kept: a few hundred items' versions; the oldest are forgotten first
DEFAULT_MAX_BYTES = 1024 * 1024  # yamlio's defaults, here so that a remembered answer needs no yamlio import
DEFAULT_MAX_DEPTH = 32


def blob_id(raw: bytes) -> str:
    """git's id of a blob holding ``raw`` (what ``git hash-object`` prints): the key of a file's content."""
    from .cache import sha1

    return sha1(b"blob %d\0" % len(raw) + raw).hexdigest()


class YamlMemo:
    """Parsed YAML and dumped scalars of one QMS folder, loaded once and saved once a command."""

    def __init__(self, root: Path | None) -> None:
        """``root``: the QMS folder whose ``.git`` keeps the answers; None parses every time and keeps nothing."""
        from . import messages

        self._cache: Any = None
        if root is None or os.environ.get("QMS_CACHE", "1") == "0":
            return
        from .cache import ResultCache, digest_of, engine_digest

        cache = ResultCache(root, "yaml", digest_of(FORMAT, engine_digest(root), messages.language()), plain=True)
        self._cache = cache if cache.enabled else None

    def _remembered(self, key: tuple[object, ...], work: Callable[[], Any]) -> Any:
        if self._cache is None:
            return work()
        name = "\0".join(str(part) for part in key)
        entries = self._cache.entries
        if name in entries:
            try:
                return _restored(entries[name])
            except (_NotPlain, ValueError):
                pass  # not what was written there: worked out again, and kept anew
        value = work()
        try:
            self._cache.put(name, _plain(value))
        except _NotPlain:
            pass  # kept nowhere: worked out on each question
        return value

    def data(self, blob: str | None, raw: Callable[[], bytes | None], max_bytes: int = DEFAULT_MAX_BYTES,
             max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
        """:func:`qmskit.yamlio.try_load` of the blob ``blob`` (None: absent), whose bytes ``raw`` reads on a miss."""
        if blob is None:
            return None

        def parse() -> Any:
            from . import yamlio

            return yamlio.try_load(raw(), max_bytes=max_bytes, max_depth=max_depth)

        return self._remembered(("data", blob, max_bytes, max_depth), parse)

    def loaded(self, raw: bytes, max_bytes: int, max_depth: int,
               committed: Container[str] = ()) -> tuple[Any, tuple[int, str] | None]:
        """(data, None) of :func:`qmskit.yamlio.loads`, or (None, (line, message)) of the YamlError it raises.

        Remembered only when ``raw`` is one of the ``committed`` blobs: what
        git already keeps. A working file's edit is parsed each time and never
        written into ``.git/qms-cache``, so a confidential value taken out of it
        before the commit is kept nowhere.
        """
        def parse() -> tuple[Any, tuple[int, str] | None]:
            from . import yamlio

            try:
                return yamlio.loads(raw, max_bytes=max_bytes, max_depth=max_depth).data, None
            except yamlio.YamlError as exc:
                return None, (exc.line, exc.message)

        blob = blob_id(raw)
        if blob not in committed:
            return parse()
        return self._remembered(("loads", blob, max_bytes, max_depth), parse)  # type: ignore[no-any-return]

    def front(self, blob: str | None, raw: Callable[[], bytes | None]) -> dict[str, Any] | None:
        """A Markdown version's front matter: a mapping ({} when it has none), None when it cannot be read."""
        def parse() -> dict[str, Any] | None:
            from . import yamlio

            try:
                md = yamlio.load_markdown(raw() or b"")
            except yamlio.YamlError:
                return None
            return md.front.data if md.front and isinstance(md.front.data, dict) else {}

        return self._remembered(("front", blob), parse)  # type: ignore[no-any-return]

    def scalar(self, value: Any) -> str:
        """:func:`qmskit.yamlio.dump_scalar` of ``value`` (plain data: its ``repr`` tells every such value apart).

        Only values already masked come here (``--reveal`` dumps without the memo), so no confidential value
        becomes a key in ``.git/qms-cache``.
        """
        def dump() -> str:
            from . import yamlio

            return yamlio.dump_scalar(value)

        return self._remembered(("scalar", type(value).__name__, repr(value)), dump)  # type: ignore[no-any-return]

    def save(self) -> None:
        """Keep what this command parsed, the newest :data:`LIMIT` entries (a no-op when nothing is new)."""
        if self._cache is None:
            return
        entries = self._cache.entries
        if len(entries) > LIMIT:
            for key in list(entries)[: len(entries) - LIMIT]:
                del entries[key]
        self._cache.save()


class _NotPlain(Exception):
    """A value the memo file does not keep (or an entry in it that is not what the memo wrote)."""


_TUPLE, _DATE, _DATETIME = "t", "d", "dt"  # the tags of a remembered value's tuples (see the module's docstring)


def _plain(value: Any) -> Any:
    """``value`` as plain data marshal keeps, its tuples, dates and times tagged; _NotPlain when it holds anything else."""
    kind = type(value)
    if value is None or kind in PLAIN_SCALARS:  # kept as it is; everything else is tagged or refused
        return value
    if kind is list:
        return [_plain(item) for item in value]
    if kind is dict:
        return {_plain(key): _plain(item) for key, item in value.items()}
    if kind is tuple:
        return (_TUPLE, *(_plain(item) for item in value))
    import datetime

    if kind is datetime.datetime:
        iso = value.isoformat()
        back = datetime.datetime.fromisoformat(iso)
        if repr(back) != repr(value):  # a fold, or a zone that is more than its offset: not kept as text
            raise _NotPlain
        return (_DATETIME, iso)
    if kind is datetime.date:
        return (_DATE, value.isoformat())
    raise _NotPlain


def _restored(stored: Any) -> Any:
    """What :func:`_plain` kept, as it was; _NotPlain (or ValueError) for anything it would not have written."""
    kind = type(stored)
    if stored is None or kind in PLAIN_SCALARS:
        return stored
    if kind is list:
        return [_restored(item) for item in stored]
    if kind is dict:
        return {_restored(key): _restored(item) for key, item in stored.items()}
    if kind is tuple and stored and stored[0] == _TUPLE:
        return tuple(_restored(item) for item in stored[1:])
    if kind is tuple and len(stored) == 2 and type(stored[1]) is str and stored[0] in (_DATE, _DATETIME):
        import datetime

        return (datetime.date if stored[0] == _DATE else datetime.datetime).fromisoformat(stored[1])
    raise _NotPlain


__all__ = ["YamlMemo", "blob_id"]
