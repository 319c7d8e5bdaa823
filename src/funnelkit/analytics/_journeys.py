"""Journeys: the objects one buyer's way through the funnel made, followed across hand-overs.

A prospect that responded became a lead, a lead that converted an opportunity, a won deal a
client. Each object names the one it came from, so the journey is rebuilt from the records
alone: its root is the object nothing came before (within the events seen), and an
opportunity counts in the channel, campaign and cohort of the lead or prospect it came from.
"""

from __future__ import annotations

from datetime import date, datetime

from funnelkit.analytics._options import FIELD, Options
from funnelkit.analytics._records import OPPORTUNITY, WON, Record

PARENT = {"Lead": "Prospect", "Opportunity": "Lead", "Client": "Opportunity"}
"""The kind of object each kind comes from."""
OWN_ATTRIBUTES = ("segment", "territory", "owner")
"""What an object's own record says of it, rather than its journey's origin."""


class Journey:
    """One buyer's way: the objects in hand-over order, root first, and the steps they reached.

    Where it came from (campaign, channel, first touch) and what it came to (converted, won) are
    read once, as it is made: every metric asks.
    """

    __slots__ = ("campaign", "channel", "converted", "first_touch", "members", "passes", "won")

    def __init__(self, members: list[Record], recycled: str) -> None:
        """The journey of ``members``, root first; ``recycled`` says how a recycled lead counts."""
        self.members = members
        self.passes = _passes(members, recycled)
        """The steps reached on each pass: one pass, or one per cycle of a recycled lead counted as new."""
        self.campaign: str | None = None
        self.channel: str | None = None
        self.first_touch: datetime | None = None
        self.converted: datetime | None = None
        """When its lead converted to an opportunity, if it did."""
        self.won: datetime | None = None
        """When its deal was won, if it was."""
        for member in members:  # the first known value of each, root first
            self.campaign = self.campaign or member.campaign
            self.channel = self.channel or member.channel
            self.first_touch = self.first_touch or member.first_touch
            self.converted = self.converted or member.converted
            if self.won is None and member.kind == "Opportunity" and member.outcome == "won":
                self.won = member.closed

    @property
    def root(self) -> Record:
        """The object the journey started with."""
        return self.members[0]


def _passes(members: list[Record], recycled: str) -> list[int]:
    before = after = 0
    cycles = [0]
    for member in members:
        if member.kind == "Lead":
            cycles = member.cycles if recycled == "new" and member.earlier else [_all_steps(member)]
        elif member.kind == "Prospect":
            before |= _all_steps(member)
        else:
            after |= _all_steps(member)
    cycles[0] |= before
    cycles[-1] |= after
    if after & WON:
        cycles[-1] |= OPPORTUNITY
    return cycles


def _all_steps(record: Record) -> int:
    """The steps ``record`` reached on any of its passes."""
    bits = record.steps
    for earlier in record.earlier:  # most records made one pass: nothing to loop over
        bits |= earlier
    return bits


def journeys(records: list[Record], recycled: str) -> tuple[list[Journey], dict[int, Journey]]:
    """Every journey the records make, and each record's journey by the record's ``id()``."""
    found = {(record.kind, record.id): record for record in records}
    children: dict[int, list[Record]] = {}
    roots = []
    for record in records:
        parent = found.get((PARENT.get(record.kind, ""), record.parent or ""))
        if parent is None:
            roots.append(record)
        else:
            children.setdefault(id(parent), []).append(record)
    every: list[Journey] = []
    of: dict[int, Journey] = {}
    for root in roots:
        members = _descendants(root, children)
        journey = Journey(members, recycled)
        every.append(journey)
        for member in members:
            of[id(member)] = journey
    return every, of


def _descendants(record: Record, children: dict[int, list[Record]]) -> list[Record]:
    """``record`` and what came from it, in hand-over order (siblings by kind and id)."""
    found = [record]
    waiting = [record]
    while waiting:
        below = children.get(id(waiting.pop()))
        if below is None:
            continue
        if len(below) > 1:  # most objects hand over to one other at most: sort only where it matters
            below = sorted(below, key=lambda child: (child.kind, child.id), reverse=True)
        else:
            below = list(below)
        found.extend(reversed(below))
        waiting.extend(below)
    return found


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


def value_of(name: str, record: Record | None, journey: Journey, options: Options) -> str | None:
    """What dimension ``name`` says of ``record`` (of the journey itself when ``record`` is None)."""
    if name == "kind":
        return (record or journey.root).kind.lower()
    if name == "channel":
        return journey.channel
    if name == "campaign":
        return journey.campaign
    if name == "cohort":
        return period_of(journey.root.created.date(), options.period)  # type: ignore[union-attr]
    subjects = [record] if record is not None else list(reversed(journey.members))
    for subject in subjects:
        found = _attribute(subject, name)
        if found is not None:
            return found
    return None


def _attribute(record: Record, name: str) -> str | None:
    if name == "owner":
        return record.owner
    if name.startswith(FIELD):
        value = record.fields.get(name[len(FIELD) :])
        return None if value is None else _text(value)
    account = record.account
    found = getattr(account, name, None) if account is not None else None
    return None if found is None else _text(found)


def _text(value: object) -> str:
    return str(getattr(value, "value", value))  # an enumeration's value, such as an account's kind
