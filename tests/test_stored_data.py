"""Data written by earlier releases keeps loading.

``fixtures/schema_1.json`` was dumped by funnelkit 0.1.0 (schema 1) before the format changed:
every kind of object and every kind of event. It is never rewritten.
"""

import json
from pathlib import Path
from typing import Any

import pytest

import funnelkit as fk

STORED = json.loads((Path(__file__).parent / "fixtures" / "schema_1.json").read_text())
KINDS: dict[str, type[fk.Prospect | fk.Lead | fk.Opportunity | fk.Client]] = {
    "Prospect": fk.Prospect,
    "Lead": fk.Lead,
    "Opportunity": fk.Opportunity,
    "Client": fk.Client,
}


def test_the_fixtures_hold_every_kind_of_event() -> None:
    commands = {(event["subject"], event["command"]) for event in STORED["events"]}
    declared = {(kind, command) for kind, cls in KINDS.items() for command in cls.event_payloads}
    # every kind of event there was; the commands added since came with schema 3
    added = {("Opportunity", "estimate"), ("Opportunity", "set_forecast")}
    added |= {(kind, "assign") for kind in ("Lead", "Opportunity", "Client")}
    added |= {(kind, "note_buyer_stage") for kind in ("Lead", "Opportunity")}
    added |= {(kind, c) for kind in ("Lead", "Opportunity", "Client") for c in ("set_fields", "tag", "untag")}
    added |= {(kind, "update_account") for kind in ("Prospect", "Lead", "Opportunity", "Client")}
    added |= {("Opportunity", "add_contact"), ("Opportunity", "remove_contact")}
    assert declared - commands == added
    assert commands <= declared


@pytest.mark.parametrize("name", sorted(STORED["objects"]))
def test_stored_objects_load(name: str) -> None:
    stored: dict[str, Any] = STORED["objects"][name]
    document = stored["document"]
    subject: Any = fk.load(KINDS[stored["kind"]], document, pipelines=())
    assert subject.version == len(document["history"])
    # every plain field schema 1 stored is what the history rebuilds
    for field, value in document.items():
        plain_list = isinstance(value, list) and all(isinstance(item, str) for item in value)
        if field != "history" and (value is None or isinstance(value, (str, int)) or plain_list):
            found = getattr(subject, field)
            found = getattr(found, "value", found)
            assert (list(found) if isinstance(value, list) else found) == value, field
    again = fk.load(KINDS[stored["kind"]], json.loads(json.dumps(fk.dump(subject))))
    assert again == subject
    assert fk.dump(again)["schema"] == 3


def test_stored_events_load() -> None:
    events = [fk.load(fk.Event, data) for data in STORED["events"]]
    assert [event.command for event in events] == [data["command"] for data in STORED["events"]]
    pipelines = [
        pipeline
        for event in events
        for pipeline in [event.payload.get("pipeline")]
        if isinstance(pipeline, fk.Pipeline)
    ]
    assert len(pipelines) == 3
    assert all(fk.load(fk.Event, fk.dump(event), pipelines=pipelines) == event for event in events)
    assert {fk.dump(event)["schema"] for event in events} == {3}


def test_stored_values_load() -> None:
    kinds: dict[str, type[Any]] = {
        "Money": fk.Money,
        "Account": fk.Account,
        "Contact": fk.Contact,
        "Touch": fk.Touch,
        "Stage": fk.Stage,
    }
    for name, kind in kinds.items():
        value: Any = fk.load(kind, STORED["values"][name])
        assert fk.load(kind, fk.dump(value)) == value
    touch = STORED["values"]["Touch"]
    # fields added since are written only when set, so the stored touch comes back as it was
    assert fk.dump(fk.load(fk.Touch, touch)) == touch | {"at": "2026-03-04T12:00:00+00:00"}
    assert touch["at"] == "2026-03-04T09:00:00-03:00"
    pipeline = STORED["values"]["Pipeline"]
    assert fk.load(fk.Pipeline, pipeline | {"version": 1}).name == pipeline["name"]
