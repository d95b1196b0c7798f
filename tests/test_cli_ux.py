"""What a user sees at the command line: help, version, near misses, formats, terminals, colour, progress.

Runs the installed ``qms`` on repositories made by ``qms init`` and on real git
histories; terminal behaviour is seen through a real pseudo-terminal.
"""
from __future__ import annotations

import io
import json
import os
import re
import subprocess
import tomllib
import unicodedata
from pathlib import Path

import pytest
from conftest import QMS, TODAY, GitRepo, in_english, require_shared, run_qms

from qmskit import messages
from qmskit.cli import main
from qmskit.commandline import exit_codes
from qmskit.report import Report, Table
from qmskit.termout import progress_line, render_terminal

ROOT = Path(__file__).resolve().parents[1]
YEAR = TODAY.year
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
BOX = "┃│┏┗┡━─"


def on_terminal(*args: str, cwd: Path, env: dict[str, str] | None = None, columns: int = 100) -> tuple[int, str]:
    """Run ``qms`` with stdout and stderr on a pseudo-terminal ``columns`` wide; its exit code and screen text."""
    import fcntl
    import struct
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES")}
    proc = subprocess.Popen([QMS, *args], cwd=cwd, stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                            env={**base, "TERM": "xterm-256color", **(env or {})})
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other end is closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    code = proc.wait(timeout=120)
    return code, b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def piped(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run([QMS, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env={**base, **(env or {})})


def width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


# -- help and version ------------------------------------------------------------------------------------------

def test_version_is_the_package_version(tmp_path: Path) -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    result = run_qms("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.split() == ["qms", "(qmskit)", declared]


def test_bare_qms_prints_the_help(repo: Path) -> None:
    result = run_qms(cwd=in_english(repo))
    assert result.returncode == 2  # no command ran
    assert result.stdout.startswith("usage: qms") and "check" in result.stdout and "examples:" in result.stdout
    with messages.using("en"):
        assert result.stdout.rstrip().endswith(exit_codes().splitlines()[-1])


def _commands(help_text: str) -> list[str]:
    block = help_text.split("positional arguments:")[1].split("options:")[0]
    return re.findall(r"^ {4}(\w+) ", block, re.M)


def test_every_help_ends_with_examples_and_exit_codes(repo: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(in_english(repo))  # the help speaks the repository's language (Chinese: test_cli_help_language)
    with pytest.raises(SystemExit):
        main(["--help"])
    commands = _commands(capsys.readouterr().out)
    assert {"check", "show", "log", "history", "diff", "new", "init", "site", "reports"} <= set(commands)
    helps = [[c] for c in commands] + [["site", "build"], ["site", "serve"], ["schema", "export"]]
    for words in helps:
        with pytest.raises(SystemExit) as stop:
            main([*words, "--help"])
        assert stop.value.code == 0
        out = capsys.readouterr().out
        examples = out.split("examples:\n")
        assert len(examples) == 2, (words, out)
        first = examples[1].splitlines()[0].strip()
        assert first.startswith("qms " + words[0]), (words, first)
        with messages.using("en"):
            assert out.rstrip().endswith(exit_codes()), words
        for code in "0123":
            assert re.search(rf"^  {code}  \S", out, re.M), (words, code)
        assert "-q, --quiet" in out and "-v, --verbose" in out, words


# -- near misses -----------------------------------------------------------------------------------------------

def test_misspelt_command_gets_did_you_mean(tmp_path: Path) -> None:
    (tmp_path / "qms.yml").write_text("name: x\nlang: en\n", encoding="utf-8")  # the English answer
    result = run_qms("chek", cwd=tmp_path)
    assert result.returncode == 2
    assert "did you mean 'check'" in result.stderr


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_new_refuses_a_value_the_form_rejects_and_writes_nothing(repo: Path) -> None:
    folder = repo / "records" / "nonconformity"
    before = _files(folder)
    schema = json.loads((repo / "schemas/json/nonconformity.schema.json").read_text(encoding="utf-8"))
    grade = schema["properties"]["grade"]
    allowed = grade.get("enum") or next(a["enum"] for a in grade.get("anyOf", []) if "enum" in a)
    result = run_qms("new", "nonconformity", "--set", "grade=huge", cwd=repo)
    assert result.returncode == 2, result.stdout
    assert "grade=huge" in result.stderr
    said = result.stderr.split("grade=huge", 1)[1]
    assert allowed and all(re.search(rf"\b{value}\b", said) for value in allowed), said  # what the form allows
    assert _files(folder) == before
    near = run_qms("new", "nonconformity", "--set", "grade=majr", cwd=repo)
    assert near.returncode == 2 and "'major'" in near.stderr and _files(folder) == before


@pytest.mark.parametrize(("given", "meant"), [
    (["nonconformty"], "nonconformity"),
    (["nonconformity", "--set", "departmnet=质量部"], "department"),
    (["nonconformity", "--set", "status=opne"], "open"),
])
def test_new_names_the_kind_field_or_status_meant(repo: Path, given: list[str], meant: str) -> None:
    before = {p.relative_to(repo) for p in (repo / "records").rglob("*")}
    result = run_qms("new", *given, cwd=repo)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"'{meant}'" in result.stderr.split("?")[0], result.stderr  # the suggestion, before the full list
    assert {p.relative_to(repo) for p in (repo / "records").rglob("*")} == before


def test_new_exits_0_for_a_valid_record(repo: Path) -> None:
    due = TODAY.replace(day=min(TODAY.day, 28))
    result = run_qms("new", "nonconformity", "--set", "source=inspection", "--set", f"raised={TODAY}",
                     "--set", "requirement=QP-02", "--set", "description=现场检查发现记录缺失。", "--set", "grade=minor",
                     "--set", "department=质量部", "--set", "owner=质量部经理", "--set", f"due={due}", cwd=repo)
    assert result.returncode == 0, result.stdout + result.stderr
    rel = f"records/nonconformity/NCR-{YEAR}-0003.yaml"
    assert rel in result.stdout and (repo / rel).is_file()
    assert run_qms("check", cwd=repo).returncode == 0


@pytest.mark.parametrize(("args", "fix"), [
    (["ncr"], "qms ncr NCR-2026-0007"), (["ncr", "NCR-2026-0001", "--status", "all"], "--status open|overdue|all"),
    (["checklist"], "qms checklist IAP-2026-01"),
])
def test_a_report_asked_wrongly_says_so_before_reading_any_record(repo: Path, args: list[str], fix: str,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """At 20,000 records reading them takes seconds: a wrong question is answered without it, naming the fix."""
    from qmskit.reports.context import Context

    def never(*_: object, **__: object) -> None:
        raise AssertionError("the records were read")

    monkeypatch.setattr(Context, "load", never)
    assert main(["--root", str(repo), *args]) == 2
    assert fix in capsys.readouterr().err


def test_show_finds_ids_whatever_their_case_and_suggests_near_ones(git_repo: GitRepo) -> None:
    root = git_repo.root
    exact = piped("show", f"NCR-{YEAR}-0001", "--format", "md", cwd=root)
    lower = piped("show", f"ncr-{YEAR}-0001", "--format", "md", cwd=root)
    assert exact.returncode == lower.returncode == 0
    assert lower.stdout == exact.stdout and f"# NCR-{YEAR}-0001" in exact.stdout
    miss = piped("show", f"NCR-{YEAR}-0011", cwd=root)
    assert miss.returncode == 2 and f"'NCR-{YEAR}-0001'" in miss.stderr
    history = piped("history", f"NCR-{YEAR}-0001", cwd=root)
    assert history.returncode == 2 and f"qms show NCR-{YEAR}-0001" in history.stderr


def _imports_pydantic(root: Path, *words: str) -> tuple[int, bool]:
    """(exit code, whether pydantic was imported) of one ``qms`` command run in a fresh interpreter."""
    import sys

    code = ("import sys; from qmskit.cli import main; rc = main(sys.argv[1:]); "
            "print('PYDANTIC' if 'pydantic' in sys.modules else 'NONE', rc)")
    result = subprocess.run([sys.executable, "-c", code, *words], cwd=root, capture_output=True, text=True,
                            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    found, rc = result.stdout.splitlines()[-1].split()
    return int(rc), found == "PYDANTIC"


def test_show_and_history_of_one_item_import_no_model_once_its_form_is_remembered(git_repo: GitRepo) -> None:
    import shutil

    root = git_repo.root
    shutil.rmtree(root / ".git/qms-cache", ignore_errors=True)
    rid = f"ncr-{YEAR}-0001"  # any case
    assert _imports_pydantic(root, "show", rid) == (0, True)  # cold: the record's form must be read to mask
    assert _imports_pydantic(root, "show", rid) == (0, False)  # warm: its remembered titles and confidential fields
    assert _imports_pydantic(root, "history", "qp-02") == (0, False)  # a document's revisions need no form at all
    assert _imports_pydantic(root, "show", "qp-02")[0] == 0  # a document's control block still uses its model


def test_history_finds_a_document_whose_id_line_is_not_plain_text(git_repo: GitRepo) -> None:
    """The id line read as text is only a guess: a folded id is found by parsing the front matter."""
    root = git_repo.root
    page = root / "manual/QP-02-nonconformity.md"
    text = page.read_text(encoding="utf-8")
    assert "\nid: QP-02\n" in text
    (root / "manual/QP-77-folded.md").write_text(text.replace("\nid: QP-02\n", "\nid: >-\n  QP-77\n"), encoding="utf-8")
    git_repo.commit("QP-77", "李娜", "2026-02-10T14:30:00+08:00")
    result = piped("history", "qp-77", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "# QP-77 " in result.stdout and "manual/QP-77-folded.md" in result.stdout and "李娜" in result.stdout
    assert "manual/QP-02-nonconformity.md" in piped("history", "QP-02", cwd=root).stdout


def test_show_on_a_document_shows_its_control_block(git_repo: GitRepo) -> None:
    root = git_repo.root
    text = (root / "manual/QP-02-nonconformity.md").read_text(encoding="utf-8")
    front = dict(re.findall(r"^(revision|status|approver): *(.+)$", text.split("\n---", 1)[0], re.M))
    result = piped("show", "qp-02", "--format", "json", cwd=root)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    fields = {row["field"]: row["value"] for row in shown["sections"][0]["tables"][0]["rows"]}
    assert fields["id"] == "QP-02"
    for key, value in front.items():
        assert fields[key] == value.strip().strip("'\"")
    assert "qms history QP-02" in json.dumps(shown, ensure_ascii=False)


# -- log: author dates -----------------------------------------------------------------------------------------

def _log_repo(git_repo: GitRepo) -> GitRepo:
    """Two changes whose author dates run opposite to their commit order (the first made later, merged first)."""
    ncr1, ncr2 = f"records/nonconformity/NCR-{YEAR}-0001.yaml", f"records/nonconformity/NCR-{YEAR}-0002.yaml"
    git_repo.edit(ncr1, "description: ", "description: 补充:")
    env_late = {"GIT_AUTHOR_DATE": "2026-03-20T10:00:00+08:00", "GIT_COMMITTER_DATE": "2026-03-21T10:00:00+08:00"}
    git_repo.git("add", "-A")
    git_repo.git("commit", "-q", "-m", "late change", env=env_late)
    git_repo.edit(ncr2, "description: ", "description: 补充:")
    env_early = {"GIT_AUTHOR_DATE": "2026-02-10T10:00:00+08:00", "GIT_COMMITTER_DATE": "2026-03-25T10:00:00+08:00"}
    git_repo.git("add", "-A")
    git_repo.git("commit", "-q", "-m", "early change", env=env_early)
    return git_repo


def test_log_orders_and_filters_by_author_date(git_repo: GitRepo) -> None:
    root = _log_repo(git_repo).root
    result = piped("log", "--since", "2026-02-01", "--until", "2026-03-31", "--format", "json", cwd=root)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    rows = shown["sections"][0]["tables"][0]["rows"]
    assert [r["message"] for r in rows] == ["late change", "early change"]  # newest made first, not newest merged
    assert "author date" in json.dumps(shown)
    # filtered by the day it was made: committed 2026-03-25, made 2026-02-10
    feb = json.loads(piped("log", "--since", "2026-02-01", "--until", "2026-02-28", "--format", "json", cwd=root).stdout)
    assert [r["message"] for r in feb["sections"][0]["tables"][0]["rows"]] == ["early change"]
    assert "author date" in piped("log", "--help", cwd=root).stdout


def test_log_refuses_since_after_until(git_repo: GitRepo) -> None:
    result = piped("log", "--since", "2026-03-31", "--until", "2026-03-01", cwd=git_repo.root)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--since 2026-03-01 --until 2026-03-31" in result.stderr  # the fix, spelt out


# -- diff --head -------------------------------------------------------------------------------------------------

def test_diff_head_summarizes_a_committed_branch_not_the_working_tree(git_repo: GitRepo) -> None:
    rel = f"records/nonconformity/NCR-{YEAR}-0001.yaml"
    git_repo.git("checkout", "-q", "-b", "feature")
    status = re.search(r"^status: (\w+)", (git_repo.root / rel).read_text(encoding="utf-8"), re.M).group(1)
    git_repo.edit(rel, "description: ", "description: 复核后:")
    git_repo.commit("复核描述", "李四", "2026-02-01T10:00:00+08:00")
    git_repo.git("checkout", "-q", "main")
    result = piped("diff", "--base", "main", "--head", "feature", "--format", "json", cwd=git_repo.root)
    assert result.returncode == 0, result.stderr
    sections = {s["title"]: s for s in json.loads(result.stdout)["sections"]}
    edited = sections["字段修改 / Fields changed"]["tables"][0]["rows"]
    assert [r["id"] for r in edited] == [f"NCR-{YEAR}-0001"] and "复核后" in edited[0]["changes"]
    assert status  # unchanged: no transition listed
    assert sections["状态变化 / Status transitions"]["tables"][0]["rows"] == []
    on_main = piped("diff", "--base", "main", "--format", "json", cwd=git_repo.root)
    assert on_main.returncode == 0, on_main.stderr
    main_sections = {s["title"]: s for s in json.loads(on_main.stdout)["sections"]}
    assert main_sections["字段修改 / Fields changed"]["tables"][0]["rows"] == []  # the working tree (main): nothing


# -- JSON --------------------------------------------------------------------------------------------------------

def test_check_json_is_a_summary_with_counts(repo: Path) -> None:
    rel = f"records/nonconformity/NCR-{YEAR}-0001.yaml"
    (repo / rel).write_text((repo / rel).read_text(encoding="utf-8").replace("grade: minor", "grade: huge"),
                            encoding="utf-8")
    (repo / "manual/QM-01-quality-manual.md").write_text(
        (repo / "manual/QM-01-quality-manual.md").read_text(encoding="utf-8").replace("status: effective", "status: valid"),
        encoding="utf-8")
    result = piped("check", "--format", "json", cwd=repo)
    assert result.returncode == 1
    out = json.loads(result.stdout)
    issues = out["issues"]
    assert len(issues) >= 2 and {i["path"] for i in issues} >= {rel, "manual/QM-01-quality-manual.md"}
    assert out["counts"]["error"] == sum(i["severity"] == "error" for i in issues)
    assert out["counts"]["warning"] == sum(i["severity"] == "warning" for i in issues)
    for rule, counts in out["rules"].items():
        assert sum(counts.values()) == sum(i["rule"] == rule for i in issues)
    assert out["checked"]["records"] == len(list((repo / "records").rglob("*.yaml")))
    assert out["ok"] is False


def test_show_history_log_json_agree_with_git(git_repo: GitRepo) -> None:
    root = _log_repo(git_repo).root
    rel = f"records/nonconformity/NCR-{YEAR}-0001.yaml"
    commits = git_repo.git("log", "--format=%h", "--", rel).split()
    shown = json.loads(piped("show", f"NCR-{YEAR}-0001", "--format", "json", cwd=root).stdout)
    trail = shown["sections"][1]["tables"][0]["rows"]
    assert [r["commit"][:7] for r in trail] == [c[:7] for c in commits]
    changed = git_repo.git("log", "--format=", "--name-only", "--", "records", "manual").split()
    logged = json.loads(piped("log", "--format", "json", cwd=root).stdout)
    assert len(logged["sections"][0]["tables"][0]["rows"]) == len(changed)
    history = json.loads(piped("history", "QP-02", "--format", "json", cwd=root).stdout)
    assert [r["revision"] for r in history["sections"][0]["tables"][0]["rows"]] == [
        re.search(r"^revision: *(.+)$", (root / "manual/QP-02-nonconformity.md").read_text(encoding="utf-8"), re.M)
        .group(1).strip().strip("'\"")]


# -- terminal, pipe, colour, progress ------------------------------------------------------------------------------

def test_terminal_gets_tables_and_a_pipe_gets_markdown(git_repo: GitRepo) -> None:
    root = _log_repo(git_repo).root
    code, screen = on_terminal("show", f"NCR-{YEAR}-0001", cwd=root, env={"NO_COLOR": "1"}, columns=80)
    assert code == 0
    assert any(c in screen for c in BOX) and "<br>" not in screen and "|---" not in screen
    assert not ANSI.search(screen.replace("\x1b[?25l", "").replace("\x1b[?25h", ""))  # NO_COLOR: no colour
    assert all(width(line) <= 80 for line in screen.splitlines()), max(screen.splitlines(), key=width)
    md = piped("show", f"NCR-{YEAR}-0001", cwd=root)
    assert "|---|" in md.stdout and not any(c in md.stdout for c in BOX)
    code, coloured = on_terminal("log", cwd=root)
    assert code == 0 and ANSI.search(coloured)


def test_rich_wraps_chinese_by_display_width() -> None:
    text = "企业顾客投诉派遣人员到岗延误两天,未事先通知,已补派人员并向顾客说明原因。" * 2
    report = Report("标题")
    report.section("历史").blocks.append(Table(["编号 / id", "说明 / message"], [["NCR-2026-0001", text]]))
    out = io.StringIO()
    render_terminal(report, out, colour=False, width=50)
    lines = out.getvalue().splitlines()
    assert all(width(line) <= 50 for line in lines)
    inside = "".join(re.sub(r"[│┃]", "", line).split("NCR-2026-0001")[-1].strip() for line in lines if "│" in line)
    assert text in inside.replace(" ", "")  # every character shown, in order, across the wrapped lines


def test_colour_only_on_a_terminal_unless_forced(repo: Path) -> None:
    rel = f"records/nonconformity/NCR-{YEAR}-0001.yaml"
    (repo / rel).write_text((repo / rel).read_text(encoding="utf-8").replace("grade: minor", "grade: huge"),
                            encoding="utf-8")
    plain = piped("check", cwd=repo)
    assert plain.returncode == 1 and not ANSI.search(plain.stdout)
    forced = piped("check", cwd=repo, env={"FORCE_COLOR": "1"})
    assert ANSI.search(forced.stdout) and ANSI.sub("", forced.stdout) == plain.stdout
    assert not ANSI.search(piped("check", cwd=repo, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout)
    code, screen = on_terminal("check", cwd=repo)
    assert code == 1 and ANSI.search(screen)
    code, screen = on_terminal("check", cwd=repo, env={"NO_COLOR": "1"})
    assert code == 1 and not ANSI.search(screen)


def test_progress_line_is_erased_before_what_follows() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    with progress_line(screen, lambda done, total: f"checked {done}/{total} records", show=True) as progress:
        assert progress is not None
        progress(1000, 1184)  # the last call may stop short of the total
    screen.write("65 documents, 41 forms, 1197 records checked: no problems.\n")
    final = screen.getvalue().split("\r")[-1]
    assert final == "\x1b[K65 documents, 41 forms, 1197 records checked: no problems.\n"
    with progress_line(io.StringIO(), lambda d, t: "x", show=True) as none:
        assert none is None  # not a terminal: no progress at all


def test_check_on_a_terminal_ends_on_a_clean_summary_line() -> None:
    # QMS_CACHE=0: the records are checked, not taken from the cache a check of this repository left (another
    # test's, in parallel or earlier, or a person's): only records being checked draw the progress line
    code, screen = on_terminal("check", "--jobs", "1", "--as-of", "2026-11-26", cwd=ROOT,
                               env={"NO_COLOR": "1", "QMS_CACHE": "0"})
    assert code == 0, screen
    assert "checked 1000/" in screen or "已检查 1000/" in screen  # the progress line was drawn
    last = screen.rstrip("\n").split("\n")[-1]
    visible = last.split("\r")[-1].replace("\x1b[K", "")
    # the reference QMS speaks Chinese (lang: zh): the summary line, alone on its line, not glued to the progress
    assert re.match(r"^已检查 \d+ 份文件、\d+ 种表单、\d+ 条记录", visible), repr(last)


def test_quiet_and_verbose(repo: Path) -> None:
    quiet = piped("check", "-q", cwd=repo)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    loud = piped("-v", "check", cwd=repo)
    with messages.using("zh"):  # the starter speaks its init language, -v lines too
        where = messages.text("cli.verbose_repository", root=repo)
        timed = re.escape(messages.text("cli.verbose_checked", seconds=0)).replace("0\\.00", r"[\d.]+")
    assert loud.returncode == 0 and f"qms: {where}" in loud.stderr and re.search(timed, loud.stderr)
    assert loud.stdout.strip().endswith("没有问题。")
    after = piped("check", "-v", cwd=repo)
    assert after.stderr == loud.stderr.replace(re.search(timed, loud.stderr).group(0), re.search(timed, after.stderr).group(0))


# -- tests that need ../shared ------------------------------------------------------------------------------------

def test_missing_shared_fails_in_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "shared" / "seeds" / "README.md"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must provide ../shared/"):
        require_shared(missing)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="to run this test"):
        require_shared(missing)
    here = tmp_path / "here.txt"
    here.write_text("x", encoding="utf-8")
    assert require_shared(here) == here


def test_readme_log_example_is_the_real_output(tmp_path: Path) -> None:
    """The README's ``qms log`` example is what the command prints on the history build_history.py writes."""
    import sys

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"`cd /tmp/h && (qms log [^`|]+?) \| head -(\d+)` prints:\n\n```markdown\n(.*?)```", readme, re.S)
    assert command, "the README's qms log example is missing"
    args, lines, shown = command.group(1).split()[1:], int(command.group(2)), command.group(3)
    history = tmp_path / "h"
    build = subprocess.run([sys.executable, str(ROOT / "scripts/build_history.py"), str(history), "--size", "300"],
                           capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    result = piped(*args, cwd=history)
    assert result.returncode == 0, result.stderr
    assert "".join(result.stdout.splitlines(keepends=True)[:lines]) == shown
    assert shown.count("| 2026-03-") >= 3  # real changes, not an empty period


def _drawn(screen: str) -> list[str]:
    """Every state a progress line was drawn in (each redraw starts with a carriage return)."""
    return [part.replace("\x1b[K", "").strip() for part in screen.split("\r") if part.replace("\x1b[K", "").strip()]


def test_reports_and_the_site_show_progress_on_a_terminal_and_nowhere_else(repo: Path) -> None:
    records = sum(1 for _ in (repo / "records").rglob("*.yaml"))
    code, screen = on_terminal("due", "--format", "json", cwd=repo, env={"NO_COLOR": "1"})
    assert code in (0, 1), screen
    drawn = _drawn(screen)
    assert f"已读取 {records}/{records} 条记录" in drawn  # the starter QMS speaks Chinese
    assert drawn[-1].startswith("已写入 ") or "逾期" in drawn[-1], drawn  # and what follows starts on a clean line
    piped_run = piped("due", "--format", "json", cwd=repo)
    assert "已读取" not in piped_run.stderr + piped_run.stdout  # a pipe or a log file gets no progress line

    code, screen = on_terminal("site", "build", cwd=repo, env={"NO_COLOR": "1"})
    assert code == 0, screen
    drawn = _drawn(screen)
    built = re.search(r"已生成 (\d+) 个页面", screen)
    assert built, screen
    pages = int(built.group(1))
    steps = [re.sub(r" ?\d+/\d+.*", "", line) for line in drawn if re.search(r"\d+/\d+", line)]
    # records read, pages written, then mkdocs reading and building every page, in that order
    assert list(dict.fromkeys(steps)) == ["已读取", "已写出", "mkdocs 正在读取页面", "mkdocs 正在生成页面"], steps
    last_build = [line for line in drawn if line.startswith("mkdocs 正在生成页面")][-1]
    done, total = map(int, last_build.split()[-1].split("/"))
    built_pages = len(list((repo / "build" / "site").rglob("*.html"))) - 1  # each page's HTML, but mkdocs' own 404
    assert done == total == pages == built_pages > 0  # every staged page, none twice, the count known beforehand
    staged = [line for line in drawn if line.startswith("已写出")][-1]
    assert staged.split()[1] == f"{pages}/{pages}", staged  # the staging's total was right before it began
    assert f"已写出 {pages}/{pages} 个页面" in drawn
    assert drawn[-1].startswith("已生成 "), drawn

    # mkdocs's own problems still reach the user when its page-by-page log is being counted
    page = repo / "manual" / "QP-01-document-control.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n见[不存在的页](nowhere.md)。\n", encoding="utf-8")
    code, screen = on_terminal("site", "build", cwd=repo, env={"NO_COLOR": "1"})
    assert code == 1 and "mkdocs 无法生成网站" in screen and "nowhere.md" in screen, screen
    assert "DEBUG" not in screen


def test_every_command_has_a_parser_and_a_runner() -> None:
    """``qms X`` builds X's parser alone, then runs X: one table without the other would refuse or crash."""
    from qmskit import cli, commandline

    assert set(commandline._COMMAND_PARSERS) == set(cli.COMMANDS) and len(cli.COMMANDS) >= 18
