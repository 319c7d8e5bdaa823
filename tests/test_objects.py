"""Commands on prospects, leads, opportunities and clients, and their hand-overs."""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

import pytest

import funnelkit as fk
import funnelkit.qualification as q

Day = Callable[[int], datetime]


def sales_qualified(lead: fk.Lead, day: Day) -> fk.Lead:
    accepted = lead.work(at=day(2)).mark_marketing_qualified(at=day(3)).accept(at=day(4))
    facts: dict[str, q.FactValue] = {
        "budget": fk.Money(9000, "EUR"),
        "authority": True,
        "need": "late invoices",
    }
    return accepted.record(at=day(5), facts=facts, source="discovery call").qualify(at=day(5))


def test_prospect_responds_into_a_lead(day: Day, acme: fk.Account, ada: fk.Contact) -> None:
    prospect = fk.Prospect.create("P-1", account=acme, contact=ada, at=day(1), campaign="list")
    touch = fk.Touch(fk.Channel.webinar, "launch", fk.TouchKind.demo_request, day(2))
    handed = prospect.reach_out(at=day(2)).respond(at=day(3), lead_id="L-9", touch=touch)
    assert handed.source.status is fk.ProspectStatus.responded
    assert handed.source.lead_id == "L-9"
    assert handed.target.prospect_id == "P-1"
    assert handed.target.source == touch
    assert handed.target.allowed_events()[-2:] == ("fast_track", "disqualify")
    assert prospect.exclude(at=day(2), reason="opted out").reason == "opted out"


def test_a_hand_raiser_may_skip_mql(day: Day, acme: fk.Account, ada: fk.Contact) -> None:
    sales = fk.Touch(fk.Channel.sales, "outbound", fk.TouchKind.meeting, day(1))
    lead = fk.Lead.create("L-2", account=acme, contact=ada, source=sales, at=day(1))
    assert lead.fast_track(at=day(2)).status is fk.LeadStatus.sales_accepted


def test_a_guard_failure_says_why(lead: fk.Lead, day: Day) -> None:
    with pytest.raises(fk.TransitionNotAllowed) as caught:
        lead.fast_track(at=day(2))
    error = caught.value
    assert (error.subject, error.subject_id, error.status, error.command) == (
        "Lead",
        "L-1",
        "new",
        "fast_track",
    )
    assert "fast_track" not in error.allowed
    assert error.failed_guards[0].startswith("may_fast_track: only a hand-raiser")
    assert "because a guard failed" in str(error)


def test_lead_side_roads(lead: fk.Lead, day: Day) -> None:
    touch = fk.Touch(fk.Channel.email, "news", fk.TouchKind.email_open, day(2))
    nurtured = lead.engage(at=day(2), touch=touch).nurture(at=day(3), reason="not ready")
    assert nurtured.touches == (touch,)
    assert nurtured.reason == "not ready"
    recycled = (
        nurtured.reengage(at=day(4)).mark_marketing_qualified(at=day(5)).recycle(at=day(6), reason="rejected")
    )
    assert recycled.recycle_count == 1
    disqualified = recycled.disqualify(at=day(7), reason="competitor")
    assert not disqualified.is_open
    assert disqualified.recycle(at=day(8), reason="new budget").status is fk.LeadStatus.nurturing
    assert lead.is_open


def test_lead_converts_into_an_opportunity(lead: fk.Lead, day: Day) -> None:
    handed = sales_qualified(lead, day).convert(at=day(6), opportunity_id="O-7", amount=fk.Money(500, "EUR"))
    converted, opportunity = handed.source, handed.target
    assert converted.status is fk.LeadStatus.converted
    assert converted.opportunity_id == "O-7"
    assert converted.allowed_events() == ()
    assert (opportunity.lead_id, opportunity.account, opportunity.contact) == (
        "L-1",
        lead.account,
        lead.contact,
    )
    assert opportunity.status.value == "discovery"
    with pytest.raises(fk.TransitionNotAllowed, match="allowed now: nothing: the status is final"):
        converted.nurture(at=day(7), reason="read-only")


def test_rejected_commands_change_nothing(lead: fk.Lead, day: Day) -> None:
    before = fk.dump(lead)
    for command in (
        lambda: lead.qualify(at=day(2)),
        lambda: lead.work(at=datetime(2026, 1, 2)),  # noqa: DTZ001 - naive on purpose
        lambda: lead.nurture(at=day(2), reason="  "),
        lambda: lead.engage(at=day(2), touch="webinar"),  # type: ignore[arg-type]
        lambda: lead.send("fly", at=day(2)),
        lambda: lead.send("work", at=day(2), reason="x"),
    ):
        with pytest.raises(fk.FunnelError):
            command()
    assert fk.dump(lead) == before
    assert len(lead.history) == 1


def test_time_never_goes_backwards(lead: fk.Lead, day: Day) -> None:
    worked = lead.work(at=day(5))
    with pytest.raises(fk.InvalidInput, match="earlier than the latest event") as caught:
        worked.nurture(at=day(4), reason="x")
    assert caught.value.problems[0].location == ("at",)
    assert "Lead 'L-1' in status 'working' cannot 'nurture'" in str(caught.value)


def test_send_is_the_command(lead: fk.Lead, day: Day) -> None:
    assert lead.send("nurture", at=day(2), reason="later") == lead.nurture(at=day(2), reason="later")


def test_creation_checks_its_input(day: Day, acme: fk.Account, ada: fk.Contact) -> None:
    with pytest.raises(fk.InvalidInput, match="id: must be a non-blank string"):
        fk.Client.create("", account=acme, opportunity_id="O-1", at=day(1))
    with pytest.raises(fk.InvalidInput, match="at: must be a timezone-aware"):
        fk.Prospect.create("P-1", account=acme, contact=ada, at=datetime(2026, 1, 1))  # noqa: DTZ001
    with pytest.raises(fk.InvalidInput, match=r"payload\.contact: must be Contact"):
        fk.Prospect.create("P-1", account=acme, contact="ada", at=day(1))  # type: ignore[arg-type]
    with pytest.raises(fk.InvalidInput, match=r"payload\.pipeline: must be Pipeline"):
        fk.Opportunity.create("O-1", account=acme, at=day(1), pipeline="default")  # type: ignore[arg-type]


def test_opportunity_moves_and_forecast(opportunity: fk.Opportunity, day: Day) -> None:
    moved = opportunity.advance(at=day(2)).advance(at=day(3)).move_back(at=day(4))
    assert moved.status.value == "evaluation"
    assert moved.is_open
    assert moved.forecast_category is fk.ForecastCategory.pipeline
    assert moved.weighted_amount == fk.Money("250.00", "EUR")
    with pytest.raises(fk.TransitionNotAllowed, match="cannot 'skip'"):
        moved.skip(at=day(5), to="negotiation")
    lost = moved.lose(at=day(5), reason="pricing")
    assert (lost.status.value, lost.probability, lost.lost_reason) == ("lost", Decimal(0), "pricing")
    reopened = lost.reopen(at=day(6))
    assert reopened.status == fk.DEFAULT_PIPELINE.first


def test_unknown_probability_is_not_zero(day: Day, acme: fk.Account) -> None:
    pipeline = fk.Pipeline("p", (fk.Stage("talk", None, fk.ForecastCategory.pipeline),))
    deal = fk.Opportunity.create("O-2", account=acme, at=day(1), amount=fk.Money(1, "EUR"), pipeline=pipeline)
    assert deal.probability is None
    assert deal.weighted_amount is None


def closing(opportunity: fk.Opportunity, day: Day) -> fk.Opportunity:
    for n in range(2, 6):
        opportunity = opportunity.advance(at=day(n))
    return opportunity


def test_winning_makes_a_client(opportunity: fk.Opportunity, day: Day) -> None:
    handed = closing(opportunity, day).win(at=day(9), client_id="C-1")
    won, client = handed.source, handed.target
    assert (won.status.value, won.probability, won.client_id) == ("won", Decimal(1), "C-1")
    assert won.allowed_events() == ()
    assert client.opportunity_ids == ("O-1",)
    assert client.account == opportunity.account


def test_winning_again_adds_to_the_client(opportunity: fk.Opportunity, day: Day) -> None:
    client = (
        closing(opportunity, day)
        .win(at=day(9), client_id="C-1")
        .target.flag_at_risk(at=day(10), reason="quiet")
    )
    handed = client.expand(at=day(11), opportunity_id="O-2", amount=fk.Money(50, "EUR"))
    assert handed.target.client_id == "C-1"
    assert handed.target.lead_id is None
    second = closing(handed.target, lambda n: day(n + 10))
    updated = second.win(at=day(20), client=handed.source).target
    assert updated.status is fk.ClientStatus.active
    assert updated.opportunity_ids == ("O-1", "O-2")


def test_winning_needs_one_client_and_keeps_an_unknown_amount_unknown(day: Day, acme: fk.Account) -> None:
    deal = closing(fk.Opportunity.create("O-3", account=acme, at=day(1)), day)
    with pytest.raises(fk.InvalidInput) as caught:
        deal.win(at=day(9))
    assert [str(problem) for problem in caught.value.problems] == [
        "client_id: give exactly one of client_id (a new client) or client (the existing one) (got None)",
    ]
    unknown = deal.win(at=day(9), client_id="C-9")
    assert unknown.source.amount is None
    assert unknown.source.history[-1].payload["amount"] is None
    assert fk.load(fk.Opportunity, fk.dump(unknown.source)) == unknown.source
    priced = fk.Money(10, "EUR")
    with pytest.raises(fk.InvalidInput, match="exactly one of client_id"):
        deal.win(at=day(9), amount=priced)
    other = fk.Client.create(
        "C-2",
        account=fk.Account("zeta", "Zeta", fk.AccountKind.consumer),
        opportunity_id="O-0",
        at=day(1),
    )
    with pytest.raises(fk.InvalidInput, match="must be a client of account 'acme'"):
        deal.win(at=day(9), client=other, amount=priced)
    assert deal.win(at=day(9), client_id="C-1", amount=priced).source.amount == priced
    busy = fk.Client.create("C-3", account=acme, opportunity_id="O-0", at=day(10))
    with pytest.raises(fk.InvalidInput) as caught:
        deal.win(at=day(9), client=busy, amount=priced)
    assert str(caught.value).startswith(
        "Opportunity 'O-3' in status 'negotiation' cannot 'win':\n"
        "  - at: is earlier than the latest event, at 2026-01-10T00:00:00+00:00, "
        "says Client 'C-3' in status 'active' cannot 'purchase'"
    )


def test_a_churned_client_must_be_won_back_first(opportunity: fk.Opportunity, day: Day) -> None:
    client = (
        closing(opportunity, day).win(at=day(9), client_id="C-1").target.churn(at=day(10), reason="budget")
    )
    second = closing(
        fk.Opportunity.create("O-2", account=client.account, at=day(11), amount=fk.Money(1, "EUR")),
        lambda n: day(n + 10),
    )
    with pytest.raises(fk.TransitionNotAllowed, match="allowed now: win_back"):
        second.win(at=day(20), client=client)
    back = client.win_back(at=day(21)).flag_at_risk(at=day(22), reason="x").retain(at=day(23))
    assert back.status is fk.ClientStatus.active


class Stamp(datetime):
    """A datetime subclass, as some libraries hand out."""


def test_datetime_subclasses_are_times(lead: fk.Lead) -> None:
    later = Stamp(2026, 1, 9, tzinfo=lead.last_at.tzinfo)
    assert lead.work(at=later).last_at == later
