"""Clients: accounts that have bought, may buy again, and may churn."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from funnelkit._command import Decision, command, creation, handover, keep
from funnelkit._events import NEVER, Event
from funnelkit._lifecycles import ClientLifecycle, ClientStatus
from funnelkit._log import EMPTY_LOG, Log
from funnelkit._money import Money
from funnelkit._opportunity import Opportunity
from funnelkit._pipeline import DEFAULT_PIPELINE, Pipeline
from funnelkit._subject import Subject
from funnelkit._table import TransitionTable
from funnelkit._values import Account, Contact


def _created(payload: Mapping[str, Any]) -> Mapping[str, object]:
    return {"account": payload["account"], "opportunity_ids": (payload["opportunity_id"],)}


def _purchased(client: Client, payload: Mapping[str, Any]) -> Mapping[str, object]:
    return {"opportunity_ids": (*client.opportunity_ids, payload["opportunity_id"])}


@attrs.frozen(hash=False)
class Client(Subject):
    """An account that has bought: it keeps its won opportunities and can buy again or churn.

    Example:
        >>> from datetime import datetime, timezone
        >>> import funnelkit as fk
        >>> day = lambda d: datetime(2026, 5, d, tzinfo=timezone.utc)
        >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
        >>> client = fk.Client.create("C-1", account=acme, opportunity_id="O-1", at=day(1))
        >>> client = client.churn(at=day(20), reason="budget cut")
        >>> client.allowed_events()
        ('win_back',)
        >>> client.win_back(at=day(28)).status.value
        'active'
    """

    id: str
    status: ClientStatus
    account: Account
    opportunity_ids: tuple[str, ...] = ()
    """The won opportunities, oldest first."""
    reason: str | None = None
    """Why it was last flagged at risk or churned."""
    history: Log[Event] = EMPTY_LOG
    """Every event, oldest first: from its creation, or from the snapshot it was restored from."""
    last_at: datetime = attrs.field(default=NEVER, repr=False)
    """When its latest event happened; a new command may not be earlier."""

    lifecycle: ClassVar = ClientLifecycle
    _class_table: ClassVar = TransitionTable.derive(ClientLifecycle)
    _kind: ClassVar = "Client"
    _statuses: ClassVar = {status.value: status for status in ClientStatus}
    creation: ClassVar = creation("Created", _created, account=Account, opportunity_id=str)

    @classmethod
    def create(cls, id: str, *, account: Account, opportunity_id: str, at: datetime) -> Client:
        """Make a new, active client from its first won opportunity."""
        return cls._start(id, at, {"account": account, "opportunity_id": opportunity_id})

    @command("Purchased", effect=_purchased, opportunity_id=str)
    def purchase(self, *, at: datetime, opportunity_id: str) -> Decision:
        """Add won opportunity ``opportunity_id``; an at-risk client becomes active again.

        A won opportunity's ``win(client=...)`` does this for you.
        """
        return {"opportunity_id": opportunity_id}

    @handover("Expanded", opportunity_id=str)
    def expand(
        self,
        *,
        at: datetime,
        opportunity_id: str,
        contact: Contact | None = None,
        amount: Money | None = None,
        pipeline: Pipeline = DEFAULT_PIPELINE,
    ) -> tuple[Decision, Opportunity]:
        """Open new opportunity ``opportunity_id`` for this client, to sell it more."""
        text = opportunity_id
        opportunity = Opportunity.create(
            text,
            account=self.account,
            at=at,
            contact=contact,
            client_id=self.id,
            amount=amount,
            pipeline=pipeline,
        )
        return {"opportunity_id": text}, opportunity

    @command("FlaggedAtRisk", effect=keep("reason"), reason=str)
    def flag_at_risk(self, *, at: datetime, reason: str) -> Decision:
        """Mark the client at risk of churning, saying why."""
        return {"reason": reason}

    @command("Retained")
    def retain(self, *, at: datetime) -> Decision:
        """Record that an at-risk client is active again."""
        return {}

    @command("Churned", effect=keep("reason"), reason=str)
    def churn(self, *, at: datetime, reason: str) -> Decision:
        """Record that the client stopped buying, saying why."""
        return {"reason": reason}

    @command("WonBack")
    def win_back(self, *, at: datetime) -> Decision:
        """Record that a churned client is active again."""
        return {}
