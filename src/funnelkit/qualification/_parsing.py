"""Parsing framework definitions with pydantic, and building them from criteria; no eval."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Union

import pydantic

from funnelkit._errors import DefinitionError
from funnelkit.qualification._combinators import (
    all_of,
    any_of,
    at_least,
    gate,
    knock_out,
    min_grade,
    not_,
    weighted,
)
from funnelkit.qualification._criteria import Criterion
from funnelkit.qualification._frameworks import Framework
from funnelkit.qualification._results import UnknownMode

_STRICT = pydantic.ConfigDict(extra="forbid")


class _Node(pydantic.BaseModel):
    model_config = _STRICT


class _Group(_Node):
    unknown: UnknownMode = UnknownMode.block


class _AllOf(_Group):
    all_of: list[Policy]


class _AnyOf(_Group):
    any_of: list[Policy]


class _Gate(_Group):
    gate: list[Policy]


class _Not(_Node):
    not_: Policy = pydantic.Field(alias="not")


class _KnockOut(_Node):
    knock_out: Policy


class _AtLeast(_Group):
    at_least: int
    of: list[Policy]


class _Weight(_Node):
    criterion: Policy
    weight: Decimal


class _Weighted(_Group):
    weighted: list[_Weight]
    threshold: Decimal


class _MinGrade(_Group):
    min_grade: int
    of: list[Policy]


Policy = Union[str, _AllOf, _AnyOf, _Gate, _Not, _KnockOut, _AtLeast, _Weighted, _MinGrade]  # noqa: UP007 - pydantic resolves the recursive alias by name


class _Definition(_Node):
    id: str = pydantic.Field(min_length=1)
    version: str = pydantic.Field(min_length=1)
    policy: Policy
    source: str = ""
    milestones: dict[str, list[str]] = {}
    stage_grade: int = 2


for _model in (_AllOf, _AnyOf, _Gate, _Not, _KnockOut, _AtLeast, _Weight, _Weighted, _MinGrade, _Definition):
    _model.model_rebuild()


def build(definition: object, criteria: Mapping[str, Criterion]) -> Framework:
    """What :func:`~funnelkit.qualification.framework_from` gives; see there."""
    if isinstance(definition, Mapping) and "stages" in definition:
        moved = "stages: a framework names no pipeline's stages: name milestones, and map them with gated_by"
        raise DefinitionError("framework definition", [moved])
    try:
        parsed = _Definition.model_validate(definition)
    except pydantic.ValidationError as error:
        where = "framework definition"
        raise DefinitionError(where, [_place(item["loc"], item["msg"]) for item in error.errors()]) from None
    policy = _build(parsed.policy, ("policy",), criteria)
    milestones = {name: tuple(ids) for name, ids in parsed.milestones.items()}
    return Framework(parsed.id, parsed.version, policy, parsed.source, milestones, parsed.stage_grade)


def _place(location: tuple[str | int, ...], message: str) -> str:
    return f"{'.'.join(str(part) for part in location)}: {message}"


def _build(node: Policy, where: tuple[str | int, ...], criteria: Mapping[str, Criterion]) -> Criterion:
    if isinstance(node, str):
        found = criteria.get(node)
        if found is None:
            raise DefinitionError("framework definition", [_place(where, f"unknown criterion {node!r}")])
        return found
    build = _BUILDERS[type(node)]
    try:
        return build(node, where, criteria)
    except DefinitionError as error:
        if error.what == "framework definition":
            raise
        raise DefinitionError("framework definition", [_place(where, p) for p in error.problems]) from None


def _all(
    nodes: list[Policy], where: tuple[str | int, ...], criteria: Mapping[str, Criterion]
) -> list[Criterion]:
    return [_build(child, (*where, index), criteria) for index, child in enumerate(nodes)]


Builder = Callable[[Any, tuple[str | int, ...], Mapping[str, Criterion]], Criterion]

_BUILDERS: dict[type, Builder] = {
    _AllOf: lambda n, w, c: all_of(*_all(n.all_of, (*w, "all_of"), c), unknown=n.unknown),
    _AnyOf: lambda n, w, c: any_of(*_all(n.any_of, (*w, "any_of"), c), unknown=n.unknown),
    _Gate: lambda n, w, c: gate(*_all(n.gate, (*w, "gate"), c), unknown=n.unknown),
    _Not: lambda n, w, c: not_(_build(n.not_, (*w, "not"), c)),
    _KnockOut: lambda n, w, c: knock_out(_build(n.knock_out, (*w, "knock_out"), c)),
    _AtLeast: lambda n, w, c: at_least(n.at_least, *_all(n.of, (*w, "of"), c), unknown=n.unknown),
    _MinGrade: lambda n, w, c: min_grade(n.min_grade, *_all(n.of, (*w, "of"), c), unknown=n.unknown),
    _Weighted: lambda n, w, c: weighted(
        n.threshold,
        [
            (_build(item.criterion, (*w, "weighted", index, "criterion"), c), item.weight)
            for index, item in enumerate(n.weighted)
        ],
        unknown=n.unknown,
    ),
}
