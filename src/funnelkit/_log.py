"""Append-only sequences that share their past between versions.

A funnel object is a frozen value, so every command returns a new object whose history is the old
one plus an event. Copying the history each time would make a command cost grow with the object's
past. A :class:`Log` is instead a view of the first items of a list that every later version
shares: appending to the newest version appends to that list in place, in constant time.
Appending to an older version (a branch: two futures of one object) starts a new segment that
keeps the older version as its prefix, also in constant time; a chain of more than
``MAX_DEPTH`` branches is flattened into one list, so reading stays fast.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")

MAX_DEPTH = 16
"""How many branch segments a log may stack before it is copied into one list."""


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

    __slots__ = ("_depth", "_items", "_length", "_prefix", "start")

    _prefix: Log[T] | None
    """The older version this one extends, when it branched from it; ``None`` otherwise."""
    _items: list[T]
    """The items after the prefix; later versions that extend this one share the list."""
    _length: int
    _depth: int
    start: int
    """How many items came before the first one held; 0 for a complete log."""

    def __init__(self, items: Iterable[T] = (), start: int = 0) -> None:
        """Hold ``items``, copied; ``start`` says how many came before them."""
        self._prefix = None
        self._items = list(items)
        self._length = len(self._items)
        self._depth = 0
        self.start = start

    @classmethod
    def _view(cls, prefix: Log[T] | None, items: list[T], length: int, start: int) -> Log[T]:
        log: Log[T] = cls.__new__(cls)
        log._prefix = prefix
        log._items = items
        log._length = length
        log._depth = 0 if prefix is None else prefix._depth + 1
        log.start = start
        return log

    def _own(self) -> int:
        """How many items of ``_items`` this version holds."""
        prefix = self._prefix
        return self._length if prefix is None else self._length - prefix._length

    def append(self, item: T) -> Log[T]:
        """Return a log with ``item`` after these; this one is unchanged."""
        items, own = self._items, self._own()
        if own and len(items) == own:
            items.append(item)
            # another thread may have appended to the same list first: then this version branches
            if items[own] is item:
                return Log._view(self._prefix, items, self._length + 1, self.start)
        if not self._length:
            # an empty log is often a shared default: start a list of its own rather than grow it
            return Log._view(None, [item], 1, self.start)
        if self._depth >= MAX_DEPTH:
            return Log._view(None, [*self, item], self._length + 1, self.start)
        return Log._view(self, [item], self._length + 1, self.start)

    def extend(self, items: Iterable[T]) -> Log[T]:
        """Return a log with ``items`` after these; this one is unchanged."""
        added = list(items)
        count = len(added)
        if not count:
            return self
        store, own = self._items, self._own()
        if own and len(store) == own:
            store.extend(added)
            # as in append: if another thread extended the same list first, branch instead
            if all(found is item for found, item in zip(store[own : own + count], added, strict=True)):
                return Log._view(self._prefix, store, self._length + count, self.start)
        if not self._length:
            return Log._view(None, added, count, self.start)
        if self._depth >= MAX_DEPTH:
            return Log._view(None, [*self, *added], self._length + count, self.start)
        return Log._view(self, added, self._length + count, self.start)

    def __len__(self) -> int:
        """The number of items held."""
        return self._length

    def __iter__(self) -> Iterator[T]:
        """The items, oldest first."""
        own = itertools.islice(self._items, self._own())
        return own if self._prefix is None else itertools.chain(self._prefix, own)

    def __reversed__(self) -> Iterator[T]:
        """The items, newest first."""
        items = self._items
        newest = (items[index] for index in range(self._own() - 1, -1, -1))
        return newest if self._prefix is None else itertools.chain(newest, reversed(self._prefix))

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        """An item by position (negative from the end), or a tuple for a slice."""
        if isinstance(index, slice):
            return tuple(self)[index]
        length = self._length
        if index < 0:
            index += length
        if not 0 <= index < length:
            raise IndexError("Log index out of range")
        log = self
        while log._prefix is not None and index < log._prefix._length:
            log = log._prefix
        base = 0 if log._prefix is None else log._prefix._length
        return log._items[index - base]

    def __eq__(self, other: object) -> bool:
        """Equal to a log with the same start and items, or to a tuple of the same items."""
        if isinstance(other, Log):
            if self.start != other.start or self._length != other._length:
                return False
            same = self._items is other._items and self._prefix is other._prefix
            return same or all(a == b for a, b in zip(self, other, strict=True))
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
        """Pickle the items held, not the lists other versions share."""
        return (Log, (tuple(self), self.start))


EMPTY_LOG: Log[Any] = Log()
"""The log every object starts from; appending to an empty log never touches it."""
