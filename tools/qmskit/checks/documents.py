"""Document control (7.5): complete front matter, approvals, periodic review, links."""
from __future__ import annotations

import datetime as dt
import re

from .. import standards, yamlio
from ..documents import Organization, addition_markers
from ..issues import Issue
from ..registry import Registry
from ..repository import CONFIG_FILE, ORGANIZATION_FILE, DocumentFile, Repository
from .references import document_id


def check_documents(
    docs: list[DocumentFile], registry: Registry, org: Organization | None, as_of: dt.date
) -> list[Issue]:
    issues: list[Issue] = []
    by_id: dict[str, DocumentFile] = {}
    for df in docs:
        if df.doc is None:
            continue
        if df.doc.id in by_id:
            issues.append(Issue(df.path, df.line_of("id"), 1, "document-id-unique",
                                f"document number {df.doc.id} is also used by {by_id[df.doc.id].path}; a number names "
                                "one document: give this one its own number"))
            continue
        by_id[df.doc.id] = df
    roles = {r.name for r in org.roles} if org else None
    for df in by_id.values():
        issues.extend(_check_one(df, by_id, registry, roles, as_of))
    issues.extend(_check_obsolete_mentions(by_id))
    return issues


def _check_one(
    df: DocumentFile, by_id: dict[str, DocumentFile], registry: Registry, roles: set[str] | None, as_of: dt.date
) -> list[Issue]:
    doc = df.doc
    assert doc is not None
    issues = []

    def add(key: str, rule: str, message: str) -> None:
        issues.append(Issue(df.path, df.line_of(key), 1, rule, message))

    if doc.status == "effective":
        for key in ("approved", "effective", "review_every"):
            if getattr(doc, key) is None:
                add("status", "document-control", f"an effective document needs '{key}'; add it or set status: draft")
    if doc.status == "draft":
        dated = [key for key in ("approved", "effective") if getattr(doc, key) is not None]
        if dated:
            add(dated[0], "document-draft-dated",
                f"a draft carries no approval or effective date, but this one has {' and '.join(repr(k) for k in dated)}; "
                "remove them until the document is approved (then set status: effective with both dates)")
    marked = addition_markers(df.body)
    if doc.additions and not marked:
        add("additions", "document-additions-marked",
            f"the front matter lists {len(doc.additions)} addition(s) to the source, but the text marks none; "
            'put each added passage in an admonition titled 本组织补充 (!!! note "本组织补充 / organization\'s addition")')
    if marked and not doc.additions:
        add("status", "document-additions-marked",
            f"the text marks {marked} passage(s) as 本组织补充, but the front matter lists no 'additions'; "
            "list what is added under 'additions:'")
    if doc.approved and doc.effective and doc.effective < doc.approved:
        add("effective", "document-control",
            f"effective {doc.effective} is before approved {doc.approved}: a document takes effect only once "
            "approved; correct one of the dates")
    due = doc.review_due()
    if doc.status == "effective" and due is not None and due < as_of:
        add("effective", "document-review-overdue",
            f"periodic review was due {due} (effective {doc.effective} + {doc.review_every} months); "
            "review it, then record the new revision and effective date")
    for name in doc.forms:
        if registry.get(name) is None:
            add("forms", "document-forms", f"form {name!r} is not a record kind in schemas/ ({', '.join(sorted(registry.kinds))})")
    for key in ("supersedes", "references"):
        for value in getattr(doc, key):
            if key == "supersedes" and document_id(value) == doc.id:
                add(key, "document-supersedes-itself",
                    f"{doc.id} supersedes itself; a new revision keeps its number and needs no 'supersedes' "
                    "(list only the other documents it replaces)")
            elif document_id(value) not in by_id:
                add(key, "ref-document", f"{key}: no document {value!r} in manual/")
    if roles is not None:
        for key in ("owner", "approver"):
            if getattr(doc, key) not in roles:
                add(key, "ref-role", f"{key}: no role {getattr(doc, key)!r} in manual/organization.yml")
    if doc.status == "effective":
        for value in doc.references:
            target = by_id.get(document_id(value))
            if target and target.doc and target.doc.status == "obsolete":
                add("references", "document-obsolete-reference",
                    f"this effective document refers to {target.doc.id}, which is obsolete; refer to what replaced it")
    return issues


def _check_obsolete_mentions(by_id: dict[str, DocumentFile]) -> list[Issue]:
    """An effective document's text names an obsolete document number."""
    obsolete = [i for i, df in by_id.items() if df.doc and df.doc.status == "obsolete"]
    if not obsolete:
        return []
    pattern = re.compile(r"(?<![A-Z0-9-])(" + "|".join(map(re.escape, sorted(obsolete, key=len, reverse=True))) + r")(?![A-Za-z0-9-])")
    issues = []
    for df in by_id.values():
        if not df.doc or df.doc.status != "effective":
            continue
        superseded = {document_id(v) for v in df.doc.supersedes}
        for match in pattern.finditer(df.body):
            if match.group(1) in superseded:
                continue
            line = df.body_line + df.body.count("\n", 0, match.start())
            col = match.start() - (df.body.rfind("\n", 0, match.start()) + 1) + 1
            issues.append(Issue(df.path, line, col, "document-obsolete-reference",
                                f"this effective document refers to {match.group(1)}, which is obsolete; refer to what replaced it"))
    return issues


def check_form_procedures(registry: Registry, document_ids: set[str]) -> list[Issue]:
    """Each form names the procedure that governs it, and that procedure exists."""
    issues = []
    for kind in registry.kinds.values():
        if document_id(kind.spec.procedure) not in document_ids:
            issues.append(Issue(kind.module_path, 1, 1, "schema-procedure",
                                f"form {kind.name} names procedure {kind.spec.procedure!r}, which is not in manual/"))
    return issues


def check_organization(org: Organization, loaded: yamlio.Loaded, document_ids: set[str]) -> list[Issue]:
    """Names are defined once, and what an entry points at exists."""
    issues = []
    units = {u.id for u in org.units}
    departments = {d.name for d in org.departments}
    roles = {r.name for r in org.roles}

    def add(loc: tuple[str | int, ...], message: str) -> None:
        line, col = loaded.position(loc)
        issues.append(Issue(ORGANIZATION_FILE, line, col, "organization", message))

    for key, names in (("units", [u.id for u in org.units]), ("departments", [d.name for d in org.departments]),
                       ("roles", [r.name for r in org.roles])):
        seen: set[str] = set()
        for n, name in enumerate(names):
            if name in seen:
                add((key, n), f"{name!r} is defined twice in {key}")
            seen.add(name)
    for n, dept in enumerate(org.departments):
        if dept.unit is not None and dept.unit not in units:
            add(("departments", n, "unit"), f"department {dept.name}: no unit {dept.unit!r}")
    for n, role in enumerate(org.roles):
        if role.department is not None and role.department not in departments:
            add(("roles", n, "department"), f"role {role.name}: no department {role.department!r}")
        if role.reports_to is not None and role.reports_to not in roles:
            add(("roles", n, "reports_to"), f"role {role.name}: reports to {role.reports_to!r}, which is not a role")
        if role.document is not None and document_id(role.document) not in document_ids:
            add(("roles", n, "document"), f"role {role.name}: no document {role.document!r} in manual/")
    return issues


# -- standards and document classes as data (qms.yml standards, document_classes; standards/*.yml) ------------

_STD_MESSAGES = {
    "class": ("class {code!r} is not one of this organization's document classes ({known}); use one of them, or "
              "declare it in qms.yml: document_classes: {{{code}: {{zh: …, en: …}}}}"),
    "unnamed": ("{field}: this organization does not work to {name} (qms.yml standards: [{named}]); add {field} to "
                "standards in qms.yml, or remove the field"),
    "clause": ("{field}: {value!r} is not a clause of {name} ({span}); use one of its clause numbers "
               "(a sub-clause such as {example}.1 counts for {example})"),
}
"""This part's messages, in one place (short; a message catalogue can take them over as they are)."""


def check_standards(repo: Repository, docs: list[DocumentFile]) -> list[Issue]:
    """The organization's catalogues, the standards qms.yml names, and each document's class and clause tags."""
    catalogues = standards.for_repository(repo)
    issues = list(catalogues.issues)
    config = repo.config
    issues.extend(_check_named(repo, catalogues))
    named = set(config.standards)
    classes = config.document_classes
    for df in docs:
        doc = df.doc
        if doc is None:
            continue
        if doc.type not in classes:
            issues.append(Issue(df.path, df.line_of("type"), 1, "document-schema", _STD_MESSAGES["class"].format(
                code=doc.type, known=" ".join(classes))))
        for field, tags in doc.clauses.items():
            catalogue = catalogues.all.get(field)
            name = catalogue.name if catalogue else field
            if field not in named:
                issues.append(Issue(df.path, df.line_of(field), 1, "document-standard", _STD_MESSAGES["unnamed"].format(
                    field=field, name=name, named=", ".join(config.standards))))
                continue
            if catalogue is None:
                continue  # the name in qms.yml is reported there
            for tag in tags:
                if catalogue.clause_of(tag) is None:
                    example = next(iter(catalogue.clauses), "4.1")
                    issues.append(Issue(df.path, df.line_of(field), 1, "document-clause", _STD_MESSAGES["clause"].format(
                        field=field, value=tag, name=catalogue.label, span=catalogue.span, example=example)))
    return issues


def _check_named(repo: Repository, catalogues: standards.Catalogues) -> list[Issue]:
    """Each standard qms.yml names has a catalogue, once."""
    named = repo.config.standards
    if not named:
        return [Issue(CONFIG_FILE, _config_line(repo, "standards"), 1, "config", standards.MESSAGES["no-standards"])]
    issues = []
    seen: set[str] = set()
    for ident in named:
        if ident in seen:
            issues.append(Issue(CONFIG_FILE, _config_line(repo, "standards"), 1, "config",
                                standards.MESSAGES["twice"].format(id=ident)))
        seen.add(ident)
        if ident not in catalogues.all:
            issues.append(Issue(CONFIG_FILE, _config_line(repo, "standards"), 1, "config",
                                standards.MESSAGES["unknown-standard"].format(
                                    id=ident, builtin=", ".join(standards.BUILTIN_IDS))))
    return issues


def _config_line(repo: Repository, key: str) -> int:
    try:
        loaded = yamlio.load_file(repo.root / CONFIG_FILE, root=repo.root)
    except yamlio.YamlError:
        return 1
    return loaded.position((key,))[0]
