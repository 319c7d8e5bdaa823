"""Accounts that change: what is learned later is recorded with a time, and read back as of any time."""

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
from funnelkit import testing

ACME = fk.Account("acme", "Acme", fk.AccountKind.company)


def day(n: int) -> datetime:
    return datetime(2026, 5, n, tzinfo=timezone.utc)


def known(subject: Any, at: datetime) -> fk.Account:
    """The account ``subject`` says it had at ``at``, which must be known."""
    found: fk.Account | None = subject.account_as_of(at)
    assert found is not None
    return found


def deal() -> fk.Opportunity:
    return fk.Opportunity.create("O-1", account=ACME, at=day(2))


def test_an_update_keeps_the_account_as_it_then_stood() -> None:
    updated = deal().update_account(at=day(5), segment="enterprise", employees=1200, country="BR")
    later = updated.update_account(at=day(9), employees=1300, fields={"erp": "sap"}, tags=["strategic"])
    assert later.account == attrs.evolve(
        ACME,
        segment="enterprise",
        employees=1300,
        country="BR",
        fields=fk.Fields({"erp": "sap"}),
        tags=frozenset({"strategic"}),
    )
    assert later.history[-1].name == "OpportunityAccountUpdated"
    assert later.history[-1].payload == {"account": later.account}
    assert later.account_as_of(day(1)) is None  # it did not exist yet
    assert later.account_as_of(day(4)) == ACME
    assert known(later, day(5)).employees == 1200  # an update counts from its own time
    assert later.account_as_of(day(30)) == later.account


def test_fields_merge_and_everything_else_is_replaced() -> None:
    first = deal().update_account(at=day(3), fields={"erp": "sap", "crm": "none"}, tags=["a", "b"])
    second = first.update_account(at=day(4), fields={"crm": None}, tags=["c"], name="Acme Group")
    assert second.account.fields == fk.Fields({"erp": "sap"})
    assert second.account.tags == frozenset({"c"})
    assert second.account.name == "Acme Group"


@pytest.mark.parametrize(
    ("changes", "location", "message"),
    [
        ({"id": "other"}, "id", "is not an account attribute that may change; those are name, kind"),
        ({"size": 3}, "size", "is not an account attribute that may change"),
        ({"employees": -1}, "employees", "must be a whole number from 0 (below 2**53), or None"),
        ({"employees": True}, "employees", "must be a whole number from 0 (below 2**53), or None"),
        ({"annual_revenue": 10}, "annual_revenue", "must be a Money, or None"),
        ({"segment": " "}, "segment", ""),
        ({"fields": {"Bad": 1}}, "fields", "is not a field name in snake_case"),
        ({"tags": [" x"]}, "tags", "must not start or end with spaces"),
    ],
)
def test_a_bad_update_is_named_and_nothing_changes(
    changes: dict[str, Any], location: str, message: str
) -> None:
    before = deal()
    with pytest.raises(fk.InvalidInput) as caught:
        before.update_account(at=day(3), **changes)
    assert caught.value.what == "Opportunity 'O-1' in status 'discovery' cannot 'update_account'"
    [problem] = caught.value.problems
    assert problem.location[0] == location
    assert message in problem.message
    assert before.version == 1


def test_an_update_needs_something_to_change() -> None:
    with pytest.raises(fk.InvalidInput, match="give at least one attribute"):
        deal().update_account(at=day(3))


def test_hand_overs_pass_the_account_on_as_it_stands(ada: fk.Contact) -> None:
    prospect = fk.Prospect.create("P-1", account=ACME, contact=ada, at=day(1))
    prospect = prospect.update_account(at=day(2), industry="retail")
    touch = fk.Touch(fk.Channel.email, "spring", fk.TouchKind.form_submission, day(3))
    responded = prospect.respond(at=day(3), lead_id="L-9", touch=touch)
    assert responded.target.account.industry == "retail"
    assert known(responded.target, day(3)).industry == "retail"
    won = deal().update_account(at=day(3), segment="smb").win(at=day(4), client_id="C-1")
    assert won.target.account.segment == "smb"
    assert won.target.update_account(at=day(5), owner="u-bo").account.owner == "u-bo"


def test_a_snapshot_knows_its_account_from_the_snapshot_on() -> None:
    updated = deal().update_account(at=day(3), segment="smb")
    restored = fk.load(fk.Opportunity, fk.snapshot(updated))
    assert known(restored, day(3)).segment == "smb"  # nothing changed it since
    later = restored.update_account(at=day(6), segment="enterprise")
    assert known(later, day(7)).segment == "enterprise"
    assert known(later, day(6)).segment == "enterprise"
    with pytest.raises(
        fk.InvalidInput,
        match="is before what its history kept: it was restored from a snapshot at version 2;",
    ):
        later.account_as_of(day(5))
    with pytest.raises(fk.InvalidInput, match="is before what its history kept"):
        restored.account_as_of(day(2))
    touched = restored.record(at=day(4), facts={"pain": "slow"})
    assert known(touched, day(4)).segment == "smb"  # its kept history reaches back to day 4


def test_as_of_needs_an_aware_time() -> None:
    with pytest.raises(fk.InvalidInput) as caught:
        deal().account_as_of(datetime(2026, 5, 3))  # noqa: DTZ001 - the naive time is the point
    assert caught.value.what == "Opportunity 'O-1' cannot say its account"
    assert caught.value.problems[0].location == ("at",)


@given(testing.accounts(), st.lists(st.tuples(st.integers(0, 40), st.integers(0, 500)), max_size=6))
def test_the_account_as_of_a_time_replays_to_the_same_answer(account: fk.Account, steps: list[Any]) -> None:
    subject = fk.Opportunity.create("O-1", account=account, at=day(1))
    expected: list[tuple[datetime, fk.Account]] = [(day(1), account)]
    at = day(1)
    for hours, employees in steps:
        at += timedelta(hours=hours)
        subject = subject.update_account(at=at, employees=employees)
        expected.append((at, subject.account))
    again = fk.replay(subject.history)
    stored = fk.load(fk.Opportunity, json.loads(json.dumps(fk.dump(subject))))
    for probe in range(0, 41 * 6, 7):
        when = day(1) + timedelta(hours=probe)
        known = [value for moment, value in expected if moment <= when][-1]
        assert subject.account_as_of(when) == known
        assert again.account_as_of(when) == known
        assert stored.account_as_of(when) == known
    assert subject.account_as_of(day(1) - timedelta(seconds=1)) is None


@given(testing.opportunities())
def test_every_drawn_opportunity_can_say_its_account_now(deal: fk.Opportunity) -> None:
    assert deal.account_as_of(deal.last_at) == deal.account


def test_a_deal_is_won_for_the_client_of_the_same_account_after_either_learned_more() -> None:
    client = deal().win(at=day(3), client_id="C-1").target.update_account(at=day(4), industry="retail")
    later = fk.Opportunity.create("O-2", account=ACME, at=day(5)).update_account(at=day(6), segment="smb")
    won = later.win(at=day(7), client=client)
    assert won.target.opportunity_ids == ("O-1", "O-2")
    assert won.target.account.industry == "retail"  # the client keeps its own account
    other = fk.Opportunity.create(
        "O-3", account=fk.Account("zeta", "Zeta", fk.AccountKind.company), at=day(5)
    )
    with pytest.raises(fk.InvalidInput, match="client: must be a client of account 'zeta'"):
        other.win(at=day(7), client=client)
