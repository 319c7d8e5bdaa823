from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
from funnelkit import testing


@given(testing.money("EUR"), testing.money("EUR"))
def test_addition_is_exact_and_commutative(a: fk.Money, b: fk.Money) -> None:
    assert a + b == b + a
    assert (a + b).amount == a.amount + b.amount
    assert a + b - b == a
    negated = -a
    assert -negated == a


@given(testing.money("EUR"), st.integers(-1000, 1000))
def test_scaling_by_an_integer(a: fk.Money, factor: int) -> None:
    assert (a * factor).amount == a.amount * factor
    assert factor * a == a * factor


@given(st.lists(testing.money("USD"), max_size=5))
def test_total_adds_everything(amounts: list[fk.Money]) -> None:
    assert fk.Money.total(amounts, "USD").amount == sum((m.amount for m in amounts), Decimal(0))


@given(testing.money("EUR"), testing.money("USD"))
def test_currencies_never_mix(a: fk.Money, b: fk.Money) -> None:
    for operation in (lambda: a + b, lambda: a - b, lambda: a < b):
        with pytest.raises(fk.CurrencyMismatch, match="EUR and USD"):
            operation()


def test_comparisons_within_one_currency() -> None:
    assert fk.Money(1, "EUR") < fk.Money("1.5", "EUR") <= fk.Money("1.50", "EUR")
    assert fk.Money(2, "EUR") > fk.Money(1, "EUR")
    assert str(fk.Money("9.90", "EUR")) == "9.90 EUR"


def test_multiplying_by_a_float_is_refused() -> None:
    with pytest.raises(TypeError):
        fk.Money(1, "EUR") * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        fk.Money(1, "EUR") * True


@pytest.mark.parametrize("amount", [1.5, True, None, "abc", "NaN", "Infinity", [1]])
def test_bad_amounts_are_refused(amount: object) -> None:
    with pytest.raises(fk.InvalidInput) as caught:
        fk.Money(amount, "EUR")
    assert caught.value.problems[0].location == ("amount",)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("currency", ["eur", "EURO", "", 978])
def test_bad_currencies_are_refused(currency: object) -> None:
    with pytest.raises(fk.InvalidInput, match="three-letter ISO 4217"):
        fk.Money(1, currency)  # type: ignore[arg-type]


def test_money_with_anything_else_is_a_type_error() -> None:
    price: Any = fk.Money("1", "EUR")
    attempts: tuple[Callable[[], object], ...] = (
        lambda: price + 5,
        lambda: price - 5,
        lambda: 5 - price,
        lambda: price >= 50000,
        lambda: price < 3,
        lambda: price * 1.5,
    )
    for attempt in attempts:
        with pytest.raises(TypeError):
            attempt()
    assert price != 1


@pytest.mark.parametrize("amount", ["1e999999999", "1E+18", "0.0000000000001", "-1000000000000000000"])
def test_amounts_stay_within_their_bounds(amount: str) -> None:
    with pytest.raises(fk.InvalidInput, match=r"must be below 10\*\*18 in size, with at most 12 places"):
        fk.Money(amount, "EUR")
    assert fk.Money("999999999999999999.999999999999", "EUR").amount.adjusted() == 17
