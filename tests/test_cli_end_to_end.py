"""The installed ``qms`` command on a repository made by ``qms init``, broken in several ways at once."""
from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import TODAY, in_english, run_qms

from qmskit import messages
from qmskit.messages import text

YEAR = TODAY.year


def test_init_makes_a_repository_that_passes(tmp_path: Path) -> None:
    target = tmp_path / "new-qms"
    result = run_qms("init", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for rel in ("qms.yml", "mkdocs.yml", "manual/organization.yml", "manual/index.md", ".gitignore",
                "schemas/nonconformity.py", "schemas/json/nonconformity.schema.json"):
        assert (target / rel).is_file(), rel
    check = run_qms("check", cwd=target)
    assert check.returncode == 0, check.stdout
    records = len(list((target / "records").rglob("*.yaml")))
    documents = len(list((target / "manual").glob("*.md"))) - 1  # index.md is not a controlled document
    forms = len(list((target / "schemas").glob("*.py")))
    with messages.using("zh"):  # qms init writes lang: zh, so the summary is the catalogue's Chinese line
        summary = text("summary.clean", summary=text("summary.checked", documents=documents, kinds=forms, records=records))
    assert check.stdout.strip() == summary


def test_init_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    result = run_qms("init", str(tmp_path), cwd=tmp_path)
    with messages.using("zh"):  # init's default --lang: the refusal is in the starter's language
        refusal = text("init.not_empty", target=tmp_path)
    assert result.returncode == 2 and refusal in result.stderr
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


def _break(repo: Path) -> dict[str, int]:
    """Break the repository in five files; return the expected path → line."""
    ncr1 = f"records/nonconformity/NCR-{YEAR}-0001.yaml"
    text = (repo / ncr1).read_text(encoding="utf-8").replace("grade: minor", "grade: minor\ngrade: major")
    (repo / ncr1).write_text(text, encoding="utf-8")
    ca1 = f"records/corrective_action/CA-{YEAR}-0001.yaml"
    text = (repo / ca1).read_text(encoding="utf-8").replace("owner: 客户服务部经理", "owner: 不存在的岗位")
    (repo / ca1).write_text(text, encoding="utf-8")
    cmp2 = f"records/complaint/CMP-{YEAR}-0002.yaml"
    (repo / cmp2).write_bytes((repo / cmp2).read_text(encoding="utf-8").encode("gbk"))
    doc = "manual/QM-01-quality-manual.md"
    text = (repo / doc).read_text(encoding="utf-8").replace("status: effective", "status: valid")
    (repo / doc).write_text(text, encoding="utf-8")
    ncr2 = f"records/nonconformity/NCR-{YEAR}-0002.yaml"
    text = (repo / ncr2).read_text(encoding="utf-8").replace("status: open", "status: verification")
    (repo / ncr2).write_text(text, encoding="utf-8")
    return {
        f"{ncr1}:{_line(repo, ncr1, 'grade: major')}": 1,
        f"{ca1}:{_line(repo, ca1, 'owner:')}": 1,
        f"{cmp2}:": 1,
        f"{doc}:{_line(repo, doc, 'status:')}": 1,
        f"{ncr2}:{_line(repo, ncr2, 'status:')}": 1,
    }


def _line(repo: Path, rel: str, needle: str) -> int:
    return next(n for n, line in enumerate((repo / rel).read_bytes().decode("utf-8", "replace").splitlines(), 1) if needle in line)


def test_check_reports_every_broken_file(repo: Path) -> None:
    expected = _break(in_english(repo))
    result = run_qms("check", "--as-of", TODAY.isoformat(), cwd=repo)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    for where in expected:
        assert any(line.startswith(where) for line in lines), (where, result.stdout)
    problems = lines[:-1]
    assert all(re.match(r"^[^:]+:\d+:\d+: [a-z-]+: ", line) for line in problems)
    assert f": {len(problems)} problems (" in lines[-1]
    counted = sum(int(n) for n in re.findall(r" (\d+)(?:,|\))", lines[-1].split(" problems (")[1]))
    # one per broken file, a second missing field on NCR-0002, and objectives.yml citing the broken QM-01
    assert counted == len(problems) == 5 + 1 + 1
    assert counted == len(problems)
    assert "Traceback" not in result.stderr


def test_json_and_github_formats(repo: Path) -> None:
    _break(repo)
    as_json = json.loads(run_qms("check", "--format", "json", cwd=repo).stdout)["issues"]
    text = run_qms("check", cwd=repo).stdout.splitlines()[:-1]
    assert [f"{i['path']}:{i['line']}:{i['col']}: {i['rule']}: {i['message']}" for i in as_json] == text
    github = run_qms("check", "--format", "github", cwd=repo).stdout.splitlines()
    assert len(github) == len(as_json)
    assert all(line.startswith("::error file=records/") or line.startswith("::error file=manual/") for line in github)


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = run_qms("check", cwd=tmp_path)
    assert result.returncode == 2 and "qms init" in result.stderr
    assert run_qms("check", "--as-of", "yesterday", cwd=tmp_path).returncode == 2
    assert run_qms("frobnicate", cwd=tmp_path).returncode == 2
