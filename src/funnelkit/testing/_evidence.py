"""Hypothesis strategies for discovery facts and evidence: none, partial, complete, contradictory."""

from __future__ import annotations

import enum
import functools
from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

from funnelkit._money import Money
from funnelkit.qualification import FACTS, GRADES, Evidence, Fact, FactValue

_AT = datetime(2026, 1, 1, tzinfo=timezone.utc)


class Completeness(str, enum.Enum):
    """How much evidence to draw for a subject."""

    none = "none"
    partial = "partial"
    complete = "complete"
    contradictory = "contradictory"


def _positive(name: str) -> st.SearchStrategy[FactValue]:
    kinds = FACTS[name]
    if Money in kinds:
        return st.integers(1, 10**7).map(lambda amount: Money(amount, "EUR")) | st.just(True)
    return st.just(True) | st.sampled_from(["confirmed on a call", "in their own words", "per the RFP"])


def _negative(name: str) -> st.SearchStrategy[FactValue]:
    return st.just(False) | (st.just(Money(0, "EUR")) if Money in FACTS[name] else st.just(""))


# Strategies are immutable: building each once, rather than on every draw, spares Hypothesis
# validating a new one each time, which is most of the cost of drawing a fact.
@functools.cache
def facts(name: str, *, positive: bool | None = None) -> st.SearchStrategy[Fact]:
    """Facts called ``name`` (a known fact), positive, negative, or either, with any grade."""
    values = {True: _positive(name), False: _negative(name), None: _positive(name) | _negative(name)}[
        positive
    ]
    at = st.timedeltas(timedelta(0), timedelta(days=60)).map(lambda delta: _AT + delta)
    grades = st.none() | st.sampled_from(list(GRADES))
    sources = st.sampled_from(["discovery call", "email", "demo", "RFP"])
    return st.builds(Fact, st.just(name), values, sources, at, grades)


@functools.cache
def fact_lists(names: tuple[str, ...] = tuple(FACTS)) -> st.SearchStrategy[list[Fact]]:
    """Non-empty lists of facts about some of ``names``."""
    return st.lists(st.one_of([facts(name) for name in names]), min_size=1, max_size=5)


@st.composite
def evidence(
    draw: st.DrawFn, completeness: Completeness | None = None, names: tuple[str, ...] = tuple(FACTS)
) -> Evidence:
    """Evidence about ``names``, as complete as asked (any completeness by default).

    None has no facts; partial has some; complete has every name, positive and graded 3;
    contradictory has a fact recorded positive and later negative.
    """
    chosen = completeness or draw(st.sampled_from(Completeness))
    if chosen is Completeness.none:
        return Evidence()
    if chosen is Completeness.complete:
        at = _AT
        return Evidence(tuple(Fact(name, draw(_positive(name)), "discovery call", at, 3) for name in names))
    if chosen is Completeness.partial:
        return Evidence(tuple(draw(fact_lists(names))))
    name = draw(st.sampled_from(names))
    first, second = draw(facts(name, positive=True)), draw(facts(name, positive=False))
    return Evidence((first, second))
