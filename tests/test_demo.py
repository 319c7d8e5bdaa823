"""The demo simulation: deterministic, consistent, and every object it makes replays."""

import subprocess
import sys

import pytest

import funnelkit as fk
from funnelkit import demo
from funnelkit.testing import check_invariants


@pytest.fixture(scope="module")
def funnel() -> demo.Funnel:
    return demo.simulate(seed=3, prospects=1500)


def test_same_seed_same_funnel(funnel: demo.Funnel) -> None:
    assert demo.summarize(demo.simulate(seed=3, prospects=1500)) == demo.summarize(funnel)
    assert demo.summarize(demo.simulate(seed=4, prospects=1500)) != demo.summarize(funnel)


def test_every_object_keeps_the_rules(funnel: demo.Funnel) -> None:
    objects = [*funnel.prospects, *funnel.leads, *funnel.opportunities, *funnel.clients]
    for subject in objects:
        check_invariants(subject)
    assert len(funnel.prospects) == 1500
    assert len(funnel.leads) == sum(p.status is fk.ProspectStatus.responded for p in funnel.prospects)
    assert len(funnel.opportunities) == sum(lead.status is fk.LeadStatus.converted for lead in funnel.leads)
    assert len(funnel.clients) == sum(deal.status.is_won for deal in funnel.opportunities)


def test_the_simulation_takes_every_side_road(funnel: demo.Funnel) -> None:
    commands = {
        event.command
        for subject in (*funnel.leads, *funnel.opportunities, *funnel.clients)
        for event in subject.history
    }
    assert {
        "nurture",
        "reengage",
        "recycle",
        "fast_track",
        "move_back",
        "reopen",
        "churn",
        "win_back",
        "retain",
    } <= commands


def test_summary_counts_add_up(funnel: demo.Funnel) -> None:
    text = demo.summarize(funnel)
    block = text.split("prospects by status\n")[1].split("leads by status")[0]
    assert sum(int(line.split()[-1]) for line in block.splitlines()) == 1500
    assert "most common failing criteria" in text
    assert "sal -> sql" in text
    assert "forecast as of 2026-03-16 (EUR)" in text
    table = text.split("campaign (first touch)")[1].split("\n\n")[0].splitlines()[1:]
    assert sum(int(line.split()[1]) for line in table) == len(funnel.leads)  # every lead has its campaign
    assert sum(int(line.split()[3]) for line in table) == sum(d.status.is_won for d in funnel.opportunities)


def test_a_rate_nobody_reached_reads_as_a_dash() -> None:
    assert demo._percent(None).strip() == "-"
    assert demo._percent(0.5) == " 50.0%"


def test_main_prints_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.main(["--seed", "3", "--prospects", "400"]) == 0
    assert capsys.readouterr().out.strip() == demo.summarize(demo.simulate(seed=3, prospects=400))


def test_runs_as_a_module() -> None:
    # the way make demo runs it, in a process of its own
    done = subprocess.run(
        [sys.executable, "-m", "funnelkit.demo", "--prospects", "60"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("funnelkit demo: 60 prospects")


def test_the_demo_ranks_its_open_leads_best_first_and_explains_the_top_one(funnel: demo.Funnel) -> None:
    scorer, at, ranked = demo.rank(funnel.leads)
    assert ranked
    assert all(lead.status not in demo.CLOSED_LEADS for lead in ranked)
    values = [scorer.score(lead, at=at).value for lead in ranked]
    assert values == sorted(values, reverse=True)
    text = demo.summarize(funnel)
    assert f"why {ranked[0].id} comes first:" in text
    assert scorer.score(ranked[0], at=at).explain() in text
