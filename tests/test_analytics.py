"""The funnel report, worked by hand on a small funnel, and its refusals."""

import pickle
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import funnelkit as fk
import funnelkit.analytics as an
from funnelkit import demo
from funnelkit._frozen import FrozenDict

START = datetime(2026, 3, 1, tzinfo=timezone.utc)


def day(n: float) -> datetime:
    return START + timedelta(days=n)


def account(n: int, segment: str) -> fk.Account:
    return fk.Account(f"A-{n}", f"Account {n}", fk.AccountKind.company, segment=segment, territory="north")


def funnel() -> list[Any]:
    """Four journeys: a prospect won as a client, a lead disqualified, a deal lost, a lead recycled."""
    prospect = fk.Prospect.create("P-1", account=account(1, "smb"), at=day(0), campaign="spring").reach_out(
        at=day(1)
    )
    touch = fk.Touch(fk.Channel.search, "spring", fk.TouchKind.form_submission, day(2))
    responded = prospect.respond(at=day(2), lead_id="L-1", touch=touch)
    lead = responded.target.work(at=day(3)).mark_marketing_qualified(at=day(4)).accept(at=day(5))
    lead = lead.assign(at=day(5), owner="ana", reason="round robin")
    facts: dict[str, bool | str] = {"budget": True, "authority": True, "need": "speed"}
    lead = lead.record(at=day(5), facts=facts).qualify(at=day(6))
    converted = lead.convert(at=day(7), opportunity_id="O-1", amount=fk.Money("1000", "EUR"))
    won = converted.target.advance(at=day(10)).win(
        at=day(20), client_id="C-1", amount=fk.Money("1200", "EUR")
    )
    email = fk.Touch(fk.Channel.email, "news", fk.TouchKind.form_submission, day(1))
    cold = fk.Lead.create("L-2", account=account(2, "enterprise"), source=email, at=day(1))
    cold = cold.work(at=day(2)).disqualify(at=day(5), reason="no budget")
    direct = fk.Opportunity.create("O-3", account=account(3, "smb"), at=day(1), amount=fk.Money("500", "USD"))
    direct = direct.lose(at=day(11), reason="pricing")
    search = fk.Touch(fk.Channel.search, "spring", fk.TouchKind.form_submission, day(1))
    again = fk.Lead.create("L-4", account=account(4, "smb"), source=search, at=day(1))
    again = again.mark_marketing_qualified(at=day(2)).recycle(at=day(3), reason="not now").reengage(at=day(4))
    again = again.mark_marketing_qualified(at=day(5)).accept(at=day(6))
    return [responded.source, converted.source, won.source, won.target, cold, direct, again]


def events(objects: list[Any] | None = None) -> list[fk.Event]:
    return [event for subject in (objects or funnel()) for event in subject.history]


def rows(report: an.Report, metric: str) -> list[dict[str, object]]:
    return [
        {k: v for k, v in row.items() if k != "metric"} for row in report.rows() if row["metric"] == metric
    ]


def test_counts_are_the_statuses_of_the_objects() -> None:
    report = an.report(events())
    assert rows(report, "count") == [
        {"kind": "client", "status": "active", "value": 1},
        {"kind": "lead", "status": "converted", "value": 1},
        {"kind": "lead", "status": "disqualified", "value": 1},
        {"kind": "lead", "status": "sales_accepted", "value": 1},
        {"kind": "opportunity", "status": "lost", "value": 1},
        {"kind": "opportunity", "status": "won", "value": 1},
        {"kind": "prospect", "status": "responded", "value": 1},
    ]


def test_conversion_follows_each_journey_across_hand_overs() -> None:
    report = an.report(events())
    reached = {row["step"]: row["value"] for row in rows(report, "reached")}
    assert reached == {"prospect": 1, "lead": 3, "mql": 2, "sal": 2, "sql": 1, "opportunity": 2, "won": 1}
    rate = {(row["from"], row["to"]): row["value"] for row in rows(report, "conversion_rate")}
    assert rate["mql", "won"] == 0.5
    assert rate["lead", "mql"] == pytest.approx(2 / 3)
    assert rate["opportunity", "won"] == 0.5
    assert rate["prospect", "won"] == 1.0
    assert len(rate) == 6 + 5 + 4 + 3 + 2 + 1


def test_a_recycled_lead_counts_once_or_as_net_new_each_time() -> None:
    once = an.report(events(), recycled="once")
    new = an.report(events(), recycled="new")
    assert (once.value("reached", step="lead"), new.value("reached", step="lead")) == (3, 4)
    assert (once.value("reached", step="mql"), new.value("reached", step="mql")) == (2, 3)
    assert new.value("conversion_rate", **{"from": "lead", "to": "mql"}) == 0.75


def test_outcomes_of_deals() -> None:
    report = an.report(events())
    assert report.value("win_rate") == 0.5
    assert report.value("deals", outcome="open") == 0
    assert report.value("won_amount", currency="EUR") == "1200"
    assert report.value("average_deal_size", currency="EUR") == "1200.00"
    assert report.value("won_amount", currency="USD") is None  # a lost deal's amount is not won
    assert report.value("sales_velocity", currency="EUR") == "0.00"  # no deal is open
    cycle = {(row["outcome"], row["statistic"]): row["value"] for row in rows(report, "sales_cycle_days")}
    assert cycle["won", "median"] == 13.0
    assert cycle["lost", "mean"] == 10.0
    assert cycle["closed", "median"] == 11.5
    assert cycle["closed", "count"] == 2


def test_reasons_are_ranked_per_metric() -> None:
    report = an.report(events())
    assert rows(report, "lost_reason") == [{"reason": "pricing", "value": 1}]
    assert rows(report, "disqualified_reason") == [{"reason": "no budget", "value": 1}]


def test_time_in_status_counts_every_stay() -> None:
    report = an.report(events())
    working = {
        row["statistic"]: row["value"]
        for row in rows(report, "time_in_status_days")
        if row["status"] == "working"
    }
    # L-1 worked 1 day, L-2 3 days, L-4 from reengaging on day 4 until MQL on day 5: 1 day
    assert working == {"count": 3, "mean": pytest.approx(5 / 3), "median": 1.0, "p90": pytest.approx(2.6)}
    mql = {
        row["statistic"]: row["value"]
        for row in rows(report, "time_in_status_days")
        if row["status"] == "marketing_qualified"
    }
    assert mql["count"] == 3  # L-4 entered it twice


def test_first_touch_to_conversion() -> None:
    report = an.report(events())
    days = {
        (row["to"], row["statistic"]): row["value"] for row in rows(report, "first_touch_to_conversion_days")
    }
    assert days == {
        ("opportunity", "count"): 1,
        ("opportunity", "mean"): 5.0,
        ("opportunity", "median"): 5.0,
        ("opportunity", "p90"): 5.0,
        ("won", "count"): 1,
        ("won", "mean"): 18.0,
        ("won", "median"): 18.0,
        ("won", "p90"): 18.0,
    }


def test_rows_group_by_where_a_journey_came_from() -> None:
    report = an.report(events(), by=("channel",))
    won = [row for row in rows(report, "count") if row["status"] == "won"]
    assert won == [{"channel": "search", "kind": "opportunity", "status": "won", "value": 1}]
    lost = [row for row in rows(report, "count") if row["status"] == "lost"]
    assert lost == [{"channel": None, "kind": "opportunity", "status": "lost", "value": 1}]
    assert report.value("reached", channel="search", step="lead") == 2
    assert report.value("reached", channel="email", step="lead") == 1
    first = report.rows()[0]
    assert list(first) == ["metric", "channel", "kind", "status", "value"]


def test_rows_group_by_campaign_cohort_owner_segment_and_custom_fields() -> None:
    objects = funnel()
    objects[4] = objects[4].set_fields(at=day(6), plan="pro")
    report = an.report(events(objects), by=("campaign", "cohort", "segment"), period="week")
    assert report.value("count", campaign="spring", cohort="2026-W09", segment="smb", status="responded") == 1
    by_owner = an.report(events(objects), by=("owner",))
    assert by_owner.value("count", owner="ana", kind="opportunity", status="won") == 1
    assert by_owner.value("count", owner=None, kind="lead", status="disqualified") == 1
    by_plan = an.report(events(objects), by=("fields.plan", "territory", "kind"))
    assert by_plan.value("count", **{"fields.plan": "pro"}, status="disqualified") == 1
    assert by_plan.value("reached", **{"fields.plan": "pro", "kind": "lead"}, step="lead") == 1


def test_cohorts_of_each_period() -> None:
    for period, name in (
        ("day", "2026-03-01"),
        ("week", "2026-W09"),
        ("month", "2026-03"),
        ("quarter", "2026-Q1"),
    ):
        report = an.report(events(), by=("cohort",), period=period)
        assert report.value("count", cohort=name, kind="prospect") == 1


def test_where_keeps_what_has_the_given_values() -> None:
    report = an.report(events(), where={"channel": "search"})
    assert report.value("reached", step="lead") == 2
    assert report.value("count", kind="opportunity", status="lost") is None
    several = an.report(events(), where={"channel": ["search", None], "segment": "smb"})
    assert several.value("count", kind="opportunity", status="lost") == 1


def test_as_of_shows_the_funnel_as_it_stood() -> None:
    report = an.report(events(), as_of=day(6))
    assert report.value("count", kind="lead", status="sales_qualified") == 1
    assert report.value("count", kind="opportunity", status="won") is None
    # O-3 is open until it is lost on day 11; O-1 is created on day 7
    assert report.value("count", kind="opportunity", status="discovery") == 1
    assert report.value("count", kind="opportunity", status="lost") is None
    assert report.value("reached", step="opportunity") == 1
    assert an.report(events(), as_of=day(-1)).rows() == []


def test_a_report_reads_as_a_table() -> None:
    text = str(an.report(events(), as_of=day(30), by=("channel",)))
    assert text.startswith(
        "funnel report as of 2026-03-31T00:00:00+00:00\n\n"
        "count\n"
        "  channel  kind         status          value\n"
        "  -        opportunity  lost                1\n"
        "  email    lead         disqualified        1\n"
    )
    assert "\nwin_rate\n  channel  value\n  -        0.000\n  search   1.000\n" in text
    assert "\naverage_deal_size\n  channel  currency    value\n  search   EUR       1200.00\n" in text
    assert "\n  search   won      mean        13.0\n" in text
    assert str(an.report([])) == "funnel report as of the last event"


def test_an_accumulator_merges_slices_split_by_object() -> None:
    objects = funnel()
    one_pass = an.Accumulator().add_all(events(objects))
    left = an.Accumulator().add_all(events(objects[:3]))
    right = an.Accumulator().add_all(events(objects[3:]))
    assert left.merge(right) == right.merge(left) == one_pass
    assert left.merge(right).report() == one_pass.report()
    assert one_pass.merge(an.Accumulator()) == one_pass
    assert len(one_pass) == len(objects)
    merged = left.merge(right)
    left.add(
        objects[3]
        .history[0]
        .__class__("Lead", "L-9", 0, "create", None, "new", day(1), objects[4].history[0].payload)
    )
    assert merged == one_pass  # what was merged does not follow later additions


def test_an_accumulator_pickles() -> None:
    accumulator = an.Accumulator(as_of=day(30), by=("channel",)).add_all(events())
    copied = pickle.loads(pickle.dumps(accumulator))
    assert copied == accumulator
    assert copied.report() == accumulator.report()
    assert repr(copied) == "Accumulator(7 objects, as_of=2026-03-31 00:00:00+00:00)"


def event(**changes: Any) -> fk.Event:
    base = funnel()[4].history[0]
    values = {
        "subject": base.subject,
        "subject_id": base.subject_id,
        "sequence": base.sequence,
        "command": base.command,
        "source": base.source,
        "target": base.target,
        "at": base.at,
        "payload": base.payload,
    }
    return fk.Event(**{**values, **changes})


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("an event", "must be a funnelkit Event"),
        (event(subject="Deal"), "subject: must be one of"),
        (event(command="fly"), "command: is not a command of Lead"),
        (event(at=datetime(2026, 3, 1)), "at: must be timezone-aware"),  # noqa: DTZ001 - the point
        (event(sequence=1), "sequence: must be 0: the first event of an object is its creation"),
    ],
)
def test_what_is_not_an_event_in_order_is_refused_and_changes_nothing(given: Any, message: str) -> None:
    accumulator = an.Accumulator().add_all(funnel()[0].history)
    before = pickle.loads(pickle.dumps(accumulator))
    with pytest.raises(fk.InvalidInput, match=message):
        accumulator.add(given)
    assert accumulator == before


def test_a_gap_or_a_repeat_names_the_object() -> None:
    history = funnel()[4].history
    with pytest.raises(
        fk.InvalidInput, match=r"cannot add event 2 of Lead 'L-2':\n  - sequence: must be 1, the next"
    ):
        an.report([history[0], history[2]])
    with pytest.raises(fk.InvalidInput, match="must be 1"):
        an.report([history[0], history[0]])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"as_of": datetime(2026, 1, 1)}, "as_of: must be a timezone-aware datetime"),  # noqa: DTZ001 - the point
        ({"by": "channel"}, "by: must be a sequence of dimension names"),
        ({"by": 3}, "by: must be a sequence of dimension names"),
        ({"by": ("colour",)}, "by: must be one of kind, channel"),
        ({"by": (3,)}, "by: must be one of kind, channel"),
        ({"by": ("fields.Bad Name",)}, "by: must be one of"),
        ({"by": ("owner", "owner")}, "by: must name each dimension once"),
        ({"where": ["channel"]}, "where: must map dimension names"),
        ({"where": {"colour": "red"}}, "where: must be one of kind"),
        ({"where": {"channel": 3}}, "where.channel: must be a text value, None, or a collection"),
        ({"where": {"channel": [3]}}, "where.channel: must be a text value"),
        ({"period": "year"}, "period: must be one of day, week, month, quarter"),
        ({"recycled": "twice"}, "recycled: must be one of once, new"),
    ],
)
def test_wrong_options_are_named(options: dict[str, Any], message: str) -> None:
    with pytest.raises(fk.InvalidInput, match=message):
        an.report(events(), **options)


def test_a_merge_of_what_does_not_go_together_is_refused() -> None:
    objects = funnel()
    left = an.Accumulator().add_all(events(objects[:4]))
    with pytest.raises(fk.InvalidInput, match="other: must be an Accumulator"):
        left.merge("right")  # type: ignore[arg-type]
    with pytest.raises(fk.InvalidInput, match="other: must have the same options"):
        left.merge(an.Accumulator(by=("owner",)))
    with pytest.raises(fk.InvalidInput, match="has events of Lead 'L-1' too: split events by object"):
        left.merge(an.Accumulator().add_all(events(objects[1:2])))


def test_records_are_copies() -> None:
    accumulator = an.Accumulator().add_all(events())
    record = accumulator.records()[0]
    record.status = "changed"
    assert accumulator.records()[0].status != "changed"
    assert repr(record).startswith("Record(Client 'C-1', status='changed'")
    assert record != "a record"


def test_estimates_reopening_unknown_amounts_and_account_changes_count() -> None:
    deal = fk.Opportunity.create("O-5", account=account(5, "smb"), at=day(1))
    deal = deal.lose(at=day(3), reason="timing").reopen(at=day(4))
    won = deal.win(at=day(5), client_id="C-5")
    moved = won.target.update_account(at=day(6), segment="enterprise")
    estimated = fk.Opportunity.create("O-6", account=account(6, "smb"), at=day(1))
    estimated = estimated.estimate(at=day(2), amount=fk.Money("300", "EUR"), close_date=None)
    report = an.report(events([won.source, moved, estimated]), by=("segment",))
    assert report.value("deals", segment="smb", outcome="open") == 1
    assert report.value("won_unknown_amount", segment="smb") == 1
    assert report.value("won_amount", segment="smb", currency="EUR") is None
    assert report.value("count", segment="enterprise", kind="client") == 1
    assert report.value("reached", segment="enterprise", step="won") == 1  # the journey came to the client
    assert report.value("lost_reason", segment="smb") is None  # reopened, then won


def test_an_accumulator_says_as_of_when_and_equals_only_accumulators() -> None:
    accumulator = an.Accumulator(as_of=day(3))
    assert accumulator.as_of == day(3)
    assert accumulator != "an accumulator"


def test_a_deal_won_as_it_was_created_has_no_velocity() -> None:
    backfilled = fk.Opportunity.create(
        "O-7", account=account(7, "smb"), at=day(1), amount=fk.Money("50", "EUR")
    )
    report = an.report(backfilled.win(at=day(1), client_id="C-7").source.history)
    assert report.value("won_amount", currency="EUR") == "50"
    assert report.value("sales_velocity", currency="EUR") is None
    assert report.value("sales_cycle_days", outcome="won", statistic="mean") == 0.0


def cells(report: an.Report, metric: str) -> dict[tuple[object, ...], object]:
    return {
        tuple(value for key, value in row.items() if key not in ("metric", "value")): row["value"]
        for row in report.rows()
        if row["metric"] == metric
    }


def test_each_campaign_and_channel_by_first_touch() -> None:
    report = an.report(events())
    assert cells(report, "prospects_reached") == {("first_touch", "spring", "search"): 1}
    assert cells(report, "leads_generated") == {
        ("first_touch", "news", "email"): 1,
        ("first_touch", "spring", "search"): 2,
        ("last_touch", "news", "email"): 1,
        ("last_touch", "spring", "search"): 2,
    }
    assert cells(report, "opportunities_created")["first_touch", None, None] == 1  # a deal made directly
    assert cells(report, "deals_won") == {
        ("first_touch", "spring", "search"): 1,
        ("last_touch", "spring", "search"): 1,
    }
    assert cells(report, "won_revenue") == {
        ("first_touch", "spring", "search", "EUR"): "1200",
        ("last_touch", "spring", "search", "EUR"): "1200",
    }


def test_the_last_touch_before_converting_takes_the_credit() -> None:
    source = fk.Touch(fk.Channel.search, "spring", fk.TouchKind.form_submission, day(1))
    lead = fk.Lead.create("L-7", account=account(7, "smb"), source=source, at=day(1))
    webinar = fk.Touch(fk.Channel.webinar, "launch", fk.TouchKind.webinar, day(2))
    lead = lead.engage(at=day(2), touch=webinar).mark_marketing_qualified(at=day(3)).accept(at=day(3))
    facts: dict[str, bool | str] = {"budget": True, "authority": True, "need": "speed"}
    converted = (
        lead.record(at=day(4), facts=facts).qualify(at=day(4)).convert(at=day(5), opportunity_id="O-7")
    )
    report = an.report(events([converted.source, converted.target]))
    assert cells(report, "opportunities_created") == {
        ("first_touch", "spring", "search"): 1,
        ("last_touch", "launch", "webinar"): 1,
    }


def test_costs_give_cost_per_lead_and_per_opportunity_and_value() -> None:
    report = an.report(events(), costs={"spring": fk.Money("600", "EUR"), "news": fk.Money("90", "EUR")})
    assert cells(report, "campaign_cost") == {("spring", "EUR"): "600", ("news", "EUR"): "90"}
    assert cells(report, "cost_per_lead")["first_touch", "spring", "EUR"] == "300.00"
    assert cells(report, "cost_per_opportunity")["first_touch", "spring", "EUR"] == "600.00"
    assert cells(report, "campaign_value")["first_touch", "spring", "EUR"] == "600"
    assert cells(report, "campaign_value")["last_touch", "news", "EUR"] == "-90"
    assert ("first_touch", "news", "EUR") not in cells(report, "cost_per_opportunity")  # none was created


def test_a_cost_in_another_currency_than_the_revenue_is_refused() -> None:
    with pytest.raises(
        fk.InvalidInput, match=r"costs.spring: is in USD, but the campaign's won revenue is in EUR"
    ):
        an.report(events(), costs={"spring": fk.Money("600", "USD")})


@pytest.mark.parametrize(
    ("costs", "message"),
    [
        (["spring"], "costs: must map campaigns"),
        ({"spring": 600}, "costs.spring: must be a campaign's name and its cost"),
    ],
)
def test_costs_that_are_not_money_are_refused(costs: Any, message: str) -> None:
    with pytest.raises(fk.InvalidInput, match=message):
        an.report(events(), costs=costs)


def test_touch_rates_from_impressions_to_clicks_to_forms() -> None:
    at = datetime(2026, 5, 1, tzinfo=timezone.utc)
    source = fk.Touch(fk.Channel.display, "banner", fk.TouchKind.impression, at)
    lead = fk.Lead.create("L-9", account=fk.Account("a", "A", fk.AccountKind.company), source=source, at=at)
    kinds = [fk.TouchKind.impression] * 3 + [fk.TouchKind.click] * 2 + [fk.TouchKind.form_submission]
    for n, kind in enumerate(kinds, start=1):
        when = at + timedelta(hours=n)
        lead = lead.engage(at=when, touch=fk.Touch(fk.Channel.display, "banner", kind, when))
    report = an.report(lead.history)
    assert cells(report, "touches") == {
        ("banner", "display", "click"): 2,
        ("banner", "display", "form_submission"): 1,
        ("banner", "display", "impression"): 4,
    }
    assert cells(report, "click_through_rate") == {("banner", "display"): 0.5}
    assert cells(report, "touch_conversion_rate") == {("banner", "display"): 0.5}


SVG = "{http://www.w3.org/2000/svg}"
DOCS = Path(__file__).parent.parent / "docs" / "img"


def parsed(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it is well-formed
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def test_the_funnel_chart_has_a_bar_per_step_with_its_count_and_rate() -> None:
    root = parsed(an.funnel_chart(an.report(events())))
    shown = texts(root)
    assert shown[0] == "Funnel: journeys reaching each step"
    assert [shown[i] for i in range(1, len(shown), 2)] == list(an.STEPS)
    assert shown[2] == "1"  # one prospect, and no rate before the first step
    assert shown[4] == "3  (100.0% of prospect)"  # three journeys reached the lead step; the one prospect did
    assert len(root.findall(f"{SVG}rect")) == 1 + len(an.STEPS)  # the background, then a bar per step


def test_the_funnel_chart_starts_at_the_first_step_any_journey_reached() -> None:
    deals = an.report(events(), where={"kind": "opportunity"})  # the deal created without a lead
    shown = texts(parsed(an.funnel_chart(deals)))
    assert [shown[i] for i in range(1, len(shown), 2)] == ["opportunity", "won"]
    assert shown[2] == "1"
    assert shown[4] == "0  (0.0% of opportunity)"
    empty = texts(parsed(an.funnel_chart(an.report([]))))
    assert [empty[i] for i in range(1, len(empty), 2)] == list(an.STEPS)  # nothing reached: every step, at 0


def test_the_cohort_chart_has_a_bar_per_cohort() -> None:
    report = an.report(events(), by=("cohort",), period="day")
    shown = texts(parsed(an.cohort_chart(report, start="lead", end="mql")))
    assert shown == [
        "Conversion from lead to mql, by cohort",
        "2026-03-01",
        "100.0% of 1",
        "2026-03-02",
        "50.0% of 2",
    ]


def test_the_waterfall_has_start_each_move_and_end() -> None:
    change = an.pipeline_change(events(), start=day(3), end=day(30))
    shown = texts(parsed(an.waterfall_chart(change, currency="EUR", title="March & April <EUR>")))
    assert shown[0] == "March & April <EUR>"
    labels = [shown[i] for i in range(1, len(shown), 2)]
    assert labels[0] == "start"
    assert labels[-1] == "end"
    figures = dict(zip(labels, [shown[i] for i in range(2, len(shown), 2)], strict=True))
    assert figures["new"].startswith("+")
    assert figures["won"].startswith("-")
    assert an.waterfall_chart(change, currency="EUR") == an.waterfall_chart(change, currency="EUR")
    with pytest.raises(fk.InvalidInput, match=r"currency: must be one of the change's currencies, EUR, USD"):
        an.waterfall_chart(change, currency="GBP")
    empty = an.pipeline_change([], start=day(3), end=day(30))
    with pytest.raises(fk.InvalidInput, match=r"currencies, none: no deal was in scope at either date"):
        an.waterfall_chart(empty, currency="EUR")


@pytest.mark.parametrize(
    ("draw", "message"),
    [
        (lambda: an.funnel_chart(an.report(events(), by=("channel",))), "report: must not be grouped"),
        (lambda: an.cohort_chart(an.report(events())), "report: must be grouped by=\\('cohort',\\)"),
        (lambda: an.cohort_chart(an.report(events(), by=("cohort",)), start="deal"), "start: must be one of"),
        (
            lambda: an.cohort_chart(an.report(events(), by=("cohort",)), start="won", end="lead"),
            "end: must be a step after",
        ),
    ],
)
def test_a_chart_that_cannot_be_drawn_says_why(draw: object, message: str) -> None:
    with pytest.raises(fk.InvalidInput, match=message):
        draw()  # type: ignore[operator]


def test_the_docs_show_the_demos_current_charts(tmp_path: Path) -> None:
    drawn = demo.charts(demo.simulate(7, 3000))
    for name, svg in drawn.items():
        parsed(svg)
        assert (DOCS / name).read_text(encoding="utf-8") == svg, (
            "run: python -m funnelkit.demo --charts docs/img"
        )
    assert demo.main(["--prospects", "200", "--charts", str(tmp_path / "charts")]) == 0
    assert sorted(path.name for path in (tmp_path / "charts").iterdir()) == sorted(drawn)


def test_two_objects_from_one_are_one_journey_in_order_of_id() -> None:
    objects = funnel()
    prospect, lead = objects[0], objects[1]
    created = lead.history[0]
    twin = fk.Event(
        "Lead",
        "L-0",
        0,
        "create",
        None,
        "new",
        created.at,
        {**created.payload, "source": created.payload["source"]},
    )
    report = an.report([*events([prospect]), created, twin], by=("kind",))
    assert report.value("reached", kind="prospect", step="lead") == 1  # one journey, though two leads
    assert report.value("count", kind="lead", status="new") == 2


def test_reading_one_value_refuses_keys_that_match_several_rows_or_none_of_the_metric() -> None:
    grouped = an.report(events(), by=("channel",))
    with pytest.raises(fk.InvalidInput, match=r"keys: match 3 rows of reached: add one of \['channel'\]"):
        grouped.value("reached", step="lead")
    with pytest.raises(fk.InvalidInput, match=r"stepp: is not a key of reached: \['channel', 'step'\]"):
        grouped.value("reached", stepp="lead")
    with pytest.raises(
        fk.InvalidInput, match=r"metric: must be one of funnelkit.analytics.METRICS \(got 'win_rtae'\)"
    ):
        grouped.value("win_rtae")
    assert grouped.value("campaign_cost", campaign="spring") is None  # a metric, but no costs were given
    assert grouped.value("reached", channel="email", step="won") == 0


def test_every_metric_is_listed_and_defined_in_the_reference() -> None:
    costs = {"spring": fk.Money("100", "EUR")}
    metrics = {row["metric"] for row in an.report(events(), costs=costs).rows()}
    assert metrics <= set(an.METRICS)
    assert len(an.METRICS) == len(set(an.METRICS))
    reference = (Path(__file__).parent.parent / "docs" / "reference" / "metrics.md").read_text()
    assert [metric for metric in an.METRICS if f"`{metric}`" not in reference] == []


def test_a_report_table_shows_every_key_of_its_rows_and_one_precision_per_column() -> None:
    rows = (
        FrozenDict({"metric": "m", "value": 0.5}),
        FrozenDict({"metric": "m", "side": "b", "value": 0.25}),
    )
    shown = str(an.Report(None, (), rows)).splitlines()
    assert shown[2:] == ["m", "  side  value", "  -     0.500", "  b     0.250"]
    days = (FrozenDict({"metric": "d", "value": 0.5}), FrozenDict({"metric": "d", "value": 48.0}))
    assert str(an.Report(None, (), days)).splitlines()[4:] == ["    0.5", "   48.0"]


def test_sales_velocity_uses_the_average_deal_size_before_rounding() -> None:
    account_of = account(9, "smb")
    deals = [
        fk.Opportunity.create(f"O-{n}", account=account_of, at=day(0), amount=fk.Money("10", "EUR"))
        for n in range(4)
    ]
    won = [
        deal.win(at=day(3), client_id=f"C-{n}", amount=fk.Money(amount, "EUR")).source
        for n, (deal, amount) in enumerate(zip(deals[:3], ("10", "10", "10.01"), strict=False))
    ]
    report = an.report(events([*won, deals[3]]))
    assert report.value("average_deal_size", currency="EUR") == "10.00"
    # 1 open x win rate 1 x 10.00333... / 3 days = 3.33444..., not 10.00 / 3 = 3.33333...
    assert report.value("sales_velocity", currency="EUR") == "3.33"
    big = [
        deal.win(at=day(1), client_id=f"C-{n}", amount=fk.Money(amount, "EUR")).source
        for n, (deal, amount) in enumerate(zip(deals[:3], ("1000", "1000", "1001"), strict=False))
    ]
    opened = [
        fk.Opportunity.create(f"O-{n}", account=account_of, at=day(0), amount=fk.Money("1", "EUR"))
        for n in range(10, 13)
    ]
    # 3 open x 1 x 1000.333... / 1 day = 3001.00, where the rounded 1000.33 would give 3000.99
    assert an.report(events([*big, *opened])).value("sales_velocity", currency="EUR") == "3001.00"


def test_merging_accumulators_that_share_many_objects_says_how_many_more() -> None:
    lead = funnel()[1]
    left, right = an.Accumulator(), an.Accumulator()
    for n in range(25):
        twin = [
            fk.Event(
                e.subject, f"{e.subject_id}-{n}", e.sequence, e.command, e.source, e.target, e.at, e.payload
            )
            for e in lead.history
        ]
        left.add_all(twin)
        right.add_all(twin)
    with pytest.raises(fk.InvalidInput, match=r"and 5 more problems like these") as refused:
        left.merge(right)
    assert len(refused.value.problems) == 21


def test_a_stored_event_not_yet_loaded_is_refused_with_a_hint() -> None:
    stored = fk.dump(funnel()[4])["history"][0]
    with pytest.raises(
        fk.InvalidInput, match=r"must be a funnelkit Event: load stored events with funnelkit.load"
    ):
        an.Accumulator().add(stored)


def test_a_campaign_whose_won_deal_has_no_amount_has_no_value() -> None:
    source = fk.Touch(fk.Channel.search, "spring", fk.TouchKind.demo_request, day(1))
    lead = fk.Lead.create("L-8", account=account(8, "smb"), source=source, at=day(1)).fast_track(at=day(1))
    facts: dict[str, bool | str] = {"budget": True, "authority": True, "need": "speed"}
    converted = (
        lead.record(at=day(2), facts=facts).qualify(at=day(2)).convert(at=day(3), opportunity_id="O-8")
    )
    won = converted.target.win(at=day(9), client_id="C-8")
    report = an.report(events([converted.source, won.source]), costs={"spring": fk.Money("1000", "EUR")})
    assert (
        report.value(
            "deals_won_unknown_amount", attribution="first_touch", campaign="spring", channel="search"
        )
        == 1
    )
    assert report.value("campaign_value", attribution="first_touch", campaign="spring") is None  # not -1000
    assert report.value("cost_per_lead", attribution="first_touch", campaign="spring") == "1000.00"
