"""Red team: each attack of issue 9 on files, history and output, tried on a real repository.

Each test builds the repository, commits what an attacker would commit, runs
``qms`` as CI would, and asserts the verdict, the exit code and that the
planted value (a canary) appears nowhere in what was printed.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, GitRepo, in_english, run_qms, write

from qmskit import messages

YEAR = TODAY.year
CMP1 = f"records/complaint/CMP-{YEAR}-0001.yaml"
CMP2 = f"records/complaint/CMP-{YEAR}-0002.yaml"
NCR2 = f"records/nonconformity/NCR-{YEAR}-0002.yaml"
CANARY = "CANARY-7f3a9c"


@pytest.fixture
def branch(git_repo: GitRepo) -> GitRepo:
    git_repo.git("checkout", "-q", "-b", "change")
    return git_repo


def outside(tmp_path: Path, text: str = f"id: X\nnote: {CANARY}\n") -> Path:
    """A file outside the repository, holding a canary."""
    return write(tmp_path / "outside" / "secret.yaml", text)


def lines_with(out: str, rule: str) -> list[str]:
    return [line for line in out.splitlines() if f": {rule}: " in line]


# -- only regular files are read ------------------------------------------------------------------

def test_symlink_to_dev_zero_is_refused_not_read(repo: Path) -> None:
    for rel in (f"records/complaint/CMP-{YEAR}-0009.yaml", "manual/QP-09-zero.md", "manual/organization.yml"):
        (repo / rel).unlink(missing_ok=True)
        os.symlink("/dev/zero", repo / rel)
    result = run_qms("check", cwd=repo)  # run_qms times out after 120 s; reading /dev/zero would never end
    assert result.returncode == 1, result.stderr
    refused = lines_with(result.stdout, "file-not-regular")
    assert {line.split(":")[0] for line in refused} == {
        f"records/complaint/CMP-{YEAR}-0009.yaml", "manual/QP-09-zero.md", "manual/organization.yml"}


def test_symlink_to_an_outside_file_is_never_shown(branch: GitRepo, tmp_path: Path) -> None:
    secret = outside(tmp_path, f"id: CMP-{YEAR}-0003\nstatus: received\ndescription: {CANARY}\n")
    os.symlink(secret, branch.root / f"records/complaint/CMP-{YEAR}-0003.yaml")
    (branch.root / CMP2).unlink()
    os.symlink(secret, branch.root / CMP2)  # an existing record replaced by a link
    os.symlink(secret, branch.root / "manual/QP-08-linked.md")
    for args in (("check",), ("check", "--base", "main"), ("diff", "--base", "main"), ("show", f"CMP-{YEAR}-0002")):
        result = run_qms(*args, cwd=branch.root)
        assert CANARY not in result.stdout + result.stderr, args
        assert result.returncode != 0 or args[0] in ("diff", "show"), args
    check = run_qms("check", cwd=branch.root).stdout
    assert f"records/complaint/CMP-{YEAR}-0003.yaml:1:1: file-not-regular" in check
    assert f"{CMP2}:1:1: file-not-regular" in check and "manual/QP-08-linked.md:1:1: file-not-regular" in check


def test_fifo_and_device_are_refused_without_blocking(repo: Path) -> None:
    os.mkfifo(repo / f"records/complaint/CMP-{YEAR}-0005.yaml")
    os.symlink("/dev/null", repo / f"records/complaint/CMP-{YEAR}-0006.yaml")
    os.mkfifo(repo / "manual/QP-07-pipe.md")
    result = run_qms("check", cwd=repo)
    assert result.returncode == 1
    refused = lines_with(result.stdout, "file-not-regular")
    assert len(refused) == 3 and any("FIFO" in line for line in refused)


def test_linked_folder_is_not_descended_into(repo: Path, tmp_path: Path) -> None:
    outside(tmp_path)
    os.symlink(tmp_path / "outside", repo / "records/complaint/more")
    os.symlink(tmp_path / "outside", repo / "manual/linked")
    result = run_qms("check", cwd=repo)
    assert result.returncode == 1 and CANARY not in result.stdout
    refused = {line.split(":")[0] for line in lines_with(result.stdout, "file-not-regular")}
    assert refused == {"records/complaint/more", "manual/linked"}


def test_linked_schema_module_is_not_imported(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "imported"
    module = write(tmp_path / "evil.py", f"open({str(marker)!r}, 'w').write('ran')\n")
    os.symlink(module, repo / "schemas/evil.py")
    result = run_qms("check", cwd=repo)
    assert result.returncode == 1 and not marker.exists()
    assert "schemas/evil.py:1:1: file-not-regular" in result.stdout


# -- nothing under records/ is skipped silently --------------------------------------------------

def test_moving_records_to_a_hidden_folder_fails_both_checks(branch: GitRepo) -> None:
    branch.git("mv", "records/complaint", "records/.complaint")
    branch.commit("hide the complaints", "李四", "2026-02-01T10:00:00+08:00")
    full = run_qms("check", cwd=branch.root)
    assert full.returncode == 1 and len(lines_with(full.stdout, "record-hidden")) == 2
    assert f"records/complaint/CMP-{YEAR}-0001.yaml" in full.stdout  # where to move it, in the QMS's language
    pr = run_qms("check", "--base", "main", cwd=branch.root)
    assert pr.returncode == 1 and len(lines_with(pr.stdout, "record-hidden")) == 2
    head = run_qms("check", "--base", "main", "--head", "change", cwd=branch.root)
    assert head.returncode == 1 and "record-hidden" in head.stdout


def test_hidden_nested_other_and_binary_files_are_all_reported(branch: GitRepo) -> None:
    text = (branch.root / CMP2).read_text(encoding="utf-8")
    write(branch.root / f"records/complaint/.CMP-{YEAR}-0004.yaml", text)
    write(branch.root / f"records/complaint/old/CMP-{YEAR}-0005.yaml", text)
    write(branch.root / f"records/complaint/CMP-{YEAR}-0006.txt", text)
    (branch.root / f"records/complaint/CMP-{YEAR}-0007.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    branch.commit("odd files", "李四", "2026-02-01T10:00:00+08:00")
    for args in (("check",), ("check", "--base", "main")):
        out = run_qms(*args, cwd=branch.root)
        assert out.returncode == 1, args
        flagged = {line.split(":")[0] for line in out.stdout.splitlines()}
        for name in (f".CMP-{YEAR}-0004.yaml", f"old/CMP-{YEAR}-0005.yaml", f"CMP-{YEAR}-0006.txt", f"CMP-{YEAR}-0007.yaml"):
            assert f"records/complaint/{name}" in flagged, (args, name, out.stdout)


# -- writes ---------------------------------------------------------------------------------------

def test_schema_export_replaces_a_link_and_never_writes_its_target(repo: Path) -> None:
    target = repo / CMP1
    before = target.read_bytes()
    link = repo / "schemas/json/complaint.schema.json"
    link.unlink()
    os.symlink(os.path.relpath(target, link.parent), link)
    check = run_qms("check", cwd=repo)
    assert check.returncode == 1 and "schemas/json/complaint.schema.json:1:1: file-not-regular" in check.stdout
    result = run_qms("schema", "export", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == before and not link.is_symlink() and '"$id": "complaint.schema.json"' in link.read_text()
    assert run_qms("check", cwd=repo).returncode == 0


def test_schema_export_refuses_a_linked_json_folder(repo: Path, tmp_path: Path) -> None:
    folder = repo / "schemas/json"
    shutil.rmtree(folder)  # the kinds' schemas and files/, the settings files' schemas
    os.symlink(repo / "records/complaint", folder)
    result = run_qms("schema", "export", cwd=in_english(repo))
    assert result.returncode == 2 and "schemas/json/ is a symbolic link" in result.stderr
    assert sorted(p.name for p in (repo / "records/complaint").iterdir()) == [f"CMP-{YEAR}-0001.yaml", f"CMP-{YEAR}-0002.yaml"]


def test_interrupted_new_leaves_no_empty_record(repo: Path) -> None:
    script = f"""
import os, sys, datetime
real = os.fdopen
class Dying:
    def __init__(self, handle): self.handle = handle
    def __enter__(self): return self
    def __exit__(self, *exc): self.handle.close()
    def write(self, data): raise KeyboardInterrupt
os.fdopen = lambda fd, mode="r", *a, **k: Dying(real(fd, mode, *a, **k)) if "w" in mode else real(fd, mode, *a, **k)
from qmskit.cli import main
sys.exit(main(["--root", {str(repo)!r}, "new", "complaint", "--as-of", "{YEAR}-06-01"]))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 130, result.stderr
    assert sorted(p.name for p in (repo / "records/complaint").iterdir()) == [f"CMP-{YEAR}-0001.yaml", f"CMP-{YEAR}-0002.yaml"]



def test_an_interrupted_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports and exported schemas are replaced by a rename: stopped before it, the old file stays, and no temporary one."""
    from qmskit import fileio

    target = tmp_path / "review.md"
    target.write_bytes(b"old")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fileio.atomic_write(target, b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["review.md"] and target.read_bytes() == b"old"
    monkeypatch.undo()
    fileio.atomic_write(target, b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["review.md"] and target.read_bytes() == b"new"

# -- merge commits and rewritten history ----------------------------------------------------------

def _conflicting_merge(g: GitRepo) -> None:
    g.git("checkout", "-q", "-b", "side")
    g.edit(CMP2, "description: 月度服务报告未按时送达。", "description: 侧分支的描述。")
    g.commit("side edit", "李四", "2026-02-01T10:00:00+08:00")
    g.git("checkout", "-q", "main")
    g.edit(CMP2, "description: 月度服务报告未按时送达。", "description: 主干的描述。")
    g.commit("main edit", "王芳", "2026-02-02T10:00:00+08:00")
    subprocess.run(["git", "merge", "-q", "side"], cwd=g.root, capture_output=True)  # conflicts
    text = (g.root / CMP2).read_text(encoding="utf-8")
    start, end = text.index("<<<<<<<"), text.index(">>>>>>>")
    end = text.index("\n", end) + 1
    (g.root / CMP2).write_text(text[:start] + "description: 合并时定下的描述。\n" + text[end:], encoding="utf-8")
    g.edit(NCR2, "status: open", "status: analysis\nroot_cause: 合并时顺手加的原因。")  # an edit hidden in the merge
    g.commit("Merge branch 'side'", "赵六", "2026-02-03T10:00:00+08:00")


def test_changes_made_in_a_merge_appear_in_show_and_log(git_repo: GitRepo) -> None:
    _conflicting_merge(git_repo)
    show = run_qms("show", f"CMP-{YEAR}-0002", cwd=git_repo.root).stdout
    merge_rows = [line for line in show.splitlines() if "Merge branch" in line]
    assert len(merge_rows) == 1 and "主干的描述。 → 合并时定下的描述。" in merge_rows[0] and "赵六" in merge_rows[0]
    ncr = run_qms("show", f"NCR-{YEAR}-0002", cwd=git_repo.root).stdout
    assert any("Merge branch" in line and "root_cause: + 合并时顺手加的原因。" in line for line in ncr.splitlines())
    log = run_qms("log", "--since", "2026-02-03", "--until", "2026-02-03", cwd=git_repo.root).stdout
    rows = [line for line in log.splitlines() if "Merge branch" in line]
    assert sorted(r.split(" | ")[3] for r in rows) == sorted([CMP2, NCR2])


def test_a_clean_merge_lists_each_change_once(git_repo: GitRepo) -> None:
    git_repo.git("checkout", "-q", "-b", "side")
    git_repo.edit(CMP2, "description: 月度服务报告未按时送达。", "description: 侧分支的描述。")
    git_repo.commit("side edit", "李四", "2026-02-01T10:00:00+08:00")
    git_repo.git("checkout", "-q", "main")
    git_repo.edit(NCR2, "status: open", "status: analysis\nroot_cause: 主干。")
    git_repo.commit("main edit", "王芳", "2026-02-02T10:00:00+08:00")
    git_repo.git("merge", "-q", "--no-edit", "side")
    log = run_qms("log", "--since", "2026-01-01", cwd=git_repo.root).stdout
    assert sum(CMP2 in line for line in log.splitlines()) == 2  # added at the start, edited on the side: not again in the merge
    show = run_qms("show", f"CMP-{YEAR}-0002", cwd=git_repo.root).stdout
    assert "Merge" not in show


def test_rewritten_history_is_reported_against_a_seal(git_repo: GitRepo) -> None:
    git_repo.edit(CMP1, "feedback: satisfied", "feedback: dissatisfied")
    git_repo.commit("closed record as audited", "王芳", "2026-03-01T10:00:00+08:00")
    sealed = run_qms("seal", "--message", "internal audit IA-2026-01 closed", "--as-of", "2026-03-02", cwd=git_repo.root)
    assert sealed.returncode == 0 and "qms-seal/2026-03-02-1" in sealed.stdout, sealed.stderr
    assert git_repo.git("cat-file", "-t", "qms-seal/2026-03-02-1").strip() == "tag"  # annotated
    again = run_qms("seal", "--as-of", "2026-03-02", cwd=git_repo.root)
    assert "qms-seal/2026-03-02-2" in again.stdout
    assert run_qms("check", cwd=git_repo.root).returncode == 0
    # rewrite main: the closed record edited in place, as if it had always been so
    git_repo.git("reset", "-q", "--hard", "HEAD~1")
    git_repo.edit(CMP1, "feedback: satisfied", "feedback: satisfied  # 从未不满意")
    git_repo.commit("closed record as audited", "王芳", "2026-03-01T10:00:00+08:00")
    result = run_qms("check", cwd=git_repo.root)
    assert result.returncode == 1
    rewritten = lines_with(result.stdout, "history-rewritten")
    assert len(rewritten) == 2 and rewritten[0].startswith("qms-seal/2026-03-02-1:")
    assert "internal audit IA-2026-01 closed" in rewritten[0]


# -- output safety --------------------------------------------------------------------------------

def test_unquoted_phone_number_is_not_echoed(repo: Path) -> None:
    path = repo / CMP1
    path.write_text(path.read_text(encoding="utf-8").replace('customer_phone: "13800000001"', "customer_phone: 13812345678"),
                    encoding="utf-8")
    for fmt in ("text", "json", "github"):
        result = run_qms("check", "--format", fmt, cwd=repo)
        assert result.returncode == 1 and "13812345678" not in result.stdout, fmt
        with messages.using("zh"):  # qms init writes lang: zh
            said = messages.text("field.text_quote_secret", where="customer_phone")
        assert "customer_phone" in result.stdout and (fmt != "text" or said in result.stdout), fmt


def test_a_forms_own_message_never_carries_a_confidential_value(repo: Path) -> None:
    module = repo / "schemas/complaint.py"
    module.write_text(module.read_text(encoding="utf-8").replace(
        "from qmskit.forms import Complaint, FormSpec, Workflow",
        "from pydantic import field_validator\nfrom qmskit.forms import Complaint, FormSpec, Workflow") + '''
    @field_validator("customer_name")
    @classmethod
    def _known(cls, value):
        raise ValueError(f"{value} is not in the customer list")
''', encoding="utf-8")
    result = run_qms("check", cwd=repo)
    assert result.returncode == 1 and "王小明" not in result.stdout
    assert f"{CMP1}:" in result.stdout and "customer_name" in result.stdout


def test_show_masks_a_version_that_is_not_a_mapping(git_repo: GitRepo) -> None:
    (git_repo.root / CMP1).write_text(f"- {CANARY} 王小明 13800000001\n", encoding="utf-8")
    git_repo.commit("broken", "李四", "2026-02-01T10:00:00+08:00")
    (git_repo.root / CMP1).write_text(f"id: CMP-{YEAR}-0001\nstatus: received: [{CANARY}\n", encoding="utf-8")
    git_repo.commit("unreadable", "李四", "2026-02-02T10:00:00+08:00")
    out = run_qms("show", f"CMP-{YEAR}-0001", cwd=git_repo.root).stdout
    assert CANARY not in out and "13800000001" not in out and "王小明" not in out
    assert "broken" in out and "unreadable" in out


def test_diff_masks_when_the_kind_is_unknown_or_confidential_is_dropped(branch: GitRepo) -> None:
    write(branch.root / f"records/visitor/VIS-{YEAR}-0001.yaml", f"id: VIS-{YEAR}-0001\nphone: '13700000001'\n")
    branch.commit("a folder no form defines", "李四", "2026-02-01T10:00:00+08:00")
    branch.git("branch", "-f", "main", "HEAD")
    module = branch.root / "schemas/complaint.py"
    module.write_text(module.read_text(encoding="utf-8").replace(
        'confidential=("customer_name", "customer_phone"),', ""), encoding="utf-8")
    branch.edit(CMP1, 'customer_phone: "13800000001"', 'customer_phone: "13900000009"')
    branch.edit(CMP1, "customer_name: 王小明", "customer_name: 王大明")
    branch.edit(f"records/visitor/VIS-{YEAR}-0001.yaml", "13700000001", "13700000002")
    out = run_qms("diff", "--base", "main", cwd=branch.root).stdout
    for value in ("13800000001", "13900000009", "王小明", "王大明", "13700000001", "13700000002"):
        assert value not in out, value
    assert f"CMP-{YEAR}-0001" in out and f"VIS-{YEAR}-0001" in out


def test_diff_cannot_inject_html_images_or_mentions(branch: GitRepo) -> None:
    payload = "<img src=x onerror=alert(1)> ![pwn](https://evil.example/p.png) [click](https://evil.example) @org/admins #1"
    branch.edit(NCR2, "status: open", f"status: analysis\nroot_cause: \"{payload}\"")
    out = run_qms("diff", "--base", "main", cwd=branch.root).stdout
    assert "root_cause" in out
    for bad in ("<img", "![", "@org", "https://", "#1"):
        assert bad not in out, bad
    assert not re.search(r"(?<!\\)[\[\]]", out.split("root_cause", 1)[1]), "an unescaped bracket could open a link"


def test_github_annotations_cannot_be_injected_by_a_file_name(repo: Path) -> None:
    name = "x,title=owned::\n::error file=evil.py,line=1::injected%0A.yaml"
    write(repo / "records/complaint" / name, "id: x\n")
    result = run_qms("check", "--format", "github", cwd=repo)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert all(line.startswith(("::error file=", "::warning file=")) for line in lines)
    assert not any(line.startswith("::error file=evil.py") for line in lines)
    ours = [line.split("::")[1] for line in lines if "x%2Ctitle=owned" in line]  # the properties of each
    assert ours and all(",title=owned" not in props and "%3A%3A%0A%3A%3Aerror" in props for props in ours)
    assert all("injected%250A" in props for props in ours)


# -- exit codes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("raised", ["RuntimeError('boom')", "SystemExit(0)"])
def test_an_internal_error_exits_3_never_0(repo: Path, raised: str) -> None:
    script = f"""
import sys
import qmskit.cli as cli
def broken(args):
    raise {raised}
cli.COMMANDS["check"] = broken
sys.exit(cli.main(["--root", {str(in_english(repo))!r}, "check"]))
"""
    env = {k: v for k, v in os.environ.items() if k != "QMS_DEBUG"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 3, (result.returncode, result.stderr)
    assert "internal error" in result.stderr and "Traceback" not in result.stderr


def test_exit_codes_are_documented(repo: Path) -> None:
    text = subprocess.run([sys.executable, "-m", "qmskit.cli", "--help"], capture_output=True, text=True,
                          cwd=in_english(repo)).stdout
    for code in ("0  clean", "1  problems found", "2  the command could not run", "3  internal error"):
        assert code in text, code
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "3 internal error" in readme and "qms seal" in readme
