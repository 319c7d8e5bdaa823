"""Prospects: names on a list that marketing works until they respond."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from funnelkit._accounts import AccountHolder
from funnelkit._command import Decision, command, creation, handover, keep
from funnelkit._events import NEVER, Event
from funnelkit._lead import Lead
from funnelkit._lifecycles import ProspectLifecycle, ProspectStatus
from funnelkit._log import EMPTY_LOG, Log
from funnelkit._table import TransitionTable
from funnelkit._values import Account, Contact, Touch


def _created(payload: Mapping[str, Any]) -> Mapping[str, object]:
    return {name: payload[name] for name in ("account", "contact", "campaign")}


@attrs.frozen(hash=False)
class Prospect(AccountHolder):
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
    contact: Contact | None
    """The person on the list; ``None`` for a company on an account-based list."""
    campaign: str | None
    """The list, database or event the name came from."""
    lead_id: str | None = None
    """The lead the prospect became when it responded."""
    reason: str | None = None
    """Why it was excluded."""
    history: Log[Event] = EMPTY_LOG
    """Every event, oldest first: from its creation, or from the snapshot it was restored from."""
    last_at: datetime = attrs.field(default=NEVER, repr=False)
    """When its latest event happened; a new command may not be earlier."""

    lifecycle: ClassVar = ProspectLifecycle
    _class_table: ClassVar = TransitionTable.derive(ProspectLifecycle)
    _kind: ClassVar = "Prospect"
    _statuses: ClassVar = {status.value: status for status in ProspectStatus}
    creation: ClassVar = creation(
        "Created", _created, account=Account, contact=Contact | None, campaign=str | None
    )

    @classmethod
    def create(
        cls,
        id: str,
        *,
        account: Account,
        contact: Contact | None = None,
        at: datetime,
        campaign: str | None = None,
    ) -> Prospect:
        """Put a new prospect on the list, in status ``targeted``.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> prospect = fk.Prospect.create(
            ...     "P-1", account=acme, contact=ada, campaign="spring-list", at=day(1)
            ... )
            >>> prospect.status.value, prospect.history[-1].name
            ('targeted', 'ProspectCreated')
        """
        return cls._start(id, at, {"account": account, "contact": contact, "campaign": campaign})

    @command("ReachedOut")
    def reach_out(self, *, at: datetime) -> Decision:
        """Record that marketing contacted the prospect (again).

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> prospect = fk.Prospect.create(
            ...     "P-1", account=acme, contact=ada, campaign="spring-list", at=day(1)
            ... )
            >>> prospect = prospect.reach_out(at=day(2)).reach_out(at=day(9))
            >>> prospect.status.value, prospect.version
            ('contacted', 3)
        """
        return {}

    @handover("Responded", effect=keep("lead_id"), lead_id=str, touch=Touch)
    def respond(self, *, at: datetime, lead_id: str, touch: Touch) -> tuple[Decision, Lead]:
        """Record a positive response (``touch``) and hand over to a new lead ``lead_id``.

        The lead starts in status ``new`` with the prospect's account and contact, and ``touch``
        as its source; the prospect becomes ``responded``, final. Store both sides.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> prospect = fk.Prospect.create(
            ...     "P-1", account=acme, contact=ada, campaign="spring-list", at=day(1)
            ... )
            >>> touch = fk.Touch(fk.Channel.email, "spring-list", fk.TouchKind.form_submission, day(3))
            >>> handed_over = prospect.respond(at=day(3), lead_id="L-1", touch=touch)
            >>> handed_over.source.status.value, handed_over.source.lead_id
            ('responded', 'L-1')
            >>> handed_over.target.status.value, handed_over.target.prospect_id
            ('new', 'P-1')
        """
        payload = {
            "lead_id": lead_id,
            "touch": touch,
        }
        lead = Lead.create(
            lead_id, account=self.account, contact=self.contact, source=touch, at=at, prospect_id=self.id
        )
        return payload, lead

    @command("Excluded", effect=keep("reason"), reason=str)
    def exclude(self, *, at: datetime, reason: str) -> Decision:
        """Stop marketing to the prospect (opted out, outside the target market), saying why.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> prospect = fk.Prospect.create(
            ...     "P-1", account=acme, contact=ada, campaign="spring-list", at=day(1)
            ... )
            >>> prospect = prospect.exclude(at=day(4), reason="opted out")
            >>> prospect.status.value, prospect.reason, prospect.allowed_events()
            ('excluded', 'opted out', ())
        """
        return {"reason": reason}
