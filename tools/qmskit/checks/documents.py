"""Document control (7.5): complete front matter, approvals, periodic review, links."""
from __future__ import annotations

import datetime as dt
import re

from .. import standards, yamlio
from ..documents import Organization, addition_markers
from ..issues import Issue
from ..messages import join, text
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
                                text("doc.id_twice", id=df.doc.id, other=by_id[df.doc.id].path)))
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
                add("status", "document-control", text("doc.effective_needs", key=key))
    if doc.status == "draft":
        dated = [key for key in ("approved", "effective") if getattr(doc, key) is not None]
        if dated:
            add(dated[0], "document-draft-dated",
                text("doc.draft_dated", keys=join(repr(k) for k in dated)))
    marked = addition_markers(df.body)
    if doc.additions and not marked:
        add("additions", "document-additions-marked",
            text("doc.additions_unmarked", n=len(doc.additions)))
    if marked and not doc.additions:
        add("status", "document-additions-marked",
            text("doc.additions_unlisted", n=marked))
    if doc.approved and doc.effective and doc.effective < doc.approved:
        add("effective", "document-control",
            text("doc.effective_before_approved", effective=doc.effective, approved=doc.approved))
    due = doc.review_due()
    if doc.status == "effective" and due is not None and due < as_of:
        add("effective", "document-review-overdue",
            text("doc.review_overdue", due=due, effective=doc.effective, months=doc.review_every))
    for name in doc.forms:
        if name not in registry.kinds:  # a name only: no form is imported to answer
            add("forms", "document-forms", text("doc.form_unknown", name=repr(name), kinds=join(sorted(registry.kinds))))
    for key in ("supersedes", "references"):
        for value in getattr(doc, key):
            if key == "supersedes" and document_id(value) == doc.id:
                add(key, "document-supersedes-itself",
                    text("doc.supersedes_itself", id=doc.id))
            elif document_id(value) not in by_id:
                add(key, "ref-document", text("doc.no_document", key=key, value=repr(value)))
    if roles is not None:
        for key in ("owner", "approver"):
            if getattr(doc, key) not in roles:
                add(key, "ref-role", text("doc.no_role", key=key, value=repr(getattr(doc, key))))
    if doc.status == "effective":
        for value in doc.references:
            target = by_id.get(document_id(value))
            if target and target.doc and target.doc.status == "obsolete":
                add("references", "document-obsolete-reference",
                    text("doc.obsolete_reference", id=target.doc.id))
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
                                text("doc.obsolete_reference", id=match.group(1))))
    return issues


def check_form_procedures(registry: Registry, document_ids: set[str]) -> list[Issue]:
    """Each form names the procedure that governs it, and that procedure exists."""
    issues = []
    for name, module_path, procedure in registry.procedures():  # no form imported for this (see LazyRegistry)
        if document_id(procedure) not in document_ids:
            issues.append(Issue(module_path, 1, 1, "schema-procedure",
                                text("doc.form_procedure", kind=name, procedure=repr(procedure))))
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
                add((key, n), text("org.twice", name=repr(name), key=key))
            seen.add(name)
    for n, dept in enumerate(org.departments):
        if dept.unit is not None and dept.unit not in units:
            add(("departments", n, "unit"), text("org.no_unit", department=dept.name, unit=repr(dept.unit)))
    for n, role in enumerate(org.roles):
        if role.department is not None and role.department not in departments:
            add(("roles", n, "department"), text("org.no_department", role=role.name, department=repr(role.department)))
        if role.reports_to is not None and role.reports_to not in roles:
            add(("roles", n, "reports_to"), text("org.reports_to", role=role.name, reports_to=repr(role.reports_to)))
        if role.document is not None and document_id(role.document) not in document_ids:
            add(("roles", n, "document"), text("org.no_document", role=role.name, document=repr(role.document)))
    return issues


# -- standards and document classes as data (qms.yml standards, document_classes; standards/*.yml) ------------

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
            issues.append(Issue(df.path, df.line_of("type"), 1, "document-schema", text("std.doc_class",
                code=doc.type, known=" ".join(classes))))
        for field, tags in doc.clauses.items():
            catalogue = catalogues.all.get(field)
            name = catalogue.name if catalogue else field
            if field not in named:
                issues.append(Issue(df.path, df.line_of(field), 1, "document-standard", text("std.doc_unnamed",
                    field=field, name=name, named=", ".join(config.standards))))
                continue
            if catalogue is None:
                continue  # the name in qms.yml is reported there
            for tag in tags:
                if catalogue.clause_of(tag) is None:
                    example = next(iter(catalogue.clauses), "4.1")
                    issues.append(Issue(df.path, df.line_of(field), 1, "document-clause", text("std.doc_clause",
                        field=field, value=tag, name=catalogue.label, span=catalogue.span, example=example)))
    return issues


def _check_named(repo: Repository, catalogues: standards.Catalogues) -> list[Issue]:
    """Each standard qms.yml names has a catalogue, once."""
    named = repo.config.standards
    if not named:
        return [Issue(CONFIG_FILE, _config_line(repo, "standards"), 1, "config", text("std.no_standards"))]
    issues = []
    seen: set[str] = set()
    for ident in named:
        if ident in seen:
            issues.append(Issue(CONFIG_FILE, _config_line(repo, "standards"), 1, "config",
                                text("std.twice", id=ident)))
        seen.add(ident)
        if ident not in catalogues.all:
            issues.append(Issue(CONFIG_FILE, _config_line(repo, "standards"), 1, "config",
                                text("std.unknown_standard",
                                    id=ident, builtin=join(standards.BUILTIN_IDS))))
    return issues


def _config_line(repo: Repository, key: str) -> int:
    try:
        loaded = yamlio.load_file(repo.root / CONFIG_FILE, root=repo.root)
    except yamlio.YamlError:
        return 1
    return loaded.position((key,))[0]
