"""``qms new``: the next free id, a blank form, never an overwrite."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import TODAY, in_english, run_qms, write

from qmskit import QmsError, Repository
from qmskit.idpattern import IdPattern, IdPatternError
from qmskit.newrecord import create_record, parse_assignments

YEAR = TODAY.year


def test_pattern_next_id_skips_taken_and_other_years() -> None:
    pattern = IdPattern("NCR-{year}-{seq:04}")
    taken = ["NCR-2026-0001", "NCR-2026-0007", "NCR-2025-0042", "junk"]
    assert pattern.next_id(taken, dt.date(2026, 5, 1)) == "NCR-2026-0008"
    assert pattern.next_id(taken, dt.date(2025, 5, 1)) == "NCR-2025-0043"
    assert pattern.next_id(taken, dt.date(2027, 1, 1)) == "NCR-2027-0001"


def test_pattern_with_month_and_overflowing_sequence() -> None:
    pattern = IdPattern("EN-{year}{month:02}-{seq:02}")
    assert pattern.matches("EN-202611-01") and not pattern.matches("EN-202613-01")
    assert pattern.next_id(["EN-202611-99"], dt.date(2026, 11, 3)) == "EN-202611-100"
    assert pattern.matches("EN-202611-100")


def test_pattern_without_sequence_is_one_per_period() -> None:
    pattern = IdPattern("EN-{year}-{month:02}")
    assert pattern.next_id([], dt.date(2026, 3, 9)) == "EN-2026-03"
    assert pattern.matches("EN-2026-12") and not pattern.matches("EN-2026-13")


@pytest.mark.parametrize("bad", ["NCR", "NCR-{seq}-{seq}", "NCR-{day}-{seq}", "NCR/{seq}"])
def test_bad_patterns_are_refused(bad: str) -> None:
    with pytest.raises(IdPatternError):
        IdPattern(bad)


def test_new_record_gets_the_next_id_and_validates(repo: Path) -> None:
    values = parse_assignments([
        "source=inspection", f"raised={TODAY}", "requirement=QP-02", "description=现场检查发现记录缺失。",
        "grade=minor", "department=质量部", "owner=质量部经理", f"due={TODAY + dt.timedelta(days=30)}",
    ])
    created = create_record(Repository(repo), "nonconformity", values, TODAY)
    assert created.record_id == f"NCR-{YEAR}-0003"
    assert created.issues == []
    text = created.path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/json/nonconformity.schema.json\n")
    assert "status: open" in text and f"due: {TODAY + dt.timedelta(days=30)}" in text


def test_blank_form_lists_what_to_fill_in(repo: Path) -> None:
    created = create_record(Repository(in_english(repo)), "complaint", {}, TODAY)
    missing = {i.message.split("'")[1] for i in created.issues}
    assert missing == {"received", "customer_type", "department", "description"}
    text = created.path.read_text(encoding="utf-8")
    assert "\nreceived:  # " in text and "\n# replied:" in text


def test_never_overwrites(repo: Path) -> None:
    # a file another branch or process already wrote with the next id is skipped, not replaced
    squatter = write(repo / f"records/complaint/CMP-{YEAR}-0003.yaml", "kept: as is\n")
    created = create_record(Repository(repo), "complaint", {}, TODAY, taken=[f"CMP-{YEAR}-0004"])
    assert created.record_id == f"CMP-{YEAR}-0005"
    assert squatter.read_text(encoding="utf-8") == "kept: as is\n"


def test_unknown_kind_and_field(repo: Path) -> None:
    in_english(repo)
    with pytest.raises(QmsError, match="complaint, corrective_action, nonconformity"):
        create_record(Repository(repo), "survey", {}, TODAY)
    with pytest.raises(QmsError, match="no such field"):
        create_record(Repository(repo), "complaint", {"colour": "red"}, TODAY)
    with pytest.raises(QmsError, match="field=value"):
        parse_assignments(["grade"])


def test_cli_new(repo: Path) -> None:
    result = run_qms("new", "complaint", "--set", "customer_type=enterprise", cwd=repo / "records")
    assert result.returncode == 1  # a blank form is not yet a valid record
    assert f"created records/complaint/CMP-{YEAR}-0003.yaml" in result.stdout
    # the repository qms init writes has lang: zh, so what to do next is said in Chinese
    assert "请填写上面列出的字段" in result.stdout
    result = run_qms("new", "nosuchkind", cwd=repo)
    assert result.returncode == 2 and "Traceback" not in result.stderr
