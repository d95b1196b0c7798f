"""One meaning for a value: `qms check` and standard JSON Schema validators give the same verdict.

A table of values that lax readers take differently (a number as a date, a
datetime as a date, ``yes``/``on``/``1``/``'true'`` as booleans, quoted
numbers, blank text) is written as real records of a real repository made by
``qms init``; each record is judged three ways: by ``qms check``, by the
``jsonschema`` library with format checking on the exported schema, and by the
``check-jsonschema`` command in its default mode (YAML 1.2, ECMA-262 regexes).
The test asserts the three verdicts agree and equal the one written in the
table, so a disagreement names its value.
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import run_qms, write
from pydantic import BaseModel
from ruamel.yaml import YAML

from qmskit import Repository

CHECK_JSONSCHEMA = [sys.executable, "-m", "check_jsonschema"]  # the check-jsonschema command, in this environment

PROBE_FORM = '''"""A form with one field of each kind of value, as an organization could write it."""
from pydantic import Field

from qmskit.forms import Date, Flag, FormSpec, Int, Number, RecordBase, Text, Workflow


class Probe(RecordBase):
    form = FormSpec(
        kind="probe", code="QM-FOR-99-01", title_zh="取值检查", title_en="Value probe", procedure="QP-01",
        id_pattern="PRB-{year}-{seq:04}",
        workflow=Workflow.linear("open", "closed", requires={"closed": ("closed_on",)}),
    )

    day: Date = Field(description="日期 / a date")
    flag: Flag = Field(description="是否 / yes or no")
    count: Int = Field(description="数量 / a whole number")
    amount: Number = Field(description="数值 / a number")
    text: Text = Field(description="文字 / text")
    note: Text | None = Field(default=None, description="备注 / optional text")
    closed_on: Date | None = Field(default=None, description="关闭日期 / closed on")
'''

GOOD = {"status": "open", "day": "2026-01-02", "flag": "true", "count": "3", "amount": "2.5", "text": "有内容"}

# (field, value as typed in the YAML file, valid?) — the value replaces the field's line in a good record.
TABLE: list[tuple[str, str | None, bool]] = [
    ("day", "2026-01-02", True),
    ("day", "'2026-01-02'", True),
    ("day", "1764115200", False),  # a Unix time is not a date
    ("day", "2026-01-02 10:00:00", False),  # a datetime is not a date
    ("day", "2026-01-02T10:00:00Z", False),
    ("day", "2026-13-45", False),
    ("day", "2026/01/02", False),
    ("day", "'20260102'", False),
    ("day", "2026-1-2", False),
    ("flag", "true", True),
    ("flag", "True", True),  # YAML 1.2 core: True is a boolean
    ("flag", "false", True),
    ("flag", "yes", False),  # YAML 1.1 booleans are text in YAML 1.2
    ("flag", "on", False),
    ("flag", "'true'", False),
    ("flag", "1", False),
    ("flag", "0", False),
    ("count", "3", True),
    ("count", "3.0", True),  # JSON Schema's integer: a number with no fraction
    ("count", "'3'", False),
    ("count", "3.5", False),
    ("count", "true", False),
    ("amount", "2.5", True),
    ("amount", "3", True),
    ("amount", "'2.5'", False),
    ("amount", "true", False),
    ("text", "'123'", True),
    ("text", "123", False),  # a number is not text: quote it
    ("text", "''", False),
    ("text", "'   '", False),  # whitespace does not fill a required field
    ("text", "", False),  # blank
    ("text", None, False),  # missing
    ("note", "", True),  # an optional field may stay blank
    ("note", "''", False),  # but empty text is not a value
    ("note", "'  '", False),
    ("status", "closed", False),  # closed needs closed_on
    ("status", "closed\nclosed_on: 2026-02-01", True),
    ("status", "closed\nclosed_on: ''", False),
    ("status", "lost", False),
]

# The complaint form of `qms init`, with the value the issue names.
COMPLAINT = """id: {id}
status: received
received: {received}
customer_type: individual
department: 客户服务部
description: 报修后两天无人联系。
"""
COMPLAINT_TABLE = [("2026-01-02", True), ("1764115200", False), ("'2026-01-02'", True), ("2026-01-02 08:00:00", False)]


def _probe_text(record_id: str, field: str, value: str | None) -> str:
    lines = [f"id: {record_id}"]
    for name, good in GOOD.items():
        if name != field:
            lines.append(f"{name}: {good}")
    if value is not None:
        lines.append(f"{field}: {value}".rstrip())
    return "\n".join(lines) + "\n"


def _cases(repo: Path) -> dict[str, bool]:
    """Write every case as a record file; answer {path: expected verdict}."""
    expected = {}
    for seq, (field, value, valid) in enumerate(TABLE, start=1):
        rel = f"records/probe/PRB-2026-{seq:04}.yaml"
        write(repo / rel, _probe_text(f"PRB-2026-{seq:04}", field, value))
        expected[rel] = valid
    for seq, (received, valid) in enumerate(COMPLAINT_TABLE, start=101):
        rel = f"records/complaint/CMP-2026-{seq:04}.yaml"
        write(repo / rel, COMPLAINT.format(id=f"CMP-2026-{seq:04}", received=received))
        expected[rel] = valid
    return expected


def _qms_verdicts(repo: Path, paths: list[str]) -> dict[str, bool]:
    result = run_qms("check", "--format", "json", cwd=repo)
    assert result.returncode in (0, 1), result.stderr
    data = json.loads(result.stdout)
    issues = data["issues"] if isinstance(data, dict) else data
    errors = {i["path"] for i in issues if i.get("severity", "error") == "error"}
    assert errors <= set(paths), f"problems outside the table: {errors - set(paths)}"
    return {path: path not in errors for path in paths}


def _as_json(value: Any) -> Any:
    """A YAML value as JSON sees it: dates become their ISO text, as check-jsonschema does."""
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _jsonschema_verdicts(repo: Path, paths: list[str]) -> dict[str, bool]:
    """The jsonschema library with format checking, on YAML 1.2 read by ruamel (what editors use)."""
    yaml = YAML(typ="safe", pure=True)
    verdicts = {}
    for rel in paths:
        kind = rel.split("/")[1]
        schema = json.loads((repo / f"schemas/json/{kind}.schema.json").read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        try:
            data = _as_json(yaml.load((repo / rel).read_text(encoding="utf-8")))
        except ValueError:  # ruamel refuses 2026-13-45 outright: not valid either
            verdicts[rel] = False
            continue
        verdicts[rel] = validator.is_valid(data)
    return verdicts


def _check_jsonschema_verdicts(repo: Path, paths: list[str]) -> dict[str, bool]:
    """check-jsonschema in its default mode, one run per schema over all its records."""
    verdicts = {}
    for kind in sorted({rel.split("/")[1] for rel in paths}):
        files = [rel for rel in paths if rel.split("/")[1] == kind]
        result = subprocess.run(
            [*CHECK_JSONSCHEMA, "-o", "json", "--schemafile", f"schemas/json/{kind}.schema.json", *files],
            cwd=repo, capture_output=True, text=True, timeout=120)
        report = json.loads(result.stdout)
        failed = {error["filename"] for error in report["errors"] + report.get("parse_errors", [])}
        verdicts.update({rel: rel not in failed for rel in files})
    return verdicts


@pytest.fixture
def probe_repo(repo: Path) -> Path:
    write(repo / "schemas/probe.py", PROBE_FORM)
    exported = run_qms("schema", "export", cwd=repo)
    assert exported.returncode == 0, exported.stdout + exported.stderr
    assert (repo / "schemas/json/probe.schema.json").is_file()
    return repo


def test_qms_check_and_json_schema_validators_agree_on_every_value(probe_repo: Path) -> None:
    expected = _cases(probe_repo)
    paths = sorted(expected)
    qms = _qms_verdicts(probe_repo, paths)
    library = _jsonschema_verdicts(probe_repo, paths)
    cli = _check_jsonschema_verdicts(probe_repo, paths)
    rows = {rel: (expected[rel], qms[rel], library[rel], cli[rel]) for rel in paths}
    wrong = {rel: row for rel, row in rows.items() if len(set(row)) != 1}
    described = {rel: (probe_repo / rel).read_text(encoding="utf-8") for rel in wrong}
    assert not wrong, f"(expected, qms, jsonschema, check-jsonschema) disagree: {wrong}\n{described}"
    assert sum(expected.values()) >= 10 and sum(not v for v in expected.values()) >= 20  # both verdicts are exercised


@pytest.mark.parametrize(("value", "error_type"), [
    ("1764115200", "date_type"), ("2026-01-02 10:00:00", "date_type"), ("2026-13-45", "date_parsing"),
])
def test_a_wrong_date_is_a_standard_pydantic_error(value: str, error_type: str) -> None:
    """The messages translate pydantic's standard error types; strict values must produce those, not custom ones."""
    from pydantic import ValidationError

    from qmskit import yamlio
    from qmskit.forms import Complaint

    data = yamlio.loads(COMPLAINT.format(id="CMP-2026-0001", received=value)).data
    with pytest.raises(ValidationError) as caught:
        Complaint.model_validate(data)
    assert [e["type"] for e in caught.value.errors()] == [error_type]


def _probe_model() -> type[BaseModel]:
    """The probe form, from the same source the repository gets, without a subprocess."""
    module = sys.modules.get("qms_probe_form")
    if module is None:
        module = types.ModuleType("qms_probe_form")
        sys.modules[module.__name__] = module  # pydantic resolves a model's names through its module
        exec(compile(PROBE_FORM, "schemas/probe.py", "exec"), module.__dict__)  # noqa: S102 - the test's own form
    return module.Probe  # type: ignore[no-any-return]


@pytest.mark.parametrize(("field", "value", "error_type"), [
    ("flag", "yes", "bool_type"), ("flag", "1", "bool_type"), ("count", "'3'", "int_type"),
    ("count", "3.5", "int_type"), ("amount", "'2.5'", "float_type"), ("text", "123", "string_type"),
    ("text", "'  '", "string_pattern_mismatch"), ("text", None, "missing"), ("day", "2026/01/02", "date_type"),
])
def test_each_strict_type_fails_with_its_standard_error_type(field: str, value: str | None, error_type: str) -> None:
    from pydantic import ValidationError

    from qmskit import yamlio

    data = yamlio.loads(_probe_text("PRB-2026-0001", field, value)).data
    with pytest.raises(ValidationError) as caught:
        _probe_model().model_validate(data)
    assert [e["type"] for e in caught.value.errors()] == [error_type]


def _models(model: type[BaseModel]) -> set[type[BaseModel]]:
    """A form and every block (sub-model) inside it."""
    found = {model}
    for info in model.model_fields.values():
        stack: list[Any] = [info.annotation]
        while stack:
            item = stack.pop()
            if isinstance(item, type) and issubclass(item, BaseModel):
                found |= _models(item)
            stack.extend(getattr(item, "__args__", ()))
    return found


def test_every_reference_form_and_block_reads_values_strictly() -> None:
    """No form of the reference QMS, and no settings file, reads values laxly: strict models never coerce."""
    from qmskit.documents import Document, Organization
    from qmskit.plans import ObjectivesFile, ScheduleFile
    from qmskit.repository import Config

    root = Path(__file__).resolve().parents[1]
    registry = Repository(root).registry
    assert len(registry.kinds) >= 30
    models = set().union(*(_models(kind.model) for kind in registry.kinds.values()))
    for settings in (Document, Organization, ObjectivesFile, ScheduleFile, Config):
        models |= _models(settings)
    lax = sorted(m.__name__ for m in models if m.model_config.get("strict") is not True)
    assert len(models) > len(registry.kinds)  # blocks are walked too
    assert lax == []


FRONT_MATTER_TABLE = [
    ("approved", "2026-01-02", True), ("approved", "'2026-01-02'", True), ("approved", "1764115200", False),
    ("approved", "2026-01-02 10:00:00", False), ("review_every", "'12'", False), ("review_every", "12", True),
    ("status", "yes", False),
]


def test_front_matter_values_get_one_verdict(repo: Path) -> None:
    """A document's front matter: `qms check` and document.schema.json agree too (one copy of QP-01 per value)."""
    from qmskit import yamlio

    original = (repo / "manual/QP-01-document-control.md").read_text(encoding="utf-8").split("\n")
    expected = {}
    for seq, (field, value, valid) in enumerate(FRONT_MATTER_TABLE, start=91):
        lines = [f"id: QP-{seq}" if line.startswith("id:") else line for line in original]
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{field}:"))
        lines[at] = f"{field}: {value}"
        if field == "approved":  # keep the effective date after the approval, whatever the approval's form
            lines = [f"effective: {value}" if line.startswith("effective:") else line for line in lines]
        rel = f"manual/QP-{seq}-probe.md"
        write(repo / rel, "\n".join(lines))
        expected[rel] = valid
    result = run_qms("check", "--format", "json", cwd=repo)
    data = json.loads(result.stdout)
    issues = data["issues"] if isinstance(data, dict) else data
    refused = {i["path"] for i in issues if i["rule"] == "document-schema"}
    assert refused <= set(expected), refused
    schema = json.loads((repo / "schemas/json/files/document.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    verdicts = {}
    for rel, valid in expected.items():
        front = yamlio.load_markdown((repo / rel).read_bytes()).front
        assert front is not None
        verdicts[rel] = (valid, rel not in refused, validator.is_valid(_as_json(front.data)))
    assert [row for row in verdicts.values() if len(set(row)) != 1] == [], verdicts
    assert sorted(v[0] for v in verdicts.values()) == [False] * 4 + [True] * 3


def test_text_is_blank_exactly_where_the_exported_pattern_finds_nothing() -> None:
    """The form's rule and the schema's ``pattern: \\S`` (which check-jsonschema applies) agree on every character
    Python calls space and on every one up to the CJK symbols (U+3000, the ideographic space, included)."""
    import re

    from pydantic import TypeAdapter, ValidationError

    from qmskit.forms import Text

    pattern = re.compile(r"\S")
    schema = TypeAdapter(Text).json_schema()
    assert schema["pattern"] == pattern.pattern
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    assert len(spaces) >= 25 and "\u3000" in spaces and "\u00a0" in spaces
    samples = [chr(c) for c in range(0x3100)] + ["".join(spaces), " \u3000\t", " x ", "\u200b", ""]
    adapter = TypeAdapter(Text)
    for value in samples:
        try:
            adapter.validate_python(value)
            accepted = True
        except ValidationError:
            accepted = False
        assert accepted == bool(pattern.search(value)), repr(value)
