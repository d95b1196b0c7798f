"""``qms check --base``: a pull request judged by the rules of the revision it goes into.

Everything ``qms check`` does runs on what changed, with the base's
``qms.yml`` and forms (``sides``); then the change rules (``changes``,
``steps``, ``change_documents``). When the change edits ``schemas/``, its
own form modules run last, in the sandbox, whose answer can only add
problems: records of a form the base does not know are validated there,
and what the new forms say is compared with the base's (``rules_changed``).
The verdict is the judging process's own issues.
"""
from __future__ import annotations

import datetime as dt
import gc
import tempfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ..git import Git
from ..issues import Issue, Severity
from ..messages import text
from ..repository import CONFIG_FILE, Repository, split_record_path
from . import CheckResult, Progress, build_index, check_repository
from .changes import ChangeSet, Sides, affected_records, check_changes, collect
from .cross_records import check_changed_records, save_fact_memory
from .rules_changed import forms_changed_findings, rules_changed
from .sides import BaseRules, HeadFiles, JudgedRepository, TreeFiles, load_base_rules, read_config

if TYPE_CHECKING:
    from ..formdata import FormData



def check_pull_request(
    repo: Repository, base: str, as_of: dt.date, *, head: str | None = None, jobs: int | None = None,
    progress: Progress | None = None,
) -> CheckResult:
    git = Git(repo.root)
    git.require_root()
    # The listing of every record is kept for the whole check, tens of thousands of small objects
    # that live until the end: Python's cycle collector would walk them again and again as they are
    # made (a third of a small change's cost at 20k records). A check makes little cyclic garbage.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if head is None:
            git.hold_worktree()  # the check reads the working tree as it is now, listed once
        cs = collect(git, base, head)
        with tempfile.TemporaryDirectory(prefix="qms-pr-") as tmp:
            folder = Path(tmp)
            rules = load_base_rules(git, cs.merge_base, folder / "base", repo.root)
            return _judge(repo, git, cs, rules, folder, as_of, jobs, progress, collecting)
    finally:
        git.close()
        if collecting:
            gc.enable()


def _judge(repo: Repository, git: Git, cs: ChangeSet, rules: BaseRules, folder: Path, as_of: dt.date,
           jobs: int | None, progress: Progress | None, collecting: bool) -> CheckResult:
    files: HeadFiles
    listing: list[str] | None = None
    if cs.head is None:
        files = HeadFiles(repo.root, git)
        files.checked_out = cs.checked_out
    else:
        tree = TreeFiles(git, cs.head_commit or git.rev(cs.head), folder / "head")
        tree.lay_out_rules()
        listing = tree.record_paths()
        files = tree
    files.max_bytes = rules.config.max_file_bytes
    judged = JudgedRepository(files.root, rules, listing)
    judged.cache_root = repo.root
    judged.record_source = files  # records not laid out, and which records name a text, from git
    sides = Sides(git, files, rules)
    only = affected_records(cs, git, files, sides)
    if only is None and collecting:
        gc.enable()  # every record is checked again: the garbage each leaves behind is collected as usual
    if isinstance(files, TreeFiles) and listing is not None:  # a tree always has its listing
        files.lay_out(listing if only is None else only)
    forms_changed = any(p.startswith("schemas/") for p in cs.paths())
    result = check_repository(judged, as_of, jobs=jobs, progress=progress, only=only, schemas_changed=forms_changed)
    issues = set(result.issues) | set(files.problems()) | set(check_changes(cs, git, files, rules))
    # a closure the change contradicts is an error here, not the warning the full check gives history
    created = set(check_changed_records(judged, as_of, [c.path for c in cs.record_changes if c.status != "D"]))
    issues = (issues - created) | created
    head_config = read_config(files.read(CONFIG_FILE, rules.config.max_file_bytes))
    issues |= set(rules_changed(cs, sides, head_config))
    if forms_changed:  # last: the change's own code runs after every trusted read of the head
        present = _first_record_per_kind(judged)
        head_forms, found = _sandbox(judged, cs, files, rules, folder / "sandbox")
        issues = _merge(issues, found, cs, rules, head_forms)
        issues |= set(_forms_removed(present, rules, head_forms))
        issues |= set(forms_changed_findings(cs, sides, head_forms))
    save_fact_memory(judged)
    result.issues = sorted(issues)
    return result


def _sandbox(judged: JudgedRepository, cs: ChangeSet, files: HeadFiles, rules: BaseRules,
             folder: Path) -> tuple[list[FormData] | None, list[Issue]]:
    """Lay out the change's schemas/ and the records only its forms can judge, and run them apart."""
    from ..sandbox import Request, run_sandbox  # only a change to schemas/ gets here

    limit = rules.config.max_file_bytes
    schema_paths = _head_schema_paths(files)
    for path in schema_paths:
        _copy(files, path, folder, limit)
    listing = judged.record_listing()
    changed_modules = {p for p in cs.paths() if p.startswith("schemas/")}
    changed_kinds = {k.name for k in rules.registry.kinds.values() if k.module_path in changed_modules}
    records = listing.files({path for path in listing.paths
                             if (kind := split_record_path(path)[0]) not in rules.registry.kinds or kind in changed_kinds})
    for rf in records:
        _copy(files, rf.path, folder, limit)
    manual = build_index(judged, listing).index
    request = Request(
        root=str(folder), blame=min((p for p in changed_modules if p.endswith(".py")), default="schemas"),
        max_file_bytes=limit, max_depth=rules.config.max_depth,
        records=[(rf.path, rf.kind, rf.id) for rf in records], documents=manual.documents,
        roles=sorted(manual.roles), departments=sorted(manual.departments), record_kinds=manual.records,
    )
    answer = run_sandbox(request, request.blame)
    return answer.forms, answer.issues


def _head_schema_paths(files: HeadFiles) -> list[str]:
    """The change's form modules and exported JSON Schemas: regular files only."""
    if isinstance(files, TreeFiles):
        return [p for p, e in files.entries.items() if e.regular and _schema_file(p)]
    root = files.root
    found = [p.relative_to(root).as_posix() for p in (root / "schemas").glob("*.py")]
    found += [p.relative_to(root).as_posix() for p in (root / "schemas" / "json").glob("*.json")]
    return [p for p in found if _schema_file(p) and files.exists(p)]


def _schema_file(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return (len(parts) == 2 and path.endswith(".py")) or (len(parts) == 3 and parts[1] == "json")


def _copy(files: HeadFiles, path: str, folder: Path, limit: int) -> None:
    raw = files.read(path, max(limit, 16 * 1024 * 1024) if path.startswith("schemas/") else limit)
    if raw is not None:
        target = folder.joinpath(*PurePosixPath(path).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)


def _merge(issues: set[Issue], found: list[Issue], cs: ChangeSet, rules: BaseRules,
           head_forms: list[FormData] | None) -> set[Issue]:
    """The sandbox's issues added; a base-form problem on a changed form's record says why it still counts."""
    head_kinds = {f.kind for f in head_forms or ()}
    changed = {p for p in cs.paths() if p.startswith("schemas/")}
    changed_kinds = {k.name for k in rules.registry.kinds.values() if k.module_path in changed}
    head_said = set(found)
    merged = set(found)
    for issue in issues:
        kind = _record_kind(issue.path)
        if issue.rule == "record-kind" and kind in head_kinds:
            continue  # a new form of this change: its records were validated in the sandbox
        if (kind in changed_kinds and kind in head_kinds and issue not in head_said
                and issue.severity == Severity.ERROR and issue.rule.startswith(("schema", "record-"))):
            issue = Issue(issue.path, issue.line, issue.col, issue.rule, issue.message + text("pr.form_hint"), issue.severity)
        merged.add(issue)
    return merged


def _first_record_per_kind(judged: JudgedRepository) -> dict[str, str]:
    first: dict[str, str] = {}
    for path in judged.record_listing().paths:
        first.setdefault(split_record_path(path)[0], path)
    return first


def _forms_removed(first: dict[str, str], rules: BaseRules, head_forms: list[FormData] | None) -> list[Issue]:
    """Records the change leaves without a form: it removes or renames the form their folder names."""
    if head_forms is None:
        return []
    head_kinds = {f.kind for f in head_forms}
    return [Issue(first[name], 1, 1, "record-kind",
                  text("pr.form_removed", name=name, module=kind.module_path))
            for name, kind in sorted(rules.registry.kinds.items()) if name not in head_kinds and name in first]


def _record_kind(path: str) -> str | None:
    parts = PurePosixPath(path).parts
    return parts[1] if len(parts) == 3 and parts[0] == "records" else None


__all__ = ["check_pull_request"]
