"""Every field of every kind of object, pinned after every command.

Each scenario walks one object through its lifecycle and states, after each command, the exact
value of every field: an effect that writes a value to the wrong field, or swaps two fields of the
same type, fails here even where the status comes out right. The expected fields are checked
against ``attrs.fields``, so a field added without a pin fails too.
"""

from collections.abc import Callable, Mapping
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest

import funnelkit as fk
import funnelkit.qualification as q
from funnelkit._lead import DEFAULT_FRAMEWORK


def day(number: int) -> datetime:
    return datetime(2026, 1, number, tzinfo=timezone.utc)


ACME = fk.Account("acme", "Acme Ltd", fk.AccountKind.company, segment="smb", territory="EMEA")
ADA = fk.Contact("Ada Byron", "ada@acme.example", fk.ContactRole.decision_maker)
FORM = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, day(1))
DEMO = fk.Touch(fk.Channel.webinar, "launch", fk.TouchKind.demo_request, day(1))
WEBINAR = fk.Touch(fk.Channel.webinar, "spring", fk.TouchKind.webinar, day(2))
REPLY = fk.Touch(fk.Channel.email, "spring-list", fk.TouchKind.form_submission, day(3))
FACTS = (
    q.Fact("budget", True, "call with the CFO", day(6), grade=3),
    q.Fact("authority", "the CFO signs", "call with the CFO", day(6), grade=3),
    q.Fact("need", "faster invoicing", "discovery call", day(6), grade=3),
)
PAIN = q.Fact("pain", "late invoices", "demo", day(4), grade=2)
LATER = attrs.evolve(ACME, segment="mid-market", employees=120, fields=fk.Fields({"origin": "ads"}))
"""Acme as learned later: a bigger segment, its head count and a custom field."""
BO = fk.Contact("Bo Chen", "bo@acme.example", fk.ContactRole.economic_buyer)
EUR = fk.Money(Decimal("1000.00"), "EUR")
MORE = fk.Money(Decimal("2500.00"), "EUR")
DEFAULT = fk.DEFAULT_PIPELINE
QUICK = fk.Pipeline(
    "quick",
    (
        fk.Stage("talk", Decimal("0.2"), fk.ForecastCategory.pipeline),
        fk.Stage("offer", Decimal("0.7"), fk.ForecastCategory.commit),
    ),
    allow_skip=True,
)


def stage(pipeline: fk.Pipeline, name: str) -> fk.Stage:
    return pipeline.by_value[name]


Fields = dict[str, Any]
Payload = dict[str, object] | Callable[[Any], dict[str, object]]


@attrs.frozen
class Step:
    """One command, its arguments, the payload its event must carry and the fields it changes."""

    command: str
    arguments: dict[str, Any]
    payload: Payload
    """Literal, or made from the object before the command where a framework's verdicts go in."""
    changes: Fields
    """The fields besides ``history`` and ``last_at`` that change, with their new values."""
    handed_over: Callable[[datetime], Fields] | None = None
    """Every field of the object a hand-over returns, given the command's time."""


def fields(value: Any) -> Fields:
    return {field.name: getattr(value, field.name) for field in attrs.fields(type(value))}


def created(kind: str, id: str, initial: str, at: datetime, payload: Mapping[str, object]) -> tuple[fk.Event]:
    return (fk.Event(kind, id, 0, "create", None, initial, at, payload),)


def walk(start: Any, expected: Fields, steps: list[Step]) -> None:
    """Run ``steps`` from ``start``, checking every field after each one; step n happens on day n + 2."""
    assert fields(start) == expected, "create"
    subject = start
    for index, step in enumerate(steps):
        at = day(index + 2)
        result = subject.send(step.command, at=at, **step.arguments)
        payload = step.payload(subject) if callable(step.payload) else step.payload
        changed = {**expected, **step.changes}
        history = tuple(expected["history"])
        source, target = expected["status"].value, changed["status"].value
        event = fk.Event(start._kind, start.id, len(history), step.command, source, target, at, payload)
        expected = {**changed, "history": (*history, event), "last_at": at}
        other = None
        if isinstance(result, fk.Conversion):
            result, other = result.source, result.target
        assert fields(result) == expected, f"after step {index}, {step.command}"
        if step.handed_over is None:
            assert other is None, step.command
        else:
            assert fields(other) == step.handed_over(at), f"what {step.command} handed over"
        subject = result


def new_lead(source: fk.Touch) -> tuple[fk.Lead, Fields]:
    lead = fk.Lead.create("L-1", account=ACME, contact=ADA, source=source, at=day(1), prospect_id="P-7")
    payload = {"account": ACME, "contact": ADA, "source": source, "prospect_id": "P-7"}
    return lead, {
        "id": "L-1",
        "status": fk.LeadStatus.new,
        "account": ACME,
        "contact": ADA,
        "source": source,
        "prospect_id": "P-7",
        "touches": (),
        "reason": None,
        "recycle_count": 0,
        "opportunity_id": None,
        "evidence": q.Evidence(),
        "owner": None,
        "buyer_stage": None,
        "fields": fk.Fields(),
        "tags": frozenset(),
        "history": created("Lead", "L-1", "new", day(1), payload),
        "last_at": day(1),
    }


def qualified(lead: fk.Lead) -> Fields:
    return {"qualification": DEFAULT_FRAMEWORK.evaluate(lead).summary()}


def converted_opportunity(at: datetime) -> Fields:
    payload = {
        "account": LATER,
        "contact": ADA,
        "lead_id": "L-1",
        "client_id": None,
        "amount": EUR,
        "pipeline": DEFAULT,
    }
    return {
        "id": "O-9",
        "status": stage(DEFAULT, "discovery"),
        "account": LATER,
        "pipeline": DEFAULT,
        "contact": ADA,
        "lead_id": "L-1",
        "client_id": None,
        "amount": EUR,
        "close_date": None,
        "manual_probability": None,
        "manual_category": None,
        "lost_reason": None,
        "committee": (),
        # the lead's facts, owner, custom fields and tags go with it, as the opportunity's own events
        "evidence": q.Evidence(FACTS),
        "owner": "u-ada",
        "buyer_stage": None,
        "fields": fk.Fields({"lead_type": "online_medium"}),
        "tags": frozenset({"inbound"}),
        "history": (
            *created("Opportunity", "O-9", "discovery", at, payload),
            fk.Event("Opportunity", "O-9", 1, "record", "discovery", "discovery", at, {"facts": FACTS}),
            fk.Event(
                "Opportunity",
                "O-9",
                2,
                "assign",
                "discovery",
                "discovery",
                at,
                {"owner": "u-ada", "reason": "carried over from lead L-1", "rule": None},
            ),
            fk.Event(
                "Opportunity",
                "O-9",
                3,
                "set_fields",
                "discovery",
                "discovery",
                at,
                {"fields": {"lead_type": "online_medium"}},
            ),
            fk.Event("Opportunity", "O-9", 4, "tag", "discovery", "discovery", at, {"tags": ("inbound",)}),
        ),
        "last_at": at,
    }


S = fk.LeadStatus
LEAD_STEPS = [
    Step("work", {}, {}, {"status": S.working}),
    Step("engage", {"touch": WEBINAR}, {"touch": WEBINAR}, {"touches": (WEBINAR,)}),
    Step(
        "nurture", {"reason": "not now"}, {"reason": "not now"}, {"status": S.nurturing, "reason": "not now"}
    ),
    Step("reengage", {}, {}, {"status": S.working}),
    Step("record", {"facts": FACTS}, {"facts": FACTS}, {"evidence": q.Evidence(FACTS)}),
    Step("mark_marketing_qualified", {}, {"recommendation": None}, {"status": S.marketing_qualified}),
    Step(
        "assign",
        {"owner": "u-ada", "reason": "EMEA"},
        {"owner": "u-ada", "reason": "EMEA", "rule": None},
        {"owner": "u-ada"},
    ),
    Step(
        "note_buyer_stage",
        {"stage": fk.BuyerStage.interest},
        {"buyer_stage": fk.BuyerStage.interest},
        {"buyer_stage": fk.BuyerStage.interest},
    ),
    Step("accept", {}, {}, {"status": S.sales_accepted}),
    Step("qualify", {}, qualified, {"status": S.sales_qualified}),
    Step(
        "recycle",
        {"reason": "budget frozen"},
        {"reason": "budget frozen"},
        {"status": S.nurturing, "reason": "budget frozen", "recycle_count": 1},
    ),
    Step("disqualify", {"reason": "junk"}, {"reason": "junk"}, {"status": S.disqualified, "reason": "junk"}),
    Step(
        "recycle",
        {"reason": "new budget"},
        {"reason": "new budget"},
        {"status": S.nurturing, "reason": "new budget", "recycle_count": 2},
    ),
    Step("mark_marketing_qualified", {}, {"recommendation": None}, {"status": S.marketing_qualified}),
    Step(
        "assign",
        {"owner": "u-ada", "reason": "EMEA"},
        {"owner": "u-ada", "reason": "EMEA", "rule": None},
        {"owner": "u-ada"},
    ),
    Step(
        "set_fields",
        {"lead_type": "online_medium", "landing_page": "b48ec5"},
        {"fields": {"lead_type": "online_medium", "landing_page": "b48ec5"}},
        {"fields": fk.Fields({"lead_type": "online_medium", "landing_page": "b48ec5"})},
    ),
    Step(
        "set_fields",
        {"landing_page": None},
        {"fields": {"landing_page": None}},
        {"fields": fk.Fields({"lead_type": "online_medium"})},
    ),
    Step(
        "tag",
        {"tags": ["inbound", "vip"]},
        {"tags": ("inbound", "vip")},
        {"tags": frozenset({"inbound", "vip"})},
    ),
    Step("untag", {"tags": "vip"}, {"tags": ("vip",)}, {"tags": frozenset({"inbound"})}),
    Step(
        "update_account",
        {"segment": "mid-market", "employees": 120, "fields": {"origin": "ads"}},
        {"account": LATER},
        {"account": LATER},
    ),
    Step("accept", {}, {}, {"status": S.sales_accepted}),
    Step("qualify", {}, qualified, {"status": S.sales_qualified}),
    Step(
        "convert",
        {"opportunity_id": "O-9", "amount": EUR},
        {"opportunity_id": "O-9"},
        {"status": S.converted, "opportunity_id": "O-9"},
        converted_opportunity,
    ),
]


def test_a_lead_from_capture_to_conversion() -> None:
    walk(*new_lead(FORM), LEAD_STEPS)


def test_a_hand_raiser_is_fast_tracked() -> None:
    walk(*new_lead(DEMO), [Step("fast_track", {}, {}, {"status": S.sales_accepted})])


def new_prospect(campaign: str | None) -> tuple[fk.Prospect, Fields]:
    prospect = fk.Prospect.create("P-7", account=ACME, contact=ADA, at=day(1), campaign=campaign)
    payload = {"account": ACME, "contact": ADA, "campaign": campaign}
    return prospect, {
        "id": "P-7",
        "status": fk.ProspectStatus.targeted,
        "account": ACME,
        "contact": ADA,
        "campaign": campaign,
        "lead_id": None,
        "reason": None,
        "history": created("Prospect", "P-7", "targeted", day(1), payload),
        "last_at": day(1),
    }


RETAIL = attrs.evolve(ACME, industry="retail")


def responded_lead(at: datetime) -> Fields:
    payload = {"account": RETAIL, "contact": ADA, "source": REPLY, "prospect_id": "P-7"}
    return {
        "id": "L-5",
        "status": fk.LeadStatus.new,
        "account": RETAIL,
        "contact": ADA,
        "source": REPLY,
        "prospect_id": "P-7",
        "touches": (),
        "reason": None,
        "recycle_count": 0,
        "opportunity_id": None,
        "evidence": q.Evidence(),
        "owner": None,
        "buyer_stage": None,
        "fields": fk.Fields(),
        "tags": frozenset(),
        "history": created("Lead", "L-5", "new", at, payload),
        "last_at": at,
    }


P = fk.ProspectStatus


def test_a_prospect_that_responds() -> None:
    walk(
        *new_prospect("spring-list"),
        [
            Step("reach_out", {}, {}, {"status": P.contacted}),
            Step("reach_out", {}, {}, {}),
            Step("update_account", {"industry": "retail"}, {"account": RETAIL}, {"account": RETAIL}),
            Step(
                "respond",
                {"lead_id": "L-5", "touch": REPLY},
                {"lead_id": "L-5", "touch": REPLY},
                {"status": P.responded, "lead_id": "L-5"},
                responded_lead,
            ),
        ],
    )


def test_a_prospect_that_is_excluded() -> None:
    walk(
        *new_prospect(None),
        [
            Step(
                "exclude",
                {"reason": "opted out"},
                {"reason": "opted out"},
                {"status": P.excluded, "reason": "opted out"},
            )
        ],
    )


def new_opportunity(pipeline: fk.Pipeline, **links: Any) -> tuple[fk.Opportunity, Fields]:
    given = {"contact": None, "lead_id": None, "client_id": None, "amount": None} | links
    deal = fk.Opportunity.create("O-1", account=ACME, at=day(1), pipeline=pipeline, **given)
    first = pipeline.stages[0]
    payload = {"account": ACME, **given, "pipeline": pipeline}
    return deal, {
        "id": "O-1",
        "status": first,
        "account": ACME,
        "pipeline": pipeline,
        **given,
        "close_date": None,
        "manual_probability": None,
        "manual_category": None,
        "lost_reason": None,
        "committee": (),
        "evidence": q.Evidence(),
        "owner": None,
        "buyer_stage": None,
        "fields": fk.Fields(),
        "tags": frozenset(),
        "history": created("Opportunity", "O-1", first.value, day(1), payload),
        "last_at": day(1),
    }


def new_client(
    at: datetime, id: str = "C-3", opportunity_id: str = "O-1", account: fk.Account = ACME
) -> Fields:
    return {
        "id": id,
        "status": fk.ClientStatus.active,
        "account": account,
        "opportunity_ids": (opportunity_id,),
        "reason": None,
        "owner": None,
        "fields": fk.Fields(),
        "tags": frozenset(),
        "history": created(
            "Client", id, "active", at, {"account": account, "opportunity_id": opportunity_id}
        ),
        "last_at": at,
    }


def advance(to: str) -> Step:
    return Step("advance", {}, {"gate": None}, {"status": stage(DEFAULT, to)})


def test_an_opportunity_through_the_default_pipeline_to_won() -> None:
    walk(
        *new_opportunity(DEFAULT, contact=ADA, lead_id="L-1", amount=EUR),
        [
            advance("evaluation"),
            Step("record", {"facts": [PAIN]}, {"facts": (PAIN,)}, {"evidence": q.Evidence((PAIN,))}),
            Step("move_back", {}, {}, {"status": stage(DEFAULT, "discovery")}),
            advance("evaluation"),
            Step(
                "lose",
                {"reason": "went quiet"},
                {"reason": "went quiet"},
                {"status": stage(DEFAULT, "lost"), "lost_reason": "went quiet"},
            ),
            Step(
                "assign",
                {"owner": "team-emea", "reason": "lost, back to the team"},
                {"owner": "team-emea", "reason": "lost, back to the team", "rule": None},
                {"owner": "team-emea"},
            ),
            Step("reopen", {}, {}, {"status": stage(DEFAULT, "discovery")}),
            Step(
                "note_buyer_stage",
                {"stage": fk.BuyerStage.trial},
                {"buyer_stage": fk.BuyerStage.trial},
                {"buyer_stage": fk.BuyerStage.trial},
            ),
            Step("add_contact", {"contact": ADA}, {"contact": ADA}, {"committee": (ADA,)}),
            Step("add_contact", {"contact": BO}, {"contact": BO}, {"committee": (ADA, BO)}),
            Step("remove_contact", {"contact": ADA}, {"contact": "ada@acme.example"}, {"committee": (BO,)}),
            Step(
                "set_fields",
                {"deal_type": "renewal"},
                {"fields": {"deal_type": "renewal"}},
                {"fields": fk.Fields({"deal_type": "renewal"})},
            ),
            Step("tag", {"tags": "partner"}, {"tags": ("partner",)}, {"tags": frozenset({"partner"})}),
            Step("untag", {"tags": ["partner"]}, {"tags": ("partner",)}, {"tags": frozenset()}),
            Step("update_account", {"industry": "retail"}, {"account": RETAIL}, {"account": RETAIL}),
            Step(
                "estimate",
                {"close_date": date(2026, 6, 30)},
                {"amount": EUR, "close_date": date(2026, 6, 30)},
                {"close_date": date(2026, 6, 30)},
            ),
            Step(
                "estimate",
                {"amount": MORE},
                {"amount": MORE, "close_date": date(2026, 6, 30)},
                {"amount": MORE},
            ),
            Step(
                "set_forecast",
                {"probability": Decimal("0.7"), "category": fk.ForecastCategory.commit},
                {"manual_probability": Decimal("0.7"), "manual_category": fk.ForecastCategory.commit},
                {"manual_probability": Decimal("0.7"), "manual_category": fk.ForecastCategory.commit},
            ),
            Step(
                "set_forecast",
                {},
                {"manual_probability": None, "manual_category": None},
                {
                    "manual_probability": None,
                    "manual_category": None,
                },
            ),
            advance("evaluation"),
            advance("trial"),
            advance("proof"),
            advance("negotiation"),
            Step(
                "win",
                {"client_id": "C-3"},
                {"client_id": "C-3", "amount": MORE},
                {"status": stage(DEFAULT, "won"), "client_id": "C-3"},
                lambda at: new_client(at, account=RETAIL),
            ),
        ],
    )


EXISTING = fk.Client.create("C-1", account=ACME, opportunity_id="O-0", at=day(1))


def purchased_by_existing(at: datetime) -> Fields:
    purchase = fk.Event("Client", "C-1", 1, "purchase", "active", "active", at, {"opportunity_id": "O-1"})
    return new_client(day(1), "C-1", "O-0") | {
        "opportunity_ids": ("O-0", "O-1"),
        "history": (*EXISTING.history, purchase),
        "last_at": at,
    }


def test_an_opportunity_that_skips_and_wins_for_an_existing_client() -> None:
    walk(
        *new_opportunity(QUICK, client_id="C-1"),
        [
            Step("skip", {"to": "offer"}, {"to": "offer", "gate": None}, {"status": stage(QUICK, "offer")}),
            Step(
                "win",
                {"client": EXISTING, "amount": MORE},
                {"client_id": "C-1", "amount": MORE},
                {"status": stage(QUICK, "won"), "amount": MORE},
                purchased_by_existing,
            ),
        ],
    )


def expanded_opportunity(at: datetime) -> Fields:
    payload = {
        "account": ACME,
        "contact": None,
        "lead_id": None,
        "client_id": "C-3",
        "amount": None,
        "pipeline": DEFAULT,
    }
    return {
        "id": "O-3",
        "status": stage(DEFAULT, "discovery"),
        "account": ACME,
        "pipeline": DEFAULT,
        "contact": None,
        "lead_id": None,
        "client_id": "C-3",
        "amount": None,
        "close_date": None,
        "manual_probability": None,
        "manual_category": None,
        "lost_reason": None,
        "committee": (),
        "evidence": q.Evidence(),
        "owner": None,
        "buyer_stage": None,
        "fields": fk.Fields(),
        "tags": frozenset(),
        "history": created("Opportunity", "O-3", "discovery", at, payload),
        "last_at": at,
    }


C = fk.ClientStatus
BOS = attrs.evolve(ACME, owner="u-bo")


def test_a_client_that_buys_expands_churns_and_comes_back() -> None:
    client = fk.Client.create("C-3", account=ACME, opportunity_id="O-1", at=day(1))
    walk(
        client,
        new_client(day(1)),
        [
            Step(
                "purchase",
                {"opportunity_id": "O-2"},
                {"opportunity_id": "O-2"},
                {"opportunity_ids": ("O-1", "O-2")},
            ),
            Step("expand", {"opportunity_id": "O-3"}, {"opportunity_id": "O-3"}, {}, expanded_opportunity),
            Step(
                "flag_at_risk",
                {"reason": "usage dropped"},
                {"reason": "usage dropped"},
                {"status": C.at_risk, "reason": "usage dropped"},
            ),
            Step(
                "purchase",
                {"opportunity_id": "O-4"},
                {"opportunity_id": "O-4"},
                {"status": C.active, "opportunity_ids": ("O-1", "O-2", "O-4")},
            ),
            Step(
                "flag_at_risk",
                {"reason": "budget cut"},
                {"reason": "budget cut"},
                {"status": C.at_risk, "reason": "budget cut"},
            ),
            Step("retain", {}, {}, {"status": C.active}),
            Step(
                "churn",
                {"reason": "chose a rival"},
                {"reason": "chose a rival"},
                {"status": C.churned, "reason": "chose a rival"},
            ),
            Step("win_back", {}, {}, {"status": C.active}),
            Step(
                "assign",
                {"owner": "u-bo", "reason": "account manager", "rule": "emea-accounts"},
                {"owner": "u-bo", "reason": "account manager", "rule": "emea-accounts"},
                {"owner": "u-bo"},
            ),
            Step(
                "set_fields",
                {"plan": "pro"},
                {"fields": {"plan": "pro"}},
                {"fields": fk.Fields({"plan": "pro"})},
            ),
            Step(
                "tag", {"tags": ("reference",)}, {"tags": ("reference",)}, {"tags": frozenset({"reference"})}
            ),
            Step("untag", {"tags": {"reference"}}, {"tags": ("reference",)}, {"tags": frozenset()}),
            Step("update_account", {"owner": "u-bo"}, {"account": BOS}, {"account": BOS}),
        ],
    )


DESCRIBING = ("set_fields", "tag", "untag", "update_account")

PINNED = {
    fk.Lead: {step.command for step in LEAD_STEPS} | {"fast_track"},
    fk.Prospect: {"reach_out", "respond", "exclude", "update_account"},
    fk.Opportunity: {
        "advance",
        "record",
        "move_back",
        "lose",
        "reopen",
        "win",
        "skip",
        "estimate",
        "set_forecast",
        "assign",
        "note_buyer_stage",
        "add_contact",
        "remove_contact",
        *DESCRIBING,
    },
    fk.Client: {"purchase", "expand", "flag_at_risk", "retain", "churn", "win_back", "assign", *DESCRIBING},
}


@pytest.mark.parametrize("kind", list(PINNED))
def test_every_command_of_every_kind_is_pinned(kind: type[Any]) -> None:
    assert PINNED[kind] == set(kind.commands)


def test_an_effect_that_swaps_two_optional_texts_fails_the_pins(monkeypatch: pytest.MonkeyPatch) -> None:
    def swapped(lead: fk.Lead, payload: Any) -> Fields:
        return {"reason": lead.opportunity_id, "opportunity_id": payload["reason"]}

    nurture = attrs.evolve(fk.Lead.commands["nurture"], effect=swapped)
    monkeypatch.setitem(fk.Lead.commands, "nurture", nurture)
    with pytest.raises(AssertionError, match="after step 2, nurture"):
        walk(*new_lead(FORM), LEAD_STEPS)
