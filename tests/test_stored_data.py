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
KINDS = {"Prospect": fk.Prospect, "Lead": fk.Lead, "Opportunity": fk.Opportunity, "Client": fk.Client}


def test_the_fixtures_hold_every_kind_of_event() -> None:
    commands = {(event["subject"], event["command"]) for event in STORED["events"]}
    declared = {(kind, command) for kind, cls in KINDS.items() for command in cls.event_payloads}
    assert commands == declared


@pytest.mark.parametrize("name", sorted(STORED["objects"]))
def test_stored_objects_load(name: str) -> None:
    stored: dict[str, Any] = STORED["objects"][name]
    subject = fk.load(KINDS[stored["kind"]], stored["document"])
    assert subject.id == stored["document"]["id"]
    assert subject.status.value == stored["document"]["status"]
    assert len(subject.history) == len(stored["document"]["history"])


def test_stored_events_load() -> None:
    events = [fk.load(fk.Event, data) for data in STORED["events"]]
    assert [event.command for event in events] == [data["command"] for data in STORED["events"]]
