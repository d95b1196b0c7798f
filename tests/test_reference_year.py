"""The reference year reads as one organization's year: its records agree with each other (issue 10).

Each claim is re-counted here from the YAML files, with no help from the
engine: people hold the roles the records put them in, the daily readings
add up to the monthly energy reports, rosters and rotas cover their month,
objective results and risk scores re-count, every department is audited,
complaints lead to the NCRs and work orders that name them, texts vary. The
engine's own cross-record rules are run too, and shown to bite on this data.
"""
from __future__ import annotations

import calendar
import datetime as dt
import shutil
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from qmskit import Repository, check_repository

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 26)
YEAR = (dt.date(2025, 12, 1), dt.date(2026, 11, 30))
CROSS_RULES = {"date-order", "person-role", "derived-value", "closure-contradiction"}


def records(kind: str) -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "records" / kind).glob("*.yaml"))]


@pytest.fixture(scope="module")
def people() -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in records("person")}


@pytest.fixture(scope="module")
def organization() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "manual/organization.yml").read_text(encoding="utf-8"))


def held(person: dict[str, Any], role: str, day: dt.date) -> bool:
    return any(r["role"] == role and r["from"] <= day and (r.get("to") is None or day <= r["to"])
               for r in person.get("roles", []))


def test_every_cross_record_rule_passes_on_the_reference_year() -> None:
    result = check_repository(Repository(ROOT), AS_OF)
    crossing = [i for i in result.errors + result.warnings if i.rule in CROSS_RULES]
    assert crossing == [], "\n".join(i.format() for i in crossing[:20])
    assert result.errors == [] and result.warnings == []


def test_the_person_rule_bites_on_this_data(tmp_path: Path) -> None:
    """Not a rule that cannot fail: end a signatory's role the day before the year, and the check names the records."""
    target = tmp_path / "ref"
    target.mkdir()
    for name in ("qms.yml", "manual", "schemas", "records"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / name)
    chair = records("management_review")[0]["chair_person"]
    path = target / "records/person" / f"{chair}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    role = data["roles"][0]["role"]
    text = path.read_text(encoding="utf-8").replace(f"- role: {role}\n  from: {data['roles'][0]['from']}\n",
                                                      f"- role: {role}\n  from: {data['roles'][0]['from']}\n  to: 2025-11-30\n", 1)
    path.write_text(text, encoding="utf-8")
    errors = check_repository(Repository(target), AS_OF, jobs=1).errors
    assert errors and {i.rule for i in errors} == {"person-role"}
    assert {i.path.split("/")[1] for i in errors} == {"management_review"}
    assert all(chair in i.message for i in errors)


# where a record names a person: (kind, path to the person field, path to the role field or a fixed role, date path)
PERSON_FIELDS = [
    ("nonconformity", "owner_person", "owner", "raised"),
    ("nonconformity", "verification.by_person", "verification.by", "verification.on"),
    ("corrective_action", "owner_person", "owner", "raised"),
    ("corrective_action", "verification.by_person", "verification.by", "verification.on"),
    ("audit_plan", "leader_person", "leader", "start"),
    ("audit_plan", "auditors.*.person", "auditors.*.role", "start"),
    ("management_review", "chair_person", "chair", "held"),
    ("complaint", "handled_by_person", "handled_by", "received"),
    ("competence_assessment", "assessee", "role", "assessed"),
    ("competence_assessment", "assessor_person", "assessor", "assessed"),
]


def _values(data: Any, path: list[str]) -> list[Any]:
    if not path:
        return [data]
    head, rest = path[0], path[1:]
    if head == "*":
        return [v for item in data or [] for v in _values(item, rest)]
    if not isinstance(data, dict) or head not in data:
        return []
    return _values(data[head], rest)


def test_every_person_named_holds_the_role_on_the_day(people: dict[str, dict[str, Any]]) -> None:
    checked = Counter()
    for kind, person_path, role_path, date_path in PERSON_FIELDS:
        for record in records(kind):
            ids = _values(record, person_path.split("."))
            roles = _values(record, role_path.split("."))
            day = _values(record, date_path.split("."))
            for n, pid in enumerate(ids):
                role = roles[n] if len(roles) == len(ids) else roles[0]
                assert pid in people, f"{record['id']}: {person_path} names {pid}, who is not in the register"
                assert held(people[pid], role, day[0]), f"{record['id']}: {pid} did not hold {role} on {day[0]}"
                checked[kind] += 1
    # every form that can name a person does so on its records
    for kind in {k for k, *_ in PERSON_FIELDS}:
        assert checked[kind] >= len(records(kind)), kind


def test_names_written_out_are_the_register_names(people: dict[str, dict[str, Any]]) -> None:
    names = {p["name"] for p in people.values()}
    assert len(names) == len(people), "two people share a name"
    for plan in records("audit_plan"):
        for auditor in plan["auditors"]:
            assert auditor["auditor"] == people[auditor["person"]]["name"]
            assert auditor["department"] == people[auditor["person"]]["department"]
            assert auditor["department"] not in auditor["audits"]
    for assessment in records("competence_assessment"):
        assert assessment["person"] == people[assessment["assessee"]]["name"]
    for training in records("training_record"):
        if training.get("trainees"):
            assert training["attendees"] == len(training["trainees"])
            assert all(t in people for t in training["trainees"])
    for handover in records("shift_handover"):
        for who in (handover["handed_by"], handover["taken_by"]):
            holder = next(p for p in people.values() if p["name"] == who)
            assert held(holder, handover["post"], handover["day"])
    for log in records("duty_log"):
        holder = next(p for p in people.values() if p["name"] == log["on_duty"])
        assert held(holder, log["post"], log["day"])


def test_people_register_covers_roles_departments_and_certificates(people: dict[str, dict[str, Any]],
                                                                   organization: dict[str, Any]) -> None:
    role_department = {r["name"]: r["department"] for r in organization["roles"]}
    required = {r["name"]: r.get("certificates", []) for r in organization["roles"]}
    for person in people.values():
        assert person["id_number"] and person["phone"]
        own = {role_department[r["role"]] for r in person["roles"]}
        assert person["department"] in own  # a second role (内审员) may lie in another department
        for role in person["roles"]:
            for certificate in required[role["role"]]:
                if "宜有" in certificate:  # "desirable": not required
                    continue
                assert any(c["name"] == certificate and c["number"] for c in person.get("certificates", [])), \
                    (person["id"], certificate)
    # every role of the organization is held by someone on every day of the year
    day = YEAR[0]
    while day <= AS_OF:
        for role in role_department:
            assert any(held(p, role, day) for p in people.values()), (role, day)
        day += dt.timedelta(days=14)


def test_daily_readings_sum_to_the_monthly_energy_reports() -> None:
    totals: dict[str, Counter] = defaultdict(Counter)
    water_by_day = {}
    for reading in records("meter_reading"):
        month = reading["day"].strftime("%Y-%m")
        for r in reading["readings"]:
            totals[month][r["energy"]] += r["used"]
            if r["energy"] == "water":
                water_by_day[reading["day"]] = r["used"]
    reports = records("energy_report")
    assert len(reports) >= 10
    for report in reports:
        month = report["month"]
        year, number = map(int, month.split("-"))
        read_days = {r["day"] for r in records("meter_reading") if r["day"].strftime("%Y-%m") == month}
        assert len(read_days) == calendar.monthrange(year, number)[1], f"{month}: a day without a reading"
        assert report["electricity_kwh"] == pytest.approx(totals[month]["electricity"])
        assert report["water_t"] == pytest.approx(totals[month]["water"])
        assert report["gas_m3"] == pytest.approx(totals[month]["gas"])
    for inspection in records("daily_inspection"):
        assert inspection["water_t"] == water_by_day[inspection["day"]]


def test_meter_readings_run_on_from_day_to_day() -> None:
    last: dict[str, float] = {}
    for reading in sorted(records("meter_reading"), key=lambda r: r["day"]):
        for r in reading["readings"]:
            if r["meter"] in last:
                assert r["reading"] == pytest.approx(last[r["meter"]] + r["used"])
            last[r["meter"]] = r["reading"]


def test_rosters_and_rotas_cover_the_days_of_their_month() -> None:
    for roster in records("duty_roster"):
        year, month = map(int, roster["month"].split("-"))
        n_days = calendar.monthrange(year, month)[1]
        assert all(count % n_days == 0 and count > 0 for count in roster["shifts"].values()), roster["id"]
    rotas = sorted(records("shift_rota"), key=lambda r: r["start"])
    assert len(rotas) == 12
    for rota in rotas:
        assert rota["start"].day == 1
        assert rota["end"] == rota["start"].replace(day=calendar.monthrange(rota["start"].year, rota["start"].month)[1])
        by_staff: dict[str, list[dt.date]] = defaultdict(list)
        for assignment in rota["assignments"]:
            by_staff[assignment["staff"]].append(assignment["day"])
        month = [rota["start"] + dt.timedelta(days=n) for n in range((rota["end"] - rota["start"]).days + 1)]
        for staff, worked in by_staff.items():
            assert sorted(worked) == month, (rota["id"], staff)
    for earlier, later in zip(rotas, rotas[1:]):
        assert later["start"] == earlier["end"] + dt.timedelta(days=1)


def test_objective_results_recount_from_the_records() -> None:
    complaints = [c for c in records("complaint") if c["unit"] == "labor-dispatch"]
    surveys = records("satisfaction_survey")
    quarter = {"Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12)}
    results = records("objective_result")
    assert {r["objective"] for r in results} == {"OBJ-LD-01", "OBJ-LD-02", "OBJ-LD-03"}
    for result in results:
        if result["objective"] == "OBJ-LD-03":
            year, q = result["period"].split("-")
            first, last = quarter[q]
            start = dt.date(int(year), first, 1)
            end = dt.date(int(year), last, calendar.monthrange(int(year), last)[1])
            mine = [c for c in complaints if start <= c["received"] <= end]
            replied = [c for c in mine if c.get("replied") and c["replied"] <= result["reported"]]
        else:
            kind = "individual" if result["objective"] == "OBJ-LD-01" else "enterprise"
            mine = [s for s in surveys if s["customer_type"] == kind and s["surveyed"].year == int(result["period"])]
            replied = [s for s in mine if s["satisfied"]]
        assert (result["numerator"], result["denominator"]) == (len(replied), len(mine)), result["id"]
    missed = [r["period"] for r in results if r["objective"] == "OBJ-LD-03" and r["numerator"] < r["denominator"]]
    assert missed == ["2026-Q2"]


def test_risk_scores_follow_the_scoring_rule() -> None:
    scores = {f["id"]: f["score"] for f in records("risk_feature")}
    for assessment in records("risk_assessment"):
        for item in assessment.get("ranking", []):
            assert item["score"] == sum(scores[r] for r in item["risks"])
            assert {e["risk"] for e in item.get("evaluations", [])} == set(item["risks"])
    for risk in records("qms_risk"):
        assert 1 <= risk["likelihood"] <= 5 and 1 <= risk["impact"] <= 5


def test_every_department_is_audited_within_the_year(organization: dict[str, Any]) -> None:
    reports = {r["plan"]: r for r in records("audit_report")}
    audited = set()
    for plan in records("audit_plan"):
        if YEAR[0] <= plan["start"] <= YEAR[1] and plan["id"] in reports:
            audited |= set(plan["scope"])
            assert set(plan["scope"]) == {d for a in plan["auditors"] for d in a["audits"]}
            assert reports[plan["id"]]["scope"] == plan["scope"]
    departments = {d["name"] for d in organization["departments"]}
    assert departments - audited == set()
    assert {d["name"] for d in organization["departments"] if d["unit"] == "tax"} <= audited


def test_complaints_lead_to_the_ncrs_and_work_orders_they_caused() -> None:
    complaints = {c["id"]: c for c in records("complaint")}
    ncrs = {n["id"]: n for n in records("nonconformity")}
    named = {c["nonconformity"]: c for c in complaints.values() if c.get("nonconformity")}
    from_complaints = [n for n in ncrs.values() if n["source"] == "customer_complaint"]
    assert from_complaints and all(n["id"] in named for n in from_complaints)
    for ncr_id, complaint in named.items():
        assert complaint["received"] <= ncrs[ncr_id]["raised"]
        assert complaint["unit"] == ncrs[ncr_id]["unit"]
        if ncrs[ncr_id]["status"] == "closed":
            assert complaint["status"] == "closed"
    orders = [o for o in records("work_order") if o.get("complaint")]
    assert len(orders) >= 5
    for order in orders:
        complaint = complaints[order["complaint"]]
        assert complaint["received"] <= order["reported"] and complaint["unit"] == order["unit"]


def test_texts_vary_as_real_entries_do() -> None:
    for kind, name in (("nonconformity", "root_cause"), ("nonconformity", "correction"), ("corrective_action", "action"),
                       ("complaint", "description"), ("complaint", "reply"), ("work_order", "work_done"),
                       ("work_order", "description"), ("management_log", "entries")):
        texts = [str(r[name]) for r in records(kind) if r.get(name)]
        common = Counter(texts).most_common(1)[0][1]
        assert len(set(texts)) >= 4 and common <= len(texts) / 2, (kind, name, Counter(texts).most_common(2))


def test_patrols_several_times_a_day_and_tiers_where_customers_are_recorded() -> None:
    patrols = records("patrol_report")
    assert {p["day"] for p in patrols} == {YEAR[0] + dt.timedelta(days=n) for n in range(len(patrols))}
    for patrol in patrols:
        assert patrol["rounds"] >= 2 and len(patrol["round_log"]) == patrol["rounds"]
        times = [r["time"] for r in patrol["round_log"]]
        assert times == sorted(set(times))
    for kind, date_field in (("complaint", "received"), ("contract_review", "received"), ("satisfaction_survey", "surveyed")):
        enterprise = [r for r in records(kind) if r.get("customer_type", "enterprise") == "enterprise"]
        tiered = [r for r in enterprise if r.get("tier")]
        assert tiered, kind
        assert all(r[date_field] >= dt.date(2026, 6, 1) for r in tiered), kind  # graded from June (MR-2025-01)


def test_deliberate_misses_stay_true() -> None:
    ncrs = records("nonconformity")
    failed = [n for n in ncrs if n.get("verification", {}).get("result") == "not_effective"]
    assert failed and all(n["status"] != "closed" for n in failed)
    assert [n for n in ncrs if n["status"] != "closed" and n["due"] < AS_OF]
    plans = {p["month"]: p for p in records("maintenance_plan")}
    assert plans["2026-08"]["status"] == "approved" and plans["2026-07"]["status"] == "reviewed"
    summaries = {s["period"]: s for s in records("work_summary")}
    assert "energy_report" not in summaries["2026-04"] and summaries["2026-05"]["energy_report"]
    late = [r for r in records("audit_report") if (r["handed_over"] - r["closed_meeting"]).days > 10]
    assert [r["id"] for r in late] == ["IA-2026-02"]
