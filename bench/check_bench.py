"""The full `qms check` against check-jsonschema and against a bare parse-and-validate floor, same records.

    python bench/check_bench.py /tmp/scale/r20000 [--repeat 2]

All three are whole processes, run in turn --repeat times; the script prints
median wall and CPU time (user + system, children included: on a shared
machine CPU time is the steadier figure) and the ratios.

- qms check: the cold full check (cache off, QMS_CACHE=0), every rule;
- check-jsonschema (pip install check-jsonschema): one run per kind with the
  kind's exported schema and its records, ``--regex-variant python`` (the
  exported id patterns use Python's named groups);
- floor: one process that reads every record with PyYAML's C loader and
  validates it with its pydantic model, nothing else (no positions, no
  references, no rules across records, no messages).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Python may keep compiled bytecode (as an installed qmskit, and GitPython beside it, have theirs): a
# PYTHONDONTWRITEBYTECODE left in the environment would make every qms process compile its source again.
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}, "PYTHONPATH": str(ROOT / "tools"), "QMS_CACHE": "0"}

FLOOR = r"""
import sys, yaml
from pathlib import Path
from qmskit.registry import load_registry
root = Path(sys.argv[1])
registry = load_registry(root / "schemas", root)
bad = 0
for path in sorted((root / "records").glob("*/*.yaml")):
    kind = registry.get(path.parent.name)
    data = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    try:
        kind.model.model_validate(data)
    except Exception:
        bad += 1
print(bad)
"""


def measure(commands: list[list[str]], cwd: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    for cmd in commands:
        subprocess.run(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def jsonschema_runs(repo: Path) -> list[list[str]]:
    exe = str(Path(sys.executable).parent / "check-jsonschema")
    runs = []
    for schema in sorted((repo / "schemas/json").glob("*.schema.json")):
        kind = schema.name.removesuffix(".schema.json")
        files = sorted(str(p) for p in (repo / "records" / kind).glob("*.yaml"))
        for i in range(0, len(files), 5000):  # keep each command line well inside the argument limit
            runs.append([exe, "--regex-variant", "python", "--schemafile", str(schema), *files[i:i + 5000]])
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    repo = args.repo.resolve()
    records = sum(1 for _ in (repo / "records").glob("*/*.yaml"))
    clib = subprocess.run([sys.executable, "-c", "import ruamel.yaml.clib"], capture_output=True).returncode == 0
    contenders = {
        "qms check (cold)": [[sys.executable, "-m", "qmskit.cli", "--root", str(repo), "check", "--as-of", "2043-12-01"]],
        "parse-and-validate floor": [[sys.executable, "-c", FLOOR, str(repo)]],
        f"check-jsonschema{' (ruamel C ext.)' if clib else ''}": jsonschema_runs(repo),
    }
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    for _ in range(args.repeat):
        for name, commands in contenders.items():
            results[name].append(measure(commands, repo))
    print(f"{records} records in {repo}")
    ours_wall = statistics.median(w for w, _ in results["qms check (cold)"])
    ours_cpu = statistics.median(c for _, c in results["qms check (cold)"])
    for name, runs in results.items():
        wall, cpu = statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)
        print(f"  {name:34} wall {wall:7.2f} s  cpu {cpu:7.2f} s   / qms check: wall {wall / ours_wall:5.2f}x  "
              f"cpu {cpu / ours_cpu:5.2f}x")


if __name__ == "__main__":
    main()
