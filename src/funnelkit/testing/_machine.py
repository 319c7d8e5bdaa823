"""A stateful Hypothesis test that drives one funnel object and checks the funnel's invariants."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from funnelkit._boundary import dump, load
from funnelkit._conversion import Conversion
from funnelkit._errors import FunnelError, InvalidInput, TransitionNotAllowed
from funnelkit._events import CREATE
from funnelkit._lead import Lead
from funnelkit._lifecycles import LeadStatus, ProspectStatus
from funnelkit._opportunity import Opportunity
from funnelkit._pipeline import LOST, Pipeline
from funnelkit._prospect import Prospect
from funnelkit._replay import replay
from funnelkit._subject import Subject
from funnelkit.testing._strategies import arguments, clients, leads, opportunities, prospects, times


def check_invariants(subject: Subject) -> None:
    """Assert the lifecycle rules every funnel object keeps (``DOMAIN.md`` section 3).

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
            assert subject.amount is not None, "a won opportunity has an amount"


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

    Subclass it and set ``subjects`` to the strategy of the objects to drive; for a custom
    pipeline, ``subjects = opportunities(pipeline=mine)``. Run it with
    ``TestMine = MyMachine.TestCase``.
    """

    subjects: ClassVar[st.SearchStrategy[Any]]

    def __init__(self) -> None:
        """Start with no object; the first step draws one."""
        super().__init__()
        self.subject: Subject | None = None

    @initialize(data=st.data())
    def start(self, data: st.DataObject) -> None:
        """Draw the object to drive."""
        self.subject = data.draw(self.subjects)

    @rule(data=st.data())
    def command(self, data: st.DataObject) -> None:
        """Send any event of the lifecycle: allowed ones must work, others change nothing."""
        subject = self._current()
        event = data.draw(st.sampled_from(subject._table.events))
        at = data.draw(times(subject.last_at))
        before = dump(subject)
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
            self.subject = result
        assert dump(subject) == before, "commands never change the object they are sent to"

    @rule(data=st.data())
    def command_in_the_past(self, data: st.DataObject) -> None:
        """A command dated before the latest event is refused and changes nothing."""
        subject = self._current()
        allowed = [event for event in subject.allowed_events() if event != "skip"]
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
        """Check the invariants, and the JSON round trip, after every step."""
        subject = self._current()
        check_invariants(subject)
        assert load(type(subject), dump(subject)) == subject

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
