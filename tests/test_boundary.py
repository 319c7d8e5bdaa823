"""The JSON boundary: round trips, schemas, and bad data refused with every problem listed."""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
from funnelkit import testing

ANY_SUBJECT = testing.prospects() | testing.leads() | testing.opportunities() | testing.clients()


@given(ANY_SUBJECT)
def test_objects_round_trip_through_json(subject: Any) -> None:
    data = json.loads(json.dumps(fk.dump(subject)))
    assert fk.load(type(subject), data) == subject
    for event in subject.history:
        assert fk.load(fk.Event, json.loads(json.dumps(fk.dump(event)))) == event


@given(st.data())
def test_custom_pipeline_objects_round_trip(data: st.DataObject) -> None:
    pipeline = data.draw(testing.pipelines())
    opportunity = data.draw(testing.opportunities(pipeline=pipeline))
    assert fk.load(fk.Opportunity, fk.dump(opportunity)) == opportunity
    assert fk.load(fk.Pipeline, fk.dump(pipeline)) == pipeline


@pytest.mark.parametrize(
    "kind",
    [
        fk.Prospect,
        fk.Lead,
        fk.Opportunity,
        fk.Client,
        fk.Event,
        fk.Money,
        fk.Account,
        fk.Contact,
        fk.Touch,
        fk.Pipeline,
    ],
)
def test_every_type_has_a_schema(kind: type[object]) -> None:
    schema = fk.json_schema(kind)
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False


def test_the_event_schema_describes_each_payload() -> None:
    schema = json.dumps(fk.json_schema(fk.Lead))
    assert "LeadNurturedPayload" in schema
    assert "OpportunityWonPayload" in json.dumps(fk.json_schema(fk.Event))


def problems(kind: type[object], data: Any, pipelines: Any = ()) -> list[str]:
    with pytest.raises(fk.InvalidInput) as caught:
        fk.load(kind, data, pipelines=pipelines)
    return [str(problem) for problem in caught.value.problems]


def edited(subject: Any, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data: dict[str, Any] = fk.dump(subject)
    change(data)
    return data


def test_every_problem_is_listed_with_its_location(lead: fk.Lead, day: Any) -> None:
    worked = lead.work(at=day(2))

    def damage(data: dict[str, Any]) -> None:
        data["status"] = 7
        data["history"][0]["payload"]["contact"]["email"] = 7
        data["history"][1]["at"] = "2026-01-02T00:00:00"

    assert problems(fk.Lead, edited(worked, damage)) == [
        "status: Input should be a valid string (got 7)",
        (
            "history.1.at: must be an ISO 8601 time with its offset, such as 2026-03-01T09:00:00+00:00"
            " (got '2026-01-02T00:00:00')"
        ),
    ]

    def damage_payload(data: dict[str, Any]) -> None:
        data["history"][0]["payload"]["contact"]["email"] = 7

    # payloads are parsed once the document around them is sound
    assert problems(fk.Lead, edited(worked, damage_payload)) == [
        "history.0.payload.contact.email: Input should be a valid string (got 7)"
    ]


def test_domain_rules_are_checked_after_types(lead: fk.Lead) -> None:
    def damage(data: dict[str, Any]) -> None:
        data["history"][0]["payload"]["contact"]["email"] = "nobody"
        data["history"][0]["payload"]["account"]["name"] = " "

    assert problems(fk.Lead, edited(lead, damage)) == [
        "history.0.payload.account.name: must be a non-blank string (got ' ')",
        "history.0.payload.contact.email: must be an address like name@example.com (got 'nobody')",
    ]


def test_the_header_must_agree_with_the_history(lead: fk.Lead, day: Any) -> None:
    worked = lead.work(at=day(2))
    assert problems(fk.Lead, edited(worked, lambda d: d.update(status="new", version=5))) == [
        "status: does not match the history, which gives 'working' (got 'new')",
        "version: does not match the history, which gives 2 (got 5)",
    ]
    assert problems(fk.Lead, edited(worked, lambda d: d.update(id="L-2"))) == [
        "id: does not match the history, which gives 'L-1' (got 'L-2')"
    ]
    assert problems(fk.Lead, edited(lead, lambda d: d["history"].clear()))[0] == (
        "history.0: must be the event that created the object"
    )
    assert problems(fk.Lead, edited(lead, lambda d: d.update(kind="Client")))[0].startswith(
        "kind: Input should be"
    )


def test_a_whole_object_is_stored_once(lead: fk.Lead, day: Any) -> None:
    touch = fk.Touch(fk.Channel.email, "news", fk.TouchKind.email_open, day(2))
    engaged = lead.engage(at=day(2), touch=touch).record(at=day(3), facts={"need": "speed"})
    data = fk.dump(engaged)
    assert sorted(data) == ["history", "id", "kind", "schema", "status", "version"]
    assert json.dumps(data).count('"email_open"') == 1
    assert json.dumps(data).count('"speed"') == 1


def test_stored_stages_must_belong_to_the_pipeline(opportunity: fk.Opportunity) -> None:
    stored = fk.snapshot(opportunity)
    stored["state"]["status"] = "limbo"
    assert problems(fk.Opportunity, stored) == [
        "state.status: is not a status an Opportunity can have (got 'limbo')"
    ]

    custom = fk.Pipeline("quick", (fk.Stage("talk", None, fk.ForecastCategory.pipeline),))
    deal = fk.Opportunity.create("O-2", account=opportunity.account, at=opportunity.last_at, pipeline=custom)

    def bad_pipeline(data: dict[str, Any]) -> None:
        data["pipelines"][0]["stages"] = []

    assert problems(fk.Opportunity, edited(deal, bad_pipeline)) == [
        "pipelines.0: it has no stages: give at least one open stage",
        (
            "history.0.payload.pipeline: names pipeline 'quick' version 1, which is not known "
            "(known: default v1); pass it to load in pipelines= (got {'name': 'quick', 'version': 1})"
        ),
    ]


def test_pipelines_are_stored_by_name_and_version(opportunity: fk.Opportunity) -> None:
    custom = fk.Pipeline("quick", (fk.Stage("talk", None, fk.ForecastCategory.pipeline),), version=3)
    deal = fk.Opportunity.create("O-2", account=opportunity.account, at=opportunity.last_at, pipeline=custom)
    created = fk.dump(deal.history[0])
    assert created["payload"]["pipeline"] == {"name": "quick", "version": 3}
    assert fk.load(fk.Event, created, pipelines=[custom]) == deal.history[0]
    assert problems(fk.Event, created)[0].startswith("payload.pipeline: names pipeline 'quick' version 3")
    assert (
        problems(fk.Event, created | {"schema": 2}, pipelines=["quick"])[0]
        == "pipelines: must be Pipelines (got 'quick')"
    )
    whole = fk.dump(deal)
    assert whole["pipelines"] == [fk.dump(custom)]
    changed = fk.Pipeline("quick", (fk.Stage("chat", None, fk.ForecastCategory.pipeline),), version=3)
    assert problems(fk.Opportunity, whole, pipelines=[changed])[0].startswith(
        "pipelines.0: differs from the pipeline 'quick' version 3 already known: a changed definition needs"
    )
    assert fk.load(fk.Opportunity, whole) == deal
    assert "pipelines" not in fk.dump(opportunity)


def test_event_payloads_are_checked(lead: fk.Lead, day: Any) -> None:
    event = lead.nurture(at=day(2), reason="later").history[-1]
    assert problems(fk.Event, edited(event, lambda d: d.update(command="fly"))) == [
        "command: must be one of " + str(sorted(fk.Lead.event_payloads)) + " (got 'fly')"
    ]
    assert problems(fk.Event, edited(event, lambda d: d.update(payload={"reason": 1}))) == [
        "payload.reason: Input should be a valid string (got 1)"
    ]
    touch = fk.dump(lead.source) | {"campaign": ""}
    engaged = edited(event, lambda d: d.update(command="engage", payload={"touch": touch}))
    assert problems(fk.Event, engaged) == ["payload.touch.campaign: must be a non-blank string (got '')"]
    assert problems(fk.Event, edited(event, lambda d: d.update(subject="Deal")))[0].startswith(
        "subject: Input should be"
    )


def test_money_keeps_every_digit() -> None:
    price = fk.Money("1234567890.123456789", "EUR")
    assert fk.dump(price) == {"amount": "1234567890.123456789", "currency": "EUR"}
    assert fk.load(fk.Money, fk.dump(price)) == price
    assert problems(fk.Money, {"amount": "1", "currency": "EUR", "rate": 1}) == [
        "rate: Extra inputs are not permitted (got 1)"
    ]


def test_dump_of_plain_values() -> None:
    assert fk.dump(None) is None
    assert fk.dump(datetime(2026, 1, 1)) == "2026-01-01T00:00:00"  # noqa: DTZ001
    assert fk.dump(fk.LeadStatus.new) == "new"
