"""Rebuilding objects from their events, in one linear pass, and saying what does not fit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from funnelkit._deals import Client, Opportunity
from funnelkit._errors import MISSING, InvalidInput, Problem
from funnelkit._events import Event
from funnelkit._fold import follow, founded
from funnelkit._lead import Lead
from funnelkit._prospect import Prospect
from funnelkit._subject import Subject

KINDS: Mapping[str, type[Subject]] = {
    "Prospect": Prospect,
    "Lead": Lead,
    "Opportunity": Opportunity,
    "Client": Client,
}


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
        subject, index = snapshot._draft(), 0
    else:
        subject, index = _created(next(events, MISSING), kind), 1
    follow(subject, events, index)
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
    return founded(event, kind if kind is not None and issubclass(kind, named) else named)
