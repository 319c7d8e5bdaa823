"""Events as table rows, for data lakes and distributed engines, and objects replayed from them.

A stored event (what :func:`funnelkit.dump` writes) becomes one flat row: its fields as columns,
its payload as JSON text. ``COLUMNS`` gives each column's type in Arrow's names and
``SPARK_SCHEMA`` the same as a Spark DDL string, so Parquet files, Dask and Spark frames of
funnelkit events share one shape. Sort rows by ``ORDER`` and each object's events come together,
in order: :func:`replay` then rebuilds the objects one at a time, holding one object's events at
a time.

Example:
    >>> from datetime import datetime, timezone
    >>> import funnelkit as fk
    >>> import funnelkit.tabular as ft
    >>> at = datetime(2026, 3, 2, tzinfo=timezone.utc)
    >>> acme = fk.Account("acme", "Acme", fk.AccountKind.company)
    >>> deal = fk.Opportunity.create("O-1", account=acme, at=at).advance(at=at)
    >>> rows = [ft.row(event) for event in deal.history]
    >>> sorted(rows[1]) == sorted(ft.COLUMNS)
    True
    >>> rows[1]["command"], rows[1]["target"]
    ('advance', 'evaluation')
    >>> list(ft.replay(ft.event(row) for row in rows)) == [deal]
    True
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from funnelkit._boundary import dump, load
from funnelkit._errors import InvalidInput, Problem
from funnelkit._events import Event
from funnelkit._pipeline import Pipeline
from funnelkit._replay import replay as _replay
from funnelkit._subject import Subject

COLUMNS: Mapping[str, str] = {
    "schema": "int64",
    "subject": "string",
    "subject_id": "string",
    "sequence": "int64",
    "command": "string",
    "source": "string",
    "target": "string",
    "at": "string",
    "payload": "string",
}
"""Each column of an event row and its type, in Arrow's names. Only ``source`` may be null (an
object's creation has none); ``at`` is an ISO 8601 time with its offset, ``payload`` JSON text."""

SPARK_SCHEMA = (
    "schema BIGINT, subject STRING, subject_id STRING, sequence BIGINT, command STRING, "
    "source STRING, target STRING, at STRING, payload STRING"
)
"""The columns as a Spark DDL schema string."""

ORDER = ("subject", "subject_id", "sequence")
"""The columns to sort rows by so that each object's events come together and in order."""


def row(event: Event) -> dict[str, Any]:
    """``event`` as a row: the columns of ``COLUMNS``, its payload as compact JSON text.

    Raises:
        InvalidInput: ``event`` is not a funnelkit event.
    """
    if not isinstance(event, Event):
        raise InvalidInput("cannot make a row", [Problem(("event",), "must be a funnelkit Event", event)])
    stored: dict[str, Any] = dump(event)
    stored["payload"] = json.dumps(stored["payload"], sort_keys=True, separators=(",", ":"))
    return stored


def event(given: Mapping[str, Any], *, pipelines: Iterable[Pipeline] = ()) -> Event:
    """The event a row stands for (or a stored event, its payload a mapping), checked as ``load`` checks.

    A cell that is a float NaN (how a data frame shows a missing text) counts as missing. Stored
    events name their pipeline: give the pipelines their objects use in ``pipelines``.

    Raises:
        InvalidInput: the row is not a mapping of the columns, its payload is not JSON text of an
            object, or the event it holds is not valid; it names the column at fault.
    """
    if not isinstance(given, Mapping):
        raise InvalidInput(
            "cannot read an event row", [Problem(("row",), "must be a mapping of columns", given)]
        )
    data = dict(given)
    if any(
        type(value) is float for value in data.values()
    ):  # only a float cell can be the NaN of a missing text
        data = {name: None if _missing(value) else value for name, value in data.items()}
    payload = data.get("payload")
    if isinstance(payload, str):
        try:
            data["payload"] = json.loads(payload)
        except ValueError:
            problem = Problem(("payload",), "must be JSON text of an object", payload)
            raise InvalidInput(_what(data), [problem]) from None
    return load(Event, data, pipelines=pipelines)


def events(rows: Iterable[Mapping[str, Any]], *, pipelines: Iterable[Pipeline] = ()) -> Iterator[Event]:
    """The event of each of ``rows``, in turn (see :func:`event`)."""
    known = tuple(pipelines)
    for given in rows:
        yield event(given, pipelines=known)


def replay(events: Iterable[Event]) -> Iterator[Subject]:
    """Each object of ``events``, rebuilt from its events, in the order the objects come.

    Each object's events must come together and in order (rows sorted by ``ORDER``), so only
    one object's events are held at a time.

    Raises:
        InvalidInput: an object's events come apart (its events are split, or the rows are not
            sorted), or do not replay (a gap, a repeat, a first event that is not the creation);
            it names the object.
    """
    done: set[tuple[str, str]] = set()
    for key, group in itertools.groupby(events, _object_of):
        if key in done:
            kind, name = key
            problem = Problem(
                ("events",), f"must come together: sort rows by {', '.join(ORDER)}", f"{kind} {name!r}"
            )
            raise InvalidInput(f"cannot replay {kind} {name!r}", [problem])
        done.add(key)
        yield _replay(group)


def _object_of(given: object) -> tuple[str, str]:
    if not isinstance(given, Event):
        raise InvalidInput("cannot replay", [Problem(("events",), "must be funnelkit Events", given)])
    return given.subject, given.subject_id


def _missing(value: object) -> bool:
    """Whether a cell is the float NaN a data frame shows where a text is missing."""
    return isinstance(value, float) and value != value  # noqa: PLR0124 - only NaN is not itself


def _what(data: Mapping[str, Any]) -> str:
    return f"cannot read event {data.get('sequence')!r} of {data.get('subject')} {data.get('subject_id')!r}"


__all__ = ["COLUMNS", "ORDER", "SPARK_SCHEMA", "event", "events", "replay", "row"]
