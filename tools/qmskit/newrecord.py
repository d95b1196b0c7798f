"""``qms new``: a blank form, numbered, ready to fill in.

The file is created exclusively and whole (written aside, then linked into
place): if another process took the id in the meantime, the next one is
used; nothing existing is ever overwritten, and an interrupted run leaves no
empty record behind.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import fileio, yamlio
from .issues import Issue, QmsError
from .registry import Kind
from .repository import Repository
from .validation import field_hint

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
        name, sep, text = pair.partition("=")
        if not sep or not name.strip():
            raise QmsError(f"--set {pair!r}: write it as field=value, e.g. --set due=2026-07-31")
        values[name.strip()] = yamlio.parse_value(text)
    return values


def create_record(
    repo: Repository,
    kind_name: str,
    values: dict[str, Any],
    day: dt.date,
    taken: Iterable[str] = (),
) -> NewRecord:
    """Write the next record of ``kind_name``; ``taken`` adds ids used elsewhere (another branch)."""
    kind = repo.registry.get(kind_name)
    if kind is None:
        known = ", ".join(sorted(repo.registry.kinds)) or "none; see schemas/"
        raise QmsError(f"no record kind {kind_name!r}; the kinds are: {known}")
    for name in values:
        if name not in kind.model.model_fields:
            raise QmsError(f"--set {name}: the {kind.name} form has no such field; its fields are: "
                           + ", ".join(kind.model.model_fields))
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
        text = render_blank(kind, record_id, dict(values))
        try:
            fileio.create_exclusive(path, text.encode("utf-8"), root=repo.root)
        except FileExistsError:
            if not kind.pattern.has_seq:
                raise QmsError(f"{record_id} already exists: a {kind.name} is one per period; "
                               "pass --as-of with a day of another period") from None
            used.add(record_id)
            continue
        return NewRecord(path, record_id, _validate(repo, path))
    raise QmsError(f"could not find a free id for {kind.name} after {MAX_TRIES} tries; check records/{kind.name}/")


def ids_on_branch(repo: Repository, kind_name: str, base: str | None) -> set[str]:
    """Ids of ``kind_name`` on the branch a pull request will go into, so two branches do not take one id.

    Without ``base`` the current branch's upstream is used when there is one;
    outside git, or with no upstream, nothing is added.
    """
    from .git import Git, GitError

    git = Git(repo.root)
    if not git.is_repository():
        if base:
            raise QmsError(f"--base {base}: {repo.root} is not a git repository")
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

    record_files = repo.record_files()
    loaded = build_index(repo, record_files)
    rf = repo.record_file(path)
    return check_one(rf, repo.root, repo.registry, repo.config, loaded.index)
