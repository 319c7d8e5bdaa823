"""Versions, new events, snapshots, schemas and times: what persistence relies on."""

import json
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
from funnelkit import testing

ANY_SUBJECT = testing.prospects() | testing.leads() | testing.opportunities() | testing.clients()


@given(ANY_SUBJECT, st.data())
def test_version_counts_events_and_events_since_gives_the_rest(subject: Any, data: st.DataObject) -> None:
    assert subject.version == len(subject.history)
    assert subject.history[-1].sequence == subject.version - 1
    version = data.draw(st.integers(0, subject.version))
    assert subject.events_since(version) == subject.history[version:]
    assert [event.sequence for event in subject.events_since(version)] == list(
        range(version, subject.version)
    )


def test_events_since_refuses_versions_it_cannot_answer(lead: fk.Lead) -> None:
    for bad in (-1, 2, True, "1"):
        with pytest.raises(fk.InvalidInput, match="has no events since"):
            lead.events_since(bad)  # type: ignore[arg-type]


@given(ANY_SUBJECT, st.data())
def test_a_snapshot_continued_by_later_events_is_the_object(subject: Any, data: st.DataObject) -> None:
    version = data.draw(st.integers(1, subject.version))
    earlier = fk.replay(subject.history[:version])
    stored = json.loads(json.dumps(fk.snapshot(earlier)))
    restored = fk.load(type(subject), stored)
    assert restored.version == version
    assert len(restored.history) == 0
    assert fk.snapshot(restored) == stored
    continued = fk.replay(subject.events_since(version), snapshot=restored)
    for field in attrs.fields(type(subject)):
        if field.name != "history":
            assert getattr(continued, field.name) == getattr(subject, field.name), field.name
    assert continued.history == subject.history[version:]
    assert continued.history.start == version


def test_a_snapshot_holds_each_fact_and_touch_once(lead: fk.Lead, day: Any) -> None:
    touch = fk.Touch(fk.Channel.email, "news", fk.TouchKind.email_open, day(2))
    engaged = lead.engage(at=day(2), touch=touch).record(at=day(3), facts={"need": "faster invoicing"})
    text = json.dumps(fk.snapshot(engaged))
    assert text.count("email_open") == 1
    assert text.count("faster invoicing") == 1
    assert "history" not in fk.snapshot(engaged)


def test_a_snapshot_of_a_custom_pipeline_deal_loads_on_its_own(opportunity: fk.Opportunity, day: Any) -> None:
    quick = fk.Pipeline("quick", (fk.Stage("talk", None, fk.ForecastCategory.pipeline),), version=4)
    deal = fk.Opportunity.create("O-9", account=opportunity.account, at=day(1), pipeline=quick)
    stored = fk.snapshot(deal)
    assert stored["pipelines"] == [fk.dump(quick)]
    assert stored["state"]["pipeline"] == {"name": "quick", "version": 4}
    assert fk.load(fk.Opportunity, stored).pipeline == quick


def test_snapshot_problems_are_located(lead: fk.Lead, day: Any) -> None:
    recorded = lead.record(at=day(2), facts={"need": "speed"})
    stored = fk.snapshot(recorded)
    stored["state"]["evidence"]["facts"][0]["name"] = " "
    with pytest.raises(fk.InvalidInput) as caught:
        fk.load(fk.Lead, stored)
    assert [str(p) for p in caught.value.problems] == [
        "state.evidence.facts.0.name: must be a non-blank string (got ' ')"
    ]
    with pytest.raises(fk.InvalidInput, match="must be a funnel object"):
        fk.snapshot(lead.account)  # type: ignore[arg-type]
    with pytest.raises(fk.InvalidInput, match="version: Input should be greater than 0"):
        fk.load(fk.Lead, fk.snapshot(lead) | {"version": 0})


def test_events_that_do_not_follow_a_snapshot_are_refused(lead: fk.Lead, day: Any) -> None:
    later = lead.work(at=day(2)).nurture(at=day(3), reason="later")
    restored = fk.load(fk.Lead, fk.snapshot(lead.work(at=day(2))))
    with pytest.raises(fk.InvalidInput) as caught:
        fk.replay(later.history, snapshot=restored)
    assert (
        str(caught.value.problems[0])
        == "history.0.sequence: should be 2 to follow the events before it (got 0)"
    )
    with pytest.raises(fk.InvalidInput, match="must be a funnel object"):
        fk.replay(later.history, snapshot="L-1")
    assert fk.replay(later.events_since(2), snapshot=restored).status is fk.LeadStatus.nurturing


@pytest.mark.parametrize("schema", [0, -1, True, "2", None, 2.0])
def test_odd_schemas_are_refused(lead: fk.Lead, schema: object) -> None:
    with pytest.raises(fk.InvalidInput, match="schema: must be a schema number from 1 to 3"):
        fk.load(fk.Lead, fk.dump(lead) | {"schema": schema})


def test_documents_from_the_future_are_refused(lead: fk.Lead) -> None:
    for kind, data in (
        (fk.Lead, fk.dump(lead)),
        (fk.Event, fk.dump(lead.history[0])),
        (fk.Lead, fk.snapshot(lead)),
    ):
        with pytest.raises(fk.InvalidInput, match=r"newer funnelkit \(schema 4\)"):
            fk.load(kind, data | {"schema": 4})


def test_non_documents_are_refused_whole() -> None:
    with pytest.raises(fk.InvalidInput, match="Input should be a valid dictionary"):
        fk.load(fk.Lead, [1, 2])


# A local time that never happened: clocks in Sao Paulo jumped from 00:00 to 01:00 on 2018-11-04.
GAP = datetime(2018, 11, 4, 0, 30, tzinfo=ZoneInfo("America/Sao_Paulo"))


def test_a_local_time_in_a_daylight_saving_gap_round_trips(acme: fk.Account, ada: fk.Contact) -> None:
    touch = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, GAP)
    lead = fk.Lead.create("L-1", account=acme, contact=ada, source=touch, at=GAP)
    assert lead.last_at.tzinfo is timezone.utc
    assert lead.source.at.tzinfo is timezone.utc
    assert fk.load(fk.Lead, json.loads(json.dumps(fk.dump(lead)))) == lead
    recorded = lead.record(at=GAP + timedelta(hours=1), facts={"need": "speed"})
    assert recorded.evidence.facts[0].at.tzinfo is timezone.utc
    assert fk.load(fk.Lead, fk.dump(recorded)) == recorded


@given(st.datetimes(timezones=st.timezones(), min_value=datetime(1900, 1, 2), max_value=datetime(2200, 1, 1)))  # noqa: DTZ001 - hypothesis bounds are naive
def test_any_aware_time_round_trips(at: datetime) -> None:
    account = fk.Account("acme", "Acme", fk.AccountKind.company)
    client = fk.Client.create("C-1", account=account, opportunity_id="O-1", at=at)
    # not `== at`: a time in a gap or a fold never equals one in another zone (PEP 495)
    assert client.last_at == at.astimezone(timezone.utc)
    assert client.last_at.utcoffset() == timedelta(0)
    assert fk.load(fk.Client, json.loads(json.dumps(fk.dump(client)))) == client
    assert fk.load(fk.Client, fk.snapshot(client)).last_at == client.last_at


def test_datetime_subclasses_become_datetimes(lead: fk.Lead, day: Any) -> None:
    class Stamp(datetime):
        pass

    worked = lead.work(at=Stamp(2026, 1, 9, tzinfo=timezone(timedelta(hours=2))))
    assert type(worked.last_at) is datetime
    assert worked.last_at == datetime(2026, 1, 8, 22, tzinfo=timezone.utc)
    assert day(9) > worked.last_at
