"""The whole-history log's raw entries read by raw_changes exactly as a plain parser written here reads them."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qmskit.git import ZERO, RawChange, raw_changes

SHA = st.text("0123456789abcdef", min_size=40, max_size=40) | st.sampled_from([ZERO, "0" * 64, "ab" * 32])
PATH = st.text(st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)), min_size=1, max_size=12)
STATUS = st.sampled_from(["A", "M", "D", "T", "R100", "R087", "C100", "C050", "U", "X"])


@st.composite
def entry(draw: st.DrawFn) -> list[str]:
    status = draw(STATUS)
    meta = f":100644 100644 {draw(SHA)} {draw(SHA)} {status}"
    paths = [draw(PATH), draw(PATH)] if status[0] in "RC" else [draw(PATH)]
    return [meta, *paths]


def plainly(tokens: list[str]) -> list[RawChange]:
    """git's ``--raw -z`` entries as its documentation states them, one at a time (the engine's parser before it was tuned)."""
    found = []
    i = 0
    while i < len(tokens) and tokens[i].startswith(":"):
        _, _, old_blob, new_blob, status = tokens[i][1:].split()
        if status[0] in ("R", "C"):
            old_path, path, i = tokens[i + 1], tokens[i + 2], i + 3
        else:
            old_path, path, i = None, tokens[i + 1], i + 2
        kind = {"C": "A", "T": "M"}.get(status[0], status[0])
        if kind == "A" and status[0] == "C":
            old_path, old_blob = None, ZERO
        found.append(RawChange(kind, path, old_path, None if set(old_blob) == {"0"} else old_blob,
                               None if set(new_blob) == {"0"} else new_blob))
    return found


@given(st.lists(entry(), max_size=8), st.lists(PATH, max_size=2))
@settings(max_examples=300, deadline=None)
def test_raw_changes_reads_what_a_plain_parser_reads(entries: list[list[str]], tail: list[str]) -> None:
    tokens = [t for e in entries for t in e] + [t for t in tail if not t.startswith(":")]  # trailing non-entries stop both
    assert raw_changes(tokens) == plainly(tokens)


def test_statuses_and_zero_blobs_as_the_history_needs_them() -> None:
    a, b = "1" * 40, "2" * 40
    tokens = [f":000000 100644 {ZERO} {a} A", "records/x/N-1.yaml",
              f":100644 100644 {a} {b} T", "records/x/N-2.yaml",
              f":100644 000000 {a} {ZERO} D", "records/x/N-3.yaml",
              f":100644 100644 {a} {b} R092", "records/x/old.yaml", "records/x/new.yaml",
              f":100644 100644 {a} {b} C100", "records/x/src.yaml", "records/x/copy.yaml", ""]
    assert raw_changes(tokens) == [
        RawChange("A", "records/x/N-1.yaml", None, None, a),
        RawChange("M", "records/x/N-2.yaml", None, a, b),
        RawChange("D", "records/x/N-3.yaml", None, a, None),
        RawChange("R", "records/x/new.yaml", "records/x/old.yaml", a, b),
        RawChange("A", "records/x/copy.yaml", None, None, b),
    ]
