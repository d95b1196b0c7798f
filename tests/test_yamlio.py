"""The strict loader: every refusal says why and where."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qmskit import messages, yamlio
from qmskit.yamlio import YamlError



@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests read the English wording of the loader's messages."""
    with messages.using("en"):
        yield


def refused(text: str | bytes, **limits: int) -> YamlError:
    with pytest.raises(YamlError) as info:
        yamlio.loads(text, **limits)
    return info.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: no", "no"),
        ("a: yes", "yes"),
        ("a: on", "on"),
        ("a: off", "off"),
        ("a: 10:30", "10:30"),
        ("a: 0755", "0755"),
        ("a: 0731-84561234", "0731-84561234"),
        ("a: 1_000", "1_000"),
        ("a: y", "y"),
    ],
)
def test_yaml_11_surprises_stay_strings(text: str, expected: str) -> None:
    assert yamlio.loads(text).data == {"a": expected}


def test_yaml_12_core_scalars() -> None:
    data = yamlio.loads("a: true\nb: 12\nc: 1.5\nd: ~\ne: 2026-07-31\nf: 0x10\ng: False\n").data
    assert data == {"a": True, "b": 12, "c": 1.5, "d": None, "e": dt.date(2026, 7, 31), "f": 16, "g": False}


def test_invalid_date_is_kept_as_text_for_the_schema_to_report() -> None:
    assert yamlio.loads("due: 2026-13-45").data == {"due": "2026-13-45"}


def test_positions_of_keys_and_items() -> None:
    loaded = yamlio.loads("id: X\nitems:\n  - a\n  - b: 1\n")
    assert loaded.marks[("id",)] == (1, 1)
    assert loaded.marks[("items", 1, "b")] == (4, 5)
    assert loaded.position(("items", 1, "b", "missing")) == (4, 5)


def test_duplicate_key_names_both_lines() -> None:
    error = refused("id: A\nstatus: open\nid: B\n")
    assert (error.line, error.col, error.rule) == (3, 1, "yaml-duplicate-key")
    assert "'id'" in error.message and "line 1" in error.message


def test_nested_duplicate_key() -> None:
    error = refused("v:\n  by: x\n  by: y\n")
    assert (error.line, error.rule) == (3, "yaml-duplicate-key")


def test_anchor_refused() -> None:
    error = refused("a: &x 1\n")
    assert (error.line, error.col, error.rule) == (1, 4, "yaml-anchor")
    assert error.message == "anchor &x is not allowed; records need none"


def test_alias_refused() -> None:
    error = refused("b: *x\n")  # an alias to nothing is refused before libyaml looks it up
    assert (error.line, error.col, error.rule) == (1, 4, "yaml-alias")
    assert error.message == "alias *x is not allowed; write the value out"
    error = refused("a: &x [1]\nb: *x\n")
    assert error.line == 1 and error.rule == "yaml-anchor"


def test_billion_laughs_refused_before_expansion() -> None:
    text = 'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
    assert refused(text).rule == "yaml-anchor"


def test_merge_key_refused() -> None:
    error = refused("x: 1\n<<: {a: 1}\n")
    assert (error.line, error.rule) == (2, "yaml-merge")
    assert "merge keys (<<) are not allowed" in error.message


def test_custom_tag_refused() -> None:
    error = refused("a: 1\nb: !!python/object:os.system x\n")
    assert (error.line, error.col, error.rule) == (2, 4, "yaml-tag")
    assert "python/object" in error.message and "not allowed in records" in error.message
    error = refused("a: !!set {x}\n")
    assert (error.line, error.rule) == (1, "yaml-tag") and "set" in error.message


def test_gbk_file_gets_a_conversion_hint() -> None:
    raw = "id: NCR-1\n描述: 中文内容\n".encode("gbk")
    error = refused(raw)
    assert error.rule == "yaml-encoding"
    assert error.line == 2
    assert "GBK" in error.message and "iconv" in error.message


def test_utf16_refused() -> None:
    error = refused("a: 1".encode("utf-16"))
    assert (error.line, error.rule) == (1, "yaml-encoding") and "UTF-16" in error.message


def test_utf8_bom_accepted() -> None:
    assert yamlio.loads(b"\xef\xbb\xbfa: 1\n").data == {"a": 1}


def test_size_limit() -> None:
    error = refused(b"a: " + b"x" * 2000, max_bytes=1024)
    assert (error.line, error.rule) == (1, "yaml-size")
    assert error.message == "the file is 2003 bytes, over the limit of 1024; split it"


def test_file_size_limit_checked_before_reading(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * 5000)
    with pytest.raises(YamlError) as info:
        yamlio.load_file(path, max_bytes=1024)
    assert (info.value.line, info.value.rule) == (1, "yaml-size") and "5003 bytes" in info.value.message


def test_depth_limit_block_style() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(10)) + "  " * 10 + "v: 1\n"
    error = refused(text, max_depth=5)
    assert error.rule == "yaml-depth" and "nested deeper than 5 levels" in error.message
    assert error.line == 7  # k5's value, the sixth level, starts at k6


def test_depth_limit_flow_style_does_not_recurse() -> None:
    error = refused("a: " + "[" * 100_000 + "]" * 100_000)
    assert error.rule == "yaml-depth" and error.line == 1 and "nested deeper than 32 levels" in error.message


def test_syntax_error_has_line_and_column() -> None:
    error = refused("id: A\nstatus: open\n  bad: indent\n")
    assert error.rule == "yaml-syntax" and error.line == 3
    assert error.message == messages.text("yaml.syntax", problem=messages.text("yaml.p_mapping_values"))


def test_nul_byte_refused() -> None:
    error = refused("a: 1\nb: \x00\n")
    assert (error.line, error.rule) == (2, "yaml-encoding") and "NUL byte" in error.message


def test_complex_key_refused() -> None:
    error = refused("x: 1\n? [a, b]\n: 1\n")
    assert (error.line, error.rule) == (2, "yaml-key") and "a key must be a plain word" in error.message



def test_front_matter_error_line_is_the_file_line() -> None:
    with pytest.raises(YamlError) as info:
        yamlio.load_markdown("---\nid: QP-01\nid: QP-02\n---\n# body\n".encode())
    assert info.value.line == 3


def test_front_matter_and_body() -> None:
    md = yamlio.load_markdown("---\nid: QP-01\n---\n# 标题\n".encode())
    assert md.front is not None and md.front.data == {"id": "QP-01"}
    assert md.body == "# 标题\n" and md.body_line == 4


def test_set_values_are_read_as_yaml() -> None:
    assert yamlio.parse_value("2026-07-31") == dt.date(2026, 7, 31)
    assert yamlio.parse_value("0731-1234") == "0731-1234"
    assert yamlio.parse_value("[a, b]") == ["a", "b"]
    assert yamlio.parse_value("a: &x") == "a: &x"


def test_dumps_round_trips_shared_values_without_anchors() -> None:
    day = dt.date(2026, 7, 31)
    data = {"reported": day, "dispatched": day, "tags": ["a"], "again": ["a"], "time": "10:30", "code": "0755",
            "looks_numeric": ["1e5", "0o17", "null", "~", "TRUE", ".5", "+1"]}
    text = yamlio.dumps(data)
    assert "&" not in text and "*" not in text
    assert yamlio.loads(text).data == data


@given(st.dictionaries(st.text(max_size=6), st.one_of(st.text(max_size=10), st.integers(), st.booleans(), st.none(), st.dates()),
                       max_size=6))
@settings(max_examples=200, deadline=None)
def test_dumps_then_loads_is_identity(data: dict) -> None:  # type: ignore[type-arg]
    assert yamlio.loads(yamlio.dumps(data)).data == data


# -- the cheaper loading of a full check (issue 13): same answers as the general machinery --------------

_SCALARS = ["", "~", "null", "Null", "NULL", "nul", "true", "True", "TRUE", "tRUE", "false", "no", "on", "y", "0", "-0",
            "+12", "012", "0o17", "0x1F", "0x", "1.5", ".5", "-.5", "1e5", "1.e-3", ".inf", "-.Inf", ".NaN", ".nan.",
            "2026-07-31", "2026-7-31", "2026-07-31T10:30:00", "2026-07-31 10:30:00.5 +08:00", "2026-13-45",
            "10:30", "0731-84561234", "客户服务部", "approved", "-", "+", ".", "1_000", "٣", "２０２６-01-01"]


@pytest.mark.parametrize("value", _SCALARS)
def test_plain_scalar_resolves_as_pyyamls_general_resolver_would(value: str) -> None:
    """The shortcut in ``_Loader.resolve`` answers what PyYAML's resolver answers with the same resolvers."""
    from yaml.nodes import ScalarNode
    from yaml.resolver import BaseResolver

    loader = yamlio._Loader("")
    try:
        for implicit in ((True, False), (False, True)):
            assert loader.resolve(ScalarNode, value, implicit) == BaseResolver.resolve(loader, ScalarNode, value, implicit)
    finally:
        loader.dispose()


@given(st.text(max_size=12))
@settings(max_examples=300, deadline=None)
def test_any_plain_scalar_resolves_as_pyyamls_general_resolver_would(value: str) -> None:
    from yaml.nodes import ScalarNode
    from yaml.resolver import BaseResolver

    loader = yamlio._Loader("")
    try:
        assert loader.resolve(ScalarNode, value, (True, False)) == BaseResolver.resolve(loader, ScalarNode, value, (True, False))
    finally:
        loader.dispose()


def test_dates_and_times_as_before() -> None:
    data = yamlio.loads(
        "a: 2026-07-31\nb: 2026-02-30\nc: !!timestamp 2026-W01-1\nd: 2026-07-31T10:30:00Z\ne: 2026-7-3 08:05:09\n"
        "f: !!timestamp 2026-07-31\ng: '2026-07-31'\n"
    ).data
    assert data["a"] == dt.date(2026, 7, 31)
    assert data["b"] == "2026-02-30"  # not a day: text, for the schema to refuse at its line
    assert data["c"] == "2026-W01-1"  # an ISO week date the standard library would read; PyYAML's rules do not
    assert data["d"] == dt.datetime(2026, 7, 31, 10, 30, tzinfo=dt.timezone.utc)
    assert data["e"] == dt.datetime(2026, 7, 3, 8, 5, 9)
    assert data["f"] == dt.date(2026, 7, 31) and data["g"] == "2026-07-31"


def test_every_position_of_a_nested_record() -> None:
    """Positions are worked out only when asked; each key and item is where the text puts it."""
    lines, expected = [], {}
    for n in range(3):
        expected[(f"k{n}",)] = (len(lines) + 1, 1)
        lines.append(f"k{n}:")
        for m in range(2):
            expected[(f"k{n}", m)] = (len(lines) + 1, 5)  # an item stands where its content starts
            expected[(f"k{n}", m, "x")] = (len(lines) + 1, 5)
            lines.append(f"  - x: {n}{m}")
            expected[(f"k{n}", m, "y")] = (len(lines) + 1, 5)
            lines.append("    y: [1, 2]")
            expected[(f"k{n}", m, "y", 0)] = (len(lines), 9)
            expected[(f"k{n}", m, "y", 1)] = (len(lines), 12)
    loaded = yamlio.loads("\n".join(lines) + "\n")
    assert loaded.data["k2"][1] == {"x": 21, "y": [1, 2]}
    assert loaded.marks == {(): (1, 1), **expected}
    assert loaded.position(("k1", 1, "y", 5)) == expected[("k1", 1, "y")]


def test_positions_survive_a_trip_between_processes() -> None:
    """Results cross a pickle (worker pool, cache); libyaml's own marks do not pickle, the positions must."""
    import pickle

    loaded = pickle.loads(pickle.dumps(yamlio.loads("id: X\nitems:\n  - a\n  - b: 1\n")))
    assert loaded.data == {"id": "X", "items": ["a", {"b": 1}]}
    assert loaded.position(("items", 1, "b")) == (4, 5) and loaded.position(()) == (1, 1)


def test_front_matter_positions_are_file_lines() -> None:
    md = yamlio.load_markdown("---\nid: QP-01\nowner:\n  - 质量部\n---\nbody\n".encode())
    assert md.front is not None and md.front.position(("owner", 0)) == (4, 5) and md.front.position(("id",)) == (2, 1)


@pytest.mark.parametrize(("text", "key", "first", "line"), [
    ("2026: a\nb: c\n2026: d\n", "'2026'", 1, 3),
    ("'1': a\n1: b\n", "'1'", 1, 2),  # the typed key and the quoted one are the same text
    ("x:\n  no: a\n  n: b\n  no: c\n", "'no'", 2, 4),
])
def test_duplicate_typed_key_names_its_first_line(text: str, key: str, first: int, line: int) -> None:
    error = refused(text)
    assert (error.line, error.rule) == (line, "yaml-duplicate-key")
    assert key in error.message and f"line {first}" in error.message


@pytest.mark.parametrize("size", [0, 1, 1023, 1024, 1025, 70_000])
def test_file_read_whole_at_every_size_around_the_limit(tmp_path, size: int) -> None:  # type: ignore[no-untyped-def]
    from qmskit import fileio

    path = tmp_path / "r.yaml"
    content = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path.write_bytes(content)
    assert fileio.read_regular(path) == content  # no limit: read to the end, whatever fstat said
    assert fileio.read_regular(str(path), 70_000) == content
    if size <= 1024:
        assert fileio.read_regular(path, 1024) == content
    else:
        with pytest.raises(fileio.FileRefused) as info:
            fileio.read_regular(path, 1024)
        assert info.value.rule == fileio.TOO_LARGE


def test_a_file_that_grew_since_its_size_was_taken_is_read_to_its_end_or_refused() -> None:
    """``fstat`` gives the size asked for first; more bytes than that are still read, and never past the limit."""
    import os

    from qmskit import fileio

    for limit, expected in ((None, 100_000), (50_000, 50_001), (100_000, 100_000)):
        read_end, write_end = os.pipe()
        writer = os.fork()
        if writer == 0:  # the pipe holds less than the data: a child writes it all
            os.close(read_end)
            os.write(write_end, b"y" * 100_000)
            os._exit(0)
        os.close(write_end)
        try:
            assert len(fileio._read_all(read_end, 10, limit)) == expected
        finally:
            os.close(read_end)
            os.waitpid(writer, 0)


@pytest.mark.parametrize(("source", "line", "col"), [
    ("id: NCR-1\ndescription 泵漏水\nstatus: open\n", 2, 1),  # the field without ': ', not the next one
    ("id: NCR-1\ndescription 泵漏水\n", 2, 1),  # nor a line past the end of the file
    ("a:\n  b: 1\n  c 2\n  d: 3\n", 3, 3),
    ("id: \r0", 2, 1),  # a lone carriage return ends a line too (found by bench/fuzz.py)
])
def test_a_field_without_its_colon_is_reported_at_its_own_line(source: str, line: int, col: int) -> None:
    with pytest.raises(yamlio.YamlError) as caught:
        yamlio.loads(source)
    assert (caught.value.line, caught.value.col, caught.value.rule) == (line, col, "yaml-syntax")
    assert "名称: 值" in str(caught.value) or "name: value" in str(caught.value)


@pytest.mark.parametrize(("source", "line", "col", "says"), [
    ('id: X\ndesc: "泵漏水\nstatus: open\n', 2, 7, "引号或括号没有闭合"),  # where the quote opens
    ("id: X\ndesc: '未闭合\nstatus: open\nx: 1\n", 2, 7, "引号或括号没有闭合"),
    ("id: X\nstandards: [iso9001, iso14001\nstatus: open\n", 2, 12, "方括号"),  # where the bracket opens
    ("id: X\nlead: {name: 张三, role: 经理\nstatus: open\n", 2, 7, "花括号"),
])
def test_a_quote_or_bracket_never_closed_is_reported_where_it_opens(source: str, line: int, col: int, says: str) -> None:
    with messages.using("zh"), pytest.raises(yamlio.YamlError) as caught:
        yamlio.loads(source)
    assert (caught.value.line, caught.value.col) == (line, col), str(caught.value)
    assert says in str(caught.value)
