"""Journeys: the objects one buyer's way through the funnel made, followed across hand-overs.

A prospect that responded became a lead, a lead that converted an opportunity, a won deal a
client. Each object names the one it came from, so the journey is rebuilt from the records
alone: its root is the object nothing came before (within the events seen), and an
opportunity counts in the channel, campaign and cohort of the lead or prospect it came from.

A journey is kept as a small tuple of plain values, read off its objects as it is walked, so a
report over millions of objects holds no more per journey than the metrics read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Final, NamedTuple

from funnelkit.analytics._options import FIELD, Options
from funnelkit.analytics._records import Record

PARENT = {"Lead": "Prospect", "Opportunity": "Lead", "Client": "Opportunity"}
"""The kind of object each kind comes from."""
JOURNEY_DIMENSIONS = ("channel", "campaign", "cohort")
"""The dimensions an object takes from its journey's origin rather than from itself."""

Source = tuple["str | None", "str | None"]
"""A campaign and a channel (either unknown: ``None``)."""
Key = tuple["str | None", ...]
"""The values of a report's ``by`` dimensions for one object or journey."""


Journey = tuple[
    str,
    datetime,
    tuple[int, ...],
    int,
    Source,
    Source,
    "datetime | None",
    "datetime | None",
    "datetime | None",
    bool,
    tuple[tuple[str, Decimal], ...],
    int,
]
"""One buyer's way, as the metrics read it: where it came from and what it came to.

A plain tuple of plain values, read by the field numbers below: Python's cyclic garbage collector
stops following such a tuple once it has seen it (it would follow a named tuple for ever), which
saves seconds at millions of journeys.
"""
KIND: Final = 0
"""A journey's field: the kind of the object it started with."""
STARTED: Final = 1
"""When that object was created: the journey's cohort."""
PASSES: Final = 2
"""The steps reached on each pass: one, or one per cycle of a recycled lead counted as new."""
ALL_STEPS: Final = 3
"""The steps reached on any pass."""
FIRST: Final = 4
"""The campaign and channel of its first touch."""
LAST: Final = 5
"""Those of its latest touch before converting (its first, when it had no later one)."""
FIRST_TOUCH: Final = 6
"""When it was first touched, if it was."""
CONVERTED: Final = 7
"""When its lead converted to an opportunity, if it did."""
WON_AT: Final = 8
"""When its deal was won, if it was."""
PROSPECT_REACHED: Final = 9
"""Whether it started with a prospect that was reached out to."""
REVENUE: Final = 10
"""The currency and amount of each of its won deals whose amount is known."""
UNKNOWN: Final = 11
"""How many of its won deals have an unknown amount."""


class Walk(NamedTuple):
    """The records and journeys a report keeps, and, when it groups them, each one's key."""

    kept: list[Record]
    """The records ``where`` keeps (all of them when it says nothing)."""
    kept_keys: list[Key] | None
    """Each kept record's ``by`` key, in the same order; ``None`` unless the report groups or filters."""
    paths: list[Journey]
    """The journeys ``where`` keeps."""
    path_keys: list[Key] | None
    """Each kept journey's ``by`` key, in the same order; ``None`` as for records."""


def walk(records: list[Record], lookup: Mapping[tuple[str, str], Record], options: Options) -> Walk:
    """The journeys of ``records`` (those created by ``as_of``); ``lookup`` finds a record by kind and id."""
    first_child: dict[int, Record] = {}
    more: dict[int, list[Record]] = {}
    roots: list[Record] = []
    for record in records:
        parent = None if record.parent is None else lookup.get((PARENT[record.kind], record.parent))
        if parent is None or parent.created is None:
            roots.append(record)
        elif id(parent) in first_child:  # rare: most objects hand over to one other at most
            more.setdefault(id(parent), []).append(record)
        else:
            first_child[id(parent)] = record
    recycled = options.recycled
    if not (options.by or options.where):  # no keys to work out: the common case, kept lean
        every = [_journey(_members(root, first_child, more), recycled) for root in roots]
        return Walk(records, None, every, None)
    kept: list[Record] = []
    kept_keys: list[Key] = []
    paths: list[Journey] = []
    path_keys: list[Key] = []
    for root in roots:
        members = _members(root, first_child, more)
        journey = _journey(members, recycled)
        if _wanted(None, journey, members, options):
            paths.append(journey)
            path_keys.append(_key(None, journey, members, options))
        for member in members:
            if _wanted(member, journey, members, options):
                kept.append(member)
                kept_keys.append(_key(member, journey, members, options))
    return Walk(kept, kept_keys, paths, path_keys)


def _key(record: Record | None, journey: Journey, members: list[Record], options: Options) -> Key:
    return tuple(value_of(name, record, journey, members, options) for name in options.by)


def _wanted(record: Record | None, journey: Journey, members: list[Record], options: Options) -> bool:
    return all(
        value_of(name, record, journey, members, options) in values for name, values in options.where.items()
    )


def _members(root: Record, first_child: dict[int, Record], more: dict[int, list[Record]]) -> list[Record]:
    """``root`` and what came from it, in hand-over order (siblings by kind and id)."""
    found = [root]
    if not more:  # every object handed over to one other at most: a chain
        child = first_child.get(id(root))
        while child is not None:
            found.append(child)
            child = first_child.get(id(child))
        return found
    waiting = [root]
    while waiting:
        parent = id(waiting.pop())
        child = first_child.get(parent)
        if child is None:
            continue
        below = [child, *more.get(parent, ())]
        below.sort(key=lambda record: (record.kind, record.id), reverse=True)
        found.extend(reversed(below))
        waiting.extend(below)
    return found


def _journey(members: list[Record], recycled: str) -> Journey:
    """What ``members`` (root first) make of one journey."""
    root = members[0]
    campaign = channel = None
    first_touch = converted = won = None
    last = None
    revenue: list[tuple[str, Decimal]] = []
    unknown = 0
    for member in members:  # the first known value of each, root first
        campaign = campaign or member.campaign
        channel = channel or member.channel
        first_touch = first_touch or member.first_touch
        converted = converted or member.converted
        last = member.last_touch or last
        if member.outcome == "won" and member.kind == "Opportunity":
            won = won or member.closed
            if member.amount is None:
                unknown += 1
            else:
                revenue.append((member.amount.currency, member.amount.amount))
    passes = _passes(members, recycled)
    steps = 0
    for bits in passes:
        steps |= bits
    reached = root.kind == "Prospect" and (
        root.status in ("contacted", "responded") or "contacted" in root.stays[0::2]
    )
    return (  # type: ignore[return-value] # every walked record was created: root.created is known
        root.kind,
        root.created,
        passes,
        steps,
        (campaign, channel),
        last or (campaign, channel),
        first_touch,
        converted,
        won,
        reached,
        tuple(revenue),
        unknown,
    )


def _passes(members: list[Record], recycled: str) -> tuple[int, ...]:
    before = after = 0
    cycles = [0]
    for member in members:
        if member.kind == "Lead":
            new = recycled == "new" and member.earlier
            cycles = [*member.earlier, member.steps] if new else [_all(member)]
        elif member.kind == "Prospect":
            before |= _all(member)
        else:
            after |= _all(member)
    cycles[0] |= before
    cycles[-1] |= after
    return tuple(cycles)


def _all(record: Record) -> int:
    """The steps ``record`` reached on any of its passes."""
    bits = record.steps
    for earlier in record.earlier:  # most records made one pass: nothing to loop over
        bits |= earlier
    return bits


def period_of(day: date, period: str) -> str:
    """The name of the ``period`` (day, week, month or quarter) ``day`` falls in, such as ``"2026-03"``."""
    if period == "day":
        return day.isoformat()
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def value_of(
    name: str, record: Record | None, journey: Journey, members: list[Record], options: Options
) -> str | None:
    """What dimension ``name`` says of ``record``, or of the journey itself when ``record`` is None."""
    if name == "kind":
        return (record.kind if record is not None else journey[KIND]).lower()
    if name in JOURNEY_DIMENSIONS:
        return _OF_JOURNEY[name](journey, options)
    subjects = [record] if record is not None else reversed(members)  # a journey: its latest say
    for subject in subjects:
        found = _attribute(subject, name)
        if found is not None:
            return found
    return None


_OF_JOURNEY: dict[str, Callable[[Journey, Options], str | None]] = {
    "channel": lambda journey, _: journey[FIRST][1],
    "campaign": lambda journey, _: journey[FIRST][0],
    "cohort": lambda journey, options: period_of(journey[STARTED].date(), options.period),
}


def _attribute(record: Record, name: str) -> str | None:
    if name == "owner":
        return record.owner
    if name.startswith(FIELD):
        value = record.fields.get(name[len(FIELD) :])
        return None if value is None else str(value)
    return record.segment if name == "segment" else record.territory  # the account's
