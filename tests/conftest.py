"""Fixtures: QMS repositories made by ``qms init`` in temporary folders."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qmskit.scaffold import init_repository

TODAY = dt.date.today()
QMS = shutil.which("qms", path=str(Path(sys.executable).parent)) or "qms"


@pytest.fixture(scope="session")
def _template_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("template") / "qms"
    init_repository(target, TODAY)
    return target


@pytest.fixture
def repo(_template_repo: Path, tmp_path: Path) -> Path:
    """A fresh copy of the repository ``qms init`` writes; each test may break it."""
    target = tmp_path / "qms"
    shutil.copytree(_template_repo, target)
    return target


def run_qms(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed ``qms`` command as a user would."""
    return subprocess.run([QMS, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
