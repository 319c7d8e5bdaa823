"""Domain events: the immutable record of every accepted command."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone

import attrs

from funnelkit._frozen import FrozenDict

CREATE = "create"
"""The command of an object's first event, which brings it into its initial status."""

NEVER = datetime.min.replace(tzinfo=timezone.utc)
"""The time of the latest event of an object that has none yet."""

PAST_TENSE: dict[tuple[str, str], str] = {}
"""The past-tense name of each (kind of object, command), filled in as the kinds are declared."""


Payload = FrozenDict[str, object]
"""An event's facts: a read-only dict."""

EMPTY_PAYLOAD: Payload = FrozenDict()


def freeze(payload: Mapping[str, object]) -> Payload:
    """Return ``payload`` as a :class:`Payload`, sharing one empty payload for every empty one."""
    if type(payload) is FrozenDict:
        return payload
    return FrozenDict(payload) if payload else EMPTY_PAYLOAD


def utc(at: datetime) -> datetime:
    """Return an aware ``at`` as the same instant in UTC; anything else unchanged, for checks to refuse.

    Every time that enters funnelkit goes through here, so a local time that does not exist or
    happens twice (a daylight-saving change) becomes one instant, a subclass of datetime becomes
    a datetime, and a round trip through JSON gives back an equal value.
    """
    given: object = at  # typed, but callers may pass anything: the checks after this refuse it
    if type(given) is datetime and given.tzinfo is timezone.utc:
        return given
    if isinstance(given, datetime) and given.utcoffset() is not None:
        instant = given.astimezone(timezone.utc)
        return datetime.combine(instant.date(), instant.timetz())
    return at


@attrs.frozen(eq=True, hash=False)
class Event:
    """What one accepted command did to one object; objects keep their events as ``history``.

    Example:
        >>> from datetime import datetime, timezone
        >>> import funnelkit as fk
        >>> lead = fk.Lead.create(
        ...     "L-1",
        ...     account=fk.Account("acme", "Acme Ltd", fk.AccountKind.company),
        ...     contact=fk.Contact("Ada Byron", "ada@acme.example"),
        ...     source=fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission,
        ...                     datetime(2026, 3, 1, tzinfo=timezone.utc)),
        ...     at=datetime(2026, 3, 1, tzinfo=timezone.utc),
        ... )
        >>> event = lead.work(at=datetime(2026, 3, 2, tzinfo=timezone.utc)).history[-1]
        >>> event.name, event.sequence, event.source, event.target
        ('LeadWorkStarted', 1, 'new', 'working')
    """

    subject: str
    """The kind of object: ``"Prospect"``, ``"Lead"``, ``"Opportunity"`` or ``"Client"``."""
    subject_id: str
    sequence: int
    """The event's place in the object's history, from 0 for its creation."""
    command: str
    """The command that was accepted, such as ``"nurture"``."""
    source: str | None
    """The status before the command; ``None`` for a creation."""
    target: str
    """The status after the command."""
    at: datetime = attrs.field(converter=utc)
    """When it happened, in UTC."""
    payload: Mapping[str, object] = attrs.field(default=EMPTY_PAYLOAD, converter=freeze)
    """The command's facts, such as a reason or an amount; read-only."""

    @property
    def name(self) -> str:
        """The past-tense name of what happened, such as ``"LeadNurtured"``."""
        return self.subject + PAST_TENSE[self.subject, self.command]

    def __hash__(self) -> int:
        """Hash the event's place: equal events share it, and it is cheap."""
        return hash((self.subject, self.subject_id, self.sequence, self.command))
