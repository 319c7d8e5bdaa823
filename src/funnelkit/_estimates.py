"""An opportunity's estimates: its amount and close date as last estimated, and its forecast.

The forecast is the stage's probability and category unless set by hand. Each re-estimate and
each forecast set by hand is an event, so a forecast as of any past day can be replayed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from funnelkit._command import Decision, command, keep
from funnelkit._errors import Problem
from funnelkit._money import Money
from funnelkit._pipeline import ForecastCategory
from funnelkit._subject import Subject

if TYPE_CHECKING:
    from funnelkit._pipeline import Stage

E = TypeVar("E", bound="Estimable")


class Estimable(Subject):
    """The estimates and forecast of an opportunity, whose fields it declares."""

    __slots__ = ()

    if TYPE_CHECKING:
        status: Stage
        amount: Money | None
        close_date: date | None
        manual_probability: Decimal | None
        manual_category: ForecastCategory | None

    @property
    def probability(self) -> Decimal | None:
        """The probability of winning: set by hand while the deal is open, else the stage's.

        ``None`` when unknown, which is never the same as 0.
        """
        if self.manual_probability is not None and self.status.is_open:
            return self.manual_probability
        return self.status.probability

    @property
    def forecast_category(self) -> ForecastCategory:
        """Where the amount counts in the forecast: set by hand while the deal is open, else the stage's."""
        if self.manual_category is not None and self.status.is_open:
            return self.manual_category
        return self.status.forecast_category

    @property
    def forecast_is_manual(self) -> bool:
        """Whether a probability or forecast category set by hand overrides the stage's now."""
        return self.status.is_open and (
            self.manual_probability is not None or self.manual_category is not None
        )

    @property
    def weighted_amount(self) -> Money | None:
        """The amount times the probability; ``None`` when either is unknown."""
        if self.amount is None or self.probability is None:
            return None
        return self.amount * self.probability

    @command("Estimated", effect=keep("amount", "close_date"), amount=Money | None, close_date=date | None)
    def estimate(  # noqa: PYI019 - the command returns self's kind: a TypeVar binds it
        self: E, *, at: datetime, amount: Money | None = None, close_date: date | None = None
    ) -> Decision:
        """Re-estimate the amount, the expected close date or both; what is not given stays.

        Each estimate is an event, so a forecast as of any past day, or how often a close date was
        pushed, can be worked out from the history.

        Raises:
            InvalidInput: neither is given, or the close date is not a date.
            TransitionNotAllowed: the deal is closed (won or lost).

        Example:
            >>> from datetime import date, datetime, timezone
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> deal = fk.Opportunity.create("O-1", account=acme, at=day(1))
            >>> deal = deal.estimate(at=day(2), amount=fk.Money("24000", "EUR"), close_date=date(2026, 6, 30))
            >>> deal = deal.estimate(at=day(9), close_date=date(2026, 7, 31))
            >>> deal.amount, deal.close_date
            (Money(amount=Decimal('24000'), currency='EUR'), datetime.date(2026, 7, 31))
        """
        if amount is None and close_date is None:
            raise self._invalid("estimate", [Problem(("amount",), "give amount=, close_date= or both")])
        return {
            "amount": self.amount if amount is None else amount,
            "close_date": self.close_date if close_date is None else close_date,
        }

    @command(
        "ForecastSet",
        effect=keep("manual_probability", "manual_category"),
        manual_probability=Decimal | None,
        manual_category=ForecastCategory | None,
    )
    def set_forecast(  # noqa: PYI019 - the command returns self's kind: a TypeVar binds it
        self: E, *, at: datetime, probability: Decimal | None = None, category: ForecastCategory | None = None
    ) -> Decision:
        """Set the probability, the forecast category or both by hand; with neither, go back to the stage's.

        What is set by hand holds, through stage changes, until it is set again; a closed deal
        counts as its stage says (won 1, lost 0).

        Raises:
            InvalidInput: the probability is not a Decimal from 0 to 1.

        Example:
            >>> from datetime import datetime, timezone
            >>> from decimal import Decimal
            >>> import funnelkit as fk
            >>> day = lambda d: datetime(2026, 4, d, tzinfo=timezone.utc)
            >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
            >>> deal = fk.Opportunity.create("O-1", account=acme, at=day(1))
            >>> commit = fk.ForecastCategory.commit
            >>> deal = deal.set_forecast(at=day(2), probability=Decimal("0.5"), category=commit)
            >>> deal.probability, deal.forecast_category.value, deal.forecast_is_manual
            (Decimal('0.5'), 'commit', True)
            >>> deal.set_forecast(at=day(3)).probability
            Decimal('0.10')
        """
        if probability is not None and not 0 <= probability <= 1:
            raise self._invalid(
                "set_forecast", [Problem(("probability",), "must be from 0 to 1", probability)]
            )
        return {"manual_probability": probability, "manual_category": category}
