"""The ``qms`` command: output formats and exit codes, nothing else; its parser is :mod:`qmskit.commandline`.

Exit codes: 0 clean, 1 problems found, 2 the command could not run as asked,
3 an internal error (a bug in qmskit; never reported as 0).
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .errors import QmsError
from .messages import join, text
from .notyping import TYPE_CHECKING

# json, the near-miss suggestions, argparse and every command's own modules are imported where used: a question
# about one record should cost what that record costs (tests/test_show_one_item.py holds what `qms show` imports)
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from .checks import CheckResult
    from .git import Git
    from .issues import Issue
    from .report import Report
    from .reports.context import Context
    from .repository import Repository

    # the command line as read: argparse's namespace, or the plain one plain_question makes for a plain question
    Args = argparse.Namespace | types.SimpleNamespace

# every sentence the command writes comes from the message catalogue, in the repository's language
from .messages import configured_language, set_language


def _repository_language(argv: Sequence[str]) -> str:
    """The ``lang`` of the repository the command will run in, read before anything else.

    Usage errors, every --help, a missing or broken qms.yml and everything
    said before the repository is loaded are then in its language too.
    """
    from .messages import configured_language

    root: Path | None = None
    for n, word in enumerate(argv):
        if word == "--root" and n + 1 < len(argv):
            root = Path(argv[n + 1])
        elif word.startswith("--root="):
            root = Path(word.split("=", 1)[1])
    return configured_language(root, search_up=False) if root else configured_language(Path.cwd())


# the plain questions plain_question reads: each command's positional (its name in argparse's namespace) and the
# defaults of its options in its parser (qmskit.commandline); tests/test_plain_question.py holds them to argparse's
_PLAIN: dict[str, tuple[str, dict[str, object]]] = {
    "show": ("id", {"reveal": False, "format": None}),
    "history": ("doc_id", {"format": None}),
}


def plain_question(words: Sequence[str]) -> types.SimpleNamespace | None:
    """``[--root DIR] show ID`` or ``[--root DIR] history DOC``, read as argparse reads them; None for anything else.

    Importing argparse (with gettext and locale) and building a command's
    parser was a tenth of what such a question asked again costs. These
    words leave argparse no choice: no word given as the id or the folder
    starts with ``-`` (argparse would read it as an option), so the answer is
    the namespace argparse would make. Everything else (help, any option, an
    abbreviation, a usage error) is argparse's to read, so what it answers
    and how it words it do not change.
    """
    root: str | None = None
    if len(words) == 4 and words[0] == "--root":
        root, words = words[1], words[2:]
    if len(words) != 2 or words[0] not in _PLAIN or words[1].startswith("-") or (root or "").startswith("-"):
        return None
    command, word = words
    positional, defaults = _PLAIN[command]
    return types.SimpleNamespace(root=None if root is None else Path(root), quiet=False, verbose=0, command=command,
                                 **defaults, **{positional: word})


def _repo(args: Args) -> Repository:
    from .lookup import qms_root
    from .repository import Repository

    repo = Repository(qms_root(args.root))
    _detail(args, text("cli.verbose_repository", root=repo.root))
    return repo


@contextmanager
def _repo_and_git(args: Args) -> Iterator[tuple[Repository, Git]]:
    """The repository and its git history: what show, history, log and diff all start from."""
    from .git import Git

    repo = _repo(args)
    with Git(repo.root) as git:
        git.require_root()
        yield repo, git


def _emit(args: Args, report: Report) -> None:
    """A report as asked: a table on a terminal, Markdown when piped or with --format md, or JSON."""
    fmt = args.format or ("table" if sys.stdout.isatty() else "md")
    if fmt == "json":
        import json

        from .termout import report_json

        print(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    elif fmt == "table":
        from .termout import render_terminal

        render_terminal(report, sys.stdout)
    else:
        from .render.markdown import render

        print(render(report), end="")


def _quiet(args: Args) -> bool:
    return bool(getattr(args, "quiet", False))


def _info(args: Args, text: str) -> None:
    """A line that tells what was done (not a problem): left out with -q."""
    if not _quiet(args):
        print(text)


def _detail(args: Args, text: str) -> None:
    """A line for -v only, on stderr so that it never mixes with a format meant for a program."""
    if getattr(args, "verbose", 0) and not _quiet(args):
        print(f"qms: {text}", file=sys.stderr)


def _github_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub reads it: it cannot end the line or start a command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    """A workflow command's property (file, title): ``:`` and ``,`` escaped too, so a name cannot add properties."""
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def _printable(text: str) -> str:
    """One line of text: control characters (a newline in a file name) shown escaped, never printed."""
    return "".join(f"\\x{ord(c):02x}" if c < " " or "\x7f" <= c <= "\x9f" else c for c in text)


def _print_issues(issues: Sequence[Issue], fmt: str) -> None:
    if fmt == "github":
        for i in issues:
            print(f"::{i.severity.value} file={_github_property(i.path)},line={i.line},col={i.col},"
                  f"title={_github_property(i.rule)}::{_github_data(i.message)}")
    else:
        from .termout import colour_wanted, paint

        on = colour_wanted(sys.stdout)
        for i in issues:
            line = _printable(i.format())
            if on:  # path bold, rule red (yellow for a warning); the words as they are
                where, _, rest = line.partition(": ")
                rule, _, message = rest.partition(": ")
                line = f"{paint(where, 'bold', on)}: {paint(rule, 'red' if i.severity.value == 'error' else 'yellow', on)}: {message}"
            print(line)


def check_summary(result: CheckResult) -> dict[str, Any]:
    """``check --format json``: counts by severity and by rule, then every issue."""
    by_rule: dict[str, dict[str, int]] = {}
    for issue in result.issues:
        counts = by_rule.setdefault(issue.rule, {"error": 0, "warning": 0})
        counts[issue.severity.value] = counts.get(issue.severity.value, 0) + 1
    return {
        "ok": result.ok,
        "checked": {"documents": result.documents, "forms": result.kinds, "records": result.records},
        "counts": {"error": len(result.errors), "warning": len(result.warnings)},
        "rules": {rule: {k: v for k, v in counts.items() if v} for rule, counts in sorted(by_rule.items())},
        "issues": [i.as_dict() for i in result.issues],
    }


def cmd_check(args: Args) -> int:
    import time

    from .checks import check_pull_request, check_repository
    from .seal import check_seals
    from .termout import progress_line

    repo = _repo(args)
    as_of = args.as_of or dt.date.today()
    if args.head and not args.base:
        raise QmsError(text("cli.head_without_base"))
    started = time.monotonic()
    with progress_line(sys.stderr, lambda done, total: text("summary.progress", done=done, total=total),
                       show=not _quiet(args)) as progress:
        if args.base:
            result = check_pull_request(repo, args.base, as_of, head=args.head, jobs=args.jobs, progress=progress)
        else:
            result = check_repository(repo, as_of, jobs=args.jobs, progress=progress)
        result.issues = sorted(set(result.issues) | set(check_seals(repo.root, args.base or "HEAD")))
    _detail(args, text("cli.verbose_checked", seconds=time.monotonic() - started))
    if args.format == "json":
        import json

        print(json.dumps(check_summary(result), ensure_ascii=False, indent=2))
    else:
        _print_issues(result.issues, args.format)
    if args.format == "text" and not _quiet(args):
        summary = text("summary.checked", documents=result.documents, kinds=result.kinds, records=result.records)
        if not result.issues:
            print(text("summary.clean", summary=summary))
        else:  # warnings (rules-changed, contradictions in closed history) are counted apart
            rules = join(f"{rule} {n}" for rule, n in sorted(result.counts.items()))
            errors, warnings = len(result.errors), len(result.warnings)
            said = [(text("summary.problem") if errors == 1 else text("summary.problems", n=errors)) if errors else text("summary.no_problems")]
            said += [text("summary.warning") if warnings == 1 else text("summary.warnings", n=warnings)] if warnings else []
            hint = text("summary.strict_hint") if warnings and not errors and not args.strict else ""
            print(text("summary.found", summary=summary, said=join(said), rules=rules, hint=hint))
    return 0 if result.ok and not (args.strict and result.warnings) else 1


def cmd_new(args: Args) -> int:
    from .newrecord import create_record, ids_on_branch, parse_assignments
    from .suggest import find_ignoring_case

    repo = _repo(args)
    values = parse_assignments(args.set)
    kind = find_ignoring_case(args.kind, repo.registry.kinds) or args.kind
    taken = ids_on_branch(repo, kind, args.base)
    created = create_record(repo, kind, values, args.as_of or dt.date.today(), taken)
    rel = created.path.relative_to(repo.root).as_posix()
    print(f"created {rel}")  # not from the catalogue: a fixed word in every language, which scripts read (even with -q)
    if created.issues:
        _print_issues(created.issues, "text")
        _info(args, text("cli.new_blank", rel=rel))
        return 1
    return 0


def cmd_diff(args: Args) -> int:
    import tempfile

    from .changeset import collect
    from .checks.sides import JudgedRepository, TreeFiles, load_base_rules
    from .trail import change_report

    with _repo_and_git(args) as (repo, git), tempfile.TemporaryDirectory(prefix="qms-diff-") as tmp:
        cs = collect(git, args.base, args.head)
        folder = Path(tmp)
        # the base's forms and limits: the change's own form modules never run in the process that writes the comment
        rules = load_base_rules(git, cs.merge_base, folder / "base")
        if args.head:  # the head's files from git blobs, laid out aside: the working tree is not the change
            tree = TreeFiles(git, git.rev(args.head), folder / "head")
            tree.lay_out_rules()
            tree.lay_out(cs.paths())
            judged = JudgedRepository(tree.root, rules, tree.record_paths())
        else:
            judged = JudgedRepository(repo.root, rules)
        _emit(args, change_report(judged, cs, git))
    return 0


def cmd_show(args: Args) -> int:
    from .lookup import qms_root, quick_record

    root = qms_root(args.root)
    found = quick_record(root, args.id)
    if found is not None:  # a record: its form's facts, one path-limited git log, no model built (records are never renamed)
        from .git import Git
        from .history import HistoryIndex, checked_commit, keep_commit_graph
        from .trail import read_limits, record_trail_report, shown_form
        from .yamlmemo import YamlMemo

        set_language(configured_language(root, search_up=False))
        _detail(args, text("cli.verbose_repository", root=root))
        with Git(root) as git:
            resolved = checked_commit(git)  # at the top of a whole history, and HEAD: one git call
            facts = shown_form(root, found.path.split("/")[1])
            memo = YamlMemo(root)  # versions parsed by an earlier question are not parsed again
            index = HistoryIndex(git, paths=(found.path,), resolved=resolved, memo=memo)
            limits = read_limits(root, memo)
            _emit(args, record_trail_report(root, found.path, found.id, facts, index, limits, args.reveal))
            memo.save()
            keep_commit_graph(git, resolved)  # the next path-limited log skips unchanged commits
        return 0
    from .history import HistoryIndex
    from .lookup import document_report, find

    with _repo_and_git(args) as (repo, git):
        found = find(repo, args.id)  # a document (shown with its control block), or no such id: the near misses
        # documents may be renamed: manual/'s log with renames followed (small)
        _emit(args, document_report(repo, HistoryIndex(git, paths=("manual",)), found))
    return 0


def cmd_log(args: Args) -> int:
    from .history import HistoryIndex, changes_in_range
    from .report import Paragraph
    from .trail import activity_report

    with _repo_and_git(args) as (repo, git):
        if args.from_rev and (args.since or args.until):
            raise QmsError(text("cli.dates_or_revs"))
        if args.since and args.until and args.since > args.until:
            raise QmsError(text("cli.since_after_until", since=args.since, until=args.until))
        if args.from_rev:
            versions = list(changes_in_range(git, args.from_rev, args.to_rev))
            title = text("cli.log_title_revs", from_rev=args.from_rev, to_rev=args.to_rev)
        else:
            versions = list(HistoryIndex(git).changes_between(args.since, args.until))
            title = text("cli.log_title_dates", since=args.since or "…", until=args.until or "…")
        report = activity_report(versions, title)
        report.sections[0].blocks.insert(0, Paragraph(text("cli.log_note"), style="note"))
        _emit(args, report)
    return 0


def cmd_history(args: Args) -> int:
    from .git import Git
    from .history import checked_commit, document_history, keep_commit_graph
    from .lookup import find, qms_root, quick_document
    from .trail import read_limits, revision_history_report
    from .yamlmemo import YamlMemo

    root = qms_root(args.root)
    memo = YamlMemo(root)  # front matter parsed by an earlier question is not parsed again
    found = quick_document(root, args.doc_id, read_limits(root, memo).max_file_bytes, memo)
    if found is None:  # not a document's id: the full lookup says what it is, or what was meant
        with _repo_and_git(args) as (repo, _):
            found = find(repo, args.doc_id, want="document")
    set_language(configured_language(root, search_up=False))
    _detail(args, text("cli.verbose_repository", root=root))
    with Git(root) as git:
        resolved = checked_commit(git)  # at the top of a whole history, and HEAD: one git call
        # documents may be renamed: the page's own log when it cannot have been, else manual/'s with renames followed
        index = document_history(git, found.path, resolved, memo)
        _emit(args, revision_history_report(found.path, found.id, index))
        memo.save()
        keep_commit_graph(git, resolved)  # the next path-limited log skips unchanged commits
    return 0


def cmd_schema(args: Args) -> int:
    from .schema_export import export

    repo = _repo(args)
    for issue in repo.registry.issues:
        print(issue.format(), file=sys.stderr)
    changed = export(repo.root, repo.registry)
    for path in changed:
        _info(args, text("cli.wrote", path=path.relative_to(repo.root).as_posix()))
    _info(args, text("cli.schema_summary", kinds=len(repo.registry.kinds), changed=len(changed)))
    return 1 if repo.registry.issues else 0


def cmd_seal(args: Args) -> int:
    from .seal import seal

    repo = _repo(args)
    name, commit = seal(repo.root, args.as_of or dt.date.today(), args.message)
    print(text("cli.sealed", commit=commit[:8], name=name))
    return 0


def cmd_init(args: Args) -> int:
    from .scaffold import commit_starter, init_repository, next_steps

    standards = [s.strip() for value in (args.standard or ["iso9001"]) for s in value.split(",") if s.strip()]
    set_language(args.lang)  # init speaks the starter's language (its refusals too), not the folder's around it
    written = init_repository(args.dir, dt.date.today(), args.lang, standards, args.engine_source)
    committed = commit_starter(args.dir, args.lang, list(dict.fromkeys(standards)))
    print(next_steps(args.dir, len(written), committed, args.lang))
    return 0


def _record_id(repo: Repository, word: str) -> str:
    """A record id as the file spells it, whatever case it was typed in; as typed when no record has it."""
    from .lookup import record_ids
    from .suggest import find_ignoring_case

    return find_ignoring_case(word, record_ids(repo)) or word


def _context(args: Args, reveal: bool | None = None) -> Context:
    from .reports.context import Context

    repo = _repo(args)
    with _progress(args) as progress:
        return Context.load(repo, args.as_of or dt.date.today(), args.lang,
                            reveal=args.include_confidential if reveal is None else reveal,
                            progress=progress and (lambda done, total: progress("progress.read", done, total)))


@contextmanager
def _progress(args: Args) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress line on a terminal for work in steps: ``progress(message key, done, total)``; None elsewhere."""
    from .termout import progress_line

    step = ["progress.read"]
    with progress_line(sys.stderr, lambda done, total: text(step[0], done=done, total=total),
                       show=not _quiet(args)) as line:
        if line is None:
            yield None
            return

        def update(key: str, done: int, total: int) -> None:
            step[0] = key
            line(done, total)

        yield update


def _write(ctx: Context, args: Args, outputs: Sequence[tuple[str, Report]]) -> None:
    """Write each (file stem, report) in the asked formats and say where."""
    from .render import check_out_dir, write_report

    out = args.out or ctx.repo.root / "build" / "reports"
    check_out_dir(out, ctx.repo.root)
    formats = list(dict.fromkeys(args.format or ["md", "docx"]))
    for stem, report in outputs:
        for path in write_report(report, out, stem, formats, lang=ctx.lang, created=ctx.as_of):
            if not path.name.endswith(".png"):
                _info(args, text("cli.wrote", path=_shown(path)))


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def cmd_objectives(args: Args) -> int:
    from .reports import objectives

    ctx = _context(args)
    report = objectives.build(ctx, args.period)
    _write(ctx, args, [(f"objectives-{report.period}", report)])
    return 0


def cmd_due(args: Args) -> int:
    from .reports import due

    ctx = _context(args)
    report = due.build(ctx, since=args.since)
    _write(ctx, args, [(f"due-{ctx.as_of}", report)])
    overdue = report.data.get("overdue_count", 0)
    if overdue:
        print(text("cli.overdue", n=overdue))
    return 1 if overdue else 0


def cmd_checklist(args: Args) -> int:
    from .reports import checklist

    if not args.plan and not args.scope:  # said before the records are read: at 20,000 that takes seconds
        raise QmsError(text("cli.checklist_args"))
    ctx = _context(args)
    plan = _record_id(ctx.repo, args.plan) if args.plan else None
    report = checklist.build(ctx, plan=plan, scope=args.scope, since=args.since, until=args.until,
                             sample=args.sample, seed=args.seed)
    _write(ctx, args, [(f"checklist-{plan or 'scope'}", report)])
    return 0


def cmd_ncr(args: Args) -> int:
    from .reports import ncr

    if bool(args.id) == bool(args.status):  # said before the records are read
        raise QmsError(text("cli.ncr_args"))
    ctx = _context(args)
    if args.id:
        rid = _record_id(ctx.repo, args.id)
        _write(ctx, args, [(f"ncr-{rid}", ncr.build(ctx, rid))])
    else:
        _write(ctx, args, [(f"ncr-{args.status}", ncr.build_list(ctx, args.status))])
    return 0


def cmd_review(args: Args) -> int:
    from .reports import review

    ctx = _context(args)
    report = review.build(ctx, since=args.since, until=args.until)
    _write(ctx, args, [(f"review-{report.period}", report)])
    return 0


def cmd_coverage(args: Args) -> int:
    from .reports import coverage

    ctx = _context(args)
    _write(ctx, args, [("coverage", coverage.build(ctx))])
    return 0


def cmd_register(args: Args) -> int:
    from .reports import registers

    ctx = _context(args)
    _write(ctx, args, [(f"register-{args.what}", registers.build(ctx, args.what))])
    return 0


def cmd_reports(args: Args) -> int:
    from .reports import all_reports

    ctx = _context(args)
    _write(ctx, args, all_reports(ctx))
    return 0


def cmd_site(args: Args) -> int:
    from .site import build_site, serve_site

    ctx = _context(args, reveal=False)
    repo = ctx.repo
    staging = args.staging or repo.root / "build" / "site-src"
    if args.action == "serve":
        return serve_site(ctx, staging, args.address)
    out = args.out or repo.root / "build" / "site"
    from .render import check_out_dir

    check_out_dir(out, repo.root)
    check_out_dir(staging, repo.root)
    with _progress(args) as progress:
        staged = build_site(ctx, out, staging, strict=not args.no_strict, progress=progress)
    _info(args, text("cli.built", pages=staged.pages, out=_shown(out)))
    return 0


COMMANDS = {
    "site": cmd_site,
    "objectives": cmd_objectives, "due": cmd_due, "checklist": cmd_checklist, "ncr": cmd_ncr, "review": cmd_review,
    "coverage": cmd_coverage, "register": cmd_register, "reports": cmd_reports,
    "check": cmd_check, "new": cmd_new, "schema": cmd_schema, "init": cmd_init, "seal": cmd_seal,
    "diff": cmd_diff, "show": cmd_show, "history": cmd_history, "log": cmd_log,
}


INTERNAL_ERROR = 3


def _no_plugin_discovery() -> None:
    """Spare pydantic's plugin search when every plugin is off: ``importlib.metadata`` alone is 45 ms a command.

    pydantic's loader imports it (and ``email``, ``zipfile``, ``csv``) at the
    first model built even when ``PYDANTIC_DISABLE_PLUGINS`` tells it to
    return no plugin; this stand-in, put in place only then and only before
    pydantic has loaded its own, returns that same nothing. A user who names
    the plugins to skip gets pydantic's own loader.
    """
    name = "pydantic.plugin._loader"
    if not _plugins_off() or name in sys.modules:
        return
    stand_in = types.ModuleType(name, "Stands in for pydantic's plugin loader while plugins are off: none to load.")

    def get_plugins() -> Iterable[object]:
        if _plugins_off():
            return ()  # what pydantic's own loader returns then
        # plugins on again (a program running qms in its own process): pydantic's loader from now on
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        from pydantic.plugin._loader import get_plugins as pydantics

        return pydantics()

    stand_in.get_plugins = get_plugins  # type: ignore[attr-defined]
    sys.modules[name] = stand_in


def _plugins_off() -> bool:
    """pydantic's own reading of ``PYDANTIC_DISABLE_PLUGINS`` for "every plugin off"."""
    return os.environ.get("PYDANTIC_DISABLE_PLUGINS") in ("__all__", "1", "true")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and turn what happened into an exit code; only a clean result is 0."""
    words = list(sys.argv[1:] if argv is None else argv)
    # Pydantic plugins installed beside qmskit would be handed every record validated, confidential
    # fields included, and finding them reads every installed package's metadata at the first form
    # built: the command runs without them unless the user names some (pydantic reads this variable).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    _no_plugin_discovery()
    set_language(_repository_language(words))
    args: Args | None = plain_question(words)
    if args is None:  # anything but a plain question: argparse reads it (help, options, usage errors)
        from .commandline import parsed

        args = parsed(words)
        if args is None:  # bare 'qms': its help was printed, and no command ran
            return 2
    try:
        return COMMANDS[args.command](args)
    except QmsError as exc:
        print(f"qms: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("qms: " + text("cli.interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (qms log | head): not a verdict, so not 0
        sys.stdout = open(os.devnull, "w")  # nothing more to flush at exit
        return 141
    except SystemExit as exc:  # code run by a command (a form module) tried to end the run with its own code
        print("qms: " + text("cli.ended_inside", code=exc.code), file=sys.stderr)
        return INTERNAL_ERROR
    except Exception as exc:  # the last guard: no traceback reaches the user
        if os.environ.get("QMS_DEBUG"):
            raise
        key = "cli.form_not_built" if _pydantic_refused_a_model(exc) else "cli.internal_error"
        print("qms: " + text(key, name=type(exc).__name__, error=exc), file=sys.stderr)
        return INTERNAL_ERROR


def _pydantic_refused_a_model(exc: BaseException) -> bool:
    """Whether pydantic refused to build a model: a form of schemas/ (the engine's own are built and tested at
    import), so the message sends the user to that form, not to qmskit's bug tracker."""
    errors = sys.modules.get("pydantic.errors")  # not imported: the error cannot be pydantic's
    return errors is not None and isinstance(exc, (errors.PydanticUserError, errors.PydanticUndefinedAnnotation))


if __name__ == "__main__":
    sys.exit(main())
