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
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pydantic import BaseModel

from . import messages
from .fileio import NOT_REGULAR, entry_problem, not_regular_message
from .forms import FormSpec, RecordBase, Ref, built
from .idpattern import IdPattern, IdPatternError
from .issues import Issue

if typing.TYPE_CHECKING:
    from .cache import ResultCache

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
    def spec(self) -> FormSpec:
        return self.model.form

    def validate(self, data: Any) -> RecordBase:
        """The record ``data`` makes under this form (pydantic's ``ValidationError`` if it does not pass).

        The form is built on its first validation (see ``forms.built``).
        """
        return built(self.model).model_validate(data)  # type: ignore[return-value]

    def is_a(self, target: str | type | None) -> bool:
        """Whether a reference to ``target`` (kind name or base form) accepts this kind."""
        if target is None:
            return True
        if isinstance(target, type):
            return issubclass(self.model, target)
        return target == self.name or any(cls.__name__ == target for cls in self.model.__mro__)


@dataclass
class Registry:
    kinds: Mapping[str, Kind]
    issues: list[Issue]

    def extending(self, base: type[RecordBase]) -> list[Kind]:
        """The organization's forms built on ``base``, for reports."""
        return [k for k in self.kinds.values() if issubclass(k.model, base)]

    def kinds_for(self, target: str | type | None) -> list[Kind]:
        """The forms a reference to ``target`` (kind name or base form) accepts, in load order."""
        return [k for k in self.kinds.values() if k.is_a(target)]

    def names_for(self, target: str | type | None) -> list[str]:
        """The names of the forms a reference to ``target`` accepts (:meth:`kinds_for` without the forms)."""
        return [k.name for k in self.kinds_for(target)]

    def get(self, name: str) -> Kind | None:
        return self.kinds.get(name)

    def accepts(self, name: str, target: str | type | None) -> bool:
        """Whether a reference to ``target`` accepts a record of form ``name`` (of a form no longer defined: yes,
        another rule says what is wrong with it)."""
        kind = self.kinds.get(name)
        return kind is None or kind.is_a(target)

    def is_final(self, name: str, status: object) -> bool:
        """Whether ``status`` is final in the workflow of form ``name``; a form without a workflow (or none of
        that name) holds nothing open."""
        kind = self.kinds.get(name)
        workflow = kind.spec.workflow if kind is not None else None
        return workflow is None or status in workflow.final

    def fields_of(self, name: str) -> frozenset[str] | None:
        """The top-level field names of a form; None when there is no such form."""
        kind = self.kinds.get(name)
        return frozenset(kind.model.model_fields) if kind is not None else None

    def procedures(self) -> list[tuple[str, str, str]]:
        """(kind, module path, procedure its spec names) of every form."""
        return [(k.name, k.module_path, k.spec.procedure) for k in self.kinds.values()]


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
        yield messages.text("form.kind_case", kind=repr(spec.kind))
    for name in spec.confidential:
        if not field_exists(model, name):
            yield messages.text("form.confidential_unknown", name=repr(name), model=model.__name__)
    if spec.date_field and spec.date_field not in fields:
        yield messages.text("form.date_field_unknown", name=repr(spec.date_field), model=model.__name__)
    for key in ("confidential", "additions"):
        value = getattr(spec, key)
        if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
            yield messages.text("form.tuple_of_texts", key=key)
    yield from _declaration_problems(model)
    workflow = spec.workflow
    if workflow is None:
        return
    for status, nexts in workflow.transitions.items():
        for target in (status, *nexts):
            if target not in workflow.statuses:
                yield messages.text("form.transition_unknown", status=repr(target))
    for status, needed in workflow.requires.items():
        if status not in workflow.statuses:
            yield messages.text("form.requires_unknown", status=repr(status))
        for name in needed:
            if name not in fields:
                yield messages.text("form.requires_field", status=repr(status), name=repr(name))


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
                yield messages.text("form.order_own", where=where, name=repr(order.own))
            target = ref.kind if isinstance(ref.kind, type) else _base_named(ref.kind) if isinstance(ref.kind, str) else None
            if target is not None and not field_exists(target, _plain(order.theirs)):
                yield messages.text("form.order_theirs", where=where, name=repr(order.theirs), target=target.__name__)
        if ref.holds is not None:
            for name in ref.holds.fields():
                if not beside_or_top(model, path, name):
                    yield messages.text("form.person_ref", where=where, name=repr(name))
    for derived in spec.derived:
        if not field_exists(model, _plain(derived.field)):
            yield messages.text("form.derived_unknown", field=repr(derived.field), model=model.__name__)
            continue
        rule = derived.rule
        names: tuple[str, ...] = ()
        if isinstance(rule, SumOf):
            names = (rule.refs,)
        elif isinstance(rule, Recount):
            names = tuple(n for n in (rule.objective, rule.period, rule.department, rule.as_of) if n)
        elif not isinstance(rule, Computed):
            yield messages.text("form.derived_rule", field=repr(derived.field), rule=type(rule).__name__)
        for name in names:
            if not beside_or_top(model, tuple(derived.field.split(".")), name):
                yield messages.text("form.derived_name", field=repr(derived.field), name=repr(name), model=model.__name__)
    closure = spec.closure
    if closure is not None:
        for name in closure.fields():
            if not field_exists(model, _plain(name)):
                yield messages.text("form.closure_name", name=repr(name), model=model.__name__)
        for cited_by in closure.cited_by:
            if "." not in cited_by:
                yield messages.text("form.closure_cited_by", cited_by=repr(cited_by))
        if closure.within_days is not None and not closure.same:
            yield messages.text("form.closure_same")


def _target_problems(kinds: dict[str, Kind]) -> Iterator[tuple[Kind, str]]:
    """Date orders and sums that name a field of a target kind that the kind has not (known once all are loaded)."""
    from .relations import SumOf

    for kind in kinds.values():
        for path, ref in kind.refs:
            targets = [k for k in kinds.values() if k.is_a(ref.kind)] if isinstance(ref.kind, str) else []
            for order in ref.order:
                for target in targets:
                    if not field_exists(target.model, _plain(order.theirs)):
                        yield kind, messages.text("form.order_target", where='.'.join(p for p in path if p != '*'),
                                                  name=repr(order.theirs), target=target.name)
        for derived in kind.spec.derived:
            if not isinstance(derived.rule, SumOf):
                continue
            summed = ref_at(kind, sum_refs_path(kind.model, derived.field, derived.rule.refs))
            if summed is None or summed.target != "record":
                yield kind, messages.text("form.sum_refs", field=repr(derived.field), refs=repr(derived.rule.refs))
                continue
            for target in (k for k in kinds.values() if k.is_a(summed.kind)):
                if not field_exists(target.model, _plain(derived.rule.field)):
                    yield kind, messages.text("form.sum_field", field=repr(derived.field), target=target.name, name=repr(derived.rule.field))


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
                                messages.text("form.cannot_load", name=type(exc).__name__, error=exc)))
            continue
        for model in _forms_in(module):
            line = _class_line(path, model.__name__)
            if not isinstance(model.__dict__["form"], FormSpec):
                issues.append(Issue(rel, line, 1, "schema-spec",
                                    messages.text("form.not_spec", model=model.__name__, found=type(model.__dict__['form']).__name__)))
                continue
            try:
                problems = list(_spec_problems(model))
                pattern = IdPattern(model.form.id_pattern)
            except IdPatternError as exc:
                problems.append(str(exc))
            except Exception as exc:  # a malformed spec (a workflow that is not a Workflow …)
                problems = [messages.text("form.spec_unreadable", name=type(exc).__name__, error=exc)]
            if model.form.kind in kinds:
                problems.append(messages.text("form.kind_twice", kind=repr(model.form.kind), path=kinds[model.form.kind].module_path))
            if model.form.code in codes:
                problems.append(messages.text("form.code_twice", code=repr(model.form.code), kind=repr(codes[model.form.code])))
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


def remember_kinds(registry: Registry, schemas_dir: Path, root: Path) -> None:
    """Note which module defines each kind a whole load accepted, for :func:`load_kind` next time.

    And each kind's code, titles and confidential fields (``"shown"``): what
    ``qms show`` needs of a form, so that a show after any check that loaded
    the forms imports neither pydantic nor the form (see ``trail.shown_form``).
    """
    from .cache import kinds_cache

    cache = kinds_cache(schemas_dir, root)
    found = {name: kind.module_path for name, kind in registry.kinds.items()}
    shown = {name: (k.spec.code, k.spec.title_zh, k.spec.title_en, tuple(k.spec.confidential))
             for name, k in registry.kinds.items()}
    if cache.enabled and (cache.get("modules") != found or cache.get("shown") != shown):
        cache.put("modules", found)
        cache.put("shown", shown)
        cache.save()


def _kind_of(model: type[RecordBase], spec: FormSpec, rel: str) -> Kind:
    """The kind a form module defines, as a load of one module makes it (its id pattern accepted by a whole load)."""
    return Kind(spec.kind, model, rel, IdPattern(spec.id_pattern), tuple(reference_paths(model)))


UNKNOWN = object()  # load_kind cannot tell without loading every form


def load_kind(schemas_dir: Path, root: Path, name: str) -> Kind | None | object:
    """One kind, importing only the module that defines it (``qms show``: masking needs its own form alone).

    Answered only when the last whole load of these very form modules (same
    bytes, same engine) is remembered: the kind is then the one that load
    accepted, or None when it accepted no such kind. Otherwise ``UNKNOWN``,
    and the caller loads every form.
    """
    from .cache import kinds_cache

    cache = kinds_cache(schemas_dir, root)
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
            return _kind_of(model, spec, rel)
    return UNKNOWN


# -- forms loaded one kind at a time --------------------------------------------------------------


@dataclass(frozen=True)
class FormFacts:
    """What a whole load of some form modules found, kept under a digest of their bytes and of the engine.

    A pull-request check reads a few records; with these facts it imports
    only the modules of the forms those records and their rules touch,
    while the verdicts about every form (the load's issues, each form's
    procedure, what each is built on) are the whole load's, unchanged.
    ``extra`` holds what the checks derive from every form (the fields the
    rules across records keep of each kind).
    """

    modules: dict[str, str]  # kind -> module path, in load order
    lineage: dict[str, tuple[tuple[str, str, str], ...]]  # kind -> (module, qualname, name) of each class of its MRO
    procedures: dict[str, str]  # kind -> the procedure its spec names
    fields: dict[str, frozenset[str]]  # kind -> its top-level field names
    finals: dict[str, tuple[str, ...] | None]  # kind -> its workflow's final statuses (None: no workflow; absent: ask it)
    issues: tuple[Issue, ...]
    extra: dict[str, Any]


def form_facts(registry: Registry, extra: dict[str, Any]) -> FormFacts:
    kinds = registry.kinds
    return FormFacts(
        {name: kind.module_path for name, kind in kinds.items()},
        {name: tuple((c.__module__, c.__qualname__, c.__name__) for c in kind.model.__mro__) for name, kind in kinds.items()},
        {name: kind.spec.procedure for name, kind in kinds.items()},
        {name: frozenset(kind.model.model_fields) for name, kind in kinds.items()},
        _finals(kinds),
        tuple(registry.issues), dict(extra),
    )


def _finals(kinds: Mapping[str, Kind]) -> dict[str, tuple[str, ...] | None]:
    """Each form's final statuses as plain texts; None for a form without a workflow.

    A form whose ``final`` is anything else (members of an enum defined in its
    module, a single text whose ``in`` is a substring test) is left out: a
    :class:`LazyRegistry` then asks the form itself, so the answer is the
    eager one, and the facts stay plain data that pickle can keep.
    """
    found: dict[str, tuple[str, ...] | None] = {}
    for name, kind in kinds.items():
        workflow = kind.spec.workflow
        if workflow is None:
            found[name] = None
        elif isinstance(workflow.final, tuple) and all(type(status) is str for status in workflow.final):
            found[name] = workflow.final
    return found


def _facts_cache(schemas_dir: Path, root: Path, cache_root: Path) -> ResultCache:
    """The cache of a whole load's :class:`FormFacts` (its issues are worded in the language of the time)."""
    from .cache import forms_cache

    return forms_cache("forms", schemas_dir, root, cache_root, messages.language())


def remember_forms(registry: Registry, schemas_dir: Path, root: Path, cache_root: Path,
                   extra: Callable[[], dict[str, Any]]) -> None:
    """Keep what a whole load of ``schemas_dir`` found, for :func:`lazy_registry` (a no-op with the cache off)."""
    if isinstance(registry, LazyRegistry) or os.environ.get("QMS_CACHE", "1") == "0":
        return
    cache = _facts_cache(schemas_dir, root, cache_root)
    if not cache.enabled:
        return
    build_every_form(registry)  # what cannot be built stops the command here, and nothing is remembered of it
    facts = form_facts(registry, extra())
    if cache.get("facts") != facts:
        cache.put("facts", facts)
        cache.save()


def lazy_registry(schemas_dir: Path, root: Path, cache_root: Path) -> LazyRegistry | None:
    """The forms of ``schemas_dir`` loaded one module at a time, when a whole load of these very bytes is remembered."""
    cache = _facts_cache(schemas_dir, root, cache_root)
    facts = cache.get("facts") if cache.enabled else None
    return LazyRegistry(schemas_dir, root, facts) if isinstance(facts, FormFacts) else None


class _LazyKinds(Mapping[str, Kind]):
    """The kinds by name: names and membership from the facts, a form imported when it is looked up."""

    def __init__(self, owner: LazyRegistry) -> None:
        self._owner = owner

    def __getitem__(self, name: str) -> Kind:
        kind = self._owner._kind(name)
        if kind is None:
            raise KeyError(name)
        return kind

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._owner.facts.modules))

    def __len__(self) -> int:
        return len(self._owner.facts.modules)

    def __contains__(self, name: object) -> bool:
        return name in self._owner.facts.modules


class LazyRegistry(Registry):
    """A registry that imports a form's module the first time one of its kinds is asked for.

    Whatever needs every form (iterating ``kinds.values()``) still gets every
    form, imported module by module; questions the facts answer (is there a
    kind of this name, which kinds are built on ``Complaint``, which
    procedure governs each form) import nothing. Should a module that
    loaded before fail now, the whole folder is loaded as usual.
    """

    def __init__(self, schemas_dir: Path, root: Path, facts: FormFacts) -> None:
        self.schemas_dir, self.root, self.facts = schemas_dir, root, facts
        self._loaded: dict[str, Kind] = {}
        self._imported: set[str] = set()
        self._whole: Registry | None = None
        self._built_on: dict[str | type | None, list[str] | None] = {}  # the facts do not change: asked once each
        super().__init__(_LazyKinds(self), list(facts.issues))

    def _kind(self, name: str) -> Kind | None:
        if self._whole is not None:
            return self._whole.kinds.get(name)
        rel = self.facts.modules.get(name)
        if rel is None:
            return None
        if rel not in self._imported:
            self._imported.add(rel)
            try:
                module = _import(self.root / rel)
            except Exception:  # noqa: BLE001 - it loaded last time; the whole load reports why not now
                return self._load_whole().kinds.get(name)
            for model in _forms_in(module):
                spec = model.__dict__["form"]
                if not isinstance(spec, FormSpec) or self.facts.modules.get(spec.kind) != rel:
                    continue
                if spec.kind in self._loaded or self.facts.lineage[spec.kind][0][1] != model.__qualname__:
                    continue
                self._loaded[spec.kind] = _kind_of(model, spec, rel)
        found = self._loaded.get(name)
        return found if found is not None else self._load_whole().kinds.get(name)

    def _load_whole(self) -> Registry:
        if self._whole is None:
            self._whole = load_registry(self.schemas_dir, self.root)
            self.kinds, self.issues = self._whole.kinds, self._whole.issues
        return self._whole

    def _names_built_on(self, target: str | type | None) -> list[str] | None:
        """Kinds a reference to ``target`` accepts, from the facts; None when only the classes can tell."""
        if target not in self._built_on:
            self._built_on[target] = self._from_lineage(target)
        return self._built_on[target]

    def _from_lineage(self, target: str | type | None) -> list[str] | None:
        lineage = self.facts.lineage
        if target is None:
            return list(lineage)
        if isinstance(target, str):
            return [n for n, classes in lineage.items() if n == target or any(c[2] == target for c in classes)]
        if not target.__module__.startswith("qmskit."):
            return None  # a class of a form module: its module's name depends on where it was loaded from
        wanted = (target.__module__, target.__qualname__)
        return [n for n, classes in lineage.items() if any(c[:2] == wanted for c in classes)]

    def kinds_for(self, target: str | type | None) -> list[Kind]:
        names = self._names_built_on(target) if self._whole is None else None
        if names is None:
            return super().kinds_for(target)
        return [k for k in (self._kind(n) for n in names) if k is not None]

    def names_for(self, target: str | type | None) -> list[str]:
        names = self._names_built_on(target) if self._whole is None else None
        return names if names is not None else super().names_for(target)

    def accepts(self, name: str, target: str | type | None) -> bool:
        names = self._names_built_on(target) if self._whole is None else None
        if names is None:
            return super().accepts(name, target)
        return name not in self.facts.modules or name in names

    def is_final(self, name: str, status: object) -> bool:
        if self._whole is not None or name not in self.facts.finals:
            return super().is_final(name, status)  # its form answers (no such form: nothing is imported)
        final = self.facts.finals[name]
        return final is None or status in final

    def extending(self, base: type[RecordBase]) -> list[Kind]:
        return self.kinds_for(base)

    def procedures(self) -> list[tuple[str, str, str]]:
        if self._whole is not None:
            return super().procedures()
        return [(name, self.facts.modules[name], procedure) for name, procedure in self.facts.procedures.items()]

    def fields_of(self, name: str) -> frozenset[str] | None:
        if self._whole is not None:
            return super().fields_of(name)
        return self.facts.fields.get(name)

    def imported(self) -> set[str]:
        """The module paths imported so far (for tests and benchmarks: what a check really loaded)."""
        return set(self._imported)


def build_every_form(registry: Registry) -> None:
    """Build every form of a whole load: where a form that cannot be built must stop the command, not later.

    A pull-request check fails closed on the base's forms (``sides.load_base_rules``),
    and facts are remembered only of a load whose forms all build. A form left
    incomplete (a type that names nothing) raises pydantic's reason here, as
    building its JSON Schema did.
    """
    for kind in registry.kinds.values():
        if not kind.model.__pydantic_complete__:
            kind.model.model_rebuild(raise_errors=True, _parent_namespace_depth=0)  # the module's names, not ours


def _forms_in(module: types.ModuleType) -> Iterator[type[RecordBase]]:
    """The module's forms, unbuilt: each is built when a record is first validated by it (``forms.built``).

    What builds is the command's to say: a question such as ``qms show`` reads
    the forms' names and fields and builds none; a check builds the forms it
    validates; a pull-request check's base load and a remembered load build
    every form (``build_every_form``), so that one that cannot be built stops
    them. A form whose fields named a class the module defines later is
    completed now, as a build at load did, so its fields (what the load's own
    checks read) are the same either way.
    """
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, RecordBase)
            and value.__module__ == module.__name__
            and "form" in value.__dict__
        ):
            if not getattr(value, "__pydantic_fields_complete__", False):  # pydantic before 2.11: built, as before
                value.model_rebuild(raise_errors=False, _parent_namespace_depth=0)  # the module's names, not ours
            yield value


def _class_line(path: Path, name: str) -> int:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 1
    match = re.search(rf"^class\s+{re.escape(name)}\b", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else 1
