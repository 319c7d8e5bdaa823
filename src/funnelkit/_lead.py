"""Leads: people who responded, worked from inquiry to a sales-qualified lead."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from funnelkit._accounts import AccountHolder
from funnelkit._command import Decision, command, creation, handover, keep
from funnelkit._custom import Customizable
from funnelkit._deals import Opportunity
from funnelkit._errors import InvalidInput, Problem
from funnelkit._events import NEVER, Event
from funnelkit._gates import result_guard
from funnelkit._journey import BuyerStage, Journeyed
from funnelkit._json import NO_FIELDS, Fields
from funnelkit._lifecycles import LeadLifecycle, LeadStatus
from funnelkit._log import EMPTY_LOG, Log
from funnelkit._money import Money
from funnelkit._ownership import Assignable
from funnelkit._pipeline import DEFAULT_PIPELINE, Pipeline
from funnelkit._recording import collect_facts, disqualified_reason
from funnelkit._scores import QUALIFY, Policy, Recommendation
from funnelkit._table import Guard, TransitionTable
from funnelkit._values import Account, Channel, Contact, Touch
from funnelkit.qualification import (
    NO_EVIDENCE,
    Evidence,
    Fact,
    FactValue,
    Framework,
    QualificationResult,
    Summary,
    bant,
)


def _may_fast_track(lead: Lead, _payload: object) -> bool:
    return lead.source.is_hand_raise or lead.source.channel is Channel.sales


def _policy_agrees(_lead: object, payload: Mapping[str, object]) -> bool:
    advice = payload.get("recommendation")
    return advice is None or (isinstance(advice, Recommendation) and advice.command == QUALIFY)


def _policy_disagrees(_lead: object, payload: Mapping[str, object]) -> str:
    advice: Any = payload.get("recommendation")
    return f"policy {advice.policy!r} recommends {advice.command or 'neither'}: {advice.reason}"


GUARDS = {
    "may_fast_track": Guard(
        _may_fast_track,
        "only a hand-raiser (its source touch is a demo or contact request) or a "
        "sales-generated lead (source channel 'sales') may skip marketing qualification",
    ),
    "policy_agrees": Guard(
        _policy_agrees,
        "the MQL policy passed, if any, must recommend mark_marketing_qualified",
        reads_payload=True,
        explain=_policy_disagrees,
    ),
    "is_qualified": result_guard(
        "qualification",
        "the qualification framework must find the lead qualified",
        "qualify needs the result of a qualification framework",
    ),
}
DEFAULT_FRAMEWORK = bant()
"""The framework ``qualify`` applies unless given another: BANT, 3 of 4."""


def _created(payload: Mapping[str, Any]) -> Mapping[str, object]:
    return {name: payload[name] for name in ("account", "contact", "source", "prospect_id")}


@attrs.frozen(hash=False)
class Lead(Journeyed, Assignable, Customizable, AccountHolder):
    """A prospect that responded positively; worked until it converts or is disqualified.

    Example:
        >>> from datetime import datetime, timezone
        >>> import funnelkit as fk
        >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
        >>> lead = fk.Lead.create(
        ...     "L-1",
        ...     account=fk.Account("acme", "Acme Ltd", fk.AccountKind.company),
        ...     contact=fk.Contact("Ada Byron", "ada@acme.example"),
        ...     source=fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, day(1)),
        ...     at=day(1),
        ... )
        >>> lead.allowed_events()  # doctest: +NORMALIZE_WHITESPACE
        ('work', 'record', 'engage', 'assign', 'note_buyer_stage', 'set_fields', 'tag',
         'untag', 'update_account', 'nurture', 'mark_marketing_qualified', 'disqualify')
        >>> lead.fast_track(at=day(2))
        Traceback (most recent call last):
        ...
        funnelkit.TransitionNotAllowed: Lead 'L-1' in status 'new' cannot 'fast_track' ...
    """

    id: str
    status: LeadStatus
    account: Account
    contact: Contact | None
    """The person who responded; ``None`` for a company-level or anonymous lead."""
    source: Touch
    """The response that made the prospect a lead."""
    prospect_id: str | None = None
    """The prospect it came from; ``None`` for a lead captured directly."""
    touches: Log[Touch] = EMPTY_LOG
    """Engagement recorded after the source touch, oldest first."""
    reason: str | None = None
    """Why it was last nurtured, recycled or disqualified."""
    recycle_count: int = 0
    """How many times it was recycled back to nurturing."""
    opportunity_id: str | None = None
    """The opportunity it converted into."""
    evidence: Evidence = NO_EVIDENCE
    """The discovery facts recorded so far; a fact never recorded is unknown."""
    owner: str | None = None
    """The user or team it is assigned to; ``None`` while nobody is."""
    buyer_stage: BuyerStage | None = None
    """Where the buyer says they are in their own journey; ``None`` until noted."""
    fields: Fields = NO_FIELDS
    """Custom fields of your own: JSON values under snake_case names."""
    tags: frozenset[str] = frozenset()
    """Tags of your own."""
    history: Log[Event] = EMPTY_LOG
    """Every event, oldest first: from its creation, or from the snapshot it was restored from."""
    last_at: datetime = attrs.field(default=NEVER, repr=False)
    """When its latest event happened; a new command may not be earlier."""

    lifecycle: ClassVar = LeadLifecycle
    _class_table: ClassVar = TransitionTable.derive(LeadLifecycle, GUARDS)
    _kind: ClassVar = "Lead"
    _statuses: ClassVar = {status.value: status for status in LeadStatus}
    creation: ClassVar = creation(
        "Created", _created, account=Account, contact=Contact | None, source=Touch, prospect_id=str | None
    )

    @classmethod
    def create(
        cls,
        id: str,
        *,
        account: Account,
        contact: Contact | None = None,
        source: Touch,
        at: datetime,
        prospect_id: str | None = None,
    ) -> Lead:
        """Capture a new lead, in status ``new``, from the response ``source``.

        A prospect's ``respond`` creates its lead; call this for a lead captured directly.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> form = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, day(1))
            >>> lead = fk.Lead.create("L-1", account=acme, contact=ada, source=form, at=day(1))
            >>> lead.status.value, lead.source.kind.value, lead.history[-1].name
            ('new', 'form_submission', 'LeadCreated')
        """
        payload = {"account": account, "contact": contact, "source": source, "prospect_id": prospect_id}
        return cls._start(id, at, payload)

    @property
    def is_open(self) -> bool:
        """Whether the lead can still move: neither converted nor disqualified."""
        return self.status not in (LeadStatus.converted, LeadStatus.disqualified)

    @command("WorkStarted")
    def work(self, *, at: datetime) -> Decision:
        """Start working the new lead.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> form = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, day(1))
            >>> lead = fk.Lead.create("L-1", account=acme, contact=ada, source=form, at=day(1))
            >>> lead.work(at=day(2)).status.value
            'working'
        """
        return {}

    @command("Engaged", effect=lambda lead, p: {"touches": lead.touches.append(p["touch"])}, touch=Touch)
    def engage(self, *, at: datetime, touch: Touch) -> Decision:
        """Record one more interaction, such as a webinar attended or an email opened.

        The lead keeps its status; the touch is added to ``touches``.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> form = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, day(1))
            >>> lead = fk.Lead.create("L-1", account=acme, contact=ada, source=form, at=day(1))
            >>> webinar = fk.Touch(fk.Channel.webinar, "spring-launch", fk.TouchKind.webinar, day(5))
            >>> lead = lead.engage(at=day(5), touch=webinar)
            >>> lead.status.value, [touch.kind.value for touch in lead.touches]
            ('new', ['webinar'])
        """
        return {"touch": touch}

    @command("Nurtured", effect=keep("reason"), reason=str)
    def nurture(self, *, at: datetime, reason: str) -> Decision:
        """Put a lead that is not ready into nurturing, saying why.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> form = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, day(1))
            >>> lead = fk.Lead.create("L-1", account=acme, contact=ada, source=form, at=day(1))
            >>> lead = lead.nurture(at=day(2), reason="no budget until autumn")
            >>> lead.status.value, lead.reason
            ('nurturing', 'no budget until autumn')
        """
        return {"reason": reason}

    @command("Reengaged")
    def reengage(self, *, at: datetime) -> Decision:
        """Take a nurtured lead back into work.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> form = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, day(1))
            >>> lead = fk.Lead.create("L-1", account=acme, contact=ada, source=form, at=day(1))
            >>> lead = lead.nurture(at=day(2), reason="no budget until autumn")
            >>> lead.reengage(at=day(20)).status.value
            'working'
        """
        return {}

    @command("MarketingQualified", recommendation=Recommendation | None)
    def mark_marketing_qualified(self, *, at: datetime, policy: Policy | None = None) -> Decision:
        """Mark the lead engaged enough for sales (an MQL), on a policy's word if one is given.

        With ``policy`` (such as an ``sc.MqlPolicy``), the lead is scored at ``at`` and marked
        only if the policy recommends it; otherwise the command is refused with the policy's
        reasons. The event keeps the recommendation, score and explanation included, so why a
        lead became an MQL can be read back later. Without a policy, marking is a person's call
        and the event's ``recommendation`` is ``None``.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> form = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, day(1))
            >>> lead = fk.Lead.create("L-1", account=acme, contact=ada, source=form, at=day(1))
            >>> lead.work(at=day(2)).mark_marketing_qualified(at=day(6)).status.value
            'marketing_qualified'
        """
        if policy is None:
            return {"recommendation": None}
        advice: object = policy.recommend(self, at=at)  # typed, but a policy of your own may err
        if not isinstance(advice, Recommendation):
            problem = Problem(("policy",), "must recommend with a Recommendation", advice)
            raise InvalidInput(self._context("mark_marketing_qualified"), [problem])
        return {"recommendation": advice}

    @command("Accepted")
    def accept(self, *, at: datetime) -> Decision:
        """Record that sales agreed to work the MQL (an SAL).

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> form = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, day(1))
            >>> lead = fk.Lead.create("L-1", account=acme, contact=ada, source=form, at=day(1))
            >>> lead = lead.mark_marketing_qualified(at=day(6))
            >>> lead.accept(at=day(7)).status.value
            'sales_accepted'
        """
        return {}

    @command("FastTracked")
    def fast_track(self, *, at: datetime) -> Decision:
        """Hand a hand-raiser or sales-generated lead to sales without MQL.

        The guard ``may_fast_track`` refuses any other lead: its source touch must be a demo or
        contact request, or come through the ``sales`` channel.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> demo = fk.Touch(fk.Channel.webinar, "spring-launch", fk.TouchKind.demo_request, day(1))
            >>> lead = fk.Lead.create("L-1", account=acme, contact=ada, source=demo, at=day(1))
            >>> lead.fast_track(at=day(2)).status.value
            'sales_accepted'
        """
        return {}

    @command(
        "EvidenceRecorded",
        effect=lambda lead, p: {"evidence": lead.evidence.adding(p["facts"])},
        facts=tuple[Fact, ...],
    )
    def record(
        self, *, at: datetime, facts: Mapping[str, FactValue] | Iterable[Fact], source: str = "recorded"
    ) -> Decision:
        """Record discovery facts: a mapping of name to value (all from ``source``), or Facts.

        The lead keeps its status; the facts are added to ``evidence``, where qualification
        frameworks judge them.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> form = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, day(1))
            >>> lead = fk.Lead.create("L-1", account=acme, contact=ada, source=form, at=day(1))
            >>> lead = lead.record(at=day(3), facts={"budget": True, "need": "slow invoicing"}, source="call")
            >>> lead.status.value, lead.evidence.latest("need").value, lead.evidence.latest("need").source
            ('new', 'slow invoicing', 'call')
        """
        return {"facts": collect_facts(self, facts, source, at)}

    @command("Qualified", qualification=Summary)
    def qualify(self, *, at: datetime, framework: Framework = DEFAULT_FRAMEWORK) -> Decision:
        """Make the lead sales-qualified (an SQL) if ``framework`` finds it qualified.

        The framework's verdicts are kept in the event. A lead it does not find qualified is
        refused with the failing criteria in the error.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> demo = fk.Touch(fk.Channel.webinar, "spring-launch", fk.TouchKind.demo_request, day(1))
            >>> lead = fk.Lead.create("L-1", account=acme, contact=ada, source=demo, at=day(1))
            >>> lead = lead.fast_track(at=day(2))
            >>> facts = {"budget": True, "authority": True, "need": "slow invoicing"}
            >>> lead = lead.record(at=day(3), facts=facts)
            >>> lead = lead.qualify(at=day(4))
            >>> lead.status.value, lead.history[-1].payload["qualification"].outcome
            ('sales_qualified', 'qualified')
        """
        result = framework.evaluate(self)
        return {"qualification": result.summary()}

    @command(
        "Recycled",
        effect=lambda lead, p: {"reason": p["reason"], "recycle_count": lead.recycle_count + 1},
        reason=str,
    )
    def recycle(self, *, at: datetime, reason: str) -> Decision:
        """Send the lead back to nurturing (sales rejected it, or it was disqualified), saying why.

        The lead counts how often it was recycled, in ``recycle_count``.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> form = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, day(1))
            >>> lead = fk.Lead.create("L-1", account=acme, contact=ada, source=form, at=day(1))
            >>> lead = lead.mark_marketing_qualified(at=day(6))
            >>> lead = lead.recycle(at=day(8), reason="sales: no project this year")
            >>> lead.status.value, lead.recycle_count
            ('nurturing', 1)
        """
        return {"reason": reason}

    @command("Disqualified", effect=keep("reason"), reason=str)
    def disqualify(self, *, at: datetime, reason: str | QualificationResult) -> Decision:
        """Record that the lead will not buy (no need, wrong market, competitor, junk), saying why.

        ``reason`` may also be a qualification result that disqualifies the lead; its reasons are
        then the reason.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> form = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, day(1))
            >>> lead = fk.Lead.create("L-1", account=acme, contact=ada, source=form, at=day(1))
            >>> lead = lead.disqualify(at=day(3), reason="student, no buying power")
            >>> lead.status.value, lead.reason, lead.allowed_events()  # doctest: +NORMALIZE_WHITESPACE
            ('disqualified', 'student, no buying power',
             ('assign', 'set_fields', 'tag', 'untag', 'update_account', 'recycle'))
        """
        return {"reason": disqualified_reason(self, "disqualify", reason)}

    @handover("Converted", effect=keep("opportunity_id"), opportunity_id=str)
    def convert(
        self,
        *,
        at: datetime,
        opportunity_id: str,
        amount: Money | None = None,
        pipeline: Pipeline = DEFAULT_PIPELINE,
    ) -> tuple[Decision, Opportunity]:
        """Convert the sales-qualified lead into opportunity ``opportunity_id``.

        The opportunity takes over the account and contact and starts in the pipeline's first
        stage; the lead's discovery facts, owner, custom fields and tags go with it, as the
        opportunity's own ``record``, ``assign``, ``set_fields`` and ``tag`` events (the lead
        keeps its copy). The lead becomes
        ``converted``, final and read-only. Store both sides.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 3, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> ada = fk.Contact("Ada Byron", "ada@acme.example")
            >>> demo = fk.Touch(fk.Channel.webinar, "spring-launch", fk.TouchKind.demo_request, day(1))
            >>> lead = fk.Lead.create("L-1", account=acme, contact=ada, source=demo, at=day(1))
            >>> lead = lead.fast_track(at=day(2))
            >>> facts = {"budget": True, "authority": True, "need": "slow invoicing"}
            >>> lead = lead.record(at=day(3), facts=facts)
            >>> converted = lead.qualify(at=day(4)).convert(
            ...     at=day(5), opportunity_id="O-1", amount=fk.Money("24000", "EUR")
            ... )
            >>> converted.source.status.value, converted.source.opportunity_id
            ('converted', 'O-1')
            >>> deal = converted.target
            >>> deal.status.value, deal.lead_id, deal.amount
            ('discovery', 'L-1', Money(amount=Decimal('24000'), currency='EUR'))
        """
        text = opportunity_id
        opportunity = Opportunity.create(
            text,
            account=self.account,
            contact=self.contact,
            at=at,
            lead_id=self.id,
            amount=amount,
            pipeline=pipeline,
        )
        # what the lead learned goes with it, as events of the opportunity's own
        if self.evidence.facts:
            opportunity = opportunity.record(at=at, facts=self.evidence.facts)
        if self.owner is not None:
            opportunity = opportunity.assign(
                at=at, owner=self.owner, reason=f"carried over from lead {self.id}"
            )
        if self.fields:
            opportunity = opportunity.set_fields(at=at, **self.fields)
        if self.tags:
            opportunity = opportunity.tag(at=at, tags=self.tags)
        return {"opportunity_id": text}, opportunity
