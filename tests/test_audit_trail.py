"""qms show, qms history, qms diff: the audit trail as people read it."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from conftest import TODAY, GitRepo, run_qms, write

from qmskit import messages
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qmskit import yamlio
from qmskit.history import HistoryIndex, apply_changes

YEAR = TODAY.year
NCR2 = f"records/nonconformity/NCR-{YEAR}-0002.yaml"
CMP1 = f"records/complaint/CMP-{YEAR}-0001.yaml"
ROOT = Path(__file__).resolve().parents[1]


def test_show_lists_each_commit_newest_first(git_repo: GitRepo) -> None:
    git_repo.edit(NCR2, "status: open", "status: analysis\nroot_cause: 打印前未核对版本。")
    git_repo.commit("原因分析", "李娜", "2026-02-10T14:30:00+08:00")
    out = run_qms("show", f"NCR-{YEAR}-0002", cwd=git_repo.root).stdout
    history = out.split("## 修改历史")[1]
    rows = [line for line in history.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == 2
    assert "李娜" in rows[0] and "2026-02-10 14:30" in rows[0] and "原因分析" in rows[0]
    assert "status: open → analysis" in rows[0] and "root_cause: + 打印前未核对版本。" in rows[0]
    assert "王芳" in rows[1] and "建立质量管理体系" in rows[1]


def test_show_masks_confidential_fields(git_repo: GitRepo) -> None:
    out = run_qms("show", f"CMP-{YEAR}-0001", cwd=git_repo.root).stdout
    assert "王小明" not in out and "13800000001" not in out and "保密" in out
    revealed = run_qms("show", f"CMP-{YEAR}-0001", "--reveal", cwd=git_repo.root).stdout
    assert "王小明" in revealed


def test_show_unknown_record(git_repo: GitRepo) -> None:
    result = run_qms("show", "NCR-1999-0001", cwd=git_repo.root)
    assert result.returncode == 2 and "'NCR-1999-0001'" in result.stderr  # named, in the repository's language
    assert "Traceback" not in result.stderr


def test_document_history_one_row_per_revision(git_repo: GitRepo) -> None:
    doc = "manual/QP-03-complaints.md"
    git_repo.edit(doc, "revision: A/0", "revision: A/1")
    git_repo.commit("QP-03 A/1:回复时限改为 1 个工作日", "赵强", "2026-03-02T11:00:00+08:00")
    git_repo.edit(doc, 'iso9001: ["8.2", "9.1"]', 'iso9001: ["8.2", "9.1", "7.4"]')
    git_repo.commit("补充条款标注", "李娜", "2026-03-05T11:00:00+08:00")
    git_repo.edit(doc, "revision: A/1", "revision: B/0")
    git_repo.commit("QP-03 B/0", "王芳", "2026-06-01T08:00:00+08:00")
    out = run_qms("history", "QP-03", cwd=git_repo.root).stdout
    rows = [line.split(" | ") for line in out.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert [r[0].strip("| ") for r in rows] == ["A/0", "A/1", "B/0"]
    assert rows[1][2] == "赵强" and rows[1][1].startswith("2026-03-02")
    assert run_qms("history", "QP-99", cwd=git_repo.root).returncode == 2


def test_log_lists_changes_in_a_period_or_between_revisions(git_repo: GitRepo) -> None:
    start = git_repo.git("rev-parse", "HEAD").strip()
    git_repo.edit(NCR2, "status: open", "status: analysis\nroot_cause: x")
    git_repo.commit("二月的分析", "李娜", "2026-02-10T14:30:00+08:00")
    git_repo.edit(CMP1, "feedback: satisfied", "feedback: neutral")
    git_repo.commit("三月的回访", "赵强", "2026-03-15T09:00:00+08:00")
    feb = run_qms("log", "--since", "2026-02-01", "--until", "2026-02-28", cwd=git_repo.root).stdout
    assert "Changes (1)" in feb and f"NCR-{YEAR}-0002" in feb and "李娜" in feb and "赵强" not in feb
    since_start = run_qms("log", "--from", start, cwd=git_repo.root).stdout
    assert "Changes (2)" in since_start and f"CMP-{YEAR}-0001" in since_start
    rows = [line for line in since_start.splitlines() if line.startswith("| 2026")]
    assert rows[0].startswith("| 2026-03-15") and rows[1].startswith("| 2026-02-10")  # newest first
    assert run_qms("log", "--from", start, "--since", "2026-01-01", cwd=git_repo.root).returncode == 2


def test_diff_summarizes_a_pull_request(git_repo: GitRepo) -> None:
    git_repo.git("checkout", "-q", "-b", "change")
    git_repo.edit(NCR2, "status: open", "status: analysis\nroot_cause: 未核对。")
    git_repo.commit("分析", "李娜", "2026-02-10T14:30:00+08:00")
    git_repo.edit(CMP1, "customer_phone: \"13800000001\"", "customer_phone: \"13900000009\"")
    text = (git_repo.root / f"records/complaint/CMP-{YEAR}-0002.yaml").read_text(encoding="utf-8")
    write(git_repo.root / f"records/complaint/CMP-{YEAR}-0003.yaml", text.replace(f"CMP-{YEAR}-0002", f"CMP-{YEAR}-0003"))
    out = run_qms("diff", "--base", "main", cwd=git_repo.root).stdout
    sections = {part.split("\n", 1)[0]: part for part in out.split("## ")[1:]}
    with messages.using("zh"):  # the starter says lang: zh
        uncommitted = messages.text("trail.uncommitted")
    assert f"CMP-{YEAR}-0003" in sections["新增记录 / Records added"] and uncommitted in sections["新增记录 / Records added"]
    transition = sections["状态变化 / Status transitions"]
    assert f"NCR-{YEAR}-0002 | open → analysis | 李娜 | 2026-02-10 14:30" in transition
    fields = sections["字段修改 / Fields changed"]
    assert "root_cause: + 未核对。" in fields and "customer_phone: (保密" in fields
    assert "13900000009" not in out  # a PR comment is shared: no personal data


# -- property: the field-level trail, replayed, rebuilds every version ------------------------------
values = st.one_of(st.text(max_size=12), st.integers(-5, 5), st.booleans(), st.dates(dt.date(2025, 1, 1), dt.date(2027, 1, 1)),
                   st.lists(st.text(max_size=5), max_size=3))
records_st = st.dictionaries(st.sampled_from(["status", "grade", "due", "owner", "note", "actions"]), values, max_size=5)
nested = st.fixed_dictionaries({"id": st.just("R-1")}, optional={
    "status": st.sampled_from(["open", "closed"]), "verification": st.dictionaries(st.sampled_from(["by", "on"]), values, max_size=2),
}).flatmap(lambda base: records_st.map(lambda extra: {**base, **extra}))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(nested, min_size=1, max_size=6))
def test_trail_replay_rebuilds_each_version(tmp_path_factory, versions: list[dict]) -> None:  # type: ignore[no-untyped-def,type-arg]
    root = tmp_path_factory.mktemp("trail")
    g = GitRepo(root)
    path = root / "records" / "x" / "R-1.yaml"
    for n, version in enumerate(versions):
        write(path, yamlio.dumps(version))
        g.commit(f"v{n}", ["张三", "李四", "王五"][n % 3], f"2026-01-{n + 1:02d}T10:00:00+08:00")
    trail = HistoryIndex.build(root).trail("records/x/R-1.yaml")
    committed = [e.data for e in trail]
    # a version whose text equals the previous one changes no file, so compare with the distinct texts
    texts = [yamlio.dumps(v) for v in versions]
    distinct = [v for i, v in enumerate(versions) if i == 0 or texts[i] != texts[i - 1]]
    assert committed == distinct
    state: dict = {}  # type: ignore[type-arg]
    for entry in trail:
        state = apply_changes(state, entry.changes)
        assert state == entry.data


def test_integration_files_name_the_right_commands() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"]: h["entry"] for h in hooks}["qms-check"] == "qms check"
    assert all(h["language"] == "python" and h["pass_filenames"] is False for h in hooks)
    template = ROOT / "tools/qmskit/templates/init/common/dot-github/workflows/qms.yml"
    for path in (ROOT / ".github/workflows/qms.yml", template):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        triggers = workflow[True]  # YAML 1.1 reads the key "on" as true
        assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
        jobs = list(workflow["jobs"].values())
        pr_job, main_job = jobs[:2]
        checkout = next(s for s in pr_job["steps"] if s.get("uses", "").startswith("actions/checkout"))
        assert checkout["with"]["fetch-depth"] == 0
        runs = " ".join(s.get("run", "") for s in pr_job["steps"])
        assert "qms check --base" in runs and "--format github" in runs and "qms diff --base" in runs
        main_runs = " ".join(s.get("run", "") for s in main_job["steps"])
        assert "qms site build" in main_runs and "qms reports" in main_runs


# -- qms show of one record: the form's confidential fields, remembered or read, always masked -----------------
SECRETS = ("王小明", "13800000001", "13900000009")


def _facts_files(root: Path) -> list[Path]:
    return sorted((root / ".git/qms-cache").glob("kinds-*.marshal"))


def _now_rows(out: str) -> dict[str, str]:
    """The "Now" table of a shown record, field → shown value."""
    now = out.split("## 当前内容")[1].split("## ")[0]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in now.splitlines() if line.startswith("| ")]
    return {row[0]: row[1] for row in cells[2:]}  # after the header and its rule


def test_show_masks_confidential_fields_cold_and_warm(git_repo: GitRepo) -> None:
    """Cold (no cache: the form is imported) and warm (the form's remembered facts) mask the same fields."""
    import shutil

    git_repo.edit(CMP1, 'customer_phone: "13800000001"', 'customer_phone: "13900000009"')
    git_repo.commit("更正顾客电话", "李娜", "2026-02-10T14:30:00+08:00")
    shutil.rmtree(git_repo.root / ".git/qms-cache", ignore_errors=True)
    rid = f"CMP-{YEAR}-0001"
    cold = run_qms("show", rid, cwd=git_repo.root)
    assert cold.returncode == 0, cold.stderr
    assert _facts_files(git_repo.root), "the cold show remembers the form's facts"
    warm = run_qms("show", rid, cwd=git_repo.root)
    assert warm.returncode == 0, warm.stderr
    for out in (cold.stdout, warm.stdout):
        assert not [s for s in SECRETS if s in out]
        now = _now_rows(out)
        assert now["customer_name"].startswith("(保密") and now["customer_phone"].startswith("(保密")
        assert now["department"] == "客户服务部"  # not confidential: shown
        assert "customer_phone: (保密" in out.split("## 修改历史")[1]  # the change of phone, masked in the trail
    assert warm.stdout == cold.stdout
    as_json = run_qms("show", rid, "--format", "json", cwd=git_repo.root).stdout
    assert not [s for s in SECRETS if s in as_json]


def test_show_masks_a_field_made_confidential_after_its_form_was_remembered(git_repo: GitRepo) -> None:
    rid = f"CMP-{YEAR}-0001"
    assert "报修后两天无人联系" in run_qms("show", rid, cwd=git_repo.root).stdout  # description: not confidential yet
    form = git_repo.root / "schemas/complaint.py"
    text = form.read_text(encoding="utf-8")
    form.write_text(text.replace('confidential=("customer_name", "customer_phone")',
                                 'confidential=("customer_name", "customer_phone", "description")'), encoding="utf-8")
    out = run_qms("show", rid, cwd=git_repo.root).stdout  # the form changed (not even committed): its facts are read again
    assert "报修后两天无人联系" not in out and _now_rows(out)["description"].startswith("(保密")


def test_show_of_a_record_no_form_describes_shows_no_value(git_repo: GitRepo) -> None:
    write(git_repo.root / "records/mystery/M-1.yaml", "id: M-1\nsecret: 绝密内容\n")
    git_repo.commit("未知类别的记录", "李娜", "2026-02-10T14:30:00+08:00")
    for _ in ("cold", "warm"):  # the answer "no form" is remembered too, and means the same
        result = run_qms("show", "M-1", cwd=git_repo.root)
        assert result.returncode == 0, result.stderr
        assert "绝密内容" not in result.stdout and _now_rows(result.stdout)["secret"].startswith("(保密")
