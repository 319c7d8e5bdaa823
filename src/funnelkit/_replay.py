"""Rebuilding objects from their events, in one linear pass."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timezone
from typing import Any, TypeVar

from funnelkit._client import Client
from funnelkit._errors import MISSING, InvalidInput, Problem
from funnelkit._events import CREATE, Event
from funnelkit._lead import Lead
from funnelkit._log import Log
from funnelkit._opportunity import Opportunity
from funnelkit._prospect import Prospect
from funnelkit._subject import Subject, payload_problems

KINDS: Mapping[str, type[Subject]] = {
    "Prospect": Prospect,
    "Lead": Lead,
    "Opportunity": Opportunity,
    "Client": Client,
}

S = TypeVar("S", bound=Subject)


def replay(history: Iterable[Event], *, snapshot: Any = None, kind: type[Subject] | None = None) -> Any:  # noqa: ANN401 - the kind is read from the events
    """Rebuild an object from its events, oldest first, checking each could have happened.

    ``replay(obj.history) == obj`` for every funnelkit object. Given ``snapshot`` (an object,
    such as one loaded from a snapshot), the events continue it instead, from its version on.
    ``kind`` rebuilds a subclass of the kind the events name. The events are folded into one
    object in a single pass, so replay takes time linear in their number.

    Raises:
        InvalidInput: the events are empty (without a snapshot), do not start with a creation,
            or one of them could not have followed the ones before it; nothing is returned
            half-built.

    Example:
        >>> from datetime import datetime, timezone
        >>> import funnelkit as fk
        >>> day = lambda d: datetime(2026, 6, d, tzinfo=timezone.utc)
        >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
        >>> client = fk.Client.create("C-1", account=acme, opportunity_id="O-1", at=day(1))
        >>> client = client.flag_at_risk(at=day(5), reason="usage dropped")
        >>> fk.replay(client.history) == client
        True
    """
    events = iter(history)
    if snapshot is not None:
        if not isinstance(snapshot, Subject):
            raise InvalidInput("cannot replay", [Problem(("snapshot",), "must be a funnel object", snapshot)])
        subject, index = snapshot._draft(), 0  # noqa: SLF001 - the replay half of Subject
    else:
        subject, index = _created(next(events, MISSING), kind), 1
    subject._follow(events, index)  # noqa: SLF001 - the replay half of Subject
    return subject


def _created(event: object, kind: type[Subject] | None) -> Subject:
    if not isinstance(event, Event):
        raise InvalidInput(
            "cannot replay",
            [Problem(("history", 0), "must be the event that created the object", event)],
        )
    named = KINDS.get(event.subject)
    if named is None:
        raise InvalidInput(
            "cannot replay",
            [Problem(("history", 0, "subject"), f"must be one of {sorted(KINDS)}", event.subject)],
        )
    cls = kind if kind is not None and issubclass(kind, named) else named
    if (
        event.command == CREATE
        and event.sequence == 0
        and event.source is None
        and cls.creation.fits(event.payload)
        and getattr(event.at, "tzinfo", None) is timezone.utc
        and cls._initial(event.payload) == event.target
    ):
        return cls._founded(event, Log((event,)))
    problems = [
        Problem(
            ("history", 0, name),
            f"must be {value!r} for the event that creates an object",
            getattr(event, name),
        )
        for name, value in (("command", CREATE), ("sequence", 0), ("source", None))
        if getattr(event, name) != value
    ]
    if not problems:
        problems.extend(payload_problems(cls.creation.payload, event.payload, ("history", 0)))
    if not problems:
        initial = cls._initial(event.payload)
        if initial != event.target:
            problems.append(
                Problem(("history", 0, "target"), f"must be {initial!r}, where it starts", event.target)
            )
        # the fast path above took every sound creation: only the time can be wrong here
        else:
            problems.append(Problem(("history", 0, "at"), "must be timezone-aware", event.at))
    raise InvalidInput(f"history of {event.subject} {event.subject_id!r} is inconsistent", problems)
