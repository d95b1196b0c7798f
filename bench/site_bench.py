"""The site build of the reference QMS against a plain mkdocs build of the same Markdown.

``qms site build`` stages every page (the manual's documents with header
block and revision history, a page per record, registers, dashboards with
charts, the organization) and builds them with mkdocs-material, strict,
with Chinese search. The alternative is what a team without qmskit would
publish: the manual's Markdown files as they are, built by ``mkdocs build``
with a minimal mkdocs-material config (same theme, same jieba search, no
generated pages). Both run side by side, alternating, ``--repeat`` times;
the ratio of the medians is printed, with pages per second of each.
Usage: python bench/site_bench.py [--repeat 3] [--as-of 2026-11-27]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QMS = Path(sys.executable).parent / "qms"

MINIMAL = """site_name: manual as it is
docs_dir: docs
site_dir: {site}
theme:
  name: material
  language: zh
  font: false
plugins:
  - search
"""


def plain_docs(target: Path) -> int:
    """The manual's files as they are (Markdown, images), with a minimal config; how many pages."""
    docs = target / "docs"
    shutil.copytree(ROOT / "manual", docs, ignore=shutil.ignore_patterns("*.yml", "*.yaml", ".*"))
    (target / "mkdocs.yml").write_text(MINIMAL.format(site=target / "site"), encoding="utf-8")
    return len(list(docs.rglob("*.md")))


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr[-3000:] or result.stdout[-3000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--as-of", default="2026-11-27")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        plain_pages = plain_docs(base / "plain")
        qms = [str(QMS), "site", "build", "--as-of", args.as_of, "--out", str(base / "site"),
               "--staging", str(base / "site-src")]
        mkdocs = [sys.executable, "-m", "mkdocs", "build", "-f", str(base / "plain" / "mkdocs.yml")]
        site_times, plain_times = [], []
        for n in range(args.repeat):
            site_times.append(timed(qms, ROOT))
            plain_times.append(timed(mkdocs, base / "plain"))
            print(f"run {n + 1}: qms site build {site_times[-1]:.1f} s, plain mkdocs build {plain_times[-1]:.1f} s",
                  flush=True)
        site_pages = len(list((base / "site-src" / "docs").rglob("*.md")))
        site, plain = statistics.median(site_times), statistics.median(plain_times)
        print(f"qms site build:     {site_pages:5d} pages, median {site:6.1f} s ({site_pages / site:5.1f} pages/s)")
        print(f"plain mkdocs build: {plain_pages:5d} pages, median {plain:6.1f} s ({plain_pages / plain:5.1f} pages/s)")
        print(f"ratio (site / plain): {site / plain:.1f}x the time for {site_pages / plain_pages:.1f}x the pages; "
              f"per page {(site / site_pages) / (plain / plain_pages):.2f}x")


if __name__ == "__main__":
    main()
