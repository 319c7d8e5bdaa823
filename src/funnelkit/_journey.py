"""The buyer's journey: where the buyer says they are, apart from where the seller has them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TypeVar

from funnelkit._command import Decision, command, keep
from funnelkit._subject import Subject


class BuyerStage(str, enum.Enum):
    """A stage of the buyer's own journey, which may move in any direction.

    Researching, buyers pass through attention, interest, desire and action; executing a purchase,
    through awareness, interest, trial, proof and purchase. "Prospects jump around": any stage
    may follow any other.
    """

    attention = "attention"
    interest = "interest"
    desire = "desire"
    action = "action"
    awareness = "awareness"
    trial = "trial"
    proof = "proof"
    purchase = "purchase"


J = TypeVar("J", bound="Journeyed")


class Journeyed(Subject):
    """The ``note_buyer_stage`` command of the objects that track the buyer's journey."""

    __slots__ = ()

    @command("BuyerStageNoted", effect=keep("buyer_stage"), buyer_stage=BuyerStage)
    def note_buyer_stage(self: J, *, at: datetime, stage: BuyerStage) -> Decision:  # noqa: PYI019 - the command returns self's kind: a TypeVar binds it
        """Note the buyer's own stage, whatever the seller's status; it may move in any direction.

        Example:
            >>> from datetime import datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 5, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> deal = fk.Opportunity.create("O-1", account=acme, at=day(1))
            >>> deal = deal.note_buyer_stage(at=day(2), stage=fk.BuyerStage.trial)
            >>> deal = deal.note_buyer_stage(at=day(9), stage=fk.BuyerStage.awareness)  # back again
            >>> deal.buyer_stage.value, deal.status.value
            ('awareness', 'discovery')
        """
        return {"buyer_stage": stage}
