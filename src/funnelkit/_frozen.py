"""A read-only dict: event payloads, the qualification tables, a framework's stages."""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class FrozenDict(dict[K, V]):
    """A dict that refuses every change; it pickles, copies and hashes.

    It stands in for ``types.MappingProxyType``, which cannot be pickled or deep-copied, and so
    kept events, frameworks and the tables of facts and questions from crossing process
    boundaries. Reading it costs what reading a dict costs.

    Example:
        >>> from funnelkit._frozen import FrozenDict
        >>> stages = FrozenDict({"proof": ("pain",)})
        >>> stages["proof"] = ()
        Traceback (most recent call last):
        ...
        TypeError: a FrozenDict is read-only
    """

    __slots__ = ()

    def _refuse(self, *_args: object, **_kwargs: object) -> NoReturn:
        raise TypeError("a FrozenDict is read-only")

    __setitem__ = __delitem__ = _refuse
    clear = pop = popitem = setdefault = update = __ior__ = _refuse

    def __reduce__(self) -> tuple[type[FrozenDict[K, V]], tuple[dict[K, V]]]:
        """Rebuild from a plain dict: by default a dict subclass unpickles through ``__setitem__``."""
        return (type(self), (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override] # dict is unhashable because it changes; this does not
        """Hash the items, ignoring their order as equality does, so a Framework can be hashed."""
        return hash(frozenset(self.items()))

    def __copy__(self) -> FrozenDict[K, V]:
        """It never changes, so a copy is itself."""
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenDict[K, V]:
        """It never changes, so a deep copy is itself."""
        return self
