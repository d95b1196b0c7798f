"""PyYAML imported through the engine behaves as PyYAML, and its import compiles no pattern the engine never uses.

``qmskit.yamllib`` defers the regular expressions PyYAML compiles at import
(two thirds of its import, a twentieth of a ``qms show`` about an item not
asked before) until each is first used. These tests run fresh interpreters,
because whoever imports PyYAML first decides how it was imported.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"

# YAML 1.1 as PyYAML resolves it (yes, sexagesimal, octal, timestamps with zones, merge keys), an
# unprintable character the pure-Python reader must refuse, and strings a dump must quote.
DOCUMENTS = [
    "a: yes\nb: No\nc: ~\nd: 0o17\ne: 017\nf: 1:20\ng: 1_000\nh: .inf\ni: -.5e+3\n",
    "when: 2026-11-27 10:30:00 +08:00\nday: 2026-02-30\nt: 2001-12-14t21:59:43.10-05:00\n",
    "base: &b {x: 1}\nderived:\n  <<: *b\n  y: [1, 2, three]\n",
    "bell: \"\\a\"\nraw: \x07\n",
    "text: 不合格报告\nlist:\n  - 纠正措施\n  - '0755'\n",
]
TO_DUMP = ["yes", "no", "1.0", "~", "2020-01-01", "<<", "=", "0o17", "1:20", "null", "不合格", "a: b", "-", "", "\x85"]

PROGRAM = textwrap.dedent("""
    import json, re, sys
    real = re.compile
    if sys.argv[1] == "engine":
        from qmskit.yamllib import yaml
        import qmskit.yamllib
        assert re.compile is real, "re.compile not put back"
    else:
        import yaml
    documents, to_dump = json.loads(sys.stdin.read())
    out = {"loaded": [], "dumped": []}
    if sys.argv[1] == "engine":
        from qmskit import yamlio
        record = yamlio.loads(b"id: NC-1\\nraised: 2026-11-27\\ncount: 3\\nflag: true\\n").data
        out["engine_record"] = repr(record)
        out["reader_pattern_after_engine_load"] = sorted(vars(yaml.reader.Reader.NON_PRINTABLE))
        out["reader_pattern_class"] = type(yaml.reader.Reader.NON_PRINTABLE).__name__
    for text in documents:
        try:
            out["loaded"].append(repr(yaml.safe_load(text)))
        except Exception as exc:  # PyYAML raises ValueError too (2026-02-30)
            out["loaded"].append(type(exc).__name__ + ": " + str(exc))
        try:
            out["loaded"].append(repr(yaml.load(text, Loader=yaml.CSafeLoader)))
        except Exception as exc:  # PyYAML raises ValueError too (2026-02-30)
            out["loaded"].append(type(exc).__name__ + ": " + str(exc))
    for value in to_dump:
        out["dumped"].append(yaml.safe_dump({"v": value}, allow_unicode=True))
        out["dumped"].append(yaml.dump({"v": value}, Dumper=yaml.CSafeDumper))
    print(json.dumps(out))
""")


def _run(program: str, *args: str, stdin: str = "", path: str = str(TOOLS)) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": path}
    return subprocess.run([sys.executable, "-c", program, *args], input=stdin, capture_output=True, text=True,
                          env=env, check=False)


def _answers(how: str) -> dict[str, object]:
    done = _run(PROGRAM, how, stdin=json.dumps([DOCUMENTS, TO_DUMP]))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_pyyaml_through_the_engine_loads_and_dumps_as_pyyaml_does() -> None:
    engine, plain = _answers("engine"), _answers("plain")
    assert engine["loaded"] == plain["loaded"]
    assert engine["dumped"] == plain["dumped"]
    # the corpus does reach the deferred patterns: YAML 1.1 booleans, the reader's refusal, quoting on dump
    assert "True" in str(plain["loaded"][0]) and "ReaderError" in str(plain["loaded"][6])
    assert "'yes'" in str(plain["dumped"][0])


def test_the_engines_loader_never_compiles_pyyamls_patterns() -> None:
    engine = _answers("engine")
    assert engine["engine_record"] == repr({"id": "NC-1", "raised": __import__("datetime").date(2026, 11, 27),
                                            "count": 3, "flag": True})
    assert engine["reader_pattern_class"] == "CompiledOnFirstUse"
    # nothing but the pattern's own text and flags: no method of a compiled pattern was ever asked for
    assert engine["reader_pattern_after_engine_load"] == ["_pattern_and_flags"]


@pytest.fixture
def fake_pyyaml(tmp_path: Path) -> Path:
    """A stand-in ``yaml`` package whose import also imports a module of someone else that compiles a pattern."""
    package = tmp_path / "yaml"
    package.mkdir()
    (package / "__init__.py").write_text(textwrap.dedent("""
        import re, os
        import someone_else, yaml_other
        OWN = re.compile("[0-9]+")
        from . import sub
        if os.environ.get("FAKE_YAML_FAILS"):
            raise ImportError("broken PyYAML")
    """), encoding="utf-8")
    (package / "sub.py").write_text("import re\nSUB = re.compile('a+', re.I)\n", encoding="utf-8")
    (tmp_path / "someone_else.py").write_text("import re\nTHEIRS = re.compile('b+')\n", encoding="utf-8")
    (tmp_path / "yaml_other.py").write_text("import re\nTHEIRS = re.compile('c+')\n", encoding="utf-8")  # not yaml.*
    return tmp_path


def test_only_pyyamls_own_modules_get_deferred_patterns(fake_pyyaml: Path) -> None:
    done = _run(textwrap.dedent("""
        import re
        real = re.compile
        import copy, pickle
        from qmskit.yamllib import yaml
        import someone_else, yaml_other
        assert re.compile is real
        print(type(yaml.OWN).__name__, type(yaml.sub.SUB).__name__, type(someone_else.THEIRS).__name__,
              type(yaml_other.THEIRS).__name__)
        print(bool(yaml.OWN.fullmatch("123")), bool(yaml.sub.SUB.match("AAA")), yaml.OWN.pattern, int(yaml.sub.SUB.flags & re.I))
        print(sorted(vars(yaml.OWN)))  # what was asked for is kept on the stand-in
        same = re.compile("[0-9]+")
        print(type(copy.copy(yaml.sub.SUB)).__name__, type(copy.deepcopy(yaml.sub.SUB)).__name__,
              pickle.loads(pickle.dumps(yaml.sub.SUB)) == re.compile("a+", re.I),
              yaml.OWN == same, hash(yaml.OWN) == hash(same), repr(yaml.OWN) == repr(same),
              hasattr(type(yaml.OWN).__new__(type(yaml.OWN)), "match"))  # made without __init__: no recursion
    """), path=os.pathsep.join([str(fake_pyyaml), str(TOOLS)]))
    assert done.returncode == 0, done.stderr
    first, second, kept, protocols = done.stdout.splitlines()
    assert first == "CompiledOnFirstUse CompiledOnFirstUse Pattern Pattern"
    assert second == "True True [0-9]+ 2"  # re.I is 2: the flags reach the compiled pattern
    assert kept == "['_pattern_and_flags', 'fullmatch', 'pattern']"
    assert protocols == "Pattern Pattern True True True True False"  # a copy or a pickle is the compiled pattern


def test_a_failed_pyyaml_import_puts_re_compile_back(fake_pyyaml: Path) -> None:
    program = textwrap.dedent("""
        import re
        real = re.compile
        try:
            import qmskit.yamllib
        except ImportError as exc:
            print("failed:", exc)
        print(re.compile is real)
    """)
    env_path = os.pathsep.join([str(fake_pyyaml), str(TOOLS)])
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": env_path, "FAKE_YAML_FAILS": "1"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["failed: broken PyYAML", "True"]
