"""``qms site build``: the reference QMS builds strictly, offline, with Chinese search; no secret and no markup leaks.

The reference site is built once per session (tests/sitekit.py) and shared
with the browser tests; the canary copy is built beside it. Record text
that tries to be HTML, a link or a heading is checked in a tiny ``qms init``
repository; the browser tests open the same pages.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import run_qms
from sitekit import (  # noqa: F401 - fixtures
    PROBE,
    ROOT,
    Built,
    Planted,
    Unsafe,
    find_canaries,
    planted_site,
    reference_site,
    site_builds,
    unsafe_site,
)

from qmskit import Repository
from qmskit.site import fix_search_worker, readable_diagrams


def built_page(site: Path, staged: str) -> Path:
    """Where mkdocs writes a staged page (``use_directory_urls``)."""
    stem = staged[:-3]
    if stem == "index" or stem.endswith("/index"):
        return site / f"{stem}.html"
    return site / stem / "index.html"


# --------------------------------------------------------------------------- the reference QMS


def test_the_reference_qms_builds_strictly_with_every_page(reference_site: Built) -> None:
    staged = sorted(p.relative_to(reference_site.staging / "docs").as_posix()
                    for p in (reference_site.staging / "docs").rglob("*.md"))
    match = re.search(r"已生成 (\d+) 个页面", reference_site.output)  # the reference QMS speaks Chinese (lang: zh)
    assert match, reference_site.output
    assert int(match.group(1)) == len(staged)
    assert "WARNING" not in reference_site.output and "Traceback" not in reference_site.output

    # what the engine should have staged, counted from the repository independently
    manual = len(list((ROOT / "manual").rglob("*.md")))
    records = len(list((ROOT / "records").rglob("*.yaml")))
    kinds = len(Repository(ROOT).registry.kinds)
    assert len(staged) == manual + records + (1 + kinds) + 5 + 1  # registers, five dashboards, organization
    missing = [page for page in staged if not built_page(reference_site.site, page).is_file()]
    assert not missing, f"staged pages without HTML: {missing[:10]}"
    assert (reference_site.site / "search" / "search_index.json").is_file()
    print(f"reference site: {len(staged)} pages in {reference_site.seconds:.0f} s")


def test_strict_mode_is_on(repo: Path, tmp_path: Path) -> None:
    """A broken link fails the build: the reference passing means it has none."""
    page = repo / "manual" / "QP-01-document-control.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n见[不存在的页](nowhere.md)。\n", encoding="utf-8")
    result = run_qms("site", "build", "--out", str(tmp_path / "site"), "--staging", str(tmp_path / "src"), cwd=repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "nowhere.md" in result.stderr


def test_the_site_asks_nothing_of_the_internet(reference_site: Built) -> None:
    """Every script, style sheet, image and font comes from the site itself (the browser test loads them)."""
    external = re.compile(r"""<(?:script|img|iframe|source)\b[^>]*\bsrc=["']?(?:https?:)?//|"""
                          r"""<link\b[^>]*\bhref=["']?(?:https?:)?//""", re.I)
    css_external = re.compile(r"""@import\s+(?:url\()?["']?(?:https?:)?//|url\(["']?(?:https?:)?//""", re.I)
    found = []
    pages = list(reference_site.site.rglob("*.html"))
    for path in pages:
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(reference_site.site)}: {m.group(0)}" for m in external.finditer(text)]
    for path in reference_site.site.rglob("*.css"):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(reference_site.site)}: {m.group(0)}" for m in css_external.finditer(text)]
    assert len(pages) > 1000 and not found, found[:10]
    chart = reference_site.html("labor-dispatch/LD-QP-08-nonconformity/")
    assert '<pre class="mermaid"' in chart and 'src="../../assets/mermaid.min.js"' in chart
    assert (reference_site.site / "assets" / "mermaid.min.js").stat().st_size > 1_000_000


def test_the_search_index_holds_chinese_words_and_weighs_documents(reference_site: Built) -> None:
    index = json.loads((reference_site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    assert separator.fullmatch("\u200b"), "the zero-width space jieba puts between words does not separate words"
    entries = {doc["location"]: doc for doc in index["docs"]}

    review = next(doc for location, doc in entries.items()
                  if location.startswith("labor-dispatch/LD-QM-01-quality-manual/#55"))
    assert "管理评审" in separator.split(review["title"])  # one word: the dictionary of QMS terms is used
    assert review.get("boost") == 2.0
    complaint = entries["records/complaint/CMP-2025-0001/"]
    assert "投诉" in separator.split(complaint["title"]) and complaint.get("boost") == 0.5
    assert "boost" not in entries["dashboards/objectives/"]
    assert not [location for location in entries if location.startswith("dashboards/changes/")]  # one huge table
    assert not [doc for doc in index["docs"] if "flowchart" in doc["text"]]  # a chart's source is not text

    worker = next((reference_site.site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
    assert re.search(r"for\(let (\w+)=\w+\+1;\1<=\w+\.length;", worker.read_text(encoding="utf-8")), \
        "the search worker's query segmenter is not patched (mkdocs-material changed?): see qmskit.site.fix_search_worker"


def test_fix_search_worker(tmp_path: Path) -> None:
    workers = tmp_path / "assets" / "javascripts" / "workers"
    workers.mkdir(parents=True)
    loop = "function fe(t,e){let r=new Set,n=new Uint16Array(t.length);for(let s=0;s<t.length;s++)" \
           "for(let o=s+1;o<t.length;o++)t.slice(s,o)in e&&(n[s]=o-s);return r}"
    (workers / "search.1234.min.js").write_text(loop, encoding="utf-8")
    assert fix_search_worker(tmp_path)
    assert "for(let o=s+1;o<=t.length;o++)t.slice(s,o)in e" in (workers / "search.1234.min.js").read_text()
    assert not fix_search_worker(tmp_path)  # patched once; another version's worker is left alone
    assert not fix_search_worker(tmp_path / "nothing")


def test_readable_diagrams() -> None:
    text = "a\n```mermaid\nflowchart LR\n  A-->B\n```\n\n  ~~~ mermaid\n  ---\n  title: x\n  ---\n  graph TD\n  ~~~\n```python\nx\n```"
    out = readable_diagrams(text).split("\n")
    directive = '%%{init: {"flowchart": {"useMaxWidth": false}}}%%'
    assert out[1:4] == ['```mermaid {data-search-exclude="true"}', directive, "flowchart LR"]
    assert out[7:12] == ['  ~~~mermaid {data-search-exclude="true"}', "  ---", "  title: x", "  ---", "  " + directive]
    assert readable_diagrams("```python\nx\n```") == "```python\nx\n```"


# --------------------------------------------------------------------------- confidential fields


def test_no_confidential_value_anywhere_on_the_site(planted_site: tuple[Built, Planted]) -> None:
    built, planted = planted_site
    repo = Repository(planted.root)
    expected = {k.name for k in repo.registry.kinds.values() if k.spec.confidential}
    assert expected and set(planted.counts) == expected, "a form with confidential fields has no record to plant in"
    assert sum(planted.counts.values()) > 100, planted.counts
    unbuilt = [f"{kind}/{rid}" for kind, rid in planted.records
               if not (built.site / "records" / kind / rid / "index.html").is_file()]
    assert not unbuilt, f"records with canaries left out of the site (invalid?): {unbuilt[:10]}"

    found = find_canaries(built.site, built.staging)
    assert not found, "confidential values on the site:\n" + "\n".join(
        f"{where}: {', '.join(sorted(hits)[:3])}" for where, hits in sorted(found.items())[:30])

    # the controls: the same search finds the canaries in the records, and a value planted the
    # same way in a field that is not confidential is on the site
    in_records = find_canaries(planted.root / "records")
    assert set().union(*in_records.values()) == planted.canaries
    kind, rid = planted.control_record
    assert planted.control in built.html(f"records/{kind}/{rid}/")
    assert planted.control in (built.site / "search" / "search_index.json").read_text(encoding="utf-8")
    kind, rid = sorted(planted.records)[0]
    assert "保密 / confidential" in built.html(f"records/{kind}/{rid}/")


# --------------------------------------------------------------------------- record text is data


def test_record_text_is_text_not_markup(unsafe_site: Unsafe) -> None:
    built = unsafe_site.built
    record = built.html(f"records/{unsafe_site.kind}/{unsafe_site.record}/")
    for escaped in ("&lt;script&gt;window.__xss", "&lt;img src=", "&lt;b&gt;不应加粗&lt;/b&gt;", f"# 注入的标题 {PROBE}"):
        assert escaped in record, escaped
    assert "点这里" in record

    pages = {p.relative_to(built.site).as_posix(): p.read_text(encoding="utf-8") for p in built.site.rglob("*.html")}
    showing = sorted(page for page, text in pages.items() if PROBE in text)
    assert len(showing) >= 3, showing  # the record, the register, the open-nonconformity dashboard at least
    markup = {
        "script": re.compile(r"<script[^>]*>[^<]*__xss", re.I),
        "event handler": re.compile(r"<[a-z][^>]*\son\w+\s*=", re.I),
        "javascript link": re.compile(r"""<a\b[^>]*href\s*=\s*["']?\s*javascript:""", re.I),
        "heading": re.compile(rf"<h[1-6][^>]*>[^<]*{PROBE}", re.I),
        "bold": re.compile(r"<(b|strong)>不应加粗"),
    }
    for page in showing:
        for name, pattern in markup.items():
            assert not pattern.search(pages[page]), f"{page}: the record's text became a {name}"

    index = (built.site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert PROBE in index
    assert "<script>" not in index and "<img" not in index  # the result list shows this text as HTML


def test_the_reference_masks_every_confidential_field_it_shows(reference_site: Built) -> None:
    """Without canaries: each record page that has a confidential field says it is not shown."""
    repo = Repository(ROOT)
    kinds = [k for k in repo.registry.kinds.values() if k.spec.confidential]
    for kind in kinds:
        pages = sorted((reference_site.site / "records" / kind.name).glob("*/index.html"))
        assert pages, kind.name
        text = pages[0].read_text(encoding="utf-8")
        assert "保密字段(个人信息)不在本站显示" in text, kind.name

