"""Canary test: no confidential field (personal data) reaches any report, in any format.

A copy of the reference QMS gets a unique canary string in every confidential
field (``FormSpec.confidential``) of every record, in a second git commit so
that history-based sections see the change too. The copy must still pass
``qms check`` (a record that fails its form would be left out of reports, and
prove nothing). Then every report is written as Markdown, DOCX and JSON, and
every file, every XML part inside each DOCX, the text of each DOCX and the
bytes of each chart image are searched for the canaries: none may appear.
Finally one report made with ``--include-confidential`` must show them, and
say so on its first page, which proves the search can fail.
"""
from __future__ import annotations

import concurrent.futures
import io
import os
import re
import shutil
import subprocess
import sys
import typing
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import QMS, GitRepo, run_qms
from sitekit import canary_hits
from pydantic import BaseModel, TypeAdapter, ValidationError

from qmskit import Repository
from qmskit.yamlio import dumps, loads

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-27"
COPIED = ("manual", "schemas", "records", "qms.yml", "mkdocs.yml")
WORD_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")


def canary(kind: str, field: str, n: int) -> str:
    return f"CANARY-{kind}-{field}-{n}"


def takes_text(model: type[BaseModel], path: list[str]) -> bool:
    """Whether the field at a dotted path (through lists of sub-forms) accepts a string."""
    info = model.model_fields.get(path[0])
    if info is None:
        return False
    if len(path) == 1:
        try:
            annotation = typing.Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
            TypeAdapter(annotation).validate_python("CANARY-x-y-1")  # with the field's own constraints
        except ValidationError:
            return False
        return True
    inner = [a for a in typing.get_args(info.annotation) or (info.annotation,)
             if isinstance(a, type) and issubclass(a, BaseModel)]
    return any(takes_text(m, path[1:]) for m in inner)


def plant(data: dict[str, Any], path: list[str], value: str) -> int:
    """Set ``value`` at a dotted path (through every item of a list); how many values were set."""
    head, *rest = path
    if not rest:
        data[head] = value
        return 1
    inner = data.get(head)
    items = inner if isinstance(inner, list) else [inner]
    return sum(plant(item, rest, value) for item in items if isinstance(item, dict))


def copy_reference(root: Path) -> GitRepo:
    """A committed copy of the reference QMS (its manual, forms, records and settings) in ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.exists():
            shutil.copy2(source, root / name)
    git = GitRepo(root)
    git.commit("参考体系", "王芳", "2026-01-05T09:00:00+08:00")
    return git


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """The reference QMS with a canary in every confidential field: (root, kind → values planted)."""
    root = tmp_path_factory.mktemp("canary") / "qms"
    git = copy_reference(root)

    repo = Repository(root)
    counts: dict[str, int] = {}
    serial = 0
    for rf in repo.record_files():
        kind = repo.registry.get(rf.kind)
        if kind is None or not kind.spec.confidential or not rf.path.endswith(".yaml"):
            continue
        path = root / rf.path
        text = path.read_text(encoding="utf-8")
        data = loads(text).data
        if not isinstance(data, dict):
            continue
        for field in kind.spec.confidential:
            if not takes_text(kind.model, field.split(".")):  # a date or a number: a canary would be invalid
                continue
            serial += 1
            counts[kind.name] = counts.get(kind.name, 0) + plant(data, field.split("."), canary(kind.name, field, serial))
        header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))[:1000]
        path.write_text(header + dumps(data), encoding="utf-8")
    git.commit("填写联系人", "李四", "2026-06-01T09:00:00+08:00")
    return root, counts


@pytest.fixture(scope="module")
def outputs(planted: tuple[Path, dict[str, int]], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Every report of the planted copy, in every format: (output folder, everything the commands printed)."""
    root, _ = planted
    out = tmp_path_factory.mktemp("reports")
    formats = ["--format", "md", "--format", "docx", "--format", "json"]
    plans = sorted(p.stem for p in (root / "records" / "audit_plan").glob("*.yaml"))
    commands = {"all": ["reports"], "ncr": ["ncr", "--status", "all"],
                **{f"checklist-{plan}": ["checklist", plan] for plan in plans}}
    assert plans, "the reference QMS has no audit plan"

    def run(name: str) -> tuple[list[str], Any]:  # each command its own folder: no two write one file
        args = [*commands[name], "--as-of", AS_OF, *formats, "--out", str(out / name)]
        return args, run_qms(*args, cwd=root)

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, commands))
    printed = []
    for args, result in results:
        assert result.returncode == 0, f"qms {' '.join(args)}: {result.stderr}"
        printed.append(result.stdout + result.stderr)
    return out, "\n".join(printed)


def leaks(folder: Path) -> dict[str, set[str]]:
    """Canaries found in each file (and each part of each DOCX) under ``folder``."""
    found: dict[str, set[str]] = {}

    def note(where: str, blob: bytes) -> None:
        if hits := canary_hits(blob):
            found.setdefault(where, set()).update(hits)

    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(folder).as_posix()
        note(f"{rel} (file name)", rel.encode())
        blob = path.read_bytes()
        note(rel, blob)  # Markdown, JSON, the PNG's bytes (its text chunks), the DOCX's zip directory
        if path.suffix == ".docx":
            with zipfile.ZipFile(io.BytesIO(blob)) as archive:
                for name in archive.namelist():
                    part = archive.read(name)
                    note(f"{rel}:{name}", part)
                    if name.endswith(".xml"):  # the text as Word shows it, even when split over runs
                        note(f"{rel}:{name} (text)", "".join(WORD_TEXT.findall(part.decode("utf-8"))).encode())
    return found


def test_the_planted_copy_still_passes_qms_check(planted: tuple[Path, dict[str, int]]) -> None:
    root, counts = planted
    repo = Repository(root)
    expected = {k.name for k in repo.registry.kinds.values() if k.spec.confidential}
    assert expected and set(counts) == expected, "a form with confidential fields has no record to plant in"
    assert all(n > 0 for n in counts.values()), counts
    result = run_qms("check", "--as-of", AS_OF, cwd=root)
    assert result.returncode == 0, result.stdout[-3000:]
    assert len(list((root / "records").rglob("*.yaml"))) > 300


def test_no_confidential_value_in_any_report(outputs: tuple[Path, str]) -> None:
    out, printed = outputs
    files = [p for p in out.rglob("*") if p.is_file()]
    suffixes = {p.suffix for p in files}
    assert {".md", ".docx", ".json", ".png"} <= suffixes, suffixes
    assert any(p.name.startswith("checklist-") for p in files) and any(p.name.startswith("ncr-") for p in files)
    assert any(p.name.startswith("register-") for p in files)
    found = leaks(out)
    assert not found, "confidential values in reports:\n" + "\n".join(
        f"{where}: {', '.join(sorted(hits)[:3])}" for where, hits in sorted(found.items())[:30])
    assert "CANARY" not in printed


def test_include_confidential_shows_them_and_says_so(planted: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    """The control: the same search finds the canaries once they are asked for, and the report says so."""
    root, _ = planted
    result = run_qms("register", "training_record", "--as-of", AS_OF, "--format", "md", "--format", "docx",
                     "--format", "json", "--include-confidential", "--out", str(tmp_path), cwd=root)
    assert result.returncode == 0, result.stderr
    found = leaks(tmp_path)
    md, docx_file, json_file = (tmp_path / f"register-training_record.{ext}" for ext in ("md", "docx", "json"))
    trainers = {c for hits in found.values() for c in hits if c.startswith("CANARY-training_record-trainer-")}
    assert trainers, "--include-confidential shows no trainer: the register lists no confidential field"
    assert md.name in found and json_file.name in found
    assert f"{docx_file.name}:word/document.xml (text)" in found

    notice = "本报告包含保密字段"
    md_lines = md.read_text(encoding="utf-8").splitlines()
    assert md_lines[0].startswith("# ") and notice in md_lines[2], md_lines[:4]  # right under the title

    document = docx.Document(str(docx_file))
    assert document.paragraphs[0].style.name == "Title"
    assert notice in document.paragraphs[1].text  # the paragraph after the title, before any section or table
    with zipfile.ZipFile(docx_file) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert body.index(notice) < body.index("<w:tbl>")


def test_canary_search_sees_inside_docx_and_split_runs(tmp_path: Path) -> None:
    """The search itself: a canary in a DOCX, split over two runs, is found."""
    body = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
            '<w:r><w:t>CANARY-complaint-cus</w:t></w:r><w:r><w:t xml:space="preserve">tomer_name-7</w:t></w:r>'
            '</w:p></w:body></w:document>')
    with zipfile.ZipFile(tmp_path / "x.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", body)
    found = leaks(tmp_path)
    assert found["x.docx:word/document.xml (text)"] == {"CANARY-complaint-customer_name-7"}
    assert set(found) >= {"x.docx:word/document.xml"}  # the partial canary in the raw XML counts too


_SPY = '''
import os


class _Spy:
    """A pydantic plugin: pydantic hands it every validator it builds, and it could see every value validated."""

    def new_schema_validator(self, schema, schema_type, schema_type_path, schema_kind, config, plugin_settings):
        with open(os.environ["SPY_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{schema_type_path.module}.{schema_type_path.name}\\n")
        return None, None, None


plugin = _Spy()
'''


def test_a_pydantic_plugin_installed_beside_qmskit_is_not_handed_the_records(repo: Path, tmp_path: Path) -> None:
    """Plugins (observability tools) receive every value a model validates: ``qms`` runs without them."""
    site = tmp_path / "site-packages"
    (site / "spy_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "spy_plugin.py").write_text(_SPY, encoding="utf-8")
    (site / "spy_plugin-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n")
    (site / "spy_plugin-1.0.dist-info" / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n")
    log = tmp_path / "spy.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]), "SPY_LOG": str(log)}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    # the plugin is really installed: a plain pydantic model in the same environment is handed to it
    subprocess.run([sys.executable, "-c", "from pydantic import BaseModel\nclass M(BaseModel):\n    x: int\nM(x=1)"],
                   env=env, check=True)
    assert "M" in log.read_text(encoding="utf-8")
    log.unlink()
    done = subprocess.run([QMS, "check"], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not log.exists()
