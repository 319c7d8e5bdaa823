"""The JSON boundary: dump objects to JSON-compatible data, load them back, describe them.

The attrs classes are the one source of truth for fields. pydantic models are derived from them
here, once per class, to parse untrusted data and to give JSON Schemas; loading then builds the
attrs values (running their own checks). A funnel object is stored as its history (the full
form) or as its state at a version (a snapshot); either way it is rebuilt through replay, so it
can only be something its events could have made. Every stored event and object says which schema
wrote it, and older schemas are upcast on the way in (see ``_upcast``). Every problem found is
reported together, with its location.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar, Union

import attrs
import pydantic

from funnelkit._arguments import with_article
from funnelkit._errors import MISSING, DefinitionError, InvalidInput, Location, Problem
from funnelkit._events import JSON_AS, Event
from funnelkit._log import Log
from funnelkit._models import (
    SCALARS,
    SOURCES,
    PipelineReference,
    document_model,
    model,
    payload_model,
    snapshot_model,
    state_fields,
)
from funnelkit._pipeline import DEFAULT_PIPELINE, DEFINITION, Pipeline, rebuilt
from funnelkit._public import type_hints
from funnelkit._replay import KINDS, replay
from funnelkit._stored import depth_problem
from funnelkit._subject import Subject
from funnelkit._upcast import SCHEMA, upcast

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
    if field.metadata.get(JSON_AS) == "value":
        return item.value
    return _reference(item)


def _plain(value: object) -> Any:  # noqa: ANN401 - JSON-compatible data
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (Decimal, datetime)):
        return value.isoformat() if isinstance(value, datetime) else str(value)
    if isinstance(value, (tuple, Log)):
        return [_plain(item) for item in value]
    if isinstance(value, (Event, Subject)):
        return dump(value)
    if attrs.has(type(value)):
        kind: Any = type(value)
        return {field.name: _field(value, field) for field in attrs.fields(kind) if field.init}
    return value


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
    what = f"cannot load {getattr(kind, '__name__', kind)}"
    too_deep = depth_problem(data)
    if too_deep is not None:
        raise InvalidInput(what, [Problem((), too_deep)])
    try:
        result, problems = _load(kind, data, pipelines, what)
    except InvalidInput:
        raise
    except Exception as error:  # noqa: BLE001 - the boundary's promise: nothing but InvalidInput escapes
        raise InvalidInput(
            what, [Problem((), f"could not be read ({type(error).__name__}: {error})")]
        ) from None
    if problems:
        raise InvalidInput(what, problems)
    return typing.cast("T", result)


def _load(kind: Any, data: object, pipelines: Iterable[Pipeline], what: str) -> tuple[Any, list[Problem]]:  # noqa: ANN401
    loader = _Loader(pipelines)
    if kind is Event or (isinstance(kind, type) and issubclass(kind, Subject)):
        data = upcast(data, "event" if kind is Event else "object", what)
    if isinstance(kind, type) and issubclass(kind, Subject):
        return loader.subject(kind, data), loader.problems
    return loader.parse(kind, data, ()), loader.problems


def json_schema(kind: type[object]) -> dict[str, Any]:
    """Return the JSON Schema of what :func:`dump` gives for a ``kind``.

    Example:
        >>> import funnelkit as fk
        >>> sorted(fk.json_schema(fk.Money)["properties"])
        ['amount', 'currency']
    """
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
    return snapshot_model(kind._kind).model_json_schema()  # noqa: SLF001


class _Loader:
    """One load: the problems found so far and the pipelines events may name."""

    def __init__(self, pipelines: Iterable[object]) -> None:
        self.problems: list[Problem] = []
        self.pipelines = {DEFAULT_PIPELINE.key: DEFAULT_PIPELINE}
        for pipeline in pipelines:
            if not isinstance(pipeline, Pipeline):
                self.problems.append(Problem(("pipelines",), "must be Pipelines", pipeline))
            else:
                self.pipelines[pipeline.key] = pipeline

    def parse(self, kind: Any, data: object, where: Location) -> Any:  # noqa: ANN401
        try:
            parsed = model(kind).model_validate(data)
        except pydantic.ValidationError as error:
            self.problems.extend(_problems(error, where))
            return None
        return self.build(kind, parsed, where)

    def subject(self, kind: type[Subject], data: object) -> Subject | None:
        """Load a whole object or a snapshot of one, through replay."""
        snapshot_form = isinstance(data, Mapping) and "state" in data
        form = (snapshot_model if snapshot_form else document_model)(kind._kind)  # noqa: SLF001
        try:
            parsed: Any = form.model_validate(data)
        except pydantic.ValidationError as error:
            self.problems.extend(_problems(error, ()))
            return None
        for index, definition in enumerate(parsed.pipelines):
            pipeline = self.build(Pipeline, definition, ("pipelines", index))
            known = self.pipelines.get(pipeline.key) if pipeline is not None else None
            if known is not None and known != pipeline:
                self.problems.append(
                    Problem(
                        ("pipelines", index),
                        f"differs from the pipeline {known.name!r} version {known.version} already known: "
                        "a changed definition needs a new version",
                        definition.model_dump(),
                    )
                )
            elif pipeline is not None:
                self.pipelines[pipeline.key] = pipeline
        if snapshot_form:
            return self.restored(kind, parsed)
        history = self.build(tuple[Event, ...], parsed.history, ("history",))
        if self.problems:
            return None
        try:
            rebuilt: Subject = replay(history, kind=kind)
        except InvalidInput as error:
            self.problems.extend(error.problems)
            return None
        stored = {"id": parsed.id, "status": parsed.status, "version": parsed.version}
        found = {"id": rebuilt.id, "status": rebuilt.status.value, "version": rebuilt.version}
        self.problems.extend(
            Problem((name,), f"does not match the history, which gives {found[name]!r}", value)
            for name, value in stored.items()
            if value != found[name]
        )
        return rebuilt

    def restored(self, kind: type[Subject], parsed: Any) -> Subject | None:  # noqa: ANN401 - a parsed snapshot
        """The object a snapshot's state describes, with no history before its version."""
        state = parsed.state
        hints = type_hints(typing.cast("Any", kind))
        values = {
            name: self.build(hints[name], getattr(state, name), ("state", name))
            for name in state_fields(kind)
        }
        if self.problems:
            return None
        restored = kind._restored(values, Log((), start=parsed.version))  # noqa: SLF001
        if restored is None:
            wanted = f"is not a status {with_article(kind.__name__)} can have"
            self.problems.append(Problem(("state", "status"), wanted, state.status))
        return restored

    def build(self, kind: Any, parsed: Any, where: Location) -> Any:  # noqa: ANN401
        """Turn a validated pydantic value into the domain value of type ``kind``."""
        if type(parsed) in SCALARS or not isinstance(parsed, (list, pydantic.BaseModel)):
            return parsed
        if isinstance(parsed, list):
            args = typing.get_args(kind)
            item_kind = args[0] if args else kind
            return tuple(self.build(item_kind, item, (*where, index)) for index, item in enumerate(parsed))
        if isinstance(parsed, PipelineReference):
            return self.pipeline(parsed, where)
        if kind is Event or typing.get_origin(kind) in (Union, types.UnionType) or isinstance(kind, str):
            kind = SOURCES.get(type(parsed), Event)
        if kind is Event:
            return self.event(parsed, where)
        hints = type_hints(kind)
        count = len(self.problems)
        values = {
            name: self.build(hints[name], value, (*where, name)) for name, value in parsed.__dict__.items()
        }
        if len(self.problems) > count:
            return None
        return self.construct(kind, values, where)

    def pipeline(self, reference: PipelineReference, where: Location) -> Pipeline | None:
        found = self.pipelines.get((reference.name, reference.version))
        if found is None:
            known = ", ".join(f"{name} v{version}" for name, version in sorted(self.pipelines))
            self.problems.append(
                Problem(
                    where,
                    f"names pipeline {reference.name!r} version {reference.version}, which is not known "
                    f"(known: {known}); pass it to load in pipelines=",
                    reference.model_dump(),
                )
            )
        return found

    def construct(self, kind: Any, values: dict[str, Any], where: Location) -> Any:  # noqa: ANN401
        try:
            if kind is Pipeline:
                return rebuilt(*(values[name] for name in DEFINITION))
            return kind(**values)
        except InvalidInput as error:
            self.problems.extend(Problem((*where, *p.location), p.message, p.input) for p in error.problems)
        except DefinitionError as error:
            self.problems.extend(Problem(where, message) for message in error.problems)
        return None

    def event(self, parsed: pydantic.BaseModel, where: Location) -> Event | None:
        # a validated model keeps its fields in __dict__: reading them there is the fast path
        fields = parsed.__dict__
        subject, command = fields["subject"], fields["command"]
        shapes = KINDS[subject].event_payloads
        shape = shapes.get(command)
        if shape is None:
            self.problems.append(Problem((*where, "command"), f"must be one of {sorted(shapes)}", command))
            return None
        try:
            payload = payload_model(subject, command).model_validate(fields["payload"]).__dict__
        except pydantic.ValidationError as error:
            self.problems.extend(_problems(error, (*where, "payload")))
            return None
        count = len(self.problems)
        values = {
            key: self.build(hint, payload[key], (*where, "payload", key)) for key, hint in shape.items()
        }
        if len(self.problems) > count:
            return None
        return Event(
            subject,
            fields["subject_id"],
            fields["sequence"],
            command,
            fields["source"],
            fields["target"],
            fields["at"],
            values,
        )


def _problems(error: pydantic.ValidationError, where: Location) -> list[Problem]:
    return [
        Problem(
            (*where, *item["loc"]),
            item["msg"].removeprefix("Value error, "),
            MISSING if item["type"] == "missing" else item.get("input"),
        )
        for item in error.errors()
    ]
