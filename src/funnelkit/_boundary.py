"""The JSON boundary: dump objects to JSON-compatible data, load them back, describe them.

The attrs classes are the one source of truth for fields. pydantic models are derived from them
here, once per class, to parse untrusted data and to give JSON Schemas; loading then builds the
attrs values (running their own checks) and, for funnel objects, replays the history to prove the
stored fields agree with it. Every problem found is reported together, with its location.
"""

from __future__ import annotations

import enum
import functools
import operator
import types
import typing
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar, Union

import attrs
import pydantic

from funnelkit._errors import DefinitionError, InvalidInput, Location, Problem
from funnelkit._events import JSON_AS, PAST_TENSE, Event
from funnelkit._pipeline import Pipeline
from funnelkit._replay import KINDS, replay
from funnelkit._subject import Subject

T = TypeVar("T")


def dump(value: object) -> Any:  # noqa: ANN401 - JSON-compatible data
    """Return ``value`` (any funnelkit object, value or event) as JSON-compatible data.

    Decimals become strings, so no amount loses a digit; datetimes become ISO 8601 strings.

    Example:
        >>> import funnelkit as fk
        >>> fk.dump(fk.Money("19.90", "EUR"))
        {'amount': '19.90', 'currency': 'EUR'}
    """
    if isinstance(value, Event):
        return {
            name: _plain(getattr(value, name))
            for name in ("subject", "subject_id", "sequence", "command", "source", "target", "at")
        } | {"payload": {key: _plain(item) for key, item in value.payload.items()}}
    if attrs.has(type(value)):
        return {
            field.name: _plain(getattr(value, field.name).value)
            if field.metadata.get(JSON_AS) == "value"
            else dump(getattr(value, field.name))
            for field in _fields(type(value))
            if field.init
        }
    return _plain(value)


def _plain(value: object) -> Any:  # noqa: ANN401 - JSON-compatible data
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return [dump(item) for item in value]
    if attrs.has(type(value)) or isinstance(value, Event):
        return dump(value)
    return value


def load(kind: type[T], data: object) -> T:
    """Parse JSON-compatible ``data`` into a ``kind``, checking everything.

    Funnel objects are rebuilt from their history, and every stored field must agree with it.

    Raises:
        InvalidInput: listing every problem with its location; nothing half-built escapes.

    Example:
        >>> import funnelkit as fk
        >>> fk.load(fk.Money, {"amount": "19.90", "currency": "EUR"})
        Money(amount=Decimal('19.90'), currency='EUR')
        >>> fk.load(fk.Money, {"amount": "19,90", "currency": "EUR"})
        Traceback (most recent call last):
        ...
        funnelkit._errors.InvalidInput: cannot load Money:
          - amount: Input should be a valid decimal
    """
    what = f"cannot load {kind.__name__}"
    target: Any = kind
    try:
        parsed = _model(target).model_validate(data)
    except pydantic.ValidationError as error:
        raise InvalidInput(what, _problems(error, ())) from None
    problems: list[Problem] = []
    result = _build(target, parsed, (), problems)
    if isinstance(result, Subject) and not problems:
        result = _consistent(result, problems)
    if problems:
        raise InvalidInput(what, problems)
    return typing.cast("T", result)


def json_schema(kind: type[object]) -> dict[str, Any]:
    """Return the JSON Schema of what :func:`dump` gives for a ``kind``.

    Example:
        >>> import funnelkit as fk
        >>> sorted(fk.json_schema(fk.Money)["properties"])
        ['amount', 'currency']
    """
    target: Any = kind
    return _model(target, for_schema=True).model_json_schema()


def _problems(error: pydantic.ValidationError, where: Location) -> list[Problem]:
    return [Problem((*where, *item["loc"]), item["msg"], item.get("input")) for item in error.errors()]


_SOURCES: dict[type[pydantic.BaseModel], type[object]] = {}
"""The attrs class each derived model came from; event models are not listed."""


@functools.cache
def _model(kind: Any, *, for_schema: bool = False) -> type[pydantic.BaseModel]:  # noqa: ANN401 - a class
    if kind is Event:
        return _event_model(tuple(KINDS), for_schema=for_schema)
    hints = typing.get_type_hints(kind)
    fields: dict[str, Any] = {}
    for field in _fields(kind):
        if not field.init:
            continue
        annotation = _annotation(hints[field.name], for_schema=for_schema)
        if field.metadata.get(JSON_AS) == "value":
            annotation = str
        if field.name == "history" and issubclass(kind, Subject):
            annotation = types.GenericAlias(list, _event_model((kind._kind,), for_schema=for_schema))  # noqa: SLF001
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
    if hint is datetime:
        return pydantic.AwareDatetime
    if attrs.has(hint) or hint is Event:
        return _model(hint, for_schema=for_schema)
    if origin in (Union, types.UnionType):
        return _union(_annotation(arg, for_schema=for_schema) for arg in typing.get_args(hint))
    if origin is tuple:
        return types.GenericAlias(list, _annotation(typing.get_args(hint)[0], for_schema=for_schema))
    return hint


def _fields(kind: Any) -> tuple[attrs.Attribute[Any], ...]:  # noqa: ANN401 - any attrs class
    return tuple(attrs.fields(kind))


def _literal(values: tuple[str, ...]) -> Any:  # noqa: ANN401 - a type expression
    return typing.Literal.__getitem__(values)


def _union(members: Iterable[Any]) -> Any:  # noqa: ANN401 - a type expression
    return functools.reduce(operator.or_, members)


@functools.cache
def _payload_model(kind: str, command: str) -> type[pydantic.BaseModel]:
    shape = KINDS[kind].event_payloads[command]
    fields: dict[str, Any] = {key: (_annotation(hint, for_schema=False), ...) for key, hint in shape.items()}
    return pydantic.create_model(
        f"{kind}{PAST_TENSE[command]}Payload",
        __config__=pydantic.ConfigDict(extra="forbid"),
        **fields,
    )


@functools.cache
def _event_model(kinds: tuple[str, ...], *, for_schema: bool) -> type[pydantic.BaseModel]:
    payload: Any = dict[str, Any]
    if for_schema:
        payload = _union(
            _payload_model(kind, command) for kind in kinds for command in KINDS[kind].event_payloads
        )
    return pydantic.create_model(
        "Event" if len(kinds) > 1 else f"{kinds[0]}Event",
        __config__=pydantic.ConfigDict(extra="forbid"),
        subject=(_literal(kinds), ...),
        subject_id=(str, ...),
        sequence=(int, ...),
        command=(str, ...),
        source=(str | None, ...),
        target=(str, ...),
        at=(pydantic.AwareDatetime, ...),
        payload=(payload, ...),
    )


def _build(kind: Any, parsed: Any, where: Location, problems: list[Problem]) -> Any:  # noqa: ANN401
    """Turn a validated pydantic value into the domain value of type ``kind``, collecting problems."""
    if isinstance(parsed, list):
        item_kind = typing.get_args(kind)[0] if typing.get_args(kind) else kind
        return tuple(_build(item_kind, item, (*where, index), problems) for index, item in enumerate(parsed))
    if not isinstance(parsed, pydantic.BaseModel):
        return parsed
    if kind is Event or typing.get_origin(kind) in (Union, types.UnionType):
        kind = _domain_of(parsed)
    if kind is Event:
        return _build_event(parsed, where, problems)
    hints = typing.get_type_hints(kind)
    count = len(problems)
    values = {
        name: _build(hints[name], getattr(parsed, name), (*where, name), problems)
        for name in type(parsed).model_fields
    }
    if isinstance(values.get("pipeline"), Pipeline):
        _resolve_stage(values, where, problems)
    if len(problems) > count:
        return None
    return _construct(kind, values, where, problems)


def _domain_of(parsed: pydantic.BaseModel) -> Any:  # noqa: ANN401 - the class the model was derived from
    return _SOURCES.get(type(parsed), Event)


def _construct(kind: Any, values: dict[str, Any], where: Location, problems: list[Problem]) -> Any:  # noqa: ANN401
    try:
        if kind is Pipeline:
            return _pipeline(**values)
        return kind(**values)
    except InvalidInput as error:
        problems.extend(Problem((*where, *p.location), p.message, p.input) for p in error.problems)
    except DefinitionError as error:
        problems.extend(Problem(where, message) for message in error.problems)
    return None


@functools.lru_cache(maxsize=64)
def _pipeline(**definition: Any) -> Pipeline:  # noqa: ANN401
    # building a pipeline builds and checks its lifecycle class, so a stored one is built once
    return Pipeline(**definition)


def _resolve_stage(values: dict[str, Any], where: Location, problems: list[Problem]) -> None:
    by_value = values["pipeline"].by_value
    stage = by_value.get(values["status"])
    if stage is None:
        problems.append(
            Problem(
                (*where, "status"),
                f"must be a stage of the pipeline: {sorted(by_value)}",
                values["status"],
            )
        )
    values["status"] = stage


def _build_event(parsed: pydantic.BaseModel, where: Location, problems: list[Problem]) -> Event | None:
    envelope = parsed.model_dump(exclude={"payload"})
    kind = KINDS[envelope["subject"]]
    if envelope["command"] not in kind.event_payloads:
        problems.append(
            Problem((*where, "command"), f"must be one of {sorted(kind.event_payloads)}", envelope["command"])
        )
        return None
    try:
        payload = _payload_model(envelope["subject"], envelope["command"]).model_validate(
            dict(parsed)["payload"]
        )
    except pydantic.ValidationError as error:
        problems.extend(_problems(error, (*where, "payload")))
        return None
    hints = kind.event_payloads[envelope["command"]]
    count = len(problems)
    values = {
        key: _build(hints[key], getattr(payload, key), (*where, "payload", key), problems) for key in hints
    }
    if len(problems) > count:
        return None
    return Event(**envelope, payload=values)


def _consistent(subject: Subject, problems: list[Problem]) -> Subject:
    """Replay the history and insist every stored field matches what it rebuilds."""
    try:
        rebuilt: Subject = replay(subject.history)
    except InvalidInput as error:
        problems.extend(error.problems)
        return subject
    problems.extend(
        Problem((field.name,), "does not match the history", dump(getattr(subject, field.name)))
        for field in _fields(type(subject))
        if getattr(subject, field.name) != getattr(rebuilt, field.name)
    )
    return rebuilt
