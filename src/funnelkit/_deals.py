"""Opportunities and clients: the two objects that create each other.

A won opportunity makes its client (or adds to one), and a client's ``expand`` opens a new
opportunity: both hand-overs live here, beside both objects, so neither module imports the other.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from funnelkit._accounts import AccountHolder
from funnelkit._command import Decision, command, creation, handover, keep
from funnelkit._committee import Committee
from funnelkit._custom import Customizable
from funnelkit._errors import Problem
from funnelkit._estimates import Estimable
from funnelkit._events import NEVER, Event
from funnelkit._fields import JSON_AS
from funnelkit._journey import BuyerStage, Journeyed
from funnelkit._json import NO_FIELDS, Fields
from funnelkit._lifecycles import ClientLifecycle, ClientStatus
from funnelkit._log import EMPTY_LOG, Log
from funnelkit._money import Money
from funnelkit._ownership import Assignable
from funnelkit._pipeline import DEFAULT_PIPELINE, ForecastCategory, Pipeline, Stage
from funnelkit._recording import collect_facts
from funnelkit._table import TransitionTable
from funnelkit._values import Account, Contact
from funnelkit.qualification import NO_EVIDENCE, Evidence, Fact, FactValue, Summary


def _opportunity_created(payload: Mapping[str, Any]) -> Mapping[str, object]:
    return {
        name: payload[name] for name in ("account", "contact", "lead_id", "client_id", "amount", "pipeline")
    }


@attrs.frozen(hash=False)
class Opportunity(Journeyed, Estimable, Assignable, Customizable, AccountHolder, Committee):
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
        ('reopen', 'assign', 'set_fields', 'tag', 'untag', 'update_account', 'add_contact', 'remove_contact')
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
    """The expected deal size; ``None`` while unknown (never 0 for unknown)."""
    close_date: date | None = None
    """When the deal is expected to close, as last estimated; ``None`` while unknown."""
    manual_probability: Decimal | None = None
    """A probability set by hand with :meth:`set_forecast`; ``None`` leaves it to the stage."""
    manual_category: ForecastCategory | None = None
    """A forecast category set by hand with :meth:`set_forecast`; ``None`` leaves it to the stage."""
    lost_reason: str | None = None
    """Why it was last lost."""
    evidence: Evidence = NO_EVIDENCE
    """The discovery facts recorded so far; stage gates judge them."""
    owner: str | None = None
    """The user or team it is assigned to; ``None`` while nobody is."""
    buyer_stage: BuyerStage | None = None
    """Where the buyer says they are in their own journey; ``None`` until noted."""
    committee: tuple[Contact, ...] = ()
    """The buying committee: the people on the buyer's side, each in their role."""
    fields: Fields = NO_FIELDS
    """Custom fields of your own: JSON values under snake_case names."""
    tags: frozenset[str] = frozenset()
    """Tags of your own."""
    history: Log[Event] = EMPTY_LOG
    """Every event, oldest first: from its creation, or from the snapshot it was restored from."""
    last_at: datetime = attrs.field(default=NEVER, repr=False)
    """When its latest event happened; a new command may not be earlier."""

    lifecycle: ClassVar = DEFAULT_PIPELINE.lifecycle
    _class_table: ClassVar = DEFAULT_PIPELINE.table
    _kind: ClassVar = "Opportunity"
    creation: ClassVar = creation(
        "Created",
        _opportunity_created,
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

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> deal = fk.Opportunity.create("O-1", account=acme, amount=fk.Money("24000", "EUR"), at=day(1))
            >>> deal.status.value, deal.probability, deal.pipeline.name
            ('discovery', Decimal('0.10'), 'default')
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

    def gate_payload(self, stage: str | None) -> dict[str, object]:
        """The gate result a move into ``stage`` carries: ``None`` when the stage has no gate."""
        gate = self.pipeline.gates.get(stage) if isinstance(stage, str) else None
        if gate is None:
            return {"gate": None}
        return {"gate": gate.evaluate(self).summary()}

    @command("Advanced", gate=Summary | None)
    def advance(self, *, at: datetime) -> Decision:
        """Move to the next stage of the pipeline, if its gate (when it has one) is passed.

        The gate's verdicts, if any, are kept in the event.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> deal = fk.Opportunity.create("O-1", account=acme, amount=fk.Money("24000", "EUR"), at=day(1))
            >>> deal = deal.advance(at=day(3)).advance(at=day(9))
            >>> deal.status.value, deal.forecast_category.value, deal.weighted_amount
            ('trial', 'best_case', Money(amount=Decimal('9600.00'), currency='EUR'))
        """
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
        """Record discovery facts: a mapping of name to value (all from ``source``), or Facts.

        The deal keeps its stage; the facts are added to ``evidence``, where stage gates judge
        them.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> deal = fk.Opportunity.create("O-1", account=acme, amount=fk.Money("24000", "EUR"), at=day(1))
            >>> deal = deal.record(at=day(2), facts={"metrics": "cut close from 10 to 3 days"}, source="call")
            >>> deal.status.value, deal.evidence.latest("metrics").value
            ('discovery', 'cut close from 10 to 3 days')
        """
        return {"facts": collect_facts(self, facts, source, at)}

    @command("MovedBack")
    def move_back(self, *, at: datetime) -> Decision:
        """Move back to the previous stage, where the pipeline allows it.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> deal = fk.Opportunity.create("O-1", account=acme, amount=fk.Money("24000", "EUR"), at=day(1))
            >>> deal = deal.advance(at=day(3)).move_back(at=day(6))
            >>> deal.status.value, deal.probability
            ('discovery', Decimal('0.10'))
        """
        return {}

    @command("Skipped", to=str, gate=Summary | None)
    def skip(self, *, at: datetime, to: str) -> Decision:
        """Jump forward to the later stage ``to``, where the pipeline allows skipping.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> from decimal import Decimal
            >>> F = fk.ForecastCategory
            >>> self_serve = fk.Pipeline(
            ...     "self-serve",
            ...     (
            ...         fk.Stage("trial", Decimal("0.2"), F.pipeline),
            ...         fk.Stage("quote", Decimal("0.7"), F.commit),
            ...     ),
            ...     allow_skip=True,
            ... )
            >>> deal = fk.Opportunity.create("O-2", account=acme, at=day(1), pipeline=self_serve)
            >>> deal.skip(at=day(2), to="won")
            Traceback (most recent call last):
            ...
            funnelkit.TransitionNotAllowed: Opportunity 'O-2' in status 'trial' cannot 'skip' ...
            >>> deal.skip(at=day(2), to="quote").status.value
            'quote'
        """
        target = to
        return {"to": target, **self.gate_payload(target)}

    @handover("Won", effect=keep("client_id", "amount"), client_id=str, amount=Money | None)
    def win(
        self,
        *,
        at: datetime,
        client_id: str | None = None,
        client: Client | None = None,
        amount: Money | None = None,
    ) -> tuple[Decision, Client]:
        """Close the deal as won, making a new client ``client_id`` or adding it to ``client``.

        ``amount`` sets the final amount; without it the deal keeps the amount it has, which may
        be unknown (``None``; reports count unknown amounts apart). Give ``client`` when the
        account already has a client, and ``client_id`` otherwise. Store both sides. A deal may
        be won from any open stage that no gated stage follows.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> deal = fk.Opportunity.create("O-1", account=acme, amount=fk.Money("24000", "EUR"), at=day(1))
            >>> for d in (3, 9, 15, 20):
            ...     deal = deal.advance(at=day(d))
            >>> deal.status.value
            'negotiation'
            >>> won = deal.win(at=day(28), client_id="C-1", amount=fk.Money("22500", "EUR"))
            >>> won.source.status.value, won.source.amount, won.source.client_id
            ('won', Money(amount=Decimal('22500'), currency='EUR'), 'C-1')
            >>> won.target.status.value, won.target.opportunity_ids
            ('active', ('O-1',))
        """
        final = self.amount if amount is None else amount
        problems = []
        if (client is None) == (client_id is None):
            problems.append(
                Problem(
                    ("client_id",),
                    "give exactly one of client_id (a new client) or client (the existing one)",
                    client_id,
                )
            )
        elif client is not None and client.account.id != self.account.id:
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
        """Close the deal as lost (pricing, competition, no decision, ...), saying why.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> deal = fk.Opportunity.create("O-1", account=acme, amount=fk.Money("24000", "EUR"), at=day(1))
            >>> deal = deal.lose(at=day(12), reason="went with a competitor")
            >>> deal.status.value, deal.lost_reason, deal.probability
            ('lost', 'went with a competitor', Decimal('0'))
        """
        return {"reason": reason}

    @command("Reopened")
    def reopen(self, *, at: datetime) -> Decision:
        """Reopen a lost deal in the pipeline's reopen stage; the last lost reason is kept.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> deal = fk.Opportunity.create("O-1", account=acme, amount=fk.Money("24000", "EUR"), at=day(1))
            >>> deal = deal.lose(at=day(12), reason="no decision").reopen(at=day(30))
            >>> deal.status.value, deal.lost_reason
            ('discovery', 'no decision')
        """
        return {}


def _client_created(payload: Mapping[str, Any]) -> Mapping[str, object]:
    return {"account": payload["account"], "opportunity_ids": (payload["opportunity_id"],)}


def _purchased(client: Client, payload: Mapping[str, Any]) -> Mapping[str, object]:
    return {"opportunity_ids": (*client.opportunity_ids, payload["opportunity_id"])}


@attrs.frozen(hash=False)
class Client(Assignable, Customizable, AccountHolder):
    """An account that has bought: it keeps its won opportunities and can buy again or churn.

    Example:
        >>> from datetime import datetime, timezone
        >>> import funnelkit as fk
        >>> day = lambda d: datetime(2026, 5, d, tzinfo=timezone.utc)
        >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
        >>> client = fk.Client.create("C-1", account=acme, opportunity_id="O-1", at=day(1))
        >>> client = client.churn(at=day(20), reason="budget cut")
        >>> client.allowed_events()
        ('win_back', 'assign', 'set_fields', 'tag', 'untag', 'update_account')
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
    owner: str | None = None
    """The user or team it is assigned to; ``None`` while nobody is."""
    fields: Fields = NO_FIELDS
    """Custom fields of your own: JSON values under snake_case names."""
    tags: frozenset[str] = frozenset()
    """Tags of your own."""
    history: Log[Event] = EMPTY_LOG
    """Every event, oldest first: from its creation, or from the snapshot it was restored from."""
    last_at: datetime = attrs.field(default=NEVER, repr=False)
    """When its latest event happened; a new command may not be earlier."""

    lifecycle: ClassVar = ClientLifecycle
    _class_table: ClassVar = TransitionTable.derive(ClientLifecycle)
    _kind: ClassVar = "Client"
    _statuses: ClassVar = {status.value: status for status in ClientStatus}
    creation: ClassVar = creation("Created", _client_created, account=Account, opportunity_id=str)

    @classmethod
    def create(cls, id: str, *, account: Account, opportunity_id: str, at: datetime) -> Client:
        """Make a new, active client from its first won opportunity.

        Usually a won opportunity's ``win`` does this for you.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> client = fk.Client.create("C-1", account=acme, opportunity_id="O-1", at=day(1))
            >>> client.status.value, client.opportunity_ids
            ('active', ('O-1',))
        """
        return cls._start(id, at, {"account": account, "opportunity_id": opportunity_id})

    @command("Purchased", effect=_purchased, opportunity_id=str)
    def purchase(self, *, at: datetime, opportunity_id: str) -> Decision:
        """Add won opportunity ``opportunity_id``; an at-risk client becomes active again.

        A won opportunity's ``win(client=...)`` does this for you.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> client = fk.Client.create("C-1", account=acme, opportunity_id="O-1", at=day(1))
            >>> client = client.flag_at_risk(at=day(10), reason="usage dropped")
            >>> client = client.purchase(at=day(20), opportunity_id="O-7")
            >>> client.status.value, client.opportunity_ids
            ('active', ('O-1', 'O-7'))
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
        """Open new opportunity ``opportunity_id`` for this client, to sell it more.

        The client keeps its status; the opportunity starts in the pipeline's first stage, for
        the client's account. Store both sides.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> client = fk.Client.create("C-1", account=acme, opportunity_id="O-1", at=day(1))
            >>> expanded = client.expand(at=day(25), opportunity_id="O-2", amount=fk.Money("8000", "EUR"))
            >>> expanded.source.status.value, expanded.source.history[-1].name
            ('active', 'ClientExpanded')
            >>> expanded.target.status.value, expanded.target.client_id
            ('discovery', 'C-1')
        """
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
        """Mark the client at risk of churning, saying why.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> client = fk.Client.create("C-1", account=acme, opportunity_id="O-1", at=day(1))
            >>> client = client.flag_at_risk(at=day(10), reason="usage dropped")
            >>> client.status.value, client.reason
            ('at_risk', 'usage dropped')
        """
        return {"reason": reason}

    @command("Retained")
    def retain(self, *, at: datetime) -> Decision:
        """Record that an at-risk client is active again.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> client = fk.Client.create("C-1", account=acme, opportunity_id="O-1", at=day(1))
            >>> client = client.flag_at_risk(at=day(10), reason="usage dropped")
            >>> client.retain(at=day(14)).status.value
            'active'
        """
        return {}

    @command("Churned", effect=keep("reason"), reason=str)
    def churn(self, *, at: datetime, reason: str) -> Decision:
        """Record that the client stopped buying, saying why.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> client = fk.Client.create("C-1", account=acme, opportunity_id="O-1", at=day(1))
            >>> client = client.churn(at=day(20), reason="budget cut")
            >>> client.status.value, client.reason, client.allowed_events()
            ('churned', 'budget cut', ('win_back', 'assign', 'set_fields', 'tag', 'untag', 'update_account'))
        """
        return {"reason": reason}

    @command("WonBack")
    def win_back(self, *, at: datetime) -> Decision:
        """Record that a churned client is active again.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> client = fk.Client.create("C-1", account=acme, opportunity_id="O-1", at=day(1))
            >>> client = client.churn(at=day(20), reason="budget cut")
            >>> client.win_back(at=day(28)).status.value
            'active'
        """
        return {}
