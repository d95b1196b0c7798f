"""The history generator (scripts/build_history.py): a repository whose git history is the QMS's year."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_qms
from qmskit.yamlio import try_load

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "build_history.py"
SEED = 2026


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("history") / "qms"
    result = subprocess.run([sys.executable, str(SCRIPT), str(target), "--size", "300", "--seed", str(SEED)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return target


def test_refuses_a_non_empty_target(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("x")
    result = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 2 and "not empty" in result.stderr


def test_the_built_repository_passes_qms_check(history: Path) -> None:
    assert git(history, "status", "--porcelain") == ""
    kinds = {p.name for p in (history / "records").iterdir()}
    assert {"nonconformity", "complaint", "corrective_action"} <= kinds
    assert not (history / "tools").exists()
    result = run_qms("check", cwd=history)
    assert result.returncode == 0, result.stdout[-3000:]


def test_every_merge_passes_the_pull_request_check(history: Path) -> None:
    merges = [line.split() for line in git(history, "log", "--merges", "--format=%H %P %s").splitlines()]
    assert merges, "no merge commits"
    assert any("pr/" in " ".join(m[3:]) for m in merges)
    branches = git(history, "branch", "--list", "pr/*", "--format=%(refname:short)").split()
    assert branches
    # each branch tip is the second parent of a merge on main, committed before it
    tips = {git(history, "rev-parse", b).strip() for b in branches}
    assert tips <= {m[2] for m in merges}
    step = max(1, len(merges) // 5)
    for merge, first, second, *_ in merges[::step][:5]:
        assert int(git(history, "log", "-1", "--format=%ct", merge)) >= int(git(history, "log", "-1", "--format=%ct", second))
        result = run_qms("check", "--base", first, "--head", merge, cwd=history)
        assert result.returncode == 0, (merge, result.stdout[-2000:])


def test_qms_show_lists_the_workflow_commits_by_the_owner(history: Path) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_history import person_for_role

    closed = []
    for path in sorted((history / "records" / "nonconformity").glob("*.yaml")):
        data = try_load(path.read_bytes())
        if data.get("status") == "closed":
            closed.append((path, data))
    assert closed
    path, data = closed[0]
    rid = data["id"]
    statuses = ["open", "analysis", "action", "verification", "closed"]
    name, email = person_for_role(data["owner"], SEED)
    rel = path.relative_to(history).as_posix()
    log = [line.split("|") for line in git(history, "log", "--format=%an|%ae|%ad|%s", "--date=short",
                                               "--first-parent", "--reverse", "--", rel).splitlines()]
    assert len(log) >= len(statuses)
    assert {(a, e) for a, e, _, _ in log} == {(name, email)}
    days = [dt.date.fromisoformat(d) for _, _, d, _ in log]
    assert days == sorted(days)
    assert days[0] == data["raised"] and days[-1] == data["closed"] == data["verification"]["on"]
    assert [s.rsplit(":", 1)[-1] for _, _, _, s in log][-len(statuses):] == statuses
    # the first commit has the record in its first status, without the fields later statuses need
    first = try_load(git(history, "show", f"{git(history, 'log', '--format=%H', '--reverse', '--', rel).split()[0]}:{rel}").encode())
    assert first["status"] == "open" and "root_cause" not in first and "closed" not in first
    shown = run_qms("show", rid, cwd=history)
    assert shown.returncode == 0, shown.stderr
    history_part = shown.stdout.split("History", 1)[1]
    rows = [line for line in history_part.splitlines() if line.startswith("| ") and rid in line]
    assert len(rows) >= len(statuses)
    assert all(name in row for row in rows)
    for day in {data["raised"], data["closed"]}:
        assert str(day) in history_part


def test_qms_history_of_a_revised_document(history: Path) -> None:
    revised = None
    for path in sorted((history / "manual").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "\nrevision: A/1\n" in text and "\nstatus: effective\n" in text:
            revised = (path, text)
            break
    assert revised
    path, text = revised
    meta = dict(line.split(": ", 1) for line in text.split("---")[1].strip().splitlines() if ": " in line and not line.startswith(" "))
    result = run_qms("history", meta["id"], cwd=history)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| A/")]
    assert [r.split("|")[1].strip() for r in rows] == ["A/0", "A/1"]
    assert meta["approved"] in rows[1] and rows[1].split("|")[2].strip().startswith(meta["approved"])
