"""Report labels in Chinese or English: one call, both words side by side in the code.

``tr("目标", "Objective")`` returns the word for the report's language, so a
label is written once, where it is used, in both languages. Values that
records hold (statuses, grades, sources) are named here once for all reports.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Translator:
    lang: str = "zh"

    def __call__(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def value(self, value: object) -> str:
        """A record's enumerated value in the report's language (unknown values as they are)."""
        if value is None:
            return "—"
        if isinstance(value, bool):
            return self("是", "yes") if value else self("否", "no")
        pair = VALUES.get(str(value))
        return str(value) if pair is None else self(*pair)

    def doc_status(self, status: str) -> str:
        """A document's status in the glossary's words: 生效, not the verification result 有效."""
        pair = DOC_STATUS.get(status)
        return self(*pair) if pair else status

    def pct(self, value: float | None) -> str:
        return "—" if value is None else f"{value * 100:.1f} %"


DOC_STATUS = {"draft": ("草稿", "draft"), "effective": ("生效", "effective"), "obsolete": ("作废", "obsolete")}

VALUES: dict[str, tuple[str, str]] = {
    # nonconformity / corrective action workflow (glossary)
    "open": ("待处理", "open"), "analysis": ("分析中", "analysis"), "action": ("整改中", "action"),
    "verification": ("待验证", "verification"), "closed": ("已关闭", "closed"),
    "in_progress": ("进行中", "in progress"), "done": ("已完成", "done"), "verified": ("已验证", "verified"),
    "received": ("已受理", "received"), "replied": ("已回复", "replied"),
    "effective": ("有效", "effective"), "not_effective": ("无效", "not effective"),
    "draft": ("草稿", "draft"), "obsolete": ("作废", "obsolete"), "approved": ("已批准", "approved"),
    "planned": ("已计划", "planned"), "held": ("已召开", "held"), "reported": ("已报告", "reported"),
    "confirmed": ("已确认", "confirmed"), "dispatched": ("已派工", "dispatched"), "completed": ("已完成", "completed"),
    "signed": ("已签订", "signed"), "rejected": ("已拒绝", "rejected"), "reviewed": ("已评审", "reviewed"),
    "identified": ("已识别", "identified"), "treated": ("已应对", "treated"), "retired": ("已关闭", "retired"),
    "accepted": ("已受理", "accepted"), "handled": ("已处理", "handled"), "summarized": ("已总结", "summarized"),
    "negotiating": ("协商中", "negotiating"), "terminated": ("已终止", "terminated"), "collecting": ("收集中", "collecting"),
    "ranked": ("已排序", "ranked"),
    # nonconformity categories (LD-QM-01 8.3)
    "recruitment": ("招募过程", "recruitment"), "service_delivery": ("服务实施过程", "service delivery"),
    "management_system": ("体系运行", "management system"), "customer_related": ("与顾客有关", "customer related"),
    "general": ("一般", "general"),
    # grades and sources
    "major": ("严重", "major"), "minor": ("一般", "minor"), "observation": ("观察项", "observation"),
    "internal_audit": ("内部审核", "internal audit"), "external_audit": ("外部审核", "external audit"),
    "customer_complaint": ("顾客投诉", "customer complaint"), "process_monitoring": ("过程监视", "process monitoring"),
    "inspection": ("检查", "inspection"), "management_review": ("管理评审", "management review"),
    "supplier": ("外部供方", "external provider"), "other": ("其他", "other"),
    "corrective": ("纠正措施", "corrective"), "preventive": ("预防措施", "preventive"),
    "improvement": ("改善", "improvement"), "qms_change": ("体系变更", "QMS change"), "resources": ("资源需求", "resources"),
    # customers and feedback
    "individual": ("个体顾客", "individual customer"), "enterprise": ("企业顾客", "enterprise customer"),
    "satisfied": ("满意", "satisfied"), "neutral": ("一般", "neutral"), "dissatisfied": ("不满意", "dissatisfied"),
    # SERVQUAL dimensions (CS-REF-01)
    "tangibles": ("可感知性", "tangibles"), "reliability": ("可靠性", "reliability"),
    "responsiveness": ("反应性", "responsiveness"), "assurance": ("保证性", "assurance"), "empathy": ("移情性", "empathy"),
    # units
    "labor-dispatch": ("劳务派遣", "labor dispatch"), "property": ("物业客户服务", "property"),
    "hotel": ("酒店工程", "hotel engineering"), "tax": ("大企业税收服务", "tax service"),
    # objective verdicts
    "met": ("达成", "met"), "missed": ("未达成", "missed"), "no_data": ("无数据", "no data"),
    "in_progress_period": ("期间未结束", "period in progress"),
}


def field_labels(model: type[Any], names: list[str], lang: str) -> dict[str, str]:
    """The labels of a form's fields ``names`` (see :func:`description_label`), each told apart from the others.

    Two fields may share a label (``负责人 / owner (role)`` and ``负责人 /
    owner (person, …)``): a column or a row must still say which is which,
    so those name their identifier beside it (``负责人(owner_person)``), as
    the check's messages do. A description in one language only is the
    label whole; a field with none is named by its identifier.
    """
    fields = getattr(model, "model_fields", {})
    described = {name: fields[name].description if name in fields else None for name in names}
    labels = {name: description_label(text, lang) or text or name for name, text in described.items()}
    seen = Counter(labels.values())
    return {name: (label if seen[label] == 1 or label == name else
                   (f"{label}({name})" if lang == "zh" else f"{label} ({name})"))
            for name, label in labels.items()}


def description_label(description: str | None, lang: str) -> str | None:
    """A form field's label, as its form shows it, from its description (``提出日期 / raised on``); None when it has none.

    The Chinese part before `` / `` without a step number (``(1) 代码准备``)
    or the explanation after it (``违反的要求(文件编号和章节)``); in English
    the part after it without the explanation in brackets.
    """
    zh, sep, en = (description or "").partition(" / ")
    if not sep:
        zh, sep, en = (description or "").partition("/ ")  # 读数(表底)/ reading
    if not sep:
        return None
    zh = re.sub(r"^\s*[((]\d+[))]\s*", "", zh)
    zh = re.split(r"[((::]", zh)[0].strip()
    en = re.split(r" \(|:", en)[0].strip()
    return (zh if lang == "zh" else en[:1].upper() + en[1:]) or None

