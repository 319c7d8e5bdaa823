"""Pipeline change between two dates: the bridge from the pipeline then to the pipeline now.

A deal is *in* the pipeline at a time when it is open, its close date lies in the window, its
owner in the scope and its forecast category among those counted. Between ``start`` and ``end``
each deal in at both times changed in value (increased, decreased); each in only at the end
entered for the first reason that holds (new, reopened, pulled in, pushed in, transferred in,
category in); each in only at the start left for the first reason that holds (won, lost, pushed
out, pulled out, transferred out, category out). So, per currency,
``end = start + entered + increased - decreased - left``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

from funnelkit._errors import InvalidInput, Problem
from funnelkit._events import Event
from funnelkit._frozen import FrozenDict
from funnelkit._pipeline import LOST_STAGE, WON_STAGE, ForecastCategory, Stage
from funnelkit.analytics._accumulator import Accumulator
from funnelkit.analytics._records import Record

ENTERING = ("new", "reopened", "pulled_in", "pushed_in", "transferred_in", "category_in")
"""Why a deal entered the pipeline, in the order the reasons are tried by default."""
LEAVING = ("won", "lost", "pushed_out", "pulled_out", "transferred_out", "category_out")
"""Why a deal left the pipeline, in the order the reasons are tried by default."""
BEYOND = "pushed_beyond_horizon"
"""Why a deal left when its close date moved past the look-ahead horizon (only with a horizon)."""
STEPS = ("start", *ENTERING, "increased", "decreased", *LEAVING, BEYOND, "end")
OPEN = ("pipeline", "best_case", "commit")
"""The forecast categories counted unless told otherwise: every open one but omitted."""
BASES = ("amount", "weighted")


@attrs.frozen
class Scope:
    """What counts as in the pipeline, and how a change is valued and explained."""

    start: datetime
    end: datetime
    window: tuple[date, date] | None
    owners: frozenset[str | None] | None
    categories: frozenset[str]
    basis: str
    horizon: int | None
    entering: tuple[str, ...]
    leaving: tuple[str, ...]


def _scope(**given: object) -> Scope:  # noqa: C901 - one check per option, each said apart
    problems: list[Problem] = []
    start, end = given["start"], given["end"]
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, datetime) or value.utcoffset() is None:
            problems.append(Problem((name,), "must be a timezone-aware datetime", value))
    if not problems and end <= start:  # type: ignore[operator]
        problems.append(Problem(("end",), "must be after start", end))
    window = given["window"]
    if window is not None and not (
        isinstance(window, tuple)
        and len(window) == len(("from", "to"))
        and all(isinstance(day, date) and not isinstance(day, datetime) for day in window)
        and window[0] < window[1]
    ):
        problems.append(
            Problem(("window",), "must be (first day, day after the last), dates in order", window)
        )
    owners = given["owners"]
    if owners is not None and (isinstance(owners, str) or not isinstance(owners, Collection)):
        problems.append(Problem(("owners",), "must be a collection of owner ids (None for no owner)", owners))
    categories = given["categories"]
    known = [category.value for category in ForecastCategory]
    if isinstance(categories, str) or not isinstance(categories, Collection) or not categories:
        problems.append(Problem(("categories",), f"must be a collection of {', '.join(known)}", categories))
    else:
        problems.extend(
            Problem(("categories",), f"must be among {', '.join(known)}", name)
            for name in categories
            if name not in known
        )
    if given["basis"] not in BASES:
        problems.append(Problem(("basis",), "must be 'amount' or 'weighted'", given["basis"]))
    horizon = given["horizon"]
    if horizon is not None and (isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 0):
        problems.append(Problem(("horizon",), "must be a whole number of days from 0, or None", horizon))
    for name, order, steps in (
        ("entering", given["entering"], ENTERING),
        ("leaving", given["leaving"], LEAVING),
    ):
        if not isinstance(order, tuple) or sorted(order) != sorted(steps):
            problems.append(Problem((name,), f"must order every one of {', '.join(steps)}", order))
    if problems:
        raise InvalidInput("cannot work out the pipeline change", problems)
    checked: Any = given  # each checked above
    return Scope(
        checked["start"],
        checked["end"],
        window,  # type: ignore[arg-type]
        None if owners is None else frozenset(checked["owners"]),
        frozenset(checked["categories"]),
        checked["basis"],
        horizon,  # type: ignore[arg-type]
        checked["entering"],
        checked["leaving"],
    )


class ChangeAccumulator:
    """The pipeline change in the making: add events, merge accumulators of slices split by object.

    It keeps each object as it stood at ``start`` and at ``end``; see
    :func:`~funnelkit.analytics.pipeline_change` for the options.
    """

    def __init__(
        self,
        *,
        start: datetime,
        end: datetime,
        window: tuple[date, date] | None = None,
        owners: Collection[str | None] | None = None,
        categories: Collection[str] = OPEN,
        basis: str = "amount",
        horizon: int | None = None,
        entering: tuple[str, ...] = ENTERING,
        leaving: tuple[str, ...] = LEAVING,
    ) -> None:
        """Start empty, the options checked."""
        self.scope = _scope(
            start=start,
            end=end,
            window=window,
            owners=owners,
            categories=categories,
            basis=basis,
            horizon=horizon,
            entering=entering,
            leaving=leaving,
        )
        self._before = Accumulator(as_of=self.scope.start)
        self._after = Accumulator(as_of=self.scope.end)

    def add(self, event: Event) -> None:
        """Count ``event``, as :meth:`Accumulator.add` does (and refuses what it refuses)."""
        self._before.add(event)
        self._after.add(event)  # the same checks passed already: this one cannot fail

    def add_all(self, events: Iterable[Event]) -> ChangeAccumulator:
        """Add each of ``events``; return this accumulator."""
        for event in events:
            self.add(event)
        return self

    def merge(self, other: ChangeAccumulator) -> ChangeAccumulator:
        """A new accumulator holding what both have seen; as :meth:`Accumulator.merge`."""
        given: object = other  # typed, but callers may pass anything
        if not isinstance(given, ChangeAccumulator) or given.scope != self.scope:
            problem = Problem(("other",), "must be a ChangeAccumulator with the same options", given)
            raise InvalidInput("cannot merge", [problem])
        merged = ChangeAccumulator.__new__(ChangeAccumulator)
        merged.scope = self.scope
        merged._before = self._before.merge(other._before)  # noqa: SLF001 - its own kind
        merged._after = self._after.merge(other._after)  # noqa: SLF001 - its own kind
        return merged

    def __eq__(self, other: object) -> bool:
        """Equal to an accumulator with the same options that has seen the same objects alike."""
        if not isinstance(other, ChangeAccumulator):
            return NotImplemented
        return (self.scope, self._before, self._after) == (other.scope, other._before, other._after)

    __hash__ = None  # type: ignore[assignment] # it changes as events arrive

    def report(self) -> PipelineChange:
        """The pipeline change of everything added so far."""
        # read, never changed: no copies
        before = {record.id: record for record in self._before.created() if record.kind == "Opportunity"}
        after = [record for record in self._after.created() if record.kind == "Opportunity"]
        return _bridge(before, after, self.scope)


@attrs.frozen
class PipelineChange:
    """The bridge from the pipeline at ``start`` to the pipeline at ``end``, per currency.

    ``rows()`` has one ``pipeline_change`` row (the value, a decimal string) and one
    ``pipeline_change_deals`` row (how many deals) per step and currency, steps in bridge order.
    """

    start: datetime
    end: datetime
    _rows: tuple[FrozenDict[str, object], ...] = attrs.field(alias="rows")

    def rows(self) -> list[dict[str, object]]:
        """Every row, as new dicts."""
        return [dict(row) for row in self._rows]

    @property
    def currencies(self) -> list[str]:
        """The currencies of the deals in scope at either date, sorted."""
        return sorted({str(row["currency"]) for row in self._rows})

    def value(self, step: str, currency: str) -> Decimal:
        """The value of ``step`` in ``currency``; 0 where nothing moved.

        Raises:
            InvalidInput: ``step`` is not a step of the bridge (a typo would otherwise read as 0).
        """
        if step not in STEPS:
            problem = Problem(("step",), f"must be a step of the bridge: {', '.join(STEPS)}", step)
            raise InvalidInput("cannot read the pipeline change", [problem])
        for row in self._rows:
            if row["metric"] == "pipeline_change" and row["step"] == step and row["currency"] == currency:
                return Decimal(str(row["value"]))
        return Decimal(0)

    def __str__(self) -> str:
        """The bridge as text, a column per currency."""
        currencies = self.currencies
        steps = [step for step in STEPS if any(row["step"] == step for row in self._rows)]
        width = max([len(step) for step in steps] + [4])
        lines = [f"pipeline change from {self.start.isoformat()} to {self.end.isoformat()}"]
        lines.append("  " + "step".ljust(width) + "".join(f"  {currency:>14}" for currency in currencies))
        for step in steps:
            values = "".join(f"  {self.value(step, currency):>14}" for currency in currencies)
            lines.append(f"  {step.ljust(width)}{values}")
        return "\n".join(lines)


def _stage(record: Record, status: str) -> Stage:
    if status in (WON_STAGE.value, LOST_STAGE.value):
        return WON_STAGE if status == WON_STAGE.value else LOST_STAGE
    return next(stage for stage in record.pipeline.stages if stage.value == status)  # type: ignore[union-attr]


def _category(record: Record, stage: Stage) -> str:
    return (record.manual_category or stage.forecast_category).value


def _value(record: Record, stage: Stage, basis: str) -> Decimal:
    if record.amount is None:
        return Decimal(0)
    if basis == "amount":
        return record.amount.amount
    chance = stage.probability if record.manual_probability is None else record.manual_probability
    return record.amount.amount * (chance or Decimal(0))


class _Seen:
    """A deal as it stood at one time, read as the bridge needs it."""

    __slots__ = ("category", "close", "currency", "is_in", "is_open", "owner", "value")

    def __init__(self, record: Record, scope: Scope, *, status: str | None = None) -> None:
        stage = _stage(record, status or record.status)
        self.is_open = status is not None or record.outcome is None
        self.category = _category(record, stage)
        self.close = record.close_date
        self.owner = record.owner
        self.currency = record.amount.currency if record.amount is not None else None
        self.value = _value(record, stage, scope.basis)
        self.is_in = (
            self.is_open
            and _in_window(self.close, scope.window)
            and (scope.owners is None or self.owner in scope.owners)
            and self.category in scope.categories
        )


def _in_window(close: date | None, window: tuple[date, date] | None) -> bool:
    return window is None or (close is not None and window[0] <= close < window[1])


def _later(close: date | None, window: tuple[date, date] | None) -> bool:
    """Whether the close date lies after the window; an unknown one counts as later."""
    return window is not None and (close is None or close >= window[1])


def _earlier(close: date | None, window: tuple[date, date] | None) -> bool:
    return window is not None and close is not None and close < window[0]


def _entered(then: _Seen | None, scope: Scope) -> str:
    reasons = {
        "new": then is None,
        "reopened": then is not None and not then.is_open,
        "pulled_in": then is not None and _later(then.close, scope.window),
        "pushed_in": then is not None and _earlier(then.close, scope.window),
        "transferred_in": then is not None and scope.owners is not None and then.owner not in scope.owners,
        "category_in": then is not None and then.category not in scope.categories,
    }
    return next(reason for reason in scope.entering if reasons[reason])


def _left(now: _Seen, record: Record, scope: Scope) -> str:
    reasons = {
        "won": record.outcome == "won",
        "lost": record.outcome == "lost",
        "pushed_out": _later(now.close, scope.window),
        "pulled_out": _earlier(now.close, scope.window),
        "transferred_out": scope.owners is not None and now.owner not in scope.owners,
        "category_out": now.category not in scope.categories,
    }
    reason = next(reason for reason in scope.leaving if reasons[reason])
    if reason == "pushed_out" and scope.horizon is not None and scope.window is not None:
        limit = scope.window[1] + timedelta(days=scope.horizon)
        if now.close is None or now.close >= limit:
            return BEYOND
    return reason


Count = Callable[[str, "str | None", Decimal], None]
"""Adds a deal's value to a step of the bridge, in a currency (none when its amount is unknown)."""


def _bridge(before: dict[str, Record], after: list[Record], scope: Scope) -> PipelineChange:
    values: defaultdict[tuple[str, str], Decimal] = defaultdict(Decimal)
    deals: defaultdict[tuple[str, str], int] = defaultdict(int)

    def count(step: str, currency: str | None, value: Decimal) -> None:
        if currency is not None:
            values[step, currency] += value
            deals[step, currency] += 1

    for record in after:
        _tally(record, before.get(record.id), scope, count)
    rows: list[FrozenDict[str, object]] = []
    for currency in sorted({currency for _, currency in values}):
        for step in (step for step in STEPS if (step, currency) in deals):
            rows.append(
                FrozenDict(
                    metric="pipeline_change", step=step, currency=currency, value=str(values[step, currency])
                )
            )
            rows.append(
                FrozenDict(
                    metric="pipeline_change_deals", step=step, currency=currency, value=deals[step, currency]
                )
            )
    return PipelineChange(scope.start, scope.end, tuple(rows))


def _tally(record: Record, old: Record | None, scope: Scope, count: Count) -> None:
    """Count one deal, as it stood at the end (``record``) and at the start (``old``, if it existed)."""
    then = None if old is None else _Seen(old, scope)
    now = _Seen(record, scope)
    was_in = then is not None and then.is_in
    if was_in:
        count("start", then.currency, then.value)  # type: ignore[union-attr]
    if now.is_in:
        count("end", now.currency, now.value)
    if was_in and now.is_in:
        _changed(then, now, count)  # type: ignore[arg-type]
    elif now.is_in:
        count(_entered(then, scope), now.currency, now.value)
    elif was_in:
        count(_left(now, record, scope), then.currency, then.value)  # type: ignore[union-attr]
    elif then is None and record.outcome is not None:
        # flow-through: opened and closed between the dates, shown as new and as won or lost
        closing = _Seen(record, scope, status=record.closed_from)
        if closing.is_in:
            count("new", closing.currency, closing.value)
            count(record.outcome, closing.currency, closing.value)


def _changed(then: _Seen, now: _Seen, count: Count) -> None:
    """A deal in at both times: the change of its value, or its move between currencies."""
    if then.currency != now.currency:
        count("decreased", then.currency, then.value)
        count("increased", now.currency, now.value)
        return
    delta = now.value - then.value
    if delta > 0:
        count("increased", now.currency, delta)
    elif delta < 0:
        count("decreased", now.currency, -delta)
