"""Hypothesis strategies for whole funnels: prospects, leads, deals and clients that link up.

A funnel is drawn as a list of journey plans, plain data that shrinks well: where a buyer's way
starts, how many hand-overs it makes, and the commands each of its objects takes on the way. A
plan is then built, with no more drawing, into objects through their real commands, so every
object has a consistent history and ids that are unique across the funnel.
"""

from __future__ import annotations

import functools
import typing
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from funnelkit._deals import Client, Opportunity
from funnelkit._events import Event
from funnelkit._journey import BuyerStage
from funnelkit._lead import DEFAULT_FRAMEWORK, Lead
from funnelkit._money import Money
from funnelkit._pipeline import ForecastCategory
from funnelkit._prospect import Prospect
from funnelkit._subject import Subject
from funnelkit._values import Account, AccountKind, Channel, Contact, ContactRole, Touch, TouchKind
from funnelkit.testing._strategies import START, _reachable, nothing_to_remove

_Object = Prospect | Lead | Opportunity | Client
TSubject = typing.TypeVar("TSubject", bound=Subject)
T = typing.TypeVar("T")

OWNERS = ("ana", "ben")
CAMPAIGNS = ("spring-webinar", "brand-search", "expo-list")
CHANNELS = (Channel.search, Channel.email, Channel.webinar, Channel.sales)
SEGMENTS = ("smb", "mid-market", "enterprise")
TERRITORIES = ("EMEA", "AMER")
REASONS = ("no budget", "competitor", "timing")
LEAD_TYPES = ("online_small", "online_medium", "field")
TAGS = ("vip", "partner", "hot lead")
_SOURCES = (TouchKind.form_submission, TouchKind.download, TouchKind.demo_request)
"""The touches a journey's lead comes from: a demo request is a hand-raise, which may fast-track."""
_ENGAGEMENTS = (TouchKind.email_open, TouchKind.webinar, TouchKind.visit, TouchKind.meeting)
_COMMITTEE = (
    Contact("Ana Lima", "ana.lima@buyer.example", ContactRole.decision_maker),
    Contact("Bo Chen", "bo.chen@buyer.example", ContactRole.champion),
    Contact("Cy Diaz", phone="+44 20 7946 0958", role=ContactRole.influencer),
)
_CRITERIA = tuple(criterion.id for criterion in DEFAULT_FRAMEWORK.criteria)
_QUALIFYING = dict.fromkeys(_CRITERIA, True)
"""Facts that meet every criterion of the framework ``qualify`` applies by default."""

_ORIGINS = ("prospect", "lead", "opportunity")
_HAND_OVERS = ("respond", "convert", "win")
"""The hand-over each origin's object makes, in the order a journey makes them."""
_NOT_EXTRA = frozenset({*_HAND_OVERS, "expand", "purchase", "skip"})
"""Commands a journey's plan decides (hand-overs) or that would name objects outside the funnel."""
_KINDS: Sequence[type[Subject]] = (Prospect, Lead, Opportunity, Client)
_REACH = {kind._kind: _reachable(kind._class_table) for kind in _KINDS}
_READY = {
    hand_over: frozenset(s for s in kind._class_table.statuses if hand_over in kind._class_table.by_status[s])
    for kind, hand_over in zip(_KINDS, _HAND_OVERS, strict=False)  # a client hands over to nobody
}
"""The statuses each hand-over may be made from."""
_STOPS = {
    kind._kind: tuple(s for s in kind._class_table.statuses if s not in {"responded", "converted", "won"})
    for kind in _KINDS
}
"""The statuses a journey's last object may end in: any but those a hand-over leads to."""


def _pick(options: Sequence[T], value: int) -> T:
    return options[value % len(options)]


@attrs.frozen
class _Step:
    """One command a journey's object takes besides its hand-over, as plain data."""

    choice: int
    """Which of the commands the object allows then, of those that keep where it is going in reach."""
    after: timedelta
    """How long after the object's latest event."""
    value: int
    """Which value of each pool its arguments take."""


@attrs.frozen
class _Journey:
    """A plan of one buyer's way through the funnel, from which its objects are built."""

    origin: str
    """What it starts as: ``"prospect"``, ``"lead"`` or ``"opportunity"``."""
    hand_overs: int
    """How many hand-overs it makes, of those its origin has ahead: respond, convert, win."""
    start: timedelta
    """When it starts, after the funnel's start."""
    pace: timedelta
    """The time each command on the way to a hand-over, and the hand-over, take."""
    phases: Sequence[Sequence[_Step]]
    """The other commands of each of its objects, in order; objects past the last take none."""
    stop: int = 0
    """Which status its last object ends in, of those it may stop in."""
    channel: Channel = Channel.search
    campaign: str = CAMPAIGNS[0]
    source: TouchKind = TouchKind.form_submission
    currency: str = "EUR"
    amount: int | None = None
    """The expected deal size, in whole units of ``currency``; ``None`` while unknown."""
    kind: AccountKind = AccountKind.company
    segment: str | None = None
    territory: str | None = None
    role: ContactRole | None = None
    """The role of the person in the journey; ``None`` for no contact."""

    def build(self, number: int, start: datetime) -> list[_Object]:
        """The journey's objects, oldest first, with ids ending in ``number``."""
        subject: typing.Any = _CREATED[self.origin](self, number, start + self.start)
        made = []
        chain = _HAND_OVERS[_ORIGINS.index(self.origin) :][: self.hand_overs]
        for index, hand_over in enumerate(chain):
            subject = _worked(subject, self._phase(index), _READY[hand_over], self)
            at = subject.last_at + self.pace
            handed = subject.send(hand_over, at=at, **_HANDED[hand_over](self, number, at))
            made.append(handed.source)
            subject = handed.target
        stop = _pick(_STOPS[subject._kind], self.stop)
        return [*made, _worked(subject, self._phase(len(chain)), frozenset({stop}), self)]

    def _phase(self, index: int) -> Sequence[_Step]:
        return self.phases[index] if index < len(self.phases) else ()

    def account(self, number: int) -> Account:
        """The journey's account, as first known."""
        return Account(f"A-{number}", f"Account {number}", self.kind, self.segment, self.territory)

    def contact(self, number: int) -> Contact | None:
        """The person in the journey, if any."""
        if self.role is None:
            return None
        return Contact(f"Buyer {number}", f"buyer{number}@example.com", self.role)

    def touch(self, kind: TouchKind, at: datetime) -> Touch:
        """A touch of ``kind`` on the journey's channel and campaign."""
        return Touch(self.channel, self.campaign, kind, at)

    def money(self, units: int | None) -> Money | None:
        """``units`` whole units of the journey's currency; ``None`` for ``None``."""
        return None if units is None else Money(Decimal(units), self.currency)


_CREATED: dict[str, Callable[[_Journey, int, datetime], _Object]] = {
    "prospect": lambda journey, number, at: Prospect.create(
        f"P-{number}",
        account=journey.account(number),
        contact=journey.contact(number),
        at=at,
        campaign=journey.campaign,
    ),
    "lead": lambda journey, number, at: Lead.create(
        f"L-{number}",
        account=journey.account(number),
        contact=journey.contact(number),
        source=journey.touch(journey.source, at),
        at=at,
    ),
    "opportunity": lambda journey, number, at: Opportunity.create(
        f"O-{number}",
        account=journey.account(number),
        at=at,
        contact=journey.contact(number),
        amount=journey.money(journey.amount),
    ),
}
_HANDED: dict[str, Callable[[_Journey, int, datetime], dict[str, object]]] = {
    "respond": lambda journey, number, at: {
        "lead_id": f"L-{number}",
        "touch": journey.touch(journey.source, at),
    },
    "convert": lambda journey, number, _at: {
        "opportunity_id": f"O-{number}",
        "amount": journey.money(journey.amount),
    },
    # a deal still without an amount may be won without one: its amount stays unknown
    "win": lambda journey, number, _at: {
        "client_id": f"C-{number}",
        "amount": journey.money(journey.amount),
    },
}


@attrs.frozen
class _Turn:
    """One command about to be taken: what its arguments are made from."""

    subject: typing.Any
    """The object, of any kind: what it holds (tags, a committee) may be picked from."""
    command: str
    at: datetime
    value: int
    journey: _Journey


_ARGUMENTS: dict[str, Callable[[_Turn], object]] = {
    "touch": lambda turn: turn.journey.touch(_pick(_ENGAGEMENTS, turn.value), turn.at),
    "reason": lambda turn: _pick(REASONS, turn.value),
    "owner": lambda turn: _pick(OWNERS, turn.value),
    "facts": lambda turn: {_pick(_CRITERIA, turn.value): turn.value % 3 != 0},
    "stage": lambda turn: _pick(tuple(BuyerStage), turn.value),
    "tags": lambda turn: [
        _pick(sorted(turn.subject.tags), turn.value) if turn.command == "untag" else _pick(TAGS, turn.value)
    ],
    "contact": lambda turn: _pick(
        turn.subject.committee if turn.command == "remove_contact" else _COMMITTEE, turn.value
    ),
    "amount": lambda turn: turn.journey.money(1000 * (1 + turn.value % 40)),
    "close_date": lambda turn: turn.at.date() + timedelta(days=30 * (1 + turn.value % 6)),
    "probability": lambda turn: Decimal(turn.value % 11) / 10,
    "category": lambda turn: _pick(tuple(ForecastCategory), turn.value),
}
"""How each argument a command needs is made; optional ones not named here are left out."""
_OPEN_ENDED: dict[str, Callable[[_Turn], dict[str, object]]] = {
    "set_fields": lambda turn: {"lead_type": _pick(LEAD_TYPES, turn.value)},
    "update_account": lambda turn: {
        "segment": _pick(SEGMENTS, turn.value),
        "territory": _pick(TERRITORIES, turn.value),
    },
}
"""The arguments of commands that take names of the caller's own."""


def _taken(subject: TSubject, command: str, at: datetime, value: int, journey: _Journey) -> TSubject:
    """``subject`` after ``command``, with the facts ``qualify`` needs recorded first."""
    if command == "qualify":
        subject = subject.send("record", at=at, facts=_QUALIFYING)
    turn = _Turn(subject, command, at, value, journey)
    open_ended = _OPEN_ENDED.get(command)
    if open_ended is not None:
        arguments = open_ended(turn)
    else:
        declared = subject.commands[command].arguments
        arguments = {name: make(turn) for name, make in _ARGUMENTS.items() if name in declared}
    after: TSubject = subject.send(command, at=at, **arguments)
    return after


def _worked(subject: TSubject, steps: Sequence[_Step], ready: frozenset[str], journey: _Journey) -> TSubject:
    """``subject`` after ``steps``, each keeping a status in ``ready`` reachable, then taken there.

    The commands on the way to ``ready`` come ``journey.pace`` apart.
    """
    reach = _REACH[subject._kind]
    for step in steps:
        here = subject.status.value
        table = subject._table
        options = [
            command
            for command in subject.allowed_events()
            if command not in _NOT_EXTRA
            and not nothing_to_remove(subject, command)
            # an allowed command always has a target
            and not reach[typing.cast("str", table.possible_target(here, command, subject))].isdisjoint(ready)
        ]
        if options:
            at = subject.last_at + step.after
            subject = _taken(subject, _pick(options, step.choice), at, step.value, journey)
    for command in _way(subject, ready):
        subject = _taken(subject, command, subject.last_at + journey.pace, subject.version, journey)
    return subject


def _way(subject: Subject, ready: frozenset[str]) -> list[str]:
    """The fewest commands (hand-overs aside) that take ``subject`` to a status in ``ready``.

    None if it is there already, or if no way leads there.
    """
    table = subject._table
    start = subject.status.value
    ways: dict[str, list[str]] = {start: []}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        if here in ready:
            return ways[here]
        for command in table.by_status[here]:
            there = table.possible_target(here, command, subject)
            if command not in _NOT_EXTRA and there is not None and there not in ways:
                ways[there] = [*ways[here], command]
                queue.append(there)
    return []


# builds rather than lambdas: every line here runs on every draw, whichever branch is drawn
_GAPS = (
    st.builds(timedelta, minutes=st.integers(0, 59))
    | st.builds(timedelta, hours=st.integers(1, 23))
    | st.builds(timedelta, days=st.integers(1, 30))
)
_STEPS = st.builds(_Step, st.integers(0, 20), _GAPS, st.integers(0, 59))


@functools.cache
def _journeys(currencies: Sequence[str]) -> st.SearchStrategy[_Journey]:
    return st.builds(
        _Journey,
        origin=st.sampled_from(("prospect", "lead", "prospect", "lead", "opportunity")),
        hand_overs=st.sampled_from((0, 0, 1, 1, 2, 3)),
        start=st.builds(timedelta, minutes=st.integers(0, 90 * 24 * 60)),
        pace=_GAPS,
        phases=st.lists(st.lists(_STEPS, max_size=5).map(tuple), max_size=4).map(tuple),
        stop=st.integers(0, 11),
        channel=st.sampled_from(CHANNELS),
        campaign=st.sampled_from(CAMPAIGNS),
        source=st.sampled_from(_SOURCES),
        currency=st.sampled_from(currencies),
        amount=st.none() | st.integers(500, 100_000),
        kind=st.sampled_from(AccountKind),
        segment=st.none() | st.sampled_from(SEGMENTS),
        territory=st.none() | st.sampled_from(TERRITORIES),
        role=st.none() | st.sampled_from(ContactRole),
    )


def _built(journeys: list[_Journey], start: datetime) -> list[_Object]:
    return [made for number, journey in enumerate(journeys, 1) for made in journey.build(number, start)]


def funnels(
    max_journeys: int = 8,
    *,
    min_journeys: int = 0,
    start: datetime = START,
    currencies: Sequence[str] = ("EUR", "USD"),
) -> st.SearchStrategy[list[Prospect | Lead | Opportunity | Client]]:
    """Lists of prospects, leads, opportunities and clients that make up buyers' journeys.

    Each journey starts as a prospect, as a lead captured directly or (rarely) as an opportunity
    opened directly, up to 90 days after ``start``. A prospect may respond and become its lead
    (linked by ``prospect_id``), a lead may convert into its opportunity (``lead_id``), an
    opportunity may be won and make its client (``opportunity_id``) or be lost. On the way, each
    object takes other commands, minutes to days apart: engaging, nurturing, recycling,
    disqualifying, owners assigned, amounts estimated in one of ``currencies``, stages advanced,
    custom fields set, accounts updated. Owners (``"ana"``, ``"ben"``), channels (search, email,
    webinar, sales), campaigns (``"spring-webinar"``, ``"brand-search"``, ``"expo-list"``),
    segments (``"smb"``, ``"mid-market"``, ``"enterprise"``), territories (``"EMEA"``,
    ``"AMER"``), reasons and the custom field ``lead_type`` come from small pools, so grouping by
    them is meaningful. Every object passes :func:`check_invariants`: a deal won before any
    amount was known is won with one.

    Journey ``n`` (from 1) names its objects ``P-n``, ``L-n``, ``O-n``, ``C-n`` and its account
    ``A-n``; the objects come journey by journey, in the order they were made. Smaller examples
    have fewer journeys that go less far.

    Example:
        >>> from hypothesis import given, settings
        >>> import funnelkit as fk
        >>> from funnelkit.testing import funnels
        >>> @settings(max_examples=20)
        ... @given(funnels(max_journeys=4))
        ... def test_every_lead_names_a_prospect_that_responded(objects):
        ...     found = {(type(obj), obj.id): obj for obj in objects}
        ...     for lead in objects:
        ...         if isinstance(lead, fk.Lead) and lead.prospect_id is not None:
        ...             prospect = found[fk.Prospect, lead.prospect_id]
        ...             assert prospect.status is fk.ProspectStatus.responded
        >>> test_every_lead_names_a_prospect_that_responded()
    """
    if isinstance(currencies, str):  # a str is a sequence of one-letter strs: a likely slip
        raise InvalidArgument(f"currencies must be currency codes, such as ['EUR'], not {currencies!r}")
    journeys = st.lists(_journeys(tuple(currencies)), min_size=min_journeys, max_size=max_journeys)
    return journeys.map(functools.partial(_built, start=start))


def events_of(objects: Iterable[Prospect | Lead | Opportunity | Client]) -> list[Event]:
    """Every event of ``objects``: each object's history in turn, oldest first.

    Example:
        >>> from datetime import datetime, timezone
        >>> import funnelkit as fk
        >>> from funnelkit.testing import events_of
        >>> at = datetime(2026, 3, 1, tzinfo=timezone.utc)
        >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
        >>> prospect = fk.Prospect.create("P-1", account=acme, at=at)
        >>> touch = fk.Touch(fk.Channel.email, "spring", fk.TouchKind.form_submission, at)
        >>> handed = prospect.respond(at=at, lead_id="L-1", touch=touch)
        >>> [event.name for event in events_of([handed.source, handed.target])]
        ['ProspectCreated', 'ProspectResponded', 'LeadCreated']
    """
    return [event for subject in objects for event in subject.history]


def _merged(histories: Sequence[Sequence[Event]], order: list[int]) -> list[Event]:
    following = [iter(history) for history in histories]
    return [next(following[index]) for index in order]


def interleaved(
    objects: Iterable[Prospect | Lead | Opportunity | Client],
) -> st.SearchStrategy[list[Event]]:
    """Every event of ``objects``, merged in any order that keeps each object's own in order.

    This is how an application may meet them: events of different objects in any order, even
    against time or a hand-over (a lead's creation before its prospect's response), but each
    object's own events in sequence. Examples shrink towards :func:`events_of`'s order.

    Example:
        >>> from hypothesis import given, settings, strategies as st
        >>> from funnelkit.testing import events_of, funnels, interleaved
        >>> @settings(max_examples=20)
        ... @given(st.data())
        ... def test_a_merge_keeps_every_event(data):
        ...     objects = data.draw(funnels(max_journeys=3))
        ...     events = data.draw(interleaved(objects))
        ...     everything = events_of(objects)
        ...     assert len(events) == len(everything) and set(events) == set(everything)
        >>> test_a_merge_keeps_every_event()
    """
    histories = tuple(tuple(subject.history) for subject in objects)
    order = [index for index, history in enumerate(histories) for _event in history]
    return st.permutations(order).map(functools.partial(_merged, histories))
