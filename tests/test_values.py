from datetime import datetime, timezone

import pytest

import funnelkit as fk


def test_accounts_check_their_fields() -> None:
    with pytest.raises(fk.InvalidInput, match="name: must be a non-blank string"):
        fk.Account("acme", " ", fk.AccountKind.company)
    with pytest.raises(
        fk.InvalidInput, match=r"kind: must be an AccountKind: AccountKind\.company, AccountKind\.consumer"
    ):
        fk.Account("acme", "Acme", "company")  # type: ignore[arg-type]
    with pytest.raises(fk.InvalidInput, match="segment"):
        fk.Account("acme", "Acme", fk.AccountKind.company, segment="")


def test_contacts_need_an_email_address() -> None:
    assert fk.Contact("Ada", "ada@acme.example").role is fk.ContactRole.other
    with pytest.raises(fk.InvalidInput, match="email"):
        fk.Contact("Ada", "ada-at-acme")


def test_touches_need_an_aware_time() -> None:
    naive = datetime(2026, 1, 1)  # noqa: DTZ001 - the point of the test
    with pytest.raises(fk.InvalidInput, match="timezone-aware"):
        fk.Touch(fk.Channel.email, "x", fk.TouchKind.click, naive)
    aware = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert not fk.Touch(fk.Channel.email, "x", fk.TouchKind.click, aware).kind.is_hand_raise
    assert fk.TouchKind.contact_request.is_hand_raise


def test_problems_print_their_location() -> None:
    assert str(fk.Problem((), "is empty")) == "(input): is empty"
    assert str(fk.Problem(("history", 2, "at"), "is naive")) == "history.2.at: is naive"
