"""Analytics benchmarks: ``python benchmarks/analytics.py [--quick]`` prints a markdown table.

The events are the demo's simulated funnel (seed 7), copied as many times as needed with every
id (and every id a payload links to) suffixed by the copy's number, so journeys stay whole. They
are made as they are read, never held, and the time to make them is measured apart and taken
off: the figures are the report's own.
"""

from __future__ import annotations

import gc
import resource
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from typing import Any

import funnelkit as fk
import funnelkit.analytics as an
import table
from funnelkit import demo

LINKS = ("prospect_id", "lead_id", "opportunity_id", "client_id")
"""The payload keys that name another object: copied with the same suffix as the ids."""


def base_events() -> list[fk.Event]:
    """The demo funnel's events, object by object."""
    funnel = demo.simulate(7, 3000)
    objects = (*funnel.prospects, *funnel.leads, *funnel.opportunities, *funnel.clients)
    return [event for subject in objects for event in subject.history]


def copies(events: Sequence[fk.Event], count: int, *, kinds: tuple[str, ...] = ()) -> Iterator[fk.Event]:
    """``count`` events: the base events again and again, each copy's ids suffixed by its number."""
    chosen = [event for event in events if not kinds or event.subject in kinds]
    linked = [tuple(key for key in LINKS if isinstance(event.payload.get(key), str)) for event in chosen]
    made = 0
    copy = 0
    while made < count:
        suffix = f"~{copy}"
        for event, keys in zip(chosen, linked, strict=True):
            if made == count:
                return
            payload: Any = event.payload
            if keys:
                payload = {**payload, **{key: payload[key] + suffix for key in keys}}
            yield fk.Event(
                event.subject,
                event.subject_id + suffix,
                event.sequence,
                event.command,
                event.source,
                event.target,
                event.at,
                payload,
            )
            made += 1
        copy += 1


def seconds(action: Callable[[], object]) -> float:
    """How long ``action`` takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def drain(events: Iterator[fk.Event]) -> None:
    """Read every event and do nothing: the cost of making them."""
    for _ in events:
        pass


def peak_megabytes() -> float:
    """The process's peak resident memory so far, in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(*, quick: bool) -> list[tuple[str, str, str]]:
    """Each benchmark's name, figure and target."""
    base = base_events()
    count = 300_000 if quick else 10_000_000
    making = seconds(lambda: drain(copies(base, count)))
    rows = _report(base, count, making)
    rows.append(_paused(base, count, making))
    rows.append(_merge(base, 300_000 if quick else 1_000_000))
    rows.append(_change(base, 20_000 if quick else 1_000_000))
    return rows


def _report(base: Sequence[fk.Event], count: int, making: float) -> list[tuple[str, str, str]]:
    """The report over ``count`` events, and the peak memory it took."""
    before = peak_megabytes()
    accumulator = an.Accumulator()
    adding = seconds(lambda: accumulator.add_all(copies(base, count))) - making
    reporting = seconds(accumulator.report)
    objects = len(accumulator)
    peak = peak_megabytes()
    return [
        (
            f"report over {count:,} events ({objects:,} objects): add + report",
            f"{count / (adding + reporting):,.0f} events/s ({adding:.1f} s + {reporting:.1f} s)",
            ">= 500,000 events/s",
        ),
        (
            "peak memory of that report",
            f"{peak:,.0f} MB ({(peak - before) * 1e6 / objects:,.0f} bytes per object over the start)",
            "print; proportional to objects",
        ),
    ]


def _paused(base: Sequence[fk.Event], count: int, making: float) -> tuple[str, str, str]:
    """The same report with Python's cyclic garbage collector paused, as the how-to suggests."""
    gc.collect()
    gc.disable()
    try:
        accumulator = an.Accumulator()
        adding = seconds(lambda: accumulator.add_all(copies(base, count))) - making
        reporting = seconds(accumulator.report)
    finally:
        gc.enable()
    return (
        "the same, the caller pausing the cyclic garbage collector (gc.disable)",
        f"{count / (adding + reporting):,.0f} events/s ({adding:.1f} s + {reporting:.1f} s)",
        "report",
    )


def _merge(base: Sequence[fk.Event], count: int) -> tuple[str, str, str]:
    """Eight accumulators, each on the copies of one slice, merged and reported, against one pass."""
    parts = [an.Accumulator() for _ in range(8)]
    for event in copies(base, count):
        parts[hash(event.subject_id.rpartition("~")[2]) % 8].add(event)
    start = time.perf_counter()
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.merge(part)
    merging = time.perf_counter() - start
    reporting = seconds(merged.report)
    one = an.Accumulator().add_all(copies(base, count))
    assert one.report() == merged.report()
    return (
        f"merge 8 partial accumulators of {count:,} events in all, then report",
        f"{merging:.2f} s merge + {reporting:.1f} s report (equal to one pass)",
        "report",
    )


def _change(base: Sequence[fk.Event], deals: int) -> tuple[str, str, str]:
    """The pipeline change between two dates over ``deals`` opportunities."""
    per_copy = sum(1 for event in base if event.subject == "Opportunity")
    opportunities = sum(1 for event in base if event.subject == "Opportunity" and event.command == "create")
    count = per_copy * -(-deals // opportunities)
    making = seconds(lambda: drain(copies(base, count, kinds=("Opportunity",))))
    start, end = datetime(2026, 3, 1, tzinfo=timezone.utc), datetime(2026, 4, 1, tzinfo=timezone.utc)
    taken = seconds(
        lambda: an.pipeline_change(copies(base, count, kinds=("Opportunity",)), start=start, end=end)
    )
    return (
        f"pipeline change between two dates, {deals:,} opportunities ({count:,} events)",
        f"{taken - making:.1f} s ({count / (taken - making):,.0f} events/s)",
        "report",
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Print the table."""
    table.main(measure, __doc__, argv)


if __name__ == "__main__":
    main()
