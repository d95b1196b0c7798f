"""``qms site build``: the whole QMS as a mkdocs-material site, built without the internet.

The engine writes plain Markdown into a staging folder (``build/site-src``):
the manual's pages with a header block and their revision history, a page
per record, the registers and dashboards (the same report models as
``qms objectives`` and friends, rendered as pages), and the organization.
Then mkdocs builds it. The generated Markdown uses only standard
extensions (tables, toc, admonition, superfences for mermaid), so the same
folder builds with Zensical, material's successor.

Nothing confidential reaches the site: records are read through
``Context`` with ``reveal=False``, so every page, and the search index
built from them, sees masked values only.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .. import messages
from ..issues import QmsError
from ..render import atomic_write
from ..render.charts import figure_png
from ..render.markdown import render
from ..report import Figure, Paragraph, Report
from ..reports import coverage, due, ncr, objectives, registers
from ..reports.registers import class_order
from ..reports.context import Context
from ..trail import activity_report
from .config import site_config
from .links import Linker
from .pages import document_page, organization_page, record_page

MARKER = ".qms-staging"  # a staging folder holds this file; only such a folder is ever emptied
RECENT_DAYS = 90

# Search ranking: a controlled document above the records made under it. The search for 投诉
# listed a hundred complaint records (their titles say 投诉) before the complaint procedure,
# whose title does not; ``search.boost`` (page front matter) weighs every section of a page.
DOCUMENT_BOOST = 2.0
RECORD_BOOST = 0.5


# A flow chart keeps its natural size and the page scrolls it sideways (qms.css): mermaid's default
# shrinks a chart to the column, and the manual's left-to-right flows (1,200 to 2,300 px wide)
# came out with 5-pixel labels no one could read. Its source stays out of the search index,
# where results showed "flowchart LR A[..." as the text of a section.
_DIAGRAM_SIZE = '%%{init: {"flowchart": {"useMaxWidth": false}}}%%'
_MERMAID_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*mermaid\s*$")


def readable_diagrams(text: str) -> str:
    """Mermaid charts at their natural size (a directive first, after any front matter), not searched."""
    lines = text.split("\n")
    out: list[str] = []
    n = 0
    while n < len(lines):
        fence = _MERMAID_FENCE.match(lines[n])
        out.append(f'{fence.group(1)}{fence.group(2)}mermaid {{data-search-exclude="true"}}' if fence else lines[n])
        n += 1
        if not fence:
            continue
        indent = fence.group(1)
        if n < len(lines) and lines[n].strip() == "---":  # the chart's own front matter comes first
            end = next((k for k in range(n + 1, len(lines)) if lines[k].strip() == "---"), None)
            if end is not None:
                out += lines[n:end + 1]
                n = end + 1
        out.append(indent + _DIAGRAM_SIZE)
    return "\n".join(out)


def _boosted(text: str, boost: float) -> str:
    """The page with front matter giving its search weight (mkdocs-material and Zensical read it)."""
    return f"---\nsearch:\n  boost: {boost}\n---\n\n{text}"


@dataclass
class Staged:
    docs: Path
    nav: list[dict[str, object]] = field(default_factory=list)
    pages: int = 0


def _clean(folder: Path) -> None:
    if folder.exists():
        if not (folder / MARKER).is_file():
            raise QmsError(messages.text("site.staging_taken", folder=folder))
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / MARKER).write_text("made by qms site build; deleted and rebuilt on each build\n", encoding="utf-8")


def _write(docs: Path, page: str, text: str) -> None:
    atomic_write(docs / page, text.encode("utf-8"))


def _report_page(docs: Path, page: str, report: Report, linker: Linker, *, searched: bool = True) -> None:
    """A report as a page; its charts as PNG files beside it; ``searched=False`` keeps it out of the search index."""
    stem = page.rsplit("/", 1)[-1][:-3]
    figures: dict[str, Figure] = {}

    def link(figure: Figure) -> str:
        name = f"{stem}-{figure.name}.png"
        figures[name] = figure
        return name

    text = render(report, link)
    folder = (docs / page).parent
    for name, figure in figures.items():
        atomic_write(folder / name, figure_png(figure))
    text = linker.link(text, page)
    _write(docs, page, text if searched else f"---\nsearch:\n  exclude: true\n---\n\n{text}")


def _linker(ctx: Context, doc_pages: dict[str, str], org_anchors: dict[str, str]) -> Linker:
    tr = ctx.tr
    linker = Linker(names=org_anchors)
    for df in ctx.document_files:
        assert df.doc is not None
        suffix = f"({tr.doc_status(df.doc.status)})" if df.doc.status != "effective" else ""
        linker.add_document(df.doc.id, doc_pages[df.doc.id], df.body, suffix)
    for kind, recs in ctx.records.items():
        for rec in recs:
            linker.add_record(rec.id, f"records/{kind}/{rec.id}.md")
    return linker


# What a long build reports as it goes: (step, done, total); the step is a message key (``progress.*``).
StepProgress = Callable[[str, int, int], None]


def stage(ctx: Context, staging: Path, progress: StepProgress | None = None) -> Staged:
    """Write every page of the site as Markdown into ``staging/docs``."""
    if ctx.reveal:
        raise QmsError(messages.text("site.no_confidential"))
    tr = ctx.tr
    _clean(staging)
    docs = staging / "docs"
    manual = ctx.repo.root / "manual"
    staged = Staged(docs)
    doc_pages = {df.doc.id: df.path[len("manual/"):] for df in ctx.document_files if df.doc}
    org_text, anchors = organization_page(ctx)
    linker = _linker(ctx, doc_pages, anchors)
    _write(docs, "organization.md", org_text)
    for path in sorted(p for p in manual.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = path.relative_to(manual).as_posix()
        if rel.startswith(".") or "/." in rel or path.suffix in (".yml", ".yaml"):
            continue
        if path.suffix != ".md":
            atomic_write(docs / rel, path.read_bytes())  # images and attachments of the manual
    documents = ctx.repo.load_documents()
    dashboards: list[tuple[str, str, Callable[[], Report]]] = [  # each built when its page is written, after the records
        (tr("质量目标", "Objectives"), "dashboards/objectives.md", lambda: objectives.build(ctx)),
        (tr("不符合和纠正措施", "Nonconformities"), "dashboards/nonconformities.md", lambda: ncr.build_list(ctx, "open")),
        (tr("到期与逾期", "Due and overdue"), "dashboards/due.md", lambda: due.build(ctx)),
        (tr("条款覆盖", "Clause coverage"), "dashboards/coverage.md", lambda: coverage.build(ctx)),  # every standard
        (tr("最近变更", "Recent changes"), "dashboards/changes.md", lambda: _recent_changes(ctx)),
    ]
    # documents, records, a register per form and the documents', the dashboards, the organization
    total = (len(documents) + sum(len(recs) for recs in ctx.records.values()) + len(ctx.repo.registry.kinds) + 1
             + len(dashboards) + 1)
    for df in documents:
        page = df.path[len("manual/"):]
        if df.doc is None:  # index pages and pages without front matter: the text as it is, linked
            _write(docs, page, readable_diagrams(linker.link(df.body, page)))
        else:
            text = readable_diagrams(document_page(ctx, df.doc, df.path, df.body, linker, page))
            _write(docs, page, _boosted(text, DOCUMENT_BOOST))
        staged.pages += 1
    for kind, recs in sorted(ctx.records.items()):
        for rec in recs:
            page = f"records/{kind}/{rec.id}.md"
            _write(docs, page, _boosted(record_page(ctx, rec, linker, page), RECORD_BOOST))
            staged.pages += 1
            if progress is not None and staged.pages % 200 == 0:
                progress("progress.stage", staged.pages, total)
    register_nav: list[dict[str, object]] = [{tr("受控文件清单", "Documents"): "registers/index.md"}]
    _report_page(docs, "registers/index.md", registers.build(ctx, "documents"), linker)
    for kind in sorted(ctx.repo.registry.kinds):
        page = f"registers/{kind}.md"
        _report_page(docs, page, registers.build(ctx, kind), linker)
        register_nav.append({ctx.repo.registry.kinds[kind].spec.title(ctx.lang): page})
    for _, page, build in dashboards:
        # the recent changes are one table of every change (1,280 rows in the reference): as one
        # search section it was noise in every result, and too big for Zensical's index (256 KB)
        _report_page(docs, page, build(), linker, searched=page != "dashboards/changes.md")
    staged.pages += len(register_nav) + len(dashboards) + 1
    if progress is not None:
        progress("progress.stage", staged.pages, total)
    staged.nav = _nav(ctx) + [
        {tr("登记册", "Registers"): register_nav},
        {tr("看板", "Dashboards"): [{title: page} for title, page, _ in dashboards]},
        {tr("组织机构", "Organization"): "organization.md"},
    ]
    _assets(docs)
    return staged


def _recent_changes(ctx: Context) -> Report:
    import datetime as dt

    tr = ctx.tr
    since = ctx.as_of - dt.timedelta(days=RECENT_DAYS)
    title = tr(f"最近 {RECENT_DAYS} 天的变更", f"Changes in the last {RECENT_DAYS} days")
    if ctx.history is None:
        report = Report(title)
        report.section(tr("变更", "Changes")).blocks.append(
            _note(tr("不在 git 仓库中:没有变更历史。", "Not a git repository: no history.")))
        return report
    return activity_report(list(ctx.history.changes_between(since, ctx.as_of)), title)


def _note(text: str) -> Paragraph:
    return Paragraph(text, "note")


def _nav(ctx: Context) -> list[dict[str, object]]:
    """One tab per folder of manual/ (a unit), its index first, then documents by class (qms.yml's document_classes,
    in its order: the manual before the procedures before the forms) and id."""
    nav: list[dict[str, object]] = [{ctx.tr("首页", "Home"): "index.md"}]
    order = {code: n for n, code in enumerate(class_order(ctx))}
    folders: dict[str, list[tuple[str, str]]] = {}
    for df in ctx.repo.load_documents():
        page = df.path[len("manual/"):]
        if page == "index.md":
            continue
        folder = page.split("/", 1)[0] if "/" in page else ""
        label = f"{df.doc.id} {df.doc.title}" if df.doc else _first_heading(df.body) or page
        key = "0" if df.doc is None else f"1{order.get(df.doc.type, len(order)):03d}{df.doc.id}"
        folders.setdefault(folder, []).append((key, f"{label}\t{page}"))
    for folder, entries in sorted(folders.items()):
        pages = [e.split("\t") for _, e in sorted(entries)]
        title = next((label for label, page in pages if page.endswith("/index.md")), folder or ctx.tr("文件", "Documents"))
        nav.append({title: [{label: page} for label, page in pages]})
    return nav


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def _assets(docs: Path) -> None:
    assets = resources.files("qmskit.site") / "assets"
    for name in ("mermaid.min.js", "mermaid.LICENSE", "qms.css"):
        atomic_write(docs / "assets" / name, (assets / name).read_bytes())


def terms_dictionary() -> Path:
    """The jieba user dictionary of QMS terms, so 不符合 or 管理评审 are one word in the search index."""
    return Path(str(resources.files("qmskit.site") / "assets" / "qms_terms.txt"))


def build_site(ctx: Context, out: Path, staging: Path, *, strict: bool = True,
               progress: StepProgress | None = None) -> Staged:
    """Stage the pages, write the mkdocs config beside them, build into ``out``."""
    staged = stage(ctx, staging, progress)
    config = site_config(ctx, staged.nav, out.resolve(), terms_dictionary())
    atomic_write(staging / "mkdocs.yml", config.encode("utf-8"))
    # Not ``-q``: mkdocs 1.6 counts warnings for --strict through its logger, and -q silences the
    # logger below ERROR, so a quiet strict build passed with broken links. Its output is kept
    # here and only the warnings and errors are shown.
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(staging / "mkdocs.yml")]
    if strict:
        command.append("--strict")
    code, log = _run_mkdocs(command, staged.pages, progress)
    if code != 0:
        raise QmsError(messages.text("site.build_failed", problems=_problems(log)), exit_code=1)
    fix_search_worker(out)
    return staged


def _run_mkdocs(command: list[str], pages_staged: int, progress: StepProgress | None) -> tuple[int, str]:
    """mkdocs's exit code and log; with ``progress``, its pages counted as it reads and then builds them.

    mkdocs says nothing between "Building documentation" and the end, which
    takes minutes for a site of 20,000 records; its debug log (``-v``) names
    each page as it is read and as it is built, so the lines are counted as
    they come and only the others are kept for :func:`_problems`.
    """
    if progress is None:
        result = subprocess.run(command, capture_output=True, text=True)
        return result.returncode, result.stderr + result.stdout
    kept: list[str] = []
    pages = {"progress.mkdocs_read": 0, "progress.mkdocs_build": 0}
    total = pages_staged
    with subprocess.Popen([*command, "-v"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          errors="replace") as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            step = ("progress.mkdocs_read" if "-  Reading: " in line else
                    "progress.mkdocs_build" if "-  Building page " in line else None)
            if step is None:
                if not line.startswith("DEBUG"):
                    kept.append(line)
                continue
            pages[step] += 1
            total = max(total, pages["progress.mkdocs_read"])
            progress(step, pages[step], total)
    return proc.returncode, "".join(kept)


# mkdocs-material's search worker splits a Chinese query into the words its index holds, but its
# loop never tries the rest of the query as a word (``j < query.length``), so the last word is
# lost: 管理评审 was searched as 管理, 纠正措施 as 纠正. The built copy of the worker is patched to
# try it (``j <= query.length``); a worker without that loop (another version) is left as it is,
# and the browser test (tests/test_site_browser.py) notices if the search breaks again.
_SEGMENT_LOOP = re.compile(r"for\(let (\w+)=(\w+)\+1;\1<(\w+)\.length;\1\+\+\)\3\.slice\(\2,\1\)in ")


def fix_search_worker(site: Path) -> bool:
    """Patch the built search worker so a Chinese query keeps its last word; whether it was patched."""
    patched = False
    for path in sorted((site / "assets" / "javascripts" / "workers").glob("search.*.min.js")):
        text = path.read_text(encoding="utf-8")
        fixed, count = _SEGMENT_LOOP.subn(lambda m: m.group(0).replace(f"{m[1]}<{m[3]}.", f"{m[1]}<={m[3]}."), text)
        if count == 1:
            atomic_write(path, fixed.encode("utf-8"))
            patched = True
    return patched


def _problems(log: str) -> str:
    """The warnings and errors of a mkdocs log (its INFO lines list every page left out of the navigation)."""
    if "Traceback" in log:
        return log[log.index("Traceback"):].strip()
    lines = [line for line in log.splitlines() if re.match(r"\s*(WARNING|ERROR|Error|Aborted)", line)]
    return "\n".join(lines) if lines else "\n".join(log.strip().splitlines()[-40:])


def serve_site(ctx: Context, staging: Path, address: str) -> int:
    staged = stage(ctx, staging)
    config = site_config(ctx, staged.nav, (staging / "site").resolve(), terms_dictionary())
    atomic_write(staging / "mkdocs.yml", config.encode("utf-8"))
    return subprocess.call([sys.executable, "-m", "mkdocs", "serve", "-f", str(staging / "mkdocs.yml"), "-a", address])


__all__ = ["build_site", "serve_site", "stage"]
