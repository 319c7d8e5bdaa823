"""The buying committee: the people on the buyer's side of an opportunity, each in their role."""

import json
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
from funnelkit import testing

ACME = fk.Account("acme", "Acme", fk.AccountKind.company)
CFO = fk.Contact("Bo Chen", "Bo@acme.example", fk.ContactRole.economic_buyer)
ADA = fk.Contact("Ada Byron", "ada@acme.example", fk.ContactRole.champion)
CY = fk.Contact("Cy Dane", phone="+44 20 7946 0958", role=fk.ContactRole.user)


def day(n: int) -> datetime:
    return datetime(2026, 5, n, tzinfo=timezone.utc)


def deal() -> fk.Opportunity:
    return fk.Opportunity.create("O-1", account=ACME, at=day(1))


def test_members_are_added_updated_and_removed_by_events() -> None:
    team = deal().add_contact(at=day(2), contact=CFO).add_contact(at=day(3), contact=ADA)
    team = team.add_contact(at=day(4), contact=CY)
    promoted = fk.Contact("Ada Byron", "ADA@acme.example", fk.ContactRole.decision_maker)
    team = team.add_contact(at=day(5), contact=promoted)  # the same person, by email: updated
    assert team.committee == (CFO, CY, promoted)
    assert team.remove_contact(at=day(6), contact="bo@ACME.example").committee == (CY, promoted)
    assert team.remove_contact(at=day(6), contact=CY).committee == (CFO, promoted)
    removed = team.remove_contact(at=day(6), contact="+44 20 7946 0958")
    assert removed.history[-1].payload == {"contact": "+44 20 7946 0958"}
    assert removed.history[-1].name == "OpportunityContactRemoved"
    assert fk.load(fk.Opportunity, json.loads(json.dumps(fk.dump(removed)))) == removed


def test_removing_someone_not_on_the_committee_is_refused() -> None:
    team = deal().add_contact(at=day(2), contact=CFO)
    with pytest.raises(fk.InvalidInput) as caught:
        team.remove_contact(at=day(3), contact="ada@acme.example")
    [problem] = caught.value.problems
    assert problem.message == "is not on the buying committee, which has Bo@acme.example"
    with pytest.raises(fk.InvalidInput, match="which has nobody yet"):
        deal().remove_contact(at=day(3), contact=ADA)
    with pytest.raises(fk.InvalidInput, match="contact: must be a Contact or a non-blank string"):
        team.remove_contact(at=day(3), contact=3)  # type: ignore[arg-type]


def test_a_won_deal_keeps_its_committee_and_takes_no_more() -> None:
    won = deal().add_contact(at=day(2), contact=CFO).win(at=day(3), client_id="C-1").source
    assert won.committee == (CFO,)
    with pytest.raises(fk.TransitionNotAllowed, match="cannot 'add_contact'"):
        won.add_contact(at=day(4), contact=ADA)


def model_add(members: list[fk.Contact], person: fk.Contact) -> list[fk.Contact]:
    """An independent model: drop whoever shares an email (any case) or phone digits, then append."""

    def digits(phone: str | None) -> str | None:
        return None if phone is None else "".join(c for c in phone if c.isdigit() or c == "+")

    def shares(one: fk.Contact) -> bool:
        email = (
            one.email is not None and person.email is not None and one.email.lower() == person.email.lower()
        )
        return email or (one.phone is not None and digits(one.phone) == digits(person.phone))

    return [member for member in members if not shares(member)] + [person]


def test_a_person_is_one_member_by_email_or_by_phone() -> None:
    bo = fk.Contact("Bo", "bo@acme.example", fk.ContactRole.champion, phone="+44 20 7946 0958")
    team = deal().add_contact(at=day(2), contact=bo)
    by_phone = fk.Contact(
        "Bo", phone="+44 (0)20 7946-0958".replace("(0)", ""), role=fk.ContactRole.economic_buyer
    )
    assert team.add_contact(at=day(3), contact=by_phone).committee == (by_phone,)
    assert team.remove_contact(at=day(3), contact="+44 2079460958").committee == ()


@given(st.lists(testing.contacts(), max_size=6), st.data())
def test_the_committee_holds_one_member_per_person_in_the_order_last_added(
    people: list[fk.Contact], data: st.DataObject
) -> None:
    subject = deal()
    expected: list[fk.Contact] = []
    for person in people:
        subject = subject.add_contact(at=day(2), contact=person)
        expected = model_add(expected, person)
    assert list(subject.committee) == expected
    if subject.committee:
        gone = data.draw(st.sampled_from(subject.committee))
        after = subject.remove_contact(at=day(3), contact=gone)
        assert gone not in after.committee
        assert len(after.committee) == len(subject.committee) - 1
