"""Folding events into an object, one linear pass, saying what does not fit: replay's engine."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timezone
from typing import TYPE_CHECKING, Any, TypeVar

from funnelkit._command import payload_problems
from funnelkit._errors import MISSING, InvalidInput, Location, Problem
from funnelkit._events import CREATE, Event
from funnelkit._log import Log

if TYPE_CHECKING:
    from funnelkit._subject import Subject

_set = object.__setattr__
"""Sets a field of the draft replay builds, which nobody else holds yet."""

S = TypeVar("S", bound="Subject")


def fold(history: Iterable[object], cls: type[S]) -> S:
    """The object of kind ``cls`` that ``history``, from its creation on, builds.

    Raises:
        InvalidInput: the history does not start with a creation of a ``cls``, or an event could
            not have followed the ones before it.
    """
    events = iter(history)
    first = next(events, MISSING)
    if not isinstance(first, Event):
        raise InvalidInput(
            "cannot replay", [Problem(("history", 0), "must be the event that created the object", first)]
        )
    draft = founded(first, cls)
    follow(draft, events, 1)
    return draft


def founded(event: Event, cls: type[S]) -> S:
    """The object ``event`` creates, as a draft of ``cls`` to fold the rest of its history into.

    Raises:
        InvalidInput: the event cannot create an object of ``cls``.
    """
    if (
        event.subject == cls._kind
        and event.command == CREATE
        and event.sequence == 0
        and event.source is None
        and cls.creation.fits(event.payload)
        and getattr(event.at, "tzinfo", None) is timezone.utc
        and cls._initial(event.payload) == event.target
    ):
        return cls._founded(event, Log((event,)))
    problems = [
        Problem(
            ("history", 0, name),
            f"must be {value!r} for the event that creates an object",
            getattr(event, name),
        )
        for name, value in (("subject", cls._kind), ("command", CREATE), ("sequence", 0), ("source", None))
        if getattr(event, name) != value
    ]
    if not problems:
        problems.extend(payload_problems(cls.creation.payload, event.payload, ("history", 0)))
    if not problems:
        initial = cls._initial(event.payload)
        if initial != event.target:
            problems.append(
                Problem(("history", 0, "target"), f"must be {initial!r}, where it starts", event.target)
            )
        # the fast path above took every sound creation: only the time can be wrong here
        else:
            problems.append(Problem(("history", 0, "at"), "must be timezone-aware", event.at))
    raise InvalidInput(f"history of {event.subject} {event.subject_id!r} is inconsistent", problems)


def follow(draft: Subject, events: Iterable[Any], index: int) -> None:
    """Apply stored events to a draft in place, checking each could have happened.

    This is replay's inner loop: it keeps the status, version and time in locals and appends
    the history once at the end, so each event costs a few comparisons and its effect.
    """
    commands, kind, ident, table = draft.commands, draft._kind, draft.id, draft._table
    unguarded, statuses, utc = table.unguarded, draft._status_map, timezone.utc
    status, version, last = draft._status_key, draft.version, draft.last_at
    followed: list[Event] = []
    append, put = followed.append, _set
    for event in events:
        declaration = commands.get(event.command) if type(event) is Event else None
        if (
            declaration is None
            or event.source != status
            or event.sequence != version
            or event.subject_id != ident
            or event.subject != kind
            # the Event class turns every aware time into UTC, so UTC here means aware
            or getattr(event.at, "tzinfo", None) is not utc
            or event.at < last
            or not declaration.fits(event.payload)
            or (
                unguarded.get((status, event.command))
                or table.target(status, event.command, draft, event.payload)
            )
            != event.target
        ):
            _set(draft, "history", draft.history.extend(followed))
            _set(draft, "last_at", last)
            raise InvalidInput(
                f"history of {kind} {ident!r} is inconsistent",
                replay_problems(draft, event, index + len(followed)),
            )
        if declaration.kept:
            payload = event.payload
            for name in declaration.kept:
                put(draft, name, payload[name])
        elif declaration.changes:
            for name, value in declaration.effect(draft, event.payload).items():
                put(draft, name, value)
        if event.target != status:
            status = event.target
            put(draft, "status", statuses[status])
        version += 1
        last = event.at
        append(event)
    _set(draft, "history", draft.history.extend(followed))
    _set(draft, "last_at", last)


def replay_problems(subject: Subject, event: object, index: int) -> list[Problem]:
    """Say everything wrong with an event that cannot follow this object's history."""
    where: Location = ("history", index)
    if not isinstance(event, Event):
        return [Problem(where, "must be an Event", event)]
    status = subject.status.value
    expected = {
        "subject": subject._kind,
        "subject_id": subject.id,
        "sequence": subject.version,
        "source": status,
    }
    problems = [
        Problem((*where, name), f"should be {value!r} to follow the events before it", getattr(event, name))
        for name, value in expected.items()
        if getattr(event, name) != value
    ]
    declaration = subject.commands.get(event.command)
    if declaration is None:
        problems.append(
            Problem((*where, "command"), f"must be one of {sorted(subject.event_payloads)}", event.command)
        )
    else:
        problems.extend(payload_problems(declaration.payload, event.payload, where))
    if not problems:
        problems.extend(subject._time_problems(event.at, (*where, "at")))
    if not problems:
        target = subject._table.target(status, event.command, subject, event.payload)
        problems.append(
            Problem(
                (*where, "target"),
                f"{event.command!r} from {status!r} leads to {target!r}; allowed: {subject.allowed_events()}",
                event.target,
            )
        )
    return problems
