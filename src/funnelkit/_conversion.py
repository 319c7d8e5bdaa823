"""The result of a command that hands over to another object."""

from __future__ import annotations

from typing import Generic, TypeVar

import attrs

TSource = TypeVar("TSource")
TTarget = TypeVar("TTarget")


@attrs.frozen
class Conversion(Generic[TSource, TTarget]):
    """Both sides of a hand-over, to be stored together.

    ``source`` is the object that was converted, in its new status; ``target`` is the object it
    created or updated.
    """

    source: TSource
    target: TTarget
