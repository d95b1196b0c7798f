"""A pull-request check of a small change against the full check, on a large repository.

Makes a repository with ``qms init``, adds --records complaint records,
commits, branches, changes two records, then times ``check_pull_request``
(only the changed records and their referrers are re-validated) against
``check_repository`` over everything, side by side on the same tree.
Usage: python bench/pr_check_bench.py [--records 20000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import tempfile
import time
from pathlib import Path

from qmskit import Repository, check_repository
from qmskit.checks import check_pull_request
from qmskit.scaffold import init_repository


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=b@example.com", *args], cwd=root, check=True,
                   capture_output=True)


def build(root: Path, records: int, today: dt.date) -> None:
    init_repository(root, today)
    template = next((root / "records/complaint").glob("*-0002.yaml")).read_text(encoding="utf-8")
    old_id = template.split("id: ")[1].split("\n")[0]
    folder = root / "records/complaint"
    for n in range(3, records + 3):
        new_id = f"CMP-{today.year}-{n:06d}"
        (folder / f"{new_id}.yaml").write_text(template.replace(old_id, new_id), encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "large QMS")
    git(root, "checkout", "-q", "-b", "change")
    for n in (5, 6):
        path = folder / f"CMP-{today.year}-{n:06d}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("status: received", f"status: replied\nreplied: {today}"),
                        encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    today = dt.date.today()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "qms"
        t0 = time.perf_counter()
        build(root, args.records, today)
        print(f"built {args.records} records in {time.perf_counter() - t0:.1f} s")
        fulls, prs = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            full = check_repository(Repository(root), today)
            fulls.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            pr = check_pull_request(Repository(root), "main", today)
            prs.append(time.perf_counter() - t0)
        assert full.ok and pr.ok and pr.records <= 4, (full.issues[:3], pr.issues[:3], pr.records)
        print(f"full check ({full.records} records):     best {min(fulls):.2f} s")
        print(f"check --base ({pr.records} records re-validated): best {min(prs):.2f} s")
        print(f"pull-request check costs {min(prs) / min(fulls):.1%} of the full check")


if __name__ == "__main__":
    main()
