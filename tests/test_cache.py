"""A warm ``qms check`` reuses the last results of unchanged records, and never over a changed file."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TODAY, GitRepo, spy_on_records, write

import qmskit.checks as checks
from qmskit import Repository, check_repository
from qmskit.issues import Issue

YEAR = TODAY.year
NCR2 = f"records/nonconformity/NCR-{YEAR}-0002.yaml"
CA1 = f"records/corrective_action/CA-{YEAR}-0001.yaml"


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the records actually parsed and validated (not taken from the cache)."""
    return spy_on_records(monkeypatch, checks, "check_one")


def check(root: Path) -> list[Issue]:
    return check_repository(Repository(root), TODAY, jobs=1).issues


def records(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in (root / "records").rglob("*.yaml")}


def test_warm_check_reads_no_record_and_says_the_same(git_repo: GitRepo, counted: list[str]) -> None:
    write(git_repo.root / CA1, (git_repo.root / CA1).read_text(encoding="utf-8").replace(
        f"nonconformity: NCR-{YEAR}-0001", f"nonconformity: NCR-{YEAR}-0099"))
    git_repo.commit("a broken reference, committed")
    cold = check(git_repo.root)
    assert set(counted) == records(git_repo.root)
    assert [i.rule for i in cold if i.path == CA1] == ["ref-record"]
    assert len(list((git_repo.root / ".git/qms-cache").glob("records-*.pickle"))) == 1
    counted.clear()
    warm = check(git_repo.root)
    assert counted == [] and warm == cold


def test_an_edited_file_is_checked_again_the_others_are_not(git_repo: GitRepo, counted: list[str]) -> None:
    check(git_repo.root)
    counted.clear()
    path = git_repo.root / NCR2
    path.write_text(path.read_text(encoding="utf-8").replace("status: open", "status: bogus"), encoding="utf-8")
    issues = check(git_repo.root)
    assert counted == [NCR2]
    assert any(i.path == NCR2 and i.rule == "record-status" for i in issues)


def test_records_only_touched_are_still_taken_from_the_cache(git_repo: GitRepo, counted: list[str]) -> None:
    """A copied or restored working tree: same bytes, new stat data. git's index must not be believed blindly."""
    check(git_repo.root)
    later = (git_repo.root / NCR2).stat().st_mtime + 3600
    for name in records(git_repo.root):
        path = git_repo.root / name
        path.write_bytes(path.read_bytes())  # rewritten unchanged, as an editor or a restore does
        os.utime(path, (later, later))
    edited = git_repo.root / CA1
    edited.write_text(edited.read_text(encoding="utf-8") + "# 复核\n", encoding="utf-8")
    os.utime(edited, (later, later))
    counted.clear()
    check(git_repo.root)
    assert counted == [CA1]  # the one whose bytes changed, and no other
    counted.clear()
    check(git_repo.root)
    assert counted == [CA1]  # still not the index's blob: never taken from the cache


def test_an_untracked_record_is_never_taken_from_the_cache(git_repo: GitRepo, counted: list[str]) -> None:
    check(git_repo.root)
    text = (git_repo.root / NCR2).read_text(encoding="utf-8")
    new = f"records/nonconformity/NCR-{YEAR}-0003.yaml"
    write(git_repo.root / new, text.replace(f"NCR-{YEAR}-0002", f"NCR-{YEAR}-0003"))
    counted.clear()
    check(git_repo.root)
    # a new id changes what references may name, so every record is judged again, the new one included
    assert set(counted) == records(git_repo.root) and new in counted


def test_a_new_record_resolves_references_cached_as_broken(git_repo: GitRepo) -> None:
    ca = (git_repo.root / CA1).read_text(encoding="utf-8")
    write(git_repo.root / CA1, ca.replace(f"nonconformity: NCR-{YEAR}-0001", f"nonconformity: NCR-{YEAR}-0003"))
    git_repo.commit("names a nonconformity not yet written")
    assert any(i.path == CA1 and i.rule == "ref-record" for i in check(git_repo.root))
    text = (git_repo.root / NCR2).read_text(encoding="utf-8")
    write(git_repo.root / f"records/nonconformity/NCR-{YEAR}-0003.yaml", text.replace(f"NCR-{YEAR}-0002", f"NCR-{YEAR}-0003"))
    assert not any(i.path == CA1 and i.rule == "ref-record" for i in check(git_repo.root))


def test_a_changed_form_module_empties_the_cache(git_repo: GitRepo, counted: list[str]) -> None:
    check(git_repo.root)
    counted.clear()
    form = sorted((git_repo.root / "schemas").glob("*.py"))[0]
    form.write_text(form.read_text(encoding="utf-8") + "\n# a comment is a change too\n", encoding="utf-8")
    check(git_repo.root)
    assert set(counted) == records(git_repo.root)


def test_deleting_or_spoiling_the_cache_is_safe(git_repo: GitRepo, counted: list[str]) -> None:
    cold = check(git_repo.root)
    cache = git_repo.root / ".git/qms-cache"
    spoilt = list(cache.glob("records-*.pickle"))
    assert spoilt
    for path in spoilt:
        path.write_bytes(b"not a pickle at all")
    counted.clear()
    assert check(git_repo.root) == cold and set(counted) == records(git_repo.root)
    shutil.rmtree(cache)
    counted.clear()
    assert check(git_repo.root) == cold and set(counted) == records(git_repo.root)


def test_qms_cache_0_bypasses_it(git_repo: GitRepo, counted: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QMS_CACHE", "0")
    check(git_repo.root)
    counted.clear()
    check(git_repo.root)
    assert set(counted) == records(git_repo.root)
    assert not list((git_repo.root / ".git").glob("qms-cache/records-*"))


def test_a_qms_in_a_subfolder_is_cached_apart_and_sees_its_edits(tmp_path: Path, repo: Path,
                                                                  counted: list[str]) -> None:
    outer = tmp_path / "outer"
    shutil.move(str(repo), outer / "qms") if outer.mkdir() is None else None
    g = GitRepo(outer)
    g.commit("a QMS in a subfolder")
    root = outer / "qms"
    check(root)
    path = root / NCR2
    path.write_text(path.read_text(encoding="utf-8").replace("status: open", "status: bogus"), encoding="utf-8")
    counted.clear()
    issues = check(root)
    assert counted == [NCR2] and any(i.path == NCR2 and i.rule == "record-status" for i in issues)


def test_outside_git_there_is_no_cache(repo: Path, counted: list[str]) -> None:
    first = check(repo)
    counted.clear()
    assert check(repo) == first and set(counted) == records(repo)


# -- one form without the others (qms show) ---------------------------------------------------------------

@pytest.fixture
def imported(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The form modules actually imported."""
    import qmskit.registry as registry

    seen: list[str] = []
    real = registry._import

    def spy(path):  # type: ignore[no-untyped-def]
        seen.append(path.name)
        return real(path)

    monkeypatch.setattr(registry, "_import", spy)
    return seen


def test_one_form_is_loaded_alone_once_the_whole_load_is_remembered(git_repo: GitRepo, imported: list[str]) -> None:
    root = git_repo.root
    modules = sorted(p.name for p in (root / "schemas").glob("*.py") if not p.name.startswith("_"))
    assert len(modules) > 3
    whole = Repository(root).registry  # the whole load notes which module defines each kind
    assert sorted(imported) == modules
    imported.clear()
    kind = Repository(root).kind("nonconformity")
    assert kind is not None and imported == [Path(kind.module_path).name]
    expected = whole.get("nonconformity")
    assert expected is not None
    assert (kind.name, kind.module_path, kind.spec.confidential, kind.refs) == (
        expected.name, expected.module_path, expected.spec.confidential, expected.refs)
    imported.clear()
    assert Repository(root).kind("no_such_form") is None and imported == []


def test_a_changed_form_module_or_no_cache_loads_every_form(git_repo: GitRepo, imported: list[str],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = git_repo.root
    Repository(root).registry
    module = root / Repository(root).registry.get("nonconformity").module_path  # type: ignore[union-attr]
    module.write_text(module.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    imported.clear()
    assert Repository(root).kind("nonconformity") is not None
    assert len(imported) > 3  # not remembered for these bytes: every form, as before
    imported.clear()
    monkeypatch.setenv("QMS_CACHE", "0")
    assert Repository(root).kind("nonconformity") is not None
    assert len(imported) > 3


@pytest.fixture
def crossed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the rules across records actually ran (not taken from the cache)."""
    runs: list[int] = []
    real = checks.check_cross_records

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(checks, "check_cross_records", spy)
    return runs


def test_a_warm_check_imports_no_form_and_runs_no_rule_across_records_again(
        git_repo: GitRepo, imported: list[str], crossed: list[int]) -> None:
    root = git_repo.root
    cold = check(root)
    assert len(imported) > 3 and crossed == [1]
    imported.clear()
    crossed.clear()
    warm = check(root)
    assert warm == cold and imported == [] and crossed == []


def test_the_rules_across_records_run_again_for_another_day_an_edit_or_a_new_organization(
        git_repo: GitRepo, crossed: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    root = git_repo.root
    next_year = TODAY.replace(year=YEAR + 1)

    def at(day):  # type: ignore[no-untyped-def]
        return check_repository(Repository(root), day, jobs=1).issues

    at(TODAY)
    crossed.clear()
    later = at(next_year)
    assert crossed == [1]  # another day: the rules run again
    assert at(next_year) == later and crossed == [1]  # the same day again: the kept answer
    path = root / NCR2
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # uncommitted: never from the cache
    crossed.clear()
    at(TODAY)
    at(TODAY)
    assert crossed == [1, 1]
    git_repo.commit("the edit, committed")
    org = root / "manual/organization.yml"
    at(TODAY)
    crossed.clear()
    org.write_text(org.read_text(encoding="utf-8").replace("    en: Quality department", "    en: Quality office", 1),
                   encoding="utf-8")
    assert "Quality office" in org.read_text(encoding="utf-8")
    warm = at(TODAY)
    assert crossed == [1]  # another organization: the rules run again
    monkeypatch.setenv("QMS_CACHE", "0")
    assert at(TODAY) == warm


def test_the_rules_across_records_run_again_when_the_objectives_change(
        git_repo: GitRepo, crossed: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-counted objectives are read from manual/objectives.yml, not from a record: an edit there is a new answer."""
    root = git_repo.root

    def now():  # type: ignore[no-untyped-def]
        return check_repository(Repository(root), TODAY, jobs=1).issues

    now()
    crossed.clear()
    now()
    assert crossed == []  # nothing changed: the kept answer
    objectives = root / "manual/objectives.yml"
    objectives.write_text(objectives.read_text(encoding="utf-8").replace("target: 1.0", "target: 0.9", 1),
                          encoding="utf-8")
    assert "target: 0.9" in objectives.read_text(encoding="utf-8")
    warm = now()
    assert crossed == [1]
    monkeypatch.setenv("QMS_CACHE", "0")
    assert now() == warm


def test_another_release_of_pydantic_or_pyyaml_is_another_engine(tmp_path: Path) -> None:
    """What a record's errors say and what a JSON Schema holds come from pydantic: an upgrade reads no old result."""
    tools = str(Path(__file__).resolve().parents[1] / "tools")

    def digest(*first: Path) -> str:  # a new process, as after an upgrade: its imports are found anew
        path = os.pathsep.join([*map(str, first), tools])
        return subprocess.run([sys.executable, "-c", "from qmskit.cache import engine_digest; print(engine_digest())"],
                              env={**os.environ, "PYTHONPATH": path}, capture_output=True, text=True, check=True).stdout

    now = digest()
    assert digest() == now  # the same install, the same engine
    for name, release in (("pydantic", "pydantic-2.7.1"), ("yaml", "PyYAML-6.0.1")):
        site = tmp_path / name
        init = write(site / name / "__init__.py", "VERSION = 'a release'\n")
        (site / f"{release}.dist-info").mkdir()
        installed = digest(site)
        assert installed != now  # found first on the path
        stamp = os.stat(init)
        (site / f"{release}.dist-info").rename(site / f"{release[:-1]}2.dist-info")  # a patch release whose
        os.utime(init, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # __init__.py is byte for byte the same
        upgraded = digest(site)
        assert upgraded != installed
        init.write_text("VERSION = 'rewritten in place'\n", encoding="utf-8")  # no release folder changed
        assert digest(site) not in (upgraded, installed, now)


def test_the_settings_files_schemas_are_built_once_per_engine(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    import qmskit.checks.jsonschema_drift as drift

    built: list[int] = []
    real = drift.file_schemas
    monkeypatch.setattr(drift, "file_schemas", lambda: built.append(1) or real())
    first = check(git_repo.root)
    assert check(git_repo.root) == first and len(built) == 1  # the second check reads them from .git/qms-cache
    import qmskit.cache

    monkeypatch.setattr(qmskit.cache, "_ENGINE_DIGEST", ["another engine"])
    assert check(git_repo.root) == first and len(built) == 2  # another engine builds them anew
    (git_repo.root / "schemas/json/files/qms.schema.json").write_text("{}\n", encoding="utf-8")
    assert any(i.rule == "schema-json-drift" and i.path == "schemas/json/files/qms.schema.json"
               for i in check(git_repo.root))  # the file is still compared, only the expected text is kept


# -- the engine's digest, remembered under its files' stat data ------------------------------------------------

_DIGEST_OF = ("import sys; from pathlib import Path; from qmskit.cache import engine_digest; "
              "print(engine_digest(Path(sys.argv[1])))")


def _engine_digest_in(engine: Path, root: Path, **env: str) -> str:
    """What a fresh process with the engine copied to ``engine`` takes as its digest, for the QMS at ``root``."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _DIGEST_OF, str(root)], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(engine), **env})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _bytes_digest(package: Path) -> str:
    """The engine's digest re-counted here: every .py file's name and bytes, in name order (BLAKE2)."""
    import hashlib

    from qmskit.cache import FORMAT, _libraries

    digest = hashlib.blake2b(str(FORMAT).encode() + _libraries().encode())  # the releases: see the test above
    names = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py") if "__pycache__" not in p.parts)
    for name in names:
        digest.update(name.encode() + b"\0")
        digest.update((package / name).read_bytes())
    return digest.hexdigest()


def test_an_edited_engine_is_never_taken_for_the_remembered_one(tmp_path: Path, git_repo: GitRepo) -> None:
    """The digest is remembered under each file's stat data once the files have settled; any edit is seen."""
    import time

    from qmskit import cache

    engine = tmp_path / "engine"
    shutil.copytree(Path(cache.__file__).parent, engine / "qmskit", ignore=shutil.ignore_patterns("__pycache__"))
    package, root = engine / "qmskit", git_repo.root
    folder = root / ".git" / "qms-cache"
    expected = _bytes_digest(package)
    assert _engine_digest_in(engine, root) == expected
    assert not list(folder.glob("engine-*"))  # just copied: not settled, so not remembered
    time.sleep(cache.SETTLED_NS / 1e9 + 0.2)
    assert _engine_digest_in(engine, root, QMS_CACHE="0") == expected
    assert not list(folder.glob("engine-*"))  # QMS_CACHE=0 writes nothing
    assert _engine_digest_in(engine, root) == expected
    [memo] = folder.glob("engine-*")
    signature, remembered = memo.read_text().split()
    assert remembered == expected
    memo.write_text(f"{signature} {'0' * 128}\n")  # what the next process reads is the memo, not the bytes
    assert _engine_digest_in(engine, root) == "0" * 128
    source = package / "masking.py"
    raw = source.read_bytes()
    source.write_bytes(raw.replace(b"marker", b"markes", 1))  # the same size
    edited = _bytes_digest(package)
    assert _engine_digest_in(engine, root) == edited != expected  # just written: the bytes are read
    time.sleep(cache.SETTLED_NS / 1e9 + 0.2)  # settled: now only the stat data can tell the edit from the memo
    assert _engine_digest_in(engine, root) == edited
    assert memo.read_text().split()[0] != signature  # remembered anew, under the edited file's stat data


def test_a_cache_that_cannot_be_written_is_simply_not_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only disk refuses the rename and the clean-up alike (EROFS): no command fails for its cache."""
    import errno

    from qmskit import cache

    def refused(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(cache.os, "replace", refused)
    monkeypatch.setattr(Path, "unlink", refused)
    cache._write_small(tmp_path / "engine-x", "a b\n")  # raises nothing
    assert not (tmp_path / "engine-x").exists()
    with pytest.raises(KeyboardInterrupt):  # an interrupt is not swallowed
        cache._write_whole(tmp_path / "other", lambda handle: (_ for _ in ()).throw(KeyboardInterrupt()))



def test_a_cache_entry_is_its_owners_alone_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    """Entries hold parsed records (masked only when shown): others on a shared machine do not read them."""
    import stat

    from qmskit import cache

    cache._write_small(tmp_path / "engine-x", "a b\n")
    cache._write_small(tmp_path / "engine-x", "c d\n")  # written again over the first
    assert [p.name for p in tmp_path.iterdir()] == ["engine-x"]
    assert (tmp_path / "engine-x").read_text() == "c d\n"
    assert stat.S_IMODE((tmp_path / "engine-x").stat().st_mode) == 0o600

# -- the manual: each document parsed once while its bytes stay the same ---------------------------------------

QP01 = "manual/QP-01-document-control.md"


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents actually parsed and validated (not read back from the cache)."""
    seen: list[str] = []
    real = Repository.load_document

    def spy(self: Repository, path: Path, raw: bytes | None = None) -> object:
        seen.append(self.rel(path))
        return real(self, path, raw)

    monkeypatch.setattr(Repository, "load_document", spy)
    return seen


def test_a_document_is_parsed_again_only_when_its_bytes_or_the_language_change(git_repo: GitRepo,
                                                                                parsed: list[str]) -> None:
    root = git_repo.root
    documents = {p.relative_to(root).as_posix() for p in (root / "manual").rglob("*.md")}
    first = check(root)
    assert sorted(parsed) == sorted(documents)
    parsed.clear()
    assert check(root) == first and parsed == []  # every document read back as its bytes made it
    path = root / QP01
    path.write_text(path.read_text(encoding="utf-8").replace("status: effective", "status: approved"), encoding="utf-8")
    edited = check(root)
    assert parsed == [QP01]
    wrong = [i for i in edited if i.path == QP01 and i.rule == "document-schema"]
    assert wrong and all("status" in i.message for i in wrong)
    parsed.clear()
    config = root / "qms.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("lang: zh", "lang: en"), encoding="utf-8")
    english = check(root)
    assert sorted(parsed) == sorted(documents)  # messages are stored in the language they were written in
    assert [i.message for i in english if i.path == QP01 and i.rule == "document-schema"] != [i.message for i in wrong]
    path.write_text(path.read_text(encoding="utf-8").replace("status: approved", "status: effective"), encoding="utf-8")
    parsed.clear()
    assert not [i for i in check(root) if i.path == QP01]  # mended: never the verdict kept for the broken bytes
    assert parsed == [QP01]


def test_a_spoiled_document_entry_is_parsed_again(git_repo: GitRepo, parsed: list[str]) -> None:
    import pickle

    root = git_repo.root
    first = check(root)
    (store,) = (root / ".git/qms-cache").glob("documents-*.pickle")
    digest, entries = pickle.loads(store.read_bytes())
    store.write_bytes(pickle.dumps((digest, dict.fromkeys(entries, b"not a pickle"))))
    parsed.clear()
    assert check(root) == first
    assert sorted(parsed) == sorted(p.relative_to(root).as_posix() for p in (root / "manual").rglob("*.md"))


def test_the_shipped_standards_are_parsed_once_per_engine(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    import qmskit.standards as standards

    parsed: list[str] = []
    real = standards.parse
    monkeypatch.setattr(standards, "parse", lambda loaded, rel, ident: parsed.append(rel) or real(loaded, rel, ident))
    shipped = [f"qmskit/standards/{i}.yml" for i in standards.BUILTIN_IDS]

    def fresh_check() -> list[Issue]:
        standards.builtin.cache_clear()  # as a new process starts
        return check(git_repo.root)

    first = fresh_check()
    assert parsed == shipped
    parsed.clear()
    assert fresh_check() == first and parsed == []  # read back from .git/qms-cache
    monkeypatch.setenv("QMS_CACHE", "0")
    assert fresh_check() == first and parsed == shipped


def test_the_documents_are_judged_again_when_the_standards_or_the_size_limit_change(git_repo: GitRepo,
                                                                                 parsed: list[str]) -> None:
    root = git_repo.root
    write(root / "standards/acme.yml", 'id: acme\nname: ACME supplier requirements 2025\nclauses:\n'
          '  - {clause: "1.1", en: Certificates, zh: 证书}\n')
    doc = root / QP01
    doc.write_text(doc.read_text(encoding="utf-8").replace("forms: [amendment]", 'acme: ["1.1"]\nforms: [amendment]')
                   + "\n记录保存。" * 200, encoding="utf-8")  # over the smallest size limit qms.yml allows (1 KiB)
    assert [i.rule for i in check(root) if i.path == QP01] == ["document-schema"]  # acme is no standard of qms.yml yet
    config = root / "qms.yml"
    config.write_text(re.sub(r"^standards: \[iso9001\]", "standards: [iso9001, acme]",
                             config.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    parsed.clear()
    assert [i for i in check(root) if i.path == QP01] == [] and QP01 in parsed  # validated again, now passing
    size = len(doc.read_bytes())
    assert size > 1024
    config.write_text(re.sub(r"^max_file_bytes: .*$", f"max_file_bytes: {size - 1}",
                             config.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    assert [i.rule for i in check(root) if i.path == QP01] == ["yaml-size"]


# -- reports: each valid record's data read back instead of its YAML parsed again ---------------------------------

@pytest.fixture
def report_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The records a report actually parsed (not read back from the cache)."""
    from qmskit.reports import context

    return spy_on_records(monkeypatch, context, "check_record_file")


def ncr_register(root: Path, out: Path) -> str:
    """``qms ncr --status all`` as JSON, the way a user asks for it."""
    from qmskit.cli import main

    assert main(["--root", str(root), "ncr", "--status", "all", "--as-of", TODAY.isoformat(), "--out", str(out),
                 "--format", "json", "-q"]) in (0, 1)
    [written] = out.glob("*.json")
    return written.read_text(encoding="utf-8")


def test_a_report_asked_again_parses_no_record_and_says_the_same(git_repo: GitRepo, report_reads: list[str],
                                                                   tmp_path: Path) -> None:
    cold = ncr_register(git_repo.root, tmp_path / "cold")
    assert set(report_reads) == records(git_repo.root)
    assert len(list((git_repo.root / ".git/qms-cache").glob("report-records-*.pickle"))) == 1
    report_reads.clear()
    assert ncr_register(git_repo.root, tmp_path / "warm") == cold
    assert report_reads == []


def test_a_report_reads_an_edited_or_failing_record_afresh(git_repo: GitRepo, report_reads: list[str],
                                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ncr_register(git_repo.root, tmp_path / "first")
    path = git_repo.root / NCR2
    path.write_text(path.read_text(encoding="utf-8").replace("status: open", "status: bogus"), encoding="utf-8")
    report_reads.clear()
    failing = ncr_register(git_repo.root, tmp_path / "edited")
    assert report_reads == [NCR2]  # edited: its blob is no longer git's
    assert NCR2 in failing  # named as a record left out (it fails its form)
    git_repo.commit("a record that fails its form, committed")
    report_reads.clear()
    committed = ncr_register(git_repo.root, tmp_path / "committed")
    assert report_reads == [NCR2]  # committed, it is git's blob, but a failing record is never kept
    report_reads.clear()
    assert ncr_register(git_repo.root, tmp_path / "again") == committed == failing
    assert report_reads == [NCR2]
    monkeypatch.setenv("QMS_CACHE", "0")
    report_reads.clear()
    ncr_register(git_repo.root, tmp_path / "uncached")
    assert set(report_reads) == records(git_repo.root)


def test_a_changed_form_module_makes_a_report_parse_every_record_again(git_repo: GitRepo, report_reads: list[str],
                                                                       tmp_path: Path) -> None:
    ncr_register(git_repo.root, tmp_path / "first")
    form = next((git_repo.root / "schemas").glob("*.py"))
    form.write_text(form.read_text(encoding="utf-8") + "\n# 修订\n", encoding="utf-8")
    report_reads.clear()
    ncr_register(git_repo.root, tmp_path / "second")
    assert set(report_reads) == records(git_repo.root)


def test_a_copy_with_hundreds_of_touched_files_is_refreshed_by_folder_and_its_edits_still_seen(tmp_path: Path) -> None:
    """Past a hundred touched files git is asked to refresh their folder, not each name (which it matches against
    every entry: minutes at 100,000 records); the answer is the same: only the files really edited."""
    from qmskit.git import Git

    (tmp_path / "copy").mkdir()
    g = GitRepo(tmp_path / "copy")
    folder = g.root / "records" / "complaint"
    folder.mkdir(parents=True)
    for n in range(300):
        (folder / f"CMP-2026-{n:04d}.yaml").write_text(f"id: CMP-2026-{n:04d}\n", encoding="utf-8")
    (g.root / "outside.txt").write_text("x\n", encoding="utf-8")
    g.commit("300 records")
    later = (folder / "CMP-2026-0000.yaml").stat().st_mtime + 3600
    for path in [*folder.iterdir(), g.root / "outside.txt"]:
        path.write_bytes(path.read_bytes())  # copied: the same bytes, new stat data
        os.utime(path, (later, later))
    (folder / "CMP-2026-0007.yaml").write_text("id: CMP-2026-0007\nstatus: open\n", encoding="utf-8")
    (folder / "CMP-2026-0008.yaml").unlink()
    assert Git(g.root).changed_files("records") == {"records/complaint/CMP-2026-0007.yaml",
                                                    "records/complaint/CMP-2026-0008.yaml"}
    listed = subprocess.run(["git", "diff-files", "--name-only"], cwd=g.root, capture_output=True, text=True).stdout
    assert listed.split() == ["outside.txt", "records/complaint/CMP-2026-0007.yaml",
                              "records/complaint/CMP-2026-0008.yaml"]  # refreshed under records/ only
    assert subprocess.run(["git", "diff", "--cached", "--name-only"], cwd=g.root, capture_output=True,
                          text=True).stdout == ""  # nothing staged
    assert Git(g.root).changed_files() == {"records/complaint/CMP-2026-0007.yaml", "records/complaint/CMP-2026-0008.yaml"}


SWITCHED_FORM = '''

    @model_validator(mode="after")
    def _still_taken(self):  # a form whose verdict hangs on a file beside it, not on the record alone
        if (Path(__file__).with_name("switch.txt").read_text(encoding="utf-8").strip() != "on"
                and self.customer_phone):
            raise ValueError("no longer taken")
        return self
'''


def test_a_record_the_form_no_longer_takes_is_reported_as_without_the_cache(
        git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A form may read more than the record (a list beside it): a remembered record is validated again, and one it
    no longer takes is read and reported afresh, never a crash that would print the record's values."""
    form = git_repo.root / "schemas" / "complaint.py"
    form.write_text("from pathlib import Path\nfrom pydantic import model_validator\n"
                    + form.read_text(encoding="utf-8") + SWITCHED_FORM, encoding="utf-8")
    (git_repo.root / "schemas" / "switch.txt").write_text("on\n", encoding="utf-8")
    git_repo.commit("a form that reads a switch")
    taken = ncr_register(git_repo.root, tmp_path / "on")
    (git_repo.root / "schemas" / "switch.txt").write_text("off\n", encoding="utf-8")
    cached = ncr_register(git_repo.root, tmp_path / "cached")
    monkeypatch.setenv("QMS_CACHE", "0")
    assert ncr_register(git_repo.root, tmp_path / "cold") == cached != taken
    assert "records/complaint/CMP-" in cached  # named as left out, in both
    assert "13800000001" not in capsys.readouterr().err


def test_a_report_keys_what_it_remembers_by_the_bytes_it_read_not_by_gits_index(
        git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``ident`` (or a clean/smudge filter) the file on disk is not its blob, though git calls it clean."""
    path = git_repo.root / f"records/nonconformity/NCR-{YEAR}-0001.yaml"
    text = path.read_text(encoding="utf-8")
    department = next(line for line in text.splitlines() if line.startswith("department:"))
    path.write_text(text.replace(department, 'department: "客户服务部 $Id$"'), encoding="utf-8")
    git_repo.commit("a department with an ident")
    remembered = ncr_register(git_repo.root, tmp_path / "before")
    assert "$Id$" in remembered
    (git_repo.root / ".gitattributes").write_text("*.yaml ident\n", encoding="utf-8")
    git_repo.commit("ident on")
    path.unlink()
    git_repo.git("checkout", "--", str(path.relative_to(git_repo.root)))  # now "$Id: <blob> $" on disk
    assert "$Id: " in path.read_text(encoding="utf-8")
    cached = ncr_register(git_repo.root, tmp_path / "cached")
    monkeypatch.setenv("QMS_CACHE", "0")
    assert ncr_register(git_repo.root, tmp_path / "cold") == cached
    assert "$Id: " in cached


def test_a_record_git_checks_out_through_a_filter_is_checked_afresh(git_repo: GitRepo, counted: list[str]) -> None:
    """A smudge filter (git-crypt, LFS, a keyword expander) puts other bytes on disk than the blob, though git calls
    the file clean: the check reads the file, as it would without the cache."""
    check(git_repo.root)
    (git_repo.root / ".gitattributes").write_text(f"records/nonconformity/NCR-{YEAR}-0002.yaml filter=commented\n",
                                                  encoding="utf-8")
    git_repo.git("config", "filter.commented.smudge", "sed s/^/#/")  # on disk every line a comment, in git not:
    git_repo.git("config", "filter.commented.clean", "sed s/^#//")  # bytes in and out, as git-crypt's are
    git_repo.git("add", ".gitattributes")  # the record stays as committed: its blob is the plain text
    git_repo.git("commit", "-q", "-m", "a filter on one record")
    (git_repo.root / NCR2).unlink()
    git_repo.git("checkout", "--", NCR2)
    assert "#status: open" in (git_repo.root / NCR2).read_text(encoding="utf-8")
    assert git_repo.git("diff-files", "--name-only").strip() == ""  # clean, as far as git's index says
    counted.clear()
    warm = {(i.path, i.rule) for i in check(git_repo.root)}
    assert counted == [NCR2]
    os.environ["QMS_CACHE"] = "0"
    try:
        cold = {(i.path, i.rule) for i in check(git_repo.root)}
    finally:
        del os.environ["QMS_CACHE"]
    assert warm == cold and any(path == NCR2 for path, _ in cold)


def test_a_list_a_form_reads_beside_itself_is_part_of_the_cache_key(git_repo: GitRepo, counted: list[str]) -> None:
    """A form may take its allowed values from a file in schemas/: editing that file is editing the form."""
    form = git_repo.root / "schemas" / "complaint.py"
    form.write_text("from pathlib import Path\nfrom pydantic import model_validator\n"
                    + form.read_text(encoding="utf-8") + SWITCHED_FORM, encoding="utf-8")
    (git_repo.root / "schemas" / "switch.txt").write_text("on\n", encoding="utf-8")
    git_repo.commit("a form that reads a switch")
    assert not [i for i in check(git_repo.root) if i.path.startswith("records/complaint/")]
    (git_repo.root / "schemas" / "switch.txt").write_text("off\n", encoding="utf-8")
    counted.clear()
    warm = {(i.path, i.rule) for i in check(git_repo.root)}
    assert set(counted) == records(git_repo.root)  # the forms changed: every record is judged again
    assert any(path.startswith("records/complaint/") for path, _ in warm)


def test_check_attr_is_asked_whenever_any_file_could_give_attributes(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Asking git for every path's attributes costs ~40 ms at 20,000 records; it is skipped only when none of the
    places git reads attributes from holds a file (gitattributes(5))."""
    from qmskit.cache import _attribute_files
    from qmskit.git import Git

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("GIT_ATTR_NOSYSTEM", "1")
    (tmp_path / "top" / "qms" / "records" / "ncr").mkdir(parents=True)
    g = GitRepo(tmp_path / "top")
    root = g.root / "qms"
    (root / "records" / "ncr" / "NCR-1.yaml").write_text("id: NCR-1\n", encoding="utf-8")
    g.commit("one record in a QMS below the top")
    names = ["records/ncr/NCR-1.yaml"]

    def asks() -> bool:
        return _attribute_files(Git(root), root, names)

    assert not asks()
    for place in [g.root / ".gitattributes", root / ".gitattributes", root / "records" / ".gitattributes",
                  root / "records" / "ncr" / ".gitattributes", g.root / ".git" / "info" / "attributes",
                  tmp_path / "xdg" / "git" / "attributes"]:
        place.parent.mkdir(parents=True, exist_ok=True)
        place.write_text("*.yaml ident\n", encoding="utf-8")
        assert asks(), place
        place.unlink()
    assert not asks()
    g.git("config", "core.attributesFile", str(tmp_path / "mine"))
    (tmp_path / "mine").write_text("*.yaml ident\n", encoding="utf-8")
    assert asks()


def test_a_value_pickle_cannot_save_leaves_the_cache_unwritten_and_the_command_going(git_repo: GitRepo) -> None:
    """A class pickle cannot find by its name (an enum of a form module, a local class) is not a crash."""
    from qmskit.cache import ResultCache

    class Local:  # pickle finds no ``Local`` at module level
        pass

    cache = ResultCache(git_repo.root, "probe", "d1")
    cache.put("good", ("closed",))
    cache.save()
    assert ResultCache(git_repo.root, "probe", "d1").get("good") == ("closed",)
    cache.put("bad", Local())
    cache.save()  # no exception
    again = ResultCache(git_repo.root, "probe", "d1")
    assert again.get("good") == ("closed",) and again.get("bad") is None  # the last whole write is what stays
    assert not [p for p in cache.path.parent.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]
