"""The report: every metric of the funnel as tidy rows, grouped and filtered as asked."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from functools import partial
from typing import TypeVar

import attrs

from funnelkit._errors import InvalidInput, Problem
from funnelkit._frozen import FrozenDict
from funnelkit.analytics._campaigns import campaigns, touches
from funnelkit.analytics._forecast import forecast
from funnelkit.analytics._journeys import Journey, Key, walk
from funnelkit.analytics._metrics import (
    Row,
    conversion,
    counts,
    first_touch_to_conversion,
    outcomes,
    reasons,
    time_in_status,
)
from funnelkit.analytics._options import Options
from funnelkit.analytics._records import Record

OBJECT_METRICS: tuple[Callable[[list[Record]], Iterator[Row]], ...] = (
    counts,
    time_in_status,
    outcomes,
    reasons,
)
"""The metrics of objects, each grouped by the objects' own dimensions."""
JOURNEY_METRICS: tuple[Callable[[list[Journey]], Iterator[Row]], ...] = (
    conversion,
    first_touch_to_conversion,
)
"""The metrics of journeys, grouped by where each journey came from and what it came to."""


METRICS = (
    *("count", "time_in_status_days", "lost_reason", "disqualified_reason", "excluded_reason"),
    *("churn_reason", "deals", "win_rate", "won_amount", "average_deal_size", "won_unknown_amount"),
    *("sales_cycle_days", "sales_velocity", "reached", "conversion_rate", "first_touch_to_conversion_days"),
    *("pipeline_amount", "weighted_pipeline", "weighted_pipeline_by_period", "pipeline_unknown_amount"),
    *("pipeline_unknown_probability", "forecast", "forecast_by_period"),
    *("prospects_reached", "leads_generated", "opportunities_created", "deals_won", "won_revenue"),
    *("deals_won_unknown_amount", "campaign_cost", "cost_per_lead", "cost_per_opportunity", "campaign_value"),
    *("touches", "click_through_rate", "touch_conversion_rate"),
)
"""Every metric a report can have rows of (the reference page "Funnel metrics" says each one's formula)."""

T = TypeVar("T")


def _key(value: object) -> tuple[bool, str]:
    return value is not None, str(value)


@attrs.frozen
class Report:
    """A funnel report: tidy rows, a text table, and a lookup of one value.

    Rows are dicts with ``"metric"`` and ``"value"`` plus the keys that say what the value
    counts, and the report's ``by`` dimensions; money is a decimal string, rates and days are
    floats, counts are ints.
    """

    as_of: datetime | None
    by: tuple[str, ...]
    _rows: tuple[FrozenDict[str, object], ...] = attrs.field(alias="rows")

    def rows(self) -> list[dict[str, object]]:
        """Every row, as a new list of new dicts (change them freely)."""
        return [dict(row) for row in self._rows]

    def value(self, metric: str, /, **keys: object) -> object:
        """The value of the one row of ``metric`` whose keys match ``keys``; ``None`` if none does.

        A key that is a Python word, such as ``from``, goes in as ``**{"from": "mql"}``.

        Raises:
            InvalidInput: ``metric`` is none of ``METRICS``, several rows match (say which with more
                keys), or a key is none of the metric's keys (a typo would otherwise read as "no
                such row").
        """
        if metric not in METRICS:
            problem = Problem(("metric",), "must be one of funnelkit.analytics.METRICS", metric)
            raise InvalidInput("cannot read a value of the report", [problem])
        rows = [row for row in self._rows if row["metric"] == metric]
        known = {name for row in rows for name in row} - {"metric", "value"}
        unknown = sorted(name for name in keys if rows and name not in known)
        found = [row for row in rows if all(row.get(name) == wanted for name, wanted in keys.items())]
        if unknown or len(found) > 1:
            problems = [
                Problem((name,), f"is not a key of {metric}: {sorted(known)}", keys[name]) for name in unknown
            ]
            if not unknown:
                told = sorted(known - keys.keys())
                problems.append(
                    Problem(("keys",), f"match {len(found)} rows of {metric}: add one of {told}", keys)
                )
            raise InvalidInput(f"cannot read one value of {metric}", problems)
        return found[0]["value"] if found else None

    def __str__(self) -> str:
        """The rows as text: a table per metric, its keys in columns and the value last."""
        when = self.as_of.isoformat() if self.as_of else "the last event"
        blocks = [f"funnel report as of {when}"]
        by_metric: dict[object, list[FrozenDict[str, object]]] = {}
        for row in self._rows:
            by_metric.setdefault(row["metric"], []).append(row)
        blocks.extend(_table(str(metric), rows) for metric, rows in by_metric.items())
        return "\n\n".join(blocks)


def _table(metric: str, rows: list[FrozenDict[str, object]]) -> str:
    keys = list(dict.fromkeys(name for row in rows for name in row if name not in ("metric", "value")))
    small = all(abs(row["value"]) < 10 for row in rows if isinstance(row["value"], float))  # noqa: PLR2004
    lines = [
        [*keys, "value"],
        *([*(_shown(row.get(name)) for name in keys), _shown(row["value"], small=small)] for row in rows),
    ]
    widths = [max(len(line[column]) for line in lines) for column in range(len(keys) + 1)]
    shown = [metric]
    for line in lines:
        cells = [text.ljust(width) for text, width in zip(line[:-1], widths, strict=False)]
        shown.append("  " + "  ".join([*cells, line[-1].rjust(widths[-1])]))
    return "\n".join(shown)


def _shown(value: object, *, small: bool = False) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):  # a column of rates in thousandths, of days in tenths
        return f"{value:.3f}" if small else f"{value:,.1f}"
    return str(value)


def build(records: list[Record], lookup: Mapping[tuple[str, str], Record], options: Options) -> Report:
    """The report of ``records`` (objects created by ``as_of``), as ``options`` ask.

    ``lookup`` finds any record by kind and id: a journey's objects name the ones they came from.
    """
    kept, kept_keys, paths, path_keys = walk(records, lookup, options)
    rows: list[Row] = []
    by_period: Callable[[list[Record]], Iterator[Row]] = partial(forecast, period=options.period)
    for object_metric in (*OBJECT_METRICS, by_period, touches):
        rows.extend(_grouped(object_metric, kept, kept_keys, options.by))
    valued: Callable[[list[Journey]], Iterator[Row]] = partial(campaigns, costs=options.costs)
    for journey_metric in (*JOURNEY_METRICS, valued):
        rows.extend(_grouped(journey_metric, paths, path_keys, options.by))
    # each metric's rows together, its groups in order (a metric function may yield several metrics)
    first = {metric: index for index, metric in reversed(list(enumerate(row["metric"] for row in rows)))}
    rows.sort(key=lambda row: first[row["metric"]])
    return Report(options.as_of, options.by, tuple(FrozenDict(row) for row in rows))


def _grouped(
    metric: Callable[[list[T]], Iterator[Row]],
    items: list[T],
    keys: list[Key] | None,
    by: tuple[str, ...],
) -> Iterator[Row]:
    if not by or keys is None:
        yield from metric(items)
        return
    groups: dict[Key, list[T]] = {}
    for item, key in zip(items, keys, strict=True):
        groups.setdefault(key, []).append(item)
    for key in sorted(groups, key=lambda key: tuple(map(_key, key))):
        dimensions = dict(zip(by, key, strict=True))
        for row in metric(groups[key]):
            yield {"metric": row["metric"], **dimensions, **{k: v for k, v in row.items() if k != "metric"}}
