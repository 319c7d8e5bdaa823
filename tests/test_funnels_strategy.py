"""funnelkit.testing.funnels: whole funnels of linked objects, and the orders their events come in."""

from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import funnelkit as fk
from funnelkit import testing
from funnelkit._subject import Subject
from funnelkit.testing._funnels import (
    _CREATED,
    _NOT_EXTRA,
    _READY,
    _built,
    _Journey,
    _merged,
    _Step,
    _taken,
    _way,
    _worked,
    events_of,
    funnels,
    interleaved,
)
from funnelkit.testing._strategies import START

Object = fk.Prospect | fk.Lead | fk.Opportunity | fk.Client
KIND_ORDER = {"P": 0, "L": 1, "O": 2, "C": 3}
HOUR = timedelta(hours=1)


def journey(origin: str, hand_overs: int = 0, *phases: tuple[_Step, ...], **plan: Any) -> _Journey:
    return _Journey(origin, hand_overs, timedelta(days=1), HOUR, phases, **plan)


def steps(*choices: int) -> tuple[_Step, ...]:
    return tuple(_Step(choice, HOUR, choice) for choice in choices)


def number_of(subject: Object) -> int:
    return int(subject.id.split("-")[1])


def check_links(objects: list[Object]) -> None:
    """Every id unique, every hand-over linked both ways, objects by journey then kind."""
    found = {subject.id: subject for subject in objects}
    assert len(found) == len(objects)
    for subject in objects:
        assert subject.id[0] == type(subject).__name__[0]
        assert subject.account.id == f"A-{number_of(subject)}"
        if isinstance(subject, fk.Lead) and subject.prospect_id is not None:
            prospect = found[subject.prospect_id]
            assert isinstance(prospect, fk.Prospect)
            assert prospect.status is fk.ProspectStatus.responded
            assert prospect.lead_id == subject.id
        if isinstance(subject, fk.Opportunity) and subject.lead_id is not None:
            lead = found[subject.lead_id]
            assert isinstance(lead, fk.Lead)
            assert lead.status is fk.LeadStatus.converted
            assert lead.opportunity_id == subject.id
        if isinstance(subject, fk.Client):
            (deal_id,) = subject.opportunity_ids
            deal = found[deal_id]
            assert isinstance(deal, fk.Opportunity)
            assert deal.status.is_won
            assert deal.client_id == subject.id
    keys = [(number_of(subject), KIND_ORDER[subject.id[0]]) for subject in objects]
    assert keys == sorted(keys)
    numbers = sorted({number for number, _kind in keys})
    assert numbers == list(range(1, len(numbers) + 1))


def check_objects(objects: list[Object]) -> None:
    check_links(objects)
    for subject in objects:
        testing.check_invariants(subject)
        assert fk.replay(subject.history) == subject
        assert fk.replay(subject.history, kind=type(subject)) == subject
        assert subject.history[0].at >= START


@given(funnels())
def test_funnels_are_linked_valid_objects(objects: list[Object]) -> None:
    check_objects(objects)


@given(funnels(2, min_journeys=2, start=datetime(2027, 5, 1, tzinfo=timezone.utc), currencies=["GBP"]))
def test_funnels_take_their_size_start_and_currencies(objects: list[Object]) -> None:
    check_links(objects)
    assert {number_of(subject) for subject in objects} == {1, 2}
    assert min(event.at for event in events_of(objects)) >= datetime(2027, 5, 1, tzinfo=timezone.utc)
    amounts = [event.payload.get("amount") for event in events_of(objects)]
    assert {amount.currency for amount in amounts if isinstance(amount, fk.Money)} <= {"GBP"}


def check_merge(objects: list[Object], events: list[fk.Event]) -> None:
    everything = events_of(objects)
    assert Counter(events) == Counter(everything)
    seen: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
    for event in events:
        seen[event.subject, event.subject_id].append(event.sequence)
    assert len(seen) == len(objects)
    assert all(sequences == list(range(len(sequences))) for sequences in seen.values())


@given(st.data())
def test_interleavings_keep_each_objects_order(data: st.DataObject) -> None:
    objects = data.draw(funnels(max_journeys=4))
    check_merge(objects, data.draw(interleaved(objects)))


def test_a_plan_for_every_way_builds_linked_objects() -> None:
    plans = [
        # a prospect that goes all the way, its lead taking no steps; later plans give fewer phases
        # than they make objects, and the objects past the last phase take none
        journey("prospect", 3, steps(0, 1), (), steps(0, 3, 7), steps(2), source=fk.TouchKind.demo_request),
        journey("lead", 0, steps(0, 4, 9), stop=5, amount=2500, role=fk.ContactRole.champion),
        journey("opportunity", 1, steps(10, 1), steps(1), stop=2, currency="USD"),
        journey("prospect", 0, steps(1), stop=2),
        journey("lead", 2, steps(12), stop=4),
    ]
    objects = _built(plans, START)
    check_objects(objects)
    assert [(subject.id, subject.status.value) for subject in objects] == [
        ("P-1", "responded"),
        ("L-1", "converted"),
        ("O-1", "won"),
        ("C-1", "active"),
        ("L-2", "sales_qualified"),
        ("O-3", "won"),
        ("C-3", "churned"),
        ("P-4", "excluded"),
        ("L-5", "converted"),
        ("O-5", "won"),
        ("C-5", "at_risk"),
    ]


def test_a_deal_is_won_with_its_amount_or_without_one() -> None:
    objects = _built([journey("opportunity", 1), journey("opportunity", 1, amount=700)], START)
    amounts = [subject.amount for subject in objects if isinstance(subject, fk.Opportunity)]
    assert amounts == [None, fk.Money(700, "EUR")]
    assert all(subject.status.is_won for subject in objects if isinstance(subject, fk.Opportunity))


def test_steps_keep_the_hand_over_reachable() -> None:
    prospect = _CREATED["prospect"](journey("prospect"), 1, START)
    # every command a targeted prospect allows, in turn; excluding it would leave it unable to respond
    worked = _worked(prospect, steps(*range(6)), _READY["respond"], journey("prospect"))
    assert worked.status is fk.ProspectStatus.contacted
    assert "exclude" not in [event.command for event in worked.history]


def test_steps_with_nothing_allowed_are_skipped_and_no_way_is_none() -> None:
    plan = journey("prospect")
    prospect = _CREATED["prospect"](plan, 1, START)
    assert isinstance(prospect, fk.Prospect)
    excluded = prospect.exclude(at=START, reason="opted out")
    assert _worked(excluded, steps(0, 1), frozenset({"excluded"}), plan) is excluded
    assert _way(excluded, frozenset({"contacted"})) == []


def subjects() -> list[tuple[Subject, _Journey]]:
    lead_plan = journey("lead", source=fk.TouchKind.demo_request)
    deal_plan = journey("opportunity", 1)
    return [
        (_CREATED["prospect"](journey("prospect"), 1, START), journey("prospect")),
        (_CREATED["lead"](lead_plan, 2, START), lead_plan),
        (_CREATED["opportunity"](deal_plan, 3, START), deal_plan),
        (_built([deal_plan], START)[-1], deal_plan),
    ]


COMMANDS = [
    (index, command)
    for index, (subject, _plan) in enumerate(subjects())
    for command in subject.commands
    if command not in _NOT_EXTRA
]


@pytest.mark.parametrize(("index", "command"), COMMANDS)
def test_every_command_a_journey_may_take_is_accepted(index: int, command: str) -> None:
    subject, plan = subjects()[index]
    held = {"untag": "tag", "remove_contact": "add_contact"}.get(command)
    if held is not None:
        subject = _taken(subject, held, subject.last_at, 1, plan)
    table = subject._table
    ready = frozenset(status for status in table.statuses if command in table.by_status[status])
    subject = _worked(subject, (), ready, plan)
    assert subject.status.value in ready
    taken = _taken(subject, command, subject.last_at + HOUR, 1, plan)
    assert taken.history[-1].command == command
    testing.check_invariants(taken)


def test_a_merge_takes_each_objects_next_event_in_turn() -> None:
    objects = _built([journey("prospect", 1), journey("lead", 0, steps(0))], START)
    everything = events_of(objects)
    assert [(event.subject_id, event.command) for event in everything] == [
        ("P-1", "create"),
        ("P-1", "respond"),
        ("L-1", "create"),
        ("L-2", "create"),
        ("L-2", "record"),  # its plan stops it as new, so it may not start work
    ]
    histories = tuple(tuple(subject.history) for subject in objects)
    merged = _merged(histories, [2, 0, 1, 2, 0])
    assert [(event.subject_id, event.sequence) for event in merged] == [
        ("L-2", 0),
        ("P-1", 0),
        ("L-1", 0),
        ("L-2", 1),
        ("P-1", 1),
    ]
    check_merge(objects, merged)
    interleaved(objects).validate()


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(InvalidArgument):
        funnels(max_journeys=-1).validate()
    with pytest.raises(InvalidArgument):
        funnels(2, min_journeys=3).validate()
    with pytest.raises(InvalidArgument, match="currency codes"):
        funnels(currencies="EUR")
