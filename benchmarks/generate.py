"""A seeded event log of any size as Parquet files: ``python benchmarks/generate.py OUT_DIR --events N``.

A few base blocks of realistic journeys are built with funnelkit's own commands, each from its
own seed: prospects of eight campaigns reached out to, some responding into leads that an SDR
works, engages, marks MQL, accepts, qualifies with BANT, disqualifies, nurtures or recycles;
qualified leads converted into opportunities with an amount, an account executive from the
territory rules, close-date and amount estimates and forecasts set by hand, moved through the
stages and won or lost; clients with a success manager, expansions, risk and churn.

The blocks are then tiled column by column with pyarrow: copy ``k`` suffixes every object id,
every account id and every id a payload links to (``LINKS``) with ``~k``, so journeys stay whole
and valid and copies cost almost nothing. Copy ``k`` takes block ``k`` modulo the number of
blocks. Each file holds whole copies (the last copy cut after a whole journey, to reach the
events asked for), its rows sorted by ``tabular.ORDER``, so a reader takes it file by file and
object by object; the rows are made and written a row group at a time, never all held.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
import pyarrow.compute as pc  # type: ignore[import-untyped, unused-ignore]
import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]

import funnelkit as fk
import funnelkit.qualification as q
import funnelkit.tabular as ft
from funnelkit.demo import CAMPAIGNS as DEMO_CAMPAIGNS
from funnelkit.demo import DISQUALIFY_REASONS, LOST_REASONS, NURTURE_REASONS, Campaign

LINKS = ("prospect_id", "lead_id", "opportunity_id", "client_id")
"""The payload keys that name another object: copied with the same suffix as the ids."""

START = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
"""When the first block's campaigns start; each further block's start a quarter later, and the
log ends 120 days after the last block's start."""
CAMPAIGNS = (
    *DEMO_CAMPAIGNS,
    Campaign("partner-referrals", fk.Channel.referral, 0.55, 0.35),
    Campaign("linkedin-ads", fk.Channel.social, 0.30, 0.10),
    Campaign("monthly-newsletter", fk.Channel.email, 0.15, 0.05),
    Campaign("analyst-report", fk.Channel.content, 0.35, 0.10),
)
ENGAGEMENTS = (
    (fk.Channel.email, "monthly-newsletter", fk.TouchKind.email_open),
    (fk.Channel.webinar, "spring-webinar", fk.TouchKind.webinar),
    (fk.Channel.content, "analyst-report", fk.TouchKind.download),
    (fk.Channel.search, "brand-search", fk.TouchKind.visit),
    (fk.Channel.sales, "outbound-sdr", fk.TouchKind.meeting),
)
"""What a worked lead engages with: (channel, campaign, kind)."""
SDRS = ("sdr-amy", "sdr-ben", "sdr-cal", "sdr-dia", "sdr-eli", "sdr-fay")
"""Who works the leads, in turn."""
CSMS = ("csm-gus", "csm-hal", "csm-ivy", "csm-jan")
"""Who looks after the clients."""
TERRITORIES = fk.Territories(
    [
        fk.TerritoryRule(
            "enterprise",
            fk.attribute("employees", at_least=1000),
            fk.Territory("enterprise", [fk.Owner("ae-ike", capacity=2), "ae-jo"]),
        ),
        fk.TerritoryRule(
            "dach",
            fk.attribute("country", one_of=["DE", "AT", "CH"]),
            fk.Territory("dach", ["ae-ada", "ae-bo"]),
        ),
        fk.TerritoryRule(
            "emea", fk.attribute("region", one_of="EMEA"), fk.Territory("emea", ["ae-cy", "ae-dee"])
        ),
        fk.TerritoryRule(
            "north-america",
            fk.attribute("region", one_of="NA"),
            fk.Territory("north-america", ["ae-eve", "ae-finn", "ae-gil"]),
        ),
    ],
    default=fk.Territory("rest-of-world", ["ae-hana"]),
)
"""Which account executive takes an opportunity: by the account's size and country."""
COUNTRIES = (
    ("DE", "EMEA"),
    ("AT", "EMEA"),
    ("CH", "EMEA"),
    ("FR", "EMEA"),
    ("GB", "EMEA"),
    ("NL", "EMEA"),
    ("US", "NA"),
    ("US", "NA"),
    ("CA", "NA"),
    ("BR", "LATAM"),
    ("JP", "APAC"),
    ("AU", "APAC"),
)
INDUSTRIES = ("software", "retail", "manufacturing", "finance", "healthcare", "logistics")
BANT = q.frameworks()["bant"]

BLOCKS = 4
"""How many base blocks, each from its own seed."""
PROSPECTS = 2500
"""Prospects per base block (about 5 events each, all kinds counted)."""
ROWS_PER_FILE = 1_000_000
"""About how many rows a file holds, by default: it holds whole copies of blocks."""
ROW_GROUP = 131_072
"""Rows made and written at a time, a row group: with ``WORKERS``, what bounds the memory."""
WORKERS = min(4, os.cpu_count() or 1)
"""Base blocks built at once (in processes) and files written at once (in threads: pyarrow and
numpy let go of the GIL)."""
MARK = "\x00"
"""Put after each id a copy suffixes, before the payload is JSON text; never in a payload."""
ENCODED_MARK = json.dumps(MARK)[1:-1]
SCHEMA = pa.schema(
    [(name, pa.int64() if kind == "int64" else pa.string()) for name, kind in ft.COLUMNS.items()]
)
DICTIONARY = ["subject", "command", "source", "target", "at"]
"""The columns with few distinct values, dictionary-encoded in the files."""


class _Journeys:
    """One base block: a seeded funnel run through every lifecycle with funnelkit's commands."""

    def __init__(self, seed: int, start: datetime) -> None:
        self.rng = random.Random(seed)
        self.start = start
        self.objects: list[fk.Prospect | fk.Lead | fk.Opportunity | fk.Client] = []
        self.sdr_turn = 0
        self.rotation = fk.Rotation()

    def later(self, at: datetime, most: int = 9) -> datetime:
        return at + timedelta(days=self.rng.randint(0, most), hours=self.rng.randint(1, 8))

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def account(self, number: int) -> fk.Account:
        employees = int(self.rng.lognormvariate(4.5, 1.6)) + 1
        segment = "smb" if employees < 100 else "mid" if employees < 1000 else "enterprise"
        country, region = self.rng.choice(COUNTRIES)
        kind = fk.AccountKind.company if self.chance(0.9) else fk.AccountKind.consumer
        return fk.Account(
            f"A-{number}",
            f"Account {number}",
            kind,
            segment=segment,
            industry=self.rng.choice(INDUSTRIES),
            employees=employees,
            country=country,
            region=region,
        )

    def prospect(self, number: int) -> None:
        campaign = self.rng.choice(CAMPAIGNS)
        role = self.rng.choice(list(fk.ContactRole))
        contact = fk.Contact(f"Contact {number}", f"c{number}@example.com", role)
        at = self.start + timedelta(days=self.rng.randint(0, 80), hours=self.rng.randint(0, 9))
        prospect = fk.Prospect.create(
            f"P-{number}", account=self.account(number), contact=contact, at=at, campaign=campaign.name
        )
        if self.chance(0.03):
            self.objects.append(prospect)
            return
        prospect = prospect.reach_out(at=self.later(at))
        if self.chance(0.05):
            prospect = prospect.exclude(at=self.later(prospect.last_at), reason="opted out")
        elif self.chance(campaign.response_rate):
            hand_raise = self.chance(campaign.hand_raise_rate)
            response = fk.TouchKind.demo_request if hand_raise else fk.TouchKind.form_submission
            at = self.later(prospect.last_at)
            touch = fk.Touch(campaign.channel, campaign.name, response, at)
            handed = prospect.respond(at=at, lead_id=f"L-{number}", touch=touch)
            prospect = handed.source
            self.lead(handed.target, number)
        self.objects.append(prospect)

    def lead(self, lead: fk.Lead, number: int) -> None:
        owner = SDRS[self.sdr_turn % len(SDRS)]
        self.sdr_turn += 1
        lead = lead.assign(at=lead.last_at, owner=owner, reason="next in the SDR queue", rule="sdr-queue")
        lead = lead.work(at=self.later(lead.last_at))
        for _ in range(self.rng.choice((0, 0, 1, 1, 2, 3))):
            channel, campaign, kind = self.rng.choice(ENGAGEMENTS)
            at = self.later(lead.last_at, 6)
            lead = lead.engage(at=at, touch=fk.Touch(channel, campaign, kind, at))
        self.objects.append(self.worked(lead, number))

    def worked(self, lead: fk.Lead, number: int) -> fk.Lead:
        if "fast_track" in lead.allowed_events() and self.chance(0.7):
            return self.accepted(lead.fast_track(at=self.later(lead.last_at)), number)
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
        return self.accepted(lead.accept(at=self.later(lead.last_at)), number)

    def accepted(self, lead: fk.Lead, number: int) -> fk.Lead:
        facts: dict[str, q.FactValue] = {"need": self.chance(0.85)}
        for name in ("budget", "authority", "timeline"):
            if self.chance(0.75):
                facts[name] = self.chance(0.85)
        lead = lead.record(at=self.later(lead.last_at), facts=facts, source="discovery call")
        result = BANT.evaluate(lead)
        at = self.later(lead.last_at)
        if result.outcome is not q.Outcome.qualified:
            if self.chance(0.5):
                return lead.recycle(
                    at=at, reason=f"not qualified yet: ask about {', '.join(result.ask_next) or 'fit'}"
                )
            return lead.disqualify(at=at, reason=self.rng.choice(DISQUALIFY_REASONS))
        lead = lead.qualify(at=at, framework=BANT)
        size = 3 if lead.account.segment == "enterprise" else 1
        amount = fk.Money(self.rng.randrange(5_000, 80_000, 500) * size, "EUR")
        handed = lead.convert(at=self.later(lead.last_at), opportunity_id=f"O-{number}", amount=amount)
        deal, won = self.opportunity(self.handed_to_sales(handed.target), number)
        self.objects.append(deal)
        if won is not None:
            self.objects.append(self.client(won, number))
        return handed.source

    def handed_to_sales(self, deal: fk.Opportunity) -> fk.Opportunity:
        """The deal given to its territory's account executive, with a first close date."""
        assignment = TERRITORIES.assign(deal.account, rotation=self.rotation)
        self.rotation = assignment.rotation
        at = self.later(deal.last_at, 2)
        deal = deal.assign(at=at, owner=assignment.owner, reason=assignment.reason, rule=assignment.rule)
        deal = deal.update_account(at=at, territory=assignment.territory)
        close = (at + timedelta(days=self.rng.randint(30, 120))).date()
        return deal.estimate(at=at, close_date=close)

    def opportunity(
        self, deal: fk.Opportunity, number: int, client: fk.Client | None = None
    ) -> tuple[fk.Opportunity, fk.Client | None]:
        """The deal run to its end, and the client it was won for (new, or ``client`` updated)."""
        reopened = False
        won: fk.Client | None = None
        while deal.is_open:
            at = self.later(deal.last_at, 20)
            if self.chance(0.2):
                deal = self.reestimated(deal, at)
            elif self.chance(0.13):
                deal = deal.lose(at=at, reason=self.rng.choice(LOST_REASONS))
                if not reopened and self.chance(0.2):
                    reopened = True
                    deal = deal.reopen(at=self.later(deal.last_at, 30))
            elif "move_back" in deal.allowed_events() and self.chance(0.1):
                deal = deal.move_back(at=at)
            elif deal.status == deal.pipeline.stages[-1]:  # deals here are won from the last stage
                discount = self.rng.choice((1, 1, 0.95, 0.9))
                final = deal.amount and fk.Money(int(round(float(deal.amount.amount) * discount, -2)), "EUR")
                if client is None:
                    handed = deal.win(at=at, client_id=f"C-{number}", amount=final)
                else:
                    handed = deal.win(at=at, client=client, amount=final)
                deal, won = handed.source, handed.target
            else:
                deal = deal.advance(at=at)
                if deal.status.value == "negotiation" and self.chance(0.3):
                    category = self.rng.choice((fk.ForecastCategory.commit, fk.ForecastCategory.best_case))
                    probability = Decimal(self.rng.choice(("0.7", "0.85", "0.9")))
                    deal = deal.set_forecast(at=deal.last_at, probability=probability, category=category)
        return deal, won

    def reestimated(self, deal: fk.Opportunity, at: datetime) -> fk.Opportunity:
        """A new amount, a pushed close date, or both."""
        amount = None
        if deal.amount is not None and self.chance(0.6):
            factor = self.rng.choice((0.8, 0.9, 1.1, 1.25))
            amount = fk.Money(int(round(float(deal.amount.amount) * factor, -2)), deal.amount.currency)
        close: date | None = None
        if amount is None or self.chance(0.4):
            base = deal.close_date or at.date()
            close = max(base, at.date()) + timedelta(days=self.rng.randint(7, 45))
        return deal.estimate(at=at, amount=amount, close_date=close)

    def client(self, client: fk.Client, number: int) -> fk.Client:
        client = client.assign(at=client.last_at, owner=self.rng.choice(CSMS), reason="onboarding")
        if self.chance(0.15):
            at = self.later(client.last_at, 120)
            amount = fk.Money(self.rng.randrange(2_000, 20_000, 500), "EUR")
            handed = client.expand(at=at, opportunity_id=f"O-{number}-2", amount=amount)
            client = handed.source
            deal = handed.target.assign(at=at, owner=self.rng.choice(CSMS), reason="expansion by the CSM")
            deal = deal.estimate(at=at, close_date=(at + timedelta(days=45)).date())
            deal, won = self.opportunity(deal, number, client)
            self.objects.append(deal)
            client = won or client
        if self.chance(0.2):
            client = client.flag_at_risk(at=self.later(client.last_at, 90), reason="usage dropped")
            if self.chance(0.5):
                client = client.churn(at=self.later(client.last_at, 60), reason="budget cut")
                if self.chance(0.3):
                    client = client.win_back(at=self.later(client.last_at, 120))
            else:
                client = client.retain(at=self.later(client.last_at, 30))
        return client


def journeys(seed: int, prospects: int, start: datetime, end: datetime) -> list[fk.Event]:
    """A block's events up to ``end``, object by object: ``prospects`` seeded journeys from ``start``.

    Every object of journey ``n`` has ``n`` in its id: ``P-n``, ``L-n``, ``O-n``, ``O-n-2`` (an
    expansion), ``C-n``. The log stops at ``end``, leaving leads and deals open: each object keeps
    the events until then (its times never go back, and both sides of a hand-over share its time,
    so every link still resolves).
    """
    block = _Journeys(seed, start)
    for number in range(1, prospects + 1):
        block.prospect(number)
    return [
        event
        for subject in block.objects
        for event in itertools.takewhile(lambda event: event.at <= end, subject.history)
    ]


Block = tuple[int, int, datetime, datetime]
"""What makes a base block: its seed, prospects, start and end (see ``journeys``)."""


def block_rows(block: Block) -> list[dict[str, Any]]:
    """The rows of ``block``'s events (``tabular.row``), each payload cut where a copy suffixes an id.

    A row's ``payload`` is a list of texts: a copy's payload is them joined by its suffix.
    """
    marked = ('"account":{', *(f'"{key}":"' for key in LINKS))
    rows = []
    for event in journeys(*block):
        row = ft.row(event)
        text = row["payload"]
        if any(key in text for key in marked):
            payload = json.loads(text)
            assert json.dumps(payload, sort_keys=True, separators=(",", ":")) == text
            text = json.dumps(_marked(payload), sort_keys=True, separators=(",", ":"))
        row["payload"] = text.split(ENCODED_MARK)
        rows.append(row)
    return rows


def _marked(value: object, key: str | None = None) -> object:
    """``value`` (a stored payload) with the mark after each id a copy suffixes."""
    if isinstance(value, dict):
        marked = {name: _marked(item, name) for name, item in value.items()}
        account = marked.get("account")
        if isinstance(account, dict) and isinstance(account.get("id"), str):
            marked["account"] = {**account, "id": account["id"] + MARK}
        return marked
    if key in LINKS and isinstance(value, str):
        return value + MARK
    return value


class Base:
    """The base blocks' rows, ready to tile: each block's objects sorted as ``tabular.ORDER`` sorts copies.

    Every object of any block is a *group*, ``(subject, id)``; groups are sorted by subject and
    id followed by ``~`` (so a copy's suffix never reorders them) and ``start``/``length`` say
    where each block holds each group's rows (length 0 where it has none). ``table`` has the
    rows of all blocks, the payload's parts as ``part0``, ``part1``, ..., and ``links`` says
    which rows have a suffix after each part but the last.
    """

    def __init__(self, blocks: Sequence[list[dict[str, Any]]]) -> None:
        """Lay out the rows of ``blocks`` (see ``block_rows``), each block's objects whole."""
        keys = sorted({(row["subject"], row["subject_id"] + "~") for block in blocks for row in block})
        self.groups = {key: number for number, key in enumerate(keys)}
        self.journey = np.array([int(name[:-1].split("-")[1]) for _, name in keys], dtype=np.int64)
        self.start = np.zeros((len(blocks), len(keys)), dtype=np.int64)
        self.length = np.zeros((len(blocks), len(keys)), dtype=np.int64)
        self.events = np.zeros(len(blocks), dtype=np.int64)
        self.by_journey: list[npt.NDArray[np.int64]] = []
        rows: list[dict[str, Any]] = []
        for number, block in enumerate(blocks):
            block.sort(
                key=lambda row: (self.groups[row["subject"], row["subject_id"] + "~"], row["sequence"])
            )
            counts = np.zeros(int(self.journey.max()) + 1, dtype=np.int64)
            for row in block:
                group = self.groups[row["subject"], row["subject_id"] + "~"]
                if self.length[number, group] == 0:
                    self.start[number, group] = len(rows)
                self.length[number, group] += 1
                counts[self.journey[group]] += 1
                rows.append(row)
            self.events[number] = len(block)
            self.by_journey.append(np.cumsum(counts))
        columns = {
            name: pa.array([row[name] for row in rows], SCHEMA.field(name).type)
            for name in ft.COLUMNS
            if name != "payload"
        }
        most = max(len(row["payload"]) for row in rows)
        for part in range(most):
            texts = [row["payload"][part] if part < len(row["payload"]) else "" for row in rows]
            columns[f"part{part}"] = pa.array(texts, pa.string())
        self.table = pa.table(columns)
        self.links = [np.array([part < len(row["payload"]) - 1 for row in rows]) for part in range(most - 1)]

    def __len__(self) -> int:
        """How many blocks."""
        return len(self.events)


def plan(base: Base, events: int) -> list[tuple[int, int]]:
    """Each copy's block and its last journey (0 for all) to make ``events`` events.

    The copies are whole but the last, cut after the journey that brings the events to ``events``.
    """
    copies: list[tuple[int, int]] = []
    made = 0
    while made < events:
        block = len(copies) % len(base)
        left = events - made
        if base.events[block] <= left:
            copies.append((block, 0))
            made += int(base.events[block])
        else:
            cumulative = base.by_journey[block]
            last = int(np.searchsorted(cumulative, left))
            copies.append((block, last))
            made += int(cumulative[last])
    return copies


def _layout(
    base: Base, copies: Mapping[int, tuple[int, int]]
) -> tuple[list[int], npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
    """The layout of a file of ``copies`` (their blocks and last journeys, by copy number).

    Returns the copy numbers in id order, the base row of each of the file's rows and its copy's
    place in those numbers (the rows sorted as ``tabular.ORDER`` sorts them), and the objects.
    """
    numbers = sorted(copies, key=str)  # "O-1~10" comes before "O-1~2"
    blocks = np.array([copies[number][0] for number in numbers])
    last = np.array([copies[number][1] or np.iinfo(np.int64).max for number in numbers])
    lengths = base.length[blocks].T * (base.journey[:, None] <= last[None, :])
    starts = base.start[blocks].T.ravel()
    places = np.tile(np.arange(len(numbers), dtype=np.int64), lengths.shape[0])
    lengths = lengths.ravel()
    kept = lengths > 0
    lengths, starts, places = lengths[kept], starts[kept], places[kept]
    offsets = np.cumsum(lengths) - lengths
    rows = np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)
    return numbers, rows, np.repeat(places, lengths), int(kept.sum())


def _chunks(
    base: Base, numbers: Sequence[int], rows: npt.NDArray[np.int64], places: npt.NDArray[np.int64]
) -> Iterator[pa.Table]:
    """The file's rows, ``ROW_GROUP`` at a time, as tables of ``SCHEMA``."""
    suffixes = pa.array([f"~{number}" for number in numbers] + [""])
    none = len(numbers)
    for first in range(0, len(rows), ROW_GROUP):
        chosen = rows[first : first + ROW_GROUP]
        place = places[first : first + ROW_GROUP]
        taken = base.table.take(pa.array(chosen))
        suffix = suffixes.take(pa.array(place))
        pieces = [taken.column("part0")]
        for number, linked in enumerate(base.links):
            marks = suffixes.take(pa.array(np.where(linked[chosen], place, none)))
            pieces += [marks, taken.column(f"part{number + 1}")]
        columns = {name: taken.column(name) for name in ft.COLUMNS if name not in {"subject_id", "payload"}}
        columns["subject_id"] = pc.binary_join_element_wise(taken.column("subject_id"), suffix, "")
        columns["payload"] = pc.binary_join_element_wise(*pieces, "") if base.links else pieces[0]
        yield pa.table([columns[name] for name in ft.COLUMNS], schema=SCHEMA)


def write(base: Base, path: Path, copies: Mapping[int, tuple[int, int]]) -> tuple[int, int]:
    """Write the file of ``copies`` (their blocks and last journeys, by copy number) at ``path``.

    Returns its events and objects.
    """
    numbers, rows, places, objects = _layout(base, copies)
    with pq.ParquetWriter(path, SCHEMA, compression="zstd", use_dictionary=DICTIONARY) as writer:
        for chunk in _chunks(base, numbers, rows, places):
            writer.write_table(chunk, row_group_size=ROW_GROUP)
    return len(rows), objects


def generate(
    out_dir: str | Path,
    events: int,
    *,
    seed: int = 7,
    rows_per_file: int = ROWS_PER_FILE,
    blocks: int = BLOCKS,
    prospects: int = PROSPECTS,
) -> dict[str, float]:
    """Write a seeded log of at least ``events`` events (whole journeys) into ``out_dir``.

    The files are ``part-00000.parquet`` and on, of about ``rows_per_file`` rows each (whole
    copies of a block), their rows sorted by ``tabular.ORDER``; ``blocks`` base blocks of
    ``prospects`` prospects each. Returns the events, objects and files written, the seconds
    taken (building the blocks included) and the events per second.

    Raises:
        FileExistsError: ``out_dir`` already holds Parquet files.
    """
    began = time.perf_counter()
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.glob("*.parquet")):
        raise FileExistsError(f"{folder} already holds Parquet files: give an empty directory")
    seeds = random.Random(seed)
    end = START + timedelta(days=91 * (blocks - 1) + 120)
    made: list[Block] = [
        (seeds.getrandbits(64), prospects, START + timedelta(days=91 * number), end)
        for number in range(blocks)
    ]
    if min(blocks, WORKERS) > 1:
        with ProcessPoolExecutor(max_workers=min(blocks, WORKERS)) as processes:
            base = Base(list(processes.map(block_rows, made)))
    else:
        base = Base([block_rows(block) for block in made])
    copies = plan(base, events)
    per_file = max(1, round(rows_per_file / float(base.events.mean())))
    files = [
        (
            folder / f"part-{number:05d}.parquet",
            {copy: copies[copy] for copy in range(first, first + per_file) if copy < len(copies)},
        )
        for number, first in enumerate(range(0, len(copies), per_file))
    ]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        done = list(pool.map(lambda file: write(base, *file), files))
    written = sum(rows for rows, _ in done)
    objects = sum(count for _, count in done)
    seconds = time.perf_counter() - began
    return {
        "events": written,
        "objects": objects,
        "files": len(files),
        "seconds": seconds,
        "events_per_second": written / seconds,
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Generate the files the command line asks for and print what was written."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path, help="the directory to write the Parquet files into")
    parser.add_argument(
        "--events", type=int, required=True, help="how many events (whole journeys: a few more)"
    )
    parser.add_argument("--seed", type=int, default=7, help="seed of the base blocks (default 7)")
    parser.add_argument(
        "--rows-per-file",
        type=int,
        default=ROWS_PER_FILE,
        help=f"about how many rows a file holds (default {ROWS_PER_FILE:,})",
    )
    arguments = parser.parse_args(argv)
    done = generate(
        arguments.out_dir, arguments.events, seed=arguments.seed, rows_per_file=arguments.rows_per_file
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kB
    builders = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"wrote {done['events']:,.0f} events of {done['objects']:,.0f} objects in {done['files']:,.0f} files"
        f" to {arguments.out_dir} in {done['seconds']:.1f} s ({done['events_per_second']:,.0f} events/s);"
        f" peak memory {peak:,.0f} MB, {builders:,.0f} MB in a block builder"
    )


if __name__ == "__main__":
    main()
