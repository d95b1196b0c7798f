"""``qms init`` ready for CI: a git repository with its first commit, an engine pin CI can install, accurate next steps."""
from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from conftest import run_qms
from qmskit import __version__


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()


def test_init_makes_a_git_repository_with_one_commit_that_check_base_reads(tmp_path: Path) -> None:
    target = tmp_path / "acme"
    result = run_qms("init", str(target), "--lang", "en", "--standard", "iso13485", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert git(target, "rev-list", "--count", "HEAD") == "1"
    assert git(target, "status", "--porcelain") == ""  # everything written is committed
    assert git(target, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    committed = set(git(target, "ls-files").splitlines())
    assert {"qms.yml", ".github/workflows/qms.yml", "manual/SOP-01-product-realization.md"} <= committed
    base = run_qms("check", "--base", "HEAD", cwd=target)
    assert base.returncode == 0, base.stdout + base.stderr
    assert run_qms("check", cwd=target).returncode == 0
    # the next steps say what is true of what was made: committed, so no 'git add' step
    assert "first commit of a new git repository" in result.stdout and "git add" not in result.stdout
    assert f"cd {target} && qms check" in result.stdout


def test_ci_installs_the_engine_version_that_made_the_repository(tmp_path: Path) -> None:
    target = tmp_path / "acme"
    assert run_qms("init", str(target), cwd=tmp_path).returncode == 0
    pins = [line for line in (target / ".github/qmskit-requirements.txt").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    assert pins == [f"qmskit @ git+https://github.com/qmskit/qmskit@v{__version__}"]
    workflow = yaml.safe_load((target / ".github/workflows/qms.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["pull-request"]["steps"]
    diff = next(s for s in steps if "qms diff" in s.get("run", ""))
    assert diff["if"] == "always()"  # the change summary is posted even when the check failed
    assert any("qmskit-requirements.txt" in s.get("run", "") for s in steps)
    other = tmp_path / "mirror"
    assert run_qms("init", str(other), "--engine-source", "qmskit==" + __version__, cwd=tmp_path).returncode == 0
    assert f"qmskit=={__version__}" in (other / ".github/qmskit-requirements.txt").read_text(encoding="utf-8")


def test_init_inside_a_repository_leaves_committing_to_it(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    result = run_qms("init", str(tmp_path / "qms"), "--lang", "zh", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "qms" / ".git").exists()
    assert "git add" in result.stdout and "位于已有的 git 仓库内" in result.stdout
    assert subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True).returncode != 0  # no commit made


def test_init_refuses_an_unknown_standard_and_names_the_choices(tmp_path: Path) -> None:
    result = run_qms("init", str(tmp_path / "x"), "--standard", "iso27001", cwd=tmp_path)
    assert result.returncode == 2
    from qmskit import messages

    with messages.using("zh"):  # init's default --lang
        named = messages.join(["iso9001", "iso14001", "iso45001", "iso13485"])
    assert named in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x").exists()
