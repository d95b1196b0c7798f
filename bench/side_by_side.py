"""Two engines side by side, run alternately round after round, CPU of whole processes summed or taken as medians.

On a busy machine the medians of ``scale_bench.py`` move more between runs
than a small change moves them; running two engines (two ``git archive``
copies, each on its own ``cp -a`` copy of a benchmark repository) in turn,
many rounds, gives ratios both sides met under the same load.

    # pull-request check at 20k: cold, warm, fresh clone, first --head, --head again, working tree, as shares of cold
    python bench/side_by_side.py pr --engines /tmp/old,/tmp/new --repos /tmp/W-old/r20000,/tmp/W-new/r20000 --rounds 3
    # qms show / history of one item, asked again and not asked before, against GitPython's per-file walk
    python bench/side_by_side.py item --engines /tmp/old,/tmp/new --repos /tmp/W-old/r2500,/tmp/W-new/r2500 --rounds 15

Each engine folder is a checkout or ``git archive`` of qmskit (its ``tools``
is put on ``PYTHONPATH``); each repository needs the ``bench-ten`` branch
``scale_bench.py`` makes (``pr``), or is a copy of the ~3k-commit
repository (``item``). The repositories are written to (the cache, a
checkout of ``bench-ten``): never pass the shared ones in ``/tmp/scale``.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_bench import GITPYTHON, last_day, run  # the same peer, day and measure as scale_bench

PY = sys.executable


def cpu(cmd: list[str], repo: str, env: dict[str, str] | None = None) -> float:
    """CPU seconds (user + system) of one process and its children, as scale_bench measures them."""
    return run(cmd, Path(repo), env)[1]


def engine_env(engine: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(Path(engine) / "tools")}


def pull_request(engine: str, repo: str) -> dict[str, float]:
    """One round of scale_bench's pull-request states on ``repo``, the cache removed first.

    ``fresh clone`` is the pull-request check with nothing remembered, as CI
    runs every one (``.git/qms-cache`` removed; forms have no bytecode kept in
    any state: the engine writes none beside them).
    """
    env = engine_env(engine)
    check = [PY, "-m", "qmskit.cli", "--root", repo, "check", "--as-of", last_day(Path(repo))]
    shutil.rmtree(Path(repo) / ".git" / "qms-cache", ignore_errors=True)
    fresh = cpu(check + ["--base", "main", "--head", "bench-ten"], repo, env)
    shutil.rmtree(Path(repo) / ".git" / "qms-cache", ignore_errors=True)
    found = {"cold": cpu(check, repo, env), "warm": cpu(check, repo, env), "fresh clone --head": fresh}
    found["first --head"] = cpu(check + ["--base", "main", "--head", "bench-ten"], repo, env)
    found["--head again"] = cpu(check + ["--base", "main", "--head", "bench-ten"], repo, env)
    subprocess.run(["git", "-C", repo, "checkout", "-q", "bench-ten"], check=True)
    try:
        found["working tree"] = cpu(check + ["--base", "main"], repo, env)
    finally:
        subprocess.run(["git", "-C", repo, "checkout", "-q", "main"], check=True)
    return found


def one_item(engine: str, repo: str) -> dict[str, float]:
    """qms show / history asked again and not asked before (the YAML memo removed), each beside GitPython."""
    env = engine_env(engine)
    rid = sorted((Path(repo) / "records/nonconformity").glob("*.yaml"))[0].stem
    doc = next((Path(repo) / "manual").rglob("LD-QP-08*.md")).relative_to(repo).as_posix()
    found: dict[str, float] = {}
    for question, target, path in (("show", rid, f"records/nonconformity/{rid}.yaml"), ("history", "LD-QP-08", doc)):
        ask = [PY, "-m", "qmskit.cli", "--root", repo, question, target]
        for state in ("asked again", "not asked before"):
            if state == "asked again":
                cpu(ask, repo, env)  # untimed: the memo holds this item again (the other item's run may have removed it)
            else:
                for memo in (Path(repo) / ".git" / "qms-cache").glob("yaml-*.marshal"):
                    memo.unlink()
            found[f"{question} {state}"] = cpu(ask, repo, env)
            found[f"{question} {state} GitPython"] = cpu([PY, "-c", GITPYTHON, repo, path], repo)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("pr", "item"))
    parser.add_argument("--engines", required=True, help="comma-separated engine folders")
    parser.add_argument("--repos", required=True, help="comma-separated repository copies, one for each engine")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    engines, repos = args.engines.split(","), args.repos.split(",")
    if len(engines) != len(repos):
        sys.exit("give one repository copy for each engine")
    measure = pull_request if args.what == "pr" else one_item
    results: dict[str, dict[str, list[float]]] = {e: {} for e in engines}
    for n in range(args.rounds):
        for engine, repo in zip(engines, repos):
            for name, seconds in measure(engine, repo).items():
                results[engine].setdefault(name, []).append(seconds)
            print(f"round {n + 1}: {engine} done", flush=True)
    for engine in engines:
        got = results[engine]
        if args.what == "pr":
            cold = statistics.median(got["cold"])
            shares = ", ".join(f"{k} {statistics.median(v) / cold:.1%}" for k, v in got.items() if k != "cold")
            print(f"{engine}: cold {cold:.2f} s CPU (median); {shares}")
        else:
            for name in [k for k in got if not k.endswith("GitPython")]:
                ours, theirs = sum(got[name]), sum(got[name + " GitPython"])
                print(f"{engine}: {name:26} qms {ours / args.rounds * 1000:6.1f} ms, "
                      f"GitPython {theirs / args.rounds * 1000:6.1f} ms: {theirs / ours:.2f}x")


if __name__ == "__main__":
    main()
