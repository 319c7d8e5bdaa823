"""The checks every learning scorer makes on the history it learns from, and counting it by feature."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from itertools import chain, repeat
from operator import eq, methodcaller
from typing import Any, NamedTuple, cast

from funnelkit._errors import InvalidInput, Problem, at_most

Example = Mapping[str, Any]
"""One example: feature names and their values (categorical values are hashable)."""

Tally = dict[str, Counter[Hashable]]
"""Per feature, how many examples had each value."""


class History(NamedTuple):
    """A checked history: its examples and outcomes, and how its features line up."""

    examples: tuple[Example, ...]
    outcomes: tuple[bool, ...]
    names: tuple[str, ...] | None
    """The features of every example, in this order, when each is a dict with the same ones in the
    same order (as examples built by one piece of code are); ``None`` otherwise."""


def history(
    what: str, examples: Iterable[Example], outcomes: Iterable[bool], *, both: bool = True
) -> History:
    """``examples`` and ``outcomes`` as tuples, checked; :class:`InvalidInput` names every problem.

    The two must be as long as each other and not empty, each example a mapping with text keys,
    each outcome a bool; ``both`` asks for at least one won and one lost example.
    """
    raw_examples: object = examples  # typed, but callers may pass anything
    raw_outcomes: object = outcomes
    given_examples: object = tuple(raw_examples) if isinstance(raw_examples, Iterable) else raw_examples
    given_outcomes: object = tuple(raw_outcomes) if isinstance(raw_outcomes, Iterable) else raw_outcomes
    problems: list[Problem] = []
    if not isinstance(given_examples, tuple):
        problems.append(Problem(("examples",), "must be an iterable of mappings", examples))
    if not isinstance(given_outcomes, tuple):
        problems.append(Problem(("outcomes",), "must be an iterable of booleans (True for won)", outcomes))
    if not isinstance(given_examples, tuple) or not isinstance(given_outcomes, tuple):
        raise InvalidInput(what, problems)
    if len(given_examples) != len(given_outcomes):
        problems.append(
            Problem(
                ("outcomes",),
                f"must be as many as the examples ({len(given_examples)}), one outcome each",
                len(given_outcomes),
            )
        )
    if not given_examples:
        problems.append(Problem(("examples",), "must not be empty: learning needs a history", 0))
    names = _lined_up(given_examples)
    if names is None:
        problems += _example_problems(given_examples)
    if not set(map(type, given_outcomes)) <= {bool}:
        problems.extend(
            Problem(("outcomes", index), "must be True (won) or False (lost)", outcome)
            for index, outcome in enumerate(given_outcomes)
            if not isinstance(outcome, bool)
        )
    if both and not problems and (all(given_outcomes) or not any(given_outcomes)):
        kind = "won" if given_outcomes[0] else "lost"
        problems.append(
            Problem(
                ("outcomes",), f"must hold both won and lost examples; all {len(given_outcomes)} are {kind}"
            )
        )
    if problems:
        raise InvalidInput(what, problems)
    return History(given_examples, given_outcomes, names)


def _lined_up(examples: tuple[object, ...]) -> tuple[str, ...] | None:
    """The features every example has in the same order, if each is a dict of text names; else ``None``."""
    if not examples or set(map(type, examples)) != {dict}:
        return None
    names = tuple(cast("dict[object, object]", examples[0]))
    # comparing each example's names with the first's stays in C, and proves every name is text
    if not all(isinstance(name, str) for name in names) or not all(
        map(eq, map(tuple, cast("tuple[dict[str, object], ...]", examples)), repeat(names))
    ):
        return None
    return cast("tuple[str, ...]", names)


def _example_problems(examples: tuple[Any, ...]) -> list[Problem]:
    """Each example that is not a mapping with text keys."""
    # the common case is checked in C over the whole history; the slow loop only names culprits
    mappings = all(map(isinstance, examples, repeat(Mapping)))
    if mappings and all(isinstance(name, str) for name in set(chain.from_iterable(examples))):
        return []
    return [
        Problem(("examples", index), "must be a mapping of feature names (text) to values", example)
        for index, example in enumerate(examples)
        if not isinstance(example, Mapping) or not all(isinstance(name, str) for name in example)
    ]


def columns(examples: Sequence[Example], width: int) -> list[list[Any]]:
    """Each feature's values, example by example, of dicts whose ``width`` features line up.

    The values of all the examples are read in one pass and cut into columns by slicing, both in C.
    """
    values = list(chain.from_iterable(map(dict.values, cast("Sequence[dict[str, Any]]", examples))))
    return [values[index::width] for index in range(width)]


def by_column(examples: Sequence[Example], names: tuple[str, ...] | None) -> Tally:
    """Per feature, how many examples had each value: by column where the features line up, else by pair.

    Raises:
        TypeError: a value cannot be hashed.
    """
    if names is None:
        return by_field(Counter(chain.from_iterable(map(methodcaller("items"), examples))))
    return {name: Counter(column) for name, column in zip(names, columns(examples, len(names)), strict=True)}


def by_field(pairs: Counter[tuple[str, Hashable]]) -> Tally:
    """Counts of ``(feature, value)`` pairs, per feature."""
    tally: Tally = {}
    for (name, value), count in pairs.items():
        tally.setdefault(name, Counter())[value] = count
    return tally


def categorical(what: str, examples: Iterable[Example]) -> None:
    """Refuse any feature value that cannot be counted: unhashable, NaN or infinite."""
    given = tuple(examples)
    try:
        values = set(chain.from_iterable(example.values() for example in given))
    except TypeError:
        values = None  # something cannot be hashed: the loop below names it
    if values is not None and all(_countable(value) for value in values):
        return
    problems = [
        Problem(
            ("examples", index, name), "must be hashable and finite, such as text, a number or a bool", value
        )
        for index, example in enumerate(given)
        for name, value in example.items()
        if not _countable(value)
    ]
    raise InvalidInput(what, at_most(problems))  # the fast check above found a culprit, so this loop does


def finite(value: object) -> bool:
    """Whether a hashable ``value`` can be counted: anything but a NaN or infinite float."""
    return not isinstance(value, float) or math.isfinite(value)


def _countable(value: object) -> bool:
    if not finite(value):
        return False
    try:
        hash(value)
    except TypeError:  # a tuple holding a list is Hashable, yet cannot be hashed
        return False
    return True
