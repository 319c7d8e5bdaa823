"""Replay rebuilds objects exactly, and refuses histories that could not have happened."""

from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given

import funnelkit as fk
from funnelkit import testing


@given(testing.prospects() | testing.leads() | testing.opportunities() | testing.clients())
def test_replay_rebuilds_every_object(subject: Any) -> None:
    assert fk.replay(subject.history) == subject
    assert fk.replay(list(subject.history)) == subject


def problems_of(history: Any) -> list[str]:
    with pytest.raises(fk.InvalidInput) as caught:
        fk.replay(history)
    return [str(problem) for problem in caught.value.problems]


def test_empty_and_odd_histories(lead: fk.Lead) -> None:
    assert problems_of([]) == ["history.0: must be the event that created the object"]
    assert problems_of([lead.history[0], "event"]) == ["history.1: must be an Event (got 'event')"]


def test_the_first_event_must_create(lead: fk.Lead, day: Any) -> None:
    created = lead.history[0]
    worked = lead.work(at=day(2)).history[1]
    assert problems_of([attrs.evolve(created, subject="Deal")]) == [
        "history.0.subject: must be one of ['Client', 'Lead', 'Opportunity', 'Prospect'] (got 'Deal')"
    ]
    assert problems_of([worked]) == [
        "history.0.command: must be 'create' for the event that creates an object (got 'work')",
        "history.0.sequence: must be 0 for the event that creates an object (got 1)",
        "history.0.source: must be None for the event that creates an object (got 'new')",
    ]
    assert problems_of([attrs.evolve(created, target="working")]) == [
        "history.0.target: must be 'new', where it starts (got 'working')"
    ]
    naive = created.at.replace(tzinfo=None)
    assert problems_of([attrs.evolve(created, at=naive)]) == [
        "history.0.at: must be timezone-aware (got 2026-01-01T00:00:00)"
    ]
    assert problems_of([attrs.evolve(created, payload={})])[0].startswith(
        "history.0.payload: must have exactly the keys"
    )


def test_later_events_must_follow(lead: fk.Lead, day: Any) -> None:
    history = lead.work(at=day(2)).nurture(at=day(3), reason="later").history
    first, worked, nurtured = history
    assert problems_of([first, nurtured]) == [
        "history.1.sequence: should be 1 to follow the events before it (got 2)",
        "history.1.source: should be 'new' to follow the events before it (got 'working')",
    ]
    assert problems_of([first, attrs.evolve(worked, command="accept")]) == [
        (
            f"history.1.target: 'accept' from 'new' leads to None; allowed: {lead.allowed_events()}"
            " (got 'working')"
        )
    ]
    assert problems_of([first, attrs.evolve(worked, command="fly")]) == [
        f"history.1.command: must be one of {sorted(fk.Lead.event_payloads)} (got 'fly')"
    ]
    assert problems_of([first, worked, attrs.evolve(nurtured, payload={"reason": 3})]) == [
        "history.2.payload.reason: must be str (got 3)"
    ]
    early = worked.at - timedelta(days=5)
    assert problems_of([first, attrs.evolve(worked, at=early)])[0].startswith("history.1.at: is earlier than")
    naive = datetime(2026, 1, 2)  # noqa: DTZ001 - the point of the test
    assert problems_of([first, attrs.evolve(worked, at=naive)]) == [
        "history.1.at: must be a timezone-aware datetime, such as one in UTC (got 2026-01-02T00:00:00)"
    ]
    assert problems_of([first, attrs.evolve(worked, subject_id="L-2")]) == [
        "history.1.subject_id: should be 'L-1' to follow the events before it (got 'L-2')"
    ]


def test_events_are_read_only(lead: fk.Lead, day: Any) -> None:
    event = lead.nurture(at=day(2), reason="later").history[-1]
    with pytest.raises(TypeError):
        event.payload["reason"] = "changed"  # type: ignore[index]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.command = "work"  # type: ignore[misc]
    assert event.name == "LeadNurtured"
    proxy_kept = fk.Event("Lead", "L-1", 1, "work", "new", "working", event.at, event.payload)
    assert proxy_kept.payload is event.payload


@pytest.mark.parametrize("tags", ["x", (1,)])
def test_a_stored_payload_of_the_wrong_tuple_is_named(tags: object) -> None:
    at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    source = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, at)
    lead = fk.Lead.create("L", account=fk.Account("a", "A", fk.AccountKind.company), source=source, at=at)
    tagged = lead.tag(at=at, tags=["x"])
    wrong = attrs.evolve(tagged.history[-1], payload={"tags": tags})
    with pytest.raises(fk.InvalidInput, match=r"history.1.payload.tags: must be a tuple of str"):
        fk.replay([tagged.history[0], wrong])
