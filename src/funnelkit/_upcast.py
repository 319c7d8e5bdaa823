"""Upcasters: stored data written by an older schema, brought up to the current one on load.

Each change to the stored format adds one small function here that turns data of schema ``n``
into data of schema ``n + 1``, and :func:`upcast` runs them in order. Stored data is never
rewritten in place: the caller may store what :func:`~funnelkit.dump` gives after a load.

Schema 1 (funnelkit 0.1) stored events without saying their schema, an object as all its fields
plus its history, and each opportunity's whole pipeline inside its creation event. Schema 2 adds
the schema to every stored event and object, stores an object as its kind, id, status and
version with its history (fields are what the history makes them), and names pipelines by name
and version (the loader still reads a whole definition where schema 1 wrote one). Schema 3 adds
the owner of leads, opportunities and clients, the buyer's stage of leads and opportunities,
their custom fields and tags, an opportunity's expected close date, its forecast set by hand
and its buying committee, to their snapshots' state (unknown or empty in what schema 2
stored); accounts gain attributes that may be learned later, written only when known.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from funnelkit._errors import InvalidInput, Problem

SCHEMA = 3
"""The schema this release writes."""

Form = str
"""What a stored document is: ``"event"`` or ``"object"`` (a whole object or a snapshot)."""


def _event_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    return {**_entry_1_to_2(data), "schema": 2}


def _entry_1_to_2(data: object) -> Any:  # noqa: ANN401 - stored data, checked later
    """An event inside a stored object: a schema-1 pipeline is version 1 of its name."""
    payload = data.get("payload") if isinstance(data, Mapping) else None
    pipeline = payload.get("pipeline") if isinstance(payload, Mapping) else None
    if not isinstance(pipeline, Mapping) or "stages" not in pipeline:
        return data
    return {**data, "payload": {**payload, "pipeline": {"version": 1, **pipeline}}}  # type: ignore[dict-item]


def _object_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    history = data.get("history")
    first = history[0] if isinstance(history, list) and history and isinstance(history[0], Mapping) else {}
    return {
        "schema": 2,
        "kind": first.get("subject"),
        "id": data.get("id"),
        "status": data.get("status"),
        "version": len(history) if isinstance(history, list) else None,
        "history": [_entry_1_to_2(event) for event in history] if isinstance(history, list) else history,
    }


def _event_2_to_3(data: dict[str, Any]) -> dict[str, Any]:
    return {**_entry_2_to_3(data), "schema": 3}


ADDED_TO_PAYLOADS_IN_3: Mapping[str, Mapping[str, object]] = {
    "mark_marketing_qualified": {"recommendation": None},
}
"""The payload keys schema 3 adds to each command's event, with what schema-2 events meant by them."""


def _entry_2_to_3(data: object) -> Any:  # noqa: ANN401 - stored data, checked later
    """An event of schema 2: a lead marked marketing-qualified then was marked by hand."""
    command = data.get("command") if isinstance(data, Mapping) else None
    added = ADDED_TO_PAYLOADS_IN_3.get(command) if isinstance(command, str) else None
    payload = data.get("payload") if isinstance(data, Mapping) else None
    if added is None or not isinstance(payload, Mapping):
        return data
    return {**data, "payload": {**added, **payload}}  # type: ignore[dict-item]


ADDED_IN_3: Mapping[str, tuple[str, ...]] = {
    "Lead": ("owner", "buyer_stage", "fields", "tags"),
    "Opportunity": (
        "close_date",
        "manual_probability",
        "manual_category",
        "owner",
        "buyer_stage",
        "committee",
        "fields",
        "tags",
    ),
    "Client": ("owner", "fields", "tags"),
}
"""The fields schema 3 adds to each kind's state."""
EMPTY_IN_3: Mapping[str, object] = {"fields": {}, "tags": [], "committee": []}
"""What schema 2 data had for the fields schema 3 adds that are not ``None`` when unknown."""


def _object_2_to_3(data: dict[str, Any]) -> dict[str, Any]:
    state = data.get("state")
    kind = data.get("kind")
    added = ADDED_IN_3.get(kind, ()) if isinstance(kind, str) else ()
    if added and isinstance(state, Mapping):
        # unknown in schema 2's terms: no owner, no estimate, no forecast set by hand
        defaults = {name: EMPTY_IN_3.get(name) for name in added}
        data = {**data, "state": {**defaults, **state}}
    history = data.get("history")
    if isinstance(history, list):
        data = {**data, "history": [_entry_2_to_3(event) for event in history]}
    return {**data, "schema": 3}


UPCASTERS: Mapping[tuple[Form, int], Callable[[dict[str, Any]], dict[str, Any]]] = {
    ("event", 1): _event_1_to_2,
    ("object", 1): _object_1_to_2,
    ("event", 2): _event_2_to_3,
    ("object", 2): _object_2_to_3,
}
"""For each form and schema, the function that takes its data one schema further."""


def schema_of(data: Mapping[str, Any]) -> object:
    """The schema stored data says it was written with; schema 1 did not say."""
    return data.get("schema", 1)


def upcast(data: object, form: Form, what: str) -> object:
    """Bring stored ``data`` of the given ``form`` up to the current schema.

    Raises:
        InvalidInput: the data names a schema that is not a whole number from 1, or one newer than
            this release reads.
    """
    if not isinstance(data, Mapping):
        return data
    schema = schema_of(data)
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
        raise InvalidInput(
            what, [Problem(("schema",), f"must be a schema number from 1 to {SCHEMA}", schema)]
        )
    if schema > SCHEMA:
        raise InvalidInput(
            what,
            [
                Problem(
                    ("schema",),
                    f"was written by a newer funnelkit (schema {schema}); "
                    f"this one reads schemas 1 to {SCHEMA}",
                    schema,
                )
            ],
        )
    upgraded = dict(data)
    while schema < SCHEMA:
        upgraded = UPCASTERS[form, schema](upgraded)
        schema += 1
    return upgraded
