"""Exact amounts of money in one currency."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import total_ordering
from typing import Any

import attrs

from funnelkit._errors import CurrencyMismatch, InvalidInput, Problem

_CURRENCY = re.compile(r"[A-Z]{3}")

DIGITS = 18
"""Amounts are below 10**18 in size: a trillion of anything, with room to spare, and no overflow."""
PLACES = 12
"""The most decimal places an amount may have."""


def _to_decimal(value: object) -> Decimal:
    # floats are refused: 0.1 has no exact binary value, and money must be exact
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise InvalidInput(
            "Money amount",
            [Problem(("amount",), "must be a Decimal, an int or a decimal string", value)],
        )
    try:
        amount = Decimal(value)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise InvalidInput("Money amount", [Problem(("amount",), "must be a finite decimal number", value)])
    # read the digits, not the value: arithmetic on a huge exponent would overflow
    if (amount and amount.adjusted() >= DIGITS) or amount.as_tuple().exponent < -PLACES:  # type: ignore[operator] # finite: an int
        raise InvalidInput(
            "Money amount",
            [
                Problem(
                    ("amount",), f"must be below 10**{DIGITS} in size, with at most {PLACES} places", value
                )
            ],
        )
    return amount


def _check_currency(_instance: object, _attribute: object, value: Any) -> None:  # noqa: ANN401 - checked here
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise InvalidInput(
            "Money currency",
            [
                Problem(
                    ("currency",),
                    "must be a three-letter ISO 4217 code in capitals, such as 'EUR'",
                    value,
                )
            ],
        )


@total_ordering
@attrs.frozen(order=False)
class Money:
    """An exact amount in one currency; arithmetic never mixes currencies.

    Example:
        >>> from funnelkit import Money
        >>> price = Money("1200.00", "EUR")
        >>> price + Money(300, "EUR")
        Money(amount=Decimal('1500.00'), currency='EUR')
        >>> price * 2
        Money(amount=Decimal('2400.00'), currency='EUR')
        >>> price + Money(1, "USD")
        Traceback (most recent call last):
        ...
        funnelkit.CurrencyMismatch: cannot add EUR and USD: ...
    """

    amount: Decimal = attrs.field(converter=_to_decimal)
    """The exact amount; floats are refused."""
    currency: str = attrs.field(validator=_check_currency)
    """The ISO 4217 code, such as ``"EUR"``."""

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return no money in ``currency``, the start of a sum."""
        return cls(Decimal(0), currency)

    @classmethod
    def total(cls, amounts: Iterable[Money], currency: str) -> Money:
        """Add up ``amounts``, all in ``currency``; an empty iterable gives zero.

        >>> Money.total([Money(1, "EUR"), Money("2.5", "EUR")], "EUR")
        Money(amount=Decimal('3.5'), currency='EUR')
        """
        result = cls.zero(currency)
        for amount in amounts:
            result += amount
        return result

    def _same_currency(self, other: Money, operation: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency, operation)

    def __add__(self, other: Money) -> Money:
        """Add two amounts in the same currency."""
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "add")
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        """Subtract an amount in the same currency."""
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "subtract")
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        """Return the amount with its sign flipped."""
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        """Scale by an exact factor, such as a quantity or a stage probability."""
        if isinstance(factor, bool) or not isinstance(factor, (int, Decimal)):
            return NotImplemented
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        """Compare two amounts in the same currency; anything else is not comparable."""
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.amount < other.amount

    def __str__(self) -> str:
        """Show the amount with its currency, as in ``1200.00 EUR``."""
        return f"{self.amount} {self.currency}"
