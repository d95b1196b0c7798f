"""Cross-references become links: document ids (with §), record ids, roles and departments.

The linker rewrites Markdown text after it is rendered, so every page —
a manual page, a register, a dashboard — gets the same links without any
generator knowing about the site. Code, existing links, headings and HTML
are left alone; only known ids are linked, so a stray capitalised word is
never turned into a broken link.
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pymdownx.slugs import slugify

from ..doctext import sections

_SLUG: Callable[[str, str], str] = slugify(case="lower")
_ID = re.compile(r"(?<![\w/#-])([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)(?:(\s*§\s*)(\d+(?:\.\d+)*))?(?![\w-])")
_SKIP = re.compile(r"(`+)(?:.+?)\1|!?\[[^\]]*\]\([^)]*\)|<[^>]+>|https?://\S+")
_FENCE = re.compile(r"^\s*(```|~~~)")


def heading_slug(title: str) -> str:
    """The anchor mkdocs gives a heading (the same slugify the site's toc uses: Chinese kept)."""
    return _SLUG(title, "-")


@dataclass
class Target:
    page: str  # docs-relative path of the page, e.g. labor-dispatch/LD-QP-03-recruitment.md
    label_suffix: str = ""  # e.g. "(作废)" for an obsolete document
    anchors: dict[str, str] = field(default_factory=dict)  # section number → heading anchor


@dataclass
class Linker:
    """Known ids and where they live on the site."""

    targets: dict[str, Target] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # role / department name → page#anchor

    def add_document(self, doc_id: str, page: str, body: str, suffix: str = "") -> None:
        anchors = {s.number: heading_slug(_heading_text(s.number, s.title)) for s in sections(body) if s.number}
        self.targets[doc_id] = Target(page, suffix, anchors)

    def add_record(self, rid: str, page: str) -> None:
        self.targets[rid] = Target(page)

    def link(self, text: str, from_page: str) -> str:
        """``text`` (Markdown of the page at ``from_page``) with ids turned into relative links."""
        out, fenced = [], False
        for line in text.split("\n"):
            if _FENCE.match(line):
                fenced = not fenced
            if fenced or _FENCE.match(line) or line.lstrip().startswith("#"):
                out.append(line)
                continue
            out.append(_outside(line, _SKIP, lambda plain: _ID.sub(lambda m: self._sub(m, from_page), plain)))
        return "\n".join(out)

    def _sub(self, match: re.Match[str], from_page: str) -> str:
        target = self.targets.get(match.group(1))
        if target is None:
            return match.group(0)
        href = relative(from_page, target.page)
        section = match.group(3)
        if section:
            anchor = _nearest(target.anchors, section)
            if anchor:
                href += f"#{anchor}"
        return f"[{match.group(0)}]({href}){target.label_suffix}"

    def name_link(self, name: str, from_page: str) -> str:
        """A role or department as a link to the organization page, or as plain text if unknown."""
        where = self.names.get(name)
        if where is None:
            return name
        page, _, anchor = where.partition("#")
        return f"[{name}]({relative(from_page, page)}#{anchor})"


def _heading_text(number: str, title: str) -> str:
    return f"{number} {title}"


def _nearest(anchors: dict[str, str], number: str) -> str | None:
    parts = number.split(".")
    while parts:
        found = anchors.get(".".join(parts))
        if found:
            return found
        parts.pop()
    return None


def _outside(line: str, skip: re.Pattern[str], change: Callable[[str], str]) -> str:
    """Apply ``change`` to the parts of ``line`` not matched by ``skip`` (code, links, tags, URLs)."""
    out, last = [], 0
    for match in skip.finditer(line):
        out.append(change(line[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(change(line[last:]))
    return "".join(out)


def relative(from_page: str, to_page: str) -> str:
    """A link from one docs-relative page to another, as mkdocs resolves it."""
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
