"""JSON Schema (draft 2020-12) for every record kind and every settings file, for editors and other validators.

The exported file is derived from the model; ``qms check`` compares the
committed file to a fresh export, so the two never drift apart unnoticed.
What a schema says is meant for standard tools (check-jsonschema, the VS Code
YAML extension, any yaml-language-server): patterns are ECMA-262, and a
status's required fields are ``if``/``then`` rules. The rules that need other
files (a reference resolves, dates agree along references, transitions in
git history) stay with ``qms check``; the README lists them.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from . import fileio
from .forms import built
from .issues import QmsError
from .registry import Kind, Registry

DRAFT = "https://json-schema.org/draft/2020-12/schema"
JSON_DIR = "schemas/json"
FILES_DIR = "schemas/json/files"
"""Schemas of the files that are not records (qms.yml, the organization, objectives, schedule, front matter)."""


def json_schema(kind: Kind) -> dict[str, Any]:
    spec = kind.spec
    schema = built(kind.model).model_json_schema(mode="validation")
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
    props["id"] = {**props.get("id", {}), "pattern": kind.pattern.json_pattern()}
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
        rules = status_rules(spec.workflow.requires)
        if rules:
            ordered.setdefault("$defs", {})[FILLED] = {
                "description": "filled in: not blank, not empty text, list or mapping", "not": {"enum": _EMPTY}}
            ordered["allOf"] = ordered.get("allOf", []) + rules
    return ordered


_EMPTY: list[Any] = [None, "", [], {}]
"""What ``qms check`` counts as not filled in (``records._empty``): a blank, empty text, list or mapping."""


FILLED = "qms-filled"
"""The name of that rule in a schema's ``$defs`` (model names are CamelCase, so it meets none)."""


def status_rules(requires: dict[str, tuple[str, ...]]) -> list[dict[str, Any]]:
    """``if status is S then these fields are filled``: a workflow's requirements as JSON Schema says them."""
    rules = []
    for status, names in requires.items():
        if not names:
            continue
        rules.append({
            "if": {"properties": {"status": {"const": status}}, "required": ["status"]},
            "then": {
                "required": list(names),
                "properties": {name: {"$ref": f"#/$defs/{FILLED}"} for name in names},
            },
        })
    return rules


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def schema_path(root: Path, kind: str) -> Path:
    return root / JSON_DIR / f"{kind}.schema.json"


def file_schemas() -> dict[str, dict[str, Any]]:
    """The schemas of qms.yml, the organization, objectives, schedule and a document's front matter, by name."""
    from .documents import Document, Organization
    from .plans import ObjectivesFile, ScheduleFile
    from .repository import Config

    models: dict[str, tuple[type[BaseModel], str]] = {
        "qms": (Config, "qms.yml: settings of this QMS repository"),
        "organization": (Organization, "manual/organization.yml: units, departments and roles"),
        "objectives": (ObjectivesFile, "manual/objectives.yml: quality objectives and service standards"),
        "schedule": (ScheduleFile, "manual/schedule.yml: recurring activities"),
        "document": (Document, "a controlled document's front matter (manual/**/*.md)"),
    }
    schemas = {}
    for name, (model, title) in models.items():
        schema: dict[str, Any] = {"$schema": DRAFT, "$id": f"{name}.schema.json"}
        schema.update(model.model_json_schema(mode="validation"))
        schema["title"] = title
        _one_or_many(schema, model.__name__)
        schemas[name] = schema
    return schemas


_ONE_OR_MANY = {"Document": ("supersedes", "references", "forms", "additions", "source"), "SourceRef": ("sections",)}
"""List fields that also take one item, as the models' ``_one_or_many`` validators do (``forms: complaint``)."""


def _one_or_many(schema: dict[str, Any], top: str) -> None:
    models = {top: schema, **schema.get("$defs", {})}
    for model, fields in _ONE_OR_MANY.items():
        for field_name in fields:
            prop = models.get(model, {}).get("properties", {}).get(field_name)
            if prop and prop.get("type") == "array" and "items" in prop:
                items = prop.pop("items")
                del prop["type"]
                prop["anyOf"] = [items, {"type": "array", "items": items}]


def file_schema_path(root: Path, name: str) -> Path:
    return root / FILES_DIR / f"{name}.schema.json"


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
    wanted = [(schema_path(root, kind.name), json_schema(kind)) for kind in registry.kinds.values()]
    (root / FILES_DIR).mkdir(exist_ok=True)
    wanted += [(file_schema_path(root, name), schema) for name, schema in file_schemas().items()]
    for path, schema in wanted:
        text = render(schema)
        if fileio.read_or_none(path) != text.encode("utf-8"):
            fileio.atomic_write(path, text.encode("utf-8"), root=root)
            changed.append(path)
    return changed
