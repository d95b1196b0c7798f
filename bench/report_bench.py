"""The reports and the site build of one repository, against the full check and a plain mkdocs build.

On a given repository (e.g. one ``scripts/build_history.py`` made at 20,000
records) this runs, as whole processes, side by side and alternating
``--repeat`` times:

- ``qms check`` cold (``QMS_CACHE=0``): the yardstick every other figure is divided by;
- ``qms review`` for the year (``--since YEAR-01-01 --until AS_OF``) once per format, md, docx and json;
  the day is ``--as-of``, by default the day of the repository's last commit;
- the other reports, unless ``--no-reports``: ``objectives --period YEAR``, ``due``,
  ``ncr --status all``, ``checklist`` of the repository's last audit plan;
- ``qms site build`` (every page: a page per record), unless ``--no-site``;
- plain ``mkdocs build`` of the very Markdown that ``qms site build`` staged (its ``docs``
  folder, copied), with the minimal mkdocs-material config of ``site_bench.py`` (same theme
  and language, the search plugin, no engine settings) plus the navigation the engine wrote
  (``--plain-nav none``: mkdocs' default, every page in the navigation of every page).

Each figure is CPU time (user + system, the process and its children, so the site
build's mkdocs child counts) and wall time, and the peak resident memory of the
largest process of the command (``ru_maxrss`` of its children). Each command runs
under a small wrapper process of this script, so each figure covers that command only.
The repository is copied into a temporary folder first (the site build writes
``build/``, reports write ``--out``), so a shared read-only repository stays untouched.
Exit 1 of ``check`` (problems found) and ``due`` (overdue items) is a result, not a failure.

Usage: python bench/report_bench.py /tmp/scale/r20000 [--repeat 1] [--as-of 2043-11-04]
       [--no-site] [--no-reports] [--only check,site,plain] [--warm]

With ``--warm`` each command but the site build runs a second time with the cache on
(after one unmeasured run that fills ``.git/qms-cache``): what a user asking each day pays.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_bench import last_day  # each repository is measured on its own last day
from site_bench import MINIMAL  # the same minimal config as the manual-only comparison

QMS = [sys.executable, "-m", "qmskit.cli"]
MIB = 1024  # ru_maxrss is in KiB on Linux


@dataclass
class Figures:
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    peak_kib: list[int] = field(default_factory=list)


def measure_child(command: list[str]) -> None:
    """Wrapper mode: run ``command``, print its CPU (children included), wall and peak memory as JSON."""
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"rc": result.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                      "peak_kib": usage.ru_maxrss, "tail": (result.stderr or result.stdout)[-3000:]}))


def run(name: str, command: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> dict[str, Any]:
    """One command under the wrapper; its figures (``rc``, ``cpu``, ``wall``, ``peak_kib``); exit if it failed."""
    wrapped = [sys.executable, str(Path(__file__).resolve()), "--measure", "--", *command]
    result = subprocess.run(wrapped, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{name}: the wrapper failed:\n{result.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    if figures["rc"] not in ok:
        sys.exit(f"{name} ({' '.join(command)}) exited {figures['rc']}:\n{figures['tail']}")
    return figures


def last_audit_plan(repo: Path, year: str) -> str | None:
    """The last audit plan of the year or before (IAP-YYYY-NN; generated repositories run past the as-of day)."""
    folder = repo / "records" / "audit_plan"
    plans = sorted(p.stem for p in folder.glob("*.yaml") if p.stem.split("-")[1] <= year) if folder.is_dir() else []
    return plans[-1] if plans else None


WARM = ", asked again"


def plain_config(folder: Path, staging: Path, nav: bool) -> Path:
    """The staged Markdown, copied as it is, with the minimal config; its mkdocs.yml.

    With ``nav`` the config carries the navigation ``qms site build`` wrote (the manual's
    documents by folder; records, registers and dashboards are pages outside it). Without it
    mkdocs puts every page in the navigation, and material renders that navigation into every
    page: work that grows with pages × pages (``--plain-nav none`` shows it on a small repository).
    """
    if (folder / "docs").exists():
        shutil.rmtree(folder / "docs")
    shutil.copytree(staging / "docs", folder / "docs", ignore=shutil.ignore_patterns(".qms-staging"))
    text = MINIMAL.format(site=folder / "site")
    if nav:
        text += next(line for line in (staging / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
                     if line.startswith("nav: ")) + "\n"
    config = folder / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config


def commands(repo: Path, work: Path, args: argparse.Namespace) -> list[tuple[str, list[str], tuple[int, ...]]]:
    year = args.year or args.as_of[:4]
    until = args.as_of if args.as_of.startswith(year) else f"{year}-12-31"
    out = ["--out", str(work / "reports"), "-q"]
    when = ["--as-of", args.as_of]
    chosen: list[tuple[str, list[str], tuple[int, ...]]] = [("check", [*QMS, "check", *when, "-q"], (0, 1))]
    for fmt in ("md", "docx", "json"):
        chosen.append((f"review {fmt}", [*QMS, "review", "--since", f"{year}-01-01", "--until", until, *when,
                                         "--format", fmt, *out], (0,)))
    if not args.no_reports:
        chosen += [
            ("objectives md", [*QMS, "objectives", "--period", year, *when, "--format", "md", *out], (0,)),
            ("due md", [*QMS, "due", *when, "--format", "md", *out], (0, 1)),
            ("ncr all md", [*QMS, "ncr", "--status", "all", *when, "--format", "md", *out], (0,)),
        ]
        plan = last_audit_plan(repo, year)
        if plan:
            chosen.append((f"checklist {plan} md", [*QMS, "checklist", plan, *when, "--format", "md", *out], (0,)))
    if not args.no_site:
        chosen.append(("site build", [*QMS, "site", "build", *when, "--out", str(work / "site"),
                                      "--staging", str(work / "site-src"), "-q"], (0,)))
        chosen.append(("plain mkdocs", [sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                                        str(work / "plain" / "mkdocs.yml")], (0,)))
    if args.only:
        wanted = {w.strip() for w in args.only.split(",")}
        chosen = [c for c in chosen if c[0].split()[0] in wanted or c[0] in wanted]
    if args.warm:  # the same commands again with the cache on, as a user asking each day meets them
        chosen += [(f"{name}{WARM}", command, ok) for name, command, ok in chosen if not name.startswith(("site", "plain"))]
    return chosen


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        measure_child(sys.argv[3:])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("repo", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--as-of", help="the day reports are made for (default: the day of the last commit)")
    parser.add_argument("--year", help="the review and objectives period (default: the year of --as-of)")
    parser.add_argument("--no-site", action="store_true")
    parser.add_argument("--no-reports", action="store_true", help="the review packet only, not objectives/due/ncr/checklist")
    parser.add_argument("--only", help="comma-separated first words of the commands to run (check,review,site,plain,…)")
    parser.add_argument("--plain-nav", choices=["engine", "none"], default="engine",
                        help="the plain build's navigation: the one qms site build wrote, or mkdocs' default (every page)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--warm", action="store_true",
                        help="also each command but the site asked again, the cache in .git/qms-cache on and filled "
                             "by one unmeasured run first")
    args = parser.parse_args()
    tools = Path(__file__).resolve().parents[1] / "tools"
    env = dict(os.environ, QMS_CACHE="0", PYTHONPATH=os.pathsep.join(filter(None, [str(tools), os.environ.get("PYTHONPATH")])))
    warm_env = {k: v for k, v in env.items() if k != "QMS_CACHE"}
    with tempfile.TemporaryDirectory(prefix="report-bench-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        repo = work / "repo"
        if not repo.exists():
            subprocess.run(["cp", "-a", str(args.repo.resolve()), str(repo)], check=True)
        (work / "plain").mkdir(exist_ok=True)
        args.as_of = args.as_of or last_day(repo, "HEAD")
        records = sum(1 for _ in (repo / "records").rglob("*.yaml"))
        chosen = commands(repo, work, args)
        print(f"{args.repo}: {records} records, as of {args.as_of}; {len(chosen)} commands, {args.repeat} round(s), alternating", flush=True)
        results: dict[str, Figures] = {name: Figures() for name, _, _ in chosen}
        for name, command, ok in chosen:
            if name.endswith(WARM):
                run(name, command, repo, warm_env, ok)  # fills the cache: not measured
        for n in range(args.repeat):
            for name, command, ok in chosen:
                if name == "plain mkdocs":
                    if not (work / "site-src" / "mkdocs.yml").is_file():
                        sys.exit("plain mkdocs needs the staged docs of a site build first (add site to --only)")
                    plain_config(work / "plain", work / "site-src", args.plain_nav == "engine")
                got = run(name, command, repo, warm_env if name.endswith(WARM) else env, ok)
                fig = results[name]
                fig.cpu.append(got["cpu"])
                fig.wall.append(got["wall"])
                fig.peak_kib.append(got["peak_kib"])
                print(f"  round {n + 1}: {name:28s} cpu {got['cpu']:8.2f} s  wall {got['wall']:8.2f} s  "
                      f"peak {got['peak_kib'] / MIB:7.0f} MiB", flush=True)
        pages = sum(1 for _ in (work / "site-src" / "docs").rglob("*.md")) if (work / "site-src" / "docs").is_dir() else 0
        report(results, records, pages)


def report(results: dict[str, Figures], records: int, pages: int) -> None:
    med = {name: (statistics.median(f.cpu), statistics.median(f.wall), max(f.peak_kib) / MIB)
           for name, f in results.items() if f.cpu}
    print(f"\nmedians ({records} records{f', {pages} staged pages' if pages else ''}):")
    print(f"  {'command':28s} {'cpu s':>9s} {'wall s':>9s} {'peak MiB':>9s} {'cpu/check':>10s} {'wall/check':>10s}")
    check = med.get("check")
    for name, (cpu, wall, peak) in med.items():
        ratio = f"{cpu / check[0]:9.2f}x {wall / check[1]:9.2f}x" if check else ""
        print(f"  {name:28s} {cpu:9.2f} {wall:9.2f} {peak:9.0f} {ratio}")
    if "site build" in med and "plain mkdocs" in med:
        site, plain = med["site build"], med["plain mkdocs"]
        print(f"  site build / plain mkdocs build of the same Markdown: cpu {site[0] / plain[0]:.2f}x, "
              f"wall {site[1] / plain[1]:.2f}x")
        if pages:
            print(f"  per staged page: site build {site[0] / pages * 1000:.1f} ms cpu, "
                  f"plain mkdocs {plain[0] / pages * 1000:.1f} ms cpu")
    if check:
        print(f"  per record: check {check[0] / records * 1e6:.0f} µs cpu")


if __name__ == "__main__":
    main()
