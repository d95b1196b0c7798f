"""The built site in headless Chromium, checked as a person would use it.

The reference site (built once per session, tests/sitekit.py) is served
from 127.0.0.1 by a thread; Debian's Chromium opens it through Playwright.
Every request of every page is routed: one to any other address fails the
test, and the browser resolves no other name. Screenshots of the home page,
a document page and the objectives dashboard are saved under
build/screenshots/ for people to look at.
"""
from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sitekit import (  # noqa: F401 - fixtures
    PROBE,
    ROOT,
    Built,
    Served,
    UNSAFE_TEXT,
    Tab,
    Unsafe,
    browser,
    reference_site,
    served_reference,
    site_builds,
    unsafe_site,
)


@pytest.fixture
def tab(browser: Any, served_reference: Served) -> Iterator[Tab]:
    opened = Tab(browser, served_reference.url)
    yield opened
    opened.close()


def h1(page: Any) -> str:
    """The page's title as a person reads it (without the permalink sign)."""
    return page.locator("article h1").first.inner_text().strip().rstrip("¶").strip()


def first_heading(path: Path) -> str:
    return next(line[2:].strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# "))


def test_home_page_and_navigation(tab: Tab) -> None:
    page = tab.goto("")
    site_name = re.search(r"^name:\s*(.+)$", (ROOT / "qms.yml").read_text(encoding="utf-8"), re.M).group(1).strip()
    assert page.title() == site_name
    assert h1(page) == first_heading(ROOT / "manual" / "index.md")
    tabs = [t.strip() for t in page.locator(".md-tabs__link").all_inner_texts()]
    units = [first_heading(index) for index in sorted((ROOT / "manual").glob("*/index.md"))]
    assert set(units) | {"首页", "登记册", "看板", "组织机构"} <= set(tabs), tabs
    tab.screenshot("home")

    # a person goes to the labor-dispatch unit, then to its complaint procedure
    page.locator(".md-tabs__link", has_text=first_heading(ROOT / "manual" / "labor-dispatch" / "index.md")).click()
    page.wait_for_url(re.compile(r"/labor-dispatch/"))
    page.locator(".md-sidebar--primary a", has_text="LD-QP-07").first.click()
    page.wait_for_url(re.compile(r"/labor-dispatch/LD-QP-07-satisfaction/"))
    assert h1(page) == "劳务派遣服务综合满意度管理程序"
    page.locator(".md-tabs__link", has_text="看板").click()
    page.wait_for_url(re.compile(r"/dashboards/"))
    assert h1(page) == "质量目标完成情况"
    tab.assert_clean()


def test_search_for_complaints_lists_the_complaint_procedures(tab: Tab) -> None:
    tab.goto("")
    results = tab.search("投诉")
    first_page = results[:10]  # what the person sees before scrolling for more
    links = [link for item in first_page for link in item["links"]]
    assert any("/labor-dispatch/LD-QP-07-satisfaction/" in link for link in links), [i["title"] for i in first_page]
    assert any("/property/PM-REG-304/" in link for link in links), [i["title"] for i in first_page]
    procedure = next(i for i in first_page if "/LD-QP-07-satisfaction/" in i["href"])
    assert "劳务派遣服务综合满意度管理程序" in procedure["title"] and "投诉处理" in procedure["text"]
    tab.assert_clean()


def test_search_for_management_review_lists_the_quality_manual_section(tab: Tab) -> None:
    page = tab.goto("")
    results = tab.search("管理评审")
    first_page = results[:10]
    manual = [i for i in first_page if "/labor-dispatch/LD-QM-01-quality-manual/" in i["href"]]
    assert manual, [i["title"] for i in first_page]
    assert "5.5 管理评审" in manual[0]["text"]
    # every result matches the whole term, not 管理 alone (the theme's segmenter used to drop 评审)
    assert all("管理评审" in i["text"] or "管理评审" in i["title"] for i in first_page), \
        [i["title"] for i in first_page if "管理评审" not in i["text"]]
    section = next(link for link in manual[0]["links"] if "#55" in link)
    page.locator(f'.md-search-result__list a[href="{section}"]').first.click()
    page.wait_for_url(re.compile(r"LD-QM-01-quality-manual/\?h=.*#55"))
    heading = page.locator("article h3", has_text="5.5 管理评审")
    heading.wait_for()
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 900, box  # the section is on screen
    tab.assert_clean()


def test_a_document_page_shows_its_header_block_and_revision_history(tab: Tab) -> None:
    source = ROOT / "manual" / "labor-dispatch" / "LD-QP-07-satisfaction.md"
    meta = yaml.safe_load(source.read_text(encoding="utf-8").split("---\n")[1])  # the front matter, read plainly
    page = tab.goto("labor-dispatch/LD-QP-07-satisfaction/")
    assert h1(page) == meta["title"]

    header = page.locator("article table").first
    rows = dict(tuple(cell.strip() for cell in row.locator("td").all_inner_texts())[:2]
                for row in header.locator("tbody tr").all())
    assert rows["文件编号"] == meta["id"] and rows["版本"] == meta["revision"] and rows["状态"] == "生效"
    assert rows["编制"] == meta["owner"] and rows["批准"] == meta["approver"]
    assert rows["批准日期"] == str(meta["approved"]) and rows["生效日期"] == str(meta["effective"])
    assert header.locator("a", has_text=meta["owner"]).get_attribute("href").startswith("../../organization/#role-")

    history = page.locator("article h2", has_text="修订历史")
    assert history.count() == 1
    table = page.locator("article h2:has-text('修订历史') ~ div table").first
    revisions = [[c.strip() for c in row.locator("td").all_inner_texts()] for row in table.locator("tbody tr").all()]
    commits = subprocess.run(["git", "log", "--format=%H", "--", str(source.relative_to(ROOT))], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    assert revisions and [r[0] for r in revisions][-1] == meta["revision"], revisions
    assert all(any(c.startswith(r[-1]) for c in commits) for r in revisions), (revisions, commits)
    tab.screenshot("document", full_page=True)
    tab.assert_clean()


def test_the_objectives_dashboard_shows_a_missed_objective(tab: Tab) -> None:
    page = tab.goto("dashboards/objectives/")
    summary = page.locator("article p", has_text="未达成").first.inner_text()
    missed = re.search(r"未达成 (\d+) 项", summary)
    assert missed and int(missed.group(1)) >= 1, summary
    row = page.locator("article table").first.locator("tbody tr").filter(has_text="未达成").first
    cell = row.locator("td", has_text="未达成").first
    assert row.locator("td").first.inner_text().startswith("OBJ-")
    # the person sees the word: not scrolled out of its table, not off the screen
    cell_box, wrap_box = cell.bounding_box(), cell.locator("xpath=ancestor::div[contains(@class, 'scrollwrap')]").bounding_box()
    assert cell_box and wrap_box and cell_box["x"] + cell_box["width"] <= min(wrap_box["x"] + wrap_box["width"], 1280) + 1, \
        (cell_box, wrap_box)
    images = page.evaluate("() => [...document.querySelectorAll('article img')].map(i => [i.src, i.naturalWidth])")
    assert images and all(width > 0 for _, width in images), images  # the trend charts
    tab.screenshot("objectives")
    tab.assert_clean()


def test_a_flow_chart_is_drawn_as_svg(tab: Tab) -> None:
    page = tab.goto("labor-dispatch/LD-QP-08-nonconformity/")
    chart = page.locator("article .mermaid").first
    chart.wait_for()
    for _ in range(40):
        charts = tab.shadow_svgs()
        if charts and charts[0]["svgs"]:
            break
        page.wait_for_timeout(250)
    assert len(charts) == 1 and charts[0]["svgs"] == 1, charts
    labels = set(charts[0]["texts"])
    assert {"发现不符合", "待处理", "关闭", "有效", "无效"} <= labels, labels
    box = chart.bounding_box()
    assert box and box["height"] >= 80, box  # drawn at its size, not shrunk to the column (5-pixel labels)
    assert "flowchart LR" not in page.locator("article").inner_text()  # not shown as code
    tab.assert_clean()


def test_every_flow_chart_of_the_manual_parses(tab: Tab, reference_site: Built) -> None:
    """A chart mermaid cannot parse is shown as its source code; every chart on the site must parse."""
    charts = []
    for path in sorted((reference_site.staging / "docs").rglob("*.md")):
        for n, match in enumerate(re.finditer(r"^```mermaid[^\n]*\n(.*?)^```", path.read_text(encoding="utf-8"), re.M | re.S)):
            charts.append((f"{path.relative_to(reference_site.staging / 'docs')} chart {n + 1}", match.group(1)))
    assert len(charts) >= 10
    page = tab.goto("")
    page.wait_for_function("() => typeof mermaid !== 'undefined'")
    errors = page.evaluate("""async charts => {
        const errors = [];
        for (const [where, code] of charts) {
            try { await mermaid.parse(code); }
            catch (e) { errors.push(where + ': ' + String(e.message || e).split('\\n').slice(0, 3).join(' | ')); }
        }
        return errors;
    }""", charts)
    assert not errors, "flow charts that do not parse (quote node labels with brackets: A[\"...\"]):\n" + "\n".join(errors)
    tab.assert_clean()


def test_record_text_with_markup_runs_no_script(browser: Any, unsafe_site: Unsafe) -> None:
    served = Served(unsafe_site.built.site)
    opened = Tab(browser, served.url)
    try:
        for path in ("dashboards/nonconformities/", f"registers/{unsafe_site.kind}/",
                     f"records/{unsafe_site.kind}/{unsafe_site.record}/"):
            page = opened.goto(path)
            page.wait_for_timeout(300)  # an onerror would have fired by now
            assert page.evaluate("() => window.__xss") is None, path
            article = page.locator("article")
            text = article.inner_text()
            assert PROBE in text, path
            assert "window.__xss" in text, path  # the script is shown as text
            assert article.locator("img[onerror], script").count() == 0, path
            assert article.locator("a[href^='javascript' i]").count() == 0, path
            assert article.locator("h1, h2, h3, h4", has_text=PROBE).count() == 0, path
            assert article.locator("b, strong", has_text="不应加粗").count() == 0, path
        # the record's own page shows the whole text, line by line, as it was written
        shown = opened.page.locator("article td", has_text=PROBE).first.inner_text()
        assert shown.splitlines() == UNSAFE_TEXT.splitlines()

        opened.goto("")
        results = opened.search(PROBE)
        assert any(unsafe_site.record in item["href"] for item in results), results
        opened.page.wait_for_timeout(300)
        assert opened.page.evaluate("() => window.__xss") is None
        assert opened.page.locator(".md-search-result img[onerror]").count() == 0
        opened.assert_clean()  # no dialog opened, no request left the machine
    finally:
        opened.close()
        served.close()

