"""The forecast rows, worked by hand on deals in every forecast situation."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import funnelkit as fk
import funnelkit.analytics as an

START = datetime(2026, 3, 1, tzinfo=timezone.utc)


def day(n: int) -> datetime:
    return START + timedelta(days=n)


def deal(number: int, amount: str | None, currency: str = "EUR", close: date | None = None) -> fk.Opportunity:
    account = fk.Account(
        f"A-{number}", "A", fk.AccountKind.company, territory="north" if number % 2 else "south"
    )
    money = None if amount is None else fk.Money(amount, currency)
    created = fk.Opportunity.create(f"O-{number}", account=account, at=day(0), amount=money)
    return created if close is None else created.estimate(at=day(1), close_date=close)


def deals() -> list[Any]:
    trial = deal(2, "2000", close=date(2026, 5, 3)).advance(at=day(2)).advance(at=day(3))
    negotiation = deal(3, "500", "USD")
    for n in range(4):
        negotiation = negotiation.advance(at=day(2 + n))
    manual = deal(4, "100", close=date(2026, 4, 20))
    manual = manual.set_forecast(at=day(2), probability=Decimal("0.5"), category=fk.ForecastCategory.commit)
    omitted = deal(8, "50").set_forecast(at=day(2), category=fk.ForecastCategory.omitted)
    return [
        deal(1, "1000", close=date(2026, 4, 15)),
        trial,
        negotiation,
        manual,
        deal(5, None),
        deal(6, "300").win(at=day(9), client_id="C-6").source,
        deal(7, "999").lose(at=day(9), reason="pricing"),
        omitted,
    ]


def table(report: an.Report, metric: str) -> dict[tuple[object, ...], object]:
    return {
        tuple(value for key, value in row.items() if key not in ("metric", "value")): row["value"]
        for row in report.rows()
        if row["metric"] == metric
    }


def report(**options: Any) -> an.Report:
    return an.report([event for subject in deals() for event in subject.history], **options)


def test_open_deals_by_category_and_currency_weighted_by_their_probability() -> None:
    result = report()
    assert table(result, "pipeline_amount") == {
        ("pipeline", "EUR"): "1000",
        ("best_case", "EUR"): "2000",
        ("commit", "EUR"): "100",
        ("commit", "USD"): "500",
        ("omitted", "EUR"): "50",
    }
    assert table(result, "weighted_pipeline") == {
        ("pipeline", "EUR"): "100.00",
        ("best_case", "EUR"): "800.00",
        ("commit", "EUR"): "50.00",
        ("commit", "USD"): "400.00",
        ("omitted", "EUR"): "5.00",
    }
    assert table(result, "pipeline_unknown_amount") == {("pipeline",): 1}


def test_cumulative_roll_ups_as_salesforce_defines_them() -> None:
    assert table(report(), "forecast") == {
        ("open_pipeline", "EUR"): "3100",
        ("best_case_forecast", "EUR"): "2400",
        ("commit_forecast", "EUR"): "400",
        ("closed", "EUR"): "300",
        ("open_pipeline", "USD"): "500",
        ("best_case_forecast", "USD"): "500",
        ("commit_forecast", "USD"): "500",
    }


def test_each_close_period_apart() -> None:
    by_period = table(report(), "forecast_by_period")
    assert by_period == {
        (None, "open_pipeline", "USD"): "500",
        (None, "best_case_forecast", "USD"): "500",
        (None, "commit_forecast", "USD"): "500",
        ("2026-03", "best_case_forecast", "EUR"): "300",
        ("2026-03", "commit_forecast", "EUR"): "300",
        ("2026-03", "closed", "EUR"): "300",
        ("2026-04", "open_pipeline", "EUR"): "1100",
        ("2026-04", "best_case_forecast", "EUR"): "100",
        ("2026-04", "commit_forecast", "EUR"): "100",
        ("2026-05", "open_pipeline", "EUR"): "2000",
        ("2026-05", "best_case_forecast", "EUR"): "2000",
    }
    # the omitted deal has no close date: its period is None, and it never rolls up
    assert table(report(), "weighted_pipeline_by_period")[None, "omitted", "EUR"] == "5.00"
    quarters = table(report(period="quarter"), "forecast_by_period")
    assert quarters["2026-Q2", "open_pipeline", "EUR"] == "3100"


def test_by_owner_or_territory_and_as_of() -> None:
    by_territory = table(report(by=("territory",)), "pipeline_amount")
    assert by_territory["north", "pipeline", "EUR"] == "1000"
    assert by_territory["south", "best_case", "EUR"] == "2000"
    before = table(report(as_of=day(2)), "pipeline_amount")
    # on day 2 the deals that are won, lost or trialling later are open, in stages of the pipeline category
    assert before[("pipeline", "EUR")] == str(1000 + 2000 + 300 + 999)
    assert before[("commit", "EUR")] == "100"


def test_a_deal_without_a_probability_is_weighed_apart() -> None:
    pipeline = fk.ForecastCategory.pipeline
    unsure = fk.Pipeline(
        "unsure", [fk.Stage("talk", None, pipeline), fk.Stage("sign", Decimal("0.9"), pipeline)]
    )
    account = fk.Account("A-9", "A", fk.AccountKind.company)
    talking = fk.Opportunity.create(
        "O-9", account=account, at=day(0), amount=fk.Money("10", "EUR"), pipeline=unsure
    )
    result = an.report(talking.history)
    assert table(result, "pipeline_amount") == {("pipeline", "EUR"): "10"}
    assert table(result, "weighted_pipeline") == {}
    assert table(result, "pipeline_unknown_probability") == {("pipeline",): 1}


def test_no_deal_no_forecast() -> None:
    account = fk.Account("A-1", "A", fk.AccountKind.company)
    lost = fk.Opportunity.create("O-1", account=account, at=day(0)).lose(at=day(1), reason="pricing")
    assert table(an.report(lost.history), "forecast") == {}
    assert table(an.report(lost.history), "pipeline_amount") == {}
