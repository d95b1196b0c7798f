"""``rules-changed``: a change to the rules themselves, told in terms a reviewer can judge.

The base's rules judge a pull request, so a change to the forms, to
``qms.yml``, to the objectives or schedule, to the engine or to the CI
workflow cannot pass itself; but it takes effect once merged, so it is
reported as its own finding for a code owner (``.github/CODEOWNERS``) to
review: workflow edges added or removed, statuses, required and confidential
fields dropped, id patterns, final statuses, limits, objectives and schedule
entries, engine files. The finding is a warning: it does not fail the check
(a code owner could not approve a change whose check fails), branch
protection's "require review from Code Owners" is what makes it bite.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .. import yamlio
from ..formdata import FormData, WorkflowData, describe
from ..issues import Issue, Severity
from ..messages import join, text
from ..plans import OBJECTIVES_FILE, SCHEDULE_FILE
from ..repository import CONFIG_FILE, Config
from .changes import ChangeSet, Sides

RULE = "rules-changed"
ENGINE = ("tools/", "pyproject.toml")
CI = (".github/",)
SHOWN = 15  # paths listed before "and N more"


def rules_changed(cs: ChangeSet, sides: Sides, head_config: Config | None) -> list[Issue]:
    """One warning per changed settings or plan file, and per group of engine and CI files."""
    paths = cs.paths()
    issues = []
    if CONFIG_FILE in paths:
        issues.append(_warn(CONFIG_FILE, text("rc.settings", what=_settings(sides.rules.config, head_config))))
    for plan in (OBJECTIVES_FILE, SCHEDULE_FILE):
        if plan in paths:
            issues.append(_warn(plan, text("rc.entries", what=_plan(cs, sides, plan))))
    groups = ((ENGINE, "rc.engine"), (CI, "rc.ci"))
    for prefixes, what in groups:
        changed = sorted(p for p in paths if p.startswith(prefixes) or p in prefixes)
        if changed:
            issues.append(_warn(changed[0], text(what, files=_listed(changed))))
    return issues


def _warn(path: str, message: str) -> Issue:
    return Issue(path, 1, 1, RULE, text("rc.review", message=message), Severity.WARNING)


def _listed(items: list[str]) -> str:
    more = text("rc.more", n=len(items) - SHOWN) if len(items) > SHOWN else ""
    return join(items[:SHOWN]) + more


# -- forms ----------------------------------------------------------------------------------------

def forms_changed_findings(cs: ChangeSet, sides: Sides, head_forms: list[FormData] | None) -> list[Issue]:
    """One warning per changed form module, from the base's forms and the sandbox's description of the change's."""
    paths = cs.paths()
    modules = sorted(p for p in paths if p.startswith("schemas/") and p.endswith(".py") and p.count("/") == 1)
    if not modules:
        return []
    if head_forms is None:
        return [_warn(m, "form module changed; its forms could not be read (see schema-untrusted), so what it "
                         "changes is unknown: review the code itself") for m in modules]
    base = {k.name: describe(k) for k in sides.registry.kinds.values()}
    head = {f.kind: f for f in head_forms}
    by_module: dict[str, list[str]] = {}
    for kind in sorted(set(base) | set(head)):
        lines = form_differences(base.get(kind), head.get(kind))
        if lines:
            module = (head.get(kind) or base[kind]).module
            by_module.setdefault(module, []).append(f"{kind}: " + "; ".join(lines))
    issues = [_warn(module, "form changed — " + " | ".join(lines)) for module, lines in sorted(by_module.items())]
    for module in modules:
        if module not in by_module:
            issues.append(_warn(module, "form module changed, with no change to statuses, workflow edges, required "
                                        "or confidential fields, id patterns or codes; validators or field types "
                                        "may differ: review the code"))
    return issues


def form_differences(old: FormData | None, new: FormData | None) -> list[str]:
    """What changed between two descriptions of one form, one phrase each."""
    if old is None and new is not None:
        statuses = " → ".join(new.workflow.statuses) if new.workflow else text("rc.no_workflow")
        return [text("rc.new_form", code=new.code, title=new.title_en, statuses=statuses)]
    if new is None or old is None:
        return [text("rc.form_removed")]
    lines = [f"{text(label)} {getattr(old, attr)!r} → {getattr(new, attr)!r}"
             for attr, label in (("code", "rc.form_code"), ("id_pattern", "rc.id_pattern"),
                                 ("procedure", "rc.procedure"), ("retention_years", "rc.retention"))
             if getattr(old, attr) != getattr(new, attr)]
    lines.extend(_workflow(old.workflow, new.workflow))
    lines.extend(_set_change("rc.not_confidential", old.confidential, new.confidential))
    lines.extend(_set_change("rc.newly_confidential", new.confidential, old.confidential))
    lines.extend(_set_change("rc.fields_removed", old.fields, new.fields))
    lines.extend(_set_change("rc.fields_added", new.fields, old.fields))
    lines.extend(_set_change("rc.not_required", _required(old), _required(new)))
    lines.extend(_set_change("rc.newly_required", _required(new), _required(old)))
    lines.extend(_set_change("rc.not_extends", old.bases, new.bases))
    return lines


def _required(form: FormData) -> list[str]:
    return [name for name, required in form.fields.items() if required]


def _set_change(label: str, had: Iterable[str], has: Iterable[str]) -> list[str]:
    gone = [item for item in had if item not in set(has)]
    return [text("rc.label", label=text(label), items=join(gone))] if gone else []


def _workflow(old: WorkflowData | None, new: WorkflowData | None) -> list[str]:
    if old is None and new is None:
        return []
    if old is None or new is None:
        return [text("rc.workflow_added") if old is None else text("rc.workflow_removed")]
    lines: list[str] = []
    lines.extend(_set_change("rc.statuses_removed", old.statuses, new.statuses))
    lines.extend(_set_change("rc.statuses_added", new.statuses, old.statuses))

    def edges(w: WorkflowData) -> list[str]:
        return [f"{a} → {b}" for a, b in sorted(w.edges())]

    lines.extend(_set_change("rc.edges_added", edges(new), edges(old)))
    lines.extend(_set_change("rc.edges_removed", edges(old), edges(new)))
    lines.extend(_set_change("rc.not_final", old.final, new.final))
    lines.extend(_set_change("rc.newly_final", new.final, old.final))
    lines.extend(_set_change("rc.new_starts", new.starts, old.starts))
    for status in old.statuses:
        dropped = [f for f in old.requires.get(status, ()) if f not in new.requires.get(status, ())]
        if dropped:
            lines.append(text("rc.status_not_requires", status=status, fields=join(dropped)))
    for status in new.statuses:
        added = [f for f in new.requires.get(status, ()) if f not in old.requires.get(status, ())]
        if added:
            lines.append(text("rc.status_requires", status=status, fields=join(added)))
    return lines


# -- settings, objectives, schedule -------------------------------------------------------------------

def _settings(old: Config, new: Config | None) -> str:
    if new is None:
        return text("rc.config_unreadable")
    before, after = old.model_dump(), new.model_dump()
    lines = []
    for key in before:
        if before[key] == after[key]:
            continue
        verb = ""
        if isinstance(before[key], int) and isinstance(after[key], int):
            verb = text("rc.raised") if after[key] > before[key] else text("rc.lowered")
        lines.append(f"{key} {verb}{before[key]!r} → {after[key]!r}")
    return text("rc.sep").join(lines) or text("rc.no_setting")


def _plan(cs: ChangeSet, sides: Sides, path: str) -> str:
    change = next((c for c in cs.changes if path in (c.path, c.old_path)), None)
    old = sides.blob_data(change.old_blob) if change and change.old_blob else None
    loaded = sides.parse(sides.head.read(path, sides.rules.config.max_file_bytes))
    new = loaded.data if loaded else None
    if not isinstance(old, dict) or not isinstance(new, dict):
        return text("rc.plan_unreadable")
    lines = []
    for key in sorted(set(old) | set(new), key=str):
        lines.extend(_entries(str(key), old.get(key), new.get(key)))
    return text("rc.sep").join(lines) or text("rc.no_entry")


def _entries(section: str, old: Any, new: Any) -> list[str]:
    def by_id(items: Any) -> dict[str, Any]:
        return {str(x["id"]): x for x in items if isinstance(x, dict) and "id" in x} if isinstance(items, list) else {}

    before, after = by_id(old), by_id(new)
    if not before and not after:
        return [] if old == new else [text("rc.section_changed", section=section)]
    added = sorted(set(after) - set(before))
    lines = [text("rc.section_added", section=section, ids=join(added))] if added else []
    if set(before) - set(after):
        lines.append(text("rc.section_removed", section=section, ids=join(sorted(set(before) - set(after)))))
    for ident in sorted(set(before) & set(after)):
        if before[ident] != after[ident]:
            lines.append(text("rc.item_changed", id=ident, changes=join(_field_changes(before[ident], after[ident]))))
    return lines


def _field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    found = []
    for key in sorted(set(old) | set(new), key=str):
        if old.get(key) != new.get(key):
            a, b = old.get(key), new.get(key)
            if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
                found.append(str(key))
            else:
                found.append(f"{key} {_short(a)} → {_short(b)}")
    return found


def _short(value: Any) -> str:
    text = "—" if value is None else yamlio.dump_scalar(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:39] + "…"


__all__ = ["RULE", "form_differences", "forms_changed_findings", "rules_changed"]
