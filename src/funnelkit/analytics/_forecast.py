"""The forecast: open deals' amounts by forecast category, weighted by their probability, and rolled up.

An open deal counts in its forecast category and with its probability: the ones set by hand,
else its stage's, in the period of its expected close date. A won deal counts as ``closed`` in
the period it was won, in the roll-ups; a lost one not at all. Amounts are never summed across
currencies, and a deal whose amount (or probability) is unknown is counted apart.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_EVEN, Decimal

from funnelkit._pipeline import LOST_STAGE, WON_STAGE, ForecastCategory, Pipeline, Stage
from funnelkit.analytics._journeys import period_of
from funnelkit.analytics._metrics import CENT, Row
from funnelkit.analytics._records import Record

CATEGORIES = tuple(category.value for category in ForecastCategory)
"""The forecast categories, lowest confidence first, then omitted."""
ROLLUPS = {
    "open_pipeline": ("pipeline", "best_case", "commit"),
    "best_case_forecast": ("best_case", "commit", "closed"),
    "commit_forecast": ("commit", "closed"),
    "closed": ("closed",),
}
"""Salesforce's cumulative roll-ups, each the sum of the categories it names; omitted never counts."""

Cell = tuple[str | None, str, str]
"""A forecast cell: the close period (``None`` when the close date is unknown), category and currency."""


def _stages(pipeline: Pipeline) -> dict[str, Stage]:
    return {WON_STAGE.value: WON_STAGE, LOST_STAGE.value: LOST_STAGE, **{s.value: s for s in pipeline.stages}}


def _cents(value: Decimal) -> str:
    return str(value.quantize(CENT, ROUND_HALF_EVEN))


def _cell_order(cell: Cell) -> tuple[object, ...]:
    close, category, currency = cell
    return close is not None, close or "", CATEGORIES.index(category), currency


def forecast(records: list[Record], period: str) -> Iterator[Row]:
    """Open pipeline and weighted pipeline per category and currency, roll-ups, each per close period."""
    deals = [record for record in records if record.kind == "Opportunity" and record.outcome != "lost"]
    if not deals:
        return
    stages: dict[int, dict[str, Stage]] = {}
    amounts: defaultdict[Cell, Decimal] = defaultdict(Decimal)
    weighted: defaultdict[Cell, Decimal] = defaultdict(Decimal)
    won: defaultdict[Cell, Decimal] = defaultdict(Decimal)
    unknown: Counter[tuple[str, str]] = Counter()
    for deal in deals:
        pipeline: Pipeline = deal.pipeline  # type: ignore[assignment] # every deal's creation says it
        if id(pipeline) not in stages:
            stages[id(pipeline)] = _stages(pipeline)
        stage = stages[id(pipeline)][deal.status]
        if not stage.is_open:  # won: closed, in the period it was won
            if deal.amount is not None:
                closed: Cell = (period_of(deal.closed.date(), period), "closed", deal.amount.currency)  # type: ignore[union-attr]
                won[closed] += deal.amount.amount
            continue
        category = (deal.manual_category or stage.forecast_category).value
        if deal.amount is None:
            unknown["pipeline_unknown_amount", category] += 1
            continue
        close = None if deal.close_date is None else period_of(deal.close_date, period)
        cell: Cell = (close, category, deal.amount.currency)
        amounts[cell] += deal.amount.amount
        chance = stage.probability if deal.manual_probability is None else deal.manual_probability
        if chance is None:
            unknown["pipeline_unknown_probability", category] += 1
        else:
            weighted[cell] += deal.amount.amount * chance
    yield from _per_category("pipeline_amount", _totals(amounts), str)
    yield from _per_category("weighted_pipeline", _totals(weighted), _cents)
    for metric, category in sorted(unknown, key=lambda key: (key[0], CATEGORIES.index(key[1]))):
        yield {"metric": metric, "forecast_category": category, "value": unknown[metric, category]}
    every = {**amounts}
    for cell, amount in won.items():
        every[cell] = every.get(cell, Decimal(0)) + amount
    yield from _rolled_up("forecast", _totals(every))
    yield from _rolled_up("forecast_by_period", every, by_period=True)
    yield from _per_category("weighted_pipeline_by_period", weighted, _cents, by_period=True)


def _totals(cells: dict[Cell, Decimal]) -> dict[Cell, Decimal]:
    """The cells summed over their close periods, each under the close period ``""``."""
    totals: defaultdict[Cell, Decimal] = defaultdict(Decimal)
    for (_, category, currency), amount in cells.items():
        totals["", category, currency] += amount
    return totals


def _per_category(
    metric: str, cells: dict[Cell, Decimal], shown: Callable[[Decimal], str], *, by_period: bool = False
) -> Iterator[Row]:
    for cell in sorted(cells, key=_cell_order):
        close, category, currency = cell
        period = {"close_period": close} if by_period else {}
        yield {
            "metric": metric,
            **period,
            "forecast_category": category,
            "currency": currency,
            "value": shown(cells[cell]),
        }


def _rolled_up(metric: str, cells: dict[Cell, Decimal], *, by_period: bool = False) -> Iterator[Row]:
    where = sorted(
        {(close, currency) for close, _, currency in cells},
        key=lambda c: (c[0] is not None, c[0] or "", c[1]),
    )
    for close, currency in where:
        for rollup, categories in ROLLUPS.items():
            found = [
                cells[close, category, currency]
                for category in categories
                if (close, category, currency) in cells
            ]
            if found:
                period = {"close_period": close} if by_period else {}
                yield {
                    "metric": metric,
                    **period,
                    "rollup": rollup,
                    "currency": currency,
                    "value": str(sum(found, Decimal(0))),
                }
