"""Messages a quality manager understands: in the QMS's language, from one catalogue, naming the fix.

The reference QMS (``lang: zh``) is checked with planted bad records and
every message about them must be Chinese; the same records with ``lang: en``
give English. The catalogue itself is held to the code: no key used without
words in both languages, no words without a use.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import string
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from qmskit import Repository, check_repository, messages
from qmskit.messages import en, zh
from qmskit.validation import issues_from_validation

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tools" / "qmskit"
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_SENTENCE = re.compile(r"\b[a-z]{2,} [a-z]{2,} [a-z]{2,}\b")  # three English words in a row
AS_OF = dt.date(2026, 11, 27)

NCR = "records/nonconformity/NCR-2026-0901.yaml"
CR = "records/contract_review/CR-2026-901.yaml"
COLON = "records/nonconformity/NCR-2026-0902.yaml"
PLANTED = {
    NCR: """id: NCR-2026-0901
status: open
source: internal_audit
raised: 2026/11/26
requirement: HE-JD-07 §4
description: 抽查发现记录缺失
grade: huge
department: 工程部
owner: 工程部经理
due: 26.11.2026
remark: 多余字段
""",
    CR: """id: CR-2026-901
status: received
customer: 南京某电子科技有限公司
received: 20261126
headcount: 74
positions:
- 仓储员
method: countersigned
checks:
  requirements_defined: 是
  unwritten_confirmed: true
  differences_resolved: true
  capable: true
""",
    COLON: """id: NCR-2026-0902
status: open
description: 原因: 设备故障
""",
}


def _key_uses() -> dict[str, set[str]]:
    """Every catalogue-shaped string literal in the engine's code (outside the catalogue), by file."""
    uses: dict[str, set[str]] = {}
    for path in SOURCE.rglob("*.py"):
        if path.parent.name == "messages" and path.stem in messages.LANGUAGES:
            continue  # the catalogues themselves
        for key in re.findall(r"""["']([a-z]+\.[a-z0-9_]+)["']""", path.read_text(encoding="utf-8")):
            uses.setdefault(key, set()).add(path.name)
    return uses


def _calls() -> set[str]:
    """The keys the code passes to ``text(...)``."""
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        found.update(re.findall(r"""\btext\(\s*["']([^"']+)["']""", path.read_text(encoding="utf-8")))
    return found


# what a Chinese message may quote in English: a command to type, a quoted value, a placeholder
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|“[^”]*”|\{[^{}]*\}|(?:qms|git|iconv|pip) [^\u4e00-\u9fff;:,。;:,()()]*")


def _prose(words: str) -> str:
    """A message without what it quotes: the words left are the sentence, which must be in the message's language."""
    return _QUOTED.sub(" ", words)


def test_both_catalogues_have_the_same_keys_and_place_holders() -> None:
    assert set(en.MESSAGES) == set(zh.MESSAGES)
    fields = string.Formatter()
    for key in en.MESSAGES:
        ours = {f[1] for f in fields.parse(en.MESSAGES[key]) if f[1]}
        theirs = {f[1] for f in fields.parse(zh.MESSAGES[key]) if f[1]}
        assert ours == theirs, key


def test_every_key_the_code_uses_has_words_and_every_entry_is_used() -> None:
    calls = _calls()
    assert len(calls) > 50, "the scan found the text() calls"
    assert calls <= set(en.MESSAGES), sorted(calls - set(en.MESSAGES))
    used = set(_key_uses())
    unused = set(en.MESSAGES) - used
    assert not unused, sorted(unused)


def test_chinese_entries_are_chinese() -> None:
    for key, words in zh.MESSAGES.items():
        if not re.sub(r"\{\w+\}|[\W_]", "", words):
            continue  # only place holders and punctuation: "{id}:{message}", "、"
        assert CJK.search(words), key
        assert not ENGLISH_SENTENCE.search(_prose(words)), key


@pytest.fixture(scope="module")
def reference_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference QMS of this repository, copied, with the planted bad records."""
    target = tmp_path_factory.mktemp("reference") / "qms"
    target.mkdir()
    shutil.copy(ROOT / "qms.yml", target / "qms.yml")
    for folder in ("manual", "schemas", "records"):
        shutil.copytree(ROOT / folder, target / folder)
    for rel, body in PLANTED.items():
        (target / rel).write_text(body, encoding="utf-8")
    return target


def _planted_messages(root: Path, lang: str) -> dict[str, list[str]]:
    config = root / "qms.yml"
    config.write_text(re.sub(r"^lang: \w+$", f"lang: {lang}", config.read_text(encoding="utf-8"), flags=re.M),
                      encoding="utf-8")
    result = check_repository(Repository(root), AS_OF, jobs=1, only=set(PLANTED))
    found: dict[str, list[str]] = {rel: [] for rel in PLANTED}
    for issue in result.issues:
        if issue.path in found:
            found[issue.path].append(issue.message)
    assert all(found.values()), found  # every planted record is reported
    return found


def test_reference_qms_speaks_chinese(reference_copy: Path) -> None:
    found = _planted_messages(reference_copy, "zh")
    every = [m for ms in found.values() for m in ms]
    for message in every:
        assert CJK.search(message), message
        assert not ENGLISH_SENTENCE.search(message), message
    ncr = " | ".join(found[NCR])
    assert "2026-11-26" in ncr and "YYYY-MM-DD" in ncr  # raised: 2026/11/26 and due: 26.11.2026 get the fix
    assert ncr.count("2026-11-26") >= 2
    assert all(f"{v} ({label})" in ncr for v, label in (("major", "严重"), ("minor", "一般"), ("observation", "观察项")))
    assert "remark" in ncr and "requirement" not in ncr.replace("requirements_defined", "")  # unknown field named
    cr = " | ".join(found[CR])
    assert "true" in cr and "false" in cr and "2026-11-26" in cr
    assert "引号" in " ".join(found[COLON]) and "': '" not in " ".join(found[COLON])  # says to quote the text


def test_reference_qms_speaks_english_with_lang_en(reference_copy: Path) -> None:
    found = _planted_messages(reference_copy, "en")
    every = [m for ms in found.values() for m in ms]
    for message in every:
        assert re.search(r"\b[a-z]{2,} [a-z]{2,}\b", message), message
        assert not CJK.search(message), message
    ncr = " | ".join(found[NCR])
    assert "YYYY-MM-DD" in ncr and "major (major)" not in ncr and "observation" in ncr
    assert "quotes" in " ".join(found[COLON])
    assert "true" in " | ".join(found[CR]) and "false" in " | ".join(found[CR])


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    raised: dt.date
    escalated: bool
    grade: Literal["major", "minor", "observation"]
    count: int
    note: str


@pytest.mark.parametrize("written", ["2026/11/26", "26.11.2026", "20261126", 20261126])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_wrong_date_names_yyyy_mm_dd_and_the_date_meant(written: object, lang: str) -> None:
    with messages.using(lang):
        message = _messages({"raised": written})["raised"]
    assert "YYYY-MM-DD" in message and "2026-11-26" in message


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_yes_no_enumeration_number_and_colon_messages_name_the_fix(lang: str) -> None:
    with messages.using(lang):
        found = _messages({"escalated": "是", "grade": "huge", "count": "3", "note": {"原因": "设备故障"}})
    assert "true" in found["escalated"] and "false" in found["escalated"]
    assert all(v in found["grade"] for v in ("major", "minor", "observation"))
    assert ("严重" in found["grade"]) == (lang == "zh")
    assert "3" in found["count"] and ("引号" if lang == "zh" else "quotes") in found["note"]
    assert ("': '" if lang == "en" else "“: ”") in found["note"]


def test_a_confidential_value_is_not_quoted_in_a_date_fix() -> None:
    try:
        _Form.model_validate({"raised": "2025/03/04"})
    except ValidationError as exc:
        issues = issues_from_validation(exc, "f.yaml", None, confidential=("raised",))
    assert issues and all("2025/03/04" not in i.message and "2025-03-04" not in i.message for i in issues)
    assert any("YYYY-MM-DD" in i.message for i in issues)


def _messages(data: dict[str, object]) -> dict[str, str]:
    full = {"raised": dt.date(2026, 1, 1), "escalated": False, "grade": "minor", "count": 1, "note": "x", **data}
    try:
        _Form.model_validate(full)
    except ValidationError as exc:
        return {i.message.split("“")[1].split("”")[0] if "“" in i.message else i.message.split("'")[1]: i.message
                for i in issues_from_validation(exc, "f.yaml", None)}
    raise AssertionError("the form accepted it")


# -- the command line: what a quality manager meets before and around the checks -------------------------------

def _say(root: Path, lang: str) -> None:
    """``lang: LANG`` in the repository's qms.yml."""
    config = root / "qms.yml"
    config.write_text(re.sub(r"^lang: \w+", f"lang: {lang}", config.read_text(encoding="utf-8"), flags=re.M),
                      encoding="utf-8")


def _run(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``qms ARGS`` run in ``cwd`` as a user would type it: its exit code and everything it printed."""
    from qmskit.cli import main

    monkeypatch.chdir(cwd)
    try:
        code = main(args)
    except SystemExit as exc:  # argparse ends a usage error with exit 2
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out + out.err


def _lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def _assert_in_language(output: str, lang: str) -> None:
    """Every line a sentence in ``lang``: Chinese prose and no English sentence, or English and no Chinese."""
    assert _lines(output), "the command said something"
    for line in _lines(output):
        prose = _prose(line)
        if lang == "zh":
            assert CJK.search(prose), line
            assert not ENGLISH_SENTENCE.search(prose), line
        else:
            assert not CJK.search(prose), line
            assert re.search(r"\b[a-z]{2,} [a-z]{2,}\b", prose), line


PLANTED_CLI: dict[str, tuple[list[str], str | dict[str, str]]] = {
    "unknown command": (["chek"], "'check'"),
    "unknown id": (["show", "NCR-2099-0001"], "NCR-2099-0001"),
    "since after until": (["log", "--since", "2026-05-01", "--until", "2026-01-01"], "--since 2026-01-01 --until 2026-05-01"),
    "bad --set value": (["new", "nonconformity", "--set", "grade=huge"], "observation"),
    "not a date": (["log", "--since", "2026/01/01"], "YYYY-MM-DD"),
    "missing argument": (["new"], {"zh": "种类", "en": "KIND"}),  # the help's place holder for it
    "unknown option": (["check", "--bogus"], "--bogus"),
    "not a number": (["check", "--jobs", "many"], "'many'"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", sorted(PLANTED_CLI))
def test_command_line_mistakes_are_answered_in_the_repository_language(
        case: str, lang: str, git_repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    args, fixes = PLANTED_CLI[case]
    fix = fixes[lang] if isinstance(fixes, dict) else fixes
    _say(git_repo.root, lang)
    before = sorted(p.relative_to(git_repo.root) for p in (git_repo.root / "records").rglob("*"))
    code, output = _run(args, git_repo.root, monkeypatch, capsys)
    assert code == 2, output  # the command could not run as asked
    assert "Traceback" not in output
    assert fix in output, output  # the message names the fix (or the thing to correct)
    _assert_in_language(output, lang)
    assert sorted(p.relative_to(git_repo.root) for p in (git_repo.root / "records").rglob("*")) == before  # nothing written


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_bad_qms_yml_is_reported_in_its_own_language(lang: str, repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    _say(repo, lang)
    config = repo / "qms.yml"
    written = config.read_text(encoding="utf-8")
    written = re.sub(r"^max_depth: \d+", "max_depth: 1", written, flags=re.M)
    assert "max_depth: 1" in written, "the starter's qms.yml names max_depth"
    written = re.sub(r"^revision_scheme: \S+", "revision_scheme: letters", written, flags=re.M)
    config.write_text(written + "langauge: en\n", encoding="utf-8")
    code, output = _run(["check"], repo, monkeypatch, capsys)
    assert code == 1
    about_config = [line for line in _lines(output) if line.startswith("qms.yml:")]
    assert len(about_config) == 3, output  # each problem, at its line
    assert any("langauge" in line for line in about_config) and any("2" in line for line in about_config)
    _assert_in_language(output, lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_verbose_lines_are_in_the_repository_language(lang: str, repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    _say(repo, lang)
    code, output = _run(["-v", "check"], repo, monkeypatch, capsys)
    assert code == 0, output
    verbose = [line for line in _lines(output) if line.startswith("qms: ")]
    assert len(verbose) == 2, output  # the repository, the time taken
    _assert_in_language("\n".join(verbose), lang)
    _assert_in_language(output, lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_init_refuses_a_non_empty_folder_in_the_starters_language(lang: str, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", encoding="utf-8")
    code, output = _run(["init", str(target), "--lang", lang], tmp_path, monkeypatch, capsys)
    assert code == 2
    assert str(target) in output
    _assert_in_language(output, lang)
    assert [p.name for p in target.iterdir()] == ["notes.txt"]  # nothing written beside it
    assert (target / "notes.txt").read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_init_says_what_to_do_next_in_the_starters_language(lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, output = _run(["init", str(tmp_path / "new"), "--lang", lang], tmp_path, monkeypatch, capsys)
    assert code == 0, output
    assert "qms check" in output and "CODEOWNERS" in output
    assert bool(CJK.search(output)) == (lang == "zh")


def test_the_language_is_read_before_qms_yml_is_parsed(tmp_path: Path) -> None:
    """A qms.yml that YAML cannot read still names its language; without one, the default."""
    (tmp_path / "qms.yml").write_text("name: x\nlang: en  # messages\nbroken: [\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    assert messages.configured_language(tmp_path / "sub") == "en"
    assert messages.configured_language(tmp_path / "sub", search_up=False) == messages.DEFAULT
    (tmp_path / "qms.yml").write_text("name: x\nlang: zh\n", encoding="utf-8")
    assert messages.configured_language(tmp_path) == "zh"


YAML_MISTAKES = {  # what people type into qms.yml by hand, and a word of the fix the message must name
    "tab": ("max_depth: 32\n\tstandards: [iso9001]\n", ("Tab", "tab")),
    "unclosed bracket": ("standards: [iso9001\n", ("[ ]", "[ ]")),
    "unclosed quote": ('name: "未闭合\n', ("引号", "quote")),
    "indent": ("max_depth: 32\n  standards: [iso9001]\n", ("缩进", "indent")),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("mistake", sorted(YAML_MISTAKES))
def test_a_qms_yml_yaml_cannot_read_is_explained_in_its_language(mistake: str, lang: str, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    body, fixes = YAML_MISTAKES[mistake]
    (tmp_path / "qms.yml").write_text(f"lang: {lang}\n{body}", encoding="utf-8")
    code, output = _run(["check"], tmp_path, monkeypatch, capsys)
    assert code == 1
    about_config = [line for line in _lines(output) if line.startswith("qms.yml:")]
    assert about_config and all("yaml-syntax" in line for line in about_config), output
    assert fixes[0 if lang == "zh" else 1] in " ".join(about_config)
    _assert_in_language(output, lang)
