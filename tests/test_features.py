"""Features from the funnel: an object as it stood at a time, and a training set that does not leak."""

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import funnelkit as fk
import funnelkit.scoring as sc
from funnelkit import testing

ACME = fk.Account("acme", "Acme", fk.AccountKind.company, segment="smb", fields={"erp": "sap"}, tags=["b2b"])


def day(n: int) -> datetime:
    return datetime(2026, 5, n, tzinfo=timezone.utc)


def lead() -> fk.Lead:
    source = fk.Touch(
        fk.Channel("paid_search"), "spring", fk.TouchKind.form_submission, day(1), url="/pricing"
    )
    return fk.Lead.create("L-1", account=ACME, source=source, at=day(1))


def test_a_lead_reads_as_flat_features() -> None:
    worked = (
        lead()
        .engage(at=day(3), touch=fk.Touch(fk.Channel.email, "spring", fk.TouchKind.click, day(3)))
        .record(at=day(4), facts={"budget": True})
        .set_fields(at=day(4), pages=[1, 2], meta={"b": 2, "a": [1]})
        .tag(at=day(4), tags="hot")
        .assign(at=day(4), owner="u-ada", reason="EMEA")
    )
    found = sc.features(worked, at=day(10))
    assert found["channel"] == "paid_search"
    assert found["url"] == "/pricing"
    assert found["account.segment"] == "smb"
    assert found["account.fields.erp"] == "sap"
    assert found["account.tags"] == frozenset({"b2b"})
    assert found["account.kind"] == "company"
    assert (found["fields.pages"], found["tags"], found["owner"]) == ((1, 2), frozenset({"hot"}), "u-ada")
    assert found["fact.budget"] is True
    assert found["fields.meta"] == (("a", (1,)), ("b", 2))  # hashable, in key order
    assert (found["touches"], found["touches.click"], found["touches.recent"]) == (2, 1, 2)
    assert found["days_since_last_touch"] == 7
    assert found["status"] == "new"
    # as it stood on day 3: nothing recorded, assigned or tagged yet
    earlier = sc.features(worked, at=day(3))
    assert "fact.budget" not in earlier
    assert (earlier["owner"], earlier["tags"], earlier["touches"]) == (None, frozenset(), 2)
    far = sc.features(worked, at=day(1) + timedelta(days=60))
    assert far["touches.recent"] == 0


def test_an_opportunity_reads_its_stage_amount_and_committee(
    opportunity: fk.Opportunity, ada: fk.Contact
) -> None:
    at = datetime(2026, 1, 9, tzinfo=timezone.utc)
    found = sc.features(opportunity.add_contact(at=at, contact=ada).advance(at=at), at=at)
    assert (found["stage"], found["pipeline"], found["committee"]) == ("evaluation", "default", 1)
    assert found["amount"] == fk.Money("1000.00", "EUR")
    assert "channel" not in found


@pytest.mark.parametrize(
    ("subject", "at", "message"),
    [
        ("L-1", day(2), "subject: must be a Lead or an Opportunity"),
        (None, day(2), "subject: must be a Lead or an Opportunity"),
        (lead(), datetime(2026, 5, 2), "at: must be a timezone-aware datetime"),  # noqa: DTZ001 - the point
        (lead(), day(1) - timedelta(seconds=1), "at: is before it was created"),
    ],
)
def test_bad_input_is_named(subject: Any, at: Any, message: str) -> None:
    with pytest.raises(fk.InvalidInput, match=message):
        sc.features(subject, at=at)


def test_a_restored_object_reads_only_from_its_latest_state_on() -> None:
    restored = fk.load(fk.Lead, fk.snapshot(lead().work(at=day(3))))
    assert sc.features(restored, at=day(4))["status"] == "working"
    with pytest.raises(fk.InvalidInput, match="restored from a snapshot"):
        sc.features(restored.nurture(at=day(5), reason="later"), at=day(4))


def closed_deals() -> list[fk.Opportunity]:
    won = (
        fk.Opportunity.create("O-1", account=ACME, at=day(1)).advance(at=day(2)).win(at=day(5), client_id="C")
    )
    lost = fk.Opportunity.create("O-2", account=ACME, at=day(1)).lose(at=day(4), reason="price")
    late = fk.Opportunity.create("O-3", account=ACME, at=day(1)).lose(at=day(20), reason="late")
    reopened = fk.Opportunity.create("O-4", account=ACME, at=day(1)).lose(at=day(2), reason="x")
    reopened = reopened.reopen(at=day(3)).tag(at=day(3), tags="back")
    tagged = (
        fk.Opportunity.create("O-5", account=ACME, at=day(1))
        .lose(at=day(3), reason="y")
        .tag(at=day(4), tags="z")
    )
    return [won.source, lost, late, reopened, tagged]


def test_a_training_set_holds_what_closed_by_then_as_it_stood_before_closing(lead: fk.Lead) -> None:
    examples, outcomes = sc.training_set([*closed_deals(), lead], at=day(10))
    assert outcomes == (True, False, False)
    assert [e["stage"] for e in examples] == ["evaluation", "discovery", "discovery"]
    assert [e["tags"] for e in examples] == [frozenset(), frozenset(), frozenset()]  # tagged after it closed
    with pytest.raises(fk.InvalidInput, match=r"objects\.0: must be a Lead or an Opportunity"):
        sc.training_set(["O-1"], at=day(10))
    with pytest.raises(fk.InvalidInput, match="at: must be a timezone-aware"):
        sc.training_set([], at=None)  # type: ignore[arg-type]
    restored = fk.load(fk.Opportunity, fk.snapshot(closed_deals()[1]))
    assert sc.training_set([restored], at=day(10)) == ((), ())


@given(st.lists(testing.opportunities(), max_size=4), st.integers(0, 60))
def test_nothing_after_the_cut_leaks_into_a_training_set(deals: list[fk.Opportunity], days: int) -> None:
    cut = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(days=days)
    examples, outcomes = sc.training_set(deals, at=cut)
    # the same objects cut back to what they were at the cut give the same set
    cut_back = [
        fk.replay([e for e in deal.history if e.at <= cut]) for deal in deals if deal.history[0].at <= cut
    ]
    assert sc.training_set(cut_back, at=cut) == (examples, outcomes)
    assert len(examples) == len(outcomes)


def test_an_age_reads_each_example_as_it_stood_early_so_its_path_cannot_leak(lead: fk.Lead) -> None:
    facts: dict[str, Any] = {"budget": True, "authority": True, "need": "speed"}
    at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    converted = (
        lead.record(at=at + timedelta(days=3), facts=facts)
        .mark_marketing_qualified(at=at + timedelta(days=4))
        .accept(at=at + timedelta(days=4))
        .qualify(at=at + timedelta(days=5))
        .convert(at=at + timedelta(days=6), opportunity_id="O-1")
        .source
    )
    cut = at + timedelta(days=10)
    [late], _ = sc.training_set([converted], at=cut)
    assert (late["status"], late["fact.budget"]) == ("sales_qualified", True)
    [early], outcomes = sc.training_set([converted], at=cut, age=timedelta(days=2))
    assert (early["status"], "fact.budget" in early, outcomes) == ("new", False, (True,))
    assert early["days_since_last_touch"] == 2  # read at creation plus two days
    [capped], _ = sc.training_set([converted], at=cut, age=timedelta(days=60))
    assert capped == late  # an age past the close reads it just before it closed
    with pytest.raises(fk.InvalidInput, match="age: must be a timedelta from zero"):
        sc.training_set([converted], at=cut, age=timedelta(days=-1))
