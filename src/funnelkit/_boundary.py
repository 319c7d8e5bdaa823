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
import functools
import operator
import types
import typing
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar, Union

import attrs
import pydantic

from funnelkit._errors import MISSING, DefinitionError, InvalidInput, Location, Problem
from funnelkit._events import JSON_AS, PAST_TENSE, Event
from funnelkit._log import Log
from funnelkit._pipeline import DEFAULT_PIPELINE, DEFINITION, Pipeline, rebuilt
from funnelkit._public import type_hints
from funnelkit._replay import KINDS, replay
from funnelkit._stored import STRICT, StoredTime, depth_problem
from funnelkit._subject import Subject
from funnelkit._upcast import SCHEMA, upcast

T = TypeVar("T")

_STATE_EXCLUDES = ("history",)
"""Fields a snapshot's state leaves out: the history is what a snapshot does without."""


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
        "state": {name: _field(subject, field) for name, field in _state_fields(type(subject)).items()},
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
        return _document_model(target._kind, for_schema=True).model_json_schema()  # noqa: SLF001
    return _model(target, for_schema=True).model_json_schema()


def snapshot_schema(kind: type[Subject]) -> dict[str, Any]:
    """Return the JSON Schema of what :func:`snapshot` gives for a kind of funnel object.

    Example:
        >>> import funnelkit as fk
        >>> sorted(fk.snapshot_schema(fk.Lead)["properties"])
        ['kind', 'pipelines', 'schema', 'state', 'version']
    """
    return _snapshot_model(kind._kind).model_json_schema()  # noqa: SLF001


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
            parsed = _model(kind).model_validate(data)
        except pydantic.ValidationError as error:
            self.problems.extend(_problems(error, where))
            return None
        return self.build(kind, parsed, where)

    def subject(self, kind: type[Subject], data: object) -> Subject | None:
        """Load a whole object or a snapshot of one, through replay."""
        snapshot_form = isinstance(data, Mapping) and "state" in data
        model = (_snapshot_model if snapshot_form else _document_model)(kind._kind)  # noqa: SLF001
        try:
            parsed: Any = model.model_validate(data)
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
        hints = _hints(typing.cast("Any", kind))
        values = {
            name: self.build(hints[name], getattr(state, name), ("state", name))
            for name in _state_fields(kind)
        }
        if self.problems:
            return None
        restored = kind._restored(values, Log((), start=parsed.version))  # noqa: SLF001
        if restored is None:
            self.problems.append(
                Problem(("state", "status"), f"is not a status {_article(kind._kind)} can have", state.status)  # noqa: SLF001
            )
        return restored

    def build(self, kind: Any, parsed: Any, where: Location) -> Any:  # noqa: ANN401
        """Turn a validated pydantic value into the domain value of type ``kind``."""
        if type(parsed) in _SCALARS or not isinstance(parsed, (list, pydantic.BaseModel)):
            return parsed
        if isinstance(parsed, list):
            args = typing.get_args(kind)
            item_kind = args[0] if args else kind
            return tuple(self.build(item_kind, item, (*where, index)) for index, item in enumerate(parsed))
        if isinstance(parsed, _PipelineReference):
            return self.pipeline(parsed, where)
        if kind is Event or typing.get_origin(kind) in (Union, types.UnionType) or isinstance(kind, str):
            kind = _SOURCES.get(type(parsed), Event)
        if kind is Event:
            return self.event(parsed, where)
        hints = _hints(kind)
        count = len(self.problems)
        values = {
            name: self.build(hints[name], value, (*where, name)) for name, value in parsed.__dict__.items()
        }
        if len(self.problems) > count:
            return None
        return self.construct(kind, values, where)

    def pipeline(self, reference: _PipelineReference, where: Location) -> Pipeline | None:
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
            payload = _payload_model(subject, command).model_validate(fields["payload"]).__dict__
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


def _article(noun: str) -> str:
    return f"{'an' if noun[0] in 'AEIOU' else 'a'} {noun}"


def _problems(error: pydantic.ValidationError, where: Location) -> list[Problem]:
    return [
        Problem(
            (*where, *item["loc"]),
            item["msg"].removeprefix("Value error, "),
            MISSING if item["type"] == "missing" else item.get("input"),
        )
        for item in error.errors()
    ]


class _PipelineReference(pydantic.BaseModel):
    """A pipeline named by its name and version, as events and snapshots store it."""

    model_config = pydantic.ConfigDict(extra="forbid", title="PipelineReference")
    name: pydantic.StrictStr
    version: pydantic.StrictInt


# "schema" would shadow a pydantic method, so the field has another name and "schema" as its alias
_SCHEMA_FIELD: Any = (typing.Literal[SCHEMA], pydantic.Field(alias="schema"))

_SCALARS = frozenset({str, int, bool, type(None), Decimal, datetime})
"""Parsed values that are already domain values: building them is returning them."""

_hints = type_hints
_SOURCES: dict[type[pydantic.BaseModel], type[object]] = {}
"""The attrs class each derived model came from; event models are not listed."""


def _state_fields(kind: Any) -> dict[str, attrs.Attribute[Any]]:  # noqa: ANN401 - a funnel object's class
    return {field.name: field for field in attrs.fields(kind) if field.name not in _STATE_EXCLUDES}


@functools.cache
def _model(kind: Any, *, for_schema: bool = False) -> type[pydantic.BaseModel]:  # noqa: ANN401 - a class
    if kind is Event:
        return _event_model(tuple(KINDS), for_schema=for_schema, envelope=True)
    hints = _hints(kind)
    fields: dict[str, Any] = {}
    for field in attrs.fields(kind):
        if not field.init:
            continue
        annotation = _annotation(hints[field.name], for_schema=for_schema)
        # every field is required: dump writes them all, and a missing one is a problem
        fields[field.name] = (annotation, ...)
    model: type[pydantic.BaseModel] = pydantic.create_model(
        kind.__name__,
        __config__=pydantic.ConfigDict(extra="forbid"),
        __doc__=(kind.__doc__ or "").split("\n\n")[0],
        **fields,
    )
    _SOURCES[model] = kind
    return model


def _annotation(hint: Any, *, for_schema: bool) -> Any:  # noqa: ANN401 - a type expression
    origin = typing.get_origin(hint)
    if hint in STRICT:
        return STRICT[hint]
    if hint is Pipeline:
        # stored by name and version; an older schema stored the whole definition
        return _PipelineReference | _model(Pipeline, for_schema=for_schema)
    if attrs.has(hint) or hint is Event:
        return _model(hint, for_schema=for_schema)
    if origin in (Union, types.UnionType):
        return _union(_annotation(arg, for_schema=for_schema) for arg in typing.get_args(hint))
    if origin in (tuple, Log):
        return types.GenericAlias(list, _annotation(typing.get_args(hint)[0], for_schema=for_schema))
    return hint


def _literal(values: tuple[str, ...]) -> Any:  # noqa: ANN401 - a type expression
    return typing.Literal.__getitem__(values)


def _union(members: Iterable[Any]) -> Any:  # noqa: ANN401 - a type expression
    return functools.reduce(operator.or_, members)


@functools.cache
def _payload_model(kind: str, command: str) -> type[pydantic.BaseModel]:
    shape = KINDS[kind].event_payloads[command]
    fields: dict[str, Any] = {key: (_annotation(hint, for_schema=False), ...) for key, hint in shape.items()}
    return pydantic.create_model(
        f"{kind}{PAST_TENSE[kind, command]}Payload",
        __config__=pydantic.ConfigDict(extra="forbid"),
        **fields,
    )


@functools.cache
def _event_model(kinds: tuple[str, ...], *, for_schema: bool, envelope: bool) -> type[pydantic.BaseModel]:
    """The model of a stored event; ``envelope`` for one stored alone, which says its schema."""
    payload: Any = dict[str, Any]
    if for_schema:
        payload = _union(
            _payload_model(kind, command) for kind in kinds for command in KINDS[kind].event_payloads
        )
    schema: Any = {"schema_": _SCHEMA_FIELD} if envelope else {}
    return pydantic.create_model(
        ("Event" if len(kinds) > 1 else f"{kinds[0]}Event") + ("" if envelope else "Entry"),
        __config__=pydantic.ConfigDict(extra="forbid"),
        **schema,
        subject=(_literal(kinds), ...),
        subject_id=(pydantic.StrictStr, ...),
        sequence=(pydantic.StrictInt, ...),
        command=(pydantic.StrictStr, ...),
        source=(pydantic.StrictStr | None, ...),
        target=(pydantic.StrictStr, ...),
        at=(StoredTime, ...),
        payload=(payload, ...),
    )


def _constant(value: str) -> Any:  # noqa: ANN401 - a pydantic field definition
    return (_literal((value,)), ...)


def _list_of(model: type[pydantic.BaseModel], default: object = ...) -> Any:  # noqa: ANN401 - a field definition
    return (types.GenericAlias(list, model), default)


@functools.cache
def _document_model(kind: str, *, for_schema: bool = False) -> type[pydantic.BaseModel]:
    """The model of a whole stored object: its id, status and version, pipelines and history."""
    cls = KINDS[kind]
    return pydantic.create_model(
        kind,
        __config__=pydantic.ConfigDict(extra="forbid"),
        __doc__=(cls.__doc__ or "").split("\n\n")[0],
        schema_=_SCHEMA_FIELD,
        kind=_constant(kind),
        id=(pydantic.StrictStr, ...),
        status=(pydantic.StrictStr, ...),
        version=(pydantic.StrictInt, ...),
        pipelines=_list_of(_model(Pipeline, for_schema=for_schema), default=[]),
        history=_list_of(_event_model((kind,), for_schema=for_schema, envelope=False)),
    )


@functools.cache
def _snapshot_model(kind: str) -> type[pydantic.BaseModel]:
    """The model of a snapshot: an object's state at a version, without its history."""
    cls: Any = KINDS[kind]
    hints = _hints(cls)
    fields: dict[str, Any] = {}
    for name, field in _state_fields(cls).items():
        annotation = (
            pydantic.StrictStr
            if field.metadata.get(JSON_AS) == "value"
            else _annotation(hints[name], for_schema=True)
        )
        fields[name] = (annotation, ...)
    state = pydantic.create_model(f"{kind}State", __config__=pydantic.ConfigDict(extra="forbid"), **fields)
    return pydantic.create_model(
        f"{kind}Snapshot",
        __config__=pydantic.ConfigDict(extra="forbid"),
        __doc__=f"A {kind.lower()}'s state at a version, without its history.",
        schema_=_SCHEMA_FIELD,
        kind=_constant(kind),
        version=(pydantic.StrictInt, pydantic.Field(gt=0)),
        pipelines=_list_of(_model(Pipeline), default=[]),
        state=(state, ...),
    )
