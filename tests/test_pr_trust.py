"""Red team: a pull request tries to open its own gate; the base's rules judge it all the same.

Each test builds a real git repository (``qms init`` committed on main, a
branch with the attack), runs ``qms check --base main`` as CI does, and
asserts the verdict, the exit code and, where a value could leak, that it
does not appear.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import QMS, TODAY, GitRepo, in_english, run_qms, warnings_summary_tail, write

from qmskit import Repository
from qmskit.checks import check_pull_request
from qmskit.git import Git
from qmskit.issues import Issue
from qmskit.scaffold import init_repository

ROOT = Path(__file__).resolve().parents[1]
YEAR = TODAY.year
CMP1 = f"records/complaint/CMP-{YEAR}-0001.yaml"  # closed at the base
CMP2 = f"records/complaint/CMP-{YEAR}-0002.yaml"  # received at the base
NCR2 = f"records/nonconformity/NCR-{YEAR}-0002.yaml"  # open at the base
CA2 = f"records/corrective_action/CA-{YEAR}-0002.yaml"
DOC = "manual/QP-03-complaints.md"
WORKFLOW = 'requires={"replied": ("replied",), "closed": ("closed", "feedback")})'



@pytest.fixture(autouse=True)
def _english(request: pytest.FixtureRequest) -> None:
    """These tests read the English wording of the pull-request check's messages (qms.yml: lang: en)."""
    if "repo" in request.fixturenames:  # the qms init fixture, before a test commits it
        in_english(request.getfixturevalue("repo"))


def qms(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([QMS, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def rules_of(result: subprocess.CompletedProcess[str]) -> list[dict[str, str]]:
    return json.loads(result.stdout)["issues"]  # check --format json: a summary with the issues list


def pr_check(g: GitRepo, base: str = "main", head: str | None = None) -> list[Issue]:
    return check_pull_request(Repository(g.root), base, TODAY, head=head, jobs=1).issues


def errors(issues: list[Issue]) -> set[str]:
    return {i.rule for i in issues if i.severity.value == "error"}


@pytest.fixture
def branch(git_repo: GitRepo) -> GitRepo:
    git_repo.git("checkout", "-q", "-b", "change")
    return git_repo


# -- the change's form modules cannot switch the check off ------------------------------------------

MONKEYPATCH = """\
import qmskit.checks, qmskit.checks.changes, qmskit.cli
qmskit.checks.changes.check_changes = lambda *a, **k: []
qmskit.checks.CheckResult.ok = property(lambda self: True)
qmskit.cli._print_issues = lambda *a, **k: None
"""
ATTACKS = {
    "system-exit": ("raise SystemExit(0)\n", True),
    "os-exit": ("import os\nos._exit(0)\n", True),
    "keyboard-interrupt": ("raise KeyboardInterrupt\n", True),
    "fake-answer": ('import os\nos.write(1, b\'{"forms": [], "issues": []}\')\nos._exit(0)\n', False),
    "monkeypatch": (MONKEYPATCH, False),
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_form_module_cannot_change_the_verdict(branch: GitRepo, attack: str) -> None:
    code, untrusted = ATTACKS[attack]
    write(branch.root / "schemas/x.py", code)
    (branch.root / CMP2).unlink()  # the violation the attack tries to hide
    result = qms("check", "--base", "main", "--format", "json", cwd=branch.root)
    assert result.returncode == 1, (result.stdout, result.stderr)
    found = {i["rule"] for i in rules_of(result)}
    assert "change-record-deleted" in found
    assert ("schema-untrusted" in found) is untrusted
    assert "rules-changed" in found


def test_an_endless_form_module_is_stopped_and_reported(branch: GitRepo) -> None:
    write(branch.root / "schemas/x.py", "while True:\n    pass\n")
    (branch.root / CMP2).unlink()
    result = qms("check", "--base", "main", cwd=branch.root, env={"QMS_SANDBOX_TIMEOUT": "3"}, timeout=60)
    assert result.returncode == 1
    assert "schema-untrusted" in result.stdout and "did not finish within 3 s" in result.stdout
    assert "change-record-deleted" in result.stdout


def test_the_head_form_modules_are_never_imported_by_the_judge(branch: GitRepo, tmp_path: Path) -> None:
    canary = tmp_path / "imported-by"
    write(branch.root / "schemas/x.py", f"import os\nopen({str(canary)!r} + str(os.getpid()), 'x').close()\n")
    issues = pr_check(branch)
    assert not (tmp_path / f"imported-by{os.getpid()}").exists()
    assert [p.name for p in tmp_path.glob("imported-by*")]  # it ran, in another process
    assert errors(issues) == set() and "rules-changed" in {i.rule for i in issues}


# -- rule changes are judged by the rules they replace, and shown --------------------------------------

def test_weakened_workflow_cannot_reopen_a_closed_record(branch: GitRepo) -> None:
    branch.edit("schemas/complaint.py", WORKFLOW, WORKFLOW[:-1] + ', extra={"closed": ("received",)})')
    branch.edit(CMP1, "status: closed", "status: received")
    issues = pr_check(branch)
    assert {"change-closed-record", "change-status-transition"} <= errors(issues)
    changed = [i for i in issues if i.rule == "rules-changed"]
    assert changed and changed[0].path == "schemas/complaint.py" and "closed → received" in changed[0].message
    assert changed[0].severity.value == "warning"


def test_a_closed_status_made_not_final_still_freezes_the_record(branch: GitRepo) -> None:
    branch.edit("schemas/complaint.py", 'Workflow.linear("received", "replied", "closed",',
                'Workflow.linear("received", "replied", "closed", "archived",')
    branch.edit("schemas/complaint.py", WORKFLOW, WORKFLOW[:-1] + ', extra={"closed": ("received",)})')
    branch.edit(CMP1, "status: closed", "status: received")
    result = qms("check", "--base", "main", cwd=branch.root)
    assert result.returncode == 1
    assert "change-closed-record" in result.stdout and "change-status-transition" in result.stdout
    assert "no longer final: closed" in result.stdout and ", closed → received;" in result.stdout


def test_a_raised_size_limit_does_not_hide_an_edit_to_a_closed_record(branch: GitRepo) -> None:
    branch.edit("qms.yml", "max_file_bytes: 1048576", "max_file_bytes: 4194304")
    text = (branch.root / CMP1).read_text(encoding="utf-8").replace("feedback: satisfied", "feedback: dissatisfied")
    write(branch.root / CMP1, text + "# " + "x" * 1_200_000 + "\n")
    issues = pr_check(branch)
    assert {"change-closed-record", "yaml-size"} <= errors(issues)
    limit = next(i for i in issues if i.rule == "rules-changed" and i.path == "qms.yml")
    assert "max_file_bytes raised 1048576 → 4194304" in limit.message


def test_rule_changes_alone_warn_but_pass(branch: GitRepo) -> None:
    branch.edit("manual/objectives.yml", "target: 1.0", "target: 0.5")
    write(branch.root / "tools/qmskit/evil.py", "x = 1\n")
    result = qms("check", "--base", "main", "--format", "github", cwd=branch.root)
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert any(line.startswith("::warning file=manual/objectives.yml") and "target 1.0 → 0.5" in line for line in lines)
    assert any(line.startswith("::warning file=tools/qmskit/evil.py") and "engine files changed" in line for line in lines)
    text = qms("check", "--base", "main", cwd=branch.root).stdout.splitlines()[-1]
    assert text.endswith(warnings_summary_tail("en", {"rules-changed": 2}))


def test_records_of_a_new_form_are_checked_in_the_sandbox(branch: GitRepo) -> None:
    write(branch.root / "schemas/visit.py",
          "from qmskit.forms import FormSpec, RecordBase\n\n\nclass Visit(RecordBase):\n"
          "    form = FormSpec(kind='visit', code='QM-FOR-09', title_zh='走访', title_en='Visit', procedure='QP-03',\n"
          "                    id_pattern='V-{year}-{seq:03}')\n    note: str\n")
    assert run_qms("schema", "export", cwd=branch.root).returncode == 0
    write(branch.root / f"records/visit/V-{YEAR}-001.yaml", f"id: V-{YEAR}-001\nnote: ok\n")
    assert errors(pr_check(branch)) == set()
    write(branch.root / f"records/visit/V-{YEAR}-002.yaml", f"id: V-{YEAR}-002\nnote: ok\ncolour: red\n")
    issues = pr_check(branch)
    assert errors(issues) == {"schema"}
    assert any("new form QM-FOR-09" in i.message for i in issues if i.rule == "rules-changed")


def test_diff_masks_by_the_base_form_and_runs_no_head_form(branch: GitRepo) -> None:
    branch.edit("schemas/complaint.py", 'confidential=("customer_name", "customer_phone"),', "")
    write(branch.root / "schemas/x.py", "raise SystemExit(0)\n")
    branch.edit(CMP2, "status: received", 'status: received\ncustomer_phone: "13912345678"')
    result = qms("diff", "--base", "main", cwd=branch.root)
    assert result.returncode == 0 and "Fields changed" in result.stdout
    assert "13912345678" not in result.stdout


# -- history and change rules -------------------------------------------------------------------------

def test_one_step_per_commit_passes_and_a_jump_does_not(branch: GitRepo) -> None:
    branch.edit(CMP2, "status: received", f"status: replied\nreplied: {TODAY}")
    branch.commit("回复")
    branch.edit(CMP2, "status: replied", f"status: closed\nclosed: {TODAY}\nfeedback: satisfied")
    assert pr_check(branch) == []  # the last step uncommitted
    branch.commit("关闭")
    assert pr_check(branch) == []
    branch.git("checkout", "-q", "-b", "jump", "main")
    branch.edit(CMP2, "status: received", f"status: closed\nreplied: {TODAY}\nclosed: {TODAY}\nfeedback: satisfied")
    branch.commit("一步关闭")
    issues = pr_check(branch)
    assert errors(issues) == {"change-status-transition"} and "received → closed in commit" in issues[0].message


def test_a_merge_of_the_target_is_no_step_of_the_change(branch: GitRepo) -> None:
    write(branch.root / "notes.txt", "分支上的其他工作\n")
    branch.commit("分支工作")
    branch.git("checkout", "-q", "main")
    branch.edit(CMP2, "status: received", f"status: replied\nreplied: {TODAY}")
    branch.commit("main: 回复")
    branch.edit(CMP2, "status: replied", f"status: closed\nclosed: {TODAY}\nfeedback: satisfied")
    branch.commit("main: 关闭")
    branch.git("checkout", "-q", "change")
    branch.git("merge", "-q", "--no-ff", "-m", "merge main", "main")
    assert "change-status-transition" not in errors(pr_check(branch))
    # a branch that is not the target's, merged in: its jump is a step of this change
    branch.git("checkout", "-q", "-b", "side", "change~1")
    branch.edit(CMP2, "status: received", f"status: closed\nreplied: {TODAY}\nclosed: {TODAY}\nfeedback: satisfied")
    branch.commit("side: 一步关闭")
    branch.git("checkout", "-q", "-b", "evil", "change~1")
    branch.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    assert errors(pr_check(branch)) == {"change-status-transition"}


def test_a_new_record_starts_at_the_first_status(branch: GitRepo) -> None:
    text = (branch.root / CMP1).read_text(encoding="utf-8").replace(f"CMP-{YEAR}-0001", f"CMP-{YEAR}-0003")
    write(branch.root / f"records/complaint/CMP-{YEAR}-0003.yaml", text.replace("nonconformity: NCR", "# NCR"))
    issues = pr_check(branch)
    assert errors(issues) == {"change-new-record-status"} and "starts in received" in issues[0].message


def _ncr_in_verification(g: GitRepo, actions: str) -> None:
    g.git("checkout", "-q", "main")
    g.edit(NCR2, "status: open", f"status: verification\nroot_cause: x\ncorrection: y\nactions: {actions}")
    g.commit("main: NCR-0002 待验证")
    g.git("checkout", "-q", "-b", "close")


CLOSE = f"status: closed\nverification: {{by: 内审员, on: {TODAY}, result: effective}}\nclosed: {TODAY}"


def test_an_ncr_cannot_close_by_unlinking_its_open_action(git_repo: GitRepo) -> None:
    write(git_repo.root / CA2, f"id: CA-{YEAR}-0002\nstatus: in_progress\ntype: corrective\nraised: {TODAY}\n"
          f"action: 培训\nowner: 质量部经理\ndue: {TODAY}\nnonconformity: NCR-{YEAR}-0002\n")
    _ncr_in_verification(git_repo, f"[CA-{YEAR}-0002]")
    git_repo.edit(NCR2, "status: verification", CLOSE)
    git_repo.edit(NCR2, f"actions: [CA-{YEAR}-0002]", "actions: []")
    issues = pr_check(git_repo)
    assert errors(issues) == {"change-close-unlinked-action"} and f"CA-{YEAR}-0002" in issues[0].message


def test_an_ncr_cannot_close_with_an_action_already_closed(git_repo: GitRepo) -> None:
    _ncr_in_verification(git_repo, "[]")
    git_repo.edit(NCR2, "status: verification", CLOSE)
    git_repo.edit(NCR2, "actions: []", f"actions: [CA-{YEAR}-0001]")
    issues = pr_check(git_repo)
    # the template's action was also raised before this NCR: date-order reports that too
    assert errors(issues) == {"change-close-linked-closed-action", "date-order"}
    assert "already 'verified'" in next(i for i in issues if i.rule == "change-close-linked-closed-action").message


def test_revisions_move_forward_only(git_repo: GitRepo) -> None:
    git_repo.git("checkout", "-q", "main")
    git_repo.edit(DOC, "revision: A/0", "revision: B/0")
    git_repo.commit("B/0")
    git_repo.git("checkout", "-q", "-b", "back")
    git_repo.edit(DOC, "revision: B/0", "revision: A/0")
    issues = pr_check(git_repo)
    assert errors(issues) == {"change-document-revision-order"} and "from 'B/0' to 'A/0'" in issues[0].message
    git_repo.edit(DOC, "revision: A/0", "revision: B/1")
    assert pr_check(git_repo) == []
    from qmskit.revisions import moves_forward
    assert moves_forward("A/9", "B/0", "letter/number") and moves_forward("A", "A/1", "letter/number")
    assert moves_forward("1.0", "1.1", "numeric") and moves_forward("1.9", "1.10", "numeric")
    assert not moves_forward("1.0", "1", "numeric") and not moves_forward("Z/3", "Y/9", "letter/number")


def test_approval_date_never_moves_back_and_no_document_supersedes_itself(branch: GitRepo) -> None:
    approved = (branch.root / DOC).read_text(encoding="utf-8").split("approved: ")[1].split("\n")[0]
    branch.edit(DOC, f"approved: {approved}", "approved: 2020-01-01")
    branch.edit(DOC, "forms: [complaint]", "forms: [complaint]\nsupersedes: [QP-03]")
    issues = pr_check(branch)
    assert errors(issues) == {"change-document-approval-order", "document-supersedes-itself"}


# -- a committed head is read from git, links are never followed -----------------------------------------

def test_head_symlinks_and_submodules_are_reported_not_followed(branch: GitRepo, tmp_path: Path) -> None:
    secret = write(tmp_path / "outside.yaml", "id: CANARY-4711\nstatus: received\n")
    os.symlink(secret, branch.root / f"records/complaint/CMP-{YEAR}-0009.yaml")
    os.symlink("/dev/zero", branch.root / "manual/zero.md")
    branch.git("add", "-A")
    sha = branch.git("rev-parse", "HEAD").strip()
    branch.git("update-index", "--add", "--cacheinfo", f"160000,{sha},records/complaint/sub")
    branch.git("commit", "-q", "-m", "链接")
    branch.git("checkout", "-q", "main")
    result = qms("check", "--base", "main", "--head", "change", cwd=branch.root, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    flagged = {line.split(":")[0] for line in result.stdout.splitlines() if ": file-not-regular: " in line}
    assert flagged == {f"records/complaint/CMP-{YEAR}-0009.yaml", "manual/zero.md", "records/complaint/sub"}
    assert "CANARY" not in result.stdout


# -- scale: the check grows with the change, not the repository --------------------------------------------

def test_a_small_change_in_a_large_repository_makes_no_call_per_record(branch: GitRepo,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    template = (branch.root / CMP2).read_text(encoding="utf-8")
    for n in range(3, 3003):
        write(branch.root / f"records/complaint/CMP-{YEAR}-{n:04d}.yaml", template.replace("-0002", f"-{n:04d}"))
    branch.commit("3,000 条投诉")
    branch.git("checkout", "-q", "-b", "small")
    for n in (5, 6):
        branch.edit(f"records/complaint/CMP-{YEAR}-{n:04d}.yaml", "status: received", f"status: replied\nreplied: {TODAY}")
    (branch.root / f"records/complaint/CMP-{YEAR}-0007.yaml").unlink()
    calls: list[tuple[tuple[str, ...], bytes | None]] = []
    real = Git.run

    def counting(self: Git, *args: str, check: bool = True, input: bytes | None = None) -> bytes:
        calls.append((args, input))
        return real(self, *args, check=check, input=input)

    monkeypatch.setattr(Git, "run", counting)
    issues = pr_check(branch, base="change")
    assert errors(issues) == {"change-record-deleted"}
    # a constant number of calls; the files diff-files names are refreshed and asked about again by name
    refresh = [args for args, _ in calls if args[:2] == ("add", "--refresh")]
    by_name = [args for args, _ in calls if args[0] == "diff-files" and any(a.startswith(":(literal)") for a in args)]
    assert len(refresh) <= 1 and len(by_name) <= 1
    assert len(calls) - len(refresh) - len(by_name) <= 15 and max(len(args) for args, _ in calls) <= 20
    grep = [(args, stdin) for args, stdin in calls if args[0] == "grep"]
    assert len(grep) == 1 and grep[0][1] == f"CMP-{YEAR}-0007\n".encode()


def test_grep_takes_more_needles_than_an_argument_list_holds(git_repo: GitRepo) -> None:
    needles = [f"NO-SUCH-ID-{n:06d}" for n in range(130_000)] + [f"NCR-{YEAR}-0001"]
    with Git(git_repo.root) as git:
        found = git.grep_files(needles, "records")
    assert f"records/complaint/CMP-{YEAR}-0001.yaml" in found


# -- CI: the engine comes from the target branch, rule files need a code owner ------------------------------

def test_ci_installs_the_engine_of_the_base_and_code_owners_guard_the_rules(tmp_path: Path) -> None:
    target = tmp_path / "qms"
    init_repository(target, TODAY)
    for owners in (target / ".github/CODEOWNERS", ROOT / ".github/CODEOWNERS"):
        owned = {line.split()[0] for line in owners.read_text(encoding="utf-8").splitlines()
                 if line.strip() and not line.startswith("#") and "@" in line}
        assert {"/schemas/", "/qms.yml", "/manual/objectives.yml", "/manual/schedule.yml", "/.github/", "/tools/"} <= owned
    base_ref = "${{ github.event.pull_request.base.sha }}"
    for path in (target / ".github/workflows/qms.yml", ROOT / ".github/workflows/qms.yml"):
        job = yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"]["pull-request"]
        checkouts = [s["with"] for s in job["steps"] if s.get("uses", "").startswith("actions/checkout")]
        engine = next(c["path"] for c in checkouts if c.get("ref") == base_ref)
        change = next(c for c in checkouts if c.get("ref") != base_ref)
        assert change["fetch-depth"] == 0 and change["ref"] == "${{ github.event.pull_request.head.sha }}"
        installs = [s["run"] for s in job["steps"] if "pip install" in s.get("run", "")]
        assert installs and all(f"{engine}/" in run or run.endswith(f"./{engine}") for run in installs), installs
        checks = [s for s in job["steps"] if "qms check --base" in s.get("run", "")]
        assert checks and all(s.get("working-directory") == change["path"] for s in checks)
    # the engine version that made the repository, from its release tag (no package index has qmskit yet)
    assert (target / ".github/qmskit-requirements.txt").read_text(encoding="utf-8").strip().endswith(
        "qmskit @ git+https://github.com/qmskit/qmskit@v0.1.0")


def test_removing_a_form_that_still_has_records_is_an_error(branch: GitRepo) -> None:
    (branch.root / "schemas/complaint.py").unlink()
    (branch.root / "schemas/json/complaint.schema.json").unlink()
    issues = pr_check(branch)
    assert "record-kind" in errors(issues)
    assert any("complaint: form removed" in i.message for i in issues if i.rule == "rules-changed")


def test_a_new_nonconformity_closed_in_the_change_needs_its_own_verified_action(branch: GitRepo) -> None:
    text = (branch.root / f"records/nonconformity/NCR-{YEAR}-0001.yaml").read_text(encoding="utf-8")
    new = f"records/nonconformity/NCR-{YEAR}-0003.yaml"
    write(branch.root / new, text.replace(f"NCR-{YEAR}-0001", f"NCR-{YEAR}-0003").replace("status: closed", "status: open"))
    branch.commit("新不符合")
    for old, status in (("open", "analysis"), ("analysis", "action"), ("action", "verification"), ("verification", "closed")):
        branch.edit(new, f"status: {old}", f"status: {status}")
        branch.commit(status)
    issues = pr_check(branch)
    assert errors(issues) == {"change-close-linked-closed-action"} and f"CA-{YEAR}-0001" in issues[0].message
