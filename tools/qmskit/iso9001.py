"""ISO 9001:2015 (GB/T 19001-2016) clauses, kept for code that imports them from here.

The clauses now live as data in ``qmskit/standards/iso9001.yml`` beside the
other standards' catalogues (:mod:`qmskit.standards`); this module reads
that catalogue so ``from qmskit.iso9001 import CLAUSES, clause_of`` keeps
working.
"""
from __future__ import annotations

from .standards import builtin

_CATALOGUE = builtin()["iso9001"]

CLAUSES: dict[str, tuple[str, str]] = {number: (c.en, c.zh) for number, c in _CATALOGUE.clauses.items()}
"""Clause → (English title, Chinese title), in the standard's order."""


def clause_of(tag: str) -> str | None:
    """The top-level clause a tag belongs to (``7.1.5`` → ``7.1``), or None if unknown."""
    return _CATALOGUE.clause_of(tag)
