"""What keeps large repositories workable, checked for behaviour (timings live in bench/, not here)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import TODAY, GitRepo, write
from hypothesis import given, settings
from hypothesis import strategies as st

from qmskit.checks.records import check_record_folders
from qmskit.checks.references import check_unique_ids
from qmskit.checks.sides import BaseRules, JudgedRepository
from qmskit.git import Git
from qmskit.history import HistoryIndex
from qmskit.render.markdown import render
from qmskit.repository import RecordListing, Repository
from qmskit.trail import find_record, record_report

YEAR = TODAY.year
NCR2 = f"records/nonconformity/NCR-{YEAR}-0002.yaml"
TOOLS = str(Path(__file__).resolve().parents[1] / "tools")


def test_importing_the_package_and_asking_for_help_load_no_checks() -> None:
    code = ("import sys, qmskit, qmskit.cli\n"
            "try:\n    qmskit.cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pydantic', 'qmskit.checks', 'qmskit.forms', 'yaml', 'mkdocs', 'jieba', "
            "'matplotlib', 'docx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": TOOLS}, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_public_names_still_come_from_the_package() -> None:
    import qmskit

    assert qmskit.Repository is Repository
    assert qmskit.Nonconformity.__module__ == "qmskit.forms"
    assert "check_repository" in dir(qmskit)


def test_many_ids_reach_git_grep_without_an_argument_list(git_repo: GitRepo) -> None:
    # 150,000 needles (several MB) would overflow any command line; they go through stdin
    needles = [f"NCR-{YEAR}-{n:06d}" for n in range(150_000)] + [f"NCR-{YEAR}-0001"]
    with Git(git_repo.root) as git:
        found = git.grep_files(needles, "records")
    expected = {p.relative_to(git_repo.root).as_posix() for p in (git_repo.root / "records").rglob("*.yaml")
                if f"NCR-{YEAR}-0001" in p.read_text(encoding="utf-8")}
    assert found == expected and expected
    write(git_repo.root / "records/complaint/note.yaml", f"text: 见NCR-{YEAR}-0002。\n")  # an id against Chinese text
    with Git(git_repo.root) as git:
        assert "records/complaint/note.yaml" in git.grep_files(needles + [f"NCR-{YEAR}-0002"], "records")
        git_repo.commit("note")
        at_head = git.grep_files(needles + [f"NCR-{YEAR}-0002"], "records", revision="HEAD")
        assert "records/complaint/note.yaml" in at_head and expected <= at_head


def test_a_small_pull_request_check_imports_no_multiprocessing(git_repo: GitRepo) -> None:
    """Workers are forked only for many records: a check of a few never pays for the import."""
    git_repo.edit(NCR2, "status: open", "status: analysis\nroot_cause: 未核对版本。")
    code = ("import sys\nfrom qmskit import cli\n"
            "try:\n    cli.main(['--root', sys.argv[1], 'check', '--base', 'main'])\nexcept SystemExit:\n    pass\n"
            "print('multiprocessing' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(git_repo.root)], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": TOOLS}, check=True).stdout
    assert "已检查" in out or "Checked" in out  # the check ran
    assert out.strip().splitlines()[-1] == "False"


def test_a_check_reads_no_package_metadata_while_pydantic_plugins_are_off(git_repo: GitRepo) -> None:
    """Looking for plugins imports importlib.metadata (45 ms a command); with every plugin off, nothing looks."""
    code = ("import sys\nfrom qmskit import cli\n"
            "try:\n    cli.main(['--root', sys.argv[1], 'check'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('importlib.metadata', 'email') if m in sys.modules))")

    def imported(plugins_off: str | None) -> list[str]:
        env = {**os.environ, "PYTHONPATH": TOOLS}
        env.pop("PYDANTIC_DISABLE_PLUGINS", None)
        if plugins_off is not None:
            env["PYDANTIC_DISABLE_PLUGINS"] = plugins_off
        out = subprocess.run([sys.executable, "-c", code, str(git_repo.root)], capture_output=True, text=True,
                             env=env, check=True).stdout
        assert "已检查" in out or "Checked" in out  # the check ran, its forms built
        return out.strip().splitlines()[-1].strip("[]").replace("'", "").split(", ")

    assert imported(None) == [""]  # qms turns every plugin off, so pydantic's loader is never asked
    # a user naming the plugins to skip may have others on: pydantic's own loader looks for them
    assert imported("some_plugin") == ["email", "importlib.metadata"]


def test_pydantic_plugins_work_again_once_a_program_running_qms_turns_them_back_on(git_repo: GitRepo,
                                                                                   tmp_path: Path) -> None:
    """The stand-in for pydantic's plugin loader answers "none" only while every plugin is off."""
    site = tmp_path / "site-packages"
    (site / "spy_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "spy_plugin.py").write_text(
        "class _Spy:\n    def new_schema_validator(self, *args):\n        print('PLUGIN CALLED')\n"
        "        return None, None, None\n\n\nplugin = _Spy()\n", encoding="utf-8")
    (site / "spy_plugin-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n")
    (site / "spy_plugin-1.0.dist-info" / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n")
    code = ("import os, sys\nfrom qmskit import cli\n"
            "try:\n    cli.main(['--root', sys.argv[1], 'check'])\nexcept SystemExit:\n    pass\n"
            "print('-- after qms')\ndel os.environ['PYDANTIC_DISABLE_PLUGINS']\n"
            "from pydantic import BaseModel\nclass M(BaseModel):\n    x: int\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([TOOLS, str(site)])}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    out = subprocess.run([sys.executable, "-c", code, str(git_repo.root)], capture_output=True, text=True,
                         env=env, check=True).stdout
    during, _, after = out.partition("-- after qms")
    assert "PLUGIN CALLED" not in during and "PLUGIN CALLED" in after


def test_the_git_listing_of_records_matches_the_folder_walk(git_repo: GitRepo) -> None:
    root = git_repo.root
    write(root / f"records/complaint/CMP-{YEAR}-0009.yaml", "id: x\n")  # untracked
    (root / f"records/complaint/CMP-{YEAR}-0001.yaml").unlink()  # deleted, not committed
    (root / NCR2).unlink()
    os.symlink("/etc/hostname", root / NCR2)  # a tracked record replaced by a link
    write(root / "records/.hidden/x.yaml", "id: x\n")
    write(root / f"records/nonconformity/2026/NCR-{YEAR}-0002.yaml", "id: x\n")  # a nested folder: after NCR-… in a walk
    walked = Repository(root).record_files()
    judged = JudgedRepository(root, BaseRules("HEAD", Repository(root).config, Repository(root).registry, root / "schemas"))
    listed = judged.record_files()
    assert [(r.path, r.kind, r.id, r.entry) for r in listed] == [(r.path, r.kind, r.id, r.entry) for r in walked]
    assert next(r for r in listed if r.path == NCR2).entry  # the link is named, never followed


def test_show_from_a_path_limited_log_equals_show_from_the_whole_history(git_repo: GitRepo) -> None:
    git_repo.edit(NCR2, "status: open", "status: analysis\nroot_cause: 未核对版本。")
    git_repo.commit("分析", "李娜", "2026-02-01T10:00:00+08:00")
    write(git_repo.root / "records/complaint/other.yaml", "id: other\n")
    git_repo.commit("another file", "王芳", "2026-02-02T10:00:00+08:00")
    repo = Repository(git_repo.root)
    rid = f"NCR-{YEAR}-0002"
    path, kind = find_record(repo, rid)
    assert path == NCR2 and kind is not None and kind.name == "nonconformity"
    with Git(git_repo.root) as git:
        whole = render(record_report(repo, HistoryIndex(git), rid))
        single = HistoryIndex(git, paths=(path,))
        limited = render(record_report(repo, single, rid))
    assert limited == whole and "李娜" in limited
    assert len(single.commits) == 2  # only the commits that touched it


class _Kinds:
    """A registry as the listing rules read it: its kinds' names, and no import problem."""

    kinds = {"complaint": None, "nonconformity": None}
    issues: list[object] = []


_NAMES = st.sampled_from(["A-1.yaml", "A-2.yaml", "B-1.yaml", ".A-1.yaml", "notes.txt", ".yaml", "QP-01.yaml"])
_FOLDERS = st.sampled_from(["complaint", "nonconformity", "survey", "complaint/2026", ".old", ""])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_FOLDERS, _NAMES), max_size=12, unique=True), st.sets(st.integers(0, 11), max_size=3))
def test_the_listing_rules_from_strings_say_what_a_record_by_record_walk_says(
        entries: list[tuple[str, str]], odd: set[int]) -> None:
    """Ids unique, folders known, nothing hidden: the same issues as judging each record file in turn."""
    paths = sorted(f"records/{folder}/{name}" if folder else f"records/{name}" for folder, name in entries)
    broken = {p: "a symbolic link" for i, p in enumerate(paths) if i in odd}
    listing = RecordListing(paths, broken)
    documents = {"QP-01": "manual/QP-01.md"}
    # the rules as a walk over one record file after another would apply them
    holders: dict[str, list[str]] = {}
    first: dict[str, str] = {}
    hidden = []
    for path in paths:
        parts = path.split("/")
        folder, name = "/".join(parts[1:-1]), parts[-1]
        if any(part.startswith(".") for part in parts[1:]):
            hidden.append(path)
            continue
        if path in broken:
            continue
        first.setdefault(folder, path)
        if name.endswith(".yaml"):
            holders.setdefault(name.rsplit(".", 1)[0], []).append(path)
    expected = sorted([(p, "twice") for where in holders.values() if len(where) > 1 for p in where]
                      + [(p, "document") for rid, where in holders.items() if rid in documents for p in where])
    found_ids = check_unique_ids(listing, documents)
    assert sorted((i.path, "document" if "manual/QP-01.md" in i.message else "twice") for i in found_ids) == expected
    assert all(o in i.message for i in found_ids if "manual/QP-01.md" not in i.message
               for o in holders[i.path.rsplit("/", 1)[1][:-5]] if o != i.path)  # each names the others
    found = check_record_folders(listing, _Kinds())  # type: ignore[arg-type]
    assert sorted(i.path for i in found if i.rule == "record-hidden") == sorted(hidden)
    assert sorted(i.path for i in found if i.rule != "record-hidden" and i.rule != "record-kind") == \
        sorted(set(broken) - set(hidden))
    unknown = {folder: path for folder, path in first.items() if folder not in _Kinds.kinds}
    assert sorted(i.path for i in found if i.rule == "record-kind") == sorted(unknown.values())
    walked = [(f.id, f.kind) for f in listing.files() if f.path.endswith(".yaml")]  # each file's own split
    assert listing.ids() == dict(walked)
