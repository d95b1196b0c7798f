"""A pull-request check in a fresh clone, as CI runs every one: it builds what the change needs, and no more.

Nothing is remembered there (``QMS_CACHE=0`` here), so every form module is
imported to learn the forms' names; only the forms of the records the check
validates are built, and the exported JSON Schemas, which a change that
leaves ``schemas/`` alone cannot make drift, are the base's full check's.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import QMS, TODAY, GitRepo, in_english, run_qms, write

YEAR = TODAY.year
CMP2 = f"records/complaint/CMP-{YEAR}-0002.yaml"

FRESH_CHECK = """
import datetime as dt, json, os, sys
from pathlib import Path
import qmskit.checks.jsonschema_drift as drift
import qmskit.registry as registry
schemas = []
real_json_schema = drift.json_schema
drift.json_schema = lambda kind: schemas.append(kind.name) or real_json_schema(kind)
if os.environ.get("BUILD_AT_LOAD"):  # every form built as it is loaded: what the engine did before
    real_forms_in = registry._forms_in
    def forms_built_at_load(module):
        for model in real_forms_in(module):
            model.model_rebuild(raise_errors=False, _parent_namespace_depth=0)
            yield model
    registry._forms_in = forms_built_at_load
from qmskit import Repository
from qmskit.checks import check_pull_request
root, as_of, head = Path(sys.argv[1]), dt.date.fromisoformat(sys.argv[2]), sys.argv[3]
result = check_pull_request(Repository(root), "main", as_of, head=head, jobs=1)
forms = {}
for name, module in list(sys.modules.items()):
    if name.startswith("qms_schemas."):
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == name and "form" in value.__dict__:
                forms[value.form.kind] = value.__pydantic_complete__
print(json.dumps({"forms": forms, "schemas": schemas,
                  "issues": sorted([i.path, i.line, i.rule, i.message] for i in result.issues)}))
"""


def fresh_check(g: GitRepo, head: str, build_at_load: bool = False) -> dict[str, object]:
    """``check --base main --head HEAD`` in a new process with nothing remembered: forms built, schemas built, issues."""
    import qmskit

    env = {**os.environ, "PYTHONPATH": str(Path(qmskit.__file__).parents[1]), "QMS_CACHE": "0"}
    if build_at_load:
        env["BUILD_AT_LOAD"] = "1"
    out = subprocess.run([sys.executable, "-c", FRESH_CHECK, str(g.root), TODAY.isoformat(), head],
                         env=env, capture_output=True, text=True, timeout=300, check=True).stdout
    found: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return found


@pytest.fixture
def branch(git_repo: GitRepo) -> GitRepo:
    in_english(git_repo.root)
    git_repo.commit("English messages")
    git_repo.git("checkout", "-q", "-b", "change")
    return git_repo


def test_a_change_that_leaves_schemas_alone_builds_no_json_schema(branch: GitRepo) -> None:
    branch.edit(CMP2, "status: received", f"status: replied\nreplied: {TODAY}")
    branch.commit("答复投诉")
    found = fresh_check(branch, "change")
    forms = found["forms"]
    assert isinstance(forms, dict)
    modules = [p for p in (branch.root / "schemas").glob("*.py") if not p.name.startswith("_")]
    assert len(forms) >= len(modules) >= 4  # every form imported: nothing says which module defines which kind
    assert all(forms.values())  # and built: a base form that cannot be built fails the check closed (below)
    assert found["schemas"] == []  # schemas/ untouched: no JSON Schema built
    assert found["issues"] == fresh_check(branch, "change", build_at_load=True)["issues"]


SHOW_FRESH = """
import json, sys
from qmskit import cli
sys.argv = ["qms", "--root", sys.argv[1], "show", sys.argv[2]]
try:
    cli.main()
except SystemExit:
    pass
built = sorted(value.form.kind for name, module in list(sys.modules.items()) if name.startswith("qms_schemas.")
               for value in vars(module).values()
               if isinstance(value, type) and value.__module__ == name and "form" in value.__dict__
               and value.__pydantic_complete__)
print(json.dumps(built))
"""


def test_show_in_a_fresh_clone_masks_without_building_a_form(branch: GitRepo) -> None:
    """Nothing remembered: every form is imported to learn what to mask, none is built (nothing is validated)."""
    import qmskit

    record = branch.root / CMP2
    record.write_text(record.read_text(encoding="utf-8") + "customer_phone: '13912345678'\n", encoding="utf-8")
    branch.commit("补电话")
    env = {**os.environ, "PYTHONPATH": str(Path(qmskit.__file__).parents[1]), "QMS_CACHE": "0"}
    out = subprocess.run([sys.executable, "-c", SHOW_FRESH, str(branch.root), f"CMP-{YEAR}-0002"], env=env,
                         capture_output=True, text=True, timeout=300, check=True).stdout
    shown, built = out.rsplit("\n", 2)[0], json.loads(out.strip().splitlines()[-1])
    assert f"CMP-{YEAR}-0002" in shown and "13912345678" not in shown and "customer_phone" in shown, shown
    assert built == []


def test_a_failing_change_gets_the_same_verdicts_built_on_use_as_built_at_load(branch: GitRepo) -> None:
    branch.edit(CMP2, "status: received", "status: closed")  # skips its steps, and misses what closing needs
    branch.commit("直接关闭")
    found = fresh_check(branch, "change")
    assert found["issues"], "the change breaks the complaint's workflow"
    assert found["issues"] == fresh_check(branch, "change", build_at_load=True)["issues"]


def test_exported_schemas_are_judged_when_the_change_touches_them(branch: GitRepo) -> None:
    """A drift already on the base is the base's full check's to report; a change to schemas/ is judged."""
    branch.git("checkout", "-q", "main")
    drifted = branch.root / "schemas/json/complaint.schema.json"
    drifted.write_text(drifted.read_text(encoding="utf-8").replace('"title"', '"title" ', 1), encoding="utf-8")
    branch.commit("直接改了导出的模式")
    full = run_qms("check", cwd=branch.root)
    assert "schema-json-drift" in full.stdout and "schemas/json/complaint.schema.json" in full.stdout
    branch.git("checkout", "-q", "change")
    branch.git("merge", "-q", "--ff-only", "main")

    branch.edit(CMP2, "status: received", f"status: replied\nreplied: {TODAY}")
    branch.commit("答复投诉")
    found = fresh_check(branch, "change")
    assert not [i for i in found["issues"] if i[2] == "schema-json-drift"], found["issues"]  # type: ignore[union-attr,index]
    assert found["schemas"] == []

    for path in ("schemas/json/nonconformity.schema.json", "schemas/json/files/qms.schema.json"):
        branch.git("checkout", "-q", "-B", "edit-schema", "change")
        target = branch.root / path
        target.write_text(target.read_text(encoding="utf-8").replace('"type"', '"type" ', 1), encoding="utf-8")
        branch.commit("改导出的模式")
        found = fresh_check(branch, "edit-schema")
        drift = [i[0] for i in found["issues"] if i[2] == "schema-json-drift"]  # type: ignore[union-attr,index]
        assert path in drift, found["issues"]


LATER_CLASS_FORM = '''"""回访 / Visit: its block is defined after the form that holds it."""
from __future__ import annotations

from pydantic import Field
from qmskit.forms import FormPart, FormSpec, RecordBase, Text


class Visit(RecordBase):
    form = FormSpec(kind="visit", code="QM-V-1", title_zh="回访", title_en="Visit", procedure="QP-03",
                    id_pattern="VS-{year}-{seq:04}", confidential=("caller.phone",))
    note: Text = Field(description="说明 / note")
    caller: Caller = Field(description="来电人 / caller")


class Caller(FormPart):
    name: Text = Field(description="姓名 / name")
    phone: Text = Field(description="电话 / phone")
'''


def test_a_form_naming_a_class_its_module_defines_later_loads_and_validates(branch: GitRepo) -> None:
    """Its fields are completed at load, as building it there did: the confidential field through the later
    class is known (the form is accepted, the phone masked), and its records are validated by it."""
    write(branch.root / "schemas" / "visit.py", LATER_CLASS_FORM)
    good = f"records/visit/VS-{YEAR}-0001.yaml"
    write(branch.root / good, f"id: VS-{YEAR}-0001\nnote: 满意\ncaller:\n  name: 刘一\n  phone: '13800000000'\n")
    exported = run_qms("schema", "export", cwd=branch.root)
    assert exported.returncode == 0, exported.stderr
    checked = run_qms("check", cwd=branch.root)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    shown = run_qms("show", f"VS-{YEAR}-0001", cwd=branch.root)
    assert "刘一" in shown.stdout and "13800000000" not in shown.stdout, shown.stdout
    bad = f"records/visit/VS-{YEAR}-0002.yaml"
    write(branch.root / bad, f"id: VS-{YEAR}-0002\nnote: 未接通\ncaller:\n  name: 陈二\n")
    checked = run_qms("check", cwd=branch.root)
    assert checked.returncode == 1 and bad in checked.stdout and "phone" in checked.stdout, checked.stdout


BROKEN_VALIDATOR = '''

    from pydantic import field_validator as _validator

    @_validator("customer_nam")  # no such field: pydantic refuses it when the form is built
    @classmethod
    def _check(cls, value: object) -> object:
        return value
'''
UNRESOLVED_TYPE = '''
    extra_thing: "NoSuchType | None" = None  # names nothing: the form stays incomplete
'''


@pytest.mark.parametrize("cache", ["0", "1"], ids=["fresh-clone", "cache-on"])
@pytest.mark.parametrize(("broken", "reason"), [(BROKEN_VALIDATOR, "PydanticUserError"),
                                                 (UNRESOLVED_TYPE, "PydanticUndefinedAnnotation")],
                         ids=["validator-naming-no-field", "type-naming-nothing"])
def test_a_base_form_that_cannot_be_built_stops_any_change(branch: GitRepo, cache: str, broken: str,
                                                           reason: str) -> None:
    """The base's forms are the rules: one that pydantic refuses fails the check closed, even for a change
    that touches none of its records (forms load unbuilt, but the base's are all built before judging), and
    after a full check that stopped on it (which remembers nothing of forms that cannot be built)."""
    branch.git("checkout", "-q", "main")
    module = branch.root / "schemas" / "complaint.py"
    module.write_text(module.read_text(encoding="utf-8") + broken, encoding="utf-8")
    branch.commit("投诉表单加校验")
    env = {**os.environ, "QMS_CACHE": cache}
    full = subprocess.run([QMS, "check"], cwd=branch.root, env=env, capture_output=True, text=True, timeout=300)
    assert full.returncode == 3 and "Pydantic" in full.stderr, full.stdout + full.stderr  # the base's own full check
    assert "schemas/" in full.stderr and "bug in qmskit" not in full.stderr, full.stderr  # the form is to fix
    branch.git("checkout", "-q", "change")
    branch.git("merge", "-q", "--ff-only", "main")
    write(branch.root / "NOTES.md", "备注\n")
    branch.commit("备注")
    for _ in range(2):  # the first run remembers nothing of forms that cannot be built, so the second fails alike
        result = subprocess.run([QMS, "check", "--base", "main", "--head", "change"], cwd=branch.root,
                                env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 3, result.stdout + result.stderr
        assert "base revision" in result.stderr and reason in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
