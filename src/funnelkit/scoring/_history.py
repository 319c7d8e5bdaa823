"""The checks every learning scorer makes on the history it learns from."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from itertools import chain, repeat
from typing import Any

from funnelkit._errors import InvalidInput, Problem

Example = Mapping[str, Any]
"""One example: feature names and their values (categorical values are hashable)."""


def history(
    what: str, examples: Iterable[Example], outcomes: Iterable[bool], *, both: bool = True
) -> tuple[tuple[Example, ...], tuple[bool, ...]]:
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
    # the common case is checked in C over the whole history; the slow loops only name culprits
    mappings = all(map(isinstance, given_examples, repeat(Mapping)))
    if not mappings or not all(isinstance(name, str) for name in set(chain.from_iterable(given_examples))):
        problems.extend(
            Problem(("examples", index), "must be a mapping of feature names (text) to values", example)
            for index, example in enumerate(given_examples)
            if not isinstance(example, Mapping) or not all(isinstance(name, str) for name in example)
        )
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
    return given_examples, given_outcomes


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
    raise InvalidInput(what, problems[:20])  # the fast check above found a culprit, so this loop does


def _countable(value: object) -> bool:
    if isinstance(value, float) and not math.isfinite(value):
        return False
    try:
        hash(value)
    except TypeError:  # a tuple holding a list is Hashable, yet cannot be hashed
        return False
    return True
