"""Domain events: the immutable record of every accepted command."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

import attrs

EMPTY_PAYLOAD: Mapping[str, object] = MappingProxyType({})

JSON_AS = "json_as"
"""Field metadata key: ``"value"`` stores a field in JSON as its ``.value`` (a stage as its id)."""

CREATE = "create"
"""The command of an object's first event, which brings it into its initial status."""

# Past-tense names for the events of every lifecycle; a test keeps this in step with them.
PAST_TENSE: Mapping[str, str] = MappingProxyType(
    {
        CREATE: "Created",
        "reach_out": "ReachedOut",
        "respond": "Responded",
        "exclude": "Excluded",
        "work": "WorkStarted",
        "engage": "Engaged",
        "record": "EvidenceRecorded",
        "nurture": "Nurtured",
        "recycle": "Recycled",
        "reengage": "Reengaged",
        "mark_marketing_qualified": "MarketingQualified",
        "accept": "Accepted",
        "fast_track": "FastTracked",
        "qualify": "Qualified",
        "disqualify": "Disqualified",
        "convert": "Converted",
        "advance": "Advanced",
        "move_back": "MovedBack",
        "skip": "Skipped",
        "win": "Won",
        "lose": "Lost",
        "reopen": "Reopened",
        "flag_at_risk": "FlaggedAtRisk",
        "retain": "Retained",
        "churn": "Churned",
        "win_back": "WonBack",
        "purchase": "Purchased",
        "expand": "Expanded",
    }
)


def freeze(payload: Mapping[str, object]) -> Mapping[str, object]:
    """Return a read-only copy of ``payload``, sharing one empty mapping for empty payloads."""
    if type(payload) is MappingProxyType:
        # already read-only: funnelkit wraps only dicts it built and nobody else holds
        return payload
    return MappingProxyType(dict(payload)) if payload else EMPTY_PAYLOAD


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
    at: datetime
    """When it happened, as given by the caller; timezone-aware."""
    payload: Mapping[str, object] = attrs.field(default=EMPTY_PAYLOAD, converter=freeze)
    """The command's facts, such as a reason or an amount; read-only."""

    @property
    def name(self) -> str:
        """The past-tense name of what happened, such as ``"LeadNurtured"``."""
        return self.subject + PAST_TENSE[self.command]
