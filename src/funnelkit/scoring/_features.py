"""Features from the funnel: a lead or opportunity as a flat mapping, as it stood at a time.

Every predictive scorer learns from and scores such mappings, so it can learn from funnelkit
objects directly; ``training_set`` builds the examples and outcomes of the objects that closed
by a time, each as it stood just before it closed, so nothing after the time leaks in.
"""

from __future__ import annotations

import enum
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from funnelkit._deals import Opportunity
from funnelkit._errors import InvalidInput, Problem
from funnelkit._events import utc
from funnelkit._lead import Lead
from funnelkit._replay import replay
from funnelkit._subject import Subject
from funnelkit._values import Account, Touch

RECENT = timedelta(days=30)
"""What counts as recent engagement: ``touches.recent`` counts the touches this close to ``at``."""

CLOSING = {"Lead": {"convert": True, "disqualify": False}, "Opportunity": {"win": True, "lose": False}}
"""For each kind that closes, the commands that close it and whether each is a win."""

CLOSED = frozenset({"converted", "disqualified", "won", "lost"})
"""The statuses of a closed lead or opportunity."""

_ACCOUNT = (
    "kind",
    "segment",
    "territory",
    "industry",
    "employees",
    "annual_revenue",
    "country",
    "region",
    "owner",
)


def _plain(value: object) -> object:
    """A value as a feature holds it: enums as their text, lists as tuples, everything hashable."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return tuple(_plain(item) for item in value)
    if isinstance(value, Mapping):
        return tuple(sorted((key, _plain(item)) for key, item in value.items()))
    return value


def _account(account: Account) -> dict[str, object]:
    found: dict[str, object] = {f"account.{name}": _plain(getattr(account, name)) for name in _ACCOUNT}
    found.update((f"account.fields.{name}", _plain(value)) for name, value in account.fields.items())
    found["account.tags"] = account.tags
    return found


def _touches(source: Touch, touches: Iterable[Touch], at: datetime) -> dict[str, object]:
    every = [source, *touches]
    kinds = Counter(touch.kind.value for touch in every)
    found: dict[str, object] = {f"touches.{kind}": count for kind, count in sorted(kinds.items())}
    found["touches"] = len(every)
    found["touches.recent"] = sum(1 for touch in every if at - touch.at <= RECENT)
    found["days_since_last_touch"] = (at - max(touch.at for touch in every)).total_seconds() / 86400
    found.update(
        {
            "channel": source.channel.value,
            "campaign": source.campaign,
            "source_kind": source.kind.value,
            "url": source.url,
            "utm_source": source.utm_source,
            "utm_medium": source.utm_medium,
        }
    )
    return found


def as_of(subject: Subject, at: datetime) -> Subject | None:
    """``subject`` as it stood at ``at``, replayed from its history; ``None`` before it existed."""
    if subject.last_at <= at:
        return subject
    kept = [event for event in subject.history if event.at <= at]
    if subject.history.start:
        raise InvalidInput(
            f"{subject._kind} {subject.id!r} cannot say how it stood",  # noqa: SLF001
            [
                Problem(
                    ("at",),
                    "is before its latest event, and it was restored from a snapshot: replay it whole",
                    at,
                )
            ],
        )
    return replay(kept) if kept else None


def features(subject: object, *, at: datetime) -> dict[str, object]:
    """A lead or opportunity as a flat mapping of features, as it stood at ``at``.

    It holds the account's attributes (``account.segment``, ``account.fields.<name>``, ...), the
    object's own owner, buyer stage, custom fields (``fields.<name>``) and tags, its status,
    the latest value of each recorded fact (``fact.<name>``), and its engagement: the source
    touch's channel, campaign, kind, URL and UTM source and medium, how many touches of each
    kind (``touches.<kind>``), how many in the last 30 days, and the days since the last one.
    Values are hashable: enums as their text, lists as tuples; a feature not known is ``None``.

    Raises:
        InvalidInput: ``subject`` is not a lead or an opportunity, ``at`` is not a timezone-aware
            datetime, or the object did not exist yet at ``at``.
    """
    when: object = utc(at)  # typed, but callers may pass anything
    what = "cannot read features"
    if not isinstance(subject, (Lead, Opportunity)):
        raise InvalidInput(what, [Problem(("subject",), "must be a Lead or an Opportunity", subject)])
    if not isinstance(when, datetime) or when.utcoffset() is None:
        raise InvalidInput(
            what, [Problem(("at",), "must be a timezone-aware datetime, such as one in UTC", at)]
        )
    then = as_of(subject, when)
    if then is None:
        raise InvalidInput(
            f"{subject._kind} {subject.id!r} cannot say its features",  # noqa: SLF001
            [Problem(("at",), "is before it was created", at)],
        )
    return _read(then, when)


def _read(subject: Subject, at: datetime) -> dict[str, Any]:
    found: dict[str, Any] = {"kind": subject._kind, "status": subject.status.value}  # noqa: SLF001
    found.update(_account(subject.account))  # type: ignore[attr-defined]
    found["owner"] = subject.owner  # type: ignore[attr-defined]
    found["buyer_stage"] = _plain(subject.buyer_stage)  # type: ignore[attr-defined]
    found.update((f"fields.{name}", _plain(value)) for name, value in subject.fields.items())  # type: ignore[attr-defined]
    found["tags"] = subject.tags  # type: ignore[attr-defined]
    found.update((f"fact.{name}", _plain(fact.value)) for name, fact in subject.evidence.by_name.items())  # type: ignore[attr-defined]
    if isinstance(subject, Lead):
        found.update(_touches(subject.source, subject.touches, at))
        found["recycle_count"] = subject.recycle_count
    else:  # an opportunity
        assert isinstance(subject, Opportunity)  # noqa: S101 - for the type checker
        found["stage"] = subject.status.value
        found["pipeline"] = subject.pipeline.name
        found["amount"] = subject.amount
        found["committee"] = len(subject.committee)
    return found


def training_set(
    objects: Iterable[object], *, at: datetime, age: timedelta | None = None
) -> tuple[tuple[dict[str, object], ...], tuple[bool, ...]]:
    """The examples and outcomes of the leads and opportunities closed by ``at``.

    A lead closes when it converts (won) or is disqualified (lost), an opportunity when it is won
    or lost; each that stood closed at ``at`` gives one example: its features just before the
    event that closed it, read at that event's time. Open objects, and anything that happened
    after ``at``, are left out.

    What an object became on its way to closing can give the outcome away: every converted lead
    was sales-qualified just before, and its facts were recorded to qualify it. To learn what
    predicts the outcome early, give ``age``: each example is then read as the object stood that
    long after its creation (or just before it closed, if that came first), as an open object of
    that age would be scored.

    Raises:
        InvalidInput: an object is not a lead or an opportunity, ``at`` is not aware, or ``age``
            is not a timedelta from zero.
    """
    when: object = utc(at)  # typed, but callers may pass anything
    what = "cannot build a training set"
    if not isinstance(when, datetime) or when.utcoffset() is None:
        raise InvalidInput(
            what, [Problem(("at",), "must be a timezone-aware datetime, such as one in UTC", at)]
        )
    given_age: object = age  # typed, but callers may pass anything
    if given_age is not None and (not isinstance(given_age, timedelta) or given_age < timedelta(0)):
        raise InvalidInput(what, [Problem(("age",), "must be a timedelta from zero, or None", age)])
    examples: list[dict[str, object]] = []
    outcomes: list[bool] = []
    for index, subject in enumerate(objects):
        if not isinstance(subject, (Lead, Opportunity)):
            raise InvalidInput(
                what, [Problem(("objects", index), "must be a Lead or an Opportunity", subject)]
            )
        then = as_of(subject, when)
        closing = CLOSING[subject._kind]  # noqa: SLF001
        if then is None or then.status.value not in CLOSED or then.history.start:
            continue
        last = max(index for index, event in enumerate(then.history) if event.command in closing)
        event = then.history[last]
        before = then.history[:last]
        moment = event.at if age is None else min(event.at, before[0].at + age)
        examples.append(_read(replay([early for early in before if early.at <= moment]), moment))
        outcomes.append(closing[event.command])
    return tuple(examples), tuple(outcomes)


def mapping_only(example: object) -> None:
    """Refuse anything but a mapping of features, as a ``probability`` takes (it has no ``at``)."""
    if not isinstance(example, Mapping):
        message = "must be a mapping of features; score a lead or opportunity with score(subject, at=...)"
        raise InvalidInput("cannot give a probability", [Problem(("example",), message, example)])


def example_of(subject: object, at: datetime | None) -> Mapping[str, Any]:
    """What a scorer scores: a mapping of features as given, or a funnel object's features at ``at``."""
    if isinstance(subject, Mapping):
        if not all(isinstance(name, str) for name in subject):
            raise InvalidInput("cannot score", [Problem((), "must have feature names as text", subject)])
        return subject
    if at is None:
        raise InvalidInput("cannot score", [Problem(("at",), "is needed to score a funnel object", at)])
    return features(subject, at=at)


def sigmoid(value: float) -> float:
    """The probability log-odds ``value`` stand for, computed without overflow."""
    if value >= 0:
        return 1 / (1 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1 + exp)
