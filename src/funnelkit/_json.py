"""Fields and tags of the user's own: the values and their checks.

Custom fields hold JSON-compatible values (``None``, booleans, whole numbers, finite floats,
strings, and lists and objects of these) under snake_case names; tags are short labels. Both are
kept frozen, so an object that holds them stays immutable, hashable and picklable: a list is kept
as a tuple, an object as a read-only dict, and both are written back as JSON lists and objects.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from funnelkit._errors import InvalidInput, Problem
from funnelkit._frozen import FrozenDict

NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
"""A custom field's name: snake_case, such as ``landing_page``, at most 64 characters."""
MAX_TAG = 64
"""The longest tag, in characters."""
MAX_WHOLE = 2**53
"""Whole numbers in custom fields and counts stay below this in magnitude: JSON readers keep them exact."""
MAX_NESTING = 8
"""How deep lists and objects may nest inside one custom field's value."""


class Fields(FrozenDict[str, Any]):
    """The custom fields of an object: names in snake_case and their frozen JSON values.

    Example:
        >>> from funnelkit import Fields
        >>> Fields({"landing_page": "b48ec5", "pages": [1, 2]})
        Fields({'landing_page': 'b48ec5', 'pages': (1, 2)})
    """

    __slots__ = ()

    def __init__(self, values: Mapping[str, object] = FrozenDict()) -> None:
        """Check and freeze ``values``; raise :class:`InvalidInput` naming every bad one."""
        dict.__init__(self, field_values("Fields", values))

    def __repr__(self) -> str:
        """``Fields({...})``, as it is made."""
        return f"Fields({dict(self)!r})"

    def merged(self, changes: Mapping[str, object]) -> Fields:
        """These fields with ``changes`` applied: ``None`` clears a field, any other value sets it."""
        values = {name: value for name, value in self.items() if name not in changes}
        values.update((name, value) for name, value in changes.items() if value is not None)
        return Fields(values)

    @staticmethod
    def merging(what: str, fields: Fields, changes: object, where: tuple[str, ...]) -> Fields:
        """``fields`` with ``changes`` checked (locations under ``where``) and applied."""
        return fields.merged(field_values(what, changes, clearing=True, where=where))


def field_values(
    what: str, values: object, *, clearing: bool = False, where: tuple[str, ...] = ()
) -> dict[str, object]:
    """``values`` with each value frozen; raise :class:`InvalidInput` naming every bad name or value.

    A field's value may be ``None`` only where ``None`` clears it (``clearing``, as in the
    changes ``set_fields`` records); ``where`` prefixes each problem's location.
    """
    if not isinstance(values, Mapping):
        raise InvalidInput(what, [Problem(where, "must be a mapping of field names to JSON values", values)])
    frozen: dict[str, object] = {}
    problems: list[Problem] = []
    for name, value in values.items():
        if not isinstance(name, str) or not NAME.fullmatch(name):
            at = (*where, name) if isinstance(name, str) else where
            problems.append(Problem(at, "is not a field name in snake_case", name))
            continue
        if value is None and not clearing:
            problems.append(
                Problem((*where, name), "must be a JSON value other than None (None clears a field)")
            )
            continue
        try:
            frozen[name] = freeze_json(value)
        except ValueError as error:
            problems.append(Problem((*where, name), str(error), value))
    if problems:
        raise InvalidInput(what, problems)
    return frozen


def freeze_json(value: object, depth: int = 0) -> object:
    """``value`` as a frozen JSON value; ``ValueError`` saying why if it is not one."""
    if value is None or isinstance(value, (bool, str, int, float)):
        return _scalar(value)
    if depth >= MAX_NESTING:
        raise ValueError(f"must nest lists and objects at most {MAX_NESTING} deep")
    if isinstance(value, (list, tuple)):
        return tuple(freeze_json(item, depth + 1) for item in value)
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise ValueError("must be a JSON value: an object's keys are strings")
        return FrozenDict({key: freeze_json(item, depth + 1) for key, item in value.items()})
    raise ValueError("must be a JSON value: None, a boolean, a number, a string, or a list or dict of these")


def _scalar(value: bool | str | float | None) -> object:
    """A JSON scalar as its plain type (a str enum as its text), checked."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        if abs(value) >= MAX_WHOLE:
            raise ValueError("must be a whole number of magnitude below 2**53, which JSON readers keep exact")
        return int(value)
    if not math.isfinite(value):
        raise ValueError("must be a JSON value: a finite number, not NaN or infinity")
    return float(value)


def thaw_json(value: object) -> object:
    """A frozen JSON value (or a set of tags) as plain JSON-compatible data.

    Tuples become lists, read-only dicts become dicts, and a set of tags a sorted list.
    """
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return [thaw_json(item) for item in value]
    if isinstance(value, Mapping):
        return {key: thaw_json(item) for key, item in value.items()}
    return value


NO_FIELDS = Fields()
"""An object's fields before any is set."""


def tag_problem(tag: object) -> str | None:
    """What is wrong with ``tag``, or ``None`` for a good one."""
    if not isinstance(tag, str) or not tag.strip():
        return "must be a non-blank string"
    if tag != tag.strip():
        return "must not start or end with spaces"
    if len(tag) > MAX_TAG:
        return f"must be at most {MAX_TAG} characters"
    return None


def tag_set(what: str, tags: object) -> frozenset[str]:
    """``tags`` (one tag or an iterable of them) as a frozenset; :class:`InvalidInput` names bad ones."""
    given = (tags,) if isinstance(tags, str) else tags
    if not isinstance(given, Iterable) or isinstance(given, (bytes, Mapping)):
        raise InvalidInput(what, [Problem(("tags",), "must be a tag or an iterable of tags", tags)])
    given = tuple(given)
    problems = [
        Problem(("tags", index), problem, tag)
        for index, tag in enumerate(given)
        if (problem := tag_problem(tag)) is not None
    ]
    if problems:
        raise InvalidInput(what, problems)
    return frozenset(given)


def account_tags(tags: object) -> frozenset[str]:
    """An account's tags, checked: the attrs converter of ``Account.tags``."""
    return tag_set("Account", tags)


def account_fields(values: object) -> Fields:
    """An account's fields, checked: the attrs converter of ``Account.fields``."""
    fields = values if isinstance(values, Fields) else Fields(field_values("Account", values))
    return fields or NO_FIELDS  # accounts without fields share one: smaller, and pickled once
