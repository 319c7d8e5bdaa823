"""Transition tables derived once from python-statemachine lifecycle classes.

A python-statemachine instance costs kilobytes and a hundred microseconds per transition, too much
for a library that holds millions of leads. The lifecycle class stays the single source of truth;
this module reads it once into a frozen lookup table that commands consult, and refuses any
construct the table could not reproduce exactly, so the two can never silently disagree.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs
from statemachine import State, StateMachine
from statemachine.callbacks import CallbackSpec
from statemachine.event import Event
from statemachine.transition import Transition

from funnelkit._errors import DefinitionError

Predicate = Callable[[Any, Mapping[str, object]], bool]


@attrs.frozen
class Guard:
    """A named, pure condition a transition needs: ``test(subject, payload) -> bool``."""

    test: Predicate
    description: str
    """What must hold, in words, for error messages."""
    reads_payload: bool = False
    """Whether it judges the command's payload, so it cannot be judged before the command."""
    explain: Callable[[Any, Mapping[str, object]], str] | None = None
    """Says why the guard failed for a subject and payload, when the description is not enough."""

    def why(self, subject: object, payload: Mapping[str, object]) -> str:
        """The reason to give when the guard fails."""
        return self.description if self.explain is None else self.explain(subject, payload)


@attrs.frozen
class Route:
    """One declared transition for a status and an event: its target and its guards."""

    target: str
    guards: tuple[tuple[str, bool], ...]
    """Each guard's name with the value it must return (``cond`` wants True, ``unless`` False)."""


@attrs.frozen
class TransitionTable:
    """The lookup table of one lifecycle class, built by :meth:`derive`."""

    lifecycle: type[StateMachine]
    initial: str
    statuses: tuple[str, ...]
    final: frozenset[str]
    events: tuple[str, ...]
    routes: Mapping[tuple[str, str], tuple[Route, ...]]
    guards: Mapping[str, Guard]
    by_status: Mapping[str, tuple[str, ...]]
    """The events declared from each status, in declaration order."""
    unguarded: Mapping[tuple[str, str], str]
    """Where an event leads when its first declared transition has no guard, so always wins."""

    @classmethod
    def derive(
        cls, lifecycle: type[StateMachine], guards: Mapping[str, Guard] | None = None
    ) -> TransitionTable:
        """Read ``lifecycle`` into a table, resolving guard names in ``guards``.

        Raises:
            DefinitionError: the class uses something the table cannot reproduce (compound or
                parallel states, validators, actions, eventless or multi-target transitions,
                guard expressions) or names a guard missing from ``guards``.
        """
        guards = dict(guards or {})
        problems = [
            f"method {name!r} would run as a callback; commands on the objects do the work"
            for name, value in vars(lifecycle).items()
            if inspect.isfunction(value)
        ]
        routes: dict[tuple[str, str], list[Route]] = {}
        for state in lifecycle.states:
            problems.extend(_unsupported_state(state))
            for transition in state.transitions:
                problems.extend(_unsupported_transition(state.id, transition))
                route = Route(transition.target.id, _guard_specs(transition))
                problems.extend(
                    f"transition {state.id} -> {route.target} names unknown guard {name!r}"
                    for name, _ in route.guards
                    if name not in guards
                )
                for event in transition.events:
                    routes.setdefault((state.id, event.id), []).append(route)
        if problems:
            raise DefinitionError(lifecycle.__name__, problems)
        by_status = {
            state.id: tuple(dict.fromkeys(e for (s, e) in routes if s == state.id))
            for state in lifecycle.states
        }
        return cls(
            lifecycle=lifecycle,
            initial=lifecycle.initial_state.id,
            statuses=tuple(state.id for state in lifecycle.states),
            final=frozenset(state.id for state in lifecycle.final_states),
            # python-statemachine's metaclass gives the class an `events` list; its stubs type an instance's
            events=tuple(event.id for event in typing.cast("list[Event]", lifecycle.events)),
            routes=MappingProxyType({key: tuple(value) for key, value in routes.items()}),
            guards=MappingProxyType(guards),
            by_status=MappingProxyType(by_status),
            # a plain dict: this is the lookup every command makes
            unguarded={key: found[0].target for key, found in routes.items() if not found[0].guards},
        )

    def target(self, status: str, event: str, subject: object, payload: Mapping[str, object]) -> str | None:
        """Return the status ``event`` leads to from ``status``, or ``None`` if it is not allowed.

        Like python-statemachine, the first declared transition whose guards pass wins.
        """
        found = self.unguarded.get((status, event))
        if found is not None:
            return found
        for route in self.routes.get((status, event), ()):
            if self._passes(route, subject, payload):
                return route.target
        return None

    def _passes(self, route: Route, subject: object, payload: Mapping[str, object]) -> bool:
        guards = self.guards
        return all(guards[name].test(subject, payload) is expected for name, expected in route.guards)

    def allowed(self, status: str, subject: object) -> tuple[str, ...]:
        """The events allowed from ``status`` now, judging every guard that does not need a payload."""
        return tuple(
            event
            for event in self.by_status[status]
            if any(self._could_pass(route, subject) for route in self.routes[status, event])
        )

    def reads_payload(self, status: str, event: str) -> bool:
        """Whether a guard of ``event`` from ``status`` judges the command's payload."""
        guards = self.guards
        return any(
            guards[name].reads_payload
            for route in self.routes.get((status, event), ())
            for name, _ in route.guards
        )

    def possible_target(self, status: str, event: str, subject: object) -> str | None:
        """Where ``event`` could lead from ``status`` given a suitable payload, or ``None``."""
        for route in self.routes.get((status, event), ()):
            if self._could_pass(route, subject):
                return route.target
        return None

    def _could_pass(self, route: Route, subject: object) -> bool:
        guards = self.guards
        return all(
            guards[name].reads_payload or guards[name].test(subject, {}) is expected
            for name, expected in route.guards
        )

    def failed_guards(
        self, status: str, event: str, subject: object, payload: Mapping[str, object]
    ) -> tuple[str, ...]:
        """Explain each guard that failed for the transitions ``event`` declares from ``status``."""
        return tuple(
            f"{name}: {self.guards[name].why(subject, payload)}"
            for route in self.routes.get((status, event), ())
            for name, expected in route.guards
            if self.guards[name].test(subject, payload) is not expected
        )


def _declared(specs: Iterable[CallbackSpec]) -> bool:
    # python-statemachine lists naming-convention callbacks on every state and transition;
    # only explicitly declared ones are actions
    return any(not spec.is_convention for spec in specs)


def _unsupported_state(state: State) -> list[str]:
    problems = []
    if state.states:
        problems.append(f"state {state.id!r} is compound or parallel")
    if _declared(state.enter) or _declared(state.exit):
        problems.append(f"state {state.id!r} has enter or exit actions")
    return problems


def _unsupported_transition(source: str, transition: Transition) -> list[str]:
    where = f"transition {source} -> {', '.join(t.id for t in transition.targets)}"
    checks = (
        (len(transition.targets) != 1, "must have exactly one target"),
        (not transition.events, "must be triggered by an event"),
        (bool(transition.internal), "must not be internal"),
        (_declared(transition.validators), "must not have validators"),
        (
            any(_declared(specs) for specs in (transition.before, transition.on, transition.after)),
            "must not have actions: commands on the objects do the work",
        ),
        (
            any(not _is_plain_name(spec) for spec in transition.cond),
            "may guard only with guard names, not expressions or callables",
        ),
    )
    return [f"{where} {message}" for failed, message in checks if failed]


def _is_plain_name(spec: CallbackSpec) -> bool:
    return isinstance(spec.func, str) and spec.attr_name.isidentifier()


def _guard_specs(transition: Transition) -> tuple[tuple[str, bool], ...]:
    return tuple((spec.attr_name, bool(spec.expected_value)) for spec in transition.cond)
