"""Scale: whole `qms` processes side by side on repositories made by scripts/build_history.py.

Each measurement is a separate process (startup and imports included), run
--repeat times alternating with its alternative; the script prints the
median wall time, the median CPU time (user + system of the process and its
children: steadier than wall time on a shared machine) and the peak memory
of each, then the ratios. Repositories are built once and reused:

    python bench/scale_bench.py --sizes 1000,20000,100000 --work /tmp/scale

What it compares (each ratio within one run):
  cold vs warm      full check with the cache emptied vs the same check again (nothing changed)
  pr vs full        `check --base main` (working tree) and `--head` of a 10-record change vs the full check;
                    the PR checks follow a full check of the same forms, whose whole load and whose records'
                    facts they remember (.git/qms-cache); `pr-head` is the first after it (records/ listed
                    from git), `pr-head-again` the same check once more (each folder of records/ known by
                    its tree id, as for any later check of a change), and `pr-head-no-cache` runs with
                    QMS_CACHE=0 (a fresh clone)
  show / history    `qms show ID`, `qms history DOC` vs GitPython's per-file iter_commits for the same file,
                    cold (a fresh clone), warm (the same item again), unasked (warm, but an item whose versions
                    no earlier question parsed) and with QMS_CACHE=0
  per record        cold full check CPU time / records, 1k → 100k
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
# Python may keep compiled bytecode (as an installed qmskit, and GitPython beside it, have theirs): a
# PYTHONDONTWRITEBYTECODE left in the environment would make every qms process compile its source again.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPATH": str(ROOT / "tools")}


def last_day(repo: Path, rev: str = "main") -> str:
    """The day of ``rev``'s last commit: each repository is checked on its own last day, as report_bench does.

    A fixed day past a repository's end measured a check reporting overdue
    document reviews the history never had the chance to make.
    """
    return subprocess.run(["git", "log", "-1", "--format=%ad", "--date=short", rev], cwd=repo,
                          capture_output=True, text=True, check=True).stdout.strip()


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(wall s, cpu s, peak KiB) of one process and its children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env or ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - t0
    if done.returncode and "check" in cmd:  # a repository the engine finds problems in is not the one meant
        print(f"WARNING: qms {' '.join(cmd[3:])} exited {done.returncode} in {cwd}: its figures include reporting "
              "problems. A benchmark repository built by an older engine (its forms or exported schemas have "
              "since changed) is made anew by deleting its folder and running this script again.", file=sys.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss  # maxrss: the largest child so far (runs go smallest first)


def peak(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> int:
    """Peak resident KiB of one process (GNU time), independent of earlier runs."""
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], cwd=cwd, env=env or ENV, capture_output=True, text=True)
    return int(out.stderr.strip().splitlines()[-1])


def qms(*args: str) -> list[str]:
    return [PY, "-m", "qmskit.cli", *args]


def median(values: list[tuple[float, float, int]]) -> tuple[float, float]:
    return statistics.median(v[0] for v in values), statistics.median(v[1] for v in values)


def ensure(work: Path, size: int) -> Path:
    repo = work / f"r{size}"
    if not (repo / "qms.yml").exists():
        subprocess.run([PY, str(ROOT / "scripts/build_history.py"), str(repo), "--size", str(size)], env=ENV, check=True)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com"]
    if subprocess.run(["git", "rev-parse", "--verify", "-q", "bench-ten"], cwd=repo, capture_output=True).returncode:
        subprocess.run([*git, "checkout", "-q", "-B", "bench-ten", "main"], cwd=repo, check=True)
        for path in sorted((repo / "records/nonconformity").glob("*.yaml"))[:10]:
            with open(path, "a", encoding="utf-8") as handle:
                handle.write("# reviewed\n")
        subprocess.run([*git, "commit", "-qam", "bench: a 10-record change"], cwd=repo, check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, check=True)
    return repo


def clear_cache(repo: Path) -> None:
    shutil.rmtree(repo / ".git" / "qms-cache", ignore_errors=True)


def bench_size(repo: Path, size: int, repeat: int) -> dict[str, tuple[float, float]]:
    as_of = last_day(repo)
    check = qms("--root", str(repo), "check", "--as-of", as_of)
    pr = qms("--root", str(repo), "check", "--as-of", as_of, "--base", "main", "--head", "bench-ten")
    cold, warm, pr_head, pr_again, pr_tree, pr_uncached = [], [], [], [], [], []
    for _ in range(repeat):
        clear_cache(repo)
        cold.append(run(check, repo))
        warm.append(run(check, repo))
        pr_head.append(run(pr, repo))
        pr_again.append(run(pr, repo))
        # a fresh clone in CI: nothing remembered, so every base form is imported and its JSON Schema built
        pr_uncached.append(run(pr, repo, {**ENV, "QMS_CACHE": "0"}))
        subprocess.run(["git", "checkout", "-q", "bench-ten"], cwd=repo, check=True)
        pr_tree.append(run(qms("--root", str(repo), "check", "--as-of", as_of, "--base", "main"), repo))
        subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, check=True)
    found = {"cold": median(cold), "warm": median(warm), "pr-head": median(pr_head), "pr-head-again": median(pr_again),
             "pr-tree": median(pr_tree), "pr-head-no-cache": median(pr_uncached)}
    clear_cache(repo)
    found["peak-cold-jobs1-MiB"] = (peak(check + ["--jobs", "1"], repo, {**ENV, "QMS_CACHE": "0"}) / 1024, 0.0)
    found["peak-cold-MiB"] = (peak(check, repo, {**ENV, "QMS_CACHE": "0"}) / 1024, 0.0)
    c_wall, c_cpu = found["cold"]
    print(f"\n== {size} records ({repo}, as of {as_of})")
    for name, (wall, cpu) in found.items():
        if name.startswith("peak"):
            print(f"  {name:22} {wall:8.0f}")
            continue
        print(f"  {name:22} wall {wall:7.2f} s  cpu {cpu:7.2f} s   vs cold: wall {wall / c_wall:6.1%}  cpu {cpu / c_cpu:6.1%}")
    print(f"  cold cpu per record    {c_cpu / size * 1e6:7.0f} µs")
    return found


GITPYTHON = """
import sys, git
repo = git.Repo(sys.argv[1])
for c in repo.iter_commits("HEAD", paths=[sys.argv[2]]):
    for d in (c.parents[0].diff(c, paths=[sys.argv[2]]) if c.parents else []):
        (d.b_blob.data_stream.read() if d.b_blob else None)
"""


def forget(repo: Path) -> None:
    """What a fresh clone has: no ``.git/qms-cache`` and no commit graph (``qms show`` writes both)."""
    clear_cache(repo)
    info = repo / ".git" / "objects" / "info"
    (info / "commit-graph").unlink(missing_ok=True)
    shutil.rmtree(info / "commit-graphs", ignore_errors=True)


def bench_single(repo: Path, repeat: int) -> None:
    """`qms show` and `qms history` against GitPython's per-file iter_commits (with each version's blob read).

    Three states, each contender run on the same state just before or after
    its peer, alternating: **cold** is a fresh clone (no ``.git/qms-cache``,
    no commit graph: qms imports the forms to learn the confidential fields,
    then remembers them and writes git's commit graph, all inside the timed
    run); **warm** is every later question (the form's facts remembered, the
    commit graph there, which GitPython's ``git rev-list`` reads as well);
    **QMS_CACHE=0** reads and writes nothing in ``.git``, on the cold state;
    **unasked** is warm but for the item's own versions, which no earlier
    question parsed (``.git/qms-cache/yaml-*``, where ``qms`` remembers what a
    version parses to, removed first): a question about an item not asked
    before, against GitPython's warm run beside it.
    """
    commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
    rid = sorted((repo / "records/nonconformity").glob("*.yaml"))[0].stem
    doc = "LD-QP-08"
    doc_path = next(p for p in (repo / "manual").rglob("LD-QP-08*.md")).relative_to(repo).as_posix()
    off = {**ENV, "QMS_CACHE": "0"}
    ask = {"show " + rid: qms("--root", str(repo), "show", rid), "history " + doc: qms("--root", str(repo), "history", doc)}
    peer = {"show " + rid: [PY, "-c", GITPYTHON, str(repo), f"records/nonconformity/{rid}.yaml"],
            "history " + doc: [PY, "-c", GITPYTHON, str(repo), doc_path]}
    # one untimed round first, writing nothing into .git: bytecode for both
    for name in ask:
        run(ask[name], repo, off)
        run(peer[name], repo)
    found: dict[tuple[str, str], tuple[list[tuple[float, float, int]], list[tuple[float, float, int]]]] = {}
    for _ in range(repeat):
        for name in ask:
            forget(repo)
            cold_peer = run(peer[name], repo)
            found.setdefault((name, "QMS_CACHE=0"), ([], []))[0].append(run(ask[name], repo, off))
            found[(name, "QMS_CACHE=0")][1].append(cold_peer)
            found.setdefault((name, "cold"), ([], []))[0].append(run(ask[name], repo))
            found[(name, "cold")][1].append(cold_peer)
        for name in ask:  # untimed: the state every later question meets (the other item's cold run forgot it)
            run(ask[name], repo)
        for name in ask:
            ours = run(ask[name], repo)
            theirs = run(peer[name], repo)
            found.setdefault((name, "warm"), ([], []))[0].append(ours)
            found[(name, "warm")][1].append(theirs)
        for name in ask:
            for parsed in (repo / ".git" / "qms-cache").glob("yaml-*.marshal"):
                parsed.unlink()
            ours = run(ask[name], repo)
            theirs = run(peer[name], repo)
            found.setdefault((name, "unasked"), ([], []))[0].append(ours)
            found[(name, "unasked")][1].append(theirs)
    print(f"\n== one item on {repo} ({commits} commits), median of {repeat}")
    for (name, state), (ours, theirs) in found.items():
        (w, c), (gw, gc) = median(ours), median(theirs)
        print(f"  qms {name:24} {state:11} wall {w:5.2f} s cpu {c:5.2f} s | GitPython wall {gw:5.2f} s cpu {gc:5.2f} s"
              f" | GitPython / qms: wall {gw / w:4.1f}x cpu {gc / c:4.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,20000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/scale"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--single", default="", help="size of the repository for show/history (e.g. 2500: ~3k commits)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    help_runs = [run(qms("--help"), ROOT) for _ in range(args.repeat)]
    bare = [run([PY, "-c", "pass"], ROOT) for _ in range(args.repeat)]
    print(f"qms --help: wall {median(help_runs)[0]:.2f} s (python -c pass: {median(bare)[0]:.2f} s)")
    results = {}
    for size in (int(s) for s in args.sizes.split(",") if s):
        results[size] = bench_size(ensure(args.work, size), size, args.repeat)
    if len(results) > 1:
        sizes = sorted(results)
        per = {s: results[s]["cold"][1] / s for s in sizes}
        print("\ncold cpu per record relative to the smallest: "
              + ", ".join(f"{s}: {per[s] / per[sizes[0]]:.2f}" for s in sizes))
    if args.single:
        bench_single(ensure(args.work, int(args.single)), args.repeat)


if __name__ == "__main__":
    main()
