"""Counting a closed history into Odoo-style frequency tables: one per segment, and the pooled one."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Container, Hashable, Iterable, Mapping, Sequence
from functools import partial
from itertools import chain, compress
from operator import not_
from typing import Any, NamedTuple

import attrs

from funnelkit._errors import InvalidInput, Problem, at_most
from funnelkit._frozen import FrozenDict
from funnelkit.scoring._history import (
    Example,
    Tally,
    by_column,
    by_field,
    categorical,
    columns,
    finite,
    history,
)

MULTIPLE = (list, tuple, set, frozenset)
"""The containers read as several values of one field, such as tags."""

_UNSET = object()
"""The group of the examples that have no segment: they count only in the pooled table."""

Rows = dict[str, dict[Hashable, "Frequency"]]
"""One group's frequencies: per field, per value."""


@attrs.frozen
class Frequency:
    """One field value in one table: how many won and lost examples had it, and Odoo's smoothed counts."""

    won: int
    lost: int
    won_count: float
    """``won`` plus the smoothing (in a pooled table, plus the smoothing of each segment that had it)."""
    lost_count: float


@attrs.frozen
class FrequencyTable:
    """What one history taught: per field and value, its frequencies; and its class counts.

    ``prior`` is the first stage's smoothed (won, lost) counts: every closed example reached the
    first stage, so they are the class counts as Odoo weighs them. ``totals`` are each field's
    denominators (the sums of its values' smoothed counts); the stage's are ``prior``.
    """

    won: int
    lost: int
    prior: tuple[float, float]
    counts: Mapping[str, Mapping[Hashable, Frequency]] = attrs.field(repr=False)
    totals: Mapping[str, tuple[float, float]] = attrs.field(repr=False)

    @property
    def has_both(self) -> bool:
        """Whether the history holds won and lost examples: only then does it give an estimate."""
        return self.won > 0 and self.lost > 0


class _Counts(NamedTuple):
    """One group's raw counts: how many won and lost examples it has, and their tallies."""

    won: int
    lost: int
    won_values: Tally
    lost_values: Tally


def learn(
    examples: Iterable[Example],
    outcomes: Iterable[bool],
    *,
    stage_order: Sequence[Hashable],
    stage_field: str,
    segment_field: str | None,
    smoothing: float,
    min_support: int | Mapping[str, int] | None,
) -> tuple[tuple[Hashable, ...], FrequencyTable, FrozenDict[Hashable, FrequencyTable]]:
    """The stages in order, the pooled table and one per segment, from a history checked on the way.

    Raises:
        InvalidInput: the history is empty, one class only, of mismatched lengths, or holds a
            value that cannot be counted, a stage not in ``stage_order`` or a lost example
            without a stage; or an option is out of range.
    """
    what = "cannot fit a frequency scorer"
    order = _stage_order(stage_order)
    problems = _check_options(
        stage_order,
        order,
        stage_field=stage_field,
        segment_field=segment_field,
        smoothing=smoothing,
        min_support=min_support,
    )
    if problems:
        raise InvalidInput(what, problems)
    known, results, names = history(what, examples, outcomes)
    ranks = {stage: rank for rank, stage in enumerate(order)}
    counted = _counted_plainly(known, results, stage_field, segment_field, names)
    if counted is None:  # uneven fields with lists, or a value to refuse: the slow checks name them
        categorical(what, [flat(example) for example in known])
        _refuse_bad_stages(what, known, results, ranks, stage_field=stage_field, segment_field=segment_field)
        counted = _counted(_grouped(known, results, segment_field), _tally_each_value)
    elif not _stages_valid(counted.values(), ranks, stage_field):
        _refuse_bad_stages(what, known, results, ranks, stage_field=stage_field, segment_field=segment_field)
    rows = {
        group: _rows(
            counts,
            order,
            stage_field=stage_field,
            segment_field=segment_field,
            smoothing=float(smoothing),
            min_support=min_support,
        )
        for group, counts in counted.items()
    }
    segments = {group: _merged([rows[group]], order, stage_field) for group in rows if group is not _UNSET}
    return order, _merged(list(rows.values()), order, stage_field), FrozenDict(segments)


def _stage_order(stage_order: object) -> tuple[Any, ...]:
    if isinstance(stage_order, (str, bytes)) or not isinstance(stage_order, Iterable):
        return ()
    return tuple(stage_order)


def _check_options(
    stage_order: object,
    order: tuple[Any, ...],
    *,
    stage_field: object,
    segment_field: object,
    smoothing: object,
    min_support: object,
) -> list[Problem]:
    problems = []
    if not order or not all(isinstance(stage, Hashable) for stage in order) or len(set(order)) != len(order):
        problems.append(
            Problem(("stage_order",), "must list one or more distinct stages, first to last", stage_order)
        )
    if not isinstance(stage_field, str) or not stage_field.strip():
        problems.append(
            Problem(("stage_field",), "must name the stage feature, such as 'stage'", stage_field)
        )
    if segment_field is not None and (not isinstance(segment_field, str) or segment_field == stage_field):
        problems.append(
            Problem(("segment_field",), "must be None or name a feature other than the stage", segment_field)
        )
    if isinstance(smoothing, bool) or not isinstance(smoothing, (int, float)) or not 0 < smoothing < math.inf:
        problems.append(
            Problem(
                ("smoothing",),
                "must be a finite number above 0, such as Odoo's 0.1 (0 makes a value decisive)",
                smoothing,
            )
        )
    if not _valid_support(min_support, stage_field):
        problems.append(
            Problem(
                ("min_support",),
                "must be None, a whole number from 1, or one per field but the stage",
                min_support,
            )
        )
    return problems


def _valid_support(min_support: object, stage_field: object) -> bool:
    if isinstance(min_support, Mapping):
        return stage_field not in min_support and all(
            isinstance(name, str) and _whole(count) for name, count in min_support.items()
        )
    return min_support is None or _whole(min_support)


def _whole(count: object) -> bool:
    return isinstance(count, int) and not isinstance(count, bool) and count >= 1


def _counted_plainly(
    examples: Sequence[Example],
    outcomes: Sequence[bool],
    stage_field: str,
    segment_field: str | None,
    names: tuple[str, ...] | None,
) -> dict[object, _Counts] | None:
    """The counts of a history of countable values, counted in C; ``None`` if any value is not."""
    tally = partial(_tally, single=(stage_field, segment_field), names=names)
    try:
        counted = _counted(_grouped(examples, outcomes, segment_field), tally)
    except TypeError:  # a list or set of values, or a value that cannot be hashed
        return None
    values = {
        value
        for counts in counted.values()
        for tally in counts[2:]
        for seen in tally.values()
        for value in seen
    }
    if any(isinstance(value, MULTIPLE) or not finite(value) for value in values):
        return None
    return counted


def _grouped(
    examples: Sequence[Example], outcomes: Sequence[bool], segment_field: str | None
) -> dict[object, tuple[list[Example], list[Example]]]:
    """The won and lost examples of each segment (the examples without one in ``_UNSET``)."""
    if segment_field is None:
        return {_UNSET: (list(compress(examples, outcomes)), list(compress(examples, map(not_, outcomes))))}
    groups: dict[object, tuple[list[Example], list[Example]]] = {}
    for example, outcome in zip(examples, outcomes, strict=True):
        segment = example.get(segment_field)
        members = groups.setdefault(_UNSET if segment is None else segment, ([], []))
        members[0 if outcome else 1].append(example)
    return groups


def _counted(
    groups: Mapping[object, tuple[list[Example], list[Example]]], tally: Callable[[list[Example]], Tally]
) -> dict[object, _Counts]:
    return {
        group: _Counts(len(won), len(lost), tally(won), tally(lost)) for group, (won, lost) in groups.items()
    }


def _tally(examples: list[Example], single: Container[str | None], names: tuple[str, ...] | None) -> Tally:
    """Count each field's values in C: by column where the fields line up (``names``), else by pair.

    By column, each value of a list, tuple or set counts, but in the fields of ``single`` (left
    for the checks to refuse).
    """
    if names is None:
        return by_column(examples, None)
    found = zip(names, columns(examples, len(names)), strict=True)
    return {name: _column(column, each=name not in single) for name, column in found}


def _column(column: list[Any], *, each: bool) -> Counter[Hashable]:
    try:
        seen = Counter(column)
    except TypeError:  # lists or sets of values, or a value that cannot be hashed
        if not each:
            raise
        return Counter(chain.from_iterable(map(values_of, column)))
    if each and any(isinstance(value, MULTIPLE) for value in seen):
        return Counter(chain.from_iterable(map(values_of, column)))
    return seen


def _tally_each_value(examples: list[Example]) -> Tally:
    """Count each field's values, each value of a list, tuple or set once."""
    pairs = (
        (name, item) for example in examples for name, value in example.items() for item in values_of(value)
    )
    return by_field(Counter(pairs))


def _stages_valid(counted: Iterable[_Counts], ranks: Mapping[Hashable, int], stage_field: str) -> bool:
    """Whether each lost example names a known stage, and each won one a known stage or none."""
    for counts in counted:
        if not counts.won_values.get(stage_field, {}).keys() <= {*ranks, None}:
            return False
        lost_at = counts.lost_values.get(stage_field, Counter())
        if (
            sum(count for stage, count in lost_at.items() if stage is not None and stage in ranks)
            != counts.lost
        ):
            return False
    return True


def _refuse_bad_stages(
    what: str,
    examples: Sequence[Example],
    outcomes: Sequence[bool],
    ranks: Mapping[Hashable, int],
    *,
    stage_field: str,
    segment_field: str | None,
) -> None:
    """Raise :class:`InvalidInput` naming each example with a bad stage or segment, if any."""
    problems = []
    for index, (example, outcome) in enumerate(zip(examples, outcomes, strict=True)):
        stage = example.get(stage_field)
        if stage is None and not outcome:
            problems.append(
                Problem(("examples", index, stage_field), "must name the stage a lost example was lost at")
            )
        elif stage is not None and (isinstance(stage, MULTIPLE) or stage not in ranks):
            problems.append(
                Problem(("examples", index, stage_field), f"must be one of {list(ranks)!r}", stage)
            )
        if segment_field is not None and isinstance(example.get(segment_field), MULTIPLE):
            problems.append(
                Problem(("examples", index, segment_field), "must be one segment", example.get(segment_field))
            )
    if problems:
        raise InvalidInput(what, at_most(problems))


def _rows(
    counts: _Counts,
    order: Sequence[Hashable],
    *,
    stage_field: str,
    segment_field: str | None,
    smoothing: float,
    min_support: int | Mapping[str, int] | None,
) -> Rows:
    """A group's frequencies: a row for each value an example had, and each stage one reached.

    A won example reaches every stage; a lost one the stage it was lost at and every earlier one.
    """
    found: Rows = {stage_field: {}}
    lost_at, reached = counts.lost_values.get(stage_field, Counter()), 0
    for rank in reversed(range(len(order))):
        reached += lost_at[order[rank]]
        if counts.won or reached:
            found[stage_field][order[rank]] = Frequency(
                counts.won, reached, counts.won + smoothing, reached + smoothing
            )
    for name in (counts.won_values.keys() | counts.lost_values.keys()) - {stage_field, segment_field}:
        won_seen, lost_seen = counts.won_values.get(name, Counter()), counts.lost_values.get(name, Counter())
        fewest = least(min_support, stage_field, name)
        for value in (won_seen.keys() | lost_seen.keys()) - {None}:
            won, lost = won_seen[value], lost_seen[value]
            if won + lost >= fewest:
                found.setdefault(name, {})[value] = Frequency(won, lost, won + smoothing, lost + smoothing)
    return found


def _merged(groups: Sequence[Rows], order: Sequence[Hashable], stage_field: str) -> FrequencyTable:
    """One group's table, or the pooled table: the sum of every group's rows.

    Stages are kept in their order and other values by their text, so a table reads the same
    whatever the order of the history.
    """
    collected: dict[str, dict[Hashable, list[Frequency]]] = {}
    for rows in groups:
        for name, values in rows.items():
            into = collected.setdefault(name, {})
            for value, row in values.items():
                into.setdefault(value, []).append(row)
    counts: dict[str, FrozenDict[Hashable, Frequency]] = {}
    for name in sorted(collected):
        seen = collected[name]
        kept = [stage for stage in order if stage in seen] if name == stage_field else sorted(seen, key=repr)
        counts[name] = FrozenDict({value: _sum(seen[value]) for value in kept})
    first = counts[stage_field][order[0]]
    prior = (first.won_count, first.lost_count)
    totals = {
        name: (
            math.fsum(row.won_count for row in rows.values()),
            math.fsum(row.lost_count for row in rows.values()),
        )
        for name, rows in counts.items()
    }
    totals[stage_field] = prior
    return FrequencyTable(first.won, first.lost, prior, FrozenDict(counts), FrozenDict(totals))


def _sum(rows: Sequence[Frequency]) -> Frequency:
    return Frequency(
        sum(row.won for row in rows),
        sum(row.lost for row in rows),
        math.fsum(row.won_count for row in rows),
        math.fsum(row.lost_count for row in rows),
    )


def values_of(value: object) -> tuple[Hashable, ...]:
    """The set values of one field: none when unset, each distinct one of a list, tuple or set."""
    if value is None:
        return ()
    if isinstance(value, MULTIPLE):
        return tuple(dict.fromkeys(item for item in value if item is not None))
    return (value,)


def flat(example: Example) -> Example:
    """``example`` with each value of a list, tuple or set as a feature of its own, to be checked."""
    if not any(isinstance(value, MULTIPLE) for value in example.values()):
        return example
    found: dict[str, Any] = {}
    for name, value in example.items():
        if isinstance(value, MULTIPLE):
            found.update((f"{name}[{index}]", item) for index, item in enumerate(value))
        else:
            found[name] = value
    return found


def least(min_support: int | Mapping[str, int] | None, stage_field: str, name: str) -> int:
    """How many examples must have a value of ``name`` for it to count; the stage always counts."""
    if name == stage_field or min_support is None:
        return 1
    if isinstance(min_support, int):
        return min_support
    return min_support.get(name, 1)
