"""The lifecycle machine checks each step against the one before, and the whole run at teardown."""

import copy
from datetime import timedelta
from typing import Any

import attrs
import pytest

import funnelkit as fk
from funnelkit import testing


def forged(subject: Any, **fields: object) -> Any:
    """A copy of ``subject`` with ``fields`` set behind the constructor's back."""
    copied = copy.copy(subject)
    for name, value in fields.items():
        object.__setattr__(copied, name, value)
    return copied


def started(subject: fk.Lead) -> testing.LeadMachine:
    """A machine driving ``subject``, its first step checked."""
    machine = testing.LeadMachine()
    machine.subject = subject
    machine.rules_hold()
    return machine


def test_a_run_that_keeps_the_rules_passes_teardown(lead: fk.Lead, day: Any) -> None:
    machine = started(lead)
    worked = lead.work(at=day(2))
    machine.subject = worked
    machine.rules_hold()
    machine.rules_hold()
    machine.subject = worked.nurture(at=day(3), reason="later").reengage(at=day(4))
    machine.rules_hold()
    machine.teardown()
    assert machine._checked is machine.subject
    assert len(machine._stored) == machine.subject.version == 4


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"reason": "swapped"}, "reason is what the new events make it"),
        ({"status": fk.LeadStatus.nurturing}, "the latest event sets the status"),
        ({"id": "L-2"}, "a command keeps the object's id"),
        ({"last_at": None}, "the latest event's time is the object's last time"),
    ],
)
def test_a_step_that_sets_a_field_its_events_do_not_is_caught_there(
    lead: fk.Lead, day: Any, change: dict[str, object], rule: str
) -> None:
    machine = started(lead)
    machine.subject = forged(lead.work(at=day(2)), **change)
    with pytest.raises(AssertionError, match=rule):
        machine.rules_hold()
    assert machine._checked is lead


def test_after_a_failed_step_teardown_checks_nothing_more(lead: fk.Lead, day: Any) -> None:
    machine = started(lead)
    machine.subject = forged(lead.work(at=day(2)), reason="forged")
    with pytest.raises(AssertionError, match="reason is what the new events make it"):
        machine.rules_hold()
    # what teardown would find otherwise: the failed step's error is the one to report
    object.__setattr__(lead, "reason", "changed later")
    machine.teardown()
    machine.subject = lead
    with pytest.raises(AssertionError, match="replaying the events rebuilds the object"):
        machine.teardown()


def test_a_step_whose_event_does_not_follow_is_caught(lead: fk.Lead, day: Any) -> None:
    worked = lead.work(at=day(2))
    late = worked.history[-1]
    cases = [
        (attrs.evolve(late, sequence=5), "sequences continue from the version before"),
        (attrs.evolve(late, source="working"), "an event starts from the status the one before it led to"),
        (attrs.evolve(late, at=day(1) - timedelta(days=1)), "time never goes backwards"),
        (attrs.evolve(late, subject_id="L-2"), "events name their object"),
    ]
    for event, rule in cases:
        machine = started(lead)
        history = lead.history.append(event)
        machine.subject = forged(worked, history=history, last_at=event.at)
        with pytest.raises(AssertionError, match=rule):
            machine.rules_hold()


def test_a_step_that_rewrites_the_past_is_caught(lead: fk.Lead, day: Any) -> None:
    worked = lead.work(at=day(2))
    machine = started(worked)
    # equal events, but not the ones the object had: its past was rebuilt, not kept
    copies = [attrs.evolve(event) for event in worked.history]
    rewritten = fk.replay(copies).nurture(at=day(3), reason="later")
    machine.subject = rewritten
    with pytest.raises(AssertionError, match="a command keeps the events before it"):
        machine.rules_hold()
    machine.subject = forged(worked, history=fk.Log(worked.history[:1]))
    with pytest.raises(AssertionError, match="a history only grows"):
        machine.rules_hold()


def test_a_step_that_changes_the_object_it_was_given_is_caught(lead: fk.Lead) -> None:
    machine = started(lead)
    object.__setattr__(lead, "reason", "changed in place")
    with pytest.raises(AssertionError, match="a step changed the object it was given"):
        machine.rules_hold()


def test_teardown_finds_an_old_version_changed_after_its_step(lead: fk.Lead, day: Any) -> None:
    machine = started(lead)
    machine.subject = lead.work(at=day(2))
    machine.rules_hold()
    object.__setattr__(lead, "reason", "changed later")
    with pytest.raises(AssertionError, match="no version of the object changed once made"):
        machine.teardown()


def test_teardown_finds_an_event_changed_after_its_step(lead: fk.Lead, day: Any) -> None:
    machine = started(lead)
    machine.subject = lead.work(at=day(3))
    machine.rules_hold()
    # an earlier time the history still bears out, which only the stored JSON remembers
    object.__setattr__(lead.history[0], "at", day(2))
    with pytest.raises(AssertionError, match="no event changed once recorded"):
        machine.teardown()


def test_teardown_replays_the_whole_history(lead: fk.Lead, day: Any) -> None:
    machine = started(lead)
    worked = lead.work(at=day(2))
    machine.subject = worked
    machine.rules_hold()
    # a field replay would set otherwise, changed on the last version after its step was checked
    object.__setattr__(worked, "recycle_count", 7)
    machine._versions[-1] = (worked, testing._machine._values(worked))
    with pytest.raises(AssertionError, match="replaying the events rebuilds the object"):
        machine.teardown()
