"""Campaigns and channels: what each brought in, by first and by last touch, and what it was worth.

A journey counts for the campaign and channel of its first touch (the prospect's campaign, or
the response that made the lead) and, apart, for those of its last touch before it converted.
Given campaign costs, a campaign's cost per lead and per opportunity and its value (won revenue
less cost) follow, per attribution, in the cost's currency.
"""

from __future__ import annotations

import operator
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import chain

from funnelkit._errors import InvalidInput, Problem
from funnelkit._money import Money
from funnelkit.analytics._journeys import ALL_STEPS, FIRST, LAST, PROSPECT_REACHED, REVENUE, UNKNOWN, Journey
from funnelkit.analytics._metrics import CENT, Row
from funnelkit.analytics._records import LEAD, OPPORTUNITY, WON, Record

ATTRIBUTIONS = ("first_touch", "last_touch")
COUNTED = (("leads_generated", LEAD), ("opportunities_created", OPPORTUNITY), ("deals_won", WON))
"""The journey counts per campaign, each with the step that counts a journey in."""


def _key(source: tuple[object, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((value is not None, str(value or "")) for value in source)


Cell = tuple[str, "str | None", "str | None", str]
"""An attribution, a campaign, a channel, and a metric (or, for revenue, a currency)."""


def campaigns(journeys: list[Journey], costs: Mapping[str, Money]) -> Iterator[Row]:
    """Per attribution, campaign and channel: prospects reached, leads, opportunities, wins, revenue."""
    counts, revenue = _tally(journeys)
    order = ("prospects_reached", *(metric for metric, _ in COUNTED), "deals_won_unknown_amount")
    for key in sorted({key[:3] for key in counts}, key=lambda key: (key[0], *_key(key[1:]))):
        attribution, campaign, channel = key
        where = {"attribution": attribution, "campaign": campaign, "channel": channel}
        for metric in order:
            number = counts.get((attribution, campaign, channel, metric))
            if number:
                yield {"metric": metric, **where, "value": number}
        for cell in sorted(cell for cell in revenue if cell[:3] == key):
            yield {"metric": "won_revenue", **where, "currency": cell[3], "value": str(revenue[cell])}
    yield from _values(counts, revenue, costs)


_SIGNATURE = operator.itemgetter(FIRST, LAST, ALL_STEPS, PROSPECT_REACHED, UNKNOWN)
"""What a journey's counts depend on: many journeys share it, so each is worked out once."""
_REVENUE = operator.itemgetter(REVENUE)
_TOUCHES = operator.attrgetter("touches")


def _tally(journeys: list[Journey]) -> tuple[Counter[Cell], defaultdict[Cell, Decimal]]:
    names = ("prospects_reached", *(metric for metric, _ in COUNTED), "deals_won_unknown_amount")
    totals: dict[tuple[str, str | None, str | None], list[int]] = {}
    for (first, last, steps, reached, unknown), number in Counter(map(_SIGNATURE, journeys)).items():
        counted = [number if steps & step else 0 for _, step in COUNTED]
        for attribution, (campaign, channel) in (("first_touch", first), ("last_touch", last)):
            total = totals.setdefault((attribution, campaign, channel), [0] * len(names))
            total[0] += number if reached and attribution == "first_touch" else 0
            for index, number_in in enumerate(counted, start=1):
                total[index] += number_in
            total[-1] += unknown * number
    revenue: defaultdict[Cell, Decimal] = defaultdict(Decimal)
    for journey in filter(_REVENUE, journeys):  # the journeys with a won deal of known amount
        (first_campaign, first_channel), (last_campaign, last_channel) = journey[FIRST], journey[LAST]
        for currency, amount in journey[REVENUE]:
            revenue["first_touch", first_campaign, first_channel, currency] += amount
            revenue["last_touch", last_campaign, last_channel, currency] += amount
    counts: Counter[Cell] = Counter(
        {
            (*key, name): number
            for key, total in totals.items()
            for name, number in zip(names, total, strict=True)
        }
    )
    return counts, revenue


def _values(
    counts: Counter[Cell], revenue: Mapping[Cell, Decimal], costs: Mapping[str, Money]
) -> Iterator[Row]:
    """Each campaign's cost, cost per lead and per opportunity, and value, per attribution."""
    problems = []
    for campaign, cost in sorted(costs.items()):
        others = sorted({cell[3] for cell in revenue if cell[1] == campaign} - {cost.currency})
        if others:
            message = f"is in {cost.currency}, but the campaign's won revenue is in {', '.join(others)}"
            problems.append(Problem(("costs", campaign), message, cost))
    if problems:
        raise InvalidInput("cannot report campaign value", problems)
    for campaign, cost in sorted(costs.items()):
        yield {
            "metric": "campaign_cost",
            "campaign": campaign,
            "currency": cost.currency,
            "value": str(cost.amount),
        }
        for attribution in ATTRIBUTIONS:
            where = {"attribution": attribution, "campaign": campaign, "currency": cost.currency}
            for metric, counted in (
                ("cost_per_lead", "leads_generated"),
                ("cost_per_opportunity", "opportunities_created"),
            ):
                number = sum(
                    n
                    for key, n in counts.items()
                    if key[0] == attribution and key[1] == campaign and key[3] == counted
                )
                if number:
                    yield {
                        "metric": metric,
                        **where,
                        "value": str((cost.amount / number).quantize(CENT, ROUND_HALF_EVEN)),
                    }
            unknown = sum(
                n
                for key, n in counts.items()
                if key[0] == attribution and key[1] == campaign and key[3] == "deals_won_unknown_amount"
            )
            if unknown:  # a won deal of unknown amount: the value is unknown too, never understated
                continue
            won = sum(
                (v for key, v in revenue.items() if key[0] == attribution and key[1] == campaign), Decimal(0)
            )
            yield {"metric": "campaign_value", **where, "value": str(won - cost.amount)}


RATES = (("click_through_rate", "click", "impression"), ("touch_conversion_rate", "form_submission", "click"))
"""Touch-level rates: the share of one kind of touch that led to the next."""


def touches(records: list[Record]) -> Iterator[Row]:
    """Touches per campaign, channel and kind; click-through and conversion rates where they apply."""
    tally = Counter(chain.from_iterable(map(_TOUCHES, records)))
    for campaign, channel, kind in sorted(tally):
        yield {
            "metric": "touches",
            "campaign": campaign,
            "channel": channel,
            "touch_kind": kind,
            "value": tally[campaign, channel, kind],
        }
    for metric, done, base in RATES:
        for campaign, channel in sorted({key[:2] for key in tally}):
            if tally[campaign, channel, base]:
                share = tally[campaign, channel, done] / tally[campaign, channel, base]
                yield {"metric": metric, "campaign": campaign, "channel": channel, "value": share}
