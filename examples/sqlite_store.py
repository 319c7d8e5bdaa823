"""Store funnelkit objects in SQLite: an append-only event table, snapshots, and stale writers refused.

This is an example of the persistence pattern in ``docs/how-to/persistence.md``, outside the pure
core (it does I/O, with the standard library's ``sqlite3``). Run it to see a lead stored, loaded
back from a snapshot plus its later events, and a stale writer refused::

    python examples/sqlite_store.py /tmp/funnel.db
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, TypeVar, cast

import funnelkit as fk

T = TypeVar("T", bound=Any)

SCHEMA = """
create table if not exists events (
    kind text not null,
    id text not null,
    sequence integer not null,
    name text not null,
    at text not null,
    data text not null,
    primary key (kind, id, sequence)
);
create table if not exists snapshots (
    kind text not null,
    id text not null,
    version integer not null,
    data text not null,
    primary key (kind, id)
);
"""


FACTS: dict[str, fk.qualification.FactValue] = {"budget": True, "authority": True, "need": "speed"}
"""What discovery found out about the example's lead."""


class StaleWrite(Exception):
    """Another writer stored events for the same object first: load it again and retry."""


class EventStore:
    """Funnel objects in one SQLite database: events appended, snapshots kept beside them."""

    def __init__(self, path: str, pipelines: Iterable[fk.Pipeline] = ()) -> None:
        """Open (or create) the database at ``path``; ``pipelines`` are those stored events may name."""
        self.connection = sqlite3.connect(path)
        self.connection.executescript(SCHEMA)
        self.pipelines = tuple(pipelines)

    def close(self) -> None:
        """Close the database."""
        self.connection.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Everything inside is stored together, or not at all."""
        with self.connection:
            yield self.connection

    def save(self, subject: Any, expected_version: int) -> None:  # noqa: ANN401 - any funnel object
        """Append the events ``subject`` has had since ``expected_version``, the version it was loaded at.

        Raises:
            StaleWrite: another writer appended to this object after it was loaded.
        """
        self.save_all([(subject, expected_version)])

    def save_all(self, changes: Iterable[tuple[Any, int]]) -> None:
        """Append the new events of several objects in one transaction, such as both sides of a conversion.

        Raises:
            StaleWrite: another writer appended to one of them first; nothing was stored.
        """
        changes = list(changes)
        rows = [
            (
                event.subject,
                event.subject_id,
                event.sequence,
                event.name,
                event.at.isoformat(),
                json.dumps(fk.dump(event)),
            )
            for subject, expected_version in changes
            for event in subject.events_since(expected_version)
        ]
        try:
            with self.transaction() as connection:
                connection.executemany("insert into events values (?, ?, ?, ?, ?, ?)", rows)
        except sqlite3.IntegrityError as error:
            names = ", ".join(f"{type(subject).__name__} {subject.id!r}" for subject, _ in changes)
            raise StaleWrite(f"one of {names} changed since it was loaded") from error

    def save_snapshot(self, subject: Any) -> None:  # noqa: ANN401 - any funnel object
        """Keep ``subject``'s state at its version, so loading it need not replay every event."""
        data = fk.snapshot(subject)
        with self.transaction() as connection:
            connection.execute(
                "insert or replace into snapshots values (?, ?, ?, ?)",
                (data["kind"], subject.id, data["version"], json.dumps(data)),
            )

    def load(self, kind: type[T], id: str) -> T:
        """Load an object: from its latest snapshot and the events after it, or from all its events."""
        name = kind.__name__
        found = self.connection.execute(
            "select data from snapshots where kind = ? and id = ?", (name, id)
        ).fetchone()
        start = fk.load(kind, json.loads(found[0]), pipelines=self.pipelines) if found else None
        after = start.version if start is not None else 0
        rows = self.connection.execute(
            "select data from events where kind = ? and id = ? and sequence >= ? order by sequence",
            (name, id, after),
        )
        events = [fk.load(fk.Event, json.loads(data), pipelines=self.pipelines) for (data,) in rows]
        if start is None and not events:
            raise KeyError(f"no {name} {id!r} is stored")
        if start is not None:
            return cast("T", fk.replay(events, snapshot=start))
        return cast("T", fk.replay(events, kind=kind))


def day(n: int) -> datetime:
    """The nth of March 2026, in UTC."""
    return datetime(2026, 3, n, tzinfo=timezone.utc)


def main(path: str) -> None:
    """Store a lead, snapshot it, work it further, load it back, and refuse a stale writer."""
    store = EventStore(path)
    lead = fk.Lead.create(
        "L-1",
        account=fk.Account("acme", "Acme Ltd", fk.AccountKind.company),
        contact=fk.Contact("Ada Byron", "ada@acme.example"),
        source=fk.Touch(fk.Channel.webinar, "launch", fk.TouchKind.demo_request, day(1)),
        at=day(1),
    )
    store.save(lead, expected_version=0)
    lead = lead.work(at=day(2)).record(at=day(3), facts=FACTS)
    store.save(lead, expected_version=1)
    store.save_snapshot(lead)
    store.save(lead.fast_track(at=day(4)), expected_version=lead.version)
    loaded = store.load(fk.Lead, "L-1")
    print(f"loaded {loaded.id} at version {loaded.version}, status {loaded.status.value}")

    first, second = store.load(fk.Lead, "L-1"), store.load(fk.Lead, "L-1")
    store.save(first.qualify(at=day(5)), expected_version=first.version)
    try:
        store.save(second.disqualify(at=day(5), reason="no need"), expected_version=second.version)
    except StaleWrite as error:
        print(f"refused: {error}")
    print(f"now {store.load(fk.Lead, 'L-1').status.value}")
    store.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ":memory:")
