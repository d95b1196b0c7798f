"""`qms --help`, usage errors and field names speak the repository's language.

Runs the installed ``qms`` in repositories made by ``qms init --lang zh`` and
``qms init --lang en``: the help (argparse's own headings and error sentences
included) is Chinese in the one and English in the other, has the same
options in both, fits the terminal by display width, and a schema error
names the field by the label its form gives it, beside its identifier.
"""
from __future__ import annotations

import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from conftest import QMS, TODAY, write

from qmskit.forms import Nonconformity
from qmskit.messages import en, zh

CJK = re.compile(r"[\u4e00-\u9fff]")
COLUMNS = 80
# argparse's own English (Python 3.11-3.13): none of it may reach a Chinese user
ARGPARSE_ENGLISH = ("usage:", "positional arguments", "options:", "optional arguments", "show this help message",
                    "error:", "unrecognized arguments", "the following arguments are required", "invalid choice",
                    "expected one argument", "ambiguous option", "could match", "ignored explicit argument",
                    "invalid int value", "examples:", "exit codes:")
YEAR = TODAY.year
NCR = f"records/nonconformity/NCR-{YEAR}-0001.yaml"


@pytest.fixture(scope="module")
def repos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One repository per language, each made by ``qms init DIR --lang LANG`` as a user would."""
    made = {}
    for lang in ("zh", "en"):
        folder = tmp_path_factory.mktemp(f"help-{lang}") / "qms"
        result = subprocess.run([QMS, "init", str(folder), "--lang", lang], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert re.search(rf"^lang: {lang}\b", (folder / "qms.yml").read_text(encoding="utf-8"), re.M)
        made[lang] = folder
    return made


def qms(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run([QMS, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**env, "COLUMNS": str(COLUMNS)})


def width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def squeezed(words: str) -> str:
    """Text without white space: help wrapped over lines still contains its sentence."""
    return "".join(words.split())


def options(help_text: str) -> list[str]:
    """The option strings the help lists (``--as-of``, ``-q``), in order."""
    return re.findall(r"^ {2}(-[-\w]+(?:, --[-\w]+)?)", help_text, re.M)


def prose_lines(help_text: str) -> list[str]:
    """The help's lines less what is typed as it is: example commands, option names, placeholders, choices."""
    kept = []
    for line in help_text.splitlines():
        line = re.sub(r"^\s*qms [^#]*(#|$)", "", line)  # an example: the command stays as typed, its comment is prose
        line = re.sub(r"\{[^}]*\}|-{1,2}[\w-]+(=\S+)?|YYYY-MM-DD|\[[^\]]*\]|<[^>]*>|'[^']*'", " ", line)
        line = re.sub(r"\bqms( [a-z]+){0,2}", " ", line)  # the command's name in the usage line
        kept.append(line)
    return kept


ENGLISH_PROSE = re.compile(r"\b[a-z]{3,} [a-z]{2,} [a-z]{2,}\b")  # three English words in a row: a sentence


@pytest.mark.parametrize("words", [(), ("check",), ("show",), ("log",), ("new",), ("init",), ("checklist",),
                                   ("site", "build")])
def test_help_is_in_the_repository_language_with_the_same_options(repos: dict[str, Path], words: tuple[str, ...]) -> None:
    zh_help, en_help = (qms(*words, "--help", cwd=repos[lang]) for lang in ("zh", "en"))
    assert zh_help.returncode == en_help.returncode == 0
    out = zh_help.stdout
    assert out.startswith(zh.MESSAGES["usage.prefix"] + "qms")
    for heading in ("usage.options", "usage.examples"):
        assert squeezed(zh.MESSAGES[heading]) in squeezed(out), heading
    assert out.rstrip().endswith(zh.MESSAGES["usage.exit_codes"].splitlines()[-1])
    for english in ARGPARSE_ENGLISH:
        assert english not in out, english
    for line in prose_lines(out):
        assert not ENGLISH_PROSE.search(line), line
    # every option explained in Chinese: as many options, each line of help wrapped within the terminal
    assert options(out) == options(en_help.stdout) and len(options(out)) >= 3
    helped = [line for line in out.splitlines() if re.match(r"^ {2}-", line) and not line.rstrip().endswith("}")]
    assert helped and all(CJK.search(line) for line in helped if len(line.split()) > 1)
    assert max(width(line) for line in out.splitlines() if not line.lstrip().startswith("qms ")) <= COLUMNS
    # the English repository: English throughout, argparse's headings as users of any tool know them
    assert en_help.stdout.startswith("usage: qms") and "options:" in en_help.stdout
    assert not CJK.search(re.sub(r"^\s*qms .*$", "", en_help.stdout, flags=re.M)), en_help.stdout


def test_check_help_names_each_option_in_the_catalogues_words(repos: dict[str, Path]) -> None:
    for lang, catalogue in (("zh", zh.MESSAGES), ("en", en.MESSAGES)):
        out = squeezed(qms("check", "--help", cwd=repos[lang]).stdout)
        for key in ("help.check", "help.check_as_of", "help.check_format", "help.jobs", "help.check_base",
                    "help.check_head", "help.strict", "help.quiet", "help.verbose", "help.help",
                    "example.pr_against_main", "metavar.rev", "metavar.number"):
            assert squeezed(catalogue[key]) in out, (lang, key)


# a mistake on the command line, and what the answer must quote (the thing to correct) in either language
MISTAKES = {
    "unknown option": (("check", "--bogus"), "--bogus", "check"),
    "unknown command": (("chek",), "'check'", ""),
    "missing value": (("check", "--as-of"), "--as-of", "check"),
    "missing argument": (("new",), None, "new"),
    "not a number": (("check", "--jobs", "many"), "'many'", "check"),
    "ambiguous option": (("checklist", "--s", "x"), "--scope", "checklist"),
    "value to a flag": (("check", "--strict=yes"), "=yes", "check"),
    "bad choice": (("check", "--format", "xml"), "github", "check"),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_usage_error_is_one_sentence_in_the_repository_language(repos: dict[str, Path], lang: str, case: str) -> None:
    args, quoted, command = MISTAKES[case]
    result = qms(*args, cwd=repos[lang])
    assert result.returncode == 2 and not result.stdout and "Traceback" not in result.stderr
    said = result.stderr
    if quoted is None:  # a missing positional is named by its placeholder in the help, in the help's language
        quoted = (zh if lang == "zh" else en).MESSAGES["metavar.kind"]
    assert quoted in said, said
    assert f"qms {command} --help".replace("  ", " ") in said, said  # where to look: the help of that command
    first = said.splitlines()[0]
    if lang == "zh":
        assert CJK.search(first), said
        for english in ARGPARSE_ENGLISH:
            assert english not in said, (english, said)
        assert not ENGLISH_PROSE.search(re.sub(r"'[^']*'|qms [\w -]+", "", said)), said
    else:
        assert not CJK.search(said), said
        assert re.search(r"\b[a-z]{2,} [a-z]{2,}\b", first), said


def _title(description: str | None) -> str:
    """The Chinese label before `` / `` in a field's description, read here without the engine's parser."""
    assert description and " / " in description
    return description.split(" / ")[0].strip()


def test_a_schema_error_names_the_field_as_the_form_shows_it(repos: dict[str, Path]) -> None:
    due = _title(Nonconformity.model_fields["due"].description)
    on = _title(Nonconformity.model_fields["verification"].annotation.__args__[0].model_fields["on"].description)  # type: ignore[union-attr]
    department = _title(Nonconformity.model_fields["department"].description)
    assert CJK.search(due) and CJK.search(on) and CJK.search(department)
    for lang, root in repos.items():
        path = root / NCR
        written = path.read_text(encoding="utf-8")
        written = re.sub(r"^due: \S+", "due: 2026/11/17", written, flags=re.M)
        written = re.sub(r"^( +on:) \S+", r"\1 22.11.2026", written, flags=re.M)
        written = re.sub(r"^department: .*$", "department: 没有这个部门", written, flags=re.M)
        write(path, written)
        result = qms("check", cwd=root)
        assert result.returncode == 1, result.stdout
        lines = {rule: [line for line in result.stdout.splitlines() if line.startswith(NCR) and f": {rule}: " in line]
                 for rule in ("schema", "ref-department")}
        assert len(lines["schema"]) == 2 and len(lines["ref-department"]) == 1, result.stdout
        due_line, on_line = sorted(lines["schema"], key=lambda line: "verification" in line)
        assert "2026-11-17" in due_line and "2026-11-22" in on_line  # the fix, YYYY-MM-DD
        if lang == "zh":  # the label the user sees on the form, and the identifier that stands in the file
            assert f"“{due}(due)”" in due_line, due_line
            assert f"“{on}(verification.on)”" in on_line, on_line
            assert f"“{department}(department)”" in lines["ref-department"][0]
        else:  # in English the identifier is the field's English name
            assert "field 'due'" in due_line and "field 'verification.on'" in on_line
            assert not CJK.search(due_line.split(": schema: ")[1]), due_line


def test_the_language_is_the_one_of_the_repository_named_by_root(repos: dict[str, Path]) -> None:
    for here, there in (("zh", "en"), ("en", "zh")):
        for root in (["--root", str(repos[there])], [f"--root={repos[there]}"]):
            result = qms(*root, "check", "--help", cwd=repos[here])
            catalogue = zh.MESSAGES if there == "zh" else en.MESSAGES
            assert result.returncode == 0 and result.stdout.startswith(catalogue["usage.prefix"] + "qms check")
            assert squeezed(catalogue["help.strict"]) in squeezed(result.stdout)
