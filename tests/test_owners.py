"""Owners: leads, opportunities and clients are assigned to a user or team, by hand or by a rule."""

from datetime import datetime, timezone

import pytest

import funnelkit as fk
import funnelkit.qualification as q

ACME = fk.Account("acme", "Acme", fk.AccountKind.company)


def day(n: int) -> datetime:
    return datetime(2026, 5, n, tzinfo=timezone.utc)


def lead() -> fk.Lead:
    touch = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, day(1))
    return fk.Lead.create(
        "L-1", account=ACME, contact=fk.Contact("Ada", "ada@acme.example"), source=touch, at=day(1)
    )


def test_an_assignment_says_who_why_and_whether_a_rule_chose() -> None:
    by_hand = lead().assign(at=day(2), owner="u-ada", reason="she met them at a fair")
    by_rule = by_hand.assign(at=day(3), owner="team-emea", reason="EMEA, 250+ staff", rule="emea-large")
    assert (by_hand.owner, by_rule.owner) == ("u-ada", "team-emea")
    assert [event.payload["rule"] for event in by_rule.history[1:]] == [None, "emea-large"]
    assert by_rule.status is fk.LeadStatus.new
    assert fk.load(fk.Lead, fk.dump(by_rule)) == by_rule
    restored = fk.load(fk.Lead, fk.snapshot(by_rule))
    assert (restored.owner, restored.version) == ("team-emea", 3)


def test_every_kind_with_an_owner_can_be_assigned_until_it_is_final() -> None:
    deal = fk.Opportunity.create("O-1", account=ACME, at=day(1)).assign(at=day(2), owner="u-bo", reason="x")
    won = deal.win(at=day(3), client_id="C-1")
    assert won.source.owner == "u-bo"
    with pytest.raises(fk.TransitionNotAllowed, match="cannot 'assign'"):
        won.source.assign(at=day(4), owner="u-cy", reason="account manager")
    client = won.target.assign(at=day(4), owner="u-cy", reason="account manager")
    assert client.owner == "u-cy"
    lost = fk.Opportunity.create("O-2", account=ACME, at=day(1)).lose(at=day(2), reason="no budget")
    assert lost.assign(at=day(3), owner="team-nurture", reason="revisit next year").owner == "team-nurture"
    assert not hasattr(fk.Prospect, "assign")


@pytest.mark.parametrize("owner", ["", "  ", None, 7])
def test_an_owner_is_a_non_blank_id_and_a_refusal_changes_nothing(owner: object) -> None:
    original = lead()
    with pytest.raises(fk.InvalidInput, match="owner: must be a non-blank string") as caught:
        original.assign(at=day(2), owner=owner, reason="x")  # type: ignore[arg-type]
    assert caught.value.what.startswith("Lead 'L-1' in status 'new' cannot 'assign'")
    assert original.version == 1
    assert original.owner is None


def test_a_conversion_carries_the_owner_and_facts_the_lead_has_and_no_more() -> None:
    anyone = q.Framework("anyone", "1", q.criterion("yes", lambda _subject: q.Verdict.met))
    ready = lead().mark_marketing_qualified(at=day(2)).accept(at=day(2))
    bare = ready.qualify(at=day(3), framework=anyone).convert(at=day(4), opportunity_id="O-1").target
    assert [event.command for event in bare.history] == ["create"]
    assert (bare.owner, bare.evidence) == (None, q.Evidence())
    owned = ready.assign(at=day(3), owner="u-ada", reason="x").qualify(at=day(3), framework=anyone)
    deal = owned.convert(at=day(4), opportunity_id="O-2").target
    assert [event.command for event in deal.history] == ["create", "assign"]
    assert deal.owner == "u-ada"
    assert deal.history[-1].payload["reason"] == "carried over from lead L-1"
