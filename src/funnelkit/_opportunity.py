"""Opportunities: qualified deals moving through a pipeline to won or lost."""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from funnelkit._command import Decision, command, creation, handover, keep
from funnelkit._errors import Problem
from funnelkit._events import JSON_AS, NEVER, Event
from funnelkit._gates import gate_framework
from funnelkit._log import EMPTY_LOG, Log
from funnelkit._money import Money
from funnelkit._pipeline import DEFAULT_PIPELINE, ForecastCategory, Pipeline, Stage
from funnelkit._subject import Subject
from funnelkit._values import Account, Contact
from funnelkit.qualification import NO_EVIDENCE, Evidence, Fact, FactValue, Summary
from funnelkit.qualification._recording import collect_facts

if TYPE_CHECKING:
    from funnelkit._client import Client
    from funnelkit._table import TransitionTable


def _created(payload: Mapping[str, Any]) -> Mapping[str, object]:
    return {
        name: payload[name] for name in ("account", "contact", "lead_id", "client_id", "amount", "pipeline")
    }


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
    history: Log[Event] = EMPTY_LOG
    """Every event, oldest first: from its creation, or from the snapshot it was restored from."""
    last_at: datetime = attrs.field(default=NEVER, repr=False)
    """When its latest event happened; a new command may not be earlier."""

    lifecycle: ClassVar = DEFAULT_PIPELINE.lifecycle
    _class_table: ClassVar = DEFAULT_PIPELINE.table
    _kind: ClassVar = "Opportunity"
    creation: ClassVar = creation(
        "Created",
        _created,
        account=Account,
        contact=Contact | None,
        lead_id=str | None,
        client_id=str | None,
        amount=Money | None,
        pipeline=Pipeline,
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
        return cls._start(id, at, payload)

    @classmethod
    def _initial(cls, payload: Mapping[str, object]) -> str:
        pipeline = payload["pipeline"]
        return pipeline.first.value if isinstance(pipeline, Pipeline) else ""

    @property
    def _status_map(self) -> Mapping[str, Stage]:
        return self.pipeline.by_value

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

    @command("Advanced", gate=Summary | None)
    def advance(self, *, at: datetime) -> Decision:
        """Move to the next stage of the pipeline, if its gate (when it has one) is passed."""
        ids = [stage.value for stage in self.pipeline.stages]
        here = self.status.value
        following = ids[ids.index(here) + 1] if here in ids[:-1] else None
        return self.gate_payload(following)

    @command(
        "EvidenceRecorded",
        effect=lambda deal, p: {"evidence": deal.evidence.adding(p["facts"])},
        facts=tuple[Fact, ...],
    )
    def record(
        self, *, at: datetime, facts: Mapping[str, FactValue] | Iterable[Fact], source: str = "recorded"
    ) -> Decision:
        """Record discovery facts: a mapping of name to value (all from ``source``), or Facts."""
        return {"facts": collect_facts(self, facts, source, at)}

    @command("MovedBack")
    def move_back(self, *, at: datetime) -> Decision:
        """Move back to the previous stage, where the pipeline allows it."""
        return {}

    @command("Skipped", to=str, gate=Summary | None)
    def skip(self, *, at: datetime, to: str) -> Decision:
        """Jump forward to the later stage ``to``, where the pipeline allows skipping."""
        target = to
        return {"to": target, **self.gate_payload(target)}

    @handover("Won", effect=keep("client_id", "amount"), client_id=str, amount=Money)
    def win(
        self,
        *,
        at: datetime,
        client_id: str | None = None,
        client: Client | None = None,
        amount: Money | None = None,
    ) -> tuple[Decision, Client]:
        """Close the deal as won, making a new client ``client_id`` or adding it to ``client``.

        ``amount`` sets the final amount; a won deal must have one. Give ``client`` when the
        account already has a client, and ``client_id`` otherwise.
        """
        from funnelkit._client import Client

        final = self.amount if amount is None else amount
        problems = []
        if final is None:
            problems.append(Problem(("amount",), "a won deal needs an amount: give amount="))
        if (client is None) == (client_id is None):
            problems.append(
                Problem(
                    ("client_id",),
                    "give exactly one of client_id (a new client) or client (the existing one)",
                    client_id,
                )
            )
        elif client is not None and client.account != self.account:
            problems.append(
                Problem(("client",), f"must be a client of account {self.account.id!r}", client.id)
            )
        if problems:
            raise self._invalid("win", problems)
        new_id = client.id if client is not None else typing.cast("str", client_id)
        if client is None:
            updated = Client.create(new_id, account=self.account, opportunity_id=self.id, at=at)
        else:
            updated = client.purchase(at=at, opportunity_id=self.id)
        return {"client_id": new_id, "amount": final}, updated

    @command("Lost", effect=lambda _deal, p: {"lost_reason": p["reason"]}, reason=str)
    def lose(self, *, at: datetime, reason: str) -> Decision:
        """Close the deal as lost (pricing, competition, no decision, ...), saying why."""
        return {"reason": reason}

    @command("Reopened")
    def reopen(self, *, at: datetime) -> Decision:
        """Reopen a lost deal in the pipeline's reopen stage; the last lost reason is kept."""
        return {}
