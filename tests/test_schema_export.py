"""JSON Schema export: draft 2020-12, derived from the models, checked for drift."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from conftest import run_qms

from qmskit import messages

from qmskit import Repository
from qmskit.schema_export import DRAFT, json_schema


def test_exported_schema_describes_the_form(repo: Path) -> None:
    kind = Repository(repo).registry.get("nonconformity")
    assert kind is not None
    schema = json_schema(kind)
    assert schema["$schema"] == DRAFT == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["status"]["enum"] == ["open", "analysis", "action", "verification", "closed"]
    assert schema["additionalProperties"] is False
    assert {"id", "status", "grade", "due"} <= set(schema["required"])
    assert schema["x-qms-form"]["code"] == "QM-FOR-02-01"
    assert schema["properties"]["requirement"]["x-qms-ref"] == "document"


def test_jsonschema_validates_a_real_record(repo: Path) -> None:
    schema = json.loads((repo / "schemas/json/complaint.schema.json").read_text(encoding="utf-8"))
    good = {"id": "CMP-2026-0001", "status": "received", "received": "2026-01-02", "customer_type": "individual",
            "department": "客户服务部", "description": "x"}
    jsonschema.validate(good, schema)
    bad = dict(good, status="lost")
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(bad))
    assert len(errors) == 1 and errors[0].path[0] == "status"


def test_export_then_check_is_clean_and_idempotent(repo: Path) -> None:
    (repo / "schemas/json/complaint.schema.json").unlink()
    assert "schema-json-missing" in run_qms("check", cwd=repo).stdout
    first = run_qms("schema", "export", cwd=repo)
    with messages.using("zh"):  # qms init's starter says lang: zh
        wrote = messages.text("cli.wrote", path="schemas/json/complaint.schema.json")
    assert first.returncode == 0 and wrote in first.stdout
    second = run_qms("schema", "export", cwd=repo)
    with messages.using("zh"):
        assert messages.text("cli.schema_summary", kinds=4, changed=0) in second.stdout
    assert run_qms("check", cwd=repo).returncode == 0


def test_settings_files_get_schemas_that_judge_them(repo: Path) -> None:
    """qms.yml, the organization, objectives, schedule and front matter have schemas, checked for drift too."""
    files = repo / "schemas/json/files"
    assert sorted(p.name for p in files.glob("*.schema.json")) == [
        "document.schema.json", "objectives.schema.json", "organization.schema.json", "qms.schema.json",
        "schedule.schema.json"]
    qms = json.loads((files / "qms.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(qms)
    assert validator.is_valid({"name": "x", "lang": "en"})
    assert not validator.is_valid({"name": "x", "lang": "fr"})
    assert not validator.is_valid({"name": "x", "langauge": "en"})
    (files / "schedule.schema.json").write_text("{}\n", encoding="utf-8")
    assert "schema-json-drift" in run_qms("check", cwd=repo).stdout


def test_a_status_requires_its_fields_in_the_schema(repo: Path) -> None:
    schema = json.loads((repo / "schemas/json/complaint.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    received = {"id": "CMP-2026-0001", "status": "received", "received": "2026-01-02", "customer_type": "individual",
                "department": "客户服务部", "description": "x"}
    assert validator.is_valid(received)
    closed = dict(received, status="closed", replied="2026-01-03", closed="2026-01-04")
    errors = list(validator.iter_errors(closed))
    assert errors and all("feedback" in str(e.message) or e.validator == "required" for e in errors)
    assert not validator.is_valid(dict(closed, feedback=None))
    assert validator.is_valid(dict(closed, feedback="satisfied"))


def test_id_patterns_are_ecma_262_and_agree_with_qms(repo: Path) -> None:
    kind = Repository(repo).registry.get("complaint")
    assert kind is not None
    pattern = json_schema(kind)["properties"]["id"]["pattern"]
    assert "(?P<" not in pattern and "\\-" not in pattern
    for record_id in ("CMP-2026-0001", "CMP-2026-12345", "CMP-2026-001", "CMP-26-0001", "CMP-٢٠٢٦-0001", "XCMP-2026-0001"):
        assert bool(jsonschema.Draft202012Validator({"pattern": pattern}).is_valid(record_id)) == kind.pattern.matches(record_id)


def _vscode_mapping(root: Path) -> dict[str, list[str]]:
    settings = json.loads((root / ".vscode/settings.json").read_text(encoding="utf-8"))
    extensions = json.loads((root / ".vscode/extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]
    return settings["yaml.schemas"]


def _assert_mapping_covers(root: Path) -> None:
    mapping = _vscode_mapping(root)
    for schema, globs in mapping.items():
        assert (root / schema).is_file(), schema
        assert any(root.glob(globs[0])) or globs[0].startswith("records/"), globs
    kinds = Repository(root).registry.kinds
    for name in kinds:
        assert mapping[f"./schemas/json/{name}.schema.json"] == [f"records/{name}/*.yaml"]
    for name, file in (("qms", "qms.yml"), ("organization", "manual/organization.yml"),
                       ("objectives", "manual/objectives.yml"), ("schedule", "manual/schedule.yml")):
        assert mapping[f"./schemas/json/files/{name}.schema.json"] == [file]


def test_vscode_maps_every_schema_in_this_repository() -> None:
    _assert_mapping_covers(Path(__file__).resolve().parents[1])


def test_qms_init_writes_vscode_settings_for_its_forms(repo: Path) -> None:
    _assert_mapping_covers(repo)


def test_a_forms_own_pattern_reaches_its_schema() -> None:
    """A field's pattern (HH:MM, YYYY-MM) is in the exported schema, not replaced by the non-blank rule."""
    root = Path(__file__).resolve().parents[1]
    registry = Repository(root).registry
    seen = 0
    for kind in registry.kinds.values():
        text = (root / f"schemas/json/{kind.name}.schema.json").read_text(encoding="utf-8")
        for model in {kind.model, *_blocks(kind.model)}:
            for info in model.model_fields.values():
                for pattern in (getattr(m, "pattern", None) for m in info.metadata):
                    if pattern:
                        assert json.dumps(pattern) in text, (kind.name, pattern)
                        seen += 1
    assert seen >= 10


def _blocks(model: type) -> set[type]:
    from pydantic import BaseModel

    found: set[type] = set()
    for info in model.model_fields.values():  # type: ignore[attr-defined]
        stack = [info.annotation]
        while stack:
            item = stack.pop()
            if isinstance(item, type) and issubclass(item, BaseModel):
                found |= {item} | _blocks(item)
            stack.extend(getattr(item, "__args__", ()))
    return found
