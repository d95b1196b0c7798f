"""Rules that had no test: each case here fails when its rule or its guard is taken away."""
from __future__ import annotations

import builtins
import copy
import io
import os
import re
from pathlib import Path

import pytest
import yaml
from conftest import TODAY, GitRepo, in_english, run_qms, write

from qmskit import Repository, check_repository
from qmskit.cli import _print_issues
from qmskit.issues import Issue

YEAR = TODAY.year
QP01 = "manual/QP-01-document-control.md"
QP03 = "manual/QP-03-complaints.md"
CMP1 = f"records/complaint/CMP-{YEAR}-0001.yaml"
CMP2 = f"records/complaint/CMP-{YEAR}-0002.yaml"



@pytest.fixture(autouse=True)
def _english(repo: Path) -> None:
    """These tests read the English wording of the checks' messages (qms.yml: lang: en)."""
    in_english(repo)


def check(root: Path) -> list[Issue]:
    return check_repository(Repository(root), TODAY, jobs=1).issues


def of_rule(issues: list[Issue], rule: str) -> list[Issue]:
    return [i for i in issues if i.rule == rule]


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, rel)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def drop_lines(root: Path, rel: str, *prefixes: str) -> None:
    path = root / rel
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(l for l in lines if not l.startswith(prefixes)) + "\n", encoding="utf-8")


# -- document control -------------------------------------------------------------------------------

def test_a_draft_needs_no_approval(repo: Path) -> None:
    drop_lines(repo, QP01, "approved:", "effective:", "review_every:")
    assert len(of_rule(check(repo), "document-control")) == 3  # effective: all three are needed
    edit(repo, QP01, "status: effective", "status: draft")
    assert check(repo) == []


def test_a_drafts_text_may_change_without_a_new_approval(git_repo: GitRepo) -> None:
    git_repo.edit(QP01, "status: effective", "status: draft")
    drop_lines(git_repo.root, QP01, "approved:", "effective:")  # a draft carries no approval (document-draft-dated)
    git_repo.commit("draft again", "王芳", "2026-01-06T09:00:00+08:00")
    git_repo.git("checkout", "-q", "-b", "change")
    git_repo.edit(QP01, "revision: A/0", "revision: A/1")
    (git_repo.root / QP01).write_text((git_repo.root / QP01).read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    assert run_qms("check", "--base", "main", cwd=git_repo.root).returncode == 0
    git_repo.edit(QP01, "status: draft", "status: effective")
    result = run_qms("check", "--base", "main", cwd=git_repo.root)
    assert result.returncode == 1 and "change-document-approval" in result.stdout


def test_a_record_id_may_not_be_a_document_number(repo: Path) -> None:
    write(repo / "manual/WI-09.md", f"---\nid: CMP-{YEAR}-0002\ntitle: 作业指导书\ntype: WI\nrevision: A/0\n"
          "status: draft\nowner: 质量部经理\napprover: 管理者代表\n---\n# 作业指导书\n")
    found = of_rule(check(repo), "record-id-unique")
    assert [i.path for i in found] == [CMP2] and "document number" in found[0].message and "qms new" in found[0].message


def test_document_numbers_are_unique(repo: Path) -> None:
    text = (repo / QP03).read_text(encoding="utf-8")
    write(repo / "manual/QP-03-copy.md", text)
    found = of_rule(check(repo), "document-id-unique")
    assert len(found) == 1 and QP03 in found[0].message and "its own number" in found[0].message


def test_effective_date_may_not_come_before_approval(repo: Path) -> None:
    text = (repo / QP03).read_text(encoding="utf-8")
    approved = re.search(r"^approved: (.*)$", text, re.M).group(1)  # type: ignore[union-attr]
    (repo / QP03).write_text(re.sub(r"^effective: .*$", f"effective: {approved}", text, flags=re.M), encoding="utf-8")
    assert check(repo) == []  # the same day is fine
    edit(repo, QP03, f"approved: {approved}", "approved: 2099-01-01")
    found = of_rule(check(repo), "document-control")
    assert len(found) == 1 and "before approved" in found[0].message and "correct one of the dates" in found[0].message


def test_a_document_may_not_supersede_itself(repo: Path) -> None:
    edit(repo, QP03, "forms: [complaint]", "forms: [complaint]\nsupersedes: QP-03")
    found = of_rule(check(repo), "document-supersedes-itself")
    assert len(found) == 1 and found[0].path == QP03


# -- forms and records ----------------------------------------------------------------------------------

def test_status_on_a_form_without_a_workflow(repo: Path) -> None:
    rel = f"records/amendment/AMD-{YEAR}-001.yaml"
    write(repo / rel, f"id: AMD-{YEAR}-001\namends: CMP-{YEAR}-0001\nreason: 电话记错。\nchange: 更正电话。\n"
          f"approved_by: 管理者代表\napproved: {YEAR}-06-01\n")
    assert check(repo) == []
    edit(repo, rel, "reason:", "status: closed\nreason:")
    found = of_rule(check(repo), "record-status")
    assert [i.path for i in found] == [rel] and "remove 'status'" in found[0].message


def test_orphan_json_schema(repo: Path) -> None:
    write(repo / "schemas/json/visitor.schema.json", '{"$id": "visitor.schema.json"}\n')
    found = of_rule(check(repo), "schema-json-orphan")
    assert [i.path for i in found] == ["schemas/json/visitor.schema.json"] and "delete this file" in found[0].message


def test_duplicate_form_code(repo: Path) -> None:
    text = (repo / "schemas/complaint.py").read_text(encoding="utf-8")
    write(repo / "schemas/complaint2.py", text.replace('kind="complaint"', 'kind="complaint2"')
          .replace("class ComplaintRecord", "class SecondComplaint"))
    found = [i for i in check(repo) if i.rule == "schema-spec" and "QM-FOR-03-01" in i.message]
    assert [i.path for i in found] == ["schemas/complaint2.py"] and "already used by kind 'complaint'" in found[0].message


@pytest.mark.parametrize(("rel", "key"), [("manual/objectives.yml", "objectives"), ("manual/objectives.yml", "standards"),
                                          ("manual/schedule.yml", "activities")])
def test_duplicate_plan_ids(repo: Path, rel: str, key: str) -> None:
    data = yaml.safe_load((repo / rel).read_text(encoding="utf-8"))
    data[key].append(copy.deepcopy(data[key][0]))  # deep: a shared block would be dumped as an anchor
    (repo / rel).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    found = of_rule(check(repo), "plan-duplicate")
    assert [i.path for i in found] == [rel] and "defined twice" in found[0].message and "next free id" in found[0].message


def test_size_limit_is_checked_before_reading(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = [repo / f"records/complaint/CMP-{YEAR}-0008.yaml", repo / "manual/QP-09-big.md", repo / "manual/organization.yml"]
    for path in big:
        with open(path, "wb") as handle:
            handle.truncate(64 * 1024 * 1024)  # sparse: 64 MiB on paper, nothing on disk
    names = {str(p) for p in big}

    def guard(real):  # type: ignore[no-untyped-def]
        def opened(target, *args, **kwargs):  # type: ignore[no-untyped-def]
            if str(target) in names:
                raise AssertionError(f"{target} was opened although it is over the size limit")
            return real(target, *args, **kwargs)
        return opened

    monkeypatch.setattr(os, "open", guard(os.open))
    monkeypatch.setattr(builtins, "open", guard(builtins.open))
    monkeypatch.setattr(io, "open", guard(io.open))  # Path.open, read_bytes and read_text go through io.open
    sizes = {i.path for i in check(repo) if i.rule == "yaml-size"}
    assert sizes == {f"records/complaint/CMP-{YEAR}-0008.yaml", "manual/QP-09-big.md", "manual/organization.yml"}


# -- masking of nested and list fields --------------------------------------------------------------------

NESTED_FORM = '''

class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    phone: str | None = None


class Witness(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    role: str | None = None
'''


def nested_complaints(root: Path) -> None:
    """The complaint form with a nested and a list field whose parts are confidential."""
    module = root / "schemas/complaint.py"
    text = module.read_text(encoding="utf-8")
    text = text.replace("from qmskit.forms import", "from pydantic import BaseModel, ConfigDict\nfrom qmskit.forms import")
    text = text.replace('\n\nclass ComplaintRecord', NESTED_FORM + '\n\nclass ComplaintRecord')
    text = text.replace('confidential=("customer_name", "customer_phone"),',
                        'confidential=("customer_name", "customer_phone", "contact.phone", "witnesses.name"),')
    text += "    contact: Contact | None = None\n    witnesses: list[Witness] = []\n"
    module.write_text(text, encoding="utf-8")
    assert run_qms("schema", "export", cwd=root).returncode == 0
    with open(root / CMP2, "a", encoding="utf-8") as handle:
        handle.write("contact: {name: 前台, phone: '13611110000'}\nwitnesses:\n  - {name: 赵见证, role: 保安}\n")


SECRETS = ("13611110000", "13622220000", "赵见证", "钱见证")


def change_nested(root: Path) -> None:
    edit(root, CMP2, "13611110000", "13622220000")
    edit(root, CMP2, "  - {name: 赵见证, role: 保安}", "  - {name: 钱见证, role: 前台}")


def test_show_masks_nested_and_list_fields(git_repo: GitRepo) -> None:
    nested_complaints(git_repo.root)
    git_repo.commit("contact and witnesses", "李四", "2026-02-01T10:00:00+08:00")
    change_nested(git_repo.root)
    git_repo.commit("new phone and witness", "李四", "2026-02-02T10:00:00+08:00")
    assert run_qms("check", cwd=git_repo.root).returncode == 0
    out = run_qms("show", f"CMP-{YEAR}-0002", cwd=git_repo.root).stdout
    for secret in SECRETS:
        assert secret not in out, secret
    assert "前台" in out and "保安" in out and "contact.phone: (保密" in out  # what is not confidential stays readable
    revealed = run_qms("show", f"CMP-{YEAR}-0002", "--reveal", cwd=git_repo.root).stdout
    assert all(secret in revealed for secret in SECRETS)


def test_diff_masks_nested_and_list_fields(git_repo: GitRepo) -> None:
    nested_complaints(git_repo.root)
    git_repo.commit("contact and witnesses", "李四", "2026-02-01T10:00:00+08:00")
    git_repo.git("checkout", "-q", "-b", "change")
    change_nested(git_repo.root)
    out = run_qms("diff", "--base", "main", cwd=git_repo.root).stdout
    assert f"CMP-{YEAR}-0002" in out and "contact.phone" in out and "保安" in out
    for secret in SECRETS:
        assert secret not in out, secret


# -- output and git ---------------------------------------------------------------------------------------------

def test_github_annotations_escape_properties_and_message(capsys: pytest.CaptureFixture[str]) -> None:
    _print_issues([Issue("records/a,b:c%d\r\ne.yaml", 3, 4, "rule,x:y", "100% sure\r\n::error::no")], "github")
    assert capsys.readouterr().out == (
        "::error file=records/a%2Cb%3Ac%25d%0D%0Ae.yaml,line=3,col=4,title=rule%2Cx%3Ay::100%25 sure%0D%0A::error::no\n")


def test_text_output_prints_no_control_character(capsys: pytest.CaptureFixture[str]) -> None:
    _print_issues([Issue("records/a\nb.yaml", 1, 1, "record-file", "x\x1b[2Jy")], "text")
    assert capsys.readouterr().out == "records/a\\x0ab.yaml:1:1: record-file: x\\x1b[2Jy\n"


def test_pull_request_check_refuses_a_qms_in_a_git_subfolder(repo: Path, tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    outer.mkdir()
    repo.rename(outer / "qms")
    g = GitRepo(outer)
    g.commit("init", "王芳", "2026-01-05T09:00:00+08:00")
    g.git("checkout", "-q", "-b", "change")
    for args in (("check", "--base", "main"), ("diff", "--base", "main"), ("show", f"CMP-{YEAR}-0001")):
        result = run_qms(*args, cwd=outer / "qms")
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "subfolder 'qms/'" in result.stderr and "top of the repository" in result.stderr
