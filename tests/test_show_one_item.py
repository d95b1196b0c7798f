"""`qms show ID` and `qms history DOC`: the same answer on a fresh clone, on every later question and with the
cache off, and a question about one item imports only what that item needs.

Runs the installed ``qms`` on the repository ``qms init`` writes, committed
with real (backdated) git history. "Cold" is a fresh clone: no
``.git/qms-cache`` and no commit graph; "warm" is the next question, which
reads the remembered form facts and the commit graph the cold run wrote;
``QMS_CACHE=0`` reads and writes nothing in ``.git``.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import QMS, TODAY, GitRepo

from qmskit import spawn
from qmskit.report import CONFIDENTIAL

YEAR = TODAY.year
CMP = "records/complaint/CMP-2026-0001.yaml"  # the starter's complaint: its form marks the customer's name confidential


def _forget(root: Path) -> None:
    """What a fresh clone has: no remembered form facts and no commit graph."""
    shutil.rmtree(root / ".git" / "qms-cache", ignore_errors=True)
    info = root / ".git" / "objects" / "info"
    (info / "commit-graph").unlink(missing_ok=True)
    shutil.rmtree(info / "commit-graphs", ignore_errors=True)


def _qms(root: Path, *args: str, cache: bool = True) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "QMS_CACHE")}
    result = subprocess.run([QMS, *args], cwd=root, capture_output=True, timeout=120,
                            env={**env, **({} if cache else {"QMS_CACHE": "0"})})
    assert result.returncode == 0, result.stderr.decode()
    return result


@pytest.fixture
def history(git_repo: GitRepo) -> GitRepo:
    """The starter with a complaint edited twice by two people and a procedure revised once."""
    git_repo.edit(CMP, "customer_name: 王小明", "customer_name: 王大明")
    git_repo.edit(CMP, "feedback: satisfied", "feedback: dissatisfied")
    git_repo.commit("更正投诉人姓名", "李娜", "2026-02-10T14:30:00+08:00")
    git_repo.edit(CMP, "description: 报修后两天无人联系。", "description: 报修后三天无人联系。")
    git_repo.commit("补充投诉描述", "赵强", "2026-03-01T09:15:00+08:00")
    page = next(p for p in (git_repo.root / "manual").glob("QP-02*.md"))
    text = page.read_text(encoding="utf-8")
    revision = next(line for line in text.splitlines() if line.startswith("revision:"))
    page.write_text(text.replace(revision, "revision: B/9", 1), encoding="utf-8")
    git_repo.commit("QP-02 改版 B/9", "李娜", "2026-03-05T11:00:00+08:00")
    return git_repo


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_show_and_history_print_the_same_bytes_cold_warm_and_with_the_cache_off(history: GitRepo, fmt: str) -> None:
    root = history.root
    for args in (("show", "CMP-2026-0001"), ("history", "QP-02")):
        _forget(root)
        cold = _qms(root, *args, "--format", fmt).stdout
        assert (root / ".git/objects/info/commit-graph").is_file()  # the cold run left what the next one reads
        warm = _qms(root, *args, "--format", fmt).stdout
        _forget(root)
        off = _qms(root, *args, "--format", fmt, cache=False).stdout
        assert not (root / ".git" / "qms-cache").exists()  # QMS_CACHE=0 wrote nothing into .git
        assert cold == warm == off, args
    # what they print, read independently of the engine: the record's authors and its masked name
    shown = _qms(root, "show", "CMP-2026-0001", "--format", "md").stdout.decode()
    assert "李娜" in shown and "赵强" in shown and "王芳" in shown
    assert "王大明" not in shown and "王小明" not in shown and CONFIDENTIAL in shown
    revealed = _qms(root, "show", "CMP-2026-0001", "--format", "md", "--reveal").stdout.decode()
    assert "王大明" in revealed and "王小明" in revealed  # masked above, not missing
    revisions = _qms(root, "history", "QP-02", "--format", "md").stdout.decode()
    assert "B/9" in revisions and "李娜" in revisions
    if fmt == "json":
        assert json.loads(_qms(root, "show", "CMP-2026-0001", "--format", "json").stdout)["title"].startswith("CMP-2026-0001")


def test_an_edit_not_yet_committed_is_shown_as_it_is_now(history: GitRepo) -> None:
    """What was remembered is keyed by content: an edited file is read afresh, and masked as before."""
    root = history.root
    _qms(root, "show", "CMP-2026-0001")
    history.edit(CMP, "feedback: dissatisfied", "feedback: [late, rude]")
    history.edit(CMP, "customer_name: 王大明", "customer_name: 王二明")
    warm = _qms(root, "show", "CMP-2026-0001", "--format", "md").stdout
    assert warm == _qms(root, "show", "CMP-2026-0001", "--format", "md", cache=False).stdout
    assert "\\[late, rude\\]" in warm.decode() and "王二明" not in warm.decode()
    history.edit(CMP, "feedback: [late, rude]", "feedback: [late")  # no longer YAML: said so, not hidden
    broken = _qms(root, "show", "CMP-2026-0001", "--format", "md").stdout
    assert broken == _qms(root, "show", "CMP-2026-0001", "--format", "md", cache=False).stdout
    assert "records/complaint/CMP-2026-0001.yaml" in broken.decode() and "王大明" not in broken.decode()


def test_the_remembered_limits_are_yamlios() -> None:
    from qmskit import yamlio, yamlmemo

    assert (yamlmemo.DEFAULT_MAX_BYTES, yamlmemo.DEFAULT_MAX_DEPTH) == (yamlio.DEFAULT_MAX_BYTES, yamlio.DEFAULT_MAX_DEPTH)


def _modules_after(root: Path, *words: str) -> set[str]:
    """The modules a fresh interpreter holds after running one ``qms`` command (its exit code must be 0)."""
    code = ("import sys; from qmskit.cli import main; rc = main(sys.argv[1:]); "
            "print('\\n'.join(sorted(sys.modules)), file=sys.stderr); sys.exit(rc)")
    result = subprocess.run([sys.executable, "-c", code, *words], cwd=root, capture_output=True, text=True,
                            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}, timeout=120)
    assert result.returncode == 0, result.stderr
    return set(result.stderr.split())


# what answering about one item has no use for: the models, the other commands' modules, the writers' helpers
NOT_FOR_ONE_ITEM = ("pydantic", "qmskit.forms", "qmskit.registry", "qmskit.repository", "qmskit.checks",
                    "qmskit.changeset", "qmskit.reports", "qmskit.site", "qmskit.render.docx", "json", "difflib",
                    "tempfile", "glob", "shutil", "rich", "yaml", "qmskit.yamlio", "dataclasses", "inspect",
                    "qmskit.issues", "pickle", "typing")


def test_one_item_asked_again_imports_only_what_it_shows(history: GitRepo) -> None:
    """Asked again, an item needs neither its form (its facts are remembered) nor the YAML parser (its versions are)."""
    root = history.root
    for words in (("show", "CMP-2026-0001"), ("history", "QP-02")):  # the first questions, which parse and remember
        assert "yaml" in _modules_after(root, *words, "--format", "md")
    for words in (("show", "CMP-2026-0001", "--format", "md"), ("history", "QP-02", "--format", "md")):
        loaded = _modules_after(root, *words)
        assert "qmskit.git" in loaded and "qmskit.history" in loaded  # the run did answer from git
        assert not [name for name in NOT_FOR_ONE_ITEM if name in loaded], words
        assert "subprocess" not in loaded or not spawn._FAST, words  # git started with posix_spawnp (qmskit.spawn)


def test_an_item_not_asked_before_is_parsed_without_the_models_dataclasses_or_tempfile(history: GitRepo) -> None:
    """Its versions are parsed (YAML) and remembered; nothing else a check or a report needs is imported for that."""
    root = history.root
    for words in (("show", "CMP-2026-0001"), ("history", "QP-02")):
        _modules_after(root, *words, "--format", "md")  # the form's facts and the commit graph, as any later question has
    for words in (("show", "CMP-2026-0001", "--format", "md"), ("history", "QP-02", "--format", "md")):
        remembered = list((root / ".git" / "qms-cache").glob("yaml-*.marshal"))
        assert remembered, "the earlier questions remembered their versions"
        for path in remembered:  # what a question about another item meets: no version of this one parsed before
            path.unlink()
        loaded = _modules_after(root, *words)
        assert "qmskit.yamlio" in loaded, words  # it did parse
        assert list((root / ".git" / "qms-cache").glob("yaml-*.marshal")), words  # and remembered what it parsed
        unwanted = ("pydantic", "qmskit.repository", "qmskit.registry", "qmskit.checks", "dataclasses", "inspect",
                    "tempfile", "shutil", "qmskit.issues")
        assert not [name for name in unwanted if name in loaded], (words, [n for n in unwanted if n in loaded])
        assert "subprocess" not in loaded or not spawn._FAST, words  # cat-file --batch too is spawned without it


def test_only_the_named_commands_parser_is_built_unless_argparse_must_tell(monkeypatch: pytest.MonkeyPatch) -> None:
    from qmskit import commandline as cli

    built: list[str] = []
    for name, add in list(cli._COMMAND_PARSERS.items()):
        monkeypatch.setitem(cli._COMMAND_PARSERS, name, lambda sub, n, add=add: (built.append(n), add(sub, n))[-1])
    cli._parser(cli.named_command(["-v", "--root", "x", "show", "NCR-1"]))
    assert built == ["show"]
    for words in (["--help"], ["-h", "show"], ["chek"], ["-qv", "show", "X"], ["--ro", "x", "show", "X"], []):
        built.clear()
        cli._parser(cli.named_command(words))
        assert built == list(cli._COMMAND_PARSERS), words


def test_a_show_after_a_check_needs_no_form(history: GitRepo) -> None:
    """A check that loads every form notes what showing each form's records needs: the show after it imports none."""
    root = history.root
    _forget(root)
    masked = _qms(root, "show", "CMP-2026-0001", "--format", "md", cache=False).stdout
    _qms(root, "check")  # the whole load of the forms, as CI or a person runs it first
    loaded = _modules_after(root, "show", "CMP-2026-0001", "--format", "md")
    assert "pydantic" not in loaded and not [m for m in loaded if m.startswith("qms_schemas")]
    assert _qms(root, "show", "CMP-2026-0001", "--format", "md").stdout == masked  # masked as without the cache
    assert "王大明".encode() not in masked and CONFIDENTIAL.encode() in masked


def test_a_confidential_value_never_committed_is_kept_nowhere_in_the_cache(history: GitRepo) -> None:
    """An uncommitted edit is parsed on each question and not remembered; revealed values are not remembered either."""
    root = history.root
    (root / CMP).write_text((root / CMP).read_text(encoding="utf-8").replace("王大明", "赵未提交"), encoding="utf-8")
    masked = _qms(root, "show", "CMP-2026-0001", "--format", "md").stdout
    revealed = _qms(root, "show", "CMP-2026-0001", "--format", "md", "--reveal").stdout
    assert "赵未提交".encode() not in masked and "赵未提交".encode() in revealed
    assert "王大明".encode() in revealed  # a committed value, remembered or not, is still shown under --reveal
    kept = b"".join(p.read_bytes() for p in (root / ".git" / "qms-cache").iterdir())
    assert kept  # the question did remember what it could
    assert "赵未提交".encode() not in kept
