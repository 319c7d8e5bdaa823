"""Opportunities: qualified deals moving through a pipeline to won or lost."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from funnelkit._conversion import Conversion
from funnelkit._errors import Problem
from funnelkit._events import CREATE, JSON_AS, Event
from funnelkit._gates import gate_framework
from funnelkit._money import Money
from funnelkit._pipeline import DEFAULT_PIPELINE, ForecastCategory, Pipeline, Stage
from funnelkit._subject import Subject, creation_event
from funnelkit._values import Account, Contact
from funnelkit.qualification import NO_EVIDENCE, Evidence, Fact, FactValue, Summary
from funnelkit.qualification._recording import collect_facts

if TYPE_CHECKING:
    from funnelkit._client import Client
    from funnelkit._table import TransitionTable


@attrs.frozen(hash=False)
class Opportunity(Subject):
    """A qualified deal in a sales pipeline; its stage sets its probability and forecast category.

    Example:
        >>> from datetime import datetime, timezone
        >>> import funnelkit as fk
        >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
        >>> deal = fk.Opportunity.create(
        ...     "O-1", account=fk.Account("acme", "Acme Ltd", fk.AccountKind.company),
        ...     amount=fk.Money("24000", "EUR"), at=day(1),
        ... )
        >>> deal = deal.advance(at=day(3))
        >>> deal.status.value, deal.probability, deal.forecast_category.value
        ('evaluation', Decimal('0.25'), 'pipeline')
        >>> deal.weighted_amount
        Money(amount=Decimal('6000.00'), currency='EUR')
        >>> deal.lose(at=day(9), reason="went with a competitor").allowed_events()
        ('reopen',)
    """

    id: str
    status: Stage = attrs.field(metadata={JSON_AS: "value"})
    """The stage it is in; stored in JSON as the stage's id."""
    account: Account
    pipeline: Pipeline = DEFAULT_PIPELINE
    contact: Contact | None = None
    lead_id: str | None = None
    """The lead it was converted from; ``None`` for a client's new opportunity."""
    client_id: str | None = None
    """The existing client it was opened for, or the client it made when won."""
    amount: Money | None = None
    """The expected deal size; ``None`` while unknown."""
    lost_reason: str | None = None
    """Why it was last lost."""
    evidence: Evidence = NO_EVIDENCE
    """The discovery facts recorded so far; stage gates judge them."""
    history: tuple[Event, ...] = ()

    lifecycle: ClassVar = DEFAULT_PIPELINE.lifecycle
    _class_table: ClassVar = DEFAULT_PIPELINE.table
    _kind: ClassVar = "Opportunity"
    event_payloads: ClassVar[MappingProxyType[str, dict[str, Any]]] = MappingProxyType(
        {
            CREATE: {
                "account": Account,
                "contact": Contact | None,
                "lead_id": str | None,
                "client_id": str | None,
                "amount": Money | None,
                "pipeline": Pipeline,
            },
            "advance": {"gate": Summary | None},
            "move_back": {},
            "skip": {"to": str, "gate": Summary | None},
            "record": {"facts": tuple[Fact, ...]},
            "win": {"client_id": str, "amount": Money},
            "lose": {"reason": str},
            "reopen": {},
        }
    )

    @classmethod
    def create(
        cls,
        id: str,
        *,
        account: Account,
        at: datetime,
        contact: Contact | None = None,
        lead_id: str | None = None,
        client_id: str | None = None,
        amount: Money | None = None,
        pipeline: Pipeline = DEFAULT_PIPELINE,
    ) -> Opportunity:
        """Open an opportunity in the first stage of ``pipeline``.

        Usually a lead's ``convert`` or a client's ``expand`` does this for you.
        """
        payload = {
            "account": account,
            "contact": contact,
            "lead_id": lead_id,
            "client_id": client_id,
            "amount": amount,
            "pipeline": pipeline,
        }
        given: object = pipeline  # typed, but callers may pass anything: check it is a Pipeline
        target = pipeline.first.value if isinstance(given, Pipeline) else ""
        return cls._created(creation_event(cls, id, at, payload, target))

    @classmethod
    def _created(cls, event: Event) -> Opportunity:
        payload: Any = event.payload
        pipeline: Pipeline = payload["pipeline"]
        return cls(
            event.subject_id,
            pipeline.first,
            payload["account"],
            pipeline,
            payload["contact"],
            payload["lead_id"],
            payload["client_id"],
            payload["amount"],
            history=(event,),
        )

    def _apply(self, event: Event) -> Opportunity:
        payload: Any = event.payload
        return Opportunity(
            self.id,
            self.pipeline.by_value[event.target],
            self.account,
            self.pipeline,
            self.contact,
            self.lead_id,
            payload.get("client_id", self.client_id),
            payload.get("amount", self.amount),
            payload.get("reason", self.lost_reason),
            self.evidence.adding(payload["facts"]) if event.command == "record" else self.evidence,
            (*self.history, event),
        )

    @property
    def _table(self) -> TransitionTable:
        return self.pipeline.table

    @property
    def is_open(self) -> bool:
        """Whether the deal is still being worked: neither won nor lost."""
        return self.status.is_open

    @property
    def probability(self) -> Decimal | None:
        """The stage's default probability of winning; ``None`` when unknown."""
        return self.status.probability

    @property
    def forecast_category(self) -> ForecastCategory:
        """Where the amount counts in the forecast."""
        return self.status.forecast_category

    @property
    def weighted_amount(self) -> Money | None:
        """The amount times the probability; ``None`` when either is unknown."""
        if self.amount is None or self.probability is None:
            return None
        return self.amount * self.probability

    def gate_payload(self, stage: str | None) -> dict[str, object]:
        """The gate result a move into ``stage`` carries: ``None`` when the stage has no gate."""
        criterion = self.pipeline.requirement(stage) if stage is not None else None
        if criterion is None:
            return {"gate": None}
        return {"gate": gate_framework(str(stage), criterion).evaluate(self).summary()}

    def advance(self, *, at: datetime) -> Opportunity:
        """Move to the next stage of the pipeline, if its gate (when it has one) is passed."""
        ids = [stage.value for stage in self.pipeline.stages]
        here = self.status.value
        following = ids[ids.index(here) + 1] if here in ids[:-1] else None
        return self._apply(self._record("advance", at, self.gate_payload(following)))

    def record(
        self, *, at: datetime, facts: Mapping[str, FactValue] | Iterable[Fact], source: str = "recorded"
    ) -> Opportunity:
        """Record discovery facts: a mapping of name to value (all from ``source``), or Facts."""
        return self._apply(self._record("record", at, {"facts": collect_facts(self, facts, source, at)}))

    def move_back(self, *, at: datetime) -> Opportunity:
        """Move back to the previous stage, where the pipeline allows it."""
        return self._apply(self._record("move_back", at))

    def skip(self, *, at: datetime, to: str) -> Opportunity:
        """Jump forward to the later stage ``to``, where the pipeline allows skipping."""
        target = self._text("skip", "to", to)
        return self._apply(self._record("skip", at, {"to": target, **self.gate_payload(target)}))

    def win(
        self,
        *,
        at: datetime,
        client_id: str | None = None,
        client: Client | None = None,
        amount: Money | None = None,
    ) -> Conversion[Opportunity, Client]:
        """Close the deal as won, making a new client ``client_id`` or adding it to ``client``.

        ``amount`` sets the final amount; a won deal must have one. Give ``client`` when the
        account already has a client, and ``client_id`` otherwise.
        """
        from funnelkit._client import Client

        final = self._instance("win", "amount", self.amount if amount is None else amount, Money)
        if (client is None) == (client_id is None):
            raise self._invalid(
                "win",
                [
                    Problem(
                        ("client_id",),
                        "give exactly one of client_id (a new client) or client (the existing one)",
                        client_id,
                    )
                ],
            )
        if client is not None and client.account != self.account:
            raise self._invalid(
                "win",
                [Problem(("client",), f"must be a client of account {self.account.id!r}", client.id)],
            )
        new_id = client.id if client is not None else self._text("win", "client_id", client_id)
        event = self._record("win", at, {"client_id": new_id, "amount": final})
        if client is None:
            updated = Client.create(new_id, account=self.account, opportunity_id=self.id, at=at)
        else:
            updated = client.purchase(at=at, opportunity_id=self.id)
        return Conversion(self._apply(event), updated)

    def lose(self, *, at: datetime, reason: str) -> Opportunity:
        """Close the deal as lost (pricing, competition, no decision, ...), saying why."""
        return self._apply(self._record("lose", at, {"reason": self._text("lose", "reason", reason)}))

    def reopen(self, *, at: datetime) -> Opportunity:
        """Reopen a lost deal in the pipeline's reopen stage; the last lost reason is kept."""
        return self._apply(self._record("reopen", at))
