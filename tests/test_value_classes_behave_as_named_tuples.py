"""The engine's value classes behave exactly as ``typing.NamedTuple`` classes, though built without ``typing``.

``qmskit.notyping.NamedTuple`` is ``typing.NamedTuple`` to the type checker
and, at run time, a builder over ``collections.namedtuple`` (importing
``typing`` and its per-annotation checks were a tenth of ``qms show``). The
engine unpacks, indexes, compares, hashes, ``_replace``-s and pickles these
values, in reports, the site, the pull-request check and the caches. Here
each class built by it is held to the class ``typing.NamedTuple`` builds from
the very same class body: for random bodies (hypothesis), and for every value
class of the engine, whose source is executed again with typing's
``NamedTuple``. And the modules a plain ``qms show`` / ``qms history`` imports
import no ``typing``.
"""
from __future__ import annotations

import importlib
import inspect
import keyword
import os
import pickle
import subprocess
import sys
import textwrap
import types
import typing
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qmskit import notyping

# every value class built by qmskit.notyping.NamedTuple, as module -> class names
ENGINE_CLASSES = {
    "qmskit.git": ("RawChange", "TreeEntry", "Tag", "Commit"),
    "qmskit.history": ("FieldChange", "Version", "TrailEntry"),
    "qmskit.trail": ("ShownForm", "Limits", "Revision"),
    "qmskit.report": ("Paragraph", "BulletList", "Table", "Series", "Figure"),
    "qmskit.lookup": ("Found",),
    "qmskit.yamlio": ("MarkdownFile",),
}

TOOLS = Path(__file__).resolve().parents[1] / "tools"


def _build(source: str, named_tuple: object, module: types.ModuleType, extra: dict[str, object],
           name: str = "V") -> type:
    """The class ``name`` that ``source`` defines with ``named_tuple`` as ``NamedTuple``, made in ``module``."""
    module.__dict__.update(extra, NamedTuple=named_tuple)
    exec(compile("from __future__ import annotations\n" + source, f"<{module.__name__}>", "exec"), module.__dict__)
    return typing.cast(type, module.__dict__[name])


def _body_members(cls: type) -> dict[str, tuple[str, bytes]]:
    """What a class body added (methods, properties, class methods, plain values): name -> (kind, code or repr)."""
    members: dict[str, tuple[str, bytes]] = {}
    for name, value in vars(cls).items():
        if name in ("__doc__", "__module__", "__qualname__", "__annotations__") or name in cls._fields:
            continue
        if isinstance(value, property):
            members[name] = ("property", typing.cast(types.FunctionType, value.fget).__code__.co_code)
        elif isinstance(value, (classmethod, staticmethod)):
            members[name] = (type(value).__name__, value.__func__.__code__.co_code)
        elif isinstance(value, types.FunctionType) and value.__qualname__.startswith(f"{cls.__qualname__}."):
            members[name] = ("function", value.__code__.co_code)
        elif not name.startswith("_"):
            members[name] = ("value", repr(value).encode())
    return members


def _same_class(ours: type, theirs: type) -> None:
    """What a user of the class sees of the class itself is the same (but for the module it was made in)."""
    for attribute in ("_fields", "_field_defaults", "__match_args__", "__doc__", "__name__", "__qualname__",
                      "__slots__"):
        assert getattr(ours, attribute) == getattr(theirs, attribute), attribute
    assert ours.__mro__[1:] == theirs.__mro__[1:] == (tuple, object)
    assert list(ours.__annotations__) == list(theirs.__annotations__)
    assert _body_members(ours) == _body_members(theirs)
    # typing's class also keeps __orig_bases__, (typing.NamedTuple,): the function its class statement named
    assert sorted(set(dir(ours)) ^ set(dir(theirs))) == ['__orig_bases__']
    # typing also gives __new__ its annotations, as ForwardRef objects: the parameters are what a caller meets
    assert [(p.name, p.kind, p.default) for p in inspect.signature(ours).parameters.values()] == [
        (p.name, p.kind, p.default) for p in inspect.signature(theirs).parameters.values()]


def _same_values(ours: type, theirs: type, args: list[object]) -> None:
    """Values made of the same arguments behave the same: as tuples, and as named tuples."""
    a, b = ours(*args), theirs(*args)
    assert isinstance(a, tuple) and tuple(a) == tuple(b) == tuple(args)
    assert a == tuple(args) and a == b and not (a != b)  # a named tuple equals any tuple of its items
    assert hash(a) == hash(b) == hash(tuple(args))
    assert repr(a) == repr(b)
    assert a._asdict() == b._asdict() and list(a._asdict()) == list(ours._fields)
    assert [getattr(a, f) for f in ours._fields] == [a[i] for i in range(len(args))] == args
    assert [*a] == args and a[-1] == args[-1] and a[1:] == tuple(args[1:])
    assert ours._make(iter(args)) == a and type(ours._make(args)) is ours
    assert ours(**dict(zip(ours._fields, args))) == a
    for field in ours._fields:
        changed = a._replace(**{field: "changed"})
        assert type(changed) is ours and changed == b._replace(**{field: "changed"}) and a == tuple(args)
    for bad in (lambda c: c(*args, "one too many"), lambda c: c(*args, **{ours._fields[0]: 1}),
                lambda c: a._replace(no_such_field=1) if c is ours else b._replace(no_such_field=1)):
        with pytest.raises((TypeError, ValueError)) as mine:
            bad(ours)
        with pytest.raises((TypeError, ValueError)) as typings:
            bad(theirs)
        assert type(mine.value) is type(typings.value)
    assert pickle.loads(pickle.dumps(a, protocol=pickle.HIGHEST_PROTOCOL)) == a
    assert type(pickle.loads(pickle.dumps(a))) is ours


names = st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True).filter(lambda n: not keyword.iskeyword(n)),
                 min_size=1, max_size=8, unique=True)
hashable = st.one_of(st.none(), st.integers(), st.text(max_size=4), st.tuples(st.integers(), st.text(max_size=2)))


@settings(max_examples=60, deadline=None)
@given(fields=names, data=st.data())
def test_a_class_built_here_is_the_class_typing_builds(fields: list[str], data: st.DataObject) -> None:
    defaulted = data.draw(st.integers(0, len(fields)), label="defaults")
    defaults = data.draw(st.lists(hashable, min_size=defaulted, max_size=defaulted), label="default values")
    doc = data.draw(st.sampled_from(["", '    """A value."""\n']), label="docstring")
    lines = [f"    {name}: {'str | None' if i % 2 else 'tuple[int, ...]'}"
             + (f" = DEFAULTS[{i - (len(fields) - defaulted)}]" if i >= len(fields) - defaulted else "")
             for i, name in enumerate(fields)]
    source = "class V(NamedTuple):\n" + doc + "\n".join(lines) + textwrap.dedent('''
        LIMIT = 3

        @property
        def first(self) -> object:
            return self[0]

        @classmethod
        def of(cls, items: list[object]) -> V:
            return cls(*items)

        def width(self) -> int:
            return len(self) * self.LIMIT
        ''').replace("\n", "\n    ")
    made = []
    for named_tuple in (notyping.NamedTuple, typing.NamedTuple):
        module = types.ModuleType(f"qms_probe_{len(made)}")  # a real module, so that pickle finds the class
        sys.modules[module.__name__] = module
        made.append(_build(source, named_tuple, module, {"DEFAULTS": defaults}))
    ours, theirs = made
    try:
        assert (ours.__module__, theirs.__module__) == ("qms_probe_0", "qms_probe_1")
        _same_class(ours, theirs)
        args = data.draw(st.lists(hashable, min_size=len(fields), max_size=len(fields)), label="values")
        _same_values(ours, theirs, args)
        a, b = ours(*args), theirs(*args)
        assert (a.first, a.width(), type(ours.of(args))) == (b.first, b.width(), ours)
        required = len(fields) - defaulted
        assert ours(*args[:required]) == theirs(*args[:required]) == (*args[:required], *defaults)
        if required:
            with pytest.raises(TypeError):
                ours(*args[:required - 1])
    finally:
        del sys.modules["qms_probe_0"], sys.modules["qms_probe_1"]


@pytest.mark.parametrize("module_name, class_name",
                         [(m, c) for m, classes in ENGINE_CLASSES.items() for c in classes])
def test_each_engine_value_class_is_what_typing_builds_from_its_source(module_name: str, class_name: str) -> None:
    module = importlib.import_module(module_name)
    ours = getattr(module, class_name)
    assert isinstance(ours, type) and ours.__module__ == module_name
    assert module.NamedTuple is notyping.NamedTuple  # built here, not by typing
    theirs = _build(textwrap.dedent(inspect.getsource(ours)), typing.NamedTuple, types.ModuleType(module_name),
                    dict(vars(module)), class_name)
    assert theirs is not ours and theirs.__module__ == module_name
    _same_class(ours, theirs)
    args: list[object] = [f"v{i}" for i in range(len(ours._fields))]
    _same_values(ours, theirs, args)


def test_what_a_body_may_not_do_is_refused_as_typing_refuses_it() -> None:
    for body in ("    a: int = 1\n    b: int\n", "    a: int = 1\n    b: int = 2\n    c: int\n",
                 "    a: int\n    def _replace(self): pass\n", "    a: int\n    _fields = ('b',)\n"):
        errors = []
        for named_tuple in (notyping.NamedTuple, typing.NamedTuple):
            with pytest.raises((TypeError, AttributeError)) as raised:
                _build("class V(NamedTuple):\n" + body, named_tuple, types.ModuleType("qms_probe"), {})
            errors.append((type(raised.value), str(raised.value)))
        assert errors[0] == errors[1], body
    with pytest.raises(TypeError):
        _build("class V(NamedTuple, dict):\n    a: int\n", notyping.NamedTuple, types.ModuleType("qms_probe"), {})


def test_the_modules_of_a_plain_question_import_no_typing() -> None:
    """Imported in a fresh interpreter, the modules ``qms show`` / ``qms history`` use do not import ``typing``."""
    code = ("import sys, qmskit.cli, qmskit.lookup, qmskit.git, qmskit.history, qmskit.trail, qmskit.report, "
            "qmskit.masking, qmskit.render, qmskit.render.markdown, qmskit.cache, qmskit.yamlmemo, qmskit.spawn; "
            "print('typing' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PYTHONPATH": str(TOOLS)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
    assert notyping.TYPE_CHECKING is False
