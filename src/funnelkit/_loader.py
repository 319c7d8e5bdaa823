"""Loading stored data: parse it with the derived pydantic models, then build the attrs values.

Everything found wrong is reported together, with its location; nothing but ``InvalidInput``
escapes, and nothing half-built is returned. :func:`funnelkit.load` is the public door.
"""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any, Union

import pydantic

from funnelkit._arguments import with_article
from funnelkit._errors import MISSING, DefinitionError, InvalidInput, Location, Problem
from funnelkit._events import Event
from funnelkit._fields import state_fields
from funnelkit._log import Log
from funnelkit._models import (
    SCALARS,
    SOURCES,
    FrameworkReference,
    PipelineReference,
    document_model,
    model,
    payload_model,
    snapshot_model,
)
from funnelkit._pipeline import DEFAULT_PIPELINE, DEFINITION, Pipeline, rebuilt
from funnelkit._public import type_hints
from funnelkit._replay import KINDS, replay
from funnelkit._stored import depth_problem
from funnelkit._subject import Subject
from funnelkit._upcast import upcast


def read(kind: Any, data: object, pipelines: Iterable[Pipeline]) -> Any:  # noqa: ANN401 - a kind and its value
    """What :func:`funnelkit.load` gives: ``data`` parsed into a ``kind``, every problem reported."""
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
    return result


def _load(kind: Any, data: object, pipelines: Iterable[Pipeline], what: str) -> tuple[Any, list[Problem]]:  # noqa: ANN401
    loader = _Loader(pipelines)
    if kind is Event or (isinstance(kind, type) and issubclass(kind, Subject)):
        data = upcast(data, "event" if kind is Event else "object", what)
    if isinstance(kind, type) and issubclass(kind, Subject):
        return loader.subject(kind, data), loader.problems
    return loader.parse(kind, data, ()), loader.problems


class _Loader:
    """One load: the problems found so far and the pipelines events may name."""

    def __init__(self, pipelines: Iterable[object]) -> None:
        self.problems: list[Problem] = []
        self.pipelines = {DEFAULT_PIPELINE.key: DEFAULT_PIPELINE}
        for pipeline in pipelines:
            if not isinstance(pipeline, Pipeline):
                self.problems.append(Problem(("pipelines",), "must be Pipelines", pipeline))
            elif self.pipelines.get(pipeline.key, pipeline) != pipeline:
                problem = f"names {pipeline.name!r} version {pipeline.version} twice, for different pipelines"
                self.problems.append(Problem(("pipelines",), problem, pipeline.name))
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
        if type(parsed) in _FINAL or _final(parsed):
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
            name: value if type(value) in _FINAL else self.build(hints[name], value, (*where, name))
            for name, value in parsed.__dict__.items()
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
                reference = values.get("framework")
                bare = rebuilt(*(None if name == "framework" else values.get(name) for name in DEFINITION))
                return bare if reference is None else self.gated(bare, reference, where)
            return kind(**values)
        except InvalidInput as error:
            self.problems.extend(Problem((*where, *p.location), p.message, p.input) for p in error.problems)
        except DefinitionError as error:
            self.problems.extend(Problem(where, message) for message in error.problems)
        return None

    def gated(self, bare: Pipeline, reference: FrameworkReference, where: Location) -> Pipeline | None:
        """The known pipeline a stored gated one is: the same definition, gated by that framework."""
        known = self.pipelines.get(bare.key)
        gate = known.framework if known is not None else None
        if (
            known is not None
            and gate is not None
            and (gate.id, gate.version) == (reference.id, reference.version)
        ):
            ungated = rebuilt(*(None if name == "framework" else getattr(known, name) for name in DEFINITION))
            if ungated == bare:
                return known
        framework = f"framework {reference.id!r} version {reference.version}"
        problem = (
            f"is pipeline {bare.name!r} version {bare.version}, gated by {framework}, whose criteria are "
            "code: pass that pipeline to load in pipelines="
            if known is None
            else f"differs from the pipeline {known.name!r} version {known.version} given to load: "
            f"it is gated by {framework}; a changed definition needs a new name or version"
        )
        self.problems.append(Problem(where, problem, reference.model_dump()))
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
            key: value
            if type(value := payload[key]) in _FINAL
            else self.build(hint, value, (*where, "payload", key))
            for key, hint in shape.items()
        }
        if len(self.problems) > count:
            return None
        source = fields["source"]
        # a kind, a command and a status name one of few values: each loaded event shares their text
        return Event(
            sys.intern(subject),
            fields["subject_id"],
            fields["sequence"],
            sys.intern(command),
            None if source is None else sys.intern(source),
            sys.intern(fields["target"]),
            fields["at"],
            values,
        )


_FINAL: set[object] = set(SCALARS)
"""The types of parsed values that are already domain values (scalars, enumerations, framework
references): building one returns it. Filled in as the loader meets them."""


def _final(parsed: object) -> bool:
    """Whether ``parsed`` is already a domain value, remembering its type if so."""
    # a framework reference stays one: the pipeline that names it comes from the caller
    if isinstance(parsed, FrameworkReference) or not isinstance(parsed, (list, pydantic.BaseModel)):
        _FINAL.add(type(parsed))
        return True
    return False


def _problems(error: pydantic.ValidationError, where: Location) -> list[Problem]:
    return [
        Problem(
            (*where, *item["loc"]),
            item["msg"].removeprefix("Value error, "),
            MISSING if item["type"] == "missing" else item.get("input"),
        )
        for item in error.errors()
    ]
