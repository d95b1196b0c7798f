"""The full `qms check` against check-jsonschema and against a bare parse-and-validate floor, same records.

    python bench/check_bench.py /tmp/scale/r20000 [--repeat 3] [--clib-python /tmp/cj-clib/bin/python]
                                [--baseline-tools /tmp/qms-before/tools]

All are whole processes, run in turn --repeat times; the script prints
median wall and CPU time (user + system, children included: on a shared
machine CPU time is the steadier figure) and the ratios.

- qms check: the cold full check (cache off, QMS_CACHE=0), every rule;
- check-jsonschema (pip install check-jsonschema): one run per kind with the
  kind's exported schema and its records, ``--regex-variant python`` (the
  exported id patterns use Python's named groups). As pip installs it,
  ruamel.yaml 0.19 has no C extension (the script says which it found);
  ``--clib-python`` names the Python of a second environment that has it
  (``python -m venv /tmp/cj-clib && /tmp/cj-clib/bin/pip install check-jsonschema
  ruamel.yaml.clib``: ruamel.yaml 0.19.1 loads ``_ruamel_yaml`` from
  ruamel.yaml.clib first, ruamel.yaml.clibz second), run as a further row;
- ``--baseline-tools``: the same qms check run from another copy of
  ``tools/`` (an earlier commit, ``git archive``'d), for before/after in one run;
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

from scale_bench import last_day  # bench/ is the script's folder, so first on sys.path

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


def measure(commands: list[list[str]], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    for cmd in commands:
        subprocess.run(cmd, cwd=cwd, env=env or ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def ruamel_parser(python: str) -> str:
    """Which parser check-jsonschema's ruamel.yaml uses under ``python``: its C extension or pure Python.

    Asked of check-jsonschema's own YAML set-up, so the row's name says what ran.
    """
    probe = ("from check_jsonschema.parsers.yaml import construct_yaml_implementation as c; "
             "print(c().Parser.__module__)")
    found = subprocess.run([python, "-c", probe], capture_output=True, text=True)
    module = found.stdout.strip()
    if found.returncode != 0 or not module:
        return "unknown"
    return "C extension" if "clib" in module or "_ruamel_yaml" in module else "pure Python"


def jsonschema_runs(repo: Path, python: str = sys.executable) -> list[list[str]]:
    exe = str(Path(python).parent / "check-jsonschema")
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
    parser.add_argument("--clib-python", help="Python of an environment with check-jsonschema and ruamel.yaml.clib")
    parser.add_argument("--baseline-tools", type=Path, help="another tools/ folder whose qms check runs beside this one")
    args = parser.parse_args()
    repo = args.repo.resolve()
    records = sum(1 for _ in (repo / "records").glob("*/*.yaml"))
    # checked on the repository's own last day (as report_bench): a later day finds its document reviews overdue
    as_of = last_day(repo, "HEAD")
    qms = [[sys.executable, "-m", "qmskit.cli", "--root", str(repo), "check", "--as-of", as_of]]
    contenders: dict[str, tuple[list[list[str]], dict[str, str]]] = {"qms check (cold)": (qms, ENV)}
    if args.baseline_tools:
        contenders["qms check (cold), baseline"] = (qms, {**ENV, "PYTHONPATH": str(args.baseline_tools.resolve())})
    contenders["parse-and-validate floor"] = ([[sys.executable, "-c", FLOOR, str(repo)]], ENV)
    contenders[f"check-jsonschema ({ruamel_parser(sys.executable)})"] = (jsonschema_runs(repo), ENV)
    if args.clib_python:
        parser_kind = ruamel_parser(args.clib_python)
        if parser_kind != "C extension":
            parser.error(f"{args.clib_python}: check-jsonschema there uses ruamel.yaml's {parser_kind} parser, "
                         "not its C extension (pip install ruamel.yaml.clib there)")
        contenders[f"check-jsonschema ({parser_kind}, 2nd venv)"] = (jsonschema_runs(repo, args.clib_python), ENV)
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    for _ in range(args.repeat):
        for name, (commands, env) in contenders.items():
            results[name].append(measure(commands, repo, env))
    print(f"{records} records in {repo} as of {as_of}; {args.repeat} alternating runs, medians")
    ours_wall = statistics.median(w for w, _ in results["qms check (cold)"])
    ours_cpu = statistics.median(c for _, c in results["qms check (cold)"])
    for name, runs in results.items():
        wall, cpu = statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)
        print(f"  {name:42} wall {wall:7.2f} s  cpu {cpu:7.2f} s   / qms check: wall {wall / ours_wall:5.2f}x  "
              f"cpu {cpu / ours_cpu:5.2f}x   (cpu of each run: {', '.join(f'{c:.2f}' for _, c in runs)})")


if __name__ == "__main__":
    main()
