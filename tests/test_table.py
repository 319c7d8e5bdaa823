"""Deriving tables from lifecycle classes, and refusing what a table cannot reproduce."""

from typing import Any

import pytest
from statemachine import State, StateMachine

import funnelkit as fk
from funnelkit._table import Guard, TransitionTable


def machine(**namespace: Any) -> type[StateMachine]:
    return type("Probe", (StateMachine,), namespace)


def states() -> tuple[State, State, State]:
    return State(initial=True), State(), State(final=True)


def test_a_plain_lifecycle_derives() -> None:
    a, b, c = states()
    table = TransitionTable.derive(machine(a=a, b=b, c=c, go=a.to(b), end=b.to(c)))
    assert table.initial == "a"
    assert table.final == frozenset({"c"})
    assert table.by_status == {"a": ("go",), "b": ("end",), "c": ()}
    assert table.target("a", "go", None, {}) == "b"
    assert table.target("a", "end", None, {}) is None


def test_guards_decide_in_declaration_order() -> None:
    a, b, c = states()
    lifecycle = machine(a=a, b=b, c=c, go=a.to(b, cond="left") | a.to(c, unless="left"), end=b.to(c))
    left = Guard(lambda subject, _payload: bool(subject), "the subject is truthy")
    table = TransitionTable.derive(lifecycle, {"left": left})
    assert table.target("a", "go", 1, {}) == "b"
    assert table.target("a", "go", 0, {}) == "c"
    assert table.failed_guards("a", "go", 0, {}) == ("left: the subject is truthy",)


def test_unknown_guards_are_definition_errors() -> None:
    a, b, c = states()
    with pytest.raises(fk.DefinitionError, match="unknown guard 'ready'"):
        TransitionTable.derive(machine(a=a, b=b, c=c, go=a.to(b, cond="ready"), end=b.to(c)))


def test_expressions_validators_and_actions_are_refused() -> None:
    a, b, c = states()

    def check(*_args: Any) -> None:
        return None

    lifecycle = machine(
        a=a,
        b=b,
        c=c,
        go=a.to(b, cond="x and y", validators=check, on=check),
        end=b.to(c),
        on_go=check,
    )
    with pytest.raises(fk.DefinitionError) as caught:
        TransitionTable.derive(lifecycle, {"x": Guard(lambda *_: True, ""), "y": Guard(lambda *_: True, "")})
    problems = "\n".join(caught.value.problems)
    assert "guard names, not expressions" in problems
    assert "validators" in problems
    assert "must not have actions" in problems
    assert "method 'on_go'" in problems


def test_state_actions_and_compound_states_are_refused() -> None:
    a = State(initial=True, enter="hello")
    b, c = State(), State(final=True)

    class Inner(StateMachine):
        class box(State.Compound):  # noqa: N801 - python-statemachine's nested-class form
            first = State(initial=True)
            second = State(final=True)
            step = first.to(second)

        done = State(final=True)
        finish = box.to(done)

    with pytest.raises(fk.DefinitionError, match="enter or exit actions"):
        TransitionTable.derive(machine(a=a, b=b, c=c, go=a.to(b), end=b.to(c)))
    with pytest.raises(fk.DefinitionError, match="compound or parallel"):
        TransitionTable.derive(Inner)
