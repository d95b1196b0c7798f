"""Standards and document classes as data: an integrated (三体系) QMS and an English ISO 13485 QMS made by ``qms init``.

Expected figures are re-counted here from the catalogue files and the
documents' front matter, read with plain YAML, not through the engine.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import TODAY, in_english, write

from qmskit import messages
from qmskit.checks import check_repository
from qmskit.doctext import requirement_sentences, sections
from qmskit.issues import Issue
from qmskit.reports import checklist, coverage
from qmskit.reports.context import Context
from qmskit.repository import Repository
from qmskit.scaffold import init_repository

CATALOGUES = Path(__file__).resolve().parents[1] / "tools" / "qmskit" / "standards"
INTEGRATED = ["iso9001", "iso14001", "iso45001"]


def check(root: Path) -> list[Issue]:
    return check_repository(Repository(root), TODAY, jobs=1).issues


def catalogue_clauses(std: str) -> list[str]:
    return [entry["clause"] for entry in yaml.safe_load((CATALOGUES / f"{std}.yml").read_text(encoding="utf-8"))["clauses"]]


def front_matter(path: Path) -> dict:  # type: ignore[type-arg]
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    return yaml.safe_load(match.group(1)) if match else {}


def expected_uncovered(root: Path, std: str) -> list[str]:
    """Clauses no effective document tags (a tag 6.1.2 counts for 6.1), counted from the files."""
    covered: set[str] = set()
    for path in (root / "manual").glob("*.md"):
        fm = front_matter(path)
        if fm.get("status") == "effective":
            covered |= {".".join(str(t).split(".")[:2]) for t in fm.get(std, [])}
    return [c for c in catalogue_clauses(std) if c not in covered]


@pytest.fixture(scope="module")
def integrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("integrated") / "qms"
    init_repository(target, TODAY, "zh", INTEGRATED)
    return target


@pytest.fixture(scope="module")
def medical(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("medical") / "qms"
    init_repository(target, TODAY, "en", ["iso13485"])
    return target


def copy(src: Path, tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(src, tmp_path / "qms")
    return tmp_path / "qms"


def test_integrated_starter_passes_and_reports_each_standards_gaps(integrated: Path) -> None:
    assert check(integrated) == []
    assert yaml.safe_load((integrated / "qms.yml").read_text(encoding="utf-8"))["standards"] == INTEGRATED
    report = coverage.build(Context.load(Repository(integrated), TODAY))
    assert list(report.data["standards"]) == INTEGRATED
    for std in INTEGRATED:
        expected = expected_uncovered(integrated, std)
        assert 0 < len(expected) < len(catalogue_clauses(std))  # the starter covers some clauses of each, not all
        assert report.data["standards"][std]["uncovered"] == expected
        assert set(report.data["standards"][std]["clauses"]) == set(catalogue_clauses(std))
    # the integrated view: every clause number of the three, with the documents serving more than one standard
    common = report.data["integrated"]
    assert set(common) == set().union(*(catalogue_clauses(s) for s in INTEGRATED))
    assert "QP-01" in common["7.5"]["shared"] and set(common["7.5"]["documents"]) == set(INTEGRATED)
    assert set(common["5.4"]["documents"]) == {"iso45001"}  # consultation of workers: 45001 alone
    assert common["8.2"]["uncovered_in"] == ["iso9001"] or "QP-03" in common["8.2"]["documents"]["iso9001"]
    assert "环境" in (integrated / "manual" / "EP-01-environmental-aspects.md").read_text(encoding="utf-8")


def test_english_13485_starter_passes_with_sop_class_and_english_text(medical: Path) -> None:
    assert check(medical) == []
    fm = front_matter(medical / "manual" / "SOP-01-product-realization.md")
    assert fm["type"] == "SOP" and fm["iso13485"] and "iso9001" not in fm
    assert "SOP" in yaml.safe_load((medical / "qms.yml").read_text(encoding="utf-8"))["document_classes"]
    ctx = Context.load(Repository(medical), TODAY)
    assert ctx.lang == "en"
    report = coverage.build(ctx)
    assert list(report.data["standards"]) == ["iso13485"]
    expected = expected_uncovered(medical, "iso13485")
    assert expected and report.data["uncovered"] == expected == report.data["standards"]["iso13485"]["uncovered"]
    assert report.data["integrated"] == {}  # 13485 does not follow the common structure: no integrated view
    assert report.title == "ISO 13485 clause coverage"


def test_checklist_finds_english_shall_and_must_sentences(medical: Path) -> None:
    body = (medical / "manual" / "QP-02-nonconformity.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    found = [s for sec in sections(body) for s in requirement_sentences(sec)]
    assert "Every nonconformity shall be recorded on a nonconformity report within one working day." in found
    assert "The owner must determine the root cause before actions are decided." in found
    assert not any("Flow" in s or "Records" in s for s in found)
    report = checklist.build(Context.load(Repository(medical), TODAY), scope=["SOP-01"])
    rows = [r for r in report.data["rows"] if r["kind"] == "requirement"]
    assert any("Design inputs must include" in r["text"] for r in rows)
    assert all(r["clauses"] for r in rows)
    # --scope by clause of a named standard pulls in the documents tagging it
    by_clause = checklist.build(Context.load(Repository(medical), TODAY), scope=["iso13485:7.3"])
    assert by_clause.data["documents"] == ["SOP-01"]


def test_duplicate_clause_in_an_own_catalogue_names_the_fix(integrated: Path, tmp_path: Path) -> None:
    repo = in_english(copy(integrated, tmp_path))  # the English wording of the messages
    write(repo / "standards/acme.yml", 'id: acme\nname: ACME supplier requirements 2025\nstructure: own\nclauses:\n'
          '  - {clause: "1.1", en: Certificates, zh: 证书}\n  - {clause: "1.2", en: Labels, zh: 标签}\n'
          '  - {clause: "1.1", en: Certificates again, zh: 证书}\n')
    text = (repo / "qms.yml").read_text(encoding="utf-8").replace("iso45001]", "iso45001, acme]")
    (repo / "qms.yml").write_text(text, encoding="utf-8")
    issues = [i for i in check(repo) if i.rule == "standard-clause-duplicate"]
    assert [(i.path, i.line) for i in issues] == [("standards/acme.yml", 7)]
    assert "listed twice (also on line 5)" in issues[0].message and "keep one entry" in issues[0].message
    # fixed, the organization's own standard is a field of its documents like the shipped ones
    write(repo / "standards/acme.yml", 'id: acme\nname: ACME supplier requirements 2025\nclauses:\n'
          '  - {clause: "1.1", en: Certificates, zh: 证书}\n  - {clause: "1.2", en: Labels, zh: 标签}\n')
    doc = repo / "manual/QP-01-document-control.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("forms: [amendment]", 'acme: ["1.2"]\nforms: [amendment]'),
                   encoding="utf-8")
    assert check(repo) == []
    report = coverage.build(Context.load(Repository(repo), TODAY))
    assert report.data["standards"]["acme"]["uncovered"] == ["1.1"]


def test_an_own_catalogue_without_its_name_names_the_missing_key(integrated: Path, tmp_path: Path) -> None:
    # found by mypy --strict: the message for a missing key crashed with a TypeError (two values for 'key')
    repo = in_english(copy(integrated, tmp_path))
    write(repo / "standards/acme.yml", 'id: acme\nclauses:\n  - {clause: "1.1", en: Certificates, zh: 证书}\n')
    text = (repo / "qms.yml").read_text(encoding="utf-8").replace("iso45001]", "iso45001, acme]")
    (repo / "qms.yml").write_text(text, encoding="utf-8")
    issues = [i for i in check(repo) if i.path == "standards/acme.yml"]
    assert [(i.line, i.rule) for i in issues] == [(1, "standard-catalogue")]
    assert "'name' is required" in issues[0].message  # the English catalogue's words (lang: en above)


def test_a_clause_of_a_standard_not_named_names_the_fix(repo: Path) -> None:
    in_english(repo)
    doc = repo / "manual/QP-01-document-control.md"
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text.replace("forms: [amendment]", 'iso14001: ["7.5"]\nforms: [amendment]'), encoding="utf-8")
    line = doc.read_text(encoding="utf-8").splitlines().index('iso14001: ["7.5"]') + 1
    issues = check(repo)
    assert [(i.rule, i.path, i.line) for i in issues] == [("document-standard", "manual/QP-01-document-control.md", line)]
    assert "add iso14001 to standards in qms.yml" in issues[0].message and "ISO 14001:2015" in issues[0].message


def test_an_unknown_clause_names_its_standard(repo: Path) -> None:
    in_english(repo)
    doc = repo / "manual/QP-01-document-control.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace('iso9001: ["7.5"]', 'iso9001: ["7.5", "11.2"]'), encoding="utf-8")
    issues = check(repo)
    assert [i.rule for i in issues] == ["document-clause"]
    assert "'11.2' is not a clause of ISO 9001:2015 (GB/T 19001-2016) (4.1 … 10.3)" in issues[0].message


def test_an_unknown_class_names_the_fix_and_a_declared_one_passes(repo: Path) -> None:
    doc = repo / "manual/QP-01-document-control.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("type: QP", "type: SOP"), encoding="utf-8")
    issues = check(repo)
    assert [(i.rule, i.line) for i in issues] == [("document-schema", 4)]
    with messages.using("zh"):  # the starter says lang: zh
        assert issues[0].message == messages.text("std.doc_class", code="SOP", known="QM QP WI FOR REG JD MAN REF")
    assert "document_classes" in issues[0].message
    config = repo / "qms.yml"
    config.write_text(config.read_text(encoding="utf-8") + "document_classes:\n  QM: {zh: 质量手册, en: quality manual}\n"
                      "  QP: {zh: 程序文件, en: procedure}\n  SOP: {zh: 标准作业程序, en: standard operating procedure}\n",
                      encoding="utf-8")
    assert check(repo) == []
    from qmskit.render.markdown import render
    from qmskit.reports import registers

    text = render(registers.build(Context.load(Repository(repo), TODAY), "documents"))
    row = next(line for line in text.splitlines() if line.startswith("| QP-01 "))
    assert "| 标准作业程序 |" in row  # the register names the organization's own class


def test_qms_yml_naming_a_standard_without_catalogue_names_the_fix(repo: Path) -> None:
    in_english(repo)
    config = repo / "qms.yml"
    text = config.read_text(encoding="utf-8")
    assert "standards: [iso9001]\n" in text
    config.write_text(text.replace("standards: [iso9001]\n", "standards: [iso9001, iso27001]\n"), encoding="utf-8")
    issues = check(repo)
    assert [(i.rule, i.path) for i in issues] == [("config", "qms.yml")]
    assert "'iso27001'" in issues[0].message and "standards/<id>.yml" in issues[0].message


def test_the_old_import_path_reads_the_catalogue() -> None:
    from qmskit.iso9001 import CLAUSES, clause_of

    assert list(CLAUSES) == catalogue_clauses("iso9001") and clause_of("7.1.5") == "7.1" and clause_of("11.1") is None
    for std in ("iso9001", "iso14001", "iso45001", "iso13485"):
        data = yaml.safe_load((CATALOGUES / f"{std}.yml").read_text(encoding="utf-8"))
        assert data["id"] == std and data["national"] and all(e["en"] and e["zh"] for e in data["clauses"])


def test_review_packet_answers_each_standards_inputs_or_names_what_to_prepare(medical: Path, integrated: Path) -> None:
    from qmskit.render.markdown import render
    from qmskit.reports import review

    keys = {key for key, _, _ in review.INPUTS}
    for std in ("iso14001", "iso45001", "iso13485"):
        inputs = yaml.safe_load((CATALOGUES / f"{std}.yml").read_text(encoding="utf-8"))["review_inputs"]
        assert inputs and all(set(i["packet"]) <= keys for i in inputs), std  # every reference is a section of the packet
    report = review.build(Context.load(Repository(medical), TODAY))
    listed = yaml.safe_load((CATALOGUES / "iso13485.yml").read_text(encoding="utf-8"))["review_inputs"]
    assert [i["input"] for i in report.data["standards"]["iso13485"]] == [i["id"] for i in listed]
    unanswered = [i["id"] for i in listed if not i["packet"]]
    assert unanswered == ["c", "l"]
    assert f"To be prepared separately: {', '.join(unanswered)}." in render(report)
    together = review.build(Context.load(Repository(integrated), TODAY))
    assert list(together.data["standards"]) == ["iso14001", "iso45001"]  # 9001's own inputs are the packet's sections


def test_site_pages_use_the_organizations_classes_and_standards(medical: Path, tmp_path: Path) -> None:
    from qmskit.site import stage

    staged = stage(Context.load(Repository(medical), TODAY), tmp_path / "staging")
    documents = next(entry for entry in staged.nav if "Documents" in entry)["Documents"]
    ids = [next(iter(item)).split(" ")[0] for item in documents]  # type: ignore[union-attr]
    assert ids == ["QM-01", "QP-01", "QP-02", "QP-03", "SOP-01"]  # by class: manual, procedures, then the SOPs
    page = (staged.docs / "SOP-01-product-realization.md").read_text(encoding="utf-8")
    assert "| Class | standard operating procedure |" in page
    dashboard = (staged.docs / "dashboards" / "coverage.md").read_text(encoding="utf-8")
    expected = expected_uncovered(medical, "iso13485")
    assert "# ISO 13485 clause coverage" in dashboard
    assert f"{len(catalogue_clauses('iso13485'))} clauses, {len(catalogue_clauses('iso13485')) - len(expected)} covered" in dashboard
    record = (staged.docs / "records" / "nonconformity" / f"NCR-{TODAY.year}-0001.md").read_text(encoding="utf-8")
    assert "| Root cause |" in record and "原因分析" not in record  # the form's labels in the starter's language


def test_a_pull_request_of_a_branch_reads_the_organizations_own_catalogues(repo: Path) -> None:
    """``--head BRANCH`` judges the branch's standards/ as the full check does (they were left out of its files)."""
    from conftest import GitRepo

    from qmskit.checks import check_pull_request

    write(repo / "standards/acme.yml", 'id: acme\nname: ACME supplier requirements 2025\nclauses:\n'
          '  - {clause: "1.1", en: Certificates, zh: 证书}\n  - {clause: "1.2", en: Labels, zh: 标签}\n')
    config = repo / "qms.yml"
    config.write_text(re.sub(r"^standards: \[iso9001\]", "standards: [iso9001, acme]", config.read_text(encoding="utf-8"),
                             flags=re.M), encoding="utf-8")
    doc = repo / "manual/QP-01-document-control.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("forms: [amendment]", 'acme: ["1.2"]\nforms: [amendment]'),
                   encoding="utf-8")
    assert check(repo) == []
    git = GitRepo(repo)
    git.commit("ACME 的条款目录")
    git.git("checkout", "-q", "-b", "change")
    record = sorted((repo / "records/nonconformity").glob("*.yaml"))[0]
    record.write_text(record.read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8")
    git.commit("a record touched")
    git.git("checkout", "-q", "main")
    assert check_pull_request(Repository(repo), "main", TODAY, head="change").issues == []
    # a catalogue the branch breaks, or puts behind a link, is found there too
    git.git("checkout", "-q", "change")
    write(repo / "standards/acme.yml", 'id: acme\nname: ACME supplier requirements 2025\nclauses:\n'
          '  - {clause: "1.1", en: Certificates, zh: 证书}\n  - {clause: "1.1", en: Labels, zh: 标签}\n')
    (repo / "standards/link.yml").symlink_to(repo / "standards/acme.yml")
    git.commit("a duplicate clause, and a link")
    git.git("checkout", "-q", "main")
    found = check_pull_request(Repository(repo), "main", TODAY, head="change").issues
    assert ("standards/acme.yml", "standard-clause-duplicate") in {(i.path, i.rule) for i in found}
    assert any(i.path == "standards/link.yml" and i.rule == "file-not-regular" for i in found), found
    # links the working-tree check never reads (no catalogue's name, hidden, in a sub-folder) are no finding there
    git.git("checkout", "-q", "change")
    (repo / "standards/link.yml").unlink()
    write(repo / "standards/acme.yml", 'id: acme\nname: ACME supplier requirements 2025\nclauses:\n'
          '  - {clause: "1.1", en: Certificates, zh: 证书}\n  - {clause: "1.2", en: Labels, zh: 标签}\n')
    (repo / "standards/sub").mkdir()
    for name in ("README.md", ".hidden.yml", "sub/l.yml"):
        (repo / "standards" / name).symlink_to(repo / "qms.yml")
    (repo / "manual/.attic").mkdir()
    (repo / "manual/.attic/old.md").symlink_to(doc)
    git.commit("links nobody reads")
    in_tree = check_pull_request(Repository(repo), "main", TODAY).issues
    git.git("checkout", "-q", "main")
    assert check_pull_request(Repository(repo), "main", TODAY, head="change").issues == in_tree == []
