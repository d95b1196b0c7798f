"""Fuzz the YAML loader and the record checker for a fixed budget (not run in CI).

    .venv/bin/python bench/fuzz.py --seconds 120            # both targets, half the budget each
    .venv/bin/python bench/fuzz.py --target loader --seconds 60

Properties (hypothesis; inputs mix arbitrary text and bytes with YAML-shaped
text built from the tokens records are made of):

- loader: ``yamlio.loads`` returns a ``Loaded`` or raises ``YamlError`` with a
  line and column inside the input; nothing else escapes (no RecursionError,
  no UnicodeError, no yaml.* exception), and ``try_load`` never raises.
- checker: a record file holding the input, checked with every other file of
  a ``qms init`` repository, gives issues only (each with a path, line >= 1
  and a rule), never an exception, and the other records' verdict is the same
  as without it (a bad file never stops the check of the others).

A failure prints the smallest input hypothesis found; add it to
tests/test_yamlio.py or tests/test_check_rules.py as a regression test.
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qmskit import yamlio

TOKENS = ["id: ", "status: ", "open", "closed", "- ", "  ", "\n", ": ", "{", "}", "[", "]", "&a ", "*a", "!!str ",
          "!!python/object ", "'", '"', "#", "---\n", "...\n", "? ", "|\n", ">\n", "2026-02-30", "NCR-2026-0001",
          "<<: *a\n", "\t", "\ufeff", "\x00", "中文", "\\u0000", "1e9999", "0x1F", ".inf", "~", "null", "yes", "!!binary "]

yaml_like = st.lists(st.sampled_from(TOKENS) | st.text(max_size=8), max_size=60).map("".join)
inputs = st.one_of(yaml_like, st.text(max_size=400), st.binary(max_size=400))


def fuzz_loader(seconds: float) -> None:
    @settings(deadline=None, max_examples=200, database=None, suppress_health_check=list(HealthCheck))
    @given(inputs)
    def loader(data: str | bytes) -> None:
        if time.monotonic() > stop:
            return
        text = data if isinstance(data, str) else data.decode("utf-8", "replace")
        try:
            yamlio.loads(data, max_depth=8)
        except yamlio.YamlError as exc:
            assert 1 <= exc.line <= len(text.splitlines()) + 2 and exc.col >= 1, (exc.line, exc.col, exc.message)
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        yamlio.try_load(raw)  # never raises

    stop = time.monotonic() + seconds
    _run(loader, stop, "loader")


def fuzz_checker(seconds: float) -> None:
    from qmskit import Repository, check_repository
    from qmskit.scaffold import init_repository

    today = dt.date(2026, 6, 1)
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template"
        init_repository(template, today)
        target = next((template / "records/nonconformity").glob("*-0002.yaml"))
        rel = target.relative_to(template).as_posix()
        target.unlink()
        baseline = {i for i in check_repository(Repository(template), today, jobs=1).issues if i.path != rel}
        root = Path(tmp) / "qms"

        @settings(deadline=None, max_examples=200, database=None, suppress_health_check=list(HealthCheck))
        @given(inputs)
        def checker(data: str | bytes) -> None:
            if time.monotonic() > stop:
                return
            if root.exists():
                shutil.rmtree(root)
            shutil.copytree(template, root)
            raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
            (root / rel).write_bytes(raw)
            issues = check_repository(Repository(root), today, jobs=1).issues
            for issue in issues:
                assert issue.path and issue.line >= 1 and issue.col >= 1 and issue.rule, issue
            others = {i for i in issues if i.path != rel and not i.rule.startswith(("ref-", "record-id-unique"))}
            assert others <= baseline | {i for i in issues if i.rule in ("closure-contradiction", "date-order")}, \
                others - baseline

        stop = time.monotonic() + seconds
        _run(checker, stop, "checker")


def _run(test: object, stop: float, name: str) -> None:
    """Rounds of 200 examples (each round freshly random) until the budget is spent."""
    rounds = 0
    while time.monotonic() < stop:
        test()  # type: ignore[operator]
        rounds += 1
    print(f"{name}: no failure in {rounds} hypothesis run(s) within the budget")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--target", choices=("loader", "checker", "both"), default="both")
    args = parser.parse_args()
    share = args.seconds / (2 if args.target == "both" else 1)
    if args.target in ("loader", "both"):
        fuzz_loader(share)
    if args.target in ("checker", "both"):
        fuzz_checker(share)


if __name__ == "__main__":
    main()
