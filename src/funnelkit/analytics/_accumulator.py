"""The accumulator: one pass over events, one record per object, and a merge of partial passes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from funnelkit._errors import InvalidInput, Problem, at_most
from funnelkit._events import Event
from funnelkit._money import Money
from funnelkit.analytics._options import Options
from funnelkit.analytics._records import FOLD, FOLDS, SECONDS_PER_DAY, Record, ignore
from funnelkit.analytics._report import Report, build

Key = tuple[str, str]
"""An object's kind and id."""


class Accumulator:
    """A report in the making: add events (one object's in order), merge partial ones, then report.

    It keeps one small record per object, never the events, so its memory grows with the number
    of objects. Accumulators built on slices of the events that split them by object merge into
    exactly the accumulator of one pass over all of them: the merge is associative and
    commutative, and an empty accumulator is its identity.

    Example:
        >>> from datetime import datetime, timezone
        >>> import funnelkit as fk
        >>> import funnelkit.analytics as an
        >>> at = datetime(2026, 3, 2, tzinfo=timezone.utc)
        >>> touch = fk.Touch(fk.Channel.search, "brand", fk.TouchKind.form_submission, at)
        >>> acme = fk.Account("acme", "Acme", fk.AccountKind.company)
        >>> lead = fk.Lead.create("L-1", account=acme, source=touch, at=at).work(at=at)
        >>> accumulator = an.Accumulator()
        >>> for event in lead.history:
        ...     accumulator.add(event)
        >>> accumulator.report().value("count", kind="lead", status="working")
        1
    """

    def __init__(
        self,
        *,
        as_of: datetime | None = None,
        by: Iterable[str] = (),
        where: Mapping[str, object] | None = None,
        period: str = "month",
        recycled: str = "once",
        costs: Mapping[str, Money] | None = None,
    ) -> None:
        """Start empty; ``as_of`` ignores later events; the rest say what :meth:`report` shows."""
        self.options = Options.checked(
            as_of=as_of, by=by, where=where, period=period, recycled=recycled, costs=costs
        )
        self._records: dict[Key, Record] = {}
        self._owned = True
        """Whether its records are its own; after a merge they are shared, and copied before a change."""

    @property
    def as_of(self) -> datetime | None:
        """The moment the funnel is seen at; events after it are ignored. ``None`` for all."""
        return self.options.as_of

    def __len__(self) -> int:
        """How many objects it has seen."""
        return len(self._records)

    def __eq__(self, other: object) -> bool:
        """Equal to an accumulator with the same options that has seen the same objects alike."""
        if not isinstance(other, Accumulator):
            return NotImplemented
        return self.options == other.options and self._records == other._records

    __hash__ = None  # type: ignore[assignment] # it changes as events arrive

    def __repr__(self) -> str:
        """How many objects it holds, and as of when."""
        return f"Accumulator({len(self._records)} objects, as_of={self.options.as_of})"

    def add(self, event: Event) -> None:
        """Count ``event``: each object's events must come in order, from its creation, without gaps.

        Raises:
            InvalidInput: it is not a funnelkit event, its time is not aware, its kind or command
                is unknown, or it is not its object's next event; the accumulator is unchanged.
        """
        self.add_all((event,))

    def add_all(self, events: Iterable[Event]) -> Accumulator:
        """Add each of ``events`` in turn; return this accumulator, to chain.

        Raises:
            InvalidInput: as :meth:`add`, for the first event refused; the events before it stay
                added, and nothing of it is.
        """
        if not self._owned:  # shared with a merge: make them its own before changing any
            self._records = {key: record.copy() for key, record in self._records.items()}
            self._owned = True
        # one loop with everything it reads at hand: this runs for every event of a history
        records = self._records
        folds = FOLD
        as_of = self.options.as_of
        utc = timezone.utc
        for event in events:
            if type(event) is not Event:
                raise _not_an_event(event)
            subject = event.subject
            key = (subject, event.subject_id)
            record = records.get(key)
            expected = 0 if record is None else record.next
            fold = folds.get((subject, event.command))
            at = event.at
            if (
                fold is None
                or event.sequence != expected
                or (at.tzinfo is not utc and at.utcoffset() is None)
            ):
                raise _refusal(event, expected, record)
            if record is None:
                record = records[key] = Record(subject, event.subject_id)
            record.next = expected + 1
            if as_of is not None and at > as_of:
                continue
            target = event.target
            if record.created is None:
                record.created = record.since = at
                record.status = target
            elif target != record.status:
                record.stays += (record.status, (at - record.since).total_seconds() / SECONDS_PER_DAY)  # type: ignore[operator]
                record.status = target
                record.since = at
            if fold is not ignore:
                fold(record, event.payload, at)
        return self

    def merge(self, other: Accumulator) -> Accumulator:
        """A new accumulator holding what this one and ``other`` have seen; neither changes.

        Raises:
            InvalidInput: ``other`` is not an accumulator, its options differ, or both have seen
                events of one object (the events were not split by object).
        """
        given: object = other  # typed, but callers may pass anything
        if not isinstance(given, Accumulator):
            raise InvalidInput("cannot merge", [Problem(("other",), "must be an Accumulator", given)])
        if other.options != self.options:
            problem = Problem(("other",), f"must have the same options, {self.options}", other.options)
            raise InvalidInput("cannot merge", [problem])
        shared = sorted(self._records.keys() & other._records.keys())
        if shared:
            problems = [
                Problem(("other",), f"has events of {kind} {name!r} too: split events by object", name)
                for kind, name in shared
            ]
            raise InvalidInput("cannot merge", at_most(problems))
        # the records are shared, not copied: whichever accumulator changes next copies its own first
        merged = Accumulator.__new__(Accumulator)
        merged.__setstate__({"options": self.options, "records": {**self._records, **other._records}})
        merged._owned = self._owned = other._owned = False  # noqa: SLF001 - its own kind
        return merged

    def records(self) -> list[Record]:
        """Copies of the records of the objects created by ``as_of``, in order of kind and id."""
        return sorted(
            (record.copy() for record in self.created()), key=lambda record: (record.kind, record.id)
        )

    def created(self) -> list[Record]:
        """The records of the objects created by ``as_of`` themselves, in no order: to read, not change."""
        return [record for record in self._records.values() if record.created is not None]

    def report(self) -> Report:
        """The report of everything added so far."""
        return build(self.created(), self._records, self.options)  # the metrics only read, in any order

    def __getstate__(self) -> dict[str, Any]:
        """Its options and records, for pickling."""
        return {"options": self.options, "records": self._records}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore from :meth:`__getstate__`."""
        self.options = state["options"]
        self._records = state["records"]
        self._owned = True


def _not_an_event(given: object) -> InvalidInput:
    hint = ": load stored events with funnelkit.load first" if isinstance(given, Mapping) else ""
    return InvalidInput("cannot add an event", [Problem((), f"must be a funnelkit Event{hint}", given)])


def _refusal(event: Event, expected: int, record: Record | None) -> InvalidInput:
    what = f"cannot add event {event.sequence} of {event.subject} {event.subject_id!r}"
    folds = FOLDS.get(event.subject)
    if folds is None:
        return InvalidInput(what, [Problem(("subject",), f"must be one of {sorted(FOLDS)}", event.subject)])
    if event.command not in folds:
        problem = Problem(
            ("command",), f"is not a command of {event.subject}: {sorted(folds)}", event.command
        )
        return InvalidInput(what, [problem])
    if event.at.utcoffset() is None:
        return InvalidInput(what, [Problem(("at",), "must be timezone-aware", event.at)])
    if record is None:
        message = "must be 0: the first event of an object is its creation (are its earlier events missing?)"
    else:
        message = (
            f"must be {expected}, the next of {event.subject} {event.subject_id!r}: "
            "events are missing or out of order"
        )
    return InvalidInput(what, [Problem(("sequence",), message, event.sequence)])
