"""History index build time against GitPython's per-file iter_commits, on one repository.

Builds (once, with git fast-import) a repository of --commits commits over
--files record files, with several authors and backdated dates, then times:

- qmskit: HistoryIndex (one ``git log --raw`` pass) plus every file's commit list;
- GitPython: ``repo.iter_commits(paths=file)`` for every file, the usual way.

Both must agree on every file's commit list; the ratio is printed.
With ``--single N``, also one question at a time (``qms show``/``qms history``):
for each of N files, a fresh path-limited HistoryIndex against GitPython's
iter_commits for that file, in the same process, after the same imports.
Both ask git for a path-limited walk, so a commit graph with changed-path
filters (which ``qms show`` writes) speeds both: the script says whether
the repository has one.
Usage: python bench/history_bench.py [--commits 3000] [--files 2000] [--dir DIR] [--single 20]
"""
from __future__ import annotations

import argparse
import random
import subprocess
import tempfile
import time
from pathlib import Path

from qmskit.history import HistoryIndex

AUTHORS = ["张三", "李娜", "王芳", "赵强", "陈静"]


def build(root: Path, commits: int, files: int, seed: int = 7) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    rng = random.Random(seed)
    stream: list[bytes] = []
    start = 1_735_660_800  # 2025-01-01
    for n in range(commits):
        when = start + n * 3600
        author = AUTHORS[n % len(AUTHORS)]
        message = f"record change {n}".encode()
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"committer {author} <{n % 5}@example.com> {when} +0800\n".encode())
        stream.append(b"data %d\n%s\n" % (len(message), message))
        if n == 0:
            touched = range(files)  # the first commit creates every file
        else:
            touched = rng.sample(range(files), k=3)
        for f in touched:
            body = f"id: NCR-2026-{f:04d}\nstatus: {rng.choice(['open', 'analysis', 'action'])}\nrev: {n}\n".encode()
            stream.append(f"M 100644 inline records/nonconformity/NCR-2026-{f:04d}.yaml\n".encode())
            stream.append(b"data %d\n%s\n" % (len(body), body))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(stream), check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)


def time_qmskit(root: Path, paths: list[str]) -> tuple[tuple[float, float], dict[str, list[str]]]:
    """((wall, cpu), answers) of the whole-history index asked for every path."""
    t0, c0 = time.perf_counter(), _cpu()
    index = HistoryIndex.build(root)
    result = {p: index.commits_touching(p) for p in paths}
    return (time.perf_counter() - t0, _cpu() - c0), result


def time_gitpython(root: Path, paths: list[str]) -> tuple[tuple[float, float], dict[str, list[str]]]:
    """((wall, cpu), answers) of GitPython's iter_commits, one path at a time."""
    import git  # GitPython, the alternative

    t0, c0 = time.perf_counter(), _cpu()
    repo = git.Repo(root)
    result = {p: [c.hexsha for c in repo.iter_commits("HEAD", paths=p)] for p in paths}
    return (time.perf_counter() - t0, _cpu() - c0), result


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (git): steadier than wall time on a busy machine."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def time_single(root: Path, paths: list[str]) -> tuple[tuple[float, float], tuple[float, float]]:
    """((wall, cpu) of qmskit, (wall, cpu) of GitPython) to answer for each path alone, answers compared."""
    import git  # GitPython

    from qmskit.git import Git
    from qmskit.history import checked_commit

    ours, theirs = [0.0, 0.0], [0.0, 0.0]
    repo = git.Repo(root)
    for path in paths:
        t0, c0 = time.perf_counter(), _cpu()
        with Git(root) as g:  # as `qms show` asks: one rev-parse (root, shallow, HEAD), then one path-limited log
            mine = HistoryIndex(g, paths=(path,), resolved=checked_commit(g)).commits_touching(path)
        ours[0] += time.perf_counter() - t0
        ours[1] += _cpu() - c0
        t0, c0 = time.perf_counter(), _cpu()
        other = [c.hexsha for c in repo.iter_commits("HEAD", paths=path)]
        theirs[0] += time.perf_counter() - t0
        theirs[1] += _cpu() - c0
        assert mine == other, f"the two disagree on {path}"
    return (ours[0], ours[1]), (theirs[0], theirs[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=3000)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--sample", type=int, default=0,
                        help="time both on this many files only (GitPython takes minutes on all 2,000)")
    parser.add_argument("--single", type=int, default=0, help="also answer for this many files one at a time")
    parser.add_argument("--skip-all", action="store_true", help="only the one-at-a-time comparison")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.dir or Path(tmp) / "repo"
        if not (root / ".git").exists():
            t0 = time.perf_counter()
            build(root, args.commits, args.files)
            print(f"built {args.commits} commits over {args.files} files in {time.perf_counter() - t0:.1f} s")
        paths = sorted(p.relative_to(root).as_posix() for p in (root / "records").rglob("*.yaml"))
        if args.sample:
            paths = paths[:: max(1, len(paths) // args.sample)][: args.sample]
        if args.single:
            chosen = paths[:: max(1, len(paths) // args.single)][: args.single]
            commits = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=root, capture_output=True,
                                     text=True).stdout.strip()
            (one, one_cpu), (other, other_cpu) = time_single(root, chosen)
            info = root / ".git/objects/info"
            graph = "with" if (info / "commit-graph").exists() or (info / "commit-graphs").exists() else "without"
            print(f"one file at a time, {len(chosen)} files, {commits} commits, {graph} a commit graph:\n"
                  f"  qmskit path-limited log  wall {one:.2f} s  cpu {one_cpu:.2f} s\n"
                  f"  GitPython iter_commits   wall {other:.2f} s  cpu {other_cpu:.2f} s\n"
                  f"  GitPython / qmskit       wall {other / one:.1f}x  cpu {other_cpu / one_cpu:.1f}x")
            if args.skip_all:
                return
        (ours, ours_cpu), our_result = time_qmskit(root, paths)
        (theirs, theirs_cpu), their_result = time_gitpython(root, paths)
        assert our_result == their_result, "the two disagree on some file's history"
        print(f"files compared: {len(paths)}")
        print(f"qmskit HistoryIndex (one git log pass): wall {ours:.2f} s  cpu {ours_cpu:.2f} s")
        print(f"GitPython iter_commits per file:        wall {theirs:.2f} s  cpu {theirs_cpu:.2f} s")
        print(f"ratio GitPython / qmskit:                wall {theirs / ours:.0f}x  cpu {theirs_cpu / ours_cpu:.0f}x")


if __name__ == "__main__":
    main()
