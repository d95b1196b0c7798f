"""Finds the organization's forms in ``schemas/`` and what the engine needs to know of each.

Each module in ``schemas/`` defines one or more forms: pydantic models that
extend a base form and carry a :class:`~qmskit.forms.FormSpec` as ``form``.
A module that fails to import, or a form whose spec contradicts its fields,
becomes an :class:`~qmskit.issues.Issue` naming the module and line; the
other forms still load.
"""
from __future__ import annotations

import importlib.util
import os
import re
import sys
import traceback
import types
import zlib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel

from .fileio import NOT_REGULAR, entry_problem, not_regular_message
from .forms import FormSpec, RecordBase, Ref
from .idpattern import IdPattern, IdPatternError
from .issues import Issue

RefPath = tuple[str, ...]  # field names; "*" stands for every item of a list


@dataclass(frozen=True)
class Kind:
    """A record kind: its model, its spec, and the references it holds."""

    name: str
    model: type[RecordBase]
    module_path: str
    pattern: IdPattern
    refs: tuple[tuple[RefPath, Ref], ...]

    @property
    def spec(self):  # type: ignore[no-untyped-def]
        return self.model.form

    def is_a(self, target: str | type | None) -> bool:
        """Whether a reference to ``target`` (kind name or base form) accepts this kind."""
        if target is None:
            return True
        if isinstance(target, type):
            return issubclass(self.model, target)
        return target == self.name or any(cls.__name__ == target for cls in self.model.__mro__)


@dataclass
class Registry:
    kinds: dict[str, Kind]
    issues: list[Issue]

    def extending(self, base: type[RecordBase]) -> list[Kind]:
        """The organization's forms built on ``base``, for reports."""
        return [k for k in self.kinds.values() if issubclass(k.model, base)]

    def get(self, name: str) -> Kind | None:
        return self.kinds.get(name)


def _unwrap(annotation: Any) -> Iterator[tuple[RefPath, Ref]]:
    """Yield the reference markers inside a field's type, with their sub-paths."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *meta = typing.get_args(annotation)
        for item in meta:
            if isinstance(item, Ref):
                yield (), item
                return
        yield from _unwrap(inner)
    elif origin in (list, tuple, set, frozenset):
        for arg in typing.get_args(annotation):
            if arg is not Ellipsis:
                for sub, ref in _unwrap(arg):
                    yield ("*",) + sub, ref
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _unwrap(arg)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield from reference_paths(annotation)


def reference_paths(model: type[BaseModel]) -> Iterator[tuple[RefPath, Ref]]:
    """Every reference a model can hold, as (field path, marker)."""
    for name, info in model.model_fields.items():
        for item in info.metadata:
            if isinstance(item, Ref):
                yield (name,), item
                break
        else:
            for sub, ref in _unwrap(info.annotation):
                yield (name,) + sub, ref


def _error_line(exc: BaseException, path: Path) -> int:
    if isinstance(exc, SyntaxError) and exc.lineno:
        return exc.lineno
    line = 1
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename).resolve() == path.resolve() and frame.lineno:
            line = frame.lineno
    return line


def _import(path: Path) -> types.ModuleType:
    name = f"qms_schemas.{re.sub(r'[^0-9A-Za-z_]', '_', path.stem)}_{zlib.crc32(str(path.resolve()).encode()):08x}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:  # pragma: no cover - only for odd file systems
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def _submodel(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``X``, ``list[X]`` or ``X | None``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _submodel(arg)
        if found is not None:
            return found
    return None


def field_exists(model: type[BaseModel], dotted: str) -> bool:
    """``"auditors.auditor"`` names the ``auditor`` of every item in ``auditors``."""
    head, _, rest = dotted.partition(".")
    info = model.model_fields.get(head)
    if info is None:
        return False
    if not rest:
        return True
    inner = _submodel(info.annotation)
    return inner is not None and field_exists(inner, rest)


def _spec_problems(model: type[RecordBase]) -> Iterator[str]:
    spec = model.form
    fields = model.model_fields
    if not re.fullmatch(r"[a-z][a-z0-9_]*", spec.kind):
        yield f"kind {spec.kind!r} must be lower_snake_case (it names the records/ folder)"
    for name in spec.confidential:
        if not field_exists(model, name):
            yield f"confidential field {name!r} is not a field of {model.__name__}"
    if spec.date_field and spec.date_field not in fields:
        yield f"date_field {spec.date_field!r} is not a field of {model.__name__}"
    for key in ("confidential", "additions"):
        value = getattr(spec, key)
        if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
            yield f"{key} is a tuple of texts; write ('…',) with a trailing comma for one"
    yield from _declaration_problems(model)
    workflow = spec.workflow
    if workflow is None:
        return
    for status, nexts in workflow.transitions.items():
        for target in (status, *nexts):
            if target not in workflow.statuses:
                yield f"workflow transition names unknown status {target!r}"
    for status, needed in workflow.requires.items():
        if status not in workflow.statuses:
            yield f"workflow requires fields in unknown status {status!r}"
        for name in needed:
            if name not in fields:
                yield f"workflow status {status!r} requires {name!r}, which is not a field"


def _plain(path: str) -> str:
    return ".".join(p for p in path.split(".") if p != "*")


def beside_or_top(model: type[BaseModel], ref_path: RefPath, name: str) -> bool:
    """Whether ``name`` is a field beside the field at ``ref_path``, or of the record itself."""
    parent = ".".join(p for p in ref_path[:-1] if p != "*")
    return (bool(parent) and field_exists(model, f"{parent}.{_plain(name)}")) or field_exists(model, _plain(name))


def _base_named(name: str) -> type[BaseModel] | None:
    from .forms import BASE_FORMS

    return next((b for b in BASE_FORMS if b.__name__ == name), None)


def _declaration_problems(model: type[RecordBase]) -> Iterator[str]:
    """Declarations across records that name fields the form does not have (checked before any record is)."""
    from .relations import Computed, Recount, SumOf

    spec = model.form
    for path, ref in reference_paths(model):
        where = ".".join(p for p in path if p != "*")
        for order in ref.order:
            if not beside_or_top(model, path, order.own):
                yield f"'{where}': date order names {order.own!r}, which is not a field beside it or of the form"
            target = ref.kind if isinstance(ref.kind, type) else _base_named(ref.kind) if isinstance(ref.kind, str) else None
            if target is not None and not field_exists(target, _plain(order.theirs)):
                yield f"'{where}': date order names {order.theirs!r}, which {target.__name__} has not"
        if ref.holds is not None:
            for name in ref.holds.fields():
                if not beside_or_top(model, path, name):
                    yield f"'{where}': PersonRef names {name!r}, which is not a field beside it or of the form"
    for derived in spec.derived:
        if not field_exists(model, _plain(derived.field)):
            yield f"derived field {derived.field!r} is not a field of {model.__name__}"
            continue
        rule = derived.rule
        names: tuple[str, ...] = ()
        if isinstance(rule, SumOf):
            names = (rule.refs,)
        elif isinstance(rule, Recount):
            names = tuple(n for n in (rule.objective, rule.period, rule.department, rule.as_of) if n)
        elif not isinstance(rule, Computed):
            yield f"derived field {derived.field!r}: the rule must be SumOf, Recount or Computed, not {type(rule).__name__}"
        for name in names:
            if not beside_or_top(model, tuple(derived.field.split(".")), name):
                yield f"derived field {derived.field!r}: {name!r} is not a field beside it or of {model.__name__}"
    closure = spec.closure
    if closure is not None:
        for name in closure.fields():
            if not field_exists(model, _plain(name)):
                yield f"closure names {name!r}, which is not a field of {model.__name__}"
        for cited_by in closure.cited_by:
            if "." not in cited_by:
                yield f"closure cited_by {cited_by!r} must be 'Kind.field' (e.g. 'Complaint.nonconformity')"
        if closure.within_days is not None and not closure.same:
            yield "closure within_days needs 'same': the field naming the requirement breached"


def _target_problems(kinds: dict[str, Kind]) -> Iterator[tuple[Kind, str]]:
    """Date orders and sums that name a field of a target kind that the kind has not (known once all are loaded)."""
    from .relations import SumOf

    for kind in kinds.values():
        for path, ref in kind.refs:
            targets = [k for k in kinds.values() if k.is_a(ref.kind)] if isinstance(ref.kind, str) else []
            for order in ref.order:
                for target in targets:
                    if not field_exists(target.model, _plain(order.theirs)):
                        yield kind, (f"'{'.'.join(p for p in path if p != '*')}': date order names {order.theirs!r}, "
                                     f"which the {target.name} form has not")
        for derived in kind.spec.derived:
            if not isinstance(derived.rule, SumOf):
                continue
            ref = ref_at(kind, sum_refs_path(kind.model, derived.field, derived.rule.refs))
            if ref is None or ref.target != "record":
                yield kind, (f"derived field {derived.field!r}: {derived.rule.refs!r} is not a list of record "
                             "references (RecordRef) to sum over")
                continue
            for target in (k for k in kinds.values() if k.is_a(ref.kind)):
                if not field_exists(target.model, _plain(derived.rule.field)):
                    yield kind, (f"derived field {derived.field!r}: the {target.name} records it sums have "
                                 f"no field {derived.rule.field!r}")


def sum_refs_path(model: type[BaseModel], field_path: str, refs: str) -> tuple[str, ...]:
    """Where a sum's references stand: beside the derived field if they are there, else from the top."""
    parent = tuple(field_path.split(".")[:-1])
    plain_parent = _plain(".".join(parent))
    if parent and field_exists(model, f"{plain_parent}.{_plain(refs)}"):
        return parent + tuple(refs.split("."))
    return tuple(refs.split("."))


def ref_at(kind: Kind, path: tuple[str, ...]) -> Ref | None:
    """The reference marker at a field path (``*`` for list items optional)."""
    wanted = tuple(p for p in path if p != "*")
    return next((ref for p, ref in kind.refs if tuple(x for x in p if x != "*") == wanted), None)


def load_registry(schemas_dir: Path, root: Path) -> Registry:
    """Import every ``schemas/*.py`` and collect the forms they define."""
    kinds: dict[str, Kind] = {}
    issues: list[Issue] = []
    codes: dict[str, str] = {}
    if os.path.islink(schemas_dir):  # a linked folder would import code from outside the repository
        return Registry(kinds, [Issue(schemas_dir.relative_to(root).as_posix(), 1, 1, NOT_REGULAR,
                                      not_regular_message("a symbolic link"))])
    for path in sorted(schemas_dir.glob("*.py")):
        if path.name.startswith("_"):
            continue
        rel = path.relative_to(root).as_posix()
        refused = entry_problem(path)
        if refused:  # a link or special file is never imported
            issues.append(Issue(rel, 1, 1, NOT_REGULAR, refused))
            continue
        try:
            module = _import(path)
        except Exception as exc:  # any error in the user's module is reported, not raised
            issues.append(Issue(rel, _error_line(exc, path), 1, "schema-import",
                                f"cannot load this form module: {type(exc).__name__}: {exc}"))
            continue
        for model in _forms_in(module):
            line = _class_line(path, model.__name__)
            if not isinstance(model.__dict__["form"], FormSpec):
                issues.append(Issue(rel, line, 1, "schema-spec",
                                    f"{model.__name__}.form must be a FormSpec(kind=…, code=…, …), "
                                    f"not {type(model.__dict__['form']).__name__}"))
                continue
            try:
                problems = list(_spec_problems(model))
                pattern = IdPattern(model.form.id_pattern)
            except IdPatternError as exc:
                problems.append(str(exc))
            except Exception as exc:  # a malformed spec (a workflow that is not a Workflow …)
                problems = [f"the form spec cannot be read: {type(exc).__name__}: {exc}"]
            if model.form.kind in kinds:
                problems.append(f"kind {model.form.kind!r} is already defined in {kinds[model.form.kind].module_path}")
            if model.form.code in codes:
                problems.append(f"form code {model.form.code!r} is already used by kind {codes[model.form.code]!r}")
            if problems:
                for problem in problems:
                    issues.append(Issue(rel, line, 1, "schema-spec", f"{model.__name__}: {problem}"))
                continue
            codes[model.form.code] = model.form.kind
            kinds[model.form.kind] = Kind(model.form.kind, model, rel, pattern, tuple(reference_paths(model)))
    for kind, problem in _target_problems(kinds):
        issues.append(Issue(kind.module_path, _class_line(root / kind.module_path, kind.model.__name__), 1,
                            "schema-spec", f"{kind.model.__name__}: {problem}"))
    return Registry(kinds, issues)


def _kinds_cache(schemas_dir: Path, root: Path):  # type: ignore[no-untyped-def]
    """The cache of which module defines each kind, under a digest of the engine and of every form module's bytes."""
    from .cache import ResultCache, digest_of, engine_digest, folder_digest

    key = digest_of(engine_digest(), folder_digest(schemas_dir), os.path.islink(schemas_dir),
                    schemas_dir.relative_to(root).as_posix())
    return ResultCache(root, "kinds", key)


def remember_kinds(registry: Registry, schemas_dir: Path, root: Path) -> None:
    """Note which module defines each kind a whole load accepted, for :func:`load_kind` next time."""
    cache = _kinds_cache(schemas_dir, root)
    found = {name: kind.module_path for name, kind in registry.kinds.items()}
    if cache.enabled and cache.get("modules") != found:
        cache.put("modules", found)
        cache.save()


UNKNOWN = object()  # load_kind cannot tell without loading every form


def load_kind(schemas_dir: Path, root: Path, name: str) -> Kind | None | object:
    """One kind, importing only the module that defines it (``qms show``: masking needs its own form alone).

    Answered only when the last whole load of these very form modules (same
    bytes, same engine) is remembered: the kind is then the one that load
    accepted, or None when it accepted no such kind. Otherwise ``UNKNOWN``,
    and the caller loads every form.
    """
    cache = _kinds_cache(schemas_dir, root)
    modules = cache.get("modules") if cache.enabled else None
    if not isinstance(modules, dict):
        return UNKNOWN
    rel = modules.get(name)
    if rel is None:
        return None
    path = root / rel
    try:
        module = _import(path)
    except Exception:  # noqa: BLE001 - it loaded last time; if not now, the whole load says why
        return UNKNOWN
    for model in _forms_in(module):
        spec = model.__dict__["form"]
        if isinstance(spec, FormSpec) and spec.kind == name:
            return Kind(name, model, rel, IdPattern(spec.id_pattern), tuple(reference_paths(model)))
    return UNKNOWN


def _forms_in(module: types.ModuleType) -> Iterator[type[RecordBase]]:
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, RecordBase)
            and value.__module__ == module.__name__
            and "form" in value.__dict__
        ):
            yield value


def _class_line(path: Path, name: str) -> int:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 1
    match = re.search(rf"^class\s+{re.escape(name)}\b", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 1
