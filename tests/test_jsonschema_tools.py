"""The exported schemas work in the standard tools editors and CI use.

check-jsonschema in its DEFAULT mode (ECMA-262 regexes as in the VS Code YAML
extension, YAML 1.2) checks every exported schema against its metaschema and
every reference record against its form's schema; the settings files
(qms.yml, the organization, objectives, schedule) against theirs; and the
jsonschema library checks every document's front matter. Records are batched
one run per schema so that 41 schemas and 1,200 records stay a few seconds.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from qmskit import yamlio

ROOT = Path(__file__).resolve().parents[1]
CHECK_JSONSCHEMA = [sys.executable, "-m", "check_jsonschema"]  # the check-jsonschema command, in this environment
_STARTERS = ("tools/qmskit/templates/init/zh", "tools/qmskit/templates/init/en")  # qms init's starters (qms.yml is written by init)
SETTINGS = {
    "qms": ["qms.yml"],
    "organization": ["manual/organization.yml", *(f"{s}/manual/organization.yml" for s in _STARTERS)],
    "objectives": ["manual/objectives.yml", *(f"{s}/manual/objectives.yml" for s in _STARTERS)],
    "schedule": ["manual/schedule.yml", *(f"{s}/manual/schedule.yml" for s in _STARTERS)],
}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CHECK_JSONSCHEMA, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def _schemas() -> list[Path]:
    return sorted((ROOT / "schemas/json").glob("*.schema.json")) + sorted((ROOT / "schemas/json/files").glob("*.json"))


def test_every_exported_schema_passes_the_metaschema_in_default_mode() -> None:
    schemas = _schemas()
    assert len(schemas) >= 41 + len(SETTINGS) + 1
    result = _run("--check-metaschema", *(p.relative_to(ROOT).as_posix() for p in schemas))
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_exported_pattern_uses_python_only_regex_syntax() -> None:
    for path in _schemas():
        text = path.read_text(encoding="utf-8")
        assert "(?P<" not in text and "\\\\-" not in text, path.name


def _validate(schema: str, files: list[str]) -> tuple[str, int, str]:
    result = _run("--schemafile", schema, *files)
    return schema, result.returncode, result.stdout + result.stderr


def test_every_reference_record_passes_its_schema_in_check_jsonschema() -> None:
    batches = []
    for schema in sorted((ROOT / "schemas/json").glob("*.schema.json")):
        kind = schema.name.removesuffix(".schema.json")
        files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "records" / kind).glob("*.yaml"))
        if files:
            batches.append((schema.relative_to(ROOT).as_posix(), files))
    assert len(batches) >= 30 and sum(len(f) for _, f in batches) >= 1000
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda batch: _validate(*batch), batches))
    failed = [(schema, out[-2000:]) for schema, code, out in results if code != 0]
    assert failed == []


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_settings_files_pass_their_schema(name: str) -> None:
    schema, code, out = _validate(f"schemas/json/files/{name}.schema.json", SETTINGS[name])
    assert code == 0, out


def test_a_broken_settings_file_fails_its_schema(tmp_path: Path) -> None:
    """The settings schemas are not vacuous: a wrong value is refused."""
    bad = tmp_path / "qms.yml"
    bad.write_text("name: x\nlang: fr\n", encoding="utf-8")
    _, code, out = _validate("schemas/json/files/qms.schema.json", [str(bad)])
    assert code == 1 and "lang" in out


def _as_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def test_every_documents_front_matter_passes_the_document_schema(repo: Path) -> None:
    """The reference manual's documents, and those `qms init` writes (``repo``)."""
    schema = json.loads((ROOT / "schemas/json/files/document.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    checked = 0
    for path in sorted((ROOT / "manual").rglob("*.md")) + sorted((repo / "manual").glob("*.md")):
        front = yamlio.load_markdown(path.read_bytes()).front
        if front is None:
            continue
        errors = [e.message for e in validator.iter_errors(_as_json(front.data))]
        assert errors == [], f"{path}: {errors}"
        checked += 1
    assert checked >= 60
