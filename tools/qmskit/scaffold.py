"""``qms init``: a small, complete QMS repository that passes ``qms check`` at once, ready for CI.

The starter is written in the chosen language (``--lang zh|en``) for the
chosen standards (``--standard``, one or several): the common documents are
tagged with the clauses they cover in each standard (``templates/init/
clauses.yml``), and each standard adds the procedure its own clauses need
(environmental aspects for ISO 14001, hazards for ISO 45001, product
realization for ISO 13485). Dates are written relative to the day of
creation (``@@DATE-30@@``), so a fresh repository is never born overdue.

The new repository's CI installs the engine that created it: the pin in
``.github/qmskit-requirements.txt`` names this qmskit's version, installed
from its release tag (``ENGINE_SOURCE``), because no package index has
qmskit yet. It is made a git repository with a first commit (unless it sits
inside one), so ``qms check --base``, ``show``, ``history`` and ``log``
work at once.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from .documents import DEFAULT_CLASSES
from .issues import QmsError
from .messages import join, text, using
from .registry import load_registry
from .schema_export import export
from .standards import BUILTIN_IDS, builtin
from .yamllib import yaml

ENGINE_SOURCE = "git+https://github.com/qmskit/qmskit"
"""Where CI installs qmskit from until a release is on a package index: the release tag v<version> of this repository."""
LANGS = ("zh", "en")
_TOKEN = re.compile(r"@@(DATE([+-]\d+)?|YEAR|VERSION|ENGINE|SYSTEM|MANUAL)@@")
_DOT = "dot-"  # template names for dot-files, which packaging tools tend to drop
SOP_CLASS = {"zh": "标准作业程序", "en": "standard operating procedure"}
COMMIT_MESSAGE = "qms init: the starter QMS ({standards}, {lang}) made by qmskit {version}"

def _said(starter: str, key: str, /, **params: object) -> str:
    """A message of ``qms init`` in the starter's language (``--lang``), not the language around it."""
    with using(starter):
        return text(key, **params)


def engine_requirement(version: str, source: str | None = None) -> str:
    """The pip requirement for CI: ``qmskit @ git+https://…@v0.1.0`` (or ``source`` as given: a URL, a path, ``qmskit==…``)."""
    if source and not source.startswith(("git+", "http://", "https://")):
        return source
    return f"qmskit @ {source or ENGINE_SOURCE}@v{version}"


def _version() -> str:
    from . import __version__

    return __version__


def _system_name(lang: str, standards: list[str]) -> str:
    """What the system is called in the site's title: a quality, an integrated or a medical-device QMS."""
    if standards == ["iso9001"] or standards == ["iso13485"]:
        return "质量管理体系" if lang == "zh" else "Quality Management System"
    if set(standards) == {"iso9001", "iso14001", "iso45001"}:
        return "质量、环境和职业健康安全管理体系" if lang == "zh" else "Integrated Management System"
    return "管理体系" if lang == "zh" else "Management System"


def _manual_title(lang: str, standards: list[str]) -> str:
    quality_only = set(standards) <= {"iso9001", "iso13485"}
    return ("质量手册" if quality_only else "管理手册") if lang == "zh" else ("Quality Manual" if quality_only else
                                                                        "Management System Manual")


class _Filler:
    """The template's tokens filled for one repository."""

    def __init__(self, today: dt.date, lang: str, standards: list[str], engine: str) -> None:
        self.today, self.lang, self.standards, self.engine = today, lang, standards, engine
        template = resources.files("qmskit") / "templates" / "init" / "clauses.yml"
        self.clauses: dict[str, dict[str, list[str]]] = yaml.safe_load(template.read_text(encoding="utf-8"))

    def text(self, text: str) -> str:
        def sub(match: re.Match[str]) -> str:
            token = match.group(1)
            if token == "YEAR":
                return str(self.today.year)
            if token == "VERSION":
                return _version()
            if token == "ENGINE":
                return self.engine
            if token == "SYSTEM":
                return _system_name(self.lang, self.standards)
            if token == "MANUAL":
                return _manual_title(self.lang, self.standards)
            return (self.today + dt.timedelta(days=int(match.group(2) or 0))).isoformat()

        return _TOKEN.sub(sub, text)

    def document(self, text: str) -> str:
        """A manual page: tokens filled, ``@@CLAUSES@@`` replaced by one line per chosen standard the document covers."""
        doc_id = re.search(r"^id: (\S+)$", text, re.M)
        tags = self.clauses.get(doc_id.group(1), {}) if doc_id else {}
        lines = [f"{std}: [{', '.join(repr(c).replace(chr(39), chr(34)) for c in tags[std])}]"
                 for std in self.standards if tags.get(std)]
        return self.text(text).replace("@@CLAUSES@@\n", "".join(line + "\n" for line in lines))


def config_text(name: str, lang: str, standards: list[str]) -> str:
    """``qms.yml`` for the starter: the standards it works to, and the document classes when ISO 13485 adds SOPs."""
    names = ", ".join(f"{builtin()[s].name} ({builtin()[s].national})" for s in standards)
    lines = [
        "# qmskit settings for this QMS repository.",
        f"name: {name}",
        f"lang: {lang}  # messages, reports and the site in zh or en",
        "max_file_bytes: 1048576",
        "max_depth: 32",
        "revision_scheme: letter/number  # document revisions: A/0 → A/1 → B/0 (or numeric: 1.0 → 1.1 → 2.0)",
        f"# The standards this organization works to: {names}. A document tags the clauses it covers",
        "# with one field per standard (iso9001: [\"7.5\"]). Your own catalogues go in standards/<id>.yml.",
        f"standards: [{', '.join(standards)}]",
    ]
    if "iso13485" in standards:
        lines.append("# Document classes: the default eight, and SOP (standard operating procedure).")
        lines.append("document_classes:")
        for code, (zh, en) in {**DEFAULT_CLASSES, "SOP": (SOP_CLASS["zh"], SOP_CLASS["en"])}.items():
            lines.append(f"  {code}: {{zh: {zh}, en: {en}}}")
    return "\n".join(lines) + "\n"


def _index_rows(target: Path) -> str:
    rows = []
    for path in sorted((target / "manual").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        found = re.search(r"^id: (\S+)$", text, re.M), re.search(r"^title: (.+)$", text, re.M)
        if found[0] and found[1]:
            rows.append(f"| {found[0].group(1)} | {found[1].group(1)} |")
    return "\n".join(rows)


def check_choices(lang: str, standards: list[str]) -> list[str]:
    """The standards in order, each once; a QmsError naming the fix for an unknown language or standard."""
    if lang not in LANGS:
        raise QmsError(_said(lang, "init.lang", lang=lang), exit_code=2)
    chosen = list(dict.fromkeys(standards or ["iso9001"]))
    for std in chosen:
        if std not in BUILTIN_IDS:
            raise QmsError(_said(lang, "init.standard", std=std, known=join(BUILTIN_IDS)), exit_code=2)
    return chosen


def init_repository(target: Path, today: dt.date, lang: str = "zh", standards: list[str] | None = None,
                    engine_source: str | None = None) -> list[Path]:
    """Write the starter into ``target`` (new or empty); never overwrites."""
    chosen = check_choices(lang, standards or ["iso9001"])
    if target.exists() and any(target.iterdir()):
        raise QmsError(_said(lang, "init.not_empty", target=target))
    filler = _Filler(today, lang, chosen, engine_requirement(_version(), engine_source))
    base = resources.files("qmskit") / "templates" / "init"
    sources: list[tuple[Path, Path]] = []  # (template file, destination relative to target)
    for folder in (base / "common", base / lang):
        root = Path(str(folder))
        sources += [(item, item.relative_to(root)) for item in _walk(root)]
    for std in chosen:
        root = Path(str(base / "standards" / std / lang))
        sources += [(item, Path("manual") / item.relative_to(root)) for item in _walk(root)]
    written: list[Path] = []
    index: Path | None = None
    for source, rel in sources:
        parts = ["." + p[len(_DOT):] if p.startswith(_DOT) else filler.text(p) for p in rel.parts]
        dest = target.joinpath(*parts)
        text = source.read_text(encoding="utf-8")
        text = filler.document(text) if source.suffix == ".md" else filler.text(text)
        _write_new(dest, text)
        written.append(dest)
        if rel.as_posix() == "manual/index.md":
            index = dest
    org = re.search(r"^name: (.+)$", (target / "manual" / "organization.yml").read_text(encoding="utf-8"), re.M)
    config = target / "qms.yml"
    _write_new(config, config_text(org.group(1).strip() if org else target.name, lang, chosen))
    written.append(config)
    if index is not None:
        index.write_text(index.read_text(encoding="utf-8").replace("@@DOCUMENTS@@", _index_rows(target)), encoding="utf-8")
    registry = load_registry(target / "schemas", target)
    written.extend(export(target, registry))
    return written


def _write_new(dest: Path, text: str) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "x", encoding="utf-8") as handle:
        handle.write(text)


def _walk(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for item in sorted(folder.rglob("*")):
        if item.is_file() and "__pycache__" not in item.parts:
            yield item


def next_steps(target: Path, files: int, committed: bool, lang: str) -> str:
    """What to do after ``qms init``, in the starter's language; each step true of what was just made."""
    with using(lang):
        return text("init.next_steps", dir=target, files=files,
                    git=text("init.git_committed") if committed else text("init.git_inside"),
                    commit="" if committed else text("init.commit_step", dir=target))


def inside_git(target: Path) -> bool:
    """Whether ``target`` lies in a git work tree already (then the user's repository takes the files)."""
    result = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=target, capture_output=True, text=True)
    return result.returncode == 0 and result.stdout.strip() == "true"


def git_available() -> bool:
    try:
        return subprocess.run(["git", "--version"], capture_output=True).returncode == 0
    except OSError:
        return False


def commit_starter(target: Path, lang: str, standards: list[str]) -> bool:
    """``git init`` and a first commit of everything written; False (nothing done) when ``target`` is inside a repository.

    Without git installed, the files stay written and a QmsError says how to commit them.

    The commit is made with the user's git identity when there is one, else
    with a neutral one for this commit only, so that a fresh machine (a CI
    runner) can run ``qms init`` too.
    """
    if not git_available():
        raise QmsError(_said(lang, "init.git_missing", target=target))
    if inside_git(target):
        return False
    env = dict(os.environ)
    for key, value in (("GIT_AUTHOR_NAME", "qms init"), ("GIT_AUTHOR_EMAIL", "qms-init@localhost")):
        probe = subprocess.run(["git", "config", "--get", "user." + key.split("_")[-1].lower()], cwd=target,
                               capture_output=True, text=True)
        if probe.returncode != 0 or not probe.stdout.strip():
            env[key] = value
            env[key.replace("AUTHOR", "COMMITTER")] = value
    message = COMMIT_MESSAGE.format(standards=", ".join(standards), lang=lang, version=_version())
    for command in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", message]):
        result = subprocess.run(command, cwd=target, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise QmsError(_said(lang, "init.git_failed", command=" ".join(command[:2]), target=target,
                                error=result.stderr.strip()))
    return True


__all__ = ["ENGINE_SOURCE", "check_choices", "commit_starter", "config_text", "engine_requirement", "init_repository",
           "next_steps"]
