"""Strategies for score configurations: every drawn definition builds, and its model keeps the contract."""

import json
import math
import pickle
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.scoring as sc
from funnelkit.scoring._fit import FieldCriterion, RoleCriterion, TagCriterion
from funnelkit.testing import accounts, contacts, custom_fields, leads, tags, times, touches
from funnelkit.testing._score_strategies import (
    ENGAGEMENT_FILTERS,
    FIT_TESTS,
    TIMINGS,
    points_definitions,
    points_models,
)
from funnelkit.testing._strategies import START

GRADE = re.compile(r"[A-D][1-4]")


@st.composite
def subjects(draw: st.DrawFn) -> tuple[Any, datetime]:
    """A lead, or a mapping of a lead's attributes, with a time after its latest touch."""
    mapping = st.fixed_dictionaries(
        {"account": accounts(), "touches": st.lists(touches(), max_size=6)},
        optional={"contact": contacts(), "tags": tags(), "fields": custom_fields()},
    )
    subject = draw(leads() | mapping)
    latest = getattr(subject, "last_at", START + timedelta(days=30))
    return subject, draw(times(latest) | times(latest + timedelta(days=200)))


def one_rule(rule: dict[str, Any], **group: Any) -> dict[str, Any]:
    return {"id": "m", "version": "1", "groups": [{"id": "g", "rules": [{"id": "r", **rule}], **group}]}


@given(points_definitions())
def test_every_drawn_definition_is_json_and_builds(definition: dict[str, Any]) -> None:
    assert json.loads(json.dumps(definition, allow_nan=False)) == definition
    model = sc.points_model_from(definition)
    assert (model.id, model.version) == (definition["id"], definition["version"])
    assert [group.id for group in model.groups] == [group["id"] for group in definition["groups"]]
    assert [len(group.rules) for group in model.groups] == [len(g["rules"]) for g in definition["groups"]]
    assert model.maximum == definition.get("maximum")
    assert model.minimum == definition.get("minimum")
    assert (model.grades is None) is ("grades" not in definition)
    assert sc.points_model_from(json.loads(json.dumps(definition))) == model


@given(points_models(), subjects())
def test_a_drawn_model_adds_up_and_keeps_its_caps(model: sc.PointsModel, drawn: tuple[Any, datetime]) -> None:
    subject, at = drawn
    result = model.score(subject, at=at)
    assert (result.scorer, result.version, result.unit) == (model.id, model.version, "points")
    total = result.baseline + math.fsum(part.amount for part in result.contributions)
    assert math.isclose(total, result.value, rel_tol=1e-9, abs_tol=1e-9)
    assert all(part.reason.strip() for part in result.contributions)
    slack = 1e-9 * max(1.0, abs(result.value))
    assert model.maximum is None or result.value <= model.maximum + slack
    assert model.minimum is None or result.value >= model.minimum - slack
    if model.grades is None:
        assert result.grade is None
    else:
        assert result.grade is not None
        assert GRADE.fullmatch(result.grade)


@given(points_definitions(), subjects())
def test_scores_are_deterministic(definition: dict[str, Any], drawn: tuple[Any, datetime]) -> None:
    subject, at = drawn
    model = sc.points_model_from(definition)
    first = model.score(subject, at=at)
    assert model.score(subject, at=at) == first
    assert sc.points_model_from(definition).score(subject, at=at) == first
    assert pickle.loads(pickle.dumps(model)).score(subject, at=at) == first


EXPECTED_CRITERIA = {
    "text attribute": fk.AttributeCriterion,
    "account kind": fk.AttributeCriterion,
    "employees in": fk.AttributeCriterion,
    "employees band": fk.AttributeCriterion,
    "revenue band": fk.AttributeCriterion,
    "account tag": fk.AttributeCriterion,
    "custom field in": fk.AttributeCriterion,
    "custom field includes": fk.AttributeCriterion,
    "custom field band": fk.AttributeCriterion,
    "role": RoleCriterion,
    "tag": TagCriterion,
    "own field": FieldCriterion,
}


@pytest.mark.parametrize("form", sorted(FIT_TESTS))
@settings(max_examples=15)
@given(data=st.data())
def test_each_form_of_fit_test_builds_its_criterion(form: str, data: st.DataObject) -> None:
    test = data.draw(FIT_TESTS[form])
    model = sc.points_model_from(one_rule({"points": 5, **test}))
    (rule,) = model.groups[0].rules
    assert isinstance(rule, sc.FitRule)
    assert type(rule.criterion) is EXPECTED_CRITERIA[form]


def test_every_form_of_fit_test_is_named() -> None:
    assert set(FIT_TESTS) == set(EXPECTED_CRITERIA)


@pytest.mark.parametrize("timing", sorted(TIMINGS))
@settings(max_examples=15)
@given(data=st.data())
def test_each_timing_builds_an_engagement_group(timing: str, data: st.DataObject) -> None:
    filters = data.draw(ENGAGEMENT_FILTERS)
    group = sc.points_model_from(one_rule({"points": 5, **filters}, **data.draw(TIMINGS[timing]))).groups[0]
    assert not group.is_fit
    shown = {"forever": (None, None), "window": (None, float)}.get(timing, (object, None))
    assert (group.decay is None) is (shown[0] is None)
    assert (group.window is None) is (shown[1] is None)
    if group.decay is not None:
        assert repr(group.decay).startswith(timing.replace("-", "_").replace(" ", "_"))


FIT_TESTED = ("attribute", "role", "tag", "field")


def _rules(definition: dict[str, Any]) -> list[dict[str, Any]]:
    return [rule for group in definition["groups"] for rule in group["rules"]]


def _is_fit(rule: dict[str, Any]) -> bool:
    return any(key in rule for key in FIT_TESTED)


REACHED: dict[str, Callable[[dict[str, Any]], bool]] = {
    "an attribute test": lambda d: any("attribute" in rule for rule in _rules(d)),
    "a role test": lambda d: any("role" in rule for rule in _rules(d)),
    "a tag test": lambda d: any("tag" in rule for rule in _rules(d)),
    "an own field test": lambda d: any("field" in rule for rule in _rules(d)),
    "an engagement rule with caps": lambda d: any("maximum" in r and "kind" in r for r in _rules(d)),
    "a decay": lambda d: any("decay" in group for group in d["groups"]),
    "a window": lambda d: any("window" in group for group in d["groups"]),
    "capped groups": lambda d: any("minimum" in g and "maximum" in g for g in d["groups"]),
    "a fit and an engagement group": lambda d: {_is_fit(rule) for rule in _rules(d)} == {True, False},
    "a capped total": lambda d: "minimum" in d and "maximum" in d,
    "inactivity and grades": lambda d: "inactivity" in d and "fit" in d.get("grades", {}),
    "four groups": lambda d: len(d["groups"]) == 4,
}


def test_drawn_definitions_reach_every_part_of_the_format() -> None:
    seen: set[str] = set()

    @settings(max_examples=200, database=None, derandomize=True)
    @given(points_definitions())
    def collect(definition: dict[str, Any]) -> None:
        seen.update(what for what, holds in REACHED.items() if holds(definition))

    collect()
    assert seen == set(REACHED)


def test_drawn_rules_meet_drawn_subjects() -> None:
    fired: set[bool] = set()

    @settings(max_examples=100, database=None, derandomize=True)
    @given(points_definitions(), subjects())
    def collect(definition: dict[str, Any], drawn: tuple[Any, datetime]) -> None:
        fit = {rule["id"] for rule in _rules(definition) if _is_fit(rule)}
        result = sc.points_model_from(definition).score(drawn[0], at=drawn[1])
        rules = {rule["id"] for rule in _rules(definition)}
        fired.update(part.name in fit for part in result.contributions if part.name in rules and part.amount)

    collect()
    assert fired == {True, False}, "both fit and engagement rules should fire on drawn subjects"
