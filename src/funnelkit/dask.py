"""funnelkit on Dask: replay, score and report over event rows partitioned by object.

Install it with ``pip install funnelkit[dask]``; the rest of funnelkit never imports Dask. The
events are rows as :mod:`funnelkit.tabular` shapes them (a Dask DataFrame, say from Parquet), or
stored events as :func:`funnelkit.dump` writes them (a Dask Bag of dicts). :func:`by_object`
partitions them by object (a shuffle on ``subject_id``, then a sort within each partition), and
every other function runs funnelkit's own pure functions on each partition:

- :func:`events`, :func:`replay`, :func:`snapshots` and :func:`score` give a Bag with a
  partition per partition of the events;
- :func:`report` and :func:`pipeline_change` build an accumulator per partition and merge them
  in a tree, without a shuffle, into one value: an ``Item`` whose ``compute()`` is exactly what
  :func:`funnelkit.analytics.report` and :func:`funnelkit.analytics.pipeline_change` give over
  the same events in one process, for any number of partitions.

Nothing is computed until you call ``compute()``. An object whose events are split across
partitions, out of order or missing their creation is a :class:`funnelkit.InvalidInput` naming
it, raised on the worker and raised again, unchanged, by ``compute()``.

Example:
    >>> from datetime import datetime, timezone
    >>> import dask
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> import funnelkit as fk
    >>> import funnelkit.dask as fkd
    >>> import funnelkit.tabular as ft
    >>> at = datetime(2026, 3, 2, tzinfo=timezone.utc)
    >>> acme = fk.Account("acme", "Acme", fk.AccountKind.company)
    >>> deals = [fk.Opportunity.create(f"O-{n}", account=acme, at=at).advance(at=at) for n in range(4)]
    >>> rows = pd.DataFrame([ft.row(event) for deal in deals for event in deal.history])
    >>> events = fkd.by_object(dd.from_pandas(rows, npartitions=2))
    >>> with dask.config.set(scheduler="sync"):
    ...     sorted(deal.id for deal in fkd.replay(events).compute())
    ...     fkd.report(events).compute().value("count", kind="opportunity", status="evaluation")
    ['O-0', 'O-1', 'O-2', 'O-3']
    4
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

import dask.bag as db
import dask.dataframe as dd
import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
from dask.delayed import delayed

from funnelkit import tabular
from funnelkit._boundary import snapshot as _snapshot
from funnelkit._errors import InvalidInput, Problem
from funnelkit._events import Event
from funnelkit._pipeline import Pipeline
from funnelkit._replay import KINDS
from funnelkit._scores import ScoreResult
from funnelkit._subject import Subject
from funnelkit._values import check_aware
from funnelkit.analytics import Accumulator, ChangeAccumulator, PipelineChange, Report

Scored = tuple[str, str, ScoreResult]
"""A scored object's kind, its id and its score."""


def by_object(events: dd.DataFrame | db.Bag, *, npartitions: int | None = None) -> dd.DataFrame:
    """The events as rows, each object's events in one partition, sorted by ``tabular.ORDER``.

    ``events`` is a DataFrame of rows with the columns of ``tabular.COLUMNS``, or a Bag of stored
    events (dicts as :func:`funnelkit.dump` writes them, their payload a mapping or JSON text).
    The rows are shuffled on ``subject_id`` (``npartitions`` of them; as many as now by default),
    then sorted within each partition. Rows already partitioned by object (say, Parquet files
    written one set of objects per file) need only the sort: ``frame.map_partitions(fkd.sorted_rows)``.

    Raises:
        InvalidInput: ``events`` is neither a Dask DataFrame nor a Bag, or lacks a column.
    """
    if npartitions is not None and (type(npartitions) is not int or npartitions < 1):
        problem = Problem(
            ("npartitions",), "must be a whole number of partitions, at least 1, or None", npartitions
        )
        raise InvalidInput("cannot partition events by object", [problem])
    frame = _frame(events)
    missing = [name for name in tabular.COLUMNS if name not in frame.columns]
    if missing:
        problem = Problem(
            ("events",), f"lacks columns it must have (all of {', '.join(tabular.COLUMNS)})", missing
        )
        raise InvalidInput("cannot partition events by object", [problem])
    shuffled = frame.shuffle(on="subject_id", npartitions=npartitions, shuffle_method="tasks")
    return shuffled.map_partitions(sorted_rows)


def sorted_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """One partition's rows sorted by ``tabular.ORDER``, so each object's events come together, in order."""
    return rows.sort_values(list(tabular.ORDER), kind="stable")


def events(rows: dd.DataFrame, *, pipelines: Iterable[Pipeline] = ()) -> db.Bag:
    """The events of ``rows`` (partitioned by object), loaded and checked, partition by partition."""
    return _per_partition(rows, _loaded, pipelines=tuple(pipelines))


def replay(rows: dd.DataFrame, *, pipelines: Iterable[Pipeline] = ()) -> db.Bag:
    """Each object of ``rows`` (partitioned by object), rebuilt from its events."""
    return _per_partition(rows, _objects_of, pipelines=tuple(pipelines))


def snapshots(rows: dd.DataFrame, *, pipelines: Iterable[Pipeline] = ()) -> db.Bag:
    """The snapshot (:func:`funnelkit.snapshot`) of each object of ``rows``."""
    return replay(rows, pipelines=pipelines).map(_snapshot)


def score(
    rows: dd.DataFrame,
    scorer: Any,  # noqa: ANN401 - any picklable scorer: see funnelkit.scoring.Scorer
    *,
    at: datetime,
    kinds: Collection[str] = ("Lead",),
    pipelines: Iterable[Pipeline] = (),
) -> db.Bag:
    """``(kind, id, score)`` for each object of ``kinds`` in ``rows``, scored by ``scorer`` as of ``at``.

    ``scorer`` travels to the workers, so it must pickle (every funnelkit scorer does).

    Raises:
        InvalidInput: ``scorer`` has no ``score``, ``at`` is not timezone-aware or ``kinds`` names
            no kind of funnel object, at once (on the workers, a scorer's own refusal of an
            object is raised as it is).
    """
    wanted = frozenset(kinds) if not isinstance(kinds, str) else frozenset({kinds})
    unknown = sorted(wanted - _KINDS)
    problems = []
    if not callable(getattr(scorer, "score", None)):
        problems.append(Problem(("scorer",), "must be a scorer: something with score(subject, at=)", scorer))
    try:
        check_aware("cannot score", "at", at)
    except InvalidInput as error:
        problems.extend(error.problems)
    if unknown or not wanted:
        problems.append(
            Problem(("kinds",), f"must name kinds among {', '.join(sorted(_KINDS))}", unknown or kinds)
        )
    if problems:
        raise InvalidInput("cannot score", problems)
    scored = functools.partial(_scored, scorer=scorer, at=at, kinds=wanted)
    return replay(rows, pipelines=pipelines).map_partitions(scored)


SPLIT_EVERY = 32
"""How many accumulators a merge takes at a time, unless told. The merged one holds every object's
record in one process whatever the tree's shape; a wide tree moves each record between processes
fewer times (with 16 partitions on 2 workers, a tree 8 wide took a second longer than one merge)."""


def report(
    rows: dd.DataFrame,
    *,
    pipelines: Iterable[Pipeline] = (),
    split_every: int | None = SPLIT_EVERY,
    **options: Any,  # noqa: ANN401 - the report's own: as_of, by, where, period, recycled, costs
) -> db.Item:
    """The funnel report of ``rows`` (partitioned by object): an ``Item`` to ``compute()``.

    ``options`` are :func:`funnelkit.analytics.report`'s. Each partition's events go into an
    :class:`funnelkit.analytics.Accumulator`; they are merged ``split_every`` at a time (``None``
    for Dask's default), and the merged one reports.

    Raises:
        InvalidInput: an option is wrong, at once, before anything runs.
    """
    _checked(Accumulator, "report", options, split_every)  # wrong options refused here, not on a worker
    parts = _per_partition(rows, _accumulated, options=options, pipelines=tuple(pipelines))
    return parts.reduction(_only, _merged, split_every=split_every).apply(_reported)


def pipeline_change(
    rows: dd.DataFrame,
    *,
    pipelines: Iterable[Pipeline] = (),
    split_every: int | None = SPLIT_EVERY,
    **options: Any,  # noqa: ANN401 - the bridge's own: start, end, window, owners, ...
) -> db.Item:
    """The pipeline change of ``rows`` between two dates: an ``Item`` to ``compute()``.

    ``options`` are :func:`funnelkit.analytics.pipeline_change`'s, checked at once.
    """
    _checked(ChangeAccumulator, "pipeline_change", options, split_every)
    parts = _per_partition(rows, _change_accumulated, options=options, pipelines=tuple(pipelines))
    return parts.reduction(_only, _merged, split_every=split_every).apply(_changed)


_KINDS = frozenset(KINDS)


def _checked(kind: type[Any], what: str, options: Mapping[str, Any], split_every: object) -> None:
    """Refuse options ``kind`` does not take or takes wrong, and a ``split_every`` below 2."""
    parameters = inspect.signature(kind).parameters
    allowed = list(parameters)
    problems = [
        Problem((name,), f"is not an option of {what}: {', '.join(allowed)}", value)
        for name, value in options.items()
        if name not in allowed
    ]
    problems += [
        Problem((name,), f"is required by {what}", None)
        for name, parameter in parameters.items()
        if parameter.default is parameter.empty and name not in options
    ]
    if split_every is not None and (type(split_every) is not int or split_every < 2):  # noqa: PLR2004
        problems.append(Problem(("split_every",), "must be a whole number, at least 2, or None", split_every))
    if problems:
        raise InvalidInput(f"cannot {what.replace('_', ' ')}", problems)
    kind(**options)


def _frame(events: object) -> dd.DataFrame:
    if isinstance(events, dd.DataFrame):
        return events
    if isinstance(events, db.Bag):
        meta = pd.DataFrame({name: pd.Series(dtype=_DTYPES[kind]) for name, kind in tabular.COLUMNS.items()})
        return events.map(_stored_row).to_dataframe(meta=meta)
    problem = Problem(("events",), "must be a Dask DataFrame of event rows or a Bag of stored events", events)
    raise InvalidInput("cannot partition events by object", [problem])


_DTYPES = {"int64": "int64", "string": "object"}


def _stored_row(stored: object) -> dict[str, Any]:
    """A stored event as a row; its payload, if a mapping, as JSON text (checked when loaded)."""
    if not isinstance(stored, Mapping):
        problem = Problem(("events",), "must be stored events: dicts as funnelkit.dump writes them", stored)
        raise InvalidInput("cannot read a stored event", [problem])
    row = {name: stored.get(name) for name in tabular.COLUMNS}
    if isinstance(row["payload"], Mapping):
        row["payload"] = json.dumps(row["payload"], sort_keys=True, separators=(",", ":"))
    return row


def _per_partition(rows: object, function: Callable[..., list[Any]], **arguments: Any) -> db.Bag:  # noqa: ANN401
    """A Bag of what ``function(partition, **arguments)`` gives for each partition of ``rows``.

    Each task turns its own partition into rows: a partition's rows as Python dicts are large
    and slow to move, so they never travel between workers (a frame's columns do, cheaply).
    """
    if not isinstance(rows, dd.DataFrame):
        problem = Problem(("rows",), "must be a Dask DataFrame of event rows: see by_object", rows)
        raise InvalidInput("cannot read events", [problem])
    return db.from_delayed([delayed(function, pure=True)(part, **arguments) for part in rows.to_delayed()])


def _events_of(partition: pd.DataFrame, pipelines: tuple[Pipeline, ...]) -> Iterator[Event]:
    for row in _records(partition):
        yield tabular.event(row, pipelines=pipelines)


def _records(partition: pd.DataFrame) -> list[dict[str, Any]]:
    """A partition's rows as dicts, through Arrow (six times faster than pandas' own ``to_dict``)."""
    return pa.Table.from_pandas(partition, preserve_index=False).to_pylist()


def _loaded(partition: pd.DataFrame, pipelines: tuple[Pipeline, ...]) -> list[Event]:
    return list(_events_of(partition, pipelines))  # a list: a partition's result travels between processes


def _objects_of(partition: pd.DataFrame, pipelines: tuple[Pipeline, ...]) -> list[Subject]:
    return list(tabular.replay(_events_of(partition, pipelines)))


def _scored(subjects: Iterable[Subject], scorer: Any, at: datetime, kinds: frozenset[str]) -> list[Scored]:  # noqa: ANN401
    chosen = ((subject.history[0].subject, subject) for subject in subjects)  # the kind its events name
    return [(kind, subject.id, scorer.score(subject, at=at)) for kind, subject in chosen if kind in kinds]


def _accumulated(
    partition: pd.DataFrame, options: Mapping[str, Any], pipelines: tuple[Pipeline, ...]
) -> list[Accumulator]:
    return [Accumulator(**options).add_all(_events_of(partition, pipelines))]  # one event held at a time


def _change_accumulated(
    partition: pd.DataFrame, options: Mapping[str, Any], pipelines: tuple[Pipeline, ...]
) -> list[ChangeAccumulator]:
    return [ChangeAccumulator(**options).add_all(_events_of(partition, pipelines))]


def _only(items: Iterable[Any]) -> Any:  # noqa: ANN401 - a partition's one accumulator
    return next(iter(items))


def _merged(parts: Iterable[Any]) -> Any:  # noqa: ANN401 - accumulators of one kind
    merged = None
    for part in parts:
        merged = part if merged is None else merged.merge(part)
    return merged


def _reported(accumulator: Accumulator) -> Report:
    return accumulator.report()


def _changed(accumulator: ChangeAccumulator) -> PipelineChange:
    return accumulator.report()


__all__ = [
    "SPLIT_EVERY",
    "Scored",
    "by_object",
    "events",
    "pipeline_change",
    "replay",
    "report",
    "score",
    "snapshots",
    "sorted_rows",
]
