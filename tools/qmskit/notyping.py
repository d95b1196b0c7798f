"""What the engine takes from ``typing``, without importing ``typing`` at run time.

``qms show`` / ``qms history`` of one item is a short process, and importing
``typing`` cost ~16 M instructions of it, only because the engine's own
modules imported it. Those modules now take two names from here:

- ``TYPE_CHECKING``, false at run time. mypy takes any name ``TYPE_CHECKING``
  as true, as it takes ``typing.TYPE_CHECKING``, so ``if TYPE_CHECKING: from
  typing import Any`` gives the type checker its names and costs nothing.
  The annotations are strings (``from __future__ import annotations``).
- ``NamedTuple``, for the value classes: ``class Commit(NamedTuple): sha: str
  ...`` stays each class's one definition. The type checker reads it as
  ``typing.NamedTuple``. At run time this module builds the class
  ``typing.NamedTuple`` builds, ``collections.namedtuple`` of the body's
  annotated names in order with their defaults, then the body's docstring,
  methods and properties set on it. What an annotation says is never looked
  at, only its name: ``typing.NamedTuple`` type-checks each one (a string
  annotation becomes a compiled ``ForwardRef``): 1.65 M instructions for a
  class of five fields, against 0.50 M here, for 17 classes on that path.

``tests/test_value_classes_behave_as_named_tuples.py`` holds the classes built
here equal in behaviour to typing's, and ``tests/test_show_one_item.py`` holds
``typing`` out of a plain ``qms show`` / ``qms history``.
"""

from __future__ import annotations

from collections import namedtuple as _namedtuple

TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
else:
    # as typing.NamedTuple: a body may not replace what collections.namedtuple made ...
    _PROHIBITED = frozenset({"__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults",
                             "_make", "_replace", "_asdict", "_source"})
    # ... and these of the body's namespace are not copied onto the class
    _SPECIAL = frozenset({"__module__", "__name__", "__annotations__"})

    class _Build(type):
        """The metaclass of ``NamedTuple``: a class statement naming it as its base gets a named tuple."""

        def __new__(mcls, name, bases, namespace):
            if not bases:  # NamedTuple itself
                return super().__new__(mcls, name, bases, namespace)
            if bases != (NamedTuple,):
                raise TypeError("can only inherit from a NamedTuple type")
            annotations = namespace.get("__annotations__", {})
            defaults = []
            for field in annotations:
                if field in namespace:
                    defaults.append(field)
                elif defaults:
                    raise TypeError(f"Non-default namedtuple field {field} cannot follow default field"
                                    f"{'s' if len(defaults) > 1 else ''} {', '.join(defaults)}")
            cls = _namedtuple(name, list(annotations), defaults=[namespace[n] for n in defaults],
                              module=namespace["__module__"])
            cls.__annotations__ = dict(annotations)
            for key, value in namespace.items():
                if key in _PROHIBITED:
                    raise AttributeError("Cannot overwrite NamedTuple attribute " + key)
                if key not in _SPECIAL and key not in cls._fields:
                    setattr(cls, key, value)
            return cls

    class NamedTuple(metaclass=_Build):
        """Base of a value class: ``class Tag(NamedTuple): name: str``, as with ``typing.NamedTuple``."""
