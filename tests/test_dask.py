"""funnelkit on a local Dask cluster of process workers gives what one process gives, for any partitioning."""

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import dask.bag as db
import dask.dataframe as dd
import distributed
import pandas as pd
import pytest

import funnelkit as fk
import funnelkit.analytics as an
import funnelkit.dask as fkd
import funnelkit.scoring as sc
import funnelkit.tabular as ft
from funnelkit import demo

AS_OF = datetime(2026, 3, 1, tzinfo=timezone.utc)
MARCH: dict[str, Any] = {
    "start": datetime(2026, 3, 1, tzinfo=timezone.utc),
    "end": datetime(2026, 4, 1, tzinfo=timezone.utc),
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[distributed.Client]:
    local = str(tmp_path_factory.mktemp("dask"))
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", local_directory=local
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


Compute = Callable[[Any], Any]


@pytest.fixture(params=["sync", "processes"])
def compute(request: pytest.FixtureRequest) -> Compute:
    """Compute in this process (where coverage sees the workers' code) and on the cluster's processes."""
    if request.param == "sync":
        return lambda collection: collection.compute(scheduler="sync")
    client: distributed.Client = request.getfixturevalue("client")
    return lambda collection: client.compute(collection).result()


@pytest.fixture(scope="module")
def objects() -> list[Any]:
    funnel = demo.simulate(7, 150)
    return [*funnel.prospects, *funnel.leads, *funnel.opportunities, *funnel.clients]


@pytest.fixture(scope="module")
def events(objects: list[Any]) -> list[fk.Event]:
    # interleaved across objects, as a log is
    return sorted((event for subject in objects for event in subject.history), key=lambda event: event.at)


def frame(events: Sequence[fk.Event], partitions: int) -> dd.DataFrame:
    return dd.from_pandas(pd.DataFrame([ft.row(event) for event in events]), npartitions=partitions)


def ordered(objects: list[Any]) -> list[Any]:
    return sorted(objects, key=lambda subject: (subject.history[0].subject, subject.id))


@pytest.mark.parametrize("partitions", [1, 3, 7])
def test_replay_and_snapshots_equal_one_process(
    compute: Compute, events: list[fk.Event], objects: list[Any], partitions: int
) -> None:
    rows = fkd.by_object(frame(events, 2), npartitions=partitions)
    assert rows.npartitions == partitions
    replayed = compute(fkd.replay(rows))
    assert ordered(replayed) == ordered(objects)
    shots = compute(fkd.snapshots(rows))
    assert sorted(shots, key=lambda shot: (shot["kind"], shot["state"]["id"])) == [
        fk.snapshot(subject) for subject in ordered(objects)
    ]
    assert len(compute(fkd.events(rows))) == len(events)


@pytest.mark.parametrize("partitions", [1, 4])
def test_reports_equal_one_process(compute: Compute, events: list[fk.Event], partitions: int) -> None:
    rows = fkd.by_object(frame(events, 3), npartitions=partitions)
    for options in ({}, {"by": ("channel",), "as_of": AS_OF}, {"by": ("cohort",), "period": "week"}):
        assert compute(fkd.report(rows, split_every=2, **options)) == an.report(events, **options)
    assert compute(fkd.pipeline_change(rows, **MARCH)) == an.pipeline_change(events, **MARCH)


def test_scores_equal_one_process(compute: Compute, events: list[fk.Event], objects: list[Any]) -> None:
    model = sc.PointsModel(
        "demo",
        "1",
        [
            sc.Group("who", [sc.FitRule("mid", 20, fk.attribute("segment", one_of="mid"))]),
            sc.Group("did", [sc.EngagementRule("form", 10, kind="form_submission")], decay=sc.half_life(30)),
        ],
    )
    rows = fkd.by_object(frame(events, 2), npartitions=3)
    scored = compute(fkd.score(rows, model, at=AS_OF))
    leads = [subject for subject in objects if isinstance(subject, fk.Lead)]
    assert sorted(scored, key=lambda item: item[1]) == sorted(
        (("Lead", lead.id, model.score(lead, at=AS_OF)) for lead in leads), key=lambda item: item[1]
    )
    both = compute(fkd.score(rows, model, at=AS_OF, kinds=["Lead", "Opportunity"]))
    assert {kind for kind, _, _ in both} == {"Lead", "Opportunity"}
    with pytest.raises(
        fk.InvalidInput, match=r"kinds: must name kinds among Client, Lead, Opportunity, Prospect"
    ):
        fkd.score(rows, model, at=AS_OF, kinds=["Deal"])


def test_stored_events_in_a_bag_give_the_same_report(compute: Compute, events: list[fk.Event]) -> None:
    stored = db.from_sequence([fk.dump(event) for event in events], npartitions=4)
    rows = fkd.by_object(stored, npartitions=3)
    assert compute(fkd.report(rows)) == an.report(events)
    as_text = db.from_sequence([ft.row(event) for event in events], npartitions=2)  # payloads already text
    assert compute(fkd.report(fkd.by_object(as_text))) == an.report(events)


def test_rows_already_partitioned_by_object_need_only_the_sort(
    compute: Compute, objects: list[Any], tmp_path: Path
) -> None:
    for index, part in enumerate((objects[::2], objects[1::2])):  # each file holds whole objects
        rows = pd.DataFrame([ft.row(event) for subject in reversed(part) for event in subject.history])
        rows.to_parquet(tmp_path / f"part-{index}.parquet")
    stored = dd.read_parquet(str(tmp_path)).map_partitions(fkd.sorted_rows)
    events = [event for subject in objects for event in subject.history]
    assert compute(fkd.report(stored)) == an.report(events)


def test_an_object_split_across_partitions_is_named_by_the_worker(
    compute: Compute, events: list[fk.Event]
) -> None:
    rows = frame(sorted(events, key=lambda event: event.sequence), 2)  # no by_object: creations apart
    with pytest.raises(fk.InvalidInput, match=r"the first event of an object is its creation"):
        compute(fkd.report(rows))
    with pytest.raises(fk.InvalidInput, match=r"(cannot replay|history of) \w+ '[^']+'"):
        compute(fkd.replay(rows))
    twice = dd.concat([frame(events, 1), frame(events, 1)])  # every object in both partitions
    with pytest.raises(fk.InvalidInput, match=r"has events of \w+ '[^']+' too: split events by object"):
        compute(fkd.report(twice))


def test_out_of_order_or_missing_events_are_named_unchanged(
    compute: Compute, objects: list[Any], events: list[fk.Event]
) -> None:
    lead = next(subject for subject in objects if isinstance(subject, fk.Lead) and len(subject.history) > 2)
    missing = [event for event in events if event is not lead.history[1]]
    with pytest.raises(fk.InvalidInput, match=rf"cannot add event 2 of Lead '{lead.id}'") as caught:
        compute(fkd.report(fkd.by_object(frame(missing, 2))))
    with pytest.raises(fk.InvalidInput) as alone:
        an.report(missing)
    assert str(caught.value) == str(alone.value)  # raised on a worker, surfaced as it was
    unsorted = frame(lead.history[::-1], 1)  # newest first
    with pytest.raises(fk.InvalidInput, match=rf"history of Lead '{lead.id}' is inconsistent"):
        compute(fkd.replay(unsorted))


def test_wrong_options_and_inputs_are_refused_at_once(events: list[fk.Event]) -> None:
    rows = frame(events, 1)
    with pytest.raises(fk.InvalidInput, match=r"by: must be one of kind"):
        fkd.report(rows, by=("colour",))
    with pytest.raises(fk.InvalidInput, match=r"end: must be after start"):
        fkd.pipeline_change(rows, start=MARCH["end"], end=MARCH["start"])
    with pytest.raises(fk.InvalidInput, match=r"bye: is not an option of report: as_of, by, where, period"):
        fkd.report(rows, bye=("owner",))
    with pytest.raises(fk.InvalidInput, match=r"end: is required by pipeline_change"):
        fkd.pipeline_change(rows, start=MARCH["start"])
    for wrong in (1, 0, 2.5):
        with pytest.raises(
            fk.InvalidInput, match=r"split_every: must be a whole number, at least 2, or None"
        ):
            fkd.report(rows, split_every=wrong)  # type: ignore[arg-type]
    for bad in (0, -1, "4"):
        with pytest.raises(
            fk.InvalidInput, match=r"npartitions: must be a whole number of partitions, at least 1"
        ):
            fkd.by_object(rows, npartitions=bad)  # type: ignore[arg-type]
    with pytest.raises(
        fk.InvalidInput, match=r"scorer: must be a scorer: something with score\(subject, at=\)"
    ):
        fkd.score(rows, "nope", at=AS_OF)
    with pytest.raises(fk.InvalidInput, match=r"events: must be a Dask DataFrame of event rows or a Bag"):
        fkd.by_object(pd.DataFrame([ft.row(events[0])]))
    with pytest.raises(
        fk.InvalidInput,
        match=r"events: lacks columns it must have \(all of schema, subject.*\(got \['payload'\]\)",
    ):
        fkd.by_object(rows.drop(columns=["payload"]))
    with pytest.raises(fk.InvalidInput, match=r"at: must be a timezone-aware datetime") as naive:
        fkd.score(rows, SimpleNamespace(score=print), at=AS_OF.replace(tzinfo=None))
    assert len(naive.value.problems) == 1
    with pytest.raises(fk.InvalidInput, match=r"rows: must be a Dask DataFrame of event rows: see by_object"):
        fkd.replay([ft.row(events[0])])  # type: ignore[arg-type]


def test_a_bag_of_something_else_is_refused_on_compute(compute: Compute) -> None:
    rows = fkd.by_object(db.from_sequence([1, 2], npartitions=1))
    with pytest.raises(fk.InvalidInput, match=r"must be stored events: dicts as funnelkit.dump writes them"):
        compute(fkd.replay(rows))


def test_a_row_whose_payload_is_not_json_is_named() -> None:
    at = datetime(2026, 3, 2, tzinfo=timezone.utc)
    created = fk.Opportunity.create(
        "O-9", account=fk.Account("a", "A", fk.AccountKind.company), at=at
    ).history[0]
    row = {**ft.row(created), "payload": "{not json"}
    with pytest.raises(
        fk.InvalidInput, match=r"cannot read event 0 of Opportunity 'O-9':\n  - payload: must be JSON"
    ):
        ft.event(row)
    as_timestamp = {**ft.row(created), "at": at}  # a Parquet timestamp column, not text
    with pytest.raises(fk.InvalidInput, match=r"at: must be an ISO 8601 time as text, not a datetime"):
        ft.event(as_timestamp)
    with pytest.raises(fk.InvalidInput, match=r"row: must be a mapping of columns"):
        ft.event([row])  # type: ignore[arg-type]
    with pytest.raises(fk.InvalidInput, match=r"event: must be a funnelkit Event"):
        ft.row(row)  # type: ignore[arg-type]
    with pytest.raises(fk.InvalidInput, match=r"events: must be funnelkit Events"):
        list(ft.replay([row]))  # type: ignore[list-item]


def test_rows_and_stored_events_read_alike() -> None:
    at = datetime(2026, 3, 2, tzinfo=timezone.utc)
    deal = fk.Opportunity.create("O-1", account=fk.Account("a", "A", fk.AccountKind.company), at=at)
    deal = deal.estimate(at=at, amount=fk.Money("10", "EUR"))
    rows = [ft.row(event) for event in deal.history]
    assert list(ft.events(rows)) == [ft.event(fk.dump(event)) for event in deal.history] == list(deal.history)
    assert set(rows[0]) == set(ft.COLUMNS) == set(ft.SPARK_SCHEMA.replace(",", "").split()[::2])
    assert ft.event({**rows[0], "source": float("nan")}) == deal.history[0]  # a frame's missing text


def test_replay_refuses_an_object_whose_events_come_apart() -> None:
    at = datetime(2026, 3, 2, tzinfo=timezone.utc)
    account = fk.Account("a", "A", fk.AccountKind.company)
    one, two = (fk.Opportunity.create(name, account=account, at=at).advance(at=at) for name in ("O-1", "O-2"))
    apart = [one.history[0], two.history[0], one.history[1], two.history[1]]
    with pytest.raises(
        fk.InvalidInput, match=r"cannot replay Opportunity 'O-1':\n  - events: must come together"
    ):
        list(ft.replay(apart))
    with pytest.raises(fk.InvalidInput, match=r"payload: must be JSON text of an object \(got 'xxx"):
        ft.event({**ft.row(one.history[0]), "payload": "x" * 100})
    with pytest.raises(fk.InvalidInput, match=r"payload"):
        ft.event({**ft.row(one.history[0]), "payload": "[1, 2]"})  # JSON, but not an object
