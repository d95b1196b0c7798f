"""`qms show ID` and `qms history DOC`, typed plainly, are read without argparse and answered exactly as argparse's reading.

``qmskit.cli.plain_question`` reads ``[--root DIR] show ID`` and
``[--root DIR] history DOC`` itself; every other command line goes to the
parser in ``qmskit.commandline``. Here each reading is held to argparse's
(the same namespace, word for word), every other command line is shown to
be left to argparse (so help and usage errors are unchanged), and the
installed ``qms`` prints the same bytes and messages, in Chinese and in
English, whichever way the same question was read.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import QMS, GitRepo, in_english
from hypothesis import given, settings
from hypothesis import strategies as st

from qmskit import messages
from qmskit.cli import plain_question
from qmskit.commandline import parsed

CMP = "CMP-2026-0001"  # the starter's complaint (its customer's name is confidential)

PLAIN = [
    ["show", "NCR-2026-0007"], ["history", "LD-QP-09"], ["show", "ncr-2026-0007"], ["history", "ld-qp-09"],
    ["--root", "some/where", "show", "X"], ["--root", "/abs", "history", "QP-02"], ["--root", "", "show", ""],
    ["show", "two words"], ["show", "NCR-1 --reveal"], ["history", "show"], ["show", "history"], ["show", "x-"],
    ["--root", "a=b", "show", "+1"], ["show", "编号"],
]

NOT_PLAIN = [
    [], ["show"], ["history"], ["show", "X", "--reveal"], ["show", "X", "--format", "json"], ["show", "--reveal", "X"],
    ["show", "-x"], ["show", "-1"], ["show", "--", "X"], ["show", "-"], ["--root", "-d", "show", "X"],
    ["--root=d", "show", "X"], ["--ro", "d", "show", "X"], ["-q", "show", "X"], ["-v", "history", "X"],
    ["show", "X", "-v"], ["-h"], ["--help"], ["show", "-h"], ["history", "--help"], ["shwo", "X"], ["log", "X"],
    ["check", "X"], ["show", "X", "Y"], ["--root", "d", "show"], ["--root", "d", "x", "show", "X"],
    ["--version"], ["d", "--root", "show", "X"],
]


def _argparse(words: list[str]) -> dict[str, object]:
    args = parsed(words)
    assert args is not None
    return vars(args)


@pytest.mark.parametrize("words", PLAIN, ids=" ".join)
def test_a_plain_question_is_read_as_argparse_reads_it(words: list[str]) -> None:
    found = plain_question(words)
    assert found is not None, words
    assert vars(found) == _argparse(words)
    assert type(found.root) is type(_argparse(words)["root"])  # a Path (or None), as argparse's type=Path makes it


@pytest.mark.parametrize("words", NOT_PLAIN, ids=lambda w: " ".join(w) or "(nothing)")
def test_anything_else_is_left_to_argparse(words: list[str]) -> None:
    assert plain_question(words) is None


WORDS = st.sampled_from(["show", "history", "log", "--root", "--root=x", "-q", "-v", "--reveal", "--format", "md",
                         "-h", "--", "-", "-x", "X-1", "ld-qp-09", "", "a b", "./d", "-1"])


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=5))
def test_whatever_it_reads_argparse_reads_the_same(words: list[str]) -> None:
    found = plain_question(words)
    if found is None:
        return
    assert len(words) in (2, 4) and words[-2] in ("show", "history")
    assert vars(found) == _argparse(words)


def _qms(root: Path, *words: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "QMS_CACHE")}
    return subprocess.run([QMS, *words], cwd=root, capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_plain_reading_prints_what_argparses_prints(git_repo: GitRepo, lang: str) -> None:
    """The same question both ways (``--format md`` is what a pipe gets anyway): the same output, exit code and
    message, the confidential name masked, in the repository's language."""
    root = git_repo.root
    if lang == "en":
        in_english(root)
        git_repo.commit("English", "王芳", "2026-01-06T09:00:00+08:00")
    name = "王小明"  # the starter complaint's customer, a confidential field
    assert name in (root / f"records/complaint/{CMP}.yaml").read_text(encoding="utf-8")
    for question in (["show", CMP], ["history", "QP-02"], ["show", "QP-02"], ["show", "NCR-9999-0001"],
                     ["history", CMP], ["history", "QP-99"], ["--root", str(root), "show", CMP.lower()]):
        assert plain_question(question) is not None
        plain = _qms(root, *question)
        read_by_argparse = _qms(root, *question, "--format", "md")
        assert (plain.returncode, plain.stdout, plain.stderr) == (
            read_by_argparse.returncode, read_by_argparse.stdout, read_by_argparse.stderr), question
        if question[-2] == "show" and question[-1] in (CMP, CMP.lower()):
            assert plain.returncode == 0 and name not in plain.stdout and CMP in plain.stdout
    assert "QP-02" in _qms(root, "history", "QP-02").stdout
    missing = _qms(root, "show", "NCR-9999-0001")
    assert missing.returncode == 2 and missing.stderr.startswith("qms: ")
    with messages.using(lang):  # the near-miss message, in the repository's language
        assert messages.text("lookup.no_id", word="NCR-9999-0001", hint="").split("NCR-9999-0001")[0] in missing.stderr


def test_a_plain_question_imports_no_argparse(git_repo: GitRepo) -> None:
    """Neither argparse nor the parser's module (with gettext and locale) is imported to answer it."""
    root = git_repo.root
    code = ("import sys; from qmskit.cli import main; rc = main(sys.argv[1:]); "
            "print('\\n'.join(sorted(sys.modules)), file=sys.stderr); sys.exit(rc)")
    for words in (["show", CMP], ["history", "QP-02"], ["show", CMP, "--format", "md"]):
        done = subprocess.run([sys.executable, "-c", code, *words], cwd=root, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        loaded = set(done.stderr.split())
        assert "qmskit.history" in loaded  # it did answer
        argparse_used = {"argparse", "qmskit.commandline"} <= loaded
        assert argparse_used == ("--format" in words), words  # with an option, argparse reads the line
