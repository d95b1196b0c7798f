"""The text of a controlled document: numbered sections and the requirement sentences in them.

A reference such as ``LD-QP-03 §7.3.3`` points at a heading numbered
``7.3.3``; a requirement is a sentence that says 应 / 须 / 必须 / 不得 (or
shall / must). Both the audit checklist and the nonconformity report quote
documents, so the splitting lives here, once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(.*)$")
_CLAUSES = re.compile(r"[((]\s*(\d+(?:\.\d+)*(?:\s*[,,、–-]\s*\d+(?:\.\d+)*)*)\s*[))]\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_SENTENCE_END = re.compile(r"(?<=[。;;!!?？])|(?<=[.!?])\s+(?=[A-Z])")
REQUIREMENT_WORDS = ("必须", "不得", "应", "须", "严禁", "禁止")
_SHALL = re.compile(r"\b(shall|must)\b", re.I)
_NOT_REQUIREMENT = ("应用", "反应", "相应", "对应", "适应", "供应", "响应", "效应", "答应", "应急", "应对", "理应当然")


@dataclass
class DocSection:
    """A heading and the text below it, up to the next heading of any level."""

    number: str  # "7.3.3", or "" for an unnumbered heading
    title: str
    level: int
    line: int  # 1-based line of the heading in the body
    clauses: list[str] = field(default_factory=list)  # ISO clauses named in the heading: "(8.4, 8.5)"
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines).strip()


def sections(body: str) -> list[DocSection]:
    """The body's sections in order; text before the first heading forms an unnamed section."""
    found = [DocSection("", "", 0, 1)]
    fenced = False
    for n, line in enumerate(body.splitlines(), 1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match is None:
            if not fenced:
                found[-1].lines.append(line)
            continue
        title = match.group(2)
        numbered = _NUMBER.match(title)
        number, rest = (numbered.group(1), numbered.group(2)) if numbered else ("", title)
        clauses_match = _CLAUSES.search(rest)
        clauses = re.split(r"\s*[,,、]\s*", clauses_match.group(1)) if clauses_match else []
        found.append(DocSection(number, rest.strip(), len(match.group(1)), n, [c for c in clauses if c]))
    return [s for s in found if s.level or s.text]


def find_section(body: str, number: str) -> DocSection | None:
    """The section numbered ``number`` (``7.3.3``), or the nearest numbered parent (``7.3``, ``7``)."""
    by_number = {s.number: s for s in sections(body) if s.number}
    parts = number.strip().lstrip("§").strip().rstrip(".").split(".")
    while parts:
        found = by_number.get(".".join(parts))
        if found is not None:
            return found
        parts.pop()
    return None


def split_reference(reference: str) -> tuple[str, str | None]:
    """``LD-QP-03 §7.3.3`` → (``LD-QP-03``, ``7.3.3``); a bare document id has no section."""
    doc, _, section = reference.partition("§")
    return doc.strip(), (section.strip() or None)


def _plain(line: str) -> str:
    line = re.sub(r"^\s*(?:[-*+]|\d+[.)、])\s+", "", line)  # list markers
    line = re.sub(r"^\s*>\s?", "", line)
    if line.lstrip().startswith("|"):  # a table row: its cells, as text
        line = " ".join(c.strip() for c in line.strip().strip("|").split("|") if c.strip() and not set(c.strip()) <= set("-:"))
    line = re.sub(r"\*\*|__|`", "", line)
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line).strip()


def is_requirement(sentence: str) -> bool:
    """A sentence that obliges: 应 / 须 / 必须 / 不得 / 严禁 / shall / must (not 应用, 相应 …)."""
    if _SHALL.search(sentence):
        return True
    cleaned = sentence
    for word in _NOT_REQUIREMENT:
        cleaned = cleaned.replace(word, "")
    return any(word in cleaned for word in REQUIREMENT_WORDS)


def requirement_sentences(section: DocSection) -> list[str]:
    """The requirement sentences of a section, each as plain text."""
    found: list[str] = []
    for line in section.lines:
        text = _plain(line)
        if not text:
            continue
        for sentence in _SENTENCE_END.split(text):
            sentence = sentence.strip()
            if sentence and is_requirement(sentence):
                found.append(sentence)
    return found


_STEP = re.compile(r"^\s*(\d+)(?:[.)]\s+|、\s*)(\S.*)$")


def numbered_step(line: str) -> tuple[str, str] | None:
    """A numbered list item (``3. 组长策划审核分工…``) as (number, plain text), else None.

    Chinese manuals state most of a procedure as numbered imperative steps
    without 应 or 须; an audit checklist still needs each step as a line to
    check, so the step is offered here beside :func:`requirement_sentences`.
    """
    match = _STEP.match(line)
    if match is None or line.lstrip().startswith("|"):
        return None
    text = _plain(match.group(2))
    return (match.group(1), text) if text else None


__all__ = ["DocSection", "find_section", "is_requirement", "numbered_step", "requirement_sentences", "sections",
           "split_reference"]
