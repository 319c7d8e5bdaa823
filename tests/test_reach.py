"""A record of what values hold: equal while nothing reachable changes, different after any change."""

import functools
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
import pytest

import funnelkit as fk
from funnelkit.testing._reach import reachable

COUNTS: dict[str, int] = {}
"""A module global that a function below reads inside a nested lambda."""


def counting_lambda() -> Callable[[], int]:
    return lambda: COUNTS.get("calls", 0)


class Slotted:
    __slots__ = "only"  # noqa: PLC0205 - the one-string form is what this covers

    def __init__(self) -> None:
        self.only: list[int] = []


class Both(Slotted):
    __slots__ = ("__dict__", "later")
    later: int


@attrs.frozen
class Frozen:
    items: tuple[int, ...]


def empty_cell() -> Callable[[], object]:
    value: object = 1

    def read() -> object:
        return value  # noqa: F821 - deleted below, to leave the cell empty

    del value
    return read


def with_defaults(kept: list[int] = [], *, also: list[int] = []) -> None:  # noqa: B006 - mutable defaults on purpose
    del kept, also


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def bump(self) -> None:
        self.calls += 1


def changes(value: Any, change: Callable[[Any], object]) -> bool:
    """Whether ``change`` applied to ``value`` changes its record; first that equal values record alike."""
    before = reachable(value)
    assert reachable(value) == before
    change(value)
    return reachable(value) != before


def set_on_frozen(value: Frozen) -> None:
    object.__setattr__(value, "items", (9,))


def fill_slot(value: Both) -> None:
    value.later = 1


def closure_with(cell: list[int]) -> Callable[[], int]:
    return lambda: len(cell)


def test_every_kind_of_change_shows() -> None:
    bump = Counter()
    cell: list[int] = []
    partial = functools.partial(print, [])
    cases: list[tuple[Any, Callable[[Any], object]]] = [
        ([1, [2]], lambda value: value[1].append(3)),
        ({"a": [1]}, lambda value: value.update(b=2)),
        ({1, 2}, lambda value: value.add(3)),
        (Slotted(), lambda value: value.only.append(1)),
        (Both(), fill_slot),
        (Both(), lambda value: setattr(value, "extra", 1)),
        (Frozen((1,)), set_on_frozen),
        (closure_with(cell), lambda _value: cell.append(1)),
        (with_defaults, lambda value: value.__defaults__[0].append(1)),
        (with_defaults, lambda value: value.__kwdefaults__["also"].append(1)),
        (counting_lambda, lambda _value: COUNTS.update(calls=1)),
        (bump.bump, lambda value: value()),
        (partial, lambda value: value.args[0].append(1)),
    ]
    for value, change in cases:
        assert changes(value, change), value


def test_equal_values_record_alike_and_shared_definitions_by_identity() -> None:
    assert reachable([1.5, math.nan, Decimal("NaN"), 2j]) == reachable([1.5, math.nan, Decimal("NaN"), 2j])
    assert reachable(Frozen((1, 2))) == reachable(Frozen((1, 2)))
    assert reachable(Frozen((1, 2))) != reachable(Frozen((2, 1)))
    assert reachable(fk.Lead, math) == reachable(fk.Lead, math)
    assert reachable(fk.Lead) != reachable(fk.Client)
    assert reachable(frozenset({3, 1, 2})) == reachable(frozenset({2, 3, 1}))


def test_cycles_end_and_an_empty_cell_is_no_problem() -> None:
    loop: list[object] = []
    loop.append(loop)
    assert reachable(loop) == reachable(loop)
    read = empty_cell()
    with pytest.raises(NameError):
        read()
    assert reachable(read) == reachable(read)


def test_a_log_is_recorded_as_its_own_items() -> None:
    first = fk.Log([1])
    before = reachable(first)
    first.append(2)  # a later version shares the list, which this one does not see
    assert reachable(first) == before
    assert reachable(fk.Log([1])) == before


@attrs.frozen
class Caching:
    value: int
    _worked_out: list[int] = attrs.field(factory=list, eq=False)


def test_without_caches_attrs_instances_are_recorded_as_their_equality_sees_them() -> None:
    value = Caching(1)
    full, compared = reachable(value), reachable(value, cached=False)
    value._worked_out.append(2)
    assert reachable(value) != full
    assert reachable(value, cached=False) == compared
    object.__setattr__(value, "value", 2)
    assert reachable(value, cached=False) != compared
