"""PyYAML, imported without compiling the regular expressions it builds at import.

Importing PyYAML compiles ten regular expressions: the pure-Python reader's
test for unprintable characters (a class of every printable code point,
6–7 ms on its own), the YAML 1.1 resolvers and the timestamp pattern. The
engine parses with libyaml and resolves plain scalars with its own YAML 1.2
patterns (:mod:`qmskit.yamlio`), so on the way to reading a record none of
the ten is ever matched; yet compiling them was two thirds of PyYAML's import
and a twentieth of a ``qms show`` about an item not asked before.

While PyYAML's modules run, ``re.compile`` called from one of them returns a
:class:`CompiledOnFirstUse`, which compiles its pattern the first time an
attribute (``match``, ``search``, …) is asked for and keeps what it found.
A pure-Python load or a dump therefore behaves exactly as PyYAML does, and
pays for each pattern once, when it first uses it. Any other caller of
``re.compile`` meanwhile (another module, another thread) gets the real
one, and ``re.compile`` is put back before this module's import returns.

Import PyYAML through this module (``from .yamllib import yaml``); once
PyYAML is imported, by whoever, importing it again changes nothing.
"""
from __future__ import annotations

import re
import sys
from types import ModuleType

from .notyping import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


class CompiledOnFirstUse:
    """Stands for ``re.compile(pattern, flags)`` until the pattern is first used.

    A copy, a deep copy or a pickle of it is the compiled pattern itself, and
    it compares and hashes as that pattern does; ``isinstance(.., re.Pattern)``
    is the one question it answers differently (``re.Pattern`` cannot be
    subclassed), and PyYAML never asks it.
    """

    def __init__(self, pattern: str, flags: int) -> None:
        self._pattern_and_flags = (pattern, flags)

    def compiled(self) -> re.Pattern[str]:
        return re.compile(*self._pattern_and_flags)  # re keeps what it compiled: compiled once

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes not yet kept. Special names are the copy and pickle protocols asking an
        # instance made without __init__: they are not the pattern's to answer.
        if name.startswith("__") or name == "_pattern_and_flags":
            raise AttributeError(name)
        value = getattr(self.compiled(), name)
        self.__dict__[name] = value  # kept: the next use of this method costs a plain attribute lookup
        return value

    def __reduce__(self) -> tuple[Any, ...]:
        return re.compile, self._pattern_and_flags

    def __copy__(self) -> re.Pattern[str]:
        return self.compiled()

    def __deepcopy__(self, memo: dict[int, Any]) -> re.Pattern[str]:
        return self.compiled()

    def __eq__(self, other: object) -> bool:
        return self.compiled() == (other.compiled() if isinstance(other, CompiledOnFirstUse) else other)

    def __hash__(self) -> int:
        return hash(self.compiled())

    def __repr__(self) -> str:
        return repr(self.compiled())


def _from_pyyaml(frame_globals: dict[str, Any]) -> bool:
    name = frame_globals.get("__name__", "")
    return isinstance(name, str) and (name == "yaml" or name.startswith("yaml."))


def _import_pyyaml() -> ModuleType:
    if "yaml" in sys.modules:
        return sys.modules["yaml"]
    real = re.compile

    def compile_when_used(pattern: Any, flags: int = 0) -> Any:
        if isinstance(pattern, str) and _from_pyyaml(sys._getframe(1).f_globals):
            return CompiledOnFirstUse(pattern, flags)
        return real(pattern, flags)

    re.compile = compile_when_used
    try:
        import yaml
    finally:
        re.compile = real
    return yaml


if TYPE_CHECKING:  # the type checker reads PyYAML's own stubs
    import yaml as yaml
else:
    yaml = _import_pyyaml()
