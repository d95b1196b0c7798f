"""Generate the reference QMS's year of records (December 2025 to November 2026).

Seeded and reproducible: the same seed writes the same files. It writes
only into an empty folder (default ``records/`` when that holds no records)
and never replaces a file, so it cannot destroy records kept by hand.

The year is built to give every report something true to say: audits with
findings, nonconformities in every status (some overdue, some verified and
closed), complaints with and without a reply (the reply-rate objective is
missed in 2026-Q2), two management reviews (the second following up the
first), surveys of both customer types, work orders, energy reports with
April missing, tax requests in every stage, a ranked risk assessment.

Usage: python scripts/generate_reference_records.py [--out DIR] [--seed N]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

from qmskit.yamlio import dumps

D = dt.date
START, END = D(2025, 12, 1), D(2026, 11, 25)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力海燕宁欣雪梅晨浩宇佳琳"


class Writer:
    def __init__(self, out: Path, seed: int) -> None:
        self.out = out
        self.rng = random.Random(seed)
        self.count: dict[str, int] = {}

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))

    def phone(self) -> str:
        return "1" + self.rng.choice("3589") + "".join(self.rng.choice("0123456789") for _ in range(9))

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

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


def verification(by: str, on: dt.date, ok: bool = True) -> dict[str, Any]:
    return {"by": by, "on": on, "result": "effective" if ok else "not_effective"}


# --------------------------------------------------------------------------- audits, NCRs, actions
AUDITS = [
    # id, plan, opened, closing, scope, criteria, handed over, findings
    ("IA-2025-01", "IAP-2025-01", D(2025, 12, 8), D(2025, 12, 10), ["客户服务部", "工程部"],
     ["PM-MAN-01", "PM-REG-301", "HE-REG-01", "HE-WI-01"], D(2025, 12, 17)),
    ("IA-2026-01", "IAP-2026-01", D(2026, 3, 16), D(2026, 3, 20), ["总经办", "人力资源部", "客服部", "管理部"],
     ["LD-QM-01", "LD-QP-02", "LD-QP-03", "LD-QP-04", "LD-QP-07", "LD-QP-08", "LD-QP-10"], D(2026, 3, 27)),
    ("IA-2026-02", "IAP-2026-02", D(2026, 9, 14), D(2026, 9, 16), ["客服部", "人力资源部", "工程部"],
     ["LD-QP-07", "LD-QP-04", "HE-JD-02", "HE-JD-07"], D(2026, 9, 28)),  # handed over 12 days late
]

AUDIT_TEAMS = {
    "IA-2025-01": [("客户服务部", "工程部"), ("工程部", "客户服务部")],
    "IA-2026-01": [("客服部", "人力资源部"), ("人力资源部", "客服部"), ("管理部", "总经办")],
    "IA-2026-02": [("管理部", "客服部"), ("总经办", "人力资源部"), ("客服部", "工程部")],
}

FINDINGS = {
    "IA-2025-01": [
        ("hotel", "工程部", "HE-JD-07 §4", "抽查 6 台前台计算机,2 台距上次除尘已超过 100 天,无除尘记录。", "minor", "工程部经理"),
        ("property", "客户服务部", "PM-JD-01 §1", "11 月 3 日至 5 日的巡楼报告无客户服务经理审阅签名。", "minor", "客户服务经理"),
        ("hotel", "工程部", "HE-REG-01 §5", "交接班记录本有 3 个班次未写明当班人姓名。", "observation", "工程部领班"),
    ],
    "IA-2026-01": [
        ("labor-dispatch", "人力资源部", "LD-QP-03 §4", "抽查 5 份派遣人员劳动合同,其中 1 份签署前未经公司批准。", "minor", "人力资源部经理"),
        ("labor-dispatch", "管理部", "LD-QP-10 §4", "某企业顾客合约变更后,变更内容未书面传达到人力资源部。", "minor", "管理部经理"),
        ("labor-dispatch", "客服部", "LD-QP-07 §5", "1 月份两起企业顾客投诉的回复未记录回复内容。", "major", "客服部经理"),
        ("labor-dispatch", "总经办", "LD-QP-02 §4", "现场使用的一份操作指引打印件未标注版本。", "observation", "总经办主任"),
        ("labor-dispatch", "人力资源部", "LD-QP-04 §4", "2 月岗前培训未做培训后考核。", "minor", "人力资源部经理"),
    ],
    "IA-2026-02": [
        ("labor-dispatch", "客服部", "LD-QP-07 §5", "二季度 3 起投诉超过一个月未回复,投诉回复率未达 100 %。", "major", "客服部经理"),
        ("hotel", "工程部", "HE-JD-02 §1", "4 月能源消耗量统计表未编制上报。", "minor", "工程部领班"),
        ("labor-dispatch", "人力资源部", "LD-QP-04 §4", "派遣人员半年度考核缺 2 名人员的记录。", "minor", "人力资源部经理"),
        ("hotel", "工程部", "HE-JD-07 §4", "计算机除尘间隔 104 天,超过 100 天。", "observation", "工程部经理"),
    ],
}


def audits_and_ncrs(w: Writer) -> None:
    ca_id = seq("CAPA")
    today = END
    ncr_plan: list[dict[str, Any]] = []
    reports: list[dict[str, Any]] = []
    for audit_id, plan_id, opened, closing, scope, criteria, handed in AUDITS:
        year = opened.year
        team = [
            {"auditor": w.name(), "role": "内审员" if i else "审核组组长", "department": own, "audits": [audits]}
            for i, (own, audits) in enumerate(AUDIT_TEAMS[audit_id])
        ]
        w.write("audit_plan", {
            "id": plan_id, "status": "approved", "year": year, "scope": scope, "criteria": criteria,
            "leader": "审核组组长", "auditors": team, "start": opened, "end": closing,
            "basis": "上次内审、管理评审和顾客投诉分析结果", "approved_by": "管理者代表",
            "approved": opened - dt.timedelta(days=14),
        })
        for unit, dept, requirement, text, grade, owner in FINDINGS[audit_id]:
            ncr_plan.append({"source": "internal_audit", "audit": audit_id, "raised": closing, "unit": unit,
                             "department": dept, "requirement": requirement, "description": text,
                             "grade": grade, "owner": owner})
        reports.append({
            "id": audit_id, "status": "closed", "plan": plan_id, "opened": opened, "closed_meeting": closing,
            "scope": scope, "criteria": criteria, "leader": "审核组组长",
            "summary": f"体系基本符合要求并有效运行;开具不符合报告 {len(FINDINGS[audit_id])} 份,"
                       "要求责任部门分析原因并整改。",
            "approved_by": "管理者代表", "approved": closing + dt.timedelta(days=3), "handed_over": handed,
        })
    # Nonconformities from other sources.
    extra = [
        ("customer_complaint", D(2026, 1, 20), "labor-dispatch", "客服部", "LD-QP-07 §5", "企业顾客投诉派遣人员到岗延误 2 天,未事先通知。", "minor", "客服部经理", "service_delivery"),
        ("process_monitoring", D(2026, 4, 30), "hotel", "工程部", "HE-JD-02 §1", "4 月能源消耗量统计表到 4 月 30 日仍未完成。", "minor", "工程部领班", "management_system"),
        ("customer_complaint", D(2026, 5, 12), "property", "客户服务部", "PM-JD-03 §3", "业户投诉电梯厅清洁问题一周内重复发生。", "minor", "客户服务主任", "service_delivery"),
        ("inspection", D(2026, 6, 8), "hotel", "工程部", "HE-JD-04 §2", "6 月 6 日消防水泵巡检记录缺失。", "observation", "工程部领班", "management_system"),
        ("customer_complaint", D(2026, 7, 2), "labor-dispatch", "人力资源部", "LD-QP-04 §4", "派遣人员反映岗前培训未讲解工伤申报流程。", "minor", "人力资源部经理", "recruitment"),
        ("process_monitoring", D(2026, 8, 18), "tax", "省局大企业处", "TX-QP-01 §2", "一件涉税诉求受理后 30 天未形成初步处理意见。", "minor", "大企业处负责人", "service_delivery"),
        ("management_review", D(2025, 12, 18), "labor-dispatch", "总经办", "LD-QM-01 §5.5", "管理评审发现上一年度满意度分析未形成书面评价。", "minor", "总经办主任", "management_system"),
        ("customer_complaint", D(2026, 9, 22), "labor-dispatch", "客服部", "LD-QP-10 §4", "企业顾客反映合约变更后派遣人数未按新约定调整。", "major", "管理部经理", "customer_related"),
        ("inspection", D(2026, 10, 20), "property", "客户服务部", "PM-JD-05 §4", "前台复印机每月大检查记录 9 月缺失。", "observation", "客服文员", "management_system"),
        ("supplier", D(2026, 11, 6), "property", "客户服务部", "PM-JD-02 §6", "外包清洁单位未按合同频次清洁地下车库。", "minor", "客户服务主任", "service_delivery"),
        ("process_monitoring", D(2026, 11, 18), "labor-dispatch", "人力资源部", "LD-QP-03 §4", "一名招聘专员在劳动合同审批前发出录用通知。", "minor", "人力资源部经理", "recruitment"),
        ("customer_complaint", D(2026, 11, 23), "hotel", "工程部", "HE-WI-01", "客房报修 2 小时内无人到场。", "minor", "工程部领班", "service_delivery"),
    ]
    for source, raised, unit, dept, req, text, grade, owner, category in extra:
        ncr_plan.append({"source": source, "raised": raised, "unit": unit, "department": dept, "requirement": req,
                         "description": text, "grade": grade, "owner": owner, "category": category})
    ncr_plan.sort(key=lambda n: n["raised"])
    numbers: dict[int, int] = {}
    audit_map: dict[str, list[str]] = {}
    for plan in ncr_plan:
        year = plan["raised"].year
        numbers[year] = numbers.get(year, 0) + 1
        plan["id"] = f"NCR-{year}-{numbers[year]:04d}"
        if plan.get("audit"):
            audit_map.setdefault(plan["audit"], []).append(plan["id"])
    for report in reports:
        w.write("audit_report", {**report, "nonconformities": audit_map[report["id"]]})
    # Write NCRs with a status that follows their age: older ones closed, recent ones open.
    for plan in ncr_plan:
        age = (today - plan["raised"]).days
        raised = plan["raised"]
        due = raised + dt.timedelta(days=30 if plan["grade"] != "major" else 20)
        category = plan.pop("category", None) or {"人力资源部": "recruitment", "管理部": "customer_related"}.get(
            plan["department"], "management_system")
        record: dict[str, Any] = {
            "id": plan["id"], "status": "open", "source": plan["source"], "raised": raised,
            "requirement": plan["requirement"], "description": plan["description"], "grade": plan["grade"],
            "department": plan["department"], "owner": plan["owner"], "due": due, "audit": plan.get("audit"),
            "unit": plan["unit"], "category": category,
        }
        if plan["source"] == "customer_complaint" and plan["unit"] == "labor-dispatch":
            record["customer_agreement"] = "与顾客协商确定补派人员及改进方案,经双方确认后实施。"
            record["customer_agreed"] = raised + dt.timedelta(days=5)
        # stage by age; a few deliberately stuck past their due date
        stuck = plan["id"] in ("NCR-2026-0006", "NCR-2026-0013", "NCR-2026-0016")
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
        if stage == "closed" and plan["id"] == "NCR-2026-0004":
            stage = "verification"  # verification failed once, now re-verified soon
        if stage != "open":
            record["root_cause"] = w.rng.choice([
                "相关人员对程序要求不熟悉,岗前培训未覆盖该要求。",
                "职责分工不清,交接环节无人跟进。",
                "记录表格缺少必填提示,检查时未发现遗漏。",
                "工作量高峰期未调配人力,计划执行被推迟。",
            ])
            record["similar_cases"] = "已排查同类记录,未发现其他类似情况。"
        if stage in ("action", "verification", "closed"):
            record["correction"] = "已立即纠正:补齐记录/补办手续并通知相关方。"
            action_id = ca_id(raised.year)
            record["actions"] = [action_id]
            ca_done = stage in ("verification", "closed")
            ca = {
                "id": action_id, "status": "verified" if stage == "closed" else ("done" if ca_done else "in_progress"),
                "type": "corrective", "raised": raised + dt.timedelta(days=7), "nonconformity": plan["id"],
                "action": "修订相关程序的执行要点,对责任岗位全员培训并在月度检查中抽查。",
                "owner": plan["owner"], "due": due,
                "done": due - dt.timedelta(days=3) if ca_done else None,
                "verification": verification("内审员", due + dt.timedelta(days=10)) if stage == "closed" else None,
                "cross_department": plan["grade"] == "major",
                "document_change": "LD-QP-07" if "回复" in plan["description"] and stage == "closed" else None,
            }
            w.write("corrective_action", ca)
        if stage == "closed":
            record["verification"] = verification("内审员", due + dt.timedelta(days=10))
            record["closed"] = due + dt.timedelta(days=10)
        record["status"] = stage
        w.write("nonconformity", record)
    # A preventive action and an improvement raised from data analysis, with no NCR.
    w.write("corrective_action", {
        "id": ca_id(2026), "status": "in_progress", "type": "preventive", "raised": D(2026, 10, 9),
        "action": "投诉受理后第 3 个工作日由系统提醒客服部经理跟进回复。", "owner": "客服部经理",
        "due": D(2026, 12, 15), "cross_department": True,
    })
    w.write("corrective_action", {
        "id": ca_id(2026), "status": "open", "type": "improvement", "raised": D(2026, 11, 21),
        "action": "按 CS-REF-03 对企业顾客实施 ABC 分级,核心客户每季度走访。", "owner": "客服部经理",
        "due": D(2027, 2, 28),
    })


# --------------------------------------------------------------------------- complaints
def complaints(w: Writer) -> list[dict[str, Any]]:
    cmp_id = seq("CMP")
    made = []
    plan = []
    # labor dispatch: every quarter some complaints; Q2 2026 has three never replied
    for day in sorted(w.day(START, END) for _ in range(30)):
        plan.append(("labor-dispatch", day))
    for day in sorted(w.day(START, END) for _ in range(14)):
        plan.append(("property", day))
    for day in sorted(w.day(START, END) for _ in range(6)):
        plan.append(("hotel", day))
    plan.sort(key=lambda p: p[1])
    unanswered = 0
    for unit, received in plan:
        cid = cmp_id(received.year)
        enterprise = unit == "labor-dispatch" and w.rng.random() < 0.5
        dept = {"labor-dispatch": "客服部" if enterprise else "人力资源部", "property": "客户服务部", "hotel": "工程部"}[unit]
        handler = {"客服部": "客服专员", "人力资源部": "招聘专员", "客户服务部": "客户服务助理", "工程部": "工程部领班"}[dept]
        text = w.rng.choice({
            "labor-dispatch": ["派遣人员到岗时间比约定晚两天。", "工资代发日期推迟,未提前告知。", "工伤申报手续办理进度无人告知。",
                               "派遣人员不熟悉岗位操作规程。", "合同续订通知过晚。", "社会保险关系转移办理缓慢。"],
            "property": ["电梯厅地面清洁不及时。", "报修空调两天无人上门。", "车位手续办理等候时间过长。", "公共区域照明损坏未修。"],
            "hotel": ["客房卫生间漏水报修后 2 小时无人到场。", "会议室投影网络中断。", "客房空调噪声大。"],
        }[unit])
        age = (END - received).days
        in_q2 = D(2026, 4, 1) <= received <= D(2026, 6, 30)
        never = unit == "labor-dispatch" and in_q2 and unanswered < 3
        if never:
            unanswered += 1
        replied = None if never or age < 2 else received + dt.timedelta(days=w.rng.choice((0, 1, 1, 2, 3)))
        closed = replied + dt.timedelta(days=w.rng.choice((2, 5, 7))) if replied and age > 14 else None
        status = "closed" if closed else ("replied" if replied else "received")
        record = {
            "id": cid, "status": status, "received": received,
            "customer_type": "enterprise" if enterprise else "individual", "department": dept,
            "description": text, "unit": unit, "channel": w.rng.choice(["phone", "phone", "visit", "letter", "online"]),
            "customer_name": w.name(), "customer_phone": w.phone(), "handled_by": handler,
            "replied": replied, "reply": "已核实情况,向顾客说明原因并告知整改措施。" if replied else None,
            "closed": closed, "feedback": w.rng.choice(["satisfied", "satisfied", "satisfied", "neutral"]) if closed else None,
            "escalated": enterprise and w.rng.random() < 0.2,
        }
        made.append(record)
        w.write("complaint", record)
    return made


# --------------------------------------------------------------------------- management reviews, objectives
def reviews_and_objectives(w: Writer, made_complaints: list[dict[str, Any]]) -> None:
    w.write("management_review", {
        "id": "MR-2025-01", "status": "approved", "held": D(2025, 12, 18), "chair": "董事长",
        "attendees": ["管理者代表", "总经办主任", "人力资源部经理", "客服部经理", "管理部经理", "审核组组长"],
        "inputs": {
            "a": "上次管理评审(2024 年度)的措施均已完成。",
            "b": "新版《劳务派遣行政许可实施办法》施行,派遣比例受限。",
            "c1": "2025 年个体顾客满意度 95.6 %,企业顾客满意度 96.0 %。",
            "c2": "服务目标全部达成;投诉回复率 100 %。",
            "c3": "派遣服务过程运行正常,合同评审 100 % 在签约前完成。",
            "c4": "全年不符合 14 项,已关闭 13 项。",
            "c5": "过程督察与月度考核结果正常。",
            "c6": "IA-2025-01 开具不符合 3 项。",
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
             "category": "qms_change", "done": D(2026, 9, 30), "result": "延期完成,9 月发布 A/1 版。"},
            {"action": "对企业顾客实施分级管理。", "owner": "客服部经理", "due": D(2026, 9, 30), "category": "improvement"},
            {"action": "满意度分析形成书面评价报告。", "owner": "总经办主任", "due": D(2026, 7, 31), "category": "improvement",
             "done": D(2026, 7, 15), "result": "2026 年满意度分析报告已发布。"},
        ],
        "approved_by": "董事长", "approved": D(2025, 12, 25),
    })
    w.write("management_review", {
        "id": "MR-2026-01", "status": "held", "held": D(2026, 11, 20), "chair": "董事长", "previous": "MR-2025-01",
        "attendees": ["管理者代表", "总经办主任", "人力资源部经理", "客服部经理", "管理部经理", "审核组组长"],
        "inputs": {
            "a": "MR-2025-01 四项措施:三项完成(其中一项延期),企业顾客分级管理未完成,转入本次输出。",
            "b": "用工单位需求下降,派遣人员流动率上升。",
            "c1": "2026 年个体顾客满意度、企业顾客满意度均为 95 %,达到目标。",
            "c2": "投诉回复率二季度未达 100 %(3 起未回复),其余季度达标。",
            "c3": "合同评审均在签约前完成;一份合约被拒绝签订。",
            "c4": "本年度不符合与纠正措施情况见不符合登记册;有 3 项超期未关闭。",
            "c5": "能源消耗量统计表 4 月缺报。",
            "c6": "IA-2026-01、IA-2026-02 共开具不符合 9 项。",
            "c7": "外包清洁单位一次未按合同履约。",
            "d": "人力资源部招聘专员不足。",
            "e": "投诉回复提醒的预防措施正在实施。",
            "f": "推广企业顾客 ABC 分级;电子化报修。",
        },
        "minutes": "评审认为体系总体有效;投诉回复率未达标和超期不符合需重点跟进。",
        "outputs": [
            {"action": "完成企业顾客 ABC 分级(上次评审遗留)。", "owner": "客服部经理", "due": D(2027, 2, 28), "category": "improvement"},
            {"action": "超期不符合在 12 月底前关闭。", "owner": "管理者代表", "due": D(2026, 12, 31), "category": "improvement"},
            {"action": "人力资源部增加 1 名招聘专员。", "owner": "总经理", "due": D(2027, 3, 31), "category": "resources"},
        ],
    })
    # Quarterly complaint reply-rate results, counted from the complaints written above.
    obj = seq("OBJ")
    quarters = [("2025-Q4", D(2025, 10, 1), D(2025, 12, 31)), ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
                ("2026-Q2", D(2026, 4, 1), D(2026, 6, 30)), ("2026-Q3", D(2026, 7, 1), D(2026, 9, 30))]
    for period, start, end in quarters:
        mine = [c for c in made_complaints if c["unit"] == "labor-dispatch" and start <= c["received"] <= end]
        replied = [c for c in mine if c["replied"] and c["replied"] <= end]
        w.write("objective_result", {
            "id": obj(end.year if end.month > 1 else end.year, 3), "objective": "OBJ-LD-03", "period": period,
            "department": "总经办", "numerator": len(replied), "denominator": len(mine),
            "reported": end + dt.timedelta(days=5), "reported_by": "总经办主任",
            "analysis": None if len(replied) == len(mine) else "未达 100 %:部分投诉超过一个月未回复,已开具不符合。",
        })


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
                perceived = max(1, min(7, expected + (w.rng.choice((0, 0, 1, -1)) if ok else w.rng.choice((-1, -2, -3)))))
                rating[dim] = {"expected": expected, "perceived": perceived}
            w.write("satisfaction_survey", {
                "id": css(2026), "surveyed": w.day(D(2026, 6, 1), D(2026, 6, 20)), "customer_type": customer_type,
                "department": dept, "satisfied": ok,
                "method": "written" if customer_type == "individual" else w.rng.choice(["visit", "written"]),
                "customer": w.name() if customer_type == "individual" else w.rng.choice(
                    ["南京某电子科技有限公司", "苏州某精密制造有限公司", "无锡某物流有限公司", "南京某食品有限公司", "常州某汽车零部件有限公司"]),
                "respondent": w.name(), "phone": w.phone(), "servqual": rating,
                "comments": None if ok else "希望派遣人员到岗前多做沟通。",
            })
        counts[customer_type] = (satisfied, total)
    return counts


# --------------------------------------------------------------------------- people: training, competence, contracts, risks
def people_and_contracts(w: Writer) -> None:
    trn = seq("TRN")
    courses = [
        (D(2025, 12, 12), "服务质量五维度与满意度调查方法", "on_the_job", "客服部", "CS-REF-01"),
        (D(2026, 1, 8), "派遣人员岗前培训:纪律、安全与卫生", "dispatched_workers", "人力资源部", None),
        (D(2026, 2, 26), "新员工岗前培训", "induction", "人力资源部", None),
        (D(2026, 3, 5), "内审员培训:检查表与不符合报告", "on_the_job", "总经办", "LD-QP-09"),
        (D(2026, 4, 16), "投诉处理与回复时限", "on_the_job", "客服部", "LD-QP-07"),
        (D(2026, 5, 21), "派遣人员心理辅导讲座", "dispatched_workers", "人力资源部", None),
        (D(2026, 6, 18), "客户分级与核心客户管理", "promotion", "客服部", "CS-REF-03"),
        (D(2026, 8, 13), "派遣人员岗前培训:工伤申报流程", "dispatched_workers", "人力资源部", None),
        (D(2026, 9, 24), "合同评审要点", "on_the_job", "管理部", "LD-QP-10"),
        (D(2026, 10, 29), "客户忠诚与客户维护", "on_the_job", "客服部", "CS-REF-04"),
        (D(2026, 11, 12), "高压配电操作规程复训", "on_the_job", "工程部", None),
    ]
    for held, topic, kind, dept, material in courses:
        attendees = w.rng.randint(6, 40)
        w.write("training_record", {
            "id": trn(held.year, 3), "held": held, "topic": topic, "trainer": w.name(), "department": dept,
            "attendees": attendees, "effective": True, "type": kind,
            "assessment": w.rng.choice(["written", "oral", "practical", "self"]),
            "passed": attendees - w.rng.randint(0, 2), "material": material,
        })
    cma = seq("CMA")
    staff_roles = ["总经办主任", "人力资源部经理", "招聘专员", "客服部经理", "客服专员", "管理部经理", "内审员"]
    rounds = [("2025-H2", D(2025, 12, 15)), ("2026-H1", D(2026, 6, 24)), ("2026-H2", D(2026, 11, 19))]
    for period, when in rounds:
        for role in staff_roles:
            w.write("competence_assessment", {
                "id": cma(when.year), "assessed": when, "role": role,
                "result": w.rng.choice(["competent"] * 6 + ["needs_training"]), "assessor": "管理者代表",
                "subject": "staff", "period": period, "person": w.name(),
            })
        workers = 6 if period != "2026-H1" else 4  # two missing in H1: an audit finding
        for _ in range(workers):
            w.write("competence_assessment", {
                "id": cma(when.year), "assessed": when + dt.timedelta(days=2), "role": "招聘专员",
                "result": "competent", "assessor": "人力资源部经理", "subject": "dispatched_worker", "period": period,
                "person": w.name(), "id_number": "3201" + "".join(w.rng.choice("0123456789") for _ in range(13)) + "X",
                "employer": w.rng.choice(["南京某电子科技有限公司", "苏州某精密制造有限公司", "无锡某物流有限公司"]),
                "service_awareness": w.rng.randint(75, 98), "service_attitude": w.rng.randint(75, 98),
            })
    cr = seq("CR")
    customers = ["南京某电子科技有限公司", "苏州某精密制造有限公司", "无锡某物流有限公司", "南京某食品有限公司",
                 "常州某汽车零部件有限公司", "扬州某酒店管理有限公司", "镇江某化工有限公司", "南京某商贸有限公司"]
    for n, customer in enumerate(customers):
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
        })
    risk = seq("RISK")
    risks = [
        ("risk", "labor-dispatch", "劳务派遣比例受限,用工单位减少派遣用工。", 4, 4, "拓展业务外包等合规服务模式。", "总经理", "treated"),
        ("risk", "labor-dispatch", "派遣人员劳动合同未经审批即签署,引发劳动争议。", 3, 4, "合同签署前系统审批;抽查。", "人力资源部经理", "treated"),
        ("risk", "labor-dispatch", "投诉未及时回复,企业顾客流失。", 3, 5, "投诉回复提醒;季度统计回复率。", "客服部经理", "treated"),
        ("opportunity", "labor-dispatch", "核心企业顾客分级服务提高续约率。", 3, 3, None, "客服部经理", "identified"),
        ("risk", "hotel", "关键设备突发故障影响营业。", 2, 5, "计划性检修与预防性保养。", "工程部经理", "treated"),
        ("risk", "property", "接管验收遗漏导致保修期后维修费用。", 2, 4, "按 PM-REG-301 全项检查并书面通知。", "驻场经理", "treated"),
    ]
    for type_, unit, text, likelihood, impact, treatment, owner, status in risks:
        w.write("qms_risk", {
            "id": risk(2026, 3), "status": status, "identified": D(2025, 12, 18), "description": text,
            "likelihood": likelihood, "impact": impact, "treatment": treatment, "owner": owner, "type": type_, "unit": unit,
        })


# --------------------------------------------------------------------------- property
def property_records(w: Writer) -> None:
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
    tki = seq("TKI")
    for n, unit_no in enumerate(["1201", "1202", "1501", "1502", "2001", "屋面"]):
        problem = n in (1, 4)
        checks = [{"element": e, "result": "pass"} for e in elements if e != "heating"]
        checks.append({"element": "heating", "result": "not_applicable"})
        if problem:
            checks[3] = {"element": "finishes", "result": "fail", "problem": "卫生间墙面饰面砖空鼓两处。"}
        w.write("takeover_inspection", {
            "id": tki(2026, 3), "status": "resolved" if problem else "inspected", "takeover": "TKW-2026-01",
            "unit_no": unit_no, "inspected": D(2026, 3, 18) + dt.timedelta(days=n), "inspector": "客户服务主任",
            "checks": checks, "notified": D(2026, 3, 25) if problem else None,
            "resolved": D(2026, 4, 20) if problem else None,
        })
    pat = seq("PAT")
    day = START
    while day <= END:
        findings = []
        if w.rng.random() < 0.25:
            findings.append({"area": w.rng.choice(["电梯厅", "地下车库", "消防通道", "大堂", "屋面"]),
                             "issue": w.rng.choice(["地面有积水", "照明灯不亮", "消防通道堆放杂物", "垃圾未及时清运"]),
                             "referred_to": w.rng.choice(["清洁主管", "工程经理", "夜班经理"])})
        w.write("patrol_report", {
            "id": pat(day.year, 3), "day": day, "patrolled_by": "客户服务助理", "rounds": w.rng.choice((3, 4, 4, 5)),
            "findings": findings, "reviewed_by": "客户服务经理" if day > D(2025, 12, 10) or day.day % 2 else None,
        })
        day += dt.timedelta(days=1)


# --------------------------------------------------------------------------- hotel and property work orders, hotel logs
def hotel_records(w: Writer) -> None:
    wo = seq("WO")
    for _ in range(90):
        unit = "hotel" if w.rng.random() < 0.75 else "property"
        reported = w.day(START, END)
        age = (END - reported).days
        system = w.rng.choice(["electrical", "plumbing", "hvac", "finishes", "network"])
        assigned = {"electrical": "电工", "plumbing": "水暖工", "hvac": "空调工", "finishes": "综合维修工", "network": "网管"}[system]
        stage = "confirmed" if age > 5 else w.rng.choice(["reported", "dispatched", "completed"])
        dispatched = reported if stage != "reported" else None
        completed = reported + dt.timedelta(days=w.rng.choice((0, 0, 1, 2))) if stage in ("completed", "confirmed") else None
        w.write("work_order", {
            "id": wo(reported.year, 5), "status": stage, "unit": unit, "reported": reported,
            "time": f"{w.rng.randint(7, 22):02d}:{w.rng.choice((0, 10, 15, 30, 45)):02d}",
            "from_department": "客户服务部" if unit == "property" else None,
            "reporter_name": w.name(), "reporter_phone": w.phone(),
            "location": (f"{w.rng.randint(3, 18)}{w.rng.randint(1, 30):02d} 房" if unit == "hotel" else f"翠湖商务大厦 {w.rng.randint(2, 25)} 层"),
            "system": system, "description": {"electrical": "照明灯不亮", "plumbing": "卫生间漏水", "hvac": "空调不制冷",
                                               "finishes": "门锁松动", "network": "网络中断"}[system],
            "urgent": w.rng.random() < 0.1, "dispatched": dispatched, "assigned_to": assigned if dispatched else None,
            "completed": completed, "work_done": "已维修并测试正常,清理现场。" if completed else None,
            "confirmed_by": "工程部领班" if stage == "confirmed" else None,
        })
    sh = seq("SH")
    day = D(2026, 10, 27)
    while day <= END:
        for shift in ("day", "night"):
            a, b = w.name(), w.name()
            while b == a:
                b = w.name()
            w.write("shift_handover", {
                "id": sh(day.year), "day": day, "shift": shift, "post": "运行值班员", "handed_by": a, "taken_by": b,
                "facilities_ok": True,
                "outstanding": ["3 号冷却塔风机异响待查"] if day == D(2026, 11, 3) else [],
            })
        day += dt.timedelta(days=1)
    # monthly energy reports, April 2026 missing
    month = D(2025, 12, 1)
    while month <= D(2026, 11, 1):
        if month != D(2026, 4, 1) and month != D(2026, 11, 1):
            last = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            submitted = min(last, month.replace(day=28)) if month.month != 8 else last  # August: 31st, one day late
            w.write("energy_report", {
                "id": f"EN-{submitted.year}-{submitted.month:02d}", "month": f"{month.year}-{month.month:02d}",
                "electricity_kwh": round(w.rng.uniform(180000, 260000), 1), "water_t": round(w.rng.uniform(9000, 14000), 1),
                "gas_m3": round(w.rng.uniform(20000, 45000), 1), "prepared_by": "工程部领班", "submitted": submitted,
                "sent_to": ["工程部", "财务部"],
            })
        month = (month + dt.timedelta(days=32)).replace(day=1)
    # duty rosters: next month's, issued by the 30th
    month = D(2025, 11, 1)
    while month <= D(2026, 11, 1):
        nxt = (month + dt.timedelta(days=32)).replace(day=1)
        issued = month.replace(day=25) if month.month != 2 else month.replace(day=24)
        w.write("duty_roster", {
            "id": f"ROS-{issued.year}-{issued.month:02d}", "month": f"{nxt.year}-{nxt.month:02d}", "prepared_by": "工程部领班",
            "approved_by": "工程部经理", "submitted": issued, "copy_to_personnel": True,
            "shifts": {"电工": 62, "水暖工": 31, "空调工": 31, "运行值班员": 93},
        })
        month = nxt
    for year, submitted in ((2025, D(2025, 11, 27)), (2026, D(2026, 11, 24))):
        w.write("work_plan", {
            "id": f"WP-{year}", "plan_year": year + 1, "submitted": submitted, "submitted_to": "酒店总经理",
            "maintenance_plan": ["冷水机组年度保养", "配电室预防性试验", "客房卫生间防水翻新(分批)", "计算机每 100 天除尘"],
            "budget": 1280000.0 if year == 2025 else 1350000.0,
            "training_plan": ["高压电工复训", "消防器材使用", "标准化操作程序"],
        })
    mnt = seq("MNT")
    for done in (D(2025, 12, 10), D(2026, 3, 18), D(2026, 6, 30), D(2026, 10, 5)):
        w.write("maintenance_record", {
            "id": mnt(done.year), "activity": "dust_cleaning", "done": done, "by": "网管",
            "equipment": ["前台计算机 6 台", "财务部计算机 4 台", "服务器 2 台"], "result": "除尘完成,运行正常。",
        })
    for done, activity, by, what in ((D(2026, 1, 14), "insulation_check", "电工", "配电室高压柜"),
                                     (D(2026, 4, 8), "hvac_service", "空调工", "冷水机组"),
                                     (D(2026, 5, 19), "pipework", "水暖工", "地下室给水管道"),
                                     (D(2026, 9, 2), "furniture", "综合维修工", "宴会厅桌椅")):
        w.write("maintenance_record", {"id": mnt(done.year), "activity": activity, "done": done, "by": by, "equipment": [what]})
    di = seq("DI")
    day = START
    while day <= END:
        abnormal = w.rng.random() < 0.03
        w.write("daily_inspection", {
            "id": di(day.year, 3), "day": day,
            "pumps": {"domestic": "normal", "fire": "abnormal" if abnormal else "normal", "sewage": "normal"},
            "pumps_by": "水暖工", "lighting_ok": w.rng.random() > 0.05, "lighting_by": "电工",
            "water_t": round(w.rng.uniform(300, 460), 1), "remarks": "消防水泵压力偏低,已报领班。" if abnormal else None,
        })
        day += dt.timedelta(days=1)


# --------------------------------------------------------------------------- tax administration
def tax_records(w: Writer) -> None:
    groups = ["某石油集团", "某电力集团", "某银行股份有限公司", "某烟草集团", "某矿业集团", "某通信集团"]
    txr = seq("TXR")
    ways = ["department_opinion", "coordination_meeting", "delegated"]
    stages = ["accepted", "handled", "replied", "summarized"]
    requests = ["跨省总分机构汇总纳税分配比例的适用问题。", "研发费用加计扣除的归集口径。", "关联交易定价资料的准备要求。",
                "重组中资产划转的企业所得税处理。", "境外所得税收抵免的计算方法。", "集团内部资金无偿借贷的增值税处理。"]
    for n in range(18):
        accepted = w.day(START, D(2026, 11, 20))
        age = (END - accepted).days
        stage = stages[min(3, age // 40)] if n % 6 else "accepted"
        way = ways[n % 3]
        record: dict[str, Any] = {
            "id": txr(accepted.year), "status": stage, "enterprise": w.rng.choice(groups) + "成员企业",
            "contact_person": w.name(), "contact_phone": w.phone(), "accepted": accepted, "accepted_by": "省局大企业处",
            "request": w.rng.choice(requests),
        }
        if stage in ("handled", "replied", "summarized"):
            record.update({
                "preliminary_opinion": "经与企业沟通并调查核实,提出初步意见。", "way": way,
                "final_opinion": "按相关规定执行,具体口径见回复。", "handled": accepted + dt.timedelta(days=20),
                "transferred_to": "主管税务机关" if way == "delegated" else None,
            })
        if stage in ("replied", "summarized"):
            record.update({"reply_type": w.rng.choice(["interpretation", "supplementary_rule", "policy_research"]),
                           "replied": accepted + dt.timedelta(days=25), "replied_by": "税企联络员"})
            record["reply_form"] = "formal_document" if record["reply_type"] == "interpretation" else "informal_notice"
        if stage == "summarized":
            record.update({"summary": "同类问题汇总形成政策建议,报相关业务部门。", "archived": True})
        w.write("tax_request", record)
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
        ranked.append({"enterprise": member, "risks": picks, "score": sum(scores[p] for p in picks)})
    ranked.sort(key=lambda r: -r["score"])
    for n, item in enumerate(ranked, 1):
        item["rank"] = n
        item["level"] = "high" if item["score"] >= 120 else ("medium" if item["score"] >= 70 else "low")
        item["response"] = {"high": "tax_audit", "medium": "self_review", "low": "service"}[item["level"]]
    w.write("risk_assessment", {
        "id": "RA-2026-01", "status": "ranked", "started": D(2026, 2, 16), "enterprise_group": "某电力集团",
        "sources": ["风险评估问卷", "内部控制调查", "申报纳税数据", "行业税收风险特征库"],
        "ranking": [{k: item[k] for k in ("rank", "enterprise", "risks", "score", "level", "response")} for item in ranked],
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


# --------------------------------------------------------------------------- forms added for fidelity (issue 10)
def fidelity_forms(w: Writer) -> None:
    """One small, consistent set of each form the manuals name and issue 10 added (rota, log, meeting, reports,
    maintenance plan, work summary, duty and meter logs, recruitment and training plans).

    Written last, so the rest of the year is unchanged; the year's full run of these records is for the
    regenerated data to fill in.
    """
    staff = [("客户服务主任", w.name()), ("客户服务助理", w.name()), ("客户服务助理", w.name()),
             ("前台接待员", w.name()), ("前台接待员", w.name()), ("夜班经理", w.name())]
    pattern = {"客户服务主任": ("day", "day", "day", "day", "day", "rest", "rest"),
               "客户服务助理": ("morning", "morning", "night", "rest", "day", "day", "morning"),
               "前台接待员": ("morning", "day", "morning", "day", "rest", "morning", "day"),
               "夜班经理": ("night", "night", "night", "night", "rest", "night", "night")}
    start = D(2026, 11, 23)
    assignments = []
    for n, (role, person) in enumerate(staff):
        shifts = pattern[role][n % 2:] + pattern[role][:n % 2]
        for offset, shift in enumerate(shifts):
            assignments.append({"day": start + dt.timedelta(days=offset), "shift": shift, "role": role, "staff": person})
    w.write("shift_rota", {"id": "ROT-2026-001", "status": "reported", "start": start, "end": D(2026, 11, 29),
                           "prepared_by": "客户服务经理", "prepared": D(2026, 11, 18),
                           "assignments": sorted(assignments, key=lambda a: (a["day"], a["role"])),
                           "reported": D(2026, 11, 19)})
    w.write("management_log", {
        "id": "LOG-2026-001", "status": "checked", "day": D(2026, 11, 24), "recorded_by": "客户服务助理",
        "entries": [{"time": "09:10", "matter": "B 座 12 层走廊灯两盏不亮,已报工程部。", "follow_up": "工程部当日 15:00 更换。", "settled": True},
                    {"time": "16:40", "matter": "地下车库入口积水,通知清洁主管安排清理。", "follow_up": "17:20 清理完毕。", "settled": True}],
        "checks": [{"by": "客户服务主任", "on": D(2026, 11, 24)}, {"by": "客户服务经理", "on": D(2026, 11, 25)}]})
    w.write("weekly_meeting", {
        "id": "WM-2026-001", "held": D(2026, 11, 23), "chair": "客户服务经理",
        "attendees": ["客户服务主任", "客户服务助理", "前台接待员", "客服文员", "清洁主管", "夜班经理"], "headcount": 9,
        "topics": ["上周投诉和巡楼发现的问题", "本周轮更安排", "年末业户走访"],
        "actions": [{"action": "年末走访重点业户并整理客户资料", "owner": "客户服务主任", "due": D(2026, 12, 11)}]})
    w.write("department_report", {
        "id": "DR-2026-01", "type": "annual", "period": "2025", "prepared_by": "客户服务经理", "submitted": D(2026, 1, 9),
        "submitted_to": "物业总经理", "summary": "客户服务部 2025 年度工作总结:完成大厦接管验收,建立客户档案。",
        "plan": "2026 年按制度开展巡楼、投诉处理和定期拜访。"})
    w.write("department_report", {
        "id": "DR-2026-02", "type": "monthly", "period": "2026-10", "prepared_by": "客户服务经理", "submitted": D(2026, 11, 5),
        "submitted_to": "物业总经理", "summary": "10 月每日巡楼均有记录,受理投诉均已回复。",
        "quality_analysis": "投诉集中在电梯厅清洁,占本月投诉的一半。", "rectification": "清洁主管每日两次检查电梯厅。"})
    w.write("maintenance_plan", {
        "id": "MP-2026-11", "status": "approved", "month": "2026-11", "prepared_by": "工程部领班", "prepared": D(2026, 10, 26),
        "tasks": [{"system": "hvac", "equipment": "新风机组 1-4 号", "task": "清洗过滤网,检查皮带", "week": 1, "assigned_to": "空调工", "hours": 6},
                  {"system": "plumbing", "equipment": "生活水泵", "task": "阀门保养,管道除锈", "week": 2, "assigned_to": "水暖工", "hours": 4},
                  {"system": "electrical", "equipment": "配电室低压柜", "task": "检查绝缘情况,紧固接线", "week": 3, "assigned_to": "电工", "hours": 5}],
        "approved_by": "工程部经理", "approved": D(2026, 10, 28)})
    w.write("work_summary", {
        "id": "WS-2026-01", "type": "monthly", "period": "2026-10", "written_by": "工程部经理", "submitted": D(2026, 11, 4),
        "submitted_to": "酒店总经理", "summary": "10 月完成维修工作单和计划保养,设备运行正常。",
        "energy_report": "EN-2026-10", "problems": ["客房报修个别未及时到场"], "next_steps": ["领班每日核对派工单"]})
    w.write("duty_log", {
        "id": "DL-2026-0001", "day": D(2026, 11, 24), "shift": "day", "post": "运行值班员", "on_duty": w.name(),
        "readings": [{"time": "09:00", "equipment": "1 号变压器", "parameter": "温度", "value": 58.0, "unit": "℃"},
                     {"time": "13:00", "equipment": "1 号变压器", "parameter": "温度", "value": 61.0, "unit": "℃"},
                     {"time": "13:00", "equipment": "冷冻水系统", "parameter": "供水压力", "value": 0.45, "unit": "MPa"}],
        "phone_messages": ["10:20 客房部报 1208 房空调不制冷,已转工程部领班。"]})
    w.write("meter_reading", {
        "id": "MTR-2026-0001", "day": D(2026, 11, 24), "read_by": "水暖工",
        "readings": [{"meter": "总水表", "energy": "water", "reading": 18235.0, "used": 96.0},
                     {"meter": "总电表", "energy": "electricity", "reading": 904512.0, "used": 6120.0}],
        "filed_by": "工程部领班"})
    w.write("recruitment_plan", {
        "id": "RP-2026-001", "status": "approved", "type": "long_term", "period": "2026", "basis": "公司 2026 年业务计划",
        "positions": [{"position": "普工", "headcount": 120, "requirements": "身体健康,遵守纪律"},
                      {"position": "仓储管理员", "headcount": 15, "requirements": "有仓储工作经验"}],
        "rules": "统一考核,合格者签订劳动合同(经公司批准)", "channels": ["合作学校", "人才市场"],
        "prepared_by": "人力资源部经理", "prepared": D(2025, 12, 10), "reviewed_by": "管理者代表", "reviewed": D(2025, 12, 15),
        "approved_by": "董事长", "approved": D(2025, 12, 18)})
    w.write("training_plan", {
        "id": "TP-2026-01", "status": "approved", "unit": "labor-dispatch", "period": "2026",
        "courses": [{"type": "induction", "topic": "岗前培训:技术、纪律、卫生", "audience": "新招派遣人员", "department": "人力资源部", "assessment": "written"},
                    {"type": "on_the_job", "topic": "客户服务意识", "audience": "客服部职员", "department": "客服部", "month": "2026-05",
                     "assessment": "oral", "material": "CS-REF-05"}],
        "prepared_by": "人力资源部经理", "prepared": D(2025, 12, 10), "reviewed_by": "管理者代表", "reviewed": D(2025, 12, 15),
        "approved_by": "董事长", "approved": D(2025, 12, 18)})
# A first few entries of the people register (issue 10); the full register comes with the regenerated year.
# Written without the random generator, so the records above stay as they were.
PEOPLE = [
    {"id": "EMP-0001", "name": "周立新", "department": "总经办", "unit": "labor-dispatch",
     "roles": [{"role": "总经理", "from": D(2021, 3, 1)}, {"role": "管理者代表", "from": D(2023, 1, 1)}],
     "id_number": "110101197503120000", "phone": "13900000001"},
    {"id": "EMP-0002", "name": "陈静", "department": "总经办", "unit": "labor-dispatch",
     "roles": [{"role": "客服专员", "from": D(2022, 7, 1), "to": D(2025, 5, 31)}, {"role": "内审员", "from": D(2025, 6, 1)}],
     "certificates": [{"name": "ISO 9001 内审员培训合格证", "number": "QMS-IA-2025-0117", "issued": D(2025, 5, 20)}],
     "id_number": "110101199002140000", "phone": "13900000002"},
    {"id": "EMP-0003", "name": "王建国", "department": "工程部", "unit": "hotel",
     "roles": [{"role": "电工", "from": D(2019, 4, 15)}],
     "certificates": [{"name": "高压电工操作证", "number": "T110101198204150000", "issued": D(2021, 4, 10),
                       "expires": D(2027, 4, 9)}],
     "id_number": "110101198204150000", "phone": "13900000003"},
]


def people_register(w: Writer) -> None:
    for person in PEOPLE:
        w.write("person", person)


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
    audits_and_ncrs(w)
    made = complaints(w)
    reviews_and_objectives(w, made)
    surveys(w)
    people_and_contracts(w)
    property_records(w)
    hotel_records(w)
    tax_records(w)
    fidelity_forms(w)
    people_register(w)
    total = sum(w.count.values())
    for kind, n in sorted(w.count.items()):
        print(f"{kind:24} {n:5}")
    print(f"{'total':24} {total:5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
