"""Data written with schema 2 keeps loading after the format changes.

``fixtures/schema_2.json`` was written at commit a8b653c (schema 2) by loading ``schema_1.json``
and dumping it again: whole objects, their snapshots, every kind of event and the values. It is
never rewritten.
"""

import json
from pathlib import Path
from typing import Any

import pytest

import funnelkit as fk

STORED = json.loads((Path(__file__).parent / "fixtures" / "schema_2.json").read_text())
KINDS: dict[str, type[Any]] = {
    "Prospect": fk.Prospect,
    "Lead": fk.Lead,
    "Opportunity": fk.Opportunity,
    "Client": fk.Client,
}


def test_the_fixture_holds_every_kind_of_event_of_schema_2() -> None:
    assert {event["schema"] for event in STORED["events"]} == {2}
    assert len({(event["subject"], event["command"]) for event in STORED["events"]}) == 32


@pytest.mark.parametrize("name", sorted(STORED["objects"]))
def test_stored_objects_and_their_snapshots_load(name: str) -> None:
    stored = STORED["objects"][name]
    kind = KINDS[stored["kind"]]
    document = stored["document"]
    subject = fk.load(kind, document)
    assert (subject.id, subject.status.value, subject.version) == (
        document["id"],
        document["status"],
        document["version"],
    )
    assert fk.load(kind, json.loads(json.dumps(fk.dump(subject)))) == subject
    pipelines = [subject.pipeline] if isinstance(subject, fk.Opportunity) else []
    restored = fk.load(kind, STORED["snapshots"][name]["snapshot"], pipelines=pipelines)
    assert (restored.status, restored.version) == (subject.status, subject.version)
    state = {field: getattr(subject, field) for field in STORED["snapshots"][name]["snapshot"]["state"]}
    assert {field: getattr(restored, field) for field in state} == state
    if hasattr(restored, "owner"):  # schema 3 added owners: schema 2's objects have none
        assert "owner" not in state
        assert restored.owner is None
    if hasattr(restored, "buyer_stage"):  # and the buyer's stage
        assert restored.buyer_stage is None
    if isinstance(restored, fk.Opportunity):  # schema 3 added these; schema 2 knew none of them
        assert "close_date" not in state
        assert (restored.close_date, restored.manual_probability, restored.manual_category) == (
            None,
            None,
            None,
        )


def test_stored_events_and_values_load() -> None:
    events = [fk.load(fk.Event, data, pipelines=_pipelines()) for data in STORED["events"]]
    assert [event.command for event in events] == [data["command"] for data in STORED["events"]]
    assert all(fk.load(fk.Event, fk.dump(event), pipelines=_pipelines()) == event for event in events)
    contacts = [event.payload.get("contact") for event in events]
    phones = [contact.phone for contact in contacts if isinstance(contact, fk.Contact)]
    assert phones
    assert set(phones) == {None}  # schema 3 added phones
    for name, data in STORED["values"].items():  # fields added since are written only when set
        kind = getattr(fk, name)
        assert fk.dump(fk.load(kind, data)) == data


def _pipelines() -> list[fk.Pipeline]:
    found = []
    for stored in STORED["objects"].values():
        subject = fk.load(KINDS[stored["kind"]], stored["document"])
        if isinstance(subject, fk.Opportunity):
            found.append(subject.pipeline)
    return found


def test_a_lead_marked_marketing_qualified_in_schema_2_was_marked_by_hand() -> None:
    marked = [data for data in STORED["events"] if data["command"] == "mark_marketing_qualified"]
    assert marked
    assert all(data["payload"] == {} for data in marked)
    assert {fk.load(fk.Event, data).payload["recommendation"] for data in marked} == {None}
    leads = [o["document"] for o in STORED["objects"].values() if o["kind"] == "Lead"]
    histories = [fk.load(fk.Lead, document).history for document in leads]
    marking = "mark_marketing_qualified"
    payloads = [e.payload for history in histories for e in history if e.command == marking]
    assert payloads
    assert payloads == [{"recommendation": None}] * len(payloads)
