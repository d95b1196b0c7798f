"""Generate the reference QMS's year of records (December 2025 to November 2026) as one organization's year.

Seeded and reproducible: the same seed writes the same files. It writes
only into an empty folder (default ``records/`` when that holds no records)
and never replaces a file, so it cannot destroy records kept by hand.

The year is built so that its records agree with each other, the way an
auditor sampling them would expect (issue 10):

- a people register: everyone the records name is a ``person`` record, with
  the roles of ``manual/organization.yml`` held from/to a day and the
  certificates their role asks for; records that say who did something name
  that person (``*_person``, ``assessee``, ``trainees``, auditors), holding
  the role on the day, and name fields carry the same person's name;
- numbers agree: the daily meter readings sum to the monthly energy report
  and the daily inspection's water figure is that day's reading, the duty
  roster counts the month's days, each month's shift rota gives every
  person a shift or a rest on every day, objective results are counted from
  the complaints and surveys, risk scores are the sum of the features cited;
- complaints name the NCR they led to and work orders name the complaint
  that caused them; every department, the tax service included, is audited
  within the year;
- texts are drawn from varied phrasings per kind.

It keeps the deliberate misses that give the reports something true to
find: the complaint reply rate missed in 2026-Q2 (three complaints never
answered), an NCR whose verification found the action not effective, NCRs
overdue, the April 2026 energy report never written, an audit file handed
over late, August's maintenance plan never checked. ``qms check`` finds no
contradiction in it: no error and no warning.

Usage: python scripts/generate_reference_records.py [--out DIR] [--seed N]
"""
from __future__ import annotations

import argparse
import calendar
import datetime as dt
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qmskit.yamlio import dumps

D = dt.date
ROOT = Path(__file__).resolve().parent.parent
START, END = D(2025, 12, 1), D(2026, 11, 25)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力海燕宁欣雪梅晨浩宇佳琳"
TIERING_FROM = D(2026, 6, 1)  # enterprise customers graded A/B/C (CS-REF-03) from June 2026, after the May training
CUSTOMERS = {  # enterprise customers of the labour-dispatch company and their ABC tier (CS-REF-03)
    "南京某电子科技有限公司": "A", "苏州某精密制造有限公司": "A", "无锡某物流有限公司": "B", "南京某食品有限公司": "B",
    "常州某汽车零部件有限公司": "B", "扬州某酒店管理有限公司": "C", "镇江某化工有限公司": "C", "南京某商贸有限公司": "C",
}


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def month_days(year: int, month: int) -> list[dt.date]:
    return [D(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    found, day = [], first.replace(day=1)
    while day <= last:
        found.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return found


def label(month: dt.date) -> str:
    return f"{month.year}-{month.month:02d}"


class Writer:
    def __init__(self, out: Path, seed: int) -> None:
        self.out = out
        self.rng = random.Random(seed)
        self.count: dict[str, int] = {}
        self.used_names: set[str] = set()

    def name(self) -> str:
        """A name not yet given to anyone in this year's records (so that a name means one person)."""
        while True:
            name = self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def phone(self) -> str:
        return "1" + self.rng.choice("3589") + "".join(self.rng.choice("0123456789") for _ in range(9))

    def id_number(self, born: dt.date) -> str:
        return f"3201{self.rng.randint(0, 99):02d}{born:%Y%m%d}{self.rng.randint(0, 999):03d}{self.rng.choice('0123456789X')}"

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    def pick(self, options: list[Any] | tuple[Any, ...]) -> Any:
        return self.rng.choice(options)

    def write(self, kind: str, data: dict[str, Any]) -> str:
        folder = self.out / kind
        folder.mkdir(parents=True, exist_ok=True)
        record = {k: v for k, v in data.items() if v is not None and v != [] and v != {}}
        text = f"# yaml-language-server: $schema=../../schemas/json/{kind}.schema.json\n" + dumps(record)
        with open(folder / f"{record['id']}.yaml", "x", encoding="utf-8") as handle:
            handle.write(text)
        self.count[kind] = self.count.get(kind, 0) + 1
        return record["id"]


def seq(prefix: str) -> Any:
    numbers: dict[int, int] = {}

    def next_id(year: int, width: int = 4) -> str:
        numbers[year] = numbers.get(year, 0) + 1
        return f"{prefix}-{year}-{numbers[year]:0{width}d}"

    return next_id


# --------------------------------------------------------------------------- the people register
@dataclass
class Person:
    id: str
    name: str
    department: str
    unit: str
    roles: list[tuple[str, dt.date, dt.date | None]]
    certificates: list[dict[str, Any]] = field(default_factory=list)

    def holds(self, role: str, day: dt.date) -> bool:
        return any(r == role and start <= day and (end is None or day <= end) for r, start, end in self.roles)


class Register:
    """Everyone the year's records name, with the roles of the organization file held from/to a day."""

    def __init__(self, w: Writer) -> None:
        self.w = w
        org = yaml.safe_load((ROOT / "manual/organization.yml").read_text(encoding="utf-8"))
        self.department_of = {r["name"]: r["department"] for r in org["roles"]}
        self.unit_of = {d["name"]: d["unit"] for d in org["departments"]}
        self.people: list[Person] = []
        self.extra: dict[str, dict[str, Any]] = {}

    def hire(self, role: str, since: dt.date, *, until: dt.date | None = None,
             more: tuple[tuple[str, dt.date, dt.date | None], ...] = (), certificates: tuple[str, ...] = (),
             certified: dt.date | None = None) -> Person:
        department = self.department_of[role]
        person = Person(f"EMP-{len(self.people) + 1:04d}", self.w.name(), department, self.unit_of[department],
                        [(role, since, until), *more])
        issued = certified or since - dt.timedelta(days=self.w.rng.randint(20, 200))
        while certified is None and certificates and issued.replace(year=issued.year + 6) < D(2027, 3, 1):
            issued = issued.replace(year=issued.year + 6)  # renewed every six years: valid all through the year
        for n, name in enumerate(certificates):
            cert = {"name": name, "number": f"{'QMS-IA' if '内审员' in name else 'T'}-{issued.year}-"
                                           f"{self.w.rng.randint(1000, 9999)}{n}", "issued": issued}
            if "内审员" not in name:  # operating certificates are renewed every six years
                cert["expires"] = issued.replace(year=issued.year + 6) - dt.timedelta(days=1)
            person.certificates.append(cert)
        born = D(self.w.rng.randint(1968, 2001), self.w.rng.randint(1, 12), self.w.rng.randint(1, 28))
        self.extra[person.id] = {"id_number": self.w.id_number(born), "phone": self.w.phone()}
        self.people.append(person)
        return person

    def holders(self, role: str, day: dt.date) -> list[Person]:
        found = [p for p in self.people if p.holds(role, day)]
        if not found:
            raise ValueError(f"nobody holds {role} on {day}: the register must cover every role the records name")
        return found

    def one(self, role: str, day: dt.date, salt: int = 0, *, not_in: str | None = None) -> Person:
        """The holder of ``role`` on ``day`` (several holders: taken in turn by ``salt``); not of department ``not_in``."""
        found = [p for p in self.holders(role, day) if p.department != not_in] or self.holders(role, day)
        return found[salt % len(found)]

    def write(self) -> None:
        for p in self.people:
            self.w.write("person", {
                "id": p.id, "name": p.name, "department": p.department, "unit": p.unit,
                "roles": [{"role": r, "from": start, "to": end} if end else {"role": r, "from": start}
                          for r, start, end in p.roles],
                "certificates": p.certificates, **self.extra[p.id],
            })


IA_CERT = "ISO 9001 内审员培训合格证"


def build_register(w: Writer) -> Register:
    """The organization's people: every role of organization.yml held by someone all year, a few changes during it."""
    reg = Register(w)
    hire = reg.hire
    # labour dispatch (LD-QM-01): the general manager is the management representative (appointment in LD-QM-01)
    hire("董事长", D(2012, 5, 1))
    hire("总经理", D(2016, 3, 1), more=(("管理者代表", D(2023, 1, 1), None),))
    hire("总经办主任", D(2018, 7, 1), more=(("审核组组长", D(2024, 1, 1), None),), certificates=(IA_CERT,),
         certified=D(2023, 11, 20))
    hire("人力资源部经理", D(2017, 9, 1))
    hire("招聘专员", D(2021, 4, 6), more=(("内审员", D(2024, 6, 1), None),), certificates=(IA_CERT,),
         certified=D(2024, 5, 17))
    hire("招聘专员", D(2023, 8, 14), more=(("内审员", D(2026, 3, 10), None),), certificates=(IA_CERT,),
         certified=D(2026, 3, 6))  # trained as an internal auditor on 2026-03-05 (TRN record), appointed after
    hire("客服部经理", D(2019, 2, 18))
    hire("客服专员", D(2020, 10, 9), more=(("内审员", D(2025, 6, 1), None),), certificates=(IA_CERT,),
         certified=D(2025, 5, 20))
    hire("客服专员", D(2022, 3, 1), until=D(2026, 8, 31))  # left at the end of August
    hire("客服专员", D(2026, 3, 2))  # the review MR-2025-01 asked for one more customer service officer
    hire("管理部经理", D(2018, 11, 5), more=(("内审员", D(2024, 6, 1), None),), certificates=(IA_CERT,),
         certified=D(2024, 5, 17))
    # property customer service (PM-MAN-01)
    hire("物业总经理", D(2015, 6, 1))
    hire("驻场经理", D(2020, 1, 6))
    hire("工程经理", D(2019, 8, 12))
    hire("客户服务经理", D(2018, 3, 19))
    hire("客户服务主任", D(2020, 5, 11))
    for since in (D(2021, 9, 1), D(2023, 2, 13), D(2024, 7, 1)):
        hire("客户服务助理", since)
    for since in (D(2022, 4, 1), D(2023, 10, 9), D(2025, 3, 3)):
        hire("前台接待员", since)
    hire("客服文员", D(2021, 1, 4), more=(("内审员", D(2025, 6, 1), None),), certificates=(IA_CERT,),
         certified=D(2025, 5, 20))
    hire("清洁主管", D(2019, 4, 1))
    hire("夜班经理", D(2017, 12, 1))
    # hotel engineering (HE-MAN-01); the certificates the organization file asks of each trade
    hire("酒店总经理", D(2014, 9, 1))
    hire("工程部经理", D(2016, 5, 3))
    hire("工程部领班", D(2018, 6, 4))
    hire("工程部领班", D(2020, 3, 16), more=(("内审员", D(2024, 6, 1), None),), certificates=(IA_CERT,),
         certified=D(2024, 5, 17))
    for n, since in enumerate((D(2015, 4, 15), D(2019, 7, 1), D(2022, 11, 7))):
        # the first electrician's certificate runs out on 2026-12-20: the due list shows it
        hire("电工", since, certificates=("高压电工操作证",), certified=D(2020, 12, 21) if n == 0 else None)
    for since in (D(2017, 3, 1), D(2021, 5, 10)):
        hire("水暖工", since, certificates=("上岗证书",))
    for since in (D(2018, 4, 2), D(2023, 6, 19)):
        hire("空调工", since, certificates=("空调上岗证",))
    for since in (D(2016, 8, 8), D(2024, 2, 26)):
        hire("综合维修工", since, certificates=("上岗证书",))
    hire("网管", D(2019, 10, 8))
    for since in (D(2018, 1, 2), D(2019, 9, 16), D(2021, 12, 1), D(2024, 4, 8)):
        hire("运行值班员", since)
    hire("财务部经理", D(2017, 2, 6))
    # large-enterprise tax service (TX-MAN-01)
    hire("分管局领导", D(2020, 1, 1))
    hire("大企业司负责人", D(2021, 3, 1))
    hire("大企业处负责人", D(2019, 6, 1))
    hire("税企联络员", D(2020, 9, 1))
    hire("税企联络员", D(2022, 7, 1), more=(("内审员", D(2025, 6, 1), None),), certificates=(IA_CERT,),
         certified=D(2025, 5, 20))
    hire("风险管理岗", D(2021, 4, 1))
    hire("风险管理岗", D(2023, 9, 1))
    hire("名册核实员", D(2020, 2, 1))
    hire("名册核实员", D(2024, 3, 1))
    # dispatched workers assessed every half-year (the same six, two missed in 2026-H1)
    for since in (D(2023, 3, 6), D(2023, 9, 18), D(2024, 2, 19), D(2024, 8, 5), D(2025, 1, 13), D(2025, 6, 2)):
        hire("派遣人员", since)
    return reg


def verification(reg: Register, on: dt.date, owner_department: str, salt: int, ok: bool = True) -> dict[str, Any]:
    """Verified by an internal auditor from another department (an auditor does not verify their own work)."""
    by = reg.one("内审员", on, salt, not_in=owner_department)
    return {"by": "内审员", "by_person": by.id, "on": on, "result": "effective" if ok else "not_effective"}


# --------------------------------------------------------------------------- audits, NCRs, actions
@dataclass
class Audit:
    id: str
    plan: str
    opened: dt.date
    closing: dt.date
    criteria: list[str]
    handed: dt.date
    team: list[tuple[str, int, list[str]]]  # (role, which holder, departments audited)
    findings: list[tuple[str, str, str, str, str, str]]

    @property
    def scope(self) -> list[str]:
        return [d for _, _, audits in self.team for d in audits]


AUDITS = [
    Audit("IA-2025-01", "IAP-2025-01", D(2025, 12, 8), D(2025, 12, 10),
          ["PM-MAN-01", "PM-REG-301", "HE-MAN-01", "HE-REG-01", "HE-WI-01"], D(2025, 12, 17),
          [("审核组组长", 0, ["客户服务部"]), ("内审员", 0, ["工程部"]), ("内审员", 2, ["物业管理处", "酒店总经理室"])],
          [("hotel", "工程部", "HE-JD-07 §4", "抽查 6 台前台计算机,2 台距上次除尘已超过 100 天,无除尘记录。", "minor", "工程部经理"),
           ("property", "客户服务部", "PM-JD-01 §1", "11 月 3 日至 5 日的巡楼报告无客户服务经理审阅签名。", "minor", "客户服务经理"),
           ("hotel", "工程部", "HE-REG-01 §5", "交接班记录本有 3 个班次未写明当班人姓名。", "observation", "工程部领班")]),
    Audit("IA-2026-01", "IAP-2026-01", D(2026, 3, 16), D(2026, 3, 20),
          ["LD-QM-01", "LD-QP-02", "LD-QP-03", "LD-QP-04", "LD-QP-07", "LD-QP-08", "LD-QP-10"], D(2026, 3, 27),
          [("审核组组长", 0, ["人力资源部", "客服部"]), ("内审员", 1, ["总经办", "董事会"]), ("内审员", 2, ["管理部"])],
          [("labor-dispatch", "人力资源部", "LD-QP-03 §4", "抽查 5 份派遣人员劳动合同,其中 1 份签署前未经公司批准。", "minor", "人力资源部经理"),
           ("labor-dispatch", "管理部", "LD-QP-10 §3", "某企业顾客合约变更后,变更内容未书面传达到人力资源部。", "minor", "管理部经理"),
           ("labor-dispatch", "客服部", "LD-QP-07 §5", "1 月份两起企业顾客投诉的回复未记录回复内容。", "major", "客服部经理"),
           ("labor-dispatch", "总经办", "LD-QP-02 §4", "现场使用的一份操作指引打印件未标注版本。", "observation", "总经办主任"),
           ("labor-dispatch", "人力资源部", "LD-QP-04 §5", "2 月岗前培训未做培训后考核,无考核记录。", "minor", "人力资源部经理")]),
    Audit("IA-2026-02", "IAP-2026-02", D(2026, 9, 14), D(2026, 9, 16),
          ["LD-QP-07", "LD-QP-01", "HE-MAN-01", "HE-JD-01", "HE-JD-07", "PM-MAN-01"], D(2026, 9, 28),  # 12 days: late
          [("审核组组长", 0, ["客服部", "人力资源部"]), ("内审员", 3, ["工程部", "财务部", "人事部"]),
           ("内审员", 2, ["行政人事部"])],
          [("labor-dispatch", "客服部", "LD-QP-07 §5", "二季度 3 起投诉超过一个月未回复,投诉回复率未达 100 %。", "major", "客服部经理"),
           ("hotel", "工程部", "HE-JD-01", "8 月设备保养月度工作计划的实施情况未检查,无检查记录。", "minor", "工程部经理"),
           ("labor-dispatch", "人力资源部", "LD-QP-01", "派遣人员上半年岗位能力考核缺 2 名人员的记录。", "minor", "人力资源部经理"),
           ("hotel", "工程部", "HE-JD-07 §4", "计算机除尘间隔 104 天,超过 100 天。", "observation", "工程部经理")]),
    Audit("IA-2026-03", "IAP-2026-03", D(2026, 9, 28), D(2026, 9, 30),
          ["TX-MAN-01", "TX-QP-01", "TX-QP-02", "TX-QP-03", "TX-QP-04"], D(2026, 10, 9),
          [("审核组组长", 0, ["省局大企业处", "大企业税收管理司"]), ("内审员", 4, ["主管税务机关", "相关业务部门"])],
          [("tax", "主管税务机关", "TX-QP-04 §3", "一个企业集团的名册核实结果晚于规定时间上报,无延期说明。", "minor", "名册核实员"),
           ("tax", "省局大企业处", "TX-QP-01 §2", "抽查 6 件涉税诉求,1 件回复前未经处负责人审核。", "observation", "大企业处负责人")]),
]

# NCRs from other sources: (source, raised, unit, department, requirement, text, grade, owner, category, complaint)
# complaint: (days before the NCR it was received, customer type, text) — the complaint that led to the NCR
OTHER_NCRS = [
    ("management_review", D(2025, 12, 18), "labor-dispatch", "总经办", "LD-QM-01 §5.5", "管理评审发现上一年度满意度分析未形成书面评价。", "minor", "总经办主任", "management_system", None),
    ("customer_complaint", D(2026, 1, 20), "labor-dispatch", "客服部", "LD-QP-10 §4", "企业顾客投诉派遣人员到岗延误 2 天,事先未通知顾客。", "minor", "客服部经理", "service_delivery",
     (4, "enterprise", "约定 1 月 12 日到岗的 5 名派遣人员 14 日才到,事先没有任何通知。")),
    ("process_monitoring", D(2026, 4, 30), "hotel", "工程部", "HE-JD-02 §1", "4 月能源消耗量统计表到 4 月 30 日仍未完成。", "minor", "工程部领班", "management_system", None),
    ("customer_complaint", D(2026, 5, 12), "property", "客户服务部", "PM-JD-03 §3", "业户投诉电梯厅清洁问题一周内重复发生。", "minor", "客户服务主任", "service_delivery",
     (1, "individual", "B 座电梯厅地面一周内第二次有污渍未清,上次反映后没有改善。")),
    ("inspection", D(2026, 6, 8), "hotel", "工程部", "HE-JD-04 §2", "6 月 6 日消防水泵巡检发现压力偏低,未当班上报领班。", "observation", "工程部领班", "management_system", None),
    ("customer_complaint", D(2026, 7, 2), "labor-dispatch", "人力资源部", "LD-QP-04 §4", "派遣人员反映岗前培训未讲解工伤申报流程。", "minor", "人力资源部经理", "recruitment",
     (3, "individual", "受伤后不知道工伤怎么申报,岗前培训时没人讲过。")),
    ("process_monitoring", D(2026, 8, 18), "tax", "省局大企业处", "TX-QP-01 §3", "一件涉税诉求受理后 30 天未形成初步处理意见。", "minor", "大企业处负责人", "service_delivery", None),
    ("customer_complaint", D(2026, 9, 22), "labor-dispatch", "管理部", "LD-QP-10 §5", "企业顾客反映合约变更后派遣人数未按新约定调整。", "major", "管理部经理", "customer_related",
     (4, "enterprise", "合约已改为 40 人,9 月仍只派了 30 人,要求尽快补足。")),
    ("inspection", D(2026, 10, 20), "property", "客户服务部", "PM-JD-05 §4", "前台复印机每月大检查记录 9 月缺失。", "observation", "客服文员", "management_system", None),
    ("supplier", D(2026, 11, 6), "property", "客户服务部", "PM-JD-02 §6", "外包清洁单位未按合同频次清洁地下车库。", "minor", "客户服务主任", "service_delivery", None),
    ("process_monitoring", D(2026, 11, 18), "labor-dispatch", "人力资源部", "LD-QP-03 §4", "一名招聘专员在劳动合同审批前发出录用通知。", "minor", "人力资源部经理", "recruitment", None),
    ("customer_complaint", D(2026, 11, 23), "hotel", "工程部", "HE-WI-01", "客房报修 2 小时内无人到场。", "minor", "工程部领班", "service_delivery",
     (1, "individual", "1608 房卫生间漏水,报修两个小时了还没人来。")),
]
MR_HELD = D(2026, 11, 20)  # the year's management review
NOT_EFFECTIVE = ("IA-2026-01", "LD-QP-07 §5")  # verified not effective in July: the Q2 reply rate was missed again
STUCK = {("process_monitoring", D(2026, 8, 18)), ("customer_complaint", D(2026, 9, 22))}  # overdue, still in action

ROOT_CAUSES = [
    "相关人员对程序要求不熟悉,岗前培训未覆盖该要求。", "职责分工不清,交接环节无人跟进。", "记录表格缺少必填提示,检查时未发现遗漏。",
    "工作量高峰期未调配人力,计划执行被推迟。", "部门之间信息传递靠口头,没有书面确认。", "主管人员日常检查流于形式,未逐项核对。",
    "新入职人员顶岗,未经带教即独立上岗。", "程序对时限的规定不明确,执行人理解不一。",
]
SIMILAR = [
    "已排查同类记录,未发现其他类似情况。", "抽查近三个月同类记录 20 份,另发现 1 份同样问题,一并纠正。",
    "排查其他班组和岗位,未发现同类问题。", "对同类合同和记录全部复查,未发现其他遗漏。",
]
CORRECTIONS = [
    "已立即补齐缺失记录,并由部门负责人签字确认。", "已当场纠正,通知相关方并说明原因。", "已补办审批手续,相关文件重新归档。",
    "已重新安排人员处理,当天完成。", "已向顾客致歉并落实补救措施。", "已收回旧版文件,发放现行有效版本。",
]
ACTIONS = [
    "修订程序的执行要点,增加时限提醒,对责任岗位全员培训并在月度检查中抽查。", "在表格中增加必填项和审核签字栏,主管每周抽查。",
    "明确交接职责,交接事项写入交接班记录并由双方签字。", "建立部门间书面传递单,接收部门签收后存档。",
    "对相关人员进行专项培训并考核,考核合格后上岗。", "将该项检查纳入月度内部检查表,连续三个月跟踪。",
]


def audits_and_ncrs(w: Writer, reg: Register) -> dict[str, Any]:
    """Audit plans and reports, the NCRs they and other sources raised, their actions. Returns what later records cite."""
    ca_id = seq("CAPA")
    plans: list[dict[str, Any]] = []
    for audit in AUDITS:
        for unit, dept, requirement, text, grade, owner in audit.findings:
            plans.append({"source": "internal_audit", "audit": audit.id, "raised": audit.closing, "unit": unit,
                          "department": dept, "requirement": requirement, "description": text, "grade": grade,
                          "owner": owner, "category": {"人力资源部": "recruitment", "管理部": "customer_related"}.get(
                              dept, "management_system"), "complaint": None})
    for source, raised, unit, dept, req, text, grade, owner, category, complaint in OTHER_NCRS:
        plans.append({"source": source, "raised": raised, "unit": unit, "department": dept, "requirement": req,
                      "description": text, "grade": grade, "owner": owner, "category": category, "complaint": complaint})
    plans.sort(key=lambda n: (n["raised"], n.get("audit") or ""))
    numbers: dict[int, int] = {}
    for plan in plans:
        year = plan["raised"].year
        numbers[year] = numbers.get(year, 0) + 1
        plan["id"] = f"NCR-{year}-{numbers[year]:04d}"
    by_audit: dict[str, list[str]] = {}
    for plan in plans:
        if plan.get("audit"):
            by_audit.setdefault(plan["audit"], []).append(plan["id"])
    for n, audit in enumerate(AUDITS):
        leader = reg.one("审核组组长", audit.opened)
        team = []
        for role, which, audits in audit.team:
            person = reg.one(role, audit.opened, which)
            team.append({"auditor": person.name, "person": person.id, "role": role, "department": person.department,
                         "audits": audits})
        approver = reg.one("管理者代表", audit.opened)
        w.write("audit_plan", {
            "id": audit.plan, "status": "approved", "year": audit.opened.year, "scope": audit.scope,
            "criteria": audit.criteria, "leader": "审核组组长", "leader_person": leader.id, "auditors": team,
            "start": audit.opened, "end": audit.closing,
            "basis": ["上次内审、管理评审和顾客投诉分析结果", "年度审核方案及上次审核的不符合关闭情况",
                      "管理评审 MR-2025-01 的要求和二季度投诉回复情况", "年度审核方案:当年尚未审核的部门"][n],
            "approved_by": "管理者代表", "approved": audit.opened - dt.timedelta(days=14),
        })
        found = len(audit.findings)
        major = sum(1 for f in audit.findings if f[4] == "major")
        w.write("audit_report", {
            "id": audit.id, "status": "closed", "plan": audit.plan, "opened": audit.opened,
            "closed_meeting": audit.closing, "scope": audit.scope, "criteria": audit.criteria, "leader": "审核组组长",
            "summary": w.pick([
                f"受审核部门体系基本符合要求并有效运行;开具不符合报告 {found} 份(其中严重 {major} 份),要求责任部门分析原因并整改。",
                f"审核覆盖 {len(audit.scope)} 个部门,总体运行有效;发现 {found} 项不符合,已与受审核部门确认。",
                f"体系运行基本有效,记录控制和时限管理仍需加强;共 {found} 项不符合,限期整改后验证。",
            ]),
            "approved_by": "管理者代表", "approved": audit.closing + dt.timedelta(days=3), "handed_over": audit.handed,
            "nonconformities": by_audit[audit.id],
        })
    overdue: list[str] = []
    for n, plan in enumerate(plans):
        raised = plan["raised"]
        age = (END - raised).days
        due = raised + dt.timedelta(days=20 if plan["grade"] == "major" else 30)
        owner = reg.one(plan["owner"], raised, n)
        record: dict[str, Any] = {
            "id": plan["id"], "status": "open", "source": plan["source"], "raised": raised,
            "requirement": plan["requirement"], "description": plan["description"], "grade": plan["grade"],
            "department": plan["department"], "owner": plan["owner"], "owner_person": owner.id, "due": due,
            "audit": plan.get("audit"), "unit": plan["unit"], "category": plan["category"],
        }
        if plan["source"] == "customer_complaint" and plan["unit"] == "labor-dispatch":
            record["customer_agreement"] = w.pick(["与顾客协商确定补派人员及改进方案,经双方确认后实施。",
                                                   "向顾客书面说明原因,双方商定整改时限和跟踪方式。"])
            record["customer_agreed"] = raised + dt.timedelta(days=5)
        stuck = (plan["source"], raised) in STUCK
        not_effective = (plan.get("audit"), plan["requirement"]) == (NOT_EFFECTIVE[0], NOT_EFFECTIVE[1]) and \
            plan["audit"] == NOT_EFFECTIVE[0]
        if age > 60 and not stuck:
            stage = "closed"
        elif age > 45:
            stage = "verification" if not stuck else "action"
        elif age > 20:
            stage = "action"
        elif age > 7:
            stage = "analysis"
        else:
            stage = "open"
        if stage != "open":
            record["root_cause"] = w.pick(ROOT_CAUSES)
            record["similar_cases"] = w.pick(SIMILAR)
        verify_on = due + dt.timedelta(days=10)
        if stage in ("action", "verification", "closed"):
            record["correction"] = w.pick(CORRECTIONS)
            action_id = ca_id(raised.year)
            record["actions"] = [action_id]
            ca_done = stage in ("verification", "closed")
            ca_owner = reg.one(plan["owner"], raised + dt.timedelta(days=7), n)
            w.write("corrective_action", {
                "id": action_id, "status": "verified" if stage == "closed" and not not_effective else (
                    "done" if ca_done else "in_progress"),
                "type": "corrective", "raised": raised + dt.timedelta(days=7), "nonconformity": plan["id"],
                "action": w.pick(ACTIONS), "owner": plan["owner"], "owner_person": ca_owner.id, "due": due,
                "done": due - dt.timedelta(days=3) if ca_done else None,
                "verification": verification(reg, verify_on, plan["department"], n)
                if stage == "closed" and not not_effective else None,
                "cross_department": plan["grade"] == "major",
            })
            if not_effective:
                # verified after the quarter it was meant to fix: Q2's reply rate missed again, so not effective;
                # back to action with a second corrective action, still open
                checked = D(2026, 7, 10)
                record["verification"] = {**verification(reg, checked, plan["department"], n, ok=False),
                                          "note": "二季度仍有 3 起投诉超过一个月未回复,措施无效,重新分析原因。"}
                second = ca_id(2026)
                record["actions"].append(second)
                w.write("corrective_action", {
                    "id": second, "status": "in_progress", "type": "corrective", "raised": checked,
                    "nonconformity": plan["id"], "action": "投诉受理后由系统每日提示未回复投诉,客服部经理每周核对回复率。",
                    "owner": plan["owner"], "owner_person": reg.one(plan["owner"], checked).id,
                    "due": D(2026, 10, 31), "cross_department": True,
                })
                stage = "action"
        if stage == "closed":
            record["verification"] = verification(reg, verify_on, plan["department"], n)
            record["closed"] = verify_on
        record["status"] = stage
        held = MR_HELD  # open past its due date on the day of the management review, as its input c4 states
        if raised <= held and due < held and not (record.get("closed") and record["closed"] <= held):
            overdue.append(plan["id"])
        w.write("nonconformity", record)
    # A preventive action and an improvement raised from data analysis, with no NCR.
    w.write("corrective_action", {
        "id": ca_id(2026), "status": "in_progress", "type": "preventive", "raised": D(2026, 10, 9),
        "action": "投诉受理后第 3 个工作日由系统提醒客服部经理跟进回复。", "owner": "客服部经理",
        "owner_person": reg.one("客服部经理", D(2026, 10, 9)).id, "due": D(2026, 12, 15), "cross_department": True,
    })
    w.write("corrective_action", {
        "id": ca_id(2026), "status": "open", "type": "improvement", "raised": D(2026, 11, 21),
        "action": "对 A 类核心企业顾客每季度走访一次,走访记录纳入客户档案(CS-REF-03)。", "owner": "客服部经理",
        "owner_person": reg.one("客服部经理", D(2026, 11, 21)).id, "due": D(2027, 2, 28),
    })
    complaint_ncrs = [(p["id"], p["raised"], p["unit"], p["department"], p["complaint"]) for p in plans if p["complaint"]]
    return {"ncrs": plans, "overdue": overdue, "complaint_ncrs": complaint_ncrs,
            "findings": {a.id: len(a.findings) for a in AUDITS}}


# --------------------------------------------------------------------------- complaints and the work orders they cause
COMPLAINT_TEXTS = {
    ("labor-dispatch", "enterprise"): [
        "派遣人员到岗时间比约定晚两天,影响生产排班。", "派遣人员不熟悉岗位操作规程,返工较多。", "合同续订通知过晚,来不及安排用工计划。",
        "补派人员迟迟未到位,产线缺员一周。", "派遣人员考勤记录与我方统计不一致。", "现场管理员联系不上,问题无人协调。",
        "临时加派 10 人的需求三天没有回复。", "派遣人员未按约定穿戴劳保用品。",
    ],
    ("labor-dispatch", "individual"): [
        "工资代发日期推迟,未提前告知。", "工伤申报手续办理进度无人告知。", "社会保险关系转移办理缓慢。",
        "加班费计算与实际加班时数不符。", "离职证明开具等了两周。", "宿舍安排与招聘时的说明不一致。",
        "体检费用报销一直没有结果。", "岗前培训时间安排在休息日,事先没有通知。",
    ],
    ("property", "individual"): [
        "电梯厅地面清洁不及时。", "车位手续办理等候时间过长。", "快递在前台丢失,登记记录不全。", "夜间地下车库照明太暗。",
        "装修噪声超出规定时段。", "访客登记手续繁琐,等候较久。",
    ],
    ("hotel", "individual"): ["会议室投影网络中断,影响会议。", "客房空调噪声大,影响休息。", "热水供应时断时续。"],
}
REPAIR_COMPLAINTS = {  # complaints about a fault: a work order follows (system, complaint text, fault as FAULTS names it)
    "property": [("hvac", "办公室空调不制冷,报修两天无人上门。", "空调不制冷"),
                 ("electrical", "公共走廊照明灯损坏多日未修。", "照明灯不亮"),
                 ("plumbing", "卫生间水龙头关不严一直滴水,报修后没人来。", "水龙头关不严")],
    "hotel": [("plumbing", "客房卫生间漏水报修后很久无人到场。", "卫生间漏水"),
              ("hvac", "客房空调不制冷,前台报修后仍未处理。", "空调不制冷"),
              ("network", "客房网络断线,影响办公。", "网络中断")],
}
REPLIES = {
    "labor-dispatch": ["已核实情况,向顾客说明原因并告知整改措施。", "已与用工单位现场管理员沟通,当日落实并电话回复顾客。",
                       "已查明原因,向顾客致歉,并约定后续跟进时间。", "已协调相关部门办理,办理进度已告知本人。"],
    "property": ["已安排清洁主管现场处理,并向业户说明。", "已派工程人员上门维修,维修后回访业户。",
                 "已调整前台流程,向业户致歉并说明改进办法。", "已核实情况,当天回复业户处理结果。"],
    "hotel": ["已派工程部人员到场维修,向客人致歉。", "已更换设备并回访客人,客人表示认可。", "已查明故障原因,修复后告知前台回复客人。"],
}
HANDLERS = {"客服部": "客服专员", "人力资源部": "招聘专员", "管理部": "管理部经理", "客户服务部": "客户服务助理", "工程部": "工程部领班"}


def _location(w: Writer, unit: str) -> str:
    if unit == "hotel":
        return f"{w.rng.randint(3, 18)}{w.rng.randint(1, 30):02d} 房"
    return f"翠湖商务大厦 {w.pick('ABC')} 座 {w.rng.randint(2, 25)} 层"


def complaints(w: Writer, reg: Register, linked: list[tuple[str, dt.date, str, str, Any]]) -> tuple[
        list[dict[str, Any]], list[tuple[dt.date, str, str, str, str | None]]]:
    """The year's complaints (some leading to an NCR, some to a work order); returns them and the work orders asked for."""
    cmp_id = seq("CMP")
    plan: list[dict[str, Any]] = []
    for unit, count in (("labor-dispatch", 30), ("property", 12), ("hotel", 4)):
        for _ in range(count):
            plan.append({"unit": unit, "received": w.day(START, END)})
    for unit, count in (("property", 3), ("hotel", 3)):  # complaints about a fault: each gets a work order
        for n in range(count):
            plan.append({"unit": unit, "received": w.day(START, D(2026, 11, 20)), "repair": REPAIR_COMPLAINTS[unit][n]})
    for ncr, raised, unit, dept, (before, ctype, text) in linked:
        plan.append({"unit": unit, "received": raised - dt.timedelta(days=before), "ncr": ncr, "type": ctype,
                     "text": text, "department": dept})
    plan.sort(key=lambda p: (p["received"], p["unit"]))
    made: list[dict[str, Any]] = []
    orders: list[tuple[dt.date, str, str, str, str | None]] = []
    unanswered = 0
    for n, item in enumerate(plan):
        unit, received = item["unit"], item["received"]
        cid = cmp_id(received.year)
        ctype = item.get("type") or ("enterprise" if unit == "labor-dispatch" and w.rng.random() < 0.5 else "individual")
        dept = item.get("department") or {"labor-dispatch": "客服部" if ctype == "enterprise" else "人力资源部",
                                          "property": "客户服务部", "hotel": "工程部"}[unit]
        role = HANDLERS[dept]
        handler = reg.one(role, received, n)
        if item.get("text"):
            text = item["text"]
        elif item.get("repair"):
            text = item["repair"][1]
        else:
            text = w.pick(COMPLAINT_TEXTS[(unit, ctype)])
        age = (END - received).days
        in_q2 = D(2026, 4, 1) <= received <= D(2026, 6, 30)
        never = unit == "labor-dispatch" and in_q2 and unanswered < 3 and not item.get("ncr")
        if never:
            unanswered += 1
        replied = None if never or age < 2 else received + dt.timedelta(days=w.pick((0, 1, 1, 2, 3)))
        if replied and in_q2 and replied > D(2026, 6, 30):
            replied = D(2026, 6, 30)  # only the three never answered miss the quarter's objective
        closed = replied + dt.timedelta(days=w.pick((2, 5, 7))) if replied and age > 14 else None
        status = "closed" if closed else ("replied" if replied else "received")
        customer = None
        if ctype == "enterprise":
            customer = w.pick(sorted(CUSTOMERS))
        record = {
            "id": cid, "status": status, "received": received, "customer_type": ctype, "department": dept,
            "description": text, "unit": unit, "channel": w.pick(["phone", "phone", "visit", "letter", "online"]),
            "customer_name": customer or w.name(), "customer_phone": w.phone(), "handled_by": role,
            "handled_by_person": handler.id, "replied": replied, "reply": w.pick(REPLIES[unit]) if replied else None,
            "closed": closed, "feedback": w.pick(["satisfied", "satisfied", "satisfied", "neutral"]) if closed else None,
            "nonconformity": item.get("ncr"),
            "escalated": bool(item.get("ncr")) or (ctype == "enterprise" and w.rng.random() < 0.15),
            "tier": CUSTOMERS[customer] if customer and received >= TIERING_FROM else None,
        }
        made.append(record)
        w.write("complaint", record)
        if item.get("repair") or (item.get("ncr") and unit == "hotel"):
            system, _, fault = item.get("repair") or ("plumbing", "", "卫生间漏水")
            orders.append((received, unit, system, fault, cid))
    return made, orders


FAULTS = {  # system: (fault, work done) pairs, and the trade it goes to
    "electrical": ("电工", [("照明灯不亮", "更换灯管和启辉器,试亮正常。"), ("插座无电", "更换烧损插座,检查线路绝缘正常。"),
                            ("空气开关频繁跳闸", "查出漏电的电热水壶,更换开关后送电正常。"), ("应急灯不亮", "更换应急灯电池,测试正常。")]),
    "plumbing": ("水暖工", [("卫生间漏水", "更换角阀密封圈,试水无渗漏。"), ("马桶堵塞", "疏通下水管道,冲水正常。"),
                          ("热水温度不够", "调整热水循环泵,出水温度恢复 50 ℃。"), ("水龙头关不严", "更换阀芯,试水正常。")]),
    "hvac": ("空调工", [("空调不制冷", "清洗过滤网,补充冷媒,制冷恢复。"), ("空调噪声大", "紧固风机固定螺栓,更换减震垫。"),
                       ("风机盘管滴水", "疏通冷凝水管,清理接水盘。")]),
    "finishes": ("综合维修工", [("门锁松动", "紧固门锁并加注润滑油。"), ("墙纸起皮", "重新裱糊墙纸。"), ("窗帘轨道脱落", "更换窗帘滑轮并固定轨道。")]),
    "network": ("网管", [("网络中断", "更换损坏的网线水晶头,网络恢复。"), ("无线信号弱", "调整无线接入点信道,信号恢复。"),
                       ("电话无拨号音", "重新压接配线架跳线,通话正常。")]),
}


def work_orders(w: Writer, reg: Register, from_complaints: list[tuple[dt.date, str, str, str, str | None]]) -> None:
    wo = seq("WO")
    plan: list[tuple[dt.date, str, str, str | None, str | None]] = []
    for _ in range(90):
        unit = "hotel" if w.rng.random() < 0.75 else "property"
        plan.append((w.day(START, END), unit, w.pick(sorted(FAULTS)), None, None))
    for received, unit, system, fault, cid in from_complaints:
        plan.append((received, unit, system, fault, cid))
    plan.sort(key=lambda p: (p[0], p[1], p[2]))
    for reported, unit, system, fault, cid in plan:
        age = (END - reported).days
        trade, pairs = FAULTS[system]
        matching = [p for p in pairs if p[0] == fault] if fault else []
        if fault and not matching:
            raise ValueError(f"fault {fault!r} is not one of {system}'s: name it as FAULTS does")
        description, done_text = matching[0] if matching else w.pick(pairs)
        stage = "confirmed" if age > 5 else w.pick(["reported", "dispatched", "completed"])
        if stage == "reported" and age > 0:
            stage = "dispatched"  # the foreman dispatches the day it is reported (ACT-HE-06)
        dispatched = reported if stage != "reported" else None
        completed = reported + dt.timedelta(days=w.pick((0, 0, 1, 2))) if stage in ("completed", "confirmed") else None
        if completed and completed > END:
            completed = END
        w.write("work_order", {
            "id": wo(reported.year, 5), "status": stage, "unit": unit, "reported": reported,
            "time": f"{w.rng.randint(7, 22):02d}:{w.pick((0, 10, 15, 30, 45)):02d}",
            "from_department": "客户服务部" if unit == "property" else None,
            "reporter_name": w.name(), "reporter_phone": w.phone(), "location": _location(w, unit),
            "system": system, "description": description, "urgent": w.rng.random() < 0.1 or bool(cid and unit == "hotel"),
            "dispatched": dispatched, "assigned_to": trade if dispatched else None,
            "completed": completed, "work_done": done_text if completed else None,
            "confirmed_by": "工程部领班" if stage == "confirmed" else None, "complaint": cid,
        })


# --------------------------------------------------------------------------- management reviews, objectives
MR_ATTENDEES = ["管理者代表", "总经办主任", "人力资源部经理", "客服部经理", "管理部经理", "审核组组长"]


def reviews_and_objectives(w: Writer, reg: Register, made: list[dict[str, Any]], audits: dict[str, Any],
                           surveyed: dict[str, tuple[int, int]]) -> None:
    w.write("management_review", {
        "id": "MR-2025-01", "status": "approved", "held": D(2025, 12, 18), "chair": "董事长",
        "chair_person": reg.one("董事长", D(2025, 12, 18)).id, "attendees": MR_ATTENDEES,
        "inputs": {
            "a": "上次管理评审(2024 年度)的措施均已完成。",
            "b": "新版《劳务派遣行政许可实施办法》施行,派遣比例受限。",
            "c1": "2025 年个体顾客满意度 95.6 %,企业顾客满意度 96.0 %。",
            "c2": "服务目标全部达成;投诉回复率 100 %。",
            "c3": "派遣服务过程运行正常,合同评审 100 % 在签约前完成。",
            "c4": "全年不符合 14 项,已关闭 13 项。",
            "c5": "过程督察与月度考核结果正常。",
            "c6": f"IA-2025-01 开具不符合 {audits['findings']['IA-2025-01']} 项。",
            "c7": "本组织服务实现无外包过程;外部培训机构表现良好。",
            "d": "客服部人手紧张。",
            "e": "派遣比例受限的风险已制定应对措施。",
            "f": "建立投诉回复提醒机制;对企业顾客分级管理。",
        },
        "minutes": "董事长主持,各部门汇报 2025 年度体系运行情况,讨论改进事项。",
        "outputs": [
            {"action": "客服部增加 1 名客服专员。", "owner": "总经理", "due": D(2026, 3, 31), "category": "resources",
             "done": D(2026, 3, 2), "result": "已招聘到岗。"},
            {"action": "修订 LD-QP-07,增加投诉回复时限跟踪。", "owner": "客服部经理", "due": D(2026, 6, 30),
             "category": "qms_change", "done": D(2026, 9, 30), "result": "延期完成,9 月发布新版。"},
            {"action": "对企业顾客实施分级管理。", "owner": "客服部经理", "due": D(2026, 9, 30), "category": "improvement",
             "done": TIERING_FROM, "result": "自 6 月起在投诉、合同评审和满意度调查记录中登记客户等级。"},
            {"action": "满意度分析形成书面评价报告。", "owner": "总经办主任", "due": D(2026, 7, 31), "category": "improvement",
             "done": D(2026, 7, 15), "result": "2026 年满意度分析报告已发布。"},
        ],
        "approved_by": "董事长", "approved": D(2025, 12, 25),
    })
    ncrs = audits["ncrs"]
    in_year = [n for n in ncrs if n["raised"] >= START]
    year_findings = sum(v for k, v in audits["findings"].items() if k.startswith("IA-2026"))
    ind, ent = surveyed["individual"], surveyed["enterprise"]
    w.write("management_review", {
        "id": "MR-2026-01", "status": "held", "held": MR_HELD, "chair": "董事长",
        "chair_person": reg.one("董事长", MR_HELD).id, "previous": "MR-2025-01", "attendees": MR_ATTENDEES,
        "inputs": {
            "a": "MR-2025-01 四项措施均已完成,其中 LD-QP-07 的修订延期三个月完成。",
            "b": "用工单位需求下降,派遣人员流动率上升。",
            "c1": f"2026 年个体顾客满意度 {100 * ind[0] / ind[1]:.1f} %,企业顾客满意度 {100 * ent[0] / ent[1]:.1f} %,"
                  "均达到目标。",
            "c2": "投诉回复率二季度未达 100 %(3 起未回复),其余季度达标。",
            "c3": "合同评审均在签约前完成;一份合约被拒绝签订。",
            "c4": f"本年度不符合 {len(in_year)} 项;截至评审日有 {len(audits['overdue'])} 项超期未关闭,"
                  "其中 LD-QP-07 投诉回复一项验证为无效、重新整改。",
            "c5": "能源消耗量统计表 4 月缺报;8 月设备保养计划的实施未检查。",
            "c6": f"IA-2026-01、IA-2026-02、IA-2026-03 共开具不符合 {year_findings} 项;本年度内审覆盖全部部门。",
            "c7": "外包清洁单位一次未按合同履约。",
            "d": "人力资源部招聘专员不足;客服部 8 月一名客服专员离职。",
            "e": "投诉回复提醒的预防措施正在实施。",
            "f": "企业顾客 ABC 分级已实施,核心客户定期走访;电子化报修。",
        },
        "minutes": "评审认为体系总体有效;投诉回复率未达标和超期不符合需重点跟进。",
        "outputs": [
            {"action": "建立 A 类核心企业顾客季度走访制度。", "owner": "客服部经理", "due": D(2027, 2, 28), "category": "improvement"},
            {"action": "超期不符合在 12 月底前关闭。", "owner": "管理者代表", "due": D(2026, 12, 31), "category": "improvement"},
            {"action": "人力资源部增加 1 名招聘专员。", "owner": "总经理", "due": D(2027, 3, 31), "category": "resources"},
        ],
    })
    # Quarterly complaint reply-rate results, counted from the complaints written above.
    obj = seq("OBJ")
    quarters = [("2025-Q4", D(2025, 10, 1), D(2025, 12, 31)), ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
                ("2026-Q2", D(2026, 4, 1), D(2026, 6, 30)), ("2026-Q3", D(2026, 7, 1), D(2026, 9, 30))]
    for period, start, end in quarters:
        mine = [c for c in made if c["unit"] == "labor-dispatch" and start <= c["received"] <= end]
        replied = [c for c in mine if c["replied"] and c["replied"] <= end]
        w.write("objective_result", {
            "id": obj(end.year, 3), "objective": "OBJ-LD-03", "period": period,
            "department": "总经办", "numerator": len(replied), "denominator": len(mine),
            "reported": end + dt.timedelta(days=5), "reported_by": "总经办主任",
            "analysis": None if len(replied) == len(mine) else
            f"未达 100 %:{len(mine) - len(replied)} 起投诉超过一个月未回复,已开具不符合。",
        })
    for objective, customer_type in (("OBJ-LD-01", "individual"), ("OBJ-LD-02", "enterprise")):
        satisfied, total = surveyed[customer_type]
        w.write("objective_result", {
            "id": obj(2026, 3), "objective": objective, "period": "2026", "department": "总经办",
            "numerator": satisfied, "denominator": total, "reported": D(2026, 7, 10), "reported_by": "总经办主任",
            "analysis": f"年度满意度调查收回问卷 {total} 份,满意 {satisfied} 份,达到 95 % 的目标。",
        })


SURVEY_COMMENTS = ["希望派遣人员到岗前多做沟通。", "工资发放能否再准时一些。", "现场管理员巡查次数偏少。",
                   "培训内容可以更贴近岗位实际。", "投诉后回复速度有待提高。"]


def surveys(w: Writer) -> dict[str, tuple[int, int]]:
    css = seq("CSS")
    counts = {}
    for customer_type, dept, total, satisfied in (("individual", "人力资源部", 40, 38), ("enterprise", "客服部", 20, 19)):
        happy = set(w.rng.sample(range(total), satisfied))
        for n in range(total):
            ok = n in happy
            rating = {}
            for dim in ("tangibles", "reliability", "responsiveness", "assurance", "empathy"):
                expected = w.rng.randint(5, 7)
                perceived = max(1, min(7, expected + (w.pick((0, 0, 1, -1)) if ok else w.pick((-1, -2, -3)))))
                rating[dim] = {"expected": expected, "perceived": perceived}
            customer = w.name() if customer_type == "individual" else sorted(CUSTOMERS)[n % len(CUSTOMERS)]
            surveyed_on = w.day(D(2026, 6, 1), D(2026, 6, 20))
            w.write("satisfaction_survey", {
                "id": css(2026), "surveyed": surveyed_on, "customer_type": customer_type,
                "department": dept, "satisfied": ok,
                "method": "written" if customer_type == "individual" else w.pick(["visit", "written"]),
                "customer": customer, "respondent": w.name(), "phone": w.phone(), "servqual": rating,
                "comments": None if ok else w.pick(SURVEY_COMMENTS),
                "tier": CUSTOMERS[customer] if customer_type == "enterprise" else None,
            })
        counts[customer_type] = (satisfied, total)
    return counts


# --------------------------------------------------------------------------- training, competence, contracts, risks
STAFF_ROLES = ["总经办主任", "人力资源部经理", "招聘专员", "客服部经理", "客服专员", "管理部经理", "内审员"]
COURSES = [
    # held, topic, type, department, material, roles trained (staff courses list their trainees), trainer role
    (D(2025, 12, 12), "服务质量五维度与满意度调查方法", "on_the_job", "客服部", "CS-REF-01", ("客服部经理", "客服专员"), "管理者代表"),
    (D(2026, 1, 8), "派遣人员岗前培训:纪律、安全与卫生", "dispatched_workers", "人力资源部", None, (), "人力资源部经理"),
    (D(2026, 2, 26), "新员工岗前培训", "induction", "人力资源部", None, (), "招聘专员"),
    (D(2026, 3, 5), "内审员培训:检查表与不符合报告", "on_the_job", "总经办", "LD-QP-09", ("内审员",), "审核组组长"),
    (D(2026, 4, 16), "投诉处理与回复时限", "on_the_job", "客服部", "LD-QP-07", ("客服部经理", "客服专员"), "管理者代表"),
    (D(2026, 5, 21), "派遣人员心理辅导讲座", "dispatched_workers", "人力资源部", None, (), None),
    (D(2026, 5, 28), "客户分级与核心客户管理", "promotion", "客服部", "CS-REF-03", ("客服部经理", "客服专员"), None),
    (D(2026, 8, 13), "派遣人员岗前培训:工伤申报流程", "dispatched_workers", "人力资源部", None, (), "人力资源部经理"),
    (D(2026, 9, 24), "合同评审要点", "on_the_job", "管理部", "LD-QP-10", ("管理部经理", "人力资源部经理"), "管理者代表"),
    (D(2026, 10, 29), "客户忠诚与客户维护", "on_the_job", "客服部", "CS-REF-04", ("客服部经理", "客服专员"), None),
    (D(2026, 11, 12), "高压配电操作规程复训", "on_the_job", "工程部", None, ("电工",), "工程部经理"),
]


# courses on a controlled document: the revision trained on (LD-QP-07 was A/0 in April; A/1 came in September and
# A/2 took effect on 2026-11-25, and LD-QP-07 asks for training again on a new revision: the due list shows who)
TRAINED_ON = {D(2026, 3, 5): ("LD-QP-09", "A/0"), D(2026, 4, 16): ("LD-QP-07", "A/0"), D(2026, 9, 24): ("LD-QP-10", "A/0")}


def people_and_contracts(w: Writer, reg: Register) -> None:
    trn = seq("TRN")
    for held, topic, kind, dept, material, roles, trainer_role in COURSES:
        trainees = sorted({p.id for role in roles for p in reg.holders(role, held)})
        if trainees:
            if "内审员" in roles:  # the new auditor trained on this day is appointed after it
                trainees = sorted(set(trainees) | {p.id for p in reg.people if p.holds("内审员", held + dt.timedelta(days=5))})
            attendees = len(trainees)
        else:
            attendees = w.rng.randint(12, 40)
        trainer = reg.one(trainer_role, held).name if trainer_role else "外聘讲师" + w.name()
        failed = 0 if trainees else w.rng.randint(0, 2)
        w.write("training_record", {
            "id": trn(held.year, 3), "held": held, "topic": topic, "trainer": trainer, "department": dept,
            "attendees": attendees, "effective": True, "type": kind,
            "assessment": w.pick(["written", "oral", "practical"]) if kind != "promotion" else "self",
            "passed": attendees - failed, "material": material, "trainees": trainees,
            "document": TRAINED_ON.get(held, (None, None))[0], "revision": TRAINED_ON.get(held, (None, None))[1],
            "plan": "TP-2026-01" if dept != "工程部" and held > D(2025, 12, 18) else (
                "TP-2026-02" if dept == "工程部" else None),
        })
    cma = seq("CMA")
    rounds = [("2025-H2", D(2025, 12, 15)), ("2026-H1", D(2026, 6, 24)), ("2026-H2", D(2026, 11, 19))]
    workers = [p for p in reg.people if p.roles[0][0] == "派遣人员"]
    for period, when in rounds:
        assessor = reg.one("管理者代表", when)
        for role in STAFF_ROLES:
            for person in reg.holders(role, when):
                w.write("competence_assessment", {
                    "id": cma(when.year), "assessed": when, "role": role,
                    "result": w.pick(["competent"] * 6 + ["needs_training"]), "assessor": "管理者代表",
                    "assessee": person.id, "assessor_person": assessor.id,
                    "subject": "staff", "period": period, "person": person.name,
                })
        day = when + dt.timedelta(days=2)
        hr = reg.one("人力资源部经理", day)
        for n, worker in enumerate(workers):
            if period == "2026-H1" and n >= 4:
                continue  # two missing in H1: the finding of IA-2026-02
            w.write("competence_assessment", {
                "id": cma(when.year), "assessed": day, "role": "派遣人员",
                "result": "competent", "assessor": "人力资源部经理", "assessee": worker.id, "assessor_person": hr.id,
                "subject": "dispatched_worker", "period": period, "person": worker.name,
                "id_number": reg.extra[worker.id]["id_number"],
                "employer": sorted(CUSTOMERS)[n % 3],
                "service_awareness": w.rng.randint(75, 98), "service_attitude": w.rng.randint(75, 98),
            })
    cr = seq("CR")
    for n, customer in enumerate(sorted(CUSTOMERS, key=lambda c: (CUSTOMERS[c], c))):
        received = D(2025, 12, 10) + dt.timedelta(days=42 * n)
        status = "signed" if n < 6 else ("rejected" if n == 6 else "reviewed")
        capable = status != "rejected"
        w.write("contract_review", {
            "id": cr(received.year, 3), "status": status, "customer": customer, "contact_person": w.name(),
            "contact_phone": w.phone(), "received": received, "headcount": w.rng.randint(5, 80),
            "positions": w.rng.sample(["操作工", "仓储员", "包装工", "质检员", "客房服务员", "配送员"], 2),
            "method": "countersigned" if n % 3 == 0 else "authorized",
            "reviewers": ["管理部经理", "人力资源部经理"] + (["总经理"] if n % 3 == 0 else []),
            "checks": {"requirements_defined": True, "unwritten_confirmed": True, "differences_resolved": capable,
                       "capable": capable},
            "reviewed": received + dt.timedelta(days=5),
            "signed": received + dt.timedelta(days=12) if status == "signed" else None,
            "changes": ["派遣人数由 30 人调整为 40 人"] if n == 2 else [],
            "tier": CUSTOMERS[customer] if received >= TIERING_FROM else None,
        })
    risk = seq("RISK")
    risks = [
        ("risk", "labor-dispatch", "劳务派遣比例受限,用工单位减少派遣用工。", 4, 4, "拓展业务外包等合规服务模式。", "总经理", "treated"),
        ("risk", "labor-dispatch", "派遣人员劳动合同未经审批即签署,引发劳动争议。", 3, 4, "合同签署前系统审批;抽查。", "人力资源部经理", "treated"),
        ("risk", "labor-dispatch", "投诉未及时回复,企业顾客流失。", 3, 5, "投诉回复提醒;季度统计回复率。", "客服部经理", "treated"),
        ("opportunity", "labor-dispatch", "核心企业顾客分级服务提高续约率。", 3, 3, None, "客服部经理", "identified"),
        ("risk", "hotel", "关键设备突发故障影响营业。", 2, 5, "计划性检修与预防性保养。", "工程部经理", "treated"),
        ("risk", "property", "接管验收遗漏导致保修期后维修费用。", 2, 4, "按 PM-REG-301 全项检查并书面通知。", "驻场经理", "treated"),
        ("risk", "tax", "涉税诉求处理超时,影响税企合作协议的执行评价。", 2, 3, "诉求受理后按周跟踪处理进度。", "大企业处负责人", "treated"),
    ]
    for type_, unit, text, likelihood, impact, treatment, owner, status in risks:
        w.write("qms_risk", {
            "id": risk(2026, 3), "status": status, "identified": D(2025, 12, 18), "description": text,
            "likelihood": likelihood, "impact": impact, "treatment": treatment, "owner": owner, "type": type_, "unit": unit,
        })


# --------------------------------------------------------------------------- property: takeover, patrols, rota, log, meetings, reports
PATROL_AREAS = ["大堂", "电梯厅", "地下车库", "消防通道", "屋面", "公共卫生间", "设备层", "外围广场"]
PATROL_ISSUES = [
    ("地面有积水", "清洁主管"), ("照明灯不亮", "工程经理"), ("消防通道堆放杂物", "夜班经理"), ("垃圾未及时清运", "清洁主管"),
    ("安全出口指示灯不亮", "工程经理"), ("玻璃门闭门器损坏", "工程经理"), ("装修垃圾堆放在走廊", "客户服务主任"),
    ("车库车辆占用消防车道", "夜班经理"), ("公共卫生间洗手液用完", "清洁主管"),
]
ROUND_TIMES = ["08:30", "10:30", "13:30", "15:30", "17:30", "20:00", "22:00"]
LOG_MATTERS = [
    ("{floor} 层走廊灯两盏不亮,已报工程部。", "工程部当日下午更换。"), ("地下车库入口积水,通知清洁主管安排清理。", "一小时内清理完毕。"),
    ("业户反映 {floor} 层空调偏热,已转工程经理。", "次日调整新风量后回访,业户认可。"),
    ("{floor} 层装修单位未办理动火审批即施工,已责令停工。", "补办审批后复工。"),
    ("快递柜故障,前台临时代收并登记。", "供应商当天修复。"), ("大堂旋转门异响,已报工程部。", "更换轴承后恢复。"),
    ("访客高峰前台排队,临时增派一名前台接待员。", "排队时间恢复正常。"), ("消防栓箱门未关,已关好并提醒保洁。", None),
]
MEETING_TOPICS = [
    "上周投诉和巡楼发现的问题", "本周轮更安排", "业户走访计划", "装修管理和动火审批", "外包清洁服务质量", "消防安全检查",
    "前台接待礼仪抽查结果", "客户资料整理进度", "节假日值班安排", "报修回访情况", "月度管理报告要点", "访客登记流程",
]
ROTA_STAFF = ["客户服务主任", "客户服务助理", "前台接待员", "夜班经理"]
ROTA_PATTERN = {"客户服务主任": ("day", "day", "day", "day", "day", "rest", "rest"),
                "客户服务助理": ("morning", "morning", "day", "day", "rest", "night", "rest"),
                "前台接待员": ("morning", "day", "morning", "day", "rest", "morning", "rest"),
                "夜班经理": ("night", "night", "night", "rest", "night", "night", "rest")}


def property_records(w: Writer, reg: Register) -> None:
    w.write("takeover_workflow", {
        "id": "TKW-2026-01", "status": "accepted", "property": "翠湖商务大厦", "kind_of_building": "new",
        "developer": "某置业发展有限公司", "contractor": "某建设工程有限公司", "started": D(2026, 2, 23),
        "steps": [{"step": s, "done": D(2026, 2, 23) + dt.timedelta(days=4 * s), "by": "驻场经理" if s in (1, 3) else "客户服务主任"}
                  for s in range(1, 9)],
        "accepted": D(2026, 3, 31),
    })
    w.write("drawings_handover", {
        "id": "DHL-2026-01", "takeover": "TKW-2026-01", "checked": D(2026, 3, 11), "checked_by": "客户服务主任",
        "items": [
            {"name": "竣工总平面图", "category": "technical", "copies": 2, "received": True},
            {"name": "建筑、结构施工图", "category": "technical", "copies": 2, "received": True},
            {"name": "给排水、电气竣工图", "category": "technical", "copies": 2, "received": True},
            {"name": "消防验收合格证明", "category": "fire", "copies": 1, "received": True},
            {"name": "电梯检测报告", "category": "acceptance", "copies": 1, "received": False},
            {"name": "房屋产权资料", "category": "title", "copies": 1, "received": True},
        ],
        "shortfall_notified": D(2026, 3, 12),
    })
    w.write("equipment_handover", {
        "id": "EHL-2026-01", "takeover": "TKW-2026-01", "checked": D(2026, 3, 15), "checked_by": "工程经理",
        "items": [
            {"equipment": "客梯", "specification": "1350 kg 2.5 m/s", "quantity": 6, "matches": True},
            {"equipment": "生活水泵", "specification": "22 kW", "quantity": 3, "matches": True},
            {"equipment": "消防水泵", "specification": "45 kW", "quantity": 2, "matches": True},
            {"equipment": "柴油发电机", "specification": "800 kW", "quantity": 1, "matches": False, "note": "随机备件缺失"},
        ],
        "shortfall_notified": D(2026, 3, 16),
    })
    elements = ["structure", "roof", "floors", "finishes", "electrical", "water_sanitary_fire", "heating", "ancillary"]
    problems = {1: "卫生间墙面饰面砖空鼓两处。", 4: "强电井内电缆桥架盖板缺失三块。"}
    tki = seq("TKI")
    for n, unit_no in enumerate(["1201", "1202", "1501", "1502", "2001", "屋面"]):
        problem = problems.get(n)
        checks = [{"element": e, "result": "pass"} for e in elements if e != "heating"]
        checks.append({"element": "heating", "result": "not_applicable"})
        if problem:
            index = 3 if n == 1 else 4
            checks[index] = {"element": elements[index], "result": "fail", "problem": problem}
        w.write("takeover_inspection", {
            "id": tki(2026, 3), "status": "resolved" if problem else "inspected", "takeover": "TKW-2026-01",
            "unit_no": unit_no, "inspected": D(2026, 3, 18) + dt.timedelta(days=n), "inspector": "客户服务主任",
            "checks": checks, "notified": D(2026, 3, 25) if problem else None,
            "resolved": D(2026, 4, 20) if problem else None,
        })
    pat = seq("PAT")
    for day in days(START, END):
        # 每日多次巡视 (PM-MAN-01 1.2.7): three to five rounds, the evening one by the night-shift manager
        count = w.pick((3, 4, 4, 5))
        times = sorted(w.rng.sample(ROUND_TIMES[:5], count - 1)) + [w.pick(ROUND_TIMES[5:])]
        findings = []
        log = []
        for t in times:
            areas = w.rng.sample(PATROL_AREAS, 3)
            note = None
            if w.rng.random() < 0.08:
                issue, referred = w.pick(PATROL_ISSUES)
                findings.append({"area": areas[0], "issue": issue, "referred_to": referred})
                note = f"{areas[0]}{issue},已转{referred}。"
            log.append({"time": t, "by": "夜班经理" if t >= "20:00" else "客户服务助理", "areas": areas,
                        "note": note or "正常"})
        w.write("patrol_report", {
            "id": pat(day.year, 3), "day": day, "patrolled_by": "客户服务助理", "rounds": len(log), "round_log": log,
            "findings": findings, "reviewed_by": "客户服务经理",
        })
    # a rota per month (PM-JD-02: 轮更表), every person of the front office on every day, reported to 行政人事部
    rot = seq("ROT")
    for month in months(START, END):
        prepared = month - dt.timedelta(days=12)
        staff = [(role, p) for role in ROTA_STAFF for p in reg.holders(role, month)]
        assignments = []
        for n, (role, person) in enumerate(staff):
            pattern = ROTA_PATTERN[role]
            for day in month_days(month.year, month.month):
                shift = pattern[(day.toordinal() + 2 * n) % 7]
                assignments.append({"day": day, "shift": shift, "role": role, "staff": person.name})
        assignments.sort(key=lambda a: (a["day"], ROTA_STAFF.index(a["role"]), a["staff"]))
        last = month_days(month.year, month.month)[-1]
        w.write("shift_rota", {"id": rot(prepared.year, 3), "status": "reported", "start": month, "end": last,
                               "prepared_by": "客户服务经理", "prepared": prepared, "assignments": assignments,
                               "reported": prepared + dt.timedelta(days=1)})
    log_id = seq("LOG")
    for day in days(START, END):
        if day.weekday() != 2:  # the log kept in the register is checked weekly; one sample day a week is filed here
            continue
        entries = []
        for n, (matter, follow) in enumerate(w.rng.sample(LOG_MATTERS, w.pick((2, 2, 3)))):
            entries.append({"time": f"{9 + 3 * n + w.rng.randint(0, 2):02d}:{w.pick((5, 10, 20, 40, 50)):02d}",
                            "matter": matter.format(floor=w.rng.randint(3, 25)), "follow_up": follow,
                            "settled": follow is not None})
        w.write("management_log", {
            "id": log_id(day.year, 3), "status": "checked", "day": day, "recorded_by": "客户服务助理", "entries": entries,
            "checks": [{"by": "客户服务主任", "on": day}, {"by": "客户服务经理", "on": day + dt.timedelta(days=1)}]})
    wm = seq("WM")
    attendees = ["客户服务主任", "客户服务助理", "前台接待员", "客服文员", "清洁主管", "夜班经理"]
    for day in days(START, END):
        if day.weekday() != 0:
            continue
        headcount = 1 + sum(len(reg.holders(role, day)) for role in attendees)
        topics = ["上周投诉和巡楼发现的问题"] + w.rng.sample(MEETING_TOPICS[1:], 2)
        owner = w.pick(["客户服务主任", "清洁主管", "客服文员", "夜班经理"])
        w.write("weekly_meeting", {
            "id": wm(day.year, 3), "held": day, "chair": "客户服务经理", "attendees": attendees, "headcount": headcount,
            "topics": topics,
            "actions": [{"action": f"落实“{topics[1]}”的安排", "owner": owner, "due": day + dt.timedelta(days=7),
                         "done": day + dt.timedelta(days=w.rng.randint(2, 6)) if day + dt.timedelta(days=7) <= END else None}]})
    dr = seq("DR")
    w.write("department_report", {
        "id": dr(2026, 2), "type": "annual", "period": "2025", "prepared_by": "客户服务经理", "submitted": D(2026, 1, 9),
        "submitted_to": "物业总经理", "summary": "客户服务部 2025 年度工作总结:完成日常巡楼、投诉处理和客户资料整理。",
        "plan": "2026 年完成翠湖商务大厦接管验收,按制度开展巡楼、投诉处理和定期拜访。"})
    for month in months(START, D(2026, 10, 1)):
        submitted = (month + dt.timedelta(days=32)).replace(day=5)
        w.write("department_report", {
            "id": dr(submitted.year, 2), "type": "monthly", "period": label(month), "prepared_by": "客户服务经理",
            "submitted": submitted, "submitted_to": "物业总经理",
            "summary": f"{month.month} 月每日巡楼均有记录,共 {len(month_days(month.year, month.month))} 份巡楼报告;"
                       + w.pick(["受理投诉均已回复。", "周例会按时召开。", "轮更表按时报行政人事部。"]),
            "quality_analysis": w.pick(["投诉集中在电梯厅清洁。", "巡楼发现问题以照明和积水为主。", "报修回访满意率较上月提高。"]),
            "rectification": w.pick(["清洁主管每日两次检查电梯厅。", "工程经理每周复查公共照明。", "前台高峰时段增派人员。"])})


# --------------------------------------------------------------------------- hotel engineering
def hotel_records(w: Writer, reg: Register) -> None:
    # daily meter readings (抄表), the day's water figure on the daily inspection, and the monthly energy report
    # that sums them: one set of numbers, three records
    mtr, di = seq("MTR"), seq("DI")
    totals: dict[str, dict[str, float]] = {}
    meters = {"electricity": ("总电表", 896000.0), "water": ("总水表", 14200.0), "gas": ("燃气总表", 52600.0)}
    for day in days(START, END):
        used = {"electricity": float(w.rng.randint(6200, 8600)), "water": float(w.rng.randint(320, 450)),
                "gas": float(w.rng.randint(700, 1400))}
        readings = []
        for energy, (meter, base) in meters.items():
            meters[energy] = (meter, base + used[energy])
            readings.append({"meter": meter, "energy": energy, "reading": meters[energy][1], "used": used[energy]})
        month = label(day)
        for energy, value in used.items():
            totals.setdefault(month, {}).setdefault(energy, 0.0)
            totals[month][energy] += value
        w.write("meter_reading", {"id": mtr(day.year), "day": day, "read_by": "水暖工", "readings": readings,
                                  "filed_by": "工程部领班"})
        abnormal = day == D(2026, 6, 6) or w.rng.random() < 0.02
        w.write("daily_inspection", {
            "id": di(day.year, 3), "day": day,
            "pumps": {"domestic": "normal", "fire": "abnormal" if abnormal else "normal", "sewage": "normal"},
            "pumps_by": "水暖工", "lighting_ok": w.rng.random() > 0.05, "lighting_by": "电工",
            "water_t": used["water"],
            "remarks": w.pick(["消防水泵压力偏低,已报领班。", "消防水泵启动异响,已报领班安排检修。"]) if abnormal else None,
        })
    energy_ids: dict[str, str] = {}
    for month in months(START, D(2026, 10, 1)):
        if month == D(2026, 4, 1):
            continue  # April's report was never written: the NCR of 30 April and the work summary say so
        last = month_days(month.year, month.month)[-1]
        submitted = min(last, month.replace(day=28)) if month.month != 8 else last  # August: the 31st, one day late
        month_totals = totals[label(month)]
        rid = f"EN-{submitted.year}-{submitted.month:02d}"
        energy_ids[label(month)] = rid
        w.write("energy_report", {
            "id": rid, "month": label(month), "electricity_kwh": round(month_totals["electricity"], 1),
            "water_t": round(month_totals["water"], 1), "gas_m3": round(month_totals["gas"], 1), "prepared_by": "工程部领班",
            "submitted": submitted, "sent_to": ["工程部", "财务部"],
            "analysis": w.pick(["用电量随空调负荷变化,属正常波动。", "用水量与入住率基本一致。", "燃气用量较上月略增,系厨房营业时间延长。"]),
        })
    # duty rosters: next month's, issued by the 30th; shifts per trade = days of that month × shifts a day
    per_day = {"电工": 2, "水暖工": 1, "空调工": 1, "运行值班员": 2}
    for month in months(D(2025, 11, 1), D(2026, 11, 1)):
        nxt = (month + dt.timedelta(days=32)).replace(day=1)
        issued = month.replace(day=25) if month.month != 2 else month.replace(day=24)
        n_days = calendar.monthrange(nxt.year, nxt.month)[1]
        w.write("duty_roster", {
            "id": f"ROS-{issued.year}-{issued.month:02d}", "month": label(nxt), "prepared_by": "工程部领班",
            "approved_by": "工程部经理", "submitted": issued, "copy_to_personnel": True,
            "shifts": {trade: n * n_days for trade, n in per_day.items()},
        })
    # the duty officers' handovers and duty logs for the last month: two shifts a day, four officers in turn
    sh, dl = seq("SH"), seq("DL")
    officers = reg.holders("运行值班员", D(2026, 10, 27))
    period = days(D(2026, 10, 27), END)
    slots = [(day, shift) for day in period for shift in ("day", "night")]
    for n, (day, shift) in enumerate(slots):
        on, nxt = officers[n % len(officers)], officers[(n + 1) % len(officers)]
        outstanding = ["3 号冷却塔风机异响待查"] if day == D(2026, 11, 3) else []
        w.write("shift_handover", {
            "id": sh(day.year), "day": day, "shift": shift, "post": "运行值班员", "handed_by": on.name, "taken_by": nxt.name,
            "facilities_ok": True, "outstanding": outstanding,
        })
        hours = ("09:00", "13:00", "17:00") if shift == "day" else ("21:00", "01:00", "05:00")
        readings = []
        for t in hours:
            readings.append({"time": t, "equipment": "1 号变压器", "parameter": "温度",
                             "value": float(w.rng.randint(52, 66)), "unit": "℃"})
            readings.append({"time": t, "equipment": "冷冻水系统", "parameter": "供水压力",
                             "value": round(w.rng.uniform(0.38, 0.48), 2), "unit": "MPa"})
        anomalies = [{"time": "14:20", "description": "3 号冷却塔风机异响。", "reported_to": "工程部领班",
                      "action": "停机检查,待备件更换。"}] if day == D(2026, 11, 3) and shift == "day" else []
        w.write("duty_log", {
            "id": dl(day.year), "day": day, "shift": shift, "post": "运行值班员", "on_duty": on.name,
            "readings": readings, "anomalies": anomalies,
            "phone_messages": [w.pick(["客房部报 {r} 房空调不制冷,已转工程部领班。", "前台报 {r} 房卫生间漏水,已通知水暖工。",
                                       "餐饮部报厨房排风机异响,已转空调工。"]).format(r=_location(w, "hotel")[:-2])]
            if w.rng.random() < 0.4 else [],
        })
    for year, submitted in ((2025, D(2025, 11, 27)), (2026, D(2026, 11, 24))):
        w.write("work_plan", {
            "id": f"WP-{year}", "plan_year": year + 1, "submitted": submitted, "submitted_to": "酒店总经理",
            "maintenance_plan": ["冷水机组年度保养", "配电室预防性试验", "客房卫生间防水翻新(分批)", "计算机每 100 天除尘"],
            "budget": 1280000.0 if year == 2025 else 1350000.0,
            "training_plan": ["高压电工复训", "消防器材使用", "标准化操作程序"],
        })
    mnt = seq("MNT")
    for done in (D(2025, 12, 10), D(2026, 3, 18), D(2026, 6, 30), D(2026, 10, 12)):
        w.write("maintenance_record", {
            "id": mnt(done.year), "activity": "dust_cleaning", "done": done, "by": "网管",
            "equipment": ["前台计算机 6 台", "财务部计算机 4 台", "服务器 2 台"],
            "result": w.pick(["除尘完成,运行正常。", "除尘完成,1 台风扇异响已更换。", "除尘完成,散热良好。"]),
        })
    for done, activity, by, what in ((D(2026, 1, 14), "insulation_check", "电工", "配电室高压柜"),
                                     (D(2026, 4, 8), "hvac_service", "空调工", "冷水机组"),
                                     (D(2026, 5, 19), "pipework", "水暖工", "地下室给水管道"),
                                     (D(2026, 9, 2), "furniture", "综合维修工", "宴会厅桌椅")):
        w.write("maintenance_record", {"id": mnt(done.year), "activity": activity, "done": done, "by": by, "equipment": [what]})
    # monthly maintenance plans (approved by the chief engineer) and monthly work summaries citing the energy report
    tasks = [("hvac", "新风机组 1-4 号", "清洗过滤网,检查皮带", "空调工", 6), ("plumbing", "生活水泵", "阀门保养,管道除锈", "水暖工", 4),
             ("electrical", "配电室低压柜", "检查绝缘情况,紧固接线", "电工", 5), ("finishes", "客房门锁", "抽查 20 间客房门锁并润滑", "综合维修工", 3),
             ("network", "客房无线接入点", "检查信号强度,更新固件", "网管", 4), ("hvac", "冷却塔", "清洗填料,检查风机", "空调工", 8),
             ("electrical", "应急照明", "逐层测试应急灯和疏散指示", "电工", 6), ("plumbing", "消防水泵", "手动启泵试验", "水暖工", 2)]
    for month in months(START, D(2026, 11, 1)):
        prepared = month - dt.timedelta(days=5)
        chosen = w.rng.sample(tasks, 3)
        reviewed = month_days(month.year, month.month)[-1] + dt.timedelta(days=2)
        checked = reviewed <= END and month != D(2026, 8, 1)  # August's implementation never checked (IA-2026-02)
        w.write("maintenance_plan", {
            "id": f"MP-{month.year}-{month.month:02d}", "status": "reviewed" if checked else "approved",
            "month": label(month), "prepared_by": "工程部领班", "prepared": prepared,
            "tasks": [{"system": s, "equipment": e, "task": t, "week": i + 1, "assigned_to": a, "hours": float(h)}
                      for i, (s, e, t, a, h) in enumerate(chosen)],
            "approved_by": "工程部经理", "approved": prepared + dt.timedelta(days=2),
            "reviewed": reviewed if checked else None,
            "review": w.pick(["计划项目全部完成。", "计划项目完成,1 项因备件推迟一周完成。", "计划项目全部完成,工时略超计划。"])
            if checked else None,
        })
    ws = seq("WS")
    for month in months(START, D(2026, 10, 1)):
        submitted = (month + dt.timedelta(days=32)).replace(day=4)
        energy = energy_ids.get(label(month))
        w.write("work_summary", {
            "id": ws(submitted.year, 2), "type": "monthly", "period": label(month), "written_by": "工程部经理",
            "submitted": submitted, "submitted_to": "酒店总经理",
            "summary": f"{month.month} 月完成维修工作单和计划保养,设备运行正常。",
            "energy": "本月能源消耗量统计表未编制,能耗分析缺失。" if energy is None else w.pick(
                ["用电量与上月持平。", "空调季用电量上升,属正常。", "用水量随入住率波动。"]),
            "energy_report": energy,
            "problems": ["能源消耗量统计表未按时编制"] if energy is None else [w.pick(
                ["客房报修个别未及时到场", "备件采购周期偏长", "夜班人手紧张"])],
            "next_steps": [w.pick(["领班每日核对派工单", "提前一周申报备件", "调整运行值班员排班"])]})


# --------------------------------------------------------------------------- tax administration
def tax_records(w: Writer, reg: Register) -> None:
    groups = ["某石油集团", "某电力集团", "某银行股份有限公司", "某烟草集团", "某矿业集团", "某通信集团"]
    txr = seq("TXR")
    ways = ["department_opinion", "coordination_meeting", "delegated"]
    stages = ["accepted", "handled", "replied", "summarized"]
    requests = ["跨省总分机构汇总纳税分配比例的适用问题。", "研发费用加计扣除的归集口径。", "关联交易定价资料的准备要求。",
                "重组中资产划转的企业所得税处理。", "境外所得税收抵免的计算方法。", "集团内部资金无偿借贷的增值税处理。"]
    # accepted on their days (ids in date order); three still awaiting an opinion, each accepted under 20 days ago
    # (the NCR of 18 August is about the one request that waited longer: TX-QP-01 asks for an opinion within 30)
    accepted_days = sorted([START + dt.timedelta(days=22 * k + w.rng.randint(0, 12)) for k in range(15)] +
                           [w.day(D(2026, 11, 9), D(2026, 11, 20)) for _ in range(3)])
    for n, accepted in enumerate(accepted_days):
        age = (END - accepted).days
        stage = "accepted" if age < 20 else stages[1 + min(2, (age - 20) // 40)]
        way = ways[n % 3]
        record: dict[str, Any] = {
            "id": txr(accepted.year), "status": stage, "enterprise": w.rng.choice(groups) + "成员企业",
            "contact_person": w.name(), "contact_phone": w.phone(), "accepted": accepted, "accepted_by": "省局大企业处",
            "request": w.rng.choice(requests),
        }
        if stage in ("handled", "replied", "summarized"):
            record.update({
                "preliminary_opinion": w.pick(["经与企业沟通并调查核实,提出初步意见。", "调阅企业申报资料并约谈财务负责人后形成初步意见。",
                                                "经处内集体讨论,提出初步处理意见报处负责人审核。"]), "way": way,
                "final_opinion": w.pick(["按相关规定执行,具体口径见回复。", "经协调会议研究,明确执行口径并书面告知企业。",
                                          "移送主管税务机关按属地管理原则办理。" if way == "delegated" else "按政策规定执行,企业已确认。"]),
                "handled": accepted + dt.timedelta(days=min(20, age - 1)),
                "transferred_to": "主管税务机关" if way == "delegated" else None,
            })
        if stage in ("replied", "summarized"):
            record.update({"reply_type": w.rng.choice(["interpretation", "supplementary_rule", "policy_research"]),
                           "replied": accepted + dt.timedelta(days=25), "replied_by": "税企联络员"})
            record["reply_form"] = "formal_document" if record["reply_type"] == "interpretation" else "informal_notice"
        if stage == "summarized":
            record.update({"summary": w.pick(["同类问题汇总形成政策建议,报相关业务部门。", "诉求及处理意见已归档,纳入年度诉求分析。"]),
                           "archived": True})
        w.write("tax_request", record)
    w.write("tax_request", {  # the request behind the NCR of 18 August: 43 days to an opinion, handled after the NCR
        "id": txr(2026), "status": "replied", "enterprise": "某烟草集团成员企业", "contact_person": w.name(),
        "contact_phone": w.phone(), "accepted": D(2026, 7, 16), "accepted_by": "省局大企业处",
        "request": "集团内部资金无偿借贷的增值税处理。",
        "preliminary_opinion": "经处内集体讨论,提出初步处理意见报处负责人审核(受理后 30 天未形成,已开具不符合)。",
        "way": "coordination_meeting", "final_opinion": "经协调会议研究,明确执行口径并书面告知企业。",
        "handled": D(2026, 8, 28), "reply_type": "interpretation", "reply_form": "formal_document",
        "replied": D(2026, 9, 2), "replied_by": "税企联络员",
    })
    clauses = {
        "scope": "企业集团总部及其境内成员企业。", "enterprise_rights": "企业建立健全税务风险内控,及时报告重大涉税事项。",
        "authority_rights": "税务机关提供个性化纳税服务,统筹安排检查,给予不短于一个月的自查期限。",
        "confidentiality": "双方对协议执行中获知的信息保密。", "scope_changes_disputes": "适用范围调整经双方协商;争议提交协调会议解决。",
        "termination": "一方严重违约或企业发生重大违法行为时终止。", "supplementary": "省级税务机关可与成员企业签订补充协议并报总局备案。",
        "term_and_renewal": "有效期三年,期满前三个月协商续签。",
    }
    w.write("cooperation_agreement", {
        "id": "TCA-2025-001", "status": "signed", "enterprise_group": "某电力集团",
        "selection_basis": "企业有自我遵从意愿,税务风险内控体系运转顺畅。", "signed": D(2025, 12, 5),
        "clauses": {**clauses, "effective_date": D(2025, 12, 5)}, "liaison": "税企联络员",
        "supplementary_agreements": ["江苏省成员企业补充协议(2026-03 备案)"],
        "evaluations": [{"year": 2026, "evaluated": D(2026, 11, 10), "compliance": "按期申报,自查补缴及时。",
                         "execution": "重大事项均按约定报告。", "suggestions": ["加强跨境关联交易同期资料准备"]}],
    })
    w.write("cooperation_agreement", {
        "id": "TCA-2026-001", "status": "signed", "enterprise_group": "某通信集团",
        "selection_basis": "内控调查评价为较完善。", "signed": D(2026, 6, 18),
        "clauses": {**clauses, "effective_date": D(2026, 7, 1)}, "liaison": "税企联络员",
        "evaluations": [{"year": 2026, "evaluated": D(2026, 11, 12), "compliance": "生效后各期按时申报,未发现重大遗漏。",
                         "execution": "协议执行不足半年,重大事项报告一次,符合约定。",
                         "suggestions": ["完善集团内部税务风险内控制度的书面文件"]}],
    })
    w.write("cooperation_agreement", {
        "id": "TCA-2026-002", "status": "negotiating", "enterprise_group": "某矿业集团",
        "selection_basis": "企业主动申请,内控测试进行中。",
    })
    features = [
        ("企业所得税", "general", "研发费用加计扣除归集不实", "税前扣除", "研发支出资本化与费用化划分不清"),
        ("企业所得税", "specific", "关联交易定价偏离独立交易原则", "关联交易", "利润水平显著低于同行业"),
        ("增值税", "general", "进项税额转出不足", "进项税额", "用于免税项目的进项未转出"),
        ("增值税", "industry", "电力行业农网还贷资金处理", "收入确认", "专项资金未按规定处理"),
        ("企业所得税", "specific", "资产划转特殊性税务处理条件不符", "重组", "12 个月内改变原经营活动"),
        ("印花税", "general", "应税合同漏报", "申报", "合同台账与申报不一致"),
        ("企业所得税", "industry", "石油行业弃置费用税前扣除", "税前扣除", "预计负债直接扣除"),
        ("个人所得税", "general", "高管股权激励未代扣代缴", "代扣代缴", "行权所得未申报"),
        ("增值税", "specific", "集团内资金无偿借贷未视同销售", "视同销售", "内部借款未计收利息"),
        ("企业所得税", "general", "境外所得抵免超限", "境外所得", "抵免限额计算错误"),
        ("房产税", "general", "地下建筑未计征房产税", "财产行为税", "地下车库未申报"),
        ("企业所得税", "industry", "银行业贷款损失准备金扣除超标", "税前扣除", "超比例计提未调增"),
    ]
    ids = []
    scores: dict[str, int] = {}
    for n, (tax, cat, name, domain, desc) in enumerate(features, 1):
        scores[f"RF-{n:04d}"] = w.rng.randint(20, 90)
        ids.append(w.write("risk_feature", {
            "id": f"RF-{n:04d}", "tax_type": tax, "category": cat, "name": name, "domain": domain, "period": "2023-2025 年度",
            "description": desc + "。", "identification": "申报数据与财务报表比对;案头审计。",
            "basis": "企业所得税法及其实施条例等相关规定。", "score": scores[f"RF-{n:04d}"],
            "accounts": w.rng.sample(["管理费用", "研发支出", "应交税费", "其他应收款", "营业收入", "长期股权投资", "预计负债"], 2),
            "strategy": w.rng.choice(["纳税评估", "风险自查", "税务审计"]),
        }))
    members = ["某电力集团 A 发电公司", "某电力集团 B 供电公司", "某电力集团 C 新能源公司", "某电力集团 D 检修公司",
               "某电力集团 E 燃料公司"]
    ranked = []
    for member in members:
        picks = w.rng.sample(ids, w.rng.randint(1, 3))
        w.rng.randint(30, 180)  # once the score itself; still drawn so that every later record stays as it was
        evaluations = [{"risk": p, "severity": "high" if scores[p] >= 70 else ("medium" if scores[p] >= 40 else "low"),
                        "likelihood": w.pick(["high", "medium", "low"])} for p in picks]
        ranked.append({"enterprise": member, "risks": picks, "score": sum(scores[p] for p in picks),
                       "evaluations": evaluations})
    ranked.sort(key=lambda r: -r["score"])
    for n, item in enumerate(ranked, 1):
        item["rank"] = n
        item["level"] = "high" if item["score"] >= 120 else ("medium" if item["score"] >= 70 else "low")
        item["response"] = {"high": "tax_audit", "medium": "self_review", "low": "service"}[item["level"]]
    w.write("risk_assessment", {
        "id": "RA-2026-01", "status": "ranked", "started": D(2026, 2, 16), "enterprise_group": "某电力集团",
        "sources": ["风险评估问卷", "内部控制调查", "申报纳税数据", "行业税收风险特征库"],
        "ranking": [{k: item[k] for k in ("rank", "enterprise", "risks", "score", "level", "response", "evaluations")}
                    for item in ranked],
        "reported": D(2026, 5, 29), "analyst": "风险管理岗",
    })
    w.write("risk_assessment", {
        "id": "RA-2026-02", "status": "identified", "started": D(2026, 9, 7), "enterprise_group": "某通信集团",
        "sources": ["风险评估问卷", "申报纳税数据"], "analyst": "风险管理岗",
    })
    stages = ["code_preparation", "collection", "distribution", "verification", "reporting", "feedback", "summary"]
    for n, group in enumerate(groups[:5]):
        reached = [6, 6, 4, 3, 1][n]
        record: dict[str, Any] = {
            "id": f"RV-2026-{n + 1:03d}", "status": stages[reached], "year": 2026, "enterprise_group": group,
            "members": w.rng.randint(20, 300), "office": "主管税务机关", "verifier": "名册核实员", "verifier_phone": w.phone(),
        }
        day = D(2026, 3, 2)
        for stage in stages[: reached + 1]:
            record[f"{stage}_done"] = day
            day += dt.timedelta(days=w.rng.randint(7, 21))
        if reached >= 3:
            record["methods"] = ["与现行征管系统信息比对", "向企业核实信息"]
            record["discrepancies"] = w.rng.randint(0, 12)
        if reached == 6:
            record["summary"] = "名册核实完成,管理层级和所属集团已在征管系统中调整。"
        w.write("register_verification", record)




# --------------------------------------------------------------------------- recruitment and training plans
def plans(w: Writer) -> None:
    approved = {"prepared_by": "人力资源部经理", "prepared": D(2025, 12, 10), "reviewed_by": "管理者代表",
                "reviewed": D(2025, 12, 15), "approved_by": "董事长", "approved": D(2025, 12, 18)}
    w.write("recruitment_plan", {
        "id": "RP-2026-001", "status": "approved", "type": "long_term", "period": "2026", "basis": "公司 2026 年业务计划",
        "positions": [{"position": "普工", "headcount": 120, "requirements": "身体健康,遵守纪律"},
                      {"position": "仓储管理员", "headcount": 15, "requirements": "有仓储工作经验"}],
        "rules": "统一考核,合格者签订劳动合同(经公司批准)", "channels": ["合作学校", "人才市场"], **approved})
    w.write("recruitment_plan", {
        "id": "RP-2026-002", "status": "approved", "type": "client_specific", "period": "2026-Q2",
        "basis": "合同评审 CR-2026-002 约定的派遣人数", "client": sorted(CUSTOMERS, key=lambda c: (CUSTOMERS[c], c))[2],
        "contract": "CR-2026-002",
        "positions": [{"position": "操作工", "headcount": 10, "requirements": "能适应两班倒"}],
        "rules": "面试加实操考核,合格者经公司批准后签订劳动合同", "channels": ["人才市场", "网络招聘"],
        "prepared_by": "人力资源部经理", "prepared": D(2026, 3, 30), "reviewed_by": "管理者代表", "reviewed": D(2026, 3, 31),
        "approved_by": "董事长", "approved": D(2026, 4, 2)})
    w.write("training_plan", {
        "id": "TP-2026-01", "status": "approved", "unit": "labor-dispatch", "period": "2026",
        "courses": [{"type": "induction", "topic": "岗前培训:技术、纪律、卫生", "audience": "新招派遣人员", "department": "人力资源部", "assessment": "written"},
                    {"type": "on_the_job", "topic": "内审员培训", "audience": "内审员及拟任内审员", "department": "总经办", "month": "2026-03",
                     "assessment": "written", "material": "LD-QP-09"},
                    {"type": "on_the_job", "topic": "投诉处理与回复时限", "audience": "客服部职员", "department": "客服部", "month": "2026-04",
                     "assessment": "oral", "material": "LD-QP-07"},
                    {"type": "promotion", "topic": "客户分级与核心客户管理", "audience": "客服部职员", "department": "客服部", "month": "2026-05",
                     "assessment": "self", "material": "CS-REF-03"}],
        **approved})
    w.write("training_plan", {
        "id": "TP-2026-02", "status": "approved", "unit": "hotel", "period": "2026",
        "courses": [{"type": "on_the_job", "topic": "高压配电操作规程复训", "audience": "电工", "department": "工程部", "month": "2026-11",
                     "assessment": "practical"},
                    {"type": "on_the_job", "topic": "消防器材使用", "audience": "工程部全体", "department": "工程部", "month": "2026-06",
                     "assessment": "practical"}],
        "prepared_by": "工程部经理", "prepared": D(2025, 11, 27), "approved_by": "酒店总经理", "approved": D(2025, 12, 2)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("records"))
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.rglob("*.yaml")):
        print(f"{args.out} already holds records; this script writes only into an empty folder "
              "(pass --out NEWDIR to generate elsewhere).", file=sys.stderr)
        return 2
    w = Writer(args.out, args.seed)
    reg = build_register(w)
    reg.write()
    audits = audits_and_ncrs(w, reg)
    made, orders = complaints(w, reg, audits["complaint_ncrs"])
    work_orders(w, reg, orders)
    surveyed = surveys(w)
    reviews_and_objectives(w, reg, made, audits, surveyed)
    people_and_contracts(w, reg)
    plans(w)
    property_records(w, reg)
    hotel_records(w, reg)
    tax_records(w, reg)
    total = sum(w.count.values())
    for kind, n in sorted(w.count.items()):
        print(f"{kind:24} {n:5}")
    print(f"{'total':24} {total:5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
