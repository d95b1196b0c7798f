"""JSON Schema (draft 2020-12) for every record kind, for editors and other validators.

The exported file is derived from the model; ``qms check`` compares the
committed file to a fresh export, so the two never drift apart unnoticed.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import fileio
from .issues import QmsError
from .registry import Kind, Registry

DRAFT = "https://json-schema.org/draft/2020-12/schema"
JSON_DIR = "schemas/json"


def json_schema(kind: Kind) -> dict[str, Any]:
    spec = kind.spec
    schema = kind.model.model_json_schema(mode="validation")
    ordered: dict[str, Any] = {"$schema": DRAFT, "$id": f"{kind.name}.schema.json"}
    ordered.update(schema)
    ordered["title"] = f"{spec.code} {spec.title_zh} / {spec.title_en}"
    ordered["x-qms-form"] = {
        "kind": spec.kind,
        "code": spec.code,
        "procedure": spec.procedure,
        "id_pattern": spec.id_pattern,
        "retention_years": spec.retention_years,
        "confidential": list(spec.confidential),
    }
    if spec.additions:
        ordered["x-qms-form"]["additions"] = list(spec.additions)
    props = ordered.get("properties", {})
    props["id"] = {**props.get("id", {}), "pattern": "^" + kind.pattern.regex.pattern + "$"}
    if spec.workflow is not None:
        status = {k: v for k, v in props.get("status", {}).items() if k not in ("anyOf", "default")}
        props["status"] = {**status, "enum": list(spec.workflow.statuses)}
        required = ordered.setdefault("required", [])
        if "status" not in required:
            required.append("status")
        ordered["x-qms-form"]["workflow"] = {
            "transitions": {k: list(v) for k, v in spec.workflow.transitions.items()},
            "requires": {k: list(v) for k, v in spec.workflow.requires.items()},
        }
    return ordered


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def schema_path(root: Path, kind: str) -> Path:
    return root / JSON_DIR / f"{kind}.schema.json"


def export(root: Path, registry: Registry) -> list[Path]:
    """Write (or rewrite) the derived JSON Schema files; returns those that changed.

    Each file is written whole and renamed into place; a link at its name is
    replaced by the file, never written through (it could point at a record),
    and a linked ``schemas/json`` folder is refused.
    """
    changed = []
    folder = root / JSON_DIR
    try:
        fileio.check_parents(root, folder / "x.schema.json")
    except fileio.FileRefused as exc:
        raise QmsError(exc.message) from None
    folder.mkdir(parents=True, exist_ok=True)
    for kind in registry.kinds.values():
        path = schema_path(root, kind.name)
        text = render(json_schema(kind))
        if fileio.read_or_none(path) != text.encode("utf-8"):
            fileio.atomic_write(path, text.encode("utf-8"), root=root)
            changed.append(path)
    return changed
