"""The derived tables and the python-statemachine engine agree on every status, event and guard outcome.

Guards are stubbed: for each status and event, every combination of outcomes of the guards its
transitions name is tried, in the table and in a fresh engine instance. Any other guard consulted
fails the test, so the answers depend on nothing but the outcomes given.
"""

import itertools
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from statemachine import State, StateMachine
from statemachine.exceptions import TransitionNotAllowed as EngineRefused

import funnelkit as fk
import funnelkit.qualification as q
from funnelkit import testing
from funnelkit._subject import Subject
from funnelkit._table import Guard, TransitionTable

F = fk.ForecastCategory


def stages(*requires: tuple[str, ...]) -> tuple[fk.Stage, ...]:
    names = ("first", "second", "third", "fourth", "fifth")
    return tuple(
        fk.Stage(name, Decimal(index) / 10, F.pipeline, requires=needs)
        for index, (name, needs) in enumerate(zip(names, requires, strict=False))
    )


SKIPPING = fk.Pipeline(
    "skip-and-gates",
    stages((), ("pain",), (), ("champion", "metrics"), ("pain",)),
    allow_skip=True,
    allow_back=False,
    reopen_to="second",
)
ANY_WAY = fk.Pipeline(
    "any-way",
    stages((), ("pain",), (), ("metrics",)),
    allow_skip=True,
    allow_back=True,
    start="third",
)
ONE_STAGE = fk.Pipeline("one-stage", stages(()))
BACK_ONLY = fk.Pipeline("back-only", stages((), ("pain",), ()), allow_back=True, reopen_to="third")
GATED = fk.Pipeline(
    "gated-default",
    (
        fk.DEFAULT_PIPELINE.stages[0],
        *(attrs.evolve(stage, requires=("champion",)) for stage in fk.DEFAULT_PIPELINE.stages[1:]),
    ),
)

TABLES: dict[str, TransitionTable] = {
    "Prospect": fk.Prospect._class_table,
    "Lead": fk.Lead._class_table,
    "Client": fk.Client._class_table,
    "Opportunity in the default pipeline": fk.DEFAULT_PIPELINE.table,
    "Opportunity in a gated default pipeline": GATED.table,
    "Opportunity in a pipeline with skips and gates": SKIPPING.table,
    "Opportunity in a pipeline with skips, gates, moves back and a later start": ANY_WAY.table,
    "Opportunity in a one-stage pipeline": ONE_STAGE.table,
    "Opportunity in a pipeline that moves back and reopens late": BACK_ONLY.table,
}


def test_the_pipelines_exercise_every_kind_of_guard() -> None:
    guards = {name for table in TABLES.values() for name in table.guards}
    assert {"may_fast_track", "is_qualified", "passes_gate", "to_third", "to_fifth"} <= guards
    assert {name for name, _ in SKIPPING.table.routes["first", "skip"][0].guards} == {
        "to_second",
        "passes_gate",
    }


def named_guards(lifecycle: type[StateMachine], status: str, event: str | None) -> list[str]:
    """The guards the engine's transitions from ``status`` name, for ``event`` or for any event."""
    state: State = next(state for state in lifecycle.states if state.id == status)
    names = [
        spec.attr_name
        for transition in state.transitions
        if event is None or event in {declared.id for declared in transition.events}
        for spec in transition.cond
    ]
    return list(dict.fromkeys(names))


def outcomes(names: list[str]) -> Iterator[dict[str, bool]]:
    """Every combination of True and False for ``names``."""
    for combination in itertools.product((False, True), repeat=len(names)):
        yield dict(zip(names, combination, strict=True))


def stub(name: str, forced: Mapping[str, bool]) -> Any:
    """A guard that returns its forced outcome, and fails the test if it has none."""

    def test(*_args: object, **_kwargs: object) -> bool:
        assert name in forced, f"guard {name!r} was consulted, but the transitions do not name it"
        return forced[name]

    return test


def stubbed_table(table: TransitionTable, forced: Mapping[str, bool]) -> TransitionTable:
    guards = {name: Guard(stub(name, forced), "stubbed") for name in table.guards}
    return attrs.evolve(table, guards=guards)


def engine(table: TransitionTable, status: str, forced: Mapping[str, bool]) -> StateMachine:
    """A fresh python-statemachine instance in ``status``, its guards stubbed."""
    lifecycle = table.lifecycle
    holder = type("Holder", (), {name: staticmethod(stub(name, forced)) for name in table.guards})()
    holder.state = next(state.value for state in lifecycle.states if state.id == status)
    return lifecycle(model=holder)


def engine_answer(table: TransitionTable, status: str, event: str, forced: Mapping[str, bool]) -> str | None:
    machine = engine(table, status, forced)
    try:
        machine.send(event)
    except EngineRefused:
        return None
    (state,) = machine.configuration
    return str(state.id)


def agree_on_targets(name: str, table: TransitionTable, status: str) -> None:
    for event in table.events:
        for forced in outcomes(named_guards(table.lifecycle, status, event)):
            found = stubbed_table(table, forced).target(status, event, None, {})
            expected = engine_answer(table, status, event, forced)
            assert found == expected, (
                f"{name}: {event} from {status} with {forced}: table {found}, engine {expected}"
            )


CASES = [(name, status) for name, table in TABLES.items() for status in table.statuses]


@pytest.mark.parametrize(("name", "status"), CASES)
def test_every_event_under_every_guard_outcome_leads_where_the_engine_goes(name: str, status: str) -> None:
    agree_on_targets(name, TABLES[name], status)


@given(testing.pipelines())
def test_drawn_pipelines_agree_with_the_engine_everywhere(pipeline: fk.Pipeline) -> None:
    for status in pipeline.table.statuses:
        agree_on_targets(pipeline.name, pipeline.table, status)


@pytest.mark.parametrize(("name", "status"), CASES)
def test_the_events_allowed_under_every_guard_outcome_are_the_engines(name: str, status: str) -> None:
    table = TABLES[name]
    declared = [event.id for event in engine(table, status, {}).allowed_events]
    assert list(table.by_status[status]) == list(dict.fromkeys(declared)), f"{name}: events from {status}"
    for forced in outcomes(named_guards(table.lifecycle, status, None)):
        allowed = stubbed_table(table, forced).allowed(status, None)
        enabled = [event.id for event in engine(table, status, forced).enabled_events()]
        assert list(allowed) == list(dict.fromkeys(enabled)), f"{name}: from {status} with {forced}"


def test_the_tables_describe_the_engines_states() -> None:
    for name, table in TABLES.items():
        lifecycle = table.lifecycle
        assert table.statuses == tuple(state.id for state in lifecycle.states), name
        assert table.initial == lifecycle.initial_state.id, name
        assert table.final == {state.id for state in lifecycle.final_states}, name
        assert set(table.events) == {
            event.id for state in lifecycle.states for event in state.transitions.unique_events
        }, name


def engine_target(subject: Subject, event: str, payload: Mapping[str, object]) -> str | None:
    """Ask an engine bound to a stand-in for ``subject``, with its real guards, where ``event`` leads."""
    table: TransitionTable = subject._table

    def guard(name: str) -> Any:
        return lambda *_args, **kwargs: table.guards[name].test(subject, kwargs)

    holder = type("Holder", (), {name: staticmethod(guard(name)) for name in table.guards})()
    holder.state = next(state.value for state in table.lifecycle.states if state.id == subject.status.value)
    machine = table.lifecycle(model=holder)
    try:
        machine.send(event, **dict[str, Any](payload))
    except EngineRefused:
        return None
    (state,) = machine.configuration
    return str(state.id)


def test_payload_guards_are_exercised_both_ways(lead: fk.Lead, day: Any) -> None:
    accepted = lead.work(at=day(2)).mark_marketing_qualified(at=day(3)).accept(at=day(4))
    known: dict[str, q.FactValue] = {"budget": True, "authority": True, "need": "x"}
    ready = accepted.record(at=day(5), facts=known)
    bant = q.frameworks()["bant"]
    for subject, expected in ((accepted, None), (ready, "sales_qualified")):
        payload = {"qualification": bant.evaluate(subject).summary()}
        assert engine_target(subject, "qualify", payload) == expected
        assert subject._table.target("sales_accepted", "qualify", subject, payload) == expected


def test_the_object_guard_is_exercised_both_ways(lead: fk.Lead, day: Any) -> None:
    # the fast-track guard judges the lead itself: its real test, not a stub, must agree too
    demo = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.demo_request, day(1))
    hand_raiser = fk.Lead.create("L-2", account=lead.account, contact=lead.contact, source=demo, at=day(1))
    for subject, expected in ((lead, None), (hand_raiser, "sales_accepted")):
        working = subject.work(at=day(2))
        assert engine_target(working, "fast_track", {}) == expected
        assert working._table.target("working", "fast_track", working, {}) == expected


def test_gates_are_judged_on_the_payload_the_command_makes(opportunity: fk.Opportunity, day: Any) -> None:
    deal = fk.Opportunity.create("O-2", account=opportunity.account, at=day(1), pipeline=SKIPPING)
    ready = deal.record(at=day(2), facts=[q.Fact("pain", True, "call", day(2), grade=3)])
    for subject, expected in ((deal, None), (ready, "second")):
        payload = subject.gate_payload("second")
        assert engine_target(subject, "advance", payload) == expected
        assert subject._table.target("first", "advance", subject, payload) == expected
        skip = {"to": "fifth", **subject.gate_payload("fifth")}
        assert engine_target(subject, "skip", skip) == (expected and "fifth")
