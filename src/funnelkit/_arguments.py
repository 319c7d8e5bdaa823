"""What a command's arguments must be, read from the annotations of its declared method.

A command checks every argument against its annotation before its body runs, so a caller sees
every wrong argument at once, each with what it must be. ``str`` means a non-blank string; a class
means an instance of it; a union means any of its members; a generic such as ``Mapping[...]``
means its container (a string is never taken for an iterable of things).
"""

from __future__ import annotations

import inspect
import sys
import types
import typing
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, Union

import attrs

Test = Callable[[object], bool]


@attrs.frozen
class Expected:
    """What one argument must be: a test and the words that say it."""

    test: Test
    words: str


ANYTHING = Expected(lambda _value: True, "anything")


def expectations(decide: Callable[..., object]) -> dict[str, Expected]:
    """Each keyword argument of ``decide`` (but ``at``) with what it must be.

    Annotations are resolved in the method's module, where every name they use is known by the
    time a command first runs.
    """
    hints = typing.get_type_hints(decide, globalns=vars(sys.modules[decide.__module__]))
    keyword = inspect.signature(decide).parameters
    return {
        name: expected(hint)
        for name, hint in hints.items()
        if name in keyword and name != "at" and keyword[name].kind is not inspect.Parameter.VAR_KEYWORD
    }


def expected(hint: Any) -> Expected:  # noqa: ANN401 - a type expression
    """What a value of type ``hint`` must be."""
    if hint is str:
        return Expected(lambda value: isinstance(value, str) and bool(value.strip()), "a non-blank string")
    if hint is type(None):
        return Expected(lambda value: value is None, "None")
    if hint is date:  # a datetime is a date too, but not the day it means
        return Expected(lambda value: isinstance(value, date) and not isinstance(value, datetime), "a date")
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        members = [expected(member) for member in typing.get_args(hint)]
        return Expected(
            lambda value: any(member.test(value) for member in members),
            " or ".join(member.words for member in members),
        )
    generic = isinstance(origin, type)
    kind = origin if generic else hint
    if isinstance(kind, type) and kind is not Any:
        return _instance(kind, refuse_text=generic and issubclass(kind, Iterable))
    return ANYTHING


def with_article(noun: str) -> str:
    """``noun`` after "a" or "an", as a message names a kind of thing."""
    return f"{'an' if noun[:1].lower() in ('a', 'e', 'i', 'o', 'u') else 'a'} {noun}"


def _instance(kind: type, *, refuse_text: bool) -> Expected:
    words = with_article(kind.__name__)
    if refuse_text:
        return Expected(lambda value: isinstance(value, kind) and not isinstance(value, (str, bytes)), words)
    return Expected(lambda value: isinstance(value, kind), words)
