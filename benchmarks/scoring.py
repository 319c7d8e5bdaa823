"""Scoring benchmarks: ``python benchmarks/scoring.py [--quick]`` prints a markdown table.

Learning and scoring rates of the built-in scorers on seeded synthetic histories of categorical
features, each the median of a few passes, with the targets of the scoring issue beside them.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Any

import funnelkit as fk
import funnelkit.scoring as sc
import table

FEATURES = 20
"""How many features each example has."""


def history(count: int, seed: int = 11) -> tuple[list[dict[str, Any]], list[bool]]:
    """``count`` examples of ``FEATURES`` categorical features, the first few tied to the outcome."""
    rng = random.Random(seed)
    examples: list[dict[str, Any]] = []
    outcomes: list[bool] = []
    for _ in range(count):
        won = rng.random() < 0.3
        example = {
            f"f{n}": (rng.randrange(3) if rng.random() < 0.6 else int(won)) if n < 4 else rng.randrange(8)
            for n in range(FEATURES)
        }
        examples.append(example)
        outcomes.append(won)
    return examples, outcomes


def per_second(action: Callable[[], object], count: int, passes: int) -> float:
    """How many items per second ``action`` handles, ``count`` at a time, median of ``passes``."""
    rates = []
    for _ in range(passes):
        start = time.perf_counter()
        action()
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates)


def measure(*, quick: bool) -> list[tuple[str, str, str]]:
    """Each benchmark's name, figure and target."""
    count = 20_000 if quick else 200_000
    passes = 1 if quick else 3
    examples, outcomes = history(count)
    bayes = sc.NaiveBayesScorer.fit(examples, outcomes)
    scored: Sequence[dict[str, Any]] = examples[: count // 4]
    rows = [
        (
            f"naive Bayes fit, {FEATURES} features",
            per_second(lambda: sc.NaiveBayesScorer.fit(examples, outcomes), count, passes),
            ">= 500,000 examples/s",
        ),
        (
            "naive Bayes probability",
            per_second(lambda: [bayes.probability(e) for e in scored], len(scored), passes),
            ">= 100,000 examples/s",
        ),
    ]
    staged = [{**example, "stage": STAGES[n % len(STAGES)]} for n, example in enumerate(examples)]
    frequencies = sc.FrequencyScorer.fit(staged, outcomes, stage_order=STAGES)
    rows += [
        (
            f"frequency (Odoo) fit, {FEATURES} features",
            per_second(lambda: sc.FrequencyScorer.fit(staged, outcomes, stage_order=STAGES), count, passes),
            ">= 500,000 examples/s",
        ),
        (
            "frequency (Odoo) probability",
            per_second(
                lambda: [frequencies.probability(e) for e in staged[: len(scored)]], len(scored), passes
            ),
            ">= 100,000 examples/s",
        ),
    ]
    found = [(name, f"{figure:,.0f} examples/s", target) for name, figure, target in rows]
    found += measure_points(quick=quick, passes=passes)
    size = 10_000 if quick else 100_000
    numbers, results = history(size)
    start = time.perf_counter()
    sc.LogisticScorer.fit(numbers, results, categorical=[f"f{n}" for n in range(FEATURES)])
    found.append(
        (
            f"logistic fit, {size:,} examples x {FEATURES} categorical features",
            f"{time.perf_counter() - start:.1f} s",
            "report",
        )
    )
    return found


AT = datetime(2026, 6, 1, tzinfo=timezone.utc)
"""When the points benchmark scores its leads."""

CHUNK = 100_000
"""How many leads the value benchmark holds at once: a million leads of five touches take 3 GB."""


def measure_points(*, quick: bool, passes: int) -> list[tuple[str, str, str]]:
    """The points rows: ``values()`` over many leads, and ``score()`` and ``values()`` on the same leads."""
    model = points_model()
    leads = points_leads(2_000 if quick else 20_000)
    assert model.values(leads, at=AT) == [model.score(lead, at=AT).value for lead in leads]
    ratios, explained = [], []
    for _ in range(passes):
        start = time.perf_counter()
        model.values(leads, at=AT)
        middle = time.perf_counter()
        [model.score(lead, at=AT) for lead in leads]
        explained.append(len(leads) / (time.perf_counter() - middle))
        ratios.append((time.perf_counter() - middle) / (middle - start))
    total = 20_000 if quick else 1_000_000
    seconds = 0.0
    for first in range(0, total, CHUNK):
        chunk = points_leads(min(CHUNK, total - first), start=first)
        seconds += statistics.median(_seconds(partial(model.values, chunk, at=AT)) for _ in range(passes))
    return [
        (
            f"points value with half-life decay, `values()` over {total:,} leads of 5 touches",
            f"{total / seconds:,.0f} leads/s",
            ">= 200,000 leads/s",
        ),
        (
            f"points `score()` with its explanation, {len(leads):,} leads of 5 touches",
            f"{statistics.median(explained):,.0f} leads/s",
            "report",
        ),
        (
            f"points `values()` against `score()` on the same {len(leads):,} leads",
            f"{statistics.median(ratios):.1f}x faster",
            "report",
        ),
    ]


def _seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def points_model() -> sc.PointsModel:
    """A model of fit and engagement rules, engagement halving every 30 days."""
    mid = fk.attribute("segment", one_of=["mid", "enterprise"])
    who = sc.Group("who", [sc.FitRule("mid", 20, mid)])
    web = sc.Group(
        "web",
        [
            sc.EngagementRule("form", 10, kind="form_submission"),
            sc.EngagementRule("webinar", 15, kind="webinar"),
            sc.EngagementRule("pricing", 5, url_contains="/pricing", maximum=15),
        ],
        maximum=40,
        decay=sc.half_life(30),
    )
    return sc.PointsModel("bench", "1", [who, web], maximum=100)


def points_leads(count: int, start: int = 0) -> list[fk.Lead]:
    """Leads with a source touch and four more, spread over the last 90 days, numbered from ``start``."""
    rng = random.Random(5 + start)
    kinds = (fk.TouchKind.form_submission, fk.TouchKind.webinar, fk.TouchKind.visit)
    leads = []
    for number in range(start, start + count):
        first = AT - timedelta(days=90)
        account = fk.Account(f"A-{number}", "A", fk.AccountKind.company, segment=rng.choice(["smb", "mid"]))
        source = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, first, url="/pricing")
        lead = fk.Lead.create(f"L-{number}", account=account, source=source, at=first)
        for day in sorted(rng.sample(range(1, 90), 4)):
            touch = fk.Touch(fk.Channel.email, "news", rng.choice(kinds), first + timedelta(days=day))
            lead = lead.engage(at=touch.at, touch=touch)
        leads.append(lead)
    return leads


STAGES = ("new", "qualified", "proposal")
"""The stages the frequency scorer's examples stand in."""


def main(argv: Sequence[str] | None = None) -> None:
    """Print the table."""
    table.main(measure, __doc__, argv)


if __name__ == "__main__":
    main()
