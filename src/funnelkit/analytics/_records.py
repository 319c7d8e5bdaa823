"""Each object's story as a report reads it, folded from the object's events one at a time.

A :class:`Record` keeps what the metrics need of one object and nothing else: its status and
since when, the stays it completed, the funnel steps it reached, where it came from and the
attributes reports group by. Records are small and independent of the number of events, so
an accumulator holds one per object, never the events.
"""

from __future__ import annotations

import operator
import sys
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from funnelkit._frozen import FrozenDict
from funnelkit._money import Money
from funnelkit._pipeline import ForecastCategory, Pipeline
from funnelkit._replay import KINDS
from funnelkit._values import Account, Touch

STEPS = ("prospect", "lead", "mql", "sal", "sql", "opportunity", "won")
"""The funnel's steps, in order, as conversion rows name them."""
PROSPECT, LEAD, MQL, SAL, SQL, OPPORTUNITY, WON = (1 << index for index in range(len(STEPS)))
SECONDS_PER_DAY = 86_400.0
NO_FIELDS: Mapping[str, Any] = FrozenDict()
"""The custom fields of a record that has none: one read-only mapping for all of them."""


class Record:
    """One object as a report reads it: kept small, changed in place as its events arrive."""

    __slots__ = (
        "amount",
        "campaign",
        "channel",
        "close_date",
        "closed",
        "closed_from",
        "converted",
        "created",
        "earlier",
        "fields",
        "first_touch",
        "id",
        "kind",
        "last_touch",
        "manual_category",
        "manual_probability",
        "next",
        "outcome",
        "owner",
        "parent",
        "pipeline",
        "reason",
        "segment",
        "since",
        "status",
        "stays",
        "steps",
        "territory",
        "touches",
    )

    def __init__(self, kind: str, id: str) -> None:
        """An object of which no event has counted yet (its creation may lie after ``as_of``)."""
        self.kind = kind
        self.id = id
        self.next = 0
        """The sequence its next event must have."""
        self.created: datetime | None = None
        """When it was created; ``None`` while its creation lies after the report's ``as_of``."""
        self.status = ""
        self.since: datetime | None = None
        """When it entered its status."""
        self.stays: tuple[str | float, ...] = ()
        """Each status it left and the days it stayed there, in order, flat: status, days, status, ..."""
        self.steps = 0
        """The funnel steps reached on its current pass, as bits (see ``STEPS``)."""
        self.earlier: tuple[int, ...] = ()
        """The steps of its earlier passes: a recycled lead starts another pass."""
        self.parent: str | None = None
        """The id of the object it came from: a lead's prospect, a deal's lead, a client's deal."""
        self.segment: str | None = None
        """Its account's segment: the one attribute of the account a report groups by, with its territory."""
        self.territory: str | None = None
        self.owner: str | None = None
        self.fields: Mapping[str, Any] = NO_FIELDS  # shared: a fold replaces it, never changes it
        self.channel: str | None = None
        self.campaign: str | None = None
        self.first_touch: datetime | None = None
        self.last_touch: tuple[str, str] | None = None
        """The campaign and channel of the latest touch before it converted (last-touch attribution)."""
        self.touches: tuple[tuple[str, str, str], ...] = ()
        """The campaign, channel and kind of each of its touches, in order."""
        self.amount: Money | None = None
        """A deal's amount as last estimated, or as won."""
        self.pipeline: Pipeline | None = None
        """A deal's pipeline, whose stages say its probability and forecast category."""
        self.close_date: date | None = None
        self.manual_probability: Decimal | None = None
        self.manual_category: ForecastCategory | None = None
        self.outcome: str | None = None
        """``"won"`` or ``"lost"`` for a closed deal."""
        self.closed: datetime | None = None
        """When a deal was last won or lost."""
        self.closed_from: str | None = None
        """The stage a deal was last won or lost from."""
        self.converted: datetime | None = None
        """When a lead converted to an opportunity."""
        self.reason: str | None = None
        """Why it was last lost, disqualified, excluded or churned."""

    def __eq__(self, other: object) -> bool:
        """Equal to a record of the same object in the same state."""
        if not isinstance(other, Record):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in Record.__slots__)

    __hash__ = None  # type: ignore[assignment] # it changes as events arrive

    def __repr__(self) -> str:
        """Its kind, id and status."""
        return f"Record({self.kind} {self.id!r}, status={self.status!r}, next={self.next})"

    def __getstate__(self) -> tuple[object, ...]:
        """Its slots, in order, for pickling."""
        return _SLOTS(self)

    def __setstate__(self, state: tuple[object, ...]) -> None:
        """Restore the slots from :meth:`__getstate__`."""
        for name, value in zip(Record.__slots__, state, strict=True):
            setattr(self, name, value)

    def copy(self) -> Record:
        """An equal record whose later changes stay its own."""
        copied = Record.__new__(Record)
        copied.__setstate__(self.__getstate__())  # every slot's value is immutable, or replaced on change
        return copied

    def touched(self, touch: Touch) -> None:
        """Count ``touch``, and remember it as the latest before converting."""
        key = (shared(touch.campaign), touch.channel.value, touch.kind.value)
        self.touches += (key,)
        self.last_touch = key[:2]


T = TypeVar("T")


def shared(text: T) -> T:
    """A text as the one copy of it records share (a dimension's values repeat across many objects).

    Anything else, such as ``None`` or a reason given as an enumeration, is returned as it is.
    """
    if isinstance(text, str) and type(text) is str:
        return typing.cast("T", sys.intern(text))
    return text


_SLOTS = operator.attrgetter(*Record.__slots__)

Fold = Callable[[Record, Mapping[str, Any], datetime], None]
"""How one command's event changes a record: ``fold(record, payload, at)``."""


def _reach(step: int) -> Fold:
    def fold(record: Record, _payload: Mapping[str, Any], _at: datetime) -> None:
        record.steps |= step

    return fold


def ignore(_record: Record, _payload: Mapping[str, Any], _at: datetime) -> None:
    """An event that changes nothing a report reads but, at most, the status."""


def _account(record: Record, payload: Mapping[str, Any], _at: datetime) -> None:
    account: Account = payload["account"]
    record.segment = shared(account.segment)  # the account itself is not kept: a report reads only these
    record.territory = shared(account.territory)


def _owner(record: Record, payload: Mapping[str, Any], _at: datetime) -> None:
    record.owner = shared(payload["owner"])


def _fields(record: Record, payload: Mapping[str, Any], _at: datetime) -> None:
    merged = {**record.fields, **payload["fields"]}
    record.fields = {name: value for name, value in merged.items() if value is not None}


def _reason(record: Record, payload: Mapping[str, Any], _at: datetime) -> None:
    record.reason = shared(payload["reason"])


SHARED: dict[str, Fold] = {
    "assign": _owner,
    "update_account": _account,
    "set_fields": _fields,
    "tag": ignore,
    "untag": ignore,
    "record": ignore,
    "note_buyer_stage": ignore,
}
"""The commands more than one kind has, folded alike."""


def _prospect_created(record: Record, payload: Mapping[str, Any], _at: datetime) -> None:
    _account(record, payload, _at)
    record.campaign = shared(payload["campaign"])
    record.steps = PROSPECT


def _responded(record: Record, payload: Mapping[str, Any], _at: datetime) -> None:
    touch: Touch = payload["touch"]
    record.channel = touch.channel.value
    record.first_touch = touch.at  # counted as the lead's source touch, not twice


def _lead_created(record: Record, payload: Mapping[str, Any], _at: datetime) -> None:
    source: Touch = payload["source"]
    _account(record, payload, _at)
    record.parent = payload["prospect_id"]
    record.channel = source.channel.value
    record.campaign = shared(source.campaign)
    record.first_touch = source.at
    record.steps = LEAD
    record.touched(source)


def _engaged(record: Record, payload: Mapping[str, Any], _at: datetime) -> None:
    record.touched(payload["touch"])


def _recycled(record: Record, payload: Mapping[str, Any], _at: datetime) -> None:
    record.reason = shared(payload["reason"])
    record.earlier = (*record.earlier, record.steps)
    record.steps = LEAD


def _converted(record: Record, _payload: Mapping[str, Any], at: datetime) -> None:
    record.converted = at
    record.steps |= OPPORTUNITY


def _deal_created(record: Record, payload: Mapping[str, Any], _at: datetime) -> None:
    _account(record, payload, _at)
    record.parent = payload["lead_id"]
    record.amount = payload["amount"]
    record.pipeline = payload["pipeline"]
    record.steps = OPPORTUNITY


def _won(record: Record, payload: Mapping[str, Any], at: datetime) -> None:
    record.amount = payload["amount"]
    record.outcome = "won"
    record.closed = at
    record.closed_from = record.stays[-2]  # type: ignore[assignment] # a status
    record.steps |= WON


def _lost(record: Record, payload: Mapping[str, Any], at: datetime) -> None:
    record.reason = shared(payload["reason"])
    record.outcome = "lost"
    record.closed = at
    record.closed_from = record.stays[-2]  # type: ignore[assignment] # a status


def _reopened(record: Record, _payload: Mapping[str, Any], _at: datetime) -> None:
    record.outcome = None
    record.steps &= ~WON


def _estimated(record: Record, payload: Mapping[str, Any], _at: datetime) -> None:
    record.amount = payload["amount"]
    record.close_date = payload["close_date"]


def _forecast_set(record: Record, payload: Mapping[str, Any], _at: datetime) -> None:
    record.manual_probability = payload["manual_probability"]
    record.manual_category = payload["manual_category"]


def _client_created(record: Record, payload: Mapping[str, Any], _at: datetime) -> None:
    _account(record, payload, _at)
    record.parent = payload["opportunity_id"]


OWN: dict[str, dict[str, Fold]] = {
    "Prospect": {
        "create": _prospect_created,
        "reach_out": ignore,
        "respond": _responded,
        "exclude": _reason,
    },
    "Lead": {
        "create": _lead_created,
        "work": ignore,
        "engage": _engaged,
        "nurture": ignore,
        "reengage": ignore,
        "mark_marketing_qualified": _reach(MQL),
        "accept": _reach(SAL),
        "fast_track": _reach(SAL),
        "qualify": _reach(SQL),
        "recycle": _recycled,
        "disqualify": _reason,
        "convert": _converted,
    },
    "Opportunity": {
        "create": _deal_created,
        "advance": ignore,
        "move_back": ignore,
        "skip": ignore,
        "win": _won,
        "lose": _lost,
        "reopen": _reopened,
        "estimate": _estimated,
        "set_forecast": _forecast_set,
        "add_contact": ignore,
        "remove_contact": ignore,
    },
    "Client": {
        "create": _client_created,
        "purchase": ignore,
        "expand": ignore,
        "flag_at_risk": _reason,
        "retain": ignore,
        "churn": _reason,
        "win_back": ignore,
    },
}
"""Each kind's own commands, folded its own way."""

FOLDS: dict[str, dict[str, Fold]] = {
    kind: {command: OWN[kind].get(command) or SHARED[command] for command in KINDS[kind].event_payloads}
    for kind in OWN
}
"""For each kind of object, how the event of each of its commands folds into its record."""

FOLD: dict[tuple[str, str], Fold] = {
    (kind, command): fold for kind, commands in FOLDS.items() for command, fold in commands.items()
}
"""The same folds, by kind and command at once: the accumulator looks one up per event."""
