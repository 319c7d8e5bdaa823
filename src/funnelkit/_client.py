"""Clients: accounts that have bought, may buy again, and may churn."""

from __future__ import annotations

from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar

import attrs

from funnelkit._conversion import Conversion
from funnelkit._events import CREATE, Event
from funnelkit._lifecycles import ClientLifecycle, ClientStatus
from funnelkit._money import Money
from funnelkit._opportunity import Opportunity
from funnelkit._pipeline import DEFAULT_PIPELINE, Pipeline
from funnelkit._subject import Subject, creation_event
from funnelkit._table import TransitionTable
from funnelkit._values import Account, Contact

_STATUS = {status.value: status for status in ClientStatus}


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
    history: tuple[Event, ...] = ()

    lifecycle: ClassVar = ClientLifecycle
    _class_table: ClassVar = TransitionTable.derive(ClientLifecycle)
    _kind: ClassVar = "Client"
    event_payloads: ClassVar[MappingProxyType[str, dict[str, Any]]] = MappingProxyType(
        {
            CREATE: {"account": Account, "opportunity_id": str},
            "purchase": {"opportunity_id": str},
            "expand": {"opportunity_id": str},
            "flag_at_risk": {"reason": str},
            "retain": {},
            "churn": {"reason": str},
            "win_back": {},
        }
    )

    @classmethod
    def create(cls, id: str, *, account: Account, opportunity_id: str, at: datetime) -> Client:
        """Make a new, active client from its first won opportunity."""
        payload = {"account": account, "opportunity_id": opportunity_id}
        return cls._created(creation_event(cls, id, at, payload, ClientStatus.active.value))

    @classmethod
    def _created(cls, event: Event) -> Client:
        payload: Any = event.payload
        return cls(
            event.subject_id,
            ClientStatus.active,
            payload["account"],
            (payload["opportunity_id"],),
            history=(event,),
        )

    def _apply(self, event: Event) -> Client:
        payload: Any = event.payload
        return Client(
            self.id,
            _STATUS[event.target],
            self.account,
            (*self.opportunity_ids, payload["opportunity_id"])
            if event.command == "purchase"
            else self.opportunity_ids,
            payload.get("reason", self.reason),
            (*self.history, event),
        )

    def purchase(self, *, at: datetime, opportunity_id: str) -> Client:
        """Add won opportunity ``opportunity_id``; an at-risk client becomes active again.

        A won opportunity's ``win(client=...)`` does this for you.
        """
        text = self._text("purchase", "opportunity_id", opportunity_id)
        return self._apply(self._record("purchase", at, {"opportunity_id": text}))

    def expand(
        self,
        *,
        at: datetime,
        opportunity_id: str,
        contact: Contact | None = None,
        amount: Money | None = None,
        pipeline: Pipeline = DEFAULT_PIPELINE,
    ) -> Conversion[Client, Opportunity]:
        """Open new opportunity ``opportunity_id`` for this client, to sell it more."""
        text = self._text("expand", "opportunity_id", opportunity_id)
        event = self._record("expand", at, {"opportunity_id": text})
        opportunity = Opportunity.create(
            text,
            account=self.account,
            at=at,
            contact=contact,
            client_id=self.id,
            amount=amount,
            pipeline=pipeline,
        )
        return Conversion(self._apply(event), opportunity)

    def flag_at_risk(self, *, at: datetime, reason: str) -> Client:
        """Mark the client at risk of churning, saying why."""
        return self._apply(
            self._record("flag_at_risk", at, {"reason": self._text("flag_at_risk", "reason", reason)})
        )

    def retain(self, *, at: datetime) -> Client:
        """Record that an at-risk client is active again."""
        return self._apply(self._record("retain", at))

    def churn(self, *, at: datetime, reason: str) -> Client:
        """Record that the client stopped buying, saying why."""
        return self._apply(self._record("churn", at, {"reason": self._text("churn", "reason", reason)}))

    def win_back(self, *, at: datetime) -> Client:
        """Record that a churned client is active again."""
        return self._apply(self._record("win_back", at))
