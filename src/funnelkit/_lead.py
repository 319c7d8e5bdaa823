"""Leads: people who responded, worked from inquiry to a sales-qualified lead."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, ClassVar

import attrs

from funnelkit._conversion import Conversion
from funnelkit._events import CREATE, Event
from funnelkit._gates import result_guard
from funnelkit._lifecycles import LeadLifecycle, LeadStatus
from funnelkit._money import Money
from funnelkit._opportunity import Opportunity
from funnelkit._pipeline import DEFAULT_PIPELINE, Pipeline
from funnelkit._subject import Subject, creation_event
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
from funnelkit.qualification._recording import collect_facts, disqualified_reason

_STATUS = {status.value: status for status in LeadStatus}


def _may_fast_track(lead: Lead, _payload: object) -> bool:
    return lead.source.kind.is_hand_raise or lead.source.channel is Channel.sales


GUARDS = MappingProxyType(
    {
        "may_fast_track": Guard(
            _may_fast_track,
            "only a hand-raiser (its source touch is a demo or contact request) or a "
            "sales-generated lead (source channel 'sales') may skip marketing qualification",
        ),
        "is_qualified": result_guard(
            "qualification",
            "the qualification framework must find the lead qualified",
            "qualify needs the result of a qualification framework",
        ),
    }
)
DEFAULT_FRAMEWORK = bant()
"""The framework ``qualify`` applies unless given another: BANT, 3 of 4."""


@attrs.frozen(hash=False)
class Lead(Subject):
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
        >>> lead.allowed_events()
        ('work', 'record', 'engage', 'nurture', 'mark_marketing_qualified', 'disqualify')
        >>> lead.fast_track(at=day(2))
        Traceback (most recent call last):
        ...
        funnelkit._errors.TransitionNotAllowed: Lead 'L-1' in status 'new' cannot 'fast_track' ...
    """

    id: str
    status: LeadStatus
    account: Account
    contact: Contact
    source: Touch
    """The response that made the prospect a lead."""
    prospect_id: str | None = None
    """The prospect it came from; ``None`` for a lead captured directly."""
    touches: tuple[Touch, ...] = ()
    """Engagement recorded after the source touch, oldest first."""
    reason: str | None = None
    """Why it was last nurtured, recycled or disqualified."""
    recycle_count: int = 0
    """How many times it was recycled back to nurturing."""
    opportunity_id: str | None = None
    """The opportunity it converted into."""
    evidence: Evidence = NO_EVIDENCE
    """The discovery facts recorded so far; a fact never recorded is unknown."""
    history: tuple[Event, ...] = ()

    lifecycle: ClassVar = LeadLifecycle
    _class_table: ClassVar = TransitionTable.derive(LeadLifecycle, GUARDS)
    _kind: ClassVar = "Lead"
    event_payloads: ClassVar[MappingProxyType[str, dict[str, Any]]] = MappingProxyType(
        {
            CREATE: {
                "account": Account,
                "contact": Contact,
                "source": Touch,
                "prospect_id": str | None,
            },
            "work": {},
            "record": {"facts": tuple[Fact, ...]},
            "engage": {"touch": Touch},
            "nurture": {"reason": str},
            "reengage": {},
            "mark_marketing_qualified": {},
            "accept": {},
            "fast_track": {},
            "qualify": {"qualification": Summary},
            "recycle": {"reason": str},
            "disqualify": {"reason": str},
            "convert": {"opportunity_id": str},
        }
    )

    @classmethod
    def create(
        cls,
        id: str,
        *,
        account: Account,
        contact: Contact,
        source: Touch,
        at: datetime,
        prospect_id: str | None = None,
    ) -> Lead:
        """Capture a new lead, in status ``new``, from the response ``source``."""
        payload = {
            "account": account,
            "contact": contact,
            "source": source,
            "prospect_id": prospect_id,
        }
        return cls._created(creation_event(cls, id, at, payload, LeadStatus.new.value))

    @classmethod
    def _created(cls, event: Event) -> Lead:
        payload = event.payload
        return cls(
            event.subject_id,
            LeadStatus.new,
            payload["account"],  # type: ignore[arg-type]
            payload["contact"],  # type: ignore[arg-type]
            payload["source"],  # type: ignore[arg-type]
            payload["prospect_id"],  # type: ignore[arg-type]
            history=(event,),
        )

    def _apply(self, event: Event) -> Lead:
        payload = event.payload
        command = event.command
        return Lead(
            self.id,
            _STATUS[event.target],
            self.account,
            self.contact,
            self.source,
            self.prospect_id,
            (*self.touches, payload["touch"]) if command == "engage" else self.touches,  # type: ignore[arg-type]
            payload.get("reason", self.reason),  # type: ignore[arg-type]
            self.recycle_count + 1 if command == "recycle" else self.recycle_count,
            payload.get("opportunity_id", self.opportunity_id),  # type: ignore[arg-type]
            self.evidence.adding(payload["facts"]) if command == "record" else self.evidence,  # type: ignore[arg-type]
            (*self.history, event),
        )

    @property
    def is_open(self) -> bool:
        """Whether the lead can still move: neither converted nor disqualified."""
        return self.status not in (LeadStatus.converted, LeadStatus.disqualified)

    def work(self, *, at: datetime) -> Lead:
        """Start working the new lead."""
        return self._apply(self._record("work", at))

    def engage(self, *, at: datetime, touch: Touch) -> Lead:
        """Record one more interaction, such as a webinar attended or an email opened."""
        return self._apply(
            self._record("engage", at, {"touch": self._instance("engage", "touch", touch, Touch)})
        )

    def nurture(self, *, at: datetime, reason: str) -> Lead:
        """Put a lead that is not ready into nurturing, saying why."""
        return self._apply(self._record("nurture", at, {"reason": self._text("nurture", "reason", reason)}))

    def reengage(self, *, at: datetime) -> Lead:
        """Take a nurtured lead back into work."""
        return self._apply(self._record("reengage", at))

    def mark_marketing_qualified(self, *, at: datetime) -> Lead:
        """Mark the lead engaged enough for sales (an MQL)."""
        return self._apply(self._record("mark_marketing_qualified", at))

    def accept(self, *, at: datetime) -> Lead:
        """Record that sales agreed to work the MQL (an SAL)."""
        return self._apply(self._record("accept", at))

    def fast_track(self, *, at: datetime) -> Lead:
        """Hand a hand-raiser or sales-generated lead to sales without MQL."""
        return self._apply(self._record("fast_track", at))

    def record(
        self, *, at: datetime, facts: Mapping[str, FactValue] | Iterable[Fact], source: str = "recorded"
    ) -> Lead:
        """Record discovery facts: a mapping of name to value (all from ``source``), or Facts."""
        return self._apply(self._record("record", at, {"facts": collect_facts(self, facts, source, at)}))

    def qualify(self, *, at: datetime, framework: Framework = DEFAULT_FRAMEWORK) -> Lead:
        """Make the lead sales-qualified (an SQL) if ``framework`` finds it qualified.

        The framework's verdicts are kept in the event. A lead it does not find qualified is
        refused with the failing criteria in the error.
        """
        result = self._instance("qualify", "framework", framework, Framework).evaluate(self)
        return self._apply(self._record("qualify", at, {"qualification": result.summary()}))

    def recycle(self, *, at: datetime, reason: str) -> Lead:
        """Send the lead back to nurturing (sales rejected it, or it was disqualified), saying why."""
        return self._apply(self._record("recycle", at, {"reason": self._text("recycle", "reason", reason)}))

    def disqualify(self, *, at: datetime, reason: str | QualificationResult) -> Lead:
        """Record that the lead will not buy (no need, wrong market, competitor, junk), saying why."""
        return self._apply(
            self._record("disqualify", at, {"reason": disqualified_reason(self, "disqualify", reason)})
        )

    def convert(
        self,
        *,
        at: datetime,
        opportunity_id: str,
        amount: Money | None = None,
        pipeline: Pipeline = DEFAULT_PIPELINE,
    ) -> Conversion[Lead, Opportunity]:
        """Convert the sales-qualified lead into opportunity ``opportunity_id``.

        The opportunity takes over the account and contact and starts in the pipeline's first
        stage; the lead becomes ``converted``, final and read-only.
        """
        event = self._record(
            "convert",
            at,
            {"opportunity_id": self._text("convert", "opportunity_id", opportunity_id)},
        )
        opportunity = Opportunity.create(
            opportunity_id,
            account=self.account,
            contact=self.contact,
            at=at,
            lead_id=self.id,
            amount=amount,
            pipeline=pipeline,
        )
        return Conversion(self._apply(event), opportunity)
