"""Prospects: names on a list that marketing works until they respond."""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType
from typing import ClassVar

import attrs

from funnelkit._conversion import Conversion
from funnelkit._events import CREATE, Event
from funnelkit._lead import Lead
from funnelkit._lifecycles import ProspectLifecycle, ProspectStatus
from funnelkit._subject import Subject, creation_event
from funnelkit._table import TransitionTable
from funnelkit._values import Account, Contact, Touch


@attrs.frozen(hash=False)
class Prospect(Subject):
    """A name on a list being marketed to; not yet ready for a buying conversation.

    Example:
        >>> from datetime import datetime, timezone
        >>> import funnelkit as fk
        >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
        >>> prospect = fk.Prospect.create(
        ...     "P-1",
        ...     account=fk.Account("acme", "Acme Ltd", fk.AccountKind.company),
        ...     contact=fk.Contact("Ada Byron", "ada@acme.example"),
        ...     campaign="spring-list",
        ...     at=day(1),
        ... )
        >>> prospect = prospect.reach_out(at=day(2))
        >>> touch = fk.Touch(fk.Channel.email, "spring-list", fk.TouchKind.form_submission, day(3))
        >>> handed_over = prospect.respond(at=day(3), lead_id="L-1", touch=touch)
        >>> handed_over.source.status.value, handed_over.target.status.value
        ('responded', 'new')
    """

    id: str
    status: ProspectStatus
    account: Account
    contact: Contact
    campaign: str | None
    """The list, database or event the name came from."""
    lead_id: str | None = None
    """The lead the prospect became when it responded."""
    reason: str | None = None
    """Why it was excluded."""
    history: tuple[Event, ...] = ()

    lifecycle: ClassVar = ProspectLifecycle
    _class_table: ClassVar = TransitionTable.derive(ProspectLifecycle)
    _kind: ClassVar = "Prospect"
    event_payloads: ClassVar = MappingProxyType(
        {
            CREATE: {"account": Account, "contact": Contact, "campaign": str | None},
            "reach_out": {},
            "respond": {"lead_id": str, "touch": Touch},
            "exclude": {"reason": str},
        }
    )

    @classmethod
    def create(
        cls,
        id: str,
        *,
        account: Account,
        contact: Contact,
        at: datetime,
        campaign: str | None = None,
    ) -> Prospect:
        """Put a new prospect on the list, in status ``targeted``."""
        payload = {"account": account, "contact": contact, "campaign": campaign}
        return cls._created(creation_event(cls, id, at, payload, ProspectStatus.targeted.value))

    @classmethod
    def _created(cls, event: Event) -> Prospect:
        payload = event.payload
        return cls(
            event.subject_id,
            ProspectStatus.targeted,
            payload["account"],  # type: ignore[arg-type]
            payload["contact"],  # type: ignore[arg-type]
            payload["campaign"],  # type: ignore[arg-type]
            history=(event,),
        )

    def _apply(self, event: Event) -> Prospect:
        payload = event.payload
        return Prospect(
            self.id,
            ProspectStatus(event.target),
            self.account,
            self.contact,
            self.campaign,
            payload.get("lead_id", self.lead_id),  # type: ignore[arg-type]
            payload.get("reason", self.reason),  # type: ignore[arg-type]
            (*self.history, event),
        )

    def reach_out(self, *, at: datetime) -> Prospect:
        """Record that marketing contacted the prospect (again)."""
        return self._apply(self._record("reach_out", at))

    def respond(self, *, at: datetime, lead_id: str, touch: Touch) -> Conversion[Prospect, Lead]:
        """Record a positive response (``touch``) and hand over to a new lead ``lead_id``."""
        event = self._record(
            "respond",
            at,
            {
                "lead_id": self._text("respond", "lead_id", lead_id),
                "touch": self._instance("respond", "touch", touch, Touch),
            },
        )
        lead = Lead.create(
            lead_id,
            account=self.account,
            contact=self.contact,
            source=touch,
            at=at,
            prospect_id=self.id,
        )
        return Conversion(self._apply(event), lead)

    def exclude(self, *, at: datetime, reason: str) -> Prospect:
        """Stop marketing to the prospect (opted out, outside the target market), saying why."""
        return self._apply(self._record("exclude", at, {"reason": self._text("exclude", "reason", reason)}))
