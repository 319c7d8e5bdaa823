"""What every funnel object shares: status, history, allowed events, commands and replay."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from statemachine import StateMachine

from funnelkit._errors import InvalidInput, Location, Problem, TransitionNotAllowed
from funnelkit._events import CREATE, EMPTY_PAYLOAD, Event
from funnelkit._table import TransitionTable
from funnelkit._values import check_aware, check_text

if TYPE_CHECKING:
    import enum

    from typing_extensions import Self

    from funnelkit._pipeline import Stage


class Subject:
    """The behaviour shared by prospects, leads, opportunities and clients.

    Subclasses are frozen attrs classes with ``id``, ``status`` and ``history`` fields. Each
    command builds one event with :meth:`_record` and returns :meth:`_apply` of it; replay runs
    the same :meth:`_apply`, so a command and its replay can never differ.
    """

    __slots__ = ()

    lifecycle: ClassVar[type[StateMachine]]
    """The python-statemachine class that declares this kind of object's lifecycle."""
    _kind: ClassVar[str]
    event_payloads: ClassVar[Mapping[str, Mapping[str, Any]]]
    _commands: ClassVar[Mapping[str, frozenset[str]]]

    if TYPE_CHECKING:
        id: str
        status: enum.Enum | Stage
        history: tuple[Event, ...]

        @classmethod
        def _created(cls, event: Event) -> Self: ...
        def _apply(self, event: Event) -> Self: ...

    def __init_subclass__(cls) -> None:
        """Map each command of a new kind of object to the arguments its method takes."""
        super().__init_subclass__()
        cls._commands = command_arguments(cls)

    @property
    def _table(self) -> TransitionTable:
        return self._class_table

    _class_table: ClassVar[TransitionTable]

    def allowed_events(self) -> tuple[str, ...]:
        """Name the events the lifecycle allows from the current status, guards judged.

        Guards that judge a command's payload (such as ``skip``'s ``to=``) cannot be judged in
        advance; their events are listed.
        """
        return self._table.allowed(self.status.value, self)

    def send(self, event: str, *, at: datetime, **payload: Any) -> Any:  # noqa: ANN401 - a command's own return type
        """Run the command named ``event``, the same as calling its method.

        Raises:
            TransitionNotAllowed: the lifecycle has no such event from the current status.
            InvalidInput: ``payload`` has keywords the command does not take.
        """
        accepted = self._commands.get(event)
        if accepted is None:
            raise self._not_allowed(event, payload)
        unexpected = sorted(set(payload) - accepted)
        if unexpected:
            raise self._invalid(
                event,
                [
                    Problem(
                        (name,),
                        f"is not an argument of {event}; it takes {sorted(accepted)}",
                        payload[name],
                    )
                    for name in unexpected
                ],
            )
        return getattr(self, event)(at=at, **payload)

    @property
    def last_at(self) -> datetime:
        """When the latest event happened; a new command may not be earlier."""
        return self.history[-1].at

    def _record(self, command: str, at: datetime, payload: dict[str, object] | None = None) -> Event:
        # the hot path of every command: the latest event holds the status as a plain string
        history = self.history
        latest = history[-1]
        status = latest.target
        target = self._table.target(status, command, self, payload or EMPTY_PAYLOAD)
        if target is None:
            raise self._not_allowed(command, payload or EMPTY_PAYLOAD)
        if type(at) is not datetime or at.utcoffset() is None or at < latest.at:
            self._check_time(command, at)
        return Event(
            self._kind,
            self.id,
            len(history),
            command,
            status,
            target,
            at,
            MappingProxyType(payload) if payload else EMPTY_PAYLOAD,
        )

    def _check_time(self, command: str, at: object) -> None:
        problems = self._time_problems(at, ("at",))
        if problems:
            raise self._invalid(command, problems)

    def _time_problems(self, at: object, where: Location) -> list[Problem]:
        if not isinstance(at, datetime) or at.utcoffset() is None:
            return [Problem(where, "must be a timezone-aware datetime, such as one in UTC", at)]
        last = self.history[-1].at
        if at < last:
            return [Problem(where, f"is earlier than the latest event, at {last.isoformat()}", at)]
        return []

    def _context(self, command: str) -> str:
        return f"{self._kind} {self.id!r} in status {self.status.value!r} cannot {command!r}"

    def _invalid(self, command: str, problems: list[Problem]) -> InvalidInput:
        return InvalidInput(self._context(command), problems)

    def _not_allowed(self, command: str, payload: Mapping[str, object]) -> TransitionNotAllowed:
        status = self.status.value
        return TransitionNotAllowed(
            subject=self._kind,
            subject_id=self.id,
            status=status,
            command=command,
            allowed=self.allowed_events(),
            failed_guards=self._table.failed_guards(status, command, self, payload),
        )

    def _text(self, command: str, name: str, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self._invalid(command, [Problem((name,), "must be a non-blank string", value)])
        return value

    def _instance(self, command: str, name: str, value: object, kind: type[Any]) -> Any:  # noqa: ANN401 - returns value as given
        if not isinstance(value, kind):
            raise self._invalid(command, [Problem((name,), f"must be a {kind.__name__}", value)])
        return value

    def _replayed(self, event: Event, index: int) -> Self:
        """Apply a stored event after checking it could have happened to this object."""
        history = self.history
        latest = history[-1]
        status = latest.target
        at = event.at
        shape = self.event_payloads.get(event.command)
        if (
            event.source == status
            and event.sequence == len(history)
            and event.subject_id == self.id
            and event.subject == self._kind
            and shape is not None
            and _fits(event.payload, shape)
            and self._table.target(status, event.command, self, event.payload) == event.target
            and type(at) is datetime
            and at.utcoffset() is not None
            and at >= latest.at
        ):
            return self._apply(event)
        raise InvalidInput(
            f"history of {self._kind} {self.id!r} is inconsistent", self._replay_problems(event, index)
        )

    def _replay_problems(self, event: Event, index: int) -> list[Problem]:
        """Say everything wrong with an event that cannot follow this object's history."""
        status = self.status.value
        expected = {
            "subject": self._kind,
            "subject_id": self.id,
            "sequence": len(self.history),
            "source": status,
        }
        problems = [
            Problem(
                ("history", index, name),
                f"should be {value!r} to follow the events before it",
                getattr(event, name),
            )
            for name, value in expected.items()
            if getattr(event, name) != value
        ]
        problems.extend(payload_problems(self.event_payloads, event, ("history", index)))
        if not problems:
            target = self._table.target(status, event.command, self, event.payload)
            if target != event.target:
                allowed = self.allowed_events()
                problems.append(
                    Problem(
                        ("history", index, "target"),
                        f"{event.command!r} from {status!r} leads to {target!r}; allowed: {allowed}",
                        event.target,
                    )
                )
        if not problems:
            problems.extend(self._time_problems(event.at, ("history", index, "at")))
        return problems


def conforms(value: object, kind: Any) -> bool:  # noqa: ANN401 - a class, a union, or tuple[X, ...]
    """Whether ``value`` is of ``kind``, where ``kind`` may also be ``tuple[X, ...]``."""
    if typing.get_origin(kind) is tuple:
        (item, _) = typing.get_args(kind)
        return isinstance(value, tuple) and all(isinstance(element, item) for element in value)
    return isinstance(value, kind)


def _fits(payload: Mapping[str, object], shape: Mapping[str, Any]) -> bool:
    return len(payload) == len(shape) and all(
        key in payload and conforms(payload[key], kind) for key, kind in shape.items()
    )


def payload_problems(
    payloads: Mapping[str, Mapping[str, Any]], event: Event, where: Location
) -> list[Problem]:
    """Check an event's payload against the declared shape of its command's payload."""
    shape = payloads.get(event.command)
    if shape is None:
        return [Problem((*where, "command"), f"must be one of {sorted(payloads)}", event.command)]
    if set(event.payload) != set(shape):
        return [
            Problem(
                (*where, "payload"),
                f"must have exactly the keys {sorted(shape)}",
                dict(event.payload),
            )
        ]
    return [
        Problem((*where, "payload", key), f"must be {_type_name(kind)}", event.payload[key])
        for key, kind in shape.items()
        if not conforms(event.payload[key], kind)
    ]


def creation_event(
    cls: type[Subject], id: str, at: datetime, payload: Mapping[str, object], target: str
) -> Event:
    """Check a new object's id, time and facts, and return the event that creates it."""
    check_text(f"cannot create a {cls._kind}", "id", id)
    check_aware(f"cannot create {cls._kind} {id!r}", "at", at)
    event = Event(cls._kind, id, 0, CREATE, None, target, at, MappingProxyType(dict(payload)))
    problems = payload_problems(cls.event_payloads, event, ())
    if problems:
        raise InvalidInput(f"cannot create {cls._kind} {id!r}", problems)
    return event


def _type_name(kind: Any) -> str:  # noqa: ANN401 - a class or a union of classes
    return str(kind) if typing.get_origin(kind) else getattr(kind, "__name__", None) or str(kind)


def command_arguments(cls: type[Subject]) -> Mapping[str, frozenset[str]]:
    """Map each command of ``cls`` to the keyword arguments of its method.

    The commands are the events of the payload declarations, which cover every lifecycle the
    class can have (a custom pipeline may add ``skip``).
    """
    commands: dict[str, frozenset[str]] = {}
    for command in cls.event_payloads:
        if command != CREATE:
            method: Callable[..., object] = getattr(cls, command)
            parameters = inspect.signature(method).parameters
            commands[command] = frozenset(name for name in parameters if name not in ("self", "at"))
    return MappingProxyType(commands)
