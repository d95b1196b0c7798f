"""Names as users type them: ids found whatever their case, and a "did you mean" for a near miss.

A quality manager types ``ncr-2026-0007`` or ``departmnet``; the tool
should find the first and name the second's fix rather than just refuse.
"""
from __future__ import annotations

from collections.abc import Iterable

from .messages import join, language, text, using


def close_matches(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The choices nearest ``word`` (case ignored), best first; none when nothing is close."""
    import difflib  # only for a near miss: finding an id as typed should not import it

    by_folded: dict[str, str] = {}
    for choice in choices:
        by_folded.setdefault(choice.casefold(), choice)
    found = difflib.get_close_matches(word.casefold(), list(by_folded), n=n, cutoff=0.6)
    return [by_folded[f] for f in found]


def did_you_mean(word: str, choices: Iterable[str], lang: str | None = None) -> str:
    """``"; did you mean 'department'?"`` (in ``lang``, else the current language), or "" when no choice is close."""
    found = close_matches(word, choices)
    if not found:
        return ""
    with using(lang or language()):
        return text("suggest.did_you_mean", names=join(f"'{f}'" for f in found))


def find_ignoring_case(word: str, choices: Iterable[str]) -> str | None:
    """``word`` as spelt among ``choices``: exact first, then the one choice equal but for case."""
    pool = list(choices)
    if word in pool:
        return word
    folded = [c for c in pool if c.casefold() == word.casefold()]
    return folded[0] if len(folded) == 1 else None
