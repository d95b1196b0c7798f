"""The committed JSON Schema of each kind matches its model, and no schema is left without a form.

Editors and other validators read these files, so one that drifted from its
model (or that outlived its form) would approve records the check refuses.
Only regular files are read: a link in ``schemas/json/`` is reported, and
``qms schema export`` replaces it with the file itself.
"""
from __future__ import annotations

import os
from pathlib import Path

from .. import fileio
from ..issues import Issue
from ..messages import text
from ..registry import Registry
from ..schema_export import JSON_DIR, file_schema_path, file_schemas, json_schema, render, schema_path

MAX_SCHEMA_BYTES = 4 * 1024 * 1024


def check_json_schemas(root: Path, registry: Registry) -> list[Issue]:
    folder = root / JSON_DIR
    if os.path.islink(folder):
        return [Issue(JSON_DIR, 1, 1, fileio.NOT_REGULAR, fileio.not_regular_message("a symbolic link"))]
    issues = []
    for kind in registry.kinds.values():
        issues.extend(_check_one(root, kind.name, render(json_schema(kind)), kind.module_path))
    issues.extend(_orphans(root, registry))
    return issues


def check_file_schemas(root: Path, cache_root: Path | None = None) -> list[Issue]:
    """The settings files' schemas (``schemas/json/files/``) match the engine's models.

    They depend on the engine alone, never on a change's forms, so the
    trusted check judges them even when a pull request changes the forms.
    """
    if os.path.islink(root / JSON_DIR):
        return []  # reported by check_json_schemas
    return [issue for name, expected in _file_schemas(cache_root or root).items()
            for issue in _check_one(root, name, expected, "qmskit", file_schema_path(root, name))]


def _file_schemas(cache_root: Path) -> dict[str, str]:
    """The settings files' schemas as exported, kept under the engine's digest (pydantic's included).

    Building them is a fifth of a small pull-request check's own work, and
    their answer changes only with the engine.
    """
    from ..cache import ResultCache, engine_digest

    cache = ResultCache(cache_root, "file-schemas", engine_digest())
    found = cache.get("schemas")
    if not isinstance(found, dict):
        found = {name: render(schema) for name, schema in file_schemas().items()}
        cache.put("schemas", found)
        cache.save()
    return found


def _check_one(root: Path, name: str, expected: str, module_path: str, path: Path | None = None) -> list[Issue]:
    path = path or schema_path(root, name)
    rel = path.relative_to(root).as_posix()
    if not os.path.lexists(path):
        return [Issue(rel, 1, 1, "schema-json-missing", text("schema.json_missing", name=name))]
    try:
        current = fileio.read_regular(path, MAX_SCHEMA_BYTES).decode("utf-8")
    except fileio.FileRefused as exc:
        return [Issue(rel, 1, 1, exc.rule, text("schema.json_refused", problem=exc.message))]
    except (OSError, UnicodeDecodeError) as exc:
        return [Issue(rel, 1, 1, "schema-json-drift", text("schema.json_unreadable", error=exc))]
    if current != expected:
        return [Issue(rel, 1, 1, "schema-json-drift",
                      text("schema.json_drift", module=module_path))]
    return []


def _orphans(root: Path, registry: Registry) -> list[Issue]:
    """A schema whose form is gone still tells editors the old rules: it must go too."""
    issues = []
    for path in sorted((root / JSON_DIR).glob("*.schema.json")):
        name = path.name.removesuffix(".schema.json")
        if name not in registry.kinds:
            issues.append(Issue(path.relative_to(root).as_posix(), 1, 1, "schema-json-orphan",
                                text("schema.json_orphan", name=repr(name))))
    return issues
