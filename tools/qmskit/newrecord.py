"""``qms new``: a blank form, numbered, ready to fill in.

The file is created exclusively and whole (written aside, then linked into
place): if another process took the id in the meantime, the next one is
used; nothing existing is ever overwritten, and an interrupted run leaves no
empty record behind.
"""
from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import fileio, yamlio
from .issues import Issue, QmsError
from .messages import join, text
from .registry import Kind
from .repository import Repository
from .suggest import did_you_mean, find_ignoring_case
from .validation import error_message, field_hint

MAX_TRIES = 100

@dataclass
class NewRecord:
    path: Path
    record_id: str
    issues: list[Issue]


def render_blank(kind: Kind, record_id: str, values: dict[str, Any]) -> str:
    """The YAML text of a new record: given values, then blanks for the rest."""
    spec = kind.spec
    lines = [
        f"# yaml-language-server: $schema=../../schemas/json/{kind.name}.schema.json",
        f"# {spec.code} {spec.title_zh} / {spec.title_en} — {spec.procedure}",
    ]
    data: dict[str, Any] = {"id": record_id}
    if spec.workflow is not None:
        data["status"] = values.pop("status", spec.workflow.initial)
    data.update(values)
    lines.append(yamlio.dumps(data).rstrip("\n"))
    for name, info in kind.model.model_fields.items():
        if name in data:
            continue
        words = [w for w in (info.description, field_hint(info.annotation)) if w]  # allowed values, date/yes-no form
        hint = f"  # {'; '.join(words)}" if words else ""
        if info.is_required():
            lines.append(f"{name}:{hint}")
        else:
            lines.append(f"# {name}:{hint}")
    return "\n".join(lines) + "\n"


def parse_assignments(pairs: Iterable[str]) -> dict[str, Any]:
    """``["due=2026-07-31", "grade=minor"]`` → typed values, as YAML reads them."""
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, written = pair.partition("=")
        if not sep or not name.strip():
            raise QmsError(text("new.set_form", pair=pair))
        values[name.strip()] = yamlio.parse_value(written)
    return values


def create_record(
    repo: Repository,
    kind_name: str,
    values: dict[str, Any],
    day: dt.date,
    taken: Iterable[str] = (),
) -> NewRecord:
    """Write the next record of ``kind_name``; ``taken`` adds ids used elsewhere (another branch)."""
    lang = repo.config.lang
    kind = repo.registry.get(find_ignoring_case(kind_name, repo.registry.kinds) or kind_name)
    if kind is None:
        known = join(sorted(repo.registry.kinds)) or text("new.no_kinds")
        hint = did_you_mean(kind_name, repo.registry.kinds, lang)
        raise QmsError(text("new.no_kind", kind=kind_name, hint=hint, known=known))
    fields = kind.model.model_fields
    for name in values:
        if name not in fields:
            raise QmsError(text("new.no_field", name=name, kind=kind.name, hint=did_you_mean(name, fields, lang),
                                fields=join(fields)))
    check_values(kind, values, lang)
    folder = repo.root / "records" / kind.name
    try:
        fileio.check_parents(repo.root, folder / "new.yaml")
    except fileio.FileRefused as exc:
        raise QmsError(exc.message) from None
    folder.mkdir(parents=True, exist_ok=True)
    used = {p.stem for p in folder.iterdir()} | set(taken)
    for _ in range(MAX_TRIES):
        record_id = kind.pattern.next_id(used, day)
        path = folder / f"{record_id}.yaml"
        body = render_blank(kind, record_id, dict(values))
        try:
            fileio.create_exclusive(path, body.encode("utf-8"), root=repo.root)
        except FileExistsError:
            if not kind.pattern.has_seq:
                raise QmsError(text("new.one_per_period", id=record_id, kind=kind.name)) from None
            used.add(record_id)
            continue
        return NewRecord(path, record_id, _validate(repo, path))
    raise QmsError(text("new.no_free_id", kind=kind.name, tries=MAX_TRIES))


def check_values(kind: Kind, values: dict[str, Any], lang: str | None = None) -> None:
    """Refuse, before anything is written, a ``--set`` value the form itself rejects.

    The form's own validation judges each given field (fields left blank
    are not its concern here); an enumerated field's message lists the
    values it allows and the nearest one.
    """
    workflow = kind.spec.workflow
    if "status" in values and workflow is not None and values["status"] not in workflow.statuses:
        value = str(values["status"])
        raise QmsError(text("new.bad_status", value=value, kind=kind.name, values=join(workflow.statuses),
                             hint=did_you_mean(value, workflow.statuses, lang)))
    try:
        kind.validate({"id": "new", **values})
    except ValidationError as exc:
        for error in exc.errors():
            loc = error.get("loc") or ()
            if not loc or loc[0] not in values or error["type"] == "missing":
                continue
            name = str(loc[0])
            allowed = allowed_values(kind.model.model_fields[name].annotation) if len(loc) == 1 else []
            written = yamlio.dump_scalar(values[name]) if not isinstance(values[name], str) else values[name]
            raise QmsError(_bad_value(kind, name, written, error_message(error), allowed, lang)) from None


def _bad_value(kind: Kind, name: str, written: str, why: str, allowed: list[str], lang: str | None) -> str:
    """The refusal of a ``--set`` value: what the form said, the values allowed and the nearest one."""
    return text("new.bad_value", name=name, value=written, kind=kind.name, why=why,
                allowed=text("new.allowed", values=join(allowed)) if allowed and not all(a in why for a in allowed) else "",
                hint=did_you_mean(str(written), allowed, lang) if allowed else "")


def allowed_values(annotation: Any) -> list[str]:
    """The values an enumerated field (``Literal[...]``, optional or not) allows; [] for any other type."""
    if typing.get_origin(annotation) is typing.Literal:
        return [str(a) for a in typing.get_args(annotation)]
    found: list[str] = []
    for arg in typing.get_args(annotation):
        found += [a for a in allowed_values(arg) if a not in found]
    return found


def ids_on_branch(repo: Repository, kind_name: str, base: str | None) -> set[str]:
    """Ids of ``kind_name`` on the branch a pull request will go into, so two branches do not take one id.

    Without ``base`` the current branch's upstream is used when there is one;
    outside git, or with no upstream, nothing is added.
    """
    from .git import Git, GitError

    git = Git(repo.root)
    if not git.is_repository():
        if base:
            raise QmsError(text("new.base_not_git", base=base, root=repo.root))
        return set()
    revision = base or git.upstream()
    if revision is None:
        return set()
    try:
        git.rev(revision)
    except GitError:
        if base:
            raise
        return set()
    prefix = repo.rel(repo.root / "records" / kind_name)
    return {Path(p).stem for p in git.ls_tree(revision, prefix)}


def _validate(repo: Repository, path: Path) -> list[Issue]:
    from .checks import build_index, check_one  # the full check is only needed here

    loaded = build_index(repo, repo.record_listing())
    rf = repo.record_file(path)
    return check_one(rf, repo.root, repo.registry, repo.config, loaded.index)
