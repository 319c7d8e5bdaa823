"""The JSON boundary: dump objects to JSON-compatible data, load them back, describe them.

The attrs classes are the one source of truth for fields. pydantic models are derived from them
(in ``_models``), once per class and on first use, to parse untrusted data and to give JSON
Schemas; loading (in ``_loader``) then builds the attrs values, running their own checks. A
funnel object is stored as its history (the full form) or as its state at a version (a
snapshot); either way it is rebuilt through replay, so it can only be something its events
could have made. Every stored event and object says which schema
wrote it, and older schemas are upcast on the way in (see ``_upcast``). Every problem found is
reported together, with its location.
"""

from __future__ import annotations

import enum
import typing
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from funnelkit._errors import InvalidInput, Problem
from funnelkit._events import Event
from funnelkit._fields import JSON_AS, REFERENCE, SINCE, state_fields, stored_fields
from funnelkit._json import thaw_json
from funnelkit._log import Log
from funnelkit._pipeline import DEFAULT_PIPELINE, Pipeline
from funnelkit._subject import Subject
from funnelkit._upcast import SCHEMA

T = TypeVar("T")


def dump(value: object) -> Any:  # noqa: ANN401 - JSON-compatible data
    """Return ``value`` (any funnelkit object, value or event) as JSON-compatible data.

    Decimals become strings, so no amount loses a digit; datetimes become ISO 8601 strings in
    UTC. A funnel object is dumped whole: its id, status and version, each pipeline it uses
    once, and its history; events name their pipeline by name and version.

    Example:
        >>> import funnelkit as fk
        >>> fk.dump(fk.Money("19.90", "EUR"))
        {'amount': '19.90', 'currency': 'EUR'}
    """
    if isinstance(value, Event):
        return {"schema": SCHEMA, **_event(value)}
    if isinstance(value, Subject):
        return {
            "schema": SCHEMA,
            "kind": value._kind,  # noqa: SLF001 - the kind's stored name
            "id": value.id,
            "status": value.status.value,
            "version": value.version,
            **_pipelines(value),
            "history": [_event(event) for event in value.history],
        }
    return _plain(value)


def snapshot(subject: Subject) -> dict[str, Any]:
    """Return a funnel object's state at its version, without its history, as JSON-compatible data.

    Load it with :func:`load` and continue it with the events stored after it, through
    :func:`replay` with ``snapshot=``. Nothing is repeated inside one snapshot: each fact and
    touch appears once, and a pipeline once.

    Example:
        >>> from datetime import datetime, timezone
        >>> import funnelkit as fk
        >>> day = lambda d: datetime(2026, 6, d, tzinfo=timezone.utc)
        >>> acme = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
        >>> client = fk.Client.create("C-1", account=acme, opportunity_id="O-1", at=day(1))
        >>> stored = fk.snapshot(client.flag_at_risk(at=day(5), reason="usage dropped"))
        >>> stored["version"], stored["state"]["status"], "history" in stored
        (2, 'at_risk', False)
        >>> fk.load(fk.Client, stored).retain(at=day(9)).version
        3
    """
    if not isinstance(subject, Subject):
        raise InvalidInput("cannot snapshot", [Problem((), "must be a funnel object", subject)])
    return {
        "schema": SCHEMA,
        "kind": subject._kind,  # noqa: SLF001 - the kind's stored name
        "version": subject.version,
        **_pipelines(subject),
        "state": {name: _field(subject, field) for name, field in state_fields(type(subject)).items()},
    }


def _pipelines(subject: Subject) -> dict[str, Any]:
    pipeline = getattr(subject, "pipeline", None)
    if not isinstance(pipeline, Pipeline) or pipeline == DEFAULT_PIPELINE:
        return {}
    return {"pipelines": [_plain(pipeline)]}


def _event(event: Event) -> dict[str, Any]:
    return {
        "subject": event.subject,
        "subject_id": event.subject_id,
        "sequence": event.sequence,
        "command": event.command,
        "source": event.source,
        "target": event.target,
        "at": event.at.isoformat(),
        "payload": {key: _reference(item) for key, item in event.payload.items()},
    }


def _reference(value: object) -> Any:  # noqa: ANN401 - JSON-compatible data
    if isinstance(value, Pipeline):
        return {"name": value.name, "version": value.version}
    return _plain(value)


def _field(value: object, field: attrs.Attribute[Any]) -> Any:  # noqa: ANN401 - JSON-compatible data
    item = getattr(value, field.name)
    form = field.metadata.get(JSON_AS)
    if form == "value":
        return item.value
    if form == REFERENCE:
        return None if item is None else {"id": item.id, "version": item.version}
    return _reference(item)


def _plain(value: object) -> Any:  # noqa: ANN401 - JSON-compatible data
    if isinstance(value, (enum.Enum, Decimal, date)):
        return _scalar(value)
    if isinstance(value, (tuple, Log)):
        return [_plain(item) for item in value]
    if isinstance(value, (Mapping, frozenset)):  # custom fields and tags
        return thaw_json(value)
    if isinstance(value, (Event, Subject)):
        return dump(value)
    if attrs.has(type(value)):
        kind: Any = type(value)
        # a field added since schema 2 is written only when it differs from its default: data
        # that does not use it stays as small as it was, and loads with the default again
        return {
            field.name: _field(value, field)
            for field in stored_fields(kind)
            if SINCE not in field.metadata or getattr(value, field.name) != field.default
        }
    return value


def _scalar(value: enum.Enum | Decimal | date) -> Any:  # noqa: ANN401 - JSON-compatible data
    if isinstance(value, enum.Enum):
        return value.value
    return value.isoformat() if isinstance(value, date) else str(value)  # a datetime is a date too


def load(kind: type[T], data: object, *, pipelines: Iterable[Pipeline] = ()) -> T:
    """Parse JSON-compatible ``data`` into a ``kind``, checking everything.

    A funnel object may be stored whole (by :func:`dump`) or as a snapshot (by
    :func:`snapshot`); either way it is rebuilt through replay. Data written by an earlier
    schema is upcast first. Stored events name their pipeline by name and version: give the
    pipelines your objects use in ``pipelines`` (the default pipeline is always known, and a
    stored object carries its own).

    Raises:
        InvalidInput: listing every problem with its location; nothing half-built escapes.

    Example:
        >>> import funnelkit as fk
        >>> fk.load(fk.Money, {"amount": "19.90", "currency": "EUR"})
        Money(amount=Decimal('19.90'), currency='EUR')
        >>> fk.load(fk.Money, {"amount": "19,90", "currency": "EUR"})
        Traceback (most recent call last):
        ...
        funnelkit.InvalidInput: cannot load Money:
          - amount: must be a decimal number written as a string of at most 40 characters (got '19,90')
    """
    from funnelkit._loader import read  # pydantic is imported on the first load, not with funnelkit

    return typing.cast("T", read(kind, data, pipelines))


def json_schema(kind: type[object]) -> dict[str, Any]:
    """Return the JSON Schema of what :func:`dump` gives for a ``kind``.

    Example:
        >>> import funnelkit as fk
        >>> sorted(fk.json_schema(fk.Money)["properties"])
        ['amount', 'currency']
    """
    from funnelkit._models import document_model, model

    target: Any = kind
    if isinstance(target, type) and issubclass(target, Subject):
        return document_model(target._kind, for_schema=True).model_json_schema()  # noqa: SLF001
    return model(target, for_schema=True).model_json_schema()


def snapshot_schema(kind: type[Subject]) -> dict[str, Any]:
    """Return the JSON Schema of what :func:`snapshot` gives for a kind of funnel object.

    Example:
        >>> import funnelkit as fk
        >>> sorted(fk.snapshot_schema(fk.Lead)["properties"])
        ['kind', 'pipelines', 'schema', 'state', 'version']
    """
    from funnelkit._models import snapshot_model

    return snapshot_model(kind._kind).model_json_schema()  # noqa: SLF001
