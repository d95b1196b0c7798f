"""The ``qms`` command: argument parsing and exit codes, nothing else.

Exit codes: 0 clean, 1 problems found, 2 the command could not run as asked,
3 an internal error (a bug in qmskit; never reported as 0).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .issues import Issue, QmsError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


EXIT_CODES = """exit codes:
  0  clean: no problems found
  1  problems found (each printed as path:line:col: rule: message)
  2  the command could not run as asked (usage, no repository, a git error); the message says what to do
  3  internal error: a bug in qmskit (rerun with QMS_DEBUG=1 and report it); never 0"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qms", description="Quality management system kept as code.",
                                     epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, help="the QMS repository (default: the folder with qms.yml at or above here)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    check = sub.add_parser("check", help="check documents, forms and records")
    check.add_argument("--as-of", type=_date, default=None, help="date for date-dependent rules (default: today)")
    check.add_argument("--format", choices=("text", "json", "github"), default="text")
    check.add_argument("--jobs", type=int, default=None, help="worker processes for large repositories (default: cores)")
    check.add_argument("--base", metavar="REV", help="pull-request check: compare with the merge base of REV")
    check.add_argument("--head", metavar="REV", help="with --base: check this revision instead of the working tree")
    check.add_argument("--strict", action="store_true", help="fail on warnings too (contradictions in closed history)")

    diff = sub.add_parser("diff", help="Markdown summary of a change, for a pull-request comment")
    diff.add_argument("--base", metavar="REV", required=True, help="the branch the change goes into")
    diff.add_argument("--head", metavar="REV", help="a revision instead of the working tree")

    show = sub.add_parser("show", help="a record and its audit trail")
    show.add_argument("id", help="record id, e.g. NCR-2026-0007")
    show.add_argument("--reveal", action="store_true", help="show confidential fields (personal data)")

    log = sub.add_parser("log", help="every change to documents and records in a period")
    log.add_argument("--since", type=_date, help="first day (YYYY-MM-DD)")
    log.add_argument("--until", type=_date, help="last day (YYYY-MM-DD)")
    log.add_argument("--from", dest="from_rev", metavar="REV", help="changes after this revision …")
    log.add_argument("--to", dest="to_rev", metavar="REV", default="HEAD", help="… up to this one (default HEAD)")

    hist = sub.add_parser("history", help="a document's revision history from git")
    hist.add_argument("doc_id", help="document number, e.g. LD-QP-09")

    new = sub.add_parser("new", help="create the next record of a kind")
    new.add_argument("kind")
    new.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="fill a field (repeatable)")
    new.add_argument("--as-of", type=_date, default=None, help="date that picks the id's year (default: today)")
    new.add_argument("--base", metavar="REV",
                     help="also skip ids taken on this branch (default: the upstream branch, if any)")

    schema = sub.add_parser("schema", help="JSON Schema of the forms")
    schema_sub = schema.add_subparsers(dest="action", metavar="ACTION")
    schema_sub.required = True
    schema_sub.add_parser("export", help="write schemas/json/<kind>.schema.json")

    init = sub.add_parser("init", help="create a new, small, working QMS repository")
    init.add_argument("dir", type=Path)

    seal = sub.add_parser("seal", help="tag HEAD as sealed (after an audit or a management review)",
                          description="Write the annotated tag qms-seal/<date>-<n> at HEAD. 'qms check' then reports "
                                      "any seal that is no longer in the history (rule history-rewritten).")
    seal.add_argument("--message", "-m", help="why: e.g. 'internal audit IA-2026-02 closed'")
    seal.add_argument("--as-of", type=_date, default=None, help="the date in the tag name (default: today)")
    _report_parsers(sub)
    return parser


def _report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=_date, default=None, help="the day the report is made for (default: today)")
    parser.add_argument("--lang", choices=("zh", "en"), default=None, help="labels (default: lang in qms.yml)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: build/reports)")
    parser.add_argument("--format", action="append", choices=("md", "docx", "json"), default=None,
                        help="md, docx or json; repeat for several (default: md and docx)")
    parser.add_argument("--include-confidential", action="store_true",
                        help="show confidential fields (personal data); the report then says so on its first page")


def _report_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("objectives", help="quality objectives computed from the records, per period and department")
    p.add_argument("--period", help="2026, 2026-H1, 2026-Q2 or 2026-05 (default: the year of --as-of)")
    _report_options(p)

    p = sub.add_parser("due", help="recurring activities, deadlines, overdue actions and reviews; exit 1 when overdue")
    p.add_argument("--since", type=_date, help="first day looked at for missing occurrences (default: a year before --as-of)")
    _report_options(p)

    p = sub.add_parser("checklist", help="internal-audit checklist for an audit plan or a scope")
    p.add_argument("plan", nargs="?", help="audit plan id, e.g. IAP-2026-01")
    p.add_argument("--scope", action="append", default=[], metavar="DEPT|DOC|CLAUSE",
                   help="a department, document id or ISO clause in scope (repeatable)")
    p.add_argument("--since", type=_date, help="period audited: first day")
    p.add_argument("--until", type=_date, help="period audited: last day")
    p.add_argument("--sample", type=int, default=5, help="records sampled per kind (default 5)")
    p.add_argument("--seed", type=int, default=0, help="sampling seed: the same seed gives the same sample")
    _report_options(p)

    p = sub.add_parser("ncr", help="nonconformity report(s)")
    p.add_argument("id", nargs="?", help="nonconformity id, e.g. NCR-2026-0007")
    p.add_argument("--status", choices=("open", "overdue", "all"), help="a report of every NCR with this status")
    _report_options(p)

    p = sub.add_parser("review", help="management-review packet: every input of ISO 9001 9.3.2")
    p.add_argument("--since", type=_date, help="first day (default: the day after the last management review)")
    p.add_argument("--until", type=_date, help="last day (default: --as-of)")
    _report_options(p)

    p = sub.add_parser("coverage", help="ISO 9001 clause × document matrix, documents past review, forms with no records")
    _report_options(p)

    p = sub.add_parser("register", help="master list of documents, or the register of one record kind")
    p.add_argument("what", help="'documents' or a record kind, e.g. nonconformity")
    _report_options(p)

    p = sub.add_parser("reports", help="write every report for this repository (the main job)")
    _report_options(p)

    p = sub.add_parser("site", help="build or serve the QMS as a website (mkdocs-material)")
    site_sub = p.add_subparsers(dest="action", metavar="ACTION")
    site_sub.required = True
    for action, text in (("build", "build the site into --out"), ("serve", "build and serve it with live reload")):
        q = site_sub.add_parser(action, help=text)
        q.add_argument("--as-of", type=_date, default=None, help="the day dashboards are made for (default: today)")
        q.add_argument("--lang", choices=("zh", "en"), default=None, help="labels (default: lang in qms.yml)")
        q.add_argument("--staging", type=Path, default=None, help="where the generated Markdown goes (default: build/site-src)")
        if action == "build":
            q.add_argument("--out", type=Path, default=None, help="output folder (default: build/site)")
            q.add_argument("--no-strict", action="store_true", help="do not fail on mkdocs warnings")
        else:
            q.add_argument("--address", default="127.0.0.1:8000", help="host:port to serve on")


def _repo(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .repository import Repository, find_root

    root = args.root if args.root else find_root(Path.cwd())
    if args.root and not (root / "qms.yml").is_file():
        raise QmsError(f"{root} has no qms.yml; pass the folder of a QMS repository, or create one with 'qms init'")
    return Repository(root)


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
    if fmt == "json":
        print(json.dumps([i.as_dict() for i in issues], ensure_ascii=False, indent=2))
    elif fmt == "github":
        for i in issues:
            print(f"::{i.severity.value} file={_github_property(i.path)},line={i.line},col={i.col},"
                  f"title={_github_property(i.rule)}::{_github_data(i.message)}")
    else:
        for i in issues:
            print(_printable(i.format()))


def cmd_check(args: argparse.Namespace) -> int:
    from .checks import check_pull_request, check_repository
    from .seal import check_seals

    repo = _repo(args)
    progress = None
    if sys.stderr.isatty():
        import time

        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            """On a terminal only, once the work has taken a couple of seconds; the line is cleared when done."""
            if done >= total:
                print("\r\033[K", end="", file=sys.stderr, flush=True)
            elif time.monotonic() - started > 2:
                print(f"\rchecked {done}/{total} records", end="", file=sys.stderr, flush=True)
    as_of = args.as_of or dt.date.today()
    if args.head and not args.base:
        raise QmsError("--head goes with --base: qms check --base main --head my-branch")
    if args.base:
        result = check_pull_request(repo, args.base, as_of, head=args.head, jobs=args.jobs, progress=progress)
    else:
        result = check_repository(repo, as_of, jobs=args.jobs, progress=progress)
    result.issues = sorted(set(result.issues) | set(check_seals(repo.root, args.base or "HEAD")))
    _print_issues(result.issues, args.format)
    if args.format == "text":
        summary = f"{result.documents} documents, {result.kinds} forms, {result.records} records checked"
        if not result.issues:
            print(f"{summary}: no problems.")
        else:  # warnings (rules-changed, contradictions in closed history) are counted apart
            rules = ", ".join(f"{rule} {n}" for rule, n in sorted(result.counts.items()))
            errors, warnings = len(result.errors), len(result.warnings)
            said = [f"{errors} {'problem' if errors == 1 else 'problems'}" if errors else "no problems"]
            said += [f"{warnings} {'warning' if warnings == 1 else 'warnings'}"] if warnings else []
            hint = "; --strict fails on warnings" if warnings and not errors and not args.strict else ""
            print(f"{summary}: {', '.join(said)} ({rules}){hint}.")
    return 0 if result.ok and not (args.strict and result.warnings) else 1


def cmd_new(args: argparse.Namespace) -> int:
    from .newrecord import create_record, ids_on_branch, parse_assignments

    repo = _repo(args)
    taken = ids_on_branch(repo, args.kind, args.base)
    created = create_record(repo, args.kind, parse_assignments(args.set), args.as_of or dt.date.today(), taken)
    rel = created.path.relative_to(repo.root).as_posix()
    print(f"created {rel}")
    if created.issues:
        _print_issues(created.issues, "text")
        print(f"{rel} is a blank form: fill in the fields above, then run 'qms check'.")
        return 1
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    import tempfile

    from .changeset import collect
    from .checks.sides import JudgedRepository, load_base_rules
    from .git import Git
    from .render.markdown import render
    from .trail import change_report

    repo = _repo(args)
    with Git(repo.root) as git, tempfile.TemporaryDirectory(prefix="qms-diff-") as folder:
        git.require_root()
        if args.head:
            raise QmsError("qms diff summarizes the working tree against --base; check out the branch first")
        cs = collect(git, args.base, None)
        # the base's forms and limits: the change's own form modules never run in the process that writes the comment
        judged = JudgedRepository(repo.root, load_base_rules(git, cs.merge_base, Path(folder)))
        print(render(change_report(judged, cs, git)), end="")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from .git import Git
    from .history import HistoryIndex
    from .render.markdown import render
    from .trail import find_record, record_report

    repo = _repo(args)
    with Git(repo.root) as git:
        git.require_root()
        # one path-limited git log for one record, not the whole history (records are never renamed)
        index = HistoryIndex(git, paths=(find_record(repo, args.id)[0],))
        print(render(record_report(repo, index, args.id, reveal=args.reveal)), end="")
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    from .git import Git
    from .history import HistoryIndex, changes_in_range
    from .render.markdown import render
    from .trail import activity_report

    repo = _repo(args)
    if args.from_rev and (args.since or args.until):
        raise QmsError("give dates (--since/--until) or revisions (--from/--to), not both")
    with Git(repo.root) as git:
        git.require_root()
        if args.from_rev:
            versions = list(changes_in_range(git, args.from_rev, args.to_rev))
            title = f"变更记录 / Changes {args.from_rev}..{args.to_rev}"
        else:
            versions = list(HistoryIndex(git).changes_between(args.since, args.until))
            title = f"变更记录 / Changes {args.since or '…'} – {args.until or '…'}"
        print(render(activity_report(versions, title)), end="")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from .git import Git
    from .history import HistoryIndex
    from .render.markdown import render
    from .trail import document_history_report

    repo = _repo(args)
    with Git(repo.root) as git:
        git.require_root()
        # documents may be renamed, so the log covers manual/ (small) with renames followed, not records/
        print(render(document_history_report(repo, HistoryIndex(git, paths=("manual",)), args.doc_id)), end="")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema_export import export

    repo = _repo(args)
    for issue in repo.registry.issues:
        print(issue.format(), file=sys.stderr)
    changed = export(repo.root, repo.registry)
    for path in changed:
        print(f"wrote {path.relative_to(repo.root).as_posix()}")
    print(f"{len(repo.registry.kinds)} kinds, {len(changed)} schema files changed.")
    return 1 if repo.registry.issues else 0


def cmd_seal(args: argparse.Namespace) -> int:
    from .seal import seal

    repo = _repo(args)
    name, commit = seal(repo.root, args.as_of or dt.date.today(), args.message)
    print(f"sealed {commit[:8]} as {name}; push it with 'git push origin {name}' "
          "(uncommitted changes are not part of it)")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from .scaffold import init_repository

    written = init_repository(args.dir, dt.date.today())
    print(f"created a QMS repository in {args.dir} ({len(written)} files). Next: cd {args.dir} && qms check")
    return 0


def _context(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .reports.context import Context

    repo = _repo(args)
    return Context.load(repo, args.as_of or dt.date.today(), args.lang, reveal=args.include_confidential)


def _write(ctx, args: argparse.Namespace, outputs) -> None:  # type: ignore[no-untyped-def]
    """Write each (file stem, report) in the asked formats and say where."""
    from .render import check_out_dir, write_report

    out = args.out or ctx.repo.root / "build" / "reports"
    check_out_dir(out, ctx.repo.root)
    formats = list(dict.fromkeys(args.format or ["md", "docx"]))
    for stem, report in outputs:
        for path in write_report(report, out, stem, formats, lang=ctx.lang, created=ctx.as_of):
            if not path.name.endswith(".png"):
                print(f"wrote {_shown(path)}")


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def cmd_objectives(args: argparse.Namespace) -> int:
    from .reports import objectives

    ctx = _context(args)
    report = objectives.build(ctx, args.period)
    _write(ctx, args, [(f"objectives-{report.period}", report)])
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    from .reports import due

    ctx = _context(args)
    report = due.build(ctx, since=args.since)
    _write(ctx, args, [(f"due-{ctx.as_of}", report)])
    overdue = report.data.get("overdue_count", 0)
    if overdue:
        print(f"{overdue} overdue: see the report; exit 1 so CI can gate on it.")
    return 1 if overdue else 0


def cmd_checklist(args: argparse.Namespace) -> int:
    from .reports import checklist

    ctx = _context(args)
    if not args.plan and not args.scope:
        raise QmsError("name an audit plan (qms checklist IAP-2026-01) or a scope (--scope 人力资源部 --scope LD-QP-03)")
    report = checklist.build(ctx, plan=args.plan, scope=args.scope, since=args.since, until=args.until,
                             sample=args.sample, seed=args.seed)
    _write(ctx, args, [(f"checklist-{args.plan or 'scope'}", report)])
    return 0


def cmd_ncr(args: argparse.Namespace) -> int:
    from .reports import ncr

    ctx = _context(args)
    if bool(args.id) == bool(args.status):
        raise QmsError("give one nonconformity id (qms ncr NCR-2026-0007) or --status open|overdue|all")
    if args.id:
        _write(ctx, args, [(f"ncr-{args.id}", ncr.build(ctx, args.id))])
    else:
        _write(ctx, args, [(f"ncr-{args.status}", ncr.build_list(ctx, args.status))])
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from .reports import review

    ctx = _context(args)
    report = review.build(ctx, since=args.since, until=args.until)
    _write(ctx, args, [(f"review-{report.period}", report)])
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from .reports import coverage

    ctx = _context(args)
    _write(ctx, args, [("coverage", coverage.build(ctx))])
    return 0


def cmd_register(args: argparse.Namespace) -> int:
    from .reports import registers

    ctx = _context(args)
    _write(ctx, args, [(f"register-{args.what}", registers.build(ctx, args.what))])
    return 0


def cmd_reports(args: argparse.Namespace) -> int:
    from .reports import all_reports

    ctx = _context(args)
    _write(ctx, args, all_reports(ctx))
    return 0


def cmd_site(args: argparse.Namespace) -> int:
    from .reports.context import Context
    from .site import build_site, serve_site

    repo = _repo(args)
    ctx = Context.load(repo, args.as_of or dt.date.today(), args.lang, reveal=False)
    staging = args.staging or repo.root / "build" / "site-src"
    if args.action == "serve":
        return serve_site(ctx, staging, args.address)
    out = args.out or repo.root / "build" / "site"
    from .render import check_out_dir

    check_out_dir(out, repo.root)
    check_out_dir(staging, repo.root)
    staged = build_site(ctx, out, staging, strict=not args.no_strict)
    print(f"built {staged.pages} pages into {_shown(out)}")
    return 0


COMMANDS = {
    "site": cmd_site,
    "objectives": cmd_objectives, "due": cmd_due, "checklist": cmd_checklist, "ncr": cmd_ncr, "review": cmd_review,
    "coverage": cmd_coverage, "register": cmd_register, "reports": cmd_reports,
    "check": cmd_check, "new": cmd_new, "schema": cmd_schema, "init": cmd_init, "seal": cmd_seal,
    "diff": cmd_diff, "show": cmd_show, "history": cmd_history, "log": cmd_log,
}


INTERNAL_ERROR = 3


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and turn what happened into an exit code; only a clean result is 0."""
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except QmsError as exc:
        print(f"qms: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("qms: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (qms log | head): not a verdict, so not 0
        sys.stdout = open(os.devnull, "w")  # nothing more to flush at exit
        return 141
    except SystemExit as exc:  # code run by a command (a form module) tried to end the run with its own code
        print(f"qms: internal error: the run was ended from inside the command (SystemExit({exc.code!r})); "
              "a form module in schemas/ may call exit(). Rerun with QMS_DEBUG=1 for details.", file=sys.stderr)
        return INTERNAL_ERROR
    except Exception as exc:  # the last guard: no traceback reaches the user
        if os.environ.get("QMS_DEBUG"):
            raise
        print(f"qms: internal error: {type(exc).__name__}: {exc}. "
              "This is a bug in qmskit; rerun with QMS_DEBUG=1 for details and report it.", file=sys.stderr)
        return INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
