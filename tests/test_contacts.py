"""Contacts as they come: leads without one, contacts known by phone alone."""

from datetime import datetime, timezone

import pytest
from hypothesis import given

import funnelkit as fk
from funnelkit import testing

AT = datetime(2026, 6, 1, tzinfo=timezone.utc)
ACME = fk.Account("acme", "Acme", fk.AccountKind.company)
FORM = fk.Touch(fk.Channel.content, "pricing page", fk.TouchKind.form_submission, AT)


def test_a_lead_may_have_no_contact_and_keeps_none_through_conversion() -> None:
    lead = fk.Lead.create("L-1", account=ACME, source=FORM, at=AT)
    assert lead.contact is None
    assert fk.load(fk.Lead, fk.dump(lead)) == lead
    assert fk.load(fk.Lead, fk.snapshot(lead)).contact is None
    assert fk.dump(lead)["history"][0]["payload"]["contact"] is None


def test_a_contact_may_be_known_by_phone_alone_but_not_by_nothing() -> None:
    by_phone = fk.Contact("Bo", phone="+44 20 7946 0958", role=fk.ContactRole.user)
    assert (by_phone.email, by_phone.phone) == (None, "+44 20 7946 0958")
    assert fk.load(fk.Contact, fk.dump(by_phone)) == by_phone
    with pytest.raises(fk.InvalidInput, match="email: give an email, a phone or both"):
        fk.Contact("Nobody")
    with pytest.raises(fk.InvalidInput, match="phone: must be a phone number like"):
        fk.Contact("Bo", phone="call me maybe")
    with pytest.raises(fk.InvalidInput, match="phone: must be a phone number like"):
        fk.Contact("Bo", phone="+1" + "2" * 40)
    assert "phone" in fk.json_schema(fk.Contact)["properties"]
    assert "phone" not in fk.json_schema(fk.Contact)["required"]


def test_stored_contacts_from_before_phones_load() -> None:
    stored = {"name": "Ada", "email": "ada@acme.example", "role": "other"}
    assert fk.load(fk.Contact, stored) == fk.Contact("Ada", "ada@acme.example")


@given(testing.contacts())
def test_drawn_contacts_round_trip(contact: fk.Contact) -> None:
    assert contact.email is not None or contact.phone is not None
    assert fk.load(fk.Contact, fk.dump(contact)) == contact
