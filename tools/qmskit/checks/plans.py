"""Objectives and schedules hold to the forms: kinds, fields, documents, roles exist."""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .. import yamlio
from ..issues import Issue
from ..messages import text
from ..plans import OBJECTIVES_FILE, SCHEDULE_FILE, Activity, Objective, ObjectivesFile, ScheduleFile
from ..registry import Registry
from ..validation import M, load_model
from .references import Index, document_id


def _load(root: Path, rel: str, model: type[M]) -> tuple[M | None, yamlio.Loaded | None, list[Issue]]:
    path = root / rel
    if not os.path.lexists(path):
        return None, None, []
    return load_model(path, rel, model, "plan-schema", root=root)


def check_plans(root: Path, registry: Registry, index: Index) -> list[Issue]:
    issues: list[Issue] = []
    objectives, loaded, found = _load(root, OBJECTIVES_FILE, ObjectivesFile)
    issues.extend(found)
    if isinstance(objectives, ObjectivesFile) and loaded:
        ids = {o.id for o in objectives.objectives}
        for n, objective in enumerate(objectives.objectives):
            where = loaded.position(("objectives", n))
            for message in _objective_problems(objective, ids, registry, index):
                issues.append(Issue(OBJECTIVES_FILE, where[0], where[1], "plan-reference", text("plan.item", id=objective.id, message=message)))
        for n, standard in enumerate(objectives.standards):
            if document_id(standard.source) not in index.documents:
                where = loaded.position(("standards", n))
                issues.append(Issue(OBJECTIVES_FILE, where[0], where[1], "plan-reference",
                                    text("plan.item", id=standard.id, message=text("plan.no_source", source=repr(standard.source)))))
        issues.extend(_duplicates(OBJECTIVES_FILE, loaded, "objectives", [o.id for o in objectives.objectives]))
        issues.extend(_duplicates(OBJECTIVES_FILE, loaded, "standards", [s.id for s in objectives.standards]))
    schedule, loaded, found = _load(root, SCHEDULE_FILE, ScheduleFile)
    issues.extend(found)
    if isinstance(schedule, ScheduleFile) and loaded:
        for n, activity in enumerate(schedule.activities):
            where = loaded.position(("activities", n))
            for message in _activity_problems(activity, registry, index):
                issues.append(Issue(SCHEDULE_FILE, where[0], where[1], "plan-reference", text("plan.item", id=activity.id, message=message)))
        issues.extend(_duplicates(SCHEDULE_FILE, loaded, "activities", [a.id for a in schedule.activities]))
    return issues


def _duplicates(rel: str, loaded: yamlio.Loaded, key: str, ids: list[str]) -> Iterator[Issue]:
    """An id used twice: reports and the site would show one and silently drop the other."""
    seen: dict[str, int] = {}
    for n, item in enumerate(ids):
        line, col = loaded.position((key, n))
        if item in seen:
            yield Issue(rel, line, col, "plan-duplicate",
                        text("plan.twice", item=item, line=seen[item]))
        else:
            seen[item] = line


def _fields(registry: Registry, kind: str, names: Iterable[str]) -> Iterator[str]:
    fields = registry.fields_of(kind)  # names only: no form is imported to answer (see LazyRegistry)
    if fields is None:
        yield text("plan.no_kind", kind=repr(kind))
        return
    for name in names:
        if name not in fields:
            yield text("plan.no_field", kind=kind, name=repr(name))


def _objective_problems(objective: Objective, ids: set[str], registry: Registry, index: Index) -> Iterator[str]:
    rule = objective.rule
    names = [rule.field, rule.date_field, *rule.where, *([rule.split_by] if rule.split_by else [])]
    yield from _fields(registry, rule.kind, names)
    if document_id(objective.source) not in index.documents:
        yield text("plan.no_source", source=repr(objective.source))
    if objective.department and objective.department not in index.departments:
        yield text("plan.no_department", department=repr(objective.department))
    if objective.parent and objective.parent not in ids:
        yield text("plan.no_parent", parent=repr(objective.parent))


def _activity_problems(activity: Activity, registry: Registry, index: Index) -> Iterator[str]:
    names = [activity.date_field, *activity.where]
    if activity.after:
        names += [activity.after.field, activity.after.done_field]
    yield from _fields(registry, activity.kind, names)
    if document_id(activity.source) not in index.documents:
        yield text("plan.no_source", source=repr(activity.source))
    if activity.owner not in index.roles:
        yield text("plan.no_owner", owner=repr(activity.owner))
