"""The pipeline change: every reason a deal enters or leaves, worked by hand, and the bridge's invariant."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.analytics as an

START = datetime(2026, 3, 1, tzinfo=timezone.utc)
APRIL = (date(2026, 4, 1), date(2026, 5, 1))
T0, T1 = START + timedelta(days=10), START + timedelta(days=40)


def day(n: int) -> datetime:
    return START + timedelta(days=n)


def deal(
    name: str, amount: str | None, close: date | None, owner: str = "ana", at: int = 0
) -> fk.Opportunity:
    account = fk.Account(f"A-{name}", "A", fk.AccountKind.company)
    money = None if amount is None else fk.Money(amount, "EUR")
    created = fk.Opportunity.create(f"O-{name}", account=account, at=day(at), amount=money)
    if close is not None:
        created = created.estimate(at=day(at), close_date=close)
    return created.assign(at=day(at), owner=owner, reason="hers")


def deals() -> list[fk.Opportunity]:
    omitted = fk.ForecastCategory.omitted
    return [
        deal("S", "100", date(2026, 4, 10)).estimate(at=day(20), amount=fk.Money("150", "EUR")),
        deal("D", "200", date(2026, 4, 10)).estimate(at=day(20), amount=fk.Money("120", "EUR")),
        deal("N", "300", date(2026, 4, 15), at=20),
        deal("R", "40", date(2026, 4, 20)).lose(at=day(5), reason="timing").reopen(at=day(20)),
        deal("PI", "50", date(2026, 6, 1)).estimate(at=day(20), close_date=date(2026, 4, 5)),
        deal("PU", "60", date(2026, 3, 5)).estimate(at=day(20), close_date=date(2026, 4, 25)),
        deal("TI", "70", date(2026, 4, 10), owner="ben").assign(at=day(20), owner="ana", reason="moved"),
        deal("CI", "80", date(2026, 4, 10))
        .set_forecast(at=day(1), category=omitted)
        .set_forecast(at=day(20)),
        deal("W", "90", date(2026, 4, 10)).win(at=day(20), client_id="C-W").source,
        deal("L", "110", date(2026, 4, 10)).lose(at=day(20), reason="pricing"),
        deal("PO", "120", date(2026, 4, 10)).estimate(at=day(20), close_date=date(2026, 5, 10)),
        deal("PL", "130", date(2026, 4, 10)).estimate(at=day(20), close_date=date(2026, 3, 20)),
        deal("TO", "140", date(2026, 4, 10)).assign(at=day(20), owner="ben", reason="moved"),
        deal("CO", "150", date(2026, 4, 10)).set_forecast(at=day(20), category=omitted),
        deal("FT", "160", date(2026, 4, 2), at=15).win(at=day(25), client_id="C-FT").source,
        deal("FB", "5", date(2026, 4, 2), owner="ben", at=15).win(at=day(25), client_id="C-FB").source,
        deal("U", None, date(2026, 4, 10)),
        deal("X", "10", date(2026, 4, 10)).estimate(at=day(20), amount=fk.Money("20", "USD")),
    ]


def events(subjects: list[Any] | None = None) -> list[fk.Event]:
    return [event for subject in (subjects or deals()) for event in subject.history]


def bridge(**options: Any) -> an.PipelineChange:
    return an.pipeline_change(events(), start=T0, end=T1, window=APRIL, owners=["ana"], **options)


def test_every_reason_a_deal_enters_or_leaves() -> None:
    change = bridge()
    eur = {step: change.value(step, "EUR") for step in an.CHANGE_STEPS if change.value(step, "EUR")}
    assert eur == {
        "start": Decimal(1050),
        "new": Decimal(300 + 160),
        "reopened": Decimal(40),
        "pulled_in": Decimal(50),
        "pushed_in": Decimal(60),
        "transferred_in": Decimal(70),
        "category_in": Decimal(80),
        "increased": Decimal(50),
        "decreased": Decimal(80 + 10),
        "won": Decimal(90 + 160),
        "lost": Decimal(110),
        "pushed_out": Decimal(120),
        "pulled_out": Decimal(130),
        "transferred_out": Decimal(140),
        "category_out": Decimal(150),
        "end": Decimal(870),
    }
    assert change.value("increased", "USD") == Decimal(20)
    assert change.value("end", "USD") == Decimal(20)
    deals_won = [
        row for row in change.rows() if row["metric"] == "pipeline_change_deals" and row["step"] == "won"
    ]
    assert deals_won == [{"metric": "pipeline_change_deals", "step": "won", "currency": "EUR", "value": 2}]


def test_a_horizon_tells_deals_pushed_far_from_those_pushed_out() -> None:
    near = bridge(horizon=30)
    far = bridge(horizon=5)
    pushed = ("pushed_out", "pushed_beyond_horizon")
    assert [near.value(step, "EUR") for step in pushed] == [Decimal(120), Decimal(0)]
    assert [far.value(step, "EUR") for step in pushed] == [Decimal(0), Decimal(120)]


def test_reason_precedence_is_a_choice() -> None:
    reordered = bridge(leaving=("transferred_out", "won", "lost", "pushed_out", "pulled_out", "category_out"))
    assert reordered.value("transferred_out", "EUR") == 140
    everywhere = an.pipeline_change(events(), start=T0, end=T1)
    assert everywhere.value("pulled_in", "EUR") == 0  # without a window nothing moves in or out by date
    assert everywhere.value("start", "EUR") == Decimal(
        100 + 200 + 50 + 60 + 70 + 90 + 110 + 120 + 130 + 140 + 150 + 10
    )


def test_weighted_values_weigh_by_the_probability() -> None:
    weighted = bridge(basis="weighted")
    assert weighted.value("start", "EUR") == Decimal("105.0")  # every deal in discovery, at 10 %
    assert weighted.value("new", "EUR") == Decimal("46.0")


def test_a_bridge_reads_as_text_and_merges() -> None:
    text = str(bridge())
    assert text.splitlines()[1].split() == ["step", "EUR", "USD"]
    assert [line.split() for line in text.splitlines() if line.split()[0] in ("start", "end")] == [
        ["start", "1050", "0"],
        ["end", "870", "20"],
    ]
    accumulators = [
        an.ChangeAccumulator(start=T0, end=T1, window=APRIL, owners=["ana"]).add_all(events(part))
        for part in (deals()[:5], deals()[5:])
    ]
    merged = accumulators[0].merge(accumulators[1])
    assert merged.report() == bridge()
    assert merged == accumulators[1].merge(accumulators[0])
    assert merged != "a bridge"
    assert bridge().currencies == ["EUR", "USD"]
    assert bridge().value("won", "GBP") == 0  # nothing moved in that currency
    with pytest.raises(
        fk.InvalidInput, match=r"step: must be a step of the bridge: start, new, .* end \(got 'wonn'\)"
    ):
        bridge().value("wonn", "EUR")
    with pytest.raises(fk.InvalidInput, match="other: must be a ChangeAccumulator with the same options"):
        merged.merge(an.ChangeAccumulator(start=T0, end=T1))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"start": datetime(2026, 3, 1)}, "start: must be a timezone-aware datetime"),  # noqa: DTZ001 - the point
        ({"end": T0}, "end: must be after start"),
        ({"window": (date(2026, 5, 1), date(2026, 4, 1))}, "window: must be"),
        ({"window": APRIL[0]}, "window: must be"),
        ({"owners": "ana"}, "owners: must be a collection"),
        ({"categories": "commit"}, "categories: must be a collection"),
        ({"categories": ["maybe"]}, "categories: must be among"),
        ({"basis": "hope"}, "basis: must be 'amount' or 'weighted'"),
        ({"horizon": -1}, "horizon: must be a whole number"),
        ({"entering": ("new",)}, "entering: must order every one of"),
        ({"leaving": ["won"]}, "leaving: must order every one of"),
    ],
)
def test_wrong_options_are_named(options: dict[str, Any], message: str) -> None:
    with pytest.raises(fk.InvalidInput, match=message):
        an.pipeline_change(events(), **{"start": T0, "end": T1, **options})


CHANGES = st.lists(
    st.tuples(
        st.sampled_from(["estimate", "close", "advance", "win", "lose", "assign", "forecast"]),
        st.integers(1, 60),
        st.integers(0, 400),
    ),
    max_size=6,
)


def drawn_deal(number: int, steps: list[tuple[str, int, int]]) -> fk.Opportunity:
    subject = deal(str(number), "100", date(2026, 4, 1) + timedelta(days=number % 40))
    for command, when, amount in sorted(steps, key=lambda step: step[1]):
        at = max(day(when), subject.last_at)
        if not subject.is_open:
            break
        if command == "estimate":
            subject = subject.estimate(at=at, amount=fk.Money(amount, "EUR" if amount % 3 else "USD"))
        elif command == "close":
            subject = subject.estimate(at=at, close_date=date(2026, 3, 1) + timedelta(days=amount % 120))
        elif command == "advance" and "advance" in subject.allowed_events():
            subject = subject.advance(at=at)
        elif command == "win":
            subject = subject.win(at=at, client_id=f"C-{number}").source
        elif command == "lose":
            subject = subject.lose(at=at, reason="pricing")
        elif command == "assign":
            subject = subject.assign(at=at, owner=["ana", "ben"][amount % 2], reason="moved")
        elif command == "forecast":
            subject = subject.set_forecast(
                at=at, category=list(fk.ForecastCategory)[amount % 5] if amount % 7 else None
            )
    return subject


@given(
    st.lists(CHANGES, max_size=8),
    st.integers(0, 60),
    st.integers(1, 30),
    st.sampled_from(["amount", "weighted"]),
    st.booleans(),
)
def test_the_bridge_always_adds_up(
    histories: list[Any], start: int, length: int, basis: str, scoped: bool
) -> None:
    subjects = [drawn_deal(number, steps) for number, steps in enumerate(histories)]
    options: dict[str, Any] = {"window": APRIL, "owners": ["ana"], "horizon": 10} if scoped else {}
    change = an.pipeline_change(
        events(subjects) if subjects else [],
        start=day(start),
        end=day(start + length),
        basis=basis,
        **options,
    )
    for currency in {str(row["currency"]) for row in change.rows()}:
        values = {step: change.value(step, currency) for step in an.CHANGE_STEPS}
        added = sum((values[step] for step in (*an.ENTERING, "increased")), Decimal(0))
        removed = sum(
            (values[step] for step in (*an.LEAVING, "decreased", "pushed_beyond_horizon")), Decimal(0)
        )
        assert values["end"] == values["start"] + added - removed
