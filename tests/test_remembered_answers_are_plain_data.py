"""What `qms show` and `qms history` remember of parsed YAML is kept as plain data (marshal), never pickled.

A remembered answer must come back exactly as the parser gave it (dates,
times with their offsets, tuples, key order); an answer the format cannot
keep is worked out on each question instead; and whatever else is found in
the file (damage, a forged entry) is worked out again, never shown.
"""
from __future__ import annotations

import datetime as dt
import marshal
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import QMS, GitRepo
from hypothesis import given, settings
from hypothesis import strategies as st

from qmskit import cache
from qmskit.yamlmemo import YamlMemo, _NotPlain, _plain, _restored, blob_id

CMP = "records/complaint/CMP-2026-0001.yaml"

ZONES = st.builds(dt.timezone, st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timedelta(minutes=m)))
# what YAML's parser makes: dates, and times without a zone or at a fixed offset (never a second, folded time)
TIMES = (st.datetimes() | st.datetimes(timezones=ZONES)).map(lambda t: t.replace(fold=0))
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text() | st.binary()
           | st.dates() | TIMES)
KEYS = st.text() | st.integers() | st.dates() | st.booleans()
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4)
                      | st.tuples(inner, inner) | st.lists(inner, max_size=3).map(tuple), max_leaves=20)


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same types all the way down and the same key order (what a report prints depends on both)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(x, y) for x, y in zip(a, b)) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dt.datetime):
        return a == b and a.utcoffset() == b.utcoffset() and repr(a) == repr(b)
    return bool(a == b) and repr(a) == repr(b)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_a_remembered_value_comes_back_exactly(value: Any) -> None:
    kept = _plain(value)
    assert cache.is_plain(kept)  # what marshal keeps, and nothing else
    assert _same(_restored(marshal.loads(marshal.dumps(kept))), value)


@pytest.mark.parametrize("value", [{1, 2}, frozenset(), {"a": [object()]}, 1j, ..., dt.time(10, 0),
                                   {"when": dt.timedelta(days=1)}, [dt.datetime(2026, 11, 1, 1, 30, fold=1)],
                                   dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8), "CST"))])
def test_a_value_the_format_cannot_keep_is_not_remembered(value: Any) -> None:
    with pytest.raises(_NotPlain):
        _plain(value)


@pytest.mark.parametrize("stored", [("d", "not a date"), ("zz", 1), ("d",), (), {"a": {1, 2}}, [1j],
                                    ("dt", 20260101), compile("1", "x", "eval")])
def test_an_entry_that_is_not_what_the_memo_writes_is_refused(stored: Any) -> None:
    with pytest.raises((_NotPlain, ValueError)):
        _restored(stored)


def test_a_damaged_or_forged_entry_is_worked_out_again(git_repo: GitRepo) -> None:
    root = git_repo.root
    raw = (root / CMP).read_bytes()
    memo = YamlMemo(root)
    parsed = memo.data(blob_id(raw), lambda: raw)
    assert isinstance(parsed, dict) and parsed["id"] == "CMP-2026-0001"
    memo.save()
    (store,) = (root / ".git" / "qms-cache").glob("yaml-*.marshal")
    digest, entries = marshal.loads(store.read_bytes())
    (name,) = [n for n in entries if blob_id(raw) in n]
    for forged in (("d", "2026-13-45"), {"id": {1, 2}}, compile("print('hi')", "x", "exec"), ("t", 1j)):
        store.write_bytes(marshal.dumps((digest, {**entries, name: forged})))
        asked: list[int] = []
        again = YamlMemo(root).data(blob_id(raw), lambda: asked.append(1) or raw)
        assert asked == [1] and again == parsed  # parsed anew, the same answer
    store.write_bytes(b"\x00not marshal at all")
    asked.clear()
    assert YamlMemo(root).data(blob_id(raw), lambda: asked.append(1) or raw) == parsed and asked == [1]


def test_an_answer_that_is_not_plain_data_is_worked_out_each_time(git_repo: GitRepo) -> None:
    root = git_repo.root
    from qmskit import yamlio

    raw = b"feedback: [late\n"  # not YAML: its answer is the marker of an unreadable file, which is not kept
    for _ in range(2):
        asked: list[int] = []
        memo = YamlMemo(root)
        assert memo.data(blob_id(raw), lambda: asked.append(1) or raw) is yamlio.UNREADABLE
        memo.save()
        assert asked == [1]


def _qms(root: Path, *words: str, cache_on: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "QMS_CACHE")}
    return subprocess.run([QMS, *words], cwd=root, capture_output=True, text=True, timeout=120,
                          env={**env, **({} if cache_on else {"QMS_CACHE": "0"})})


def test_show_and_history_from_a_spoilt_memory_say_what_they_say_without_it(git_repo: GitRepo) -> None:
    root = git_repo.root
    git_repo.edit(CMP, "customer_name: 王小明", "customer_name: 王大明")
    git_repo.commit("更正投诉人姓名", "李娜", "2026-02-10T14:30:00+08:00")
    questions = (("show", "CMP-2026-0001"), ("history", "QP-02"))
    fresh = {q: _qms(root, *q, cache_on=False) for q in questions}
    assert all(done.returncode == 0 for done in fresh.values())
    assert "王大明" not in fresh[questions[0]].stdout  # masked
    for spoil in (lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
                  lambda p: p.write_bytes(marshal.dumps(("another digest", {}))),
                  lambda p: p.write_bytes(marshal.dumps(compile("1", "x", "eval")))):
        shutil.rmtree(root / ".git" / "qms-cache", ignore_errors=True)
        for q in questions:
            assert _qms(root, *q).stdout == fresh[q].stdout  # remembered now
        for store in (root / ".git" / "qms-cache").glob("*.marshal"):
            spoil(store)
        for q in questions:
            assert _qms(root, *q).stdout == fresh[q].stdout, q
    assert not list((root / ".git" / "qms-cache").glob("yaml-*.pickle"))  # nothing of it pickled


@pytest.mark.parametrize("value", [{1, 2}, frozenset({"a"}), dt.date(2026, 1, 2), [object()], {"k": (1, {2})}])
def test_a_plain_cache_refuses_what_marshal_would_not_give_back_as_plain_data(git_repo: GitRepo, value: Any) -> None:
    """The bug is where the value is put, not later when the file is written or read."""
    store = cache.ResultCache(git_repo.root, "probe", "digest", plain=True)
    with pytest.raises(TypeError, match="not plain data"):
        store.put("key", value)
    store.put("key", {"a": [1, 2.5, None, b"x", ("t", "u")]})
    store.save()
    assert cache.ResultCache(git_repo.root, "probe", "digest", plain=True).get("key") == {"a": [1, 2.5, None, b"x", ("t", "u")]}
