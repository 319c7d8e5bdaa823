"""Commands are declared once; subclasses survive them; the constructor cannot build a broken object."""

from typing import Any

import attrs
import pytest
from hypothesis import given

import funnelkit as fk
from funnelkit import testing


@attrs.frozen(hash=False)
class TaggedLead(fk.Lead):
    """A user's subclass with a behaviour of its own."""

    @property
    def is_hot(self) -> bool:
        return self.source.kind.is_hand_raise


def test_commands_and_replay_keep_the_subclass(lead: fk.Lead, day: Any) -> None:
    tagged = TaggedLead.create(
        "L-9", account=lead.account, contact=lead.contact, source=lead.source, at=day(1)
    )
    worked = tagged.work(at=day(2)).record(at=day(3), facts={"need": "speed"})
    assert type(worked) is TaggedLead
    assert worked.is_hot is False
    assert type(fk.replay(worked.history, kind=TaggedLead)) is TaggedLead
    assert type(fk.replay(worked.history, kind=fk.Client)) is fk.Lead
    assert type(fk.load(TaggedLead, fk.dump(worked))) is TaggedLead
    assert type(fk.load(TaggedLead, fk.snapshot(worked))) is TaggedLead


def test_each_command_is_declared_once() -> None:
    engage = fk.Lead.commands["engage"]
    assert (engage.name, engage.past, dict(engage.payload)) == ("engage", "Engaged", {"touch": fk.Touch})
    assert engage.arguments == {"touch"}
    assert fk.Lead.commands["record"].required == {"facts"}
    assert fk.Lead.commands["convert"].hands_over
    assert fk.Lead.event_payloads["create"] == fk.Lead.creation.payload
    assert (
        fk.Lead.engage.__doc__
        == "Record one more interaction, such as a webinar attended or an email opened."
    )
    assert fk.Lead.engage.__name__ == "engage"


def test_the_constructor_insists_on_a_history_that_bears_it_out(lead: fk.Lead, day: Any) -> None:
    worked = lead.work(at=day(2))
    rebuilt = fk.Lead(
        worked.id,
        worked.status,
        worked.account,
        worked.contact,
        worked.source,
        history=tuple(worked.history),  # type: ignore[arg-type] # a tuple of events is accepted too
        last_at=worked.last_at,
    )
    assert rebuilt == worked
    assert rebuilt.nurture(at=day(3), reason="later").version == 3
    with pytest.raises(fk.InvalidInput, match="history: must be its whole history"):
        fk.Lead(lead.id, lead.status, lead.account, lead.contact, lead.source)
    with pytest.raises(fk.InvalidInput) as caught:
        attrs.evolve(worked, status=fk.LeadStatus.sales_qualified, reason="forged")
    assert [str(p) for p in caught.value.problems] == [
        "reason: does not match the history",
        "status: does not match the history",
    ]


@given(testing.prospects() | testing.leads() | testing.opportunities() | testing.clients())
def test_equal_objects_hash_alike(subject: Any) -> None:
    again = fk.replay(subject.history)
    assert again == subject
    assert hash(again) == hash(subject)
    assert {subject: 1}[again] == 1
    assert {*subject.history} == {*again.history}


def test_send_names_unknown_commands_and_suggests(lead: fk.Lead, day: Any) -> None:
    with pytest.raises(fk.UnknownCommand) as caught:
        lead.send("qualfy", at=day(2))
    error = caught.value
    assert isinstance(error, LookupError)
    assert error.suggestions == ("qualify", "disqualify")
    assert str(error).startswith(
        "Lead 'L-1' in status 'new' has no command 'qualfy'; did you mean 'qualify' or 'disqualify'?"
    )
    with pytest.raises(fk.UnknownCommand, match="its commands: work, engage"):
        lead.send(3, at=day(2))  # type: ignore[arg-type]


def test_send_judges_the_transition_before_the_arguments(lead: fk.Lead, day: Any) -> None:
    with pytest.raises(fk.TransitionNotAllowed, match="cannot 'convert'"):
        lead.send("convert", at=day(2))
    with pytest.raises(fk.InvalidInput) as caught:
        lead.send("nurture", at=day(2), why="later")
    assert [str(p) for p in caught.value.problems] == [
        "why: is not an argument of nurture; it takes ['reason']",
        "reason: is required",
    ]
    with pytest.raises(fk.InvalidInput, match="at: must be a timezone-aware datetime"):
        lead.work()  # type: ignore[call-arg]


def test_payload_checks_are_exact() -> None:
    nurture, record = fk.Lead.commands["nurture"], fk.Lead.commands["record"]
    assert nurture.fits({"reason": "later"})
    assert not nurture.fits({"why": "later"})
    assert not nurture.fits({"reason": 3})
    assert not nurture.fits({})
    assert not record.fits({"facts": ("budget",)})
    assert not fk.Lead.commands["work"].changes
    assert fk.Lead.commands["nurture"].kept == ("reason",)
    assert fk.Lead.commands["engage"].changes
