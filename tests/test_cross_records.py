"""Rules across records, each with a contradiction planted in a small repository and its legal counterpart.

Every repository here is the one ``qms init`` writes, with its records
cleared and the forms and records of the test written from dictionaries.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from conftest import GitRepo, in_english, write
from reportkit import clear_records, context, write_record

from qmskit import Repository, check_repository
from qmskit.checks import check_pull_request
from qmskit.issues import Issue, Severity
from qmskit.messages import text
from qmskit.registry import load_registry
from qmskit.reports import due
from qmskit.schema_export import export

D = dt.date
AS_OF = D(2026, 11, 30)

FORMS = '''
import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from qmskit.forms import (AuditPlan, AuditReport, Computed, Derived, FormSpec, Person, PersonRef, RecordBase,
                          RecordRef, Recount, RoleRef, SumOf, TrainingRecord, Workflow)


class People(Person):
    form = FormSpec(kind="person", code="T-FOR-01", title_zh="人员登记表", title_en="Person record",
                    procedure="QP-01", id_pattern="EMP-{seq:04}", confidential=("phone",))
    phone: str | None = None


class Plan(AuditPlan):
    form = FormSpec(kind="audit_plan", code="T-FOR-02", title_zh="审核计划", title_en="Audit plan",
                    procedure="QP-01", id_pattern="IAP-{year}-{seq:02}", date_field="start")


class Report(AuditReport):
    form = FormSpec(kind="audit_report", code="T-FOR-03", title_zh="审核报告", title_en="Audit report",
                    procedure="QP-01", id_pattern="IA-{year}-{seq:02}", date_field="opened")


class Feature(RecordBase):
    form = FormSpec(kind="risk_feature", code="T-FOR-04", title_zh="风险特征", title_en="Risk feature",
                    procedure="QP-01", id_pattern="RF-{seq:04}")
    score: int


class Ranked(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enterprise: str
    risks: list[RecordRef("risk_feature")]
    score: int


class Assessment(RecordBase):
    form = FormSpec(kind="risk_assessment", code="T-FOR-05", title_zh="风险评估", title_en="Risk assessment",
                    procedure="QP-01", id_pattern="RA-{year}-{seq:02}",
                    derived=(Derived("ranking.*.score", SumOf("risks", "score")),))
    ranking: list[Ranked]


class Result(RecordBase):
    form = FormSpec(kind="objective_result", code="T-FOR-06", title_zh="目标统计", title_en="Objective result",
                    procedure="QP-01", id_pattern="OBJ-{year}-{seq:03}", date_field="reported",
                    derived=(Derived("numerator", Recount("numerator", as_of="reported")),
                             Derived("denominator", Recount("denominator", as_of="reported"))))
    objective: str
    period: str
    department: str | None = None
    numerator: int
    denominator: int
    reported: dt.date


class Survey(RecordBase):
    form = FormSpec(kind="survey", code="T-FOR-07", title_zh="满意度调查", title_en="Survey",
                    procedure="QP-01", id_pattern="SAT-{year}-{seq:04}", date_field="surveyed")
    surveyed: dt.date
    satisfied: bool


def _open_days(record, index):
    """Days from received to closed: what the form says a 'days_open' field holds."""
    if record.get("closed") is None:
        return None
    return (record.get("closed") - record.get("received")).days


def _complaints_of(record, index):
    return sum(1 for c in index.of_kind("complaint") if c.get("nonconformity") == record.get("ncr"))


class Tally(RecordBase):
    form = FormSpec(kind="tally", code="T-FOR-08", title_zh="统计", title_en="Tally", procedure="QP-01",
                    id_pattern="TL-{seq:04}",
                    derived=(Derived("days_open", Computed(_open_days)),
                             Derived("complaints", Computed(_complaints_of, needs={"Complaint": ("nonconformity",)},
                                                            explain="the complaints that name the NCR"))))
    received: dt.date
    closed: dt.date | None = None
    days_open: int | None = None
    ncr: RecordRef("Nonconformity")
    complaints: int


class Sign(RecordBase):
    form = FormSpec(kind="signoff", code="T-FOR-09", title_zh="签字", title_en="Sign-off", procedure="QP-01",
                    id_pattern="SG-{seq:04}")
    department: str
    signed: dt.date
    signer: PersonRef(department_field="department", date_field="signed")


class Training(TrainingRecord):
    form = FormSpec(kind="training_record", code="T-FOR-10", title_zh="培训记录", title_en="Training record",
                    procedure="QP-01", id_pattern="TRN-{year}-{seq:03}", date_field="held")
'''

OBJECTIVES = '''
objectives:
  - id: OBJ-QM-01
    name: 顾客满意度
    en: customer satisfaction
    unit: main
    target: 0.9
    period: quarter
    source: QM-01
    rule: {kind: survey, measure: share_true, field: satisfied, date_field: surveyed}
'''

NCR = "records/nonconformity/NCR-2026-0001.yaml"


def add_forms(root: Path, name: str, text: str) -> None:
    """A form module in schemas/, with its JSON Schema exported as 'qms schema export' would."""
    write(root / "schemas" / name, text)
    export(root, load_registry(root / "schemas", root))


@pytest.fixture
def qms(repo: Path) -> Path:
    """The ``qms init`` repository with no records and the forms of these tests, its messages in English."""
    in_english(repo)
    clear_records(repo)
    add_forms(repo, "test_forms.py", FORMS)
    write(repo / "manual" / "objectives.yml", OBJECTIVES)
    return repo


def check(root: Path, jobs: int = 1) -> list[Issue]:
    return check_repository(Repository(root), AS_OF, jobs=jobs).issues


def of_rule(issues: list[Issue], rule: str) -> list[Issue]:
    return [i for i in issues if i.rule == rule]


def ncr(root: Path, rid: str = "NCR-2026-0001", **fields: Any) -> None:
    data: dict[str, Any] = {
        "id": rid, "status": "open", "source": "internal_audit", "raised": D(2026, 3, 10), "requirement": "QP-02",
        "description": "抽查发现记录缺项。", "grade": "minor", "department": "质量部", "owner": "质量部经理",
        "due": D(2026, 4, 30),
    }
    data.update(fields)
    write_record(root, "nonconformity", {k: v for k, v in data.items() if v is not None})


def action(root: Path, rid: str = "CA-2026-0001", **fields: Any) -> None:
    data: dict[str, Any] = {"id": rid, "status": "open", "type": "corrective", "raised": D(2026, 3, 12),
                            "nonconformity": "NCR-2026-0001", "action": "修订表格。", "owner": "质量部经理",
                            "due": D(2026, 4, 20)}
    data.update(fields)
    write_record(root, "corrective_action", {k: v for k, v in data.items() if v is not None})


def complaint(root: Path, rid: str = "CMP-2026-0001", **fields: Any) -> None:
    data: dict[str, Any] = {"id": rid, "status": "closed", "received": D(2026, 3, 5), "customer_type": "individual",
                            "department": "客户服务部", "description": "回复太慢。", "replied": D(2026, 3, 6),
                            "closed": D(2026, 3, 8), "feedback": "satisfied", "nonconformity": "NCR-2026-0001"}
    data.update(fields)
    write_record(root, "complaint", {k: v for k, v in data.items() if v is not None})


def closed_ncr(root: Path, rid: str = "NCR-2026-0001", on: dt.date = D(2026, 4, 25), **fields: Any) -> None:
    ncr(root, rid, status="closed", root_cause="表格缺少必填提示。", correction="补齐记录。",
        actions=fields.pop("actions", ["CA-2026-0001"]),
        verification={"by": "内审员", "on": on, "result": fields.pop("result", "effective")}, closed=on, **fields)


def verified_action(root: Path, rid: str = "CA-2026-0001", **fields: Any) -> None:
    action(root, rid, status="verified", done=D(2026, 4, 15),
           verification={"by": "内审员", "on": D(2026, 4, 25), "result": "effective"}, **fields)


def person(root: Path, rid: str, roles: list[dict[str, Any]], **fields: Any) -> None:
    write_record(root, "person", {"id": rid, "name": fields.pop("name", "陈静"), "department": "质量部",
                                  "roles": roles, **fields})


# -- date-order ---------------------------------------------------------------------------------------


def audit(root: Path, opened: dt.date = D(2026, 3, 2), start: dt.date = D(2026, 3, 1), **fields: Any) -> None:
    write_record(root, "audit_plan", {"id": "IAP-2026-01", "year": 2026, "scope": ["客户服务部"], "criteria": ["QP-02"],
                                      "leader": "内审员", "start": start, "end": D(2026, 3, 3)})
    write_record(root, "audit_report", {"id": "IA-2026-01", "plan": "IAP-2026-01", "opened": opened,
                                        "scope": ["客户服务部"], "criteria": ["QP-02"], **fields})


def test_an_ncr_raised_before_the_audit_it_cites_is_reported(qms: Path) -> None:
    audit(qms, opened=D(2026, 3, 12))
    ncr(qms, audit="IA-2026-01")  # raised 2026-03-10, two days before the audit opened
    [issue] = of_rule(check(qms), "date-order")
    assert issue.path == NCR and issue.severity is Severity.ERROR
    assert issue.line == (qms / NCR).read_text(encoding="utf-8").splitlines().index("raised: 2026-03-10") + 1
    assert issue.message.startswith("NCR-2026-0001: raised 2026-03-10 is before IA-2026-01's opened 2026-03-12 "
                                    "(records/audit_report/IA-2026-01.yaml), the audit report it names in 'audit'")
    assert "Correct whichever date is wrong" in issue.message


def test_in_chinese_a_date_order_message_names_each_field_by_its_label_and_identifier(qms: Path) -> None:
    config = qms / "qms.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("lang: en", "lang: zh", 1), encoding="utf-8")
    audit(qms, opened=D(2026, 3, 12))
    ncr(qms, audit="IA-2026-01")
    [issue] = of_rule(check(qms), "date-order")
    assert issue.message.startswith("NCR-2026-0001:提出日期(raised) 2026-03-10 早于 IA-2026-01 的 首次会议(opened) 2026-03-12")
    assert "即“审核报告(audit)”所引用的审核报告;提出日期(raised) 不得早于它" in issue.message


def test_an_ncr_raised_on_or_after_the_audit_is_in_order(qms: Path) -> None:
    audit(qms, opened=D(2026, 3, 10))
    ncr(qms, audit="IA-2026-01")
    assert check(qms) == []


def test_the_same_pair_named_from_both_sides_is_reported_once(qms: Path) -> None:
    audit(qms, opened=D(2026, 3, 12), nonconformities=["NCR-2026-0001"])
    ncr(qms, audit="IA-2026-01")
    [issue] = of_rule(check(qms), "date-order")
    assert "NCR-2026-0001" in issue.message and "IA-2026-01" in issue.message


def test_an_action_before_its_ncr_and_a_complaint_after_it_are_reported(qms: Path) -> None:
    ncr(qms, actions=["CA-2026-0001"])
    action(qms, raised=D(2026, 3, 9))  # the day before the NCR
    complaint(qms, received=D(2026, 3, 11))  # the NCR it caused was raised the day before
    found = {(i.path, i.message.split(":")[1].strip().split(" is ")[0]) for i in of_rule(check(qms), "date-order")}
    assert found == {("records/corrective_action/CA-2026-0001.yaml", "raised 2026-03-09"),
                     ("records/complaint/CMP-2026-0001.yaml", "received 2026-03-11")}
    action(qms, raised=D(2026, 3, 10))
    complaint(qms, received=D(2026, 3, 10))
    assert check(qms) == []


def test_an_audit_report_opened_before_its_plan_starts_is_reported(qms: Path) -> None:
    audit(qms, opened=D(2026, 2, 27), start=D(2026, 3, 1))
    [issue] = of_rule(check(qms), "date-order")
    assert issue.path == "records/audit_report/IA-2026-01.yaml"
    assert "opened 2026-02-27 is before IAP-2026-01's start 2026-03-01" in issue.message
    audit(qms, opened=D(2026, 3, 1), start=D(2026, 3, 1))
    assert check(qms) == []


def test_a_verification_before_the_action_is_done_is_reported(qms: Path) -> None:
    closed_ncr(qms, on=D(2026, 4, 10))
    verified_action(qms)  # done 2026-04-15, after the NCR's verification on 2026-04-10
    [issue] = of_rule(check(qms), "date-order")
    assert issue.path == NCR
    assert "verification.on 2026-04-10 is before CA-2026-0001's done 2026-04-15" in issue.message
    assert "'actions[0]'" in issue.message


# -- person-role ----------------------------------------------------------------------------------------


def test_a_verifier_who_did_not_hold_the_role_that_day_is_reported(qms: Path) -> None:
    person(qms, "EMP-0001", [{"role": "质量部经理", "from": D(2024, 1, 1), "to": D(2026, 4, 30)},
                             {"role": "内审员", "from": D(2026, 5, 1)}])
    verified_action(qms)
    closed_ncr(qms)
    text = (qms / NCR).read_text(encoding="utf-8").replace("  by: 内审员\n", "  by: 内审员\n  by_person: EMP-0001\n")
    (qms / NCR).write_text(text, encoding="utf-8")
    [issue] = of_rule(check(qms), "person-role")
    assert issue.path == NCR and issue.line == text.splitlines().index("  by_person: EMP-0001") + 1
    assert issue.message == (
        "NCR-2026-0001: 'verification.by_person' names EMP-0001 (records/person/EMP-0001.yaml), who did not hold "
        "the role 内审员 on 2026-04-25 (roles held then: 质量部经理); name the person who did it, or correct the "
        "roles and dates in EMP-0001")


def test_in_chinese_a_person_role_message_names_the_field_by_its_label(qms: Path) -> None:
    config = qms / "qms.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("lang: en", "lang: zh", 1), encoding="utf-8")
    person(qms, "EMP-0001", [{"role": "质量部经理", "from": D(2024, 1, 1)}])
    verified_action(qms)
    closed_ncr(qms)
    text = (qms / NCR).read_text(encoding="utf-8").replace("  by: 内审员\n", "  by: 内审员\n  by_person: EMP-0001\n")
    (qms / NCR).write_text(text, encoding="utf-8")
    [issue] = of_rule(check(qms), "person-role")
    assert issue.message.startswith("NCR-2026-0001:“验证人(verification.by_person)”填写的是 EMP-0001")


def test_a_verifier_who_held_the_role_that_day_passes(qms: Path) -> None:
    person(qms, "EMP-0001", [{"role": "内审员", "from": D(2026, 4, 25)}])
    verified_action(qms)
    closed_ncr(qms)
    text = (qms / NCR).read_text(encoding="utf-8").replace("  by: 内审员\n", "  by: 内审员\n  by_person: EMP-0001\n")
    (qms / NCR).write_text(text, encoding="utf-8")
    assert check(qms) == []


def test_an_auditor_is_judged_on_the_plan_start_and_the_role_beside_the_name(qms: Path) -> None:
    person(qms, "EMP-0002", [{"role": "内审员", "from": D(2026, 3, 2)}])
    plan = {"id": "IAP-2026-01", "year": 2026, "scope": ["客户服务部"], "criteria": ["QP-02"], "leader": "内审员",
            "auditors": [{"auditor": "陈静", "person": "EMP-0002", "role": "内审员", "department": "质量部",
                          "audits": ["客户服务部"]}], "start": D(2026, 3, 1), "end": D(2026, 3, 3)}
    write_record(qms, "audit_plan", plan)
    [issue] = of_rule(check(qms), "person-role")
    assert "'auditors[0].person' names EMP-0002" in issue.message and "on 2026-03-01" in issue.message
    plan["start"] = D(2026, 3, 2)
    write_record(qms, "audit_plan", plan)
    assert check(qms) == []


def test_a_person_must_hold_a_role_of_the_department_the_form_names(qms: Path) -> None:
    person(qms, "EMP-0003", [{"role": "客户服务部经理", "from": D(2025, 1, 1)}])
    write_record(qms, "signoff", {"id": "SG-0001", "department": "质量部", "signed": D(2026, 6, 1), "signer": "EMP-0003"})
    [issue] = of_rule(check(qms), "person-role")
    assert "who did not hold a role of 质量部 on 2026-06-01 (roles held then: 客户服务部经理)" in issue.message
    write_record(qms, "signoff", {"id": "SG-0001", "department": "客户服务部", "signed": D(2026, 6, 1),
                                  "signer": "EMP-0003"})
    assert check(qms) == []


def test_a_person_reference_to_a_record_that_is_no_person_is_a_reference_error(qms: Path) -> None:
    ncr(qms)
    write_record(qms, "signoff", {"id": "SG-0001", "department": "质量部", "signed": D(2026, 6, 1),
                                  "signer": "NCR-2026-0001"})
    issues = check(qms)
    assert [i.rule for i in issues] == ["ref-record"] and text("ref.target_kind_record", kind="Person") in issues[0].message


def test_trainees_must_exist_but_need_hold_no_role(qms: Path) -> None:
    person(qms, "EMP-0009", [], name="派遣人员")  # a dispatched worker trained before starting: no role yet
    training = {"id": "TRN-2026-001", "held": D(2026, 2, 1), "topic": "岗前培训", "trainer": "王芳",
                "department": "质量部", "attendees": 1, "trainees": ["EMP-0009"]}
    write_record(qms, "training_record", training)
    assert check(qms) == []
    write_record(qms, "training_record", {**training, "trainees": ["EMP-0010"]})
    assert [i.rule for i in check(qms)] == ["ref-record"]


# -- derived-value ------------------------------------------------------------------------------------


def _features(root: Path) -> None:
    for n, score in ((1, 40), (2, 25), (3, 10)):
        write_record(root, "risk_feature", {"id": f"RF-{n:04d}", "score": score})


def test_an_enterprise_score_that_is_not_the_sum_of_its_features_is_reported(qms: Path) -> None:
    _features(qms)
    write_record(qms, "risk_assessment", {"id": "RA-2026-01", "ranking": [
        {"enterprise": "A 公司", "risks": ["RF-0001", "RF-0002"], "score": 65},
        {"enterprise": "B 公司", "risks": ["RF-0002", "RF-0003"], "score": 30}]})
    [issue] = of_rule(check(qms), "derived-value")
    assert issue.path == "records/risk_assessment/RA-2026-01.yaml"
    assert issue.message == ("RA-2026-01: 'ranking[1].score' is 30, but the sum of 'score' of the records in 'risks' "
                             "gives 35 (RF-0002 25 + RF-0003 10); write 35, or correct the records it is derived from")


def test_enterprise_scores_that_are_the_sums_pass(qms: Path) -> None:
    _features(qms)
    write_record(qms, "risk_assessment", {"id": "RA-2026-01", "ranking": [
        {"enterprise": "A 公司", "risks": ["RF-0001", "RF-0002"], "score": 65},
        {"enterprise": "B 公司", "risks": ["RF-0002", "RF-0003"], "score": 35}]})
    assert check(qms) == []


def _surveys(root: Path) -> list[bool]:
    answers = [True, True, False, True, True, False, True]  # 5 of 7 in 2026-Q2; one more after the report
    for n, yes in enumerate(answers, 1):
        write_record(root, "survey", {"id": f"SAT-2026-{n:04d}", "surveyed": D(2026, 4, n * 3), "satisfied": yes})
    write_record(root, "survey", {"id": "SAT-2026-0008", "surveyed": D(2026, 6, 20), "satisfied": True})
    return answers


def test_an_objective_result_is_recounted_with_the_objectives_own_rule(qms: Path) -> None:
    _surveys(qms)
    stated = {"id": "OBJ-2026-001", "objective": "OBJ-QM-01", "period": "2026-Q2", "numerator": 6, "denominator": 8,
              "reported": D(2026, 5, 31)}
    write_record(qms, "objective_result", stated)
    issues = of_rule(check(qms), "derived-value")
    assert [i.message.split(",")[0] for i in issues] == [
        "OBJ-2026-001: 'numerator' is 6", "OBJ-2026-001: 'denominator' is 8"]
    assert "re-counting with the objective's rule gives 5 (OBJ-QM-01 2026-Q2, survey records up to 2026-05-31: " \
           "5 of 7 meet it; not meeting: SAT-2026-0003, SAT-2026-0006)" in issues[0].message
    write_record(qms, "objective_result", {**stated, "numerator": 5, "denominator": 7})
    assert check(qms) == []


def test_the_recount_is_the_objectives_report_count(qms: Path) -> None:
    """The check and qms objectives count with the same function: the same figures for the same day."""
    from qmskit.reports import objectives
    from qmskit.reports.periods import Period

    _surveys(qms)
    ctx = context(qms, D(2026, 5, 31))
    found = objectives.count(ctx, ctx.objectives.objectives[0], Period.parse("2026-Q2"))
    assert (found.numerator, found.denominator) == (5, 7)


def test_a_forms_own_rule_gives_the_expected_value(qms: Path) -> None:
    ncr(qms)
    complaint(qms)
    complaint(qms, "CMP-2026-0002")
    tally = {"id": "TL-0001", "received": D(2026, 3, 1), "closed": D(2026, 3, 11), "days_open": 9,
             "ncr": "NCR-2026-0001", "complaints": 3}
    write_record(qms, "tally", tally)
    issues = of_rule(check(qms), "derived-value")
    assert [i.message.split(";")[0] for i in issues] == [
        "TL-0001: 'days_open' is 9, but what _open_days() computes gives 10 (what _open_days() computes, "
        "from the records TL-0001 depends on)",
        "TL-0001: 'complaints' is 3, but the complaints that name the NCR gives 2 (the complaints that name the NCR, "
        "from the records TL-0001 depends on)"]
    write_record(qms, "tally", {**tally, "days_open": 10, "complaints": 2})
    assert check(qms) == []
    write_record(qms, "tally", {**tally, "closed": None, "days_open": 4, "complaints": 2})  # None: it cannot tell
    assert check(qms) == []


def test_a_forms_rule_that_fails_is_reported_not_raised(qms: Path) -> None:
    add_forms(qms, "broken_rule.py", '''
from qmskit.forms import Computed, Derived, FormSpec, RecordBase

def _boom(record, index):
    raise ZeroDivisionError("division by zero")

class Broken(RecordBase):
    form = FormSpec(kind="broken", code="T-FOR-99", title_zh="坏", title_en="Broken", procedure="QP-01",
                    id_pattern="BR-{seq:04}", derived=(Derived("value", Computed(_boom)),))
    value: int
''')
    write_record(qms, "broken", {"id": "BR-0001", "value": 1})
    [issue] = of_rule(check(qms), "derived-value")
    assert "the rule for 'value' in schemas/broken_rule.py failed (ZeroDivisionError: division by zero)" in issue.message


def test_declarations_that_name_missing_fields_are_form_problems(qms: Path) -> None:
    add_forms(qms, "bad_decl.py", '''
import datetime as dt
from qmskit.forms import Derived, FormSpec, RecordBase, RecordRef, SumOf

class Bad(RecordBase):
    form = FormSpec(kind="bad", code="T-FOR-98", title_zh="坏", title_en="Bad", procedure="QP-01",
                    id_pattern="BD-{seq:04}", derived=(Derived("total", SumOf("items", "score")),))
    when: dt.date
    ncr: RecordRef("Nonconformity", own="whenever", not_before="raised")
''')
    issues = check(qms)
    assert {i.rule for i in issues} == {"schema-spec"}
    text = " | ".join(i.message for i in issues)
    assert "derived field 'total' is not a field of Bad" in text
    assert "'ncr': date order names 'whenever', which is not a field beside it or of the form" in text


# -- closure-contradiction --------------------------------------------------------------------------------


def test_an_ncr_closed_effective_while_its_action_is_open_is_a_warning(qms: Path) -> None:
    closed_ncr(qms)
    action(qms, status="in_progress")
    issues = check(qms)
    [issue] = of_rule(issues, "closure-contradiction")
    assert issue.path == NCR and issue.severity is Severity.WARNING
    assert issue.message == ("NCR-2026-0001 is closed as effective on 2026-04-25 while CA-2026-0001 "
                             "(records/corrective_action/CA-2026-0001.yaml), which it cites in 'actions[0]', is still "
                             "'in_progress'; close CA-2026-0001 first, or re-open NCR-2026-0001 with an amendment "
                             "record that amends it")
    assert check_repository(Repository(qms), AS_OF, jobs=1).ok  # history: qms check passes with a warning


def test_an_ncr_closed_effective_with_its_action_verified_is_consistent(qms: Path) -> None:
    closed_ncr(qms)
    verified_action(qms)
    complaint(qms)
    assert check(qms) == []


def test_an_ncr_closed_as_not_effective_claims_nothing(qms: Path) -> None:
    closed_ncr(qms, result="not_effective")
    action(qms, status="in_progress")
    assert of_rule(check(qms), "closure-contradiction") == []


def test_an_ncr_closed_effective_while_a_complaint_naming_it_is_open_is_a_warning(qms: Path) -> None:
    closed_ncr(qms)
    verified_action(qms)
    complaint(qms, status="replied", closed=None, feedback=None)
    [issue] = of_rule(check(qms), "closure-contradiction")
    assert "while CMP-2026-0001 (records/complaint/CMP-2026-0001.yaml), which names it in 'nonconformity', " \
           "is still 'replied'" in issue.message


def test_the_same_requirement_breached_again_within_the_window_is_a_warning(qms: Path) -> None:
    closed_ncr(qms, on=D(2026, 4, 25))
    verified_action(qms)
    ncr(qms, "NCR-2026-0002", raised=D(2026, 7, 24))  # 90 days after: inside the template's 90-day window
    [issue] = of_rule(check(qms), "closure-contradiction")
    assert issue.path == "records/nonconformity/NCR-2026-0002.yaml"
    assert issue.message.startswith("NCR-2026-0002 breaches QP-02 again 90 days after NCR-2026-0001 "
                                    "(records/nonconformity/NCR-2026-0001.yaml) was closed as effective on 2026-04-25")


def test_the_same_requirement_after_the_window_or_another_requirement_is_no_contradiction(qms: Path) -> None:
    closed_ncr(qms, on=D(2026, 4, 25))
    verified_action(qms)
    ncr(qms, "NCR-2026-0002", raised=D(2026, 7, 25))  # 91 days after
    ncr(qms, "NCR-2026-0003", raised=D(2026, 5, 1), requirement="QP-03")
    assert check(qms) == []


def test_an_amendment_of_the_closed_ncr_acknowledges_the_contradiction(qms: Path) -> None:
    closed_ncr(qms, on=D(2026, 4, 25))
    verified_action(qms)
    ncr(qms, "NCR-2026-0002", raised=D(2026, 6, 1))
    amendment = {"id": "AMD-2026-001", "amends": "NCR-2026-0001", "reason": "NCR-2026-0002 再次发生,验证结论不成立。",
                 "change": "验证结论改为无效。", "approved_by": "管理者代表", "approved": D(2026, 5, 2)}
    write_record(qms, "amendment", amendment)  # approved before the recurrence: it cannot speak of it
    [issue] = of_rule(check(qms), "closure-contradiction")
    assert "re-open NCR-2026-0001 with an amendment record that amends it (approved on or after 2026-06-01)" \
        in issue.message
    write_record(qms, "amendment", {**amendment, "approved": D(2026, 6, 1)})
    assert check(qms) == []


def test_closing_an_ncr_in_a_pull_request_while_its_action_is_open_is_an_error(qms: Path) -> None:
    g = GitRepo(qms)
    ncr(qms, status="verification", root_cause="表格缺少必填提示。", correction="补齐记录。", actions=["CA-2026-0001"])
    action(qms, status="done", done=D(2026, 4, 15))  # done, not yet verified
    # history on main: an older NCR closed as effective while its own action stayed open
    closed_ncr(qms, "NCR-2026-0005", actions=["CA-2026-0005"], requirement="QP-01")
    action(qms, "CA-2026-0005", status="in_progress", nonconformity="NCR-2026-0005")
    g.commit("不符合与纠正措施", "王芳", "2026-04-20T09:00:00+08:00")
    g.git("checkout", "-q", "-b", "close")
    closed_ncr(qms)
    result = check_pull_request(Repository(qms), "main", AS_OF, jobs=1)
    found = {(i.path, i.severity) for i in of_rule(result.issues, "closure-contradiction")}
    assert (NCR, Severity.ERROR) in found
    assert ("records/nonconformity/NCR-2026-0005.yaml", Severity.ERROR) not in found  # not changed here
    assert not result.ok
    verified_action(qms)
    assert check_pull_request(Repository(qms), "main", AS_OF, jobs=1).ok


def _many_complaints(root: Path) -> None:
    for n in range(2, 30):  # complaints that name no nonconformity: a lazy index need not read them
        complaint(root, f"CMP-2026-{n:04d}", nonconformity=None)


def test_a_pull_request_adding_a_recurrence_is_an_error(qms: Path) -> None:
    g = GitRepo(qms)
    closed_ncr(qms, on=D(2026, 4, 25))
    verified_action(qms)
    _many_complaints(qms)
    g.commit("记录", "王芳", "2026-04-26T09:00:00+08:00")
    g.git("checkout", "-q", "-b", "again")
    ncr(qms, "NCR-2026-0002", raised=D(2026, 6, 1))  # the same requirement, 37 days after the closure
    result = check_pull_request(Repository(qms), "main", AS_OF, jobs=1)
    [issue] = of_rule(result.issues, "closure-contradiction")
    assert (issue.path, issue.severity) == ("records/nonconformity/NCR-2026-0002.yaml", Severity.ERROR)
    ncr(qms, "NCR-2026-0002", raised=D(2026, 6, 1), requirement="QP-03")
    assert check_pull_request(Repository(qms), "main", AS_OF, jobs=1).ok


def _ncr_in_verification_named_by_an_open_complaint(qms: Path) -> GitRepo:
    """NCR-2026-0001 awaiting verification, its action verified, and CMP-2026-0030 still open naming it."""
    g = GitRepo(qms)
    ncr(qms, status="verification", root_cause="表格缺少必填提示。", correction="补齐记录。", actions=["CA-2026-0001"])
    verified_action(qms)
    _many_complaints(qms)
    complaint(qms, "CMP-2026-0030", status="replied", closed=None, feedback=None)
    return g


def test_a_pull_request_closing_an_ncr_finds_the_open_complaint_naming_it(qms: Path) -> None:
    g = _ncr_in_verification_named_by_an_open_complaint(qms)
    g.commit("记录", "王芳", "2026-04-20T09:00:00+08:00")
    g.git("checkout", "-q", "-b", "close")
    closed_ncr(qms)
    [issue] = of_rule(check_pull_request(Repository(qms), "main", AS_OF, jobs=1).issues, "closure-contradiction")
    assert issue.severity is Severity.ERROR and "CMP-2026-0030 (records/complaint/CMP-2026-0030.yaml)" in issue.message
    complaint(qms, "CMP-2026-0030")  # closed in the same change
    assert check_pull_request(Repository(qms), "main", AS_OF, jobs=1).ok


def test_a_committed_pull_request_judged_as_a_revision_finds_what_unchanged_records_say(qms: Path) -> None:
    # --head: the revision is laid out in part; records the change does not touch are read from git
    g = _ncr_in_verification_named_by_an_open_complaint(qms)
    closed_ncr(qms, "NCR-2026-0003", on=D(2026, 4, 1), requirement="QP-05")
    g.commit("记录", "王芳", "2026-04-20T09:00:00+08:00")
    g.git("checkout", "-q", "-b", "close")
    closed_ncr(qms)  # named by an open complaint
    ncr(qms, "NCR-2026-0002", raised=D(2026, 5, 1), requirement="QP-05")  # 30 days after NCR-2026-0003 closed
    g.commit("关闭", "王芳", "2026-05-02T09:00:00+08:00")
    g.git("checkout", "-q", "main")
    result = check_pull_request(Repository(qms), "main", AS_OF, head="close", jobs=1)
    found = {i.path: i for i in of_rule(result.issues, "closure-contradiction")}
    assert set(found) == {NCR, "records/nonconformity/NCR-2026-0002.yaml"}
    assert "CMP-2026-0030 (records/complaint/CMP-2026-0030.yaml)" in found[NCR].message
    assert "NCR-2026-0003" in found["records/nonconformity/NCR-2026-0002.yaml"].message
    assert all(i.severity is Severity.ERROR for i in found.values())


def test_a_pull_request_check_judges_a_changed_record_against_unchanged_ones(qms: Path) -> None:
    g = GitRepo(qms)
    audit(qms, opened=D(2026, 3, 12))
    g.commit("内审", "王芳", "2026-03-12T09:00:00+08:00")
    ncr(qms, audit="IA-2026-01")  # raised before the audit opened
    result = check_pull_request(Repository(qms), "main", AS_OF, jobs=1)
    assert [(i.path, i.rule) for i in result.issues] == [(NCR, "date-order")]


# -- the pass -------------------------------------------------------------------------------------------


def test_workers_hand_back_what_the_rules_need(qms: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qmskit import checks

    audit(qms, opened=D(2026, 3, 12))
    ncr(qms, audit="IA-2026-01")
    closed_ncr(qms, "NCR-2026-0002", actions=["CA-2026-0001"])
    action(qms, status="in_progress", nonconformity="NCR-2026-0002", raised=D(2026, 3, 12))
    _features(qms)
    write_record(qms, "risk_assessment", {"id": "RA-2026-01", "ranking": [
        {"enterprise": "A 公司", "risks": ["RF-0001"], "score": 41}]})
    one = check(qms)
    monkeypatch.setattr(checks, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(checks, "CHUNK", 3)
    assert check(qms, jobs=2) == one
    assert {i.rule for i in one} == {"date-order", "closure-contradiction", "derived-value"}


# -- competence in the due list -------------------------------------------------------------------------


def test_a_certificate_is_due_soon_within_30_days_and_overdue_the_day_after_it_expires(qms: Path) -> None:
    person(qms, "EMP-0001", [{"role": "内审员", "from": D(2025, 1, 1)}],
           certificates=[{"name": "内审员证", "number": "IA-0001", "expires": D(2026, 6, 30)}])
    person(qms, "EMP-0002", [{"role": "内审员", "from": D(2025, 1, 1), "to": D(2026, 5, 20)}], name="李强",
           certificates=[{"name": "内审员证", "number": "IA-0002", "expires": D(2026, 6, 30)}])  # left: not listed

    def state(day: dt.date) -> list[tuple[str, bool]]:
        found = due.compute(context(qms, day))
        return [(i.person, i.overdue(day)) for i in found.people]

    assert state(D(2026, 5, 30)) == []
    assert state(D(2026, 5, 31)) == [("EMP-0001", False)]
    assert state(D(2026, 6, 30)) == [("EMP-0001", False)]
    assert state(D(2026, 7, 1)) == [("EMP-0001", True)]
    assert due.compute(context(qms, D(2026, 7, 1))).overdue_count() == 1


def _document_revision(root: Path, revision: str, effective: dt.date, training: bool = True) -> None:
    path = root / "manual" / "QP-02-nonconformity.md"
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.split("---", 2)[1].strip().splitlines()
             if not line.startswith(("revision:", "effective:", "approved:", "training"))]
    lines += [f"revision: {revision}", f"approved: {effective - dt.timedelta(days=5)}", f"effective: {effective}"]
    if training:
        lines.append("training: required")
    path.write_text("---\n" + "\n".join(lines) + "\n---" + text.split("---", 2)[2], encoding="utf-8")


def test_training_goes_stale_when_the_document_moves_to_a_new_revision(qms: Path) -> None:
    person(qms, "EMP-0001", [{"role": "内审员", "from": D(2025, 1, 1)}])
    person(qms, "EMP-0002", [{"role": "质量部经理", "from": D(2025, 1, 1)}], name="李强")
    write_record(qms, "training_record", {"id": "TRN-2026-001", "held": D(2026, 2, 1), "topic": "不符合控制程序",
                                          "trainer": "王芳", "department": "质量部", "attendees": 2,
                                          "document": "QP-02", "revision": "A/0", "trainees": ["EMP-0001", "EMP-0002"]})
    write_record(qms, "training_record", {"id": "TRN-2026-002", "held": D(2026, 6, 5), "topic": "不符合控制程序 B 版",
                                          "trainer": "王芳", "department": "质量部", "attendees": 1,
                                          "document": "QP-02", "revision": "B/0", "trainees": ["EMP-0002"]})
    _document_revision(qms, "A/0", D(2026, 1, 10))
    assert due.compute(context(qms, D(2026, 7, 1))).people == []
    _document_revision(qms, "B/0", D(2026, 6, 1))
    items = due.compute(context(qms, D(2026, 7, 1))).people
    assert [(i.person, i.subject, i.due, i.trained) for i in items] == [
        ("EMP-0001", "QP-02 B/0", D(2026, 7, 1), ("A/0", "TRN-2026-001", D(2026, 2, 1)))]
    assert not items[0].overdue(D(2026, 7, 1)) and items[0].overdue(D(2026, 7, 2))
    report = due.build(context(qms, D(2026, 7, 2)))
    assert report.data["competence"][0]["overdue"] is True and report.data["overdue_count"] >= 1
    _document_revision(qms, "B/0", D(2026, 6, 1), training=False)  # the document does not ask for it
    assert due.compute(context(qms, D(2026, 7, 2))).people == []


def test_a_training_revision_needs_its_document(qms: Path) -> None:
    write_record(qms, "training_record", {"id": "TRN-2026-001", "held": D(2026, 2, 1), "topic": "程序",
                                          "trainer": "王芳", "department": "质量部", "attendees": 1, "revision": "A/0"})
    [issue] = check(qms)
    assert issue.rule == "schema" and "'revision' is the revision of 'document'" in issue.message


def test_a_pull_request_finds_a_recurrence_of_a_requirement_yaml_wrote_with_an_escape(
        qms: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The earlier NCR's file spells a word of the requirement as a YAML escape (§ as \\u00a7): it is read all the same.

    With the cache off, the lazy index finds the records that may name the requirement by the text of their files.
    """
    monkeypatch.setenv("QMS_CACHE", "0")
    g = GitRepo(qms)
    closed_ncr(qms, on=D(2026, 4, 25), requirement="QP-02 §5.1 记录")
    path = qms / "records/nonconformity/NCR-2026-0001.yaml"
    text = path.read_text(encoding="utf-8")
    escaped = text.replace("requirement: QP-02 §5.1 记录", 'requirement: "QP-02 \\u00a75.1 记录"')
    assert escaped != text and "§" not in escaped
    path.write_text(escaped, encoding="utf-8")
    verified_action(qms)
    g.commit("记录", "王芳", "2026-04-26T09:00:00+08:00")
    g.git("checkout", "-q", "-b", "again")
    ncr(qms, "NCR-2026-0002", raised=D(2026, 6, 1), requirement="QP-02 §5.1 记录")
    result = check_pull_request(Repository(qms), "main", AS_OF, jobs=1)
    [issue] = of_rule(result.issues, "closure-contradiction")
    assert (issue.path, issue.severity) == ("records/nonconformity/NCR-2026-0002.yaml", Severity.ERROR)


def test_a_file_a_grep_names_is_read_within_the_size_limit(qms: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The complaints that may name a closed NCR are read to see whether they do: never beyond qms.yml's limit."""
    from qmskit.checks.sides import HeadFiles

    monkeypatch.setenv("QMS_CACHE", "0")  # no remembered facts: the files a grep names are read
    g = _ncr_in_verification_named_by_an_open_complaint(qms)
    g.commit("记录", "王芳", "2026-04-20T09:00:00+08:00")
    g.git("checkout", "-q", "-b", "close")
    closed_ncr(qms)
    limits: list[tuple[str, int | None]] = []
    real = HeadFiles._read_any

    def spy(self: HeadFiles, path: str, max_bytes: int | None = None) -> bytes | None:
        limits.append((path, max_bytes))
        return real(self, path, max_bytes)

    monkeypatch.setattr(HeadFiles, "_read_any", spy)
    [issue] = of_rule(check_pull_request(Repository(qms), "main", AS_OF, jobs=1).issues, "closure-contradiction")
    assert "CMP-2026-0030" in issue.message
    assert any(path == "records/complaint/CMP-2026-0030.yaml" for path, _ in limits)
    assert [path for path, limit in limits if limit is None] == []


def test_in_chinese_closure_and_derived_messages_name_each_field_by_its_label_and_identifier(qms: Path) -> None:
    """Every cross-record message names a field as the per-record messages do: 标签(identifier)."""
    config = qms / "qms.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("lang: en", "lang: zh", 1), encoding="utf-8")
    add_forms(qms, "labelled.py", '''
from pydantic import Field
from qmskit.forms import Computed, Derived, FormSpec, RecordBase

def _ten(record, index):
    return 10

def _boom(record, index):
    raise ZeroDivisionError("division by zero")

class Labelled(RecordBase):
    form = FormSpec(kind="labelled", code="T-FOR-97", title_zh="带标签", title_en="Labelled", procedure="QP-01",
                    id_pattern="LB-{seq:04}",
                    derived=(Derived("days", Computed(_ten)), Derived("broken", Computed(_boom))))
    days: int = Field(description="处理天数 / days taken")
    broken: int = Field(description="出错的值 / failing value")
''')
    write_record(qms, "labelled", {"id": "LB-0001", "days": 9, "broken": 1})
    closed_ncr(qms)
    action(qms, status="in_progress")
    complaint(qms, status="replied", closed=None, feedback=None)
    issues = check(qms)
    derived = {i.message.split("为")[0] if "为" in i.message else i.message for i in of_rule(issues, "derived-value")}
    assert any(m.startswith("LB-0001:“处理天数(days)”") for m in derived), derived  # cross.derived
    assert any("处理天数" not in m and "出错的值(broken)" in m for m in derived), derived  # cross.rule_failed
    closure = [i.message for i in of_rule(issues, "closure-contradiction")]
    assert any("“纠正措施(actions[0])”" in m for m in closure), closure  # cross.cites: the NCR's own label
    assert any("“不符合(nonconformity)”" in m for m in closure), closure  # cross.cited_by: the complaint's
