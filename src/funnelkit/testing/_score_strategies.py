"""Hypothesis strategies for score configurations: points model definitions as data, and the models.

A definition is what :func:`funnelkit.scoring.points_model_from` reads, drawn valid by
construction: every rule form (fit rules over account attributes, custom fields, roles, tags and
the subject's own fields; engagement rules by kind, channel, campaign and url), every decay form
or a window, caps at the rule, group and model levels, inactivity and grades. Points, caps and
grade boundaries stay between -100 and 100 (tiny fractions included), and rule values come from
the vocabulary the other strategies draw accounts and touches from, so drawn rules meet drawn leads.
"""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import strategies as st

from funnelkit._money import Money
from funnelkit._values import AccountKind, ContactRole
from funnelkit.scoring import PointsModel, points_model_from
from funnelkit.testing._strategies import (
    _CHANNELS,
    _FIELD_NAMES,
    _LEARNED,
    _TOUCH_KINDS,
    _WORDS,
    ids,
    money,
    tags,
)

Definition = dict[str, Any]

_NUMBERS = st.integers(-100, 100) | st.integers(-10_000, 10_000).map(lambda hundredths: hundredths / 100)
"""Points, limits and grade boundaries: whole numbers or hundredths, the size a points model uses.

Not any float: a limit of 1e-282 beside points of 1 is no configuration anyone writes, and there
a cap holds only to the rounding of the larger amounts."""
_DAYS = st.integers(1, 365) | st.floats(0.5, 365)
_RATES = st.floats(0, 0.9)
"""A decay's rate: the share taken off each period, in [0, 1)."""
_SCALARS = st.text(max_size=10) | st.booleans() | st.integers(-1000, 1000) | st.floats(-1e6, 1e6)
"""Values a custom field is compared with."""


def _one_or_many(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One value, or a list of them: a definition takes either."""
    return values | st.lists(values, min_size=1, max_size=3)


def _merged(*parts: st.SearchStrategy[Definition]) -> st.SearchStrategy[Definition]:
    """One mapping holding the keys of each part."""
    return st.tuples(*parts).map(lambda drawn: {key: value for part in drawn for key, value in part.items()})


def _ordered(values: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    """Two different values, the lower first."""
    return st.lists(values, min_size=2, max_size=2, unique=True).map(sorted)


def _limits(low: str, high: str, values: st.SearchStrategy[Any] = _NUMBERS) -> st.SearchStrategy[Definition]:
    """Neither, either or both of the keys ``low`` and ``high``, the ``low`` value below the ``high``."""
    return _ordered(values).flatmap(
        lambda pair: st.fixed_dictionaries({}, optional={low: st.just(pair[0]), high: st.just(pair[1])})
    )


def _band(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Definition]:
    """``at_least``, ``below`` or both: a range with room inside."""
    return _limits("at_least", "below", values).filter(bool)


def _money_band(currency: str) -> st.SearchStrategy[Definition]:
    """A band of amounts in ``currency``: drawn as money, to compare them, and written as data."""
    return _band(money(currency)).map(lambda bounds: {key: _as_data(value) for key, value in bounds.items()})


def _as_data(amount: Money) -> dict[str, str]:
    return {"amount": str(amount.amount), "currency": amount.currency}


def _attribute(name: str, test: st.SearchStrategy[Definition]) -> st.SearchStrategy[Definition]:
    return _merged(st.just({"attribute": name}), test)


def _known(name: str) -> st.SearchStrategy[Any]:
    """The values the account strategy draws for attribute ``name``, unknown left out."""
    return _LEARNED[name].filter(lambda value: value is not None)


_TAG = tags().filter(bool).map(min)
_TEXT_ATTRIBUTES = ("segment", "territory", "industry", "country", "region", "owner")
_ACCOUNT_KINDS = st.sampled_from([kind.value for kind in AccountKind])
_CURRENCIES = st.sampled_from(["EUR", "USD", "GBP"])

FIT_TESTS: dict[str, st.SearchStrategy[Definition]] = {
    "text attribute": st.sampled_from(_TEXT_ATTRIBUTES).flatmap(
        lambda name: _attribute(name, st.fixed_dictionaries({"one_of": _one_or_many(_known(name))}))
    ),
    "account kind": _attribute("kind", st.fixed_dictionaries({"one_of": _one_or_many(_ACCOUNT_KINDS)})),
    "employees in": _attribute(
        "employees", st.fixed_dictionaries({"one_of": _one_or_many(_known("employees"))})
    ),
    "employees band": _attribute("employees", _band(st.integers(0, 100_000))),
    "revenue band": _attribute("annual_revenue", _CURRENCIES.flatmap(_money_band)),
    "account tag": _attribute("tags", st.fixed_dictionaries({"includes": _TAG})),
    "custom field in": _FIELD_NAMES.flatmap(
        lambda name: _attribute(f"fields.{name}", st.fixed_dictionaries({"one_of": _one_or_many(_SCALARS)}))
    ),
    "custom field includes": _FIELD_NAMES.flatmap(
        lambda name: _attribute(f"fields.{name}", st.fixed_dictionaries({"includes": _SCALARS}))
    ),
    "custom field band": _FIELD_NAMES.flatmap(
        lambda name: _attribute(f"fields.{name}", _band(_NUMBERS) | _money_band("EUR"))
    ),
    "role": st.fixed_dictionaries({"role": _one_or_many(st.sampled_from([r.value for r in ContactRole]))}),
    "tag": st.fixed_dictionaries({"tag": _TAG}),
    "own field": st.fixed_dictionaries({"field": _FIELD_NAMES, "one_of": _one_or_many(_SCALARS)}),
}
"""Each form of fit rule test, by name: what a fit rule holds besides its id and points."""

ENGAGEMENT_FILTERS = st.fixed_dictionaries(
    {},
    optional={
        "kind": _one_or_many(_TOUCH_KINDS.map(lambda kind: kind.value)),
        "channel": _one_or_many(_CHANNELS.map(lambda channel: channel.value)),
        "campaign": _one_or_many(_WORDS),
        "url_contains": st.sampled_from(["/pricing", "/demo", "docs"]),
    },
)
"""What an engagement rule matches touches by; none matches every touch."""

TIMINGS: dict[str, st.SearchStrategy[Definition]] = {
    "forever": st.just({}),
    "half-life": st.fixed_dictionaries({"decay": st.fixed_dictionaries({"half_life": _DAYS})}),
    "step decay": st.fixed_dictionaries(
        {"decay": st.fixed_dictionaries({"step_decay": _RATES, "every": _DAYS})}
    ),
    "linear decay": st.fixed_dictionaries(
        {"decay": st.fixed_dictionaries({"linear_decay": _RATES, "every": _DAYS})}
    ),
    "window": st.fixed_dictionaries({"window": _DAYS}),
}
"""How an engagement group counts a touch's age: not at all, each decay form, or a window."""

_POINTS = st.fixed_dictionaries({"points": _NUMBERS})
_FIT_RULE = _merged(_POINTS, st.one_of(*FIT_TESTS.values()))
_ENGAGEMENT_RULE = _merged(_POINTS, ENGAGEMENT_FILTERS, _limits("minimum", "maximum"))
_FIT_GROUP = _merged(
    st.fixed_dictionaries({"rules": st.lists(_FIT_RULE, min_size=1, max_size=3)}),
    _limits("minimum", "maximum"),
)
_ENGAGEMENT_GROUP = _merged(
    st.fixed_dictionaries({"rules": st.lists(_ENGAGEMENT_RULE, min_size=1, max_size=3)}),
    _limits("minimum", "maximum"),
    st.one_of(*TIMINGS.values()),
)
_BOUNDARIES = st.lists(_NUMBERS, min_size=3, max_size=3, unique=True).map(
    lambda values: sorted(values, reverse=True)
)
_MODEL_OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "inactivity": _DAYS,
        "grades": st.fixed_dictionaries({}, optional={"fit": _BOUNDARIES, "engagement": _BOUNDARIES}),
    },
)
_VERSIONS = st.sampled_from(["1", "2", "2026.06"]) | ids()


@st.composite
def _definitions(draw: st.DrawFn) -> Definition:
    groups = draw(st.lists(_FIT_GROUP | _ENGAGEMENT_GROUP, min_size=1, max_size=4))
    # groups and rules share one space of ids: name them all at once, each name used once
    count = len(groups) + sum(len(group["rules"]) for group in groups)
    names = iter(draw(st.lists(ids(), min_size=count, max_size=count, unique=True)))
    named = [
        {"id": next(names), **group, "rules": [{"id": next(names), **rule} for rule in group["rules"]]}
        for group in groups
    ]
    return {
        "id": draw(ids()),
        "version": draw(_VERSIONS),
        "groups": named,
        **draw(_limits("minimum", "maximum")),
        **draw(_MODEL_OPTIONS),
    }


@functools.cache
def points_definitions() -> st.SearchStrategy[Definition]:
    """Valid points model definitions as JSON-compatible data, such as a settings page stores.

    Each builds with :func:`funnelkit.scoring.points_model_from`. They hold one to four groups,
    fit or engagement, of one to three rules, with ids unique among groups and rules; any form of
    fit test, engagement filter, decay or window; and, at random, caps on rules, groups and the
    total, inactivity and grades.

    Example:
        >>> from hypothesis import given, settings
        >>> import funnelkit.scoring as sc
        >>> from funnelkit.testing import points_definitions
        >>> @settings(max_examples=20)
        ... @given(points_definitions())
        ... def test_definitions_build(definition):
        ...     assert sc.points_model_from(definition).id == definition["id"]
        >>> test_definitions_build()
    """
    return _definitions()


@functools.cache
def points_models() -> st.SearchStrategy[PointsModel]:
    """Valid points models, built from :func:`points_definitions`; they follow the Scorer protocol.

    Example:
        >>> import math
        >>> from datetime import datetime, timezone
        >>> from hypothesis import given, settings
        >>> from funnelkit.testing import points_models
        >>> at = datetime(2026, 6, 1, tzinfo=timezone.utc)
        >>> @settings(max_examples=20)
        ... @given(points_models())
        ... def test_an_empty_subject_scores_within_the_caps(model):
        ...     value = model.score({}, at=at).value
        ...     assert model.maximum is None or value <= model.maximum or math.isclose(value, model.maximum)
        >>> test_an_empty_subject_scores_within_the_caps()
    """
    return points_definitions().map(points_model_from)
