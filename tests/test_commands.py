"""Commands are declared once; subclasses survive them; the constructor cannot build a broken object."""

import inspect
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import given

import funnelkit as fk
import funnelkit.qualification as q
from funnelkit import testing
from funnelkit._command import handover, keep
from funnelkit.qualification import FactValue


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
    assert fk.Lead.engage.__doc__ is not None
    assert fk.Lead.engage.__doc__.startswith(
        "Record one more interaction, such as a webinar attended or an email opened."
    )
    assert fk.Lead.engage.__name__ == "engage"
    assert str(inspect.signature(fk.Lead.engage)) == "(self, *, at: 'datetime', touch: 'Touch') -> 'Self'"
    assert inspect.signature(fk.Lead.convert).return_annotation == "Conversion"


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
        "reason: does not match the history (got 'forged')",
        "status: does not match the history (got <LeadStatus.sales_qualified: 'sales_qualified'>)",
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
    with pytest.raises(fk.UnknownCommand, match="its commands: work, engage, nurture, reengage"):
        lead.send(3, at=day(2))  # type: ignore[arg-type]


def test_send_judges_the_transition_before_the_arguments(lead: fk.Lead, day: Any) -> None:
    with pytest.raises(fk.TransitionNotAllowed, match="cannot 'convert'"):
        lead.send("convert", at=day(2))
    with pytest.raises(fk.InvalidInput) as caught:
        lead.send("nurture", at=day(2), why="later")
    assert [str(p) for p in caught.value.problems] == [
        "why: is not an argument of nurture; it takes ['reason'] (got 'later')",
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


def test_every_argument_problem_at_once_against_the_object(lead: fk.Lead, day: Any) -> None:
    with pytest.raises(fk.InvalidInput) as caught:
        lead.engage(at="soon", touch="webinar")  # type: ignore[arg-type]
    assert [str(p) for p in caught.value.problems] == [
        "touch: must be a Touch (got 'webinar')",
        "at: must be a timezone-aware datetime, such as one in UTC (got 'soon')",
    ]
    for facts in (5, None, "ab"):
        with pytest.raises(fk.InvalidInput, match="facts: must be a Mapping or an Iterable"):
            lead.record(at=day(2), facts=facts)  # type: ignore[arg-type]
    with pytest.raises(fk.InvalidInput) as caught:
        lead.record(at=day(2), facts={"budget": 5})
    assert str(caught.value).startswith("Lead 'L-1' in status 'new' cannot 'record':\n  - facts.budget.value")
    assert lead.version == 1


def test_a_conversion_reports_its_target_problems_as_its_own(lead: fk.Lead, day: Any) -> None:
    facts: dict[str, FactValue] = {"budget": True, "authority": True, "need": "x"}
    ready = lead.mark_marketing_qualified(at=day(2)).accept(at=day(2)).record(at=day(3), facts=facts)
    qualified = ready.qualify(at=day(4))
    with pytest.raises(fk.InvalidInput) as caught:
        qualified.convert(at=day(5), opportunity_id="O-1", amount=5)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "Lead 'L-1' in status 'sales_qualified' cannot 'convert':\n"
        "  - amount: must be a Money or None (got 5)"
    )
    deal = qualified.convert(at=day(5), opportunity_id="O-1").target
    last = deal.advance(at=day(6)).advance(at=day(6)).advance(at=day(6)).advance(at=day(6))
    with pytest.raises(fk.InvalidInput, match="client: must be a Client or None"):
        last.win(at=day(7), client="C-1", amount=fk.Money(1, "EUR"))  # type: ignore[arg-type]
    with pytest.raises(fk.InvalidInput, match=r"client_id: give exactly one of client_id \(a new client\)"):
        deal.win(
            at=day(7),
            client_id="C",
            client=fk.Client.create("C", account=deal.account, opportunity_id="O", at=day(1)),
        )
    assert (
        repr(fk.Problem(("x",), "is required"))
        == "Problem(location=('x',), message='is required', input=<missing>)"
    )


def test_arguments_without_a_checkable_type_are_taken_as_they_come() -> None:
    from funnelkit._arguments import ANYTHING, expected

    assert expected(Any) is ANYTHING
    assert expected(TypeVar("T")) is ANYTHING
    assert ANYTHING.test(object())
    assert expected(str | None).words == "a non-blank string or None"


@attrs.frozen(hash=False)
class StrictLead(fk.Lead):
    """A user's subclass whose conversion makes its opportunity its own way, and gets it wrong."""

    @handover("Converted", effect=keep("opportunity_id"), opportunity_id=str)
    def convert(self, *, at: Any, opportunity_id: str) -> Any:  # type: ignore[override] # fewer options
        target = fk.Opportunity.create(opportunity_id, account=self.account, at=at)
        return {"opportunity_id": opportunity_id}, target.assign(at=at, owner=" ", reason="x")


def test_a_target_that_refuses_is_reported_as_the_commands_own_problem(lead: fk.Lead, day: Any) -> None:
    strict = StrictLead.create(
        "L-8", account=lead.account, contact=lead.contact, source=lead.source, at=day(1)
    )
    anyone = q.Framework("anyone", "1", q.criterion("yes", lambda _subject: q.Verdict.met))
    ready = strict.mark_marketing_qualified(at=day(2)).accept(at=day(2)).qualify(at=day(2), framework=anyone)
    with pytest.raises(fk.InvalidInput) as caught:
        ready.convert(at=day(3), opportunity_id="O-8")
    assert str(caught.value) == (
        "Lead 'L-8' in status 'sales_qualified' cannot 'convert':\n"
        "  - owner: must be a non-blank string, says Opportunity 'O-8' in status 'discovery' cannot 'assign' "
        "(got ' ')"
    )
