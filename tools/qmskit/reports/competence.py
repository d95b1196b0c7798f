"""Competence follows persons (ISO 9001 7.2): certificates that expire, training that goes stale.

Two kinds of item for the due list, both about people who hold a role on the
as-of day (the people register: records of a form built on
:class:`~qmskit.forms.Person`):

- a certificate with an expiry date: overdue the day after it expires, due
  soon within :data:`CERTIFICATE_SOON_DAYS` days;
- training on a document whose front matter says ``training: required``: a
  person whose latest training record on it, held before the current
  revision took effect, names another revision is due again, by
  ``training_within_days`` (default 30) after the current revision took effect.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, cast

from ..forms import Person, TrainingRecord
from ..report import Report, Table
from .context import Context

CERTIFICATE_SOON_DAYS = 30
TRAINING_DAYS = 30


@dataclass(frozen=True)
class CompetenceItem:
    """One person's certificate or training that is due."""

    person: str  # person record id
    name: str
    what: Literal["certificate", "training"]
    subject: str  # "高压电工操作证 HV-0001" or "LD-QP-04 A/1"
    due: dt.date
    trained: tuple[str, str, dt.date] | None = None  # training: (revision trained on, record, held)

    def overdue(self, as_of: dt.date) -> bool:
        return as_of > self.due


def _document_id(value: Any) -> str:
    return str(value).split("§", 1)[0].split()[0] if value else ""


def compute(ctx: Context) -> list[CompetenceItem]:
    """Certificates expiring or expired and training gone stale, for the people working on the as-of day."""
    as_of = ctx.as_of
    people = {r.id: r for r in ctx.of_base(Person)}  # every model here extends Person
    working = {pid: rec for pid, rec in people.items() if cast(Person, rec.model).roles_on(as_of)}
    items: list[CompetenceItem] = []
    for pid, rec in sorted(working.items()):
        for cert in cast(Person, rec.model).certificates:
            if cert.expires is not None and (cert.expires - as_of).days <= CERTIFICATE_SOON_DAYS:
                items.append(CompetenceItem(pid, _name(rec), "certificate", f"{cert.name} {cert.number}", cert.expires))
    required = {d.id: d for d in ctx.documents.values() if d.training == "required" and d.status == "effective"}
    latest: dict[tuple[str, str], tuple[dt.date, str, str]] = {}  # (person, document) -> (held, revision, record)
    for rec in ctx.of_base(TrainingRecord):
        doc_id, revision, held = _document_id(rec.get("document")), rec.get("revision"), rec.get("held")
        if doc_id not in required or not revision or not isinstance(held, dt.date) or held > as_of:
            continue
        for pid in rec.get("trainees") or []:
            before = latest.get((pid, doc_id))
            if before is None or (held, rec.id) > (before[0], before[2]):
                latest[(pid, doc_id)] = (held, str(revision), rec.id)
    for (pid, doc_id), (held, revision, rid) in sorted(latest.items()):
        doc = required[doc_id]
        if pid not in working or revision == doc.revision or (doc.effective is not None and held >= doc.effective):
            continue  # trained on the current revision, or on another after it took effect (a draft of the next)
        start = doc.effective or held
        due = start + dt.timedelta(days=doc.training_within_days or TRAINING_DAYS)
        items.append(CompetenceItem(pid, _name(working[pid]), "training", f"{doc_id} {doc.revision}", due,
                                    (revision, rid, held)))
    return sorted(items, key=lambda i: (i.due, i.person, i.subject))


def _name(rec: Any) -> str:
    """The name as outputs may show it (masked if the form keeps it confidential)."""
    return str(rec.shown.get("name") or "")


def section(ctx: Context, items: list[CompetenceItem], report: Report) -> None:
    tr = ctx.tr
    what = {"certificate": tr("证书到期", "certificate expires"), "training": tr("文件换版需再培训", "training on a new revision")}
    rows = []
    for i in items:
        if i.trained is None:
            detail = tr(f"有效期至 {i.due}", f"valid until {i.due}")
        else:
            revision, rid, held = i.trained
            detail = tr(f"曾于 {held} 培训 {revision} 版({rid})", f"trained on {revision} on {held} ({rid})")
        state = tr("逾期", "OVERDUE") if i.overdue(ctx.as_of) else tr("即将到期", "due soon")
        rows.append([i.person, i.name, what[i.what], i.subject, detail, str(i.due), state])
    report.section(tr("人员能力:证书与培训", "Competence: certificates and training")).add(Table(
        [tr("人员", "Person"), tr("姓名", "Name"), tr("事项", "What"), tr("证书/文件", "Certificate / document"),
         tr("说明", "Detail"), tr("期限", "Due"), tr("状态", "Status")], rows,
        caption=tr(f"在岗人员的证书({CERTIFICATE_SOON_DAYS} 天内到期或已过期)和要求培训的文件换版后的再培训",
                   f"Certificates of people in a role (expiring within {CERTIFICATE_SOON_DAYS} days or expired), "
                   "and training due again after a document that requires it moved to a new revision")))


def data(items: list[CompetenceItem], as_of: dt.date) -> list[dict[str, Any]]:
    return [{"person": i.person, "what": i.what, "subject": i.subject, "due": i.due, "overdue": i.overdue(as_of),
             "trained_revision": i.trained[0] if i.trained else None,
             "training_record": i.trained[1] if i.trained else None} for i in items]
