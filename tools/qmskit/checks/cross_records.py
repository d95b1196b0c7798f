"""Rules across records: what the forms declare about each other, checked on every valid record.

Four rules, each driven by declarations on the forms (``qmskit.relations``),
never by the name of a kind:

- ``date-order``: a reference's :class:`~qmskit.relations.DateOrder` pairs
  (an NCR is not raised before the audit it cites was opened);
- ``person-role``: a :func:`~qmskit.forms.PersonRef` names a person who held
  the role it asks for on the day it names;
- ``derived-value``: a :class:`~qmskit.relations.Derived` field equals what
  its rule gives from the records it depends on;
- ``closure-contradiction``: a record closed as effective while a record it
  cites, or that cites it, is still open, or while the same requirement is
  breached again within the form's window (:class:`~qmskit.relations.Closure`);
  an amendment record that amends the closed record acknowledges it (the one
  way to re-open what is closed).

They run after the per-record pass, on a :class:`~qmskit.recordindex.RecordIndex`
of the valid records that keeps only the fields some declaration names
(:func:`plan_for` works out which). ``check_repository`` calls
:func:`check_cross_records`; a pull-request check also calls
:func:`check_changed_records`, which reports closure contradictions that the
change itself creates as errors (in the full check they are history, and
warnings).
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..documents import Organization
from ..forms import Amendment, Ref
from ..issues import Issue, Severity
from ..messages import join, language, text
from ..plans import OBJECTIVES_FILE, Objective, ObjectivesFile
from ..recordindex import Fact, FactMemory, Loc, RecordIndex, beside, dotted, values_at
from ..registry import Kind, Registry, RefPath, ref_at, sum_refs_path
from ..relations import Computed, Recount, SumOf, top
from ..repository import Repository
from ..validation import field_name, load_model
from .cross_values import check_closure, check_derived

__all__ = ["CrossPlan", "FormNeeds", "check_changed_records", "fact_memory", "form_needs", "save_fact_memory", "check_cross_records", "lazy_index", "plan_for"]


@dataclass
class CrossPlan:
    """Which fields of which kinds the rules read, and the declarations per kind."""

    needs: dict[str, frozenset[str] | None]
    objectives: dict[str, Objective]
    organization: Organization | None = None

    @property
    def any_rule(self) -> bool:
        return bool(self.needs)


def _targets(registry: Registry, target: str | type | None) -> list[Kind]:
    return registry.kinds_for(target)


@dataclass(frozen=True)
class FormNeeds:
    """What the forms' own declarations ask the rules to keep: known once per set of forms (see ``FormFacts``)."""

    needs: dict[str, frozenset[str]]  # kind -> top-level fields
    recount: bool  # some form re-counts an objective: the objectives' fields are kept too
    everything: bool  # a rule did not say what it reads: every field of every record is kept


def plan_for(repo: Repository) -> CrossPlan:
    """The fields to keep of each kind, from every declaration of every form (and the objectives)."""
    registry = repo.registry
    objectives: dict[str, Objective] = {}
    path = repo.root / OBJECTIVES_FILE
    if path.exists():
        loaded, _, _ = load_model(path, OBJECTIVES_FILE, ObjectivesFile, "plan-schema")
        if isinstance(loaded, ObjectivesFile):
            objectives = {o.id: o for o in loaded.objectives}
    facts = getattr(registry, "facts", None)  # a LazyRegistry: the forms' part is remembered, no form imported
    forms = facts.extra.get("needs") if facts is not None else None
    if not isinstance(forms, FormNeeds):
        forms = form_needs(registry)
    if forms.everything:
        return CrossPlan(dict.fromkeys(registry.kinds), objectives)
    needs: dict[str, set[str]] = {k: set(v) for k, v in forms.needs.items()}
    if forms.recount:
        for objective in objectives.values():
            r = objective.rule
            needs.setdefault(r.kind, set()).update(top(n) for n in (r.date_field, r.field, r.split_by or "", *r.where) if n)
    return CrossPlan({k: frozenset(v) for k, v in needs.items()}, objectives)


def form_needs(registry: Registry) -> FormNeeds:
    """The fields each kind's records must keep for the rules across records, from every form's declarations."""
    needs: dict[str, set[str]] = {}
    full = False
    recount = False

    def add(kind: str, *names: str) -> None:
        needs.setdefault(kind, set()).update(top(n) for n in names if n)

    for kind in registry.kinds.values():
        for path_, ref in kind.refs:
            if ref.order:
                add(kind.name, path_[0], *(o.own for o in ref.order))
                for target in _targets(registry, ref.kind):
                    add(target.name, *(o.theirs for o in ref.order))
            if ref.holds is not None:
                add(kind.name, path_[0], *ref.holds.fields())
                for target in _targets(registry, ref.kind):
                    add(target.name, "roles")
        spec = kind.spec
        for derived in spec.derived:
            add(kind.name, derived.field)
            rule = derived.rule
            if isinstance(rule, SumOf):
                add(kind.name, rule.refs)
                for target in _sum_targets(kind, derived.field, rule, registry):
                    add(target.name, rule.field)
            elif isinstance(rule, Recount):
                add(kind.name, rule.objective, rule.period, rule.department or "", rule.as_of or "")
                recount = True  # the objectives' fields are added by plan_for (they are the head's, not the forms')
            elif isinstance(rule, Computed):
                needed = rule.needed()
                if needed is None:
                    full = True
                for name, fields in (needed or {}).items():
                    for target in _targets(registry, name):
                        add(target.name, *fields)
        if spec.closure is not None:
            add(kind.name, *spec.closure.fields())
            for amendment in registry.extending(Amendment):  # an amendment acknowledges a contradiction
                add(amendment.name, "amends", "approved")
            for name in spec.closure.cites:
                cited = ref_at(kind, (name,))
                for target in _targets(registry, cited.kind) if cited is not None else []:
                    add(target.name)  # its status is all the rule reads
            for cited_by in spec.closure.cited_by:
                base, _, name = cited_by.partition(".")
                for target in _targets(registry, base):
                    add(target.name, name)
    # full: a rule that did not say what it reads gets every field of every record
    return FormNeeds({k: frozenset(v) for k, v in needs.items()}, recount, full)


def _sum_targets(kind: Kind, field_path: str, rule: SumOf, registry: Registry) -> list[Kind]:
    """The kinds the references summed over may name."""
    ref = ref_at(kind, sum_refs_path(kind.model, field_path, rule.refs))
    return _targets(registry, ref.kind) if ref is not None else []


# -- the pass ----------------------------------------------------------------------------------


@dataclass
class Pass:
    """One run of the rules over some subjects: what they read and what they found."""

    index: RecordIndex
    plan: CrossPlan
    as_of: dt.date
    subjects: set[str]
    closure_severity: Severity = Severity.WARNING
    role_departments: dict[str, str | None] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    seen: set[tuple[Any, ...]] = field(default_factory=set)
    cache: dict[Any, Any] = field(default_factory=dict)  # built once per pass: back-references, recurrences

    def title(self, fact: Fact) -> str:
        """The form's English title, as a noun in a sentence: "nonconformity report"."""
        kind = self.index.registry.get(fact.kind)
        if kind is not None and language() == "zh":
            return kind.spec.title_zh
        return kind.spec.title_en[:1].lower() + kind.spec.title_en[1:] if kind is not None else fact.kind

    def field(self, fact: Fact, loc: Loc | str) -> str:
        """A field of ``fact`` as a message names it: in Chinese, the form's label beside the identifier
        (``关闭日期(closed_on)``), as the per-record messages do (see :func:`qmskit.validation.field_name`)."""
        where = tuple(loc.split(".")) if isinstance(loc, str) else loc
        kind = self.index.registry.get(fact.kind)
        return field_name(where, kind.model if kind is not None else None)

    def issue(self, fact: Fact, loc: Loc, rule: str, message: str, severity: Severity = Severity.ERROR) -> None:
        line, col = self.index.position(fact.id, loc)
        self.issues.append(Issue(fact.path, line, col, rule, message, severity))


def lazy_index(repo: Repository, plan: CrossPlan, files: dict[str, str], *, complete: bool = False) -> RecordIndex:
    """An index over the records named in ``files`` (id → kind), read from disk when first asked for.

    Facts learnt of a record are remembered under its blob id (``FactMemory``):
    a complete index (the full check) leaves them there, a lazy one (a
    pull-request check) takes them from there for every record whose bytes
    are git's, and parses only the others.
    """
    blobs = getattr(repo, "record_blobs", None)
    return RecordIndex(repo.root, repo.registry, files, plan.needs, complete=complete,
                       max_bytes=repo.config.max_file_bytes, max_depth=repo.config.max_depth,
                       source=getattr(repo, "record_source", None), memory=fact_memory(repo, plan),
                       blobs=blobs() if blobs is not None and not complete else None)


def fact_memory(repo: Repository, plan: CrossPlan) -> FactMemory | None:
    """The facts remembered for this repository's forms (the base's, in a pull-request check); one per check.

    Keyed by the engine and the form modules' bytes, so a pull-request check
    against the forms the last full check saw finds what that check learnt.
    """
    if os.environ.get("QMS_CACHE", "1") == "0":
        return None
    memories: dict[str, FactMemory] = repo.__dict__.setdefault("_fact_memories", {})
    key = repr(sorted((k, sorted(v) if v is not None else None) for k, v in plan.needs.items()))
    if key not in memories:
        from ..cache import digest_of, engine_digest, folder_digest

        forms = getattr(repo, "base_forms_dir", None) or repo.root / "schemas"
        rules = digest_of(engine_digest(), folder_digest(forms, "*"), os.path.islink(forms))
        memories[key] = FactMemory(repo.cache_root, rules, plan.needs,
                                   repo.config.max_file_bytes, repo.config.max_depth)
    return memories[key]


def check_cross_records(
    index: RecordIndex, plan: CrossPlan, subjects: Iterable[str], as_of: dt.date,
    organization: Organization | None, *, closure_severity: Severity = Severity.WARNING, closure: bool = True,
) -> list[Issue]:
    """Every rule across records, for each subject (a record id) that passed its form.

    ``closure=False`` leaves closure contradictions out: a pull-request check
    judges them on the changed records alone (:func:`check_changed_records`).
    """
    run = Pass(index, plan, as_of, set(subjects), closure_severity,
               {r.name: r.department for r in organization.roles} if organization else {})
    registry = index.registry
    for rid in sorted(run.subjects):
        fact = index.get(rid)
        kind = registry.get(fact.kind) if fact is not None else None
        if fact is None or kind is None:
            continue
        for path, ref in kind.refs:
            if ref.order:
                _date_order(run, fact, path, ref)
            if ref.holds is not None:
                _person_role(run, fact, path, ref)
        if kind.spec.derived:
            check_derived(run, fact, kind)
        if closure and kind.spec.closure is not None:
            check_closure(run, fact, kind, kind.spec.closure)
    return run.issues


def check_changed_records(repo: Repository, as_of: dt.date, paths: Iterable[str]) -> list[Issue]:
    """Closure contradictions a pull request creates in the records it changes: errors, not warnings."""
    registry = repo.registry
    closing = {p for p in paths if p.endswith(".yaml") and p.count("/") == 2}
    kinds = {p.split("/")[1] for p in closing}
    if not any((k := registry.get(name)) is not None and k.spec.closure is not None for name in kinds):
        return []
    organization = repo.load_organization()[0]
    plan = plan_for(repo)
    index = lazy_index(repo, plan, repo.record_listing().ids())  # a pull-request check's repository lists once
    subjects = [p.rsplit("/", 1)[1][:-5] for p in closing]
    needles, folders = _needles(index, registry, subjects)
    index.prefetch(needles, folders)
    run = Pass(index, plan, as_of, set(subjects), Severity.ERROR,
               {r.name: r.department for r in organization.roles} if organization else {})
    for rid in sorted(run.subjects):
        fact = index.get(rid)
        kind = registry.get(fact.kind) if fact is not None else None
        if fact is not None and kind is not None and kind.spec.closure is not None:
            check_closure(run, fact, kind, kind.spec.closure)
    return run.issues


def save_fact_memory(repo: Repository) -> None:
    """Keep what this check's lazy indexes learnt of records (see :func:`fact_memory`) for the next check."""
    for memory in repo.__dict__.get("_fact_memories", {}).values():
        memory.save()


def _needles(index: RecordIndex, registry: Registry, subjects: list[str]) -> tuple[set[str], set[str]]:
    """What the closure rules will look for in other records' files, and in which folders.

    The subjects' ids (in the folders of the kinds that may cite them) and
    their requirements' first words (in their own kind's folder): one
    ``git grep`` over those folders alone answers every question the pass asks.
    """
    needles = set(subjects)
    folders: set[str] = set()
    for rid in subjects:
        fact = index.get(rid)
        kind = registry.get(fact.kind) if fact is not None else None
        closure = kind.spec.closure if kind is not None else None
        if fact is None or kind is None or closure is None:
            continue
        for cited_by in closure.cited_by:
            folders.update(f"records/{name}" for name in registry.names_for(cited_by.partition(".")[0]))
        if closure.same and (same := fact.get(closure.same)) is not None:
            words = str(same).split()
            needles.add(words[0] if words else str(same))
            folders.add(f"records/{kind.name}")
    return needles, folders


# -- date-order ------------------------------------------------------------------------------------


def _date_order(run: Pass, fact: Fact, path: RefPath, ref: Ref) -> None:
    for loc, value in values_at(fact.data, path):
        if not isinstance(value, str) or not value:
            continue
        target = run.index.get(value)
        if target is None:
            continue  # ref-record reports a reference that does not resolve
        for order in ref.order:
            own_loc, own = beside(fact.data, loc, order.own)
            theirs = target.get(order.theirs)
            if not isinstance(own, dt.date) or not isinstance(theirs, dt.date):
                continue
            before = order.relation == "not_before"
            if (own >= theirs) if before else (own <= theirs):
                continue
            earlier, later = ((target.id, order.theirs), (fact.id, dotted(own_loc))) if before else \
                ((fact.id, dotted(own_loc)), (target.id, order.theirs))
            key = ("date-order", earlier, later)
            if key in run.seen:
                continue
            run.seen.add(key)
            own_name = run.field(fact, own_loc)
            run.issue(fact, own_loc, "date-order",
                      text("cross.date_before" if before else "cross.date_after", id=fact.id, own_name=own_name, own=own,
                           target=target.id, theirs_name=run.field(target, order.theirs), theirs=theirs, path=target.path,
                           title=run.title(target), field=run.field(fact, loc)))


# -- person-role -----------------------------------------------------------------------------------


def _person_role(run: Pass, fact: Fact, path: RefPath, ref: Ref) -> None:
    holds = ref.holds
    assert holds is not None
    for loc, value in values_at(fact.data, path):
        if not isinstance(value, str) or not value:
            continue
        person = run.index.get(value)
        if person is None or "roles" not in person.data:
            continue  # ref-record reports a missing person, or a record that is not a person
        day = beside(fact.data, loc, holds.date_field)[1] if holds.date_field else None
        role = holds.role or (beside(fact.data, loc, holds.role_field)[1] if holds.role_field else None)
        department = holds.department or (
            beside(fact.data, loc, holds.department_field)[1] if holds.department_field else None)
        if holds.date_field and not isinstance(day, dt.date):
            continue  # no day to judge on: the form's own rules ask for the date
        held = [r for r in person.data.get("roles") or [] if isinstance(r, dict) and _held(r, day)]
        fits = [r for r in held if (not role or r.get("role") == role)
                and (not department or run.role_departments.get(str(r.get("role"))) == department)]
        if fits:
            continue
        when = text("cross.on_day", day=day) if day else text("cross.any_time")
        roles_then = join(sorted({str(r.get("role")) for r in held})) or text("cross.none")
        if role or department:
            wanted = text("cross.wanted_both", role=role, department=department) if role and department else (
                text("cross.wanted_role", role=role) if role else text("cross.wanted_department", department=department))
            what = text("cross.not_held", wanted=wanted, when=when, roles=roles_then)
        else:
            what = text("cross.no_role", when=when)
        run.issue(fact, loc, "person-role",
                  text("cross.person_role", id=fact.id, field=run.field(fact, loc), person=person.id, path=person.path, what=what))


def _held(role: dict[str, Any], day: dt.date | None) -> bool:
    start, end = role.get("from_"), role.get("to")
    if day is None:
        return True
    return isinstance(start, dt.date) and start <= day and (not isinstance(end, dt.date) or day <= end)

