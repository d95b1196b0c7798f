"""Management-system standards as data: one catalogue of clauses per standard.

The engine ships catalogues for ISO 9001:2015, ISO 14001:2015, ISO 45001:2018
and ISO 13485:2016 (``qmskit/standards/<id>.yml``); an organization adds its
own (a customer's or a sector's requirements) as ``standards/<id>.yml`` in its
repository, in the same format, and ``qms check`` checks it. ``qms.yml``
names the standards the organization works to (``standards: [iso9001,
iso14001]``); a document tags the clauses it covers with one field per
standard, named by the standard's id. Keeping the clauses as data, not code,
is what lets an integrated system (三体系) or an ISO 13485 system be
configuration rather than a fork.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .. import yamlio
from ..issues import Issue
from ..messages import text

if TYPE_CHECKING:  # for types only: this module sits below the repository in the import order
    from ..repository import Repository

ORG_FOLDER = "standards"
"""Where an organization keeps its own catalogues, relative to the repository root."""
DEFAULT_STANDARDS = ("iso9001",)
BUILTIN_IDS = ("iso9001", "iso14001", "iso45001", "iso13485")
STANDARD_ID = re.compile(r"[a-z][a-z0-9_]*")
CLAUSE = re.compile(r"\d+(?:\.\d+)*")
HARMONIZED = "harmonized"
"""The common structure of clauses 4–10 (Annex SL) that 9001, 14001 and 45001 share."""

@dataclass(frozen=True)
class Clause:
    number: str
    en: str
    zh: str

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class ReviewInput:
    """One input the standard requires of the management review, and the review packet's sections that answer it."""

    id: str
    en: str
    zh: str
    packet: tuple[str, ...]  # input ids of the packet (qms review: a, b, c1 … f); empty when people must add it

    def title(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class Catalogue:
    """One standard's clauses, in order, with where the catalogue came from."""

    id: str
    name: str  # "ISO 9001:2015"
    national: str  # "GB/T 19001-2016", or "" when there is none
    title_en: str
    title_zh: str
    structure: str  # HARMONIZED or "own"
    review: str  # the clause listing the management review's inputs ("9.3.2"), or ""
    clauses: dict[str, Clause] = field(default_factory=dict)
    path: str = ""  # "standards/acme.yml" for an organization's own; "" for one qmskit ships
    review_inputs: list[ReviewInput] = field(default_factory=list)

    @property
    def label(self) -> str:
        """``ISO 9001:2015 (GB/T 19001-2016)``."""
        return f"{self.name} ({self.national})" if self.national else self.name

    def label_for(self, lang: str) -> str:
        """The national standard first in Chinese (``GB/T 19001-2016 / ISO 9001:2015``), the ISO one in English."""
        if lang == "zh" and self.national:
            return f"{self.national} / {self.name}"
        return self.label

    @property
    def span(self) -> str:
        """``4.1 … 10.3``: the first and last clause, for messages."""
        numbers = list(self.clauses)
        return f"{numbers[0]} … {numbers[-1]}" if numbers else "—"

    def clause_of(self, tag: object) -> str | None:
        """The listed clause a tag belongs to (``7.1.5`` → ``7.1``), or None when it is not one of this standard's."""
        text = str(tag).strip()
        if not CLAUSE.fullmatch(text):
            return None
        parts = text.split(".")
        for size in range(len(parts), 0, -1):
            head = ".".join(parts[:size])
            if head in self.clauses:
                return head
        return None

    def title(self, clause: str, lang: str) -> str:
        found = self.clauses.get(clause)
        return found.title(lang) if found else ""


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse(loaded: yamlio.Loaded, rel: str, stem: str) -> tuple[Catalogue | None, list[Issue]]:
    """A catalogue from its YAML, and every problem in it at its line; None when it cannot be used."""
    issues: list[Issue] = []

    def add(loc: tuple[str | int, ...], rule: str, message: str, /, **values: object) -> None:
        line, col = loaded.position(loc)
        issues.append(Issue(rel, line, col, rule, text(message, **values)))

    data = loaded.data
    if not isinstance(data, dict):
        add((), "standard-catalogue", "std.not_mapping")
        return None, issues
    for key in ("id", "name", "clauses"):
        if key not in data:
            add((), "standard-catalogue", "std.missing", key=key)
    ident = _text(data.get("id"))
    if "id" in data and (not STANDARD_ID.fullmatch(ident) or (stem and ident != stem)):
        add(("id",), "standard-catalogue", "std.id", value=data.get("id"), stem=stem)
    title = data.get("title")
    if not isinstance(title, dict):
        title = {}
    structure = _text(data.get("structure")) or "own"
    if structure not in (HARMONIZED, "own"):
        add(("structure",), "standard-catalogue", "std.structure")
    clauses: dict[str, Clause] = {}
    lines: dict[str, int] = {}
    entries = data.get("clauses")
    if "clauses" in data and not isinstance(entries, list):
        add(("clauses",), "standard-catalogue", "std.clauses")
        entries = []
    for n, entry in enumerate(entries or []):
        if not isinstance(entry, dict) or "clause" not in entry:
            add(("clauses", n), "standard-catalogue", "std.clauses")
            continue
        number = entry["clause"]
        if not isinstance(number, str) or not CLAUSE.fullmatch(number.strip()):
            add(("clauses", n, "clause"), "standard-catalogue", "std.clause_shape", value=number)
            continue
        number = number.strip()
        if number in clauses:
            add(("clauses", n, "clause"), "standard-clause-duplicate", "std.duplicate", clause=number, line=lines[number])
            continue
        if not _text(entry.get("en")) or not _text(entry.get("zh")):
            add(("clauses", n), "standard-catalogue", "std.clause_title", clause=number)
        clauses[number] = Clause(number, _text(entry.get("en")), _text(entry.get("zh")))
        lines[number] = loaded.position(("clauses", n, "clause"))[0]
    inputs = _review_inputs(data.get("review_inputs"), add)
    if issues:
        return None, issues
    return Catalogue(ident, _text(data.get("name")), _text(data.get("national")), _text(title.get("en")),
                     _text(title.get("zh")), structure, _text(data.get("review")), clauses,
                     review_inputs=inputs), issues


def _review_inputs(entries: object, add: Callable[..., None]) -> list[ReviewInput]:
    """The optional ``review_inputs`` list; a malformed entry is reported and left out."""
    if entries is None:
        return []
    if not isinstance(entries, list):
        add(("review_inputs",), "standard-catalogue", "std.review_input")
        return []
    found = []
    for n, entry in enumerate(entries):
        packet = entry.get("packet", []) if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not _text(entry.get("id")) or not isinstance(packet, list) \
                or not all(isinstance(p, str) for p in packet):
            add(("review_inputs", n), "standard-catalogue", "std.review_input")
            continue
        found.append(ReviewInput(_text(entry["id"]), _text(entry.get("en")), _text(entry.get("zh")), tuple(packet)))
    return found


@cache
def builtin(cache_root: Path | None = None) -> dict[str, Catalogue]:
    """The catalogues qmskit ships, by id (read once per process).

    With ``cache_root``, what they parse to is kept in its
    ``.git/qms-cache`` under their bytes and the engine: parsing the four
    catalogues with positions is ~10 ms of every check, reading them back
    a twentieth of that.
    """
    folder = Path(__file__).parent  # shipped beside this module (importlib.resources would cost more than the read)
    shipped = {ident: (folder / f"{ident}.yml").read_bytes() for ident in BUILTIN_IDS}
    store = None
    if cache_root is not None:
        from ..cache import ResultCache, engine_digest, sha256

        store = ResultCache(cache_root, "standards", sha256(
            engine_digest(cache_root).encode() + b"\0" + b"\0".join(shipped.values())).hexdigest())
        kept = store.get("builtin")
        if isinstance(kept, dict) and list(kept) == list(BUILTIN_IDS) \
                and all(isinstance(c, Catalogue) for c in kept.values()):
            return kept
    found: dict[str, Catalogue] = {}
    for ident, raw in shipped.items():
        catalogue, issues = parse(yamlio.loads(raw.decode("utf-8")), f"qmskit/standards/{ident}.yml", ident)
        if catalogue is None:  # pragma: no cover - the shipped data is tested
            raise AssertionError(f"qmskit's own catalogue {ident} is broken: {issues}")
        found[ident] = catalogue
    if store is not None:
        store.put("builtin", found)
        store.save()
    return found


@dataclass
class Catalogues:
    """Every catalogue a repository can cite (the engine's and its own), and the problems in its own."""

    all: dict[str, Catalogue]
    issues: list[Issue]

    def named(self, ids: tuple[str, ...] | list[str]) -> list[Catalogue]:
        """The catalogues of the named standards, in the order named (unknown ones left out: the check reports them)."""
        return [self.all[i] for i in dict.fromkeys(ids) if i in self.all]


def organization_catalogues(root: Path, *, max_bytes: int = yamlio.DEFAULT_MAX_BYTES,
                            max_depth: int = yamlio.DEFAULT_MAX_DEPTH, cache_root: Path | None = None) -> Catalogues:
    """The engine's catalogues plus the repository's ``standards/*.yml``; a bad file is reported, the rest still load."""
    found = dict(builtin(cache_root or root))
    issues: list[Issue] = []
    folder = root / ORG_FOLDER
    if not folder.is_dir() or folder.is_symlink():
        return Catalogues(found, issues)
    for name in sorted(os.listdir(folder)):
        if name.startswith(".") or not name.endswith((".yml", ".yaml")):
            continue
        rel = f"{ORG_FOLDER}/{name}"
        stem = name.rsplit(".", 1)[0]
        try:
            loaded = yamlio.load_file(folder / name, max_bytes=max_bytes, max_depth=max_depth, root=root)
        except yamlio.YamlError as exc:
            issues.append(Issue(rel, exc.line, exc.col, exc.rule, exc.message))
            continue
        catalogue, problems = parse(loaded, rel, stem)
        issues.extend(problems)
        if catalogue is None:
            continue
        if catalogue.id in BUILTIN_IDS:
            line, col = loaded.position(("id",))
            issues.append(Issue(rel, line, col, "standard-catalogue", text("std.builtin", id=catalogue.id)))
            continue
        catalogue.path = rel
        found[catalogue.id] = catalogue
    return Catalogues(found, issues)


def for_repository(repo: Repository) -> Catalogues:
    """The catalogues of a :class:`qmskit.repository.Repository`."""
    config = repo.config
    return organization_catalogues(repo.root, max_bytes=config.max_file_bytes, max_depth=config.max_depth,
                                   cache_root=repo.cache_root)


def named_catalogues(repo: Repository) -> list[Catalogue]:
    """The catalogues of the standards the repository's ``qms.yml`` names, in its order."""
    return for_repository(repo).named(tuple(repo.config.standards))


def common_clauses(catalogues: list[Catalogue]) -> list[str]:
    """The clause numbers of the harmonized standards among ``catalogues``, in order: the integrated system's rows."""
    numbers: dict[str, None] = {}
    for catalogue in catalogues:
        if catalogue.structure == HARMONIZED:
            numbers.update(dict.fromkeys(catalogue.clauses))
    return sorted(numbers, key=lambda n: tuple(int(p) for p in n.split(".")))


__all__ = ["BUILTIN_IDS", "Catalogue", "ReviewInput", "Catalogues", "Clause", "DEFAULT_STANDARDS", "HARMONIZED", "ORG_FOLDER",
           "builtin", "common_clauses", "for_repository", "named_catalogues", "organization_catalogues", "parse"]
