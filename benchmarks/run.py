"""Measure funnelkit against its baselines in one run and print ns/op, ratios and targets.

Usage: ``python benchmarks/run.py [--quick] [--json PATH]``

Every timing is the median of interleaved rounds (each benchmark runs once per round, so a
noisy neighbour slows them all alike); ratios are taken within each round, then the median
ratio is reported. Figures are for comparison within one run, never assertions.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import timeit
import tracemalloc
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from importlib import metadata

import transitions

import funnelkit as fk
import funnelkit.qualification as q

AT = datetime(2026, 1, 1, tzinfo=timezone.utc)
ACCOUNT = fk.Account("acme", "Acme Ltd", fk.AccountKind.company)
CONTACT = fk.Contact("Ada Byron", "ada@acme.example")
SOURCE = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, AT)
EVENT = "mark_marketing_qualified"
WORKING = fk.LeadStatus.working


def working_lead(number: int = 0, contact: fk.Contact = CONTACT) -> fk.Lead:
    """A lead in status working, as most leads are when marketing qualifies them."""
    return fk.Lead.create(f"L-{number}", account=ACCOUNT, contact=contact, source=SOURCE, at=AT).work(at=AT)


class Holder:
    """The mutable model a per-object python-statemachine instance needs."""

    def __init__(self) -> None:
        """Start in working, with the attributes the lifecycle's guards read."""
        self.state: object = WORKING
        self.may_fast_track = False
        self.is_qualified = False


class Model:
    """The model a per-object transitions machine binds to."""

    state: str


def transitions_machine() -> Model:
    """A transitions Machine bound to one object, built from the same lifecycle class."""
    config = [
        {"trigger": event.id, "source": state.id, "dest": t.target.id}
        for state in fk.LeadLifecycle.states
        for t in state.transitions
        for event in t.events
        if not list(t.cond)
    ]
    model = Model()
    states = [state.id for state in fk.LeadLifecycle.states]
    transitions.Machine(
        model=model, states=states, transitions=config, initial="working", auto_transitions=False
    )
    return model


def command_benchmarks() -> dict[str, Callable[[], object]]:
    """One lead command with its event, and the same transition elsewhere."""
    lead = working_lead()
    holder = Holder()
    machine = fk.LeadLifecycle(model=holder)
    model = transitions_machine()
    table = {
        (state.id, event.id): t.target.id
        for state in fk.LeadLifecycle.states
        for t in state.transitions
        for event in t.events
    }
    key = ("working", EVENT)

    def psm() -> None:
        machine.send(EVENT)
        machine.current_state_value = WORKING

    def psm_reset() -> None:
        machine.current_state_value = WORKING

    def trans() -> None:
        model.trigger(EVENT)  # type: ignore[attr-defined]
        model.state = "working"

    def trans_reset() -> None:
        model.state = "working"

    return {
        "floor: dict table lookup": lambda: table[key],
        "funnelkit: lead command + event": lambda: lead.mark_marketing_qualified(at=AT),
        "python-statemachine, one per object": psm,
        "python-statemachine reset (subtracted)": psm_reset,
        "transitions, one per object": trans,
        "transitions reset (subtracted)": trans_reset,
    }


def calibrate(action: Callable[[], object], seconds: float) -> int:
    """How many calls take about ``seconds``."""
    number = 1
    while timeit.timeit(action, number=number) < seconds / 5:
        number *= 2
    return number * 5


def time_rounds(
    benchmarks: dict[str, Callable[[], object]], rounds: int, seconds: float
) -> dict[str, list[float]]:
    """Nanoseconds per call of every benchmark, for each round; benchmarks interleave within a round."""
    numbers = {name: calibrate(action, seconds) for name, action in benchmarks.items()}
    results: dict[str, list[float]] = {name: [] for name in benchmarks}
    for _ in range(rounds):
        for name, action in benchmarks.items():
            results[name].append(timeit.timeit(action, number=numbers[name]) / numbers[name] * 1e9)
    return results


def bytes_per(make: Callable[[int], object], count: int) -> float:
    """Bytes allocated per object for ``count`` objects kept alive."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = [make(number) for number in range(count)]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    return (after - before) / count


def fresh_lead(number: int) -> fk.Lead:
    """A new lead with its one creation event, sharing account, contact and touch."""
    return fk.Lead.create(f"L-{number}", account=ACCOUNT, contact=CONTACT, source=SOURCE, at=AT)


def fresh_lead_own_contact(number: int) -> fk.Lead:
    """A new lead with its one creation event and a contact of its own."""
    contact = fk.Contact(f"Person {number}", f"p{number}@acme.example")
    return fk.Lead.create(f"L-{number}", account=ACCOUNT, contact=contact, source=SOURCE, at=AT)


def bound_machine(_number: int) -> object:
    """A python-statemachine instance bound to its own model."""
    return fk.LeadLifecycle(model=Holder())


def histories(events: int) -> list[tuple[fk.Event, ...]]:
    """Lead histories of 10 events each, ``events`` in all."""
    made = []
    for number in range(events // 10):
        lead = fresh_lead(number)
        at = AT
        for _ in range(4):
            at += timedelta(hours=1)
            lead = lead.work(at=at) if lead.status is fk.LeadStatus.new else lead.reengage(at=at)
            lead = lead.nurture(at=at, reason="not ready")
        made.append(lead.mark_marketing_qualified(at=at).accept(at=at).history)
    return made


def replay_rate(all_histories: list[tuple[fk.Event, ...]]) -> float:
    """Events replayed per second."""
    count = sum(len(history) for history in all_histories)
    seconds = timeit.timeit(lambda: [fk.replay(history) for history in all_histories], number=1)
    return count / seconds


def bant_rate(evaluations: int) -> float:
    """Leads evaluated by BANT per second, over a thousand leads with varied evidence."""
    bant = q.frameworks()["bant"]
    names = ("budget", "authority", "need", "timeline")
    leads = []
    for number in range(1000):
        facts: dict[str, q.FactValue] = {
            name: bool((number >> bit) & 1) for bit, name in enumerate(names) if number % (bit + 2)
        }
        lead = fresh_lead(number)
        leads.append(lead.record(at=AT, facts=facts, source="call") if facts else lead)
    rounds = max(1, evaluations // len(leads))
    seconds = timeit.timeit(lambda: [bant.evaluate(lead) for lead in leads], number=rounds)
    return rounds * len(leads) / seconds


def measure(*, quick: bool) -> dict[str, object]:
    """Run everything once and return the figures."""
    timings = time_rounds(command_benchmarks(), rounds=5 if quick else 15, seconds=0.01 if quick else 0.03)
    funnelkit_ns = timings["funnelkit: lead command + event"]
    psm_ns = [
        a - b
        for a, b in zip(
            timings["python-statemachine, one per object"],
            timings["python-statemachine reset (subtracted)"],
            strict=True,
        )
    ]
    trans_ns = [
        a - b
        for a, b in zip(
            timings["transitions, one per object"], timings["transitions reset (subtracted)"], strict=True
        )
    ]
    floor_ns = timings["floor: dict table lookup"]
    count = 2_000 if quick else 20_000
    events = 50_000 if quick else 1_000_000
    return {
        "ns_per_op": {
            "floor": statistics.median(floor_ns),
            "funnelkit": statistics.median(funnelkit_ns),
            "python_statemachine": statistics.median(psm_ns),
            "transitions": statistics.median(trans_ns),
        },
        "ratios": {
            "funnelkit_over_floor": statistics.median(
                f / d for f, d in zip(funnelkit_ns, floor_ns, strict=True)
            ),
            "psm_over_funnelkit": statistics.median(p / f for p, f in zip(psm_ns, funnelkit_ns, strict=True)),
            "transitions_over_funnelkit": statistics.median(
                t / f for t, f in zip(trans_ns, funnelkit_ns, strict=True)
            ),
        },
        "bytes_per_lead": bytes_per(fresh_lead, count),
        "bytes_per_lead_own_contact": bytes_per(fresh_lead_own_contact, count),
        "bytes_per_bound_machine": bytes_per(bound_machine, count // 10),
        "replay_events_per_second": replay_rate(histories(events)),
        "replayed_events": events,
        "bant_leads_per_second": bant_rate(20_000 if quick else 1_000_000),
        "bant_evaluations": 20_000 if quick else 1_000_000,
    }


def table(figures: dict[str, object]) -> str:
    """The figures as a markdown table with targets."""
    ns: dict[str, float] = figures["ns_per_op"]  # type: ignore[assignment]
    ratios: dict[str, float] = figures["ratios"]  # type: ignore[assignment]
    per_lead = float(figures["bytes_per_lead"])  # type: ignore[arg-type]
    replay = float(figures["replay_events_per_second"])  # type: ignore[arg-type]
    bant = float(figures["bant_leads_per_second"])  # type: ignore[arg-type]
    rows = [
        ("floor: dict table lookup", f"{ns['floor']:,.0f}", "1.0x", "", ""),
        (
            "funnelkit: lead command + event",
            f"{ns['funnelkit']:,.0f}",
            f"{ratios['funnelkit_over_floor']:.1f}x floor",
            "<= 20x floor",
            ratios["funnelkit_over_floor"] <= 20,
        ),
        (
            "python-statemachine, one per object",
            f"{ns['python_statemachine']:,.0f}",
            f"{ratios['psm_over_funnelkit']:.1f}x funnelkit",
            ">= 50x",
            ratios["psm_over_funnelkit"] >= 50,
        ),
        (
            "transitions, one per object",
            f"{ns['transitions']:,.0f}",
            f"{ratios['transitions_over_funnelkit']:.1f}x funnelkit",
            ">= 4x",
            ratios["transitions_over_funnelkit"] >= 4,
        ),
        ("bytes per lead (one event, shared values)", f"{per_lead:,.0f} B", "", "<= 400 B", per_lead <= 400),
        (
            "bytes per lead (own contact)",
            f"{float(figures['bytes_per_lead_own_contact']):,.0f} B",
            "",
            "",
            "",
        ),  # type: ignore[arg-type]
        (
            "bytes per bound python-statemachine",
            f"{float(figures['bytes_per_bound_machine']):,.0f} B",
            f"{float(figures['bytes_per_bound_machine']) / per_lead:.0f}x lead",
            "",
            "",
        ),  # type: ignore[arg-type]
        (
            f"replay, {figures['replayed_events']:,} events",
            f"{replay:,.0f} events/s",
            "",
            ">= 500k/s",
            replay >= 500_000,
        ),
        (
            f"BANT evaluation, {figures['bant_evaluations']:,} leads",
            f"{bant:,.0f} leads/s",
            "",
            ">= 200k/s",
            bant >= 200_000,
        ),
    ]
    lines = ["| benchmark | ns/op or figure | ratio | target | met? |", "|---|---:|---:|---|---|"]
    for name, value, ratio, target, met in rows:
        verdict = "" if met == "" else ("yes" if met else "no")
        lines.append(f"| {name} | {value} | {ratio} | {target} | {verdict} |")
    return "\n".join(lines)


def main() -> None:
    """Parse the options, measure, print, and write JSON if asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes and few rounds, for a smoke run")
    parser.add_argument("--json", metavar="PATH", help="also write the figures to PATH as JSON")
    arguments = parser.parse_args()
    versions = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("funnelkit", "python-statemachine", "transitions", "attrs")
    )
    print(f"Python {platform.python_version()} on {platform.machine()}; {versions}")
    figures = measure(quick=arguments.quick)
    print(table(figures))
    if arguments.json:
        with open(arguments.json, "w", encoding="utf-8") as out:  # noqa: PTH123 - a plain report file
            json.dump(figures, out, indent=2)


if __name__ == "__main__":
    main()
