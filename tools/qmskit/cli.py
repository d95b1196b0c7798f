"""The ``qms`` command: argument parsing, output formats and exit codes, nothing else.

Exit codes: 0 clean, 1 problems found, 2 the command could not run as asked,
3 an internal error (a bug in qmskit; never reported as 0).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .errors import QmsError
from .messages import join, text

# json, the near-miss suggestions and every command's own modules are imported where used: a question about one
# record should cost what that record costs (tests/test_show_one_item.py holds what `qms show` imports)
if TYPE_CHECKING:
    from .checks import CheckResult
    from .git import Git
    from .issues import Issue
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


DATE = "YYYY-MM-DD"  # a date option's placeholder: the format to type, the same in every language

# each command's --help ends with these (a comment, when there is one, is a catalogue key; {command} the command's
# place holder in the help's language), then the exit codes
EXAMPLES: dict[str, list[tuple[str, str | None]]] = {
    "": [("qms check", None), ("qms new nonconformity --set grade=minor", None), ("qms show NCR-2026-0007", None),
         ("qms {command} --help", "example.command_help")],
    "check": [("qms check", None), ("qms check --as-of 2026-12-31", None), ("qms check --format json", None),
              ("qms check --base main", "example.pr_against_main"),
              ("qms check --base main --head feature", "example.committed_branch")],
    "diff": [("qms diff --base main", None), ("qms diff --base main --head feature", None),
             ("qms diff --base main --format json", None)],
    "show": [("qms show NCR-2026-0007", None), ("qms show ncr-2026-0007 --format json", None),
             ("qms show LD-QP-09", "example.a_document"), ("qms show NCR-2026-0007 --format md > trail.md", None)],
    "log": [("qms log --since 2026-01-01 --until 2026-03-31", None), ("qms log --from v1.0 --to HEAD", None),
            ("qms log --since 2026-11-01 --format json", None)],
    "history": [("qms history LD-QP-09", None), ("qms history ld-qp-09 --format md", None)],
    "new": [("qms new nonconformity --set grade=minor --set due=2026-07-31", None),
            ("qms new complaint --base main", None)],
    "schema": [("qms schema export", None)], "schema export": [("qms schema export", None)],
    "init": [("qms init my-qms && cd my-qms && qms check", None),
             ("qms init acme --lang zh --standard iso9001 --standard iso14001 --standard iso45001", None),
             ("qms init medco --lang en --standard iso13485", None)],
    "seal": [("qms seal -m 'IA-2026-02'", "example.seal_after_audit")],
    "objectives": [("qms objectives --period 2026-Q2", None), ("qms objectives --format json --out build/reports", None)],
    "due": [("qms due", None), ("qms due --as-of 2026-12-31 --format md", None)],
    "checklist": [("qms checklist IAP-2026-01", None), ("qms checklist --scope 人力资源部 --scope LD-QP-03", None)],
    "ncr": [("qms ncr NCR-2026-0007", None), ("qms ncr --status open", None)],
    "review": [("qms review --since 2026-01-01 --until 2026-11-30", None)],
    "coverage": [("qms coverage --lang en", None)],
    "register": [("qms register documents", None), ("qms register nonconformity --format md", None)],
    "reports": [("qms reports", None), ("qms reports --format md --format json", None)],
    "site": [("qms site build", None), ("qms site serve --address 127.0.0.1:8000", None)],
    "site build": [("qms site build --out build/site", None)], "site serve": [("qms site serve", None)],
}


def exit_codes() -> str:
    """The exit codes every --help ends with, in the current language."""
    return text("usage.exit_codes")


def _epilog(name: str) -> str:
    """A command's examples (a comment after each that needs one) and the exit codes."""
    from .termout import display_width

    examples = [(command.replace("{command}", text("metavar.command")), comment)
                for command, comment in EXAMPLES.get(name, [])]
    width = max((display_width(command) for command, comment in examples if comment), default=0)
    lines = [f"  {command}{' ' * (width - display_width(command))}  # {text(comment)}" if comment else f"  {command}"
             for command, comment in examples]
    shown = (text("usage.examples") + "\n" + "\n".join(lines) + "\n\n") if lines else ""
    return shown + exit_codes()


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's help layout with its own words from the catalogue and Chinese text wrapped by display width.

    argparse counts characters; a Chinese character takes two columns and
    Chinese has no spaces to break at, so help lines are wrapped here by the
    columns they take, and an option whose placeholder is Chinese keeps its
    help in the same column as the others.
    """

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        from .termout import terminal_columns

        super().__init__(prog, indent_increment, max_help_position, terminal_columns() - 2 if width is None else width)

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, text("usage.prefix") if prefix is None else prefix)

    def _format_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                      groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None) -> str:
        """The usage lines, laid out again narrower while Chinese placeholders make one wider than the terminal."""
        from .termout import display_width

        actions, groups = list(actions), list(groups)
        width = self._width
        said = text("usage.prefix") if prefix is None else prefix
        indent = " " * (display_width(said) - len(said))  # continuation lines line up under the command
        try:
            for _ in range(4):
                first, *more = super()._format_usage(usage, actions, groups, prefix).split("\n")
                shown = "\n".join([first, *(indent + line if line.startswith(" ") else line for line in more)])
                over = max(display_width(line) for line in shown.splitlines()) - width
                if over <= 0:
                    break
                self._width -= over
        finally:
            self._width = width
        return shown

    def _split_lines(self, text: str, width: int) -> list[str]:
        from .termout import wrap_display

        return wrap_display(" ".join(text.split()), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:  # an epilog: examples and exit codes, laid out by hand
            return super()._fill_text(text, width, indent)
        from .termout import wrap_display

        return "\n".join(indent + line for line in wrap_display(" ".join(text.split()), width - len(indent)))

    def _format_action(self, action: argparse.Action) -> str:
        from .termout import display_width

        shown = super()._format_action(action)
        header = self._format_action_invocation(action)
        wide = display_width(header) - len(header)  # columns argparse did not count
        first, newline, rest = shown.partition("\n")
        body = first.lstrip(" ")
        if wide <= 0 or not body.startswith(header) or not body[len(header):].strip():
            return shown
        indent, after = first[: len(first) - len(body)], body[len(header):]
        pad = len(after) - len(after.lstrip(" "))
        if pad - wide >= 2:
            return f"{indent}{header}{' ' * (pad - wide)}{after.lstrip(' ')}{newline}{rest}"
        return f"{indent}{header}\n{' ' * (len(indent) + len(header) + pad)}{after.lstrip(' ')}{newline}{rest}"


class _Parser(argparse.ArgumentParser):
    """argparse in the repository's language: its headings, its help option and its errors from the catalogue,
    and a misspelt command or choice answered with the nearest ones.

    Why not a gettext translation for argparse: argparse asks gettext's
    process-wide default domain, whose language comes from the environment
    (LANGUAGE, LANG), not from the repository's qms.yml; setting those would
    reach every git process qms starts, and the words would live in compiled
    .mo files beside the catalogue. argparse's own words are few: its usage
    prefix and two headings (set here), its help option (added here) and its
    error sentences (put through the catalogue in :meth:`error`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False  # its own -h, whose help is in the catalogue
        super().__init__(*args, **kwargs)
        self._positionals.title = text("usage.positionals")
        self._optionals.title = text("usage.options")
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=text("help.help"))

    def error(self, message: str) -> NoReturn:
        """A usage error as one sentence that names the fix, then where the command's help is; exit 2."""
        self.exit(2, text("cli.usage_error", message=_usage_message(message), help=f"{self.prog} --help") + "\n")

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is not None and value not in action.choices:
            from .suggest import did_you_mean

            choices = [str(c) for c in action.choices]
            raise argparse.ArgumentError(action, text("cli.invalid_choice", value=value, choices=join(choices),
                                                      hint=did_you_mean(str(value), choices)))


# argparse's own English error sentences (Python 3.11-3.13), each put through the catalogue with what it quotes
_ARGPARSE_ERRORS: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (?P<names>.+)", "cli.required"),
    (r"unrecognized arguments: (?P<names>.+)", "cli.unrecognized"),
    (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)", "cli.ambiguous"),  # matches: "a, b"
    (r"one of the arguments (?P<names>.+) is required", "cli.one_required"),
)
_ARGUMENT_ERRORS: tuple[tuple[str, str], ...] = (
    (r"expected one argument", "cli.expected_one"),
    (r"expected at most one argument", "cli.expected_at_most_one"),
    (r"expected at least one argument", "cli.expected_at_least_one"),
    (r"expected (?P<n>\d+) arguments?", "cli.expected_n"),
    (r"ignored explicit argument '(?P<value>.*)'", "cli.no_value_wanted"),
    (r"not allowed with argument (?P<other>.+)", "cli.not_allowed_with"),
    (r"invalid int value: '(?P<value>.*)'", "cli.not_whole_number"),
    (r"invalid (?P<type>\w+) value: '(?P<value>.*)'", "cli.invalid_value"),
)


def _usage_message(message: str) -> str:
    """argparse's own English sentences put through the catalogue; ours (already in the catalogue's words) as they are."""
    for pattern, key in _ARGPARSE_ERRORS:
        found = re.fullmatch(pattern, message, flags=re.S)
        if found:
            quoted = found.groupdict()
            if "matches" in quoted:
                quoted["matches"] = join(quoted["matches"].split(", "))
            return text(key, **quoted)
    found = re.fullmatch(r"argument ([^:]+): (.+)", message, flags=re.S)
    if not found:
        return message
    option, said = found.groups()
    for pattern, key in _ARGUMENT_ERRORS:
        known = re.fullmatch(pattern, said, flags=re.S)
        if known:
            said = text(key, **known.groupdict())
            break
    return text("cli.argument", option=option, message=said)


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
    parser.epilog = _epilog(name)
    if name:  # the top parser has them with defaults; a command's copy only sets them when given
        parser.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=text("help.quiet"))
        parser.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS, help=text("help.verbose"))
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child, sub in action.choices.items():
                _finish(sub, f"{name} {child}".strip())


def _command_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the (sub)command ``args`` ran, whose help a usage error points to."""
    for dest in ("command", "action"):
        chosen = getattr(args, dest, None)
        found = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction) and a.dest == dest]
        if not chosen or not found or chosen not in found[0].choices:
            break
        parser = found[0].choices[chosen]
    return parser


def _view_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("table", "md", "json"), default=None, help=text("help.view_format"))


# the options that may stand before the command (``qms -v --root DIR show X``); with anything else there, every
# command's parser is built, as argparse alone then knows what the words mean
_TOP_FLAGS = ("-q", "--quiet", "--verbose")  # and -v, -vv, ...
_TOP_VALUED = ("--root",)


def named_command(words: Sequence[str]) -> str | None:
    """The command ``words`` run, when only plain top-level options stand before it; None when argparse must tell.

    ``qms show ID`` then builds the parser of ``show`` alone: building all
    eighteen, with their help texts and layouts, cost a single-record
    question a fifth of its time. Help (``-h`` before the command), an
    unknown or misspelt command, a bundle of short flags or an abbreviated
    option all leave it to the whole parser, so what they answer is unchanged.
    """
    n = 0
    while n < len(words):
        word = words[n]
        if word in _TOP_VALUED:
            n += 2
        elif word.startswith(tuple(f"{option}=" for option in _TOP_VALUED)) or word in _TOP_FLAGS \
                or (word[:2] == "-v" and set(word[1:]) == {"v"}):
            n += 1
        else:
            return word if word in _COMMAND_PARSERS else None  # a parser this module can build alone
    return None


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: every command's, or with ``only`` the top one and that command's alone."""
    parser = _Parser(prog="qms", description=text("help.qms"))
    parser.add_argument("--version", action=_VersionAction, help=text("help.version"))
    parser.add_argument("--root", type=Path, metavar=text("metavar.folder"), help=text("help.root"))
    parser.add_argument("-q", "--quiet", action="store_true", help=text("help.quiet"))
    parser.add_argument("-v", "--verbose", action="count", default=0, help=text("help.verbose"))
    sub = parser.add_subparsers(dest="command", metavar=text("metavar.command"))
    for name, add in _COMMAND_PARSERS.items():  # in this order in the help
        if only is None or name == only:
            add(sub, name)
    _finish(parser, "")
    return parser


def _add(sub: argparse._SubParsersAction[_Parser], name: str, summary: str,
         description: str | None = None) -> argparse.ArgumentParser:
    """A command's parser: its one-line help in the list of commands, its description (the same unless given) atop its own."""
    return sub.add_parser(name, help=summary, description=description or summary)


def _check_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    check = _add(sub, name, text("help.check"))
    check.add_argument("--as-of", type=_date, default=None, metavar=DATE, help=text("help.check_as_of"))
    check.add_argument("--format", choices=("text", "json", "github"), default="text", help=text("help.check_format"))
    check.add_argument("--jobs", type=int, default=None, metavar=text("metavar.number"), help=text("help.jobs"))
    check.add_argument("--base", metavar=text("metavar.rev"), help=text("help.check_base"))
    check.add_argument("--head", metavar=text("metavar.rev"), help=text("help.check_head"))
    check.add_argument("--strict", action="store_true", help=text("help.strict"))


def _diff_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    diff = _add(sub, name, text("help.diff"))
    diff.add_argument("--base", metavar=text("metavar.rev"), required=True, help=text("help.diff_base"))
    diff.add_argument("--head", metavar=text("metavar.rev"), help=text("help.diff_head"))
    _view_option(diff)


def _show_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    show = _add(sub, name, text("help.show"))
    show.add_argument("id", metavar=text("metavar.id"), help=text("help.show_id"))
    show.add_argument("--reveal", action="store_true", help=text("help.reveal"))
    _view_option(show)


def _log_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    log = _add(sub, name, text("help.log"), text("help.log_description"))
    log.add_argument("--since", type=_date, metavar=DATE, help=text("help.log_since"))
    log.add_argument("--until", type=_date, metavar=DATE, help=text("help.log_until"))
    log.add_argument("--from", dest="from_rev", metavar=text("metavar.rev"), help=text("help.log_from"))
    log.add_argument("--to", dest="to_rev", metavar=text("metavar.rev"), default="HEAD", help=text("help.log_to"))
    _view_option(log)


def _history_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    hist = _add(sub, name, text("help.history"))
    hist.add_argument("doc_id", metavar=text("metavar.doc_id"), help=text("help.doc_id"))
    _view_option(hist)


def _new_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    new = _add(sub, name, text("help.new"))
    new.add_argument("kind", metavar=text("metavar.kind"), help=text("help.new_kind"))
    new.add_argument("--set", action="append", default=[], metavar=text("metavar.field_value"), help=text("help.new_set"))
    new.add_argument("--as-of", type=_date, default=None, metavar=DATE, help=text("help.new_as_of"))
    new.add_argument("--base", metavar=text("metavar.rev"), help=text("help.new_base"))


def _schema_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    schema = _add(sub, name, text("help.schema"))
    schema_sub = schema.add_subparsers(dest="action", metavar=text("metavar.action"))
    schema_sub.required = True
    schema_sub.add_parser("export", help=text("help.schema_export"), description=text("help.schema_export"))


def _init_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    init = _add(sub, name, text("help.init"), text("help.init_description"))
    init.add_argument("dir", type=Path, metavar=text("metavar.folder"), help=text("help.init_dir"))
    init.add_argument("--lang", choices=("zh", "en"), default="zh", help=text("help.init_lang"))
    init.add_argument("--standard", action="append", default=None, metavar=text("metavar.standard"),
                      help=text("help.init_standard"))
    init.add_argument("--engine-source", default=None, metavar=text("metavar.spec"), help=text("help.engine_source"))


def _seal_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    seal = _add(sub, name, text("help.seal"), text("help.seal_description"))
    seal.add_argument("--message", "-m", metavar=text("metavar.text"), help=text("help.seal_message"))
    seal.add_argument("--as-of", type=_date, default=None, metavar=DATE, help=text("help.seal_as_of"))


def _report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", type=_date, default=None, metavar=DATE, help=text("help.report_as_of"))
    parser.add_argument("--lang", choices=("zh", "en"), default=None, help=text("help.report_lang"))
    parser.add_argument("--out", type=Path, default=None, metavar=text("metavar.folder"), help=text("help.report_out"))
    parser.add_argument("--format", action="append", choices=("md", "docx", "json"), default=None,
                        help=text("help.report_format"))
    parser.add_argument("--include-confidential", action="store_true", help=text("help.include_confidential"))


def _objectives_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    p = _add(sub, name, text("help.objectives"))
    p.add_argument("--period", metavar=text("metavar.period"), help=text("help.period"))
    _report_options(p)


def _due_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    p = _add(sub, name, text("help.due"))
    p.add_argument("--since", type=_date, metavar=DATE, help=text("help.due_since"))
    _report_options(p)


def _checklist_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    number = text("metavar.number")
    p = _add(sub, name, text("help.checklist"))
    p.add_argument("plan", nargs="?", metavar=text("metavar.plan"), help=text("help.checklist_plan"))
    p.add_argument("--scope", action="append", default=[], metavar=text("metavar.scope"), help=text("help.scope"))
    p.add_argument("--since", type=_date, metavar=DATE, help=text("help.audit_since"))
    p.add_argument("--until", type=_date, metavar=DATE, help=text("help.audit_until"))
    p.add_argument("--sample", type=int, default=5, metavar=number, help=text("help.sample"))
    p.add_argument("--seed", type=int, default=0, metavar=number, help=text("help.seed"))
    _report_options(p)


def _ncr_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    p = _add(sub, name, text("help.ncr"))
    p.add_argument("id", nargs="?", metavar=text("metavar.id"), help=text("help.ncr_id"))
    p.add_argument("--status", choices=("open", "overdue", "all"), help=text("help.ncr_status"))
    _report_options(p)


def _review_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    p = _add(sub, name, text("help.review"))
    p.add_argument("--since", type=_date, metavar=DATE, help=text("help.review_since"))
    p.add_argument("--until", type=_date, metavar=DATE, help=text("help.review_until"))
    _report_options(p)


def _register_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    p = _add(sub, name, text("help.register"))
    p.add_argument("what", metavar=text("metavar.register"), help=text("help.register_what"))
    _report_options(p)


def _coverage_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    _report_options(_add(sub, name, text("help.coverage")))


def _reports_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    _report_options(_add(sub, name, text("help.reports")))


def _site_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    p = _add(sub, name, text("help.site"))
    site_sub = p.add_subparsers(dest="action", metavar=text("metavar.action"))
    site_sub.required = True
    for action, summary in (("build", text("help.site_build")), ("serve", text("help.site_serve"))):
        q = site_sub.add_parser(action, help=summary, description=summary)
        q.add_argument("--as-of", type=_date, default=None, metavar=DATE, help=text("help.site_as_of"))
        q.add_argument("--lang", choices=("zh", "en"), default=None, help=text("help.report_lang"))
        q.add_argument("--staging", type=Path, default=None, metavar=text("metavar.folder"), help=text("help.staging"))
        if action == "build":
            q.add_argument("--out", type=Path, default=None, metavar=text("metavar.folder"), help=text("help.site_out"))
            q.add_argument("--no-strict", action="store_true", help=text("help.no_strict"))
        else:
            q.add_argument("--address", default="127.0.0.1:8000", metavar=text("metavar.address"),
                           help=text("help.address"))


# each command's parser, in the order the help lists them
_COMMAND_PARSERS: dict[str, Callable[[argparse._SubParsersAction[_Parser], str], None]] = {
    "check": _check_parser, "diff": _diff_parser, "show": _show_parser, "log": _log_parser,
    "history": _history_parser, "new": _new_parser, "schema": _schema_parser, "init": _init_parser,
    "seal": _seal_parser, "objectives": _objectives_parser, "due": _due_parser, "checklist": _checklist_parser,
    "ncr": _ncr_parser, "review": _review_parser, "coverage": _coverage_parser, "register": _register_parser,
    "reports": _reports_parser, "site": _site_parser,
}


def _repo(args: argparse.Namespace) -> Repository:
    from .lookup import qms_root
    from .repository import Repository

    repo = Repository(qms_root(args.root))
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
        import json

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
        # documents may be renamed, so the log covers manual/ (small) with renames followed, not records/
        index = HistoryIndex(git, paths=("manual",), resolved=resolved, memo=memo)
        _emit(args, revision_history_report(found.path, found.id, index))
        memo.save()
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


def _context(args: argparse.Namespace, reveal: bool | None = None) -> Context:
    from .reports.context import Context

    repo = _repo(args)
    with _progress(args) as progress:
        return Context.load(repo, args.as_of or dt.date.today(), args.lang,
                            reveal=args.include_confidential if reveal is None else reveal,
                            progress=progress and (lambda done, total: progress("progress.read", done, total)))


@contextmanager
def _progress(args: argparse.Namespace) -> Iterator[Callable[[str, int, int], None] | None]:
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

    if not args.plan and not args.scope:  # said before the records are read: at 20,000 that takes seconds
        raise QmsError(text("cli.checklist_args"))
    ctx = _context(args)
    plan = _record_id(ctx.repo, args.plan) if args.plan else None
    report = checklist.build(ctx, plan=plan, scope=args.scope, since=args.since, until=args.until,
                             sample=args.sample, seed=args.seed)
    _write(ctx, args, [(f"checklist-{plan or 'scope'}", report)])
    return 0


def cmd_ncr(args: argparse.Namespace) -> int:
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
    parser = _parser(named_command(words))
    args, extra = parser.parse_known_args(words)
    if extra:  # pointed to the help of the command they were given to, not the top one
        _command_parser(parser, args).error(text("cli.unrecognized", names=" ".join(extra)))
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
