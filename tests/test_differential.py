"""The derived tables and the python-statemachine engine agree on every status and event."""

from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from statemachine import StateMachine
from statemachine.exceptions import TransitionNotAllowed as EngineRefused

import funnelkit as fk
import funnelkit.qualification as q
from funnelkit import testing
from funnelkit._subject import Subject
from funnelkit._table import TransitionTable


def engine_target(subject: Subject, event: str, payload: Mapping[str, object]) -> str | None:
    """Ask a python-statemachine instance bound to a stand-in for ``subject`` where ``event`` leads."""
    table: TransitionTable = subject._table
    lifecycle: type[StateMachine] = table.lifecycle
    by_id = {state.id: state for state in lifecycle.states}

    def guard(name: str) -> Any:
        return lambda *_args, **kwargs: table.guards[name].test(subject, kwargs)

    holder = type("Holder", (), {name: staticmethod(guard(name)) for name in table.guards})()
    holder.state = by_id[subject.status.value].value
    machine = lifecycle(model=holder)
    try:
        machine.send(event, **dict[str, Any](payload))
    except EngineRefused:
        return None
    return str(lifecycle.states_map[holder.state].id)


def payload_for(subject: Subject, event: str, data: st.DataObject) -> dict[str, object]:
    """The payload the command itself would record, where a guard judges it."""
    if event == "qualify" and isinstance(subject, fk.Lead):
        framework = data.draw(st.sampled_from(list(q.frameworks().values())))
        return {"qualification": framework.evaluate(subject).summary()}
    if isinstance(subject, fk.Opportunity) and event in ("advance", "skip"):
        ids = [stage.value for stage in subject.pipeline.stages]
        here = subject.status.value
        to = data.draw(st.sampled_from(ids)) if event == "skip" else None
        following = ids[ids.index(here) + 1] if here in ids[:-1] else None
        target = to if event == "skip" else following
        return {**({"to": to} if to else {}), **subject.gate_payload(target)}
    return {}


def agree(subject: Subject, data: st.DataObject) -> None:
    table = subject._table
    for event in table.events:
        payload = payload_for(subject, event, data)
        assert table.target(subject.status.value, event, subject, payload) == engine_target(
            subject, event, payload
        ), (subject.status.value, event, payload)


def statuses_of(kind: type[Subject]) -> list[Any]:
    return [state.value for state in kind.lifecycle.states]


STRATEGIES: dict[type[Subject], Any] = {
    fk.Prospect: testing.prospects,
    fk.Lead: testing.leads,
    fk.Client: testing.clients,
}


@pytest.mark.parametrize(
    ("kind", "status"),
    [(kind, status) for kind in STRATEGIES for status in statuses_of(kind)],
)
@given(data=st.data())
def test_table_agrees_with_engine(kind: type[Subject], status: Any, data: st.DataObject) -> None:
    subject = data.draw(STRATEGIES[kind](status=status))
    agree(subject, data)


@pytest.mark.parametrize("status", list(fk.DEFAULT_PIPELINE.by_value))
@given(data=st.data())
def test_default_pipeline_agrees_with_engine(status: str, data: st.DataObject) -> None:
    agree(data.draw(testing.opportunities(status=status)), data)


@given(data=st.data())
def test_custom_pipelines_agree_with_engine(data: st.DataObject) -> None:
    pipeline = data.draw(testing.pipelines())
    status = data.draw(st.sampled_from(list(pipeline.by_value)))
    agree(data.draw(testing.opportunities(status=status, pipeline=pipeline)), data)


def test_payload_guards_are_exercised_both_ways(lead: fk.Lead, day: Any) -> None:
    accepted = lead.work(at=day(2)).mark_marketing_qualified(at=day(3)).accept(at=day(4))
    known: dict[str, q.FactValue] = {"budget": True, "authority": True, "need": "x"}
    ready = accepted.record(at=day(5), facts=known)
    bant = q.frameworks()["bant"]
    for subject, expected in ((accepted, None), (ready, "sales_qualified")):
        payload = {"qualification": bant.evaluate(subject).summary()}
        assert engine_target(subject, "qualify", payload) == expected
        assert subject._table.target("sales_accepted", "qualify", subject, payload) == expected


def test_the_guard_is_exercised_both_ways() -> None:
    # the fast-track guard is the only object guard of the built-in lifecycles: both outcomes
    # must reach the engine, or the differential test would prove nothing about guards
    seen = set()

    @given(testing.leads(status=fk.LeadStatus.working))
    def record(lead: fk.Lead) -> None:
        seen.add(engine_target(lead, "fast_track", {}))

    record()
    assert seen == {None, "sales_accepted"}
