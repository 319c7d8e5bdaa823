"""Hypothesis strategies for funnelkit's values and funnel objects, valid by construction."""

from __future__ import annotations

import enum
import functools
import keyword
import string
from collections import deque
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar

from hypothesis import strategies as st

from funnelkit._conversion import Conversion
from funnelkit._deals import Client, Opportunity
from funnelkit._journey import BuyerStage
from funnelkit._json import Fields
from funnelkit._lead import DEFAULT_FRAMEWORK, Lead
from funnelkit._lifecycles import ClientStatus, LeadStatus, ProspectStatus
from funnelkit._money import Money
from funnelkit._pipeline import (
    DEFAULT_PIPELINE,
    LOST,
    RESERVED,
    WON,
    ForecastCategory,
    Pipeline,
    Stage,
)
from funnelkit._prospect import Prospect
from funnelkit._subject import Subject
from funnelkit._table import TransitionTable
from funnelkit._values import Account, AccountKind, Channel, Contact, ContactRole, Touch, TouchKind
from funnelkit.qualification import Fact
from funnelkit.testing._evidence import Completeness, evidence, fact_lists

TSubject = TypeVar("TSubject", bound=Subject)

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
_ZONE = st.sampled_from((timezone.utc, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5))))
_WORDS = st.text(string.ascii_letters + string.digits + " -", min_size=1, max_size=20).filter(str.strip)


@functools.cache
def ids(prefix: str = "") -> st.SearchStrategy[str]:
    """Non-blank ids, such as ``"L-3f9"``."""
    return st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=8).map(
        lambda s: f"{prefix}{s}"
    )


@functools.cache
def reasons() -> st.SearchStrategy[str]:
    """Non-blank reasons, such as a lost or disqualified reason."""
    return st.sampled_from(["no budget", "competitor", "no decision", "timing", "junk"]) | _WORDS


_DELTAS = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=30))


def times(after: datetime = START) -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes not earlier than ``after``, in a few time zones."""
    return st.builds(lambda delta, zone: (after + delta).astimezone(zone), _DELTAS, _ZONE)


def _draw_time(draw: st.DrawFn, after: datetime) -> datetime:
    return (after + draw(_DELTAS)).astimezone(draw(_ZONE))


@functools.cache
def money(currency: str | None = None) -> st.SearchStrategy[Money]:
    """Exact amounts with two decimal places, in ``currency`` or one of a few currencies."""
    currencies = st.just(currency) if currency else st.sampled_from(["EUR", "USD", "GBP"])
    amounts = st.integers(min_value=0, max_value=10**9).map(lambda cents: Decimal(cents).scaleb(-2))
    return st.builds(Money, amounts, currencies)


_SEGMENTS = st.none() | st.sampled_from(["smb", "mid-market", "enterprise", "EMEA", "AMER"])
_LEARNED: dict[str, st.SearchStrategy[Any]] = {
    "segment": _SEGMENTS,
    "territory": _SEGMENTS,
    "industry": st.none() | st.sampled_from(["retail", "health_beauty", "software"]),
    "employees": st.none() | st.integers(0, 100_000),
    "annual_revenue": st.none() | money(),
    "country": st.none() | st.sampled_from(["BR", "DE", "US", "GB"]),
    "region": st.none() | st.sampled_from(["SP", "RJ", "EMEA", "AMER"]),
    "owner": st.none() | st.sampled_from(["u-ada", "u-bo", "team-emea"]),
}
"""How each account attribute that may be learned later is drawn."""


@functools.cache
def accounts() -> st.SearchStrategy[Account]:
    """Accounts of both kinds, with any of their attributes, custom fields and tags known or not."""
    learned = st.fixed_dictionaries({}, optional={**_LEARNED, "fields": custom_fields(), "tags": tags()})
    return st.builds(
        lambda key, name, kind, known: Account(key, name, kind, **known),
        ids("A-"),
        _WORDS,
        st.sampled_from(AccountKind),
        learned,
    )


_JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)


@functools.cache
def json_values() -> st.SearchStrategy[Any]:
    """JSON values as a custom field holds them: scalars, and lists and objects of them, a few deep."""
    return st.recursive(
        _JSON_SCALARS,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
        max_leaves=6,
    )


_FIELD_NAMES = st.sampled_from(["landing_page", "lead_type", "origin", "score_v1"]) | st.from_regex(
    r"[a-z][a-z0-9_]{0,10}", fullmatch=True
).filter(lambda name: name != "at")  # at= is the time of the command that sets the fields


@functools.cache
def custom_fields() -> st.SearchStrategy[Fields]:
    """Custom fields: snake_case names with JSON values."""
    return st.dictionaries(_FIELD_NAMES, json_values().filter(lambda v: v is not None), max_size=4).map(
        Fields
    )


@functools.cache
def tags() -> st.SearchStrategy[frozenset[str]]:
    """Sets of tags: short labels, some with spaces inside."""
    label = st.sampled_from(["vip", "inbound", "partner", "hot lead"]) | _WORDS.map(str.strip)
    return st.frozensets(label, max_size=3)


@functools.cache
def contacts() -> st.SearchStrategy[Contact]:
    """Contacts with a plausible email, a phone or both, and any role."""
    emails = st.builds("{}@{}.example".format, ids(), ids())
    phones = st.from_regex(r"\+[1-9][0-9]{1,3} [0-9]{3,4} [0-9]{4,6}", fullmatch=True)
    reach = st.one_of(st.tuples(emails, st.none()), st.tuples(st.none(), phones), st.tuples(emails, phones))
    return st.builds(
        lambda name, found, role: Contact(name, found[0], role, found[1]),
        _WORDS,
        reach,
        st.sampled_from(ContactRole),
    )


def touches(at: st.SearchStrategy[datetime] | None = None) -> st.SearchStrategy[Touch]:
    """Touches on any channel, of any kind."""
    return st.builds(Touch, _CHANNELS, _WORDS, _TOUCH_KINDS, at if at is not None else times())


@functools.cache
def stages() -> st.SearchStrategy[Stage]:
    """Open stages with a probability in [0, 1] (or unknown) and any forecast category."""
    probabilities = st.none() | st.integers(0, 100).map(lambda p: Decimal(p) / 100)
    names = st.text(string.ascii_lowercase, min_size=1, max_size=10).filter(
        lambda name: name not in (WON, LOST) and name not in RESERVED and not keyword.iskeyword(name)
    )
    requires = st.lists(st.sampled_from(["pain", "metrics", "champion"]), unique=True, max_size=2)
    return st.builds(Stage, names, probabilities, st.sampled_from(ForecastCategory), requires)


@st.composite
def pipelines(draw: st.DrawFn) -> Pipeline:
    """Valid custom pipelines: unique open stages and any skip and back options."""
    first, *later = draw(st.lists(stages(), min_size=1, max_size=6, unique_by=lambda stage: stage.value))
    # nothing advances into the first stage, so a gate there could never be judged
    open_stages = [Stage(first.value, first.probability, first.forecast_category), *later]
    allow_back = draw(st.booleans())
    names = [stage.value for stage in open_stages]
    # a start past the first stage leaves earlier stages unreachable unless moving back is allowed
    start = draw(st.sampled_from(names)) if allow_back else names[0]
    return Pipeline(
        draw(_WORDS),
        tuple(open_stages),
        allow_skip=draw(st.booleans()),
        allow_back=allow_back,
        start=draw(st.sampled_from([None, start])),
        reopen_to=draw(st.none() | st.sampled_from(names)),
    )


@st.composite
def arguments(draw: st.DrawFn, subject: Subject, command: str, at: datetime) -> dict[str, Any]:
    """Arguments for ``subject``'s ``command``, drawn so a valid command is accepted."""
    return _draw_arguments(draw, subject, command, at)


def _draw_arguments(draw: st.DrawFn, subject: Subject, command: str, at: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in sorted(subject.commands[command].arguments):
        if name == "touch":
            values[name] = Touch(draw(_CHANNELS), draw(_WORDS), draw(_TOUCH_KINDS), at)
        elif name == "amount":
            values[name] = draw(money(_currency(subject)))
        elif name == "to":
            values[name] = draw(st.sampled_from([stage.value for stage in _pipeline(subject).stages]))
        elif name == "reason":
            values[name] = draw(reasons())
        elif name == "facts":
            values[name] = draw(fact_lists())
        elif name.endswith("_id"):
            values[name] = draw(ids(f"{name[0].upper()}-"))
        elif name in ("contact", "tags"):
            values[name] = draw(_added_or_held(subject, command, name))
        elif name in _OPTIONAL:
            values[name] = draw(_OPTIONAL[name])
    return _open_ended(draw, subject, command, values)


def _added_or_held(subject: Subject, command: str, name: str) -> st.SearchStrategy[Any]:
    """A committee member or tags to add, or some of those the subject holds to remove."""
    if command == "remove_contact":
        return st.sampled_from(getattr(subject, "committee", ()))
    if command == "untag":
        return st.lists(st.sampled_from(sorted(getattr(subject, "tags", ()))), min_size=1, unique=True)
    return contacts() if name == "contact" else tags().filter(bool)


def _open_ended(draw: st.DrawFn, subject: Subject, command: str, values: dict[str, Any]) -> dict[str, Any]:
    """The arguments of the caller's own naming: custom fields, and what is learned of an account."""
    if command == "set_fields":
        held = sorted(getattr(subject, "fields", ()))
        clear = st.fixed_dictionaries({}, optional=dict.fromkeys(held, st.none()))
        values.update(draw(custom_fields()), **draw(clear))
        values = values or {"lead_type": "online_medium"}
    elif command == "update_account":
        changes = st.fixed_dictionaries({}, optional={**_LEARNED, "fields": custom_fields(), "tags": tags()})
        values = draw(changes) or {"segment": "enterprise"}
    return values


def nothing_to_remove(subject: Subject, command: str) -> bool:
    """Whether ``command`` removes something (a tag, a committee member) ``subject`` has none of.

    Such a command is allowed but can take no valid argument, so walks and machines skip it.
    """
    held = {"untag": "tags", "remove_contact": "committee"}.get(command)
    return held is not None and not getattr(subject, held)


_OPTIONAL: dict[str, st.SearchStrategy[Any]] = {
    "owner": st.sampled_from(["u-ada", "u-bo", "team-emea"]),
    "rule": st.none() | st.sampled_from(["emea-large", "round-robin"]),
    "close_date": st.none() | st.dates(date(2026, 1, 1), date(2028, 12, 31)),
    "probability": st.none() | st.integers(0, 100).map(lambda p: Decimal(p) / 100),
    "category": st.none() | st.sampled_from(ForecastCategory),
    "stage": st.sampled_from(BuyerStage),
}
"""How the other arguments of commands are drawn: owners, rules, estimates and forecasts."""


_CHANNELS = st.sampled_from(Channel) | st.sampled_from(["paid_search", "organic_search", "partner"]).map(
    Channel
)
_TOUCH_KINDS = st.sampled_from(TouchKind) | st.sampled_from(["page_view", "trial_signup"]).map(TouchKind)


def _currency(subject: Subject) -> str | None:
    amount = getattr(subject, "amount", None)
    return amount.currency if isinstance(amount, Money) else None


def _pipeline(subject: Subject) -> Pipeline:
    return getattr(subject, "pipeline", DEFAULT_PIPELINE)


def _reachable(table: TransitionTable) -> dict[str, set[str]]:
    """For each status, the statuses some sequence of events can lead to, guards ignored."""
    edges: dict[str, set[str]] = {status: set() for status in table.statuses}
    for (source, _event), routes in table.routes.items():
        edges[source].update(route.target for route in routes)
    reach: dict[str, set[str]] = {}
    for status in table.statuses:
        seen, queue = {status}, deque([status])
        while queue:
            for target in edges[queue.popleft()] - seen:
                seen.add(target)
                queue.append(target)
        reach[status] = seen
    return reach


def _prepared(draw: st.DrawFn, subject: TSubject, event: str) -> TSubject:
    """Record the facts a guarded step needs, so the walk can take it."""
    needed: tuple[str, ...] = ()
    if event == "qualify":
        needed = tuple(criterion.id for criterion in DEFAULT_FRAMEWORK.criteria)
    elif event == "advance" and isinstance(subject, Opportunity):
        target = subject._table.possible_target(subject.status.value, event, subject)
        found = subject.pipeline.by_value.get(target or "")
        needed = found.requires if found is not None else ()
    if not needed:
        return subject
    at = _draw_time(draw, subject.last_at)
    facts = [Fact(name, True, "strategy", at, grade=3) for name in needed]
    return subject.send("record", at=at, facts=facts)  # type: ignore[no-any-return]


def _step(draw: st.DrawFn, subject: TSubject, event: str) -> TSubject:
    subject = _prepared(draw, subject, event)
    at = _draw_time(draw, subject.last_at)
    result = subject.send(event, at=at, **_draw_arguments(draw, subject, event, at))
    return result.source if isinstance(result, Conversion) else result  # type: ignore[no-any-return]


def _walk(draw: st.DrawFn, subject: TSubject, status: enum.Enum | str | None) -> TSubject:
    """Take random allowed steps that keep ``status`` reachable, then the shortest way there."""
    table = subject._table
    reach = _reachable(table)
    goal = status.value if isinstance(status, enum.Enum) else status
    for _ in range(draw(st.integers(0, 12))):
        here = subject.status.value
        options = [
            event
            for event in subject.allowed_events()
            if event != "skip"
            and not nothing_to_remove(subject, event)
            and (goal is None or goal in reach[table.possible_target(here, event, subject) or here])
        ]
        if not options:
            break
        subject = _step(draw, subject, draw(st.sampled_from(options)))
    for event in _shortest(subject, goal):
        subject = _step(draw, subject, event)
    return subject


def _shortest(subject: Subject, goal: str | None) -> list[str]:
    table = subject._table
    start = subject.status.value
    paths: dict[str, list[str]] = {start: []}
    queue = deque([start])
    while queue and goal not in paths:
        here = queue.popleft()
        for event in table.by_status[here]:
            target = None if event == "skip" else table.possible_target(here, event, subject)
            if target is not None and target not in paths:
                paths[target] = [*paths[here], event]
                queue.append(target)
    return paths.get(goal, []) if goal is not None else []


@st.composite
def prospects(draw: st.DrawFn, status: ProspectStatus | None = None) -> Prospect:
    """Prospects with a consistent history, in ``status`` if given, else any status."""
    prospect = Prospect.create(
        draw(ids("P-")),
        account=draw(accounts()),
        contact=draw(st.none() | contacts()),  # a company on an account-based list has none
        at=draw(times()),
        campaign=draw(st.none() | _WORDS),
    )
    return _walk(draw, prospect, status)


@st.composite
def leads(
    draw: st.DrawFn, status: LeadStatus | None = None, completeness: Completeness | None = None
) -> Lead:
    """Leads with a consistent history, in ``status`` if given, else any status.

    Each first records drawn evidence (``completeness``: none, partial, complete or
    contradictory; any by default), then walks its lifecycle.
    """
    at = draw(times())
    lead = Lead.create(
        draw(ids("L-")),
        account=draw(accounts()),
        contact=draw(st.none() | contacts()),  # a company-level or anonymous lead has none
        source=draw(touches(st.just(at))),
        at=at,
        prospect_id=draw(st.none() | ids("P-")),
    )
    found = draw(evidence(completeness))
    if found.facts:
        lead = lead.record(at=at, facts=found.facts)
    return _walk(draw, lead, status)


@st.composite
def opportunities(
    draw: st.DrawFn, status: str | None = None, pipeline: Pipeline | None = None
) -> Opportunity:
    """Opportunities with a consistent history in ``pipeline`` (default: the default one).

    ``status`` is a stage id of the pipeline, such as ``"proof"`` or ``"won"``.
    """
    chosen = pipeline if pipeline is not None else DEFAULT_PIPELINE
    opportunity = Opportunity.create(
        draw(ids("O-")),
        account=draw(accounts()),
        at=draw(times()),
        contact=draw(st.none() | contacts()),
        lead_id=draw(st.none() | ids("L-")),
        amount=draw(st.none() | money()),
        pipeline=chosen,
    )
    return _walk(draw, opportunity, status)


@st.composite
def clients(draw: st.DrawFn, status: ClientStatus | None = None) -> Client:
    """Clients with a consistent history, in ``status`` if given, else any status."""
    client = Client.create(
        draw(ids("C-")), account=draw(accounts()), opportunity_id=draw(ids("O-")), at=draw(times())
    )
    return _walk(draw, client, status)
