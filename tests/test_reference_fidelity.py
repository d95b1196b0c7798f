"""Fidelity to the source manuals: what is carried in cites its source, what is added says so, drafts carry no dates.

Two halves: the document-control rules on a repository ``qms init`` writes
(each rule shown failing on a planted case, and passing on the fix), then
the reference QMS held to the seeds in ../shared/seeds.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from conftest import SHARED, TODAY, in_english, require_shared

from qmskit import Repository, check_repository
from qmskit.documents import addition_markers
from qmskit.issues import Issue

ROOT = Path(__file__).resolve().parents[1]
SEEDS = SHARED / "seeds"
QP03 = "manual/QP-03-complaints.md"
DRAFT = """---
id: QP-09
title: 内部审核程序
type: QP
revision: A/0
status: draft
owner: 质量部经理
approver: 管理者代表
review_every: 12
---

# 内部审核程序(草稿)

提纲,待编写。
"""



@pytest.fixture(autouse=True)
def _english(request: pytest.FixtureRequest) -> None:
    """The rules' tests read the English wording of the messages (qms.yml: lang: en)."""
    if "repo" in request.fixturenames:
        in_english(request.getfixturevalue("repo"))


def check(root: Path) -> list[Issue]:
    return check_repository(Repository(root), TODAY, jobs=1).issues


def of_rule(issues: list[Issue], rule: str) -> list[Issue]:
    return [i for i in issues if i.rule == rule]


# -- the rules, on a repository qms init writes ----------------------------------------------------------------

def test_a_draft_without_dates_passes(repo: Path) -> None:
    (repo / "manual/QP-09-internal-audit.md").write_text(DRAFT, encoding="utf-8")
    assert check(repo) == []


@pytest.mark.parametrize("dates", [("approved",), ("effective",), ("approved", "effective")])
def test_a_draft_with_an_approval_or_effective_date_is_reported(repo: Path, dates: tuple[str, ...]) -> None:
    lines = "".join(f"{key}: {TODAY - dt.timedelta(days=10)}\n" for key in dates)
    path = repo / "manual/QP-09-internal-audit.md"
    path.write_text(DRAFT.replace("review_every: 12\n", f"{lines}review_every: 12\n"), encoding="utf-8")
    issues = check(repo)
    assert [(i.path, i.rule) for i in issues] == [("manual/QP-09-internal-audit.md", "document-draft-dated")]
    text = path.read_text(encoding="utf-8").splitlines()
    assert text[issues[0].line - 1].startswith(dates[0] + ":")
    assert "remove them until the document is approved" in issues[0].message
    for key in dates:
        assert repr(key) in issues[0].message


def test_the_draft_rule_is_about_drafts(repo: Path) -> None:
    """Inverted: the same dates on an effective document are what it needs, not a fault."""
    text = (repo / QP03).read_text(encoding="utf-8")
    assert "status: effective" in text and "approved:" in text and "effective:" in text
    assert of_rule(check(repo), "document-draft-dated") == []
    (repo / QP03).write_text(text.replace("status: effective", "status: draft"), encoding="utf-8")
    assert [i.path for i in of_rule(check(repo), "document-draft-dated")] == [QP03]


MARKED = '''
!!! note "本组织补充 / organization's addition"
    回复时限 2 个工作日为本组织规定,原手册未规定时限。
'''


def test_declared_additions_need_a_visible_marker(repo: Path) -> None:
    path = repo / QP03
    text = path.read_text(encoding="utf-8").replace("forms: [complaint]\n", "forms: [complaint]\nadditions: [回复时限 2 个工作日]\n")
    path.write_text(text, encoding="utf-8")
    issues = check(repo)
    assert [(i.path, i.rule) for i in issues] == [(QP03, "document-additions-marked")]
    assert "本组织补充" in issues[0].message and "admonition" in issues[0].message
    path.write_text(text + MARKED, encoding="utf-8")
    assert check(repo) == []


def test_a_marker_without_declared_additions_is_reported(repo: Path) -> None:
    path = repo / QP03
    path.write_text(path.read_text(encoding="utf-8") + MARKED, encoding="utf-8")
    issues = check(repo)
    assert [(i.path, i.rule) for i in issues] == [(QP03, "document-additions-marked")]
    assert "'additions:'" in issues[0].message


def test_source_and_additions_are_front_matter_fields(repo: Path) -> None:
    path = repo / QP03
    text = path.read_text(encoding="utf-8").replace(
        "forms: [complaint]\n",
        "forms: [complaint]\nsource: {file: manual.txt, sections: ['3.4', '3.5']}\nadditions: 回复时限\n")
    path.write_text(text + MARKED, encoding="utf-8")
    assert check(repo) == []
    doc = next(d.doc for d in Repository(repo).load_documents() if d.doc and d.doc.id == "QP-03")
    assert doc.source[0].cite() == "manual.txt §3.4, §3.5" and doc.additions == ["回复时限"]
    path.write_text(text.replace("{file: manual.txt, ", "{fil: manual.txt, ") + MARKED, encoding="utf-8")
    wrong = [i for i in check(repo) if i.path == QP03]
    assert {i.rule for i in wrong} == {"document-schema"} and any("fil" in i.message and "file" not in i.message for i in wrong)


def test_the_marker_is_an_admonition_title() -> None:
    assert addition_markers('!!! note "本组织补充 / organization\'s addition"\n    x\n') == 1
    assert addition_markers('!!! info inline end "本组织补充"\n    x\n') == 1
    assert addition_markers('??? note "Organisation\'s addition"\n    x\n') == 1
    assert addition_markers("本组织补充:正文里提到这个词不算标记。\n") == 0
    assert addition_markers('!!! note "参考资料"\n    本组织补充\n') == 0


# -- the reference QMS, held to the seeds --------------------------------------------------------------------

def seed(name: str) -> str:
    return require_shared(SEEDS / name).read_text(encoding="utf-8")


def documents() -> dict[str, tuple[dict, str]]:  # type: ignore[type-arg]
    found = {}
    for path in sorted((ROOT / "manual").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            _, front, body = text.split("---\n", 2)
            meta = yaml.safe_load(front)
            found[meta["id"]] = (meta, body)
    return found


PROPERTY_SEED = "1-property-customer-service.txt"
CARRIED_IN = ("PM-REG-302", "PM-REG-303", "PM-REG-304", "PM-REG-305", "PM-REG-306",
              "PM-REG-310", "PM-REG-313", "PM-REG-315", "PM-REG-316")
"""3.2 move-in, 3.3 fit-out, 3.4 complaints, 3.5 repairs, 3.6 visits, 3.10 front desk, 3.13 client records,
3.15 paid services, 3.16 move-out: the regulations whose fragments stand elsewhere in the property manual."""


def _section_text(text: str, number: str) -> str:
    """The text of a numbered section of the property seed, up to the next heading of the same depth."""
    toc = text.index("1.0 客户服务部工作内容概述")
    body = text[text.index("1.0 客户服务部工作内容概述", toc + 1):]  # after the table of contents
    heads = list(re.finditer(r"(?:^|\s)(\d\.\d(?:\.\d)?) (?=[\u4e00-\u9fff])", body))
    for n, head in enumerate(heads):
        if head.group(1) == number:
            depth = number.count(".")
            end = next((h.start() for h in heads[n + 1:] if h.group(1).count(".") <= depth), len(body))
            return body[head.start():end]
    raise AssertionError(f"§{number} is not a section of {PROPERTY_SEED}")


def test_property_regulations_carried_in_cite_their_seed() -> None:
    text = seed(PROPERTY_SEED)
    docs = documents()
    for doc_id in CARRIED_IN:
        meta, body = docs[doc_id]
        number = f"3.{int(doc_id[-2:])}"
        assert f"{number} {meta['title']}" in text, doc_id  # the title is the seed's own, in its table of contents
        assert meta["status"] == "draft" and "approved" not in meta and "effective" not in meta, doc_id
        sources = meta["source"] if isinstance(meta["source"], list) else [meta["source"]]
        assert [s["file"] for s in sources] == [PROPERTY_SEED], doc_id
        declared = {re.match(r"\d\.\d(?:\.\d)?", s).group(0) for s in sources[0]["sections"]}
        cited = re.findall(r"§(\d\.\d(?:\.\d)?)(?: 第 ([\d、]+) 条)?", body)
        assert cited, f"{doc_id} cites no section of the seed"
        for section, items in cited:
            assert section in declared, f"{doc_id} cites §{section} in the text but not in its front matter"
            part = _section_text(text, section)
            for item in filter(None, items.split("、")):
                assert re.search(rf"(?:^|\s){item}\. ", part), f"{doc_id}: §{section} has no item {item}"
        for phrase in re.findall(r"\*\*(.+?)\*\*", body):  # what is set in bold is quoted, word for word
            assert phrase in text, f"{doc_id}: {phrase!r} is not the seed's wording"


def test_the_other_property_regulations_stay_outlines() -> None:
    docs = documents()
    outlines = [f"PM-REG-3{n:02d}" for n in range(2, 22) if f"PM-REG-3{n:02d}" not in CARRIED_IN]
    assert len(outlines) == 11
    for doc_id in outlines:
        meta, body = docs[doc_id]
        assert meta["status"] == "draft" and "## 提纲" in body, doc_id
        assert meta["source"] == {"file": PROPERTY_SEED, "sections": [f"目录 3.{int(doc_id[-2:])}"]}, doc_id  # a title only


SEED_FILES = ("1-property-customer-service.txt", "2-labor-dispatch-iso9001.txt", "3-hotel-engineering.txt",
              "4-customer-service-key-points.txt", "5-large-enterprise-tax-service.txt")
UNIT_SEED = {"PM": SEED_FILES[0], "LD": SEED_FILES[1], "HE": SEED_FILES[2], "CS": SEED_FILES[3], "TX": SEED_FILES[4]}


def _cited_in(text: str, section: str) -> bool:
    """A section as a document cites it ("2.2 第 15 条", "工程部领班岗位职责 2-3", "目录 3.7", "57") is in the seed."""
    head = section.removeprefix("目录 ").removeprefix("附 ").split(" ")[0]
    parts = head.split("-") if re.fullmatch(r"[\d.]+-[\d.]+", head) else [head]
    for part in parts:
        found = re.search(rf"(?:^|\s){re.escape(part)}\. ", text) if part.isdigit() else part in text
        if not found:
            return False
    return True


def test_every_document_cites_the_seed_of_its_unit() -> None:
    texts = {name: seed(name) for name in SEED_FILES}
    for doc_id, (meta, _) in documents().items():
        sources = meta.get("source")
        assert sources, f"{doc_id} does not say which source manual it carries"
        for source in sources if isinstance(sources, list) else [sources]:
            assert source["file"] == UNIT_SEED[doc_id.split("-")[0]], doc_id  # each unit's text from its own manual
            assert source["sections"], doc_id
            for section in source["sections"]:
                assert _cited_in(texts[source["file"]], section), f"{doc_id}: {section!r} is not in {source['file']}"


def test_no_draft_carries_an_approval_or_effective_date() -> None:
    drafts = {doc_id: meta for doc_id, (meta, _) in documents().items() if meta["status"] == "draft"}
    assert {"LD-QP-01", "LD-QP-05", "PM-REG-302"} <= set(drafts)
    assert [doc_id for doc_id, meta in drafts.items() if "approved" in meta or "effective" in meta] == []


def test_every_document_declaring_additions_marks_them_in_the_text() -> None:
    declaring = 0
    for doc_id, (meta, body) in documents().items():
        additions = meta.get("additions", [])
        marked = addition_markers(body)
        assert bool(additions) == bool(marked), f"{doc_id}: {len(additions)} declared, {marked} marked"
        declaring += bool(additions)
    assert declaring >= 2


# -- forms the manuals name ------------------------------------------------------------------------------------

NEW_FORMS = {
    # kind: (code, governing document, seed, the seed's words naming it)
    "shift_rota": ("PM-FOR-2102", "PM-JD-01", PROPERTY_SEED, "轮更表"),
    "management_log": ("PM-FOR-2305", "PM-JD-03", PROPERTY_SEED, "记录大厦管理日志"),
    "weekly_meeting": ("PM-FOR-2107", "PM-JD-01", PROPERTY_SEED, "每周召集部门所辖员工召开工作会议"),
    "department_report": ("PM-FOR-2113", "PM-JD-01", PROPERTY_SEED, "编写部门管理月/年报告"),
    "maintenance_plan": ("HE-FOR-01-05", "HE-JD-01", "3-hotel-engineering.txt", "设备保养月度工作计划"),
    "work_summary": ("HE-FOR-01-06", "HE-JD-01", "3-hotel-engineering.txt", "月度工作总结报告"),
    "duty_log": ("HE-FOR-08-01", "HE-JD-08", "3-hotel-engineering.txt", "运行值班记录"),
    "meter_reading": ("HE-FOR-02-02", "HE-JD-02", "3-hotel-engineering.txt", "抄表记录"),
    "recruitment_plan": ("LD-FOR-03-01", "LD-QP-03", "2-labor-dispatch-iso9001.txt", "招募计划"),
    "training_plan": ("LD-FOR-04-03", "LD-QP-04", "2-labor-dispatch-iso9001.txt", "培训计划"),
}


@pytest.fixture(scope="module")
def reference() -> Repository:
    return Repository(ROOT)


def test_each_new_form_has_its_code_and_an_effective_governing_document(reference: Repository) -> None:
    docs = documents()
    units = {u["id"]: u["prefix"] for u in yaml.safe_load((ROOT / "manual/organization.yml").read_text(encoding="utf-8"))["units"]}
    for kind, (code, procedure, seed_file, words) in NEW_FORMS.items():
        found = reference.registry.get(kind)
        assert found is not None, f"no form {kind} in schemas/"
        spec = found.spec
        assert (spec.code, spec.procedure) == (code, procedure), kind
        meta, _ = docs[procedure]
        assert meta["status"] == "effective" and kind in meta["forms"], f"{procedure} does not govern {kind}"
        assert code.startswith(units[meta["unit"]] + "-FOR-"), f"{code} is not in {meta['unit']}'s numbering"
        assert words in seed(seed_file), f"{seed_file} does not name {kind} ({words})"
        assert any(code in a for a in spec.additions), f"{kind}: the code {code} is ours, and the form must say so"
        assert (ROOT / "schemas/json" / f"{kind}.schema.json").exists(), kind


def test_form_codes_not_in_the_seeds_are_declared_additions(reference: Repository) -> None:
    seeds = "".join(seed(name) for name in ("1-property-customer-service.txt", "2-labor-dispatch-iso9001.txt",
                                            "3-hotel-engineering.txt", "4-customer-service-key-points.txt",
                                            "5-large-enterprise-tax-service.txt"))
    from_seeds = []
    for kind in reference.registry.kinds.values():
        code = kind.spec.code
        if code in seeds:
            from_seeds.append(code)
            assert not any(code in a for a in kind.spec.additions), f"{code} is the source's own"
        else:
            assert any(code in a for a in kind.spec.additions), f"{kind.name}: say that {code} is this organization's"
    assert sorted(from_seeds) == ["QMS-PM-3101", "QMS-PM-3102", "QMS-PM-3103"]


def test_personal_data_on_the_new_forms_is_confidential(reference: Repository) -> None:
    assert "assignments.staff" in reference.registry.get("shift_rota").spec.confidential
    assert "on_duty" in reference.registry.get("duty_log").spec.confidential


def _validate(reference: Repository, kind: str, data: dict) -> list[str]:  # type: ignore[type-arg]
    from pydantic import ValidationError

    try:
        reference.registry.get(kind).model.model_validate(data)
    except ValidationError as exc:
        return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    return []


def _record(kind: str, rid: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "records" / kind / f"{rid}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", ["satisfaction_survey", "complaint", "contract_review"])
def test_customer_tier_where_customers_are_recorded(reference: Repository, kind: str) -> None:
    assert "ABC" in seed("4-customer-service-key-points.txt")
    record = _record(kind, sorted((ROOT / "records" / kind).glob("*.yaml"))[0].stem)
    assert "tier" not in record and _validate(reference, kind, record) == []  # optional: the year's records still pass
    for tier in ("A", "B", "C"):
        assert _validate(reference, kind, {**record, "tier": tier}) == []
    assert [e.split(":")[0] for e in _validate(reference, kind, {**record, "tier": "D"})] == ["tier"]
    assert any("tier" in a for a in reference.registry.get(kind).spec.additions)


def test_severity_and_likelihood_in_the_tax_risk_assessment(reference: Repository) -> None:
    assert "评价税收风险的严重程度以及发生的可能性" in seed("5-large-enterprise-tax-service.txt")
    record = _record("risk_assessment", "RA-2026-01")
    first = record["ranking"][0]
    evaluations = [{"risk": r, "severity": "high", "likelihood": "medium"} for r in first["risks"]]
    ranked = [{**first, "evaluations": evaluations}, *record["ranking"][1:]]
    assert _validate(reference, "risk_assessment", {**record, "ranking": ranked}) == []
    stray = [{**first, "evaluations": [{"risk": "RF-9999", "severity": "low", "likelihood": "low"}]}, *record["ranking"][1:]]
    errors = _validate(reference, "risk_assessment", {**record, "ranking": stray})
    assert len(errors) == 1 and "RF-9999" in errors[0] and "not among its risks" in errors[0]
    unscaled = [{**first, "evaluations": [{**evaluations[0], "severity": "extreme"}]}, *record["ranking"][1:]]
    assert [e.split(":")[0] for e in _validate(reference, "risk_assessment", {**record, "ranking": unscaled})] \
        == ["ranking.0.evaluations.0.severity"]


def test_patrols_several_times_a_day(reference: Repository) -> None:
    assert "每日进行多次大厦内全方位巡视" in seed(PROPERTY_SEED)
    record = _record("patrol_report", "PAT-2025-001")
    assert _validate(reference, "patrol_report", record) == []
    assert [e.split(":")[0] for e in _validate(reference, "patrol_report", {**record, "rounds": 1})] == ["rounds"]
    log = [{"time": t, "by": "客户服务助理", "areas": ["大堂", "停车场"]} for t in ("08:30", "11:00", "14:30", "17:00", "21:00")]
    rounds = record["rounds"]
    assert _validate(reference, "patrol_report", {**record, "round_log": log[:rounds]}) == []
    assert "round_log lists" in "".join(_validate(reference, "patrol_report", {**record, "round_log": log[:rounds - 1]}))
    backwards = list(reversed(log[:rounds]))
    assert "rise through the day" in "".join(_validate(reference, "patrol_report", {**record, "round_log": backwards}))
    one = {**record, "rounds": 2, "round_log": log[:1]}
    assert any(e.startswith("round_log") for e in _validate(reference, "patrol_report", one))


def test_new_recurring_activities_from_the_seeds() -> None:
    schedule = yaml.safe_load((ROOT / "manual/schedule.yml").read_text(encoding="utf-8"))["activities"]
    by_kind: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for activity in schedule:
        by_kind.setdefault(activity["kind"], []).append(activity)
    docs = documents()
    expected = {  # kind, where: (every, the seed's words for it)
        ("weekly_meeting", None): ({"days": 7}, "每周召集部门所辖员工召开工作会议"),
        ("department_report", "monthly"): ({"months": 1}, "编写部门管理月/年报告"),
        ("department_report", "annual"): ({"months": 12}, "编写部门管理月/年报告"),
        ("maintenance_plan", None): ({"months": 1}, "设备保养月度工作计划"),
        ("work_summary", "monthly"): ({"months": 1}, "月度工作总结报告"),
    }
    seeds = seed(PROPERTY_SEED) + seed("3-hotel-engineering.txt")
    for (kind, type_), (every, words) in expected.items():
        assert words in seeds
        found = [a for a in by_kind[kind] if a.get("where", {}).get("type") == type_]
        assert len(found) == 1, (kind, type_)
        activity = found[0]
        assert activity["every"] == every, kind
        assert "due_day" not in activity and "due_date" not in activity  # the seeds give no deadline day: none invented
        assert kind in docs[activity["source"]][0]["forms"], f"{activity['source']} does not govern {kind}"


def test_form_additions_are_a_tuple_of_texts(repo: Path) -> None:
    path = repo / "schemas/complaint.py"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('        date_field="received",\n', '        date_field="received",\n'
                                 '        additions=("回复时限为本组织规定"),\n'), encoding="utf-8")
    issues = [i for i in check(repo) if i.path == "schemas/complaint.py"]
    assert len(issues) == 1 and "trailing comma" in issues[0].message
    path.write_text(text.replace('        date_field="received",\n', '        date_field="received",\n'
                                 '        additions=("回复时限为本组织规定",),\n'), encoding="utf-8")
    from qmskit.schema_export import export

    export(repo, Repository(repo).registry)
    assert check(repo) == []
    assert '"additions": [\n      "回复时限为本组织规定"\n    ]' in (repo / "schemas/json/complaint.schema.json").read_text(encoding="utf-8")


def test_the_site_shows_sources_and_additions(tmp_path: Path) -> None:
    """Visible on the site: the header block, the marked passages, the forms and the roles say what is added."""
    from reportkit import reference_context

    from qmskit.site import stage

    stage(reference_context(), tmp_path / "staging")
    docs = tmp_path / "staging" / "docs"
    page = (docs / "labor-dispatch/LD-QM-01-quality-manual.md").read_text(encoding="utf-8")
    assert "| 出处 | 2-labor-dispatch-iso9001.txt §1.1" in page
    assert "| 本组织补充(原手册没有) | 各节标题后注明的 ISO 9001:2015 条款号" in page
    assert page.count('!!! note "本组织补充') == addition_markers(documents()["LD-QM-01"][1]) >= 5
    draft = (docs / "property/PM-REG-304.md").read_text(encoding="utf-8")
    assert "| 出处 | 1-property-customer-service.txt §1.1, §2.1 第 1、9 条" in draft
    rota = (docs / "records/shift_rota/ROT-2026-001.md").read_text(encoding="utf-8")
    assert "本组织补充(原手册没有):表格编号 PM-FOR-2102 为本组织编制" in rota
    register = (docs / "registers/shift_rota.md").read_text(encoding="utf-8")
    assert "本组织补充(原手册没有):表格编号 PM-FOR-2102" in register
    organization = (docs / "organization.md").read_text(encoding="utf-8")
    assert re.search(r"\*\*招聘专员\*\* — .*本组织补充:原手册没有这一岗位", organization)
    assert not re.search(r"\*\*客户服务经理\*\* — .*本组织补充", organization)  # a role of the source says nothing
