"""A read-only index of the valid records, keeping only the fields the rules across records read.

Rules that compare records with each other (``checks/cross_records``) and a
form's own :class:`~qmskit.relations.Computed` rule read other records through
:class:`RecordIndex`. It holds one :class:`Fact` per valid record: its id,
kind, path, status and the top-level fields some declaration needs, as plain
values (dates, strings, lists, dicts). A whole record is read again from its
file only when asked for (:meth:`RecordIndex.model`), so a check of 100,000
records keeps a few fields of each, not every model.

The index may be *complete* (every valid record already in it: the full
check) or *lazy* (a pull-request check that validated a few records: the
others are read from their files the first time they are asked for).
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import ValidationError

from . import yamlio
from .forms import RecordBase
from .registry import Kind, Registry

if TYPE_CHECKING:
    from .cache import ResultCache

Loc = tuple[str | int, ...]
FEW_UNREMEMBERED = 64  # records of a kind read one by one instead of searching its folder (a grep inflates every file)


class RecordSource(Protocol):
    """Where a lazy index reads records a revision laid out in part does not have on disk (git's blobs)."""

    def grep(self, needle: str, folder: str) -> set[str]: ...

    def prefetch(self, needles: Iterable[str], folders: Iterable[str] = ...) -> None: ...

    def read(self, path: str, max_bytes: int) -> bytes | None: ...


@dataclass(frozen=True)
class Fact:
    """One valid record, reduced to the fields the rules need."""

    id: str
    kind: str
    path: str
    status: str | None
    data: Mapping[str, Any]

    def get(self, name: str, default: Any = None) -> Any:
        """A field by dotted path (``verification.on``); ``default`` when absent or blank."""
        value = lookup(self.data, name)
        return default if value is None else value


def lookup(data: Any, dotted: str) -> Any:
    """``verification.on`` in nested mappings; None when a step is missing."""
    for part in dotted.split("."):
        if isinstance(data, Mapping):
            data = data.get(part)
        else:
            return None
    return data


def values_at(data: Any, path: tuple[str, ...], loc: Loc = ()) -> Iterator[tuple[Loc, Any]]:
    """Every value at a path where ``*`` stands for each item of a list, with its location."""
    if not path:
        yield loc, data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(data, list):
            for n, item in enumerate(data):
                yield from values_at(item, rest, loc + (n,))
    elif isinstance(data, Mapping) and head in data:
        yield from values_at(data[head], rest, loc + (head,))


def container_loc(loc: Loc) -> Loc:
    """Where the field at ``loc`` stands: ``("auditors", 1, "person")`` → ``("auditors", 1)``."""
    parts = list(loc)
    while parts and isinstance(parts[-1], int):
        parts.pop()
    if parts:
        parts.pop()
    return tuple(parts)


def at(data: Any, loc: Loc) -> Any:
    for part in loc:
        if isinstance(part, int):
            data = data[part] if isinstance(data, list) and part < len(data) else None
        else:
            data = data.get(part) if isinstance(data, Mapping) else None
    return data


def beside(data: Mapping[str, Any], loc: Loc, name: str) -> tuple[Loc, Any]:
    """The value a declaration names, looked up beside the field at ``loc`` first, then from the top.

    From the top, each ``*`` in ``name`` takes the list index of ``loc`` in
    turn, so ``ranking.*.risks`` seen from ``ranking[2].score`` is ``ranking[2].risks``.
    Returns the value's location (for messages) and the value.
    """
    where = container_loc(loc)
    container = at(data, where)
    first = name.split(".", 1)[0]
    if where and isinstance(container, Mapping) and first in container:
        found = where + tuple(name.split("."))
        return found, lookup(container, name)
    indices = iter(p for p in loc if isinstance(p, int))
    found_loc: list[str | int] = []
    for part in name.split("."):
        found_loc.append(next(indices, 0) if part == "*" else part)
    return tuple(found_loc), at(data, tuple(found_loc))


def _named(fact: Fact, name: str) -> list[str]:
    """The ids a field names (a reference or a list of them)."""
    found: list[str] = []
    for _, value in values_at(fact.data, tuple(name.split("."))):
        found.extend(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))
    return found


def dotted(loc: Loc) -> str:
    """A location as people write it: ``auditors[1].person``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def project(record: RecordBase, keys: frozenset[str] | None) -> dict[str, Any]:
    """The record's fields as plain values (field names, not aliases); only ``keys`` when given."""
    return record.model_dump(include=set(keys) if keys is not None else None, exclude_none=False)


class FactMemory:
    """The facts of records remembered between checks: by path and git blob id, one file per kind.

    What a lazy index reads of a record (its fact, or None when it does not
    pass its form) depends only on the record's bytes, its form, the fields
    kept and the size limits; so it is kept under the blob id and a digest
    of everything else (``rules``: the engine and the form modules' bytes),
    and a pull-request check that asks about the hundreds of records sharing
    a requirement reads them from here instead of parsing each. A file with
    no blob id (edited in the working tree, untracked) is never looked up:
    a changed file is always read. The full check, which validates every
    record anyway, leaves its facts here too (:meth:`RecordIndex.remember`).
    """

    def __init__(self, cache_root: Path, rules: str, needs: Mapping[str, frozenset[str] | None],
                 max_bytes: int, max_depth: int) -> None:
        self.cache_root = cache_root
        self.rules = rules
        self.needs = needs
        self.limits = (max_bytes, max_depth)
        self._caches: dict[str, ResultCache] = {}

    def _cache(self, kind: str) -> ResultCache:
        if kind not in self._caches:
            from .cache import ResultCache, digest_of, sha256

            keys = self.needs.get(kind, frozenset())
            digest = digest_of(self.rules, kind, sorted(keys) if keys is not None else None, self.limits)
            name = sha256(kind.encode("utf-8", "surrogateescape")).hexdigest()[:16]
            self._caches[kind] = ResultCache(self.cache_root, f"facts-{name}", digest)
        return self._caches[kind]

    def get(self, kind: str, path: str, blob: str | None) -> tuple[Fact | None] | None:
        """``(fact,)`` remembered for this very blob at this path, or None when nothing is."""
        if blob is None:
            return None
        hit = self._cache(kind).get(f"{path}\0{blob}")
        return hit if isinstance(hit, tuple) and len(hit) == 1 else None

    def put(self, kind: str, path: str, blob: str | None, fact: Fact | None) -> None:
        if blob is not None:
            self._cache(kind).put(f"{path}\0{blob}", (fact,))

    def replace(self, kind: str, entries: dict[str, tuple[Fact | None]]) -> None:
        """Exactly ``entries`` for this kind (the full check's: what is no longer in the tree is forgotten)."""
        cache = self._cache(kind)
        cache.keep_only(entries)
        for key, value in entries.items():
            if cache.entries.get(key) != value:
                cache.put(key, value)

    def save(self) -> None:
        for cache in self._caches.values():
            cache.save()


@dataclass
class RecordIndex:
    """Valid records by id and by kind, read-only for rules; lazy when not ``complete``."""

    root: Path
    registry: Registry
    files: Mapping[str, str]  # id -> kind, from file names (every record, valid or not)
    needs: Mapping[str, frozenset[str] | None]  # kind -> top-level fields kept (None: all)
    facts: dict[str, Fact | None] = field(default_factory=dict)  # None: read, and not valid
    complete: bool = False
    origin: str | None = None  # a digest of the rules and of every record's blob the facts came from, when all are clean
    max_bytes: int = yamlio.DEFAULT_MAX_BYTES
    max_depth: int = yamlio.DEFAULT_MAX_DEPTH
    _kinds_read: set[str] = field(default_factory=set)
    _unremembered: set[str] = field(default_factory=set)  # kinds too few of whose facts are remembered
    _by_kind: dict[str, list[str]] | None = None  # kind -> ids, made when a kind is first looked for in memory
    _models: dict[str, RecordBase | None] = field(default_factory=dict)
    _positions: dict[str, yamlio.Loaded | None] = field(default_factory=dict)
    _citing: dict[tuple[str, str], dict[str, list[Fact]]] = field(default_factory=dict)
    source: RecordSource | None = None  # a revision laid out in part: files not on disk come from here
    memory: FactMemory | None = None  # facts remembered by blob id (see FactMemory)
    blobs: Mapping[str, str] | None = None  # path -> git blob id of each record file whose bytes are git's

    # -- building ----------------------------------------------------------

    def fact_of(self, rid: str, kind: Kind, path: str, record: RecordBase) -> Fact:
        """The fact kept for a record validated elsewhere (the per-record pass)."""
        keys = self.needs.get(kind.name, frozenset())
        return Fact(rid, kind.name, path, record.status, project(record, keys))

    def add(self, fact: Fact) -> None:
        self.facts[fact.id] = fact

    def remember(self, blobs: Mapping[str, str]) -> None:
        """Keep every fact of a record whose bytes are git's blob (a complete index: the full check)."""
        if self.memory is None:
            return
        by_kind: dict[str, dict[str, tuple[Fact | None]]] = {name: {} for name in self.needs}
        for fact in self.facts.values():
            if fact is not None and fact.kind in by_kind and (blob := blobs.get(fact.path)) is not None:
                by_kind[fact.kind][f"{fact.path}\0{blob}"] = (fact,)
        for name, entries in by_kind.items():
            self.memory.replace(name, entries)
        self.memory.save()

    # -- reading -----------------------------------------------------------

    def get(self, rid: str) -> Fact | None:
        """The record with this id, if it exists and passes its form."""
        if rid in self.facts:
            return self.facts[rid]
        if self.complete or rid not in self.files:
            return None
        name, path = self.files[rid], self.path_of(rid)
        blob = self.blobs.get(path) if self.blobs is not None and self.memory is not None else None
        hit = self.memory.get(name, path, blob) if self.memory is not None else None
        if hit is not None:
            self.facts[rid] = hit[0]
            return hit[0]
        model = self.model(rid)
        kind = self.registry.get(name)
        fact = None
        if model is not None and kind is not None:
            fact = self.fact_of(rid, kind, path, model)
        self.facts[rid] = fact
        if self.memory is not None:
            self.memory.put(name, path, blob, fact)
        return fact

    def of_kind(self, name: str, containing: str | tuple[str, ...] | None = None) -> list[Fact]:
        """Every valid record of a kind, by id.

        ``containing`` is a promise by the caller that it only wants records
        whose file holds that text (an id they name), or every one of those
        texts (the words of a requirement): a lazy index then reads only those
        files, so a pull-request check looking for the complaints that name
        one NCR does not parse every complaint. Others already read may be
        returned too; the caller still compares the field itself.
        """
        if not self.complete and name not in self._kinds_read and not self._remembered(name):
            if containing is None:
                for rid, kind in self.files.items():
                    if kind == name:
                        self.get(rid)
                self._kinds_read.add(name)
            else:
                for rid in self._containing(name, containing):
                    if rid not in self.facts:
                        self.get(rid)
        return sorted((f for f in self.facts.values() if f is not None and f.kind == name), key=lambda f: f.id)

    def citing(self, base: type[RecordBase] | str, name: str, rid: str) -> list[Fact]:
        """Records of the forms built on ``base`` whose field ``name`` names ``rid`` (a back-reference)."""
        key = (str(base), name)
        if self.complete or key in self._citing or all(self.whole_kind(n) for n in self.registry.names_for(base)):
            if key not in self._citing:
                found: dict[str, list[Fact]] = {}
                for fact in self.of_base(base):
                    for target in _named(fact, name):
                        found.setdefault(target, []).append(fact)
                self._citing[key] = found
            return self._citing[key].get(rid, [])
        return [f for kind in self.registry.names_for(base) for f in self.of_kind(kind, containing=rid)
                if rid in _named(f, name)]

    def of_base(self, base: type[RecordBase] | str) -> list[Fact]:
        """Every valid record of the forms built on ``base`` (a class or a kind/base name)."""
        return [f for kind in self.registry.names_for(base) for f in self.of_kind(kind)]

    def path_of(self, rid: str) -> str:
        fact = self.facts.get(rid)
        return fact.path if fact is not None else f"records/{self.files.get(rid, '?')}/{rid}.yaml"

    def model(self, rid: str) -> RecordBase | None:
        """The whole validated record, read from its file (cached); None if it does not pass its form."""
        if rid in self._models:
            return self._models[rid]
        kind = self.registry.get(self.files.get(rid, ""))
        model = None
        if kind is not None:
            loaded = self._read(rid)
            if loaded is not None and isinstance(loaded.data, dict):
                try:
                    model = kind.validate(loaded.data)
                except ValidationError:
                    model = None
        self._models[rid] = model
        return model

    def position(self, rid: str, loc: Loc) -> tuple[int, int]:
        """Line and column of a field of a record, for a message (read again only when needed)."""
        loaded = self._load(rid)
        return loaded.position(loc) if loaded is not None else (1, 1)

    def _load(self, rid: str) -> yamlio.Loaded | None:
        if rid not in self._positions:  # only records with a problem get here: few, so kept
            self._positions[rid] = self._read(rid)
        return self._positions[rid]

    def prefetch(self, needles: Iterable[str], folders: Iterable[str] = ("records",)) -> None:
        """Tell the source which texts :meth:`of_kind` will be asked to contain, and where, so it looks once for all.

        A kind's folder whose facts are remembered is not searched: every
        record of that kind is known already (see :meth:`_remembered`).
        """
        if self.source is not None:
            wanted = [f for f in folders if not (f.startswith("records/") and self._remembered(f[len("records/"):]))]
            if wanted:
                self.source.prefetch(needles, wanted)

    def whole_kind(self, name: str) -> bool:
        """Whether every valid record of kind ``name`` is among the facts (so a question is answered from them alone)."""
        return self.complete or self._remembered(name)

    def _remembered(self, name: str) -> bool:
        """Whether every record of kind ``name`` is now among the facts: remembered, or read when only a few are not.

        Then :meth:`of_kind` answers without searching the kind's folder, with
        the same facts a search and a parse of each file would give (a
        remembered fact is that of the very same bytes).
        """
        if self.memory is None or self.blobs is None or self.complete or name in self._unremembered:
            return False
        if name in self._kinds_read:
            return True
        if self._by_kind is None:  # one pass over every id, whatever the number of kinds asked about
            self._by_kind = {}
            for rid, kind in self.files.items():
                self._by_kind.setdefault(kind, []).append(rid)
        missing = []
        for rid in self._by_kind.get(name, ()):
            if rid in self.facts:
                continue
            path = self.path_of(rid)
            hit = self.memory.get(name, path, self.blobs.get(path))
            if hit is None:
                missing.append(rid)
            else:
                self.facts[rid] = hit[0]
        if len(missing) > FEW_UNREMEMBERED:
            self._unremembered.add(name)
            return False
        for rid in missing:
            self.get(rid)
        self._kinds_read.add(name)
        return True

    def _containing(self, name: str, needles: str | tuple[str, ...]) -> list[str]:
        """Ids of the records of kind ``name`` whose file holds ``needles`` (each of them, for a tuple).

        ``git grep`` finds the files holding the first (one pass, flat as the
        repository grows, or none when the source looked for it already);
        the others are looked for in those files' bytes, so only the records
        that may match are parsed.
        """
        if isinstance(needles, str):
            return self._holding(name, needles)
        if not needles:
            return []
        found = self._holding(name, needles[0])
        rest = [n.encode("utf-8", "surrogateescape") for n in needles[1:]]
        return [rid for rid in found if not rest or all(n in self._raw(rid) for n in rest)]

    def _holding(self, name: str, needle: str) -> list[str]:
        if self.source is not None:
            found = self.source.grep(needle, f"records/{name}")
            ids = {p.rsplit("/", 1)[-1].removesuffix(".yaml") for p in found if p.endswith(".yaml")}
            return [rid for rid in ids if self.files.get(rid) == name]
        if (self.root / ".git").exists():
            from .git import Git, GitError

            try:
                with Git(self.root) as git:
                    paths = git.grep_files([needle], f"records/{name}")
            except GitError:
                paths = None
            if paths is not None:
                ids = {p.rsplit("/", 1)[-1].removesuffix(".yaml") for p in paths if p.endswith(".yaml")}
                return [rid for rid in ids if self.files.get(rid) == name]
        raw = needle.encode("utf-8")
        return [rid for rid, kind in self.files.items() if kind == name and raw in self._raw(rid)]

    def _raw(self, rid: str) -> bytes:
        if self.source is not None:
            return self.source.read(self.path_of(rid), self.max_bytes) or b""
        try:
            with open(self.root / self.path_of(rid), "rb") as handle:
                return handle.read()
        except OSError:
            return b""

    def _read(self, rid: str) -> yamlio.Loaded | None:
        if self.source is not None:
            raw = self.source.read(self.path_of(rid), self.max_bytes)
            try:
                return yamlio.loads(raw, max_bytes=self.max_bytes, max_depth=self.max_depth) if raw is not None else None
            except yamlio.YamlError:
                return None
        try:
            return yamlio.load_file(self.root / self.path_of(rid), max_bytes=self.max_bytes, max_depth=self.max_depth)
        except (yamlio.YamlError, OSError):
            return None

__all__ = ["Fact", "FactMemory", "RecordIndex", "at", "beside", "container_loc", "dotted", "lookup", "project", "values_at"]
