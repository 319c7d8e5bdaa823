"""The buyer's journey: the buyer's own stage, noted apart from the seller's status."""

from datetime import datetime, timezone

import pytest

import funnelkit as fk

ACME = fk.Account("acme", "Acme", fk.AccountKind.company)
B = fk.BuyerStage


def day(n: int) -> datetime:
    return datetime(2026, 7, n, tzinfo=timezone.utc)


def test_the_buyer_may_jump_around_while_the_seller_status_stays() -> None:
    deal = fk.Opportunity.create("O-1", account=ACME, at=day(1))
    for n, stage in enumerate((B.awareness, B.proof, B.interest, B.trial), start=2):
        deal = deal.note_buyer_stage(at=day(n), stage=stage)
    assert (deal.buyer_stage, deal.status.value) == (B.trial, "discovery")
    assert [event.payload["buyer_stage"] for event in deal.history[1:]] == [
        B.awareness,
        B.proof,
        B.interest,
        B.trial,
    ]
    assert fk.load(fk.Opportunity, fk.dump(deal)) == deal
    assert fk.load(fk.Opportunity, fk.snapshot(deal)).buyer_stage is B.trial


def test_a_final_object_takes_no_more_notes_and_a_stage_must_be_a_buyer_stage() -> None:
    won = fk.Opportunity.create("O-1", account=ACME, at=day(1)).win(at=day(2), client_id="C-1").source
    with pytest.raises(fk.TransitionNotAllowed, match="cannot 'note_buyer_stage'"):
        won.note_buyer_stage(at=day(3), stage=B.purchase)
    touch = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, day(1))
    lead = fk.Lead.create("L-1", account=ACME, source=touch, at=day(1))
    with pytest.raises(fk.InvalidInput, match="stage: must be a BuyerStage"):
        lead.note_buyer_stage(at=day(2), stage="interest")  # type: ignore[arg-type]
    assert lead.note_buyer_stage(at=day(2), stage=B.attention).buyer_stage is B.attention
    assert not hasattr(fk.Client, "note_buyer_stage")
