"""The ``qms`` command line's parser: argparse in the repository's language, with every command's options.

Apart from :mod:`qmskit.cli` so that the plain questions ``qms show ID`` and
``qms history DOC``, which :func:`qmskit.cli.plain_question` reads without
it, import neither argparse (with gettext and locale) nor the parsers'
help texts; every other command line, help and usage error is read here.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .messages import join, text
from .notyping import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, NoReturn


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


def _period_options(parser: argparse.ArgumentParser, since: str, until: str) -> None:
    """``--since`` and ``--until``, each worded for its command (the catalogue keys are named in full where used,
    so that the check for unused messages finds them)."""
    parser.add_argument("--since", type=_date, metavar=DATE, help=text(since))
    parser.add_argument("--until", type=_date, metavar=DATE, help=text(until))


def _log_parser(sub: argparse._SubParsersAction[_Parser], name: str) -> None:
    log = _add(sub, name, text("help.log"), text("help.log_description"))
    _period_options(log, "help.log_since", "help.log_until")
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
    _period_options(p, "help.audit_since", "help.audit_until")
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
    _period_options(p, "help.review_since", "help.review_until")
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


def parsed(words: Sequence[str]) -> argparse.Namespace | None:
    """``words`` read as argparse reads them; a usage error ends the process (exit 2) with its message.

    None for a bare ``qms``: its help is printed, and no command ran.
    """
    parser = _parser(named_command(words))
    args, extra = parser.parse_known_args(words)
    if extra:  # pointed to the help of the command they were given to, not the top one
        _command_parser(parser, args).error(text("cli.unrecognized", names=" ".join(extra)))
    if args.command is None:  # bare 'qms': what it can do
        parser.print_help()
        return None
    return args
