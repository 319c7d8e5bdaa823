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


def problems(kind: type[object], data: Any) -> list[str]:
    with pytest.raises(fk.InvalidInput) as caught:
        fk.load(kind, data)
    return [str(problem) for problem in caught.value.problems]


def edited(subject: Any, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data: dict[str, Any] = fk.dump(subject)
    change(data)
    return data


def test_every_problem_is_listed_with_its_location(lead: fk.Lead, day: Any) -> None:
    worked = lead.work(at=day(2))

    def damage(data: dict[str, Any]) -> None:
        data["status"] = "sleeping"
        data["contact"]["email"] = 7
        data["history"][1]["at"] = "2026-01-02T00:00:00"

    found = problems(fk.Lead, edited(worked, damage))
    assert found[0].startswith("status: Input should be")
    assert found[1] == "contact.email: Input should be a valid string"
    assert found[2] == "history.1.at: Input should have timezone info"


def test_domain_rules_are_checked_after_types(lead: fk.Lead) -> None:
    def damage(data: dict[str, Any]) -> None:
        data["contact"]["email"] = "nobody"
        data["account"]["name"] = " "

    assert problems(fk.Lead, edited(lead, damage)) == [
        "account.name: must be a non-blank string",
        "contact.email: must be an address like name@example.com",
    ]


def test_fields_must_agree_with_the_history(lead: fk.Lead, day: Any) -> None:
    assert problems(fk.Lead, edited(lead.work(at=day(2)), lambda d: d.update(status="new"))) == [
        "status: does not match the history"
    ]
    assert problems(fk.Lead, edited(lead, lambda d: d["history"].clear()))[0] == (
        "history.0: must be the event that created the object"
    )


def test_stored_stages_must_belong_to_the_pipeline(opportunity: fk.Opportunity) -> None:
    assert problems(fk.Opportunity, edited(opportunity, lambda d: d.update(status="limbo")))[0].startswith(
        "status: must be a stage of the pipeline"
    )

    def bad_pipeline(data: dict[str, Any]) -> None:
        data["pipeline"]["stages"] = []

    assert problems(fk.Opportunity, edited(opportunity, bad_pipeline)) == [
        "pipeline: it has no stages: give at least one open stage"
    ]


def test_event_payloads_are_checked(lead: fk.Lead, day: Any) -> None:
    event = lead.nurture(at=day(2), reason="later").history[-1]
    assert problems(fk.Event, edited(event, lambda d: d.update(command="fly"))) == [
        "command: must be one of " + str(sorted(fk.Lead.event_payloads))
    ]
    assert problems(fk.Event, edited(event, lambda d: d.update(payload={"reason": 1}))) == [
        "payload.reason: Input should be a valid string"
    ]
    touch = fk.dump(lead.source) | {"campaign": ""}
    engaged = edited(event, lambda d: d.update(command="engage", payload={"touch": touch}))
    assert problems(fk.Event, engaged) == ["payload.touch.campaign: must be a non-blank string"]
    assert problems(fk.Event, edited(event, lambda d: d.update(subject="Deal")))[0].startswith(
        "subject: Input should be"
    )


def test_money_keeps_every_digit() -> None:
    price = fk.Money("1234567890.123456789", "EUR")
    assert fk.dump(price) == {"amount": "1234567890.123456789", "currency": "EUR"}
    assert fk.load(fk.Money, fk.dump(price)) == price
    assert problems(fk.Money, {"amount": "1", "currency": "EUR", "rate": 1}) == [
        "rate: Extra inputs are not permitted"
    ]


def test_dump_of_plain_values() -> None:
    assert fk.dump(None) is None
    assert fk.dump(datetime(2026, 1, 1)) == "2026-01-01T00:00:00"  # noqa: DTZ001
    assert fk.dump(fk.LeadStatus.new) == "new"
