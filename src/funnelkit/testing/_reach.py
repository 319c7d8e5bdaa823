"""What a value holds, followed through containers, objects and functions: to see a call change it.

Frozen values cannot be changed by accident, but Python lets any code change almost anything on
purpose: append to a list it was given, count calls on ``self``, remember the last subject in a
closure or a module global, or set a field of a frozen object with ``object.__setattr__``.
:func:`reachable` records everything reachable from some roots as plain, comparable data; two
records taken before and after a call differ exactly when the call changed something reachable.
"""

from __future__ import annotations

import enum
import functools
import types
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

import attrs

_ATOMS = (type(None), bool, int, str, bytes, date, datetime, time, timedelta, tzinfo, enum.Enum)
_BY_TEXT = (float, complex, Decimal)
"""Compared by their text: a NaN is not equal to itself, and would look changed when it is not."""
_SHARED = (type, types.ModuleType, types.BuiltinFunctionType, types.CodeType)
"""Definitions shared by everyone: recorded by identity, not followed."""


def reachable(*roots: object, cached: bool = True) -> object:
    """Record what ``roots`` hold, and what that holds, as data that compares equal while unchanged.

    It follows the items of sequences, sets and mappings (as their users see them, so a
    :class:`~funnelkit.Log` that shares its list with later versions is recorded as its own
    items), the fields of attrs classes, ``__dict__`` and ``__slots__`` of other objects, and of
    functions (and partials) their defaults, closures and the globals their code reads. Classes
    and modules are recorded by identity only. With ``cached=False``, an attrs instance is
    recorded as its equality sees it, without the fields equality leaves out: where values keep
    what they work out on first use.
    """
    return _Recorder(cached=cached).record(roots)


class _Recorder:
    def __init__(self, *, cached: bool) -> None:
        self.cached = cached
        self.seen: dict[int, int] = {}
        # what was seen stays alive until the record is made, so no id is given to another object
        self.kept: list[object] = []

    def record(self, value: object) -> object:
        if isinstance(value, _ATOMS):
            return value
        if isinstance(value, _BY_TEXT):
            return (type(value).__name__, repr(value))
        if isinstance(value, _SHARED):
            return ("shared", id(value))
        key = id(value)
        if key in self.seen:
            return ("again", self.seen[key])
        self.seen[key] = len(self.seen)
        self.kept.append(value)
        return (type(value).__qualname__, tuple(self._parts(value)))

    def _parts(self, value: object) -> Iterator[object]:
        if isinstance(value, Mapping):
            yield from ((self.record(key), self.record(item)) for key, item in value.items())
        elif isinstance(value, AbstractSet):
            yield from sorted((self.record(item) for item in value), key=repr)
        elif isinstance(value, Sequence):
            yield from (self.record(item) for item in value)
        elif isinstance(value, types.FunctionType):
            yield from self._function(value)
        elif isinstance(value, types.MethodType):
            yield from (self.record(value.__func__), self.record(value.__self__))
        elif isinstance(value, functools.partial):
            yield from (self.record(value.func), self.record(value.args), self.record(value.keywords))
        else:
            yield from self._attributes(value)

    def _function(self, function: types.FunctionType) -> Iterator[object]:
        yield self.record(function.__defaults__)
        yield self.record(function.__kwdefaults__)
        cells = function.__closure__ or ()
        yield tuple(self.record(cell.cell_contents) for cell in cells if _filled(cell))
        namespace = function.__globals__
        read = sorted(name for name in _names(function.__code__) if name in namespace)
        yield tuple((name, self.record(namespace[name])) for name in read)

    def _attributes(self, value: object) -> Iterator[object]:
        kind = type(value)
        if attrs.has(kind) and not self.cached:
            compared = [field.name for field in attrs.fields(kind) if field.eq]
            yield tuple((name, self.record(getattr(value, name))) for name in compared)
            return
        names = [field.name for field in attrs.fields(kind)] if attrs.has(kind) else []
        names.extend(slot for klass in kind.__mro__ for slot in _slots(klass) if slot not in names)
        yield tuple((name, self.record(getattr(value, name, _MISSING))) for name in names)
        yield self.record(getattr(value, "__dict__", None))


_MISSING = ("missing",)
"""Stands for a slot that holds nothing yet."""


def _slots(klass: type) -> tuple[str, ...]:
    declared = vars(klass).get("__slots__", ())
    slots = (declared,) if isinstance(declared, str) else tuple(declared)
    return tuple(slot for slot in slots if slot not in ("__dict__", "__weakref__"))


def _filled(cell: types.CellType) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - reading an empty cell raises, which is the test
    except ValueError:
        return False
    return True


def _names(code: types.CodeType) -> set[str]:
    """The global names ``code`` and the functions defined inside it read."""
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _names(constant)
    return names
