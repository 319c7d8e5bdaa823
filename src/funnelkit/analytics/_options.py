"""What a report is asked for: as of when, grouped and filtered by what, cohorts of which period."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from funnelkit._errors import InvalidInput, Problem
from funnelkit._frozen import FrozenDict
from funnelkit._json import NAME
from funnelkit._money import Money

DIMENSIONS = ("kind", "channel", "campaign", "segment", "territory", "owner", "cohort")
"""What rows can be grouped and filtered by, besides ``fields.<name>``, a custom field."""
PERIODS = ("day", "week", "month", "quarter")
"""The periods a cohort can span."""
RECYCLED = ("once", "new")
"""How a recycled lead counts: ``"once"`` as the same lead, ``"new"`` as a net-new lead each time."""
FIELD = "fields."


@attrs.frozen
class Options:
    """A report's options, checked: see :func:`funnelkit.analytics.report`."""

    as_of: datetime | None
    by: tuple[str, ...]
    where: FrozenDict[str, frozenset[str | None]]
    period: str
    recycled: str
    costs: FrozenDict[str, Money]
    """Each campaign's cost, for its cost per lead and per opportunity and its value."""

    @classmethod
    def checked(
        cls,
        *,
        as_of: object,
        by: object,
        where: object,
        period: object,
        recycled: object,
        costs: object = None,
    ) -> Options:
        """The options, or an :class:`InvalidInput` naming every one that is wrong."""
        problems: list[Problem] = []
        if as_of is not None and (not isinstance(as_of, datetime) or as_of.utcoffset() is None):
            problems.append(Problem(("as_of",), "must be a timezone-aware datetime, or None", as_of))
        names = _names(by, problems)
        chosen = _where(where, problems)
        if period not in PERIODS:
            problems.append(Problem(("period",), f"must be one of {', '.join(PERIODS)}", period))
        if recycled not in RECYCLED:
            problems.append(Problem(("recycled",), f"must be one of {', '.join(RECYCLED)}", recycled))
        spent = _costs(costs, problems)
        if problems:
            raise InvalidInput("cannot report", problems)
        return cls(as_of, names, chosen, period, recycled, spent)  # type: ignore[arg-type] # each checked above


def is_dimension(name: object) -> bool:
    """Whether rows can be grouped by ``name``."""
    if not isinstance(name, str):
        return False
    return name in DIMENSIONS or (name.startswith(FIELD) and NAME.fullmatch(name[len(FIELD) :]) is not None)


def _dimension_problem(where: tuple[str, ...], name: object) -> Problem:
    return Problem(where, f"must be one of {', '.join(DIMENSIONS)} or fields.<name>", name)


def _names(by: object, problems: list[Problem]) -> tuple[str, ...]:
    if isinstance(by, str) or not isinstance(by, Iterable):
        problems.append(Problem(("by",), "must be a sequence of dimension names, such as ('channel',)", by))
        return ()
    names = tuple(by)
    problems.extend(_dimension_problem(("by",), name) for name in names if not is_dimension(name))
    if len(set(map(repr, names))) < len(names):
        problems.append(Problem(("by",), "must name each dimension once", names))
    return names


def _costs(costs: object, problems: list[Problem]) -> FrozenDict[str, Money]:
    if costs is None:
        return FrozenDict()
    if not isinstance(costs, Mapping):
        problems.append(Problem(("costs",), "must map campaigns to their cost in Money", costs))
        return FrozenDict()
    wrong = [
        Problem(("costs", str(campaign)), "must be a campaign's name and its cost in Money", cost)
        for campaign, cost in costs.items()
        if not isinstance(campaign, str) or not isinstance(cost, Money)
    ]
    problems.extend(wrong)
    return FrozenDict() if wrong else FrozenDict(costs)


def _where(where: object, problems: list[Problem]) -> FrozenDict[str, frozenset[str | None]]:
    if where is None:
        return FrozenDict()
    if not isinstance(where, Mapping):
        problems.append(Problem(("where",), "must map dimension names to a value or values", where))
        return FrozenDict()
    chosen: dict[str, frozenset[str | None]] = {}
    for name, wanted in where.items():
        if not is_dimension(name):
            problems.append(_dimension_problem(("where",), name))
            continue
        values = (wanted,) if wanted is None or isinstance(wanted, str) else wanted
        if not isinstance(values, Iterable) or not all(v is None or isinstance(v, str) for v in values):
            problems.append(
                Problem(("where", name), "must be a text value, None, or a collection of them", wanted)
            )
            continue
        chosen[name] = frozenset(values)
    return FrozenDict(chosen)
