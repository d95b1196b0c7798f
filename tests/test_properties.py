"""Property-based: whatever text or YAML arrives, the loader and checker report, never crash."""
from __future__ import annotations

from pathlib import Path

import yaml
from conftest import TODAY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qmskit import Repository, check_repository, yamlio

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
    st.dates(), st.sampled_from(["no", "10:30", "0755", "2026-13-45", "~", "<<", "&a", "*a", "!!str"]),
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
field_names = st.sampled_from([
    "id", "status", "source", "raised", "requirement", "description", "grade", "department", "owner",
    "due", "audit", "actions", "verification", "closed", "root_cause", "customer_type", "received", "x",
])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_loads_or_is_refused(text: str) -> None:
    try:
        yamlio.loads(text)
    except yamlio.YamlError as exc:
        assert exc.line >= 1 and exc.col >= 1 and exc.message


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_load_or_are_refused(raw: bytes) -> None:
    try:
        yamlio.loads(raw)
    except yamlio.YamlError as exc:
        assert exc.line >= 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(field_names, values, max_size=10),
    st.text(max_size=60),
)
def test_checker_reports_never_raises(repo: Path, record: dict, garbage: str) -> None:  # type: ignore[type-arg]
    folder = repo / "records" / "nonconformity"
    target = folder / f"NCR-{TODAY.year}-0009.yaml"
    other = repo / "records" / "complaint" / f"CMP-{TODAY.year}-0009.yaml"
    try:
        target.write_text(yaml.safe_dump(record, allow_unicode=True), encoding="utf-8")
        other.write_text(garbage, encoding="utf-8")
        result = check_repository(Repository(repo), TODAY, jobs=1)
        for issue in result.issues:
            assert issue.line >= 1 and issue.rule and issue.message
        if not result.ok:
            assert {i.path for i in result.issues} <= {
                target.relative_to(repo).as_posix(), other.relative_to(repo).as_posix()}
    finally:
        target.unlink(missing_ok=True)
        other.unlink(missing_ok=True)


keys = st.sampled_from(["a", "b", "c", "ab", "a.b", "b.c"])
tree = st.recursive(
    st.one_of(st.none(), st.just(""), st.text(max_size=5), st.integers()),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(keys, children, max_size=4),
    max_leaves=15,
)


def _walk(value: object, path: str = "", parent: str | None = None) -> list[tuple[str, str | None, object]]:
    """Every value with its dotted path and its container's, list positions dropped (how forms name fields)."""
    found: list[tuple[str, str | None, object]] = [(path, parent, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _walk(item, f"{path}.{key}" if path else key, path)
    elif isinstance(value, list):
        for item in value:
            found += _walk(item, path, path)  # an item is inside its list: at the same path, below it
    return found


@settings(max_examples=400, deadline=None)
@given(tree, st.sets(st.sampled_from(["a", "b.c", "a.b", "c.a.b", "ab"]), max_size=3))
def test_masking_hides_exactly_the_confidential_fields_and_what_is_below_them(data: object, names: set[str]) -> None:
    """Read off the definition, not the code: the first value on a path at or below a confidential name is the
    marker (or stays empty, and then so does all below it); every value not on such a path is as it was."""
    from qmskit.masking import mask
    from qmskit.report import CONFIDENTIAL

    def confidential(path: str | None) -> bool:
        return bool(path) and any(path == c or path.startswith(c + ".") for c in names)  # type: ignore[union-attr]

    empty = (None, "", [], {})
    masked = mask(data, names)
    before, after = _walk(data), _walk(masked)
    first = [(p, v) for p, parent, v in before if confidential(p) and not confidential(parent)]
    assert [(p, v) for p, parent, v in after if confidential(p) and not confidential(parent)] == [
        (p, v if v in empty else CONFIDENTIAL) for p, v in first]
    assert [(p, v) for p, _, v in after if not confidential(p) and not isinstance(v, (dict, list))] == [
        (p, v) for p, _, v in before if not confidential(p) and not isinstance(v, (dict, list))]
    assert mask(data, names, reveal=True) is data
