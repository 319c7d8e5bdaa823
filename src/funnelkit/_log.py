"""Append-only sequences that share their past between versions.

A funnel object is a frozen value, so every command returns a new object whose history is the old
one plus an event. Copying the history each time would make a command cost grow with the object's
past. A :class:`Log` is instead a view of the first ``n`` items of a list that every later version
shares: appending to the newest version appends to that list in place, in constant time, and only
appending to an older version (a branch) copies the items it keeps.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class Log(Sequence[T], Generic[T]):
    """An immutable sequence with constant-time append, sharing its items with older versions.

    It behaves like a tuple: length, iteration, indexing, slicing (which gives a tuple),
    equality with other logs and with tuples, hashing and pickling. ``start`` counts the items
    that came before it and are not held, as in the history of an object restored from a snapshot.

    Example:
        >>> from funnelkit import Log
        >>> first = Log(["created"])
        >>> second = first.append("worked")
        >>> first, second, second[-1], second == ("created", "worked")
        (Log(['created']), Log(['created', 'worked']), 'worked', True)
    """

    __slots__ = ("_items", "_length", "start")

    _items: list[T]
    _length: int
    start: int
    """How many items came before the first one held; 0 for a complete log."""

    def __init__(self, items: Iterable[T] = (), start: int = 0) -> None:
        """Hold ``items``, copied; ``start`` says how many came before them."""
        self._items = list(items)
        self._length = len(self._items)
        self.start = start

    @classmethod
    def _view(cls, items: list[T], length: int, start: int) -> Log[T]:
        log: Log[T] = cls.__new__(cls)
        log._items = items
        log._length = length
        log.start = start
        return log

    def append(self, item: T) -> Log[T]:
        """Return a log with ``item`` after these; this one is unchanged."""
        items, length = self._items, self._length
        if not length:
            # empty logs are often shared defaults: start a list of its own rather than grow theirs
            return Log._view([item], 1, self.start)
        if len(items) == length:
            items.append(item)
            # another thread may have appended to the same list first: then this version branches
            if items[length] is item:
                return Log._view(items, length + 1, self.start)
        return Log._view([*itertools.islice(items, length), item], length + 1, self.start)

    def extend(self, items: Iterable[T]) -> Log[T]:
        """Return a log with ``items`` after these; this one is unchanged."""
        log = self
        for item in items:
            log = log.append(item)
        return log

    def __len__(self) -> int:
        """The number of items held."""
        return self._length

    def __iter__(self) -> Iterator[T]:
        """The items, oldest first."""
        return itertools.islice(self._items, self._length)

    def __reversed__(self) -> Iterator[T]:
        """The items, newest first."""
        items = self._items
        return (items[index] for index in range(self._length - 1, -1, -1))

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        """An item by position (negative from the end), or a tuple for a slice."""
        if isinstance(index, slice):
            return tuple(self._items[: self._length][index])
        length = self._length
        if index < 0:
            index += length
        if not 0 <= index < length:
            raise IndexError("Log index out of range")
        return self._items[index]

    def __eq__(self, other: object) -> bool:
        """Equal to a log with the same start and items, or to a tuple of the same items."""
        if isinstance(other, Log):
            if self.start != other.start or self._length != other._length:
                return False
            return self._items is other._items or all(a == b for a, b in zip(self, other, strict=True))
        if isinstance(other, tuple):
            return len(other) == self._length and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        """The hash of the tuple of its items, which it equals."""
        return hash(tuple(self))

    def __repr__(self) -> str:
        """Show the items as a list, and the start when it is not 0."""
        start = f", start={self.start}" if self.start else ""
        return f"Log({list(self)!r}{start})"

    def __reduce__(self) -> tuple[type[Log[T]], tuple[tuple[T, ...], int]]:
        """Pickle the items held, not the list other versions share."""
        return (Log, (tuple(self), self.start))


EMPTY_LOG: Log[Any] = Log()
"""The log every object starts from; appending to an empty log never touches it."""
