"""Each rule of ``qms check``: the repository ``qms init`` writes passes it, a broken one fails it."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import TODAY, in_english, write

from qmskit import Repository, check_repository
from qmskit.issues import Issue

YEAR = TODAY.year
NCR2 = f"records/nonconformity/NCR-{YEAR}-0002.yaml"
CA1 = f"records/corrective_action/CA-{YEAR}-0001.yaml"


@pytest.fixture(autouse=True)
def _english(repo: Path) -> None:
    """These tests read the English wording of the checks' messages (qms.yml: lang: en)."""
    in_english(repo)


def check(root: Path, as_of: dt.date = TODAY) -> list[Issue]:
    return check_repository(Repository(root), as_of, jobs=1).issues


def rules(issues: list[Issue]) -> set[str]:
    return {i.rule for i in issues}


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, rel: str, needle: str) -> int:
    for number, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {rel}")


def only(issues: list[Issue], rule: str) -> Issue:
    found = [i for i in issues if i.rule == rule]
    assert len(found) == 1, issues
    return found[0]


def test_fresh_repository_is_clean(repo: Path) -> None:
    assert check(repo) == []


def test_schema_error_points_at_the_field(repo: Path) -> None:
    edit(repo, NCR2, "grade: observation", "grade: tiny")
    issue = only(check(repo), "schema")
    assert (issue.path, issue.line) == (NCR2, line_of(repo, NCR2, "grade:"))
    assert "grade" in issue.message


def test_unknown_field(repo: Path) -> None:
    edit(repo, NCR2, "grade: observation", "grade: observation\ngarde: minor")
    issue = only(check(repo), "schema")
    assert issue.line == line_of(repo, NCR2, "garde:") and "unknown field 'garde'" in issue.message


def test_missing_field_is_reported(repo: Path) -> None:
    edit(repo, NCR2, "grade: observation\n", "")
    issue = only(check(repo), "schema")
    assert "field 'grade' is required" in issue.message


def test_id_must_equal_file_name(repo: Path) -> None:
    edit(repo, NCR2, f"id: NCR-{YEAR}-0002", f"id: NCR-{YEAR}-0022")
    issue = only(check(repo), "record-id")
    assert (issue.path, issue.line) == (NCR2, 2)


def test_id_must_follow_the_pattern(repo: Path) -> None:
    text = (repo / NCR2).read_text(encoding="utf-8").replace(f"NCR-{YEAR}-0002", "NCR-X-2")
    write(repo / "records/nonconformity/NCR-X-2.yaml", text)
    (repo / NCR2).unlink()
    issue = only(check(repo), "record-id-pattern")
    assert "NCR-{year}-{seq:04}" in issue.message


def test_ids_unique_across_kinds(repo: Path) -> None:
    text = (repo / CA1).read_text(encoding="utf-8")
    write(repo / f"records/corrective_action/NCR-{YEAR}-0002.yaml", text.replace(f"CA-{YEAR}-0001", f"NCR-{YEAR}-0002"))
    issues = check(repo)
    assert "record-id-unique" in rules(issues)


def test_record_reference_must_exist(repo: Path) -> None:
    edit(repo, CA1, f"nonconformity: NCR-{YEAR}-0001", f"nonconformity: NCR-{YEAR}-0099")
    issue = only(check(repo), "ref-record")
    assert issue.line == line_of(repo, CA1, "nonconformity:") and "NCR-" in issue.message


def test_record_reference_must_be_of_the_right_kind(repo: Path) -> None:
    edit(repo, CA1, f"nonconformity: NCR-{YEAR}-0001", f"nonconformity: CMP-{YEAR}-0001")
    issue = only(check(repo), "ref-record")
    assert "complaint record" in issue.message and "Nonconformity" in issue.message


def test_reference_inside_a_list(repo: Path) -> None:
    rel = f"records/nonconformity/NCR-{YEAR}-0001.yaml"
    edit(repo, rel, f"actions: [CA-{YEAR}-0001]", f"actions: [CA-{YEAR}-0001, CA-{YEAR}-0404]")
    issue = only(check(repo), "ref-record")
    assert "CA-" in issue.message and issue.line == line_of(repo, rel, "actions:")


def test_document_reference_with_section(repo: Path) -> None:
    edit(repo, NCR2, "requirement: QP-01", "requirement: QP-01 §3.2")
    assert check(repo) == []
    edit(repo, NCR2, "requirement: QP-01 §3.2", "requirement: QP-09 §3.2")
    assert "no document 'QP-09'" in only(check(repo), "ref-document").message


def test_role_and_department_references(repo: Path) -> None:
    edit(repo, NCR2, "owner: 质量部经理", "owner: 厨师长")
    edit(repo, NCR2, "department: 质量部", "department: 厨房")
    issues = check(repo)
    assert rules(issues) == {"ref-role", "ref-department"}


def test_nested_reference(repo: Path) -> None:
    rel = f"records/nonconformity/NCR-{YEAR}-0001.yaml"
    edit(repo, rel, "  by: 内审员", "  by: 路人")
    issue = only(check(repo), "ref-role")
    assert issue.line == line_of(repo, rel, "by: 路人")


def test_status_must_be_in_the_workflow(repo: Path) -> None:
    edit(repo, NCR2, "status: open", "status: pending")
    issue = only(check(repo), "record-status")
    assert "open → analysis" in issue.message


def test_status_requires_its_fields(repo: Path) -> None:
    edit(repo, NCR2, "status: open", "status: closed")
    issues = [i for i in check(repo) if i.rule == "record-status-fields"]
    missing = {i.message.split("needs '")[1].split("'")[0] for i in issues}
    assert missing == {"root_cause", "correction", "verification", "closed"}


def test_status_fields_pass_when_filled(repo: Path) -> None:
    edit(repo, NCR2, "status: open", "status: analysis\nroot_cause: 打印前未核对版本。")
    assert check(repo) == []


def test_front_matter_required(repo: Path) -> None:
    write(repo / "manual/WI-01.md", "# 没有文件控制信息\n")
    issue = only(check(repo), "document-front-matter")
    assert issue.path == "manual/WI-01.md"


def test_front_matter_schema(repo: Path) -> None:
    edit(repo, "manual/QP-01-document-control.md", "type: QP", "type: XYZ")
    issue = only(check(repo), "document-schema")
    assert (issue.path, issue.line) == ("manual/QP-01-document-control.md", 4)


def test_document_forms_must_be_kinds(repo: Path) -> None:
    edit(repo, "manual/QP-03-complaints.md", "forms: [complaint]", "forms: [complaint, survey]")
    assert "'survey'" in only(check(repo), "document-forms").message


def test_effective_document_needs_approval_dates(repo: Path) -> None:
    rel = "manual/QP-01-document-control.md"
    text = (repo / rel).read_text(encoding="utf-8")
    (repo / rel).write_text("\n".join(l for l in text.splitlines() if not l.startswith("approved:")) + "\n", encoding="utf-8")
    assert "'approved'" in only(check(repo), "document-control").message


def test_review_overdue_uses_as_of(repo: Path) -> None:
    assert check(repo, TODAY + dt.timedelta(days=300)) == []
    issues = [i for i in check(repo, TODAY + dt.timedelta(days=400)) if i.rule == "document-review-overdue"]
    assert len(issues) == 4  # every effective document in the template is reviewed yearly


def test_effective_document_may_not_cite_an_obsolete_one(repo: Path) -> None:
    write(repo / "manual/QP-00-old.md", "---\nid: QP-00\ntitle: 旧程序\ntype: QP\nrevision: A/0\nstatus: obsolete\n"
          "owner: 质量部经理\napprover: 管理者代表\n---\n# 旧\n")
    assert check(repo) == []
    rel = "manual/QP-03-complaints.md"
    edit(repo, rel, "投诉在受理后", "按 QP-00 的规定,投诉在受理后")
    issue = only(check(repo), "document-obsolete-reference")
    assert issue.line == line_of(repo, rel, "QP-00") and "QP-00" in issue.message


def test_superseded_document_may_be_named(repo: Path) -> None:
    write(repo / "manual/QP-00-old.md", "---\nid: QP-00\ntitle: 旧程序\ntype: QP\nrevision: A/0\nstatus: obsolete\n"
          "owner: 质量部经理\napprover: 管理者代表\n---\n# 旧\n")
    rel = "manual/QP-03-complaints.md"
    edit(repo, rel, "forms: [complaint]", "forms: [complaint]\nsupersedes: QP-00")
    edit(repo, rel, "投诉在受理后", "本程序替代 QP-00。投诉在受理后")
    assert check(repo) == []


def test_document_owner_must_be_a_role(repo: Path) -> None:
    edit(repo, "manual/QP-01-document-control.md", "owner: 质量部经理", "owner: 某人")
    assert only(check(repo), "ref-role").path == "manual/QP-01-document-control.md"


def test_broken_schema_module_is_named(repo: Path) -> None:
    (repo / "schemas/complaint.py").write_text("from qmskit.forms import Complaint\nraise RuntimeError('boom')\n", encoding="utf-8")
    issues = check(repo)
    issue = only(issues, "schema-import")
    assert (issue.path, issue.line) == ("schemas/complaint.py", 2) and "boom" in issue.message
    assert len([i for i in issues if i.rule == "record-kind"]) == 1  # once for the folder, not per file
    assert "nonconformity" not in {i.path.split("/")[1] for i in issues if i.path.startswith("records/")}


def test_form_spec_must_agree_with_fields(repo: Path) -> None:
    edit(repo, "schemas/complaint.py", 'confidential=("customer_name", "customer_phone")', 'confidential=("customer_nmae",)')
    assert "customer_nmae" in only(check(repo), "schema-spec").message


def test_form_procedure_must_exist(repo: Path) -> None:
    edit(repo, "schemas/complaint.py", 'procedure="QP-03"', 'procedure="QP-77"')
    assert "QP-77" in only(check(repo), "schema-procedure").message


def test_json_schema_drift(repo: Path) -> None:
    edit(repo, "schemas/complaint.py", "    customer_phone: str | None = None\n",
         "    customer_phone: str | None = None\n    channel: str | None = None\n")
    issue = only(check(repo), "schema-json-drift")
    assert issue.path == "schemas/json/complaint.schema.json" and "qms schema export" in issue.message


def test_unknown_records_folder(repo: Path) -> None:
    write(repo / "records/survey/S-1.yaml", "id: S-1\n")
    assert "records/survey/" in only(check(repo), "record-kind").message


def test_nested_folder_is_not_a_kind(repo: Path) -> None:
    write(repo / f"records/complaint/2026/CMP-{YEAR}-0010.yaml", "id: x\n")
    assert "records/complaint/2026/ is not a record kind" in only(check(repo), "record-kind").message


def test_yml_extension_is_reported(repo: Path) -> None:
    write(repo / f"records/complaint/CMP-{YEAR}-0009.yml", "id: x\n")
    assert "rename it" in only(check(repo), "record-file").message


def test_one_bad_file_does_not_stop_the_others(repo: Path) -> None:
    (repo / NCR2).write_bytes("id: 中文\n".encode("gbk"))
    edit(repo, CA1, "owner: 客户服务部经理", "owner: 无此岗位")
    issues = check(repo)
    assert rules(issues) == {"yaml-encoding", "ref-role"}
    assert {i.path for i in issues} == {NCR2, CA1}


def test_parallel_and_serial_checks_agree(repo: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import qmskit.checks as checks

    edit(repo, NCR2, "grade: observation", "grade: tiny")
    edit(repo, CA1, "owner: 客户服务部经理", "owner: 无此岗位")
    serial = check(repo)
    monkeypatch.setattr(checks, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(checks, "CHUNK", 2)
    parallel = check_repository(Repository(repo), TODAY, jobs=2).issues
    assert parallel == serial and len(serial) == 2


def test_organization_entries_must_resolve(repo: Path) -> None:
    edit(repo, "manual/organization.yml", "    reports_to: 质量部经理\n", "    reports_to: 不存在的上级\n")
    issue = only(check(repo), "organization")
    assert issue.path == "manual/organization.yml" and issue.line == line_of(repo, "manual/organization.yml", "不存在的上级")


def test_objectives_and_schedule_must_match_the_forms(repo: Path) -> None:
    assert check(repo) == []
    edit(repo, "manual/objectives.yml", "field: replied", "field: answered")
    edit(repo, "manual/schedule.yml", "owner: 内审员", "owner: 无此岗位")
    issues = [i for i in check(repo) if i.rule == "plan-reference"]
    assert {i.path for i in issues} == {"manual/objectives.yml", "manual/schedule.yml"}
    assert any("no field 'answered'" in i.message for i in issues)
    assert any("无此岗位" in i.message for i in issues)


def test_objective_file_schema(repo: Path) -> None:
    edit(repo, "manual/objectives.yml", "target: 1.0", "target: 100")
    issue = only(check(repo), "plan-schema")
    assert issue.line == line_of(repo, "manual/objectives.yml", "target: 100")


def test_confidential_paths_may_name_nested_fields(repo: Path) -> None:
    edit(repo, "schemas/complaint.py", 'confidential=("customer_name", "customer_phone")',
         'confidential=("customer_name", "verification.by")')
    assert "verification.by" in only(check(repo), "schema-spec").message  # complaints have no verification
    edit(repo, "schemas/complaint.py", '"verification.by"', '"customer_phone"')
    edit(repo, "schemas/nonconformity.py", "        date_field=", '        confidential=("verification.by",),\n        date_field=')
    assert [i.rule for i in check(repo)] == ["schema-json-drift"]  # valid path; only the export is now stale


def test_malformed_form_spec_is_reported_not_raised(repo: Path) -> None:
    edit(repo, "schemas/complaint.py", "workflow=Workflow.linear(", "workflow=dict(x=Workflow.linear(")
    edit(repo, "schemas/complaint.py", '("closed", "feedback")}),', '("closed", "feedback")})),')
    issue = only(check(repo), "schema-spec")
    assert issue.path == "schemas/complaint.py" and "cannot be read" in issue.message
    (repo / "schemas/complaint.py").write_text(
        "from qmskit.forms import Complaint\n\nclass C(Complaint):\n    form = 'complaint'\n", encoding="utf-8")
    assert "must be a FormSpec" in only(check(repo), "schema-spec").message
