"""Opportunity estimates: amount and close date re-estimated as events, forecasts set by hand."""

import itertools
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import pytest

import funnelkit as fk
import funnelkit.qualification as q

AT = datetime(2026, 4, 1, tzinfo=timezone.utc)
ACME = fk.Account("acme", "Acme", fk.AccountKind.company)
EUR = fk.Money("24000", "EUR")


def day(n: int) -> datetime:
    return datetime(2026, 4, n, tzinfo=timezone.utc)


def deal() -> fk.Opportunity:
    return fk.Opportunity.create("O-1", account=ACME, at=day(1))


def test_estimates_are_events_and_a_close_date_pushed_can_be_counted() -> None:
    estimated = (
        deal()
        .estimate(at=day(2), amount=EUR, close_date=date(2026, 6, 30))
        .estimate(at=day(5), close_date=date(2026, 7, 31))
        .estimate(at=day(9), amount=fk.Money("20000", "EUR"))
        .estimate(at=day(12), close_date=date(2026, 9, 30))
    )
    assert (estimated.amount, estimated.close_date) == (fk.Money("20000", "EUR"), date(2026, 9, 30))
    dates = [event.payload["close_date"] for event in estimated.history if event.command == "estimate"]
    assert all(isinstance(each, date) for each in dates)
    pushed = sum(str(later) > str(earlier) for earlier, later in itertools.pairwise(dates))
    assert pushed == 2
    # the estimate as of any past day is a replay of the events up to it
    as_of = fk.replay([event for event in estimated.history if event.at <= day(6)])
    assert (as_of.amount, as_of.close_date) == (EUR, date(2026, 7, 31))
    assert fk.load(fk.Opportunity, fk.dump(estimated)) == estimated
    assert fk.dump(estimated)["history"][-1]["payload"]["close_date"] == "2026-09-30"


def test_bad_estimates_change_nothing() -> None:
    original = deal()
    with pytest.raises(fk.InvalidInput, match="give amount=, close_date= or both"):
        original.estimate(at=day(2))
    with pytest.raises(fk.InvalidInput, match="close_date: must be a date or None"):
        original.estimate(at=day(2), close_date=day(30))  # a datetime is not the day it means
    with pytest.raises(fk.InvalidInput, match="close_date: must be a date or None"):
        original.estimate(at=day(2), close_date="2026-06-30")  # type: ignore[arg-type]
    lost = original.lose(at=day(3), reason="no budget")
    with pytest.raises(fk.TransitionNotAllowed, match="cannot 'estimate'"):
        lost.estimate(at=day(4), amount=EUR)
    assert original.version == 1
    with pytest.raises(fk.InvalidInput, match="close_date: must be an ISO 8601 date"):
        fk.load(
            fk.Opportunity,
            _with_close_date(original.estimate(at=day(2), close_date=date(2026, 6, 1)), "June"),
        )


def _with_close_date(subject: fk.Opportunity, text: str) -> dict[str, Any]:
    document: dict[str, Any] = fk.dump(subject)
    document["history"][-1]["payload"]["close_date"] = text
    return document


def test_a_forecast_set_by_hand_holds_until_set_again_while_the_deal_is_open() -> None:
    manual = deal().set_forecast(at=day(2), probability=Decimal("0.5"), category=fk.ForecastCategory.commit)
    moved = manual.estimate(at=day(3), amount=EUR).advance(at=day(4))
    assert (moved.probability, moved.forecast_category, moved.forecast_is_manual) == (
        Decimal("0.5"),
        fk.ForecastCategory.commit,
        True,
    )
    assert moved.weighted_amount == fk.Money("12000", "EUR")
    only_category = moved.set_forecast(at=day(5), category=fk.ForecastCategory.best_case)
    assert (only_category.probability, only_category.forecast_category.value) == (
        Decimal("0.25"),
        "best_case",
    )
    cleared = moved.set_forecast(at=day(5))
    assert (cleared.probability, cleared.forecast_is_manual) == (Decimal("0.25"), False)
    lost = moved.lose(at=day(6), reason="competitor")
    assert (lost.probability, lost.forecast_category, lost.forecast_is_manual) == (
        Decimal(0),
        fk.ForecastCategory.omitted,
        False,
    )
    with pytest.raises(fk.InvalidInput, match="probability: must be from 0 to 1"):
        deal().set_forecast(at=day(2), probability=Decimal("1.5"))
    restored = fk.load(fk.Opportunity, fk.snapshot(moved))
    assert (restored.manual_probability, restored.manual_category) == (
        Decimal("0.5"),
        fk.ForecastCategory.commit,
    )


def test_a_deal_is_won_from_any_stage_no_gate_follows_with_its_amount_unknown_if_so() -> None:
    created = fk.Opportunity.create("O-7", account=ACME, at=datetime(2025, 1, 10, tzinfo=timezone.utc))
    won = created.win(at=datetime(2025, 3, 2, tzinfo=timezone.utc), client_id="C-7")  # a backfilled deal
    assert (won.source.status.value, won.source.amount, len(won.source.history)) == ("won", None, 2)
    gated = fk.DEFAULT_PIPELINE.gated_by(q.meddic())  # trial, proof and negotiation are gated
    early = fk.Opportunity.create("O-8", account=ACME, at=AT, pipeline=gated)
    assert "win" not in early.allowed_events()
    with pytest.raises(fk.TransitionNotAllowed, match="cannot 'win'"):
        early.win(at=AT, client_id="C-8")
    assert "win" in gated.table.by_status["negotiation"]
    assert [stage for stage, events in gated.table.by_status.items() if "win" in events] == ["negotiation"]
