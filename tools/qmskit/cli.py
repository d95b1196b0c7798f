"""The ``qms`` command: argument parsing, output formats and exit codes, nothing else.

Exit codes: 0 clean, 1 problems found, 2 the command could not run as asked,
3 an internal error (a bug in qmskit; never reported as 0).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .issues import Issue, QmsError
from .messages import join, text
from .suggest import did_you_mean

if TYPE_CHECKING:
    from .checks import CheckResult
    from .git import Git
    from .report import Report
    from .reports.context import Context
    from .repository import Repository

# every sentence the command writes comes from the message catalogue, in the repository's language
from .messages import configured_language, set_language


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(text("cli.not_a_date", value=value)) from None


EXIT_CODES = """exit codes:
  0  clean: no problems found
  1  problems found (each printed as path:line:col: rule: message)
  2  the command could not run as asked (usage, no repository, a git error); the message says what to do
  3  internal error: a bug in qmskit (rerun with QMS_DEBUG=1 and report it); never 0"""

# each command's --help ends with these, then the exit codes
EXAMPLES = {
    "": ["qms check", "qms new nonconformity --set grade=minor", "qms show NCR-2026-0007", "qms COMMAND --help"],
    "check": ["qms check", "qms check --as-of 2026-12-31", "qms check --format json",
              "qms check --base main                 # a pull request against main",
              "qms check --base main --head feature  # a committed branch instead of the working tree"],
    "diff": ["qms diff --base main", "qms diff --base main --head feature", "qms diff --base main --format json"],
    "show": ["qms show NCR-2026-0007", "qms show ncr-2026-0007 --format json", "qms show LD-QP-09   # a document",
             "qms show NCR-2026-0007 --format md > trail.md"],
    "log": ["qms log --since 2026-01-01 --until 2026-03-31", "qms log --from v1.0 --to HEAD",
            "qms log --since 2026-11-01 --format json"],
    "history": ["qms history LD-QP-09", "qms history ld-qp-09 --format md"],
    "new": ["qms new nonconformity --set grade=minor --set due=2026-07-31", "qms new complaint --base main"],
    "schema": ["qms schema export"], "schema export": ["qms schema export"],
    "init": ["qms init my-qms && cd my-qms && qms check"],
    "seal": ["qms seal -m 'internal audit IA-2026-02 closed'"],
    "objectives": ["qms objectives --period 2026-Q2", "qms objectives --format json --out build/reports"],
    "due": ["qms due", "qms due --as-of 2026-12-31 --format md"],
    "checklist": ["qms checklist IAP-2026-01", "qms checklist --scope 人力资源部 --scope LD-QP-03"],
    "ncr": ["qms ncr NCR-2026-0007", "qms ncr --status open"],
    "review": ["qms review --since 2026-01-01 --until 2026-11-30"],
    "coverage": ["qms coverage --lang en"],
    "register": ["qms register documents", "qms register nonconformity --format md"],
    "reports": ["qms reports", "qms reports --format md --format json"],
    "site": ["qms site build", "qms site serve --address 127.0.0.1:8000"],
    "site build": ["qms site build --out build/site"], "site serve": ["qms site serve"],
}


class _Parser(argparse.ArgumentParser):
    """argparse, answering a misspelt command or choice with the nearest ones, in the repository's language."""

    def error(self, message: str) -> NoReturn:
        """A usage error as one sentence that names the fix, then where the command's help is; exit 2."""
        self.exit(2, text("cli.usage_error", message=_usage_message(message), help=f"{self.prog} --help") + "\n")

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is not None and value not in action.choices:
            choices = [str(c) for c in action.choices]
            raise argparse.ArgumentError(action, text("cli.invalid_choice", value=value, choices=join(choices),
                                                      hint=did_you_mean(str(value), choices)))


def _usage_message(message: str) -> str:
    """argparse's own English sentences (the few a user meets) put through the catalogue; others as they are."""
    for pattern, key in ((r"the following arguments are required: (.+)", "cli.required"),
                         (r"unrecognized arguments: (.+)", "cli.unrecognized")):
        found = re.fullmatch(pattern, message)
        if found:
            return text(key, names=found.group(1))
    found = re.fullmatch(r"argument ([^:]+): (.+)", message, flags=re.S)
    if not found:
        return message
    option, said = found.groups()
    if said == "expected one argument":
        said = text("cli.expected_one")
    elif invalid := re.fullmatch(r"invalid (\w+) value: (.+)", said):
        value = invalid.group(2).strip("'\"")
        said = (text("cli.not_whole_number", value=value) if invalid.group(1) == "int"
                else text("cli.invalid_value", type=invalid.group(1), value=value))
    return text("cli.argument", option=option, message=said)


def _repository_language(argv: Sequence[str]) -> str:
    """The ``lang`` of the repository the command will run in, read before anything else.

    Usage errors, a missing or broken qms.yml and everything said before the
    repository is loaded are then in its language too.
    """
    from .messages import configured_language

    root: Path | None = None
    for n, word in enumerate(argv):
        if word == "--root" and n + 1 < len(argv):
            root = Path(argv[n + 1])
        elif word.startswith("--root="):
            root = Path(word.split("=", 1)[1])
    return configured_language(root, search_up=False) if root else configured_language(Path.cwd())


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("qmskit")
    except metadata.PackageNotFoundError:  # run from a source tree (PYTHONPATH=tools)
        from . import __version__
        return __version__


class _VersionAction(argparse._VersionAction):
    """``--version``, asking the installed package's metadata only when used (importing it costs ~0.1 s a command)."""

    def __call__(self, parser, namespace, values, option_string=None):  # type: ignore[no-untyped-def]
        self.version = f"qms (qmskit) {_version()}"
        super().__call__(parser, namespace, values, option_string)


def _finish(parser: argparse.ArgumentParser, name: str) -> None:
    """Every parser: examples and exit codes after its help, -q/-v after the command too; then its subcommands."""
    examples = EXAMPLES.get(name, [])
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = (("examples:\n" + "\n".join(f"  {e}" for e in examples) + "\n\n") if examples else "") + EXIT_CODES
    if name:  # the top parser has them with defaults; a command's copy only sets them when given
        parser.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                            help="print only problems and errors")
        parser.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                            help="say more: the repository, timings")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child, sub in action.choices.items():
                _finish(sub, f"{name} {child}".strip())


def _view_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("table", "md", "json"), default=None,
                        help="table (on a terminal, the default there), md (Markdown: the default when piped) or json")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="qms", description="Quality management system kept as code.")
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("--root", type=Path, help="the QMS repository (default: the folder with qms.yml at or above here)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems and errors")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="say more: the repository, timings")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="check documents, forms and records")
    check.add_argument("--as-of", type=_date, default=None, help="date for date-dependent rules (default: today)")
    check.add_argument("--format", choices=("text", "json", "github"), default="text",
                       help="text (path:line:col: rule: message), json (summary and issues) or github (annotations)")
    check.add_argument("--jobs", type=int, default=None, help="worker processes for large repositories (default: cores)")
    check.add_argument("--base", metavar="REV", help="pull-request check: compare with the merge base of REV")
    check.add_argument("--head", metavar="REV", help="with --base: check this revision instead of the working tree")
    check.add_argument("--strict", action="store_true", help="fail on warnings too (contradictions in closed history)")

    diff = sub.add_parser("diff", help="summary of a change (Markdown for a pull-request comment)")
    diff.add_argument("--base", metavar="REV", required=True, help="the branch the change goes into")
    diff.add_argument("--head", metavar="REV", help="a committed revision instead of the working tree")
    _view_option(diff)

    show = sub.add_parser("show", help="a record and its audit trail, or a document's control block")
    show.add_argument("id", help="record id or document number, any case, e.g. NCR-2026-0007 or LD-QP-09")
    show.add_argument("--reveal", action="store_true", help="show confidential fields (personal data)")
    _view_option(show)

    log = sub.add_parser("log", help="every change to documents and records in a period, by the day it was made",
                         description="Every change to documents and records, newest first. Dates are the day each "
                                     "change was made (git's author date), not the day it was merged.")
    log.add_argument("--since", type=_date, help="first day the change was made (author date, YYYY-MM-DD)")
    log.add_argument("--until", type=_date, help="last day the change was made (author date, YYYY-MM-DD)")
    log.add_argument("--from", dest="from_rev", metavar="REV", help="changes after this revision …")
    log.add_argument("--to", dest="to_rev", metavar="REV", default="HEAD", help="… up to this one (default HEAD)")
    _view_option(log)

    hist = sub.add_parser("history", help="a document's revision history from git")
    hist.add_argument("doc_id", help="document number, any case, e.g. LD-QP-09")
    _view_option(hist)

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

    init = sub.add_parser("init", help="create a new, small, working QMS repository (a git repository with its first commit)",
                          description="Write a starter QMS for the chosen standards in the chosen language into DIR (new or "
                                      "empty), and make it a git repository with one commit unless DIR is inside one.",
                          epilog="examples:\n  qms init acme --lang zh --standard iso9001 --standard iso14001 --standard iso45001"
                                 "\n  qms init medco --lang en --standard iso13485",
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    init.add_argument("dir", type=Path)
    init.add_argument("--lang", choices=("zh", "en"), default="zh", help="the starter's language (default zh)")
    init.add_argument("--standard", action="append", default=None, metavar="ID",
                      help="a standard to work to: iso9001 iso14001 iso45001 iso13485 (repeatable, or comma-separated; "
                           "default iso9001)")
    init.add_argument("--engine-source", default=None, metavar="SPEC",
                      help="where CI installs qmskit from: a git URL (the release tag v<version> is added), "
                           "or a pip requirement such as qmskit==0.1.0 (default: the qmskit release tag)")

    seal = sub.add_parser("seal", help="tag HEAD as sealed (after an audit or a management review)",
                          description="Write the annotated tag qms-seal/<date>-<n> at HEAD. 'qms check' then reports "
                                      "any seal that is no longer in the history (rule history-rewritten).")
    seal.add_argument("--message", "-m", help="why: e.g. 'internal audit IA-2026-02 closed'")
    seal.add_argument("--as-of", type=_date, default=None, help="the date in the tag name (default: today)")
    _report_parsers(sub)
    _finish(parser, "")
    return parser


def _report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=_date, default=None, help="the day the report is made for (default: today)")
    parser.add_argument("--lang", choices=("zh", "en"), default=None, help="labels (default: lang in qms.yml)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: build/reports)")
    parser.add_argument("--format", action="append", choices=("md", "docx", "json"), default=None,
                        help="md, docx or json; repeat for several (default: md and docx)")
    parser.add_argument("--include-confidential", action="store_true",
                        help="show confidential fields (personal data); the report then says so on its first page")


def _report_parsers(sub: argparse._SubParsersAction[_Parser]) -> None:
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
    for action, summary in (("build", "build the site into --out"), ("serve", "build and serve it with live reload")):
        q = site_sub.add_parser(action, help=summary)
        q.add_argument("--as-of", type=_date, default=None, help="the day dashboards are made for (default: today)")
        q.add_argument("--lang", choices=("zh", "en"), default=None, help="labels (default: lang in qms.yml)")
        q.add_argument("--staging", type=Path, default=None, help="where the generated Markdown goes (default: build/site-src)")
        if action == "build":
            q.add_argument("--out", type=Path, default=None, help="output folder (default: build/site)")
            q.add_argument("--no-strict", action="store_true", help="do not fail on mkdocs warnings")
        else:
            q.add_argument("--address", default="127.0.0.1:8000", help="host:port to serve on")


def _repo(args: argparse.Namespace) -> Repository:
    from .repository import Repository, find_root

    root = args.root if args.root else find_root(Path.cwd())
    if args.root and not (root / "qms.yml").is_file():
        raise QmsError(text("cli.no_config_at_root", root=root))
    repo = Repository(root)
    _detail(args, text("cli.verbose_repository", root=repo.root))
    return repo


@contextmanager
def _repo_and_git(args: argparse.Namespace) -> Iterator[tuple[Repository, Git]]:
    """The repository and its git history: what show, history, log and diff all start from."""
    from .git import Git

    repo = _repo(args)
    with Git(repo.root) as git:
        git.require_root()
        yield repo, git


def _emit(args: argparse.Namespace, report: Report) -> None:
    """A report as asked: a table on a terminal, Markdown when piped or with --format md, or JSON."""
    fmt = args.format or ("table" if sys.stdout.isatty() else "md")
    if fmt == "json":
        from .termout import report_json

        print(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    elif fmt == "table":
        from .termout import render_terminal

        render_terminal(report, sys.stdout)
    else:
        from .render.markdown import render

        print(render(report), end="")


def _quiet(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "quiet", False))


def _info(args: argparse.Namespace, text: str) -> None:
    """A line that tells what was done (not a problem): left out with -q."""
    if not _quiet(args):
        print(text)


def _detail(args: argparse.Namespace, text: str) -> None:
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


def cmd_check(args: argparse.Namespace) -> int:
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


def cmd_new(args: argparse.Namespace) -> int:
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


def cmd_diff(args: argparse.Namespace) -> int:
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


def cmd_show(args: argparse.Namespace) -> int:
    from .lookup import qms_root, quick_record

    root = qms_root(args.root)
    found = quick_record(root, args.id)
    if found is not None:  # a record: its form's facts, one path-limited git log, no model built (records are never renamed)
        from .git import Git
        from .history import HistoryIndex, checked_commit, keep_commit_graph
        from .trail import form_facts, read_limits, record_trail_report

        set_language(configured_language(root, search_up=False))
        _detail(args, text("cli.verbose_repository", root=root))
        with Git(root) as git:
            resolved = checked_commit(git)  # at the top of a whole history, and HEAD: one git call
            facts = form_facts(root, found.path.split("/")[1])
            index = HistoryIndex(git, paths=(found.path,), resolved=resolved)
            _emit(args, record_trail_report(root, found.path, found.id, facts, index, read_limits(root), args.reveal))
            keep_commit_graph(git, resolved)  # the next path-limited log skips unchanged commits
        return 0
    from .history import HistoryIndex
    from .lookup import document_report, find

    with _repo_and_git(args) as (repo, git):
        found = find(repo, args.id)  # a document (shown with its control block), or no such id: the near misses
        # documents may be renamed: manual/'s log with renames followed (small)
        _emit(args, document_report(repo, HistoryIndex(git, paths=("manual",)), found))
    return 0


def cmd_log(args: argparse.Namespace) -> int:
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


def cmd_history(args: argparse.Namespace) -> int:
    from .git import Git
    from .history import HistoryIndex, checked_commit, keep_commit_graph
    from .lookup import find, qms_root, quick_document
    from .trail import read_limits, revision_history_report

    root = qms_root(args.root)
    found = quick_document(root, args.doc_id, read_limits(root).max_file_bytes)
    if found is None:  # not a document's id: the full lookup says what it is, or what was meant
        with _repo_and_git(args) as (repo, _):
            found = find(repo, args.doc_id, want="document")
    set_language(configured_language(root, search_up=False))
    _detail(args, text("cli.verbose_repository", root=root))
    with Git(root) as git:
        resolved = checked_commit(git)  # at the top of a whole history, and HEAD: one git call
        # documents may be renamed, so the log covers manual/ (small) with renames followed, not records/
        index = HistoryIndex(git, paths=("manual",), resolved=resolved)
        _emit(args, revision_history_report(found.path, found.id, index))
        keep_commit_graph(git, resolved)  # the next path-limited log skips unchanged commits
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from .schema_export import export

    repo = _repo(args)
    for issue in repo.registry.issues:
        print(issue.format(), file=sys.stderr)
    changed = export(repo.root, repo.registry)
    for path in changed:
        _info(args, text("cli.wrote", path=path.relative_to(repo.root).as_posix()))
    _info(args, text("cli.schema_summary", kinds=len(repo.registry.kinds), changed=len(changed)))
    return 1 if repo.registry.issues else 0


def cmd_seal(args: argparse.Namespace) -> int:
    from .seal import seal

    repo = _repo(args)
    name, commit = seal(repo.root, args.as_of or dt.date.today(), args.message)
    print(text("cli.sealed", commit=commit[:8], name=name))
    return 0


def cmd_init(args: argparse.Namespace) -> int:
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


def _context(args: argparse.Namespace) -> Context:
    from .reports.context import Context

    repo = _repo(args)
    return Context.load(repo, args.as_of or dt.date.today(), args.lang, reveal=args.include_confidential)


def _write(ctx: Context, args: argparse.Namespace, outputs: Sequence[tuple[str, Report]]) -> None:
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
        print(text("cli.overdue", n=overdue))
    return 1 if overdue else 0


def cmd_checklist(args: argparse.Namespace) -> int:
    from .reports import checklist

    ctx = _context(args)
    if not args.plan and not args.scope:
        raise QmsError(text("cli.checklist_args"))
    plan = _record_id(ctx.repo, args.plan) if args.plan else None
    report = checklist.build(ctx, plan=plan, scope=args.scope, since=args.since, until=args.until,
                             sample=args.sample, seed=args.seed)
    _write(ctx, args, [(f"checklist-{plan or 'scope'}", report)])
    return 0


def cmd_ncr(args: argparse.Namespace) -> int:
    from .reports import ncr

    ctx = _context(args)
    if bool(args.id) == bool(args.status):
        raise QmsError(text("cli.ncr_args"))
    if args.id:
        rid = _record_id(ctx.repo, args.id)
        _write(ctx, args, [(f"ncr-{rid}", ncr.build(ctx, rid))])
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and turn what happened into an exit code; only a clean result is 0."""
    words = list(sys.argv[1:] if argv is None else argv)
    set_language(_repository_language(words))
    parser = _parser()
    args = parser.parse_args(words)
    if args.command is None:  # bare 'qms': what it can do, and no command ran
        parser.print_help()
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
        print("qms: " + text("cli.internal_error", name=type(exc).__name__, error=exc), file=sys.stderr)
        return INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
