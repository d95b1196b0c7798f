"""The committed JSON Schema of each kind matches its model."""
from __future__ import annotations

from pathlib import Path

from ..issues import Issue
from ..registry import Registry
from ..schema_export import JSON_DIR, json_schema, render, schema_path


def check_json_schemas(root: Path, registry: Registry) -> list[Issue]:
    issues = []
    for kind in registry.kinds.values():
        path = schema_path(root, kind.name)
        rel = path.relative_to(root).as_posix()
        if not path.exists():
            issues.append(Issue(rel, 1, 1, "schema-json-missing", f"no JSON Schema for {kind.name}; run 'qms schema export'"))
            continue
        try:
            current = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            issues.append(Issue(rel, 1, 1, "schema-json-drift", f"cannot read: {exc}; run 'qms schema export'"))
            continue
        if current != render(json_schema(kind)):
            issues.append(Issue(rel, 1, 1, "schema-json-drift",
                                f"out of date with the model in {kind.module_path}; run 'qms schema export' and commit the result"))
    for path in sorted((root / JSON_DIR).glob("*.schema.json")):
        if path.name.removesuffix(".schema.json") not in registry.kinds:
            issues.append(Issue(path.relative_to(root).as_posix(), 1, 1, "schema-json-orphan",
                                "no form defines this kind any more; delete the file"))
    return issues
