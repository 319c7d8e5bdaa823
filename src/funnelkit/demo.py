"""A seeded simulation of a whole funnel, printed as a summary: ``python -m funnelkit.demo``.

This module sits outside the pure core: it draws pseudo-random numbers (from its own seeded
generator, so every run with the same seed is the same) and prints. It uses only funnelkit's
public API, the way an application would.
"""

from __future__ import annotations

import argparse
import itertools
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import attrs

import funnelkit as fk
import funnelkit.analytics as an
import funnelkit.qualification as q
import funnelkit.scoring as sc

START = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
BANT = q.frameworks()["bant"]


@attrs.frozen
class Campaign:
    """Where prospects come from, and how they tend to behave."""

    name: str
    channel: fk.Channel
    response_rate: float
    hand_raise_rate: float


CAMPAIGNS = (
    Campaign("spring-webinar", fk.Channel.webinar, 0.40, 0.25),
    Campaign("brand-search", fk.Channel.search, 0.50, 0.15),
    Campaign("expo-list", fk.Channel.tradeshow, 0.20, 0.05),
    Campaign("outbound-sdr", fk.Channel.sales, 0.25, 0.0),
)
NURTURE_REASONS = ("not ready yet", "no project this quarter", "student or researcher")
DISQUALIFY_REASONS = ("no budget", "wrong market", "competitor", "junk data")
LOST_REASONS = ("pricing", "went with a competitor", "no decision", "timing")


@attrs.frozen
class Funnel:
    """Everything the simulation produced, ready to be stored or summarised."""

    prospects: tuple[fk.Prospect, ...]
    leads: tuple[fk.Lead, ...]
    opportunities: tuple[fk.Opportunity, ...]
    clients: tuple[fk.Client, ...]
    qualifications: tuple[q.QualificationResult, ...]
    """Every BANT evaluation sales made of an accepted lead."""
    campaign_of: dict[str, str]
    """The campaign of every prospect, lead and opportunity, by id."""


class _Simulation:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.leads: list[fk.Lead] = []
        self.opportunities: list[fk.Opportunity] = []
        self.clients: list[fk.Client] = []
        self.qualifications: list[q.QualificationResult] = []
        self.campaign_of: dict[str, str] = {}

    def later(self, at: datetime, most: int = 9) -> datetime:
        return at + timedelta(days=self.rng.randint(0, most), hours=self.rng.randint(0, 8))

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def prospect(self, number: int) -> fk.Prospect:
        campaign = self.rng.choice(CAMPAIGNS)
        kind = fk.AccountKind.company if self.chance(0.8) else fk.AccountKind.consumer
        account = fk.Account(
            f"A-{number}", f"Account {number}", kind, segment=self.rng.choice(["smb", "mid"])
        )
        contact = fk.Contact(
            f"Contact {number}", f"c{number}@example.com", self.rng.choice(list(fk.ContactRole))
        )
        at = START + timedelta(days=self.rng.randint(0, 60))
        prospect = fk.Prospect.create(
            f"P-{number}", account=account, contact=contact, at=at, campaign=campaign.name
        )
        self.campaign_of[prospect.id] = campaign.name
        prospect = prospect.reach_out(at=self.later(at))
        if self.chance(0.05):
            return prospect.exclude(at=self.later(prospect.last_at), reason="opted out")
        if not self.chance(campaign.response_rate):
            return prospect
        hand_raise = self.chance(campaign.hand_raise_rate)
        response = fk.TouchKind.demo_request if hand_raise else fk.TouchKind.form_submission
        at = self.later(prospect.last_at)
        touch = fk.Touch(campaign.channel, campaign.name, response, at)
        handed = prospect.respond(at=at, lead_id=f"L-{number}", touch=touch)
        self.campaign_of[handed.target.id] = campaign.name
        self.leads.append(self.lead(handed.target))
        return handed.source

    def lead(self, lead: fk.Lead) -> fk.Lead:
        lead = lead.work(at=self.later(lead.last_at))
        if "fast_track" in lead.allowed_events() and self.chance(0.7):
            return self.accepted(lead.fast_track(at=self.later(lead.last_at)))
        if self.chance(0.3):
            lead = lead.nurture(at=self.later(lead.last_at), reason=self.rng.choice(NURTURE_REASONS))
            if not self.chance(0.4):
                return lead
            lead = lead.reengage(at=self.later(lead.last_at, 40))
        if not self.chance(0.55):
            return lead.disqualify(at=self.later(lead.last_at), reason=self.rng.choice(DISQUALIFY_REASONS))
        lead = lead.mark_marketing_qualified(at=self.later(lead.last_at))
        if not self.chance(0.6):
            return lead.recycle(at=self.later(lead.last_at), reason="sales rejected: too early")
        return self.accepted(lead.accept(at=self.later(lead.last_at)))

    def accepted(self, lead: fk.Lead) -> fk.Lead:
        facts: dict[str, q.FactValue] = {"need": self.chance(0.85)}
        for name in ("budget", "authority", "timeline"):
            if self.chance(0.75):
                facts[name] = self.chance(0.85)
        lead = lead.record(at=self.later(lead.last_at), facts=facts, source="discovery call")
        result = BANT.evaluate(lead)
        self.qualifications.append(result)
        at = self.later(lead.last_at)
        if result.outcome is not q.Outcome.qualified:
            if self.chance(0.5):
                return lead.recycle(
                    at=at, reason=f"not qualified yet: ask about {', '.join(result.ask_next) or 'fit'}"
                )
            return lead.disqualify(at=at, reason=self.rng.choice(DISQUALIFY_REASONS))
        lead = lead.qualify(at=at, framework=BANT)
        amount = fk.Money(self.rng.randrange(5_000, 80_000, 500), "EUR")
        handed = lead.convert(at=self.later(lead.last_at), opportunity_id=f"O-{lead.id[2:]}", amount=amount)
        self.campaign_of[handed.target.id] = self.campaign_of[lead.id]
        self.opportunities.append(self.opportunity(handed.target))
        return handed.source

    def opportunity(self, deal: fk.Opportunity) -> fk.Opportunity:
        reopened = False
        while deal.is_open:
            at = self.later(deal.last_at, 20)
            if self.chance(0.15):
                deal = deal.lose(at=at, reason=self.rng.choice(LOST_REASONS))
                if not reopened and self.chance(0.2):
                    reopened = True
                    deal = deal.reopen(at=self.later(deal.last_at, 30))
                continue
            if "move_back" in deal.allowed_events() and self.chance(0.1):
                deal = deal.move_back(at=at)
            elif deal.status == deal.pipeline.stages[-1]:  # deals here are won from the last stage
                handed = deal.win(at=at, client_id=f"C-{deal.id[2:]}")
                self.clients.append(self.client(handed.target))
                deal = handed.source
            else:
                deal = deal.advance(at=at)
        return deal

    def client(self, client: fk.Client) -> fk.Client:
        if self.chance(0.2):
            client = client.flag_at_risk(at=self.later(client.last_at, 90), reason="usage dropped")
            if self.chance(0.5):
                client = client.churn(at=self.later(client.last_at, 60), reason="budget cut")
                if self.chance(0.3):
                    client = client.win_back(at=self.later(client.last_at, 120))
            else:
                client = client.retain(at=self.later(client.last_at, 30))
        return client


def simulate(seed: int = 7, prospects: int = 3000) -> Funnel:
    """Run a seeded funnel of ``prospects`` prospects through every lifecycle.

    Example:
        >>> funnel = simulate(seed=1, prospects=50)
        >>> len(funnel.prospects), funnel == simulate(seed=1, prospects=50)
        (50, True)
    """
    simulation = _Simulation(seed)
    names = tuple(simulation.prospect(number) for number in range(1, prospects + 1))
    return Funnel(
        names,
        tuple(simulation.leads),
        tuple(simulation.opportunities),
        tuple(simulation.clients),
        tuple(simulation.qualifications),
        simulation.campaign_of,
    )


def _counts(title: str, statuses: Iterable[str]) -> list[str]:
    counted = Counter(statuses)
    return [title, *(f"  {status:<22}{count:>7}" for status, count in sorted(counted.items()))]


COSTS = {
    "spring-webinar": fk.Money("60000", "EUR"),
    "brand-search": fk.Money("90000", "EUR"),
    "expo-list": fk.Money("120000", "EUR"),
    "outbound-sdr": fk.Money("75000", "EUR"),
}
"""What each campaign cost, for the campaign table's cost per lead and value."""
FORECAST_AT = datetime(2026, 3, 16, tzinfo=timezone.utc)
"""When the demo's forecast is read: mid-way, while many deals are open."""
STEPS = ("prospect", "lead", "mql", "sal", "sql", "opportunity", "won")


def events_of(funnel: Funnel) -> list[fk.Event]:
    """Every event the simulation recorded, object by object: what an application would store."""
    objects = (*funnel.prospects, *funnel.leads, *funnel.opportunities, *funnel.clients)
    return [event for subject in objects for event in subject.history]


def _percent(value: object) -> str:
    return "    -" if value is None else f"{100 * float(value):5.1f}%"  # type: ignore[arg-type]


def _report_lines(funnel: Funnel) -> list[str]:
    """The funnel report, the forecast and the campaign table, as funnelkit.analytics gives them."""
    events = events_of(funnel)
    report = an.report(events, costs=COSTS)
    lines = ["", "conversion along the funnel (journeys across hand-overs, from the events)"]
    for start, end in itertools.pairwise(STEPS):
        reached = report.value("reached", step=start)
        rate = report.value("conversion_rate", **{"from": start, "to": end})
        lines.append(f"  {start:>11} -> {end:<12}{reached:>7} reached {_percent(rate)} went on")
    overall = report.value("conversion_rate", **{"from": "lead", "to": "won"})
    lines.append(f"  {'lead':>11} -> {'won':<12}{'':>15} {_percent(overall)}")
    cycle = report.value("sales_cycle_days", outcome="won", statistic="median")
    lines.append(f"  win rate {_percent(report.value('win_rate'))}, median days to win {cycle:.1f}")
    for metric, title in (
        ("lost_reason", "top lost reasons"),
        ("disqualified_reason", "top disqualified reasons"),
    ):
        ranked = [row for row in report.rows() if row["metric"] == metric][:3]
        lines += [title, *(f"  {row['reason']!s:<24}{row['value']:>5}" for row in ranked)]
    forecast = an.report(events, as_of=FORECAST_AT)
    lines += ["", f"forecast as of {FORECAST_AT.date()} (EUR)"]
    for rollup in ("open_pipeline", "best_case_forecast", "commit_forecast", "closed"):
        lines.append(f"  {rollup:<22}{forecast.value('forecast', rollup=rollup, currency='EUR') or 0:>12}")
    for category in ("pipeline", "best_case", "commit"):
        weighted = forecast.value("weighted_pipeline", forecast_category=category, currency="EUR") or 0
        lines.append(f"  weighted {category:<13}{weighted:>12}")
    head = f"{'campaign (first touch)':<24}{'leads':>7}{'opps':>7}{'won':>7}"
    lines += ["", f"{head}{'revenue':>11}{'per lead':>10}{'value':>11}"]
    for campaign in CAMPAIGNS:
        name = campaign.name
        keys = {"attribution": "first_touch", "campaign": name}
        counted = [
            report.value(m, **keys) or 0 for m in ("leads_generated", "opportunities_created", "deals_won")
        ]
        revenue = report.value("won_revenue", **keys) or "0"
        per_lead = report.value("cost_per_lead", **keys) or "-"
        value = report.value("campaign_value", **keys)
        lines.append(
            f"{name:<24}{counted[0]:>7}{counted[1]:>7}{counted[2]:>7}{revenue:>11}{per_lead:>10}{value:>11}"
        )
    return lines


def summarize(funnel: Funnel) -> str:
    """Return a readable summary: statuses, the funnel report, the forecast, campaigns and a ranking."""
    leads = funnel.leads
    lines = [f"funnelkit demo: {len(funnel.prospects)} prospects from {len(CAMPAIGNS)} campaigns", ""]
    lines += _counts("prospects by status", (p.status.value for p in funnel.prospects))
    lines += _counts("leads by status", (lead.status.value for lead in leads))
    lines += _counts("opportunities by stage", (deal.status.value for deal in funnel.opportunities))
    lines += _counts("clients by status", (client.status.value for client in funnel.clients))
    outcomes = Counter(result.outcome.value for result in funnel.qualifications)
    failing = Counter(
        f"{r.criterion} {r.verdict.value}" for result in funnel.qualifications for r in result.failing
    )
    lines += ["", *_counts("BANT outcomes at sales acceptance", outcomes.elements())]
    lines += [
        "  most common failing criteria:",
        *(f"    {name:<20}{n:>7}" for name, n in failing.most_common(5)),
    ]
    return "\n".join([*lines, *_report_lines(funnel), "", *_ranking(leads)])


LEARNED = ("channel", "source_kind", "account.kind", "account.segment", "recycle_count")
"""The lead features the demo's scorer learns from: where a lead came from and who it is (not its
campaign too: in the demo each campaign has its own channel, and naive Bayes would count the
same evidence twice)."""


def rank(leads: Sequence[fk.Lead]) -> tuple[sc.NaiveBayesScorer, datetime, list[fk.Lead]]:
    """Learn naive Bayes from the closed leads; return it, the time and the open leads, best first."""
    at = max(lead.last_at for lead in leads)
    examples, outcomes = sc.training_set(leads, at=at)
    kept = [{name: example.get(name) for name in LEARNED} for example in examples]
    scorer = sc.NaiveBayesScorer.fit(kept, outcomes, id="demo-naive-bayes")
    still_open = [lead for lead in leads if lead.status not in CLOSED_LEADS]
    ranked = sorted(still_open, key=lambda lead: (-scorer.score(lead, at=at).value, lead.id))
    return scorer, at, ranked


CLOSED_LEADS = (fk.LeadStatus.converted, fk.LeadStatus.disqualified)


def _ranking(leads: Sequence[fk.Lead], top: int = 5) -> list[str]:
    scorer, at, ranked = rank(leads)
    lines = [
        f"open leads ranked by {scorer.id} (learned from {scorer.table.won + scorer.table.lost} closed leads)"
    ]
    for lead in ranked[:top]:
        result = scorer.score(lead, at=at)
        lines.append(f"  {lead.id:<8}{lead.status.value:<22}{result.probability or 0:>7.1%}")
    for lead in ranked[:1]:
        lines += ["", f"why {lead.id} comes first:", scorer.score(lead, at=at).explain()]
    return lines


CHANGE_FROM = datetime(2026, 3, 1, tzinfo=timezone.utc)
"""The demo's pipeline change runs over March."""


def charts(funnel: Funnel) -> dict[str, str]:
    """The demo's three charts as SVG text, by file name: the funnel, cohorts and the pipeline change."""
    events = events_of(funnel)
    change = an.pipeline_change(events, start=CHANGE_FROM, end=FORECAST_AT + timedelta(days=16))
    return {
        "funnel.svg": an.funnel_chart(an.report(events)),
        "cohorts.svg": an.cohort_chart(an.report(events, by=("cohort",), period="week")),
        "pipeline-change.svg": an.waterfall_chart(change, currency="EUR"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Simulate a funnel and print its summary; ``--seed`` and ``--prospects`` change it.

    ``--charts DIR`` also writes its three charts into ``DIR`` as SVG files (this demo module may
    write files; the library never does).
    """
    parser = argparse.ArgumentParser(prog="python -m funnelkit.demo", description=__doc__)
    parser.add_argument("--seed", type=int, default=7, help="seed of the simulation (default 7)")
    parser.add_argument("--prospects", type=int, default=3000, help="how many prospects (default 3000)")
    parser.add_argument("--charts", type=Path, metavar="DIR", help="write the charts as SVG files into DIR")
    arguments = parser.parse_args(argv)
    funnel = simulate(arguments.seed, arguments.prospects)
    print(summarize(funnel))
    if arguments.charts is not None:
        arguments.charts.mkdir(parents=True, exist_ok=True)
        for name, svg in charts(funnel).items():
            (arguments.charts / name).write_text(svg, encoding="utf-8")
            print(f"wrote {arguments.charts / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
