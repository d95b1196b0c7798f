"""Strict, safe YAML for records and front matter.

Records are typed by hand in editors that speak YAML 1.2, so the loader
follows YAML 1.2 core scalars (``no``, ``on``, ``10:30``, ``0755`` stay
strings) while keeping ISO dates as dates. It refuses what records never need
and what makes YAML dangerous or ambiguous: duplicate keys, anchors, aliases,
merge keys, custom tags, huge files, deep nesting. Every refusal carries a
line and column.

libyaml does the scanning and composing; the tree of nodes is then built
into plain Python by :class:`_Builder`. Where each key and item stands is
worked out from the nodes only when a message asks (:class:`Loaded`), so
that a schema error can point at its line while a valid record costs no
positions.
"""
from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

from .yamllib import yaml  # first: PyYAML without compiling the patterns it never uses here
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from .fileio import FileRefused, read_regular
from . import messages
from .messages import text
from .notyping import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import Any

try:  # libyaml is in PyYAML's wheels; the pure-Python parser is the fallback.
    from yaml._yaml import CParser

    class _BaseLoader(CParser, BaseResolver):
        """libyaml's scanner, parser and composer with a resolver, and no constructor: :class:`_Builder` builds."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)

except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_MAX_DEPTH = 32

Path_ = tuple[str | int, ...]


class YamlError(Exception):
    """A file that cannot be read as a record; carries the position."""

    def __init__(self, message: str, line: int = 1, col: int = 1, rule: str = "yaml", *, hidden: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.rule = rule
        self._hidden = hidden

    def hidden(self) -> str:
        """The message without the value it quotes, for a file whose confidential fields are not known yet."""
        return self._hidden if self._hidden is not None else self.message


class Loaded:
    """What a YAML file holds, and where each part of it stands.

    ``marks`` maps a path of keys and indices to the 1-based (line, column)
    of that key or item; the empty path is the document itself. They are
    worked out from the parsed nodes on first use: most records are valid,
    and a valid record never asks where its fields stand, so building a
    position for every key of 20,000 records was a fifth of a full check.
    """

    __slots__ = ("data", "_marks", "_node")

    def __init__(self, data: Any, marks: dict[Path_, tuple[int, int]] | None = None, *, node: Node | None = None) -> None:
        self.data = data
        self._marks = marks if marks is not None or node is not None else {}
        self._node = node

    @property
    def marks(self) -> dict[Path_, tuple[int, int]]:
        if self._marks is None:
            assert self._node is not None
            self._marks = _marks_of(self._node)
            self._node = None  # the nodes are dropped once their positions are known
        return self._marks

    @marks.setter
    def marks(self, value: dict[Path_, tuple[int, int]]) -> None:
        self._marks, self._node = value, None

    def __getstate__(self) -> tuple[Any, dict[Path_, tuple[int, int]]]:
        return self.data, self.marks  # libyaml's marks do not pickle; the positions do

    def __setstate__(self, state: tuple[Any, dict[Path_, tuple[int, int]]]) -> None:
        self.data, self._marks = state
        self._node = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Loaded) and (self.data, self.marks) == (other.data, other.marks)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Loaded(data={self.data!r}, marks={self.marks!r})"

    def position(self, loc: Path_) -> tuple[int, int]:
        """Line and column of ``loc`` or, failing that, of its nearest parent."""
        loc = tuple(loc)
        while loc:
            if loc in self.marks:
                return self.marks[loc]
            loc = loc[:-1]
        return self.marks.get((), (1, 1))


class _Loader(_BaseLoader):
    """libyaml with YAML 1.2 core scalar rules instead of YAML 1.1's."""

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}

    def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:
        """PyYAML's resolution with the same resolvers, minus its general machinery.

        libyaml calls this once per node (half a million times for 20,000
        records). A plain scalar whose first character starts no resolver
        (``客户服务部``, ``approved``) is text at once; no path resolvers are
        used, so a collection's tag is the default.
        """
        if kind is ScalarNode:
            if implicit[0]:
                for tag, match in _FIRST.get(value[:1], ()):  # type: ignore[index]
                    if match(value):
                        return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    # No path resolvers, so nothing to track on the way down or up. libyaml calls both once per node; a
    # no-op Python method costs a frame each time (a tenth of composing), a C builtin that takes the
    # same arguments and keeps nothing does not: slice(node, index) and tuple() are made and dropped.
    descend_resolver = staticmethod(slice)  # type: ignore[assignment]
    ascend_resolver = staticmethod(tuple)  # type: ignore[assignment]


_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

_RESOLVERS = [
    (_NULL, r"^(?:~|null|Null|NULL|)$", list("~nN") + [""]),
    (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    # Leading zeros are not numbers: "0755" and phone numbers stay strings.
    (_INT, r"^(?:[-+]?(?:0|[1-9][0-9]*)|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        _FLOAT,
        r"^(?:[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
    (
        _TIMESTAMP,
        r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}"
        r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
        r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$",
        list("0123456789"),
    ),
]
for _tag, _pattern, _first in _RESOLVERS:
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), _first)

# The same resolvers, by first character, as bound ``match`` methods (what :meth:`_Loader.resolve` reads).
_FIRST: dict[str, tuple[tuple[str, Any], ...]] = {
    first: tuple((tag, pattern.match) for tag, pattern in resolvers)
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}

_TIMESTAMP_CONSTRUCTOR = SafeConstructor()  # a constructor alone: a SafeLoader would also start a reader
_date_from_iso = _dt.date.fromisoformat


def _timestamp(node: ScalarNode) -> Any:
    """A date or time; text that only looks like one (2026-13-45) stays text, for the schema to refuse at its line.

    ``YYYY-MM-DD``, nearly every timestamp in a record, is read by the
    standard library; any other form by PyYAML's constructor, as before.
    """
    value = node.value
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return _date_from_iso(value)
        except ValueError:
            return value
    try:
        return _TIMESTAMP_CONSTRUCTOR.construct_yaml_timestamp(node)
    except (ValueError, TypeError, OverflowError, AttributeError):
        return value


def _scalar(node: ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag == _STR:
        return value
    if tag == _NULL:
        if value not in ("", "~", "null", "Null", "NULL"):
            raise _value_error(node, "yaml.not_null", value)
        return None
    if tag == _BOOL:
        if value.lower() not in ("true", "false"):
            raise _value_error(node, "yaml.not_bool", value)
        return value.lower() == "true"
    if tag == _INT:
        try:
            if value.startswith(("0o", "0x")):
                return int(value[2:], 8 if value[1] == "o" else 16)
            return int(value)
        except ValueError:
            raise _value_error(node, "yaml.not_int", value) from None
    if tag == _FLOAT:
        try:
            return float(value.lower().replace(".inf", "inf").replace(".nan", "nan"))
        except ValueError:
            raise _value_error(node, "yaml.not_number", value) from None
    if tag == _TIMESTAMP:
        return _timestamp(node)
    raise _node_error(node, text("yaml.tag_plain", tag=repr(tag)), "yaml-tag")


def _node_error(node: Node, message: str, rule: str, hidden: str | None = None) -> YamlError:
    mark = node.start_mark
    return YamlError(message, mark.line + 1, mark.column + 1, rule, hidden=hidden)


def _value_error(node: ScalarNode, key: str, value: str) -> YamlError:
    """A value its tag refuses: the message quotes it, the hidden form says "this value"."""
    return _node_error(node, text(key, value=repr(value)), "yaml-tag", hidden=text(key, value=text("yaml.this_value")))


def _key(key_node: ScalarNode) -> Any:
    """A mapping key as the data holds it: "2026: x" or "no: x" is keyed by the text as typed."""
    if key_node.tag == _STR:
        return key_node.value
    key = _scalar(key_node)
    return key if isinstance(key, str) else key_node.value


class _Builder:
    """Turns a node tree into dicts, lists and scalars, refusing what records never hold.

    Positions are not built here (see :func:`_marks_of`), except the first
    line of a key that comes twice, for its message.
    """

    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth

    def build(self, node: Node, depth: int) -> Any:
        if depth > self.max_depth:
            raise _node_error(node, text("yaml.depth", n=self.max_depth), "yaml-depth")
        cls = node.__class__
        if cls is ScalarNode:
            return node.value if node.tag == _STR else _scalar(node)  # type: ignore[arg-type]  # the class is tested
        if cls is MappingNode:
            return self._mapping(node, depth)  # type: ignore[arg-type]  # the class is tested
        if cls is SequenceNode:
            if node.tag != _SEQ:
                raise _node_error(node, text("yaml.tag", tag=repr(node.tag)), "yaml-tag")
            build, deeper = self.build, depth + 1
            return [build(item, deeper) for item in node.value]
        if isinstance(node, ScalarNode):  # pragma: no cover - libyaml makes the exact classes
            return _scalar(node)
        raise _node_error(node, text("yaml.unsupported"), "yaml")  # pragma: no cover

    def _mapping(self, node: MappingNode, depth: int) -> dict[Any, Any]:
        if node.tag != _MAP:
            raise _node_error(node, text("yaml.tag", tag=repr(node.tag)), "yaml-tag")
        result: dict[Any, Any] = {}
        build, deeper = self.build, depth + 1
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                raise _node_error(key_node, text("yaml.key"), "yaml-key")
            if key_node.tag == _STR:
                key = key_node.value
                if key == "<<" and not key_node.style:
                    raise _node_error(key_node, text("yaml.merge"), "yaml-merge")
            else:
                key = _key(key_node)
            if key in result:
                raise _duplicate(node, key_node, key)
            result[key] = build(value_node, deeper)
        return result


def _duplicate(node: MappingNode, key_node: ScalarNode, key: Any) -> YamlError:
    """The error for a key given twice, naming the line of its first use."""
    first = next(k.start_mark.line + 1 for k, _ in node.value if _key(k) == key)
    mark = key_node.start_mark
    return YamlError(text("yaml.duplicate_key", key=repr(key), first=first), mark.line + 1, mark.column + 1,
                     "yaml-duplicate-key")


def _marks_of(root: Node) -> dict[Path_, tuple[int, int]]:
    """The 1-based (line, column) of the document, of every key and of every item, by path."""
    marks: dict[Path_, tuple[int, int]] = {(): (root.start_mark.line + 1, root.start_mark.column + 1)}
    stack: list[tuple[Node, Path_]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                child = path + (_key(key_node),)
                mark = key_node.start_mark
                marks[child] = (mark.line + 1, mark.column + 1)
                stack.append((value_node, child))
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                child = path + (index,)
                mark = item.start_mark
                marks[child] = (mark.line + 1, mark.column + 1)
                stack.append((item, child))
    return marks


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlError(text("yaml.utf16"), 1, 1, "yaml-encoding")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = text("yaml.gbk") if _is_gbk(raw) else ""
        raise YamlError(
            text("yaml.not_utf8", hint=hint),
            line,
            col,
            "yaml-encoding",
        ) from None


def _is_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def _prescan(source: str, max_depth: int) -> None:
    """Refuse anchors, aliases and runaway flow nesting before composing.

    Composing follows aliases and recurses on nesting, so both are looked for
    first in the event stream, which is flat. Only files that could hold
    either (an ``&``/``*``, or many brackets) pay for the extra pass.
    """
    suspicious_anchor = "&" in source or "*" in source
    suspicious_depth = source.count("[") + source.count("{") > max_depth
    if not (suspicious_anchor or suspicious_depth):
        return
    depth = 0
    for event in yaml.parse(source, Loader=_Loader):  # type: ignore[arg-type]  # libyaml's parser with our resolver
        if isinstance(event, yaml.AliasEvent):
            raise _event_error(event, text("yaml.alias", name=event.anchor), "yaml-alias")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _event_error(event, text("yaml.anchor", name=anchor), "yaml-anchor")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > max_depth:
                raise _event_error(
                    event, text("yaml.depth", n=max_depth), "yaml-depth"
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _event_error(event: yaml.Event, message: str, rule: str) -> YamlError:
    mark = event.start_mark
    if mark is None:  # the parser marks every event; a hand-made one may not
        return YamlError(message, 1, 1, rule)
    return YamlError(message, mark.line + 1, mark.column + 1, rule)


def loads(
    text: str | bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    line_offset: int = 0,
) -> Loaded:
    """Parse one YAML document strictly. Raises :class:`YamlError`.

    ``line_offset`` shifts reported lines, for front matter that starts below
    the first line of its file.
    """
    try:
        return _loads(text, max_bytes=max_bytes, max_depth=max_depth)
    except YamlError as exc:
        exc.line += line_offset
        raise


def _loads(source: str | bytes, *, max_bytes: int, max_depth: int) -> Loaded:
    if isinstance(source, bytes):
        if len(source) > max_bytes:
            raise YamlError(text("yaml.size", n=len(source), limit=max_bytes), 1, 1, "yaml-size")
        source = _decode(source)
    elif len(source.encode("utf-8")) > max_bytes:
        raise YamlError(text("yaml.text_size", limit=max_bytes), 1, 1, "yaml-size")
    if source.startswith("\ufeff"):
        source = source[1:]
    if "\x00" in source:
        line = source.count("\n", 0, source.index("\x00")) + 1
        raise YamlError(text("yaml.nul"), line, 1, "yaml-encoding")
    try:
        _prescan(source, max_depth)
        loader = _Loader(source)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context in _STARTED_EARLIER and exc.context_mark is not None:
            mark = exc.context_mark  # where the unfinished thing starts, not where libyaml stopped looking for its end
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        if "nesting depth" in problem:
            raise YamlError(text("yaml.depth", n=max_depth), line, col, "yaml-depth") from None
        if "mapping values are not allowed" in problem and mark and _colon_in_text(source, mark.line, mark.column):
            raise YamlError(text("yaml.colon"), line, col, "yaml-syntax") from None
        raise YamlError(text("yaml.syntax", problem=messages.yaml_problem(problem)), line, col, "yaml-syntax") from None
    except yaml.YAMLError as exc:
        raise YamlError(text("yaml.syntax", problem=exc), 1, 1, "yaml-syntax") from None
    except RecursionError:
        raise YamlError(text("yaml.depth", n=max_depth), 1, 1, "yaml-depth") from None
    if node is None:
        return Loaded(None, {(): (1, 1)})
    return Loaded(_Builder(max_depth).build(node, 0), node=node)


# Errors about something begun earlier: a name without its ': ', a quote or a bracket never closed. libyaml's
# problem mark is where it gave up (the next line, or past the end of the file); its context mark is the start.
_STARTED_EARLIER = frozenset({
    "while scanning a simple key", "while scanning a quoted scalar",
    "while parsing a flow sequence", "while parsing a flow mapping",
})


def _colon_in_text(source: str, line: int, column: int) -> bool:
    """Whether the line already has ``key: `` before the refused colon: ``note: cause: pump`` (text to quote)."""
    lines = source.splitlines()
    return line < len(lines) and ": " in lines[line][:column]


def load_file(
    path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = DEFAULT_MAX_DEPTH, root: Path | None = None
) -> Loaded:
    """Read and parse a file; an unreadable file is a :class:`YamlError` too.

    Only a regular file is opened, and only when its size is within the
    limit (see :func:`qmskit.fileio.read_regular`); with ``root``, a linked
    folder on the way to it is refused as well.
    """
    try:
        raw = read_regular(path, max_bytes, root=root)
    except FileRefused as exc:
        raise YamlError(exc.message, 1, 1, exc.rule) from None
    except OSError as exc:
        raise YamlError(text("yaml.io", error=exc.strerror), 1, 1, "io") from None
    return loads(raw, max_bytes=max_bytes, max_depth=max_depth)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:^|\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


class MarkdownFile(NamedTuple):
    """A Markdown document split into its front matter and body (a NamedTuple: no ``dataclasses`` import to read a page)."""

    front: Loaded | None
    body: str
    body_line: int  # 1-based line where the body starts


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (front matter text or None, body, 1-based line of the body)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, text, 1
    body = text[match.end():]
    return match.group(1), body, text.count("\n", 0, match.end()) + 1


def load_markdown(raw: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = DEFAULT_MAX_DEPTH) -> MarkdownFile:
    """Parse a Markdown file's YAML front matter with the record rules."""
    if len(raw) > max_bytes:
        raise YamlError(text("yaml.size", n=len(raw), limit=max_bytes), 1, 1, "yaml-size")
    source = _decode(raw)
    front, body, body_line = split_front_matter(source)
    if front is None:
        return MarkdownFile(None, body, body_line)
    loaded = loads(front, max_bytes=max_bytes, max_depth=max_depth, line_offset=1)
    loaded.marks = {loc: (line + 1, col) for loc, (line, col) in loaded.marks.items()}
    return MarkdownFile(loaded, body, body_line)


class _Unreadable:
    """A file that is there but cannot be read as YAML: neither absent (None) nor any value it could hold."""

    def __repr__(self) -> str:
        return "(unreadable YAML)"

    def __reduce__(self) -> str:
        return "UNREADABLE"

    def __bool__(self) -> bool:
        return False


UNREADABLE: Any = _Unreadable()


def try_load(raw: bytes | None, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    """The data of a file's or blob's bytes: None when absent, :data:`UNREADABLE` when not valid YAML.

    The one reader of a YAML blob for history, trails and change summaries
    (checking uses :func:`loads`, which says why): every caller tells an
    unreadable version apart from a deleted one the same way.
    """
    if raw is None:
        return None
    try:
        return loads(raw, max_bytes=max_bytes, max_depth=max_depth).data
    except YamlError:
        return UNREADABLE


def read_front_matter(raw: bytes | None) -> tuple[dict[str, Any] | None, str]:
    """(front matter mapping or None, body) of a Markdown file's bytes; never raises."""
    if raw is None:
        return None, ""
    try:
        md = load_markdown(raw)
    except YamlError:
        return None, ""
    front = md.front.data if md.front and isinstance(md.front.data, dict) else None
    return front, md.body


def dump_scalar(value: Any) -> str:
    """Render one value as YAML text that this loader reads back unchanged."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**9)
    text = text.strip()
    if text.endswith("..."):
        text = text[: text.rfind("...")].strip()
    return text


def _reads_as_text(value: str) -> bool:
    """Whether this loader would read ``value``, written plain, back as the same string."""
    for tag, pattern in _Loader.yaml_implicit_resolvers.get(value[:1], []):
        if pattern.match(value):
            return tag == _STR
    return True


class _Dumper(yaml.SafeDumper):
    """Writes what :func:`loads` reads back equal: no anchors, and strings quoted by YAML 1.2 rules.

    PyYAML quotes by YAML 1.1, so "1e5" would go out plain and come back a number.
    """

    def ignore_aliases(self, data: Any) -> bool:  # noqa: ARG002 - PyYAML's signature
        return True

    def represent_str(self, data: str) -> yaml.ScalarNode:
        if "\x85" in data:  # NEL is a YAML line break; only an escape keeps it
            return self.represent_scalar(_STR, data, style='"')
        if data and not _reads_as_text(data):
            return self.represent_scalar(_STR, data, style="'")
        return super().represent_str(data)


_Dumper.add_representer(str, _Dumper.represent_str)


def dumps(data: Any) -> str:
    """Write records as block YAML, Chinese kept readable, keys in order; loads() reads it back equal."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)


def parse_value(text: str) -> Any:
    """Read a command-line value (``--set due=2026-07-31``) as YAML would."""
    try:
        return loads(text).data
    except YamlError:
        return text


__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "Loaded",
    "MarkdownFile",
    "YamlError",
    "dumps",
    "load_file",
    "load_markdown",
    "loads",
    "parse_value",
    "split_front_matter",
]
