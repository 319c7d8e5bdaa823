"""The metrics: each a function from a group of records or journeys to tidy rows.

A row is a dict with ``"metric"`` and ``"value"`` and the keys that say what it counts (such
as ``"kind"`` and ``"status"``). Money is a decimal string, rates and days are floats, counts are
ints. The formulas are in the reference page "Funnel metrics".
"""

from __future__ import annotations

import math
import operator
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import chain, compress

from funnelkit.analytics._journeys import CONVERTED, FIRST_TOUCH, PASSES, WON_AT, Journey
from funnelkit.analytics._records import SECONDS_PER_DAY, STEPS, Record

Row = dict[str, object]
CENT = Decimal("0.01")
REASONS = {
    ("Prospect", "excluded"): "excluded_reason",
    ("Lead", "disqualified"): "disqualified_reason",
    ("Opportunity", "lost"): "lost_reason",
    ("Client", "churned"): "churn_reason",
}
"""For each final status that carries a reason, the metric that ranks its reasons."""
_PASSES = operator.itemgetter(PASSES)


def quantile(ordered: list[float], share: float) -> float:
    """The ``share`` quantile of sorted ``ordered``, interpolated linearly between neighbours."""
    position = share * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def statistics(values: Iterable[float]) -> Iterator[tuple[str, float | int]]:
    """The count, mean, median and 90th percentile of ``values``, or nothing when there are none."""
    ordered = sorted(values)
    if not ordered:
        return
    yield "count", len(ordered)
    yield "mean", math.fsum(ordered) / len(ordered)
    yield "median", quantile(ordered, 0.5)
    yield "p90", quantile(ordered, 0.9)


def _days(start: object, end: object) -> float:
    return (end - start).total_seconds() / SECONDS_PER_DAY  # type: ignore[operator, no-any-return]


def counts(records: list[Record]) -> Iterator[Row]:
    """How many objects of each kind stand in each status."""
    tally = Counter((record.kind.lower(), record.status) for record in records)
    for (kind, status), number in sorted(tally.items()):
        yield {"metric": "count", "kind": kind, "status": status, "value": number}


def time_in_status(records: list[Record]) -> Iterator[Row]:
    """Days spent in each status by the objects that left it, every stay counted (re-entries too)."""
    by_kind: dict[str, list[str | float]] = {}
    for record in records:
        if record.stays:
            flat = by_kind.get(record.kind)
            if flat is None:
                flat = by_kind[record.kind] = []
            flat.extend(record.stays)
    for kind in sorted(by_kind, key=str.lower):
        statuses, days = by_kind[kind][0::2], by_kind[kind][1::2]
        for status in sorted(set(statuses)):
            for statistic, value in statistics(compress(days, map(status.__eq__, statuses))):  # type: ignore[arg-type]
                yield {
                    "metric": "time_in_status_days",
                    "kind": kind.lower(),
                    "status": status,
                    "statistic": statistic,
                    "value": value,
                }


def reasons(records: list[Record]) -> Iterator[Row]:
    """Why objects were lost, disqualified, excluded or churned: each reason's count, most first."""
    tally: Counter[tuple[str, str]] = Counter()
    for record in records:
        metric = REASONS.get((record.kind, record.status))
        if metric is not None and record.reason is not None:
            tally[metric, record.reason] += 1
    for (metric, reason), number in sorted(
        tally.items(), key=lambda item: (item[0][0], -item[1], item[0][1])
    ):
        yield {"metric": metric, "reason": reason, "value": number}


def outcomes(records: list[Record]) -> Iterator[Row]:
    """Deals: won and lost, win rate, won amount and average size per currency, cycle and velocity."""
    deals = [record for record in records if record.kind == "Opportunity"]
    if not deals:
        return
    won = [deal for deal in deals if deal.outcome == "won"]
    lost = [deal for deal in deals if deal.outcome == "lost"]
    still_open = sum(deal.outcome is None for deal in deals)
    yield {"metric": "deals", "outcome": "won", "value": len(won)}
    yield {"metric": "deals", "outcome": "lost", "value": len(lost)}
    yield {"metric": "deals", "outcome": "open", "value": still_open}
    rate = len(won) / (len(won) + len(lost)) if won or lost else None
    if rate is not None:
        yield {"metric": "win_rate", "value": rate}
    amounts: dict[str, list[Decimal]] = defaultdict(list)
    for deal in won:
        if deal.amount is not None:
            amounts[deal.amount.currency].append(deal.amount.amount)
    unknown = sum(deal.amount is None for deal in won)
    if unknown:
        yield {"metric": "won_unknown_amount", "value": unknown}
    cycles = {
        outcome: [_days(deal.created, deal.closed) for deal in group]
        for outcome, group in (("won", won), ("lost", lost), ("closed", won + lost))
    }
    for currency, values in sorted(amounts.items()):
        total = sum(values, Decimal(0))
        average = total / len(values)
        yield {"metric": "won_amount", "currency": currency, "value": str(total)}
        shown = str(average.quantize(CENT, ROUND_HALF_EVEN))
        yield {"metric": "average_deal_size", "currency": currency, "value": shown}
        mean_cycle = math.fsum(cycles["won"]) / len(cycles["won"])
        if mean_cycle > 0:  # a deal won as it was created has no cycle to divide by
            velocity = Decimal(still_open) * Decimal(repr(rate)) * average / Decimal(repr(mean_cycle))
            yield {
                "metric": "sales_velocity",
                "currency": currency,
                "value": str(velocity.quantize(CENT, ROUND_HALF_EVEN)),
            }
    for outcome in ("won", "lost", "closed"):
        for statistic, value in statistics(cycles[outcome]):
            yield {"metric": "sales_cycle_days", "outcome": outcome, "statistic": statistic, "value": value}


def conversion(journeys: list[Journey]) -> Iterator[Row]:
    """How many journeys reached each step, and the share of those at one step that reached a later one."""
    # at most 2 ** 7 sets of steps: count each once, then every rate reads the counts
    passes = Counter(chain.from_iterable(map(_PASSES, journeys)))
    if not passes:
        return
    reached = [sum(n for bits, n in passes.items() if bits & (1 << index)) for index in range(len(STEPS))]
    for step, number in zip(STEPS, reached, strict=True):
        yield {"metric": "reached", "step": step, "value": number}
    for start, origin in enumerate(STEPS):
        if not reached[start]:
            continue
        for end in range(start + 1, len(STEPS)):
            both = (1 << start) | (1 << end)
            went_on = sum(n for bits, n in passes.items() if bits & both == both)
            yield {
                "metric": "conversion_rate",
                "from": origin,
                "to": STEPS[end],
                "value": went_on / reached[start],
            }


def first_touch_to_conversion(journeys: list[Journey]) -> Iterator[Row]:
    """Days from a journey's first touch to its opportunity, and to its win."""
    for step, field in (("opportunity", CONVERTED), ("won", WON_AT)):
        days = [
            _days(journey[FIRST_TOUCH], journey[field])
            for journey in journeys
            if journey[FIRST_TOUCH] is not None and journey[field] is not None
        ]
        for statistic, value in statistics(days):
            yield {
                "metric": "first_touch_to_conversion_days",
                "to": step,
                "statistic": statistic,
                "value": value,
            }
