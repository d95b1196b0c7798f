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
