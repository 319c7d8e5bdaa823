"""Public names report the package users import them from, not the private module they live in.

A traceback then reads ``funnelkit.TransitionNotAllowed``, and ``repr`` and pickling name the
public path. The module each class was defined in is kept in ``DEFINED_IN``, so that its annotations can
still be resolved there (see :func:`type_hints`).
"""

from __future__ import annotations

import functools
import inspect
import sys
import typing
from collections.abc import Iterable, Mapping
from typing import Any

DEFINED_IN: dict[type, str] = {}
"""The module each published class was defined in (kept aside: a Protocol must not grow attributes)."""


def publish(names: Iterable[str], namespace: Mapping[str, object], module: str) -> None:
    """Give each class and function among ``names`` in ``namespace`` the public ``module``.

    Only names defined in the package's private modules move: a name another package exports
    keeps the module that package gave it. A class's own methods and properties move with it:
    doctest runs the examples in a class's methods only when they report the module it searches.
    """
    for name in names:
        value: Any = namespace[name]
        named = isinstance(value, type) or inspect.isfunction(value)
        if not named or not value.__module__.startswith(f"{module}._"):
            continue
        if isinstance(value, type):
            DEFINED_IN[value] = value.__module__
            _publish_members(value, module)
        value.__module__ = module


def _publish_members(cls: type, module: str) -> None:
    """Give the functions defined in ``cls`` (methods, class methods, properties) ``module``."""
    for member in vars(cls).values():
        function = getattr(member, "__func__", getattr(member, "fget", member))
        if inspect.isfunction(function) and function.__module__.startswith(f"{module}._"):
            function.__module__ = module


@functools.cache
def type_hints(kind: Any) -> dict[str, Any]:  # noqa: ANN401 - any class
    """The resolved annotations of ``kind`` and its bases, each read where it was defined."""
    namespace: dict[str, Any] = {}
    for klass in reversed(kind.__mro__):
        module = sys.modules.get(DEFINED_IN.get(klass, klass.__module__))
        if module is not None:
            namespace.update(vars(module))
    return typing.get_type_hints(kind, globalns=namespace)
