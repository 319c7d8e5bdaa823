"""Properties of the funnel report over whole drawn funnels (funnelkit.testing.funnels)."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.analytics as an
from funnelkit.testing import events_of, funnels, interleaved

BY = st.sampled_from([(), ("channel",), ("owner", "kind"), ("campaign", "cohort"), ("segment", "territory")])


def status_of(subject: Any) -> str:
    return str(getattr(subject.status, "value", subject.status))


@given(funnels())
def test_counts_are_the_statuses_of_the_replayed_objects(objects: list[Any]) -> None:
    report = an.report(events_of(objects))
    counted = {
        (row["kind"], row["status"]): row["value"] for row in report.rows() if row["metric"] == "count"
    }
    replayed = Counter((type(s).__name__.lower(), status_of(fk.replay(s.history))) for s in objects)
    assert counted == dict(replayed)


@given(funnels(), BY)
def test_rates_are_shares(objects: list[Any], by: tuple[str, ...]) -> None:
    for row in an.report(events_of(objects), by=by).rows():
        assert row["metric"] in an.METRICS
        if row["metric"] in ("conversion_rate", "win_rate"):
            assert 0 <= row["value"] <= 1  # type: ignore[operator]


@given(st.data(), funnels(), BY)
def test_any_split_by_object_merges_into_one_pass(
    data: st.DataObject, objects: list[Any], by: tuple[str, ...]
) -> None:
    one_pass = an.report(events_of(objects), by=by)
    slices = data.draw(st.lists(st.integers(0, 3), min_size=len(objects), max_size=len(objects)))
    parts = [
        an.Accumulator(by=by).add_all(events_of([s for s, k in zip(objects, slices, strict=True) if k == n]))
        for n in range(4)
    ]
    order = data.draw(st.permutations(range(4)))
    merged = an.Accumulator(by=by)
    for index in order:
        merged = merged.merge(parts[index])
    assert merged.report() == one_pass


@given(st.data(), funnels())
def test_any_interleaving_gives_the_same_report(data: st.DataObject, objects: list[Any]) -> None:
    assert an.report(data.draw(interleaved(objects))) == an.report(events_of(objects))


@given(funnels(min_journeys=1))
def test_as_of_before_the_first_event_is_an_empty_funnel(objects: list[Any]) -> None:
    events = events_of(objects)
    first = min(event.at for event in events)
    assert an.report(events, as_of=first - timedelta(seconds=1)).rows() == []


@given(funnels())
def test_currencies_never_mix(objects: list[Any]) -> None:
    report = an.report(events_of(objects))
    won: dict[str, Decimal] = {}
    for subject in objects:
        if isinstance(subject, fk.Opportunity) and subject.status.is_won and subject.amount is not None:
            won[subject.amount.currency] = (
                won.get(subject.amount.currency, Decimal(0)) + subject.amount.amount
            )
    reported = {
        row["currency"]: Decimal(str(row["value"])) for row in report.rows() if row["metric"] == "won_amount"
    }
    assert reported == won
