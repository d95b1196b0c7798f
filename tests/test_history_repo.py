"""The history generator (scripts/build_history.py): a repository whose git history is the QMS's year."""
from __future__ import annotations

import calendar
import collections
import datetime as dt
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import run_qms
from qmskit.revisions import moves_forward

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "build_history.py"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("history") / "qms"
    result = subprocess.run([sys.executable, str(SCRIPT), str(target), "--size", "300"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return target


def test_refuses_a_non_empty_target(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("x")
    result = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], capture_output=True, text=True, check=False)
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


# -- who made each step, re-counted from the records and the register (PyYAML, not the engine) ----------------

STEPS = {  # each kind's workflow, first status to last, as schemas/ declare it
    "nonconformity": ["open", "analysis", "action", "verification", "closed"],
    "corrective_action": ["open", "in_progress", "done", "verified"],
    "complaint": ["received", "replied", "closed"],
}


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def register(history: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: load(p) for p in (history / "records" / "person").glob("*.yaml")}


def holders(register: dict[str, dict[str, Any]], role: str, day: dt.date) -> set[str]:
    """Ids of the persons holding ``role`` on ``day``, per the register."""
    return {pid for pid, person in register.items() for held in person.get("roles") or ()
            if held["role"] == role and held["from"] <= day and (held.get("to") is None or day <= held["to"])}


def raiser(history: Path, ncr: dict[str, Any]) -> str:
    """Who found an NCR: the auditor its audit's plan assigns to its department; else its owner."""
    if not ncr.get("audit"):
        return ncr["owner_person"]
    plan = load(history / "records" / "audit_plan" / f"{load(history / 'records' / 'audit_report' / (ncr['audit'] + '.yaml'))['plan']}.yaml")
    (auditor,) = [a["person"] for a in plan["auditors"] if ncr["department"] in a["audits"]]
    return auditor


def expected_steps(history: Path, kind: str, data: dict[str, Any]) -> list[tuple[str, str, dt.date | None]]:
    """(status, person id, day or None where the record carries no date) of each step the record went through."""
    statuses = STEPS[kind][:STEPS[kind].index(data["status"]) + 1]
    if kind == "complaint":
        who = {s: data["handled_by_person"] for s in statuses}
        days = {"received": data["received"], "replied": data.get("replied"), "closed": data.get("closed")}
    elif kind == "nonconformity":
        who = {s: data["owner_person"] for s in statuses}
        who["open"] = raiser(history, data)
        days = {"open": data["raised"], "closed": data.get("closed")}
    else:
        who = {s: data["owner_person"] for s in statuses}
        days = {"open": data["raised"], "done": data.get("done")}
    last = statuses[-1]
    if last == {"nonconformity": "closed", "corrective_action": "verified"}.get(kind):  # the verifier closes it
        who[last] = data["verification"]["by_person"]
        assert days.get(last) in (None, data["verification"]["on"])
        days[last] = data["verification"]["on"]
    return [(s, who[s], days.get(s)) for s in statuses]


def step_commits(history: Path, rel: str) -> list[tuple[str, str, str, dt.date, str]]:
    """(sha, author, e-mail, day, status) of each commit that created or advanced the record, oldest first."""
    rows = [line.split("|") for line in git(history, "log", "--reverse", "--format=%H|%an|%ae|%ad|%s",
                                            "--date=short", "--", rel).splitlines()]
    return [(sha, an, ae, dt.date.fromisoformat(day), subject.rsplit(":", 1)[1])
            for sha, an, ae, day, subject in rows if subject.startswith(("新建 ", "推进 "))]


def test_every_step_is_committed_by_the_person_the_record_names(history: Path, register: dict[str, dict[str, Any]]) -> None:
    checked = collections.Counter()
    for kind in STEPS:
        for path in sorted((history / "records" / kind).glob("*.yaml")):
            data = load(path)
            expected = expected_steps(history, kind, data)
            commits = step_commits(history, path.relative_to(history).as_posix())
            assert [c[4] for c in commits] == [s for s, _, _ in expected], path.name
            for (_, name, email, day, status), (_, pid, want_day) in zip(commits, expected):
                assert (name, email) == (register[pid]["name"], f"{pid}@example.org"), (path.name, status)
                assert want_day is None or day == want_day, (path.name, status, day, want_day)
            assert [c[3] for c in commits] == sorted(c[3] for c in commits), path.name
            checked[kind] += 1
    assert min(checked.values()) >= 3, checked


def test_the_first_commit_holds_the_record_in_its_first_status(history: Path) -> None:
    path = next(p for p in sorted((history / "records" / "nonconformity").glob("*.yaml")) if load(p)["status"] == "closed")
    rel = path.relative_to(history).as_posix()
    first = yaml.safe_load(git(history, "show", f"{step_commits(history, rel)[0][0]}:{rel}"))
    assert first["status"] == "open" and "root_cause" not in first and "closed" not in first
    # the actions it lists are linked when they are raised, not before they exist
    assert "actions" not in first or all(load(history / "records" / "corrective_action" / f"{a}.yaml")["raised"] <= first["raised"]
                                         for a in first["actions"])


def shown_steps(history: Path, rid: str) -> list[tuple[str, str, str]]:
    """(author, day, status) of the workflow commits ``qms show --format json`` lists, oldest first."""
    shown = run_qms("show", rid, "--format", "json", cwd=history)
    assert shown.returncode == 0, shown.stderr
    sections = {s["title"]: s for s in json.loads(shown.stdout)["sections"]}
    (table,) = next(s for t, s in sections.items() if "History" in t)["tables"]
    rows = [r for r in reversed(table["rows"]) if r["message"].startswith(("新建 ", "推进 "))]
    return [(r["author"], r["date"][:10], r["message"].splitlines()[0].rsplit(":", 1)[1]) for r in rows]


@pytest.mark.parametrize("kind", ["nonconformity", "complaint"])
def test_qms_show_lists_the_steps_by_the_persons_the_record_names(
        history: Path, register: dict[str, dict[str, Any]], kind: str) -> None:
    last = STEPS[kind][-1]
    candidates = [p for p in sorted((history / "records" / kind).glob("*.yaml")) if load(p)["status"] == last]
    if kind == "nonconformity":  # one found by an audit: raised by the auditor, owned and verified by others
        candidates = [p for p in candidates if load(p).get("audit")
                      and len({raiser(history, load(p)), load(p)["owner_person"], load(p)["verification"]["by_person"]}) == 3]
    assert candidates, f"no closed {kind} in the history"
    path = candidates[0]
    data = load(path)
    expected = [(register[pid]["name"], str(day) if day else None, status)
                for status, pid, day in expected_steps(history, kind, data)]
    shown = shown_steps(history, data["id"])
    logged = git(history, "log", "--reverse", "--format=%an|%s", "--", path.relative_to(history).as_posix()).splitlines()
    assert [a for a, s in (line.split("|", 1) for line in logged) if s.startswith(("新建 ", "推进 "))] \
        == [name for name, _, _ in shown] == [name for name, _, _ in expected]
    assert [(name, status) for name, _, status in shown] == [(name, status) for name, _, status in expected]
    assert all(day is None or shown_day == day for (_, shown_day, _), (_, day, _) in zip(shown, expected))
    assert len({name for name, _, _ in shown}) == (3 if kind == "nonconformity" else 1)


def test_authors_are_people_of_the_register_and_nothing_confidential(
        history: Path, register: dict[str, dict[str, Any]]) -> None:
    idents = git(history, "log", "--all", "--format=%an|%ae|%cn|%ce").splitlines()
    for line in set(idents):
        an, ae, cn, ce = line.split("|")
        for name, email in ((an, ae), (cn, ce)):
            pid = email.removesuffix("@example.org")
            assert pid in register and register[pid]["name"] == name, line
    everything = git(history, "log", "--all", "--format=%an %ae %cn %ce %B")
    secrets = [str(p[f]) for p in register.values() for f in ("phone", "id_number") if p.get(f)]
    assert secrets and not [s for s in secrets if s in everything]


def test_an_audit_report_by_its_lead_auditor_approved_by_the_approver_that_day(
        history: Path, register: dict[str, dict[str, Any]]) -> None:
    path = next(p for p in sorted((history / "records" / "audit_report").glob("*.yaml")) if load(p)["status"] == "closed")
    report = load(path)
    leader = load(history / "records" / "audit_plan" / f"{report['plan']}.yaml")["leader_person"]
    commits = step_commits(history, path.relative_to(history).as_posix())
    assert [c[4] for c in commits] == ["in_progress", "reported", "closed"]
    (_, opened_by, _, opened, _), (_, approved_by, email, approved, _), (_, handed_by, _, handed, _) = commits
    assert opened_by == handed_by == register[leader]["name"]
    assert (opened, approved, handed) == (report["opened"], report["approved"], report["handed_over"])
    pid = email.removesuffix("@example.org")
    assert pid in holders(register, report["approved_by"], report["approved"]) and register[pid]["name"] == approved_by


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


def test_a_revision_is_written_by_its_owner_and_committed_by_its_approver(
        history: Path, register: dict[str, dict[str, Any]]) -> None:
    revised = [p for p in sorted((history / "manual").rglob("*.md")) if "\nrevision: A/1\n" in p.read_text(encoding="utf-8")]
    assert revised
    for path in revised[:5]:
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        last = git(history, "log", "-1", "--format=%ae|%ce|%ad", "--date=short", "--", path.relative_to(history).as_posix())
        author, committer, day = last.strip().split("|")
        assert day == str(meta["approved"])
        assert author.removesuffix("@example.org") in holders(register, meta["owner"], meta["approved"]), path.name
        assert committer.removesuffix("@example.org") in holders(register, meta["approver"], meta["approved"]), path.name


# -- a history that runs past its documents' review due dates (re-counted from git, not the builder) -----------

def months_later(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def revision_order(revision: str) -> tuple[int, int]:
    """letter/number (qms.yml revision_scheme): A/0 < A/1 < … < A/9 < B/0."""
    letter, _, number = revision.partition("/")
    assert len(letter) == 1 and letter.isupper(), revision
    return ord(letter), int(number or 0)


@pytest.fixture(scope="module")
def long_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Past 2027-12-01, when the documents effective 2025-12-01 fall due (24 months), and past 2028-11-25 (A/1)."""
    target = tmp_path_factory.mktemp("long") / "qms"
    result = subprocess.run([sys.executable, str(SCRIPT), str(target), "--size", "3800", "--commits", "month",
                             "--pr-every", "0"], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    return target


def test_documents_are_reviewed_on_schedule_up_to_the_last_day(long_history: Path) -> None:
    last = dt.date.fromisoformat(git(long_history, "log", "-1", "--format=%ad", "--date=short").strip())
    assert last >= dt.date(2028, 10, 25)
    register = {p.stem: load(p) for p in (long_history / "records" / "person").glob("*.yaml")}
    reviews = 0
    effective_docs = 0
    for path in sorted((long_history / "manual").rglob("*.md")):
        rel = path.relative_to(long_history).as_posix()
        rows = [line.split("|") for line in git(long_history, "log", "--reverse", "--format=%H|%ae|%ce|%ad",
                                                "--date=short", "--", rel).splitlines()]
        versions = []
        for sha, author, committer, day in rows:
            meta = yaml.safe_load(git(long_history, "show", f"{sha}:{rel}").split("---")[1])
            versions.append((meta, author, committer, dt.date.fromisoformat(day)))
        if not versions or "id" not in versions[-1][0]:
            continue
        if versions[-1][0]["status"] != "effective":
            assert all(v[0]["status"] == "draft" and "approved" not in v[0] for v in versions), rel  # drafts stay drafts
            continue
        effective_docs += 1
        for (before, *_), (after, author, committer, day) in zip(versions, versions[1:]):
            due = months_later(before["effective"], before["review_every"])
            # each later version is approved before the earlier one fell due, on its commit's day, one revision on
            assert after["approved"] == day < due, (rel, after["revision"], due)
            assert after["approved"] <= after["effective"] and after["approved"] <= last
            assert revision_order(str(after["revision"])) > revision_order(str(before["revision"])), rel
            assert author.removesuffix("@example.org") in holders(register, after["owner"], day), rel
            assert committer.removesuffix("@example.org") in holders(register, after["approver"], day), rel
        final = versions[-1][0]
        assert months_later(final["effective"], final["review_every"]) >= last, (rel, final["effective"])
        reviews += sum(1 for v in versions if v[3] > dt.date(2027, 1, 1))
    assert effective_docs > 40 and reviews >= effective_docs  # every effective document reviewed at least once
    result = run_qms("check", "--as-of", last.isoformat(), cwd=long_history)
    assert result.returncode == 0 and "document-review-overdue" not in result.stdout, result.stdout[-3000:]
    # the check can tell: two years on, with no further review, every effective document is overdue
    later = run_qms("check", "--as-of", months_later(last, 25).isoformat(), cwd=long_history)
    assert later.returncode == 1 and later.stdout.count("document-review-overdue") >= effective_docs


def test_a_review_raises_the_revision_one_step_in_the_scheme() -> None:
    spec = importlib.util.spec_from_file_location("build_history", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cases = {("A/0", "letter/number"): "A/1", ("A/8", "letter/number"): "A/9", ("A/9", "letter/number"): "B/0",
             ("A", "letter/number"): "A/1", ("Z/9", "letter/number"): "AA/0", ("1.0", "numeric"): "1.1",
             ("2.9", "numeric"): "2.10", ("3", "numeric"): "3.1"}
    for (revision, scheme), expected in cases.items():
        raised = module.next_revision(revision, scheme)
        assert raised == expected, (revision, scheme, raised)
        assert moves_forward(revision, raised, scheme) is True  # the engine's own order agrees
