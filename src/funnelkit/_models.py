"""The pydantic models of stored data, derived once per class from the attrs classes.

The attrs classes are the one source of truth for fields; this module reads them into pydantic
models that parse stored data strictly (see ``_stored``) and give JSON Schemas. A stored event's
payload has a model per command, from the command's declaration; a whole object is a header and
its history; a snapshot is a header and the object's state.
"""

from __future__ import annotations

import functools
import operator
import types
import typing
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Union

import attrs
import pydantic

from funnelkit._errors import InvalidInput
from funnelkit._events import PAST_TENSE, Event
from funnelkit._fields import JSON_AS, REFERENCE, SINCE, state_fields, stored_fields
from funnelkit._frozen import FrozenDict
from funnelkit._json import MAX_TAG, NAME, Fields, field_values, tag_set
from funnelkit._log import Log
from funnelkit._pipeline import Pipeline
from funnelkit._public import type_hints
from funnelkit._replay import KINDS
from funnelkit._stored import STRICT, StoredTime
from funnelkit._upcast import SCHEMA
from funnelkit._values import OpenVocabulary


class FrameworkReference(pydantic.BaseModel):
    """A framework named by its id and version, as a gated pipeline stores it."""

    model_config = pydantic.ConfigDict(extra="forbid", title="FrameworkReference")
    id: pydantic.StrictStr
    version: pydantic.StrictStr


class PipelineReference(pydantic.BaseModel):
    """A pipeline named by its name and version, as events and snapshots store it."""

    model_config = pydantic.ConfigDict(extra="forbid", title="PipelineReference")
    name: pydantic.StrictStr
    version: pydantic.StrictInt


# "schema" would shadow a pydantic method, so the field has another name and "schema" as its alias
_SCHEMA_FIELD: Any = (typing.Literal[SCHEMA], pydantic.Field(alias="schema"))

SCALARS = frozenset({str, int, float, bool, type(None), Decimal, datetime, date})
"""Parsed values that are already domain values: building them is returning them."""

SOURCES: dict[type[pydantic.BaseModel], type[object]] = {}
"""The attrs class each derived model came from; event models are not listed."""


@functools.cache
def model(kind: Any, *, for_schema: bool = False) -> type[pydantic.BaseModel]:  # noqa: ANN401 - a class
    if kind is Event:
        return event_model(tuple(KINDS), for_schema=for_schema, envelope=True)
    hints = type_hints(kind)
    fields: dict[str, Any] = {}
    for field in stored_fields(kind):
        if field.metadata.get(JSON_AS) == REFERENCE:
            # code, named by id and version; added within schema 2, so older data may lack it
            fields[field.name] = (FrameworkReference | None, None)
            continue
        annotation = _annotation(hints[field.name], for_schema=for_schema)
        # every other field is required (dump writes them all, and a missing one is a problem),
        # but those added since the data was written: they take their default
        default = field.default if SINCE in field.metadata else ...
        # a default is written into the JSON Schema, so it must be plain JSON
        fields[field.name] = (annotation, dict(default) if isinstance(default, dict) else default)
    model: type[pydantic.BaseModel] = pydantic.create_model(
        kind.__name__,
        __config__=pydantic.ConfigDict(extra="forbid"),
        __doc__=(kind.__doc__ or "").split("\n\n")[0],
        **fields,
    )
    SOURCES[model] = kind
    return model


def _annotation(hint: Any, *, for_schema: bool) -> Any:  # noqa: ANN401 - a type expression
    origin = typing.get_origin(hint)
    scalar = _scalar(hint)
    if scalar is not None:
        return scalar
    if hint is Pipeline:
        # stored by name and version; an older schema stored the whole definition
        return PipelineReference | model(Pipeline, for_schema=for_schema)
    if attrs.has(hint) or hint is Event:
        return model(hint, for_schema=for_schema)
    if origin in (Union, types.UnionType):
        return _union(_annotation(arg, for_schema=for_schema) for arg in typing.get_args(hint))
    if origin in (tuple, Log):
        return types.GenericAlias(list, _annotation(typing.get_args(hint)[0], for_schema=for_schema))
    return hint


def _scalar(hint: Any) -> Any:  # noqa: ANN401 - a type expression
    """The strict stored form of a scalar type, or ``None`` for any other type."""
    if hint in STRICT:
        return STRICT[hint]
    if hint in (Fields, FrozenDict):
        # custom fields: JSON values, frozen (a payload's changes may hold None, which clears)
        return typing.Annotated[
            dict[str, pydantic.JsonValue],
            pydantic.AfterValidator(_frozen_fields(hint)),
            pydantic.WithJsonSchema(
                {"title": "Fields", "type": "object", "propertyNames": {"pattern": f"^{NAME.pattern}$"}}
            ),
        ]
    if typing.get_origin(hint) is frozenset:
        return typing.Annotated[
            list[typing.Annotated[pydantic.StrictStr, pydantic.Field(max_length=MAX_TAG)]],
            pydantic.AfterValidator(_tags),
            pydantic.Field(json_schema_extra={"uniqueItems": True}),
        ]
    if isinstance(hint, type) and issubclass(hint, OpenVocabulary):
        # parsed by the enumeration itself, so a refusal says that names of your own are allowed
        return typing.Annotated[hint, pydantic.BeforeValidator(_vocabulary(hint))]
    return None


def _vocabulary(kind: type[OpenVocabulary]) -> Any:  # noqa: ANN401 - a validator function
    def parse(value: object) -> OpenVocabulary:
        try:
            return kind(value)
        except InvalidInput as error:
            raise ValueError(error.problems[0].message) from None

    return parse


def _frozen_fields(kind: type[FrozenDict[str, Any]]) -> Any:  # noqa: ANN401 - a validator function
    def parse(values: dict[str, object]) -> FrozenDict[str, Any]:
        try:
            return kind(field_values("fields", values, clearing=kind is FrozenDict))
        except InvalidInput as error:
            raise ValueError("; ".join(f"{p.location[0]!r} {p.message}" for p in error.problems)) from None

    return parse


def _tags(tags: list[str]) -> frozenset[str]:
    try:
        return tag_set("tags", tags)
    except InvalidInput as error:
        raise ValueError("; ".join(f"{p.input!r} {p.message}" for p in error.problems)) from None


def _literal(values: tuple[str, ...]) -> Any:  # noqa: ANN401 - a type expression
    return typing.Literal.__getitem__(values)


def _union(members: Iterable[Any]) -> Any:  # noqa: ANN401 - a type expression
    return functools.reduce(operator.or_, members)


@functools.cache
def payload_model(kind: str, command: str) -> type[pydantic.BaseModel]:
    shape = KINDS[kind].event_payloads[command]
    fields: dict[str, Any] = {key: (_annotation(hint, for_schema=False), ...) for key, hint in shape.items()}
    return pydantic.create_model(
        f"{kind}{PAST_TENSE[kind, command]}Payload",
        __config__=pydantic.ConfigDict(extra="forbid"),
        **fields,
    )


@functools.cache
def event_model(kinds: tuple[str, ...], *, for_schema: bool, envelope: bool) -> type[pydantic.BaseModel]:
    """The model of a stored event; ``envelope`` for one stored alone, which says its schema."""
    payload: Any = dict[str, Any]
    if for_schema:
        payload = _union(
            payload_model(kind, command) for kind in kinds for command in KINDS[kind].event_payloads
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
def document_model(kind: str, *, for_schema: bool = False) -> type[pydantic.BaseModel]:
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
        pipelines=_list_of(model(Pipeline, for_schema=for_schema), default=[]),
        history=_list_of(event_model((kind,), for_schema=for_schema, envelope=False)),
    )


@functools.cache
def snapshot_model(kind: str) -> type[pydantic.BaseModel]:
    """The model of a snapshot: an object's state at a version, without its history."""
    cls: Any = KINDS[kind]
    hints = type_hints(cls)
    fields: dict[str, Any] = {}
    for name, field in state_fields(cls).items():
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
        pipelines=_list_of(model(Pipeline), default=[]),
        state=(state, ...),
    )
