"""Every message a user reads from ``qms check``, in the repository's language, from one catalogue.

Code names a message by key (``text("record.id_differs", value=..., name=...)``);
the words are in :mod:`.en` and :mod:`.zh`, side by side per key, so a
translator edits data, not code, and a test holds both catalogues to the
keys the code uses. The language is the repository's ``lang`` (``qms.yml``):
:class:`~qmskit.repository.Repository` sets it when it reads its settings,
forked check workers inherit it, and the pull-request sandbox's child is
told it in its request. Rule ids are never translated.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from ..notyping import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

LANGUAGES = ("en", "zh")  # each catalogue is imported the first time its language speaks (see _catalogue)
DEFAULT = "zh"  # as qms.yml's default: a repository that does not say is read as Chinese

_LANG: ContextVar[str] = ContextVar("qms_lang", default=DEFAULT)


def language() -> str:
    """The language messages are written in now."""
    return _LANG.get()


def set_language(lang: str) -> None:
    """Write messages in ``lang`` from now on (an unknown language falls back to the default)."""
    _LANG.set(lang if lang in LANGUAGES else DEFAULT)


@contextmanager
def using(lang: str) -> Iterator[None]:
    """Messages in ``lang`` inside the block, the language before it afterwards."""
    token = _LANG.set(lang if lang in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _LANG.reset(token)


_LANG_LINE = re.compile(r"""^lang:[ \t]*["']?(zh|en)["']?[ \t]*(?:#.*)?$""", re.M)
_CONFIG_HEAD = 65536  # lang is a top-level key near the top; a huge qms.yml is not read whole to find it


def configured_language(folder: Path, *, search_up: bool = True) -> str:
    """The ``lang`` of the qms.yml in ``folder`` (or above it), read as plain text, or the default.

    Read before the YAML is parsed, so that a message about qms.yml itself
    (a syntax error, a wrong field), and one about the command line, is in
    the repository's language too; a qms.yml that cannot be read at all
    gives the default.
    """
    try:
        folder = folder.resolve()
    except OSError:
        return DEFAULT
    for candidate in (folder, *folder.parents) if search_up else (folder,):
        config = candidate / "qms.yml"
        if not config.is_file():
            continue
        try:
            with open(config, "rb") as handle:
                head = handle.read(_CONFIG_HEAD).decode("utf-8", "replace")
        except OSError:
            return DEFAULT
        found = _LANG_LINE.search(head)
        return found.group(1) if found else DEFAULT
    return DEFAULT


_CATALOGUES: dict[str, dict[str, str]] = {}


def _catalogue(lang: str) -> dict[str, str]:
    """The messages of ``lang``, its module imported once: a question answered in Chinese loads no English ones."""
    found = _CATALOGUES.get(lang)
    if found is None:
        if lang == "zh":
            from .zh import MESSAGES
        else:
            from .en import MESSAGES
        found = _CATALOGUES[lang] = MESSAGES
    return found


def text(key: str, /, **params: Any) -> str:
    """The message ``key`` in the current language, with ``params`` put in its place holders."""
    template = _catalogue(_LANG.get()).get(key) or _catalogue("en")[key]
    return template.format(**params) if params else template


# YAML's parser says what it found in its own English; these, the ones people meet, are said in the catalogue
_YAML_PROBLEMS = (
    ("cannot start any token", "yaml.p_tab"),
    ("tab character", "yaml.p_tab"),
    ("did not find expected ',' or", "yaml.p_bracket"),
    ("mapping values are not allowed", "yaml.p_mapping_values"),
    ("did not find expected key", "yaml.p_expected_key"),
    ("expected <block end>", "yaml.p_block_end"),
    ("did not find expected node content", "yaml.p_node"),
    ("found unexpected end of stream", "yaml.p_end_of_stream"),
    ("did not find expected '-' indicator", "yaml.p_dash"),
    ("could not find expected ':'", "yaml.p_colon"),
)


def yaml_problem(problem: str) -> str:
    """What YAML's parser found, in the current language and naming the fix; the parser's words when unknown."""
    for phrase, key in _YAML_PROBLEMS:
        if phrase in problem:
            return text(key)
    return problem


def join(items: Any) -> str:
    """A list in the current language's punctuation: ``a, b`` or ``a、b``."""
    return text("list.sep").join(str(i) for i in items)


__all__ = ["DEFAULT", "LANGUAGES", "configured_language", "join", "language", "set_language", "text", "using", "yaml_problem"]
