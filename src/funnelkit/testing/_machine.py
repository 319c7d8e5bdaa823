"""A stateful Hypothesis test that drives one funnel object and checks the funnel's invariants."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ClassVar

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from funnelkit._boundary import dump, load
from funnelkit._conversion import Conversion
from funnelkit._deals import Opportunity
from funnelkit._errors import FunnelError, InvalidInput, TransitionNotAllowed
from funnelkit._events import CREATE, Event
from funnelkit._lead import Lead
from funnelkit._lifecycles import LeadStatus, ProspectStatus
from funnelkit._pipeline import LOST, Pipeline
from funnelkit._prospect import Prospect
from funnelkit._replay import replay
from funnelkit._subject import Subject
from funnelkit.testing._strategies import (
    arguments,
    clients,
    leads,
    nothing_to_remove,
    opportunities,
    prospects,
    times,
)


def check_invariants(subject: Subject) -> None:
    """Assert the lifecycle rules every funnel object keeps, reading its whole history.

    The rules: the status is one of the lifecycle's; the history starts with the event that
    created the object and numbers its events 0, 1, 2, ...; every event names the object; every
    time is timezone-aware and none is earlier than the one before it; each event starts from the
    status the one before it led to, and the latest one sets the current status; replaying the
    events rebuilds the object exactly. A disqualified lead and an excluded prospect say why, a
    converted lead names its opportunity and accepts no more commands, a lost opportunity has a
    lost reason, and a won one has probability 1 (its amount may be unknown, as when it was won).

    Raises:
        AssertionError: naming the rule that is broken.
    """
    history = subject.history
    table = subject._table
    assert subject.status.value in table.statuses, "status must be one of the lifecycle's"
    assert history, "every object keeps the event that created it"
    assert history[0].command == CREATE, "the first event creates the object"
    assert [event.sequence for event in history] == list(range(len(history))), "sequences run 0, 1, ..."
    assert all(event.subject_id == subject.id for event in history), "events name their object"
    assert all(event.at.utcoffset() is not None for event in history), "times are timezone-aware"
    assert all(a.at <= b.at for a, b in itertools.pairwise(history)), "time never goes backwards"
    assert all(a.target == b.source for a, b in itertools.pairwise(history)), "events chain statuses"
    assert history[-1].target == subject.status.value, "the latest event sets the status"
    assert replay(history) == subject, "replaying the events rebuilds the object"
    _check_terminal_facts(subject)


def _check_continues(before: Subject, after: Subject) -> list[Event]:
    """Assert that ``after`` is ``before`` plus new events, each checked against the state before it.

    Only the new events are read, and folding them onto ``before`` must give ``after`` field for
    field: with ``before`` checked the same way, that is what a full replay would prove, at a cost
    that does not grow with the history. The events before must be the very objects ``before``
    holds (the latest of them is looked at; teardown compares every event with its JSON as first
    checked). Returns the new events.
    """
    assert type(after) is type(before), "a command returns an object of the class it was sent to"
    assert after.id == before.id, "a command keeps the object's id"
    earlier, history = before.history, after.history
    assert history.start == earlier.start, "a command keeps the whole history"
    assert len(history) >= len(earlier), "a history only grows"
    assert not earlier or history[len(earlier) - 1] is earlier[-1], "a command keeps the events before it"
    added = [history[index] for index in range(len(earlier), len(history))]
    status, last = before.status.value, before.last_at
    for sequence, event in enumerate(added, start=before.version):
        assert (event.subject, event.subject_id) == (before._kind, before.id), "events name their object"
        assert event.sequence == sequence, "sequences continue from the version before"
        assert event.source == status, "an event starts from the status the one before it led to"
        assert event.at.utcoffset() is not None, "times are timezone-aware"
        assert event.at >= last, "time never goes backwards"
        status, last = event.target, event.at
    assert status in after._table.statuses, "status must be one of the lifecycle's"
    assert after.status.value == status, "the latest event sets the status"
    assert after.last_at == last, "the latest event's time is the object's last time"
    # replay checks each event's payload and that the table leads where the event says
    folded = replay(added, snapshot=before)
    for name in _names(after):
        if name != "history":
            assert getattr(after, name) == getattr(folded, name), f"{name} is what the new events make it"
    _check_terminal_facts(after)
    return added


def _names(subject: Subject) -> tuple[str, ...]:
    kind: Any = type(subject)  # an attrs class, which Subject does not declare
    return tuple(field.name for field in attrs.fields(kind))


def _values(subject: Subject) -> tuple[object, ...]:
    """The object's field values, to tell later that none was replaced."""
    return tuple(getattr(subject, name) for name in _names(subject))


def _unchanged(subject: Subject, values: tuple[object, ...]) -> bool:
    return all(now is then for now, then in zip(_values(subject), values, strict=True))


def _check_terminal_facts(subject: Subject) -> None:
    if isinstance(subject, Lead):
        if subject.status is LeadStatus.disqualified:
            assert subject.reason, "a disqualified lead has a reason"
        if subject.status is LeadStatus.converted:
            assert subject.opportunity_id, "a converted lead points at its opportunity"
            assert not subject.allowed_events(), "a converted lead is final"
    if isinstance(subject, Prospect) and subject.status is ProspectStatus.excluded:
        assert subject.reason, "an excluded prospect has a reason"
    if isinstance(subject, Opportunity):
        if subject.status.value == LOST:
            assert subject.lost_reason, "a lost opportunity has a lost reason"
        if subject.status.is_won:
            assert subject.probability == 1, "a won opportunity has probability 1"


def raised(action: Callable[[], object]) -> FunnelError | None:
    """Run ``action`` and return the funnelkit error it raised, or ``None`` if it raised none."""
    try:
        action()
    except FunnelError as error:
        return error
    return None


def _check_refusal(error: TransitionNotAllowed, subject: Subject, event: str, *, allowed: bool) -> None:
    assert error.command == event
    assert error.status == subject.status.value
    assert not allowed or error.failed_guards, "an allowed event is refused only by a guard"


class LifecycleMachine(RuleBasedStateMachine):
    """Drives one funnel object with random commands, allowed or not, and checks every rule.

    After each step it checks what the step added against the state before it: the new events
    continue the history, and folding them onto the previous object gives the new one, so a step
    costs the same however long the history. Once the run is over, :meth:`teardown` checks the
    whole history: a full replay, a JSON round trip, and that no version of the object met on
    the way has changed since.

    Subclass it and set ``subjects`` to the strategy of the objects to drive; for a custom
    pipeline, ``subjects = opportunities(pipeline=mine)``. Run it with
    ``TestMine = MyMachine.TestCase``. A rule of your own that sets ``self.subject`` must give it
    a later version of the same object (the result of commands sent to it).
    """

    subjects: ClassVar[st.SearchStrategy[Any]]

    def __init__(self) -> None:
        """Start with no object; the first step draws one."""
        super().__init__()
        self.subject: Subject | None = None
        # what teardown compares the end of the run with: the latest version checked, every
        # version checked with its field values then, and each event as JSON when first checked
        self._checked: Subject | None = None
        self._versions: list[tuple[Subject, tuple[object, ...]]] = []
        self._stored: list[Any] = []

    @initialize(data=st.data())
    def start(self, data: st.DataObject) -> None:
        """Draw the object to drive."""
        self.subject = data.draw(self.subjects)

    @rule(data=st.data())
    def command(self, data: st.DataObject) -> None:
        """Send any event of the lifecycle: allowed ones must work, others change nothing."""
        subject = self._current()
        event = data.draw(st.sampled_from(subject._table.events))
        if nothing_to_remove(subject, event):
            return
        at = data.draw(times(subject.last_at))
        before = _values(subject)
        allowed = event in subject.allowed_events()
        payload = data.draw(arguments(subject, event, at))
        try:
            result = subject.send(event, at=at, **payload)
        except TransitionNotAllowed as error:
            _check_refusal(error, subject, event, allowed=allowed)
        else:
            assert allowed, f"{event} was accepted but not listed as allowed"
            if isinstance(result, Conversion):
                check_invariants(result.target)
                result = result.source
            assert result.version == subject.version + 1, "an accepted command records one event"
            latest = result.history[-1]
            assert (latest.command, latest.at) == (event, at), "the event records the command and its time"
            self.subject = result
        assert _unchanged(subject, before), "commands never change the object they are sent to"

    @rule(data=st.data())
    def command_in_the_past(self, data: st.DataObject) -> None:
        """A command dated before the latest event is refused and changes nothing."""
        subject = self._current()
        allowed = [
            event
            for event in subject.allowed_events()
            if event != "skip" and not nothing_to_remove(subject, event)
        ]
        if not allowed:
            return
        event = data.draw(st.sampled_from(allowed))
        past = subject.last_at - data.draw(st.timedeltas(timedelta(microseconds=1), timedelta(days=9)))
        error = raised(lambda: subject.send(event, at=past, **data.draw(arguments(subject, event, past))))
        # arguments, the time among them, are judged before the guards
        assert isinstance(error, InvalidInput), f"{event} dated {past} was not refused"
        assert any(problem.location == ("at",) for problem in error.problems)

    @invariant()
    @precondition(lambda machine: machine.subject is not None)
    def rules_hold(self) -> None:
        """Check the step just taken: the new events against the state before them.

        The object first drawn is checked in full, once.
        """
        subject = self._current()
        previous = self._checked
        if previous is None:
            check_invariants(subject)
            added = list(subject.history)
        elif subject is previous:
            assert _unchanged(subject, self._versions[-1][1]), "a step changed the object it was given"
            return
        else:
            added = _check_continues(previous, subject)
        self._stored.extend(dump(event) for event in added)
        self._versions.append((subject, _values(subject)))
        self._checked = subject

    def teardown(self) -> None:
        """Once the run is over, check the whole history: replay, a JSON round trip, no version changed.

        After a step that failed nothing more is checked: that step's error is the one to report.
        """
        subject = self._checked
        if subject is None or subject is not self.subject:
            return
        check_invariants(subject)
        stored = json.loads(json.dumps(dump(subject)))
        # a pipeline gated by a framework holds code, which JSON cannot: the caller passes it in
        pipelines = [subject.pipeline] if isinstance(subject, Opportunity) else []
        loaded = load(type(subject), stored, pipelines=pipelines)
        assert loaded == subject, "the object survives a JSON round trip"
        assert [dump(event) for event in subject.history] == self._stored, "no event changed once recorded"
        for version, values in self._versions:
            assert _unchanged(version, values), "no version of the object changed once made"

    def _current(self) -> Subject:
        assert self.subject is not None
        return self.subject


class ProspectMachine(LifecycleMachine):
    """Drives prospects."""

    subjects = prospects()


class LeadMachine(LifecycleMachine):
    """Drives leads."""

    subjects = leads()


class OpportunityMachine(LifecycleMachine):
    """Drives opportunities in the default pipeline; see :func:`pipeline_machine` for others."""

    subjects = opportunities()


class ClientMachine(LifecycleMachine):
    """Drives clients."""

    subjects = clients()


def pipeline_machine(pipeline: Pipeline) -> type[LifecycleMachine]:
    """Return a machine that drives opportunities in ``pipeline``."""
    return type(
        f"{pipeline.lifecycle.__name__}Machine",
        (LifecycleMachine,),
        {"subjects": opportunities(pipeline=pipeline)},
    )
