"""Parsing points model definitions with pydantic, and building the models from them; no eval."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import pydantic

from funnelkit._errors import DefinitionError, InvalidInput
from funnelkit._market import attribute
from funnelkit._money import Money
from funnelkit.qualification._criteria import Criterion
from funnelkit.scoring._decay import Decay, half_life, linear_decay, step_decay
from funnelkit.scoring._engagement import EngagementRule
from funnelkit.scoring._fit import FitRule, field_is, role, tagged
from funnelkit.scoring._grades import Grades
from funnelkit.scoring._points import Group, PointsModel, Rule

WHAT = "points model definition"
# pydantic checks the shape (which keys, what nests where); each value is checked by the class it
# builds, the one place its rule is written, so data and code are refused with the same words
_NUMBER: dict[str, Any] = {"type": "number"}
_TEXT: dict[str, Any] = {"type": "string"}
_SCALAR: dict[str, Any] = {"type": ["string", "number", "boolean"]}
Number = Annotated[Any, pydantic.WithJsonSchema(_NUMBER)]
Text = Annotated[Any, pydantic.WithJsonSchema(_TEXT)]
Many = Annotated[Any, pydantic.WithJsonSchema({"anyOf": [_TEXT, {"type": "array", "items": _TEXT}]})]
Scalars = Annotated[Any, pydantic.WithJsonSchema({"anyOf": [_SCALAR, {"type": "array", "items": _SCALAR}]})]
Scalar = Annotated[Any, pydantic.WithJsonSchema(_SCALAR)]
Numbers = Annotated[Any, pydantic.WithJsonSchema({"type": "array", "items": _NUMBER})]


class _Node(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid")


class _Money(_Node):
    amount: Text | Number
    currency: Text


Bound = Annotated[_Money | Number, pydantic.Field(union_mode="left_to_right")]


class _Rule(_Node):
    id: Text
    points: Number
    attribute: Text = None
    role: Many = None
    tag: Text = None
    field: Text = None
    one_of: Scalars = None
    includes: Scalar = None
    at_least: Bound = None
    below: Bound = None
    kind: Many = None
    channel: Many = None
    campaign: Many = None
    url_contains: Text = None
    minimum: Number = None
    maximum: Number = None


class _Decay(_Node):
    half_life: Number = None
    step_decay: Number = None
    linear_decay: Number = None
    every: Number = None


class _Group(_Node):
    id: Text
    rules: list[_Rule]
    minimum: Number = None
    maximum: Number = None
    decay: _Decay | None = None
    window: Number = None


class _Grades(_Node):
    fit: Numbers = (75, 50, 25)
    engagement: Numbers = (75, 50, 25)


class _Model(_Node):
    id: Text
    version: Text
    groups: list[_Group]
    minimum: Number = None
    maximum: Number = None
    inactivity: Number = None
    grades: _Grades | None = None


_TESTS = ("attribute", "role", "tag", "field")
_ATTRIBUTE_TESTS = ("one_of", "includes", "at_least", "below")
_ENGAGEMENT = ("kind", "channel", "campaign", "url_contains", "minimum", "maximum")


def _listed(value: object) -> tuple[Any, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def _bound(value: object) -> Any:  # noqa: ANN401 - a bound as given, for attribute() to check
    if isinstance(value, _Money):
        return Money(value.amount, value.currency)
    return value


def _criterion(rule: _Rule, test: str) -> Criterion:
    given = [name for name in _ATTRIBUTE_TESTS if name in rule.model_fields_set]
    if test == "attribute":
        return attribute(
            rule.attribute,
            one_of=None if rule.one_of is None else _listed(rule.one_of),
            includes=rule.includes,
            at_least=_bound(rule.at_least),
            below=_bound(rule.below),
        )
    if test == "field" and set(given) <= {"one_of"}:
        return field_is(rule.field, *(_listed(rule.one_of) if given else ()))
    if given:
        raise DefinitionError(WHAT, [f"a {test} rule takes no {', '.join(given)}"])
    return role(*_listed(rule.role)) if test == "role" else tagged(rule.tag)


def _rule(rule: _Rule) -> Rule:
    given = rule.model_fields_set
    tests = [name for name in _TESTS if name in given]
    if not tests:
        wrong = [name for name in _ATTRIBUTE_TESTS if name in given]
        if wrong:
            tested = ", ".join(wrong)
            raise DefinitionError(WHAT, [f"{tested} test a fit rule's attribute or field; give one"])
        kinds = {
            name: _listed(getattr(rule, name)) for name in ("kind", "channel", "campaign") if name in given
        }
        limits = {"url_contains": rule.url_contains, "minimum": rule.minimum, "maximum": rule.maximum}
        return EngagementRule(rule.id, rule.points, **kinds, **limits)  # type: ignore[arg-type]
    wrong = [name for name in _ENGAGEMENT if name in given]
    if len(tests) > 1 or wrong:
        extra = ", ".join(tests[1:] + wrong)
        raise DefinitionError(
            WHAT, [f"a fit rule tests one of attribute, role, tag or field; also got {extra}"]
        )
    return FitRule(rule.id, rule.points, _criterion(rule, tests[0]))


def _decay(decay: _Decay) -> Decay:
    forms = [name for name in ("half_life", "step_decay", "linear_decay") if name in decay.model_fields_set]
    if len(forms) != 1 or (forms[0] == "half_life") is not (decay.every is None):
        problem = "give one of half_life (days), or step_decay or linear_decay (a rate) with every (days)"
        raise DefinitionError(WHAT, [problem])
    rate: Any = getattr(decay, forms[0])
    if forms[0] == "half_life":
        return half_life(rate)
    make = step_decay if forms[0] == "step_decay" else linear_decay
    return make(rate, every=decay.every)


T = TypeVar("T")


def _built(problems: list[str], where: str, build: Callable[[], T]) -> T | None:
    """``build()``; its DefinitionError or InvalidInput becomes problems placed at ``where``."""
    try:
        return build()
    except (DefinitionError, InvalidInput) as error:
        problems.extend(f"{where}: {problem}" for problem in error.problems)
        return None


def _group(group: _Group, where: str, problems: list[str]) -> Group | None:
    rules = [
        _built(problems, f"{where}.rules.{index}", functools.partial(_rule, rule))
        for index, rule in enumerate(group.rules)
    ]
    decay = (
        None
        if group.decay is None
        else _built(problems, f"{where}.decay", functools.partial(_decay, group.decay))
    )
    built = [rule for rule in rules if rule is not None]
    if len(built) < len(rules) or (group.decay is not None and decay is None):
        return None
    return _built(
        problems,
        where,
        functools.partial(
            Group, group.id, built, group.minimum, group.maximum, decay=decay, window=group.window
        ),
    )


def build(definition: object) -> PointsModel:
    """What :func:`~funnelkit.scoring.points_model_from` gives; see there."""
    try:
        parsed = _Model.model_validate(definition)
    except pydantic.ValidationError as error:
        found = [
            f"{'.'.join(map(str, item['loc'])) or '(definition)'}: {item['msg']}" for item in error.errors()
        ]
        raise DefinitionError(WHAT, found) from None
    problems: list[str] = []
    groups = [_group(group, f"groups.{index}", problems) for index, group in enumerate(parsed.groups)]
    grades = None
    if parsed.grades is not None:
        grades = _built(
            problems, "grades", functools.partial(Grades, parsed.grades.fit, parsed.grades.engagement)
        )
    model = None
    built = [group for group in groups if group is not None]
    if not problems:
        model = _built(
            problems,
            "(definition)",
            functools.partial(
                PointsModel,
                parsed.id,
                parsed.version,
                built,
                parsed.minimum,
                parsed.maximum,
                parsed.inactivity,
                grades,
            ),
        )
    if model is None:
        raise DefinitionError(WHAT, problems)
    return model


def schema() -> dict[str, object]:
    """What :func:`~funnelkit.scoring.points_model_schema` gives."""
    found: dict[str, object] = _Model.model_json_schema()
    return found
