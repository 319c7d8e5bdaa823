"""Rebuilding objects from their events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from funnelkit._client import Client
from funnelkit._errors import InvalidInput, Problem
from funnelkit._events import CREATE, Event
from funnelkit._lead import Lead
from funnelkit._opportunity import Opportunity
from funnelkit._prospect import Prospect
from funnelkit._subject import Subject, payload_problems

KINDS: Mapping[str, type[Subject]] = {
    "Prospect": Prospect,
    "Lead": Lead,
    "Opportunity": Opportunity,
    "Client": Client,
}


def replay(history: Iterable[Event]) -> Any:  # noqa: ANN401 - the kind is read from the events
    """Rebuild an object from its events, oldest first, checking each could have happened.

    ``replay(obj.history) == obj`` for every funnelkit object.

    Raises:
        InvalidInput: the events are empty, do not start with a creation, or one of them could
            not have followed the ones before it; nothing is returned half-built.

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
    first = next(events, None)
    if not isinstance(first, Event):
        raise InvalidInput(
            "cannot replay",
            [Problem(("history", 0), "must be the event that created the object", first)],
        )
    subject = _created(first)
    for index, event in enumerate(events, start=1):
        if not isinstance(event, Event):
            raise InvalidInput("cannot replay", [Problem(("history", index), "must be an Event", event)])
        subject = subject._replayed(event, index)  # noqa: SLF001 - the replay half of Subject
    return subject


def _created(event: Event) -> Subject:
    kind = KINDS.get(event.subject)
    if kind is None:
        raise InvalidInput(
            "cannot replay",
            [Problem(("history", 0, "subject"), f"must be one of {sorted(KINDS)}", event.subject)],
        )
    problems = [
        Problem(
            ("history", 0, name),
            f"must be {value!r} for the event that creates an object",
            getattr(event, name),
        )
        for name, value in (("command", CREATE), ("sequence", 0), ("source", None))
        if getattr(event, name) != value
    ]
    problems.extend(payload_problems(kind.event_payloads, event, ("history", 0)))
    if not problems:
        subject = kind._created(event)  # noqa: SLF001
        if subject.status.value != event.target:
            problems.append(
                Problem(
                    ("history", 0, "target"),
                    f"must be {subject.status.value!r}, where it starts",
                    event.target,
                )
            )
        elif event.at.utcoffset() is None:
            problems.append(Problem(("history", 0, "at"), "must be timezone-aware", event.at))
        else:
            return subject
    raise InvalidInput(f"history of {event.subject} {event.subject_id!r} is inconsistent", problems)
